"""The fast path of :meth:`Autoencoder.loss_and_grads <npae.models.autoencoder.Autoencoder.loss_and_grads>`.

As CS231n keeps ``fast_layers.py`` beside ``layers.py``, this module restates the autoencoder's computation
in a form that is fast rather than readable; the course never needs it, and the tests hold it equal to the
readable method (relative 1e-12 in float64) for every encoder, decoder, loss, penalty, tie, denoising target,
code noise and reduction. The trainers use it only for a model it knows (:func:`knows`): an exact
:class:`~npae.models.autoencoder.Autoencoder` with its own methods, its own activations and penalties of the
four classes of :mod:`npae.core.penalties`. Any other model, a subclass included, gets its own method.

What it does differently, each for speed and none changing the mathematics:

1. **Rows split between the cores, blocks of rows inside.** Every term of the loss is a mean over the rows, so
   the loss and every gradient are sums of per-row parts (:mod:`npae.perf.parallel` runs one chunk of rows per
   core, BLAS at one thread each meanwhile). Inside a chunk, the (rows, n_visible) work of the decoder runs on
   blocks of about ``BLOCK_VALUES`` values, which stay in the cache while every elementwise step passes over
   them: Z2, x̂, the loss and δ³ of a block are made in two scratch arrays and never exist for all m rows.
2. **Two passes over the rows**, because the penalties need the whole code (ρ̂ is a mean over all rows):
   the encoder for every block (H and the column sums the penalties need), then, with the penalties' terms
   known, the decoder, δ³, ∂J/∂H and δ² for every block; ∂J/∂W1 = Xᵀ δ² is one product per chunk.
3. **Fused elementwise work, in place on the blocks.** σ is computed as 1 / (1 + exp(-z)) with NumPy's
   vectorised ``exp`` (:func:`sigmoid`, held to 4 ulps of ``scipy.special.expit`` by the tests) instead of
   ``expit``; the slopes σ' = x̂(1 - x̂), the penalties' ∂Ω/∂H and the deltas are written into the same
   scratch arrays; the 1/m of the mean multiplies the small weight matrices instead of every δ³.
4. **Sums over the rows as products with a vector of ones**: ∂J/∂b2 = Σᵢ δ³ᵢ = 1ᵀ δ³, ∂J/∂b1 = 1ᵀ δ², and the
   column sums of H that ρ̂ needs, are BLAS products, several times faster than ``sum(axis=0)`` on arrays of
   a few dozen columns.
5. **Scratch memory kept between calls** (``_scratch``): H, δ² and the blocks are taken from buffers each
   thread keeps, grown to the largest call it has seen, instead of fresh arrays. A fresh array is new memory
   that the operating system maps page by page at its first write, and a virtual machine that hands freed
   memory back to its host (as the course's machines do) maps it again after every pause: at 10 000 × 64 → 25
   that cost about 2 000 page faults and 8 ms of system time per call, more than the five matrix products.
   What the call returns never shares memory with the scratch; :func:`release_scratch` frees it.

Nothing the caller owns is written: X, the target, the parameters and the code noise are only read.
"""

import threading

import numpy as np

from npae.checks import check_bool, check_int, check_model_interface, check_target_given
from npae.core.activations import ACTIVATIONS
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay
from npae.models.autoencoder import Autoencoder
from npae.perf import parallel

BLOCK_VALUES = 2**18          # values per decoder-side block of rows (2 MiB in float64, 1 MiB in float32)
KNOWN_PENALTIES = (WeightDecay, KLSparsity, L1Sparsity, Contractive)
_OWN_METHODS = {name: value for name, value in vars(Autoencoder).items() if callable(value)}   # as written
_buffers = {}                 # the scratch buffers: {(thread, name, dtype): 1-d array}, see _scratch()


def knows(model):
    """True when the fast path computes exactly what ``model.loss_and_grads`` computes.

    That is an instance of :class:`~npae.models.autoencoder.Autoencoder` itself (not a subclass), with no
    method replaced (on the instance or on the class), the activations of
    :data:`npae.core.activations.ACTIVATIONS`, and penalties of the four classes of :mod:`npae.core.penalties`
    only (not subclasses). Any object is a valid argument (False for what the fast path does not know).
    """
    return (type(model) is Autoencoder
            and not _OWN_METHODS.keys() & vars(model).keys()
            and all(vars(Autoencoder).get(name) is method for name, method in _OWN_METHODS.items())
            and all(getattr(model, side) is ACTIVATIONS.get(getattr(getattr(model, side), "name", None))
                    for side in ("encoder", "decoder"))
            and all(type(p) in KNOWN_PENALTIES for p in model.penalties))


def default_block_size(n_visible):
    """Rows per decoder-side block: about ``BLOCK_VALUES`` values of an (rows, n_visible) array, at least 1."""
    return max(1, BLOCK_VALUES // n_visible)


def loss_and_grads(model, X, target=None, params=None, code_noise=None, need_grads=True, block_size=None):
    """A model's loss and gradients: the fast path for a model it :func:`knows`, else the model's own method.

    The arguments are checked once, here, as the model's ``loss_and_grads`` checks them; then
    :func:`fused_loss_and_grads` runs. Any other npae model (deep, softmax, PSD, a wrapper, a subclass) gets its
    own ``loss_and_grads`` (``params`` and ``code_noise`` passed only if given).

    Parameters
    ----------
    model : npae model
    X : array_like of shape (m, n_visible)
    target : array_like, optional
        The clean x for a denoising autoencoder; a classifier's labels; a PSD's codes.
    params : dict, optional
        Evaluate at these parameters instead of ``model.params`` (nothing is mutated).
    code_noise : array_like of shape (m, n_hidden), optional
        As :meth:`~npae.models.autoencoder.Autoencoder.loss_and_grads`.
    need_grads : bool
        False computes the loss alone (``grads`` is then None).
    block_size : int ≥ 1, optional
        Rows per block (None: :func:`default_block_size`); any value gives the same result.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, or None
        Keyed, shaped and typed like the parameters.

    Raises
    ------
    ValueError, TypeError
        As the model's ``loss_and_grads`` (parameters holding NaN or inf included, naming ``params``); and
        for a ``model`` without ``loss_and_grads``, a missing ``target`` that the model needs (a classifier's
        labels, a PSD's codes), a ``need_grads`` that is not a bool, or a ``block_size`` that is not None nor
        an integer ≥ 1.
    """
    need_grads = check_bool("need_grads", need_grads)
    check_model_interface("model", model, ("loss_and_grads",) if need_grads else ("loss_and_grads", "loss"))
    if block_size is not None:
        block_size = check_int("block_size", block_size, 1)
    from npae.perf import conv_fast                 # here: conv_fast imports the models, which import npae.perf
    if conv_fast.fast_loss_and_grads(model) is not None:   # an exact ConvAutoencoder: its own fast path
        fast = conv_fast.fast_model(model)
        return fast.loss_and_grads(X, target, params) if need_grads else (fast.loss(X, target, params), None)
    if not knows(model):
        check_target_given(model, target, "loss_and_grads" if need_grads else "loss")
        kwargs = {name: value for name, value in (("params", params), ("code_noise", code_noise))
                  if value is not None}
        if need_grads:
            return model.loss_and_grads(X, target, **kwargs)
        return model.loss(X, target, **kwargs), None
    params, X, T, code_noise = model.check_arguments(X, target, params, code_noise)
    return fused_loss_and_grads(model, params, X, T, code_noise, need_grads, block_size)


def loss(model, X, target=None, params=None, code_noise=None):
    """The loss alone, as :func:`loss_and_grads` computes it (arguments and errors as there)."""
    return loss_and_grads(model, X, target, params, code_noise, need_grads=False)[0]


def sigmoid(z, out=None):
    """σ(z) = 1 / (1 + exp(-z)) with NumPy's vectorised ``exp``: the fast path's sigmoid.

    Within 4 ulps of ``scipy.special.expit`` over the whole float32 and float64 range, tails included
    (``tests/test_fast_path.py``): exp(-z) is accurate to about an ulp, and 1 + e, 1/(1 + e) add half an ulp
    each. Where exp(-z) overflows (z < -709.78 in float64, z < -88.72 in float32) the result is 0, as expit's.

    Parameters
    ----------
    z : ndarray of float32 or float64
    out : ndarray of z's shape and dtype, optional
        Where to write σ(z) (may be ``z`` itself).

    Returns
    -------
    ndarray of z's shape and dtype, values in [0, 1].
    """
    with np.errstate(over="ignore"):
        return _sigmoid(z, np.empty_like(z) if out is None else out)


def _scratch(name, shape, dtype):
    """An uninitialised array of ``shape`` and ``dtype`` in the calling thread's buffer ``name``, kept for reuse.

    The buffer grows to the largest size asked for and is reused by the next call in the same thread with the
    same name, so it stays mapped in memory (point 5 of the module's docstring). Two names never share memory,
    nor do two threads; the array is valid until the thread asks for ``name`` again. A thread's buffers outlive
    it (a later thread given the same identifier reuses them) until :func:`release_scratch` gives the memory back.
    """
    key, size = (threading.get_ident(), name, np.dtype(dtype)), int(np.prod(shape))
    buffer = _buffers.get(key)
    if buffer is None or buffer.size < size:
        buffer = _buffers[key] = np.empty(size, dtype)
    return buffer[:size].reshape(shape)


def release_scratch():
    """Free the scratch memory the fast path keeps between calls (every thread's); returns the bytes freed.

    At 10 000 × 784 → 196 in float64 that is about 39 MiB (H and δ², 15 MiB each, and the blocks of two
    threads). A call running meanwhile is unaffected: it holds its own references.
    """
    freed = sum(buffer.nbytes for buffer in list(_buffers.values()))
    _buffers.clear()
    return freed


def _sigmoid(z, out):
    """:func:`sigmoid` into ``out``, under the caller's ``np.errstate(over="ignore")``."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.divide(1.0, out, out=out)


def fused_loss_and_grads(model, params, X, T, code_noise=None, need_grads=True, block_size=None):
    """:meth:`Autoencoder.loss_and_grads` for a model the fast path :func:`knows`, on arguments already checked.

    Behind the boundary: the arguments must be those :meth:`~npae.models.autoencoder.Autoencoder.check_arguments`
    returns (the trainers check their data once, before the first step, and call this at every step).

    Parameters
    ----------
    model : Autoencoder
        One that :func:`knows` accepts.
    params : dict
        Parameters of the model's keys and shapes, finite.
    X, T : ndarrays of shape (m, n_visible)
        The encoder's input and the target (``T is X`` without a target).
    code_noise : ndarray of shape (m, n_hidden), optional
    need_grads : bool
    block_size : int ≥ 1, optional

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, or None
    """
    m, n_visible = X.shape
    n_hidden = model.n_hidden
    dtype = np.result_type(X, T, *params.values())                    # the readable path's dtype
    W1, b1 = params["W1"], params["b1"]
    W2 = W1.T if model.tied else params["W2"]                         # (n_hidden, n_visible)
    inv_m = 1.0 / m
    inv_m_loss = inv_m / n_visible if model.reduction == "mean" else inv_m
    rows_per_block = default_block_size(n_visible) if block_size is None else block_size
    # W2 and b2 (negated when the decoder wants -Z2, see _decoder_loss), and (1/m) W2 for ∂J/∂H = δ³ (W2/m)ᵀ:
    # the 1/m on the small matrix
    sign = -1.0 if _negated_z2(model) else 1.0
    W2_signed, b2_signed = (sign * W2).astype(dtype), (sign * params["b2"]).astype(dtype)
    W2_scaled = (inv_m_loss * W2).astype(dtype, copy=False)
    H = _scratch("H", (m, n_hidden), dtype)                           # the code
    ones = np.ones(min(rows_per_block, m), dtype)                     # 1ᵀ A = Σᵢ Aᵢ, see point 4
    chunks = parallel.split_rows(m)
    penalties = _PenaltyPlan(model.penalties, model.encoder.name, n_hidden)

    def blocks(rows):
        for start in range(rows.start, rows.stop, rows_per_block):
            yield slice(start, min(start + rows_per_block, rows.stop))

    def encode(rows):
        """Pass 1 on one chunk: H = f(X W1 + b1 (+ N)) in place, and the column sums the penalties need."""
        sums = penalties.new_sums()
        with np.errstate(over="ignore"):
            for block in blocks(rows):
                Hb = H[block]
                np.matmul(X[block], W1, out=Hb)                       # Z1 = X W1
                Hb += b1
                if code_noise is not None:
                    Hb += code_noise[block]
                _activate(model.encoder.name, Hb)                     # H = f(Z1), in place
                penalties.add_sums(sums, Hb, ones[:len(Hb)])
        return sums

    def backprop(rows):
        """Pass 2 on one chunk: the decoder, the loss, δ³, ∂J/∂W2, ∂J/∂b2, ∂J/∂H, δ²; then ∂J/∂W1, ∂J/∂b1."""
        size = min(rows_per_block, rows.stop - rows.start)
        P, Q = _scratch("P", (size, n_visible), dtype), _scratch("Q", (size, n_visible), dtype)
        S = _scratch("S", (size, n_hidden), dtype)
        loss = 0.0
        dJ_dW2 = np.zeros((n_hidden, n_visible), dtype) if need_grads else None
        dJ_db2 = np.zeros(n_visible, dtype) if need_grads else None
        dJ_db1 = np.zeros(n_hidden, dtype) if need_grads else None
        with np.errstate(over="ignore"):
            for block in blocks(rows):
                b = block.stop - block.start
                Z2 = np.matmul(H[block], W2_signed, out=P[:b])        # ±Z2 = H (±W2) ± b2
                Z2 += b2_signed
                part, delta3 = _decoder_loss(model, Z2, T[block], Q[:b])   # δ³ without its 1/m
                loss += part
                if not need_grads:
                    continue
                dJ_dW2 += H[block].T @ delta3                         # Hᵀ δ³, without the 1/m
                dJ_db2 += ones[:b] @ delta3                           # Σᵢ δ³ᵢ = 1ᵀ δ³, without the 1/m
                dJ_dH = np.matmul(delta3, W2_scaled.T, out=delta2[block])   # ∂J/∂H = δ³ W2ᵀ, 1/m included
                penalties.add_dOmega_dH(dJ_dH, H[block], S[:b])       # + Σ ∂Ω/∂H
                _times_slope(model.encoder.name, dJ_dH, H[block], S[:b])   # δ² = ∂J/∂H ∘ f'(Z1), in place
                dJ_db1 += ones[:b] @ dJ_dH                            # ∂J/∂b1 = 1ᵀ δ²
        if not need_grads:
            return loss, None
        return loss, (X[rows].T @ delta2[rows], dJ_db1, dJ_dW2, dJ_db2)   # ∂J/∂W1 = Xᵀ δ²

    with parallel.single_threaded_blas(len(chunks) > 1):
        sums = penalties.total(parallel.map_chunks(encode, chunks))
        omega, direct = penalties.prepare(params, sums, inv_m, dtype)
        delta2 = _scratch("delta2", (m, n_hidden), dtype) if need_grads else None
        parts = parallel.map_chunks(backprop, chunks)
    loss = inv_m_loss * sum(part for part, _ in parts) + omega
    if not need_grads:
        return loss, None
    dJ_dW1, dJ_db1, dJ_dW2, dJ_db2 = parts[0][1]
    for _, (dW1, db1, dW2, db2) in parts[1:]:                         # in chunk order: deterministic
        dJ_dW1, dJ_db1, dJ_dW2, dJ_db2 = dJ_dW1 + dW1, dJ_db1 + db1, dJ_dW2 + dW2, dJ_db2 + db2
    dJ_dW2 *= inv_m_loss
    dJ_db2 *= inv_m_loss
    grads = {"W1": dJ_dW1, "b1": dJ_db1, "W2": dJ_dW2, "b2": dJ_db2}
    if model.tied:
        grads["W1"] = dJ_dW1 + grads.pop("W2").T                      # the decoder's use of W1
    for name, dOmega in direct.items():
        grads[name] = grads[name] + dOmega
    return loss, {name: grads[name] for name in params}


def _activate(encoder, Z):
    """Z ← f(Z), in place."""
    if encoder == "sigmoid":
        _sigmoid(Z, Z)
    elif encoder == "relu":
        np.maximum(Z, 0.0, out=Z)


def _times_slope(encoder, G, H, S):
    """G ← G ∘ f'(Z1), in place, f' from the code H (S: scratch of G's shape)."""
    if encoder == "sigmoid":                                          # σ' = h (1 - h)
        np.subtract(1.0, H, out=S)
        S *= H
        G *= S
    elif encoder == "relu":                                           # 1 where z > 0, i.e. where h > 0
        np.greater(H, 0.0, out=S)
        G *= S


def _negated_z2(model):
    """True when :func:`_decoder_loss` takes -Z2 (squared error with a sigmoid decoder: σ needs exp(-z))."""
    return model.loss_name == "squared_error" and model.decoder.name == "sigmoid"


def _decoder_loss(model, Z2, T, Q):
    """A block's part of the loss (times m, or m·n_visible) and its δ³ (times the same), in Z2's and Q's memory.

    Z2 (block, n_visible) holds Z2, or -Z2 when :func:`_negated_z2`, and is overwritten; Q is scratch of its
    shape. Returns (float, delta3 array).
    """
    if model.loss_name == "cross_entropy":                            # sigmoid decoder
        # Σ softplus(z) - t z with softplus(z) = max(z, 0) + log(1 + u), u = exp(-|z|) ≤ 1 (never overflows;
        # log(1 + u) instead of log1p(u) errs by less than u ≤ 1e-16 where 1 + u rounds to 1)
        total = -float(np.vdot(T, Z2))                                # - Σ t z
        np.abs(Z2, out=Q)
        total += 0.5 * (float(Z2.sum()) + float(Q.sum()))             # Σ max(z, 0) = ½ (Σ z + Σ |z|)
        np.greater_equal(Z2, 0.0, out=Z2)                             # 1 where z ≥ 0, else 0
        np.negative(Q, out=Q)
        np.exp(Q, out=Q)                                              # u = exp(-|z|)
        np.maximum(Z2, Q, out=Z2)                                     # 1 where z ≥ 0, else u
        Q += 1.0                                                      # 1 + u
        np.divide(Z2, Q, out=Z2)                                      # σ(z): 1/(1 + e^-z), or e^z/(1 + e^z)
        np.log(Q, out=Q)
        total += float(Q.sum())                                       # Σ log(1 + u)
        Z2 -= T                                                       # δ³ = σ(z) - t (times m)
        return total, Z2
    if model.decoder.name == "sigmoid":                               # squared error, sigmoid decoder; Z2 = -z
        e = np.exp(Z2, out=Z2)                                        # e = exp(-z)
        X_hat = np.add(e, 1.0, out=Q)
        np.divide(1.0, X_hat, out=X_hat)                              # x̂ = σ(z) = 1/(1 + e), as sigmoid()
        slope = np.subtract(1.0, X_hat, out=e)                        # 1 - x̂ (not e x̂: inf·0 where e overflows)
        slope *= X_hat                                                # σ'(z) = x̂ (1 - x̂), as the readable path
        residual = np.subtract(X_hat, T, out=X_hat)                   # x̂ - t
        total = 0.5 * float(np.vdot(residual, residual))             # ½ Σ (x̂ - t)²
        residual *= slope                                             # δ³ = (x̂ - t) σ'(z) (times m)
        return total, residual
    Z2 -= T                                                           # squared error, linear decoder: x̂ - t
    return 0.5 * float(np.vdot(Z2, Z2)), Z2


class _PenaltyPlan:
    """The four penalty classes, restated for the fused passes (the readable forms: :mod:`npae.core.penalties`).

    Pass 1 gathers column sums of the code (``new_sums``, ``add_sums``, ``total``); between the passes,
    ``prepare`` turns them into the value Ω, the direct terms ∂Ω/∂θ and the coefficients of ∂Ω/∂H; pass 2 adds
    ∂Ω/∂H to each block of ∂J/∂H (``add_dOmega_dH``).
    """

    def __init__(self, penalties, encoder, n_hidden):
        self.penalties = penalties
        self.kinds = {type(p) for p in penalties}
        self.encoder = encoder
        self.n_hidden = n_hidden

    def new_sums(self):
        return {"H": np.zeros(self.n_hidden), "abs H": 0.0, "s²": np.zeros(self.n_hidden)}

    def add_sums(self, sums, H, ones):
        if KLSparsity in self.kinds:                                  # ρ̂ = mean of H over the rows: 1ᵀ H / m
            sums["H"] += ones @ H
        if L1Sparsity in self.kinds:
            sums["abs H"] += float(np.abs(H).sum(dtype=np.float64))
        if Contractive in self.kinds:                                 # Σᵢ sᵢⱼ², s = h (1 - h)
            s = H * (1.0 - H)
            sums["s²"] += np.einsum("ij,ij->j", s, s, dtype=np.float64)

    def total(self, parts):
        out = self.new_sums()
        for part in parts:                                            # in chunk order
            for key in out:
                out[key] = out[key] + part[key]
        return out

    def prepare(self, params, sums, inv_m, dtype):
        """Ω, the direct terms, and the coefficients of ∂Ω/∂H (kept on self for pass 2)."""
        omega, direct = 0.0, {}
        self.constant, self.l1, self.contractive = None, 0.0, None
        W1 = params["W1"]
        for p in self.penalties:
            if isinstance(p, WeightDecay):                            # no H: the readable penalty itself
                value, _, terms = p(params, None, inv_m)
            elif isinstance(p, KLSparsity):                           # ∂Ω/∂H the same for every row
                eps = np.finfo(dtype).eps
                rho, beta, rho_hat = p.rho, p.beta, np.clip(sums["H"] * inv_m, eps, 1.0 - eps)
                kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
                value, terms = beta * float(kl.sum()), {}
                term = (inv_m * beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))).astype(dtype)
                self.constant = term if self.constant is None else self.constant + term
            elif isinstance(p, L1Sparsity):                           # ∂Ω/∂H = (λ/m) sign(H)
                value, terms = p.lam * inv_m * sums["abs H"], {}
                self.l1 += p.lam * inv_m
            else:                                                     # Contractive: ∂Ω/∂H = (2λ/m) σ''(z) w
                w = np.einsum("kj,kj->j", W1, W1)                     # wⱼ = ‖W1[:, j]‖²
                value = p.lam * inv_m * float(sums["s²"] @ w)
                coefficient = (2.0 * p.lam * inv_m) * w
                self.contractive = coefficient if self.contractive is None else self.contractive + coefficient
                terms = {"W1": (2.0 * p.lam * inv_m) * W1 * sums["s²"].astype(dtype)}
            omega += value
            for name, array in terms.items():
                direct[name] = array if name not in direct else direct[name] + array
        if self.contractive is not None:
            self.contractive = self.contractive.astype(dtype)
        return omega, direct

    def add_dOmega_dH(self, G, H, S):
        """G ← G + Σ ∂Ω/∂H on a block of rows (S: scratch of G's shape)."""
        if self.constant is not None:
            G += self.constant
        if self.l1:
            np.sign(H, out=S)
            S *= self.l1
            G += S
        if self.contractive is not None:                              # σ'' = h (1 - h) (1 - 2h)
            np.multiply(H, -2.0, out=S)
            S += 1.0
            S *= H
            S *= 1.0 - H
            S *= self.contractive
            G += S
