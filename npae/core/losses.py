"""Reconstruction losses, each returning its value and the output delta δ³ = ∂J/∂Z2.

Goodfellow et al. (2016), §14.4 ("Stochastic encoders and decoders"): training an autoencoder with a
reconstruction loss L(x, g(h)) is maximum likelihood for a decoder distribution p(x | h):

- squared error       = -log p(x | h) for a Gaussian decoder N(x; x̂, I), up to a constant;
- cross-entropy       = -log p(x | h) for a Bernoulli decoder with means x̂ = σ(z).

Both are normalised as in ``shared/README.md``: **the mean over samples of a sum over features**.
UFLDL's J is the squared error with the ½. The functions take ``scale = 1/m`` explicitly because the
model may process the samples in blocks (see :meth:`npae.models.autoencoder.Autoencoder.loss_and_grads`): a block
of rows contributes ``scale`` times its sum, and the blocks add up to the mean over all m samples.

Both functions return the delta at the output pre-activation, δ³ = ∂J/∂Z2, of shape
(n_rows, n_visible) — the quantity UFLDL's backprop starts from. They never divide by the block's
own row count.
"""

import numpy as np


def squared_error(Z2, target, decoder, scale, out=None, work=None):
    """Squared error ½‖x̂ - x‖² (summed over features, times ``scale``) and its delta δ³.

    Implements UFLDL (sparse autoencoder notes, §2.2): J = (1/m) Σᵢ ½‖x̂⁽ⁱ⁾ - x⁽ⁱ⁾‖², and the
    output delta δ³ = (x̂ - x) ∘ f'(z³), here with the 1/m included: δ³ = scale (x̂ - x) ∘ f'(Z2).
    For the linear decoder f'(z) = 1, so δ³ = scale (x̂ - x) (UFLDL's linear-decoder exercise).

    Parameters
    ----------
    Z2 : ndarray of shape (n_rows, n_visible), float
        Decoder pre-activations ``H @ W2 + b2``.
    target : ndarray of shape (n_rows, n_visible)
        The clean inputs x that the reconstruction is compared with.
    decoder : npae.core.activations.Activation
        The decoder's output nonlinearity f (sigmoid or linear).
    scale : float
        1/m for the whole batch of m samples.
    out : ndarray of shape (n_rows, n_visible), optional
        Where to write δ³ (the model passes one buffer for all its blocks of rows, so that no new
        memory is touched per block); a new array if None.
    work : ndarray of shape (n_rows, n_visible), optional
        A buffer for the reconstruction x̂ (a new array if None). When it is given, ``Z2`` is
        **overwritten** with the decoder's slope g'(Z2) once x̂ is known: the model passes its own
        block buffers, which it does not read again, and no temporary is allocated per block.

    Returns
    -------
    value : float
        scale · Σ ½ (x̂ - x)² over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2``
        ∂value/∂Z2.
    """
    X_hat = decoder.forward(Z2, out=work)
    residual = np.subtract(X_hat, target, out=out)              # x̂ - x
    value = 0.5 * scale * float(np.einsum("ij,ij->", residual, residual))   # ½ Σ (x̂ - x)², one pass
    delta3 = residual                                           # δ³ is computed in place from here
    # ∘ g'(z), the decoder's slope; with a work buffer, Z2 (no longer needed) receives it.
    delta3 *= decoder.derivative(Z2, X_hat, out=Z2 if work is not None else None)
    delta3 *= scale                                             # the 1/m of the mean
    return value, delta3


def cross_entropy(Z2, target, decoder, scale, out=None, work=None):
    """Bernoulli cross-entropy from the logits, and its delta δ³ = scale (σ(Z2) - x).

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
    scale : float
        1/m for the whole batch of m samples.
    out : ndarray of shape (n_rows, n_visible), optional
        Where to write δ³; a new array if None.
    work : ndarray of shape (n_rows, n_visible), optional
        A scratch buffer (a new array if None).

    Returns
    -------
    value : float
        scale · Σ [softplus(z) - x z] over the rows and features given.
    delta3 : ndarray of shape (n_rows, n_visible), dtype of ``Z2``
        ∂value/∂Z2 = scale (σ(Z2) - x).
    """
    # One tanh serves both the value and the delta: with t = tanh(z/2),
    #   σ(z) = ½(1 + t)        and   softplus(z) = max(z, 0) + softplus(-|z|) = max(z, 0) - log σ(|z|)
    #                                            = max(z, 0) + log 2 - log(1 + |t|),
    # since σ(|z|) = ½(1 + |t|). Here 1 + |t| lies in [1, 2]: the logarithm is never near 0 (stable),
    # and no exp is needed (:func:`npae.core.activations.softplus` is the direct, slower form of the same).
    # (The sums use einsum's plain accumulation, about three times faster than ndarray.sum()'s pairwise
    # one on these arrays; a difference the loss value does not notice, and the gradient does not use.)
    relu_sum = float(np.einsum("ij->", np.maximum(Z2, 0.0, out=work)))    # Σ max(z, 0)
    xz = float(target.reshape(-1) @ Z2.reshape(-1))                       # Σ x z, one BLAS dot
    t = np.multiply(Z2, 0.5, out=out)
    np.tanh(t, out=t)                                                     # t = tanh(z/2)
    log_term = np.abs(t, out=work)
    np.log1p(log_term, out=log_term)                                      # log(1 + |t|)
    value = scale * (relu_sum + Z2.size * np.log(2.0) - float(np.einsum("ij->", log_term)) - xz)
    delta3 = t
    delta3 *= 0.5
    delta3 += 0.5                                                         # σ(z) = ½(1 + t)
    delta3 -= target                                                      # σ(z) - x
    delta3 *= scale
    return value, delta3


LOSSES = {"squared_error": squared_error, "cross_entropy": cross_entropy}
