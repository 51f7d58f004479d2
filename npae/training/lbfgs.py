"""Full-batch training with L-BFGS, as UFLDL does with minFunc (``options.Method = 'lbfgs'``, 400 iterations).

The optimiser is SciPy's L-BFGS-B (``scipy.optimize.minimize(method="L-BFGS-B", jac=True)``), which
works on one flat float64 vector θ; :mod:`npae.core.flat` converts between θ and the model's parameter dict.
Nothing here computes a gradient: the model's hand-derived ``loss_and_grads`` does, or, for a model it knows,
the fast path that computes the same numbers (:mod:`npae.perf.autoencoder`).
"""

import time

import numpy as np
from scipy.optimize import minimize

from npae.checks import check_bool, check_int, check_model_interface
from npae.errors import DivergenceError
from npae.core.flat import flatten, unflatten
from npae.perf import parallel
from npae.perf.autoencoder import knows
from npae.training._inputs import check_training_data, step_function


class _Stop(Exception):
    """Raised inside the objective to abandon the optimisation when θ, the loss or its gradient is not finite."""


def _all_finite(arrays):
    return all(np.isfinite(a).all() for a in arrays)


def train_lbfgs(model, X, target=None, *, maxiter=400, verbose=True, print_every=50, options=None):
    """Minimise ``model``'s loss on the whole batch with L-BFGS; the result is left in ``model.params``.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder (or any object with ``params`` and ``loss_and_grads(X, target, params=)``)
    X : ndarray of shape (n_samples, n_visible)
        The inputs (for a denoising autoencoder: one corrupted copy x̃, drawn beforehand).
    target : ndarray of shape (n_samples, n_visible), optional
        What the reconstruction is compared with; defaults to ``X``.
    maxiter : int ≥ 1
        Maximum number of L-BFGS iterations (UFLDL: 400). Each iteration evaluates the loss and
        gradient once or a few times (line search).
    verbose : bool
        Print a progress line every ``print_every`` iterations and a summary at the end.
    print_every : int ≥ 1
    options : dict, optional
        Extra options for SciPy's L-BFGS-B (e.g. ``{"ftol": 0}`` to never stop early on a small
        relative decrease; by default SciPy stops when the loss decreases by less than about
        2.2e-9 of its value in one iteration).

    Returns
    -------
    scipy.optimize.OptimizeResult
        With ``nit`` (iterations), ``nfev`` (evaluations), ``fun`` (final loss), ``message``, and
        ``seconds`` (wall time) added.

    Raises
    ------
    TypeError
        If ``model`` is not a model instance (with ``params`` and ``loss_and_grads``), an array is
        not real and numeric, ``maxiter``/``print_every`` are not integers, ``verbose`` not a bool or
        ``options`` not a dict.
    ValueError
        Before the first iteration, naming the argument: ``X`` or ``target`` not a finite 2-D array of
        the model's width, outside the model's domain (a sigmoid decoder's targets in [0, 1]) or of
        mismatched rows; ``maxiter`` or ``print_every`` < 1.
    npae.errors.DivergenceError
        If an iterate θ (before the model sees it), the loss or the gradient becomes NaN or infinite, for
        any model. ``model.params`` then holds the last accepted iterate, whose loss was finite.
    """
    check_model_interface("model", model, ("params", "loss_and_grads"))
    X, target = check_training_data(model, X, target)
    maxiter, print_every = check_int("maxiter", maxiter, 1), check_int("print_every", print_every, 1)
    verbose = check_bool("verbose", verbose)
    if options is not None and not isinstance(options, dict):
        raise TypeError(f"options must be a dict of L-BFGS-B options (e.g. {{'ftol': 0}}) or None, "
                        f"got {type(options).__name__}")
    # The data and the parameters are checked once, here; every step then calls the unchecked fast path (or,
    # for a model the fast path does not know, the model's own method).
    loss_and_grads = step_function(model)
    template = model.params
    state = {"nit": 0, "last_good": flatten(template), "last_loss": None}
    # The largest |θ| every block of the model can hold: beyond it a float32 block would become inf.
    largest = min(np.finfo(a.dtype).max for a in template.values())
    start = time.perf_counter()

    def objective(theta):
        # SciPy's line search can step to a θ that is not finite (or too large for a float32 model):
        # stop before unflatten or the model sees it, as for a loss that is not finite.
        if not (np.abs(theta) <= largest).all():             # False for NaN as well as for ±inf
            raise _Stop
        loss, grads = loss_and_grads(X, target, unflatten(theta, template))
        if not (np.isfinite(loss) and _all_finite(grads.values())):
            raise _Stop
        return loss, flatten(grads)

    def callback(intermediate_result):
        # Called once per accepted iteration; its point had a finite loss.
        state["nit"] += 1
        state["last_good"] = intermediate_result.x.copy()
        state["last_loss"] = float(intermediate_result.fun)
        if verbose and state["nit"] % print_every == 0:
            print(f"iter {state['nit']:4d}/{maxiter}  loss {state['last_loss']:.6f}  "
                  f"{time.perf_counter() - start:6.1f} s", flush=True)

    # The fast path splits the rows between the cores, BLAS at one thread meanwhile (npae.perf.parallel). Keep
    # BLAS at one thread between the evaluations too: at two, SciPy's L-BFGS-B work wakes BLAS worker threads
    # that spin on the core the next evaluation's second chunk needs (lesson 03, 10 000 x 64 -> 25, 400
    # iterations, measured alternately 3 times each on 2 cores: L-BFGS 7.3, 7.3, 6.7 s before, 3.9, 3.6, 3.8 s
    # with this, the same loss 0.374155).
    one_blas_thread = knows(model) and len(parallel.split_rows(X.shape[0])) > 1
    try:
        with parallel.single_threaded_blas(one_blas_thread):
            result = minimize(objective, state["last_good"], jac=True, method="L-BFGS-B", callback=callback,
                              options={"maxiter": maxiter, **(options or {})})
    except _Stop:
        model.params = unflatten(state["last_good"], template)
        raise DivergenceError(
            f"L-BFGS stopped at iteration {state['nit'] + 1}: the parameters, the loss or its gradient became "
            f"NaN or inf. "
            f"model.params holds the last finite iterate (loss {state['last_loss']}). Check the data scale "
            "and the penalty weights.", last_finite_loss=state["last_loss"]) from None
    model.params = unflatten(result.x, template)
    result.seconds = time.perf_counter() - start
    if verbose:
        print(f"L-BFGS done: {result.nit} iterations, {result.nfev} evaluations, loss {result.fun:.6f}, "
              f"{result.seconds:.1f} s ({result.message})", flush=True)
    return result
