"""2×2 max-pooling ("same" padding) and 2× nearest-neighbour upsampling, with their backward passes.

Layout: (n, channels, height, width), as :mod:`npae.core.conv`. Neither layer has parameters. The derivation
is lesson 24's; in short:

**Max-pooling** (Goodfellow et al. 2016, §9.3), pool 2×2, stride 2::

    P[i, c, y, x] = max_{p, q ∈ {0, 1}} Xp[i, c, 2y + p, 2x + q]

"same" padding (TensorFlow/Keras): the output has ⌈H/2⌉ × ⌈W/2⌉ pixels; an odd size gets one extra row
(column) *after* the input, filled with -∞ so that it never wins (a 7×7 map gives 4×4).

Backward: the maximum is locally the identity on the winning entry and constant in the others, so the delta
of each output pixel is *routed* to the input pixel that won: ∂J/∂X[i, c, 2y+p, 2x+q] = δ[i, c, y, x] if
(p, q) won the window, else 0. **Ties** (two equal maxima, common after a ReLU, where whole windows are 0)
go to the first maximum in the order of :data:`OFFSETS` — top-left, top-right, bottom-left, bottom-right.
Any choice is a valid subgradient; this one is fixed so that the backward pass is a function of the input.
At a tie the maximum is not differentiable, so gradient checks use inputs with no near-ties.

**Nearest-neighbour upsampling** ×2 (Keras ``UpSampling2D``)::

    U[i, c, u, v] = X[i, c, ⌊u/2⌋, ⌊v/2⌋]                       (2H × 2W)

Every input pixel is copied into a 2×2 block, so its gradient is the *sum* of the block's deltas:
∂J/∂X[i, c, y, x] = Σ_{p,q} δ[i, c, 2y+p, 2x+q] — 2×2 sum-pooling, the adjoint of copying
(``tests/test_conv.py`` checks ⟨up(X), Y⟩ = ⟨X, upᵀ(Y)⟩, and the same for max-pooling with the routing
fixed by the forward pass).

**Checks.** The public functions check their arguments (kinds and shapes; NaN propagates) once; the layers,
which the models call on checked arguments, call their ``.unchecked`` mathematics
(:func:`npae.core.conv.checked_by`).
"""

import numpy as np

from npae.checks import check_float_array, check_int, check_shape
from npae.core.conv import IMAGES, checked_by

__all__ = ["OFFSETS", "pool_output_size", "maxpool_forward", "maxpool_backward", "upsample_forward",
           "upsample_backward", "MaxPool2D", "UpSample2D"]

#: The entries (p, q) of a 2×2 window, in the order that breaks ties: top-left, top-right, bottom-left,
#: bottom-right. ``winner`` holds an index into this tuple.
OFFSETS = ((0, 0), (0, 1), (1, 0), (1, 1))


def pool_output_size(size):
    """⌈size / 2⌉: the output length of 2×2, stride-2 max-pooling with "same" padding.

    Raises TypeError/ValueError if ``size`` is not an integer ≥ 1.
    """
    return -(-check_int("size", size, 1) // 2)


def _check_images(X):
    check_float_array("X", X, **IMAGES)


@checked_by(_check_images)
def maxpool_forward(X):
    """2×2 max-pooling with "same" padding (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n, C, H, W), float

    Returns
    -------
    P : ndarray of shape (n, C, ⌈H/2⌉, ⌈W/2⌉)
        The window maxima.
    winner : ndarray of int, shape of P
        Index into :data:`OFFSETS` of each window's winning entry (ties: the first).

    Raises
    ------
    TypeError, ValueError
        If ``X`` is not a float ndarray of 4 non-empty axes (kinds and shape only: NaN propagates).
    """
    H, W = X.shape[2:]
    H_out, W_out = -(-H // 2), -(-W // 2)
    Xp = np.pad(X, ((0, 0), (0, 0), (0, 2 * H_out - H), (0, 2 * W_out - W)), constant_values=-np.inf)
    windows = np.stack([Xp[:, :, p::2, q::2] for p, q in OFFSETS])   # (4, n, C, H_out, W_out): entry k of each window
    P = windows.max(axis=0)
    winner = (windows == P).argmax(axis=0)                           # the first entry equal to the maximum
    return P, winner


def _check_maxpool_backward(delta, winner, input_shape):
    n, C, H, W = input_shape = check_shape("input_shape", input_shape, 4)
    H_out, W_out = pool_output_size(H), pool_output_size(W)
    if check_float_array("delta", delta, **IMAGES).shape != (n, C, H_out, W_out):
        raise ValueError(f"delta must have the pooled shape (n, C, ⌈H/2⌉, ⌈W/2⌉) = {(n, C, H_out, W_out)} of "
                         f"input_shape={input_shape}, got {delta.shape}")
    if not isinstance(winner, np.ndarray) or winner.dtype.kind not in "iu":
        got = f"dtype {winner.dtype}" if isinstance(winner, np.ndarray) else type(winner).__name__
        raise TypeError(f"winner must be the integer array of window indices maxpool_forward returned, got {got}")
    if winner.shape != delta.shape:
        raise ValueError(f"winner must have the pooled shape {delta.shape}, got {winner.shape}")
    if winner.min() < 0 or winner.max() > 3:     # an index: out of range it would route δ to the wrong pixel
        raise ValueError(f"winner must hold window indices 0-3, got values in [{winner.min()}, {winner.max()}]")


@checked_by(_check_maxpool_backward)
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
        ``winner`` not an integer array of that shape with values in 0-3 (its values are checked: they index
        the window, and a negative one would silently route δ to the wrong entry).
    """
    n, C, H, W = input_shape
    H_out, W_out = delta.shape[2:]
    dX = np.zeros((n, C, 2 * H_out, 2 * W_out), dtype=delta.dtype)
    for k, (p, q) in enumerate(OFFSETS):
        dX[:, :, p::2, q::2] = delta * (winner == k)                 # δ where entry k won the window, else 0
    return dX[:, :, :H, :W]


@checked_by(_check_images)
def upsample_forward(X):
    """2× nearest-neighbour upsampling: (n, C, H, W) -> (n, C, 2H, 2W), each pixel copied into a 2×2 block.

    Raises TypeError/ValueError if ``X`` is not a float ndarray of 4 non-empty axes.
    """
    return X.repeat(2, axis=2).repeat(2, axis=3)


def _check_upsampled(delta):
    check_float_array("delta", delta, **IMAGES)
    if delta.shape[2] % 2 or delta.shape[3] % 2:
        raise ValueError(f"delta must have an even height and width (an upsampled image's), got shape {delta.shape}")


@checked_by(_check_upsampled)
def upsample_backward(delta):
    """The adjoint of :func:`upsample_forward`: (n, C, 2H, 2W) -> (n, C, H, W), the sum of each 2×2 block.

    Raises TypeError/ValueError if ``delta`` is not a float ndarray of 4 non-empty axes with an even height
    and width.
    """
    return sum(delta[:, :, p::2, q::2] for p, q in OFFSETS)


class MaxPool2D:
    """2×2 max-pooling, stride 2, "same" padding, as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`.

    :meth:`forward` and :meth:`backward` run behind the model's checks and check nothing (call
    :func:`maxpool_forward` / :func:`maxpool_backward` to have the arguments checked).
    """

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
        """(P, cache): the window maxima of A (n, C, H, W); the cache is (winner, A.shape). Unchecked."""
        P, winner = maxpool_forward.unchecked(A)
        return P, (winner, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): δ routed to the winners kept in the cache. Unchecked."""
        winner, input_shape = cache
        return maxpool_backward.unchecked(delta, winner, input_shape), {}


class UpSample2D:
    """2× nearest-neighbour upsampling as a layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`.

    :meth:`forward` and :meth:`backward` run behind the model's checks and check nothing.
    """

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
        """(U, None): A (n, C, H, W) upsampled to (n, C, 2H, 2W); nothing to cache. Unchecked."""
        return upsample_forward.unchecked(A), None

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): the sums of δ's 2×2 blocks. Unchecked."""
        return upsample_backward.unchecked(delta), {}
