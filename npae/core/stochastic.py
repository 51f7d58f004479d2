"""Stochastic encoders and decoders (Goodfellow et al. 2016, §14.4): the autoencoder as two conditional distributions.

The decoder defines p_decoder(x | h), a distribution over inputs whose parameters the network outputs; the
encoder can likewise define p_encoder(h | x). Training on −log p_decoder(x | h) is maximum likelihood, and
the usual reconstruction losses are that negative log-likelihood for two output distributions:

- Gaussian decoder, p_decoder(x | h) = N(x; x̂, σ² I) with x̂ = g(h):
  −log p = (1 / 2σ²) ‖x − x̂‖² + d log σ + (d/2) log 2π   (d = n_visible).
  For σ = 1 this is npae's squared error ½‖x − x̂‖² plus the constant (d/2) log 2π.
- Bernoulli decoder, p_decoder(x | h) = Πⱼ x̂ⱼ^xⱼ (1 − x̂ⱼ)^(1−xⱼ) with x̂ = σ(z):
  −log p = −Σⱼ [xⱼ log x̂ⱼ + (1 − xⱼ) log(1 − x̂ⱼ)] = Σⱼ [softplus(zⱼ) − xⱼ zⱼ],
  npae's cross-entropy with no constant. (For grey levels xⱼ ∈ (0, 1) this is the cross-entropy, not a
  log-probability: the Bernoulli distribution has mass only on {0, 1}.)

These functions give the per-sample values (the losses in :mod:`npae.core.losses` give the mean over a batch
and the delta for backprop: the two must agree, and the tests check that they do), draw samples from the two
decoders, and draw codes from a noisy encoder p_encoder(h | x): h = f(x W1 + b1 + ε), ε ~ N(0, s² I), the
noise Salakhutdinov & Hinton add at the code units' input (:class:`npae.analysis.hashing.CodeNoiseTrainer`
trains through it).
"""

import numpy as np

from npae.checks import as_real_array, check_data, check_real, check_rng
from npae.core.activations import softplus

__all__ = ["gaussian_nll", "bernoulli_nll", "sample_gaussian", "sample_bernoulli", "noisy_encode"]


def _pair(X, M, name_m):
    X = as_real_array("X", X, ndim=2, dtype=np.float64, nonempty=True)
    M = as_real_array(name_m, M, ndim=2, dtype=np.float64, nonempty=True)
    if M.shape != X.shape:
        raise ValueError(f"{name_m} must have the shape of X {X.shape}, got {M.shape}")
    return X, M


def gaussian_nll(X, mean, std=1.0):
    """−log N(x; mean, std² I) for every row: the Gaussian decoder's negative log-likelihood, in nats.

    −log p(x | h) = Σⱼ [ (xⱼ − x̂ⱼ)² / (2 σⱼ²) + log σⱼ ] + (d/2) log 2π  (Goodfellow et al. §14.4, §5.5.1).

    Parameters
    ----------
    X : array_like of shape (m, d)
        The observed inputs x.
    mean : array_like of shape (m, d)
        The decoder's output x̂ = g(h), the Gaussian's mean.
    std : float > 0 or array_like of shape (d,) with positive entries
        σ, one value for every pixel or one per pixel.

    Returns
    -------
    ndarray of shape (m,), float64

    Raises
    ------
    ValueError, TypeError
        If X or mean is not a finite, non-empty 2-D numeric array, their shapes differ, or std is not positive
        (or not of shape (d,)).
    """
    X, M = _pair(X, mean, "mean")
    if np.ndim(std) == 0:
        std = np.full(X.shape[1], check_real("std", std, 0.0, open_minimum=True))
    else:
        std = as_real_array("std", std, shape=(X.shape[1],), dtype=np.float64)
        if not np.all(std > 0):
            raise ValueError("std must be positive in every entry")
    return (0.5 * ((X - M) / std) ** 2 + np.log(std)).sum(axis=1) + 0.5 * X.shape[1] * np.log(2 * np.pi)


def bernoulli_nll(X, logits):
    """−log p(x | h) of a Bernoulli decoder with means σ(z), for every row, from the logits z (never log 0).

    −Σⱼ [xⱼ log σ(zⱼ) + (1 − xⱼ) log(1 − σ(zⱼ))] = Σⱼ [softplus(zⱼ) − xⱼ zⱼ], using −log σ(z) = softplus(−z) and
    softplus(−z) = softplus(z) − z (Goodfellow et al. §3.10, §6.2.2.2, §14.4).

    Parameters
    ----------
    X : array_like of shape (m, d), values in [0, 1]
        Binary x (then the result is a negative log-probability), or grey levels (a cross-entropy).
    logits : array_like of shape (m, d)
        z, the decoder's pre-activation (``Autoencoder.logits``).

    Returns
    -------
    ndarray of shape (m,), float64

    Raises
    ------
    ValueError, TypeError
        If X or logits is not a finite, non-empty 2-D numeric array, their shapes differ, or X leaves [0, 1].
    """
    X, Z = _pair(X, logits, "logits")
    if X.size and (X.min() < 0 or X.max() > 1):
        raise ValueError("X must lie in [0, 1] for a Bernoulli decoder")
    return (softplus(Z) - X * Z).sum(axis=1)


def sample_gaussian(mean, std, rng):
    """Draw x ~ N(mean, std² I), one sample per row of ``mean``: sampling from a Gaussian decoder.

    Parameters
    ----------
    mean : array_like of shape (m, d)
    std : float ≥ 0 or array_like of shape (d,)
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (m, d), float64

    Raises
    ------
    ValueError, TypeError
        If mean is not a finite 2-D array with at least one row and one column, std is negative (or of
        another shape), rng is not a Generator.
    """
    M = as_real_array("mean", mean, ndim=2, dtype=np.float64, nonempty=True)
    if np.ndim(std) == 0:
        std = check_real("std", std, 0.0)
    else:
        std = as_real_array("std", std, shape=(M.shape[1],), dtype=np.float64)
        if np.any(std < 0):
            raise ValueError("std must be >= 0 in every entry")
    return M + std * check_rng(rng).standard_normal(M.shape)


def sample_bernoulli(probabilities, rng):
    """Draw binary x with P(xⱼ = 1) = x̂ⱼ independently: sampling from a Bernoulli decoder.

    Parameters
    ----------
    probabilities : array_like of shape (m, d), values in [0, 1]
        The decoder's means x̂ = σ(z).
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (m, d), float64 of 0.0 and 1.0

    Raises
    ------
    ValueError, TypeError
        If probabilities is not a finite 2-D array in [0, 1] with at least one row and one column, or rng is
        not a Generator.
    """
    P = as_real_array("probabilities", probabilities, ndim=2, dtype=np.float64, nonempty=True)
    if P.size and (P.min() < 0 or P.max() > 1):
        raise ValueError("probabilities must lie in [0, 1]")
    return (check_rng(rng).random(P.shape) < P).astype(np.float64)


def noisy_encode(model, X, std, rng):
    """Draw codes from the noisy encoder p_encoder(h | x): h = f(x W1 + b1 + ε), ε ~ N(0, std² I).

    The noise enters at the code units' input, as in :meth:`npae.models.autoencoder.Autoencoder.loss_and_grads`
    (``code_noise``), so a model trained through it (``CodeNoiseTrainer``) is sampled the way it was trained.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        Anything with ``params`` (``W1``, ``b1``), ``encoder`` (an activation with ``forward``), ``n_visible``.
    X : array_like of shape (m, n_visible)
    std : float ≥ 0
        The noise's standard deviation (0: the deterministic encoder).
    rng : numpy.random.Generator

    Returns
    -------
    H : ndarray of shape (m, n_hidden), float64

    Raises
    ------
    ValueError, TypeError
        If X is not a finite (m, n_visible) array, std is negative, rng is not a Generator, or model lacks
        the attributes above.
    """
    if not all(hasattr(model, a) for a in ("params", "encoder", "n_visible")):
        raise TypeError(f"model must be an npae Autoencoder, got {type(model).__name__}")
    X = check_data(X, "X", model.n_visible, np.float64)
    std = check_real("std", std, 0.0)
    rng = check_rng(rng)
    Z1 = X @ np.asarray(model.params["W1"], dtype=np.float64) + np.asarray(model.params["b1"], dtype=np.float64)
    return model.encoder.forward(Z1 + std * rng.standard_normal(Z1.shape))
