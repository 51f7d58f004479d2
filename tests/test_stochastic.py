"""Stochastic encoders and decoders (npae.core.stochastic): the negative log-likelihoods agree with SciPy's
densities and with npae's losses up to the stated constants; the samplers draw from the stated distributions;
bad arguments are refused."""

import numpy as np
import pytest
from scipy import stats

from npae.analysis.metrics import reconstruction_error
from npae.core.stochastic import bernoulli_nll, gaussian_nll, noisy_encode, sample_bernoulli, sample_gaussian
from npae.models.autoencoder import Autoencoder


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.uniform(size=(9, 6)), rng


def test_gaussian_nll_is_scipys_density_and_the_squared_error_plus_a_constant(data):
    X, rng = data
    model = Autoencoder(6, 4, decoder="linear", rng=rng)
    X_hat = model.reconstruct(X)
    nll = gaussian_nll(X, X_hat)
    np.testing.assert_allclose(nll, -stats.norm.logpdf(X, loc=X_hat, scale=1.0).sum(axis=1), rtol=1e-12)
    # mean over samples: ½‖x − x̂‖² (npae's squared error) + (d/2) log 2π
    assert nll.mean() - 3 * np.log(2 * np.pi) == pytest.approx(reconstruction_error(model, X), rel=1e-12)
    std = rng.uniform(0.5, 2.0, size=6)                    # one σ per pixel
    np.testing.assert_allclose(gaussian_nll(X, X_hat, std),
                               -stats.norm.logpdf(X, loc=X_hat, scale=std).sum(axis=1), rtol=1e-12)


def test_bernoulli_nll_is_scipys_pmf_on_binary_data_and_npaes_cross_entropy(data):
    X, rng = data
    B = (X > 0.5).astype(float)
    model = Autoencoder(6, 4, loss="cross_entropy", rng=rng)
    Z = model.logits(B)
    p = model.reconstruct(B)
    np.testing.assert_allclose(bernoulli_nll(B, Z), -stats.bernoulli.logpmf(B, p).sum(axis=1), rtol=1e-10)
    # grey levels: the same formula is npae's cross-entropy, with no constant
    assert bernoulli_nll(X, model.logits(X)).mean() == pytest.approx(model.loss(X), rel=1e-12)
    # large logits: finite, never log 0
    assert np.isfinite(bernoulli_nll(np.array([[1.0, 0.0]]), np.array([[-800.0, 800.0]]))).all()


def test_the_samplers_draw_from_the_stated_distributions():
    rng = np.random.default_rng(1)
    P = np.tile([0.1, 0.5, 0.9], (20000, 1))
    B = sample_bernoulli(P, rng)
    assert set(np.unique(B)) <= {0.0, 1.0}
    np.testing.assert_allclose(B.mean(axis=0), [0.1, 0.5, 0.9], atol=0.015)
    G = sample_gaussian(np.zeros((20000, 2)), np.array([1.0, 3.0]), rng)
    np.testing.assert_allclose(G.std(axis=0), [1.0, 3.0], rtol=0.03)
    assert np.array_equal(sample_gaussian(np.ones((2, 2)), 0.0, rng), np.ones((2, 2)))


def test_the_noisy_encoder_is_the_encoder_at_zero_noise_and_spreads_with_it():
    rng = np.random.default_rng(2)
    model = Autoencoder(5, 3, rng=rng)
    X = rng.uniform(size=(4, 5))
    np.testing.assert_allclose(noisy_encode(model, X, 0.0, rng), model.encode(X), rtol=1e-14)
    spread = [noisy_encode(model, np.repeat(X[:1], 2000, axis=0), s, rng).std(axis=0).mean() for s in (0.5, 2.0)]
    assert 0 < spread[0] < spread[1]


@pytest.mark.parametrize("call, error, words", [
    (lambda: gaussian_nll(np.ones((2, 3)), np.ones((2, 3)), 0.0), ValueError, "std"),
    (lambda: gaussian_nll(np.ones((2, 3)), np.ones((3, 3))), ValueError, "mean"),
    (lambda: gaussian_nll(np.ones((2, 3)), np.ones((2, 3)), np.ones(2)), ValueError, "std"),
    (lambda: bernoulli_nll(2 * np.ones((2, 3)), np.ones((2, 3))), ValueError, r"\[0, 1\]"),
    (lambda: sample_bernoulli(np.full((2, 2), 1.5), np.random.default_rng(0)), ValueError, "probabilities"),
    (lambda: sample_gaussian(np.ones((2, 2)), -1.0, np.random.default_rng(0)), ValueError, "std"),
    (lambda: sample_bernoulli(np.ones((2, 2)), 0), TypeError, "default_rng"),
    (lambda: noisy_encode(object(), np.ones((2, 2)), 1.0, np.random.default_rng(0)), TypeError, "model"),
    (lambda: noisy_encode(Autoencoder(2, 1, rng=np.random.default_rng(0)), np.ones((2, 3)), 1.0,
                          np.random.default_rng(0)), ValueError, "X"),
])
def test_bad_arguments_are_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()
