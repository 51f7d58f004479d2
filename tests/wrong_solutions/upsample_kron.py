# exercise: upsample_backward
# status: passing
"""Correct, with np.kron and a strided sum."""
import numpy as np


def upsample(X):
    return np.kron(X, np.ones((1, 1, 2, 2)))


def upsample_backward(delta):
    return delta[:, :, 0::2, 0::2] + delta[:, :, 1::2, 0::2] + delta[:, :, 0::2, 1::2] + delta[:, :, 1::2, 1::2]
