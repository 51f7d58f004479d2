# exercise: autoencoder_backprop
# status: failing
# time-limit: 1
# says: Your code did not finish within 1 s
# says-line: while error > 0: error
# says: in `loss_and_grads`
# never: Traceback
"""A loop whose condition never becomes false."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    error = 1.0
    while error > 0: error = error * 0.5 + 1e-3  # noqa: E701
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m
    return loss, {}
