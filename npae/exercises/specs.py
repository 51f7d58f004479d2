"""What each exercise is graded on: its problems, the student's outputs, npae's reference outputs.

An :class:`Exercise` says which functions the student writes, builds a few small deterministic problems
(parameters drawn away from the initialisation: biases non-zero, weights of order one), turns the
student's functions into named outputs (``"loss"``, ``"W1"``, …), computes the same outputs with npae's
public models (the reference), and names the function whose gradient is checked against finite
differences of the student's own loss. :mod:`npae.exercises.grader` does the comparing and the talking.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import npae
from npae.core.flat import flatten
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay
from npae.gradcheck import numerical_gradient as npae_numerical_gradient, relative_difference
from npae.models import psd as npae_psd
from npae.models.deep import StackedClassifier
from npae.models.softmax import Softmax


@dataclass
class Problem:
    """One small graded problem.

    Attributes
    ----------
    label : str
        How the report names it, with its article ("the encoder", "layer 2").
        A short description printed in the report.
    params : dict of str -> ndarray or None
        The point at which gradients are evaluated (float64).
    data : dict
        Everything else the student's function is called with (arrays, hyperparameters).
    gradcheck : bool
        Whether the finite-difference check of the student's own loss runs on this problem.
    """

    label: str
    params: dict
    data: dict
    gradcheck: bool = True


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


@dataclass
class Exercise:
    """An exercise: its name, lesson, the functions the student writes, and how it is graded.

    Attributes
    ----------
    name, lesson, title : str
    functions : tuple of str
        The functions of the student's file, in the order they are written.
    problems : callable
        ``problems() -> list of Problem``.
    outputs : callable
        ``outputs(module, problem) -> dict`` of named floats and arrays (calls the student's functions).
    reference : callable
        ``reference(problem) -> dict`` with the same names, from npae.
    reference_name : str
        What the reference is, for the report.
    loss_function : callable or None
        ``loss_function(module, problem) -> (params -> (loss, grads))``: the function whose gradient is
        checked against five-point finite differences of its own loss. None when there is none.
    layers : list of Layer
        From the loss downwards; used to say where a wrong gradient comes from.
    findings : callable or None
        ``findings(module) -> list of (ok, text, mistake name or None)``: property checks that are not
        comparisons of outputs (e.g. the statistics of a corruption process).
    self_check : callable or None
        ``self_check(module, problem) -> dict of block -> relative difference``, replacing the
        finite-difference check when the exercise is not a loss (the gradient estimator itself).
    self_check_title : str
        How the report names the self check.
    """

    name: str
    lesson: str
    title: str
    functions: tuple
    problems: Callable
    outputs: Callable
    reference: Callable
    reference_name: str
    loss_function: Callable = None
    layers: list = field(default_factory=list)
    findings: Callable = None
    self_check: Callable = None
    self_check_title: str = "your gradient against five-point finite differences of your own loss"


def _copy(params):
    return {k: np.array(v, dtype=np.float64) for k, v in params.items()}


def _named(loss_and_grads):
    """(loss, grads) -> {"loss": loss, **grads}."""
    loss, grads = loss_and_grads
    return {"loss": loss, **grads}


def _ae_params(rng, n_visible, n_hidden, tied=False):
    """Autoencoder parameters away from the initialisation: weights U(−1, 1), biases N(0, 0.5²)."""
    params = {"W1": rng.uniform(-1, 1, (n_visible, n_hidden)), "b1": rng.normal(0, 0.5, n_hidden)}
    if not tied:
        params["W2"] = rng.uniform(-1, 1, (n_hidden, n_visible))
    params["b2"] = rng.normal(0, 0.5, n_visible)
    return params


SIZES = ((7, 6, 4), (10, 5, 7), (12, 8, 3))     # (m, n_visible, n_hidden): under- and overcomplete


def _ae_problems(seed, hyper=({},), tied=False, unit_data=True):
    """Three autoencoder problems of the sizes in SIZES, each with its own hyperparameters."""
    rng = np.random.default_rng(seed)
    problems = []
    for (m, n_visible, n_hidden), extra in zip(SIZES, hyper * len(SIZES)):
        X = rng.uniform(0.05, 0.95, (m, n_visible)) if unit_data else rng.normal(0, 1.5, (m, n_visible))
        params = _ae_params(rng, n_visible, n_hidden, tied)
        label = f"m={m}, {n_visible}-{n_hidden}-{n_visible}" + "".join(f", {k}={v}" for k, v in extra.items())
        problems.append(Problem(label, params, {"X": X, **extra}))
    return problems


def _ae_reference(problem, **model_args):
    X = problem.data["X"]
    n_visible, n_hidden = problem.params["W1"].shape
    model = npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(0), **model_args)
    return _named(model.loss_and_grads(X, target=problem.data.get("target"), params=_copy(problem.params)))


def _call(function_name):
    """outputs(module, problem): the student's ``function_name(params, **data)`` as named outputs."""
    def outputs(module, problem):
        return _named(getattr(module, function_name)(_copy(problem.params), **problem.data))
    return outputs


def _loss(function_name):
    def loss_function(module, problem):
        return lambda params: getattr(module, function_name)(params, **problem.data)
    return loss_function


ENCODER = Layer("the encoder", "W1", "b1",
                "δ² = ∂J/∂Z1, or in what is added to ∂J/∂H before the encoder's slope f′(Z1) "
                "(a penalty's ∂Ω/∂H), or in f′(Z1) itself")
DECODER = Layer("the decoder", "W2", "b2",
                "δ³ = ∂J/∂Z2, the output delta (the residual x̂ − x, the output slope, the 1/m), or in the "
                "forward pass; the encoder inherits it through δ³W2ᵀ")
TIED_DECODER = Layer("the decoder", None, "b2", DECODER.where)


# ---------------------------------------------------------------------------------------- the exercises
def _numgrad_problems():
    rng = np.random.default_rng(12)
    ae = npae.Autoencoder(5, 3, rng=rng)
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
        Problem("h(x) = x₁² + 3x₁x₂ at x = (4, 10)", {"x": np.array([4.0, 10.0])},
                {"f": h, "exact": lambda p: {"x": np.array([2 * p["x"][0] + 3 * p["x"][1], 3 * p["x"][0]])}}),
        Problem("Σ sin(A)∘b + Σ b³/3 + exp(A₁₁), blocks A (2, 3) and b (3,)",
                {"A": rng.normal(0, 1, (2, 3)), "b": rng.normal(0, 1, 3)}, {"f": two_blocks, "exact": two_blocks_exact}),
        Problem("an autoencoder's loss, m=6, 5-3-5 (four blocks)", _ae_params(rng, 5, 3),
                {"f": lambda p: ae.loss(X, params=p), "exact": lambda p: ae.loss_and_grads(X, params=p)[1]}),
    ]


METHODS = ("central", "five_point")


def _numgrad_outputs(module, problem):
    out = {}
    for method in METHODS:
        grads = module.numerical_gradient(problem.data["f"], _copy(problem.params), method=method)
        out.update({f"{method} {name}": value for name, value in grads.items()})
    return out


def _numgrad_reference(problem):
    out = {}
    for method in METHODS:
        grads = npae_numerical_gradient(problem.data["f"], _copy(problem.params), method=method)
        out.update({f"{method} {name}": value for name, value in grads.items()})
    return out


def _numgrad_self_check(module, problem):
    """The check of a gradient estimator: its five-point estimate against the exact gradient, per block."""
    estimate = module.numerical_gradient(problem.data["f"], _copy(problem.params), method="five_point")
    exact = problem.data["exact"](_copy(problem.params))
    return {name: _relative(estimate.get(name), exact[name]) for name in exact}


def _relative(a, b):
    """relative_difference, or inf when ``a`` is missing or has another shape."""
    if a is None or np.shape(a) != np.shape(b):
        return float("inf")
    return relative_difference(a, b)


def _sparse_outputs(module, problem):
    out = _call("sparse_autoencoder_loss")(module, problem)
    d = problem.data
    n_visible, n_hidden = problem.params["W1"].shape
    theta = flatten(problem.params)
    cost, grad = module.sparse_autoencoder_cost(theta, n_visible, n_hidden, d["weight_decay"], d["rho"], d["beta"],
                                                d["X"])
    out["cost(θ)"], out["grad(θ)"] = cost, np.asarray(grad)
    return out


def _sparse_reference(problem):
    d = problem.data
    out = _ae_reference(problem, penalties=[WeightDecay(d["weight_decay"]), KLSparsity(d["rho"], d["beta"])])
    out["cost(θ)"] = out["loss"]
    out["grad(θ)"] = flatten({k: out[k] for k in ("W1", "b1", "W2", "b2")})
    return out


def _denoising_problems():
    problems = _ae_problems(9)
    rng = np.random.default_rng(90)
    for p in problems:
        X = p.data.pop("X")
        p.data["X_tilde"] = npae.masking(X, 0.3, rng)
        p.data["X"] = X
        p.label += ", masking ν=0.3"
    return problems


def _denoising_reference(problem):
    X_tilde, X = problem.data["X_tilde"], problem.data["X"]
    n_visible, n_hidden = problem.params["W1"].shape
    model = npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(0))
    return _named(model.loss_and_grads(X_tilde, target=X, params=_copy(problem.params)))


def _masking_findings(module):
    """Statistics of the student's masking noise on a 200 × 100 batch (ν = 0.3)."""
    X = np.random.default_rng(5).uniform(0.1, 1.0, (200, 100))
    original = X.copy()
    level = 0.3
    X_tilde = np.asarray(module.masking(X, level, np.random.default_rng(1)))
    findings = [(np.array_equal(X, original), "masking leaves its input X unchanged (it returns a new array)",
                 None if np.array_equal(X, original) else "masking_in_place")]
    X = original
    if X_tilde.shape != X.shape or X_tilde.dtype != X.dtype:
        return findings + [(False, f"masking returns X's shape {X.shape} and dtype {X.dtype} "
                                   f"(got {X_tilde.shape}, {X_tilde.dtype})", None)]
    zeroed = X_tilde == 0
    kept_ok = bool(np.all(zeroed | (X_tilde == X)))
    findings.append((kept_ok, "every entry of x̃ is either 0 or the entry of X", None))
    fraction = float(zeroed.mean())
    sigma = np.sqrt(level * (1 - level) / X.size)
    ok = abs(fraction - level) < 5 * sigma
    inverted = abs(fraction - (1 - level)) < 5 * sigma
    findings.append((ok, f"fraction of entries zeroed: {fraction:.4f} for ν = {level} "
                         f"(expected {level} ± {5 * sigma:.4f})", "mask_inverted" if inverted else None))
    again = np.asarray(module.masking(X.copy(), level, np.random.default_rng(1)))
    findings.append((np.array_equal(again, X_tilde), "the same seed gives the same x̃ (all randomness from rng)", None))
    none = np.asarray(module.masking(X.copy(), 0.0, np.random.default_rng(2)))
    findings.append((np.array_equal(none, X), "ν = 0 returns X unchanged", None))
    return findings


def _softmax_problems():
    rng = np.random.default_rng(19)
    problems = []
    for m, n_features, n_classes, lam, scale in ((8, 5, 4, 0.1, 1.0), (6, 3, 3, 0.01, 1.0), (5, 4, 3, 0.1, 1000.0)):
        X = rng.normal(0, 1, (m, n_features)) * scale
        params = {"W": rng.normal(0, 1, (n_features, n_classes)), "b": rng.normal(0, 1, n_classes)}
        label = f"m={m}, {n_features} features, {n_classes} classes, λ={lam}"
        if scale != 1.0:
            label += ", logits in the thousands"
        problems.append(Problem(label, params, {"X": X, "y": rng.integers(0, n_classes, m), "weight_decay": lam},
                                gradcheck=scale == 1.0))
    return problems


def _softmax_reference(problem):
    W = problem.params["W"]
    model = Softmax(W.shape[0], W.shape[1], weight_decay=problem.data["weight_decay"], rng=np.random.default_rng(0))
    return _named(model.loss_and_grads(problem.data["X"], problem.data["y"], params=_copy(problem.params)))


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
        problems.append(Problem(f"depth {depth}, m={m}, widths {width}, {n_classes} classes, λ={lam}", params, data))
    return problems


def _stacked_reference(problem):
    depth = sum(1 for k in problem.params if k.startswith("W") and k != "W_softmax")
    sizes = [problem.params["W1"].shape[0]] + [problem.params[f"W{l}"].shape[1] for l in range(1, depth + 1)]
    model = StackedClassifier(sizes, problem.params["W_softmax"].shape[1], weight_decay=problem.data["weight_decay"],
                              rng=np.random.default_rng(0))
    return _named(model.loss_and_grads(problem.data["X"], problem.data["y"], params=_copy(problem.params)))


def _stacked_layers(depth=3):
    layers = [Layer("the softmax", "W_softmax", "b_softmax",
                    "the top delta (1/m)(P − Y), or the softmax's own terms; every layer below inherits it")]
    for l in range(depth, 0, -1):
        layers.append(Layer(f"layer {l}", f"W{l}", f"b{l}",
                            f"the recurrence that makes layer {l}'s delta: (δ above · W_aboveᵀ) ∘ σ′ at the output "
                            f"of layer {l} (A[{l}](1 − A[{l}]), not another layer's)"))
    return layers


def _psd_problems():
    rng = np.random.default_rng(27)
    problems = []
    for m, n_visible, n_hidden, lam, gamma in ((6, 5, 4, 0.2, 1.0), (8, 4, 6, 0.1, 0.5), (5, 6, 3, 0.3, 2.0)):
        params = {"D": npae_psd.normalize_atoms(rng.normal(0, 1, (n_hidden, n_visible))),
                  "W": rng.uniform(-1, 1, (n_visible, n_hidden)), "b": rng.normal(0, 0.5, n_hidden),
                  "g": rng.uniform(0.5, 1.5, n_hidden)}
        data = {"X": rng.normal(0, 1, (m, n_visible)), "H": npae_psd.soft_threshold(rng.normal(0, 1, (m, n_hidden)), 0.4),
                "lam": lam, "gamma": gamma}
        problems.append(Problem(f"m={m}, {n_visible} visible, {n_hidden} code units, λ={lam}, γ={gamma}", params, data))
    return problems


def _psd_extras(problem):
    """The soft-threshold's input, the encoder's prediction F and the Lipschitz constant L of a problem."""
    d, p = problem.data, problem.params
    V = np.linspace(-1.5, 1.5, 31).reshape(-1, 1) * np.array([1.0, 0.5, 2.0])
    F = np.tanh(d["X"] @ p["W"] + p["b"]) * p["g"]
    return V, F, npae_psd.lipschitz_constant(p["D"], d["gamma"])


def _psd_outputs(module, problem):
    d, p = problem.data, _copy(problem.params)
    V, F, L = _psd_extras(problem)
    out = {"soft_threshold": np.asarray(module.soft_threshold(V, 0.4))}
    out["ista_step"] = np.asarray(module.ista_step(d["H"].copy(), d["X"], p["D"], d["lam"], d["gamma"], F, L))
    out.update(_named(module.psd_loss_and_grads(p, d["X"], d["H"], d["lam"], d["gamma"])))
    return out


def _psd_reference(problem):
    d, p = problem.data, _copy(problem.params)
    V, F, _ = _psd_extras(problem)
    out = {"soft_threshold": npae_psd.soft_threshold(V, 0.4),
           "ista_step": npae_psd.ista(d["X"], p["D"], d["lam"], d["gamma"], F=F, n_steps=1, H0=d["H"])}
    n_hidden, n_visible = p["D"].shape
    model = npae_psd.PSD(n_visible, n_hidden, lam=d["lam"], gamma=d["gamma"], rng=np.random.default_rng(0))
    out.update(_named(model.loss_and_grads(d["X"], d["H"], params=p)))
    return out


def _psd_loss(module, problem):
    d = problem.data
    return lambda params: module.psd_loss_and_grads(params, d["X"], d["H"], d["lam"], d["gamma"])


def _sparse_hyper():
    return ({"weight_decay": 0.01, "rho": 0.1, "beta": 3.0}, {"weight_decay": 0.1, "rho": 0.05, "beta": 1.5},
            {"weight_decay": 0.003, "rho": 0.2, "beta": 3.0})


def _cross_entropy_problems():
    problems = _ae_problems(17)
    big = problems[-1]
    big.params["W2"] = big.params["W2"] * 10.0
    big.params["b2"] = big.params["b2"] + np.where(big.params["b2"] > 0, 45.0, -45.0)
    big.label += ", saturated logits (|z| > 37: σ(z) rounds to 1.0)"    # 1 − σ(z) < 2⁻⁵³ for z > 37
    return problems


EXERCISES = {e.name: e for e in [
    Exercise("numerical_gradient", "lessons/02_backprop_and_gradient_checking.py",
             "two-point and five-point central differences, per block",
             ("numerical_gradient",), _numgrad_problems, _numgrad_outputs, _numgrad_reference,
             "npae.gradcheck.numerical_gradient", self_check=_numgrad_self_check,
             self_check_title="your five-point estimate against the exact gradient"),
    Exercise("autoencoder_backprop", "lessons/02_backprop_and_gradient_checking.py",
             "the two-layer autoencoder's forward and backward pass (squared error, sigmoid)",
             ("loss_and_grads",), lambda: _ae_problems(2), _call("loss_and_grads"), _ae_reference,
             "npae.Autoencoder", _loss("loss_and_grads"), [DECODER, ENCODER]),
    Exercise("sparse_autoencoder_cost", "lessons/03_sparse_autoencoder.py",
             "UFLDL's sparse-autoencoder cost on a flat θ: weight decay and the KL delta term",
             ("sparse_autoencoder_loss", "sparse_autoencoder_cost"), lambda: _ae_problems(3, _sparse_hyper()),
             _sparse_outputs, _sparse_reference, "npae.Autoencoder with [WeightDecay(λ), KLSparsity(ρ, β)]",
             _loss("sparse_autoencoder_loss"), [DECODER, ENCODER]),
    Exercise("linear_decoder", "lessons/05_undercomplete_and_pca.py",
             "the linear decoder (UFLDL): δ³ without the output slope",
             ("loss_and_grads",), lambda: _ae_problems(5, ({"weight_decay": 0.01},), unit_data=False),
             _call("loss_and_grads"),
             lambda p: _ae_reference(p, decoder="linear", penalties=[WeightDecay(p.data["weight_decay"])]),
             "npae.Autoencoder(decoder='linear') with WeightDecay(λ)", _loss("loss_and_grads"), [DECODER, ENCODER]),
    Exercise("tied_weights", "lessons/05_undercomplete_and_pca.py",
             "tied weights W2 = W1ᵀ: the gradient is the sum of both paths",
             ("loss_and_grads",), lambda: _ae_problems(50, ({"weight_decay": 0.01},), tied=True),
             _call("loss_and_grads"),
             lambda p: _ae_reference(p, tied=True, penalties=[WeightDecay(p.data["weight_decay"])]),
             "npae.Autoencoder(tied=True) with WeightDecay(λ)", _loss("loss_and_grads"), [TIED_DECODER, ENCODER]),
    Exercise("l1_sparsity", "lessons/07_l1_vs_kl_sparsity.py",
             "the L1 sparsity penalty and where its gradient enters",
             ("loss_and_grads",), lambda: _ae_problems(7, ({"lam": 0.1},)), _call("loss_and_grads"),
             lambda p: _ae_reference(p, penalties=[L1Sparsity(p.data["lam"])]),
             "npae.Autoencoder with L1Sparsity(λ)", _loss("loss_and_grads"), [DECODER, ENCODER]),
    Exercise("denoising", "lessons/09_denoising_autoencoder.py",
             "masking noise, and the denoising loss with the clean target",
             ("masking", "loss_and_grads"), _denoising_problems, _call("loss_and_grads"), _denoising_reference,
             "npae.Autoencoder.loss_and_grads(X_tilde, target=X)", _loss("loss_and_grads"), [DECODER, ENCODER],
             _masking_findings),
    Exercise("contractive", "lessons/12_contractive_autoencoder.py",
             "the contractive penalty's gradient: direct term, σ″ term through h, bias; untied and tied",
             ("loss_and_grads",),
             lambda: _ae_problems(12, ({"lam": 0.5},)) + _ae_problems(120, ({"lam": 0.5},), tied=True)[:2],
             _call("loss_and_grads"),
             lambda p: _ae_reference(p, tied="W2" not in p.params, penalties=[Contractive(p.data["lam"])]),
             "npae.Autoencoder with Contractive(λ), tied and untied", _loss("loss_and_grads"), [DECODER, ENCODER]),
    Exercise("cross_entropy_delta", "lessons/17_keras_autoencoder_in_numpy.py",
             "the cross-entropy from the logits and its δ³ = (1/m)(σ(Z2) − X)",
             ("loss_and_grads",), _cross_entropy_problems, _call("loss_and_grads"),
             lambda p: _ae_reference(p, loss="cross_entropy"), "npae.Autoencoder(loss='cross_entropy')",
             _loss("loss_and_grads"), [DECODER, ENCODER]),
    Exercise("softmax_regression", "lessons/19_softmax_regression.py",
             "softmax regression with weight decay (UFLDL softmaxCost)",
             ("softmax_cost",), _softmax_problems, _call("softmax_cost"), _softmax_reference,
             "npae.models.softmax.Softmax", _loss("softmax_cost"),
             [Layer("the softmax", "W", "b", "the delta (1/m)(P − Y), i.e. in P (the shift, the axis of the "
                                         "normalisation) or in the loss")]),
    Exercise("stacked_finetuning", "lessons/21_fine_tuning.py",
             "the δ recurrence of a stacked encoder + softmax, any depth (UFLDL stackedAECost)",
             ("stacked_cost",), _stacked_problems, _call("stacked_cost"), _stacked_reference,
             "npae.models.deep.StackedClassifier", _loss("stacked_cost"), _stacked_layers()),
    Exercise("psd_ista", "lessons/27_predictive_sparse_decomposition.py",
             "ISTA's soft-threshold step and the PSD encoder's gradient",
             ("soft_threshold", "ista_step", "psd_loss_and_grads"), _psd_problems, _psd_outputs, _psd_reference,
             "npae.models.psd (soft_threshold, one step of ista, PSD.loss_and_grads)", _psd_loss,
             [Layer("the dictionary", "D", None, "∂E/∂D = (2/m) Hᵀ(HD − X)"),
              Layer("the encoder", "W", "b", "δ = ∂E/∂F ∘ g ∘ (1 − T²): the gain g or tanh's slope 1 − T²")]),
]}
