# Exercise stub (derive level), generated from npae/exercises/solutions/conv2d_backward.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``conv2d_backward``: the backward pass of a 2-D convolution, through the patch matrix (im2col).

Lesson: ``lessons/24_convolution_by_hand.py``.

Images are arrays (n, channels, height, width). A kernel bank ``W`` has shape (C_out, C_in, kh, kw) and the
bias ``b`` shape (C_out,). The forward pass (given below as ``conv2d_forward``; stride 1, "same" or "valid"
padding; a cross-correlation, as in every deep-learning library)::

    Z[i, o, y, x] = b[o] + Σ_{c, p, q} Xp[i, c, y + p, x + q] · W[o, c, p, q]        (1)

where Xp is X with ``padding_amounts(kh, padding)`` zeros added above and below and
``padding_amounts(kw, padding)`` left and right (an even kernel puts its extra zero after). It is one
matrix product on the patch matrix ``cols = im2col(Xp, kh, kw).T``, of shape (n·H_out·W_out, C_in·kh·kw), whose
row (i, y, x) is the patch Xp[i, :, y:y+kh, x:x+kw] flattened in (c, p, q) order::

    Z as rows (i, y, x) by columns o  =  cols @ W.reshape(C_out, C_in·kh·kw)ᵀ + b          (2)

You receive δ = ∂J/∂Z, of Z's shape (n, C_out, H_out, W_out), from the layer above. Write
``conv2d_backward(delta, X, W, padding)``, returning ``{"X": ∂J/∂X, "W": ∂J/∂W, "b": ∂J/∂b}``, each of the
shape of its argument.

Derive the three gradients on paper first. Equation (2) gives the gradients with respect to W, b and
``cols`` the way the dense layer's do; then think about what the patch matrix is made of (an entry of
Xp sits in many patches), and about the padding.

The grader checks your gradients against finite differences of ⟨δ, Z⟩ = Σ δ ∘ conv2d_forward(X, W, b)
(whose gradient is exactly what you return), and against a reference, for "same" padding with odd and
even kernels and for "valid" padding.
"""

import numpy as np

from npae.core.conv import im2col, padding_amounts


def conv2d_forward(X, W, b, padding):
    """Z = conv(X, W) + b by equation (2) (given); also returns the patch matrix.

    Parameters
    ----------
    X : ndarray of shape (n, C_in, H, W_in)
    W : ndarray of shape (C_out, C_in, kh, kw)
    b : ndarray of shape (C_out,)
    padding : {"same", "valid"}

    Returns
    -------
    Z : ndarray of shape (n, C_out, H_out, W_out)
    cols : ndarray of shape (n·H_out·W_out, C_in·kh·kw)
    """
    n = X.shape[0]
    C_out, _, kh, kw = W.shape
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    Xp = np.pad(X, ((0, 0), (0, 0), (top, bottom), (left, right)))
    H_out, W_out = Xp.shape[2] - kh + 1, Xp.shape[3] - kw + 1
    cols = im2col(Xp, kh, kw).T                    # one row per output pixel (npae.core.conv gives columns)
    Z = (cols @ W.reshape(C_out, -1).T + b).reshape(n, H_out, W_out, C_out).transpose(0, 3, 1, 2)
    return Z, cols


def conv2d_backward(delta, X, W, padding):
    """The gradients of J with respect to X, W and b, from δ = ∂J/∂Z.

    Parameters
    ----------
    delta : ndarray of shape (n, C_out, H_out, W_out)
        ∂J/∂Z.
    X : ndarray of shape (n, C_in, H, W_in)
        The layer's input.
    W : ndarray of shape (C_out, C_in, kh, kw)
    padding : {"same", "valid"}

    Returns
    -------
    dict with ``X`` (n, C_in, H, W_in), ``W`` (C_out, C_in, kh, kw) and ``b`` (C_out,)
    """
    n, C_in, H, W_in = X.shape
    C_out, _, kh, kw = W.shape
    H_out, W_out = delta.shape[2], delta.shape[3]
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    _, cols = conv2d_forward(X, W, np.zeros(C_out), padding)
    # DERIVE: the gradients with respect to W and b.
    raise NotImplementedError('YOUR CODE HERE: the gradients with respect to W and b.')
    # DERIVE: the gradient with respect to X.
    raise NotImplementedError('YOUR CODE HERE: the gradient with respect to X.')
    return {"X": grad_X, "W": grad_W, "b": grad_b}
