# Exercise stub (guided level), generated from npae/exercises/solutions/conv2d_backward.py by
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

Read (2) as the affine layer ``A @ W + b`` whose "samples" are the patches. With δ laid out as rows like Z
in (2), D = δ.transpose(0, 2, 3, 1).reshape(−1, C_out)::

    ∂J/∂W = (Dᵀ cols).reshape(W.shape)              the input cross-correlated with δ
    ∂J/∂b = Σ of δ over the samples and the pixels
    ∂J/∂cols = D W.reshape(C_out, −1)                (n·H_out·W_out, C_in·kh·kw)

Every entry of ``cols`` is a copy of one entry of Xp, so ∂J/∂Xp is the **sum** of the gradients of its
copies (col2im, the adjoint of im2col): for each kernel offset (p, q), add the (p, q) slice of
∂J/∂cols, laid out as (n, C_in, H_out, W_out), into ∂J/∂Xp[:, :, p:p+H_out, q:q+W_out]. Then crop the padding:
∂J/∂X = ∂J/∂Xp[:, :, top:top+H, left:left+W].

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
    # HINT: D = δ as rows (i, y, x) by C_out; grad_W = (Dᵀ cols) reshaped like W; grad_b = Σ of δ over axes 0, 2, 3.
    raise NotImplementedError('YOUR CODE HERE: D = δ as rows (i, y, x) by C_out; grad_W = (Dᵀ cols) reshaped like W; grad_b = Σ of δ over axes 0, 2, 3.')
    # HINT: dcols = D W.reshape(C_out, −1), viewed as (n, H_out, W_out, C_in, kh, kw); for each offset (p, q),
    # HINT: add dcols[:, :, :, :, p, q] (as (n, C_in, H_out, W_out)) into dXp[:, :, p:p+H_out, q:q+W_out];
    # HINT: then crop the padding.
    raise NotImplementedError('YOUR CODE HERE: dcols = D W.reshape(C_out, −1), viewed as (n, H_out, W_out, C_in, kh, kw); for each offset (p, q),')
    return {"X": grad_X, "W": grad_W, "b": grad_b}
