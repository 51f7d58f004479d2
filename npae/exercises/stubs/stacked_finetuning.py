# Exercise stub (guided level), generated from npae/exercises/solutions/stacked_finetuning.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``stacked_finetuning``: the δ recurrence of a stacked encoder plus softmax, end to end (UFLDL ``stackedAECost``).

Lesson: ``lessons/21_fine_tuning.py``.

K sigmoid encoder layers and a softmax on top, any depth K ≥ 1. ``params`` holds ``W1`` … ``WK``
(Wₗ of shape (nₗ₋₁, nₗ)), ``b1`` … ``bK``, ``W_softmax`` (n_K, n_classes) and ``b_softmax`` (n_classes,).
With A⁽⁰⁾ = X (m, n₀)::

    A⁽ˡ⁾ = σ(A⁽ˡ⁻¹⁾ Wₗ + bₗ),  l = 1 … K;      Z = A⁽ᴷ⁾ W_softmax + b_softmax;   P = softmax(Z)
    J = −(1/m) Σᵢ log P[i, yᵢ] + (λ/2) ‖W_softmax‖²_F      (UFLDL decays only the softmax weights)

The forward pass and the loss are given (they are the softmax exercise).
You write the backward recurrence, from the top down (UFLDL "Backpropagation Algorithm", samples as rows)::

    δ⁽ᴷ⁺¹⁾ = ∂J/∂Z = (1/m)(P − Y)
    for the layer with input A⁽ˡ⁾ and delta δ⁽ˡ⁺¹⁾:
        ∂J/∂W = A⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾,   ∂J/∂b = Σᵢ δ⁽ˡ⁺¹⁾ᵢ
        δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ Wᵀ) ∘ A⁽ˡ⁾ ∘ (1 − A⁽ˡ⁾)          σ' of the layer *below* W: the one whose output A⁽ˡ⁾ is
    and λ W_softmax added to ∂J/∂W_softmax.

The grader checks depths 1, 2 and 3.
"""

import numpy as np
from scipy.special import expit


def stacked_cost(params, X, y, weight_decay):
    """Cross-entropy of a stacked sigmoid encoder with a softmax on top, and its gradient for every layer.

    Parameters
    ----------
    params : dict
        ``W1``, ``b1``, …, ``WK``, ``bK``, ``W_softmax``, ``b_softmax`` (shapes in the module docstring).
    X : ndarray of shape (m, n₀)
    y : ndarray of shape (m,), int
        Labels in [0, n_classes).
    weight_decay : float
        λ, on ``W_softmax`` only.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    K = sum(1 for name in params if name.startswith("W") and name != "W_softmax")
    names = [str(l) for l in range(1, K + 1)] + ["_softmax"]
    weights = [params["W" + n] for n in names]
    biases = [params["b" + n] for n in names]
    m = X.shape[0]
    A = [X]                                               # A[l] is the input of layer l (A[0] = X)
    for W, b in zip(weights[:-1], biases[:-1]):
        A.append(expit(A[-1] @ W + b))
    Z = A[-1] @ weights[-1] + biases[-1]
    Z = Z - Z.max(axis=1, keepdims=True)
    log_P = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    Y = np.zeros_like(Z)
    Y[np.arange(m), y] = 1.0
    loss = -np.sum(Y * log_P) / m + 0.5 * weight_decay * np.sum(params["W_softmax"] ** 2)
    grads = {}
    # HINT: delta = (1/m)(P − Y); for l = K, K−1, …, 0: grads of layer l from A[l] and delta,
    # HINT: then (if l > 0) delta = (delta Wₗᵀ) ∘ A[l](1 − A[l]). Finally + λ W_softmax.
    raise NotImplementedError('YOUR CODE HERE: delta = (1/m)(P − Y); for l = K, K−1, …, 0: grads of layer l from A[l] and delta,')
    return loss, {name: grads[name] for name in params}
