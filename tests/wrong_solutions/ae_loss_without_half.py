# exercise: autoencoder_backprop
# status: failing
# says: The loss is wrong, the gradients are right
# mistake: loss_without_half
# never: wrong →
# never: δ³ = ∂J/∂Z2, the output delta
# never: Your numbers match none
"""A loss without its ½ (written differently from the catalogue's edit); the gradient is right."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = len(X)
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    residual = X_hat - X
    loss = (residual ** 2).sum() / m
    delta3 = residual * X_hat * (1.0 - X_hat) / m
    delta2 = delta3 @ W2.T * H * (1.0 - H)
    return loss, {"W1": X.T @ delta2, "b1": delta2.sum(0), "W2": H.T @ delta3, "b2": delta3.sum(0)}
