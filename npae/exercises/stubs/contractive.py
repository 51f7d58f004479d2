# Exercise stub (guided level), generated from npae/exercises/solutions/contractive.py by
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

The penalty plugs into the backward pass as every penalty of npae does (``docs/notation.md``), in three
parts:

- its gradient **with respect to the code**, H's other entries and W1 held fixed: since ∂s/∂h = 1 − 2h,

      ∂Ω/∂Hᵢⱼ = (λ/m) 2 sᵢⱼ (1 − 2hᵢⱼ) wⱼ

  which is added to the error coming back from the decoder **before** the sigmoid's slope::

      δ³ = (1/m)(X̂ − X) ∘ X̂ ∘ (1 − X̂),      δ² = (δ³ W2ᵀ + ∂Ω/∂H) ∘ s

  (so ∂Ω/∂Z = (2λ/m) s² (1 − 2h) w: σ''(z) = s(1 − 2h) is the sigmoid's second derivative);
- its **direct** gradient, H held fixed: ∂wⱼ/∂W1[k, j] = 2 W1[k, j], so ∂Ω/∂W1 ⊇ (2λ/m) W1 ∘ (Σᵢ sᵢⱼ²);
- through δ², it reaches W1 as Xᵀδ² and b1 as Σᵢ δ²ᵢ: the penalty depends on b1 as well.

Tied weights: add the decoder path (Hᵀδ³)ᵀ to ∂J/∂W1.
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
    # HINT: loss = (1/m) Σ ½ (X_hat − X)² + (λ/m) Σᵢⱼ s² w.
    raise NotImplementedError('YOUR CODE HERE: loss = (1/m) Σ ½ (X_hat − X)² + (λ/m) Σᵢⱼ s² w.')
    # HINT: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); ∂Ω/∂H = (2λ/m) s (1 − 2H) w; δ² = (δ³W2ᵀ + ∂Ω/∂H) ∘ s.
    raise NotImplementedError('YOUR CODE HERE: δ³ = (1/m)(X_hat − X) ∘ X_hat(1 − X_hat); ∂Ω/∂H = (2λ/m) s (1 − 2H) w; δ² = (δ³W2ᵀ + ∂Ω/∂H) ∘ s.')
    # HINT: grad_W1 = Xᵀδ² + (2λ/m) W1 ∘ Σᵢ s² (the direct term); grad_b1 = Σ over samples of δ²; tied: + (Hᵀδ³)ᵀ.
    raise NotImplementedError('YOUR CODE HERE: grad_W1 = Xᵀδ² + (2λ/m) W1 ∘ Σᵢ s² (the direct term); grad_b1 = Σ over samples of δ²; tied: + (Hᵀδ³)ᵀ.')
    return loss, grads
