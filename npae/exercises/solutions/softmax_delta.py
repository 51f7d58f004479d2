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

[guided]
1. The quotient rule, with ∂exp(zⱼ)/∂zₖ = 1[j = k] exp(zⱼ): ∂pⱼ/∂zₖ = pⱼ (1[j = k] − pₖ), i.e. the
   matrix diag(p) − p pᵀ.
2. log P[i, yᵢ] = Z[i, yᵢ] − log Σₖ exp Z[i, k], so ∂(−log P[i, yᵢ])/∂Z[i, k] = P[i, k] − 1[k = yᵢ]. With Y
   the one-hot matrix of y: ∂J/∂Z = (1/m)(P − Y). (By the chain rule through 1., the cross-entropy's
   −1/p_y times row y of diag(p) − p pᵀ gives the same: everything but P − Y cancels.)
[derive]
Derive both on paper first: 1. from the quotient that defines pⱼ (the cases j = k and j ≠ k);
2. either from log P directly, or by the chain rule through 1.
[end]
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
    # BEGIN SOLUTION
    # HINT: p = softmax(z[None, :])[0]; the Jacobian is diag(p) − p pᵀ (np.diag, np.outer).
    # DERIVE: ∂pⱼ/∂zₖ for every j and k.
    p = softmax(z[None, :])[0]
    return np.diag(p) - np.outer(p, p)
    # END SOLUTION


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
    # BEGIN SOLUTION
    # HINT: shift each row by its maximum; log_P = Z − log Σ exp(Z) along axis 1; J = −(1/m) Σᵢ log_P[i, yᵢ].
    # DERIVE: log P (shifted) and the loss J of the statement.
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(log_P[np.arange(m), y]) / m
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: ∂J/∂Z = (1/m)(P − Y), Y the one-hot matrix of y.
    # DERIVE: ∂J/∂Z.
    Y = np.zeros_like(Z)
    Y[np.arange(m), y] = 1.0
    dJ_dZ = (np.exp(log_P) - Y) / m
    # END SOLUTION
    return loss, dJ_dZ
