# Exercise stub (guided level), generated from npae/exercises/solutions/autoencoder_backprop.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``autoencoder_backprop``: the two-layer autoencoder's forward and backward pass, by hand.

Lesson: ``lessons/02_backprop_and_gradient_checking.py``.

Samples are rows (``docs/notation.md``). With X of shape (m, n_visible) and the parameters ``W1``
(n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,)::

    Z1 = X W1 + b1,   H = σ(Z1)                  (m, n_hidden)
    Z2 = H W2 + b2,   X̂ = σ(Z2)                  (m, n_visible)
    J  = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²                   squared error: a mean over samples, a sum over features

Backward pass (UFLDL's sparse-autoencoder notes; our deltas carry the 1/m of the mean)::

    δ³ = ∂J/∂Z2 = (1/m) (X̂ − X) ∘ X̂ ∘ (1 − X̂)          σ'(z) = σ(z)(1 − σ(z)), at the output
    ∂J/∂W2 = Hᵀ δ³,   ∂J/∂b2 = Σᵢ δ³ᵢ
    δ² = ∂J/∂Z1 = (δ³ W2ᵀ) ∘ H ∘ (1 − H)                 σ' at the hidden layer
    ∂J/∂W1 = Xᵀ δ²,   ∂J/∂b1 = Σᵢ δ²ᵢ

Hints: σ'(z) is written with the *output* of the sigmoid, a(1 − a) with a = σ(z) — not with z itself.
The weight gradient has the shape of the weight: (n_visible, n_hidden) for W1.

Return ``(loss, grads)`` with ``grads`` keyed and shaped like ``params``. The grader checks your gradient
against finite differences of your own loss, and your loss and gradients against a reference.
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    """Squared-error loss of a sigmoid autoencoder and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,),
        float64.
    X : ndarray of shape (m, n_visible), float64, values in [0, 1]

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    # HINT: forward: H = σ(X W1 + b1), X_hat = σ(H W2 + b2); J = (1/m) Σ ½ (X_hat − X)².
    raise NotImplementedError('YOUR CODE HERE: forward: H = σ(X W1 + b1), X_hat = σ(H W2 + b2); J = (1/m) Σ ½ (X_hat − X)².')
    # HINT: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); grad_W2 = Hᵀδ³; grad_b2 = Σ over samples of δ³.
    raise NotImplementedError('YOUR CODE HERE: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); grad_W2 = Hᵀδ³; grad_b2 = Σ over samples of δ³.')
    # HINT: δ² = (δ³ W2ᵀ) ∘ H(1 − H); grad_W1 = Xᵀδ²; grad_b1 = Σ over samples of δ².
    raise NotImplementedError('YOUR CODE HERE: δ² = (δ³ W2ᵀ) ∘ H(1 − H); grad_W1 = Xᵀδ²; grad_b1 = Σ over samples of δ².')
    return loss, {"W1": grad_W1, "b1": grad_b1, "W2": grad_W2, "b2": grad_b2}
