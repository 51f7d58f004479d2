"""Exercise ``psd_ista``: ISTA's soft-threshold step, and the gradient of predictive sparse decomposition.

Lesson: ``lessons/27_predictive_sparse_decomposition.py`` (Kavukcuoglu, Ranzato & LeCun 2008;
Goodfellow et al. §14.8; Beck & Teboulle 2009).

Rows are samples: X (m, n_visible), codes H (m, n_hidden), dictionary ``D`` (n_hidden, n_visible) whose rows
are the atoms (x̂ = h D), encoder f(x) = g ∘ tanh(x W + b) with ``W`` (n_visible, n_hidden), ``b`` and ``g``
(n_hidden,). The energy, a mean over samples (no ½)::

    E = (1/m) Σᵢ [ ‖xᵢ − hᵢ D‖² + λ ‖hᵢ‖₁ + γ ‖hᵢ − f(xᵢ)‖² ]

1. ``soft_threshold(V, t)``: the proximal map of t‖·‖₁, elementwise:
   shrink(v, t) = argmin_u ½ (u − v)² + t |u|.
2. ``ista_step(H, X, D, lam, gamma, F, L)``: one ISTA step on every row, with F = f(X) and L the Lipschitz
   constant of the smooth part's gradient: a gradient step of length 1/L on the smooth part s(h) (the
   terms of one row's energy without λ‖h‖₁), then the proximal map of (λ/L)‖·‖₁. (The 1/m of the mean
   multiplies ∇s and λ alike, so it cancels in each row's step.)
3. ``psd_loss_and_grads(params, X, H, lam, gamma)``: E and its gradient in the parameters D, W, b, g, the
   codes H held fixed.

[guided]
The formulas::

    shrink(v, t) = sign(v) · max(|v| − t, 0)
    ∇s(h) = 2 (h D − x) Dᵀ + 2γ (h − f),        h ← shrink(h − ∇s(h)/L, λ/L)

With R = H D − X, T = tanh(X W + b), Δ = g ∘ T − H::

    ∂E/∂D = (2/m) Hᵀ R,     ∂E/∂F = (2γ/m) Δ,     ∂E/∂g = Σᵢ (∂E/∂F ∘ T)ᵢ
    δ = (∂E/∂F ∘ g) ∘ (1 − T²)                     tanh'(z) = 1 − tanh(z)²
    ∂E/∂W = Xᵀ δ,   ∂E/∂b = Σᵢ δᵢ                  (λ‖h‖₁ does not depend on the parameters)
[derive]
Derive each on paper first: the minimiser of ½ (u − v)² + t |u| (take u > 0, u < 0 and u = 0 in turn),
the gradient of the smooth part with respect to a row h, and the gradient of E with respect to D, W,
b and g.
[end]
"""

import numpy as np


def soft_threshold(V, threshold):
    """The proximal map of ``threshold`` · ‖·‖₁, elementwise.

    Parameters
    ----------
    V : ndarray of float, any shape
    threshold : float ≥ 0

    Returns
    -------
    ndarray of V's shape
    """
    # BEGIN SOLUTION
    # HINT: entries with |v| ≤ t become 0; the others move towards 0 by t.
    # DERIVE: the closed form of argmin_u ½ (u − v)² + t |u|, elementwise.
    return np.sign(V) * np.maximum(np.abs(V) - threshold, 0.0)
    # END SOLUTION


def ista_step(H, X, D, lam, gamma, F, L):
    """One ISTA step on every row: a gradient step of length 1/L on the smooth part, then the proximal map.

    Parameters
    ----------
    H : ndarray of shape (m, n_hidden)
        The current codes.
    X : ndarray of shape (m, n_visible)
    D : ndarray of shape (n_hidden, n_visible)
    lam, gamma : float
        λ and γ of the energy.
    F : ndarray of shape (m, n_hidden)
        The encoder's prediction f(X).
    L : float
        The step is 1/L (L = 2(σ_max(D)² + γ)).

    Returns
    -------
    ndarray of shape (m, n_hidden): the new codes.
    """
    # BEGIN SOLUTION
    # HINT: gradient = 2(H D − X)Dᵀ + 2γ(H − F); then soft_threshold(H − gradient/L, λ/L).
    # DERIVE: the gradient of the smooth part for every row, the step, and the proximal map (soft_threshold).
    gradient = 2 * (H @ D - X) @ D.T + 2 * gamma * (H - F)
    return soft_threshold(H - gradient / L, lam / L)
    # END SOLUTION


def psd_loss_and_grads(params, X, H, lam, gamma):
    """PSD's energy E(X, H) and its gradient in D, W, b, g with the codes held fixed.

    Parameters
    ----------
    params : dict
        ``D`` (n_hidden, n_visible), ``W`` (n_visible, n_hidden), ``b`` (n_hidden,), ``g`` (n_hidden,).
    X : ndarray of shape (m, n_visible)
    H : ndarray of shape (m, n_hidden)
    lam, gamma : float
        λ and γ.

    Returns
    -------
    energy : float
    grads : dict with ``D``, ``W``, ``b``, ``g``
    """
    D, W, b, g = params["D"], params["W"], params["b"], params["g"]
    m = X.shape[0]
    R = H @ D - X
    T = np.tanh(X @ W + b)
    Delta = g * T - H
    energy = (np.sum(R ** 2) + lam * np.sum(np.abs(H)) + gamma * np.sum(Delta ** 2)) / m
    # BEGIN SOLUTION
    # HINT: dF = (2γ/m)Δ; grad_g = Σ over samples of dF ∘ T; δ = dF ∘ g ∘ (1 − T²); grad_W = Xᵀδ; grad_b = Σ δ.
    # DERIVE: the gradients with respect to D, W, b and g, keyed like params.
    dF = 2 * gamma * Delta / m
    delta = dF * g * (1 - T ** 2)
    grads = {"D": 2 * H.T @ R / m, "W": X.T @ delta, "b": delta.sum(axis=0), "g": np.sum(dF * T, axis=0)}
    # END SOLUTION
    return energy, grads
