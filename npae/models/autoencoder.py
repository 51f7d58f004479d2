"""The two-layer autoencoder: one forward pass and one hand-derived backward pass for every variant.

Notation (``docs/notation.md``; UFLDL's W⁽¹⁾ is our ``W1.T`` because our samples are rows)::

    X      (m, n_visible)        inputs, one sample per row (x̃ for a denoising autoencoder)
    Z1 = X @ W1 + b1             (m, n_hidden)      encoder pre-activation      [UFLDL z⁽²⁾]
    H  = f(Z1)                   (m, n_hidden)      the code h                   [UFLDL a⁽²⁾]
    Z2 = H @ W2 + b2             (m, n_visible)     decoder pre-activation      [UFLDL z⁽³⁾]
    X_hat = g(Z2)                (m, n_visible)     the reconstruction r = x̂    [UFLDL a⁽³⁾]
    J = L(X_hat, target) + Σ Ω(θ, H)                loss plus penalties, all means over the m samples

The sparse, contractive, L1-sparse and denoising autoencoders are configurations of this one class
(a list of :mod:`npae.core.penalties`, and for denoising a corrupted input with the clean ``target``), and
the tied autoencoder is the same class with ``W2 = W1.T``. There is no second copy of the backprop.

:meth:`Autoencoder.loss_and_grads` is the whole computation, read top to bottom: the encoder's forward
pass (:meth:`Autoencoder.encoder_forward`), the penalties on the whole code
(:func:`npae.core.penalties.penalty_terms`), the decoder's forward pass and the backward pass
(:meth:`Autoencoder.backprop`: the decoder's half :meth:`Autoencoder.decoder_backprop`, then the
encoder's half :meth:`Autoencoder.encoder_backprop`), and the last step
(:meth:`Autoencoder.add_tied_and_direct`). The performance layer (:mod:`npae.perf.autoencoder`) calls the
same pieces, with the rows split between the cores and the decoder's half run on blocks of rows; it is
optional reading.
"""

from typing import NamedTuple

import numpy as np

from npae.checks import (check_bool, check_choice, check_data, check_float_array, check_float_dtype,
                         check_input_and_target, check_int, check_rng)
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, affine_backward, dense_forward, initial_weights
from npae.core.losses import LOSSES
from npae.core.penalties import Penalty, penalty_terms

ENCODERS = ("sigmoid", "relu", "linear")
DECODERS = ("sigmoid", "linear")
REDUCTIONS = ("sum", "mean")


class Code(NamedTuple):
    """The encoder's forward pass for some rows: ``Z1`` and ``H = f(Z1)``, each (rows, n_hidden)."""

    Z1: np.ndarray
    H: np.ndarray


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
    penalties : Penalty or sequence of npae.core.penalties.Penalty
        Regularisers, e.g. ``[WeightDecay(1e-4), KLSparsity(rho=0.01, beta=3)]``. A single penalty is
        taken as a list of one.
    rng : numpy.random.Generator, optional
        Draws the initial weights. If None, a fresh unseeded generator is used (not reproducible).
    dtype : {numpy.float64, numpy.float32}
        Parameter dtype. Gradient checks need float64; float32 is an opt-in for speed.
    init : {"ufldl", "glorot"}
        The weights' initialisation (:func:`npae.core.layers.initial_weights`); biases start at 0.
    reduction : {"sum", "mean"}
        How the reconstruction loss treats the features of one sample. "sum" (default): summed over the
        n_visible features, as UFLDL's J and ``docs/notation.md``; "mean": their mean, i.e. the loss and
        every gradient of the loss divided by n_visible (Keras' ``binary_crossentropy`` and ``mse``
        objectives). Either way the loss is a mean over the samples. The penalties are never divided by
        n_visible: with "mean", the same penalty weights weigh n_visible times more against the loss.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible) unless tied,
        ``b2`` (n_visible,). Read at every call: assigning new arrays of the same shapes is honoured.

    Raises
    ------
    ValueError, TypeError
        For a non-positive size, an unknown encoder/decoder/loss/init/reduction name, cross-entropy with
        a linear decoder, a ``tied`` that is not a bool, a penalty that needs a sigmoid code with another
        encoder, or a penalty that is not a :class:`~npae.core.penalties.Penalty`.
    """

    def __init__(self, n_visible, n_hidden, *, encoder="sigmoid", decoder="sigmoid", loss="squared_error",
                 tied=False, penalties=(), rng=None, dtype=np.float64, init="ufldl", reduction="sum"):
        self.n_visible = check_int("n_visible", n_visible, 1)
        self.n_hidden = check_int("n_hidden", n_hidden, 1)
        self.encoder = get_activation(encoder, "encoder", ENCODERS)
        self.decoder = get_activation(decoder, "decoder", DECODERS)
        self.loss_name = check_choice("loss", loss, tuple(LOSSES))
        if loss == "cross_entropy" and decoder != "sigmoid":
            raise ValueError("loss='cross_entropy' needs decoder='sigmoid' (a Bernoulli mean must lie in "
                             f"(0, 1)), got decoder={decoder!r}")
        self.tied = check_bool("tied", tied)
        self.penalties = [penalties] if isinstance(penalties, Penalty) else _penalty_list(penalties)
        for p in self.penalties:
            if p.needs_sigmoid_code and encoder != "sigmoid":
                raise ValueError(f"{type(p).__name__} assumes a sigmoid code; it cannot be used with "
                                 f"encoder={encoder!r}")
        self.dtype = check_float_dtype(dtype)
        self.init = check_choice("init", init, INITS)
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)
        self.params = self.initial_params(check_rng(rng, none_means_fresh=True))

    # ------------------------------------------------------------------ parameters
    def initial_params(self, rng):
        """Draw initial parameters: weights by :func:`npae.core.layers.initial_weights`, biases zero.

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
        """
        rng = check_rng(rng)
        params = {"W1": initial_weights(rng, self.n_visible, self.n_hidden, self.init, self.dtype),
                  "b1": np.zeros(self.n_hidden, dtype=self.dtype)}
        if not self.tied:
            params["W2"] = initial_weights(rng, self.n_hidden, self.n_visible, self.init, self.dtype)
        params["b2"] = np.zeros(self.n_visible, dtype=self.dtype)
        return params

    def param_shapes(self):
        """The shape of every parameter: dict name -> tuple, in the order of ``params``."""
        shapes = {"W1": (self.n_visible, self.n_hidden), "b1": (self.n_hidden,)}
        if not self.tied:
            shapes["W2"] = (self.n_hidden, self.n_visible)
        shapes["b2"] = (self.n_visible,)
        return shapes

    def checked_params(self, params=None):
        """``params`` (default ``self.params``) checked: a dict with the right keys and shapes, finite values.

        Raises
        ------
        TypeError, ValueError
            Naming ``params`` (see :func:`npae.core.flat.check_params`).
        """
        return check_params(self.params if params is None else params, self.param_shapes())

    def checked_inputs(self, X, target=None, params=None, code_noise=None):
        """Check the arguments of :meth:`loss_and_grads`; return ``(params, X, T, code_noise)``.

        ``X`` and ``T`` come back as (m, n_visible) arrays of ``self.dtype`` (``T is X`` without a
        target), ``code_noise`` as an (m, n_hidden) array or None. Nothing is modified.

        Raises
        ------
        ValueError, TypeError
            As :meth:`loss_and_grads`.
        """
        params = self.checked_params(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        if code_noise is not None:
            code_noise = check_data(code_noise, "code_noise", self.n_hidden, self.dtype)
            if code_noise.shape[0] != X.shape[0]:
                raise ValueError(f"code_noise must have shape ({X.shape[0]}, {self.n_hidden}) like the code "
                                 f"of X, got {code_noise.shape}")
        return params, X, T, code_noise

    def decoder_weights(self, params):
        """W2 of shape (n_hidden, n_visible): the transpose *view* of W1 when tied (no copy).

        Parameters
        ----------
        params : dict
            The model's parameters (keys and shapes of :meth:`param_shapes`).

        Returns
        -------
        ndarray of shape (n_hidden, n_visible)

        Raises
        ------
        TypeError, ValueError
            If ``params`` is malformed (:meth:`checked_params`).
        """
        return self._decoder_weights(self.checked_params(params))

    def _decoder_weights(self, params):
        """:meth:`decoder_weights` for params already checked (the forward and backward passes)."""
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
            If ``X`` is not a finite numeric 2-D array of width n_visible, or ``params`` is malformed.
        """
        params = self.checked_params(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        return self.encoder_forward(params, X).H

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
            If ``H`` is not a finite numeric 2-D array of width n_hidden, or ``params`` is malformed.
        """
        params = self.checked_params(params)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        return dense_forward(H, self._decoder_weights(params), params["b2"], self.decoder)[1]

    def logits(self, X, params=None):
        """The decoder's pre-activation Z2 = H @ W2 + b2 with H = encode(X): (n_samples, n_visible), ``self.dtype``."""
        params = self.checked_params(params)
        H = self.encode(X, params)
        return H @ self._decoder_weights(params) + params["b2"]

    def reconstruct(self, X, params=None):
        """``decode(encode(X))``: an (n_samples, n_visible) array of ``self.dtype``."""
        return self.decode(self.encode(X, params), params)

    def encoder_forward(self, params, X, code_noise=None):
        """The encoder's forward pass, unchecked: Z1 = X W1 + b1 (+ N), H = f(Z1).

        The one forward pass of the encoder: :meth:`encode`, :meth:`loss_and_grads`, the performance
        layer and the analysis helpers (:mod:`npae.analysis.jacobian`, :mod:`npae.analysis.manifold`,
        :mod:`npae.analysis.metrics`) all call it. The arrays are used as given (their dtype decides the
        computation's); the public methods check them first.

        Parameters
        ----------
        params : dict with ``W1`` (n_visible, n_hidden) and ``b1`` (n_hidden,)
        X : ndarray of shape (m, n_visible)
        code_noise : ndarray of shape (m, n_hidden), optional
            N, added to the pre-activation (see :meth:`loss_and_grads`).

        Returns
        -------
        Code
            ``Z1`` and ``H``, each of shape (m, n_hidden).

        Raises
        ------
        TypeError, ValueError
            If ``X`` (or ``code_noise``) is not a float ndarray of shape (m >= 1, n_visible) (of shape
            (m, n_hidden)): types and shapes only, the values are not read.
        """
        check_float_array("X", X)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] != self.n_visible:
            raise ValueError(f"X must have shape (m >= 1, {self.n_visible}), got {X.shape}")
        if code_noise is not None:
            check_float_array("code_noise", code_noise)
            if code_noise.shape != (X.shape[0], self.n_hidden):
                raise ValueError(f"code_noise must have shape ({X.shape[0]}, {self.n_hidden}), got {code_noise.shape}")
        b1 = params["b1"] if code_noise is None else params["b1"] + code_noise   # N shifts each row's bias
        return Code(*dense_forward(X, params["W1"], b1, self.encoder))

    # ------------------------------------------------------------------ loss and backprop
    def loss(self, X, target=None, params=None, code_noise=None):
        """The loss J without gradients (cheaper; used for validation). Arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, target, params, code_noise, need_grads=False)[0]

    def loss_and_grads(self, X, target=None, params=None, code_noise=None, need_grads=True):
        """The loss J and its gradient with respect to every parameter, by hand-derived backprop.

        J = (1/m) Σᵢ L(x̂⁽ⁱ⁾, t⁽ⁱ⁾) + Σ_penalties Ω, every term a mean over the m samples
        (``docs/notation.md``; squared error with the ½, see :mod:`npae.core.losses` and
        :mod:`npae.core.penalties`).

        The computation, in the order of the UFLDL sparse-autoencoder notes (§2.2, "backpropagation
        algorithm"; our deltas carry the 1/m of the mean, so the gradients are plain products):

        - step 0, forward: Z1 = X W1 + b1, H = f(Z1) on all m rows, then the penalties on the whole H
          (ρ̂ is a mean over the batch): Ω, ∂Ω/∂H and the direct terms ∂Ω/∂θ;
        - steps 1-5, :meth:`backprop`: the decoder's half (:meth:`decoder_backprop`: Z2, x̂ and the loss;
          δ³; ∂J/∂W2, ∂J/∂b2; δ³ W2ᵀ), then ∂J/∂H = δ³ W2ᵀ + ∂Ω/∂H, then the encoder's half
          (:meth:`encoder_backprop`: δ² = ∂J/∂H ∘ f'(Z1); ∂J/∂W1, ∂J/∂b1);
        - step 6, :meth:`add_tied_and_direct`: the tied sum and the penalties' direct terms.

        This is the readable path: every array is new and the rows are processed at once. The
        performance layer (:func:`npae.perf.autoencoder.loss_and_grads`, which the trainers use) runs the
        same pieces on blocks of rows on every core, and gives the same result to rounding.

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
            Inputs; for a denoising autoencoder the corrupted x̃ (drawn before the call, so that this
            function is deterministic and can be gradient-checked).
        target : array_like of shape (m, n_visible), optional
            What the reconstruction is compared with; defaults to ``X``. Denoising: the clean x.
        params : dict, optional
            Parameters to evaluate at instead of ``self.params`` (the gradient checker uses this;
            nothing is mutated). Arrays or nested lists of the shapes of :meth:`param_shapes`.
        code_noise : array_like of shape (m, n_hidden), optional
            Added to the encoder's pre-activation, H = f(Z1 + N): Salakhutdinov & Hinton's semantic-hashing
            trick (noise at the input of the code units pushes them to saturate, so that thresholding
            them loses little). Drawn by the caller, so the loss stays deterministic; the backward pass
            is unchanged (f' is taken at the noisy pre-activation).
        need_grads : bool
            False computes the loss alone (``grads`` is then None).

        Returns
        -------
        loss : float
        grads : dict of str -> ndarray, or None
            Same keys, shapes and dtype as the parameters.

        Raises
        ------
        ValueError, TypeError
            If ``X``, ``target`` or ``code_noise`` is not a finite numeric array of the right shape, or —
            for a sigmoid decoder — ``target`` has values outside [0, 1]; if ``params`` is not a dict
            with the right keys and shapes and finite values (the message names ``params``).
        """
        params, X, T, code_noise = self.checked_inputs(X, target, params, code_noise)
        inv_m = 1.0 / X.shape[0]                                          # every term is a mean over m rows
        code = self.encoder_forward(params, X, code_noise)                # step 0: Z1, H (m, n_hidden)
        penalty = penalty_terms(self.penalties, params, code.H, inv_m)    # Ω, ∂Ω/∂H, ∂Ω/∂θ on the whole H
        loss, grads = self.backprop(params, X, T, code, penalty.dOmega_dH, inv_m, need_grads)   # steps 1-5
        loss += penalty.value
        if not need_grads:
            return loss, None
        return loss, self.add_tied_and_direct(params, grads, penalty.direct)                   # step 6

    def backprop(self, params, X, T, code, dOmega_dH, inv_m, need_grads=True):
        """The decoder's forward pass, the loss and steps 1-5 of backprop, for a set of rows.

        The decoder's half (:meth:`decoder_backprop`: Z2, x̂, the loss, δ³, ∂J/∂W2, ∂J/∂b2 and δ³ W2ᵀ),
        then step 3's sum with the penalties' ∂Ω/∂H, then the encoder's half (:meth:`encoder_backprop`:
        δ², ∂J/∂W1, ∂J/∂b1). The loss is a mean over samples, so this may be called on any block of
        the rows and the results added up (``inv_m`` stays 1/m of the whole batch).

        Parameters
        ----------
        params : dict (checked)
        X : ndarray of shape (rows, n_visible)
            The encoder's input for these rows.
        T : ndarray of shape (rows, n_visible)
            Their targets.
        code : Code
            ``Z1`` and ``H`` of these rows (:meth:`encoder_forward`), each (rows, n_hidden).
        dOmega_dH : ndarray or None
            Σ ∂Ω/∂H of the penalties: (n_hidden,) (the same for every row), these rows of an
            (m, n_hidden) array, or None.
        inv_m : float
            1/m, m the number of rows of the whole batch.
        need_grads : bool

        Returns
        -------
        loss : float
            These rows' part of the reconstruction loss.
        grads : dict or None
            These rows' part of ∂J/∂W1 (n_visible, n_hidden), ∂J/∂b1 (n_hidden,), ∂J/∂W2
            (n_hidden, n_visible) — the decoder's use of W2, also when tied — and ∂J/∂b2 (n_visible,).
        """
        loss, decoder_grads, dJ_dH = self.decoder_backprop(params, code.H, T, inv_m, need_grads)  # steps 1-3
        if not need_grads:
            return loss, None
        # step 3: ∂J/∂H = δ³ W2ᵀ + Σ ∂Ω/∂H (UFLDL's Σ W⁽²⁾δ⁽³⁾ plus the sparsity delta term)
        if dOmega_dH is not None:
            dJ_dH = dJ_dH + dOmega_dH
        encoder_grads = self.encoder_backprop(params, X, code, dJ_dH)                            # steps 4-5
        return loss, {**encoder_grads, **decoder_grads}

    def decoder_backprop(self, params, H, T, inv_m, need_grads=True):
        """The decoder's forward pass, the loss, and backprop through the decoder (steps 1-3), for a set of rows.

        Parameters
        ----------
        params : dict (checked)
        H : ndarray of shape (rows, n_hidden)
            The code of these rows.
        T : ndarray of shape (rows, n_visible)
            Their targets.
        inv_m : float
            1/m, m the number of rows of the whole batch.
        need_grads : bool

        Returns
        -------
        loss : float
            These rows' part of the reconstruction loss.
        grads : dict or None
            ``W2``: these rows' part of ∂J/∂W2 = Hᵀ δ³ (n_hidden, n_visible) — the decoder's use of W2,
            also when tied —, ``b2``: ∂J/∂b2 = Σᵢ δ³ᵢ (n_visible,).
        dJ_dH : ndarray of shape (rows, n_hidden) or None
            δ³ W2ᵀ, the error the decoder sends back to the code (without the penalties' ∂Ω/∂H).
        """
        W2 = self._decoder_weights(params)                                 # (n_hidden, n_visible)
        inv_m_loss = inv_m / self.n_visible if self.reduction == "mean" else inv_m   # "mean" over features
        # forward, decoder: Z2 = H W2 + b2 (rows, n_visible); the loss and step 1, δ³ = ∂J/∂Z2 (rows, n_visible)
        Z2 = H @ W2
        Z2 += params["b2"]
        loss, delta3 = LOSSES[self.loss_name](Z2, T, self.decoder, inv_m_loss)
        if not need_grads:
            return loss, None, None
        # step 2: ∂J/∂W2 = Hᵀ δ³ (n_hidden, n_visible), ∂J/∂b2 = Σᵢ δ³ᵢ (n_visible,);
        # step 3, first part: δ³ W2ᵀ (rows, n_hidden), the error the decoder sends back to the code
        dJ_dW2, dJ_db2, dJ_dH = affine_backward(delta3, H, W2)
        return loss, {"W2": dJ_dW2, "b2": dJ_db2}, dJ_dH

    def encoder_backprop(self, params, X, code, dJ_dH):
        """Backprop through the encoder (steps 4-5), for a set of rows, from the error at the code.

        Parameters
        ----------
        params : dict (checked)
        X : ndarray of shape (rows, n_visible)
            The encoder's input for these rows.
        code : Code
            ``Z1`` and ``H`` of these rows, each (rows, n_hidden).
        dJ_dH : ndarray of shape (rows, n_hidden)
            ∂J/∂H: δ³ W2ᵀ plus the penalties' ∂Ω/∂H (step 3).

        Returns
        -------
        dict
            ``W1``: these rows' part of ∂J/∂W1 = Xᵀ δ² (n_visible, n_hidden) — the encoder's use of W1 —,
            ``b1``: ∂J/∂b1 = Σᵢ δ²ᵢ (n_hidden,).
        """
        # step 4: δ² = ∂J/∂Z1 = ∂J/∂H ∘ f'(Z1) (rows, n_hidden)
        delta2 = dJ_dH * self.encoder.derivative(code.Z1, code.H)
        # step 5: ∂J/∂W1 = Xᵀ δ² (n_visible, n_hidden), ∂J/∂b1 = Σᵢ δ²ᵢ (n_hidden,)
        dJ_dW1, dJ_db1, _ = affine_backward(delta2, X, params["W1"], need_dA=False)
        return {"W1": dJ_dW1, "b1": dJ_db1}

    def add_tied_and_direct(self, params, grads, direct):
        """Step 6: the tied sum and the penalties' direct terms; the gradient dict in the order of ``params``.

        Tied: ∂J/∂W1 += (∂J/∂W2)ᵀ, because the same matrix is used twice, once as W1 in the encoder and
        once as W1ᵀ in the decoder, and a parameter used twice gets the sum of both paths (the
        multivariate chain rule). Direct terms: ∂Ω/∂θ with H held fixed (λ W for weight decay, the
        contractive 2 (λ/m) W1 ∘ Σᵢ s² term), added to the blocks they name.

        Parameters
        ----------
        params : dict
            The parameters (only their keys and order are used).
        grads : dict
            ``W1``, ``b1``, ``W2``, ``b2`` from :meth:`backprop` (summed over all rows); not modified.
        direct : dict
            name -> ∂Ω/∂θ (from :func:`npae.core.penalties.penalty_terms`).

        Returns
        -------
        dict keyed and ordered like ``params``.
        """
        total = dict(grads)
        if self.tied:
            total["W1"] = total["W1"] + total.pop("W2").T                 # the decoder's use of W1
        for name, g in direct.items():
            total[name] = total[name] + g
        return {name: total[name] for name in params}

    # ------------------------------------------------------------------ description
    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model.

        ``reduction`` is included when it is not the default "sum", so that the saved form of every model
        that existed before the argument did is unchanged.
        """
        config = {"n_visible": self.n_visible, "n_hidden": self.n_hidden, "encoder": self.encoder.name,
                  "decoder": self.decoder.name, "loss": self.loss_name, "tied": self.tied,
                  "penalties": [(type(p).__name__, p.config()) for p in self.penalties],
                  "dtype": self.dtype.name, "init": self.init}
        if self.reduction != "sum":
            config["reduction"] = self.reduction
        return config

    def __repr__(self):
        c = self.config()
        pens = ", ".join(repr(p) for p in self.penalties)
        return (f"Autoencoder({c['n_visible']}, {c['n_hidden']}, encoder={c['encoder']!r}, "
                f"decoder={c['decoder']!r}, loss={c['loss']!r}, tied={c['tied']}, penalties=[{pens}], "
                f"dtype={c['dtype']}, reduction={self.reduction!r})")


def _penalty_list(penalties):
    """``penalties`` as a list, each checked to be a Penalty (TypeError naming ``penalties`` otherwise)."""
    try:
        penalties = list(penalties)
    except TypeError:
        raise TypeError(f"penalties must be a list of penalties, e.g. [WeightDecay(1e-4)], "
                        f"got {type(penalties).__name__}") from None
    for p in penalties:
        if not isinstance(p, Penalty):
            raise TypeError(f"penalties must hold npae.core.penalties.Penalty objects, e.g. [WeightDecay(1e-4)], "
                            f"got {p!r}")
    return penalties
