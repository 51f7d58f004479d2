"""Reconstruction losses, each returning its value and the output delta δ³ = ∂J/∂Z2.

Goodfellow et al. (2016), §14.4 ("Stochastic encoders and decoders"): training an autoencoder with a
reconstruction loss L(x, g(h)) is maximum likelihood for a decoder distribution p(x | h):

- squared error       = -log p(x | h) for a Gaussian decoder N(x; x̂, I), up to a constant;
- cross-entropy       = -log p(x | h) for a Bernoulli decoder with means x̂ = σ(z).

Both are normalised as ``docs/notation.md`` says: **the mean over samples of a sum over features**.
UFLDL's J is the squared error with the ½. The functions take ``inv_m = 1/m`` explicitly because a
caller may pass the samples in blocks of rows: a block contributes ``inv_m`` times its sum, and the blocks
add up to the mean over all m samples. They never divide by the block's own row count. (A model with
``reduction="mean"`` passes 1/(m·n_visible): the mean over the features too.)

Both functions return the delta at the output pre-activation, δ³ = ∂J/∂Z2, of shape
(n_rows, n_visible) — the quantity UFLDL's backprop starts from. Neither writes into its arguments:
every array returned is new. They are building blocks behind the models' boundary: they trust their
arguments (the model has checked them once) and check nothing.
"""

import numpy as np

from npae.core.activations import softplus


def squared_error(Z2, target, decoder, inv_m, X_hat=None):
    """Squared error ½‖x̂ - x‖² (summed over features, times ``inv_m``) and its delta δ³ = ∂value/∂Z2.

    UFLDL (sparse autoencoder notes, §2.2): J = (1/m) Σᵢ ½‖x̂⁽ⁱ⁾ - x⁽ⁱ⁾‖² and δ³ = (1/m) (x̂ - x) ∘ g'(Z2);
    for the linear decoder g' = 1 (UFLDL's linear-decoder exercise).

    Parameters
    ----------
    Z2 : ndarray of shape (n_rows, n_visible)
        Decoder pre-activations ``H @ W2 + b2``.
    target : ndarray of shape (n_rows, n_visible)
        The clean inputs x that the reconstruction is compared with.
    decoder : npae.core.activations.Activation
        The decoder's output nonlinearity g.
    inv_m : float > 0
        1/m for a mean over m samples.
    X_hat : ndarray of shape (n_rows, n_visible), optional
        g(Z2), when the caller has it already (otherwise it is computed here).

    Returns
    -------
    value : float
        inv_m · Σ ½ (x̂ - x)² over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2`` (new)
    """
    if X_hat is None:
        X_hat = decoder.forward(Z2)                              # x̂ = g(Z2)
    residual = X_hat - target                                    # x̂ - x
    value = 0.5 * inv_m * float(np.vdot(residual, residual))     # (1/m) Σ ½ (x̂ - x)²
    delta3 = residual * decoder.derivative(Z2, X_hat)            # (x̂ - x) ∘ g'(Z2)
    delta3 *= inv_m                                              # the 1/m of the mean
    return value, delta3


def cross_entropy(Z2, target, decoder, inv_m, X_hat=None):
    """Bernoulli cross-entropy from the logits, and its delta δ³ = (1/m) (σ(Z2) - x).

    -log p(x | h) = -Σⱼ [xⱼ log x̂ⱼ + (1 - xⱼ) log(1 - x̂ⱼ)] with x̂ = σ(z) equals Σⱼ [softplus(zⱼ) - xⱼ zⱼ],
    finite for every z (never log 0). Its derivative is σ(z) - x: the sigmoid's slope cancels (Goodfellow et
    al. §6.2.2.2). Targets may be any values in [0, 1]; the minimum is then their entropy, not 0. Keras
    reports the mean per pixel: divide by n_visible to compare.

    Parameters
    ----------
    Z2 : ndarray of shape (n_rows, n_visible)
        Decoder logits.
    target : ndarray of shape (n_rows, n_visible), values in [0, 1]
    decoder : npae.core.activations.Activation
        The sigmoid (the model refuses cross-entropy with another decoder).
    inv_m : float > 0
        1/m for a mean over m samples.
    X_hat : ndarray of shape (n_rows, n_visible), optional
        σ(Z2), when the caller has it already.

    Returns
    -------
    value : float
        inv_m · Σ [softplus(z) - x z] over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2`` (new)
    """
    if X_hat is None:
        X_hat = decoder.forward(Z2)                                              # x̂ = σ(Z2)
    value = inv_m * (float(softplus(Z2).sum()) - float(np.vdot(target, Z2)))   # (1/m) Σ softplus(z) - x z
    delta3 = X_hat - target                                                      # σ(Z2) - x
    delta3 *= inv_m                                                              # the 1/m of the mean
    return value, delta3


LOSSES = {"squared_error": squared_error, "cross_entropy": cross_entropy}
