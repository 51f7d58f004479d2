# Exercise stub (derive level), generated from npae/exercises/solutions/softmax_delta.py by
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

Derive both on paper first: 1. from the quotient that defines pⱼ (the cases j = k and j ≠ k);
2. either from log P directly, or by the chain rule through 1.
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
    # DERIVE: ∂pⱼ/∂zₖ for every j and k.
    raise NotImplementedError('YOUR CODE HERE: ∂pⱼ/∂zₖ for every j and k.')


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
    # DERIVE: log P (shifted) and the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: log P (shifted) and the loss J of the statement.')
    # DERIVE: ∂J/∂Z.
    raise NotImplementedError('YOUR CODE HERE: ∂J/∂Z.')
    return loss, dJ_dZ
