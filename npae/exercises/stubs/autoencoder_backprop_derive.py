# Exercise stub (derive level), generated from npae/exercises/solutions/autoencoder_backprop.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``autoencoder_backprop``: the two-layer autoencoder's forward and backward pass, by hand.

Lesson: ``lessons/02_backprop_and_gradient_checking.py``.

Samples are rows (``docs/notation.md``). With X of shape (m, n_visible) and the parameters ``W1``
(n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,)::

    Z1 = X W1 + b1,   H = σ(Z1)                  (m, n_hidden)
    Z2 = H W2 + b2,   X̂ = σ(Z2)                  (m, n_visible)
    J  = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²                   squared error: a mean over samples, a sum over features

Derive ∂J/∂W2, ∂J/∂b2, ∂J/∂W1 and ∂J/∂b1 on paper from the chain rule, before you write any code
(lesson 02 shows the method on this model; the guided level of this exercise gives the result).
Each gradient has the shape of its parameter.

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
    # DERIVE: the forward pass and the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: the forward pass and the loss J of the statement.')
    # DERIVE: the gradients of J with respect to the decoder's parameters: grad_W2 and grad_b2.
    raise NotImplementedError("YOUR CODE HERE: the gradients of J with respect to the decoder's parameters: grad_W2 and grad_b2.")
    # DERIVE: the gradients of J with respect to the encoder's parameters: grad_W1 and grad_b1.
    raise NotImplementedError("YOUR CODE HERE: the gradients of J with respect to the encoder's parameters: grad_W1 and grad_b1.")
    return loss, {"W1": grad_W1, "b1": grad_b1, "W2": grad_W2, "b2": grad_b2}
