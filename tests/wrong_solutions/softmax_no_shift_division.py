# exercise: softmax_regression
# status: failing
# says: Only the logits in the thousands cases fail
# mistake: softmax_no_max_shift
"""No max shift, written as P = exp(Z)/Σ exp(Z): nan where the catalogue's version gives other non-finite values."""
import numpy as np


def softmax_cost(params, X, y, weight_decay):
    W, b = params["W"], params["b"]
    m = X.shape[0]
    E = np.exp(X @ W + b)
    P = E / E.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(m), y]).mean() + 0.5 * weight_decay * np.sum(W ** 2)
    Y = np.eye(W.shape[1])[y]
    delta = (P - Y) / m
    return loss, {"W": X.T @ delta + weight_decay * W, "b": delta.sum(axis=0)}
