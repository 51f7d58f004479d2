"""Exercise ``denoising``: a corruption process, and the denoising loss with the clean target.

Lesson: ``lessons/09_denoising_autoencoder.py``.

1. ``masking(X, level, rng)`` — Vincent et al. (2010) §4.2 "masking noise": each entry of X is set to 0
   independently with probability ν = ``level``, and kept otherwise. Return a new array of X's shape and
   dtype; never modify X. All randomness comes from ``rng`` (a ``numpy.random.Generator``), so that the
   same seed gives the same x̃.

2. ``loss_and_grads(params, X_tilde, X)`` — the encoder sees the corrupted x̃, the loss compares the
   reconstruction with the **clean** x (Goodfellow et al. §14.5). Shapes as ``autoencoder_backprop``::

       H = σ(X̃ W1 + b1),   X̂ = σ(H W2 + b2),   J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²

[guided]
   The backward pass is the plain autoencoder's, with the encoder's input x̃::

       δ³ = (1/m)(X̂ − X) ∘ X̂ ∘ (1 − X̂),   δ² = (δ³ W2ᵀ) ∘ H ∘ (1 − H)
       ∂J/∂W1 = X̃ᵀ δ²  (the encoder's input was x̃),  ∂J/∂W2 = Hᵀ δ³,  biases: Σᵢ δ

[derive]
   Derive the four gradients on paper first: which input does each one see?

[end]
   x̃ is drawn *before* the loss is called, so the loss is a deterministic function that a gradient
   check can probe.

The grader checks the corruption's statistics (the fraction zeroed, that kept entries are unchanged, that
X is untouched, that a seed reproduces x̃), then the loss and its gradient.
"""

import numpy as np
from scipy.special import expit


def masking(X, level, rng):
    """Masking noise: each entry set to 0 with probability ``level``.

    Parameters
    ----------
    X : ndarray of shape (m, n_visible), float
    level : float in [0, 1]
        ν, the probability of zeroing an entry.
    rng : numpy.random.Generator

    Returns
    -------
    X_tilde : ndarray of X's shape and dtype (a new array)
    """
    # BEGIN SOLUTION
    # HINT: draw one uniform number per entry with rng.random(X.shape); keep the entries where it is ≥ level.
    # DERIVE: draw one uniform number per entry with rng.random(X.shape); keep the entries where it is ≥ level.
    keep = rng.random(X.shape) >= level
    return np.where(keep, X, 0.0).astype(X.dtype)
    # END SOLUTION


def loss_and_grads(params, X_tilde, X):
    """The denoising autoencoder's squared error (clean target) and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X_tilde : ndarray of shape (m, n_visible)
        The corrupted inputs x̃ the encoder sees.
    X : ndarray of shape (m, n_visible), values in [0, 1]
        The clean inputs the reconstruction is compared with.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    # BEGIN SOLUTION
    # HINT: encode X_tilde, compare X_hat with the clean X.
    # DERIVE: the forward pass and the loss J of the statement.
    H = expit(X_tilde @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    residual = X_hat - X
    loss = 0.5 * np.sum(residual ** 2) / m
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: the backward pass is the plain autoencoder's; the encoder's input is X_tilde.
    # DERIVE: the four gradients, keyed like params.
    delta3 = residual * X_hat * (1 - X_hat) / m
    delta2 = (delta3 @ W2.T) * H * (1 - H)
    grads = {"W1": X_tilde.T @ delta2, "b1": delta2.sum(axis=0), "W2": H.T @ delta3, "b2": delta3.sum(axis=0)}
    # END SOLUTION
    return loss, grads
