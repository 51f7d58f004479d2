# exercise: upsample_backward
# status: failing
# says: U is wrong
# says: Wrong shapes: U: (2, 1, 12, 4) instead of (2, 1, 6, 8)
# never: X is wrong
"""The forward pass repeats along the rows twice: only U is wrong, the (right) backward pass is not blamed."""
import numpy as np

def upsample(X):
    return np.repeat(X, 2, axis=2).repeat(2, axis=2)

def upsample_backward(delta):
    n, C, H2, W2 = delta.shape
    return delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))
