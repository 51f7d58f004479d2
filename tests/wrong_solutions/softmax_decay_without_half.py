# exercise: softmax_regression
# status: failing
# says: The loss is wrong, the gradients are right
# never: W, b wrong
# mistake: softmax_decay_not_halved
"""Weight decay λ‖W‖² in the loss (no ½) with the gradient λW of (λ/2)‖W‖²."""
import numpy as np
from scipy.special import logsumexp


def softmax_cost(params, X, y, weight_decay):
    W, b = params["W"], params["b"]
    m = X.shape[0]
    Z = X @ W + b
    log_P = Z - logsumexp(Z, axis=1, keepdims=True)
    loss = -log_P[np.arange(m), y].mean() + weight_decay * np.sum(W * W)
    P = np.exp(log_P)
    P[np.arange(m), y] -= 1
    delta = P / m
    return loss, {"W": X.T @ delta + weight_decay * W, "b": delta.sum(axis=0)}
