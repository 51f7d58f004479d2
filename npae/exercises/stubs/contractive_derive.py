# Exercise stub (derive level), generated from npae/exercises/solutions/contractive.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``contractive``: the contractive penalty's analytic gradient (Rifai et al. 2011), untied and tied.

Lesson: ``lessons/12_contractive_autoencoder.py``.

Sigmoid encoder and decoder, squared error, plus λ times the mean over samples of the squared Frobenius
norm of the code's Jacobian ∂h/∂x. With sᵢⱼ = hᵢⱼ(1 − hᵢⱼ) = σ'(zᵢⱼ) and wⱼ = ‖W1[:, j]‖²::

    H = σ(X W1 + b1),   X̂ = σ(H W2 + b2)                 (tied: W2 = W1ᵀ)
    ‖∂h(xᵢ)/∂x‖²_F = Σⱼ sᵢⱼ² wⱼ,      Ω = (λ/m) Σᵢ Σⱼ sᵢⱼ² wⱼ
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖² + Ω

The grader checks **untied and tied** weights: ``params`` without ``W2`` means tied (the decoder uses W1ᵀ),
and the gradient then has no ``W2`` either.

Derive ∂J/∂W1, ∂J/∂b1, ∂J/∂b2 and (untied) ∂J/∂W2 on paper first. W1 reaches Ω along more than one
path (count them, and count the decoder's too when the weights are tied); the penalty also depends on b1.
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, lam):
    """Squared error plus the contractive penalty, and the gradient; tied when ``params`` has no ``W2``.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible) unless tied,
        ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]
    lam : float
        λ, the contraction weight.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    tied = "W2" not in params
    W1, b1, b2 = params["W1"], params["b1"], params["b2"]
    W2 = W1.T if tied else params["W2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W2 + b2)
    s = H * (1 - H)
    w = np.sum(W1 ** 2, axis=0)
    # DERIVE: the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: the loss J of the statement.')
    # DERIVE: the errors at the output and at the code layer, ∂J/∂Z2 and ∂J/∂Z1 (with the penalty's share).
    raise NotImplementedError("YOUR CODE HERE: the errors at the output and at the code layer, ∂J/∂Z2 and ∂J/∂Z1 (with the penalty's share).")
    # DERIVE: the gradients, keyed like params (no W2 when tied).
    raise NotImplementedError('YOUR CODE HERE: the gradients, keyed like params (no W2 when tied).')
    return loss, grads
