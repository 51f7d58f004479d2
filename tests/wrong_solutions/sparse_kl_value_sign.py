# exercise: sparse_autoencoder_cost
# status: failing
# says: The loss is wrong, the gradients are right
# never: W1, b1 wrong
# mistake: none
"""The KL term's value with log(ρ̂/ρ) in place of log(ρ/ρ̂) for its first part; every gradient right."""
import numpy as np
from scipy.special import expit

from npae.core.flat import flatten, unflatten


def parameter_template(visible_size, hidden_size):
    return {"W1": np.empty((visible_size, hidden_size)), "b1": np.empty(hidden_size),
            "W2": np.empty((hidden_size, visible_size)), "b2": np.empty(visible_size)}


def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    rho_hat = H.mean(axis=0)
    kl = np.sum(rho * np.log(rho_hat / rho) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + 0.5 * weight_decay * (np.sum(W1 ** 2) + np.sum(W2 ** 2)) + beta * kl
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    sparsity = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / m
    delta2 = (delta3 @ W2.T + sparsity) * H * (1 - H)
    return loss, {"W1": X.T @ delta2 + weight_decay * W1, "b1": delta2.sum(axis=0),
                  "W2": H.T @ delta3 + weight_decay * W2, "b2": delta3.sum(axis=0)}


def sparse_autoencoder_cost(theta, visible_size, hidden_size, weight_decay, rho, beta, data):
    params = unflatten(theta, parameter_template(visible_size, hidden_size))
    cost, grads = sparse_autoencoder_loss(params, data, weight_decay, rho, beta)
    return cost, flatten(grads)
