# Exercise stub (derive level), generated from npae/exercises/solutions/cross_entropy_delta.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``cross_entropy_delta``: the Bernoulli cross-entropy from the logits, and its output delta.

Lesson: ``lessons/17_keras_autoencoder_in_numpy.py``.

Sigmoid encoder and decoder; the reconstruction loss is the cross-entropy, a mean over samples of a sum
over features (Keras reports the per-pixel mean: divide by n_visible to compare). Shapes as
``autoencoder_backprop``::

    H = σ(X W1 + b1),   Z2 = H W2 + b2,   X̂ = σ(Z2)
    J = (1/m) Σᵢ Σⱼ −[xᵢⱼ log x̂ᵢⱼ + (1 − xᵢⱼ) log(1 − x̂ᵢⱼ)]
      = (1/m) Σᵢ Σⱼ [softplus(zᵢⱼ) − xᵢⱼ zᵢⱼ],          softplus(z) = log(1 + eᶻ)

Compute it **from the logits** Z2 (``np.logaddexp(0, Z2)`` is a stable softplus): a saturated unit gives
σ(z) = 1.0 exactly in float64, and log(1 − 1.0) = −inf. The grader includes a problem whose logits are large.

Derive the four gradients on paper first, starting from ∂J/∂Z2 (use the softplus form: what is
softplus′?). Compare the result with the squared error's: what disappeared, and why does it matter
for saturated outputs?
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    """Cross-entropy loss of a sigmoid autoencoder, computed from the logits, and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    Z2 = H @ W2 + b2
    X_hat = expit(Z2)
    # DERIVE: the loss J of the statement, from the logits Z2.
    raise NotImplementedError('YOUR CODE HERE: the loss J of the statement, from the logits Z2.')
    # DERIVE: the error at the output, ∂J/∂Z2.
    raise NotImplementedError('YOUR CODE HERE: the error at the output, ∂J/∂Z2.')
    # DERIVE: the four gradients, keyed like params.
    raise NotImplementedError('YOUR CODE HERE: the four gradients, keyed like params.')
    return loss, grads
