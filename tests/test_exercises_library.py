"""The exercises' references are their worked solutions: each is held equal, on every graded problem, to the
library's own computation of the same thing (the public API only), and every library name a passing report
cites exists."""

import importlib

import numpy as np
import pytest

import npae
from npae.analysis.jacobian import encoder_jacobian
from npae.core import conv, pooling
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay
from npae.exercises.grader import TOLERANCE, _reference_outputs
from npae.exercises.specs import EXERCISES, difference
from npae.gradcheck import numerical_gradient
from npae.models import psd
from npae.models.deep import StackedClassifier
from npae.models.softmax import Softmax, softmax, softmax_cross_entropy


def _autoencoder(problem, **options):
    n_visible, n_hidden = problem.params["W1"].shape
    return npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(0), tied="W2" not in problem.params,
                            **options)


def _named(loss, grads):
    return {"loss": loss, **grads}


def _ae(problem, X=None, target=None, **options):
    model = _autoencoder(problem, **options)
    X = problem.data["X"] if X is None else X
    return _named(*model.loss_and_grads(X, target=target, params=dict(problem.params)))


def _sparse(p):
    d = p.data
    out = _ae(p, penalties=[WeightDecay(d["weight_decay"]), KLSparsity(d["rho"], d["beta"])])
    return {**out, "cost(θ)": out["loss"], "grad(θ)": np.concatenate([out[k].ravel() for k in ("W1", "b1", "W2", "b2")])}


def _numerical(p):
    out = {f"{method} {k}": v for method in ("central", "five_point")
           for k, v in numerical_gradient(p.data["f"], dict(p.params), method=method).items()}
    out.update({f"central ε=0.01 {k}": v for k, v in numerical_gradient(p.data["f"], dict(p.params), "central", 0.01).items()})
    return out


def _softmax(p):
    W = p.params["W"]
    model = Softmax(W.shape[0], W.shape[1], weight_decay=p.data["weight_decay"], rng=np.random.default_rng(0))
    return _named(*model.loss_and_grads(p.data["X"], p.data["y"], params=dict(p.params)))


def _stacked(p):
    depth = sum(1 for k in p.params if k.startswith("W") and k != "W_softmax")
    sizes = [p.params["W1"].shape[0]] + [p.params[f"W{l}"].shape[1] for l in range(1, depth + 1)]
    model = StackedClassifier(sizes, p.params["W_softmax"].shape[1], weight_decay=p.data["weight_decay"],
                              rng=np.random.default_rng(0))
    return _named(*model.loss_and_grads(p.data["X"], p.data["y"], params=dict(p.params)))


def _psd(p):
    d, q = p.data, p.params
    V = np.linspace(-1.5, 1.5, 31).reshape(-1, 1) * np.array([1.0, 0.5, 2.0])
    F = np.tanh(d["X"] @ q["W"] + q["b"]) * q["g"]
    n_hidden, n_visible = q["D"].shape
    model = psd.PSD(n_visible, n_hidden, lam=d["lam"], gamma=d["gamma"], rng=np.random.default_rng(0))
    return {"soft_threshold": psd.soft_threshold(V, 0.4),
            "ista_step": psd.ista(d["X"], q["D"], d["lam"], d["gamma"], F=F, n_steps=1, H0=d["H"]),
            **_named(*model.loss_and_grads(d["X"], d["H"], params=dict(q)))}


def _conv(p):
    Z, cols = conv.conv2d_forward(p.params["X"], p.params["W"], p.params["b"], p.data["padding"])
    dX, dW, db = conv.conv2d_backward(p.data["delta"], cols, p.params["X"].shape, p.params["W"], p.data["padding"])
    return {"X": dX, "W": dW, "b": db}


def _pool(p):
    _, winner = pooling.maxpool_forward(p.params["X"])
    return {"X": pooling.maxpool_backward(p.data["delta"], winner, p.params["X"].shape)}


def _softmax_delta(p):
    """The loss and delta of npae's softmax_cross_entropy; the Jacobian by five-point differences of npae's
    softmax, or — where the logits are in the thousands and every row is saturated — diag(p) − p pᵀ of it."""
    Z, y = p.params["Z"], p.data["y"]
    m, n_classes = Z.shape
    loss, delta = softmax_cross_entropy(Z, y, 1.0 / m)
    jacobians = []
    for z in Z[:3]:
        if p.gradcheck:
            rows = [numerical_gradient(lambda q: float(softmax(q["z"][None, :])[0, j]), {"z": z.copy()})["z"]
                    for j in range(n_classes)]
            jacobians.append(np.array(rows))
        else:
            probabilities = softmax(z[None, :])[0]
            jacobians.append(np.diag(probabilities) - np.outer(probabilities, probabilities))
    return {"jacobian": np.stack(jacobians), "loss": loss, "dJ_dZ": delta}


def _jacobian(p):
    n_visible, n_hidden = p.params["W1"].shape
    model = npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(0))
    params = {**model.params, "W1": p.params["W1"], "b1": p.params["b1"]}
    J = encoder_jacobian(model, p.data["X"], params=params)
    m = p.data["X"].shape[0]
    value = Contractive(1.0)(params, model.encode(p.data["X"], params=params), 1.0 / m)[0]
    return {"J": J, "norms": np.sum(J ** 2, axis=(1, 2)), "_penalty": value}


LIBRARY = {
    "numerical_gradient": _numerical,
    "autoencoder_backprop": _ae,
    "sparse_autoencoder_cost": _sparse,
    "linear_decoder": lambda p: _ae(p, decoder="linear", penalties=[WeightDecay(p.data["weight_decay"])]),
    "tied_weights": lambda p: _ae(p, penalties=[WeightDecay(p.data["weight_decay"])]),
    "l1_sparsity": lambda p: _ae(p, penalties=[L1Sparsity(p.data["lam"])]),
    "denoising": lambda p: _ae(p, X=p.data["X_tilde"], target=p.data["X"]),
    "contractive": lambda p: _ae(p, penalties=[Contractive(p.data["lam"])]),
    "cross_entropy_delta": lambda p: _ae(p, loss="cross_entropy"),
    "softmax_regression": _softmax,
    "stacked_finetuning": _stacked,
    "psd_ista": _psd,
    "conv2d_backward": _conv,
    "conv_input_gradient": lambda p: {"X": _conv(p)["X"]},
    "maxpool_backward": _pool,
    "upsample_backward": lambda p: {"U": pooling.upsample_forward(p.params["X"]),
                                    "X": pooling.upsample_backward(p.data["delta"])},
    "softmax_delta": _softmax_delta,
    "encoder_jacobian": _jacobian,
}

#: Outputs whose library value is itself a finite-difference estimate (the softmax's Jacobian, built here by
#: five-point differences of npae's log_softmax): compared at the bar of a gradient check of the estimate.
ESTIMATED = {("softmax_delta", "jacobian"): 1e-9}


def test_every_exercise_has_a_library_cross_check():
    assert set(LIBRARY) == set(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_worked_solution_equals_the_library_on_every_problem(name):
    exercise = EXERCISES[name]
    problems = exercise.problems()
    for problem, solution in zip(problems, _reference_outputs(exercise, problems)):
        with np.errstate(all="ignore"):
            library = LIBRARY[name](problem)
        for key, value in solution.items():
            bar = ESTIMATED.get((name, key), TOLERANCE)
            assert difference(value, library[key]) < bar, f"{name}, {problem.label}: {key}"


def test_the_jacobian_norms_are_the_contractive_penalty():
    exercise = EXERCISES["encoder_jacobian"]
    for problem, solution in zip(exercise.problems(), _reference_outputs(exercise, exercise.problems())):
        assert abs(solution["norms"].mean() - _jacobian(problem)["_penalty"]) < 1e-12 * solution["norms"].mean()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_library_name_a_report_cites_exists(name):
    exercise = EXERCISES[name]
    assert exercise.library and exercise.library_names
    for dotted in exercise.library_names:
        assert dotted.rsplit(".", 1)[-1] in exercise.library, f"{dotted} is checked but not cited"
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attribute in parts[cut:]:
                obj = getattr(obj, attribute)
            break
        else:
            pytest.fail(f"{dotted} does not exist")
