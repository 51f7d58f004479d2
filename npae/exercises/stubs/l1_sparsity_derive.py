# Exercise stub (derive level), generated from npae/exercises/solutions/l1_sparsity.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``l1_sparsity``: the L1 sparsity penalty on the code, and where its gradient enters the backprop.

Lesson: ``lessons/07_l1_vs_kl_sparsity.py``.

Shapes as ``autoencoder_backprop`` (sigmoid encoder and decoder). The penalty is λ times the mean over
samples of the code's L1 norm (Goodfellow et al. §14.2.1)::

    H = σ(X W1 + b1),   X̂ = σ(H W2 + b2)
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²  +  λ (1/m) Σᵢ Σⱼ |hᵢⱼ|

Derive the four gradients on paper first. The penalty is a function of the code H: find its gradient
with respect to H, and where in the backward pass it joins the error coming back from the decoder.
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
    # DERIVE: the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: the loss J of the statement.')
    # DERIVE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).
    raise NotImplementedError('YOUR CODE HERE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).')
    # DERIVE: the error at the code layer, ∂J/∂Z1, with the penalty's share.
    raise NotImplementedError("YOUR CODE HERE: the error at the code layer, ∂J/∂Z1, with the penalty's share.")
    # DERIVE: the four gradients, keyed like params.
    raise NotImplementedError('YOUR CODE HERE: the four gradients, keyed like params.')
    return loss, grads
