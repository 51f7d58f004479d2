# exercise: stacked_finetuning
# status: failing
# says: the error enters at layer 2
# says: Only the two or more encoder layers cases fail
# mistake: none
"""Every layer's δ takes the top encoder layer's slope."""
import numpy as np
from scipy.special import expit

def stacked_cost(params, X, y, weight_decay):
    K = sum(1 for name in params if name.startswith("W") and name != "W_softmax")
    names = [str(l) for l in range(1, K + 1)] + ["_softmax"]
    weights = [params["W" + n] for n in names]
    biases = [params["b" + n] for n in names]
    m = X.shape[0]
    A = [X]
    for W, b in zip(weights[:-1], biases[:-1]):
        A.append(expit(A[-1] @ W + b))
    Z = A[-1] @ weights[-1] + biases[-1]
    Z = Z - Z.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    Y = np.zeros_like(Z); Y[np.arange(m), y] = 1.0
    loss = -np.sum(Y * log_P) / m + 0.5 * weight_decay * np.sum(params["W_softmax"] ** 2)
    grads = {}
    delta = (np.exp(log_P) - Y) / m
    for l in range(K, -1, -1):
        grads["W" + names[l]] = A[l].T @ delta
        grads["b" + names[l]] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ weights[l].T) * A[K] * (1 - A[K])      # always the top layer's slope
    grads["W_softmax"] = grads["W_softmax"] + weight_decay * params["W_softmax"]
    return loss, grads
