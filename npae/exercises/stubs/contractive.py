# Exercise stub, generated from npae/exercises/solutions/contractive.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``contractive``: the contractive penalty's analytic gradient (Rifai et al. 2011), untied and tied.

Lesson: ``lessons/12_contractive_autoencoder.py``.

Sigmoid encoder and decoder, squared error, plus λ times the mean over samples of the squared Frobenius
norm of the code's Jacobian ∂h/∂x. With sᵢⱼ = hᵢⱼ(1 − hᵢⱼ) = σ'(zᵢⱼ) and wⱼ = ‖W1[:, j]‖²::

    ‖∂h(xᵢ)/∂x‖²_F = Σⱼ sᵢⱼ² wⱼ,          Ω = (λ/m) Σᵢ Σⱼ sᵢⱼ² wⱼ

Its gradient has three parts:

- the direct term (H held fixed):      ∂Ω/∂W1 ⊇ (2λ/m) W1 ∘ (Σᵢ sᵢⱼ²)      (the 2 from ∂wⱼ/∂W1[k, j] = 2 W1[k, j])
- the term through the code, with the sigmoid's second derivative σ''(z) = s(1 − 2h)::

      ∂Ω/∂Zᵢⱼ = (λ/m) 2 sᵢⱼ σ''(zᵢⱼ) wⱼ = (2λ/m) sᵢⱼ² (1 − 2hᵢⱼ) wⱼ

  which is added to δ² (after the reconstruction's (δ³W2ᵀ) ∘ s), and so reaches W1 through Xᵀδ²
- and the bias b1 through Σᵢ δ²ᵢ: the penalty depends on b1 as well.

Tied weights (``params`` without ``W2``; the decoder uses W1ᵀ): add the decoder path (Hᵀδ³)ᵀ to ∂J/∂W1.

The grader compares with ``npae.Autoencoder(..., tied=..., penalties=[Contractive(λ)])``.
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
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    s = H * (1 - H)
    w = np.sum(W1 ** 2, axis=0)
    # HINT: penalty = (λ/m) Σᵢⱼ s² w; the term through the code: (2λ/m) s² (1 − 2H) w, added to δ².
    raise NotImplementedError('YOUR CODE HERE: penalty = (λ/m) Σᵢⱼ s² w; the term through the code: (2λ/m) s² (1 − 2H) w, added to δ².')
    # HINT: grad_W1 = Xᵀδ² + (2λ/m) W1 ∘ Σᵢ s²; grad_b1 = Σ over samples of δ²; tied: + (Hᵀδ³)ᵀ.
    raise NotImplementedError('YOUR CODE HERE: grad_W1 = Xᵀδ² + (2λ/m) W1 ∘ Σᵢ s²; grad_b1 = Σ over samples of δ²; tied: + (Hᵀδ³)ᵀ.')
    return loss, grads
