"""What each exercise is graded on: its problems, how the student's functions are called, and what is compared.

An :class:`Exercise` says which functions the student writes, builds a few small deterministic problems
(parameters drawn away from the initialisation: biases non-zero, weights of order one), turns the
student's functions into named outputs (``"loss"``, ``"W1"``, …) through a
:class:`~npae.exercises.runner.Session` (copies in, modifications recorded, return values checked), and
says how the student's gradient is checked against finite differences of the student's own loss.

The reference is the exercise's worked solution (:mod:`npae.exercises.solutions`), run on the same
problems; ``tests/test_exercises_library.py`` holds every solution equal to the library's own computation
(:class:`npae.Autoencoder`, :mod:`npae.core.conv`, …), which each exercise names once it passes.
:mod:`npae.exercises.grader` does the comparing and the talking.
"""

import importlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from npae.core.flat import flatten
from npae.exercises.runner import ARRAY, COST_AND_VECTOR, GRADS, LOSS_AND_ARRAY, LOSS_AND_GRADS
from npae.gradcheck import numerical_gradient


@dataclass
class Problem:
    """One small graded problem.

    Attributes
    ----------
    label : str
        How the report names it (what it exercises first: "tied, m=7, 6-4-6, λ=0.5").
    params : dict of str -> ndarray
        The point at which gradients are evaluated (float64).
    data : dict
        Everything else the student's function is called with (arrays, hyperparameters).
    gradcheck : bool
        Whether the finite-difference check of the student's own loss runs on this problem.
    case : str
        What the problem exercises ("tied", "ties", "saturated logits", ...); when every failing problem
        shares a case that no passing problem has, the report says "only the … cases fail".
    """

    label: str
    params: dict
    data: dict
    gradcheck: bool = True
    case: str = ""


@dataclass
class Layer:
    """A layer of a model, for localising a wrong gradient: its weight and bias keys and its delta.

    Attributes
    ----------
    label : str
        How the report names it, with its article ("the encoder", "layer 2").
    weight, bias : str or None
        Output names of its gradient blocks.
    where : str
        Where the error is when this is the topmost wrong layer (its delta, what is added to it).
    """

    label: str
    weight: str
    bias: str
    where: str


def difference(a, b):
    """Relative difference ‖a − b‖/‖a + b‖ of two outputs; inf when a shape differs or their non-finite
    entries differ (0 when both are entirely non-finite in the same places)."""
    if a is None or b is None:
        return float("inf")
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    finite_a, finite_b = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(finite_a, finite_b) or not np.array_equal(a[~finite_a], b[~finite_b], equal_nan=True):
        return float("inf")
    a, b = a[finite_a], b[finite_b]
    denominator = np.linalg.norm(a + b)
    if denominator == 0.0:
        return 0.0 if np.linalg.norm(a - b) == 0.0 else float("inf")
    return float(np.linalg.norm(a - b) / denominator)


def _finite_difference(a, b):
    """difference(a, b), but inf as soon as either holds a NaN or an inf (a gradient check needs numbers)."""
    if a is None or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    return difference(a, b)


@dataclass
class Exercise:
    """An exercise: its name, lesson, the functions the student writes, and how it is graded.

    Attributes
    ----------
    name, lesson, title : str
    summary : str
        One line for the book's table: what the student writes.
    functions : tuple of str
        The functions of the student's file, in the order they are written.
    problems : callable
        ``problems() -> list of Problem`` (deterministic).
    outputs : callable
        ``outputs(session, problem) -> dict`` of named floats and arrays (calls the student's functions).
    loss_function : callable or None
        ``loss_function(session, problem) -> (params -> (loss, grads))``: the function whose gradient is
        checked against five-point finite differences of its own loss.
    value_function : callable or None
        ``value_function(session, problem) -> (params -> float)``: the loss alone, when it is cheaper than
        ``loss_function`` (a layer's ⟨δ, Z⟩, which does not need the student's backward pass); by default
        the first element of ``loss_function``'s result.
    custom_self_check : callable or None
        ``custom_self_check(session, problem) -> dict of block -> relative difference``, replacing the check
        of ``loss_function`` (e.g. a Jacobian against finite differences of the given forward pass).
    self_check_title : str
        How the report names the self check.
    layers : list of Layer
        From the loss downwards; used to say where a wrong gradient comes from.
    gradient_keys : tuple of str or None
        The outputs that are the gradient of the loss (None: every output but the loss); the diagnosis's
        statements about "the loss and its gradient" look at these only (not at a Jacobian, an ISTA step).
    block_notes : dict of str -> str
        For exercises that are not a stack of layers: what an output depends on, said when it is wrong (a
        key names the outputs it starts: "central ε=0.01" covers "central ε=0.01 W1", …).
    findings : callable or None
        ``findings(session) -> list of (ok, text, mistake name or None)``: property checks that are not
        comparisons of outputs (e.g. the statistics of a corruption process).
    case_notes : dict of str -> str
        The cases designed to isolate one feature (tied weights, ties in a window, saturated logits), and what
        to look at when only the problems of that case fail; other cases are labels only.
    library : str
        Where npae computes the same thing; said only once the exercise passes.
    library_names : tuple of str
        The dotted names ``library`` cites (a test checks that each exists).
    giveaways : tuple of str
        Text of the backward pass that the derive stub must not contain (a test checks it).
    """

    name: str
    lesson: str
    title: str
    summary: str
    functions: tuple
    problems: Callable
    outputs: Callable
    loss_function: Callable = None
    value_function: Callable = None
    custom_self_check: Callable = None
    self_check_title: str = "your gradient against five-point finite differences of your own loss"
    layers: list = field(default_factory=list)
    gradient_keys: tuple = None
    block_notes: dict = field(default_factory=dict)
    findings: Callable = None
    case_notes: dict = field(default_factory=dict)
    library: str = ""
    library_names: tuple = ()
    giveaways: tuple = ()

    def solution(self):
        """The worked solution's module (:mod:`npae.exercises.solutions`)."""
        return importlib.import_module(f"npae.exercises.solutions.{self.name}")

    def self_check(self, session, problem):
        """Block -> relative difference of the student's gradient against finite differences of the student's loss."""
        if self.custom_self_check is not None:
            return self.custom_self_check(session, problem)
        function = self.loss_function(session, problem)
        _, analytic = function(_copy(problem.params))
        value = (self.value_function(session, problem) if self.value_function is not None
                 else lambda p: function(p)[0])
        session.watch = False
        try:
            numeric = numerical_gradient(value, _copy(problem.params))
        finally:
            session.watch = True
        return {name: _finite_difference(analytic.get(name), numeric[name]) for name in problem.params}


def _copy(params):
    return {k: np.array(v, dtype=np.float64) for k, v in params.items()}


def _loss_and_grads(function_name):
    """outputs(session, problem): the student's ``function_name(params, **data)`` as {"loss", **grads}."""
    def outputs(session, problem):
        loss, grads = session.call(function_name, problem.params, returns=LOSS_AND_GRADS, **problem.data)
        return {"loss": loss, **grads}
    return outputs


def _loss(function_name):
    def loss_function(session, problem):
        return lambda params: session.call(function_name, params, returns=LOSS_AND_GRADS, **problem.data)
    return loss_function


# ------------------------------------------------------------------------------------ autoencoder problems
def _ae_params(rng, n_visible, n_hidden, tied=False):
    """Autoencoder parameters away from the initialisation: weights U(−1, 1), biases N(0, 0.5²)."""
    params = {"W1": rng.uniform(-1, 1, (n_visible, n_hidden)), "b1": rng.normal(0, 0.5, n_hidden)}
    if not tied:
        params["W2"] = rng.uniform(-1, 1, (n_hidden, n_visible))
    params["b2"] = rng.normal(0, 0.5, n_visible)
    return params


SIZES = ((7, 6, 4), (10, 5, 7), (12, 8, 3))     # (m, n_visible, n_hidden): under- and overcomplete


def _ae_problems(seed, hyper=({},), tied=False, unit_data=True, kind=None):
    """Three autoencoder problems of the sizes in SIZES, each with its own hyperparameters.

    ``kind`` (e.g. "tied") names the case; by default the case is the code's width (under-/overcomplete).
    """
    rng = np.random.default_rng(seed)
    problems = []
    for (m, n_visible, n_hidden), extra in zip(SIZES, hyper * len(SIZES)):
        X = rng.uniform(0.05, 0.95, (m, n_visible)) if unit_data else rng.normal(0, 1.5, (m, n_visible))
        params = _ae_params(rng, n_visible, n_hidden, tied)
        case = kind or ("overcomplete" if n_hidden > n_visible else "undercomplete")
        label = f"{case}, m={m}, {n_visible}-{n_hidden}-{n_visible}" + "".join(f", {k}={v}" for k, v in extra.items())
        problems.append(Problem(label, params, {"X": X, **extra}, case=case))
    return problems


ENCODER = Layer("the encoder", "W1", "b1",
                "δ² = ∂J/∂Z1: in what is added to ∂J/∂H before the encoder's slope f′(Z1) (a penalty's "
                "∂Ω/∂H), or in f′(Z1) itself")
DECODER = Layer("the decoder", "W2", "b2",
                "δ³ = ∂J/∂Z2, the output delta (the residual x̂ − x, the output slope, the 1/m), or in the "
                "forward pass; the encoder inherits it through δ³W2ᵀ")
TIED_DECODER = Layer("the decoder", None, "b2", DECODER.where)

AE_GIVEAWAYS = ("delta3", "delta2", "δ³", "δ²", "H.T", "X.T", "(1 - H)", "(1 − H)", "(1 - X_hat)", "(1 − X̂)",
                "W2.T", "W2ᵀ", "Hᵀ", "Xᵀ", "σ'", "σ′", "a(1 − a)")


# ------------------------------------------------------------------------------------ numerical_gradient
def _numgrad_problems():
    rng = np.random.default_rng(12)
    ae = importlib.import_module("npae.exercises.solutions.autoencoder_backprop")
    X = rng.uniform(0.05, 0.95, (6, 5))

    def h(p):
        x = p["x"]
        return x[0] ** 2 + 3 * x[0] * x[1]

    def two_blocks(p):
        A, b = p["A"], p["b"]
        return float(np.sum(np.sin(A) * b) + np.sum(b ** 3) / 3 + np.exp(A[0, 0]))

    def two_blocks_exact(p):
        A, b = p["A"], p["b"]
        gA = np.cos(A) * b
        gA[0, 0] += np.exp(A[0, 0])
        return {"A": gA, "b": np.sin(A).sum(axis=0) + b ** 2}

    return [
        Problem("one block: h(x) = x₁² + 3x₁x₂ at x = (4, 10)", {"x": np.array([4.0, 10.0])},
                {"f": h, "exact": lambda p: {"x": np.array([2 * p["x"][0] + 3 * p["x"][1], 3 * p["x"][0]])}}),
        Problem("two blocks: Σ sin(A)∘b + Σ b³/3 + exp(A₁₁), A (2, 3) and b (3,)",
                {"A": rng.normal(0, 1, (2, 3)), "b": rng.normal(0, 1, 3)}, {"f": two_blocks, "exact": two_blocks_exact}),
        Problem("four blocks: an autoencoder's loss, m=6, 5-3-5", _ae_params(rng, 5, 3),
                {"f": lambda p: ae.loss_and_grads(p, X)[0], "exact": lambda p: ae.loss_and_grads(p, X)[1]}),
    ]


METHODS = ("central", "five_point")


def _numgrad_outputs(session, problem):
    """Each method at its default step, and the two-point formula at a step given explicitly (ε = 0.01, where
    its O(ε²) error is about 1e-5: a function that ignores ``step`` is seen)."""
    out = {}
    for method, step in zip(METHODS + ("central",), (None, None, 0.01)):
        grads = session.call("numerical_gradient", problem.data["f"], problem.params, method=method,
                             returns=GRADS, keys=list(problem.params), **({} if step is None else {"step": step}))
        label = method if step is None else f"{method} ε={step:g}"
        out.update({f"{label} {name}": value for name, value in grads.items()})
    return out


def _numgrad_self_check(session, problem):
    """The check of a gradient estimator: its five-point estimate against the exact gradient, per block."""
    estimate = session.call("numerical_gradient", problem.data["f"], problem.params, method="five_point",
                            returns=GRADS, keys=list(problem.params))
    exact = problem.data["exact"](_copy(problem.params))
    return {name: _finite_difference(estimate.get(name), exact[name]) for name in exact}


# --------------------------------------------------------------------------------------- sparse autoencoder
def _sparse_hyper():
    return ({"weight_decay": 0.01, "rho": 0.1, "beta": 3.0}, {"weight_decay": 0.1, "rho": 0.05, "beta": 1.5},
            {"weight_decay": 0.003, "rho": 0.2, "beta": 3.0})


def _sparse_outputs(session, problem):
    out = _loss_and_grads("sparse_autoencoder_loss")(session, problem)
    d = problem.data
    n_visible, n_hidden = problem.params["W1"].shape
    cost, grad = session.call("sparse_autoencoder_cost", flatten(problem.params), n_visible, n_hidden,
                              d["weight_decay"], d["rho"], d["beta"], d["X"], returns=COST_AND_VECTOR)
    out["cost(θ)"], out["grad(θ)"] = cost, grad
    return out


# ------------------------------------------------------------------------------------------------- denoising
def _denoising_problems():
    problems = _ae_problems(9, kind="masking ν=0.3")
    rng = np.random.default_rng(90)
    for p in problems:
        X = p.data.pop("X")
        p.data["X_tilde"] = np.where(rng.random(X.shape) >= 0.3, X, 0.0)
        p.data["X"] = X
    return problems


def _masking_findings(session):
    """Statistics of the student's masking noise on a 200 × 100 batch (ν = 0.3)."""
    X = np.random.default_rng(5).uniform(0.1, 1.0, (200, 100))
    level = 0.3
    X_tilde = session.call("masking", X, level, np.random.default_rng(1), returns=ARRAY)
    untouched = not any(function == "masking" for function, _ in session.mutations)
    findings = [(untouched, "masking leaves its input X unchanged (it returns a new array)",
                 None if untouched else "masking_in_place")]
    if X_tilde.shape != X.shape or X_tilde.dtype != X.dtype:
        return findings + [(False, f"masking returns X's shape {X.shape} and dtype {X.dtype} "
                                   f"(got {X_tilde.shape}, {X_tilde.dtype})", None)]
    zeroed = X_tilde == 0
    findings.append((bool(np.all(zeroed | (X_tilde == X))), "every entry of x̃ is either 0 or the entry of X", None))
    fraction = float(zeroed.mean())
    sigma = np.sqrt(level * (1 - level) / X.size)
    ok = abs(fraction - level) < 5 * sigma
    inverted = abs(fraction - (1 - level)) < 5 * sigma
    findings.append((ok, f"fraction of entries zeroed: {fraction:.4f} for ν = {level} "
                         f"(expected {level} ± {5 * sigma:.4f})", "mask_inverted" if inverted else None))
    again = session.call("masking", X, level, np.random.default_rng(1), returns=ARRAY)
    findings.append((np.array_equal(again, X_tilde), "the same seed gives the same x̃ (all randomness from rng)", None))
    none = session.call("masking", X, 0.0, np.random.default_rng(2), returns=ARRAY)
    findings.append((np.array_equal(none, X), "ν = 0 returns X unchanged", None))
    return findings


# ------------------------------------------------------------------------------------------- cross-entropy
def _cross_entropy_problems():
    problems = _ae_problems(17, kind="moderate logits")
    big = problems[-1]
    big.params["W2"] = big.params["W2"] * 10.0
    big.params["b2"] = big.params["b2"] + np.where(big.params["b2"] > 0, 45.0, -45.0)
    big.case = "saturated logits"
    big.label = big.label.replace("moderate logits", "saturated logits (|z| > 37: σ(z) rounds to 1.0)")
    return problems


# --------------------------------------------------------------------------------------------------- softmax
def _softmax_problems():
    rng = np.random.default_rng(19)
    problems = []
    for m, n_features, n_classes, lam, scale in ((8, 5, 4, 0.1, 1.0), (6, 3, 3, 0.01, 1.0), (5, 4, 3, 0.1, 1000.0)):
        X = rng.normal(0, 1, (m, n_features)) * scale
        params = {"W": rng.normal(0, 1, (n_features, n_classes)), "b": rng.normal(0, 1, n_classes)}
        case = "logits in the thousands" if scale != 1.0 else "moderate logits"
        label = f"{case}, m={m}, {n_features} features, {n_classes} classes, λ={lam}"
        problems.append(Problem(label, params, {"X": X, "y": rng.integers(0, n_classes, m), "weight_decay": lam},
                                gradcheck=scale == 1.0, case=case))
    return problems


OVERFLOW_NOTE = ("with logits in the thousands, exp overflows to inf (inf/inf is nan) and probabilities underflow "
                 "to 0 (log 0 = −inf, 1/0 = inf): subtract each row's maximum from the logits before exp — it "
                 "cancels in the ratio — and compute log P as Z − log Σ exp Z, never as the log of P")


def _stacked_problems():
    rng = np.random.default_rng(21)
    problems = []
    for depth, m, lam in ((1, 9, 0.1), (2, 8, 0.01), (3, 7, 0.1)):
        width, n_classes = 5, 3           # equal widths: a delta taken at the wrong layer still has the right shape
        params = {}
        for l in range(1, depth + 1):
            params[f"W{l}"] = rng.uniform(-1, 1, (width, width))
            params[f"b{l}"] = rng.normal(0, 0.5, width)
        params["W_softmax"] = rng.uniform(-1, 1, (width, n_classes))
        params["b_softmax"] = rng.normal(0, 0.5, n_classes)
        data = {"X": rng.uniform(0, 1, (m, width)), "y": rng.integers(0, n_classes, m), "weight_decay": lam}
        case = "one encoder layer" if depth == 1 else "two or more encoder layers"
        problems.append(Problem(f"depth {depth}, m={m}, widths {width}, {n_classes} classes, λ={lam}", params, data,
                                case=case))
    return problems


def _stacked_layers(depth=3):
    layers = [Layer("the softmax", "W_softmax", "b_softmax",
                    "the top delta (1/m)(P − Y), or the softmax's own terms; every layer below inherits it")]
    for l in range(depth, 0, -1):
        layers.append(Layer(f"layer {l}", f"W{l}", f"b{l}",
                            f"the recurrence that makes layer {l}'s delta: (δ above · W_aboveᵀ) ∘ σ′ at the output "
                            f"of layer {l} (A[{l}](1 − A[{l}]), not another layer's)"))
    return layers


# ------------------------------------------------------------------------------------------------------- PSD
def _psd_problems():
    rng = np.random.default_rng(27)
    problems = []
    for m, n_visible, n_hidden, lam, gamma in ((6, 5, 4, 0.2, 1.0), (8, 4, 6, 0.1, 0.5), (5, 6, 3, 0.3, 2.0)):
        D = rng.normal(0, 1, (n_hidden, n_visible))
        D /= np.linalg.norm(D, axis=1, keepdims=True)                        # unit-norm atoms
        params = {"D": D, "W": rng.uniform(-1, 1, (n_visible, n_hidden)), "b": rng.normal(0, 0.5, n_hidden),
                  "g": rng.uniform(0.5, 1.5, n_hidden)}
        V = rng.normal(0, 1, (m, n_hidden))
        H = np.sign(V) * np.maximum(np.abs(V) - 0.4, 0.0)                   # sparse codes
        data = {"X": rng.normal(0, 1, (m, n_visible)), "H": H, "lam": lam, "gamma": gamma}
        case = "overcomplete" if n_hidden > n_visible else "undercomplete"
        problems.append(Problem(f"{case}, m={m}, {n_visible} visible, {n_hidden} code units, λ={lam}, γ={gamma}",
                                params, data, case=case))
    return problems


def _psd_outputs(session, problem):
    d, p = problem.data, problem.params
    V = np.linspace(-1.5, 1.5, 31).reshape(-1, 1) * np.array([1.0, 0.5, 2.0])
    F = np.tanh(d["X"] @ p["W"] + p["b"]) * p["g"]
    L = 2.0 * (np.linalg.norm(p["D"], 2) ** 2 + d["gamma"])
    out = {"soft_threshold": session.call("soft_threshold", V, 0.4, returns=ARRAY)}
    out["ista_step"] = session.call("ista_step", d["H"], d["X"], p["D"], d["lam"], d["gamma"], F, L, returns=ARRAY)
    loss, grads = session.call("psd_loss_and_grads", p, d["X"], d["H"], d["lam"], d["gamma"], returns=LOSS_AND_GRADS)
    return {**out, "loss": loss, **grads}


def _psd_loss(session, problem):
    d = problem.data
    return lambda params: session.call("psd_loss_and_grads", params, d["X"], d["H"], d["lam"], d["gamma"],
                                       returns=LOSS_AND_GRADS)


# ------------------------------------------------------------------------------------------ convolution
# (case, n, C_in, C_out, H, W, k, padding): the three differ in the padding and the kernel's parity only
CONV_CASES = (("same, odd kernel", 2, 2, 3, 5, 6, 3, "same"), ("same, even kernel", 2, 2, 3, 6, 5, 2, "same"),
              ("valid", 2, 2, 3, 6, 6, 3, "valid"))


def _conv_problems(seed):
    """Convolution problems: (label, n, C_in, C_out, H, W, k, padding) of CONV_CASES, with δ a random array."""
    rng = np.random.default_rng(seed)
    problems = []
    for case, n, C_in, C_out, H, W, k, padding in CONV_CASES:
        H_out, W_out = (H, W) if padding == "same" else (H - k + 1, W - k + 1)
        params = {"X": rng.normal(0, 1, (n, C_in, H, W)), "W": rng.normal(0, 1, (C_out, C_in, k, k)),
                  "b": rng.normal(0, 1, C_out)}
        delta = rng.normal(0, 1, (n, C_out, H_out, W_out))
        label = f"{case}: X {params['X'].shape}, W {params['W'].shape}, padding {padding!r}"
        problems.append(Problem(label, params, {"delta": delta, "padding": padding}, case=case))
    return problems


def _conv_forward(params, padding):
    """Z of the statement's convolution (the worked solution's given forward pass)."""
    solution = importlib.import_module("npae.exercises.solutions.conv2d_backward")
    return solution.conv2d_forward(params["X"], params["W"], params["b"], padding)[0]


def _conv_backward_outputs(session, problem):
    p, d = problem.params, problem.data
    return session.call("conv2d_backward", d["delta"], p["X"], p["W"], d["padding"], returns=GRADS,
                        keys=["X", "W", "b"])


def _conv_backward_loss(session, problem):
    d = problem.data

    def loss(params):
        grads = session.call("conv2d_backward", d["delta"], params["X"], params["W"], d["padding"], returns=GRADS,
                             keys=["X", "W", "b"])
        return _conv_value(problem)(params), grads
    return loss


def _conv_value(problem):
    """params -> ⟨δ, Z⟩ for the problem's δ (Z: the statement's forward pass)."""
    d = problem.data
    return lambda params: float(np.sum(d["delta"] * _conv_forward(params, d["padding"])))


def _conv_input_outputs(session, problem):
    p, d = problem.params, problem.data
    return {"X": session.call("conv_input_gradient", d["delta"], p["W"], d["padding"], p["X"].shape, returns=ARRAY)}


def _conv_input_self_check(session, problem):
    p, d = problem.params, problem.data
    grad = session.call("conv_input_gradient", d["delta"], p["W"], d["padding"], p["X"].shape, returns=ARRAY)
    numeric = numerical_gradient(lambda q: float(np.sum(d["delta"] * _conv_forward({**p, "X": q["X"]}, d["padding"]))),
                                 {"X": p["X"].copy()})
    return {"X": _finite_difference(grad, numeric["X"])}


CONV_CASE_NOTES = {
    "same, even kernel": "'same' padding with an even kernel is not symmetric: (k − 1)//2 zeros before, the rest "
                         "after (padding_amounts)",
    "valid": "'valid' padding adds no zeros, and the output is smaller than the input",
}


# -------------------------------------------------------------------------------------------- max-pooling
def _distinct(rng, shape, spacing=0.1):
    """Values spaced by at least ``spacing``, in random order and of both signs: no near-ties anywhere."""
    values = (np.arange(int(np.prod(shape))) - np.prod(shape) / 2) * spacing
    return rng.permutation(values).reshape(shape)


def _pool_problems():
    rng = np.random.default_rng(24)
    problems = []
    for case, shape, ties in (("no ties", (2, 2, 4, 6), False), ("odd size", (2, 2, 5, 7), False),
                              ("ties", (2, 2, 6, 4), True)):
        if ties:
            X = np.maximum(rng.normal(0, 1, shape), 0.0)                     # a ReLU's output: windows of zeros
            X[0, 0, :2, :2] = 0.7                                            # four equal maxima
            X[0, 1, 2:4, 2:4] = [[0.3, 0.9], [0.9, 0.9]]                     # three
            X[1, 0, 4:6, 0:2] = [[0.2, 0.5], [0.5, 0.1]]                     # two, top-right and bottom-left
            X[1, 1, 0:2, 2:4] = [[-1.0, 0.0], [0.0, 0.0]]                    # three zeros after a negative
        else:
            X = _distinct(rng, shape)
        n, C, H, W = shape
        delta = rng.normal(0, 1, (n, C, -(-H // 2), -(-W // 2)))
        problems.append(Problem(f"{case}: X {shape}", {"X": X}, {"delta": delta}, gradcheck=not ties, case=case))
    return problems


def _pool_outputs(session, problem):
    return {"X": session.call("maxpool_backward", problem.data["delta"], problem.params["X"], returns=ARRAY)}


def _pool_loss(session, problem):
    delta = problem.data["delta"]

    def loss(params):
        grad = session.call("maxpool_backward", delta, params["X"], returns=ARRAY)
        return _pool_value(session, problem)(params), {"X": grad}
    return loss


def _pool_value(session, problem):
    """params -> ⟨δ, P⟩, P the statement's max-pooling (the worked solution's given forward pass)."""
    solution = importlib.import_module("npae.exercises.solutions.maxpool_backward")
    delta = problem.data["delta"]
    return lambda params: float(np.sum(delta * solution.maxpool_forward(params["X"])))


# ------------------------------------------------------------------------------------------- upsampling
def _upsample_problems():
    rng = np.random.default_rng(25)
    problems = []
    for shape in ((2, 1, 3, 4), (1, 3, 2, 2), (2, 2, 5, 3)):
        n, C, H, W = shape
        problems.append(Problem(f"X {shape}", {"X": rng.normal(0, 1, shape)},
                                {"delta": rng.normal(0, 1, (n, C, 2 * H, 2 * W))}))
    return problems


def _upsample_outputs(session, problem):
    return {"U": session.call("upsample", problem.params["X"], returns=ARRAY),
            "X": session.call("upsample_backward", problem.data["delta"], returns=ARRAY)}


def _upsample_loss(session, problem):
    delta = problem.data["delta"]
    return lambda params: (_upsample_value(session, problem)(params),
                           {"X": session.call("upsample_backward", delta, returns=ARRAY)})


def _upsample_value(session, problem):
    """params -> ⟨δ, U⟩, U the statement's upsampling (the worked solution's: a wrong ``upsample`` of the student's
    is reported by the comparison of U, and must not make a right backward pass look wrong)."""
    solution = importlib.import_module("npae.exercises.solutions.upsample_backward")
    delta = problem.data["delta"]
    return lambda params: float(np.sum(delta * solution.upsample(params["X"])))


# ----------------------------------------------------------------------------------------- softmax delta
def _softmax_delta_problems():
    rng = np.random.default_rng(119)
    problems = []
    for m, n_classes, scale in ((5, 4, 1.0), (6, 3, 2.0), (4, 5, 1.0), (5, 3, 1000.0)):
        case = "logits in the thousands" if scale > 100 else "moderate logits"
        Z = rng.normal(0, 1, (m, n_classes)) * scale
        problems.append(Problem(f"{case}, m={m}, {n_classes} classes", {"Z": Z},
                                {"y": rng.integers(0, n_classes, m)}, gradcheck=scale < 100, case=case))
    return problems


def _softmax_delta_outputs(session, problem):
    Z, y = problem.params["Z"], problem.data["y"]
    jacobians = [session.call("softmax_jacobian", z, returns=ARRAY) for z in Z[:3]]
    loss, dJ_dZ = session.call("softmax_cross_entropy", Z, y, returns=LOSS_AND_ARRAY)
    shapes = {np.shape(j) for j in jacobians}
    jacobian = np.stack(jacobians) if len(shapes) == 1 else np.full((3, 0), np.nan)
    return {"jacobian": jacobian, "loss": loss, "dJ_dZ": dJ_dZ}


def _softmax_delta_self_check(session, problem):
    """∂J/∂Z against finite differences of the student's loss; the Jacobian against those of the given softmax."""
    solution = importlib.import_module("npae.exercises.solutions.softmax_delta")
    Z, y = problem.params["Z"], problem.data["y"]
    _, dJ_dZ = session.call("softmax_cross_entropy", Z, y, returns=LOSS_AND_ARRAY)
    numeric = numerical_gradient(lambda p: session.call("softmax_cross_entropy", p["Z"], y, returns=LOSS_AND_ARRAY)[0],
                                 {"Z": Z.copy()})
    worst = 0.0
    for z in Z[:3]:
        J = session.call("softmax_jacobian", z, returns=ARRAY)
        columns = [numerical_gradient(lambda p: float(solution.softmax(p["z"][None, :])[0, j]), {"z": z.copy()})["z"]
                   for j in range(z.size)]
        worst = max(worst, _finite_difference(J, np.array(columns)))
    return {"jacobian": worst, "dJ_dZ": _finite_difference(dJ_dZ, numeric["Z"])}


# -------------------------------------------------------------------------------------- encoder Jacobian
def _jacobian_problems():
    rng = np.random.default_rng(112)
    problems = []
    for m, n_visible, n_hidden in ((5, 6, 4), (4, 3, 5), (6, 5, 5)):
        case = ("overcomplete" if n_hidden > n_visible else "undercomplete" if n_hidden < n_visible
                else "square (n_hidden = n_visible)")
        params = {"W1": rng.uniform(-1, 1, (n_visible, n_hidden)), "b1": rng.normal(0, 0.5, n_hidden)}
        problems.append(Problem(f"{case}, m={m}, {n_visible} visible, {n_hidden} code units", params,
                                {"X": rng.uniform(0, 1, (m, n_visible))}, case=case))
    return problems


def _jacobian_outputs(session, problem):
    p, X = problem.params, problem.data["X"]
    return {"J": session.call("encoder_jacobian", p, X, returns=ARRAY),
            "norms": session.call("jacobian_norms", p, X, returns=ARRAY)}


def _jacobian_self_check(session, problem):
    """J against five-point differences of the given encoder (sample i's code depends on row i only, so
    perturbing column k of X in every row at once gives ∂hᵢ/∂xᵢₖ for every i); the norms against ‖that‖²_F."""
    solution = importlib.import_module("npae.exercises.solutions.encoder_jacobian")
    p, X = problem.params, problem.data["X"]
    h = 1e-3
    columns = []
    for k in range(X.shape[1]):
        step = np.zeros_like(X)
        step[:, k] = h
        values = [solution.encode(p, X + s * step) for s in (2, 1, -1, -2)]
        columns.append((-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h))
    numeric = np.stack(columns, axis=2)                                   # (m, n_hidden, n_visible)
    J = session.call("encoder_jacobian", p, X, returns=ARRAY)
    norms = session.call("jacobian_norms", p, X, returns=ARRAY)
    return {"J": _finite_difference(J, numeric), "norms": _finite_difference(norms, np.sum(numeric ** 2, axis=(1, 2)))}


# ---------------------------------------------------------------------------------------------- the list
_LAYERED = "your gradients against five-point finite differences of ⟨δ, Z⟩, Z the forward pass of the statement"

_EXERCISES = [
    Exercise(
        "numerical_gradient", "lessons/02_backprop_and_gradient_checking.py",
        "two-point and five-point central differences, per block",
        "two-point and five-point central differences, first on h(x) = x₁² + 3x₁x₂",
        ("numerical_gradient",), _numgrad_problems, _numgrad_outputs,
        custom_self_check=_numgrad_self_check, self_check_title="your five-point estimate against the exact gradient",
        block_notes={"central ε=0.01": "the two-point formula with the step given explicitly (ε = 0.01, whose O(ε²) "
                                       "error the reference has too): use the `step` argument when it is not None"},
        library="npae.gradcheck.numerical_gradient is the same two formulas, and npae.gradcheck.check_gradients "
                "compares a gradient with it block by block (npae/gradcheck/__init__.py).",
        library_names=("npae.gradcheck.numerical_gradient", "npae.gradcheck.check_gradients"),
        giveaways=("(2ε)", "12h", "8 f(", "(0.5, -0.5)", "/ 12", "(1/2, -1/2)", "(-1, 8, -8, 1)")),
    Exercise(
        "autoencoder_backprop", "lessons/02_backprop_and_gradient_checking.py",
        "the two-layer autoencoder's forward and backward pass (squared error, sigmoid)",
        "the two-layer autoencoder's forward and backward pass (squared error, sigmoid)",
        ("loss_and_grads",), lambda: _ae_problems(2), _loss_and_grads("loss_and_grads"), _loss("loss_and_grads"),
        layers=[DECODER, ENCODER],
        library="npae.Autoencoder.loss_and_grads computes the same loss and gradient (npae/models/autoencoder.py); "
                "its backward pass is built from npae.core.losses.squared_error (the value and δ³) and "
                "npae.core.layers.affine_backward (one layer's three gradients).",
        library_names=("npae.Autoencoder.loss_and_grads", "npae.core.losses.squared_error",
                       "npae.core.layers.affine_backward"),
        giveaways=AE_GIVEAWAYS),
    Exercise(
        "sparse_autoencoder_cost", "lessons/03_sparse_autoencoder.py",
        "UFLDL's sparse-autoencoder cost on a flat θ: weight decay and the KL sparsity penalty",
        "UFLDL's sparse-autoencoder cost on a flat θ, weight decay and the KL delta term; then `python -m "
        "npae.exercises train sparse_autoencoder_cost` trains your cost with L-BFGS and draws your filters",
        ("sparse_autoencoder_loss", "sparse_autoencoder_cost"), lambda: _ae_problems(3, _sparse_hyper()),
        _sparse_outputs, _loss("sparse_autoencoder_loss"), layers=[DECODER, ENCODER],
        block_notes={"grad(θ)": "sparse_autoencoder_cost's flat gradient, while the dict's gradients are right: "
                                "unflatten θ with parameter_template, call sparse_autoencoder_loss, flatten the "
                                "gradient dict in θ's order W1, b1, W2, b2",
                     "cost(θ)": "sparse_autoencoder_cost's value, while sparse_autoencoder_loss's is right: pass "
                                "λ, ρ, β and the data through in the order of the signature"},
        library="npae.Autoencoder with penalties=[WeightDecay(λ), KLSparsity(ρ, β)] computes the same cost; "
                "npae.core.penalties.KLSparsity returns your KL delta term as its ∂Ω/∂H, and npae.train_lbfgs "
                "minimises it as `train` does.",
        library_names=("npae.Autoencoder", "npae.core.penalties.KLSparsity", "npae.train_lbfgs"),
        giveaways=AE_GIVEAWAYS + ("dOmega_dH", "−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)", "-rho / rho_hat", "KL delta")),
    Exercise(
        "linear_decoder", "lessons/05_undercomplete_and_pca.py",
        "the linear decoder (UFLDL): an autoencoder whose output is not squashed",
        "the linear decoder's δ³ (UFLDL's *Linear Decoders*)",
        ("loss_and_grads",), lambda: _ae_problems(5, ({"weight_decay": 0.01},), unit_data=False),
        _loss_and_grads("loss_and_grads"), _loss("loss_and_grads"), layers=[DECODER, ENCODER],
        library="npae.Autoencoder(decoder='linear', penalties=[WeightDecay(λ)]) computes the same loss and "
                "gradient; npae.core.losses.squared_error drops the output slope for a linear decoder.",
        library_names=("npae.Autoencoder", "npae.core.losses.squared_error", "npae.core.penalties.WeightDecay"),
        giveaways=AE_GIVEAWAYS + ("slope is 1", "slope 1")),
    Exercise(
        "tied_weights", "lessons/05_undercomplete_and_pca.py",
        "tied weights W2 = W1ᵀ: a parameter used twice",
        "tied weights: the sum of both paths",
        ("loss_and_grads",), lambda: _ae_problems(50, ({"weight_decay": 0.01},), tied=True),
        _loss_and_grads("loss_and_grads"), _loss("loss_and_grads"), layers=[TIED_DECODER, ENCODER],
        library="npae.Autoencoder(tied=True, penalties=[WeightDecay(λ)]) computes the same loss and gradient "
                "(it adds the decoder's path to ∂J/∂W1, as you did).",
        library_names=("npae.Autoencoder", "npae.core.penalties.WeightDecay"),
        giveaways=AE_GIVEAWAYS + ("encoder_path", "decoder_path", "δ³ᵀ H", "sum of the gradients of both")),
    Exercise(
        "l1_sparsity", "lessons/07_l1_vs_kl_sparsity.py",
        "the L1 sparsity penalty and where its gradient enters",
        "the L1 sparsity penalty and its subgradient",
        ("loss_and_grads",), lambda: _ae_problems(7, ({"lam": 0.1},)), _loss_and_grads("loss_and_grads"),
        _loss("loss_and_grads"), layers=[DECODER, ENCODER],
        library="npae.core.penalties.L1Sparsity returns the same value and ∂Ω/∂H; npae.Autoencoder with "
                "penalties=[L1Sparsity(λ)] adds it before the encoder's slope, as you did.",
        library_names=("npae.core.penalties.L1Sparsity", "npae.Autoencoder"),
        giveaways=AE_GIVEAWAYS + ("sign(H)", "np.sign", "dJ_dH", "before the sigmoid")),
    Exercise(
        "denoising", "lessons/09_denoising_autoencoder.py",
        "masking noise, and the denoising loss with the clean target",
        "a corruption process and the denoising loss (clean target)",
        ("masking", "loss_and_grads"), _denoising_problems, _loss_and_grads("loss_and_grads"),
        _loss("loss_and_grads"), layers=[DECODER, ENCODER], findings=_masking_findings,
        library="npae.masking draws masking noise (npae/core/corruption.py), and "
                "npae.Autoencoder.loss_and_grads(X_tilde, target=X) computes the same loss and gradient.",
        library_names=("npae.masking", "npae.Autoencoder.loss_and_grads"),
        giveaways=AE_GIVEAWAYS + ("X̃ᵀ", "X_tilde.T")),
    Exercise(
        "contractive", "lessons/12_contractive_autoencoder.py",
        "the contractive penalty's gradient, untied and tied weights",
        "the contractive penalty's analytic gradient: its ∂Ω/∂H before σ′, its direct term on W1, the bias; "
        "untied and tied",
        ("loss_and_grads",),
        lambda: (_ae_problems(12, ({"lam": 0.5},), kind="untied")
                 + _ae_problems(120, ({"lam": 0.5},), tied=True, kind="tied")[:2]),
        _loss_and_grads("loss_and_grads"), _loss("loss_and_grads"), layers=[DECODER, ENCODER],
        case_notes={"tied": "with tied weights W1 is also the decoder's weight (W2 = W1ᵀ): its gradient collects "
                            "the decoder's use too, and the gradient has no W2",
                    "untied": "untied, W2 is a parameter of its own, with its own gradient"},
        library="npae.core.penalties.Contractive returns exactly your three parts — the value, ∂Ω/∂H and the "
                "direct term on W1 — and npae.Autoencoder with penalties=[Contractive(λ)] adds them as you did.",
        library_names=("npae.core.penalties.Contractive", "npae.Autoencoder"),
        # s = h(1 − h) = σ′(z) is part of the penalty's definition (‖∂h/∂x‖² = Σⱼ s² w), so the statement has it
        giveaways=tuple(g for g in AE_GIVEAWAYS if g not in ("(1 - H)", "σ'")) + (
            "dOmega_dH", "(1 − 2h)", "(1 - 2 * H)", "1 − 2H", "σ''", "σ″", "2 W1[k, j]", "(2λ/m)")),
    Exercise(
        "cross_entropy_delta", "lessons/17_keras_autoencoder_in_numpy.py",
        "the cross-entropy from the logits and its output delta",
        "the cross-entropy δ³ from the logits",
        ("loss_and_grads",), _cross_entropy_problems, _loss_and_grads("loss_and_grads"), _loss("loss_and_grads"),
        layers=[DECODER, ENCODER],
        case_notes={"saturated logits": "for |z| > 37, σ(z) rounds to exactly 1.0 in float64 and log(1 − σ(z)) is "
                                        "log 0 = −inf: compute the loss from the logits (softplus(z) − x z)"},
        library="npae.core.losses.cross_entropy returns the same value and δ³ from the logits; "
                "npae.Autoencoder(loss='cross_entropy') uses it.",
        library_names=("npae.core.losses.cross_entropy", "npae.Autoencoder"),
        giveaways=AE_GIVEAWAYS + ("slope cancels", "(σ(Z2) − X)", "(X_hat - X) / m")),
    Exercise(
        "softmax_regression", "lessons/19_softmax_regression.py",
        "softmax regression with weight decay (UFLDL softmaxCost)",
        "softmax regression with weight decay (UFLDL's `softmaxCost`)",
        ("softmax_cost",), _softmax_problems, _loss_and_grads("softmax_cost"), _loss("softmax_cost"),
        layers=[Layer("the softmax", "W", "b", "the delta ∂J/∂Z (the shift, the axis of the normalisation, the 1/m) "
                                               "or in the loss")],
        case_notes={"logits in the thousands": OVERFLOW_NOTE},
        library="npae.models.softmax.Softmax.loss_and_grads computes the same cost and gradient, with "
                "npae.models.softmax.softmax_cross_entropy for the value and the delta.",
        library_names=("npae.models.softmax.Softmax.loss_and_grads", "npae.models.softmax.softmax_cross_entropy"),
        giveaways=("(P − Y)", "np.exp(log_P) - Y", "X.T", "Xᵀ δ", "δ = ")),
    Exercise(
        "stacked_finetuning", "lessons/21_fine_tuning.py",
        "the δ recurrence of a stacked encoder + softmax, any depth (UFLDL stackedAECost)",
        "the δ recurrence of a stacked encoder + softmax fine-tuned end to end",
        ("stacked_cost",), _stacked_problems, _loss_and_grads("stacked_cost"), _loss("stacked_cost"),
        layers=_stacked_layers(),
        case_notes={"two or more encoder layers": "with one encoder layer the recurrence is used once; with more it "
                                                  "carries δ through a sigmoid layer: check which layer's A gives σ′"},
        library="npae.models.deep.StackedClassifier.loss_and_grads computes the same cost and gradient, each "
                "layer's step by npae.core.layers.affine_backward.",
        library_names=("npae.models.deep.StackedClassifier.loss_and_grads", "npae.core.layers.affine_backward"),
        giveaways=("(P − Y)", "np.exp(log_P) - Y", "A[l] * (1 - A[l])", "weights[l].T", "δ⁽ˡ⁾", "A⁽ˡ⁾ᵀ")),
    Exercise(
        "psd_ista", "lessons/27_predictive_sparse_decomposition.py",
        "ISTA's soft-threshold step and the PSD encoder's gradient",
        "ISTA's soft-threshold step and the PSD encoder's gradient",
        ("soft_threshold", "ista_step", "psd_loss_and_grads"), _psd_problems, _psd_outputs, _psd_loss,
        gradient_keys=("D", "W", "b", "g"),
        layers=[Layer("the dictionary", "D", None, "∂E/∂D, from the reconstruction term"),
                Layer("the encoder", "W", "b", "the error at the tanh's input: the gain g or tanh's slope")],
        library="npae.models.psd.soft_threshold, one step of npae.models.psd.ista and "
                "npae.models.psd.PSD.loss_and_grads compute the same.",
        library_names=("npae.models.psd.soft_threshold", "npae.models.psd.ista", "npae.models.psd.PSD.loss_and_grads"),
        giveaways=("np.sign", "np.maximum", "max(|v| − t, 0)", "2 (h D − x) Dᵀ", "(1 − T²)", "(1 - T ** 2)",
                   "Hᵀ R", "H.T @ R")),
    Exercise(
        "conv2d_backward", "lessons/24_convolution_by_hand.py",
        "the backward pass of a 2-D convolution through the patch matrix (im2col, col2im)",
        "the backward pass of a 2-D convolution: ∂J/∂W and ∂J/∂b through the patch matrix (im2col), ∂J/∂X "
        "by col2im",
        ("conv2d_backward",), lambda: _conv_problems(124), _conv_backward_outputs, _conv_backward_loss,
        value_function=lambda session, problem: _conv_value(problem), self_check_title=_LAYERED,
        block_notes={"W": "∂J/∂W pairs the patch matrix with δ laid out in the same (i, y, x) row order; check the "
                          "product's order and the reshape to W's axes (C_out, C_in, kh, kw)",
                     "b": "∂J/∂b: a bias is added at every sample *and* every pixel",
                     "X": "∂J/∂X: an entry of the padded input sits in several patches, and the padding is cropped"},
        case_notes=CONV_CASE_NOTES,
        library="npae.core.conv.conv2d_backward computes the same three gradients, ∂J/∂X by npae.core.conv.col2im.",
        library_names=("npae.core.conv.conv2d_backward", "npae.core.conv.col2im"),
        giveaways=("Dᵀ cols", "D.T @ cols", "D W.reshape", "col2im", "sum of the gradients of its copies",
                   "+= dcols", "transpose(0, 2, 3, 1)")),
    Exercise(
        "conv_input_gradient", "lessons/24_convolution_by_hand.py",
        "the input gradient of a convolution as a full convolution with the flipped kernel",
        "∂J/∂X of a convolution as one \"full\" convolution of δ with the flipped kernel (the transposed "
        "convolution)",
        ("conv_input_gradient",), lambda: _conv_problems(224), _conv_input_outputs,
        custom_self_check=_conv_input_self_check, self_check_title=_LAYERED,
        block_notes={"X": "∂J/∂X: the kernel bank's flip (both spatial axes), its channel axes, and the zeros "
                          "added around δ (before and after differ for an even kernel)"},
        case_notes=CONV_CASE_NOTES,
        library="npae.core.conv.conv2d_backward computes the same ∂J/∂X by col2im; tests/test_conv.py checks "
                "the adjoint identity ⟨conv(X), Y⟩ = ⟨X, convᵀ(Y)⟩ behind both.",
        library_names=("npae.core.conv.conv2d_backward",),
        giveaways=("::-1", "::−1", "transpose(1, 0, 2, 3)", "kh − 1 − top", "kh - 1 - top", "flipped in both",
                   "W_flip")),
    Exercise(
        "maxpool_backward", "lessons/24_convolution_by_hand.py",
        "the backward pass of 2×2 max-pooling: routing, the tie rule, odd sizes",
        "the backward pass of max-pooling: routing δ to the winner, npae's tie rule, odd sizes",
        ("maxpool_backward",), _pool_problems, _pool_outputs, _pool_loss, value_function=_pool_value,
        self_check_title="your gradient against five-point finite differences of ⟨δ, P⟩, P the max-pooling "
                         "of the statement",
        block_notes={"X": "∂J/∂X: each window's δ goes to one entry, its winner"},
        case_notes={"ties": "where a window's maximum is not unique, the first maximum in the order top-left, "
                            "top-right, bottom-left, bottom-right takes the whole δ (numpy.argmax's first "
                            "occurrence) — and only that one",
                    "odd size": "an odd height or width: the extra row or column is −∞ (it never wins) and is "
                                "cropped from ∂J/∂X"},
        library="npae.core.pooling.maxpool_forward and npae.core.pooling.maxpool_backward compute the same, "
                "with the same tie rule.",
        library_names=("npae.core.pooling.maxpool_forward", "npae.core.pooling.maxpool_backward"),
        giveaways=("argmax", "put_along_axis", "routed", "is 1 at")),
    Exercise(
        "upsample_backward", "lessons/25_convolutional_autoencoder.py",
        "2× nearest-neighbour upsampling and its backward pass",
        "2× nearest-neighbour upsampling and its backward pass (the adjoint of copying is summing)",
        ("upsample", "upsample_backward"), _upsample_problems, _upsample_outputs, _upsample_loss,
        value_function=_upsample_value,
        self_check_title="your backward pass against five-point finite differences of ⟨δ, U⟩, U the upsampling "
                         "of the statement",
        block_notes={"U": "U: each pixel copied into a 2×2 block (not the whole image tiled)",
                     "X": "∂J/∂X: every input pixel is used in four places of U"},
        library="npae.core.pooling.upsample_forward and npae.core.pooling.upsample_backward compute the same.",
        library_names=("npae.core.pooling.upsample_forward", "npae.core.pooling.upsample_backward"),
        giveaways=(".sum(axis=(3, 5))", "sum-pooling", "Σ_{p, q ∈ {0, 1}} δ")),
    Exercise(
        "softmax_delta", "lessons/19_softmax_regression.py",
        "the softmax's Jacobian and the softmax-plus-cross-entropy delta, from scratch",
        "the softmax's Jacobian ∂p/∂z and the softmax-plus-cross-entropy delta, derived from scratch",
        ("softmax_jacobian", "softmax_cross_entropy"), _softmax_delta_problems, _softmax_delta_outputs,
        custom_self_check=_softmax_delta_self_check, gradient_keys=("dJ_dZ",),
        self_check_title="your ∂J/∂Z against five-point finite differences of your loss, your Jacobian against "
                         "those of the given softmax",
        block_notes={"jacobian": "∂pⱼ/∂zₖ: p's entries all share one denominator, so every zₖ moves every pⱼ",
                     "dJ_dZ": "∂J/∂Z: the mean over samples, and its sign",
                     "loss": "J: −(1/m) Σᵢ log P[i, yᵢ], computed from the shifted logits"},
        case_notes={"logits in the thousands": OVERFLOW_NOTE},
        library="npae.models.softmax.softmax_cross_entropy returns the same value and delta, and "
                "npae.models.softmax.log_softmax the shifted log P.",
        library_names=("npae.models.softmax.softmax_cross_entropy", "npae.models.softmax.log_softmax"),
        giveaways=("np.diag(p)", "diag(p)", "np.outer", "p pᵀ", "(P − Y)", "np.exp(log_P) - Y", "1[j = k] − pₖ")),
    Exercise(
        "encoder_jacobian", "lessons/12_contractive_autoencoder.py",
        "the encoder's Jacobian ∂h/∂x, and its squared norm without building it",
        "the encoder's Jacobian ∂h/∂x used by the contractive penalty, and ‖∂h/∂x‖²_F in closed form",
        ("encoder_jacobian", "jacobian_norms"), _jacobian_problems, _jacobian_outputs,
        custom_self_check=_jacobian_self_check,
        self_check_title="your Jacobian against five-point finite differences of the given encoder, your norms "
                         "against its squared Frobenius norm",
        block_notes={"J": "∂hⱼ/∂xₖ: the chain rule through σ at zⱼ, then ∂zⱼ/∂xₖ (which entry of W1?)",
                     "norms": "‖J(xᵢ)‖²_F: a sum over the code units j of a per-sample factor and a factor "
                              "of W1 alone"},
        library="npae.analysis.jacobian.encoder_jacobian builds the same Jacobian, and "
                "npae.core.penalties.Contractive computes λ times the mean of your norms without building it.",
        library_names=("npae.analysis.jacobian.encoder_jacobian", "npae.core.penalties.Contractive"),
        giveaways=("W1.T[None", "diag(s) W1ᵀ", "s[:, :, None]", "(s ** 2) @ w", "H * (1 - H)", "h(1 − h)",
                   "hⱼ(1 − hⱼ)")),
]

#: Every exercise by name, in the course's order (by lesson; within a lesson, in the order above).
EXERCISES = {e.name: e for e in sorted(_EXERCISES, key=lambda e: e.lesson)}
