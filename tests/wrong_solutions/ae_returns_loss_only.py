# exercise: autoencoder_backprop
# status: failing
# says: returned only a number
# never: Your numbers match none
"""Returns the loss only."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    H = expit(X @ params["W1"] + params["b1"])
    X_hat = expit(H @ params["W2"] + params["b2"])
    return 0.5 * np.sum((X_hat - X) ** 2) / X.shape[0]
