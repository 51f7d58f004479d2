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

[guided]
The gradient, with Y the one-hot matrix of the labels::

    δ = ∂J/∂Z = (1/m)(P − Y)
    ∂J/∂W = Xᵀ δ + λ W,     ∂J/∂b = Σᵢ δᵢ
[derive]
Derive ∂J/∂W and ∂J/∂b on paper first, through ∂J/∂Z (the exercise ``softmax_delta`` derives that
step on its own).
[end]
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
    # BEGIN SOLUTION
    # HINT: shift each row of Z = X W + b by its maximum, then log P = Z − log Σ_k exp(Z) along the classes.
    # DERIVE: the logits, log P (shifted, along the classes) and the loss J of the statement.
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    loss = -np.sum(Y * log_P) / m + 0.5 * weight_decay * np.sum(W ** 2)
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: δ = (1/m)(P − Y); grad_W = Xᵀδ + λW; grad_b = Σ over samples of δ.
    # DERIVE: the gradients with respect to W and b.
    delta = (np.exp(log_P) - Y) / m
    grads = {"W": X.T @ delta + weight_decay * W, "b": delta.sum(axis=0)}
    # END SOLUTION
    return loss, grads
