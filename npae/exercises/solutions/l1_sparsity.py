"""Exercise ``l1_sparsity``: the L1 sparsity penalty on the code, and where its gradient enters the backprop.

Lesson: ``lessons/07_l1_vs_kl_sparsity.py``.

Shapes as ``autoencoder_backprop`` (sigmoid encoder and decoder). The penalty is λ times the mean over
samples of the code's L1 norm (Goodfellow et al. §14.2.1)::

    H = σ(X W1 + b1),   X̂ = σ(H W2 + b2)
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²  +  λ (1/m) Σᵢ Σⱼ |hᵢⱼ|

[guided]
Its gradient with respect to the code is ∂Ω/∂hᵢⱼ = (λ/m) sign(hᵢⱼ) (= λ/m for a sigmoid code, h > 0).
It belongs to ∂J/∂H, so it is added **before** the sigmoid's slope::

    δ³ = (1/m)(X̂ − X) ∘ X̂ ∘ (1 − X̂)
    δ² = (δ³ W2ᵀ + (λ/m) sign(H)) ∘ H ∘ (1 − H)
    ∂J/∂W1 = Xᵀ δ²,  ∂J/∂b1 = Σᵢ δ²ᵢ,  ∂J/∂W2 = Hᵀ δ³,  ∂J/∂b2 = Σᵢ δ³ᵢ
[derive]
Derive the four gradients on paper first. The penalty is a function of the code H: find its gradient
with respect to H, and where in the backward pass it joins the error coming back from the decoder.
[end]
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, lam):
    """Squared error plus the L1 penalty λ · mean Σⱼ |hⱼ|, and the gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]
    lam : float
        λ, the penalty's weight.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    # BEGIN SOLUTION
    # HINT: loss = (1/m) Σ ½ (X_hat − X)² + (λ/m) Σ |H|.
    # DERIVE: the loss J of the statement.
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + lam * np.sum(np.abs(H)) / m
    # END SOLUTION
    # BEGIN DERIVE
    # DERIVE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    # END DERIVE
    # BEGIN SOLUTION
    # HINT: ∂J/∂H = δ³W2ᵀ + (λ/m) sign(H); then δ² = ∂J/∂H ∘ H(1 − H).
    # DERIVE: the error at the code layer, ∂J/∂Z1, with the penalty's share.
    dJ_dH = delta3 @ W2.T + lam * np.sign(H) / m
    delta2 = dJ_dH * H * (1 - H)
    # END SOLUTION
    # BEGIN DERIVE
    # DERIVE: the four gradients, keyed like params.
    grads = {"W1": X.T @ delta2, "b1": delta2.sum(axis=0), "W2": H.T @ delta3, "b2": delta3.sum(axis=0)}
    # END DERIVE
    return loss, grads
