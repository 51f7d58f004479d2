"""The explicit encoder Jacobian against finite differences, and the contractive penalty's closed form against it."""

import numpy as np
import pytest

import npae
from npae.gradcheck import numerical_jacobian
from npae.analysis.jacobian import encoder_jacobian, jacobian_svd, stacked_encoder_jacobian


@pytest.mark.parametrize("encoder", ["sigmoid", "relu"])
def test_encoder_jacobian_matches_finite_differences(encoder):
    rng = np.random.default_rng(0)
    model = npae.Autoencoder(7, 4, encoder=encoder, rng=rng)
    model.params["b1"] = rng.normal(0, 0.5, 4)
    X = rng.uniform(0, 1, (5, 7))
    J = encoder_jacobian(model, X)
    assert J.shape == (5, 4, 7)
    for i in range(5):
        numeric = numerical_jacobian(lambda x: model.encode(x[None, :])[0], X[i])
        np.testing.assert_allclose(J[i], numeric, rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(encoder_jacobian(model, X[0]), J[0])          # one point


def test_contractive_penalty_equals_the_explicit_jacobian_norm():
    rng = np.random.default_rng(1)
    model = npae.Autoencoder(9, 6, penalties=[npae.Contractive(0.3)], rng=rng)
    X = rng.uniform(0, 1, (11, 9))
    J = encoder_jacobian(model, X)
    explicit = 0.3 * np.mean(np.sum(J**2, axis=(1, 2)))
    plain = npae.Autoencoder(9, 6, rng=rng)
    plain.params = {k: v.copy() for k, v in model.params.items()}
    assert model.loss(X) - plain.loss(X) == pytest.approx(explicit, rel=1e-12)


def test_stacked_jacobian_is_the_chain_rule_and_matches_finite_differences():
    rng = np.random.default_rng(2)
    layers = [(rng.normal(size=(6, 5)), rng.normal(size=5)), (rng.normal(size=(5, 3)), rng.normal(size=3))]
    X = rng.uniform(0, 1, (4, 6))

    def encode(x):
        for W, b in layers:
            x = 1 / (1 + np.exp(-(x @ W + b)))
        return x

    J = stacked_encoder_jacobian(layers, X)
    assert J.shape == (4, 3, 6)
    for i in range(4):
        np.testing.assert_allclose(J[i], numerical_jacobian(encode, X[i]), rtol=1e-7, atol=1e-10)
    with pytest.raises(ValueError, match="layer 1"):
        stacked_encoder_jacobian([layers[0], (np.zeros((4, 2)), np.zeros(2))], X)


def test_svd_matches_numpy_on_each_jacobian():
    rng = np.random.default_rng(3)
    J = rng.normal(size=(3, 4, 10))
    s, Vt = jacobian_svd(J)
    assert s.shape == (3, 4) and Vt.shape == (3, 4, 10)
    for i in range(3):
        np.testing.assert_allclose(s[i], np.linalg.svd(J[i], compute_uv=False), rtol=1e-12)
        # J Vtᵀ = U S: each right-singular vector is mapped to a vector of length σ.
        np.testing.assert_allclose(np.linalg.norm(J[i] @ Vt[i].T, axis=0), s[i], rtol=1e-12)


def test_bad_input():
    model = npae.Autoencoder(4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="shape"):
        encoder_jacobian(model, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        encoder_jacobian(model, np.full(4, np.nan))


# ---------------------------------------------------------------- issue 15: bad models, params, non-finite arrays
from npae.analysis.jacobian import reconstruction_jacobian  # noqa: E402
from npae.models.deep import DeepAutoencoder  # noqa: E402


@pytest.mark.parametrize("model", [None, npae.Autoencoder, 3, {"W1": np.zeros((3, 2))},
                                   DeepAutoencoder([3, 2], rng=np.random.default_rng(0))],
                         ids=["None", "class", "int", "dict", "deep"])
@pytest.mark.parametrize("helper", [encoder_jacobian, reconstruction_jacobian])
def test_wrong_model_types_raise_type_error_naming_model(helper, model):
    with pytest.raises(TypeError, match="model must be an npae.models.autoencoder.Autoencoder"):
        helper(model, np.zeros((2, 3)))


@pytest.mark.parametrize("helper", [encoder_jacobian, reconstruction_jacobian])
def test_params_missing_keys_or_non_finite_raise_value_error_naming_params(helper):
    model = npae.Autoencoder(3, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="params"):
        helper(model, np.zeros((2, 3)), params={"W1": model.params["W1"]})
    bad = dict(model.params, W1=np.full((3, 2), np.inf))
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        helper(model, np.zeros((2, 3)), params=bad)


def test_jacobian_svd_refuses_non_finite_input_before_lapack():
    for bad in (np.inf, np.nan):
        J = np.ones((2, 3, 4))
        J[1, 2, 0] = bad
        with pytest.raises(ValueError, match="J contains NaN or inf"):
            jacobian_svd(J)
    with pytest.raises(ValueError, match="J"):
        jacobian_svd(np.ones(3))
