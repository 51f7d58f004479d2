# exercise: cross_entropy_delta
# status: failing
# says: The loss is wrong, the gradients are right
# says: Only the saturated logits cases fail (1 of the 3 problems)
# never: wrong →
# mistake: none
"""The cross-entropy from a clipped log: right where the outputs are moderate, wrong where they saturate."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    Z2 = H @ W2 + b2
    X_hat = expit(Z2)
    clipped = np.clip(X_hat, 1e-12, 1 - 1e-12)
    loss = -np.sum(X * np.log(clipped) + (1 - X) * np.log(1 - clipped)) / m
    delta3 = (X_hat - X) / m
    delta2 = (delta3 @ W2.T) * H * (1 - H)
    return loss, {"W1": X.T @ delta2, "b1": delta2.sum(axis=0), "W2": H.T @ delta3, "b2": delta3.sum(axis=0)}
