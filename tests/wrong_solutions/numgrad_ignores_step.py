# exercise: numerical_gradient
# status: failing
# says: central ε=0.01 b 3.2e-05 ✗
# says: use the `step` argument when it is not None
# never: Only the
# never: modified
"""Ignores the step it is given (always the default): right at the default steps only."""
import numpy as np

STEPS = {"central": 1e-4, "five_point": 1e-3}


def numerical_gradient(f, params, method="five_point", step=None):
    step = STEPS[method]
    offsets, weights = {"central": ((1, -1), (0.5, -0.5)),
                        "five_point": ((2, 1, -1, -2), (-1 / 12, 8 / 12, -8 / 12, 1 / 12))}[method]
    point = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    grads = {}
    for name, block in point.items():
        grad = np.zeros_like(block)
        for k in np.ndindex(block.shape):
            original = block[k]
            values = []
            for offset in offsets:
                block[k] = original + offset * step
                out = f(point)
                values.append(float(out[0] if isinstance(out, tuple) else out))
            block[k] = original
            grad[k] = np.dot(weights, values) / step
        grads[name] = grad
    return grads
