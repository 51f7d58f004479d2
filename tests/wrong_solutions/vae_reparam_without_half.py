# exercise: vae_gradient
# status: failing
# says: Your loss value agrees with the reference; your gradient is not its gradient
# says: Only the ε ~ N(0, I) cases fail (3 of the 4 problems)
# mistake: vae_reparameterisation_without_half
"""∂h/∂log σ² taken as σ ∘ ε (the derivative with respect to log σ): right only where ε = 0."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, eps, beta):
    p = params
    m = len(X)
    a1 = expit(X @ p["W1"] + p["b1"])
    mu = a1 @ p["W_mu"] + p["b_mu"]
    logvar = a1 @ p["W_logvar"] + p["b_logvar"]
    std = np.exp(logvar / 2)
    h = mu + std * eps
    a3 = expit(h @ p["W3"] + p["b3"])
    logits = a3 @ p["W4"] + p["b4"]

    rec = (np.logaddexp(0.0, logits) - X * logits).sum(axis=1)         # -log p(x | h), per sample
    kl = 0.5 * (mu ** 2 + np.exp(logvar) - logvar - 1.0).sum(axis=1)   # KL(q || N(0, I)), per sample
    loss = float(np.mean(rec + beta * kl))

    g_logits = (expit(logits) - X) / m
    g_z3 = (g_logits @ p["W4"].T) * a3 * (1.0 - a3)
    g_h = g_z3 @ p["W3"].T
    g_mu = g_h + (beta / m) * mu
    g_logvar = g_h * eps * std + (beta / m) * (np.exp(logvar) - 1.0) / 2
    g_z1 = (g_mu @ p["W_mu"].T + g_logvar @ p["W_logvar"].T) * a1 * (1.0 - a1)

    grads = {}
    for name, layer_input, g in (("1", X, g_z1), ("_mu", a1, g_mu), ("_logvar", a1, g_logvar), ("3", h, g_z3),
                                 ("4", a3, g_logits)):
        grads["W" + name] = layer_input.T @ g
        grads["b" + name] = g.sum(axis=0)
    return loss, grads
