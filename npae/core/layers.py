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
a softmax output layer. These are building blocks behind the models' boundary: they trust their arguments
(the constructors and ``loss_and_grads`` have checked them) and check nothing.
"""

import numpy as np

INITS = ("ufldl", "glorot")


def dense_forward(A, W, b, activation):
    """One layer's forward pass: ``(Z, A_out)`` with Z = A W + b and A_out = f(Z).

    Parameters
    ----------
    A : ndarray of shape (m, n_in)
        The layer's input, one sample a row.
    W : ndarray of shape (n_in, n_out)
        Weights (may be a transposed view, e.g. ``W1.T`` for a tied decoder).
    b : ndarray of shape (n_out,) or (m, n_out)
        The biases (one row per sample when code noise is added to them).
    activation : npae.core.activations.Activation
        f.

    Returns
    -------
    Z : ndarray of shape (m, n_out)
    A_out : ndarray of shape (m, n_out)
        f(Z) (``Z`` itself for the linear activation).
    """
    Z = A @ W
    Z += b                                     # in place on the new product: no second (m, n_out) array
    return Z, activation.forward(Z)


def affine_backward(delta, A, W, need_dA=True):
    """Gradients of an affine layer Z = A W + b from its delta δ = ∂J/∂Z (m, n_out): ``(dW, db, dA)``.

    dW = Aᵀ δ (n_in, n_out), db = Σᵢ δᵢ (n_out,), dA = δ Wᵀ (m, n_in), or None when ``need_dA`` is False
    (the first layer needs no gradient with respect to the data). ``W`` may be a transposed view.
    """
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
    ndarray of shape (n_in, n_out) (or ``shape``) and ``dtype``. The constructors that call this have
    checked its arguments.
    """
    r = np.sqrt(6.0 / (n_in + n_out + 1)) if init == "ufldl" else np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_in, n_out) if shape is None else shape).astype(dtype)


def initial_softmax_weights(rng, n_in, n_classes, dtype):
    """The weights of a softmax output layer, W = 0.005 · N(0, 1) of shape (n_in, n_classes), of ``dtype``.

    UFLDL's softmax exercise starts from small normal weights (``softmaxTrain.m``:
    ``theta = 0.005 * randn(numClasses * inputSize, 1)``; ``stackedAEExercise.m`` the same for the softmax
    on top of the stack): the loss is convex in them, so no symmetry needs breaking beyond this. Used by
    :class:`~npae.models.softmax.Softmax` and :class:`~npae.models.deep.StackedClassifier` (which check the
    arguments). Its bias starts at 0.
    """
    return (0.005 * rng.standard_normal((n_in, n_classes))).astype(dtype)
