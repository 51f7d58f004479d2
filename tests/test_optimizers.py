"""Tests for npae.training.optimizers: convergence on a known quadratic, hand-computed first steps,
in-place updates, and argument checks."""

import numpy as np
import pytest

from npae.training.optimizers import SGD, Adadelta, Adam, make_optimizer


# ---- a convex quadratic with a known minimum, in a dict of two blocks ------------------------
# J(θ) = Σ_k ½ (θ_k − θ*_k)ᵀ A_k (θ_k − θ*_k), A_k SPD with eigenvalues in [0.5, 2],
# so ∇_k J = A_k (θ_k − θ*_k) and the minimum is θ* (J = 0).

class Quadratic:
    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        shapes = {"W": (2, 3), "b": (3,)}
        self.A, self.theta_star = {}, {}
        for key, shape in shapes.items():
            size = int(np.prod(shape))
            Q, _ = np.linalg.qr(rng.normal(size=(size, size)))
            self.A[key] = Q @ np.diag(np.linspace(0.5, 2.0, size)) @ Q.T
            self.theta_star[key] = rng.normal(size=shape)
        self.params = {key: np.zeros(shape) for key, shape in shapes.items()}

    def grads(self):
        return {k: (self.A[k] @ (p - self.theta_star[k]).ravel()).reshape(p.shape)
                for k, p in self.params.items()}

    def error(self):
        return max(np.max(np.abs(p - self.theta_star[k])) for k, p in self.params.items())


@pytest.mark.parametrize("optimizer, steps", [
    (SGD(learning_rate=0.5), 200),                                # |1 − ηλ| ≤ 0.75 per step
    (SGD(learning_rate=0.1, momentum=0.9), 400),
    (SGD(learning_rate=0.1, momentum=0.9, nesterov=True), 400),
    (Adam(learning_rate=0.05), 3000),
    (Adadelta(learning_rate=1.0), 3000),
], ids=["sgd", "momentum", "nesterov", "adam", "adadelta"])
def test_converges_to_known_minimum(optimizer, steps):
    q = Quadratic()
    start = q.error()
    for _ in range(steps):
        optimizer.step(q.params, q.grads())
    assert start > 0.5
    assert q.error() < 1e-8


# ---- first steps computed by hand -----------------------------------------------------------

def test_sgd_plain_step():
    theta = {"w": np.array([1.0, -2.0])}
    SGD(learning_rate=0.1).step(theta, {"w": np.array([2.0, -4.0])})
    # θ − ηg = [1 − 0.2, −2 + 0.4]
    np.testing.assert_allclose(theta["w"], [0.8, -1.6], rtol=0, atol=1e-15)


def test_sgd_momentum_two_steps_with_constant_gradient():
    theta = {"w": np.array([0.0])}
    opt = SGD(learning_rate=0.1, momentum=0.9)
    g = {"w": np.array([2.0])}
    opt.step(theta, g)
    # v1 = −ηg = −0.2 ; θ1 = −0.2
    np.testing.assert_allclose(theta["w"], [-0.2], rtol=0, atol=1e-15)
    opt.step(theta, g)
    # v2 = μv1 − ηg = −0.18 − 0.2 = −0.38 ; θ2 = −0.2 − 0.38 = −0.58
    np.testing.assert_allclose(theta["w"], [-0.58], rtol=0, atol=1e-15)


def test_sgd_nesterov_two_steps_with_constant_gradient():
    theta = {"w": np.array([0.0])}
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    g = {"w": np.array([2.0])}
    opt.step(theta, g)
    # v1 = −0.2 ; θ1 = 0 + μv1 − ηg = −0.18 − 0.2 = −0.38
    np.testing.assert_allclose(theta["w"], [-0.38], rtol=0, atol=1e-15)
    opt.step(theta, g)
    # v2 = μv1 − ηg = −0.38 ; θ2 = −0.38 + μv2 − ηg = −0.38 − 0.342 − 0.2 = −0.922
    np.testing.assert_allclose(theta["w"], [-0.922], rtol=0, atol=1e-14)


def test_adam_steps_are_lr_times_sign_for_constant_gradient():
    # t = 1: m = 0.1g, v = 0.001g², m̂ = g, v̂ = g² → Δθ = −η g/(|g| + ε) ≈ −η sign(g).
    # t = 2: m = 0.19g, v = 0.001999g², m̂ = g, v̂ = g² again: the same step.
    theta = {"w": np.array([0.0, 0.0, 0.0])}
    g = np.array([3.0, -0.5, 1e-3])
    opt = Adam(learning_rate=1e-3, epsilon=1e-7)
    opt.step(theta, {"w": g})
    one_step = -1e-3 * g / (np.abs(g) + 1e-7)
    np.testing.assert_allclose(theta["w"], one_step, rtol=1e-12)
    np.testing.assert_allclose(theta["w"], -1e-3 * np.sign(g), rtol=1e-4)
    opt.step(theta, {"w": g})
    np.testing.assert_allclose(theta["w"], 2 * one_step, rtol=1e-12)


def test_adam_bias_correction_with_changing_gradient():
    # g1 = 1, g2 = 3 (β₁ = 0.9, β₂ = 0.999, η = 0.1, ε = 1e-7):
    # m2 = 0.9·0.1 + 0.1·3 = 0.39, m̂2 = 0.39/0.19 ; v2 = 0.999·0.001 + 0.001·9 = 0.009999,
    # v̂2 = 0.009999/0.001999 ; θ2 = θ1 − 0.1 m̂2/(√v̂2 + ε), θ1 = −0.1·1/(1 + 1e-7)
    theta = {"w": np.array([0.0])}
    opt = Adam(learning_rate=0.1)
    opt.step(theta, {"w": np.array([1.0])})
    opt.step(theta, {"w": np.array([3.0])})
    theta1 = -0.1 / (1 + 1e-7)
    expected = theta1 - 0.1 * (0.39 / 0.19) / (np.sqrt(0.009999 / 0.001999) + 1e-7)
    np.testing.assert_allclose(theta["w"], [expected], rtol=1e-12)


def test_adadelta_first_two_steps():
    rho, eps, g = 0.95, 1e-7, 2.0
    theta = {"w": np.array([0.0])}
    opt = Adadelta(learning_rate=1.0, rho=rho, epsilon=eps)
    opt.step(theta, {"w": np.array([g])})
    # E[g²] = 0.05·4 = 0.2 ; Δ1 = −√(0 + ε)/√(0.2 + ε)·2 ≈ −3.1623e-4/0.44721·2 ≈ −1.4142e-3
    delta1 = -np.sqrt(eps) / np.sqrt((1 - rho) * g**2 + eps) * g
    np.testing.assert_allclose(theta["w"], [delta1], rtol=1e-12)
    assert abs(delta1 + 1.41421e-3) < 1e-8
    opt.step(theta, {"w": np.array([g])})
    # E[Δ²] = 0.05·Δ1² ; E[g²] = 0.95·0.2 + 0.05·4 = 0.39 ; Δ2 = −√(0.05Δ1² + ε)/√(0.39 + ε)·2
    delta2 = -np.sqrt((1 - rho) * delta1**2 + eps) / np.sqrt(0.39 + eps) * g
    np.testing.assert_allclose(theta["w"], [delta1 + delta2], rtol=1e-12)


def test_adadelta_learning_rate_scales_step_but_not_accumulator():
    # η multiplies the applied step only: with η = 0.5 each step is half the η = 1 step.
    g = {"w": np.array([2.0, -1.0])}
    a, b = {"w": np.zeros(2)}, {"w": np.zeros(2)}
    opt_a, opt_b = Adadelta(learning_rate=1.0), Adadelta(learning_rate=0.5)
    for _ in range(3):
        opt_a.step(a, g)
        opt_b.step(b, g)
    np.testing.assert_allclose(b["w"], 0.5 * a["w"], rtol=1e-12)


# ---- in place, dtype, replacement ------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: SGD(momentum=0.9), lambda: SGD(), Adam, Adadelta],
                         ids=["momentum", "sgd", "adam", "adadelta"])
def test_step_is_in_place_and_keeps_float32(make):
    opt = make()
    params = {"W": np.ones((3, 2), dtype=np.float32), "b": np.ones(2, dtype=np.float32)}
    ids = {k: id(v) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    grads = {"W": np.full((3, 2), 0.5), "b": np.full(2, -0.5)}    # float64 gradients
    for _ in range(3):
        opt.step(params, grads)
    for k, v in params.items():
        assert id(v) == ids[k]
        assert v.dtype == np.float32
        assert not np.array_equal(v, before[k])
    for state in opt.state.values():
        assert all(s.dtype == np.float32 for s in state.values())


def test_replaced_array_is_the_one_updated():
    opt = Adam(learning_rate=0.1)
    params = {"w": np.zeros(2)}
    opt.step(params, {"w": np.ones(2)})
    old = params["w"]
    params["w"] = np.full(2, 5.0)
    opt.step(params, {"w": np.ones(2)})
    assert params["w"][0] < 5.0 and old[0] == pytest.approx(-0.1, rel=1e-5)


def test_grads_must_match_params():
    with pytest.raises(ValueError, match="keys"):
        SGD().step({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        SGD().step({"w": np.zeros(2)}, {"w": np.zeros(3)})


# ---- argument checks ------------------------------------------------------------------------

@pytest.mark.parametrize("cls, kwargs, name", [
    (SGD, {"learning_rate": -0.1}, "learning_rate"),
    (SGD, {"learning_rate": 0.0}, "learning_rate"),
    (SGD, {"momentum": 1.0}, "momentum"),
    (SGD, {"momentum": -0.1}, "momentum"),
    (Adam, {"learning_rate": -1e-3}, "learning_rate"),
    (Adam, {"beta_1": 1.0}, "beta_1"),
    (Adam, {"beta_2": -0.5}, "beta_2"),
    (Adam, {"epsilon": 0.0}, "epsilon"),
    (Adadelta, {"rho": 0.0}, "rho"),
    (Adadelta, {"rho": 1.0}, "rho"),
    (Adadelta, {"epsilon": -1e-7}, "epsilon"),
    (Adadelta, {"learning_rate": float("nan")}, "learning_rate"),
])
def test_invalid_hyperparameters_raise_naming_the_argument(cls, kwargs, name):
    with pytest.raises(ValueError, match=name):
        cls(**kwargs)


@pytest.mark.parametrize("cls, kwargs, name", [
    (SGD, {"momentum": "0.9"}, "momentum"),
    (Adam, {"learning_rate": True}, "learning_rate"),
    (SGD, {"nesterov": "False"}, "nesterov"),
])
def test_hyperparameters_of_the_wrong_type_raise_type_error(cls, kwargs, name):
    with pytest.raises(TypeError, match=name):
        cls(**kwargs)


@pytest.mark.parametrize("cls", [SGD, Adam, Adadelta])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_step_with_non_finite_gradients_changes_nothing(cls, bad):
    params = {"w": np.array([1.0, 2.0]), "b": np.array([0.5])}
    optimizer = cls()
    optimizer.step(params, {"w": np.array([0.1, 0.2]), "b": np.array([0.3])})
    before = {k: v.copy() for k, v in params.items()}
    state = {name: {k: v.copy() for k, v in slots.items()} for name, slots in optimizer.state.items()}
    with pytest.raises(ValueError, match=r"grads\['w'\]"):
        optimizer.step(params, {"w": np.array([0.1, bad]), "b": np.array([0.3])})
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    for name, slots in optimizer.state.items():
        for k, v in slots.items():
            np.testing.assert_array_equal(v, state[name][k])
    assert optimizer.iterations == 1


def test_passing_the_class_says_to_pass_an_instance():
    with pytest.raises(TypeError, match=r"optimizer.*Adam\(\).*'adam'"):
        make_optimizer(Adam)


def test_make_optimizer():
    opt = make_optimizer("Adam", learning_rate=0.01)
    assert isinstance(opt, Adam) and opt.learning_rate == 0.01
    assert isinstance(make_optimizer("sgd"), SGD)
    assert isinstance(make_optimizer("adadelta"), Adadelta)
    existing = SGD()
    assert make_optimizer(existing) is existing
    with pytest.raises(ValueError, match="adadelta"):
        make_optimizer("rmsprop")
    with pytest.raises(ValueError, match="instance"):
        make_optimizer(existing, learning_rate=0.1)
    with pytest.raises(TypeError, match="optimizer"):
        make_optimizer(3)
