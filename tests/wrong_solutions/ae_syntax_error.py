# exercise: autoencoder_backprop
# status: failing
# says: Your file has a syntax error at line 16
# never: line 241
# never: Traceback
"""An unclosed bracket."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    loss = 0.5 * np.sum((X_hat - X) ** 2 / m
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    return loss, {}
