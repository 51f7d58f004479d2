"""The two-layer autoencoder: one forward pass and one hand-derived backward pass for every variant.

Notation (``shared/README.md``; UFLDL's W⁽¹⁾ is our ``W1.T`` because our samples are rows)::

    X      (m, n_visible)        inputs, one sample per row (x̃ for a denoising autoencoder)
    Z1 = X @ W1 + b1             (m, n_hidden)      encoder pre-activation      [UFLDL z⁽²⁾]
    H  = f(Z1)                   (m, n_hidden)      the code h                   [UFLDL a⁽²⁾]
    Z2 = H @ W2 + b2             (m, n_visible)     decoder pre-activation      [UFLDL z⁽³⁾]
    X_hat = g(Z2)                (m, n_visible)     the reconstruction r = x̂    [UFLDL a⁽³⁾]
    J = L(X_hat, target) + Σ Ω(θ, H)                loss plus penalties, all means over the m samples

The sparse, contractive, L1-sparse and denoising autoencoders are configurations of this one class
(a list of :mod:`npae.core.penalties`, and for denoising a corrupted input with the clean ``target``), and
the tied autoencoder is the same class with ``W2 = W1.T``. There is no second copy of the backprop.
"""

import numbers

import numpy as np

from npae.core.activations import get_activation
from npae.checks import check_data, check_float_dtype, check_input_and_target, check_rng
from npae.core.flat import check_params
from npae.core.layers import affine_backward
from npae.core.losses import LOSSES
from npae.perf import parallel
from npae.core.penalties import Penalty

ENCODERS = ("sigmoid", "relu", "linear")
DECODERS = ("sigmoid", "linear")


class Autoencoder:
    """A two-layer autoencoder with hand-derived backprop (UFLDL sparse-autoencoder notes; Goodfellow et al. ch. 14).

    Parameters
    ----------
    n_visible : int ≥ 1
        Input (and output) width.
    n_hidden : int ≥ 1
        Code width. Undercomplete when ``n_hidden < n_visible`` (Goodfellow et al. §14.1).
    encoder : {"sigmoid", "relu", "linear"}
        The code nonlinearity f in H = f(X W1 + b1). "linear" (f(z) = z) gives the linear autoencoder
        whose optimum spans the principal subspace (Baldi & Hornik 1989; Goodfellow et al. §14.1).
    decoder : {"sigmoid", "linear"}
        The output nonlinearity g in X_hat = g(H W2 + b2); "linear" is UFLDL's linear decoder, for
        inputs that are not in [0, 1].
    loss : {"squared_error", "cross_entropy"}
        Gaussian (squared error) or Bernoulli (cross-entropy, sigmoid decoder only) decoder;
        see :mod:`npae.core.losses`.
    tied : bool
        If True the decoder uses ``W1.T`` and ``params`` has no ``W2``.
    penalties : sequence of npae.core.penalties.Penalty
        Regularisers, e.g. ``[WeightDecay(1e-4), KLSparsity(rho=0.01, beta=3)]``.
    rng : numpy.random.Generator, optional
        Draws the initial weights. If None, a fresh unseeded generator is used (not reproducible).
    dtype : {numpy.float64, numpy.float32}
        Parameter dtype. Gradient checks need float64; float32 is an opt-in for speed.
    init : {"ufldl", "glorot"}
        "ufldl": W ~ U[-r, r], r = √(6 / (n_visible + n_hidden + 1)) for both matrices (UFLDL
        ``initializeParameters.m``); "glorot": r = √(6 / (fan_in + fan_out)) (Glorot & Bengio 2010,
        Keras' default). Biases start at 0.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible) unless tied,
        ``b2`` (n_visible,). Read at every call: assigning new arrays of the same shapes is honoured.
    block_size : int
        Rows processed at a time on the decoder side (see :meth:`loss_and_grads`).

    Raises
    ------
    ValueError, TypeError
        For a non-positive size, an unknown encoder/decoder/loss/init name, cross-entropy with a linear
        decoder, a penalty that needs a sigmoid code with another encoder, or a penalty that is not a
        :class:`~npae.core.penalties.Penalty`.
    """

    def __init__(self, n_visible, n_hidden, *, encoder="sigmoid", decoder="sigmoid", loss="squared_error",
                 tied=False, penalties=(), rng=None, dtype=np.float64, init="ufldl"):
        for name, value in (("n_visible", n_visible), ("n_hidden", n_hidden)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.n_visible, self.n_hidden = int(n_visible), int(n_hidden)
        self.encoder = get_activation(encoder, "encoder", ENCODERS)
        self.decoder = get_activation(decoder, "decoder", DECODERS)
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {tuple(LOSSES)}, got {loss!r}")
        if loss == "cross_entropy" and decoder != "sigmoid":
            raise ValueError("loss='cross_entropy' needs decoder='sigmoid' (a Bernoulli mean must lie in "
                             f"(0, 1)), got decoder={decoder!r}")
        self.loss_name = loss
        self.tied = bool(tied)
        self.penalties = list(penalties)
        for p in self.penalties:
            if not isinstance(p, Penalty):
                raise TypeError(f"penalties must hold npae.core.penalties.Penalty objects, got {p!r}")
            if p.needs_sigmoid_code and encoder != "sigmoid":
                raise ValueError(f"{type(p).__name__} assumes a sigmoid code; it cannot be used with "
                                 f"encoder={encoder!r}")
        self.dtype = check_float_dtype(dtype)
        self.init = init
        self.params = self.initial_params(rng if rng is not None else np.random.default_rng())
        self.block_size = max(1, 2**20 // self.n_visible)    # about 1M values: 8 MiB in float64
        self._workspace = {}                                  # reused scratch arrays, see _scratch

    # ------------------------------------------------------------------ parameters
    def initial_params(self, rng):
        """Draw initial parameters: weights uniform in [-r, r], biases zero (see ``init``).

        Parameters
        ----------
        rng : numpy.random.Generator

        Returns
        -------
        dict of str -> ndarray of ``self.dtype``: ``W1``, ``b1`` and, unless tied, ``W2``; then ``b2``.

        Raises
        ------
        TypeError
            If ``rng`` is not a ``numpy.random.Generator``.
        ValueError
            If ``self.init`` is not "ufldl" or "glorot".
        """
        rng = check_rng(rng)
        if self.init == "ufldl":
            r = np.sqrt(6.0 / (self.n_visible + self.n_hidden + 1))
        elif self.init == "glorot":
            r = np.sqrt(6.0 / (self.n_visible + self.n_hidden))
        else:
            raise ValueError(f"init must be 'ufldl' or 'glorot', got {self.init!r}")
        shape1, shape2 = (self.n_visible, self.n_hidden), (self.n_hidden, self.n_visible)
        params = {"W1": rng.uniform(-r, r, size=shape1).astype(self.dtype),
                  "b1": np.zeros(self.n_hidden, dtype=self.dtype)}
        if not self.tied:
            params["W2"] = rng.uniform(-r, r, size=shape2).astype(self.dtype)
        params["b2"] = np.zeros(self.n_visible, dtype=self.dtype)
        return params

    def _shapes(self):
        shapes = {"W1": (self.n_visible, self.n_hidden), "b1": (self.n_hidden,)}
        if not self.tied:
            shapes["W2"] = (self.n_hidden, self.n_visible)
        shapes["b2"] = (self.n_visible,)
        return shapes

    def _checked(self, params):
        """Return ``params`` (default ``self.params``) after checking its keys and shapes."""
        params = self.params if params is None else params
        shapes = self._shapes()
        return check_params(params, shapes)

    def _scratch(self, name, shape):
        """An uninitialised array of ``shape`` and the model's dtype, the same memory on every call.

        The forward and backward pass needs tens of MiB of intermediate arrays at MNIST size (Z1, H, the
        decoder's block buffers). Fresh arrays that large are mapped anew by the allocator on each call
        and cost thousands of page faults; keeping them between calls avoids that. Nothing returned to
        the caller lives in this memory, and each chunk of rows has its own names, so the chunks never
        share a scratch array (one model is not meant to be called from two threads at once).
        """
        array = self._workspace.get(name)
        if array is None or array.shape != shape:
            array = self._workspace[name] = np.empty(shape, dtype=self.dtype)
        return array

    def _decoder_weights(self, params):
        """W2 of shape (n_hidden, n_visible): the transpose *view* of W1 when tied (no copy)."""
        return params["W1"].T if self.tied else params["W2"]

    # ------------------------------------------------------------------ forward
    def encode(self, X, params=None):
        """The code H = f(X @ W1 + b1).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_visible)
        params : dict, optional
            Parameters to use instead of ``self.params``.

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden), dtype ``self.dtype``

        Raises
        ------
        ValueError, TypeError
            If ``X`` is not a finite numeric 2-D array of width n_visible.
        """
        params = self._checked(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        return self.encoder.forward(X @ params["W1"] + params["b1"])

    def decode(self, H, params=None):
        """The reconstruction X_hat = g(H @ W2 + b2).

        Parameters
        ----------
        H : array_like of shape (n_samples, n_hidden)
        params : dict, optional

        Returns
        -------
        X_hat : ndarray of shape (n_samples, n_visible), dtype ``self.dtype``

        Raises
        ------
        ValueError, TypeError
            If ``H`` is not a finite numeric 2-D array of width n_hidden.
        """
        params = self._checked(params)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        return self.decoder.forward(H @ self._decoder_weights(params) + params["b2"])

    def logits(self, X, params=None):
        """The decoder's pre-activation Z2 = H @ W2 + b2 with H = encode(X): (n_samples, n_visible), ``self.dtype``."""
        params = self._checked(params)
        H = self.encode(X, params)
        return H @ self._decoder_weights(params) + params["b2"]

    def reconstruct(self, X, params=None):
        """``decode(encode(X))``: an (n_samples, n_visible) array of ``self.dtype``."""
        return self.decode(self.encode(X, params), params)

    # ------------------------------------------------------------------ loss and backprop
    def loss(self, X, target=None, params=None, code_noise=None):
        """The loss J without gradients (cheaper; used for validation). Arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, target, params, code_noise, need_grads=False)[0]

    def loss_and_grads(self, X, target=None, params=None, code_noise=None):
        """The loss J and its gradient with respect to every parameter, by hand-derived backprop.

        J = (1/m) Σᵢ L(x̂⁽ⁱ⁾, t⁽ⁱ⁾) + Σ_penalties Ω, every term a mean over the m samples as the
        design card says (squared error with the ½; see :mod:`npae.core.losses`, :mod:`npae.core.penalties`).

        Backward pass (UFLDL sparse-autoencoder notes §2.2, "backpropagation algorithm"; our δs carry
        the 1/m of the mean, so the gradients are plain products with no further division):

        1. δ³ = ∂J/∂Z2 = (1/m)(x̂ - t) ∘ g'(Z2)  (squared error; cross-entropy: (1/m)(σ(Z2) - t))
        2. ∂J/∂W2 = Hᵀ δ³,  ∂J/∂b2 = Σᵢ δ³ᵢ
        3. ∂J/∂H = δ³ W2ᵀ + Σ_penalties ∂Ω/∂H            (UFLDL's Σ W⁽²⁾δ⁽³⁾ plus the sparsity term)
        4. δ² = ∂J/∂Z1 = ∂J/∂H ∘ f'(Z1)
        5. ∂J/∂W1 = Xᵀ δ²,  ∂J/∂b1 = Σᵢ δ²ᵢ
        6. + the penalties' direct terms (λ W for weight decay, the contractive 2 s² W term);
           tied: ∂J/∂W1 += (∂J/∂W2)ᵀ, because the same matrix is used twice, once as W1 in the encoder
           and once as W1ᵀ in the decoder, and a parameter used twice gets the sum of both paths.

        The loss is a sum over samples, so it and every gradient can be computed on parts of the rows
        and added up; the code uses this twice. (a) Steps 1–3 work on (m, n_visible) arrays, the largest
        in the computation; they are done for ``block_size`` rows at a time. This keeps each temporary to
        a few MiB, which the allocator reuses from call to call; one (m, n_visible) temporary per step is
        a fresh 60 MiB mapping at MNIST size, and its page faults cost more than the matrix products (see
        ``benchmarks/bench_loss_and_grads.py``). (b) The rows are split into one chunk per core and the
        chunks run at the same time (:func:`npae.perf.parallel.map_chunks`), each returning its part of
        the loss and of the gradients. The penalties need the whole H (ρ̂ is a mean over the batch), so
        the encoder runs on all rows first, then the penalties, then steps 1–5 chunk by chunk.

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
            Inputs; for a denoising autoencoder the corrupted x̃ (drawn before the call, so that this
            function is deterministic and can be gradient-checked).
        target : array_like of shape (m, n_visible), optional
            What the reconstruction is compared with; defaults to ``X``. Denoising: the clean x.
        params : dict, optional
            Parameters to evaluate at instead of ``self.params`` (the gradient checker uses this;
            nothing is mutated).
        code_noise : array_like of shape (m, n_hidden), optional
            Added to the encoder's pre-activation, H = f(Z1 + N): Salakhutdinov & Hinton's semantic-hashing
            trick (noise at the input of the code units pushes them to saturate, so that thresholding
            them loses little). Drawn by the caller, so the loss stays deterministic; the backward pass
            is unchanged (f' is taken at the noisy pre-activation).

        Returns
        -------
        loss : float
        grads : dict of str -> ndarray
            Same keys, shapes and dtype as the parameters.

        Raises
        ------
        ValueError, TypeError
            If ``X`` or ``target`` is not a finite numeric (m, n_visible) array, or — for a sigmoid
            decoder — ``target`` has values outside [0, 1]; if ``params`` has wrong keys or shapes.
        """
        return self._forward_backward(X, target, params, code_noise, need_grads=True)

    def _forward_backward(self, X, target, params, code_noise, need_grads):
        params = self._checked(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        chunks = parallel.split_rows(X.shape[0])             # one chunk of rows per core (npae.perf.parallel)
        with parallel.single_threaded_blas(len(chunks) > 1):
            return self._chunked_forward_backward(X, T, params, code_noise, need_grads, chunks)

    def _chunked_forward_backward(self, X, T, params, code_noise, need_grads, chunks):
        m = X.shape[0]
        scale = 1.0 / m
        W1, b1, b2 = params["W1"], params["b1"], params["b2"]
        W2 = self._decoder_weights(params)
        if code_noise is not None:
            code_noise = check_data(code_noise, "code_noise", self.n_hidden, self.dtype).reshape(m, self.n_hidden)

        # Forward through the encoder: Z1 = X W1 + b1 (+ N), H = f(Z1), (m, n_hidden) each.
        Z1 = self._scratch("Z1", (m, self.n_hidden))
        H = self._scratch("H", (m, self.n_hidden))

        def encode_rows(rows):
            np.matmul(X[rows], W1, out=Z1[rows])
            Z1[rows] += b1
            if code_noise is not None:
                Z1[rows] += code_noise[rows]
            self.encoder.forward(Z1[rows], out=H[rows])

        parallel.map_chunks(encode_rows, chunks)

        # Penalties need the whole H (ρ̂ is a mean over all m samples): value, ∂Ω/∂H, direct gradients.
        loss = 0.0
        penalty_dH, direct = [], []
        for penalty in self.penalties:
            value, dH_penalty, direct_grads = penalty(params, H, scale)
            loss += value
            if dH_penalty is not None:
                penalty_dH.append(dH_penalty)       # (n_hidden,) broadcasts over rows, or (m, n_hidden)
            direct.append(direct_grads)

        def backprop_rows(rows):
            """Steps 1-5 for one chunk of rows; returns its part of the loss and of each gradient."""
            n = rows.stop - rows.start
            block = min(n, self.block_size)
            # One Z2, one δ³ and one work buffer serve all the blocks of this chunk (and every call):
            # fresh memory costs page faults (see _scratch).
            chunk = rows.start                                  # names this chunk's own scratch arrays
            Z2_buffer = self._scratch(("Z2", chunk), (block, self.n_visible))
            delta3_buffer = self._scratch(("delta3", chunk), (block, self.n_visible))
            work_buffer = self._scratch(("work", chunk), (block, self.n_visible))   # x̂, or scratch
            dH = self._scratch(("dH", chunk), (n, self.n_hidden)) if need_grads else None
            part = {"loss": 0.0, "W2": np.zeros_like(W2), "b2": np.zeros_like(b2)}
            for start in range(rows.start, rows.stop, block):
                here = slice(start, min(start + block, rows.stop))    # a block of rows of X, T, H
                n_here = here.stop - here.start
                Z2 = np.matmul(H[here], W2, out=Z2_buffer[:n_here])
                Z2 += b2
                value, delta3 = loss_fn(Z2, T[here], self.decoder, scale,   # step 1: δ³ (block, n_visible)
                                        out=delta3_buffer[:n_here], work=work_buffer[:n_here])
                part["loss"] += value
                if need_grads:
                    # steps 2 and 3: Hᵀ δ³, Σᵢ δ³ᵢ, and δ³ W2ᵀ written into this block's rows of dH
                    dW2_block, db2_block, _ = affine_backward(
                        delta3, H[here], W2, dA_out=dH[start - rows.start:here.stop - rows.start])
                    part["W2"] += dW2_block
                    part["b2"] += db2_block
            if not need_grads:
                return part
            for dH_penalty in penalty_dH:                               # step 3: + ∂Ω/∂H
                dH += dH_penalty if dH_penalty.ndim == 1 else dH_penalty[rows]
            delta2 = dH
            # step 4: δ² = ∂J/∂H ∘ f'(Z1); Z1 is not needed any more, so its rows receive f'(Z1)
            delta2 *= self.encoder.derivative(Z1[rows], H[rows], out=Z1[rows])
            part["W1"], part["b1"], _ = affine_backward(delta2, X[rows], W1, need_dA=False)   # step 5
            return part

        # Decoder, loss and steps 1-5, a chunk of rows per core (see npae.perf.parallel); the parts add up.
        loss_fn = LOSSES[self.loss_name]
        parts = parallel.map_chunks(backprop_rows, chunks)
        loss += sum(part["loss"] for part in parts)
        if not need_grads:
            return loss, None
        grads = {name: sum(part[name] for part in parts) for name in ("W1", "b1", "W2", "b2")}
        if self.tied:
            grads["W1"] += grads.pop("W2").T                              # step 6: the decoder path of W1
        for direct_grads in direct:                                       # step 6: direct terms
            for name, g in direct_grads.items():
                grads[name] += g
        return loss, {name: grads[name] for name in params}               # in the order of params

    # ------------------------------------------------------------------ description
    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model."""
        return {"n_visible": self.n_visible, "n_hidden": self.n_hidden, "encoder": self.encoder.name,
                "decoder": self.decoder.name, "loss": self.loss_name, "tied": self.tied,
                "penalties": [(type(p).__name__, p.config()) for p in self.penalties],
                "dtype": self.dtype.name, "init": self.init}

    def __repr__(self):
        c = self.config()
        pens = ", ".join(repr(p) for p in self.penalties)
        return (f"Autoencoder({c['n_visible']}, {c['n_hidden']}, encoder={c['encoder']!r}, "
                f"decoder={c['decoder']!r}, loss={c['loss']!r}, tied={c['tied']}, penalties=[{pens}], "
                f"dtype={c['dtype']})")
