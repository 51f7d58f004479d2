# exercise: autoencoder_backprop
# status: failing
# says: returned gradients keyed dW1, dW2, db1, db2; they must be keyed like the parameters: W1, b1, W2, b2
# never: Your numbers match none
# never: grader.py
# mistake: none
"""Gradients keyed dW1, db1, ... instead of the parameters' names."""
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
    return loss, {"dW1": X.T @ delta2, "db1": delta2.sum(axis=0), "dW2": H.T @ delta3, "db2": delta3.sum(axis=0)}
