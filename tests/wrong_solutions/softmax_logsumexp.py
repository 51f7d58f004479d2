# exercise: softmax_regression
# status: passing
"""Correct, with scipy.special.logsumexp and the one-hot subtraction done by indexing."""
import numpy as np
from scipy.special import logsumexp


def softmax_cost(params, X, y, weight_decay):
    W, b = params["W"], params["b"]
    m = X.shape[0]
    Z = X @ W + b
    log_P = Z - logsumexp(Z, axis=1, keepdims=True)
    loss = -log_P[np.arange(m), y].sum() / m + weight_decay / 2 * (W ** 2).sum()
    delta = np.exp(log_P)
    delta[np.arange(m), y] -= 1.0
    delta /= m
    return loss, {"W": X.T @ delta + weight_decay * W, "b": delta.sum(axis=0)}
