"""Reconstruction losses, each returning its value and the output delta δ³ = ∂J/∂Z2.

Goodfellow et al. (2016), §14.4 ("Stochastic encoders and decoders"): training an autoencoder with a
reconstruction loss L(x, g(h)) is maximum likelihood for a decoder distribution p(x | h):

- squared error       = -log p(x | h) for a Gaussian decoder N(x; x̂, I), up to a constant;
- cross-entropy       = -log p(x | h) for a Bernoulli decoder with means x̂ = σ(z).

Both are normalised as ``docs/notation.md`` says: **the mean over samples of a sum over features**.
UFLDL's J is the squared error with the ½. The functions take ``inv_m = 1/m`` explicitly because a
caller may pass the samples in blocks of rows (:mod:`npae.perf.autoencoder` does): a block contributes
``inv_m`` times its sum, and the blocks add up to the mean over all m samples. They never divide by the
block's own row count. (A model with ``reduction="mean"`` passes 1/(m·n_visible): the mean over the
features too.)

Both functions return the delta at the output pre-activation, δ³ = ∂J/∂Z2, of shape
(n_rows, n_visible) — the quantity UFLDL's backprop starts from. Neither writes into its arguments:
every array returned is new.
"""

import numpy as np

from npae.checks import check_float_array, check_instance, check_real
from npae.core.activations import Activation, softplus


def _check_loss_arguments(Z2, target, decoder, inv_m):
    """The checks both losses share: kinds and shapes (no pass over the values), and inv_m > 0."""
    if check_float_array("Z2", Z2).ndim != 2:
        raise ValueError(f"Z2 must be 2-D of shape (n_rows, n_visible), got shape {Z2.shape}")
    if check_float_array("target", target).shape != Z2.shape:
        raise ValueError(f"target must have the shape of Z2 {Z2.shape}, got {target.shape}")
    check_instance("decoder", decoder, Activation, 'get_activation("sigmoid")')
    return check_real("inv_m", inv_m, 0, open_minimum=True)


def squared_error(Z2, target, decoder, inv_m):
    """Squared error ½‖x̂ - x‖² (summed over features, times ``inv_m``) and its delta δ³.

    Implements UFLDL (sparse autoencoder notes, §2.2): J = (1/m) Σᵢ ½‖x̂⁽ⁱ⁾ - x⁽ⁱ⁾‖², and the
    output delta δ³ = (x̂ - x) ∘ f'(z³), here with the 1/m included: δ³ = (1/m) (x̂ - x) ∘ g'(Z2).
    For the linear decoder g'(z) = 1, so δ³ = (1/m) (x̂ - x) (UFLDL's linear-decoder exercise).

    Parameters
    ----------
    Z2 : ndarray of shape (n_rows, n_visible), float
        Decoder pre-activations ``H @ W2 + b2``.
    target : ndarray of shape (n_rows, n_visible)
        The clean inputs x that the reconstruction is compared with.
    decoder : npae.core.activations.Activation
        The decoder's output nonlinearity g (sigmoid or linear).
    inv_m : float
        1/m for a mean over m samples.

    Returns
    -------
    value : float
        inv_m · Σ ½ (x̂ - x)² over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2``
        ∂value/∂Z2.

    Raises
    ------
    TypeError
        If ``Z2`` or ``target`` is not a float32/float64 ndarray, ``decoder`` not an Activation, or
        ``inv_m`` not a real number.
    ValueError
        If ``Z2`` is not 2-D, ``target`` has another shape, or ``inv_m`` is not a finite number > 0.
    """
    inv_m = _check_loss_arguments(Z2, target, decoder, inv_m)
    X_hat = decoder.forward(Z2)                                  # x̂ = g(Z2)
    residual = X_hat - target                                    # x̂ - x
    value = 0.5 * inv_m * float(np.vdot(residual, residual))     # (1/m) Σ ½ (x̂ - x)²
    delta3 = residual * decoder.derivative(Z2, X_hat)            # (x̂ - x) ∘ g'(Z2)
    delta3 *= inv_m                                              # the 1/m of the mean
    return value, delta3


def cross_entropy(Z2, target, decoder, inv_m):
    """Bernoulli cross-entropy from the logits, and its delta δ³ = (1/m) (σ(Z2) - x).

    -log p(x | h) = -Σⱼ [xⱼ log x̂ⱼ + (1 - xⱼ) log(1 - x̂ⱼ)] with x̂ = σ(z). Using
    -log σ(z) = softplus(-z) and -log(1 - σ(z)) = softplus(z) = softplus(-z) + z, this is
    Σⱼ [softplus(zⱼ) - xⱼ zⱼ], which is finite for every z: a saturated unit never gives log(0).
    Its derivative is ∂/∂z = σ(z) - x: the sigmoid's slope cancels, which is why cross-entropy does
    not stall on saturated outputs the way squared error does (Goodfellow et al. §6.2.2.2).

    Targets x may be any values in [0, 1] (grey levels), not only 0/1. The minimum over z is then the
    entropy of the targets, not 0. Keras reports the mean per pixel: divide by n_visible to compare.

    Parameters
    ----------
    Z2 : ndarray of shape (n_rows, n_visible), float
        Decoder logits.
    target : ndarray of shape (n_rows, n_visible), values in [0, 1]
    decoder : npae.core.activations.Activation
        Must be the sigmoid: the model refuses cross-entropy with another decoder.
    inv_m : float
        1/m for a mean over m samples.

    Returns
    -------
    value : float
        inv_m · Σ [softplus(z) - x z] over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2``
        ∂value/∂Z2 = (1/m) (σ(Z2) - x).

    Raises
    ------
    TypeError, ValueError
        As :func:`squared_error`.
    """
    inv_m = _check_loss_arguments(Z2, target, decoder, inv_m)
    value = inv_m * (float(softplus(Z2).sum()) - float(np.vdot(target, Z2)))   # (1/m) Σ softplus(z) - x z
    delta3 = decoder.forward(Z2) - target                                        # σ(Z2) - x
    delta3 *= inv_m                                                              # the 1/m of the mean
    return value, delta3


LOSSES = {"squared_error": squared_error, "cross_entropy": cross_entropy}
