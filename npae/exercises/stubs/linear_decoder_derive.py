# Exercise stub (derive level), generated from npae/exercises/solutions/linear_decoder.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``linear_decoder``: an autoencoder whose decoder is linear (UFLDL's "Linear decoders").

Lesson: ``lessons/05_undercomplete_and_pca.py``.

For inputs that are not in [0, 1] (whitened patches, PCA-reduced data) the output is left linear.
Shapes as ``autoencoder_backprop``::

    H = σ(X W1 + b1)          (m, n_hidden)
    X̂ = H W2 + b2             (m, n_visible)   no sigmoid at the output
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖² + (λ/2)(‖W1‖²_F + ‖W2‖²_F)

Derive ∂J/∂W2, ∂J/∂b2, ∂J/∂W1 and ∂J/∂b1 on paper first: what changes, compared with a sigmoid
output, and what does not?

The grader uses data that is not in [0, 1].
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, weight_decay):
    """Squared error of a sigmoid-encoder, linear-decoder autoencoder with weight decay, and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), any real values
    weight_decay : float
        λ.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    # DERIVE: the forward pass (a linear output) and the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: the forward pass (a linear output) and the loss J of the statement.')
    # DERIVE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).
    raise NotImplementedError('YOUR CODE HERE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).')
    # DERIVE: the four gradients, keyed like params.
    raise NotImplementedError('YOUR CODE HERE: the four gradients, keyed like params.')
    return loss, grads
