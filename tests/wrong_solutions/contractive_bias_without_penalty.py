# exercise: contractive
# status: failing
# says: W2, b2, W1 right; b1 wrong
# mistake: contractive_bias_term_missing
"""∂J/∂b1 summed from the reconstruction's part of δ² only."""
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
    w = np.sum(W1 ** 2, axis=0)
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + lam * np.sum(s ** 2 * w) / m
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    rec = (delta3 @ W2.T) * s
    pen = 2 * lam * s ** 2 * (1 - 2 * H) * w / m
    grads = {"W1": X.T @ (rec + pen) + 2 * lam * W1 * np.sum(s ** 2, axis=0) / m, "b1": rec.sum(axis=0)}
    if tied:
        grads["W1"] += (H.T @ delta3).T
    else:
        grads["W2"] = H.T @ delta3
    grads["b2"] = delta3.sum(axis=0)
    return loss, grads
