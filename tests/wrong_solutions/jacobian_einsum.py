# exercise: encoder_jacobian
# status: passing
"""Correct, with einsum and the library's own sigmoid (npae.core.activations is allowed everywhere)."""
import numpy as np

from npae.core.activations import sigmoid


def encode(params, X):
    return sigmoid(X @ params["W1"] + params["b1"])


def encoder_jacobian(params, X):
    H = encode(params, X)
    return np.einsum("ij,kj->ijk", H * (1 - H), params["W1"])


def jacobian_norms(params, X):
    H = encode(params, X)
    return np.einsum("ij,j->i", (H * (1 - H)) ** 2, np.einsum("kj,kj->j", params["W1"], params["W1"]))
