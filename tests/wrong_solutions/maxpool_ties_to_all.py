# exercise: maxpool_backward
# status: failing
# says: Only the ties cases fail (1 of the 3 problems)
# mistake: tie_to_every_maximum
"""Routes δ to every maximum of a window (written as a loop, not as the catalogue's edit)."""
import numpy as np


def maxpool_backward(delta, X):
    n, C, H, W = X.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (0, H % 2), (0, W % 2)), constant_values=-np.inf)
    dXp = np.zeros_like(Xp)
    for y in range(delta.shape[2]):
        for x in range(delta.shape[3]):
            window = Xp[:, :, 2 * y:2 * y + 2, 2 * x:2 * x + 2]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dXp[:, :, 2 * y:2 * y + 2, 2 * x:2 * x + 2] += mask * delta[:, :, y:y + 1, x:x + 1]
    return dXp[:, :, :H, :W]
