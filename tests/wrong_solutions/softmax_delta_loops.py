# exercise: softmax_delta
# status: passing
"""Correct: the Jacobian entry by entry, the delta by indexing."""
import numpy as np

def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)

def softmax_jacobian(z):
    p = softmax(z[None, :])[0]
    J = np.empty((p.size, p.size))
    for j in range(p.size):
        for k in range(p.size):
            J[j, k] = p[j] * ((j == k) - p[k])
    return J

def softmax_cross_entropy(Z, y):
    m = Z.shape[0]
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    loss = np.mean(log_norm - shifted[np.arange(m), y])
    P = softmax(Z)
    P[np.arange(m), y] -= 1
    return loss, P / m
