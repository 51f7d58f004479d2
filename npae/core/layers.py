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
is the one initialisation of every weight matrix (dense and convolutional), :func:`initial_softmax_weights` that of
a softmax output layer.
"""

import numpy as np

from npae.checks import (check_bool, check_choice, check_float_array, check_float_dtype, check_instance, check_int,
                         check_rng, check_sequence, check_shape)
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


def initial_weights(rng, n_in, n_out, init, dtype, shape=None):
    """A weight matrix W ~ U[-r, r] of shape (n_in, n_out): the one initialisation of every npae layer.

    - ``"ufldl"``: r = √(6 / (n_in + n_out + 1)) (UFLDL ``initializeParameters.m``);
    - ``"glorot"``: r = √(6 / (n_in + n_out)) (Glorot & Bengio 2010, eq. 16; Keras' default).

    Biases start at 0 (the models set them). A softmax output layer starts otherwise:
    :func:`initial_softmax_weights`.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_in, n_out : int ≥ 1
        The fans: the inputs and outputs of one unit. For a convolution's kernel bank of shape
        (C_out, C_in, k, k), C_in·k² and C_out·k² (:meth:`npae.core.conv.Conv2D.fans`, as Keras counts them).
    init : {"ufldl", "glorot"}
    dtype : numpy dtype
    shape : tuple of int ≥ 1, optional
        The array's shape, when it is not (n_in, n_out) (a kernel bank).

    Returns
    -------
    ndarray of shape (n_in, n_out) (or ``shape``) and ``dtype``.

    Raises
    ------
    ValueError
        If ``init`` is another name, ``n_in``, ``n_out`` or an entry of ``shape`` is below 1, or ``dtype`` is
        not a float dtype.
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``, ``n_in``/``n_out`` not integers, or ``shape`` not a
        sequence of integers.
    """
    rng = check_rng(rng)
    n_in = check_int("n_in", n_in, 1)
    n_out = check_int("n_out", n_out, 1)
    check_choice("init", init, INITS)
    dtype = check_float_dtype(dtype)
    shape = (n_in, n_out) if shape is None else check_shape("shape", shape, len(check_sequence("shape", shape)))
    r = np.sqrt(6.0 / (n_in + n_out + 1)) if init == "ufldl" else np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=shape).astype(dtype)


def initial_softmax_weights(rng, n_in, n_classes, dtype):
    """The weights of a softmax output layer, W = 0.005 · N(0, 1) of shape (n_in, n_classes).

    UFLDL's softmax exercise starts from small normal weights (``softmaxTrain.m``:
    ``theta = 0.005 * randn(numClasses * inputSize, 1)``; ``stackedAEExercise.m`` the same for the softmax
    on top of the stack): the loss is convex in them, so no symmetry needs breaking beyond this. Used by
    :class:`~npae.models.softmax.Softmax` and :class:`~npae.models.deep.StackedClassifier`. Its bias starts at 0.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_in : int ≥ 1
        The features the softmax sees.
    n_classes : int ≥ 1
    dtype : numpy dtype (float64 or float32)

    Returns
    -------
    ndarray of shape (n_in, n_classes) and ``dtype``.

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator`` or a size not an integer.
    ValueError
        If a size is below 1 or ``dtype`` not float64/float32.
    """
    rng = check_rng(rng)
    n_in, n_classes = check_int("n_in", n_in, 1), check_int("n_classes", n_classes, 1)
    dtype = check_float_dtype(dtype)
    return (0.005 * rng.standard_normal((n_in, n_classes))).astype(dtype)


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
