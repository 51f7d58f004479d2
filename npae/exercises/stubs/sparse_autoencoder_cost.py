# Exercise stub (guided level), generated from npae/exercises/solutions/sparse_autoencoder_cost.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``sparse_autoencoder_cost``: UFLDL's sparse-autoencoder cost, with weight decay and the KL sparsity penalty.

Lesson: ``lessons/03_sparse_autoencoder.py``. After it passes, train it on natural-image patches and look at
your own filters: ``python -m npae.exercises train sparse_autoencoder_cost``.

Samples are rows: X is (m, n_visible); ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2``
(n_hidden, n_visible), ``b2`` (n_visible,) — UFLDL's W1 is our ``W1.T``. The cost, every data term a mean
over the m samples::

    H = σ(X W1 + b1),   X̂ = σ(H W2 + b2),   ρ̂ⱼ = (1/m) Σᵢ Hᵢⱼ            (ρ̂: mean over samples, axis 0)
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²                                             squared error
      + (λ/2) (‖W1‖²_F + ‖W2‖²_F)                                        weight decay (not on biases)
      + β Σⱼ KL(ρ ‖ ρ̂ⱼ),   KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂))

Backward pass (UFLDL notes §2.2 and "Autoencoders and sparsity"; our deltas carry the 1/m)::

    δ³ = (1/m) (X̂ − X) ∘ X̂ ∘ (1 − X̂)
    ∂J/∂W2 = Hᵀ δ³ + λ W2,     ∂J/∂b2 = Σᵢ δ³ᵢ
    δ² = (δ³ W2ᵀ + (β/m) (−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂))) ∘ H ∘ (1 − H)      ← the KL delta term, before σ'
    ∂J/∂W1 = Xᵀ δ² + λ W1,     ∂J/∂b1 = Σᵢ δ²ᵢ

The KL term's gradient with respect to Hᵢⱼ, ∂Ω/∂Hᵢⱼ = (β/m)(−ρ/ρ̂ⱼ + (1 − ρ)/(1 − ρ̂ⱼ)), is the same for
every sample i (because ∂ρ̂ⱼ/∂Hᵢⱼ = 1/m): UFLDL adds it without the 1/m because its deltas have none.

Two functions: ``sparse_autoencoder_loss(params, X, ...)`` on a params dict, and UFLDL's
``sparse_autoencoder_cost(theta, visible_size, hidden_size, ...)`` on one flat vector θ, as
``scipy.optimize.minimize(jac=True)`` wants it (θ ↔ dict with :mod:`npae.core.flat`, blocks in the order
W1, b1, W2, b2).
"""

import numpy as np
from scipy.special import expit

from npae.core.flat import flatten, unflatten


def parameter_template(visible_size, hidden_size):
    """Arrays of the shapes (and order) of θ's blocks: W1, b1, W2, b2 (contents unused).

    Parameters
    ----------
    visible_size, hidden_size : int

    Returns
    -------
    dict of str -> ndarray of float64
    """
    return {"W1": np.empty((visible_size, hidden_size)), "b1": np.empty(hidden_size),
            "W2": np.empty((hidden_size, visible_size)), "b2": np.empty(visible_size)}


def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):
    """UFLDL's sparse-autoencoder cost J and its gradient, on a params dict.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), values in [0, 1]
    weight_decay : float
        λ (UFLDL ``lambda``).
    rho : float in (0, 1)
        ρ, the target mean activation (UFLDL ``sparsityParam``).
    beta : float
        β, the weight of the sparsity penalty.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    # HINT: forward: H = σ(X W1 + b1), X_hat = σ(H W2 + b2); rho_hat = the mean of H over the samples.
    raise NotImplementedError('YOUR CODE HERE: forward: H = σ(X W1 + b1), X_hat = σ(H W2 + b2); rho_hat = the mean of H over the samples.')
    # HINT: loss = (1/m) Σ ½ (X_hat − X)² + (λ/2)(‖W1‖² + ‖W2‖²) + β Σⱼ KL(ρ ‖ rho_hat_j).
    raise NotImplementedError('YOUR CODE HERE: loss = (1/m) Σ ½ (X_hat − X)² + (λ/2)(‖W1‖² + ‖W2‖²) + β Σⱼ KL(ρ ‖ rho_hat_j).')
    # HINT: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); grad_W2 = Hᵀδ³ + λW2; grad_b2 = Σ over samples of δ³.
    raise NotImplementedError('YOUR CODE HERE: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); grad_W2 = Hᵀδ³ + λW2; grad_b2 = Σ over samples of δ³.')
    # HINT: the KL delta term ∂Ω/∂H = (β/m)(−ρ/rho_hat + (1−ρ)/(1−rho_hat)) is added to δ³W2ᵀ *before* ∘ H(1 − H).
    # HINT: then grad_W1 = Xᵀδ² + λW1 and grad_b1 = Σ over samples of δ².
    raise NotImplementedError('YOUR CODE HERE: the KL delta term ∂Ω/∂H = (β/m)(−ρ/rho_hat + (1−ρ)/(1−rho_hat)) is added to δ³W2ᵀ *before* ∘ H(1 − H).')
    return loss, {"W1": grad_W1, "b1": grad_b1, "W2": grad_W2, "b2": grad_b2}


def sparse_autoencoder_cost(theta, visible_size, hidden_size, weight_decay, rho, beta, data):
    """UFLDL's ``sparseAutoencoderCost``: the same cost on one flat vector θ, for L-BFGS.

    Parameters
    ----------
    theta : ndarray of shape (n_parameters,), float64
        W1, b1, W2, b2 flattened in that order (:func:`npae.core.flat.flatten`).
    visible_size, hidden_size : int
    weight_decay, rho, beta : float
        As :func:`sparse_autoencoder_loss`.
    data : ndarray of shape (m, visible_size)

    Returns
    -------
    cost : float
    grad : ndarray of shape (n_parameters,), float64, in θ's order
    """
    # HINT: unflatten(theta, parameter_template(...)), call sparse_autoencoder_loss, flatten the gradient dict.
    raise NotImplementedError('YOUR CODE HERE: unflatten(theta, parameter_template(...)), call sparse_autoencoder_loss, flatten the gradient dict.')
