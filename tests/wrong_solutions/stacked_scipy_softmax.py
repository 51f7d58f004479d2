# exercise: stacked_finetuning
# status: passing
"""Correct, with scipy.special's softmax and log_softmax and the recursion written per layer."""
import numpy as np
from scipy.special import expit, log_softmax, softmax

def stacked_cost(params, X, y, weight_decay):
    K = len([k for k in params if k[0] == "W"]) - 1
    acts = [X]
    for l in range(1, K + 1):
        acts.append(expit(acts[-1] @ params[f"W{l}"] + params[f"b{l}"]))
    Z = acts[-1] @ params["W_softmax"] + params["b_softmax"]
    m = len(y)
    loss = -log_softmax(Z, axis=1)[np.arange(m), y].mean() + weight_decay / 2 * (params["W_softmax"] ** 2).sum()
    d = softmax(Z, axis=1); d[np.arange(m), y] -= 1; d /= m
    g = {"W_softmax": acts[K].T @ d + weight_decay * params["W_softmax"], "b_softmax": d.sum(0)}
    d = d @ params["W_softmax"].T * acts[K] * (1 - acts[K])
    for l in range(K, 0, -1):
        g[f"W{l}"], g[f"b{l}"] = acts[l - 1].T @ d, d.sum(0)
        if l > 1:
            d = d @ params[f"W{l}"].T * acts[l - 1] * (1 - acts[l - 1])
    return loss, g
