# Exercise stub (guided level), generated from npae/exercises/solutions/tied_weights.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``tied_weights``: an autoencoder whose decoder reuses the encoder's weights, W2 = W1ᵀ.

Lesson: ``lessons/05_undercomplete_and_pca.py``.

The parameters are ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``b2`` (n_visible,) — no W2::

    H = σ(X W1 + b1),   X̂ = σ(H W1ᵀ + b2)
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖² + (λ/2) ‖W1‖²_F          (one matrix, decayed once)

W1 is used twice — in the encoder and, transposed, in the decoder — and a parameter used twice gets the
**sum of the gradients of both uses** (the multivariate chain rule)::

    δ³ = (1/m)(X̂ − X) ∘ X̂ ∘ (1 − X̂),      δ² = (δ³ W1) ∘ H ∘ (1 − H)
    ∂J/∂W1 = Xᵀ δ²   (encoder use)   +   (Hᵀ δ³)ᵀ = δ³ᵀ H   (decoder use)   +   λ W1
    ∂J/∂b1 = Σᵢ δ²ᵢ,   ∂J/∂b2 = Σᵢ δ³ᵢ
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, weight_decay):
    """Tied-weight sigmoid autoencoder: squared error plus (λ/2)‖W1‖², and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]
    weight_decay : float
        λ.

    Returns
    -------
    loss : float
    grads : dict with ``W1``, ``b1``, ``b2``, shaped like ``params``
    """
    W1, b1, b2 = params["W1"], params["b1"], params["b2"]
    m = X.shape[0]
    # HINT: the decoder's weights are W1.T: X_hat = σ(H W1ᵀ + b2); then δ³ and δ² as for untied weights.
    raise NotImplementedError("YOUR CODE HERE: the decoder's weights are W1.T: X_hat = σ(H W1ᵀ + b2); then δ³ and δ² as for untied weights.")
    # HINT: grad_W1 = (encoder path Xᵀδ²) + (decoder path (Hᵀδ³)ᵀ) + λ W1.
    raise NotImplementedError('YOUR CODE HERE: grad_W1 = (encoder path Xᵀδ²) + (decoder path (Hᵀδ³)ᵀ) + λ W1.')
    return loss, grads
