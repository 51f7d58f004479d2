# Exercise stub (derive level), generated from npae/exercises/solutions/numerical_gradient.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``numerical_gradient``: finite differences, the reference every hand-derived gradient is checked against.

Lesson: ``lessons/02_backprop_and_gradient_checking.py``.

Write ``numerical_gradient(f, params, method, step)``: an estimate of ∂f/∂θₖ for every entry θₖ of every
block of ``params``, from values of f alone, with two *central* formulas (symmetric around θ):

- ``method="central"``: two points, θ ± ε eₖ, with ε = 1e-4 (UFLDL's ``computeNumericalGradient``);
  its error is O(ε²);
- ``method="five_point"``: four points, θ ± h eₖ and θ ± 2h eₖ, with h = 1e-3; its error is O(h⁴).

Derive each formula's weights from the Taylor series of f(θ ± ε eₖ) (and f(θ ± 2h eₖ)): choose them so
that f(θ) and every even power cancel, the first derivative survives with weight 1, and (five-point)
the third-order term cancels too.
``params`` is a dict of float64 arrays (e.g. ``{"W1": (6, 4), "b1": (4,), ...}``); the result is a dict with
the same keys and shapes. Perturb one entry at a time on a *copy* of the arrays, and put each entry back
before moving to the next. ``f(params)`` returns a float, or a tuple ``(loss, grads)`` of which only the
loss is used. Everything in float64: float32 rounding (≈ 1e-7 relative) swamps a finite difference.

UFLDL checks its version on h(x) = x₁² + 3 x₁ x₂ at x = (4, 10), where ∇h = (2x₁ + 3x₂, 3x₁) = (38, 12).
The grader does the same, then compares with a reference on functions of several blocks.
"""

import numpy as np

#: Default step of each method.
STEPS = {"central": 1e-4, "five_point": 1e-3}


def numerical_gradient(f, params, method="five_point", step=None):
    """Finite-difference gradient of a scalar function of a dict of arrays.

    Parameters
    ----------
    f : callable
        ``f(params) -> float`` or ``-> (float, anything)``.
    params : dict of str -> ndarray of float64
        The point θ (not modified).
    method : {"five_point", "central"}
    step : float, optional
        h (or ε); defaults to ``STEPS[method]``.

    Returns
    -------
    dict of str -> ndarray of float64, keyed and shaped like ``params``.
    """
    if method not in STEPS:
        raise ValueError(f"method must be one of {tuple(STEPS)}, got {method!r}")
    step = STEPS[method] if step is None else float(step)

    def value(p):
        out = f(p)
        return float(out[0] if isinstance(out, tuple) else out)

    # DERIVE: each method's offsets and weights; then, on a float64 copy, perturb each entry, combine, restore.
    raise NotImplementedError("YOUR CODE HERE: each method's offsets and weights; then, on a float64 copy, perturb each entry, combine, restore.")
