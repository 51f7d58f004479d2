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

from npae.checks import (check_bool, check_choice, check_float_array, check_float_dtype, check_instance, check_int,
                         check_rng)
from npae.core.activations import Activation

INITS = ("ufldl", "glorot")


def dense_forward(A, W, b, activation):
    """One layer's forward pass: Z = A W + b and A_out = f(Z).

    Parameters
    ----------
    A : ndarray of shape (m, n_in)
        The layer's input, one sample a row.
    W : ndarray of shape (n_in, n_out)
        Weights (may be a transposed view, e.g. ``W1.T`` for a tied decoder).
    b : ndarray of shape (n_out,) or (m, n_out)
        The biases (one row per sample when a semantic-hashing model adds code noise to them).
    activation : npae.core.activations.Activation
        f.

    Returns
    -------
    Z : ndarray of shape (m, n_out)
        The pre-activation.
    A_out : ndarray of shape (m, n_out)
        f(Z) (``Z`` itself for the linear activation).

    Raises
    ------
    TypeError
        If ``A``, ``W`` or ``b`` is not a float32/float64 ndarray, or ``activation`` not an Activation.
    ValueError
        If the shapes do not fit together (``A`` with no rows included). Only kinds and shapes are checked,
        not values: this runs inside every forward pass, on arrays the model has checked.
    """
    check_float_array("b", b)                   # required here (None would skip it below)
    _check_shapes(A=A, W=W, b=b)
    check_instance("activation", activation, Activation, 'get_activation("sigmoid")')
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

    Raises
    ------
    TypeError, ValueError
        As :func:`dense_forward` (kinds and shapes only), and if ``need_dA`` is not a bool.
    """
    check_float_array("delta", delta)
    _check_shapes(A=A, W=W, delta=delta)
    check_bool("need_dA", need_dA)
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
        If ``init`` is another name, ``n_in`` or ``n_out`` is below 1, or ``dtype`` is not a float dtype.
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``, or ``n_in``/``n_out`` not integers.
    """
    rng = check_rng(rng)
    n_in = check_int("n_in", n_in, 1)
    n_out = check_int("n_out", n_out, 1)
    check_choice("init", init, INITS)
    dtype = check_float_dtype(dtype)
    r = np.sqrt(6.0 / (n_in + n_out + 1)) if init == "ufldl" else np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_in, n_out)).astype(dtype)



def _check_shapes(A, W, b=None, delta=None):
    """Check the arrays of one affine layer, types and shapes only (no pass over the values): float ndarrays
    A (m ≥ 1, n_in), W (n_in, n_out), b (n_out,) or (m, n_out), delta (m, n_out); None skips b or delta."""
    for name, array in (("A", A), ("W", W)) + ((("b", b),) if b is not None else ()) + \
            ((("delta", delta),) if delta is not None else ()):
        if check_float_array(name, array).ndim not in ((1, 2) if name == "b" else (2,)):
            raise ValueError(f"{name} must be {'1-D or 2-D' if name == 'b' else '2-D'}, got shape {array.shape}")
    if A.shape[0] == 0:
        raise ValueError(f"A must have at least one row, got shape {A.shape}")
    if W.shape[0] != A.shape[1]:
        raise ValueError(f"W must have shape (n_in, n_out) with n_in = A.shape[1] = {A.shape[1]}, got {W.shape}")
    if b is not None and b.shape not in ((W.shape[1],), (A.shape[0], W.shape[1])):
        raise ValueError(f"b must have shape ({W.shape[1]},) (one bias per column of W) or {(A.shape[0], W.shape[1])} "
                         f"(one per row of A), got {b.shape}")
    if delta is not None and delta.shape != (A.shape[0], W.shape[1]):
        raise ValueError(f"delta must have shape (m, n_out) = {(A.shape[0], W.shape[1])} (rows of A, columns "
                         f"of W), got {delta.shape}")
