"""The affine layer's backward step — the one piece of backprop that every npae network repeats.

For a layer Z = A @ W + b (A: the layer's input, one sample per row), given the delta δ = ∂J/∂Z of
shape (m, n_out), the chain rule gives (UFLDL notes §2.2, with samples as rows):

    ∂J/∂W = Aᵀ δ          (n_in, n_out)
    ∂J/∂b = Σᵢ δᵢ          (n_out,)
    ∂J/∂A = δ Wᵀ          (m, n_in)   — the error sent to the layer below

and the layer below turns ∂J/∂A into its own delta with its activation's slope,
δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f'(z⁽ˡ⁾). The two-layer :class:`~npae.models.autoencoder.Autoencoder` and the deeper networks
(:mod:`npae.models.deep`) both call :func:`affine_backward`, so the recurrence is written once.
"""

import numpy as np


def affine_backward(delta, A, W, dA_out=None, need_dA=True):
    """Gradients of an affine layer Z = A @ W + b from its delta δ = ∂J/∂Z.

    Parameters
    ----------
    delta : ndarray of shape (m, n_out)
        ∂J/∂Z, with any 1/m of a mean already included.
    A : ndarray of shape (m, n_in)
        The layer's input.
    W : ndarray of shape (n_in, n_out)
        The layer's weights (may be a transposed view, e.g. ``W1.T`` for a tied decoder).
    dA_out : ndarray of shape (m, n_in), optional
        Where to write ∂J/∂A (e.g. a block of rows of a larger array); a new array if None.
    need_dA : bool
        Skip ∂J/∂A (the first layer does not need the gradient with respect to the data).

    Returns
    -------
    dW : ndarray of shape (n_in, n_out)   Aᵀ δ
    db : ndarray of shape (n_out,)        Σᵢ δᵢ (sum over the rows)
    dA : ndarray of shape (m, n_in) or None   δ Wᵀ
    """
    dW = A.T @ delta
    db = delta.sum(axis=0)
    dA = np.matmul(delta, W.T, out=dA_out) if need_dA else None
    return dW, db, dA
