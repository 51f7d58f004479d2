# exercise: vae_gradient
# status: passing
# never: Diagnosis
"""Correct, one sample at a time: each sample's loss and gradient with outer products, then the mean."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, eps, beta):
    names = ("W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar", "W3", "b3", "W4", "b4")
    W1, b1, Wm, bm, Wv, bv, W3, b3, W4, b4 = (params[n] for n in names)
    grads = {n: np.zeros_like(params[n]) for n in names}
    total = 0.0
    m = len(X)
    for x, e in zip(X, eps):
        a1 = expit(x @ W1 + b1)
        mu = a1 @ Wm + bm
        lv = a1 @ Wv + bv
        sd = np.exp(lv / 2)
        h = mu + sd * e
        a3 = expit(h @ W3 + b3)
        z = a3 @ W4 + b4
        total += np.sum(np.logaddexp(0, z) - x * z) + beta * 0.5 * np.sum(mu ** 2 + np.exp(lv) - lv - 1)

        dz = expit(z) - x                                   # this sample's error, before the 1/m
        da3 = (W4 @ dz) * a3 * (1 - a3)
        dh = W3 @ da3
        dmu = dh + beta * mu
        dlv = dh * 0.5 * sd * e + beta * 0.5 * (np.exp(lv) - 1)
        da1 = (Wm @ dmu + Wv @ dlv) * a1 * (1 - a1)
        for name, inp, d in (("4", a3, dz), ("3", h, da3), ("_mu", a1, dmu), ("_logvar", a1, dlv), ("1", x, da1)):
            grads["W" + name] += np.outer(inp, d)
            grads["b" + name] += d
    return total / m, {n: g / m for n, g in grads.items()}
