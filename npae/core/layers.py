"""The affine layer — forward, backward and initialisation — the piece every npae network repeats.

A layer maps its input A (one sample per row) to its pre-activation and its output::

    Z = A @ W + b          (m, n_out)      A: (m, n_in), W: (n_in, n_out), b: (n_out,)
    A_out = f(Z)           (m, n_out)      f from :mod:`npae.core.activations`

Given the delta δ = ∂J/∂Z of shape (m, n_out), the chain rule gives (UFLDL notes §2.2, with samples
as rows):

    ∂J/∂W = Aᵀ δ          (n_in, n_out)
    ∂J/∂b = Σᵢ δᵢ          (n_out,)
    ∂J/∂A = δ Wᵀ          (m, n_in)   — the error sent to the layer below

and the layer below turns ∂J/∂A into its own delta with its activation's slope,
δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f'(z⁽ˡ⁾). The two-layer :class:`~npae.models.autoencoder.Autoencoder`, the
deep networks (:mod:`npae.models.deep`) and the Jacobian helpers (:mod:`npae.analysis.jacobian`) all call
:func:`dense_forward` and :func:`affine_backward`, so the layer is written once; :func:`initial_weights`
is the one initialisation of every weight matrix.
"""

import numpy as np

from npae.checks import check_choice

INITS = ("ufldl", "glorot")


def dense_forward(A, W, b, activation):
    """One layer's forward pass: Z = A W + b and A_out = f(Z).

    Parameters
    ----------
    A : ndarray of shape (m, n_in)
        The layer's input, one sample a row.
    W : ndarray of shape (n_in, n_out)
        Weights (may be a transposed view, e.g. ``W1.T`` for a tied decoder).
    b : ndarray of shape (n_out,)
    activation : npae.core.activations.Activation
        f.

    Returns
    -------
    Z : ndarray of shape (m, n_out)
        The pre-activation.
    A_out : ndarray of shape (m, n_out)
        f(Z) (``Z`` itself for the linear activation).
    """
    Z = A @ W
    Z += b                                     # in place on the new product: no second (m, n_out) array
    return Z, activation.forward(Z)


def affine_backward(delta, A, W, need_dA=True):
    """Gradients of an affine layer Z = A @ W + b from its delta δ = ∂J/∂Z.

    Parameters
    ----------
    delta : ndarray of shape (m, n_out)
        ∂J/∂Z, with any 1/m of a mean already included.
    A : ndarray of shape (m, n_in)
        The layer's input.
    W : ndarray of shape (n_in, n_out)
        The layer's weights (may be a transposed view, e.g. ``W1.T`` for a tied decoder).
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
    dA = delta @ W.T if need_dA else None
    return dW, db, dA


def initial_weights(rng, n_in, n_out, init, dtype):
    """A weight matrix W ~ U[-r, r] of shape (n_in, n_out): the one initialisation of every npae layer.

    - ``"ufldl"``: r = √(6 / (n_in + n_out + 1)) (UFLDL ``initializeParameters.m``);
    - ``"glorot"``: r = √(6 / (n_in + n_out)) (Glorot & Bengio 2010; Keras' default).

    Biases start at 0 (the models set them).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_in, n_out : int ≥ 1
    init : {"ufldl", "glorot"}
    dtype : numpy dtype

    Returns
    -------
    ndarray of shape (n_in, n_out) and ``dtype``.

    Raises
    ------
    ValueError
        If ``init`` is another name.
    """
    check_choice("init", init, INITS)
    r = np.sqrt(6.0 / (n_in + n_out + 1)) if init == "ufldl" else np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_in, n_out)).astype(dtype)
