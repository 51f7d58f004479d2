"""A faster convolutional autoencoder: the same functions as :mod:`npae.core.conv` and :mod:`npae.core.pooling`,
computed in a layout that makes every copy contiguous. Results equal the plain layers' to rounding
(``tests/test_conv.py``); a student can skip this module.

Why the plain path is slow. Its im2col (``sliding_window_view`` + reshape) gathers kh·kw·C values
per output pixel with a 6-axis transposed copy, and col2im scatters them back the same way: at MNIST size
these copies, not the matrix products, take almost all the time (``benchmarks/bench_conv.py``).

The layout here: channels first, then samples, **(C, n, H, W)**, and each channel's images padded and
laid end to end in one long row of length N = n·Hp·Wp (plus a tail of zeros). A kernel offset (p, q)
is then a shift by s = p·Wp + q along that row, so for every output position t of the *padded* grid,

    Z[o, t] = b[o] + Σ_{p,q} Σ_c W[o, c, p, q] · Xp[c, t + p·Wp + q]                           (1)

— the convolution (eq. 1 of :mod:`npae.core.conv`) at the positions t = (i, y, x) with y < H_out and
x < W_out; the other positions mix neighbouring rows or images and are dropped (they cost
Hp·Wp / (H_out·W_out) extra work, 15 % at 28×28). Each shifted row block ``Xp[:, s:s+N]`` is a
contiguous slice, so:

- forward: the patch matrix is kh·kw contiguous block copies, ``cols[(p,q,c), t] = Xp[c, t + s]``,
  and Z = Wmat cols is one matrix product (Wmat: W with its axes ordered (o, p, q, c));
- backward: with δ placed on the padded grid (zeros at the dropped positions), ∂J/∂Wmat = δ colsᵀ,
  ∂J/∂b = Σ_t δ, and ∂J/∂cols = Wmatᵀ δ, whose kh·kw row blocks are added back at their shifts
  (col2im as contiguous slice-adds). Same derivation as :mod:`npae.core.conv`, fewer strided copies.

Pooling, upsampling and the nonlinearities act on the last two axes only, so they do not care whether
the first two are (n, C) or (C, n); here they use four strided slices instead of a reshaped window array.
Ties in max-pooling go to the same winner as in :mod:`npae.core.pooling` (first of (0,0), (0,1), (1,0),
(1,1)).

Use :func:`fast_model` to get a model with the same parameters that trains faster; its ``params`` dict
is the very same object, so training one trains the other.
"""

import numpy as np

from npae.checks import (check_array_dict, check_bool, check_float_array, check_input_and_target, check_instance,
                         check_shape, check_tuple)
from npae.core.conv import Conv2D, padding_amounts
from npae.core.pooling import MaxPool2D, UpSample2D, pool_output_size
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity
from npae.perf import parallel

__all__ = ["FastConv2D", "FastMaxPool2D", "FastUpSample2D", "FastReLU", "FastConvAutoencoder", "fast_model"]

_OFFSETS = ((0, 0), (0, 1), (1, 0), (1, 1))        # pooling window entries, in tie-breaking order

#: The layout of every array here, for the messages of the argument checks (kinds and shapes only, as the
#: plain layers': :mod:`npae.core.conv`, section "argument checks").
LAYOUT = "(channels, n, height, width)"

#: The keyword arguments of :func:`npae.checks.check_float_array` for an array of that layout (4 non-empty axes).
IMAGES_CN = {"ndim": 4, "nonempty": True, "layout": LAYOUT}


#: Fewest rows worth a thread of their own (a minibatch of 256 is split in two on 2 cores).
MIN_ROWS = 32

#: Target size in bytes of one block of the patch matrix: small enough to stay in a core's L2 cache.
BLOCK_BYTES = 1 << 20


class FastConv2D(Conv2D):
    """:class:`~npae.core.conv.Conv2D` on (C, n, H, W) arrays, by shifted contiguous slices (module docstring).

    The patch matrix is never stored whole: it is built a block of samples at a time (about
    :data:`BLOCK_BYTES`), used while it is in the cache, and rebuilt in the backward pass from the padded
    input, which is 1/(kh·kw) of its size. The input gradient is computed as a *gather*, the full
    convolution of δ with the flipped kernel (dXp[c, u] = Σ_{o,p,q} W[o, c, p, q] δ[o, u - p·Wp - q]),
    so that every block writes only its own part of the result.
    """

    def _geometry(self, shape):
        C, n, H, W = shape
        k = self.kernel_size
        (top, bottom), (left, right) = padding_amounts(k, self.padding), padding_amounts(k, self.padding)
        Hp, Wp = H + top + bottom, W + left + right
        shifts = [p * Wp + q for p in range(k) for q in range(k)]
        return top, left, Hp, Wp, Hp - k + 1, Wp - k + 1, n * Hp * Wp, shifts

    def _blocks(self, n, C, Hp, Wp, itemsize):
        """Position ranges of whole samples, each about BLOCK_BYTES of patch matrix."""
        per_sample = self.kernel_size ** 2 * max(C, self.out_channels) * Hp * Wp * itemsize
        step = max(1, BLOCK_BYTES // per_sample)
        return [(i * Hp * Wp, min(i + step, n) * Hp * Wp) for i in range(0, n, step)]

    @staticmethod
    def _patches(source, start, stop, shifts, channels, out):
        """out[(k, c), :] = source[c, start + shifts[k] : stop + shifts[k]]: one block of a patch matrix."""
        length = stop - start
        cols = out[:len(shifts) * channels, :length]
        for k, s in enumerate(shifts):
            cols[k * channels:(k + 1) * channels] = source[:, start + s:stop + s]
        return cols

    def forward(self, A, params):
        """Z = conv(A) + b for A of shape (C_in, n, H, W): (C_out, n, H_out, W_out), and the cache (Xp, shape)."""
        params = self._check_params(params)
        if check_float_array("A", A, **IMAGES_CN).shape[0] != self.in_channels:
            raise ValueError(f"A must have {self.in_channels} channels (axis 0 of {LAYOUT}) for {self!r}, "
                             f"got shape {A.shape}")
        W, b = params["W"], params["b"]
        C, n, H, Wd = A.shape
        if self.padding == "valid" and self.kernel_size > min(H, Wd):
            raise ValueError(f"A ({H}×{Wd} pixels) is smaller than the kernel of {self!r}")
        top, left, Hp, Wp, H_out, W_out, N, shifts = self._geometry(A.shape)
        Xp = np.zeros((C, N + shifts[-1]), dtype=A.dtype)       # the tail keeps every shifted slice in range
        Xp[:, :N].reshape(C, n, Hp, Wp)[:, :, top:top + H, left:left + Wd] = A
        Wmat = np.ascontiguousarray(W.transpose(0, 2, 3, 1).reshape(W.shape[0], -1))      # (o, (p, q, c))
        Z = np.empty((W.shape[0], N), dtype=A.dtype)
        blocks = self._blocks(n, C, Hp, Wp, A.itemsize)
        buffer = np.empty((len(shifts) * C, blocks[0][1]), dtype=A.dtype)
        for start, stop in blocks:
            np.matmul(Wmat, self._patches(Xp, start, stop, shifts, C, buffer), out=Z[:, start:stop])
        Z += b[:, None]
        return Z.reshape(-1, n, Hp, Wp)[:, :, :H_out, :W_out], (Xp, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A or None, {"W": ∂J/∂W, "b": ∂J/∂b}) from δ of shape (C_out, n, H_out, W_out); ``cache`` is the
        pair (Xp, input shape) :meth:`forward` returned."""
        W = self._check_params(params)["W"]
        Xp, shape = check_tuple("cache", cache, 2, "(Xp, input_shape) that forward returned")
        C, n, H, Wd = shape = check_shape("cache[1] (input_shape)", shape, 4)
        if C != self.in_channels or (self.padding == "valid" and self.kernel_size > min(H, Wd)):
            raise ValueError(f"cache[1] (input_shape) {shape} is not the shape of an input of {self!r} {LAYOUT}")
        top, left, Hp, Wp, H_out, W_out, N, shifts = self._geometry(shape)
        C_out, last = W.shape[0], shifts[-1]
        if check_float_array("cache[0] (Xp)", Xp).shape != (C, N + last):
            raise ValueError(f"cache[0] (Xp) must be the padded input forward kept, of shape {(C, N + last)}, "
                             f"got {Xp.shape}")
        if check_float_array("delta", delta, **IMAGES_CN).shape != (C_out, n, H_out, W_out):
            raise ValueError(f"delta must have the shape of the forward pass's output {(C_out, n, H_out, W_out)} "
                             f"{LAYOUT}, got {delta.shape}")
        check_bool("need_input_grad", need_input_grad)
        D = np.zeros((C_out, last + N), dtype=delta.dtype)        # δ on the padded grid, after `last` zeros
        D[:, last:].reshape(C_out, n, Hp, Wp)[:, :, :H_out, :W_out] = delta
        db = D.sum(axis=1)
        dWmat = np.zeros((C_out, len(shifts) * C), dtype=delta.dtype)
        blocks = self._blocks(n, C, Hp, Wp, delta.itemsize)
        buffer = np.empty((len(shifts) * max(C, C_out), blocks[0][1]), dtype=delta.dtype)
        if need_input_grad:
            dXp = np.empty((C, N), dtype=delta.dtype)
            # W flipped: Wflip[c, (k, o)] = W[o, c, p, q] for the k-th shift, against δ shifted by -shifts[k]
            Wflip = np.ascontiguousarray(W.transpose(1, 2, 3, 0).reshape(C, -1))
            back = [last - s for s in shifts]
        for start, stop in blocks:
            dWmat += D[:, last + start:last + stop] @ self._patches(Xp, start, stop, shifts, C, buffer).T
            if need_input_grad:
                np.matmul(Wflip, self._patches(D, start, stop, back, C_out, buffer), out=dXp[:, start:stop])
        dW = np.ascontiguousarray(dWmat.reshape(C_out, self.kernel_size, self.kernel_size, C).transpose(0, 3, 1, 2))
        if not need_input_grad:
            return None, {"W": dW, "b": db}
        return dXp.reshape(C, n, Hp, Wp)[:, :, top:top + H, left:left + Wd], {"W": dW, "b": db}


class FastMaxPool2D(MaxPool2D):
    """:class:`~npae.core.pooling.MaxPool2D` by four strided slices; works on any (·, ·, H, W) layout."""

    def forward(self, A, params):
        """(P, cache): the window maxima of A (·, ·, H, W) and the cache (winner, shape) for :meth:`backward`."""
        check_array_dict("params", params, finite=False, shapes={})
        a, b, c, d, shape = _quarters(check_float_array("A", A, **IMAGES_CN))
        P = np.maximum(a, b)
        np.maximum(P, np.maximum(c, d), out=P)
        # the winner, first in (0,0), (0,1), (1,0), (1,1) order on ties
        winner = np.where(a == P, 0, np.where(b == P, 1, np.where(c == P, 2, 3))).astype(np.int8)
        return P, (winner, shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): δ routed to the winners. ``cache``: the (winner, shape) :meth:`forward` returned; its
        kinds and shapes are checked, not the winner's values (they come from forward)."""
        check_array_dict("params", params, finite=False, shapes={})
        winner, shape = check_tuple("cache", cache, 2, "(winner, input_shape) that forward returned")
        n0, n1, H, W = check_shape("cache[1] (input_shape)", shape, 4)
        H_out, W_out = pool_output_size(H), pool_output_size(W)
        if check_float_array("delta", delta, **IMAGES_CN).shape != (n0, n1, H_out, W_out):
            raise ValueError(f"delta must have the pooled shape {(n0, n1, H_out, W_out)} of cache[1] (input_shape) "
                             f"{(n0, n1, H, W)}, got {delta.shape}")
        if not isinstance(winner, np.ndarray) or winner.dtype != np.int8 or winner.shape != delta.shape:
            got = f"{winner.dtype} array of shape {winner.shape}" if isinstance(winner, np.ndarray) else \
                type(winner).__name__
            raise TypeError(f"cache[0] (winner) must be the int8 array of shape {delta.shape} forward returned, "
                            f"got {got}")
        check_bool("need_input_grad", need_input_grad)
        dX = np.empty((n0, n1, 2 * H_out, 2 * W_out), dtype=delta.dtype)
        for k, (p, q) in enumerate(_OFFSETS):
            np.multiply(delta, winner == k, out=dX[:, :, p::2, q::2])
        return dX[:, :, :H, :W], {}


def _quarters(A):
    """The four entries of every 2×2 window as (·, ·, ⌈H/2⌉, ⌈W/2⌉) arrays, odd sizes padded with -∞ after."""
    n0, n1, H, W = A.shape
    H_out, W_out = pool_output_size(H), pool_output_size(W)
    if (2 * H_out, 2 * W_out) != (H, W):
        A = np.pad(A, ((0, 0), (0, 0), (0, 2 * H_out - H), (0, 2 * W_out - W)), constant_values=-np.inf)
    return A[:, :, 0::2, 0::2], A[:, :, 0::2, 1::2], A[:, :, 1::2, 0::2], A[:, :, 1::2, 1::2], (n0, n1, H, W)


class FastUpSample2D(UpSample2D):
    """:class:`~npae.core.pooling.UpSample2D` whose backward pass adds four strided slices."""

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): the sums of δ's 2×2 blocks; ``cache`` must be the None forward returned."""
        self._check_backward(delta, cache, params, need_input_grad)
        dX = delta[:, :, 0::2, 0::2] + delta[:, :, 0::2, 1::2]
        dX += delta[:, :, 1::2, 0::2]
        dX += delta[:, :, 1::2, 1::2]
        return dX, {}


class FastReLU(Nonlinearity):
    """The ReLU layer keeping only its output (A > 0 ⟺ Z > 0), multiplied in place on the way back."""

    def __init__(self):
        super().__init__("relu")

    def forward(self, Z, params):
        """(A, A): A = max(Z, 0) for Z (·, ·, H, W), kept as the cache."""
        check_array_dict("params", params, finite=False, shapes={})
        check_float_array("Z", Z, **IMAGES_CN)
        A = np.maximum(Z, 0.0, dtype=Z.dtype)
        return A, A

    def backward(self, delta, cache, params, need_input_grad=True):
        """(δ ∘ [A > 0], {}), multiplying ``delta`` in place when it is writeable; ``cache`` is forward's A."""
        check_array_dict("params", params, finite=False, shapes={})
        check_float_array("delta", delta, **IMAGES_CN)
        if check_float_array("cache", cache).shape != delta.shape:
            raise ValueError(f"cache must be the output A of forward, of delta's shape {delta.shape}, got {cache.shape}")
        check_bool("need_input_grad", need_input_grad)
        delta = np.array(delta, copy=True) if not delta.flags.writeable else delta
        delta *= cache > 0
        return delta, {}


def _fast_layer(layer):
    if isinstance(layer, Conv2D):
        return FastConv2D(layer.in_channels, layer.out_channels, layer.kernel_size, layer.padding)
    if isinstance(layer, MaxPool2D):
        return FastMaxPool2D()
    if isinstance(layer, UpSample2D):
        return FastUpSample2D()
    if isinstance(layer, Nonlinearity) and layer.activation.name == "relu":
        return FastReLU()
    return layer


class FastConvAutoencoder(ConvAutoencoder):
    """A :class:`~npae.models.conv_autoencoder.ConvAutoencoder` whose layers work in the (C, n, H, W) layout.

    Built by :func:`fast_model` (sharing a plain model's ``params``), or directly with the arguments of
    :class:`~npae.models.conv_autoencoder.ConvAutoencoder` (its plain layers are replaced by the fast ones);
    same parameters, same interface, the same loss and gradients to rounding.
    """

    def __init__(self, layers, input_shape, **options):
        super().__init__(layers, input_shape, **options)
        self.layers = [_fast_layer(layer) for layer in self.layers]

    def _rows_to_images(self, rows):
        C, H, W = self.input_shape
        return rows.reshape(rows.shape[0], C, H, W).transpose(1, 0, 2, 3)

    def _images_to_rows(self, images):
        return np.ascontiguousarray(images.transpose(1, 0, 2, 3)).reshape(images.shape[1], -1)

    def _forward_backward(self, X, target, params, need_grads):
        """As the plain model's, with the rows split between the cores (:mod:`npae.perf.parallel`)."""
        layer_params = self._layer_params(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        scale = self._scale(X.shape[0])
        chunks = parallel.split_rows(X.shape[0], MIN_ROWS)
        with parallel.single_threaded_blas(len(chunks) > 1):
            parts = parallel.map_chunks(
                lambda rows: self._rows_loss_and_grads(X[rows], T[rows], layer_params, scale, need_grads), chunks)
        value = sum(v for v, _ in parts)
        if not need_grads:
            return value, None
        grads = parts[0][1]
        for _, more in parts[1:]:
            for name, g in more.items():
                grads[name] += g
        return value, grads


def fast_model(model):
    """A :class:`FastConvAutoencoder` sharing ``model``'s ``params`` dict (the same arrays, not a copy).

    Parameters
    ----------
    model : npae.models.conv_autoencoder.ConvAutoencoder

    Returns
    -------
    FastConvAutoencoder
        Training it updates ``model.params`` too. Save ``model`` (or this one: :mod:`npae.serialize`
        stores the plain configuration).

    Raises
    ------
    TypeError
        If ``model`` is not a ConvAutoencoder.
    """
    check_instance("model", model, ConvAutoencoder, "conv_autoencoder()")
    fast = FastConvAutoencoder.__new__(FastConvAutoencoder)
    fast.__dict__.update(model.__dict__)
    fast.layers = [_fast_layer(layer) for layer in model.layers]
    fast.params = model.params
    return fast
