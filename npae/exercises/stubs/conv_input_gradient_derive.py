# Exercise stub (derive level), generated from npae/exercises/solutions/conv_input_gradient.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``conv_input_gradient``: the input gradient of a convolution, as a full convolution with the flipped kernel.

Lesson: ``lessons/24_convolution_by_hand.py``.

The convolution of ``conv2d_backward`` (images (n, channels, height, width), kernels W (C_out, C_in, kh, kw),
stride 1, "same" or "valid" padding with ``padding_amounts`` zeros (top, bottom) and (left, right))::

    Z[i, o, y, x] = b[o] + Σ_{c, p, q} Xp[i, c, y + p, x + q] · W[o, c, p, q]        (1)

Write ``conv_input_gradient(delta, W, padding, input_shape)``: ∂J/∂X, of shape ``input_shape``
(n, C_in, H, W_in), from δ = ∂J/∂Z, computed with **one call** of ``conv2d_forward`` (npae's forward pass,
imported below: ``conv2d_forward(X, W, b, padding)`` returns ``(Z, cols)``) — a "valid" convolution of a
zero-padded δ with a rearranged kernel bank, and no loop over pixels.

Write ∂J/∂X[i, c, u, v] as a sum over o, p and q from (1), then change the summation variables until
the sum has the form of (1) itself: a cross-correlation of a zero-padded δ with a kernel bank built from
W. Mind even kernels, whose "same" padding is not symmetric.

The grader checks your result against finite differences of ⟨δ, Z⟩ with respect to X, and against a
reference, for "same" padding with odd and even kernels and for "valid" padding.
"""

import numpy as np

from npae.core.conv import conv2d_forward, padding_amounts


def conv_input_gradient(delta, W, padding, input_shape):
    """∂J/∂X of a convolution, as one convolution of the padded δ.

    Parameters
    ----------
    delta : ndarray of shape (n, C_out, H_out, W_out)
        ∂J/∂Z.
    W : ndarray of shape (C_out, C_in, kh, kw)
    padding : {"same", "valid"}
    input_shape : tuple (n, C_in, H, W_in)
        The shape of the forward pass's input X.

    Returns
    -------
    ndarray of shape ``input_shape``
    """
    C_out, C_in, kh, kw = W.shape
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    # DERIVE: the zero-padded δ.
    raise NotImplementedError('YOUR CODE HERE: the zero-padded δ.')
    # DERIVE: the kernel bank, then one "valid" conv2d_forward.
    raise NotImplementedError('YOUR CODE HERE: the kernel bank, then one "valid" conv2d_forward.')
    return grad_X
