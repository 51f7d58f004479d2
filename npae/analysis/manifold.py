"""Learning manifolds with autoencoders: tangents, Jacobian spectra, contraction, the denoising score field.

Tools for the analysis in Goodfellow et al. (2016) §14.6 and §14.7, Rifai et al. (2011) "Contractive
auto-encoders" and "Higher order contractive auto-encoder" / "The manifold tangent classifier", and
Alain & Bengio (2013) "What regularized auto-encoders learn from the data-generating distribution".
Everything here is NumPy on row data ``(n_samples, n_features)``; nothing plots or touches files.

1. **Tangent directions.** At a point x the encoder's Jacobian J(x) = ∂h/∂x (n_hidden × n_visible) maps
   input directions to code changes. Its leading right-singular vectors are the input directions the
   code is most sensitive to; a contractive encoder is sensitive only along the data manifold, so these
   are estimates of the manifold's tangent plane (Rifai et al. 2011, §5; Goodfellow Fig. 14.10):
   :func:`jacobian_tangents`. The non-parametric baseline is local PCA: the leading principal directions
   of the k nearest neighbours of x (:func:`local_pca_tangents`). :func:`tangent_angles` compares two
   estimates by their principal angles.
2. **Singular-value spectra.** The sorted singular values of J averaged over points
   (:func:`singular_value_spectrum`): a CAE has a few large ones (the tangent directions) and the rest
   near zero (Rifai et al. 2011, §5, the Jacobian-spectrum figure).
3. **Contraction curves.** For x₀ and x₁ = x₀ + r u, u uniform on the unit sphere, the ratio
   ‖f(x₀) − f(x₁)‖ / ‖x₀ − x₁‖ averaged over x₀ and u, as a function of r (Rifai et al. 2011, §5,
   the contraction-curve figure): :func:`contraction_curve`. For a linear f(x) = A x the squared ratio has expectation
   ‖A‖²_F / n for every r, since E[u uᵀ] = I/n.
4. **The denoising score field.** A denoising autoencoder trained with small Gaussian corruption
   N(0, σ² I) learns r(x) − x ≈ σ² ∇ log p(x) (Alain & Bengio 2013, Theorem 1; exactly, the optimal
   denoiser is Tweedie's E[x | x̃] = x̃ + σ² ∇ log p_σ(x̃) with p_σ = p ∗ N(0, σ² I)):
   :func:`denoising_field`, with a density whose score is known in closed form,
   :func:`circle_log_density` / :func:`circle_score` (a circle blurred by Gaussian noise).
5. **DAE ≈ clean reconstruction + contraction of r.** For ε ~ N(0, σ² I), a second-order Taylor
   expansion of r around x gives (the Taylor-expansion argument of Alain & Bengio 2013, §3)

       E‖r(x + ε) − x‖² = ‖r(x) − x‖² + σ² ‖J_r(x)‖²_F + σ² (r(x) − x) · Δr(x) + O(σ⁴),

   where J_r = ∂r/∂x and Δr = Σₖ ∂²r/∂xₖ² (the Laplacian of each output). Alain & Bengio keep the first
   two terms (the last vanishes when r(x) ≈ x). :func:`reconstruction_jacobian_norm2`,
   :func:`reconstruction_laplacian` and :func:`denoising_error` measure each side.

Every function that takes a ``model`` needs a single-layer :class:`~npae.models.autoencoder.Autoencoder`
(TypeError naming ``model`` otherwise) and checks ``params`` like the model does (ValueError naming
``params`` for a missing key, a wrong shape, NaN or inf); it computes in float64 with the model's own
forward passes (:meth:`~npae.models.autoencoder.Autoencoder.encoder_forward`, ``decoder_forward``).
"""

from typing import NamedTuple

import numpy as np
from scipy.linalg import subspace_angles
from scipy.spatial.distance import cdist
from scipy.special import i0e, i1e

from npae.analysis.jacobian import checked_autoencoder_params, encoder_jacobian, jacobian_svd
from npae.checks import as_real_array, check_bool, check_callable, check_int, check_real, check_rng
from npae.core.activations import sigmoid_second_derivative

__all__ = ["jacobian_tangents", "local_pca_tangents", "tangent_angles", "singular_value_spectrum",
           "sample_sphere", "contraction_ratios", "contraction_curve", "denoising_field",
           "circle_log_density", "circle_score", "circle_projection", "reconstruction_jacobian_norm2",
           "reconstruction_laplacian", "denoising_error"]


# ---------------------------------------------------------------------------------------------- checks
def _rows(X, name, n_columns=None):
    """X as a finite, non-empty 2-D float64 array (n_samples, n_columns) (ValueError/TypeError naming ``name``)."""
    X = as_real_array(name, X, ndim=2, dtype=np.float64)
    if X.shape[0] == 0 or (n_columns is not None and X.shape[1] != n_columns):
        raise ValueError(f"{name} must have shape (n_samples >= 1, {n_columns if n_columns is not None else 'n'}), "
                         f"got {X.shape}")
    return X


# ---------------------------------------------------------------------------------------------- 1. tangents
def jacobian_tangents(model, X, n_tangents, params=None):
    """The encoder's tangent estimate at each point: the leading right-singular vectors of J(x) = ∂h/∂x.

    Source: Rifai et al. (2011), "Contractive auto-encoders", §5 and "The manifold tangent classifier"
    (2011), §3; Goodfellow et al. (2016) §14.6, Fig. 14.10.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_visible,) or (n_samples, n_visible)
    n_tangents : int, 1 ≤ n_tangents ≤ min(n_hidden, n_visible)
    params : dict, optional
        Parameters to use instead of ``model.params``.

    Returns
    -------
    tangents : ndarray of float64, shape (n_tangents, n_visible) for one point, else
        (n_samples, n_tangents, n_visible); orthonormal rows, most sensitive direction first.
        (The sign of each singular vector is arbitrary.)
    singular_values : ndarray of float64, shape (n_tangents,) or (n_samples, n_tangents), descending.

    Raises
    ------
    ValueError
        If ``n_tangents`` is not an integer in [1, min(n_hidden, n_visible)], or X is malformed.
    """
    checked_autoencoder_params(model, params)
    n_tangents = check_int("n_tangents", n_tangents, 1, min(model.n_hidden, model.n_visible))
    s, Vt = jacobian_svd(encoder_jacobian(model, X, params=params))
    return Vt[..., :n_tangents, :], s[..., :n_tangents]


def local_pca_tangents(X, x0, k_neighbours, n_tangents):
    """Local PCA tangent estimate at ``x0``: leading principal directions of its k nearest neighbours.

    The k rows of X nearest to x0 (Euclidean distances by ``scipy.spatial.distance.cdist``, an exact
    search; ties go to the lower row index; x0 itself is included if it is a row of X) are centred on their
    mean and decomposed by SVD; the leading right-singular vectors span the
    best-fitting k-point affine plane (Goodfellow et al. 2016 Fig. 14.10, "local PCA";
    Rifai et al. 2011c compare the CAE's tangents with it).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        The data set.
    x0 : array_like of shape (n_features,)
        The point whose tangent plane is wanted.
    k_neighbours : int, n_tangents < k_neighbours ≤ n_samples
    n_tangents : int ≥ 1

    Returns
    -------
    tangents : ndarray of float64, shape (n_tangents, n_features), orthonormal rows, leading first.
    singular_values : ndarray of float64, shape (n_tangents,): the singular values of the centred
        neighbours (√(k · variance) along each tangent), descending.

    Raises
    ------
    ValueError
        If X or x0 is malformed, or ``k_neighbours`` / ``n_tangents`` are out of range.
    TypeError
        If X is not numeric.
    """
    X = _rows(X, "X")
    x0 = as_real_array("x0", x0, ndim=1, dtype=np.float64)
    if x0.shape != (X.shape[1],):
        raise ValueError(f"X and x0 must have the same number of features: X has shape {X.shape}, "
                         f"x0 has shape {x0.shape}")
    k_neighbours = check_int("k_neighbours", k_neighbours, 1, X.shape[0])
    n_tangents = check_int("n_tangents", n_tangents, 1, X.shape[1])
    if n_tangents >= k_neighbours:
        raise ValueError(f"k_neighbours must exceed n_tangents={n_tangents}, got {k_neighbours}")
    # Exact search by brute force: in hundreds of dimensions a k-d tree visits nearly every row anyway, and
    # building one costs ~20x the distances themselves (0.5 s against 0.02 s for 20 000 x 784).
    distances = cdist(x0[None, :], X, "sqeuclidean")[0]                  # (n_samples,)
    index = np.argsort(distances, kind="stable")[:k_neighbours]          # the k nearest, nearest first
    N = X[index]
    N = N - N.mean(axis=0)
    _, s, Vt = np.linalg.svd(N, full_matrices=False)
    return Vt[:n_tangents], s[:n_tangents]


def tangent_angles(A, B):
    """Principal angles, in degrees, between the spans of the rows of A and of B.

    A thin wrapper around ``scipy.linalg.subspace_angles`` (which takes columns) for our row convention.

    Parameters
    ----------
    A : array_like of shape (p, n_features)
    B : array_like of shape (q, n_features)

    Returns
    -------
    ndarray of float64, shape (min(p, q),): angles in degrees, largest first (scipy's order).

    Raises
    ------
    ValueError
        If A or B is malformed or their widths differ.
    """
    A = _rows(A, "A")
    B = _rows(B, "B")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"A and B must have the same number of columns (n_features): A has shape {A.shape}, "
                         f"B has shape {B.shape}")
    return np.degrees(subspace_angles(A.T, B.T))


# ---------------------------------------------------------------------------------------------- 2. spectra
def singular_value_spectrum(model, X, batch_size=256, params=None):
    """The encoder Jacobian's sorted singular values, averaged over the rows of X.

    Source: Rifai et al. (2011), "Contractive auto-encoders", §5 (average singular-value
    spectrum of the Jacobian on test points): a CAE concentrates its sensitivity in a few directions.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_samples, n_visible)
    batch_size : int ≥ 1
        Points per explicit Jacobian (memory batch_size · n_hidden · n_visible floats).
    params : dict, optional

    Returns
    -------
    ndarray of float64, shape (min(n_hidden, n_visible),): mean over points of the i-th largest
    singular value, descending.

    Raises
    ------
    ValueError
        If X is malformed or ``batch_size`` is not a positive integer.
    """
    checked_autoencoder_params(model, params)
    X = _rows(X, "X", model.n_visible)
    batch_size = check_int("batch_size", batch_size, 1)
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        s, _ = jacobian_svd(encoder_jacobian(model, X[start:start + batch_size], params=params))
        total = total + s.sum(axis=0)
    return total / X.shape[0]


# ---------------------------------------------------------------------------------------------- 3. contraction
def sample_sphere(n_points, dim, radius, rng):
    """Points uniform on the sphere of radius ``radius`` in R^dim (normalised Gaussians; Muller 1959).

    Parameters
    ----------
    n_points, dim : int ≥ 1
    radius : float > 0
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape (n_points, dim), every row of norm ``radius``.

    Raises
    ------
    ValueError, TypeError
        For a non-positive size or radius, or an ``rng`` that is not a Generator.
    """
    n_points, dim = check_int("n_points", n_points, 1), check_int("dim", dim, 1)
    radius = check_real("radius", radius, 0, open_minimum=True)
    U = check_rng(rng).standard_normal((n_points, dim))
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    while np.any(norms == 0):                                   # probability zero; kept for rigour
        bad = norms[:, 0] == 0
        U[bad] = rng.standard_normal((int(bad.sum()), dim))
        norms = np.linalg.norm(U, axis=1, keepdims=True)
    return U * (radius / norms)


def contraction_ratios(f, X0, radius, n_directions, rng):
    """Ratios ‖f(x₀) − f(x₁)‖ / ‖x₀ − x₁‖ for x₁ = x₀ + radius · u, u uniform on the unit sphere.

    Source: Rifai et al. (2011), "Contractive auto-encoders", §5 (the contraction ratio).

    Parameters
    ----------
    f : callable
        ``f(X) -> F``, rows to rows: (m, n) → (m, d), e.g. ``model.encode``.
    X0 : array_like of shape (n_points, n)
        The centres x₀ (held-out points in the lesson).
    radius : float > 0
    n_directions : int ≥ 1
        Directions u drawn per centre.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape (n_points, n_directions).

    Raises
    ------
    ValueError, TypeError
        If X0 is malformed, ``radius`` ≤ 0, ``n_directions`` < 1, or ``rng`` is not a Generator; TypeError
        if f returns anything but a numeric 2-D array (None, a scalar), ValueError if its rows differ in
        number from its input's.
    """
    check_callable("f", f, "f(X) -> F, rows to rows")
    X0 = _rows(X0, "X0")
    radius = check_real("radius", radius, 0, open_minimum=True)
    n_directions = check_int("n_directions", n_directions, 1)
    m, n = X0.shape
    U = sample_sphere(m * n_directions, n, radius, rng)
    F0 = _image(f, X0)
    F1 = _image(f, np.repeat(X0, n_directions, axis=0) + U)
    if F0.shape[0] != m or F1.shape[0] != m * n_directions:
        raise ValueError(f"f must map (m, {n}) to (m, d) row by row, got {F0.shape} for ({m}, {n})")
    dist = np.linalg.norm(np.repeat(F0, n_directions, axis=0) - F1, axis=1)
    return (dist / radius).reshape(m, n_directions)


def _image(f, X):
    """f(X) as a float64 (m, d) array (TypeError naming ``f`` if it returns anything else, e.g. None or a scalar)."""
    value = f(X)
    try:
        F = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        F = None
    if F is None or F.ndim != 2:
        got = type(value).__name__ + ("" if F is None else f" of shape {F.shape}")
        raise TypeError(f"f must return a numeric (m, d) array for an (m, n) input, row by row, got {got}")
    return F


def contraction_curve(f, X0, radii, n_directions, rng):
    """The mean contraction ratio as a function of the distance r (Rifai et al. 2011, §5).

    Parameters
    ----------
    f : callable, (m, n) → (m, d)
    X0 : array_like of shape (n_points, n)
    radii : array_like of shape (n_radii,), every radius > 0
    n_directions : int ≥ 1
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape (n_radii,): mean over centres and directions of the ratio at each radius.

    Raises
    ------
    ValueError, TypeError
        As :func:`contraction_ratios`; also if ``radii`` is not a non-empty 1-D array.
    """
    check_callable("f", f, "f(X) -> F, rows to rows")
    radii = as_real_array("radii", radii, ndim=1, dtype=np.float64)
    if radii.size == 0:
        raise ValueError(f"radii must be a non-empty 1-D array, got shape {radii.shape}")
    if radii.min() <= 0:
        raise ValueError(f"radii must all be > 0, got a smallest of {radii.min()!r}")
    return np.array([contraction_ratios(f, X0, float(r), n_directions, rng).mean() for r in radii])


# ---------------------------------------------------------------------------------------------- 4. score field
def denoising_field(model, X, params=None):
    """The reconstruction's displacement r(x) − x at each row of X (Alain & Bengio 2013).

    For a DAE trained with small Gaussian corruption σ it estimates σ² ∇ log p(x).

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_samples, n_visible)
    params : dict, optional

    Returns
    -------
    ndarray of float64, shape (n_samples, n_visible).

    Raises
    ------
    ValueError
        If X is malformed.
    """
    params = checked_autoencoder_params(model, params)
    X = _rows(X, "X", model.n_visible)
    return _forward(model, X, params).X_hat - X


def _circle_args(X, radius, noise_std):
    X = _rows(X, "X", 2)
    return X, check_real("radius", radius, 0, open_minimum=True), check_real("noise_std", noise_std, 0, open_minimum=True)


def circle_log_density(X, radius, noise_std):
    """log p(x) for the circle of radius R (uniform angle) blurred by isotropic Gaussian noise of std s.

    p(x) = (1/2π) ∫ N(x; R(cos θ, sin θ), s² I) dθ = exp(−(ρ² + R²)/(2s²)) I₀(ρR/s²) / (2π s²), ρ = ‖x‖
    (the θ-integral of exp(ρR cos θ / s²) is 2π I₀(ρR/s²), the modified Bessel function). Computed with
    the scaled ``scipy.special.i0e`` so that large ρR/s² does not overflow.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    radius : float > 0
        R.
    noise_std : float > 0
        s.

    Returns
    -------
    ndarray of float64, shape (n_samples,).

    Raises
    ------
    ValueError, TypeError
        If X is not (n, 2) and finite, or R or s is not a positive number.
    """
    X, R, s = _circle_args(X, radius, noise_std)
    rho = np.linalg.norm(X, axis=1)
    kappa = rho * R / s**2
    return -(rho**2 + R**2) / (2 * s**2) + np.log(i0e(kappa)) + kappa - np.log(2 * np.pi * s**2)


def circle_score(X, radius, noise_std):
    """∇ log p(x) for the blurred circle of :func:`circle_log_density`, in closed form.

    p depends on x through ρ = ‖x‖ only, so ∇ log p = (d log p / dρ) x/ρ with
    d log p / dρ = −ρ/s² + (R/s²) I₁(κ)/I₀(κ), κ = ρR/s² (I₀' = I₁). It points radially towards the
    circle (slightly inside it: the blurred density peaks at ρ < R). At x = 0 the gradient is 0.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    radius, noise_std : float > 0

    Returns
    -------
    ndarray of float64, shape (n_samples, 2).

    Raises
    ------
    ValueError, TypeError
        As :func:`circle_log_density`.
    """
    X, R, s = _circle_args(X, radius, noise_std)
    rho = np.linalg.norm(X, axis=1)
    kappa = rho * R / s**2
    dlogp = -rho / s**2 + (R / s**2) * i1e(kappa) / i0e(kappa)
    unit = np.divide(X, rho[:, None], out=np.zeros_like(X), where=rho[:, None] > 0)
    return dlogp[:, None] * unit


def circle_projection(X, radius):
    """The nearest point of the circle of radius R centred at 0: R x/‖x‖ (x = 0 is mapped to (R, 0)).

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    radius : float > 0

    Returns
    -------
    ndarray of float64, shape (n_samples, 2).

    Raises
    ------
    ValueError, TypeError
        If X is not (n, 2) and finite or ``radius`` is not positive.
    """
    X = _rows(X, "X", 2)
    R = check_real("radius", radius, 0, open_minimum=True)
    rho = np.linalg.norm(X, axis=1, keepdims=True)
    P = np.tile([R, 0.0], (X.shape[0], 1))
    np.divide(R * X, rho, out=P, where=rho > 0)
    return P


# ---------------------------------------------------------------------------------------------- 5. DAE ≈ CAE
def _second_derivative(activation, A):
    """f''(z) from the output a = f(z): σ'' (:func:`npae.core.activations.sigmoid_second_derivative`) for the
    sigmoid; 0 for linear and (almost everywhere) ReLU."""
    if activation.name == "sigmoid":
        return sigmoid_second_derivative(A)
    return np.zeros_like(A)


class _Forward(NamedTuple):
    W1: np.ndarray       # (n_visible, n_hidden)
    W2: np.ndarray       # (n_hidden, n_visible), W1.T when tied
    H: np.ndarray        # (m, n_hidden)
    X_hat: np.ndarray    # (m, n_visible)
    d1: np.ndarray       # f'(Z1), (m, n_hidden)
    d2: np.ndarray       # g'(Z2), (m, n_visible)


def _forward(model, X, params):
    """The model's forward pass (its own encoder_forward and decoder_forward) in float64, with both slopes."""
    Z1, H = model.encoder_forward(params, X)
    Z2, X_hat = model.decoder_forward(params, H)
    W2 = model.decoder_weights(params)
    d1 = model.encoder.derivative(Z1, H) * np.ones_like(Z1)          # ones for a linear encoder
    d2 = model.decoder.derivative(Z2, X_hat) * np.ones_like(Z2)
    return _Forward(params["W1"], W2, H, X_hat, d1, d2)


def reconstruction_jacobian_norm2(model, X, batch_size=256, params=None):
    """‖∂r/∂x‖²_F at each row of X, without building the n_visible × n_visible Jacobian.

    J_r = A B with A = diag(g'(z2)) W2ᵀ (n_visible × n_hidden) and B = diag(f'(z1)) W1ᵀ (n_hidden ×
    n_visible), so ‖J_r‖²_F = tr(AᵀA BBᵀ) = Σⱼₗ (W2 diag(g'²) W2ᵀ)ⱼₗ f'ⱼ (W1ᵀW1)ⱼₗ f'ₗ:
    O(n_hidden² n_visible) per sample instead of O(n_hidden n_visible²). Compared with
    :func:`npae.analysis.jacobian.reconstruction_jacobian` in the tests. Alain & Bengio (2013), §3.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_samples, n_visible)
    batch_size : int ≥ 1
        Points per batch (memory batch_size · n_hidden² floats).
    params : dict, optional

    Returns
    -------
    ndarray of float64, shape (n_samples,).

    Raises
    ------
    ValueError
        If X is malformed or ``batch_size`` is not a positive integer.
    """
    params = checked_autoencoder_params(model, params)
    X = _rows(X, "X", model.n_visible)
    batch_size = check_int("batch_size", batch_size, 1)
    out = np.empty(X.shape[0])
    for start in range(0, X.shape[0], batch_size):
        W1, W2, _, _, d1, d2 = _forward(model, X[start:start + batch_size], params)
        G1 = W1.T @ W1                                                   # (h, h)
        AtA = np.einsum("ji,mi,li->mjl", W2, d2**2, W2, optimize=True)     # (m, h, h)
        out[start:start + batch_size] = np.einsum("mj,jl,ml,mjl->m", d1, G1, d1, AtA, optimize=True)
    return out


def reconstruction_laplacian(model, X, batch_size=256, params=None):
    """Δr(x) = Σₖ ∂²r/∂xₖ² (one Laplacian per output unit) at each row of X, in closed form.

    With z2ᵢ = Σⱼ W2[j, i] hⱼ, hⱼ = f(z1ⱼ), z1ⱼ = Σₖ xₖ W1[k, j] + b1ⱼ and rᵢ = g(z2ᵢ):

        Σₖ ∂²z2ᵢ/∂xₖ² = Σⱼ W2[j, i] f''(z1ⱼ) wⱼ,   wⱼ = ‖W1[:, j]‖²,
        Δrᵢ = g''(z2ᵢ) ‖∇ₓ z2ᵢ‖² + g'(z2ᵢ) Σₖ ∂²z2ᵢ/∂xₖ²,
        ‖∇ₓ z2ᵢ‖² = Σⱼₗ W2[j, i] f'ⱼ (W1ᵀW1)ⱼₗ f'ₗ W2[l, i].

    It enters the second-order term σ² (r(x) − x)·Δr(x) of E‖r(x + ε) − x‖² (module docstring, item 5).
    ReLU's f'' is taken as 0 (true almost everywhere). Checked against finite differences in the tests.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_samples, n_visible)
    batch_size : int ≥ 1
        Points per batch (memory batch_size · n_hidden · n_visible floats).
    params : dict, optional

    Returns
    -------
    ndarray of float64, shape (n_samples, n_visible).

    Raises
    ------
    ValueError
        If X is malformed or ``batch_size`` is not a positive integer.
    """
    params = checked_autoencoder_params(model, params)
    X = _rows(X, "X", model.n_visible)
    batch_size = check_int("batch_size", batch_size, 1)
    out = np.empty_like(X)
    for start in range(0, X.shape[0], batch_size):
        W1, W2, H, X_hat, d1, d2 = _forward(model, X[start:start + batch_size], params)
        w = np.einsum("kj,kj->j", W1, W1)
        curvature = (_second_derivative(model.encoder, H) * w) @ W2        # Σₖ ∂²z2/∂xₖ², (m, n_visible)
        P = d1[:, :, None] * W2[None, :, :]                              # (m, h, n_visible)
        grad2 = np.einsum("mjv,jl,mlv->mv", P, W1.T @ W1, P, optimize=True)
        out[start:start + batch_size] = _second_derivative(model.decoder, X_hat) * grad2 + d2 * curvature
    return out


def denoising_error(model, X, sigma, n_noise, rng, antithetic=True, params=None):
    """Monte-Carlo estimate of the denoising error E‖r(x + ε) − x‖², ε ~ N(0, σ² I), per row of X.

    Sum over features (no ½), mean over ``n_noise`` draws. With ``antithetic`` each draw ε is paired
    with −ε (n_noise must then be even): the term linear in ε cancels exactly, which removes the largest
    part of the Monte-Carlo noise when σ is small (the quantity to estimate is then
    ‖r − x‖² + σ²(‖J_r‖²_F + (r − x)·Δr) + O(σ⁴); Alain & Bengio 2013, §3).

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_samples, n_visible)
    sigma : float ≥ 0
        The noise's standard deviation. 0 is allowed: every draw is then ε = 0 and the result is the noiseless
        reconstruction error ‖r(x) − x‖², the σ → 0 limit of the estimate (a baseline for the curves in σ).
    n_noise : int ≥ 1 (even with ``antithetic``)
    rng : numpy.random.Generator
    antithetic : bool
    params : dict, optional

    Returns
    -------
    ndarray of float64, shape (n_samples,).

    Raises
    ------
    ValueError, TypeError
        If X is malformed, σ < 0, ``n_noise`` is not a positive (even, with ``antithetic``) integer, or
        ``rng`` is not a Generator.
    """
    params = checked_autoencoder_params(model, params)
    X = _rows(X, "X", model.n_visible)
    sigma = check_real("sigma", sigma, 0)
    n_noise = check_int("n_noise", n_noise, 1)
    check_rng(rng)
    antithetic = check_bool("antithetic", antithetic)
    if antithetic and n_noise % 2:
        raise ValueError(f"n_noise must be even with antithetic=True, got {n_noise}")
    total = np.zeros(X.shape[0])
    draws = n_noise // 2 if antithetic else n_noise
    for _ in range(draws):
        E = sigma * rng.standard_normal(X.shape)
        for sign in ((1.0, -1.0) if antithetic else (1.0,)):
            D = _forward(model, X + sign * E, params).X_hat - X
            total += np.einsum("ij,ij->i", D, D)
    return total / n_noise
