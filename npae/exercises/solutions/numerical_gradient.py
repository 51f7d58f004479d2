"""Exercise ``numerical_gradient``: finite differences, the reference every hand-derived gradient is checked against.

Lesson: ``lessons/02_backprop_and_gradient_checking.py``.

Write ``numerical_gradient(f, params, method, step)``: an estimate of ∂f/∂θₖ for every entry θₖ of every
block of ``params``, from values of f alone, with two *central* formulas (symmetric around θ):

- ``method="central"``: two points, θ ± ε eₖ, with ε = 1e-4 (UFLDL's ``computeNumericalGradient``);
  its error is O(ε²);
- ``method="five_point"``: four points, θ ± h eₖ and θ ± 2h eₖ, with h = 1e-3; its error is O(h⁴).

[guided]
The two formulas::

    two-point:   ∂f/∂θₖ ≈ [f(θ + ε eₖ) − f(θ − ε eₖ)] / (2ε)
    five-point:  ∂f/∂θₖ ≈ [−f(θ + 2h eₖ) + 8 f(θ + h eₖ) − 8 f(θ − h eₖ) + f(θ − 2h eₖ)] / (12h)

[derive]
Derive each formula's weights from the Taylor series of f(θ ± ε eₖ) (and f(θ ± 2h eₖ)): choose them so
that f(θ) and every even power cancel, the first derivative survives with weight 1, and (five-point)
the third-order term cancels too.
[end]
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

    # BEGIN SOLUTION
    # HINT: copy every block as float64; for each entry k: perturb, evaluate, combine, then restore the entry.
    # HINT: central: (1/2, -1/2) at offsets (+1, -1); five-point: (-1, 8, -8, 1)/12 at offsets (+2, +1, -1, -2).
    # DERIVE: each method's offsets and weights; then, on a float64 copy, perturb each entry, combine, restore.
    if method == "central":
        offsets, weights = (1.0, -1.0), (0.5, -0.5)
    else:
        offsets, weights = (2.0, 1.0, -1.0, -2.0), (-1 / 12, 8 / 12, -8 / 12, 1 / 12)
    point = {name: np.array(block, dtype=np.float64) for name, block in params.items()}
    grads = {}
    for name, block in point.items():
        grad = np.zeros_like(block)
        for k in np.ndindex(block.shape):
            original = block[k]
            total = 0.0
            for offset, weight in zip(offsets, weights):
                block[k] = original + offset * step
                total += weight * value(point)
            block[k] = original
            grad[k] = total / step
        grads[name] = grad
    return grads
    # END SOLUTION
