"""Exercise ``vae_gradient``: the variational autoencoder's loss (−ELBO) and its gradient through the reparameterisation.

Lesson: ``lessons/32_variational_autoencoder.py`` (equations 1–8).

A Gaussian encoder q(h | x) = N(μ(x), diag σ²(x)) with one hidden layer, the reparameterisation
h = μ + σ ∘ ε, and a Bernoulli decoder p(x | h) with one hidden layer. Samples are rows; every hidden layer is
a sigmoid, f(z) = 1/(1 + e⁻ᶻ) (``expit``), and σ always means the standard deviation, never the sigmoid.
ε is an argument (one standard-normal row per sample, drawn by the caller), so the loss is a deterministic
function of the parameters and its gradient can be checked numerically::

    A1 = f(X W1 + b1)                            (m, n_units)     the encoder's hidden layer         (eq. 1)
    MU = A1 W_mu + b_mu                          (m, n_hidden)    μ(x), the mean of q(h | x)
    LOGVAR = A1 W_logvar + b_logvar              (m, n_hidden)    log σ²(x), its log-variance
    SIGMA = exp(LOGVAR / 2),  H = MU + SIGMA ∘ eps   (m, n_hidden)  the reparameterisation          (eq. 2)
    A3 = f(H W3 + b3)                            (m, n_units)     the decoder's hidden layer         (eq. 3)
    Z4 = A3 W4 + b4                              (m, n_visible)   the Bernoulli logits (means f(Z4))

    J = (1/m) Σᵢ [ −log p(xᵢ | hᵢ) + β KL(q(h | xᵢ) ‖ N(0, I)) ]                                     (eq. 4)
    −log p(x | h) = Σⱼ [softplus(zⱼ) − xⱼ zⱼ],   z = the row of Z4,  softplus(z) = log(1 + eᶻ)      (eq. 5)
    KL(q(h | x) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1)                                           (eq. 6)

Both terms are means over the m samples. Compute the reconstruction term from the logits
(``np.logaddexp(0, Z4)`` is a stable softplus).

[guided]
The backward pass, from the loss down (lesson 32, eqs. 7 and 8), each delta carrying the 1/m::

    δ⁵ = ∂J/∂Z4 = (1/m)(f(Z4) − X)                              (m, n_visible)   the sigmoid's slope cancels
    δ⁴ = ∂J/∂Z3 = (δ⁵ W4ᵀ) ∘ A3 ∘ (1 − A3)                      (m, n_units)
    ∂J/∂H = δ⁴ W3ᵀ                                              (m, n_hidden)    the reconstruction's share
    δ³_μ = ∂J/∂MU = ∂J/∂H + (β/m) MU                            ∂h/∂μ = 1,  ∂KL/∂μ = μ
    δ³_logσ² = ∂J/∂LOGVAR = ∂J/∂H ∘ ½ SIGMA ∘ eps + (β/m) ½ (SIGMA² − 1)
                                                                ∂h/∂log σ² = ½ σ ∘ ε,  ∂KL/∂log σ² = ½ (σ² − 1)
    δ² = ∂J/∂Z1 = (δ³_μ W_muᵀ + δ³_logσ² W_logvarᵀ) ∘ A1 ∘ (1 − A1)     the hidden layer feeds both heads

and each weight's gradient is its layer's input transposed times its delta (A3ᵀδ⁵, Hᵀδ⁴, A1ᵀδ³_μ,
A1ᵀδ³_logσ², Xᵀδ²), each bias's the sum of its delta over the samples.
[derive]
Derive the ten gradients on paper first, from the loss down: the error at the logits; back through the
decoder to the code H; from the code to μ and to log σ² through the reparameterisation (what is
∂hⱼ/∂(log σⱼ²)?); then the KL term, which depends on μ and log σ² directly; then the encoder's hidden layer,
which feeds both heads. Keep the 1/m of the mean and the β in every term that has them.
[end]
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, eps, beta):
    """−ELBO of a one-hidden-layer VAE (sigmoid layers, Bernoulli decoder), a mean over samples, and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_units), ``b1`` (n_units,); ``W_mu``, ``W_logvar`` (n_units, n_hidden), ``b_mu``,
        ``b_logvar`` (n_hidden,); ``W3`` (n_hidden, n_units), ``b3`` (n_units,); ``W4`` (n_units, n_visible),
        ``b4`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]
    eps : ndarray of shape (m, n_hidden)
        ε, one standard-normal row per sample (given: the loss draws nothing).
    beta : float
        β, the weight of the KL term (1: the ELBO).

    Returns
    -------
    loss : float
        J in nats per sample.
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W3, b3, W4, b4 = (params[k] for k in ("W1", "b1", "W3", "b3", "W4", "b4"))
    W_mu, b_mu, W_logvar, b_logvar = (params[k] for k in ("W_mu", "b_mu", "W_logvar", "b_logvar"))
    m = X.shape[0]
    A1 = expit(X @ W1 + b1)                          # (m, n_units)     eq. 1: the encoder's hidden layer
    MU = A1 @ W_mu + b_mu                            # (m, n_hidden)    μ(x)
    LOGVAR = A1 @ W_logvar + b_logvar                # (m, n_hidden)    log σ²(x)
    SIGMA = np.exp(0.5 * LOGVAR)                     # (m, n_hidden)    σ(x)
    H = MU + SIGMA * eps                             # (m, n_hidden)    eq. 2: the reparameterisation
    A3 = expit(H @ W3 + b3)                          # (m, n_units)     eq. 3: the decoder's hidden layer
    Z4 = A3 @ W4 + b4                                # (m, n_visible)   the Bernoulli logits
    # BEGIN SOLUTION
    # HINT: J = (1/m) Σ [softplus(Z4) − X ∘ Z4] + β (1/m) Σ ½ (MU² + SIGMA² − LOGVAR − 1).
    # DERIVE: the loss J of the statement (eqs. 4-6), each term a mean over the m samples.
    reconstruction = np.sum(np.logaddexp(0, Z4) - X * Z4) / m              # eq. 5, mean over samples
    kl = 0.5 * np.sum(MU ** 2 + SIGMA ** 2 - LOGVAR - 1) / m               # eq. 6, mean over samples
    loss = reconstruction + beta * kl                                      # eq. 4
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: δ⁵ = (1/m)(f(Z4) − X); δ⁴ = (δ⁵W4ᵀ) ∘ A3(1 − A3); ∂J/∂H = δ⁴W3ᵀ.
    # DERIVE: the error at the logits, ∂J/∂Z4, then back through the decoder to the code: ∂J/∂H.
    delta5 = (expit(Z4) - X) / m                     # (m, n_visible)   ∂J/∂Z4
    delta4 = (delta5 @ W4.T) * A3 * (1 - A3)         # (m, n_units)     ∂J/∂Z3
    dJ_dH = delta4 @ W3.T                            # (m, n_hidden)    the reconstruction's share of ∂J/∂H
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: δ³_μ = ∂J/∂H + (β/m) MU;  δ³_logσ² = ∂J/∂H ∘ ½ SIGMA ∘ eps + (β/m) ½ (SIGMA² − 1).
    # DERIVE: the errors at the two heads, ∂J/∂MU and ∂J/∂LOGVAR (each (m, n_hidden)).
    delta3_mu = dJ_dH + beta * MU / m                                            # eq. 7 (∂h/∂μ = 1) + eq. 8
    delta3_logvar = dJ_dH * 0.5 * SIGMA * eps + beta * 0.5 * (SIGMA ** 2 - 1) / m  # eq. 7 (½σ∘ε) + eq. 8
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: δ² = (δ³_μ W_muᵀ + δ³_logσ² W_logvarᵀ) ∘ A1(1 − A1).
    # DERIVE: the error at the encoder's hidden layer, ∂J/∂Z1 (m, n_units).
    delta2 = (delta3_mu @ W_mu.T + delta3_logvar @ W_logvar.T) * A1 * (1 - A1)   # (m, n_units)  ∂J/∂Z1
    # END SOLUTION
    # BEGIN DERIVE
    # DERIVE: the ten gradients, keyed like params.
    grads = {"W1": X.T @ delta2, "b1": delta2.sum(axis=0),
             "W_mu": A1.T @ delta3_mu, "b_mu": delta3_mu.sum(axis=0),
             "W_logvar": A1.T @ delta3_logvar, "b_logvar": delta3_logvar.sum(axis=0),
             "W3": H.T @ delta4, "b3": delta4.sum(axis=0),
             "W4": A3.T @ delta5, "b4": delta5.sum(axis=0)}
    # END DERIVE
    return loss, grads
