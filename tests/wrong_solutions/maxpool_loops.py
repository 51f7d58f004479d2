# exercise: maxpool_backward
# status: passing
"""Correct, window by window, with the tie rule written out."""
import numpy as np


def maxpool_backward(delta, X):
    n, C, H, W = X.shape
    dX = np.zeros_like(X)
    for i in range(n):
        for c in range(C):
            for y in range(delta.shape[2]):
                for x in range(delta.shape[3]):
                    best = None
                    for p, q in ((0, 0), (0, 1), (1, 0), (1, 1)):          # the first maximum wins
                        u, v = 2 * y + p, 2 * x + q
                        if u < H and v < W and (best is None or X[i, c, u, v] > X[i, c, best[0], best[1]]):
                            best = (u, v)
                    dX[i, c, best[0], best[1]] += delta[i, c, y, x]
    return dX
