# exercise: conv2d_backward
# status: failing
# says: Refused
# says: uses npae.core.conv.col2im (line
# says: npae.core.conv (im2col, padding_amounts)
# never: PASSING
"""The library's col2im for the input gradient."""
import numpy as np

from npae.core.conv import col2im, im2col, padding_amounts


def conv2d_backward(delta, X, W, padding):
    n, C_in, H, W_in = X.shape
    C_out, _, kh, kw = W.shape
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    Xp = np.pad(X, ((0, 0), (0, 0), (top, bottom), (left, right)))
    cols = im2col(Xp, kh, kw).T                    # one row per output pixel (npae.core.conv gives columns)
    D = delta.transpose(0, 2, 3, 1).reshape(-1, C_out)
    dXp = col2im(D @ W.reshape(C_out, -1), Xp.shape, kh, kw)
    return {"X": dXp[:, :, top:top + H, left:left + W_in], "W": (D.T @ cols).reshape(W.shape),
            "b": delta.sum(axis=(0, 2, 3))}
