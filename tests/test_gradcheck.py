"""The gradient checker itself, tested first on functions whose gradient is known in closed form (UFLDL's
``checkNumericalGradient``), before it is trusted to judge the models."""

import numpy as np
import pytest

from npae.gradcheck import (STEPS, TOLERANCE, TOLERANCES, check_gradients, numerical_gradient,
                             numerical_jacobian, relative_difference)
from npae.gradcheck.__main__ import main as gradcheck_main
from npae.gradcheck.cases import all_cases


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


def test_the_result_prints_as_a_short_table_per_block():
    rng = np.random.default_rng(2)
    params = {"A": rng.normal(size=(30, 40)), "b": rng.normal(size=5)}

    def wrong(p):
        value, grads = smooth(p)
        grads["b"] = grads["b"] * 1.001
        return value, grads

    text = str(check_gradients(wrong, params))
    lines = text.splitlines()
    assert len(lines) == 5, text                       # header, column names, one row per block, verdict
    assert "five_point" in lines[0] and "bar 1e-09" in lines[0]
    assert lines[2].split()[:2] == ["A", "(30,"] and lines[2].endswith("pass")
    assert lines[3].split()[:2] == ["b", "(5,)"] and lines[3].endswith("FAIL")
    assert "1 of 2 blocks FAIL" in lines[4]
    short = repr(check_gradients(smooth, params))
    assert short.startswith("GradCheck(method='five_point'") and "passed=True" in short
    assert len(short) < 200 and len(text) < 600          # never the whole arrays


@pytest.mark.parametrize("bad, message", [
    (lambda p: smooth(p)[0], "must return \\(loss, grads\\).*only the loss"),
    (lambda p: (np.ones(3), smooth(p)[1]), "loss of type ndarray with shape \\(3,\\)"),
    (lambda p: (smooth(p)[0], list(smooth(p)[1].values())), "grads of type list"),
    (lambda p: smooth(p) + (None,), "a tuple of 3 items"),
])
def test_a_function_with_the_wrong_return_is_told_what_was_expected(bad, message):
    params = {"A": np.ones((2, 3)), "b": np.ones(2)}
    with pytest.raises(TypeError, match=message):
        check_gradients(bad, params)


def test_wrong_keys_or_shapes_or_params_are_named():
    params = {"A": np.ones((2, 3)), "b": np.ones(2)}
    with pytest.raises(ValueError, match="missing \\['b'\\]"):
        check_gradients(lambda p: (smooth(p)[0], {"A": smooth(p)[1]["A"]}), params)
    with pytest.raises(ValueError, match="grads\\['A'\\] has shape \\(3, 2\\)"):
        check_gradients(lambda p: (smooth(p)[0], {"A": p["A"].T, "b": p["b"]}), params)
    with pytest.raises(TypeError, match="params must be a dict"):
        check_gradients(smooth, [np.ones(2)])


def test_each_method_is_judged_against_its_own_bar():
    rng = np.random.default_rng(3)
    params = {"A": rng.normal(size=(3, 4)), "b": rng.normal(size=5)}
    central = check_gradients(smooth, params, "central")
    assert central.tolerance == TOLERANCES["central"] == 1e-7 and central.passed()
    assert check_gradients(smooth, params).tolerance == TOLERANCE

    def wrong(p):                          # the b-gradient off by 0.01 %: still far above the central bar
        value, grads = smooth(p)
        grads["b"] = grads["b"] * 1.0001
        return value, grads

    assert not check_gradients(wrong, params, "central").passed()


def test_every_case_passes_the_central_bar_and_fails_the_five_point_one():
    """The central bar is not loose for nothing: two-point errors of correct gradients exceed 1e-9 on some
    cases, and stay below TOLERANCES["central"] on all."""
    worst = {case.name: case.run("central").worst for case in all_cases()}
    assert max(worst.values()) < TOLERANCES["central"], max(worst.items(), key=lambda kv: kv[1])
    assert max(worst.values()) > TOLERANCE


def test_cli_filter_list_and_central(capsys):
    with pytest.raises(SystemExit) as info:
        gradcheck_main(["--filter", "nonexistent"])
    assert info.value.code == 2
    assert "matches no case name" in capsys.readouterr().err
    assert gradcheck_main(["--list", "--filter", "sparse 8-5"]) == 0
    names = capsys.readouterr().out.splitlines()
    assert names and all("sparse 8-5" in n for n in names)
    assert gradcheck_main(["--method", "central", "--filter", "sparse 8-5"]) == 0
    out = capsys.readouterr().out
    assert "< 1e-07" in out.splitlines()[0] and "O(eps^2)" in out.splitlines()[0]
    assert f"{len(names)} passed, 0 failed" in out
