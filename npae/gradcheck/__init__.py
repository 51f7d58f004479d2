"""Numerical gradient checking: the reference every hand-derived gradient in npae is tested against.

Two finite-difference formulas, both *central* (symmetric around θ):

- **two-point** (UFLDL, "Gradient checking and advanced optimization"), error O(ε²)::

      ∂J/∂θₖ ≈ [J(θ + ε eₖ) - J(θ - ε eₖ)] / (2ε),                  ε = 1e-4

- **five-point** (fourth-order central difference), error O(h⁴)::

      ∂J/∂θₖ ≈ [-J(θ + 2h eₖ) + 8 J(θ + h eₖ) - 8 J(θ - h eₖ) + J(θ - 2h eₖ)] / (12h),   h = 1e-3

  The ε² (h⁴) term is the truncation error of the Taylor series; the other error source is rounding,
  about (machine epsilon · |J|) / ε. With ε = 1e-4 the two are balanced near 1e-10–1e-9 of relative
  difference — on our models the two-point formula lands between 1e-10 and 1.4e-9 on some blocks, too
  close to UFLDL's 1e-9 bar to assert. The five-point formula's truncation error at h = 1e-3 is ~1e-12,
  and its rounding error ~1e-13, so it lands near 1e-11: the tests assert with it.

The comparison is UFLDL's relative difference ‖g - n‖ / ‖g + n‖ (``train.m``: "usually less than
1e-9"), computed over the whole θ and **per parameter block**: a single norm over θ can hide a wrong
bias gradient, because the biases are a tiny part of θ.

Each method is judged against the bar its own error allows (:data:`TOLERANCES`): the five-point formula
against UFLDL's 1e-9; the two-point formula against 1e-7. Why 1e-7: its truncation error is
ε² f‴/6 per coordinate, so relative to the gradient about 1e-9 to 1e-8 at ε = 1e-4 (the ratio f‴/f′
varies from model to model). Over every case of :mod:`npae.gradcheck.cases` the worst block of a
correct gradient measured 1.3e-8 (``python -m npae.gradcheck --method central``); 1e-7 leaves a margin
of about 8 over that, while a gradient with a missing term or a wrong factor is off by 1e-4 or more
and fails either bar.

Checking your own function (e.g. after writing a backward pass)::

    import numpy as np
    from npae.gradcheck import check_gradients

    def loss_and_grads(p):                       # must return (loss, grads), grads keyed like p
        W = p["W"]
        return 0.5 * np.sum(W ** 2), {"W": W}

    result = check_gradients(loss_and_grads, {"W": np.random.default_rng(0).normal(size=(3, 2))})
    print(result)                                # one row per block: shape, relative difference, pass/FAIL

The functions here never mutate the caller's arrays: every perturbation is made on a copy.
"""

from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from npae.checks import as_real_array, check_array_dict, check_callable, check_choice, check_real
from npae.core.flat import flatten

#: The bar every gradient check in the tests must pass (UFLDL's "less than 1e-9"), with the five-point formula.
TOLERANCE = 1e-9

#: Default step of each method.
STEPS = {"central": 1e-4, "five_point": 1e-3}

#: The bar each method's error allows at its default step (see the module docstring): a correct gradient
#: passes it, a wrong one cannot.
TOLERANCES = {"five_point": TOLERANCE, "central": 1e-7}

# Offsets (in units of the step) and weights (divided by the step) of each finite-difference stencil.
_STENCILS = {
    "central": ((1.0, -1.0), (1 / 2, -1 / 2)),
    "five_point": ((2.0, 1.0, -1.0, -2.0), (-1 / 12, 8 / 12, -8 / 12, 1 / 12)),
}


def numerical_gradient(f, params, method="five_point", step=None):
    """Finite-difference gradient of a scalar function of a dict of arrays.

    Parameters
    ----------
    f : callable
        ``f(params) -> float`` (or ``-> (float, anything)``; only the first element is used).
    params : dict of str -> ndarray
        The point θ. Must be float64: float32 rounding (1e-7) swamps any finite difference.
    method : {"five_point", "central"}
        The stencil (see the module docstring).
    step : float, optional
        The step h (ε); defaults to ``STEPS[method]``.

    Returns
    -------
    dict of str -> ndarray of float64, same keys and shapes as ``params``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``params`` is not a dict of float arrays, or ``step`` is not a real number.
    ValueError
        For an unknown ``method``, a non-positive or non-finite ``step``, an empty ``params``, a parameter
        holding NaN or inf, or a non-float64 parameter.
    """
    check_callable("f", f, "f(params) -> float")
    check_array_dict("params", params)
    if not params:
        raise ValueError("params must hold at least one array to differentiate, got an empty dict")
    check_choice("method", method, tuple(_STENCILS))
    step = STEPS[method] if step is None else check_real("step", step, 0, open_minimum=True)
    offsets, weights = _STENCILS[method]
    point = {}
    for name, value in params.items():
        value = np.asarray(value)
        if value.dtype != np.float64:
            raise ValueError(f"params[{name!r}] must be float64 for a gradient check, got {value.dtype}")
        point[name] = value.copy()                       # our copy: the caller's arrays are never touched

    def value_at(p):
        out = f(p)
        return float(out[0] if isinstance(out, tuple) else out)

    numeric = {}
    for name, block in point.items():
        grad = np.zeros_like(block)
        flat, gflat = block.reshape(-1), grad.reshape(-1)   # views into our copy
        for k in range(flat.size):
            original = flat[k]
            total = 0.0
            for offset, weight in zip(offsets, weights):
                flat[k] = original + offset * step
                total += weight * value_at(point)
            flat[k] = original                            # restore before the next coordinate
            gflat[k] = total / step
        numeric[name] = grad
    return numeric


def check_method_and_step(method, step):
    """Return ``(method, step)`` after checking them as :func:`numerical_gradient` takes them.

    Raises
    ------
    ValueError
        If ``method`` is not a key of ``STEPS``, or ``step`` is not None nor a finite number > 0.
    TypeError
        If ``step`` is not None nor a real number.
    """
    check_choice("method", method, tuple(_STENCILS))
    if step is not None:
        step = check_real("step", step, 0, open_minimum=True)
    return method, step


def relative_difference(a, b):
    """UFLDL's relative difference ‖a - b‖ / ‖a + b‖ (0.0 when both are exactly zero).

    Parameters
    ----------
    a, b : array_like of the same shape

    Returns
    -------
    float ≥ 0. Below 1e-9 means the two agree to about nine significant digits.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a real numeric array.
    ValueError
        If they hold NaN or inf, or their shapes differ.
    """
    a = as_real_array("a", a, dtype=np.float64)
    b = as_real_array("b", b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a + b)
    if denominator == 0.0:
        return 0.0 if np.linalg.norm(a - b) == 0.0 else float("inf")
    return float(np.linalg.norm(a - b) / denominator)


@dataclass(repr=False)
class GradCheck:
    """The result of :func:`check_gradients`; prints as a short table, one row per parameter block.

    Attributes
    ----------
    per_block : dict of str -> float
        Relative difference of each parameter block.
    overall : float
        Relative difference over the whole flattened θ (UFLDL's single number).
    analytic, numeric : dict of str -> ndarray
        The two gradients that were compared.
    method : {"five_point", "central"}
        The finite-difference formula used.
    step : float
        Its step.
    tolerance : float
        The bar :meth:`passed` uses by default: ``TOLERANCES[method]``.
    """

    per_block: dict
    overall: float
    analytic: dict = field(default_factory=dict)
    numeric: dict = field(default_factory=dict)
    method: str = "five_point"
    step: float = STEPS["five_point"]
    tolerance: float = TOLERANCE

    @property
    def worst(self):
        """The largest per-block relative difference."""
        return max(self.per_block.values())

    def passed(self, tolerance=None):
        """True when every block's relative difference is below ``tolerance`` (default: ``self.tolerance``).

        Raises
        ------
        TypeError, ValueError
            If ``tolerance`` is not a finite real number > 0.
        """
        if tolerance is not None:
            tolerance = check_real("tolerance", tolerance, 0, open_minimum=True)
        return self.worst < (self.tolerance if tolerance is None else tolerance)

    def __str__(self):
        bar = self.tolerance
        rows = [(name, str(tuple(np.shape(self.analytic.get(name, ())))), f"{value:.1e}",
                 "pass" if value < bar else "FAIL") for name, value in self.per_block.items()]
        header = ("block", "shape", "rel. diff", "result")
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
        line = "  ".join("{:<%d}" % w for w in widths)
        verdict = "all blocks pass" if self.passed() else (
            f"{sum(r[3] == 'FAIL' for r in rows)} of {len(rows)} blocks FAIL")
        return "\n".join(
            [f"gradient check: {self.method} differences (step {self.step:g}), "
             f"relative difference ‖g - n‖/‖g + n‖ per block, bar {bar:g}",
             line.format(*header).rstrip()]
            + [line.format(*r).rstrip() for r in rows]
            + [f"overall (all of θ): {self.overall:.1e}; {verdict}"])

    def __repr__(self):
        blocks = ", ".join(f"{k}={v:.1e}" for k, v in self.per_block.items())
        return (f"GradCheck(method={self.method!r}, worst={self.worst:.1e}, tolerance={self.tolerance:g}, "
                f"passed={self.passed()}, per_block={{{blocks}}})")


def _check_output(out, params):
    """Check the value returned by the function under test; return ``(loss, grads)`` or raise saying what was expected."""
    expected = ("loss_and_grads must return (loss, grads): the loss as a float and the gradients as a dict "
                f"with the same keys and shapes as params ({', '.join(map(repr, params))})")
    if not (isinstance(out, tuple) and len(out) == 2):
        what = f"a tuple of {len(out)} items" if isinstance(out, tuple) else f"{type(out).__name__}"
        hint = (" — it looks like only the loss; return its gradients too: `return loss, grads`"
                if np.ndim(out) == 0 and not isinstance(out, (tuple, dict)) else "")
        raise TypeError(f"{expected}; got {what}{hint}")
    loss, grads = out
    if not (isinstance(loss, Real) or (isinstance(loss, np.ndarray) and loss.shape == ())):
        raise TypeError(f"{expected}; got a loss of type {type(loss).__name__}"
                        f"{' with shape ' + str(np.shape(loss)) if hasattr(loss, 'shape') else ''}: "
                        f"reduce it to one number (e.g. a mean over samples)")
    if not isinstance(grads, dict):
        raise TypeError(f"{expected}; got grads of type {type(grads).__name__}")
    if set(grads) != set(params):
        missing, extra = sorted(set(params) - set(grads)), sorted(set(grads) - set(params))
        raise ValueError(f"the gradient has keys {sorted(grads)}, params has keys {sorted(params)}"
                         f"{'; missing ' + str(missing) if missing else ''}"
                         f"{'; not parameters ' + str(extra) if extra else ''}")
    for name in params:
        if np.shape(grads[name]) != np.shape(params[name]):
            raise ValueError(f"grads[{name!r}] has shape {np.shape(grads[name])}, "
                             f"params[{name!r}] has {np.shape(params[name])}: each gradient has its parameter's shape")
    return float(loss), grads


def check_gradients(loss_and_grads, params, method="five_point", step=None):
    """Compare an analytic gradient with the finite-difference one, per block and overall.

    Parameters
    ----------
    loss_and_grads : callable
        ``loss_and_grads(params) -> (loss, grads)``: the loss a float, ``grads`` a dict keyed like
        ``params`` with arrays of the same shapes; e.g. ``lambda p: model.loss_and_grads(X, params=p)``.
    params : dict of str -> ndarray (float64)
        The point to check at (not mutated).
    method, step
        As :func:`numerical_gradient`.

    Returns
    -------
    GradCheck
        ``print(result)`` shows one row per block (shape, relative difference, pass/FAIL against
        ``TOLERANCES[method]``); ``result.passed()`` is the verdict.

    Raises
    ------
    TypeError
        If ``params`` is not a dict, or ``loss_and_grads`` does not return ``(loss, grads)`` with a scalar
        loss and a dict of gradients; the message says what was expected.
    ValueError
        If the analytic gradient's keys or shapes differ from ``params``, or as :func:`numerical_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> result = check_gradients(lambda p: (0.5 * np.sum(p["w"] ** 2), {"w": p["w"]}), {"w": np.ones(3)})
    >>> result.passed()
    True
    """
    check_callable("loss_and_grads", loss_and_grads, "loss_and_grads(params) -> (loss, grads)")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of name -> float64 array (e.g. model.params), "
                        f"got {type(params).__name__}")
    check_array_dict("params", params)
    if not params:
        raise ValueError("params must hold at least one array to check, got an empty dict")
    check_choice("method", method, tuple(_STENCILS))
    if step is not None:
        step = check_real("step", step, 0, open_minimum=True)
    _, analytic = _check_output(loss_and_grads({k: np.array(v, dtype=np.float64) for k, v in params.items()}),
                                params)
    numeric = numerical_gradient(loss_and_grads, params, method, step)
    per_block = {name: relative_difference(analytic[name], numeric[name]) for name in params}
    overall = relative_difference(flatten({k: analytic[k] for k in params}), flatten(numeric))
    return GradCheck(per_block, overall, analytic, numeric, method=method,
                     step=STEPS[method] if step is None else float(step), tolerance=TOLERANCES[method])


def numerical_jacobian(f, x, step=1e-5):
    """Central-difference Jacobian of a vector function: column k is (f(x + h eₖ) - f(x - h eₖ)) / 2h.

    Used by the tests to check the explicit Jacobians of :mod:`npae.analysis.jacobian` and :mod:`npae.analysis.manifold`.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray of shape (n_out,)`` for ``x`` of shape (n_in,).
    x : ndarray of shape (n_in,), float64
        The point (not mutated).
    step : float > 0
        h.

    Returns
    -------
    ndarray of shape (n_out, n_in), float64: ∂fᵢ/∂xₖ.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a real numeric array or ``step`` not a real number.
    ValueError
        If ``x`` is not 1-D or holds NaN or inf, or ``step`` is not a finite number > 0.
    """
    check_callable("f", f, "f(x) -> ndarray of shape (n_out,)")
    x = as_real_array("x", x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    step = check_real("step", step, 0, open_minimum=True)
    columns = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = step
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * step))
    return np.stack(columns, axis=-1)
