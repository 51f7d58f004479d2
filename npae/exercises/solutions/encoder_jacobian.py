"""Exercise ``encoder_jacobian``: the encoder's Jacobian ∂h/∂x, and its squared norm, the contractive penalty's term.

Lesson: ``lessons/12_contractive_autoencoder.py``.

A sigmoid encoder (given below as ``encode``), for a batch X of shape (m, n_visible), ``W1``
(n_visible, n_hidden) and ``b1`` (n_hidden,)::

    Z1 = X W1 + b1,   H = σ(Z1)                  (m, n_hidden); sample i's code depends on its row xᵢ only

Write:

1. ``encoder_jacobian(params, X)``: the Jacobian of every sample's code, of shape (m, n_hidden, n_visible),
   entry [i, j, k] = ∂hᵢⱼ/∂xᵢₖ;
2. ``jacobian_norms(params, X)``: the vector (m,) of ‖∂h(xᵢ)/∂x‖²_F, in closed form, **without building the
   Jacobian** (memory O(m·n_hidden + n_visible·n_hidden), not O(m·n_hidden·n_visible)).

The contractive penalty (lesson 12) is λ times the mean of these norms.

[guided]
By the chain rule, ∂hⱼ/∂xₖ = σ'(zⱼ) ∂zⱼ/∂xₖ = hⱼ(1 − hⱼ) W1[k, j]: with s = h(1 − h), J(x) = diag(s) W1ᵀ —
each row j of W1ᵀ scaled by sⱼ. Summing its squares row by row::

    ‖J(x)‖²_F = Σⱼ sⱼ² Σₖ W1[k, j]² = Σⱼ sⱼ² ‖W1[:, j]‖²

so ``jacobian_norms`` is (s ** 2) @ w with w = the squared norms of W1's columns.
[derive]
Derive ∂hⱼ/∂xₖ by the chain rule, then write ‖J(x)‖²_F as a sum over the code units j of a factor that
depends on x and a factor that does not.
[end]

The grader checks both against finite differences of ``encode``, and against a reference.
"""

import numpy as np
from scipy.special import expit


def encode(params, X):
    """The code H = σ(X W1 + b1) (given).

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,).
    X : ndarray of shape (m, n_visible)

    Returns
    -------
    ndarray of shape (m, n_hidden)
    """
    return expit(X @ params["W1"] + params["b1"])


def encoder_jacobian(params, X):
    """∂h/∂x at every row of X.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,).
    X : ndarray of shape (m, n_visible)

    Returns
    -------
    ndarray of shape (m, n_hidden, n_visible), entry [i, j, k] = ∂hᵢⱼ/∂xᵢₖ
    """
    W1 = params["W1"]
    H = encode(params, X)
    # BEGIN SOLUTION
    # HINT: s = H(1 − H), (m, n_hidden); J[i] = diag(s[i]) W1ᵀ: s[:, :, None] * W1.T[None, :, :].
    # DERIVE: ∂hᵢⱼ/∂xᵢₖ for every i, j, k.
    s = H * (1 - H)
    return s[:, :, None] * W1.T[None, :, :]
    # END SOLUTION


def jacobian_norms(params, X):
    """‖∂h(xᵢ)/∂x‖²_F for every row of X, without building the Jacobian.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,).
    X : ndarray of shape (m, n_visible)

    Returns
    -------
    ndarray of shape (m,)
    """
    W1 = params["W1"]
    H = encode(params, X)
    # BEGIN SOLUTION
    # HINT: s = H(1 − H); w = ‖W1[:, j]‖² for every j (a sum over axis 0); the norms are (s²) @ w.
    # DERIVE: the closed form of ‖J(xᵢ)‖²_F for every i.
    s = H * (1 - H)
    w = np.sum(W1 ** 2, axis=0)
    return (s ** 2) @ w
    # END SOLUTION
