"""The gradient checker itself, tested first on functions whose gradient is known in closed form (UFLDL's
``checkNumericalGradient``), before it is trusted to judge the models."""

import numpy as np
import pytest

from npae.gradcheck import (STEPS, TOLERANCE, check_gradients, numerical_gradient, numerical_jacobian,
                             relative_difference)


def ufldl_h(p):
    """UFLDL's checkNumericalGradient function h(x) = x₁² + 3 x₁ x₂, gradient (2x₁ + 3x₂, 3x₁)."""
    x1, x2 = p["x"]
    value = x1**2 + 3 * x1 * x2
    return value, {"x": np.array([2 * x1 + 3 * x2, 3 * x1])}


def smooth(p):
    """f(A, b) = Σ exp(A) + sin(b)·Σ A² ... a non-polynomial with a cross term, gradient by hand."""
    A, b = p["A"], p["b"]
    value = np.exp(A).sum() + np.sin(b).sum() * (A**2).sum()
    return value, {"A": np.exp(A) + 2 * A * np.sin(b).sum(), "b": np.cos(b) * (A**2).sum()}


@pytest.mark.parametrize("method", ["five_point", "central"])
def test_ufldl_function_at_4_10(method):
    # At (4, 10): gradient (2·4 + 3·10, 3·4) = (38, 12).
    numeric = numerical_gradient(ufldl_h, {"x": np.array([4.0, 10.0])}, method)
    np.testing.assert_allclose(numeric["x"], [38.0, 12.0], rtol=1e-9)


@pytest.mark.parametrize("method", ["five_point", "central"])
def test_checker_passes_a_correct_gradient(method):
    rng = np.random.default_rng(0)
    params = {"A": rng.normal(size=(3, 4)), "b": rng.normal(size=5)}
    result = check_gradients(smooth, params, method)
    # The five-point formula is far below the bar; the two-point one is only near it (see module doc).
    assert result.worst < (TOLERANCE / 10 if method == "five_point" else 1e-7)


def test_checker_fails_a_slightly_wrong_gradient():
    rng = np.random.default_rng(1)
    params = {"A": rng.normal(size=(3, 4)), "b": rng.normal(size=5)}

    def wrong(p):                          # the b-gradient is off by 0.1 %
        value, grads = smooth(p)
        grads["b"] = grads["b"] * 1.001
        return value, grads

    result = check_gradients(wrong, params)
    assert result.per_block["A"] < TOLERANCE
    assert result.per_block["b"] > 1e-4
    assert not result.passed()


def test_a_wrong_bias_block_is_seen_per_block_even_when_hidden_overall():
    # The overall norm is dominated by a large block; the per-block figure still exposes the small one.
    def f(p):
        value = 1e3 * (p["W"] ** 2).sum() + (p["b"] ** 2).sum()
        return value, {"W": 2e3 * p["W"], "b": 2 * p["b"] * 1.01}

    result = check_gradients(f, {"W": np.ones((20, 20)), "b": np.ones(2)})
    assert result.overall < 1e-6
    assert result.per_block["b"] > 1e-3


def test_the_callers_arrays_are_not_mutated():
    x = np.array([4.0, 10.0])
    before = x.copy()
    seen = []

    def f(p):
        seen.append(p["x"] is x)
        return ufldl_h(p)

    numerical_gradient(f, {"x": x})
    np.testing.assert_array_equal(x, before)
    assert not any(seen)


def test_relative_difference_edge_cases():
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_difference([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_difference([1.0], [-1.0]) == float("inf")
    # ‖(1,0) - (0,1)‖ / ‖(1,1)‖ = √2/√2 = 1
    assert relative_difference([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        relative_difference(np.zeros(2), np.zeros(3))


def test_bad_arguments():
    p = {"x": np.array([1.0, 2.0])}
    with pytest.raises(ValueError, match="method"):
        numerical_gradient(ufldl_h, p, method="forward")
    with pytest.raises(ValueError, match="step"):
        numerical_gradient(ufldl_h, p, step=0.0)
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(ufldl_h, {"x": np.array([1.0, 2.0], dtype=np.float32)})
    assert STEPS == {"central": 1e-4, "five_point": 1e-3}


def test_numerical_jacobian_of_a_known_map():
    # f(x) = (x₀ x₁, sin x₀): J = [[x₁, x₀], [cos x₀, 0]] at (0.3, -2).
    x = np.array([0.3, -2.0])
    J = numerical_jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), x)
    np.testing.assert_allclose(J, [[-2.0, 0.3], [np.cos(0.3), 0.0]], rtol=1e-9, atol=1e-11)
    np.testing.assert_array_equal(x, [0.3, -2.0])
    with pytest.raises(ValueError, match="1-D"):
        numerical_jacobian(np.sin, np.zeros((2, 2)))
