"""Predictive sparse decomposition (PSD): sparse coding with a fast learned encoder that predicts the code.

Kavukcuoglu, Ranzato & LeCun, "Fast inference in sparse coding algorithms with applications to object
recognition" (tech. report 2008, arXiv:1010.3467); Goodfellow, Bengio & Courville, *Deep Learning* §14.8.

Notation (rows are samples, as everywhere in npae; ``docs/notation.md``)::

    X  (m, n_visible)       inputs x, one sample a row
    H  (m, n_hidden)        the sparse codes h, one a row (n_hidden: the code width, as everywhere)
    D  (n_hidden, n_visible)  the dictionary; its ROWS are the atoms dⱼ, each of unit norm. The
                          reconstruction of x is  x̂ = h D = Σⱼ hⱼ dⱼ  (``X_hat = H @ D``), the same
                          shape and role as the autoencoder's decoder matrix ``W2`` (n_hidden, n_visible).
                          (The paper writes B z with atoms as columns: our D is its Bᵀ.)
    W  (n_visible, n_hidden), b (n_hidden,), g (n_hidden,)
                          the encoder (predictor)  f(x) = g ∘ tanh(x W + b)  — the paper's
                          F(Y; G, W, D) = G tanh(W Y + D) with G = diag(g).

The energy, **a mean over the m samples** (no ½: the paper's and the book's form)::

    E(X, H) = (1/m) Σᵢ [ ‖xᵢ − hᵢ D‖² + λ ‖hᵢ‖₁ + γ ‖hᵢ − f(xᵢ)‖² ]

Inference minimises E over H with the parameters fixed (sparse coding, pulled towards the prediction
f(x)); learning alternates inference with gradient steps on D (the reconstruction term) and on g, W, b
(the prediction term), and renormalises D's atoms after each step (else ‖D‖ would grow and ‖h‖ shrink
to dodge the λ‖h‖₁ term). After training, f(x) alone is the fast approximate sparse code.

Inference by ISTA / FISTA (Beck & Teboulle 2009). Per sample the energy is s(h) + λ‖h‖₁ with the
smooth part s(h) = ‖x − hD‖² + γ‖h − f(x)‖², whose gradient

    ∇s(h) = 2 (hD − x) Dᵀ + 2γ (h − f(x))

is Lipschitz with constant L = 2 (σ_max(D)² + γ) (the largest eigenvalue of its Hessian 2(D Dᵀ + γI)).
One ISTA step is a gradient step of length 1/L followed by the proximal map of (λ/L)‖·‖₁, the
soft-threshold:  h ← shrink(h − ∇s(h)/L, λ/L).  FISTA adds Nesterov's momentum and converges as O(1/k²)
instead of O(1/k). The 1/m of the mean multiplies the gradient and λ alike, so it cancels in each row's
step: every sample is its own small problem, and all rows are updated at once. Derivation: lesson 27.

The public functions and methods check their arguments once; the functions they call (:func:`_shrink`,
:func:`_ista`, :func:`_fista`, :func:`_predict`, …) trust them.
"""


import numpy as np

from npae.checks import (as_real_array, check_bool, check_choice, check_data, check_float_dtype, check_int,
                         check_real, check_rng)
from npae.core.flat import check_params
from npae.core.layers import affine_backward, initial_weights

__all__ = ["soft_threshold", "lipschitz_constant", "ista", "fista", "PSD", "support_overlap",
           "relative_error"]

_ZERO_DICTIONARY = ("D is all zeros: a dictionary needs at least one nonzero atom (its Lipschitz constant would "
                    "be 0 and the step 1/L infinite)")


# ------------------------------------------------------------------ the mathematics (trusts its arguments)

def _shrink(V, threshold):
    """shrink(v, t) = sign(v)·max(|v| − t, 0) elementwise, written v − clip(v, −t, t); a new array of V's dtype."""
    t = V.dtype.type(threshold)
    return V - np.clip(V, -t, t)


def _lipschitz(D, gamma):
    """L = 2(σ_max(D)² + γ), σ_max(D)² the largest eigenvalue of the smaller of D Dᵀ and DᵀD (in float64)."""
    D = D.astype(np.float64, copy=False)
    gram = D @ D.T if D.shape[0] <= D.shape[1] else D.T @ D
    return 2.0 * (float(np.linalg.eigvalsh(gram)[-1]) + gamma)


def _step_operator(X, D, gamma, F, L):
    """One gradient step on every row as one product: h − ∇s(h)/L = h M + C, where ∇s(h) = 2(hD − x)Dᵀ + 2γ(h − f),
    M = I − (2/L)(DDᵀ + γI) (n_hidden, n_hidden) and C = (2/L)(XDᵀ + γF) (m, n_hidden)."""
    n_hidden, dtype = D.shape[0], D.dtype
    M = np.eye(n_hidden, dtype=dtype) - (2.0 / L) * (D @ D.T + gamma * np.eye(n_hidden, dtype=dtype))
    C = (2.0 / L) * (X @ D.T + gamma * F)
    return M.astype(dtype, copy=False), C.astype(dtype, copy=False)


def _ista(X, D, lam, gamma, F, H, n_steps):
    """``n_steps`` of ISTA from H: h ← shrink(h − ∇s(h)/L, λ/L) on every row."""
    L = _lipschitz(D, gamma)
    M, C = _step_operator(X, D, gamma, F, L)
    for _ in range(n_steps):
        H = _shrink(H @ M + C, lam / L)                   # h ← shrink(h − ∇s(h)/L, λ/L)        (m, n_hidden)
    return H


def _fista(X, D, lam, gamma, F, H, n_steps):
    """``n_steps`` of FISTA from H: the ISTA step taken at y, then Nesterov's momentum (Beck & Teboulle 2009)."""
    L = _lipschitz(D, gamma)
    M, C = _step_operator(X, D, gamma, F, L)
    Y, t = H.copy(), 1.0                                  # y₁ = h₀, t₁ = 1
    for _ in range(n_steps):
        H_new = _shrink(Y @ M + C, lam / L)               # h_k = shrink(y_k − ∇s(y_k)/L, λ/L)
        t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0  # t_{k+1} = (1 + √(1 + 4t_k²)) / 2
        Y = H_new + ((t - 1.0) / t_new) * (H_new - H)     # y_{k+1} = h_k + ((t_k − 1)/t_{k+1})(h_k − h_{k−1})
        H, t = H_new, t_new
    return H


def _predict(p, X):
    """The encoder f(X) = g ∘ tanh(XW + b): (m, n_hidden)."""
    return np.tanh(X @ p["W"] + p["b"]) * p["g"]


# ------------------------------------------------------------------ the public functions (check, then call the above)

def _check_dictionary(D):
    """D as a finite, non-empty 2-D float array with a nonzero atom (ValueError/TypeError naming D)."""
    D = as_real_array("D", D, ndim=2)
    if D.dtype not in (np.float32, np.float64):
        D = D.astype(np.float64)
    if D.size == 0:
        raise ValueError(f"D must have shape (n_hidden >= 1, n_visible >= 1), got {D.shape}")
    if not D.any():
        raise ValueError(_ZERO_DICTIONARY)
    return D


def soft_threshold(V, threshold):
    """The soft-threshold shrink(v, t) = sign(v)·max(|v| − t, 0), elementwise: the proximal map of t‖·‖₁.

    V: real array of any shape; ``threshold`` t ≥ 0. Returns an array of V's shape (float64 for integer V).
    Raises TypeError/ValueError if V is not a finite real array or t is negative or not finite.
    (Beck & Teboulle 2009; Goodfellow et al. §14.8.)
    """
    V = as_real_array("V", V)
    if V.dtype.kind != "f":
        V = V.astype(np.float64)
    return _shrink(V, check_real("threshold", threshold, 0))


def lipschitz_constant(D, gamma):
    """L = 2(σ_max(D)² + γ), the Lipschitz constant of ∇s(h) = 2(hD − x)Dᵀ + 2γ(h − f(x)).

    D (n_hidden, n_visible) finite, with a nonzero entry; γ ≥ 0. Returns a float. Raises ValueError/TypeError
    naming a bad argument (before the eigenvalue routine runs).
    """
    D = _check_dictionary(D)
    return _lipschitz(D, check_real("gamma", gamma, 0))


def _checked_inference_args(X, D, lam, gamma, F, n_steps, H0):
    """The arguments of :func:`ista` and :func:`fista`, checked; returns (X, D, lam, gamma, F, H, n_steps) with
    H the starting point (a copy of H0, else of F, else zeros)."""
    n_steps = check_int("n_steps", n_steps, 0)
    D = _check_dictionary(D)
    n_hidden, n_visible = D.shape
    X = as_real_array("X", X, ndim=2, finite=False)
    if X.shape[1] != n_visible:
        raise ValueError(f"X and D must have as many columns (n_visible): X has shape {X.shape}, "
                         f"D (n_hidden, n_visible) has shape {D.shape}")
    X = check_data(X, "X", n_visible, D.dtype)
    lam, gamma = check_real("lam", lam, 0), check_real("gamma", gamma, 0)
    m = X.shape[0]
    if F is None:
        if gamma > 0:
            raise ValueError("F (the encoder's prediction, shape (m, n_hidden)) is needed when gamma > 0")
        F = np.zeros((m, n_hidden), dtype=D.dtype)
    else:
        F = check_data(F, "F", n_hidden, D.dtype)
        if F.shape[0] != m:
            raise ValueError(f"F must have shape ({m}, {n_hidden}), got {F.shape}")
    H = F.copy() if H0 is None else check_data(H0, "H0", n_hidden, D.dtype).copy()
    if H.shape[0] != m:
        raise ValueError(f"H0 must have shape ({m}, {n_hidden}), got {H.shape}")
    return X, D, lam, gamma, F, H, n_steps


def ista(X, D, lam, gamma=0.0, F=None, n_steps=100, H0=None):
    """ISTA: minimise ‖x − hD‖² + λ‖h‖₁ + γ‖h − f‖² over h, every row at once, by h ← shrink(h − ∇s(h)/L, λ/L).

    X (m, n_visible); D (n_hidden, n_visible), atoms as rows (its dtype is the computation's); λ, γ ≥ 0 (γ = 0:
    the Lasso); F (m, n_hidden) the encoder's prediction f(X), required when γ > 0; ``n_steps`` ≥ 0; H0 the start
    (default F, else zeros). Returns H (m, n_hidden). Raises ValueError/TypeError naming a bad argument.
    (Daubechies, Defrise & De Mol 2004; Beck & Teboulle 2009; PSD's inner loop, Kavukcuoglu et al. 2008.)
    """
    return _ista(*_checked_inference_args(X, D, lam, gamma, F, n_steps, H0))


def fista(X, D, lam, gamma=0.0, F=None, n_steps=100, H0=None):
    """FISTA (Beck & Teboulle 2009, constant step): ISTA with Nesterov's momentum, O(1/k²) instead of O(1/k).

    With y₁ = h₀, t₁ = 1: h_k = shrink(y_k − ∇s(y_k)/L, λ/L), t_{k+1} = (1 + √(1 + 4t_k²))/2,
    y_{k+1} = h_k + ((t_k − 1)/t_{k+1})(h_k − h_{k−1}). Arguments, result and errors as :func:`ista`.
    """
    return _fista(*_checked_inference_args(X, D, lam, gamma, F, n_steps, H0))


def support_overlap(A, B, tol=0.0):
    """Jaccard overlap |supp A ∩ supp B| / |supp A ∪ supp B| of two codes, supp = {j : |hⱼ| > tol}, pooled over
    all entries (1.0 when both supports are empty).

    A, B real arrays of one shape; ``tol`` ≥ 0. Raises TypeError/ValueError for non-real or non-finite arrays,
    different shapes or a negative tol.
    """
    A, B = as_real_array("A", A), as_real_array("B", B)
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    tol = check_real("tol", tol, 0)
    sa, sb = np.abs(A) > tol, np.abs(B) > tol
    union = np.count_nonzero(sa | sb)
    return 1.0 if union == 0 else np.count_nonzero(sa & sb) / union


def relative_error(A, B):
    """‖A − B‖_F / ‖B‖_F: how far A (e.g. f(x)) is from the reference B (e.g. the optimised code).

    A, B real arrays of one shape. Returns a float (inf when B is zero and A is not; NaN when both are). Raises
    TypeError/ValueError for non-real or non-finite arrays or different shapes.
    """
    A, B = as_real_array("A", A, dtype=np.float64), as_real_array("B", B, dtype=np.float64)
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    return float(np.linalg.norm(A - B) / np.linalg.norm(B))


# ------------------------------------------------------------------ the model

class PSD:
    """Predictive sparse decomposition: a dictionary D and an encoder f(x) = g ∘ tanh(xW + b) (module docstring).

    ``n_visible``, ``n_hidden`` ≥ 1; ``lam`` λ ≥ 0, the L1 weight; ``gamma`` γ ≥ 0, the prediction weight (the
    paper's α); ``rng`` draws D (Gaussian rows of unit norm) and W (Glorot's uniform); b = 0, g = 1; ``dtype``
    float64 or float32. ``params``: ``D`` (n_hidden, n_visible), ``W`` (n_visible, n_hidden), ``b``, ``g``
    (n_hidden,). Raises ValueError/TypeError naming a bad argument.
    """

    def __init__(self, n_visible, n_hidden, *, lam=0.1, gamma=1.0, rng=None, dtype=np.float64):
        self.n_visible = check_int("n_visible", n_visible, 1)
        self.n_hidden = check_int("n_hidden", n_hidden, 1)
        self.lam, self.gamma = check_real("lam", lam, 0), check_real("gamma", gamma, 0)
        self.dtype = check_float_dtype(dtype)
        rng = check_rng(rng, none_means_fresh=True)
        D = rng.standard_normal((self.n_hidden, self.n_visible))
        self.params = {"D": normalize_atoms(D).astype(self.dtype),
                       "W": initial_weights(rng, self.n_visible, self.n_hidden, "glorot", self.dtype),
                       "b": np.zeros(self.n_hidden, dtype=self.dtype),
                       "g": np.ones(self.n_hidden, dtype=self.dtype)}

    def param_shapes(self):
        """{key: shape} of the parameters: ``D`` (n_hidden, n_visible), ``W`` (n_visible, n_hidden), ``b``, ``g``."""
        return {"D": (self.n_hidden, self.n_visible), "W": (self.n_visible, self.n_hidden),
                "b": (self.n_hidden,), "g": (self.n_hidden,)}

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict."""
        return {"n_visible": self.n_visible, "n_hidden": self.n_hidden, "lam": self.lam, "gamma": self.gamma,
                "dtype": self.dtype.name}

    def __repr__(self):
        return f"PSD({self.n_visible}, {self.n_hidden}, lam={self.lam}, gamma={self.gamma}, dtype={self.dtype.name})"

    # ------------------------------------------------------------------ encoder and inference
    def predict(self, X, params=None):
        """The encoder's prediction f(X) = g ∘ tanh(XW + b), the fast code: (m, n_hidden).

        Raises ValueError/TypeError for a bad X (not a finite numeric (m, n_visible) array) or params.
        """
        p = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        return _predict(p, X)

    def infer(self, X, n_steps=50, method="fista", params=None):
        """The optimal code: minimise E over H from H = f(X) by ``n_steps`` ≥ 0 of "fista" or "ista".

        X (m, n_visible). Returns H (m, n_hidden). Raises ValueError/TypeError naming a bad argument (and for an
        all-zero D).
        """
        check_choice("method", method, ("fista", "ista"))
        p = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        n_steps = check_int("n_steps", n_steps, 0)
        if not p["D"].any():
            raise ValueError(_ZERO_DICTIONARY)
        F = _predict(p, X)                                                   # start from the prediction f(X)
        solver = _fista if method == "fista" else _ista
        return solver(X, p["D"], self.lam, self.gamma, F, F.copy(), n_steps)

    def reconstruct(self, H, params=None):
        """X̂ = H D: (m, n_visible) from codes H (m, n_hidden)."""
        p = check_params(self.params if params is None else params, self.param_shapes())
        H = check_data(H, "H", self.n_hidden, self.dtype)
        return H @ p["D"]

    # ------------------------------------------------------------------ energy and gradients
    def _checked_energy_args(self, X, H, params):
        """(params, X, H) checked: finite params, X (m, n_visible), H (m, n_hidden) with the same m."""
        p = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        if H.shape[0] != X.shape[0]:
            raise ValueError(f"H must have one row per row of X: shape ({X.shape[0]}, {self.n_hidden}), "
                             f"got {H.shape}")
        return p, X, H

    def loss_and_grads(self, X, H, params=None, need_grads=True):
        """The energy E(X, H) (a mean over samples, no ½) and its gradient in D, W, b, g with the codes H fixed.

        X (m, n_visible); H (m, n_hidden) the codes (from :meth:`infer` when learning); ``params`` to evaluate at
        instead of ``self.params`` (nothing is mutated); ``need_grads`` False returns (E, None). Returns (E,
        {"D", "W", "b", "g"} shaped like the parameters). The λ‖h‖₁ term does not depend on the parameters: it
        is in E, not in the gradients. Raises ValueError/TypeError naming a bad argument.
        """
        p, X, H = self._checked_energy_args(X, H, params)
        need_grads = check_bool("need_grads", need_grads)
        m = X.shape[0]
        R = H @ p["D"]
        R -= X                                                # R = HD − X, the residual      (m, n_visible)
        T = np.tanh(X @ p["W"] + p["b"])                      # T = tanh(XW + b)              (m, n_hidden)
        Delta = T * p["g"] - H                                # Δ = f(X) − H, f = g ∘ T       (m, n_hidden)
        # E = (1/m) [‖R‖²_F + λ Σ|H| + γ‖Δ‖²_F]
        energy = (float(np.sum(R * R)) + self.lam * float(np.abs(H).sum())
                  + self.gamma * float(np.sum(Delta * Delta))) / m
        if not need_grads:
            return energy, None
        dD = (2.0 / m) * (H.T @ R)                            # ∂E/∂D = (2/m) Hᵀ R            (n_hidden, n_visible)
        dF = (2.0 * self.gamma / m) * Delta                   # ∂E/∂F = (2γ/m) Δ              (m, n_hidden)
        dg = np.sum(dF * T, axis=0)                           # ∂E/∂g = Σᵢ (∂E/∂F ∘ T)ᵢ        (n_hidden,)
        delta = dF * p["g"]
        delta *= 1.0 - T * T                                  # δ = ∂E/∂(XW + b) = (∂E/∂F ∘ g) ∘ (1 − T²)
        dW, db, _ = affine_backward(delta, X, p["W"], need_dA=False)   # ∂E/∂W = Xᵀδ, ∂E/∂b = Σᵢ δᵢ
        return energy, {"D": dD, "W": dW, "b": db, "g": dg}

    def energy(self, X, H, params=None):
        """E(X, H), the mean over samples (module docstring). Arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, H, params, need_grads=False)[0]

    def energy_terms(self, X, H, params=None):
        """The three terms of E separately, each a mean over samples: (‖x − hD‖², λ‖h‖₁, γ‖h − f(x)‖²).
        Arguments as :meth:`loss_and_grads`."""
        p, X, H = self._checked_energy_args(X, H, params)
        m = X.shape[0]
        R = H @ p["D"] - X
        E = _predict(p, X) - H
        return (float(np.sum(R * R)) / m, self.lam * float(np.abs(H).sum()) / m,
                self.gamma * float(np.sum(E * E)) / m)

    def code_energy_and_grad(self, X, H, params=None):
        """The smooth part of E as a function of the codes, and its gradient in H (what ISTA steps along).

        s(H) = (1/m)[‖HD − X‖²_F + γ‖H − f(X)‖²_F],  ∂s/∂H = (2/m)[(HD − X)Dᵀ + γ(H − f(X))]. Returns
        (float, {"H": (m, n_hidden)}); arguments as :meth:`loss_and_grads`.
        """
        p, X, H = self._checked_energy_args(X, H, params)
        m = X.shape[0]
        R = H @ p["D"] - X
        Delta = H - _predict(p, X)
        value = (float(np.sum(R * R)) + self.gamma * float(np.sum(Delta * Delta))) / m
        return value, {"H": (2.0 / m) * (R @ p["D"].T + self.gamma * Delta)}


def normalize_atoms(D):
    """D (n_hidden, n_visible) with each row (atom) divided by its Euclidean norm: a new array of D's dtype; rows of
    norm 0 are left as they are. Each row is first divided by its largest absolute value, so that a row with
    entries beyond about 1e154 (whose squares overflow) still comes back with norm 1 when D is finite."""
    D = np.asarray(D)
    largest = np.max(np.abs(D), axis=1, keepdims=True)
    scaled = D / np.where(largest > 0, largest, 1.0)             # entries in [-1, 1]: no overflow below
    norms = np.linalg.norm(scaled, axis=1, keepdims=True)
    return scaled / np.where(norms > 0, norms, 1.0)
