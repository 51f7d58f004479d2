"""2-D convolution (stride 1, "same" or "valid" padding, any channels, bias) and its hand-derived backward pass.

Layout: images are arrays of shape (n, channels, height, width) ("NCHW"); a kernel bank is
``W`` of shape (C_out, C_in, kh, kw) and the bias ``b`` has shape (C_out,).

Forward (what deep-learning libraries call convolution is a cross-correlation; Goodfellow et al. 2016,
§9.1, eq. 9.6). With the input padded by ``pad`` zeros on each side (:func:`padding_amounts`)::

    Z[i, o, y, x] = b[o] + Σ_{c, p, q} Xp[i, c, y + p, x + q] · W[o, c, p, q]                     (1)

for y in [0, H_out), x in [0, W_out). "valid" uses no padding (H_out = H - kh + 1); "same" pads so that
H_out = H (for an odd kernel, (kh - 1)/2 on each side; for an even one the extra zero goes after, as in
TensorFlow/Keras).

**A locally connected layer with shared weights.** Collect every kh×kw patch of every channel into a row:
the *im2col* matrix ``cols`` of shape (n·H_out·W_out, C_in·kh·kw), row (i, y, x) holding
Xp[i, :, y:y+kh, x:x+kw]. Then (1) is one matrix product with the kernel bank flattened to
``Wmat = W.reshape(C_out, C_in·kh·kw)``::

    Z (as rows (i, y, x), columns o) = cols @ Wmatᵀ + b                                        (2)

— exactly the affine layer ``A @ W + b`` of the dense models, where the "samples" are the n·H_out·W_out
patches and every patch shares the same weights. :func:`im2col` builds ``cols`` from the strided view
``numpy.lib.stride_tricks.sliding_window_view`` (no copy until the reshape).

**Backward.** Given δ = ∂J/∂Z of shape (n, C_out, H_out, W_out), written as rows ``D`` of shape
(n·H_out·W_out, C_out) like Z in (2), the affine layer's three formulas (:mod:`npae.core.layers`) give:

- weight gradient: ∂J/∂Wmat = Dᵀ cols, i.e. ∂J/∂W[o, c, p, q] = Σ_{i,y,x} δ[i, o, y, x] Xp[i, c, y+p, x+q]
  — the cross-correlation of the input with δ;
- bias gradient: ∂J/∂b[o] = Σ_{i,y,x} δ[i, o, y, x];
- input gradient: ∂J/∂cols = D Wmat, then every entry of ``cols`` is a copy of one entry of Xp, so its
  gradient is the *sum* of the gradients of its copies (the multivariate chain rule). That is the adjoint
  of im2col, *col2im* (:func:`col2im`): for each of the kh·kw kernel offsets (p, q), add the slice of
  ∂J/∂cols belonging to that offset into ∂J/∂Xp[:, :, p:p+H_out, q:q+W_out]. Cropping the padding gives
  ∂J/∂X. Written out, ∂J/∂X[i, c, u, v] = Σ_{o,p,q} δ[i, o, u + pad - p, v + pad - q] W[o, c, p, q]: the
  *full* convolution of δ with the kernel flipped in both spatial axes — the transposed convolution.

So the layer's backward pass is the affine layer's, on the patch matrix, followed by col2im. The
adjoint identity ⟨conv(X), Y⟩ = ⟨X, convᵀ(Y)⟩ (bias 0) checks the pair (``tests/test_conv.py``).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from npae.checks import (check_array_dict, check_bool, check_choice, check_float_array, check_int, check_shape,
                         check_tuple)

PADDINGS = ("same", "valid")

__all__ = ["PADDINGS", "padding_amounts", "conv_output_size", "im2col", "col2im",
           "conv2d_forward", "conv2d_backward", "Conv2D", "IMAGES", "KERNELS"]


# ---------------------------------------------------------------------------------------- argument checks
# The layers' forward and backward passes run once per layer inside every loss_and_grads, on data and
# parameters the model has already checked (values included, once per call). Like the dense models'
# dense_forward/affine_backward, they check kinds and shapes only — no pass over the values — with the
# shared checks of :mod:`npae.checks`: an image batch is ``check_float_array(name, A, **IMAGES)``.

#: The keyword arguments of :func:`npae.checks.check_float_array` for a batch of images: a float array of
#: 4 non-empty axes (n, channels, height, width).
IMAGES = {"ndim": 4, "nonempty": True, "layout": "(n, channels, height, width)"}

#: The same for a kernel bank W.
KERNELS = {"ndim": 4, "nonempty": True, "layout": "(C_out, C_in, kh, kw)"}


def _check_padding(padding):
    return check_choice("padding", padding, PADDINGS)


def padding_amounts(kernel, padding):
    """Zeros added before and after each spatial axis for a stride-1 convolution.

    Parameters
    ----------
    kernel : int ≥ 1
        Kernel size along the axis.
    padding : {"same", "valid"}

    Returns
    -------
    (before, after) : pair of int
        "valid": (0, 0). "same": kernel - 1 zeros in all, ``(kernel - 1) // 2`` before and the rest after
        (TensorFlow/Keras' rule; symmetric for odd kernels).

    Raises
    ------
    ValueError, TypeError
        For an unknown ``padding``, or a ``kernel`` that is not an integer ≥ 1.
    """
    kernel = check_int("kernel", kernel, 1)
    _check_padding(padding)
    if padding == "valid":
        return 0, 0
    before = (kernel - 1) // 2
    return before, kernel - 1 - before


def conv_output_size(size, kernel, padding):
    """Output length of a stride-1 convolution along one axis: ``size`` ("same") or ``size - kernel + 1`` ("valid").

    Raises
    ------
    ValueError, TypeError
        For an unknown ``padding``, ``size`` or ``kernel`` not an integer ≥ 1, or a "valid" convolution with a
        kernel larger than the input.
    """
    size, kernel = check_int("size", size, 1), check_int("kernel", kernel, 1)
    _check_padding(padding)
    if padding == "same":
        return size
    if kernel > size:
        raise ValueError(f"a 'valid' convolution needs the input at least as large as the kernel: "
                         f"size={size} < kernel={kernel}")
    return size - kernel + 1


def _pad(X, kh, kw, padding):
    """X (n, C, H, W) with the zeros of ``padding`` added: (n, C, H + kh - 1, W + kw - 1) for "same"."""
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    if top == bottom == left == right == 0:
        return X
    return np.pad(X, ((0, 0), (0, 0), (top, bottom), (left, right)))


def im2col(Xp, kh, kw):
    """The patch matrix of an (already padded) input: one row per output pixel, one column per weight.

    Parameters
    ----------
    Xp : ndarray of shape (n, C, Hp, Wp)
    kh, kw : int
        Kernel height and width.

    Returns
    -------
    cols : ndarray of shape (n·H_out·W_out, C·kh·kw), H_out = Hp - kh + 1, W_out = Wp - kw + 1
        Row (i, y, x) (in that order) is Xp[i, :, y:y+kh, x:x+kw] flattened in (c, p, q) order,
        which matches ``W.reshape(C_out, C·kh·kw)``. A new C-contiguous array (the reshape copies
        the strided window view).

    Raises
    ------
    TypeError, ValueError
        If ``Xp`` is not a float array of 4 non-empty axes (:data:`IMAGES`), or ``kh``/``kw`` are not
        integers in [1, Hp] / [1, Wp].
    """
    n, C, Hp, Wp = check_float_array("Xp", Xp, **IMAGES).shape
    kh, kw = check_int("kh", kh, 1, Hp), check_int("kw", kw, 1, Wp)
    windows = sliding_window_view(Xp, (kh, kw), axis=(2, 3))         # (n, C, H_out, W_out, kh, kw), a view
    H_out, W_out = windows.shape[2], windows.shape[3]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * H_out * W_out, C * kh * kw)


def col2im(dcols, padded_shape, kh, kw):
    """The adjoint of :func:`im2col`: sum every column entry back onto the input pixel it was copied from.

    Parameters
    ----------
    dcols : ndarray of shape (n·H_out·W_out, C·kh·kw)
        A gradient with respect to the patch matrix.
    padded_shape : tuple (n, C, Hp, Wp)
        The shape of the padded input the patches were taken from.
    kh, kw : int

    Returns
    -------
    ndarray of shape (n, C, Hp, Wp), dtype of ``dcols``
        Entry [i, c, u, v] = Σ of the entries of ``dcols`` that :func:`im2col` copied from Xp[i, c, u, v].
        Built with kh·kw slice-adds (one per kernel offset), never a loop over samples or pixels.

    Raises
    ------
    TypeError, ValueError
        If ``padded_shape`` is not 4 integers ≥ 1, ``kh``/``kw`` not integers in [1, Hp] / [1, Wp], or
        ``dcols`` not a float array of shape (n·H_out·W_out, C·kh·kw).
    """
    n, C, Hp, Wp = padded_shape = check_shape("padded_shape", padded_shape, 4)
    kh, kw = check_int("kh", kh, 1, Hp), check_int("kw", kw, 1, Wp)
    H_out, W_out = Hp - kh + 1, Wp - kw + 1
    if check_float_array("dcols", dcols).shape != (n * H_out * W_out, C * kh * kw):
        raise ValueError(f"dcols must have shape (n·H_out·W_out, C·kh·kw) = {(n * H_out * W_out, C * kh * kw)} "
                         f"for padded_shape={padded_shape}, kh={kh}, kw={kw}, got {dcols.shape}")
    patches = dcols.reshape(n, H_out, W_out, C, kh, kw)
    dXp = np.zeros(padded_shape, dtype=dcols.dtype)
    for p in range(kh):
        for q in range(kw):
            # offset (p, q) of output pixel (y, x) was input pixel (y + p, x + q)
            dXp[:, :, p:p + H_out, q:q + W_out] += patches[:, :, :, :, p, q].transpose(0, 3, 1, 2)
    return dXp


def conv2d_forward(X, W, b, padding):
    """Convolution (1) of the module docstring, as the matrix product (2) on the patch matrix.

    Parameters
    ----------
    X : ndarray of shape (n, C_in, H, W_in), float
    W : ndarray of shape (C_out, C_in, kh, kw)
    b : ndarray of shape (C_out,)
    padding : {"same", "valid"}

    Returns
    -------
    Z : ndarray of shape (n, C_out, H_out, W_out)
        The pre-activation (a transposed view of the product's result).
    cols : ndarray of shape (n·H_out·W_out, C_in·kh·kw)
        The patch matrix, kept for the weight gradient.

    Raises
    ------
    TypeError
        If ``X``, ``W`` or ``b`` is not a float32/float64 ndarray.
    ValueError
        If the shapes do not fit together (channel counts of ``X`` and ``W``, ``b`` not (C_out,)), an axis is
        empty, ``padding`` is unknown, or a "valid" kernel is larger than ``X``. Kinds and shapes only (module
        section "argument checks").
    """
    n, C, H, W_in = check_float_array("X", X, **IMAGES).shape
    C_out, C_in, kh, kw = check_float_array("W", W, **KERNELS).shape
    if C != C_in:
        raise ValueError(f"X has {C} channels but W expects {C_in} (W: (C_out, C_in, kh, kw) = {W.shape})")
    if check_float_array("b", b).shape != (C_out,):
        raise ValueError(f"b must have shape (C_out,) = ({C_out},), one bias per kernel of W, got {b.shape}")
    _check_padding(padding)
    if padding == "valid" and (kh > H or kw > W_in):
        raise ValueError(f"X ({H}×{W_in} pixels) is smaller than the kernel of W ({kh}×{kw}) for padding='valid'")
    H_out, W_out = conv_output_size(H, kh, padding), conv_output_size(W_in, kw, padding)
    cols = im2col(_pad(X, kh, kw, padding), kh, kw)
    Z_rows = cols @ W.reshape(C_out, -1).T                     # (n·H_out·W_out, C_out): eq. (2)
    Z_rows += b
    return Z_rows.reshape(n, H_out, W_out, C_out).transpose(0, 3, 1, 2), cols


def conv2d_backward(delta, cols, input_shape, W, padding, need_dX=True):
    """Gradients of the convolution from its delta δ = ∂J/∂Z (module docstring, "Backward").

    Parameters
    ----------
    delta : ndarray of shape (n, C_out, H_out, W_out)
        ∂J/∂Z, any 1/m of a mean already included.
    cols : ndarray of shape (n·H_out·W_out, C_in·kh·kw)
        The patch matrix returned by :func:`conv2d_forward`.
    input_shape : tuple (n, C_in, H, W_in)
        Shape of the layer's (unpadded) input X.
    W : ndarray of shape (C_out, C_in, kh, kw)
    padding : {"same", "valid"}
    need_dX : bool
        Skip ∂J/∂X (the first layer does not need the gradient with respect to the data).

    Returns
    -------
    dX : ndarray of shape input_shape, or None     the transposed convolution of δ (col2im of δ Wmat)
    dW : ndarray of shape (C_out, C_in, kh, kw)    Dᵀ cols: the input cross-correlated with δ
    db : ndarray of shape (C_out,)                 δ summed over samples and pixels

    Raises
    ------
    TypeError, ValueError
        If an array is not a float ndarray or the shapes do not fit together (``delta`` and ``cols`` must be
        those of a forward pass of ``W`` on an input of ``input_shape`` with ``padding``), or ``need_dX`` is
        not a bool. Kinds and shapes only.
    """
    C_out, C_in, kh, kw = check_float_array("W", W, **KERNELS).shape
    n, C, H, W_in = input_shape = check_shape("input_shape", input_shape, 4)
    if C != C_in:
        raise ValueError(f"input_shape {input_shape} has {C} channels but W expects {C_in}")
    _check_padding(padding)
    if padding == "valid" and (kh > H or kw > W_in):
        raise ValueError(f"input_shape {input_shape} is smaller than the kernel of W ({kh}×{kw}) for padding='valid'")
    H_out, W_out = conv_output_size(H, kh, padding), conv_output_size(W_in, kw, padding)
    if check_float_array("delta", delta, **IMAGES).shape != (n, C_out, H_out, W_out):
        raise ValueError(f"delta must have the shape (n, C_out, H_out, W_out) = {(n, C_out, H_out, W_out)} of the "
                         f"forward pass's output for input_shape={input_shape}, W of shape {W.shape} and "
                         f"padding={padding!r}, got {delta.shape}")
    if check_float_array("cols", cols).shape != (n * H_out * W_out, C_in * kh * kw):
        raise ValueError(f"cols must be the patch matrix of the forward pass, of shape (n·H_out·W_out, C_in·kh·kw) = "
                         f"{(n * H_out * W_out, C_in * kh * kw)}, got {cols.shape}")
    check_bool("need_dX", need_dX)
    D = delta.transpose(0, 2, 3, 1).reshape(-1, C_out)          # rows (i, y, x), as Z in eq. (2)
    dW = (D.T @ cols).reshape(W.shape)
    db = D.sum(axis=0)
    if not need_dX:
        return None, dW, db
    (top, bottom), (left, right) = padding_amounts(kh, padding), padding_amounts(kw, padding)
    dXp = col2im(D @ W.reshape(C_out, -1), (n, C_in, H + top + bottom, W_in + left + right), kh, kw)
    return dXp[:, :, top:top + H, left:left + W_in], dW, db


class Conv2D:
    """A convolution layer for :class:`~npae.models.conv_autoencoder.ConvAutoencoder`: parameters ``W`` and ``b``.

    Parameters
    ----------
    in_channels, out_channels : int ≥ 1
    kernel_size : int ≥ 1
        Square kernels kh = kw = ``kernel_size``.
    padding : {"same", "valid"}

    Raises
    ------
    TypeError
        For a size that is not an integer (bools and floats included).
    ValueError
        For a size below 1 or an unknown padding.
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, padding="same"):
        in_channels = check_int("in_channels", in_channels, 1)
        out_channels = check_int("out_channels", out_channels, 1)
        kernel_size = check_int("kernel_size", kernel_size, 1)
        self.padding = _check_padding(padding)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size

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

    def _check_params(self, params):
        """``params`` after checking its keys, kinds and shapes (:func:`npae.checks.check_array_dict`; no pass over the
        values: the model's, checked once per call by :func:`npae.core.flat.check_params`)."""
        return check_array_dict("params", params, finite=False, shapes=self.param_shapes())

    def forward(self, A, params):
        """Z = conv(A) + b: (n, C_out, H_out, W_out), and the cache for :meth:`backward`.

        ``A``: (n, C_in, H, W) float; ``params``: {"W": (C_out, C_in, k, k), "b": (C_out,)}. Raises
        TypeError/ValueError for other kinds or shapes (:func:`conv2d_forward`).
        """
        params = self._check_params(params)
        if check_float_array("A", A, **IMAGES).shape[1] != self.in_channels:
            raise ValueError(f"A must have {self.in_channels} channels (axis 1 of (n, C, H, W)) for {self!r}, "
                             f"got shape {A.shape}")
        Z, cols = conv2d_forward(A, params["W"], params["b"], self.padding)
        return Z, (cols, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A or None, {"W": ∂J/∂W, "b": ∂J/∂b}) from δ = ∂J/∂Z (:func:`conv2d_backward`).

        ``cache`` is the pair (cols, input shape) :meth:`forward` returned. Raises TypeError/ValueError for
        other kinds or shapes.
        """
        params = self._check_params(params)
        cols, input_shape = check_tuple("cache", cache, 2, "(cols, input_shape) that forward returned")
        check_bool("need_input_grad", need_input_grad)
        dA, dW, db = conv2d_backward(delta, cols, input_shape, params["W"], self.padding, need_input_grad)
        return dA, {"W": dW, "b": db}

