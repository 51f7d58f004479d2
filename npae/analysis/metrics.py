"""Measurements for the lessons on regularised autoencoders: subspaces, PSNR, saturation, Jacobian norms.

These are the numbers the lessons print and the tests check:

- :func:`principal_directions` and :func:`principal_angles` — does a linear autoencoder find the PCA
  subspace? (Bourlard & Kamp 1988; Baldi & Hornik 1989; Goodfellow et al. §14.1)
- :func:`psnr` — how much a denoising autoencoder cleans an image (Vincent et al. 2010 report it too).
- :func:`saturated_fraction` and :func:`mean_jacobian_norm` — the two columns of Rifai et al. (2011),
  Table 1: how many code units sit in the flat parts of the sigmoid, and how contractive the encoder is.

Nothing here trains a model or draws a figure; everything is a pure function of arrays (and of a model's
parameters), float64 on output.
"""

import numpy as np
import scipy.linalg

from npae.analysis.jacobian import checked_autoencoder_params
from npae.checks import as_real_array, check_bool, check_choice, check_data, check_int, check_real


def check_reconstructor(model):
    """Return ``model`` after checking that it maps data X to its reconstruction (``model.reconstruct(X)``).

    An :class:`~npae.models.autoencoder.Autoencoder` or a :class:`~npae.models.deep.DeepAutoencoder`;
    a :class:`~npae.models.psd.PSD` is refused, its ``reconstruct`` takes codes H, not data.

    Raises
    ------
    TypeError
        If ``model`` is a class, has no ``reconstruct``/``n_visible``, or is a PSD.
    """
    from npae.models.psd import PSD
    if isinstance(model, type):
        raise TypeError(f"model must be an autoencoder instance (e.g. Autoencoder(64, 25)), got the class "
                        f"{model.__name__} itself: call it to make one")
    if isinstance(model, PSD):
        raise TypeError("model must reconstruct data X (an Autoencoder or DeepAutoencoder), got a PSD, whose "
                        "reconstruct takes codes H: use model.reconstruct(model.infer(X)) yourself")
    if not callable(getattr(model, "reconstruct", None)) or not hasattr(model, "n_visible"):
        raise TypeError(f"model must be an npae autoencoder (with reconstruct and n_visible), "
                        f"got {type(model).__name__}")
    return model


def _matrix(A, name, n_rows=None):
    """A as a finite, non-empty 2-D float64 array (ValueError/TypeError naming ``name``)."""
    A = as_real_array(name, A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {A.shape}")
    if n_rows is not None and A.shape[0] != n_rows:
        raise ValueError(f"{name} must have {n_rows} rows, got shape {A.shape}")
    return A


def principal_directions(X, k):
    """The top-k principal directions of the rows of X (PCA by the SVD of the centred data).

    With X_c = X - mean(X), the SVD X_c = U S Vᵀ gives the principal directions as the columns of V,
    ordered by decreasing singular value; the variance along direction i is S[i]² / (n_samples - 1).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    k : int, 1 ≤ k ≤ min(n_samples, n_features)

    Returns
    -------
    V : ndarray of float64, shape (n_features, k)
        Orthonormal columns: the first k principal directions.
    singular_values : ndarray of float64, shape (min(n_samples, n_features),)
        All singular values of the centred data, descending.

    Raises
    ------
    ValueError, TypeError
        If X is not a finite non-empty 2-D numeric array, or ``k`` is not an integer in the range above.
    """
    X = _matrix(X, "X")
    k = check_int("k", k, 1, min(X.shape))
    _, s, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return Vt[:k].T, s


def principal_angles(A, B, degrees=True):
    """Principal angles between the column spaces of A and B (``scipy.linalg.subspace_angles``).

    The principal angles θ₁ ≤ … ≤ θ_q, q = min(rank A, rank B), between span(A) and span(B) are the
    arccosines of the singular values of Q_Aᵀ Q_B, Q_A and Q_B orthonormal bases (Björck & Golub 1973;
    scipy uses their sine/cosine formulation, accurate also for tiny angles). All are 0 exactly when one
    span contains the other; the largest is 90° when some direction of one is orthogonal to the other.

    Parameters
    ----------
    A : array_like of shape (n, p)
        Columns spanning the first subspace (e.g. an encoder's ``W1``, or a decoder's ``W2.T``).
    B : array_like of shape (n, q)
        Columns spanning the second subspace (e.g. :func:`principal_directions`).
    degrees : bool
        Return degrees (default) or radians.

    Returns
    -------
    angles : ndarray of float64, shape (min(p, q),)
        In DEScending order, as scipy returns them (the largest angle first).

    Raises
    ------
    ValueError, TypeError
        If A or B is not a finite non-empty 2-D numeric array, or their numbers of rows differ.
    """
    degrees = check_bool("degrees", degrees)
    A = _matrix(A, "A")
    B = _matrix(B, "B", n_rows=A.shape[0])
    angles = scipy.linalg.subspace_angles(A, B)
    return np.degrees(angles) if degrees else angles


def psnr(reference, estimate, data_range=1.0, per_sample=False):
    """Peak signal-to-noise ratio 10 log₁₀(R² / MSE) of ``estimate`` against ``reference``, in dB.

    R is the range of the pixel values (1 for pixels in [0, 1]); MSE is the mean of the squared
    differences over every pixel (or, with ``per_sample``, over the pixels of each row). This is the
    standard definition (e.g. Gonzalez & Woods, *Digital Image Processing*; ``skimage.metrics.
    peak_signal_noise_ratio``). An exact match gives +inf.

    Parameters
    ----------
    reference : array_like of shape (n_samples, n_pixels)
        The clean images.
    estimate : array_like, same shape
        The noisy or reconstructed images.
    data_range : float > 0
        R.
    per_sample : bool
        If True, return one PSNR per row (its mean is not the PSNR of the mean MSE).

    Returns
    -------
    float, or ndarray of float64 of shape (n_samples,) with ``per_sample``.

    Raises
    ------
    ValueError, TypeError
        If the arrays are not finite numeric 2-D arrays of the same shape, or ``data_range`` is not a
        positive finite number.
    """
    reference = _matrix(reference, "reference")
    estimate = _matrix(estimate, "estimate")
    if estimate.shape != reference.shape:
        raise ValueError(f"estimate must have the shape of reference {reference.shape}, got {estimate.shape}")
    data_range = check_real("data_range", data_range, 0, open_minimum=True)
    per_sample = check_bool("per_sample", per_sample)
    squared = (estimate - reference) ** 2
    mse = squared.mean(axis=1) if per_sample else squared.mean()
    with np.errstate(divide="ignore"):
        value = 10.0 * np.log10(float(data_range) ** 2 / mse)
    return value if per_sample else float(value)


def saturated_fraction(H, low=0.05, high=0.95):
    """The fraction of code values in the flat tails of the sigmoid: h < ``low`` or h > ``high``.

    Rifai et al. (2011), Table 1, report "SAT", the average fraction of saturated hidden units per example,
    as evidence that the contractive penalty pushes units into saturation (CAE 86 % on MNIST against 50 %
    for a plain AE). The thresholds 0.05 and 0.95 are the ones quoted for that table in the secondary
    sources available here; they were not checked against the PDF.
    The average over examples of the per-example fraction equals the fraction over all entries.

    Parameters
    ----------
    H : array_like of shape (n_samples, n_hidden)
        Codes in [0, 1] (a sigmoid encoder's output).
    low, high : float, 0 ≤ low < high ≤ 1

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    ValueError, TypeError
        If H is not a finite non-empty 2-D numeric array, or the thresholds are not ordered in [0, 1].
    """
    H = _matrix(H, "H")
    low, high = check_real("low", low, 0, 1), check_real("high", high, 0, 1)
    if not low < high:
        raise ValueError(f"low and high must satisfy 0 <= low < high <= 1, got low={low!r}, high={high!r}")
    return float(np.mean((H < low) | (H > high)))


def mean_jacobian_norm(model, X, params=None):
    """The mean over the rows of X of the Frobenius norm ‖∂h/∂x‖_F of a one-layer encoder's Jacobian.

    For h = f(xW1 + b1) the Jacobian is J(x) = diag(f'(z)) W1ᵀ (:mod:`npae.analysis.jacobian`), so without building it

        ‖J(x)‖_F = √( Σⱼ f'(zⱼ)² ‖W1[:, j]‖² )

    (for the sigmoid f' = h(1 - h): the closed form of Rifai et al. 2011 and :class:`npae.core.penalties.
    Contractive`). Note the mean of the norm, as in Rifai et al.'s Table 1 ("average ‖J_f(x)‖_F"), is not
    the square root of the contractive penalty (a mean of squared norms). The tests compare this with
    :func:`npae.analysis.jacobian.encoder_jacobian`.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        Any encoder ("sigmoid", "relu", "linear").
    X : array_like of shape (n_samples, n_visible)
    params : dict, optional
        Parameters to use instead of ``model.params``.

    Returns
    -------
    float

    Raises
    ------
    ValueError, TypeError
        If ``model`` is not a single-layer Autoencoder, ``params`` is malformed, or X is not a finite
        numeric (n_samples, n_visible) array.
    """
    params = checked_autoencoder_params(model, params)
    X = _matrix(X, "X")
    if X.shape[1] != model.n_visible:
        raise ValueError(f"X must have shape (n_samples, {model.n_visible}), got {X.shape}")
    Z1, H = model.encoder_forward(params, X)                                            # the model's own pass
    slope = model.encoder.derivative(Z1, H) * np.ones_like(Z1)                          # f'(Z1), (m, n_hidden)
    column_norms = np.einsum("kj,kj->j", params["W1"], params["W1"])                    # ‖W1[:, j]‖²
    return float(np.sqrt((slope ** 2) @ column_norms).mean())


RECONSTRUCTION_ERRORS = ("squared_error", "mse_per_pixel", "cross_entropy", "bce_per_pixel")


def reconstruction_error(model, X, target=None, kind="squared_error"):
    """The reconstruction error of ``model`` on ``X``, without any penalty, under one named normalisation.

    Every lesson reports reconstruction errors through this function, so that a number always says
    which of the usual normalisations it is (they differ by factors of n_visible and 2):

    - ``"squared_error"``: mean over samples of ½‖x̂ − t‖² (sum over features) — UFLDL's J without
      penalties, npae's Gaussian-decoder loss.
    - ``"mse_per_pixel"``: mean over samples and features of (x̂ − t)² — what PSNR and most libraries
      call the MSE (no ½).
    - ``"cross_entropy"``: mean over samples of −Σⱼ [tⱼ log x̂ⱼ + (1 − tⱼ) log(1 − x̂ⱼ)] — npae's
      Bernoulli-decoder loss, summed over the pixels.
    - ``"bce_per_pixel"``: the same divided by n_visible — Keras' ``binary_crossentropy``.

    The cross-entropies are computed from the logits Z2 as the loss is (never log 0), so they need a
    model with a sigmoid decoder.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder or npae.models.deep.DeepAutoencoder
        Anything with ``reconstruct(X)``; the cross-entropies also need ``logits(X)`` (the decoder's
        pre-activation Z2, shape (n_samples, n_visible)).
    X : array_like of shape (n_samples, n_visible)
        Inputs (for a denoising autoencoder, the corrupted x̃).
    target : array_like of shape (n_samples, n_visible), optional
        What the reconstruction is compared with (default ``X``; the clean x for denoising).
    kind : {"squared_error", "mse_per_pixel", "cross_entropy", "bce_per_pixel"}

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an unknown ``kind``; for X or ``target`` not a finite (n_samples >= 1, n_visible) array, or of
        different shapes; for a ``target`` outside [0, 1] with a cross-entropy or a model with a sigmoid
        decoder (whose reconstructions cannot leave [0, 1], so that such a target is data on another scale:
        the model's own loss refuses it too).
    TypeError
        If ``model`` cannot reconstruct (or give logits, for a cross-entropy).
    """
    check_choice("kind", kind, RECONSTRUCTION_ERRORS)
    check_reconstructor(model)
    n_visible = model.n_visible
    X = check_data(X, "X", n_visible, np.float64)
    # A sigmoid decoder cannot leave [0, 1]: a target outside it is data on another scale (pixels in 0..255),
    # refused here as the model's own loss refuses it; a cross-entropy needs it whatever the decoder.
    sigmoid = getattr(getattr(model, "decoder", None), "name", None) == "sigmoid"
    T = X if target is None else check_data(target, "target", n_visible, np.float64,
                                            unit_interval=sigmoid or kind in ("cross_entropy", "bce_per_pixel"))
    if T.shape != X.shape:
        raise ValueError(f"target must have the shape of X {X.shape}, got {T.shape}")
    if kind in ("squared_error", "mse_per_pixel"):
        D = np.asarray(model.reconstruct(X), dtype=np.float64) - T
        total = np.einsum("ij,ij->", D, D)
        return float(0.5 * total / X.shape[0] if kind == "squared_error" else total / D.size)
    if not callable(getattr(model, "logits", None)):
        raise TypeError(f"kind={kind!r} needs the decoder's logits: model {type(model).__name__} has no logits()")
    if T is X and (X.min() < 0 or X.max() > 1):
        raise ValueError(f"X must lie in [0, 1] for kind={kind!r}")
    Z = np.asarray(model.logits(X), dtype=np.float64)
    # −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t z, with softplus(z) = logaddexp(0, z)
    per_sample = (np.logaddexp(0.0, Z) - T * Z).sum(axis=1)
    mean = float(per_sample.mean())
    return mean if kind == "cross_entropy" else mean / n_visible
