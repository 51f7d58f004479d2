"""The variational autoencoder: a Gaussian encoder, the reparameterisation, a Bernoulli or Gaussian decoder.

Kingma & Welling, "Auto-encoding variational Bayes" (ICLR 2014); Rezende, Mohamed & Wierstra (ICML 2014);
Goodfellow, Bengio & Courville, *Deep Learning* §20.10.3 (and §14.4 for stochastic encoders and decoders).
The derivation is lesson 32's; the notation is ``docs/notation.md``'s (section *The variational
autoencoder*). Samples are rows; layers carry UFLDL's numbers (1 the input, 3 the code, 5 the output)::

    X                               (m, n_visible)   inputs x, one sample a row
    Z1 = X W1 + b1,  A1 = f(Z1)     (m, n_units)     the encoder's hidden layer
    MU = A1 W_mu + b_mu             (m, n_hidden)    μ(x), the mean of q(h | x)
    LOGVAR = A1 W_logvar + b_logvar (m, n_hidden)    log σ²(x), its log-variance
    H = MU + SIGMA ∘ EPS            (m, n_hidden)    the reparameterisation, SIGMA = exp(LOGVAR / 2) and
                                                     EPS ~ N(0, I) drawn by the caller
    Z3 = H W3 + b3,  A3 = f(Z3)     (m, n_units)     the decoder's hidden layer
    Z4 = A3 W4 + b4                 (m, n_visible)   Bernoulli logits, or the Gaussian decoder's mean

    J = (1/m) Σᵢ [ −log p(x⁽ⁱ⁾ | h⁽ⁱ⁾) + β KL(q(h | x⁽ⁱ⁾) ‖ N(0, I)) ]

J is the negative evidence lower bound (ELBO) estimated with one ε per sample, a mean over the m samples
(in nats per sample). ε is an argument, as the denoising corruption is: the loss itself never draws a
random number, so it is a deterministic function that a gradient check can probe. A trainer draws a fresh
ε for every minibatch (:class:`npae.training.variational.VAETrainer`).
"""

from typing import NamedTuple

import numpy as np

from npae.checks import (check_bool, check_choice, check_data, check_float_array, check_float_dtype, check_int,
                         check_real, check_rng)
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, affine_backward, dense_forward, initial_weights
from npae.core.losses import cross_entropy, squared_error
from npae.core.stochastic import bernoulli_nll, gaussian_nll

__all__ = ["VAE", "Posterior", "ELBOTerms", "gaussian_kl", "reparameterise"]

ACTIVATIONS = ("relu", "sigmoid")
DECODERS = ("bernoulli", "gaussian")


class Posterior(NamedTuple):
    """The parameters of q(h | x) = N(μ, diag σ²) for some rows: ``mu`` and ``logvar``, each (m, n_hidden)."""

    mu: np.ndarray
    logvar: np.ndarray


class ELBOTerms(NamedTuple):
    """The two terms of −ELBO for every row, in nats: ``reconstruction`` −log p(x | h) and ``kl``, each (m,)."""

    reconstruction: np.ndarray
    kl: np.ndarray


def _check_codes(**arrays):
    """Kinds and shapes of the (m, n_hidden) arrays of the kernels below (no pass over the values)."""
    (first, A), *others = arrays.items()
    check_float_array(first, A, ndim=2, nonempty=True)
    for name, B in others:
        if check_float_array(name, B).shape != A.shape:
            raise ValueError(f"{name} must have the shape of {first} {A.shape}, got {B.shape}")


def gaussian_kl(MU, LOGVAR):
    """KL(N(μ, diag σ²) ‖ N(0, I)) for every row, in closed form: ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1).

    Kingma & Welling (2014), appendix B. Its derivatives, which :meth:`VAE.loss_and_grads` uses, are
    ∂KL/∂μⱼ = μⱼ and ∂KL/∂(log σⱼ²) = ½ (σⱼ² − 1).

    Parameters
    ----------
    MU, LOGVAR : ndarray of shape (m, n_hidden)
        μ and log σ² of each row's Gaussian.

    Returns
    -------
    ndarray of shape (m,): the divergence of each row, in nats (≥ 0, and 0 only for μ = 0, σ = 1).

    Raises
    ------
    TypeError, ValueError
        If MU or LOGVAR is not a float32/float64 ndarray, MU not 2-D with at least one row and column, or the
        shapes differ (kinds and shapes only: the models check the values).
    """
    _check_codes(MU=MU, LOGVAR=LOGVAR)
    return 0.5 * np.sum(MU ** 2 + np.exp(LOGVAR) - LOGVAR - 1.0, axis=1)


def reparameterise(MU, LOGVAR, EPS):
    """The reparameterisation h = μ + σ ∘ ε with σ = exp(½ log σ²): (m, n_hidden) arrays in, H and SIGMA out.

    If ε ~ N(0, I), then h ~ N(μ, diag σ²) = q(h | x): the randomness is moved into an input that does not
    depend on the parameters, so h is a differentiable function of μ and σ (Kingma & Welling 2014, §2.4).

    Raises
    ------
    TypeError, ValueError
        As :func:`gaussian_kl`, for MU, LOGVAR and EPS (which must all have MU's shape).
    """
    _check_codes(MU=MU, LOGVAR=LOGVAR, EPS=EPS)
    SIGMA = np.exp(0.5 * LOGVAR)
    return MU + SIGMA * EPS, SIGMA


class VAE:
    """A variational autoencoder with one hidden layer in the encoder and one in the decoder (hand-derived backprop).

    Parameters
    ----------
    n_visible : int ≥ 1
        Input width.
    n_hidden : int ≥ 1
        The code's width: the dimension of the latent variable h (``docs/notation.md``: the code width is
        ``n_hidden`` everywhere).
    n_units : int ≥ 1
        The width of the encoder's and of the decoder's hidden layer.
    activation : {"relu", "sigmoid"}
        f, the hidden layers' nonlinearity.
    decoder : {"bernoulli", "gaussian"}
        p(x | h): Bernoulli with means σ(Z4) (x in [0, 1]; −log p is the cross-entropy from the logits Z4),
        or Gaussian N(x; Z4, s² I) with the fixed standard deviation s = ``decoder_std``.
    decoder_std : float > 0
        s of the Gaussian decoder (unused by the Bernoulli one).
    beta : float ≥ 0
        β, the weight of the KL term (1: the ELBO; other values: Higgins et al.'s β-VAE).
    rng : numpy.random.Generator, optional
        Draws the initial weights. None: a fresh unseeded generator.
    dtype : {numpy.float64, numpy.float32}
    init : {"glorot", "ufldl"}
        The weights' initialisation (:func:`npae.core.layers.initial_weights`); biases start at 0.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (n_visible, n_units), ``b1``; ``W_mu``, ``W_logvar`` (n_units, n_hidden), ``b_mu``, ``b_logvar``;
        ``W3`` (n_hidden, n_units), ``b3``; ``W4`` (n_units, n_visible), ``b4``.
    likelihood : str
        The ``decoder`` given ("bernoulli" or "gaussian").
    decoder : npae.core.activations.Activation
        The output nonlinearity that turns Z4 into the decoder's mean: the sigmoid (Bernoulli) or the
        identity (Gaussian), as the ``decoder`` of :class:`npae.models.autoencoder.Autoencoder`.

    Raises
    ------
    ValueError, TypeError
        For a size below 1, an unknown activation, decoder or init, a decoder_std ≤ 0, a negative beta.
    """

    def __init__(self, n_visible, n_hidden, *, n_units=256, activation="relu", decoder="bernoulli",
                 decoder_std=1.0, beta=1.0, rng=None, dtype=np.float64, init="glorot"):
        self.n_visible = check_int("n_visible", n_visible, 1)
        self.n_hidden = check_int("n_hidden", n_hidden, 1)
        self.n_units = check_int("n_units", n_units, 1)
        self.activation = get_activation(activation, "activation", ACTIVATIONS)
        self.likelihood = check_choice("decoder", decoder, DECODERS)
        self.decoder = get_activation("sigmoid" if decoder == "bernoulli" else "linear")
        self.decoder_std = check_real("decoder_std", decoder_std, 0, open_minimum=True)
        self.beta = check_real("beta", beta, 0)
        self.dtype = check_float_dtype(dtype)
        self.init = check_choice("init", init, INITS)
        rng = check_rng(rng, none_means_fresh=True)
        self.params = {}
        for name, shape in self.param_shapes().items():
            self.params[name] = (initial_weights(rng, *shape, self.init, self.dtype) if name.startswith("W")
                                 else np.zeros(shape, dtype=self.dtype))

    def param_shapes(self):
        """The shape of every parameter: dict name -> tuple, in the order of ``params``."""
        n_visible, n_units, n_hidden = self.n_visible, self.n_units, self.n_hidden
        return {"W1": (n_visible, n_units), "b1": (n_units,),
                "W_mu": (n_units, n_hidden), "b_mu": (n_hidden,),
                "W_logvar": (n_units, n_hidden), "b_logvar": (n_hidden,),
                "W3": (n_hidden, n_units), "b3": (n_units,),
                "W4": (n_units, n_visible), "b4": (n_visible,)}

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values."""
        return {"n_visible": self.n_visible, "n_hidden": self.n_hidden, "n_units": self.n_units,
                "activation": self.activation.name, "decoder": self.likelihood, "decoder_std": self.decoder_std,
                "beta": self.beta, "dtype": self.dtype.name, "init": self.init}

    def __repr__(self):
        std = f", decoder_std={self.decoder_std:g}" if self.likelihood == "gaussian" else ""
        return (f"VAE({self.n_visible}, {self.n_hidden}, n_units={self.n_units}, activation={self.activation.name!r}, "
                f"decoder={self.likelihood!r}{std}, beta={self.beta:g})")

    # ------------------------------------------------------------------ the boundary
    def _params(self, params):
        return check_params(self.params if params is None else params, self.param_shapes())

    def _data(self, X):
        return check_data(X, "X", self.n_visible, self.dtype, unit_interval=self.likelihood == "bernoulli")

    def _noise(self, eps, m):
        EPS = check_data(eps, "eps", self.n_hidden, self.dtype)
        if EPS.shape[0] != m:
            raise ValueError(f"eps must have shape ({m}, {self.n_hidden}): one ε per row of X, got {EPS.shape}")
        return EPS

    # ------------------------------------------------------------------ the loss and its gradient
    def loss_and_grads(self, X, eps, params=None, need_grads=True):
        """J = −ELBO, a mean over the m samples, and its gradient with respect to every parameter.

        J = (1/m) Σᵢ [ −log p(x⁽ⁱ⁾ | h⁽ⁱ⁾) + β KL(q(h | x⁽ⁱ⁾) ‖ N(0, I)) ],  h⁽ⁱ⁾ = μ(x⁽ⁱ⁾) + σ(x⁽ⁱ⁾) ∘ ε⁽ⁱ⁾
        (module docstring; lesson 32 derives every line). The Gaussian decoder's −log p includes its
        constant n_visible (log s + ½ log 2π), so J is in nats and the ELBO bounds log p(x).

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
            Inputs (in [0, 1] for the Bernoulli decoder).
        eps : array_like of shape (m, n_hidden)
            ε, one standard-normal draw per sample, drawn by the caller.
        params : dict, optional
            Evaluate at these parameters instead of ``self.params`` (nothing is mutated).
        need_grads : bool
            False computes the loss alone (``grads`` is then None).

        Returns
        -------
        loss : float
        grads : dict of str -> ndarray, or None
            Keyed, shaped and typed like the parameters.

        Raises
        ------
        ValueError, TypeError
            If ``X`` or ``eps`` is not a finite numeric array of the right shape (X outside [0, 1] for the
            Bernoulli decoder), or ``params`` is not a dict of the right keys, shapes and finite values.
        """
        p = self._params(params)
        X = self._data(X)
        EPS = self._noise(eps, X.shape[0])
        need_grads = check_bool("need_grads", need_grads)
        f, beta, inv_m = self.activation, self.beta, 1.0 / X.shape[0]

        # ---- forward: the encoder q(h | x) = N(μ(x), diag σ²(x))                                   (eq. 1)
        Z1, A1 = dense_forward(X, p["W1"], p["b1"], f)                   # (m, n_units)
        MU = A1 @ p["W_mu"] + p["b_mu"]                                   # (m, n_hidden)  μ(x)
        LOGVAR = A1 @ p["W_logvar"] + p["b_logvar"]                       # (m, n_hidden)  log σ²(x)
        # ---- the reparameterisation h = μ + σ ∘ ε                                                 (eq. 2)
        H, SIGMA = reparameterise(MU, LOGVAR, EPS)                        # (m, n_hidden) each
        # ---- the decoder p(x | h)                                                                  (eq. 3)
        Z3, A3 = dense_forward(H, p["W3"], p["b3"], f)                    # (m, n_units)
        Z4 = A3 @ p["W4"] + p["b4"]                                       # (m, n_visible) logits or mean
        # ---- J = (1/m) Σ −log p(x | h) + β (1/m) Σ KL                                             (eq. 4)
        reconstruction, delta5 = self._negative_log_likelihood(Z4, X, inv_m)   # (eq. 5); δ⁵ = ∂J/∂Z4 (m, n_visible)
        kl = inv_m * float(np.sum(gaussian_kl(MU, LOGVAR)))              # (eq. 6)
        loss = reconstruction + beta * kl
        if not need_grads:
            return loss, None

        # ---- backward through the decoder: the layer recurrence δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f'(z⁽ˡ⁾)
        dW4, db4, dJ_dA3 = affine_backward(delta5, A3, p["W4"])           # (n_units, n_visible), (n_visible,)
        delta4 = dJ_dA3 * f.derivative(Z3, A3)                            # (m, n_units)  ∂J/∂Z3
        dW3, db3, dJ_dH = affine_backward(delta4, H, p["W3"])             # dJ_dH (m, n_hidden): the decoder's share
        # ---- through the reparameterisation, plus the KL's own gradient                          (eqs. 7, 8)
        delta3_mu = dJ_dH + beta * inv_m * MU                             # ∂h/∂μ = 1;       ∂KL/∂μ = μ
        delta3_logvar = (dJ_dH * (0.5 * SIGMA * EPS)                      # ∂h/∂log σ² = ½ σ ∘ ε
                         + beta * inv_m * 0.5 * (SIGMA ** 2 - 1.0))        # ∂KL/∂log σ² = ½ (σ² − 1)
        # ---- the two heads, then the encoder's hidden layer (its input gets both heads' errors)
        dW_mu, db_mu, dJ_dA1_mu = affine_backward(delta3_mu, A1, p["W_mu"])
        dW_logvar, db_logvar, dJ_dA1_logvar = affine_backward(delta3_logvar, A1, p["W_logvar"])
        delta2 = (dJ_dA1_mu + dJ_dA1_logvar) * f.derivative(Z1, A1)      # (m, n_units)  ∂J/∂Z1
        dW1, db1, _ = affine_backward(delta2, X, p["W1"], need_dA=False)
        grads = {"W1": dW1, "b1": db1, "W_mu": dW_mu, "b_mu": db_mu, "W_logvar": dW_logvar,
                 "b_logvar": db_logvar, "W3": dW3, "b3": db3, "W4": dW4, "b4": db4}
        return loss, {name: grads[name] for name in p}

    def _negative_log_likelihood(self, Z4, X, inv_m):
        """(1/m) Σᵢ −log p(x⁽ⁱ⁾ | h⁽ⁱ⁾) and its gradient δ⁵ = ∂/∂Z4, from the decoder's output Z4.

        Bernoulli: the cross-entropy from the logits, δ⁵ = (1/m)(σ(Z4) − X) (:func:`npae.core.losses.cross_entropy`).
        Gaussian N(x; Z4, s² I): (1/m) Σ [‖x − Z4‖² / (2s²) + n_visible (log s + ½ log 2π)], whose first part is
        the squared error with 1/m replaced by 1/(m s²) (:func:`npae.core.losses.squared_error`), δ⁵ = (Z4 − X)/(m s²).
        """
        if self.likelihood == "bernoulli":
            return cross_entropy(Z4, X, self.decoder, inv_m)
        s = self.decoder_std
        value, delta5 = squared_error(Z4, X, self.decoder, inv_m / s ** 2)
        return value + self.n_visible * (np.log(s) + 0.5 * np.log(2 * np.pi)), delta5

    def loss(self, X, eps, params=None):
        """J alone (cheaper: no backward pass); arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, eps, params, need_grads=False)[0]

    # ------------------------------------------------------------------ using a trained model
    def encode(self, X, params=None):
        """q(h | x) for every row: :class:`Posterior` of ``mu`` and ``logvar``, each (m, n_hidden) of ``self.dtype``.

        Raises
        ------
        ValueError, TypeError
            If ``X`` is not a finite numeric (m, n_visible) array, or ``params`` is malformed.
        """
        p = self._params(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        A1 = dense_forward(X, p["W1"], p["b1"], self.activation)[1]
        return Posterior(A1 @ p["W_mu"] + p["b_mu"], A1 @ p["W_logvar"] + p["b_logvar"])

    def decoder_output(self, H, params=None):
        """Z4 = f(H W3 + b3) W4 + b4 for codes H (m, n_hidden): the Bernoulli logits, or the Gaussian mean.

        Raises
        ------
        ValueError, TypeError
            If ``H`` is not a finite numeric (m, n_hidden) array, or ``params`` is malformed.
        """
        p = self._params(params)
        H = check_data(H, "H", self.n_hidden, self.dtype)
        A3 = dense_forward(H, p["W3"], p["b3"], self.activation)[1]
        return A3 @ p["W4"] + p["b4"]

    def decode(self, H, params=None):
        """The decoder's mean E[x | h] for codes H (m, n_hidden): σ(Z4) or Z4, an (m, n_visible) array.

        Raises
        ------
        ValueError, TypeError
            As :meth:`decoder_output`.
        """
        return self.decoder.forward(self.decoder_output(H, params))

    def reconstruct(self, X, eps=None, params=None):
        """decode(h) with h = μ(x) (``eps`` None: the posterior's mean) or h = μ + σ ∘ ε: (m, n_visible).

        Raises
        ------
        ValueError, TypeError
            If ``X`` or ``eps`` (m, n_hidden) is malformed.
        """
        mu, logvar = self.encode(X, params)
        H = mu if eps is None else reparameterise(mu, logvar, self._noise(eps, mu.shape[0]))[0]
        return self.decode(H, params)

    def sample(self, n_samples, rng, params=None):
        """Ancestral sampling's first step and the decoder's mean: h ~ N(0, I), then E[x | h] (n_samples, n_visible).

        Draw x itself from p(x | h) with :func:`npae.core.stochastic.sample_bernoulli` (or ``sample_gaussian``
        with ``decoder_std``) on the result.

        Raises
        ------
        ValueError, TypeError
            If ``n_samples`` is not an integer ≥ 1 or ``rng`` not a Generator.
        """
        n_samples = check_int("n_samples", n_samples, 1)
        H = check_rng(rng).standard_normal((n_samples, self.n_hidden))
        return self.decode(H, params)

    def elbo_terms(self, X, eps, params=None):
        """The two terms of −ELBO for every row (:class:`ELBOTerms`, each (m,), float64, nats).

        ``reconstruction`` = −log p(x | h) at h = μ + σ ∘ ε, by :func:`npae.core.stochastic.bernoulli_nll` or
        ``gaussian_nll`` (written apart from :meth:`loss_and_grads`: the tests check that the two agree),
        and ``kl`` = KL(q(h | x) ‖ N(0, I)). The loss J is the mean of ``reconstruction + beta * kl``.

        Raises
        ------
        ValueError, TypeError
            As :meth:`loss_and_grads`.
        """
        X = self._data(X)
        mu, logvar = self.encode(X, params)
        H = reparameterise(mu, logvar, self._noise(eps, X.shape[0]))[0]
        Z4 = self.decoder_output(H, params)
        if self.likelihood == "bernoulli":
            reconstruction = bernoulli_nll(X, Z4)
        else:
            reconstruction = gaussian_nll(X, Z4, self.decoder_std)
        return ELBOTerms(reconstruction, gaussian_kl(mu.astype(np.float64), logvar.astype(np.float64)))
