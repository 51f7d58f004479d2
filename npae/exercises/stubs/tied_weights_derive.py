# Exercise stub (derive level), generated from npae/exercises/solutions/tied_weights.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``tied_weights``: an autoencoder whose decoder reuses the encoder's weights, W2 = W1ᵀ.

Lesson: ``lessons/05_undercomplete_and_pca.py``.

The parameters are ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``b2`` (n_visible,) — no W2::

    H = σ(X W1 + b1),   X̂ = σ(H W1ᵀ + b2)
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖² + (λ/2) ‖W1‖²_F          (one matrix, decayed once)

Derive ∂J/∂W1, ∂J/∂b1 and ∂J/∂b2 on paper first. W1 appears in more than one place: the chain rule
asks for every path from W1 to J.
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
    # DERIVE: the forward pass (the decoder's weights are W1.T) and the loss J of the statement.
    raise NotImplementedError("YOUR CODE HERE: the forward pass (the decoder's weights are W1.T) and the loss J of the statement.")
    # DERIVE: the three gradients, keyed like params.
    raise NotImplementedError('YOUR CODE HERE: the three gradients, keyed like params.')
    return loss, grads
