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
step: every sample is its own small problem, and all rows are updated at once.
"""

import numpy as np

from npae.checks import as_real_array, check_choice, check_data, check_float_dtype, check_int, check_real, check_rng
from npae.core.flat import check_params
from npae.core.layers import affine_backward, initial_weights

__all__ = ["soft_threshold", "lipschitz_constant", "ista", "fista", "PSD", "support_overlap",
           "relative_error"]


def _check_dictionary(D):
    """D as a finite, non-empty 2-D float array with at least one nonzero atom (ValueError/TypeError naming D)."""
    D = as_real_array("D", D, ndim=2)
    if D.dtype not in (np.float32, np.float64):
        D = D.astype(np.float64)
    if D.size == 0:
        raise ValueError(f"D must have shape (n_hidden >= 1, n_visible >= 1), got {D.shape}")
    if not D.any():
        raise ValueError("D is all zeros: a dictionary needs at least one nonzero atom (its Lipschitz "
                         "constant would be 0 and the step 1/L infinite)")
    return D


def soft_threshold(V, threshold):
    """The soft-threshold (shrinkage) operator, the proximal map of t‖·‖₁.

    shrink(v, t) = sign(v) · max(|v| − t, 0), elementwise:  v − t for v > t, 0 for |v| ≤ t, v + t for v < −t.
    It is argmin_h ½‖h − v‖² + t‖h‖₁ (Beck & Teboulle 2009, ISTA; Goodfellow et al. §14.8).

    Parameters
    ----------
    V : array_like of real numbers, any shape
    threshold : float >= 0

    Returns
    -------
    ndarray of V's shape (float; float64 for integer V)

    Raises
    ------
    TypeError
        If ``V`` is not a real numeric array, or ``threshold`` not a real number.
    ValueError
        If ``V`` holds NaN or inf, or ``threshold`` is negative or not finite.
    """
    V = as_real_array("V", V)
    if V.dtype.kind != "f":
        V = V.astype(np.float64)
    t = V.dtype.type(check_real("threshold", threshold, 0))
    # sign(v)·max(|v| − t, 0) written as v − clip(v, −t, t): the same numbers, two passes over memory.
    return V - np.clip(V, -t, t)


def lipschitz_constant(D, gamma):
    """L = 2 (σ_max(D)² + γ): the Lipschitz constant of ∇s(h) = 2(hD − x)Dᵀ + 2γ(h − f(x)).

    Parameters
    ----------
    D : ndarray of shape (n_hidden, n_visible)
    gamma : float >= 0

    Returns
    -------
    float

    Raises
    ------
    ValueError, TypeError
        If ``D`` is not a finite, non-empty, real 2-D array with a nonzero entry (checked before the
        eigenvalue routine), or ``gamma`` is negative or not finite.
    """
    D = _check_dictionary(D).astype(np.float64, copy=False)
    gamma = check_real("gamma", gamma, 0)
    # σ_max(D)² is the largest eigenvalue of the small symmetric D Dᵀ (n_hidden, n_hidden), or of DᵀD if smaller.
    gram = D @ D.T if D.shape[0] <= D.shape[1] else D.T @ D
    return 2.0 * (float(np.linalg.eigvalsh(gram)[-1]) + gamma)


def _inference_setup(X, D, lam, gamma, F, H0):
    D = _check_dictionary(D)
    dtype = D.dtype
    n_hidden, n_visible = D.shape
    X = as_real_array("X", X, ndim=2, finite=False)
    if X.shape[1] != n_visible:
        raise ValueError(f"X and D must have as many columns (n_visible): X has shape {X.shape}, "
                         f"D (n_hidden, n_visible) has shape {D.shape}")
    X = check_data(X, "X", n_visible, dtype)
    lam, gamma = check_real("lam", lam, 0), check_real("gamma", gamma, 0)
    m = X.shape[0]
    if F is None:
        if gamma > 0:
            raise ValueError("F (the encoder's prediction, shape (m, n_hidden)) is needed when gamma > 0")
        F = np.zeros((m, n_hidden), dtype=dtype)
    else:
        F = check_data(F, "F", n_hidden, dtype)
        if F.shape[0] != m:
            raise ValueError(f"F must have shape ({m}, {n_hidden}), got {F.shape}")
    H = F.copy() if H0 is None else check_data(H0, "H0", n_hidden, dtype).copy()
    if H.shape[0] != m:
        raise ValueError(f"H0 must have shape ({m}, {n_hidden}), got {H.shape}")
    L = lipschitz_constant(D, gamma)
    # One gradient step, rewritten so that each iteration is one matrix product and one addition:
    #   h − ∇s(h)/L = h − (2/L)[h (DDᵀ + γI) − (xDᵀ + γ f)] = h M + C,
    #   M = I − (2/L)(DDᵀ + γI)  (n_hidden, n_hidden),   C = (2/L)(X Dᵀ + γ F)  (m, n_hidden).
    M = np.eye(n_hidden, dtype=dtype) - (2.0 / L) * (D @ D.T + gamma * np.eye(n_hidden, dtype=dtype))
    C = (2.0 / L) * (X @ D.T + gamma * F)
    return H, M.astype(dtype, copy=False), C.astype(dtype, copy=False), lam / L


def _gradient_step(H, M, C):
    """h − ∇s(h)/L for every row at once, ∇s(h) = 2(hD − x)Dᵀ + 2γ(h − f) (see :func:`_inference_setup`)."""
    V = H @ M
    V += C
    return V


def ista(X, D, lam, gamma=0.0, F=None, n_steps=100, H0=None):
    """Iterative shrinkage-thresholding: minimise ‖x − hD‖² + λ‖h‖₁ + γ‖h − f‖² over h, every row at once.

    h ← shrink(h − ∇s(h)/L, λ/L), with ∇s(h) = 2(hD − x)Dᵀ + 2γ(h − f) and L = 2(σ_max(D)² + γ)
    (Daubechies, Defrise & De Mol 2004; Beck & Teboulle 2009, "ISTA with constant step"; PSD's inner loop,
    Kavukcuoglu et al. 2008). Started from H0, by default from F (PSD starts from the prediction f(x)),
    or from zero when F is None.

    Parameters
    ----------
    X : array_like of shape (m, n_visible)
    D : ndarray of shape (n_hidden, n_visible)
        The dictionary, atoms as rows (float64 or float32; the computation uses its dtype).
    lam : float >= 0
        λ, the weight of the L1 term.
    gamma : float >= 0
        γ, the weight of the prediction term (0: plain sparse coding, the Lasso).
    F : array_like of shape (m, n_hidden), optional
        The encoder's prediction f(X). Required when gamma > 0.
    n_steps : int >= 0
    H0 : array_like of shape (m, n_hidden), optional
        Starting point; defaults to F (or zeros).

    Returns
    -------
    H : ndarray of shape (m, n_hidden)

    Raises
    ------
    ValueError
        Bad shapes or values (the message names the argument); F missing when gamma > 0.
    """
    n_steps = check_int("n_steps", n_steps, 0)
    H, M, C, threshold = _inference_setup(X, D, lam, gamma, F, H0)
    for _ in range(n_steps):
        H = soft_threshold(_gradient_step(H, M, C), threshold)
    return H


def fista(X, D, lam, gamma=0.0, F=None, n_steps=100, H0=None):
    """FISTA (Beck & Teboulle 2009, "FISTA with constant step"): ISTA with Nesterov momentum, O(1/k²).

    With y₁ = h₀, t₁ = 1, for k = 1, 2, …::

        h_k     = shrink(y_k − ∇s(y_k)/L, λ/L)
        t_{k+1} = (1 + √(1 + 4 t_k²)) / 2
        y_{k+1} = h_k + ((t_k − 1)/t_{k+1}) (h_k − h_{k−1})

    Arguments, return value and errors as :func:`ista`.
    """
    n_steps = check_int("n_steps", n_steps, 0)
    H, M, C, threshold = _inference_setup(X, D, lam, gamma, F, H0)
    Y, t = H.copy(), 1.0
    for _ in range(n_steps):
        H_new = soft_threshold(_gradient_step(Y, M, C), threshold)
        t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        Y = H_new + ((t - 1.0) / t_new) * (H_new - H)
        H, t = H_new, t_new
    return H


def support_overlap(A, B, tol=0.0):
    """Jaccard overlap |supp A ∩ supp B| / |supp A ∪ supp B| of two codes, supp = {j : |hⱼ| > tol}.

    Parameters
    ----------
    A, B : array_like of real numbers, of the same shape (m, n_hidden)
    tol : float >= 0

    Returns
    -------
    float in [0, 1] (1.0 when both supports are empty), pooled over all entries.

    Raises
    ------
    TypeError
        If ``A`` or ``B`` is not a real numeric array.
    ValueError
        If ``A`` or ``B`` holds NaN or inf, the shapes differ or ``tol`` is negative.
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

    Parameters
    ----------
    A, B : array_like of real numbers, of the same shape

    Returns
    -------
    float (inf when B is zero and A is not; NaN when both are zero)

    Raises
    ------
    TypeError
        If ``A`` or ``B`` is not a real numeric array.
    ValueError
        If ``A`` or ``B`` holds NaN or inf, or the shapes differ.
    """
    A, B = as_real_array("A", A, dtype=np.float64), as_real_array("B", B, dtype=np.float64)
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    return float(np.linalg.norm(A - B) / np.linalg.norm(B))


class PSD:
    """Predictive sparse decomposition: a dictionary D and an encoder f(x) = g ∘ tanh(xW + b).

    Energy (mean over the m samples; module docstring)::

        E = (1/m) Σᵢ ‖xᵢ − hᵢD‖² + λ‖hᵢ‖₁ + γ‖hᵢ − f(xᵢ)‖²

    Parameters
    ----------
    n_visible, n_hidden : int >= 1
    lam : float >= 0
        λ, the L1 weight.
    gamma : float >= 0
        γ, the prediction weight (the paper's α).
    rng : numpy.random.Generator, optional
        Draws the initial D (Gaussian rows normalised to unit length) and W (Glorot's uniform,
        :func:`npae.core.layers.initial_weights`); b = 0, g = 1.
    dtype : {numpy.float64, numpy.float32}

    Attributes
    ----------
    params : dict
        ``D`` (n_hidden, n_visible), unit-norm rows; ``W`` (n_visible, n_hidden); ``b`` (n_hidden,); ``g`` (n_hidden,).

    Raises
    ------
    ValueError, TypeError
        Non-positive sizes, negative λ or γ, a bad dtype, an rng that is not a Generator.
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

    def _checked(self, params):
        params = self.params if params is None else params
        shapes = {"D": (self.n_hidden, self.n_visible), "W": (self.n_visible, self.n_hidden),
                  "b": (self.n_hidden,), "g": (self.n_hidden,)}
        return check_params(params, shapes)

    # ------------------------------------------------------------------ encoder and inference
    def predict(self, X, params=None):
        """The encoder's prediction f(X) = g ∘ tanh(X W + b): an (m, n_hidden) array (the fast code).

        Raises ValueError/TypeError if ``X`` is not a finite numeric (m, n_visible) array.
        """
        p = self._checked(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        return np.tanh(X @ p["W"] + p["b"]) * p["g"]

    def infer(self, X, n_steps=50, method="fista", params=None):
        """The optimal code: minimise E over H from H = f(X), by ISTA or FISTA (:func:`ista`, :func:`fista`).

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
        n_steps : int >= 0
        method : {"fista", "ista"}
        params : dict, optional

        Returns
        -------
        H : ndarray of shape (m, n_hidden)

        Raises
        ------
        ValueError
            Unknown ``method``; bad ``X`` or ``n_steps``.
        """
        check_choice("method", method, ("fista", "ista"))
        p = self._checked(params)
        F = self.predict(X, p)
        solver = fista if method == "fista" else ista
        return solver(X, p["D"], self.lam, self.gamma, F=F, n_steps=n_steps)

    def reconstruct(self, H, params=None):
        """X_hat = H @ D: an (m, n_visible) array."""
        p = self._checked(params)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        return H @ p["D"]

    # ------------------------------------------------------------------ energy and gradients
    def _checked_energy_args(self, X, H, params):
        """(params, X, H) checked: X (m, n_visible), H (m, n_hidden) with the same m, finite params."""
        p = self._checked(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        if H.shape[0] != X.shape[0]:
            raise ValueError(f"H must have one row per row of X: shape ({X.shape[0]}, {self.n_hidden}), "
                             f"got {H.shape}")
        return p, X, H

    def energy(self, X, H, params=None):
        """E(X, H), the mean over samples (module docstring). Arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, H, params, need_grads=False)[0]

    def energy_terms(self, X, H, params=None):
        """The three terms of E separately, each a mean over samples: (reconstruction, λ‖h‖₁, γ‖h − f‖²)."""
        p, X, H = self._checked_energy_args(X, H, params)
        m = X.shape[0]
        R = H @ p["D"] - X
        E = self.predict(X, p) - H
        return (float(np.sum(R * R)) / m, self.lam * float(np.abs(H).sum()) / m,
                self.gamma * float(np.sum(E * E)) / m)

    def loss_and_grads(self, X, H, params=None, need_grads=True):
        """The energy E(X, H) and its gradient in the parameters with the codes H held fixed.

        Hand-derived (R = HD − X the residual, T = tanh(XW + b), F = g ∘ T, Δ = F − H; m samples)::

            E      = (1/m) [ ‖R‖²_F + λ Σ|H| + γ ‖Δ‖²_F ]
            ∂E/∂D  = (2/m) Hᵀ R                       (reconstruction term only)
            ∂E/∂F  = (2γ/m) Δ
            ∂E/∂g  = Σᵢ (∂E/∂F ∘ T)ᵢ                  (F = g ∘ T: g multiplies each column)
            δ      = ∂E/∂(XW + b) = (∂E/∂F ∘ g) ∘ (1 − T²)          (tanh' = 1 − tanh²)
            ∂E/∂W  = Xᵀ δ,  ∂E/∂b = Σᵢ δᵢ              (:func:`npae.core.layers.affine_backward`)

        The λ‖h‖₁ term does not depend on the parameters: it is in the value, not in the gradients.

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
        H : array_like of shape (m, n_hidden)
            The codes (from :meth:`infer` when learning).
        params : dict, optional
            Evaluate at these parameters instead of ``self.params`` (gradient checks; nothing mutated).
        need_grads : bool

        Returns
        -------
        energy : float
        grads : dict with keys D, W, b, g (same shapes as the parameters), or None

        Raises
        ------
        ValueError, TypeError
            Bad shapes, keys or values (the message names the argument).
        """
        p, X, H = self._checked_energy_args(X, H, params)
        m = X.shape[0]
        R = H @ p["D"]
        R -= X
        T = np.tanh(X @ p["W"] + p["b"])
        Delta = T * p["g"] - H
        energy = (float(np.sum(R * R)) + self.lam * float(np.abs(H).sum())
                  + self.gamma * float(np.sum(Delta * Delta))) / m
        if not need_grads:
            return energy, None
        dD = (2.0 / m) * (H.T @ R)
        dF = (2.0 * self.gamma / m) * Delta
        dg = np.sum(dF * T, axis=0)
        delta = dF * p["g"]
        delta *= 1.0 - T * T
        dW, db, _ = affine_backward(delta, X, p["W"], need_dA=False)
        return energy, {"D": dD, "W": dW, "b": db, "g": dg}

    def code_energy_and_grad(self, X, H, params=None):
        """The smooth part of E as a function of the codes, and its gradient in H (what ISTA steps along).

        s(H) = (1/m) [‖HD − X‖²_F + γ‖H − f(X)‖²_F],   ∂s/∂H = (2/m) [(HD − X) Dᵀ + γ (H − f(X))].

        Returns (float, {"H": ndarray (m, n_hidden)}); arguments as :meth:`loss_and_grads`.
        """
        p, X, H = self._checked_energy_args(X, H, params)
        m = X.shape[0]
        R = H @ p["D"] - X
        Delta = H - self.predict(X, p)
        value = (float(np.sum(R * R)) + self.gamma * float(np.sum(Delta * Delta))) / m
        return value, {"H": (2.0 / m) * (R @ p["D"].T + self.gamma * Delta)}

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict."""
        return {"n_visible": self.n_visible, "n_hidden": self.n_hidden, "lam": self.lam, "gamma": self.gamma,
                "dtype": self.dtype.name}

    def __repr__(self):
        return f"PSD({self.n_visible}, {self.n_hidden}, lam={self.lam}, gamma={self.gamma}, dtype={self.dtype.name})"


def normalize_atoms(D):
    """Divide each row (atom) of D by its Euclidean norm; rows of norm 0 are left as they are.

    Each row is first divided by its largest absolute value, so that the norm of a row with entries
    beyond about 1e154 (whose squares overflow) is still computed: the result has unit rows whenever
    D is finite.

    Parameters
    ----------
    D : ndarray of shape (n_hidden, n_visible), float
        The dictionary, one atom per row.

    Returns
    -------
    ndarray of the shape and dtype of D
        A new array; every non-zero row has norm 1 (to rounding).
    """
    D = np.asarray(D)
    largest = np.max(np.abs(D), axis=1, keepdims=True)
    scaled = D / np.where(largest > 0, largest, 1.0)             # entries in [-1, 1]: no overflow below
    norms = np.linalg.norm(scaled, axis=1, keepdims=True)
    return scaled / np.where(norms > 0, norms, 1.0)
