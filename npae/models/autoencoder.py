"""The two-layer autoencoder, and its loss and gradients by hand-derived backprop, in one function.

Notation (``docs/notation.md``; samples are rows, so our ``W1`` is UFLDL's W⁽¹⁾ᵀ)::

    X      (m, n_visible)     inputs, one sample a row (x̃ for a denoising autoencoder)
    Z1 = X @ W1 + b1          (m, n_hidden)     UFLDL z⁽²⁾         H = f(Z1)      the code, UFLDL a⁽²⁾
    Z2 = H @ W2 + b2          (m, n_visible)    UFLDL z⁽³⁾         X_hat = g(Z2)  the reconstruction, a⁽³⁾
    J = L(X_hat, target) + Σ Ω(θ, H)            every term a mean over the m samples

The sparse, contractive, L1-sparse and denoising autoencoders are configurations of this one class (a list
of :mod:`npae.core.penalties`; for denoising a corrupted input and the clean ``target``); the tied one has
``W2 = W1.T``. :meth:`Autoencoder.loss_and_grads` is the whole computation, top to bottom; lesson 02 derives
each of its lines and lesson 03 the KL term. The fast path beside it (:mod:`npae.perf.autoencoder`, used by
the trainers) computes the same numbers and is optional reading.
"""

import numpy as np

from npae.checks import (check_bool, check_choice, check_data, check_float_dtype, check_input_and_target,
                         check_int, check_rng)
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, affine_backward, dense_forward, initial_weights
from npae.core.losses import LOSSES
from npae.core.penalties import Penalty, penalty_terms

ENCODERS = ("sigmoid", "relu", "linear")
DECODERS = ("sigmoid", "linear")
REDUCTIONS = ("sum", "mean")


class Autoencoder:
    """A two-layer autoencoder with hand-derived backprop (UFLDL sparse-autoencoder notes; Goodfellow et al. ch. 14).

    Parameters
    ----------
    n_visible, n_hidden : int ≥ 1
        Input (and output) width; code width.
    encoder : {"sigmoid", "relu", "linear"}
        f in H = f(X W1 + b1); "linear" is the linear autoencoder (Baldi & Hornik 1989).
    decoder : {"sigmoid", "linear"}
        g in X_hat = g(H W2 + b2); "linear" is UFLDL's linear decoder.
    loss : {"squared_error", "cross_entropy"}
        Gaussian or Bernoulli decoder (:mod:`npae.core.losses`); cross-entropy needs the sigmoid decoder.
    tied : bool
        The decoder uses ``W1.T``; ``params`` then has no ``W2``.
    penalties : Penalty or sequence of Penalty
        Regularisers (:mod:`npae.core.penalties`), e.g. ``[WeightDecay(1e-4), KLSparsity(0.01, 3)]``.
    rng : numpy.random.Generator, optional
        Draws the initial weights (None: a fresh unseeded generator).
    dtype : {numpy.float64, numpy.float32}
    init : {"ufldl", "glorot"}
        The weights' initialisation (:func:`npae.core.layers.initial_weights`); biases start at 0.
    reduction : {"sum", "mean"}
        The loss of one sample summed over its features (UFLDL's J) or their mean (Keras' objectives: the loss
        and its gradients divided by n_visible, the penalties not). Either way a mean over the samples.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible) unless tied, ``b2``
        (n_visible,). Read at every call: assigning new arrays of the same shapes is honoured.

    Raises
    ------
    ValueError, TypeError
        For a size below 1, an unknown name, cross-entropy with a linear decoder, a ``tied`` that is not a bool,
        a penalty that is not a Penalty, or one that needs a sigmoid code with another encoder.
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
        """Fresh parameters: weights by :func:`npae.core.layers.initial_weights`, biases 0, of ``self.dtype``.

        Raises ``TypeError`` if ``rng`` is not a ``numpy.random.Generator``.
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

    def check_arguments(self, X, target=None, params=None, code_noise=None):
        """The arguments of :meth:`loss_and_grads`, checked once: returns ``(params, X, T, code_noise)``.

        ``X`` and ``T`` (``T is X`` without a target) come back as (m, n_visible) arrays of ``self.dtype``,
        ``code_noise`` as (m, n_hidden) or None, ``params`` as a dict of float arrays. Nothing is modified.

        Raises
        ------
        ValueError, TypeError
            As :meth:`loss_and_grads`, naming the argument.
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        if code_noise is not None:
            code_noise = check_data(code_noise, "code_noise", self.n_hidden, self.dtype)
            if code_noise.shape[0] != X.shape[0]:
                raise ValueError(f"code_noise must have shape ({X.shape[0]}, {self.n_hidden}) like the code "
                                 f"of X, got {code_noise.shape}")
        return params, X, T, code_noise

    # ------------------------------------------------------------------ the two layers, unchecked
    def decoder_weights(self, params):
        """W2 (n_hidden, n_visible): ``params["W2"]``, or the transposed *view* of W1 when tied. Unchecked."""
        return params["W1"].T if self.tied else params["W2"]

    def encoder_forward(self, params, X, code_noise=None):
        """The encoder layer, unchecked: ``(Z1, H)``, Z1 = X W1 + b1 (+ N) and H = f(Z1), each (m, n_hidden).

        The one forward pass of the encoder (:meth:`encode`, :meth:`loss_and_grads`, :mod:`npae.analysis`):
        its arguments are those a public method has checked.
        """
        b1 = params["b1"] if code_noise is None else params["b1"] + code_noise     # N shifts each row's bias
        return dense_forward(X, params["W1"], b1, self.encoder)

    def decoder_forward(self, params, H):
        """The decoder layer, unchecked: ``(Z2, X_hat)``, Z2 = H W2 + b2 and X_hat = g(Z2), each (m, n_visible)."""
        return dense_forward(H, self.decoder_weights(params), params["b2"], self.decoder)

    # ------------------------------------------------------------------ forward, checked
    def encode(self, X, params=None):
        """The code H = f(X W1 + b1) of X (n_samples, n_visible): (n_samples, n_hidden), ``self.dtype``.

        Raises ``ValueError``/``TypeError`` for an X that is not a finite (n_samples, n_visible) numeric array,
        or malformed ``params`` (default ``self.params``).
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        return self.encoder_forward(params, check_data(X, "X", self.n_visible, self.dtype))[1]

    def decode(self, H, params=None):
        """The reconstruction g(H W2 + b2) of a code H (n_samples, n_hidden): (n_samples, n_visible).

        Raises ``ValueError``/``TypeError`` for an H that is not a finite (n_samples, n_hidden) numeric array,
        or malformed ``params``.
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        return self.decoder_forward(params, check_data(H, "H", self.n_hidden, self.dtype))[1]

    def logits(self, X, params=None):
        """The decoder's pre-activation Z2 of X: (n_samples, n_visible). Raises as :meth:`encode`."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        H = self.encoder_forward(params, check_data(X, "X", self.n_visible, self.dtype))[1]
        return self.decoder_forward(params, H)[0]

    def reconstruct(self, X, params=None):
        """``decode(encode(X))``: (n_samples, n_visible) of ``self.dtype``. Raises as :meth:`encode`."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        H = self.encoder_forward(params, check_data(X, "X", self.n_visible, self.dtype))[1]
        return self.decoder_forward(params, H)[1]

    # ------------------------------------------------------------------ loss and gradients
    def loss(self, X, target=None, params=None, code_noise=None):
        """The loss J alone (no backward pass). Arguments and errors as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, target, params, code_noise, need_grads=False)[0]

    def loss_and_grads(self, X, target=None, params=None, code_noise=None, need_grads=True):
        """The loss J and its gradient with respect to every parameter, by backpropagation.

        J = (1/m) Σᵢ L(x̂⁽ⁱ⁾, t⁽ⁱ⁾) + Σ Ω, each term normalised as ``docs/notation.md`` says. Source: UFLDL,
        sparse autoencoder notes §2.2 (backpropagation) and §3 (the sparsity delta); lessons 02 and 03 derive
        every line. Our deltas carry the 1/m of the mean, so the gradients are plain products.

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
            Inputs; for a denoising autoencoder the corrupted x̃, drawn before the call.
        target : array_like of shape (m, n_visible), optional
            What the reconstruction is compared with (default ``X``; the clean x for denoising).
        params : dict, optional
            Evaluate at these parameters instead of ``self.params`` (nothing is mutated).
        code_noise : array_like of shape (m, n_hidden), optional
            N added to the code's pre-activation, H = f(Z1 + N) (semantic hashing), drawn by the caller.
        need_grads : bool
            False computes the loss alone (``grads`` is then None).

        Returns
        -------
        loss : float
        grads : dict of str -> ndarray, or None
            Keyed, shaped and typed like ``params``.

        Raises
        ------
        ValueError, TypeError
            If ``X``, ``target`` or ``code_noise`` is not a finite numeric array of the right shape, a sigmoid
            decoder's target leaves [0, 1], or ``params`` lacks a key, has a wrong shape or holds NaN or inf.
        """
        params, X, T, code_noise = self.check_arguments(X, target, params, code_noise)
        W1, W2 = params["W1"], self.decoder_weights(params)      # W2 (n_hidden, n_visible): W1.T when tied
        inv_m = 1.0 / X.shape[0]                                  # every term is a mean over the m rows
        f = self.encoder

        # forward pass
        Z1, H = self.encoder_forward(params, X, code_noise)      # Z1 = X W1 + b1, H = f(Z1)     (m, n_hidden)
        Z2, X_hat = self.decoder_forward(params, H)               # Z2 = H W2 + b2, X̂ = g(Z2)    (m, n_visible)

        # the penalties on the whole code (ρ̂ is a mean over all m rows): Ω, Σ ∂Ω/∂H and the direct ∂Ω/∂θ
        omega, dOmega_dH, dOmega_dtheta = penalty_terms(self.penalties, params, H, inv_m)

        # the loss and the output delta δ³ = ∂J/∂Z2 (m, n_visible)              [UFLDL δ⁽³⁾, with 1/m]
        inv_m_loss = inv_m / self.n_visible if self.reduction == "mean" else inv_m
        loss, delta3 = LOSSES[self.loss_name](Z2, T, self.decoder, inv_m_loss, X_hat=X_hat)
        loss += omega
        if not need_grads:
            return loss, None

        # ∂J/∂W2 = Hᵀ δ³ (n_hidden, n_visible), ∂J/∂b2 = Σᵢ δ³ᵢ (n_visible,), and the error at the code
        # ∂J/∂H = δ³ W2ᵀ + Σ ∂Ω/∂H (m, n_hidden)                   [UFLDL W⁽²⁾ᵀδ⁽³⁾ + the sparsity delta]
        dJ_dW2, dJ_db2, dJ_dH = affine_backward(delta3, H, W2)
        if dOmega_dH is not None:
            dJ_dH += dOmega_dH
        # δ² = ∂J/∂Z1 = ∂J/∂H ∘ f′(Z1) (m, n_hidden)                                         [UFLDL δ⁽²⁾]
        delta2 = dJ_dH * f.derivative(Z1, H)
        # ∂J/∂W1 = Xᵀ δ² (n_visible, n_hidden), ∂J/∂b1 = Σᵢ δ²ᵢ (n_hidden,)
        dJ_dW1, dJ_db1, _ = affine_backward(delta2, X, W1, need_dA=False)

        # the tied sum (W1 serves twice, the decoder's W1ᵀ adds (∂J/∂W2)ᵀ), then the direct terms ∂Ω/∂θ
        grads = {"W1": dJ_dW1, "b1": dJ_db1, "W2": dJ_dW2, "b2": dJ_db2}
        if self.tied:
            grads["W1"] = dJ_dW1 + grads.pop("W2").T
        for name, dOmega in dOmega_dtheta.items():
            grads[name] = grads[name] + dOmega
        return loss, {name: grads[name] for name in params}

    # ------------------------------------------------------------------ description
    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model.

        ``reduction`` is included only when it is not the default "sum" (older saved models stay identical).
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
