# Exercise stub (guided level), generated from npae/exercises/solutions/softmax_delta.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``softmax_delta``: the softmax's Jacobian and the softmax-plus-cross-entropy delta, from scratch.

Lesson: ``lessons/19_softmax_regression.py``.

Logits Z of shape (m, n_classes), labels y of shape (m,), integers in [0, n_classes). For one row z, the
softmax (given below as ``softmax``, row-wise and shifted by the row's maximum so that exp never
overflows) and the cross-entropy of the batch::

    pₖ = exp(zₖ) / Σⱼ exp(zⱼ)                          p: (n_classes,), Σₖ pₖ = 1
    J = −(1/m) Σᵢ log P[i, yᵢ]                          a mean over the m samples

Write:

1. ``softmax_jacobian(z)``: for one row z (n_classes,), the matrix ∂p/∂z of shape (n_classes, n_classes),
   entry (j, k) = ∂pⱼ/∂zₖ;
2. ``softmax_cross_entropy(Z, y)``: ``(J, dJ_dZ)``, the loss computed stably from the logits (log P as
   Z − log Σ exp Z, each row shifted by its maximum first: the grader includes logits in the thousands)
   and its gradient ∂J/∂Z, of Z's shape.

1. The quotient rule, with ∂exp(zⱼ)/∂zₖ = 1[j = k] exp(zⱼ): ∂pⱼ/∂zₖ = pⱼ (1[j = k] − pₖ), i.e. the
   matrix diag(p) − p pᵀ.
2. log P[i, yᵢ] = Z[i, yᵢ] − log Σₖ exp Z[i, k], so ∂(−log P[i, yᵢ])/∂Z[i, k] = P[i, k] − 1[k = yᵢ]. With Y
   the one-hot matrix of y: ∂J/∂Z = (1/m)(P − Y). (By the chain rule through 1., the cross-entropy's
   −1/p_y times row y of diag(p) − p pᵀ gives the same: everything but P − Y cancels.)
"""

import numpy as np


def softmax(Z):
    """Row-wise softmax, each row shifted by its maximum (given).

    Parameters
    ----------
    Z : ndarray of shape (m, n_classes)

    Returns
    -------
    ndarray of shape (m, n_classes), each row summing to 1
    """
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_jacobian(z):
    """∂p/∂z of one row's softmax.

    Parameters
    ----------
    z : ndarray of shape (n_classes,)

    Returns
    -------
    ndarray of shape (n_classes, n_classes), entry (j, k) = ∂pⱼ/∂zₖ
    """
    # HINT: p = softmax(z[None, :])[0]; the Jacobian is diag(p) − p pᵀ (np.diag, np.outer).
    raise NotImplementedError('YOUR CODE HERE: p = softmax(z[None, :])[0]; the Jacobian is diag(p) − p pᵀ (np.diag, np.outer).')


def softmax_cross_entropy(Z, y):
    """The mean cross-entropy of the softmax of Z against the labels y, and its gradient ∂J/∂Z.

    Parameters
    ----------
    Z : ndarray of shape (m, n_classes)
        Logits.
    y : ndarray of shape (m,), int
        Labels in [0, n_classes).

    Returns
    -------
    loss : float
    dJ_dZ : ndarray of shape (m, n_classes)
    """
    m = Z.shape[0]
    # HINT: shift each row by its maximum; log_P = Z − log Σ exp(Z) along axis 1; J = −(1/m) Σᵢ log_P[i, yᵢ].
    raise NotImplementedError('YOUR CODE HERE: shift each row by its maximum; log_P = Z − log Σ exp(Z) along axis 1; J = −(1/m) Σᵢ log_P[i, yᵢ].')
    # HINT: ∂J/∂Z = (1/m)(P − Y), Y the one-hot matrix of y.
    raise NotImplementedError('YOUR CODE HERE: ∂J/∂Z = (1/m)(P − Y), Y the one-hot matrix of y.')
    return loss, dJ_dZ
