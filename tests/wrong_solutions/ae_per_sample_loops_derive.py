# exercise: autoencoder_backprop
# status: passing
# says: In npae: npae.Autoencoder.loss_and_grads
# never: Next: the derive level
"""Correct, written sample by sample with Python loops (a derive-level file: no guided hint used)."""
import math

import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def loss_and_grads(params, X):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m, n_visible = X.shape
    n_hidden = W1.shape[1]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss = 0.0
    for i in range(m):
        x = X[i]
        h = np.array([_sigmoid(x @ W1[:, j] + b1[j]) for j in range(n_hidden)])
        r = np.array([_sigmoid(h @ W2[:, k] + b2[k]) for k in range(n_visible)])
        loss += 0.5 * sum((r[k] - x[k]) ** 2 for k in range(n_visible)) / m
        out_error = [(r[k] - x[k]) * r[k] * (1 - r[k]) / m for k in range(n_visible)]
        for j in range(n_hidden):
            back = sum(out_error[k] * W2[j, k] for k in range(n_visible))
            hidden_error = back * h[j] * (1 - h[j])
            for k in range(n_visible):
                grads["W2"][j, k] += h[j] * out_error[k]
                grads["W1"][k, j] += x[k] * hidden_error
            grads["b1"][j] += hidden_error
        for k in range(n_visible):
            grads["b2"][k] += out_error[k]
    return loss, grads
