"""The fast path of :meth:`npae.models.autoencoder.Autoencoder.loss_and_grads`: the same pieces, on every core.

Nothing here is mathematics. The model's readable method is a few calls — the encoder's forward pass,
the penalties on the whole code, the decoder's forward and backward pass, the encoder's backward pass,
the tied sum and the direct terms — on all the rows at once; :func:`loss_and_grads` makes the same calls, with two changes that keep the
result (to rounding: the tests compare the two paths at a relative 1e-12) and save time:

1. **Rows split between the cores.** The loss is a mean over samples, so the loss and every gradient
   are sums of per-row parts. The rows are split into one chunk per core (:mod:`npae.perf.parallel`),
   and each chunk's encoder pass and backward pass run side by side, BLAS limited to one thread each.
   Only the penalties need all the rows at once (ρ̂ is a mean over the batch); they run between the
   two, on the whole code H.
2. **Blocks of rows on the decoder side.** The (rows, n_visible) arrays of the backward pass (Z2, x̂,
   δ³) are the largest of the computation: at MNIST size one of them is 60 MiB, and a fresh mapping that
   large costs thousands of page faults on every call, more than the matrix products. Each chunk
   therefore calls :meth:`~npae.models.autoencoder.Autoencoder.decoder_backprop` (steps 1-3) on blocks of
   ``block_size`` rows (about a million values, 8 MiB in float64): arrays that size are recycled by the C
   allocator from one block to the next, so no scratch memory has to be managed here, and nothing the
   caller owns is ever written. The encoder's half
   (:meth:`~npae.models.autoencoder.Autoencoder.encoder_backprop`, steps 4-5, on (rows, n_hidden)
   arrays) runs once per chunk, so that ∂J/∂W1 = Xᵀ δ² is one product per chunk, not one per block.

The trainers (:mod:`npae.training`) call :func:`loss_and_grads`, which takes any npae model: models other
than :class:`~npae.models.autoencoder.Autoencoder` go to their own ``loss_and_grads``.
"""

import numpy as np

from npae.checks import check_bool, check_int, check_model_interface, check_target_given
from npae.core.penalties import penalty_terms
from npae.models.autoencoder import Autoencoder, Code
from npae.perf import parallel

BLOCK_VALUES = 2**20          # values per decoder-side block of rows: 8 MiB in float64


def default_block_size(n_visible):
    """Rows per decoder-side block: about ``BLOCK_VALUES`` values of an (rows, n_visible) array, at least 1.

    Raises
    ------
    TypeError, ValueError
        If ``n_visible`` is not an integer >= 1.
    """
    n_visible = check_int("n_visible", n_visible, 1)
    return max(1, BLOCK_VALUES // n_visible)


def loss_and_grads(model, X, target=None, params=None, code_noise=None, need_grads=True, block_size=None):
    """A model's loss and gradients, computed on every core; the trainers' entry point.

    For an :class:`~npae.models.autoencoder.Autoencoder`, the same result as ``model.loss_and_grads`` (to
    rounding) from the same pieces (module docstring). For any other object with a
    ``loss_and_grads(X, target, params=None)`` method (deep models, softmax, PSD, wrappers such as
    :class:`npae.analysis.hashing.CodeNoiseTrainer`), and for an Autoencoder whose ``loss_and_grads`` or
    ``loss`` has been replaced (by a subclass or on the instance), that method, with ``params`` (and
    ``code_noise``) passed only if given.

    Parameters
    ----------
    model : npae model
    X : array_like of shape (m, n_visible)
    target : array_like, optional
        As the model's ``loss_and_grads`` (the clean x for a denoising autoencoder, labels for a classifier).
    params : dict, optional
        Evaluate at these parameters instead of ``model.params`` (nothing is mutated).
    code_noise : array_like of shape (m, n_hidden), optional
        As :meth:`~npae.models.autoencoder.Autoencoder.loss_and_grads` (passed on to the model's own method
        when it is not a plain Autoencoder).
    need_grads : bool
        False computes the loss alone (``grads`` is then None).
    block_size : int, optional
        Rows per decoder-side block (default :func:`default_block_size`); any value gives the same result.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray or None
        Keyed, shaped and typed like the parameters.

    Raises
    ------
    ValueError, TypeError
        As the model's ``loss_and_grads``: among others, parameters (``params``, or ``model.params`` when
        it is None) holding NaN or inf are refused with a ``ValueError`` naming ``params``, for every model
        (the trainers check the parameters after each step themselves and raise
        :class:`~npae.errors.DivergenceError`). ``model`` not an object with ``loss_and_grads`` (and ``loss``
        when ``need_grads`` is False), no ``target`` for a model whose method needs one (a classifier's
        labels, a PSD's codes H), ``need_grads`` not a bool, or ``block_size`` not None nor an integer >= 1,
        raise ``TypeError`` / ``ValueError``.
    """
    need_grads = check_bool("need_grads", need_grads)
    check_model_interface("model", model, ("loss_and_grads",) if need_grads else ("loss_and_grads", "loss"))
    if block_size is not None:
        block_size = check_int("block_size", block_size, 1)
    if not _is_plain_autoencoder(model):
        check_target_given(model, target, "loss_and_grads" if need_grads else "loss")   # labels, codes H
        if code_noise is not None:
            return (model.loss_and_grads(X, target, params=params, code_noise=code_noise) if need_grads
                    else (model.loss(X, target, params=params, code_noise=code_noise), None))
        if params is None:
            return model.loss_and_grads(X, target) if need_grads else (model.loss(X, target), None)
        return (model.loss_and_grads(X, target, params=params) if need_grads
                else (model.loss(X, target, params=params), None))
    params, X, T, code_noise = model.checked_inputs(X, target, params, code_noise)
    m = X.shape[0]
    inv_m = 1.0 / m
    block_size = default_block_size(model.n_visible) if block_size is None else block_size
    chunks = parallel.split_rows(m)                         # one chunk of rows per core

    def encode(rows):
        noise = None if code_noise is None else code_noise[rows]
        return model.encoder_forward(params, X[rows], noise)

    def backprop(rows, code):
        """Steps 1-5 for one chunk's rows; returns the chunk's part of the loss and gradients.

        The decoder's half (steps 1-3, on (rows, n_visible) arrays) runs block by block; the encoder's
        half (steps 4-5, on (rows, n_hidden) arrays) once on the whole chunk.
        """
        loss, decoder_grads, dJ_dH = 0.0, None, []
        for start in range(rows.start, rows.stop, block_size):
            block = slice(start, min(start + block_size, rows.stop))        # rows of X, T
            here = slice(block.start - rows.start, block.stop - rows.start)  # the same rows of the chunk's code
            part_loss, part, part_dJ_dH = model.decoder_backprop(params, code.H[here], T[block], inv_m, need_grads)
            loss += part_loss
            if need_grads:
                dJ_dH.append(part_dJ_dH)
                if decoder_grads is None:
                    decoder_grads = part                         # new arrays, ours: the next blocks add in place
                else:
                    for name in part:
                        decoder_grads[name] += part[name]
        if not need_grads:
            return loss, None
        dJ_dH = dJ_dH[0] if len(dJ_dH) == 1 else np.concatenate(dJ_dH)     # (rows, n_hidden), ours
        dOmega_dH = penalty.dOmega_dH                           # step 3: + Σ ∂Ω/∂H
        if dOmega_dH is not None:
            dJ_dH += dOmega_dH if dOmega_dH.ndim == 1 else dOmega_dH[rows]
        grads = model.encoder_backprop(params, X[rows], code, dJ_dH)           # steps 4-5
        grads.update(decoder_grads)
        return loss, grads

    with parallel.single_threaded_blas(len(chunks) > 1):
        codes = parallel.map_chunks(encode, chunks)
        # the penalties on the whole code (no copy of H when there is one chunk, or no penalty to see it)
        H = codes[0].H if len(codes) == 1 or not model.penalties else np.concatenate([c.H for c in codes])
        penalty = penalty_terms(model.penalties, params, H, inv_m)
        code_of = {rows.start: code for rows, code in zip(chunks, codes)}
        parts = parallel.map_chunks(lambda rows: backprop(rows, code_of[rows.start]), chunks)
    loss = sum(part_loss for part_loss, _ in parts) + penalty.value
    if not need_grads:
        return loss, None
    grads = dict(parts[0][1])
    for _, part in parts[1:]:                                               # in chunk order: deterministic
        grads = {k: grads[k] + part[k] for k in grads}
    return loss, model.add_tied_and_direct(params, grads, penalty.direct)


def _is_plain_autoencoder(model):
    """True for an Autoencoder whose ``loss_and_grads`` and ``loss`` are the class's own.

    A subclass or an instance that replaces either method computes something else (or watches the
    calls): it gets its own method, never the fast path's computation of Autoencoder's loss.
    """
    return (isinstance(model, Autoencoder)
            and all(getattr(type(model), name) is getattr(Autoencoder, name) and name not in vars(model)
                    for name in ("loss_and_grads", "loss")))


def loss(model, X, target=None, params=None, code_noise=None):
    """The loss alone, computed as :func:`loss_and_grads` does (arguments as there)."""
    return loss_and_grads(model, X, target, params, code_noise, need_grads=False)[0]
