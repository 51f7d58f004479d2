# exercise: autoencoder_backprop
# status: passing
# says: Next: the derive level states only the model and the cost
"""Correct, factored differently: einsum, the slope from scipy.special, the 1/m applied at the end."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    Z1 = np.einsum("ik,kj->ij", X, params["W1"]) + params["b1"]
    H = expit(Z1)
    R = expit(np.einsum("ij,jk->ik", H, params["W2"]) + params["b2"])
    E = R - X
    m = X.shape[0]
    g3 = E * R * (1 - R)
    g2 = np.einsum("ik,jk->ij", g3, params["W2"]) * expit(Z1) * expit(-Z1)
    grads = {"W1": np.einsum("ik,ij->kj", X, g2), "b1": g2.sum(0), "W2": np.einsum("ij,ik->jk", H, g3), "b2": g3.sum(0)}
    return float(np.vdot(E, E)) / (2 * m), {k: v / m for k, v in grads.items()}
