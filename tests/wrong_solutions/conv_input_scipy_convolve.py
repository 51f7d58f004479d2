# exercise: conv_input_gradient
# status: passing
"""Correct: scipy.signal.convolve2d's full convolution (which flips the kernel itself), cropped."""
import numpy as np
from scipy.signal import convolve2d
from npae.core.conv import conv2d_forward, padding_amounts

def conv_input_gradient(delta, W, padding, input_shape):
    n, C_in, H, W_in = input_shape
    C_out, _, kh, kw = W.shape
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    out = np.zeros(input_shape)
    for i in range(n):
        for c in range(C_in):
            full = sum(convolve2d(delta[i, o], W[o, c], mode="full") for o in range(C_out))
            out[i, c] = full[top:top + H, left:left + W_in]
    return out
