"""The variational autoencoder: its gradient, its two terms written twice, the KL in closed form against Monte
Carlo, the trainer's fresh ε, the importance-sampled log-likelihood against quadrature, and bad input."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import expit

from npae.analysis.likelihood import active_units, importance_log_likelihood
from npae.gradcheck import TOLERANCE, check_gradients
from npae.gradcheck.cases import all_cases
from npae.gradcheck.cases_vae import vae_cases
from npae.models.vae import VAE, gaussian_kl, reparameterise
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam
from npae.training.variational import VAETrainer


def small(decoder="bernoulli", **options):
    rng = np.random.default_rng(0)
    model = VAE(7, 3, n_units=5, decoder=decoder, rng=rng, **options)
    X = rng.uniform(0, 1, (6, 7)) if decoder == "bernoulli" else rng.standard_normal((6, 7))
    return model, X, rng.standard_normal((6, 3))


def test_every_vae_case_is_in_the_table_and_passes_per_block():
    names = {c.name for c in all_cases()}
    for case in vae_cases():
        assert case.name in names
        result = case.run()
        assert result.worst < TOLERANCE, (case.name, result.per_block)
        assert len(result.per_block) == (2 if case.decoder == "kl" else 10)


def test_a_wrong_gradient_is_caught_per_block():
    # the KL's log-variance derivative without its ½: the check must see it in W_logvar and b_logvar
    model, X, eps = small(beta=2.0)
    params = {k: np.random.default_rng(1).normal(0, 0.5, v.shape) for k, v in model.params.items()}

    def wrong(p):
        loss, grads = model.loss_and_grads(X, eps, params=p)
        A1 = np.maximum(X @ p["W1"] + p["b1"], 0)
        logvar = A1 @ p["W_logvar"] + p["b_logvar"]
        extra = 2.0 / X.shape[0] * 0.5 * (np.exp(logvar) - 1.0)            # β (1/m) ½ (σ² − 1) once more
        grads = dict(grads, W_logvar=grads["W_logvar"] + A1.T @ extra, b_logvar=grads["b_logvar"] + extra.sum(0))
        return loss, grads

    result = check_gradients(wrong, params)
    assert result.per_block["b_logvar"] > 1e-3 and result.per_block["W4"] < TOLERANCE


@pytest.mark.parametrize("decoder", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("beta", [0.0, 1.0, 3.0])
def test_the_loss_is_the_mean_of_the_per_sample_terms_written_apart(decoder, beta):
    model, X, eps = small(decoder, beta=beta, decoder_std=0.3)
    terms = model.elbo_terms(X, eps)
    assert terms.reconstruction.shape == terms.kl.shape == (6,)
    assert model.loss(X, eps) == pytest.approx(np.mean(terms.reconstruction + beta * terms.kl), rel=1e-12)


def test_the_bernoulli_term_by_hand():
    model, X, eps = small()
    mu, logvar = model.encode(X)
    Z4 = model.decoder_output(mu + np.exp(0.5 * logvar) * eps)
    P = expit(Z4)
    by_hand = -np.sum(X * np.log(P) + (1 - X) * np.log(1 - P), axis=1)
    np.testing.assert_allclose(model.elbo_terms(X, eps).reconstruction, by_hand, rtol=1e-10)


def test_the_gaussian_decoder_is_a_density_in_nats():
    # −log N(x; x̂, s² I) with its constant: a change of s changes the loss by the formula's terms only
    model, X, eps = small("gaussian", decoder_std=0.5)
    mu, logvar = model.encode(X)
    X_hat = model.decoder_output(mu + np.exp(0.5 * logvar) * eps)
    d = X.shape[1]
    expected = np.sum((X - X_hat) ** 2, axis=1) / (2 * 0.25) + d * np.log(0.5) + d / 2 * np.log(2 * np.pi)
    np.testing.assert_allclose(model.elbo_terms(X, eps).reconstruction, expected, rtol=1e-12)


def test_the_closed_form_kl_against_monte_carlo():
    rng = np.random.default_rng(2)
    mu, logvar = rng.normal(0, 1, (1, 3)), rng.normal(0, 0.7, (1, 3))
    eps = rng.standard_normal((400_000, 3))
    H, sigma = reparameterise(np.repeat(mu, len(eps), axis=0), np.repeat(logvar, len(eps), axis=0), eps)
    log_q = -0.5 * np.sum(eps ** 2 + logvar + np.log(2 * np.pi), axis=1)
    log_p = -0.5 * np.sum(H ** 2 + np.log(2 * np.pi), axis=1)
    monte_carlo = np.mean(log_q - log_p)
    standard_error = np.std(log_q - log_p) / np.sqrt(len(eps))
    assert abs(gaussian_kl(mu, logvar)[0] - monte_carlo) < 4 * standard_error
    assert gaussian_kl(np.zeros((2, 4)), np.zeros((2, 4))).tolist() == [0.0, 0.0]
    assert np.all(gaussian_kl(mu, logvar) > 0)


def test_the_reparameterisation_draws_from_q():
    mu, logvar = np.array([[1.0, -2.0]] * 200_000), np.array([[np.log(0.25), np.log(4.0)]] * 200_000)
    H, sigma = reparameterise(mu, logvar, np.random.default_rng(3).standard_normal((200_000, 2)))
    np.testing.assert_allclose(sigma[0], [0.5, 2.0])
    np.testing.assert_allclose(H.mean(axis=0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(H.std(axis=0), [0.5, 2.0], rtol=0.01)


def test_the_loss_is_deterministic_and_mutates_nothing():
    model, X, eps = small()
    before = {k: v.copy() for k, v in model.params.items()}
    X0, eps0 = X.copy(), eps.copy()
    np.random.seed(123)                                          # global state: must play no part
    first = model.loss_and_grads(X, eps)
    np.random.seed(456)
    second = model.loss_and_grads(X, eps)
    assert first[0] == second[0]
    for k in first[1]:
        np.testing.assert_array_equal(first[1][k], second[1][k])
        np.testing.assert_array_equal(model.params[k], before[k])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(eps, eps0)


def test_float32_model_gives_float32_gradients_close_to_float64():
    m64, X, eps = small()
    m32 = VAE(7, 3, n_units=5, rng=np.random.default_rng(0), dtype=np.float32)
    loss32, g32 = m32.loss_and_grads(X, eps)
    loss64, g64 = m64.loss_and_grads(X, eps)
    assert all(g.dtype == np.float32 for g in g32.values())
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-3, atol=1e-5)


def test_encode_decode_reconstruct_and_sample():
    model, X, eps = small()
    post = model.encode(X)
    assert post.mu.shape == post.logvar.shape == (6, 3)
    np.testing.assert_allclose(model.reconstruct(X), model.decode(post.mu))
    np.testing.assert_allclose(model.reconstruct(X, eps), model.decode(post.mu + np.exp(0.5 * post.logvar) * eps))
    S = model.sample(5, np.random.default_rng(4))
    assert S.shape == (5, 7) and np.all((S > 0) & (S < 1))
    np.testing.assert_array_equal(S, model.sample(5, np.random.default_rng(4)))


def test_the_kernels_check_kinds_and_shapes():
    mu = np.zeros((3, 2))
    with pytest.raises(TypeError, match="MU"):
        gaussian_kl([[0.0, 0.0]], mu)
    with pytest.raises(ValueError, match="LOGVAR"):
        gaussian_kl(mu, mu[:2])
    with pytest.raises(ValueError, match="EPS"):
        reparameterise(mu, mu, mu[:, :1])


def test_bad_input_is_refused_with_its_name():
    model, X, eps = small()
    with pytest.raises(ValueError, match="eps must have shape"):
        model.loss_and_grads(X, eps[:5])
    with pytest.raises(ValueError, match="eps"):
        model.loss_and_grads(X, np.full_like(eps, np.nan))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.loss_and_grads(X * 2, eps)
    with pytest.raises(ValueError, match="params"):
        model.loss_and_grads(X, eps, params={"W1": model.params["W1"]})
    with pytest.raises(ValueError, match="decoder"):
        VAE(7, 3, decoder="poisson")
    with pytest.raises(ValueError, match="decoder_std"):
        VAE(7, 3, decoder="gaussian", decoder_std=0.0)
    with pytest.raises(ValueError, match="beta"):
        VAE(7, 3, beta=-1.0)
    with pytest.raises(TypeError, match="rng"):
        VAE(7, 3, rng=0)


def two_blobs(n, rng):
    """Binary-ish 8-pixel images of two kinds, for training checks."""
    kind = rng.integers(0, 2, n)
    P = np.where(kind[:, None] == 0, [0.9] * 4 + [0.1] * 4, [0.1] * 4 + [0.9] * 4)
    return (rng.random((n, 8)) < P).astype(float)


def test_the_trainer_draws_fresh_eps_and_validates_with_fixed_eps():
    rng = np.random.default_rng(5)
    X = two_blobs(64, rng)
    trainer = VAETrainer(VAE(8, 2, n_units=6, rng=rng), np.random.default_rng(6))
    assert trainer.params is trainer.model.params
    assert trainer.loss_and_grads(X)[0] != trainer.loss_and_grads(X)[0]
    assert trainer.loss(X) == trainer.loss(X)
    with pytest.raises(ValueError, match="target must be None or X"):
        trainer.loss_and_grads(X, target=1 - X)
    with pytest.raises(TypeError, match="VAE"):
        VAETrainer(object(), np.random.default_rng(0))


def test_training_raises_the_validation_elbo():
    rng = np.random.default_rng(7)
    X, X_val = two_blobs(600, rng), two_blobs(200, rng)
    model = VAE(8, 2, n_units=16, rng=rng)
    trainer = VAETrainer(model, np.random.default_rng(8))
    before = trainer.loss(X_val)
    history = train_minibatch(trainer, X, X_val=X_val, epochs=30, batch_size=32, optimizer=Adam(learning_rate=0.01),
                              rng=np.random.default_rng(9), verbose=False)
    # −log p(x) of the data's own distribution is 8 H(0.9) + log 2 = 3.29 nats; a fair coin per pixel 5.55
    assert history.val_loss[-1] < before - 1.0
    assert history.val_loss[-1] < 4.0


def test_corruption_is_refused_before_any_step():
    rng = np.random.default_rng(10)
    X = two_blobs(40, rng)
    trainer = VAETrainer(VAE(8, 2, n_units=4, rng=rng), np.random.default_rng(11))
    before = {k: v.copy() for k, v in trainer.params.items()}
    with pytest.raises(ValueError, match="target must be None or X"):
        train_minibatch(trainer, X, epochs=1, corruption=lambda x, r: 1 - x, rng=rng, verbose=False)
    for k in before:
        np.testing.assert_array_equal(trainer.params[k], before[k])


def test_importance_sampling_against_quadrature_with_one_latent_dimension():
    # A Gaussian decoder and h in one dimension: log p(x) = log ∫ N(x; g(h), s² I) N(h; 0, 1) dh by quadrature.
    rng = np.random.default_rng(12)
    model = VAE(3, 1, n_units=4, activation="sigmoid", decoder="gaussian", decoder_std=0.4, rng=rng)
    model.params = {k: rng.normal(0, 0.8, v.shape) for k, v in model.params.items()}
    X = rng.standard_normal((3, 3))

    def log_p_exact(x):
        def integrand(h):
            mean = model.decoder_output(np.array([[h]]))[0]
            log_density = (-np.sum((x - mean) ** 2) / (2 * 0.16) - 3 * np.log(0.4) - 1.5 * np.log(2 * np.pi)
                           - h ** 2 / 2 - 0.5 * np.log(2 * np.pi))
            return np.exp(log_density)
        return np.log(quad(integrand, -12, 12, limit=400, epsabs=0, epsrel=1e-10)[0])

    exact = np.array([log_p_exact(x) for x in X])
    estimate = importance_log_likelihood(model, X, 20000, np.random.default_rng(13))
    np.testing.assert_allclose(estimate, exact, atol=0.02)
    one_sample = np.mean([importance_log_likelihood(model, X, 1, np.random.default_rng(20 + i)) for i in range(4000)],
                         axis=0)
    assert np.all(one_sample <= exact + 0.05)                    # L_1 = ELBO ≤ log p(x)
    assert np.all(estimate >= one_sample - 0.05)


def test_the_one_sample_bound_is_the_elbo_in_expectation():
    model, X, _ = small()
    n = 20000
    rng = np.random.default_rng(15)
    elbo = -np.mean([model.elbo_terms(X, rng.standard_normal((6, 3))).reconstruction for _ in range(n // 10)],
                    axis=0) - model.elbo_terms(X, np.zeros((6, 3))).kl
    one_sample = np.mean([importance_log_likelihood(model, X, 1, np.random.default_rng(100 + i))
                          for i in range(n // 10)], axis=0)
    np.testing.assert_allclose(one_sample, elbo, atol=0.15)


def test_active_units_sees_a_unit_the_data_do_not_move():
    model, X, _ = small()
    model.params["W_mu"][:, 1] = 0.0
    variances, n_active = active_units(model, np.random.default_rng(16).uniform(0, 1, (50, 7)), threshold=1e-12)
    assert variances[1] == 0.0 and n_active == 2
    with pytest.raises(ValueError, match="at least 2 rows"):
        active_units(model, X[:1])
