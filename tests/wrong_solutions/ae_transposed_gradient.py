# exercise: autoencoder_backprop
# status: failing
# says: Wrong shapes: W1: (4, 6) instead of (6, 4) (the transpose)
# says: W1 shape (4, 6), expected (6, 4) ✗
# mistake: transposed_weight_gradient
"""∂J/∂W1 computed as δ²ᵀX, the transpose of its parameter's shape."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    delta2 = (delta3 @ W2.T) * H * (1 - H)
    return loss, {"W1": delta2.T @ X, "b1": delta2.sum(axis=0), "W2": H.T @ delta3, "b2": delta3.sum(axis=0)}
