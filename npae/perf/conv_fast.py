"""The fast path of :meth:`npae.models.conv_autoencoder.ConvAutoencoder.loss_and_grads`: the same functions as
:mod:`npae.core.conv` and :mod:`npae.core.pooling`, computed in a layout that makes every copy contiguous, on
every core. Results equal the readable layers' to rounding (``tests/test_conv.py``); a student can skip this
module.

**The layout:** channels first, then samples, **(C, n, H, W)**, and each channel's images padded and laid end to
end in one long row of length N = n·Hp·Wp (plus a tail of zeros). A kernel offset (p, q) is then a shift by
s = p·Wp + q along that row, so for every output position t of the *padded* grid,

    Z[o, t] = b[o] + Σ_{p,q} Σ_c W[o, c, p, q] · Xp[c, t + p·Wp + q]                           (1)

— the convolution (eq. 1 of :mod:`npae.core.conv`) at the positions t = (i, y, x) with y < H_out and
x < W_out; the other positions mix neighbouring rows or images and are dropped (they cost
Hp·Wp / (H_out·W_out) extra work, 15 % at 28×28). Each shifted row block ``Xp[:, s:s+N]`` is a contiguous
slice, so:

- forward: the patch matrix is kh·kw contiguous block copies, ``cols[(p,q,c), t] = Xp[c, t + s]``, and
  Z = Wmat cols is one matrix product (Wmat: W with its axes ordered (o, p, q, c));
- backward: with δ placed on the padded grid (zeros at the dropped positions), ∂J/∂Wmat = δ colsᵀ,
  ∂J/∂b = Σ_t δ; the input gradient is computed as a *gather*, eq. (4) of :mod:`npae.core.conv` read as the
  cross-correlation of the zero-padded δ with the flipped kernel: dXp[c, u] = Σ_{o,p,q} W[o, c, p, q] δ[o, u - s],
  so that every block of positions writes only its own part of the result.

The patch matrix is never stored whole: it is built a block of samples at a time (about :data:`BLOCK_BYTES`),
used while it is in the cache, and rebuilt in the backward pass from the padded input, which is 1/(kh·kw) of
its size. Pooling, upsampling and the nonlinearities act on the last two axes only, so they do not care
whether the first two are (n, C) or (C, n); here they use four strided slices, and the ReLU keeps only its
output and multiplies δ in place. Ties in max-pooling go to the same winner as in :mod:`npae.core.pooling`.
The rows are split between the cores (:mod:`npae.perf.parallel`): the loss and the gradients are sums over
samples.

**When it is used.** :func:`fast_loss_and_grads` returns the fast computation for an exact
:class:`~npae.models.conv_autoencoder.ConvAutoencoder` made of the four layer classes it knows, and None for
anything else — a subclass of the model or of a layer, or an instance whose methods were replaced — whose own
methods must then be called. :func:`fast_model` gives a model object whose methods are the fast path.
"""

import numpy as np

from npae.checks import check_data, check_instance
from npae.core.conv import Conv2D, padding_amounts
from npae.core.losses import LOSSES
from npae.core.pooling import OFFSETS, MaxPool2D, UpSample2D
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity, sequence_backward, sequence_forward
from npae.perf import parallel

__all__ = ["FastConv2D", "FastMaxPool2D", "FastUpSample2D", "FastReLU", "FastConvAutoencoder", "fast_model",
           "fast_loss_and_grads"]

#: Fewest rows worth a thread of their own (a minibatch of 256 is split in two on 2 cores).
MIN_ROWS = 32

#: Target size in bytes of one block of the patch matrix: small enough to stay in a core's L2 cache.
BLOCK_BYTES = 1 << 20


class FastConv2D(Conv2D):
    """:class:`~npae.core.conv.Conv2D` on (C, n, H, W) arrays, by shifted contiguous slices (module docstring).

    Behind the fast path's boundary: checks nothing.
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
        W, b = params["W"], params["b"]
        C, n, H, Wd = A.shape
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
        """(∂J/∂A or None, {"W": ∂J/∂W, "b": ∂J/∂b}) from δ of shape (C_out, n, H_out, W_out) and the cache."""
        W = params["W"]
        Xp, shape = cache
        C, n, H, Wd = shape
        top, left, Hp, Wp, H_out, W_out, N, shifts = self._geometry(shape)
        C_out, last = W.shape[0], shifts[-1]
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


def _corners(A):
    """The four entries of every 2×2 window as (·, ·, ⌈H/2⌉, ⌈W/2⌉) views, odd sizes padded with -∞ after."""
    H, W = A.shape[2:]
    if H % 2 or W % 2:
        A = np.pad(A, ((0, 0), (0, 0), (0, H % 2), (0, W % 2)), constant_values=-np.inf)
    return [A[:, :, p::2, q::2] for p, q in OFFSETS]


class FastMaxPool2D(MaxPool2D):
    """:class:`~npae.core.pooling.MaxPool2D` by four strided slices; any (·, ·, H, W) layout. Checks nothing."""

    def forward(self, A, params):
        """(P, (winner, A.shape)): the window maxima of A (·, ·, H, W) and the int8 index of each winner."""
        a, b, c, d = _corners(A)
        P = np.maximum(a, b)
        np.maximum(P, np.maximum(c, d), out=P)
        # the winner, first in OFFSETS order on ties
        winner = np.where(a == P, 0, np.where(b == P, 1, np.where(c == P, 2, 3))).astype(np.int8)
        return P, (winner, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): δ routed to the winners."""
        winner, (n0, n1, H, W) = cache
        dX = np.empty((n0, n1) + tuple(2 * s for s in delta.shape[2:]), dtype=delta.dtype)
        for k, (p, q) in enumerate(OFFSETS):
            np.multiply(delta, winner == k, out=dX[:, :, p::2, q::2])
        return dX[:, :, :H, :W], {}


class FastUpSample2D(UpSample2D):
    """:class:`~npae.core.pooling.UpSample2D` whose backward pass adds four strided slices in place. Checks nothing."""

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): the sums of δ's 2×2 blocks."""
        dX = delta[:, :, 0::2, 0::2] + delta[:, :, 0::2, 1::2]
        dX += delta[:, :, 1::2, 0::2]
        dX += delta[:, :, 1::2, 1::2]
        return dX, {}


class FastReLU(Nonlinearity):
    """The ReLU layer keeping only its output (A > 0 ⟺ Z > 0), multiplying δ in place on the way back."""

    def __init__(self):
        super().__init__("relu")

    def forward(self, Z, params):
        """(A, A): A = max(Z, 0), kept as the cache."""
        A = np.maximum(Z, 0.0, dtype=Z.dtype)
        return A, A

    def backward(self, delta, cache, params, need_input_grad=True):
        """(δ ∘ [A > 0], {}), multiplying ``delta`` in place when it is writeable."""
        delta = delta if delta.flags.writeable else np.array(delta, copy=True)
        delta *= cache > 0
        return delta, {}


#: The exact layer classes the fast path knows, and their fast versions.
_FAST_LAYERS = {Conv2D: lambda layer: FastConv2D(layer.in_channels, layer.out_channels, layer.kernel_size,
                                                 layer.padding),
                MaxPool2D: lambda layer: FastMaxPool2D(), UpSample2D: lambda layer: FastUpSample2D(),
                Nonlinearity: lambda layer: FastReLU() if layer.activation.name == "relu" else layer}


def _fast_layers(layers):
    """The fast versions of plain layers (a sigmoid or linear Nonlinearity is its own: it works in any layout).

    Raises TypeError for a layer of another class (a subclass included): its own methods must run.
    """
    for i, layer in enumerate(layers):
        if type(layer) not in _FAST_LAYERS:
            raise TypeError(f"layers[{i}] is a {type(layer).__name__}: the fast path knows only the classes "
                            f"{', '.join(cls.__name__ for cls in _FAST_LAYERS)} themselves; train the model itself")
    return [_FAST_LAYERS[type(layer)](layer) for layer in layers]


def _images(X, input_shape):
    """Rows (m, C·H·W) as images in the fast layout (C, m, H, W): a view."""
    return X.reshape(X.shape[0], *input_shape).transpose(1, 0, 2, 3)


def _rows(A):
    """Images (C, m, H, W) of the fast layout as rows (m, C·H·W)."""
    return np.ascontiguousarray(A.transpose(1, 0, 2, 3)).reshape(A.shape[1], -1)


def _knows(model):
    """True for an exact ConvAutoencoder of exact known layers, none of whose methods was replaced."""
    replaced = {"loss_and_grads", "loss", "forward", "backward"}
    return (type(model) is ConvAutoencoder and not replaced & vars(model).keys()
            and all(type(layer) in _FAST_LAYERS and not replaced & vars(layer).keys() for layer in model.layers))


def fast_loss_and_grads(model):
    """The fast computation of ``model.loss_and_grads``, or None where the fast path does not apply.

    Parameters
    ----------
    model : object
        Any model (the trainers call this for every model they train).

    Returns
    -------
    function or None
        For an exact :class:`~npae.models.conv_autoencoder.ConvAutoencoder` whose layers are exact
        ``Conv2D``, ``MaxPool2D``, ``UpSample2D`` and ``Nonlinearity`` and none of whose methods (or its
        layers') was replaced on the instance: ``run(X, target=None, params=None, need_grads=True) ->
        (loss, grads or None)``, equal to ``model.loss_and_grads`` (or ``model.loss``) to rounding. ``run``
        trusts its arguments, as every function behind a boundary: ``X`` and ``target`` (None: ``X``)
        C-contiguous arrays of shape (m, n_visible) and the model's dtype, ``params`` (None:
        ``model.params``) a dict of the model's keys and shapes — what the trainers have checked. For
        anything else, None: the caller uses the model's own methods.
    """
    if not _knows(model):
        return None
    layers = _fast_layers(model.layers)
    return lambda X, target=None, params=None, need_grads=True: _loss_and_grads(
        model, layers, X, X if target is None else target,
        model._layer_params(model.params if params is None else params), need_grads)


def _loss_and_grads(model, layers, X, T, layer_params, need_grads):
    """The loss and gradients of ``model`` computed with the fast ``layers``, the rows split between the cores."""
    scale = model._scale(X.shape[0])
    chunks = parallel.split_rows(X.shape[0], MIN_ROWS)
    with parallel.single_threaded_blas(len(chunks) > 1):
        parts = parallel.map_chunks(
            lambda rows: _rows_loss_and_grads(model, layers, X[rows], T[rows], layer_params, scale, need_grads),
            chunks)
    value = sum(v for v, _ in parts)
    if not need_grads:
        return value, None
    grads = parts[0][1]
    for _, more in parts[1:]:                    # in chunk order: deterministic
        for name, g in more.items():
            grads[name] += g
    return value, grads


def _rows_loss_and_grads(model, layers, X, T, layer_params, scale, need_grads):
    """``scale`` times the loss summed over the rows of X, and its gradient dict (or None): the model's
    loss_and_grads in the (C, n, H, W) layout. Sums over rows add up: the chunks' parts are added."""
    Z, caches = sequence_forward.unchecked(layers, layer_params, _images(X, model.input_shape))
    value, delta = LOSSES[model.loss_name](_rows(Z), T, model.decoder, scale)
    if not need_grads:
        return value, None
    layer_grads = sequence_backward.unchecked(layers, layer_params, caches, _images(delta, model.input_shape))
    return value, {key: grads[local] for keys, grads in zip(model._keys, layer_grads) for local, key in keys.items()}


class FastConvAutoencoder(ConvAutoencoder):
    """A :class:`~npae.models.conv_autoencoder.ConvAutoencoder` whose methods run the fast path, checked at the
    same boundary as the plain model's.

    Built by :func:`fast_model` (sharing a plain model's ``params``), or directly with the arguments of
    :class:`~npae.models.conv_autoencoder.ConvAutoencoder`; same parameters, same interface, the same loss and
    gradients to rounding. Raises as the plain model, and TypeError for a layer of another class than the four
    the fast path knows.
    """

    def __init__(self, layers, input_shape, **options):
        super().__init__(layers, input_shape, **options)
        self._fast_layers = _fast_layers(self.layers)

    def loss_and_grads(self, X, target=None, params=None):
        """As :meth:`ConvAutoencoder.loss_and_grads <npae.models.conv_autoencoder.ConvAutoencoder.loss_and_grads>`."""
        X, T, layer_params = self._checked(X, target, params)
        return _loss_and_grads(self, self._fast_layers, X, T, layer_params, True)

    def loss(self, X, target=None, params=None):
        """As :meth:`ConvAutoencoder.loss <npae.models.conv_autoencoder.ConvAutoencoder.loss>`."""
        X, T, layer_params = self._checked(X, target, params)
        return _loss_and_grads(self, self._fast_layers, X, T, layer_params, False)[0]

    def encode(self, X, params=None):
        """As :meth:`ConvAutoencoder.encode <npae.models.conv_autoencoder.ConvAutoencoder.encode>`."""
        layer_params = self._checked_params(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        k = self.n_encoder_layers
        code, _ = sequence_forward.unchecked(self._fast_layers[:k], layer_params[:k], _images(X, self.input_shape))
        return _rows(code)

    def _logits(self, X, layer_params):
        Z, _ = sequence_forward.unchecked(self._fast_layers, layer_params, _images(X, self.input_shape))
        return _rows(Z)


def fast_model(model):
    """A :class:`FastConvAutoencoder` sharing ``model``'s ``params`` dict (the same arrays, not a copy).

    Parameters
    ----------
    model : npae.models.conv_autoencoder.ConvAutoencoder

    Returns
    -------
    FastConvAutoencoder
        Training it updates ``model.params`` too. Saving either stores the plain configuration
        (:mod:`npae.serialize`).

    Raises
    ------
    TypeError
        If ``model`` is not a ConvAutoencoder, or has a layer of another class than the four the fast path knows.
    """
    check_instance("model", model, ConvAutoencoder, "conv_autoencoder()")
    fast = FastConvAutoencoder.__new__(FastConvAutoencoder)
    fast.__dict__.update(model.__dict__)
    fast._fast_layers = _fast_layers(model.layers)
    fast.params = model.params
    return fast
