# exercise: vae_gradient
# status: passing
# never: Diagnosis
"""Correct, derived through σ rather than log σ²: the KL written in σ, ∂J/∂σ first, then dσ/d(log σ²) = σ/2;
the cross-entropy as a stable log(1 + e^z) of its own."""
import numpy as np
from scipy.special import expit


def softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def loss_and_grads(params, X, eps, beta):
    W1, b1 = params["W1"], params["b1"]
    Wm, bm, Wv, bv = params["W_mu"], params["b_mu"], params["W_logvar"], params["b_logvar"]
    W3, b3, W4, b4 = params["W3"], params["b3"], params["W4"], params["b4"]
    m = X.shape[0]

    A1 = expit(X @ W1 + b1)
    MU = A1 @ Wm + bm
    LOGVAR = A1 @ Wv + bv
    S = np.exp(0.5 * LOGVAR)                     # σ
    H = MU + S * eps
    A3 = expit(H @ W3 + b3)
    Z4 = A3 @ W4 + b4

    reconstruction = np.sum(softplus(Z4) - X * Z4) / m
    kl = np.sum(0.5 * (MU ** 2 + S ** 2 - 1.0) - np.log(S)) / m      # ½(μ² + σ² − 1) − log σ
    loss = reconstruction + beta * kl

    d4 = (expit(Z4) - X) / m
    d3 = (d4 @ W4.T) * A3 * (1.0 - A3)
    dH = d3 @ W3.T
    dMU = dH + beta * MU / m
    dS = dH * eps + beta * (S - 1.0 / S) / m     # ∂J/∂σ: ∂h/∂σ = ε, ∂KL/∂σ = σ − 1/σ
    dLOGVAR = dS * S / 2                         # σ = exp(½ log σ²)
    d1 = (dMU @ Wm.T + dLOGVAR @ Wv.T) * A1 * (1.0 - A1)

    return loss, {"W1": X.T @ d1, "b1": d1.sum(0), "W_mu": A1.T @ dMU, "b_mu": dMU.sum(0),
                  "W_logvar": A1.T @ dLOGVAR, "b_logvar": dLOGVAR.sum(0), "W3": H.T @ d3, "b3": d3.sum(0),
                  "W4": A3.T @ d4, "b4": d4.sum(0)}
