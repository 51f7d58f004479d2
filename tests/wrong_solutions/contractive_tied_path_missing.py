# exercise: contractive
# status: failing
# says: Only the tied cases fail (2 of the 5 problems)
# says: W2, b2, b1 right; W1 wrong
# mistake: contractive_tied_decoder_path_missing
"""Right for untied weights; with tied weights the decoder's use of W1 is forgotten."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, lam):
    W1, b1, b2 = params["W1"], params["b1"], params["b2"]
    W2 = params.get("W2", W1.T)
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    s = H * (1 - H)
    w = np.sum(W1 ** 2, axis=0)
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + lam * np.sum(s ** 2 * w) / m
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    delta2 = (delta3 @ W2.T + 2 * lam * s * (1 - 2 * H) * w / m) * s
    grads = {"W1": X.T @ delta2 + 2 * lam * W1 * np.sum(s ** 2, axis=0) / m, "b1": delta2.sum(axis=0),
             "b2": delta3.sum(axis=0)}
    if "W2" in params:
        grads["W2"] = H.T @ delta3
    return loss, grads
