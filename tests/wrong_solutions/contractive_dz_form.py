# exercise: contractive
# status: passing
"""Correct, in the other form: the penalty's term added to δ² after the slope, as (2λ/m) s² (1 − 2h) w
(∂Ω/∂Z rather than ∂Ω/∂H) — the same numbers."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, lam):
    tied = "W2" not in params
    W1, b1, b2 = params["W1"], params["b1"], params["b2"]
    W2 = W1.T if tied else params["W2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    s = H * (1 - H)
    w = (W1 ** 2).sum(axis=0)
    loss = 0.5 * ((X_hat - X) ** 2).sum() / m + lam * (s ** 2 @ w).sum() / m
    delta3 = (X_hat - X) * s_out(X_hat) / m
    delta2 = (delta3 @ W2.T) * s + 2 * lam / m * s ** 2 * (1 - 2 * H) * w
    grad_W1 = X.T @ delta2 + 2 * lam / m * W1 * (s ** 2).sum(axis=0)
    grads = {"W1": grad_W1 + (delta3.T @ H if tied else 0), "b1": delta2.sum(axis=0)}
    if not tied:
        grads["W2"] = H.T @ delta3
    grads["b2"] = delta3.sum(axis=0)
    return loss, grads


def s_out(X_hat):
    return X_hat * (1 - X_hat)
