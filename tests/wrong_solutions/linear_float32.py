# exercise: linear_decoder
# status: failing
# says: came back as float32
"""Correct formulas, computed in float32."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, weight_decay):
    p = {k: v.astype(np.float32) for k, v in params.items()}
    X = X.astype(np.float32)
    m = X.shape[0]
    H = expit(X @ p["W1"] + p["b1"])
    X_hat = H @ p["W2"] + p["b2"]
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + 0.5 * weight_decay * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    delta3 = (X_hat - X) / m
    delta2 = (delta3 @ p["W2"].T) * H * (1 - H)
    return loss, {"W1": X.T @ delta2 + weight_decay * p["W1"], "b1": delta2.sum(axis=0),
                  "W2": H.T @ delta3 + weight_decay * p["W2"], "b2": delta3.sum(axis=0)}
