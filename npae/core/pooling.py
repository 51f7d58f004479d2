"""2×2 max-pooling ("same" padding) and 2× nearest-neighbour upsampling, with their backward passes.

Layout: (n, channels, height, width), as :mod:`npae.core.conv`. Neither layer has parameters.

**Max-pooling** (Goodfellow et al. 2016, §9.3), pool 2×2, stride 2::

    P[i, c, y, x] = max_{p, q ∈ {0, 1}} Xp[i, c, 2y + p, 2x + q]

"same" padding (TensorFlow/Keras): the output has ⌈H/2⌉ × ⌈W/2⌉ pixels; an odd size gets one extra row
(column) *after* the input, filled with -∞ so that it never wins (a 7×7 map gives 4×4, its last
row and column of windows seeing only one real row or column).

Backward: the maximum is locally the identity on the winning entry and constant in the others, so
∂P/∂X is 1 at the arg-max of each window and 0 elsewhere: the delta of each output pixel is *routed*
to the input pixel that won, ∂J/∂X[i, c, 2y+p, 2x+q] = δ[i, c, y, x] if (p, q) won the window, else 0.
**Ties** (two equal maxima, common after a ReLU, where whole windows are 0) are broken
deterministically: the first maximum in the order (0, 0), (0, 1), (1, 0), (1, 1) — top-left, top-right,
bottom-left, bottom-right — wins (``numpy.argmax`` returns the first occurrence). Any choice is a valid
subgradient; this one is fixed so that the backward pass is a function of the input. At a tie the
maximum is not differentiable, so gradient checks use inputs with no near-ties.

**Nearest-neighbour upsampling** ×2 (Keras ``UpSampling2D``)::

    U[i, c, u, v] = X[i, c, ⌊u/2⌋, ⌊v/2⌋]                       (2H × 2W)

Every input pixel is copied into a 2×2 block, so its gradient is the *sum* of the block's deltas:
∂J/∂X[i, c, y, x] = Σ_{p,q} δ[i, c, 2y+p, 2x+q]. Upsampling's backward pass is thus 2×2 sum-pooling:
the adjoint of copying is summing (``tests/test_conv.py`` checks ⟨up(X), Y⟩ = ⟨X, upᵀ(Y)⟩, and the
same for max-pooling with the routing fixed by the forward pass).
"""

import numpy as np

__all__ = ["pool_output_size", "maxpool_forward", "maxpool_backward", "upsample_forward",
           "upsample_backward", "MaxPool2D", "UpSample2D"]


def pool_output_size(size):
    """⌈size / 2⌉: the output length of 2×2, stride-2 max-pooling with "same" padding."""
    return -(-size // 2)


def _windows(A, n, C, H_out, W_out):
    """View an (n, C, 2·H_out, 2·W_out) array as its 2×2 windows: (n, C, H_out, W_out, 4), entries in
    the order (0, 0), (0, 1), (1, 0), (1, 1) of (row, column) inside the window."""
    return A.reshape(n, C, H_out, 2, W_out, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, H_out, W_out, 4)


def maxpool_forward(X):
    """2×2 max-pooling with "same" padding (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n, C, H, W), float

    Returns
    -------
    P : ndarray of shape (n, C, ⌈H/2⌉, ⌈W/2⌉)
        The window maxima.
    winner : ndarray of int64, shape of P
        Index 0-3 of each window's winning entry (ties: the first in (0,0), (0,1), (1,0), (1,1) order).
    """
    n, C, H, W = X.shape
    H_out, W_out = pool_output_size(H), pool_output_size(W)
    if (2 * H_out, 2 * W_out) != (H, W):          # odd size: one row/column of -∞ after the input
        X = np.pad(X, ((0, 0), (0, 0), (0, 2 * H_out - H), (0, 2 * W_out - W)), constant_values=-np.inf)
    windows = _windows(X, n, C, H_out, W_out)
    winner = windows.argmax(axis=-1)
    P = np.take_along_axis(windows, winner[..., None], axis=-1)[..., 0]
    return P, winner


def maxpool_backward(delta, winner, input_shape):
    """Route each output delta to its window's winner (module docstring).

    Parameters
    ----------
    delta : ndarray of shape (n, C, ⌈H/2⌉, ⌈W/2⌉)
        ∂J/∂P.
    winner : ndarray of int, same shape
        From :func:`maxpool_forward`.
    input_shape : tuple (n, C, H, W)

    Returns
    -------
    ndarray of shape (n, C, H, W)
        ∂J/∂X: δ at each winner, 0 elsewhere (the padding's entries, which never win, are cropped).
    """
    n, C, H, W = input_shape
    H_out, W_out = delta.shape[2], delta.shape[3]
    routed = np.zeros((n, C, H_out, W_out, 4), dtype=delta.dtype)
    np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1)
    dX = routed.reshape(n, C, H_out, W_out, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, 2 * H_out, 2 * W_out)
    return dX[:, :, :H, :W]


def upsample_forward(X):
    """2× nearest-neighbour upsampling: (n, C, H, W) -> (n, C, 2H, 2W), each pixel a 2×2 block."""
    n, C, H, W = X.shape
    return np.broadcast_to(X[:, :, :, None, :, None], (n, C, H, 2, W, 2)).reshape(n, C, 2 * H, 2 * W)


def upsample_backward(delta):
    """The adjoint of :func:`upsample_forward`: (n, C, 2H, 2W) -> (n, C, H, W), the sum of each 2×2 block."""
    n, C, H2, W2 = delta.shape
    return delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))


class MaxPool2D:
    """2×2 max-pooling, stride 2, "same" padding, as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`."""

    def __repr__(self):
        return "MaxPool2D()"

    def param_shapes(self):
        """No parameters: {}."""
        return {}

    def output_shape(self, input_shape):
        """(C, ⌈H/2⌉, ⌈W/2⌉) for an input of shape (C, H, W)."""
        C, H, W = input_shape
        return C, pool_output_size(H), pool_output_size(W)

    def forward(self, A, params):
        P, winner = maxpool_forward(A)
        return P, (winner, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        winner, input_shape = cache
        return maxpool_backward(delta, winner, input_shape), {}


class UpSample2D:
    """2× nearest-neighbour upsampling as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`."""

    def __repr__(self):
        return "UpSample2D()"

    def param_shapes(self):
        """No parameters: {}."""
        return {}

    def output_shape(self, input_shape):
        """(C, 2H, 2W) for an input of shape (C, H, W)."""
        C, H, W = input_shape
        return C, 2 * H, 2 * W

    def forward(self, A, params):
        return upsample_forward(A), None

    def backward(self, delta, cache, params, need_input_grad=True):
        return upsample_backward(delta), {}
