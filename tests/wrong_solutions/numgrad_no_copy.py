# exercise: numerical_gradient
# status: failing
# says: `numerical_gradient` modified its argument `params` in place
# never: Apart from that, your numbers are right
"""Perturbs the caller's arrays in place and never puts the entries back."""
import numpy as np

STEPS = {"central": 1e-4, "five_point": 1e-3}


def numerical_gradient(f, params, method="five_point", step=None):
    step = STEPS[method] if step is None else step
    value = lambda p: float(f(p)[0] if isinstance(f(p), tuple) else f(p))   # noqa: E731
    stencil = {"central": ((1, 0.5), (-1, -0.5)),
               "five_point": ((2, -1 / 12), (1, 8 / 12), (-1, -8 / 12), (-2, 1 / 12))}[method]
    grads = {}
    for name, block in params.items():
        grad = np.zeros(block.shape)
        for k in np.ndindex(block.shape):
            original = block[k]
            total = 0.0
            for offset, weight in stencil:
                block[k] = original + offset * step
                total += weight * value(params)
            grad[k] = total / step
        grads[name] = grad
    return grads
