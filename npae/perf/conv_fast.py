"""The fast path of :meth:`npae.models.conv_autoencoder.ConvAutoencoder.loss_and_grads`: the same functions as
:mod:`npae.core.conv` and :mod:`npae.core.pooling`, computed in a layout that makes every copy contiguous, on
every core. Results equal the readable layers' to rounding (``tests/test_conv.py``); a student can skip this
module.

**The layout:** channels first, then samples, **(C, n, H, W)**, and each channel's images laid end to end in
one long row on a grid: every image row followed by g zeros and every image by g zero rows, g = the larger
of the padding's two sides (1 for a 3×3 "same" kernel, 0 for "valid"), so that each image has a cell of
Hg × Wg = (H + g) × (W + g) and the grid a length N = n·Hg·Wg, with zero margins before and after. The zeros
after a row are also the padding before the next row (the zero rows after an image, before the next
image): the grid is the padded input with the padding shared between neighbours. A kernel offset (p, q) is
then a shift by s = (p - top)·Wg + (q - left) along the row, so for every position t of the grid,

    Z[o, t] = b[o] + Σ_{p,q} Σ_c W[o, c, p, q] · Xg[c, t + (p - top)·Wg + (q - left)]          (1)

— the convolution (eq. 1 of :mod:`npae.core.conv`) at the positions t = (i, y, x) with y < H_out and
x < W_out; the other positions mix neighbouring rows or images and are dropped (they cost Hg·Wg / (H_out·W_out)
extra work: 7 % at 28×28, 15 % at 14×14, 31 % at 7×7 for a 3×3 "same" kernel; with the padding on both
sides it would be 15 %, 31 % and 65 %). Each shifted row block ``Xg[:, s:s+N]`` is a contiguous slice, so:

- forward: the patch matrix is kh·kw contiguous block copies, ``cols[(p,q,c), t] = Xg[c, t + s]``, and
  Z = Wmat cols is one matrix product (Wmat: W with its axes ordered (o, p, q, c));
- backward: with δ placed on the grid (zeros at the dropped positions), ∂J/∂Wmat = δ colsᵀ,
  ∂J/∂b = Σ_t δ; the input gradient is computed as a *gather*, eq. (4) of :mod:`npae.core.conv` read as the
  cross-correlation of the zero-padded δ with the flipped kernel: dX[c, u] = Σ_{o,p,q} W[o, c, p, q] δ[o, u - s],
  so that every block of positions writes only its own part of the result.

The patch matrix is never stored whole: it is built a block of samples at a time (about :data:`BLOCK_BYTES`),
used while it is in the cache, and rebuilt in the backward pass from the input on its grid, which is 1/(kh·kw) of
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

#: Most rows computed at once in a thread: a minibatch's half is one block; a validation set of 10 000 images
#: is 40 blocks, whose arrays are recycled from one block to the next instead of taking gigabytes.
BLOCK_ROWS = 128

#: Target size in bytes of one block of an intermediate (patch matrix or product): about a core's L2 cache.
BLOCK_BYTES = 1 << 19


def _column_blocks(N, rows, itemsize):
    """[start, stop) ranges covering range(N), each about BLOCK_BYTES of a (rows, stop - start) array."""
    length = max(512, BLOCK_BYTES // (rows * itemsize))
    return [(start, min(start + length, N)) for start in range(0, N, length)]


def _shifted_product(Wk, source, offsets, out):
    """out[:, t] = Σ_k Wk[k] @ source[:, t + offsets[k]] for every column t of ``out``; Wk of shape (K, M, C).

    Two ways to the same sums, a block of columns at a time. Copy the K shifted slices of ``source`` into a patch
    matrix of K·C rows and multiply it once by the kernels side by side, (M, K·C); or, when M is much smaller than
    C (4·M ≤ C, measured: the shifted additions cost more than the copies otherwise), multiply ``source`` once by
    the kernels stacked, (K·M, C), and add the product's K row blocks, each shifted back by its offset: a
    convolution from many channels to few (the decoders' last layers) then never copies its input K times.
    """
    K, M, C = Wk.shape
    lo, hi = min(offsets), max(offsets)
    patches = 4 * M > C
    blocks = _column_blocks(out.shape[1], K * (C if patches else M), out.itemsize)
    if patches:
        Wmat = np.ascontiguousarray(Wk.transpose(1, 0, 2).reshape(M, K * C))            # (M, (k, c))
        buffer = np.empty((K * C, blocks[0][1]), dtype=out.dtype)
        for start, stop in blocks:
            cols = buffer[:, :stop - start]
            for k, s in enumerate(offsets):
                cols[k * C:(k + 1) * C] = source[:, start + s:stop + s]
            np.matmul(Wmat, cols, out=out[:, start:stop])
        return out
    Wall = np.ascontiguousarray(Wk.reshape(K * M, C))                                     # ((k, m), c)
    buffer = np.empty((K * M, blocks[0][1] + hi - lo), dtype=out.dtype)
    for start, stop in blocks:
        length = stop - start
        Y = np.matmul(Wall, source[:, start + lo:stop + hi], out=buffer[:, :length + hi - lo])
        block = out[:, start:stop]
        np.copyto(block, Y[:M, offsets[0] - lo:offsets[0] - lo + length])
        for k in range(1, K):
            block += Y[k * M:(k + 1) * M, offsets[k] - lo:offsets[k] - lo + length]
    return out


def _weight_gradient(D, source, offsets):
    """G[k] = Σ_t D[:, t] source[:, t + offsets[k]]ᵀ, of shape (K, M, C), for D of shape (M, N): ∂J/∂W by kernel
    offset. With C ≤ M through one patch matrix per block of columns; with M < C by one product per offset on the
    shifted slices themselves (no copy)."""
    (M, N), C, K = D.shape, source.shape[0], len(offsets)
    G = np.zeros((K, M, C), dtype=D.dtype)
    if C <= M:
        blocks = _column_blocks(N, K * C, D.itemsize)
        buffer = np.empty((K * C, blocks[0][1]), dtype=D.dtype)
        flat = np.zeros((M, K * C), dtype=D.dtype)
        for start, stop in blocks:
            cols = buffer[:, :stop - start]
            for k, s in enumerate(offsets):
                cols[k * C:(k + 1) * C] = source[:, start + s:stop + s]
            flat += D[:, start:stop] @ cols.T
        return flat.reshape(M, K, C).transpose(1, 0, 2)
    for start, stop in _column_blocks(N, M + C, D.itemsize):
        for k, s in enumerate(offsets):
            G[k] += D[:, start:stop] @ source[:, start + s:stop + s].T
    return G


class FastConv2D(Conv2D):
    """:class:`~npae.core.conv.Conv2D` on (C, n, H, W) arrays, by shifted contiguous slices (module docstring).

    Behind the fast path's boundary: checks nothing.
    """

    def _geometry(self, shape):
        """(H_out, W_out, Hg, Wg, N, shifts, lead): each image's cell Hg × Wg of the grid (its H × W pixels then g
        zero rows and columns, g = the larger padding), the grid's length N = n·Hg·Wg, the shift of every kernel
        offset (p, q), and the zeros ``lead`` needed before the grid (the most negative shift)."""
        C, n, H, W = shape
        k = self.kernel_size
        top, bottom = padding_amounts(k, self.padding)              # the same for the width
        g = max(top, bottom)
        Hg, Wg = H + g, W + g
        shifts = [(p - top) * Wg + (q - top) for p in range(k) for q in range(k)]
        H_out, W_out = H + top + bottom - k + 1, W + top + bottom - k + 1
        return H_out, W_out, Hg, Wg, n * Hg * Wg, shifts, -shifts[0]

    def forward(self, A, params):
        """Z = conv(A) + b for A of shape (C_in, n, H, W): (C_out, n, H_out, W_out), and the cache (Xg, shape)."""
        W, b = params["W"], params["b"]
        C, n, H, Wd = A.shape
        H_out, W_out, Hg, Wg, N, shifts, lead = self._geometry(A.shape)
        Xg = np.zeros((C, lead + N + shifts[-1]), dtype=A.dtype)    # the margins keep every shifted slice in range
        Xg[:, lead:lead + N].reshape(C, n, Hg, Wg)[:, :, :H, :Wd] = A
        Wk = W.transpose(2, 3, 0, 1).reshape(len(shifts), W.shape[0], C)                 # (k, o, c)
        Z = _shifted_product(Wk, Xg, [lead + s for s in shifts], np.empty((W.shape[0], N), dtype=A.dtype))  # (1)
        Z += b[:, None]
        return Z.reshape(-1, n, Hg, Wg)[:, :, :H_out, :W_out], (Xg, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A or None, {"W": ∂J/∂W, "b": ∂J/∂b}) from δ of shape (C_out, n, H_out, W_out) and the cache."""
        W = params["W"]
        Xg, shape = cache
        C, n, H, Wd = shape
        H_out, W_out, Hg, Wg, N, shifts, lead = self._geometry(shape)
        C_out, trail = W.shape[0], shifts[-1]
        D = np.zeros((C_out, trail + N + lead), dtype=delta.dtype)   # δ on the grid (zeros elsewhere), with margins
        D[:, trail:trail + N].reshape(C_out, n, Hg, Wg)[:, :, :H_out, :W_out] = delta
        db = D.sum(axis=1)
        k = self.kernel_size
        dW = _weight_gradient(D[:, trail:trail + N], Xg, [lead + s for s in shifts])
        grads = {"W": np.ascontiguousarray(dW.reshape(k, k, C_out, C).transpose(2, 3, 0, 1)), "b": db}
        if not need_input_grad:
            return None, grads
        # eq. (4) as a gather: dX[c, u] = Σ_k Σ_o W[o, c, k] δ[o, u - shifts[k]], δ read at offset trail - shifts[k]
        Wk = W.transpose(2, 3, 1, 0).reshape(len(shifts), C, C_out)                       # (k, c, o)
        dXg = _shifted_product(Wk, D, [trail - s for s in shifts], np.empty((C, N), dtype=delta.dtype))
        return dXg.reshape(C, n, Hg, Wg)[:, :, :H, :Wd], grads


def _corners(A):
    """The four entries of every 2×2 window as (·, ·, ⌈H/2⌉, ⌈W/2⌉) views, odd sizes padded with -∞ after."""
    H, W = A.shape[2:]
    if H % 2 or W % 2:
        A = np.pad(A, ((0, 0), (0, 0), (0, H % 2), (0, W % 2)), constant_values=-np.inf)
    return [A[:, :, p::2, q::2] for p, q in OFFSETS]


class FastMaxPool2D(MaxPool2D):
    """:class:`~npae.core.pooling.MaxPool2D` by four strided slices; any (·, ·, H, W) layout. Checks nothing."""

    def forward(self, A, params):
        """(P, (winner, A.shape)): the window maxima of A (·, ·, H, W) and the uint8 index of each winner."""
        corners = _corners(A)
        P = np.maximum(corners[0], corners[1])
        np.maximum(P, corners[2], out=P)
        np.maximum(P, corners[3], out=P)
        # the index of the first entry equal to the maximum (ties: OFFSETS order), with m_k = [corner k ≠ P]:
        # m_0 (1 + m_1 (1 + m_2)) is 0 if corner 0 won, else 1 if corner 1 won, else 2 if corner 2 won, else 3
        m = [np.not_equal(corners[k], P).view(np.uint8) for k in range(3)]
        winner = m[2] + np.uint8(1)
        winner *= m[1]
        winner += np.uint8(1)
        winner *= m[0]
        return P, (winner, A.shape)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): δ routed to the winners."""
        winner, (n0, n1, H, W) = cache
        dX = np.empty((n0, n1) + tuple(2 * s for s in delta.shape[2:]), dtype=delta.dtype)
        for k, (p, q) in enumerate(OFFSETS):
            np.multiply(delta, winner == k, out=dX[:, :, p::2, q::2])
        return dX[:, :, :H, :W], {}


class FastUpSample2D(UpSample2D):
    """:class:`~npae.core.pooling.UpSample2D` by four strided slices, forward (copies) and backward (sums).
    Checks nothing."""

    def forward(self, A, params):
        """(U, None): A (·, ·, H, W) copied into each entry of the 2×2 blocks of U (·, ·, 2H, 2W)."""
        U = np.empty(A.shape[:2] + (2 * A.shape[2], 2 * A.shape[3]), dtype=A.dtype)
        for p, q in OFFSETS:
            U[:, :, p::2, q::2] = A
        return U, None

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂A, {}): the sums of δ's 2×2 blocks."""
        dX = delta[:, :, 0::2, 0::2] + delta[:, :, 0::2, 1::2]
        dX += delta[:, :, 1::2, 0::2]
        dX += delta[:, :, 1::2, 1::2]
        return dX, {}


class FastReLU(Nonlinearity):
    """The ReLU layer keeping only its output (A > 0 ⟺ Z > 0), multiplying δ in place on the way back; with
    ``in_place`` set (by :func:`_fast_layers`), A overwrites Z: after a layer whose output no one else keeps (a
    convolution, a max-pooling)."""

    in_place = False

    def __init__(self):
        super().__init__("relu")

    def forward(self, Z, params):
        """(A, A): A = max(Z, 0), kept as the cache."""
        A = np.maximum(Z, 0.0, out=Z if self.in_place else None, dtype=Z.dtype)
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


def _is_relu(layer):
    return isinstance(layer, Nonlinearity) and layer.activation.name == "relu"


def _fast_layers(layers):
    """The fast versions of plain layers (a sigmoid or linear Nonlinearity is its own: it works in any layout).

    Raises TypeError for a layer of another class (a subclass included): its own methods must run.
    """
    for i, layer in enumerate(layers):
        if type(layer) not in _FAST_LAYERS:
            raise TypeError(f"layers[{i}] is a {type(layer).__name__}: the fast path knows only the classes "
                            f"{', '.join(cls.__name__ for cls in _FAST_LAYERS)} themselves; train the model itself")
    fast = [_FAST_LAYERS[type(layer)](layer) for layer in layers]
    for i in range(len(fast) - 1):
        if _is_relu(fast[i]) and isinstance(fast[i + 1], MaxPool2D):
            # max(relu(a), relu(b), ...) = relu(max(a, b, ...)) exactly, and so are the gradients (ReLU' = 0
            # where the maximum is ≤ 0, either way): pool first, then the ReLU runs on a quarter of the values
            fast[i], fast[i + 1] = fast[i + 1], fast[i]
    for i in range(1, len(fast)):
        if _is_relu(fast[i]) and isinstance(fast[i - 1], (FastConv2D, FastMaxPool2D)):
            fast[i].in_place = True                  # their outputs are new arrays that they do not keep
    return fast


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


def _map_rows(function, m):
    """``function(rows)`` for blocks of at most :data:`BLOCK_ROWS` rows: each core's chunk of rows in a thread
    of its own (:mod:`npae.perf.parallel`), its blocks one after the other. The results in row order."""
    def chunk(rows):
        return [function(slice(start, min(start + BLOCK_ROWS, rows.stop)))
                for start in range(rows.start, rows.stop, BLOCK_ROWS)]
    chunks = parallel.split_rows(m, MIN_ROWS)
    with parallel.single_threaded_blas(len(chunks) > 1):
        return [part for parts in parallel.map_chunks(chunk, chunks) for part in parts]


def _loss_and_grads(model, layers, X, T, layer_params, need_grads):
    """The loss and gradients of ``model`` computed with the fast ``layers``: sums over blocks of rows."""
    scale = model._scale(X.shape[0])
    parts = _map_rows(lambda rows: _rows_loss_and_grads(model, layers, X[rows], T[rows], layer_params, scale,
                                                         need_grads), X.shape[0])
    value = sum(v for v, _ in parts)
    if not need_grads:
        return value, None
    grads = parts[0][1]
    for _, more in parts[1:]:                    # in row order: deterministic
        for name, g in more.items():
            grads[name] += g
    return value, grads


def _rows_loss_and_grads(model, layers, X, T, layer_params, scale, need_grads):
    """``scale`` times the loss summed over the rows of X, and its gradient dict (or None): the model's
    loss_and_grads in the (C, n, H, W) layout. Sums over rows add up: the blocks' parts are added."""
    Z, caches = sequence_forward.unchecked(layers, layer_params, _images(X, model.input_shape))
    value, delta = LOSSES[model.loss_name](_rows(Z), T, model.decoder, scale)
    if not need_grads:
        return value, None
    layer_grads = sequence_backward.unchecked(layers, layer_params, caches, _images(delta, model.input_shape))
    return value, {key: grads[local] for keys, grads in zip(model._keys, layer_grads) for local, key in keys.items()}


def _forward_rows(model, layers, X, layer_params):
    """The output of ``layers`` for the rows X, as rows, computed block by block on every core."""
    def block(rows):
        A, _ = sequence_forward.unchecked(layers, layer_params, _images(X[rows], model.input_shape))
        return _rows(A)
    return np.concatenate(_map_rows(block, X.shape[0]))


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
        return _forward_rows(self, self._fast_layers[:k], X, layer_params[:k])

    def _logits(self, X, layer_params):
        return _forward_rows(self, self._fast_layers, X, layer_params)


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
