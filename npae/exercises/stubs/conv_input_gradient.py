# Exercise stub (guided level), generated from npae/exercises/solutions/conv_input_gradient.py by
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

From (1), ∂J/∂X[i, c, u, v] = Σ_{o, p, q} δ[i, o, u + top − p, v + left − q] · W[o, c, p, q], δ read as 0
outside its range. With p′ = kh − 1 − p and q′ = kw − 1 − q this is (1) again: a cross-correlation of δ,
padded with kh − 1 − top zeros above, kh − 1 − bottom below, kw − 1 − left on the left and kw − 1 − right on
the right, with the kernel bank W_flip[c, o, p′, q′] = W[o, c, kh − 1 − p′, kw − 1 − q′] — flipped in both
spatial axes, its two channel axes swapped (it maps C_out channels back to C_in)::

    ∂J/∂X = conv2d_forward(pad(δ), W[:, :, ::−1, ::−1].transpose(1, 0, 2, 3), zeros(C_in), "valid")

the *transposed* convolution. For "valid" padding (top = bottom = 0) δ gets kh − 1 zeros on each side: a
"full" convolution.

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
    # HINT: pad δ with (kh − 1 − top, kh − 1 − bottom) rows and (kw − 1 − left, kw − 1 − right) columns of zeros.
    raise NotImplementedError('YOUR CODE HERE: pad δ with (kh − 1 − top, kh − 1 − bottom) rows and (kw − 1 − left, kw − 1 − right) columns of zeros.')
    # HINT: flip W in both spatial axes and swap its channel axes; one "valid" conv2d_forward with zero bias.
    raise NotImplementedError('YOUR CODE HERE: flip W in both spatial axes and swap its channel axes; one "valid" conv2d_forward with zero bias.')
    return grad_X
