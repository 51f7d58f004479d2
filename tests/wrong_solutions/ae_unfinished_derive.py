# exercise: autoencoder_backprop
# status: failing
# says: Unfinished: your `loss_and_grads` still raises NotImplementedError
# says-line: raise NotImplementedError("YOUR CODE HERE: the gradients of J with respect to the encoder's parameters")
"""A derive-level file with the forward pass and the decoder's gradients written, the encoder's not yet."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    grad_W2, grad_b2 = H.T @ delta3, delta3.sum(axis=0)
    raise NotImplementedError("YOUR CODE HERE: the gradients of J with respect to the encoder's parameters")
    return loss, {"W1": grad_W1, "b1": grad_b1, "W2": grad_W2, "b2": grad_b2}  # noqa: F821
