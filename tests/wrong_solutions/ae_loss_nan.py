# exercise: autoencoder_backprop
# status: failing
# says: The loss is wrong, the gradients are right
# says: Not finite where the reference is: loss
# never: wrong →
"""The loss left as a placeholder NaN; the gradient is right."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    loss = np.nan                       # TODO
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    delta2 = (delta3 @ W2.T) * H * (1 - H)
    return loss, {"W1": X.T @ delta2, "b1": delta2.sum(axis=0), "W2": H.T @ delta3, "b2": delta3.sum(axis=0)}
