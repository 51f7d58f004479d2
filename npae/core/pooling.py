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

from npae.checks import check_array_dict, check_bool, check_float_array, check_int, check_shape, check_tuple
from npae.core.conv import IMAGES

__all__ = ["pool_output_size", "maxpool_forward", "maxpool_backward", "upsample_forward",
           "upsample_backward", "MaxPool2D", "UpSample2D"]


def pool_output_size(size):
    """⌈size / 2⌉: the output length of 2×2, stride-2 max-pooling with "same" padding.

    Raises TypeError/ValueError if ``size`` is not an integer ≥ 1.
    """
    return -(-check_int("size", size, 1) // 2)


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

    Raises
    ------
    TypeError, ValueError
        If ``X`` is not a float ndarray of 4 non-empty axes (kinds and shape only: NaN propagates).
    """
    n, C, H, W = check_float_array("X", X, **IMAGES).shape
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

    Raises
    ------
    TypeError, ValueError
        If ``input_shape`` is not 4 integers ≥ 1, ``delta`` not a float array of the pooled shape, or
        ``winner`` not an integer array of that shape with values in 0-3. ``winner``'s values are checked
        (one pass of min/max over a quarter of the input's size): they index an array, and an index out of
        range would raise IndexError or, negative, silently route δ to the wrong entry.
    """
    n, C, H, W = input_shape = check_shape("input_shape", input_shape, 4)
    H_out, W_out = pool_output_size(H), pool_output_size(W)
    if check_float_array("delta", delta, **IMAGES).shape != (n, C, H_out, W_out):
        raise ValueError(f"delta must have the pooled shape (n, C, ⌈H/2⌉, ⌈W/2⌉) = {(n, C, H_out, W_out)} of "
                         f"input_shape={input_shape}, got {delta.shape}")
    _check_winner("winner", winner, delta.shape)
    routed = np.zeros((n, C, H_out, W_out, 4), dtype=delta.dtype)
    np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1)
    dX = routed.reshape(n, C, H_out, W_out, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, 2 * H_out, 2 * W_out)
    return dX[:, :, :H, :W]


def _check_winner(name, winner, shape):
    """``winner`` must be an integer ndarray of ``shape`` with values in 0-3 (the window entries)."""
    if not isinstance(winner, np.ndarray) or winner.dtype.kind not in "iu":
        got = f"dtype {winner.dtype}" if isinstance(winner, np.ndarray) else type(winner).__name__
        raise TypeError(f"{name} must be the integer array of window indices maxpool_forward returned, got {got}")
    if winner.shape != shape:
        raise ValueError(f"{name} must have the pooled shape {shape}, got {winner.shape}")
    if winner.size and (winner.min() < 0 or winner.max() > 3):
        raise ValueError(f"{name} must hold window indices 0-3, got values in [{winner.min()}, {winner.max()}]")


def upsample_forward(X):
    """2× nearest-neighbour upsampling: (n, C, H, W) -> (n, C, 2H, 2W), each pixel a 2×2 block.

    Raises TypeError/ValueError if ``X`` is not a float ndarray of 4 non-empty axes.
    """
    n, C, H, W = check_float_array("X", X, **IMAGES).shape
    return np.broadcast_to(X[:, :, :, None, :, None], (n, C, H, 2, W, 2)).reshape(n, C, 2 * H, 2 * W)


def upsample_backward(delta):
    """The adjoint of :func:`upsample_forward`: (n, C, 2H, 2W) -> (n, C, H, W), the sum of each 2×2 block.

    Raises TypeError/ValueError if ``delta`` is not a float ndarray of 4 non-empty axes with an even height
    and width.
    """
    n, C, H2, W2 = _check_upsampled("delta", delta).shape
    return delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))


def _check_upsampled(name, delta):
    """``delta`` after checking that it is a float array of 4 non-empty axes with an even height and width."""
    check_float_array(name, delta, **IMAGES)
    if delta.shape[2] % 2 or delta.shape[3] % 2:
        raise ValueError(f"{name} must have an even height and width (an upsampled image's), got shape {delta.shape}")
    return delta


class MaxPool2D:
    """2×2 max-pooling, stride 2, "same" padding, as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`."""

    def __repr__(self):
        return "MaxPool2D()"

    def param_shapes(self):
        """No parameters: {}."""
        return {}

    def output_shape(self, input_shape):
        """(C, ⌈H/2⌉, ⌈W/2⌉) for an input of shape (C, H, W) (3 integers ≥ 1, else TypeError/ValueError)."""
        C, H, W = check_shape("input_shape", input_shape, 3)
        return C, pool_output_size(H), pool_output_size(W)

    def forward(self, A, params):
        """(P, cache): :func:`maxpool_forward` of A (n, C, H, W); ``params`` must be {}."""
        check_array_dict("params", params, finite=False, shapes={})
        P, winner = maxpool_forward(check_float_array("A", A, **IMAGES))
        return P, (winner, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}) by :func:`maxpool_backward`; ``cache`` is the (winner, input shape) forward returned."""
        check_array_dict("params", params, finite=False, shapes={})
        winner, input_shape = check_tuple("cache", cache, 2, "(winner, input_shape) that forward returned")
        check_bool("need_input_grad", need_input_grad)
        return maxpool_backward(delta, winner, input_shape), {}


class UpSample2D:
    """2× nearest-neighbour upsampling as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`."""

    def __repr__(self):
        return "UpSample2D()"

    def param_shapes(self):
        """No parameters: {}."""
        return {}

    def output_shape(self, input_shape):
        """(C, 2H, 2W) for an input of shape (C, H, W) (3 integers ≥ 1, else TypeError/ValueError)."""
        C, H, W = check_shape("input_shape", input_shape, 3)
        return C, 2 * H, 2 * W

    def forward(self, A, params):
        """(:func:`upsample_forward` of A (n, C, H, W), None): upsampling keeps no cache; ``params`` must be {}."""
        check_array_dict("params", params, finite=False, shapes={})
        return upsample_forward(check_float_array("A", A, **IMAGES)), None

    def backward(self, delta, cache, params, need_input_grad=True):
        """(:func:`upsample_backward` of δ, {}); ``cache`` must be the None forward returned, ``params`` {}."""
        self._check_backward(delta, cache, params, need_input_grad)
        return upsample_backward(delta), {}

    def _check_backward(self, delta, cache, params, need_input_grad):
        """The arguments of :meth:`backward` (of this class and its subclasses'): ``params`` {}, ``cache`` None,
        ``delta`` a float array (n, C, 2H, 2W), ``need_input_grad`` a bool. Kinds and shapes only."""
        check_array_dict("params", params, finite=False, shapes={})
        if cache is not None:
            raise TypeError(f"cache must be the None that {type(self).__name__}.forward returned, "
                            f"got {type(cache).__name__}")
        _check_upsampled("delta", delta)
        check_bool("need_input_grad", need_input_grad)
