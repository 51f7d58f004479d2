# Exercise stub (derive level), generated from npae/exercises/solutions/softmax_regression.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``softmax_regression``: softmax regression with weight decay (UFLDL's ``softmaxCost``).

Lesson: ``lessons/19_softmax_regression.py``.

X is (m, n_features), the labels y are integers in [0, n_classes) of shape (m,); ``W`` is
(n_features, n_classes) and ``b`` (n_classes,)::

    Z = X W + b                                          (m, n_classes)   logits
    P[i, k] = exp(Z[i, k]) / Σⱼ exp(Z[i, j])             a softmax over the classes: axis 1
    J = −(1/m) Σᵢ log P[i, yᵢ] + (λ/2) ‖W‖²_F            (the bias is not decayed)

Subtract each row's maximum from Z before ``exp`` (it cancels in the ratio): exp(1000) overflows to inf
and inf/inf is nan. Compute log P as Z − log Σ exp(Z) on the shifted logits. The grader includes a
problem whose logits are in the thousands.

Derive ∂J/∂W and ∂J/∂b on paper first, through ∂J/∂Z (the exercise ``softmax_delta`` derives that
step on its own).
"""

import numpy as np


def softmax_cost(params, X, y, weight_decay):
    """Softmax regression's cost and gradient.

    Parameters
    ----------
    params : dict
        ``W`` (n_features, n_classes), ``b`` (n_classes,).
    X : ndarray of shape (m, n_features)
    y : ndarray of shape (m,), int
        Labels in [0, n_classes).
    weight_decay : float
        λ.

    Returns
    -------
    loss : float
    grads : dict with ``W`` and ``b``
    """
    W, b = params["W"], params["b"]
    m = X.shape[0]
    Y = np.zeros((m, W.shape[1]))
    Y[np.arange(m), y] = 1.0
    # DERIVE: the logits, log P (shifted, along the classes) and the loss J of the statement.
    raise NotImplementedError('YOUR CODE HERE: the logits, log P (shifted, along the classes) and the loss J of the statement.')
    # DERIVE: the gradients with respect to W and b.
    raise NotImplementedError('YOUR CODE HERE: the gradients with respect to W and b.')
    return loss, grads
