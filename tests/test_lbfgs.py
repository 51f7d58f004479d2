"""Training with L-BFGS: it lowers the loss, leaves the result in model.params, and stops cleanly on divergence."""

import numpy as np
import pytest

import npae
from npae.core.flat import flatten, unflatten


def test_flatten_unflatten_round_trip():
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2), "b2": rng.normal(size=3).astype(np.float32)}
    theta = flatten(params)
    assert theta.shape == (6 + 2 + 3,) and theta.dtype == np.float64
    back = unflatten(theta, params)
    assert list(back) == list(params)
    for k in params:
        assert back[k].dtype == params[k].dtype
        np.testing.assert_array_equal(back[k], params[k])
    with pytest.raises(ValueError, match="length 11"):
        unflatten(theta[:-1], params)


def test_lbfgs_lowers_the_loss_of_a_sparse_autoencoder(capsys):
    rng = np.random.default_rng(0)
    X = rng.uniform(0.1, 0.9, (200, 16))
    model = npae.Autoencoder(16, 6, penalties=[npae.WeightDecay(1e-4), npae.KLSparsity(0.1, 3.0)], rng=rng)
    before = model.loss(X)
    result = npae.train_lbfgs(model, X, maxiter=50, print_every=10)
    assert result.nit <= 50
    assert model.loss(X) == pytest.approx(result.fun)
    assert result.fun < 0.5 * before
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("iter   10/50  loss ") and lines[-1].startswith("L-BFGS done: ")
    npae.train_lbfgs(model, X, maxiter=2, verbose=False)
    assert capsys.readouterr().out == ""


class Diverging:
    """A quadratic whose loss turns NaN once θ leaves the box |θ| < 3: L-BFGS walks towards θ* = 10."""

    def __init__(self):
        self.params = {"w": np.zeros(2)}

    def loss_and_grads(self, X, target=None, params=None):
        w = (self.params if params is None else params)["w"]
        if np.abs(w).max() >= 3:
            return float("nan"), {"w": np.full(2, np.nan)}
        return float(((w - 10) ** 2).sum()), {"w": 2 * (w - 10)}


def test_divergence_stops_with_a_message_and_keeps_the_last_finite_parameters():
    model = Diverging()
    with pytest.raises(npae.DivergenceError, match="NaN or inf") as info:
        npae.train_lbfgs(model, np.zeros((1, 1)), verbose=False)
    assert np.isfinite(model.params["w"]).all() and np.abs(model.params["w"]).max() < 3
    assert info.value.last_finite_loss is None or np.isfinite(info.value.last_finite_loss)


def test_bad_arguments():
    model = npae.Autoencoder(4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="maxiter"):
        npae.train_lbfgs(model, np.full((3, 4), 0.5), maxiter=0)
    with pytest.raises(ValueError, match="X"):
        npae.train_lbfgs(model, np.full((3, 5), 0.5))
