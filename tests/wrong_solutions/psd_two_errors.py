# exercise: psd_ista
# status: failing
# says: Your numbers match none of the
# never: This matches a classic mistake
"""Two errors at once (the gain and a factor 2 in ∂E/∂D): no single catalogued mistake matches."""
import numpy as np


def soft_threshold(V, threshold):
    return np.sign(V) * np.maximum(np.abs(V) - threshold, 0.0)


def ista_step(H, X, D, lam, gamma, F, L):
    gradient = 2 * (H @ D - X) @ D.T + 2 * gamma * (H - F)
    return soft_threshold(H - gradient / L, lam / L)


def psd_loss_and_grads(params, X, H, lam, gamma):
    D, W, b, g = params["D"], params["W"], params["b"], params["g"]
    m = X.shape[0]
    R = H @ D - X
    T = np.tanh(X @ W + b)
    Delta = g * T - H
    energy = (np.sum(R ** 2) + lam * np.sum(np.abs(H)) + gamma * np.sum(Delta ** 2)) / m
    dF = 2 * gamma * Delta / m
    delta = dF * (1 - T ** 2)
    return energy, {"D": H.T @ R / m, "W": X.T @ delta, "b": delta.sum(axis=0), "g": np.sum(dF * T, axis=0)}
