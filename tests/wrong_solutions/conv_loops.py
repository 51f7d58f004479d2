# exercise: conv2d_backward
# status: passing
"""Correct, with explicit loops over every index (no patch matrix)."""
import numpy as np

from npae.core.conv import padding_amounts


def conv2d_backward(delta, X, W, padding):
    n, C_in, H, W_in = X.shape
    C_out, _, kh, kw = W.shape
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    Xp = np.pad(X, ((0, 0), (0, 0), (top, bottom), (left, right)))
    dXp, dW = np.zeros_like(Xp), np.zeros_like(W)
    H_out, W_out = delta.shape[2], delta.shape[3]
    for i in range(n):
        for o in range(C_out):
            for y in range(H_out):
                for x in range(W_out):
                    d = delta[i, o, y, x]
                    dW[o] += d * Xp[i, :, y:y + kh, x:x + kw]
                    dXp[i, :, y:y + kh, x:x + kw] += d * W[o]
    return {"X": dXp[:, :, top:top + H, left:left + W_in], "W": dW, "b": delta.sum(axis=(0, 2, 3))}
