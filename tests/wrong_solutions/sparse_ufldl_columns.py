# exercise: sparse_autoencoder_cost
# status: passing
"""Correct, in UFLDL's column layout (transposed in and out), with npae.core.activations.sigmoid."""
import numpy as np
from npae.core.flat import flatten, unflatten
from npae.core.activations import sigmoid

def parameter_template(visible_size, hidden_size):
    return {"W1": np.empty((visible_size, hidden_size)), "b1": np.empty(hidden_size),
            "W2": np.empty((hidden_size, visible_size)), "b2": np.empty(visible_size)}

def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):
    # UFLDL's column layout, transposed in and out
    W1, W2 = params["W1"].T, params["W2"].T
    b1, b2 = params["b1"][:, None], params["b2"][:, None]
    data = X.T
    m = data.shape[1]
    a2 = sigmoid(W1 @ data + b1)
    a3 = sigmoid(W2 @ a2 + b2)
    rho_hat = a2.mean(axis=1, keepdims=True)
    cost = 0.5 / m * np.sum((a3 - data) ** 2) + weight_decay / 2 * (np.sum(W1 ** 2) + np.sum(W2 ** 2)) \
        + beta * np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    d3 = -(data - a3) * a3 * (1 - a3)
    sparsity = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))
    d2 = (W2.T @ d3 + sparsity) * a2 * (1 - a2)
    W1grad = d2 @ data.T / m + weight_decay * W1
    W2grad = d3 @ a2.T / m + weight_decay * W2
    return cost, {"W1": W1grad.T, "b1": d2.sum(axis=1) / m, "W2": W2grad.T, "b2": d3.sum(axis=1) / m}

def sparse_autoencoder_cost(theta, visible_size, hidden_size, weight_decay, rho, beta, data):
    cost, grads = sparse_autoencoder_loss(unflatten(theta, parameter_template(visible_size, hidden_size)), data, weight_decay, rho, beta)
    return cost, flatten(grads)
