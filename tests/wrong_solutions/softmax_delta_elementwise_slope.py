# exercise: softmax_delta
# status: failing
# says: Where the finite-difference check runs, your loss value agrees with the reference
# says: dJ_dZ is wrong
# never: jacobian is wrong
"""∂J/∂Z with an elementwise slope P(1 − P), as if the softmax were a sigmoid; the loss as log P (−inf at saturation)."""
import numpy as np

def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)

def softmax_jacobian(z):
    p = softmax(z[None, :])[0]
    return np.diag(p) - np.outer(p, p)

def softmax_cross_entropy(Z, y):
    m = Z.shape[0]
    P = softmax(Z)
    loss = -np.mean(np.log(P[np.arange(m), y]))
    Y = np.eye(Z.shape[1])[y]
    return loss, (P - Y) * P * (1 - P) / m
