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

The functions here never mutate the caller's arrays: every perturbation is made on a copy.
"""

from dataclasses import dataclass

import numpy as np

from npae.core.flat import flatten

#: The bar every gradient check in the tests must pass (UFLDL's "less than 1e-9").
TOLERANCE = 1e-9

#: Default step of each method.
STEPS = {"central": 1e-4, "five_point": 1e-3}

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
    ValueError
        For an unknown ``method``, a non-positive ``step``, or a non-float64 parameter.
    """
    if method not in _STENCILS:
        raise ValueError(f"method must be one of {tuple(_STENCILS)}, got {method!r}")
    step = STEPS[method] if step is None else float(step)
    if not step > 0:
        raise ValueError(f"step must be > 0, got {step!r}")
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


def relative_difference(a, b):
    """UFLDL's relative difference ‖a - b‖ / ‖a + b‖ (0.0 when both are exactly zero).

    Parameters
    ----------
    a, b : array_like of the same shape

    Returns
    -------
    float ≥ 0. Below 1e-9 means the two agree to about nine significant digits.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a + b)
    if denominator == 0.0:
        return 0.0 if np.linalg.norm(a - b) == 0.0 else float("inf")
    return float(np.linalg.norm(a - b) / denominator)


@dataclass
class GradCheck:
    """The result of :func:`check_gradients`.

    Attributes
    ----------
    per_block : dict of str -> float
        Relative difference of each parameter block.
    overall : float
        Relative difference over the whole flattened θ (UFLDL's single number).
    analytic, numeric : dict of str -> ndarray
        The two gradients that were compared.
    """

    per_block: dict
    overall: float
    analytic: dict
    numeric: dict

    @property
    def worst(self):
        """The largest per-block relative difference."""
        return max(self.per_block.values())

    def passed(self, tolerance=TOLERANCE):
        """True when every block's relative difference is below ``tolerance``."""
        return self.worst < tolerance


def check_gradients(loss_and_grads, params, method="five_point", step=None):
    """Compare an analytic gradient with the finite-difference one, per block and overall.

    Parameters
    ----------
    loss_and_grads : callable
        ``loss_and_grads(params) -> (loss, grads)`` with ``grads`` keyed like ``params``;
        e.g. ``lambda p: model.loss_and_grads(X, params=p)``.
    params : dict of str -> ndarray (float64)
        The point to check at (not mutated).
    method, step
        As :func:`numerical_gradient`.

    Returns
    -------
    GradCheck

    Raises
    ------
    ValueError
        If the analytic gradient's keys or shapes differ from ``params``, or as :func:`numerical_gradient`.
    """
    _, analytic = loss_and_grads({k: np.array(v, dtype=np.float64) for k, v in params.items()})
    if set(analytic) != set(params):
        raise ValueError(f"the gradient has keys {sorted(analytic)}, the parameters {sorted(params)}")
    for name in params:
        if np.shape(analytic[name]) != np.shape(params[name]):
            raise ValueError(f"grads[{name!r}] has shape {np.shape(analytic[name])}, "
                             f"params[{name!r}] has {np.shape(params[name])}")
    numeric = numerical_gradient(loss_and_grads, params, method, step)
    per_block = {name: relative_difference(analytic[name], numeric[name]) for name in params}
    overall = relative_difference(flatten({k: analytic[k] for k in params}), flatten(numeric))
    return GradCheck(per_block, overall, analytic, numeric)


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
    ValueError
        If ``x`` is not 1-D or ``step`` is not positive.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if not step > 0:
        raise ValueError(f"step must be > 0, got {step!r}")
    columns = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = step
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * step))
    return np.stack(columns, axis=-1)
