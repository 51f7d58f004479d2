"""The activations at the edges of the float range (issue 15): σ against a high-precision reference.

The reference is ``mpmath`` at 60 significant digits. σ is checked on a grid from the underflow limit of
each dtype — the z where σ(z) ≈ e^z is the smallest normal number, log(2.2e-308) = -708.4 in float64 and
log(1.2e-38) = -87.3 in float32 — up to z = 50, where it is 1 to every precision, with a tolerance in ulps
of the exact value (relative error / machine epsilon). Below that limit ``scipy.special.expit`` returns 0
from z = -709.8 (float64) or -88.7 (float32) on (where exp(-z) overflows), for values that are subnormal
at best: the last test documents that edge.
"""

import mpmath
import numpy as np
import pytest

from npae.core.activations import relu, sigmoid, sigmoid_derivative, sigmoid_second_derivative, softplus

mpmath.mp.dps = 60


def exact_sigmoid(z):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(float(z))))


def grid(dtype):
    info = np.finfo(dtype)
    normal_limit = float(np.log(info.tiny)) + 1e-3                   # σ(z) ≈ e^z is the smallest normal here
    z = np.concatenate([np.linspace(normal_limit, -1, 400),
                        np.linspace(-1, 1, 81), np.linspace(1, 50, 200)])
    return z.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_exact_to_a_few_ulps_down_to_the_underflow_limit(dtype):
    info = np.finfo(dtype)
    z = grid(dtype)
    a = sigmoid(z)
    assert a.dtype == dtype
    for zi, ai in zip(z, a):
        exact = exact_sigmoid(zi)
        error = abs(mpmath.mpf(float(ai)) - exact)
        assert exact >= info.tiny
        assert error / exact <= 4 * info.eps, f"σ({zi}) = {ai}, exact {exact}: {float(error / exact / info.eps):.1f} ulp"


@pytest.mark.parametrize("dtype, last_nonzero", [(np.float64, -709.78), (np.float32, -88.72)])
def test_below_the_underflow_limit_sigmoid_is_subnormal_or_zero(dtype, last_nonzero):
    """The documented edge: tiny but positive down to about -709.8 / -88.7, then 0 (true value subnormal)."""
    info = np.finfo(dtype)
    a = sigmoid(np.array([last_nonzero, last_nonzero - 0.1, -1e4], dtype=dtype))
    assert 0 < a[0] < 2 * info.tiny
    np.testing.assert_array_equal(a[1:], 0)


@pytest.mark.parametrize("dtype, z, nonzero", [(np.float64, -700.0, 9.86e-305), (np.float64, -37.0, 8.53e-17),
                                              (np.float32, -17.0, 4.14e-8), (np.float32, -80.0, 1.80e-35)])
def test_the_tails_the_tanh_form_got_wrong(dtype, z, nonzero):
    """½(1 + tanh(z/2)) gave 0 (or 5.96e-8 for σ(-17) in float32, 5.55e-17 for σ(-37) in float64)."""
    a = sigmoid(np.array([z], dtype=dtype))[0]
    assert a == pytest.approx(nonzero, rel=1e-2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_saturates_without_overflow_or_warnings(dtype):
    info = np.finfo(dtype)
    z = np.array([-info.max, -1e4, 1e4, info.max, -np.inf, np.inf], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = sigmoid(z)
    np.testing.assert_array_equal(a, np.array([0, 0, 1, 1, 0, 1], dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_derivatives_from_the_output(dtype):
    """σ' = a(1 - a) and σ'' = a(1 - a)(1 - 2a): relative accuracy for z ≤ 0, absolute (ulps of their
    largest value) for z > 0, where a is rounded near 1 (see the docstring of sigmoid_derivative)."""
    info = np.finfo(dtype)
    z = grid(dtype)
    a = sigmoid(z)
    d1 = sigmoid_derivative(z, a)
    d2 = sigmoid_second_derivative(a)
    for zi, d1i, d2i in zip(z, d1, d2):
        s = exact_sigmoid(zi)
        e1, e2 = s * (1 - s), s * (1 - s) * (1 - 2 * s)
        err1, err2 = abs(mpmath.mpf(float(d1i)) - e1), abs(mpmath.mpf(float(d2i)) - e2)
        if zi <= 0 and e1 >= info.tiny:
            assert err1 / e1 <= 6 * info.eps, f"σ'({zi})"
            if zi < -2:                                   # away from the zero of σ'' at z = 0
                assert err2 / abs(e2) <= 16 * info.eps, f"σ''({zi})"
        else:
            assert err1 <= 4 * info.eps * 0.25 + float(info.smallest_subnormal), f"σ'({zi})"
            assert err2 <= 8 * info.eps * 0.1 + float(info.smallest_subnormal), f"σ''({zi})"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softplus_is_finite_and_exact_at_the_ends(dtype):
    info = np.finfo(dtype)
    z = np.array([-info.max, -80.0, -20.0, 0.0, 20.0, 80.0, info.max], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # exp(-|z|) may underflow to 0: exact
        s = softplus(z)
    assert np.all(np.isfinite(s)) and np.all(s >= 0)
    for zi, si in zip(z, s):
        exact = mpmath.log1p(mpmath.exp(mpmath.mpf(float(zi))))
        if exact > info.tiny:
            assert abs(mpmath.mpf(float(si)) - exact) / exact <= 4 * info.eps


@pytest.mark.parametrize("encoder", ["sigmoid", "relu"])
@pytest.mark.parametrize("bad, error", [(np.array([[0.5 + 1j, 0.5]]), TypeError), (np.array([["a", "b"]]), TypeError),
                                        (np.array([[np.nan, 0.5]]), ValueError)])
def test_what_the_kernels_would_not_survive_is_refused_at_the_boundary_naming_X(encoder, bad, error):
    """The kernels trust their arguments (issue 23: validation once, at the boundary): the model's public methods
    refuse complex, non-numeric or non-finite data, naming X, before any kernel runs."""
    from npae.models.autoencoder import Autoencoder

    model = Autoencoder(2, 1, encoder=encoder, rng=np.random.default_rng(0))
    for method in (model.encode, model.reconstruct, model.loss_and_grads):
        with pytest.raises(error, match="X"):
            method(bad)


def test_a_sigmoid_unit_off_across_the_batch_has_a_positive_mean_activation():
    """What the KL sparsity penalty divides by: ρ̂ = mean of H over the batch, never exactly 0 (float64)."""
    Z1 = np.full((100, 1), -700.0)
    rho_hat = sigmoid(Z1).mean(axis=0)
    assert rho_hat[0] > 0 and np.isfinite(np.log(rho_hat[0]))
