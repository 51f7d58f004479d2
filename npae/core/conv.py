"""2-D convolution (stride 1, "same" or "valid" padding, any channels, bias) and its hand-derived backward pass.

Layout: images are arrays of shape (n, channels, height, width) ("NCHW"); a kernel bank is ``W`` of shape
(C_out, C_in, kh, kw) and the bias ``b`` has shape (C_out,). The derivation is lesson 24's; in short:

**Forward** (what deep-learning libraries call convolution is a cross-correlation; Goodfellow et al. 2016,
§9.1, eq. 9.6). With the input padded by zeros (:func:`padding_amounts`), Xp::

    Z[i, o, y, x] = b[o] + Σ_{c, p, q} W[o, c, p, q] · Xp[i, c, y + p, x + q]                     (1)

**As a matrix product (im2col).** The *patch matrix* ``cols`` has one column per output pixel (i, y, x) of
every image, holding the patch Xp[i, :, y:y+kh, x:x+kw] flattened in (c, p, q) order: shape
(C_in·kh·kw, n·H_out·W_out). With the kernel bank flattened the same way, ``Wmat = W.reshape(C_out, C_in·kh·kw)``::

    Z = Wmat cols + b                               (C_out, n·H_out·W_out)                       (2)

— UFLDL's dense layer z = W a + b, with the patches as the columns a (samples are columns, as in UFLDL's
notes): every patch shares the same weights. Z's columns are (i, y, x): swapping its first two axes gives
the (n, C_out, H_out, W_out) layout.

**Backward.** From δ = ∂J/∂Z, written as (C_out, n·H_out·W_out) like Z in (2), the dense layer's three
formulas give::

    ∂J/∂Wmat = δ colsᵀ           ∂J/∂b[o] = Σ_{i,y,x} δ[o, (i, y, x)]           ∂J/∂cols = Wmatᵀ δ          (3)

Every entry of ``cols`` is a copy of one pixel of Xp, so a pixel's gradient is the *sum* of its copies'
gradients: col2im of Wmatᵀ δ (:func:`col2im`, the adjoint of im2col), with the padding cropped. Written
out, that sum is

    ∂J/∂X[i, c, u, v] = Σ_{o, p, q} δ[i, o, u + top - p, v + left - q] · W[o, c, p, q]              (4)

(δ taken as 0 outside its H_out × W_out grid): for each pair (o, c), the *full convolution* of δ[i, o] with
W[o, c] — convolution in the mathematical sense, which flips the kernel (``scipy.signal.convolve2d``) —
cropped to the input's size. In deep-learning terms, where "convolution" means cross-correlation, (4) is the
cross-correlation (1) of δ zero-padded by kh - 1 - top above (kh - 1 - bottom below, the same for the width)
with the kernel flipped in both spatial axes and its channel axes swapped, ``W[:, :, ::-1, ::-1].transpose(1, 0,
2, 3)``: the transposed convolution. :func:`conv2d_backward` computes ∂J/∂X that way, with the forward pass's
own im2col product; col2im, the other derivation, gives the same numbers (lesson 24 and ``tests/test_conv.py``
compare them), and costs more when C_in > C_out (the patch gradient Wmatᵀ δ has C_in·kh·kw rows, the padded
δ's patch matrix C_out·kh·kw).

**Checks.** The public functions check their arguments, kinds and shapes, once (NaN/inf propagate); the
layer :class:`Conv2D`, which the models call on arguments they have checked, calls their ``.unchecked``
mathematics directly (:func:`checked_by`).
"""

import functools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from npae.checks import check_bool, check_choice, check_float_array, check_int, check_shape

PADDINGS = ("same", "valid")

__all__ = ["PADDINGS", "padding_amounts", "conv_output_size", "im2col", "col2im",
           "conv2d_forward", "conv2d_backward", "Conv2D", "IMAGES", "KERNELS"]

#: The keyword arguments of :func:`npae.checks.check_float_array` for a batch of images: a float array of
#: 4 non-empty axes (n, channels, height, width).
IMAGES = {"ndim": 4, "nonempty": True, "layout": "(n, channels, height, width)"}

#: The same for a kernel bank W.
KERNELS = {"ndim": 4, "nonempty": True, "layout": "(C_out, C_in, kh, kw)"}


def checked_by(check):
    """Decorate a mathematical function with the check of its arguments.

    Calling the result runs ``check(*args, **kwargs)`` (which raises TypeError/ValueError on bad input), then
    the function; ``result.unchecked`` is the function alone, for callers behind a boundary that has checked
    the arguments already (a model's layers).
    """
    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            check(*args, **kwargs)
            return function(*args, **kwargs)
        checked.unchecked = function
        return checked
    return decorate


def padding_amounts(kernel, padding):
    """Zeros added (before, after) each spatial axis: "valid" (0, 0); "same" kernel - 1 in all, ``(kernel - 1) // 2``
    before and the rest after (TensorFlow/Keras' rule; symmetric for odd kernels).

    Raises ValueError/TypeError for an unknown ``padding`` or a ``kernel`` that is not an integer ≥ 1.
    """
    kernel = check_int("kernel", kernel, 1)
    check_choice("padding", padding, PADDINGS)
    if padding == "valid":
        return 0, 0
    before = (kernel - 1) // 2
    return before, kernel - 1 - before


def conv_output_size(size, kernel, padding):
    """Output length of a stride-1 convolution along one axis: ``size`` ("same") or ``size - kernel + 1`` ("valid").

    Raises ValueError/TypeError for an unknown ``padding``, ``size`` or ``kernel`` not an integer ≥ 1, or a
    "valid" convolution with a kernel larger than the input.
    """
    size, kernel = check_int("size", size, 1), check_int("kernel", kernel, 1)
    check_choice("padding", padding, PADDINGS)
    if padding == "same":
        return size
    if kernel > size:
        raise ValueError(f"a 'valid' convolution needs the input at least as large as the kernel: "
                         f"size={size} < kernel={kernel}")
    return size - kernel + 1


def _check_im2col(Xp, kh, kw):
    _, _, Hp, Wp = check_float_array("Xp", Xp, **IMAGES).shape
    check_int("kh", kh, 1, Hp)
    check_int("kw", kw, 1, Wp)


@checked_by(_check_im2col)
def im2col(Xp, kh, kw):
    """The patch matrix of an (already padded) batch: one column per output pixel of every image, one row per weight.

    Parameters
    ----------
    Xp : ndarray of shape (n, C, Hp, Wp)
    kh, kw : int
        Kernel height and width, in [1, Hp] and [1, Wp].

    Returns
    -------
    cols : ndarray of shape (C·kh·kw, n·H_out·W_out), H_out = Hp - kh + 1, W_out = Wp - kw + 1
        Column (i, y, x) (in that order) is Xp[i, :, y:y+kh, x:x+kw] flattened in (c, p, q) order, which matches
        ``W.reshape(C_out, C·kh·kw)``. A new array (the reshape copies the strided window view).

    Raises
    ------
    TypeError, ValueError
        If ``Xp`` is not a float array of 4 non-empty axes (:data:`IMAGES`), or ``kh``/``kw`` are out of range.
    """
    n, C = Xp.shape[:2]
    windows = sliding_window_view(Xp, (kh, kw), axis=(2, 3))      # (n, C, H_out, W_out, kh, kw), a view
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, n * H_out * W_out)


def _check_col2im(dcols, padded_shape, kh, kw):
    n, C, Hp, Wp = check_shape("padded_shape", padded_shape, 4)
    kh, kw = check_int("kh", kh, 1, Hp), check_int("kw", kw, 1, Wp)
    expected = (C * kh * kw, n * (Hp - kh + 1) * (Wp - kw + 1))
    if check_float_array("dcols", dcols).shape != expected:
        raise ValueError(f"dcols must have shape (C·kh·kw, n·H_out·W_out) = {expected} for "
                         f"padded_shape={tuple(padded_shape)}, kh={kh}, kw={kw}, got {dcols.shape}")


@checked_by(_check_col2im)
def col2im(dcols, padded_shape, kh, kw):
    """The adjoint of :func:`im2col`: sum every entry of the patch matrix back onto the pixel it was copied from.

    Parameters
    ----------
    dcols : ndarray of shape (C·kh·kw, n·H_out·W_out)
        A gradient with respect to ``cols``.
    padded_shape : tuple (n, C, Hp, Wp)
        The shape of the padded input the patches were taken from.
    kh, kw : int

    Returns
    -------
    ndarray of shape (n, C, Hp, Wp), dtype of ``dcols``
        Entry [i, c, u, v] = the sum of the entries of ``dcols`` that :func:`im2col` copied from Xp[i, c, u, v]:
        for each kernel offset (p, q), the slice of ``dcols`` holding that offset is added onto
        [:, :, p:p+H_out, q:q+W_out] (kh·kw slice-adds, no loop over samples or pixels).

    Raises
    ------
    TypeError, ValueError
        If ``padded_shape`` is not 4 integers ≥ 1, ``kh``/``kw`` out of range, or ``dcols`` not a float array
        of the shape above.
    """
    n, C, Hp, Wp = padded_shape
    H_out, W_out = Hp - kh + 1, Wp - kw + 1
    patches = dcols.reshape(C, kh, kw, n, H_out, W_out)
    dXp = np.zeros(padded_shape, dtype=dcols.dtype)
    for p in range(kh):
        for q in range(kw):        # offset (p, q) of output pixel (y, x) was input pixel (y + p, x + q)
            dXp[:, :, p:p + H_out, q:q + W_out] += patches[:, p, q].transpose(1, 0, 2, 3)
    return dXp


def _correlate(Xp, W):
    """Eq. (1) without the bias on an already padded Xp, by the product (2): (Z, cols), Z of shape (n, C_out, H_out, W_out)."""
    n, _, Hp, Wp = Xp.shape
    C_out, _, kh, kw = W.shape
    cols = im2col.unchecked(Xp, kh, kw)                               # (C_in·kh·kw, n·H_out·W_out)
    Z = W.reshape(C_out, -1) @ cols                                   # eq. (2): (C_out, n·H_out·W_out)
    return Z.reshape(C_out, n, Hp - kh + 1, Wp - kw + 1).transpose(1, 0, 2, 3), cols


def _check_forward(X, W, b, padding):
    _, C, H, W_in = check_float_array("X", X, **IMAGES).shape
    C_out, C_in, kh, kw = check_float_array("W", W, **KERNELS).shape
    if C != C_in:
        raise ValueError(f"X has {C} channels but W expects {C_in} (W: (C_out, C_in, kh, kw) = {W.shape})")
    if check_float_array("b", b).shape != (C_out,):
        raise ValueError(f"b must have shape (C_out,) = ({C_out},), one bias per kernel of W, got {b.shape}")
    check_choice("padding", padding, PADDINGS)
    if padding == "valid" and (kh > H or kw > W_in):
        raise ValueError(f"X ({H}×{W_in} pixels) is smaller than the kernel of W ({kh}×{kw}) for padding='valid'")


@checked_by(_check_forward)
def conv2d_forward(X, W, b, padding):
    """The convolution (1) as the matrix product (2) on the patch matrix (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n, C_in, H, W_in), float
    W : ndarray of shape (C_out, C_in, kh, kw)
    b : ndarray of shape (C_out,)
    padding : {"same", "valid"}

    Returns
    -------
    Z : ndarray of shape (n, C_out, H_out, W_out)
        The pre-activation.
    cols : ndarray of shape (C_in·kh·kw, n·H_out·W_out)
        The patch matrix (:func:`im2col`), kept for the weight gradient.

    Raises
    ------
    TypeError, ValueError
        If ``X``, ``W`` or ``b`` is not a float ndarray, the shapes do not fit together (channels of ``X`` and
        ``W``, ``b`` not (C_out,)), an axis is empty, ``padding`` is unknown, or a "valid" kernel is larger than
        ``X``. Kinds and shapes only (NaN propagates).
    """
    kh, kw = W.shape[2:]
    Xp = np.pad(X, ((0, 0), (0, 0), padding_amounts(kh, padding), padding_amounts(kw, padding)))
    Z, cols = _correlate(Xp, W)                                       # eq. (1) as the product (2)
    Z += b[:, None, None]
    return Z, cols


def _check_backward(delta, cols, input_shape, W, padding, need_dX=True):
    C_out, C_in, kh, kw = check_float_array("W", W, **KERNELS).shape
    n, C, H, W_in = input_shape = check_shape("input_shape", input_shape, 4)
    if C != C_in:
        raise ValueError(f"input_shape {input_shape} has {C} channels but W expects {C_in}")
    check_choice("padding", padding, PADDINGS)
    if padding == "valid" and (kh > H or kw > W_in):
        raise ValueError(f"input_shape {input_shape} is smaller than the kernel of W ({kh}×{kw}) for padding='valid'")
    H_out, W_out = conv_output_size(H, kh, padding), conv_output_size(W_in, kw, padding)
    if check_float_array("delta", delta, **IMAGES).shape != (n, C_out, H_out, W_out):
        raise ValueError(f"delta must have the shape (n, C_out, H_out, W_out) = {(n, C_out, H_out, W_out)} of the "
                         f"forward pass's output for input_shape={input_shape}, W of shape {W.shape} and "
                         f"padding={padding!r}, got {delta.shape}")
    if check_float_array("cols", cols).shape != (C_in * kh * kw, n * H_out * W_out):
        raise ValueError(f"cols must be the patch matrix of the forward pass, of shape (C_in·kh·kw, "
                         f"n·H_out·W_out) = {(C_in * kh * kw, n * H_out * W_out)}, got {cols.shape}")
    check_bool("need_dX", need_dX)


@checked_by(_check_backward)
def conv2d_backward(delta, cols, input_shape, W, padding, need_dX=True):
    """Gradients of the convolution from its delta δ = ∂J/∂Z: eqs. (3) and (4) (module docstring).

    Parameters
    ----------
    delta : ndarray of shape (n, C_out, H_out, W_out)
        ∂J/∂Z, any 1/m of a mean already included.
    cols : ndarray of shape (C_in·kh·kw, n·H_out·W_out)
        The patch matrix returned by :func:`conv2d_forward`.
    input_shape : tuple (n, C_in, H, W_in)
        Shape of the layer's (unpadded) input X.
    W : ndarray of shape (C_out, C_in, kh, kw)
    padding : {"same", "valid"}
    need_dX : bool
        False skips ∂J/∂X (the first layer does not need the gradient with respect to the data).

    Returns
    -------
    dX : ndarray of shape input_shape, or None     eq. (4), as the padded δ cross-correlated with the flipped kernel
    dW : ndarray of shape (C_out, C_in, kh, kw)    δ colsᵀ: the input cross-correlated with δ
    db : ndarray of shape (C_out,)                 δ summed over images and pixels

    Raises
    ------
    TypeError, ValueError
        If an array is not a float ndarray, the shapes do not fit together (``delta`` and ``cols`` must be those
        of a forward pass of ``W`` on an input of ``input_shape`` with ``padding``), or ``need_dX`` is not a bool.
    """
    C_out, _, kh, kw = W.shape
    D = delta.transpose(1, 0, 2, 3).reshape(C_out, -1)                # δ as (C_out, n·H_out·W_out), like Z in (2)
    dW = (D @ cols.T).reshape(W.shape)                                # δ colsᵀ                         eq. (3)
    db = D.sum(axis=1)                                                # Σ over images and pixels        eq. (3)
    if not need_dX:
        return None, dW, db
    # eq. (4): δ padded to the full convolution's size (k - 1 - pad zeros), cross-correlated with the kernel
    # flipped in both spatial axes and its channel axes swapped, (C_in, C_out, kh, kw): (n, C_in, H, W_in)
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    delta_full = np.pad(delta, ((0, 0), (0, 0), (kh - 1 - top, kh - 1 - bottom), (kw - 1 - left, kw - 1 - right)))
    dX, _ = _correlate(delta_full, W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
    return dX, dW, db


class Conv2D:
    """A convolution layer of :class:`~npae.models.conv_autoencoder.ConvAutoencoder`: parameters ``W`` and ``b``.

    Its :meth:`forward` and :meth:`backward` are the model's building blocks: they run behind the model's
    checks and check nothing themselves (call :func:`conv2d_forward` / :func:`conv2d_backward` to have the
    arguments checked).

    Parameters
    ----------
    in_channels, out_channels : int ≥ 1
        Channels of the layer's input and output.
    kernel_size : int ≥ 1
        Square kernels kh = kw = ``kernel_size``.
    padding : {"same", "valid"}
        "same" pads with zeros so that the output keeps the input's height and width; "valid" does not pad.

    Raises
    ------
    TypeError
        For a size that is not an integer (bools and floats included).
    ValueError
        For a size below 1 or an unknown padding.
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, padding="same"):
        self.in_channels = check_int("in_channels", in_channels, 1)
        self.out_channels = check_int("out_channels", out_channels, 1)
        self.kernel_size = check_int("kernel_size", kernel_size, 1)
        self.padding = check_choice("padding", padding, PADDINGS)

    def __repr__(self):
        return (f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"padding={self.padding!r})")

    def param_shapes(self):
        """{"W": (C_out, C_in, k, k), "b": (C_out,)}."""
        k = self.kernel_size
        return {"W": (self.out_channels, self.in_channels, k, k), "b": (self.out_channels,)}

    def fans(self):
        """(fan_in, fan_out) = (C_in·k², C_out·k²), as Keras' Glorot initialiser counts them."""
        k2 = self.kernel_size ** 2
        return self.in_channels * k2, self.out_channels * k2

    def output_shape(self, input_shape):
        """(C_out, H_out, W_out) for an input of shape (C_in, H, W).

        Raises TypeError/ValueError if ``input_shape`` is not 3 integers ≥ 1, on a channel mismatch, or for a
        "valid" kernel larger than the input.
        """
        C, H, W = check_shape("input_shape", input_shape, 3)
        if C != self.in_channels:
            raise ValueError(f"input_shape {(C, H, W)}: {self!r} receives {C} channels, expected {self.in_channels}")
        k = self.kernel_size
        if self.padding == "valid" and k > min(H, W):
            raise ValueError(f"input_shape {(C, H, W)} is smaller than the kernel of {self!r}")
        return self.out_channels, conv_output_size(H, k, self.padding), conv_output_size(W, k, self.padding)

    def forward(self, A, params):
        """(Z, cache): Z = conv(A) + b of shape (n, C_out, H_out, W_out) for A (n, C_in, H, W) and
        ``params`` {"W", "b"}; the cache (cols, A.shape) is what :meth:`backward` needs. Unchecked."""
        Z, cols = conv2d_forward.unchecked(A, params["W"], params["b"], self.padding)
        return Z, (cols, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A or None, {"W": ∂J/∂W, "b": ∂J/∂b}) from δ = ∂J/∂Z and the cache of :meth:`forward`. Unchecked."""
        cols, input_shape = cache
        dA, dW, db = conv2d_backward.unchecked(delta, cols, input_shape, params["W"], self.padding, need_input_grad)
        return dA, {"W": dW, "b": db}
