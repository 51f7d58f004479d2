"""Gradient checks of the variational autoencoder (:mod:`npae.models.vae`).

Same recipe as :mod:`npae.gradcheck.cases`: float64, a small problem, parameters drawn away from the
initialisation (normal, biases non-zero), every block compared separately, ε drawn once and held fixed
(the loss is a deterministic function of the parameters at a given ε). Each decoder with each hidden
nonlinearity, β = 1 (the ELBO), β = 0 (the reconstruction term alone, through the reparameterisation) and
β ≠ 1; under- and overcomplete hidden layers; and the closed-form KL's two derivatives on their own
(``gaussian_kl``).

The parameters' standard deviation is 0.5 rather than the 0.6 of the other cases: σ = exp(½ log σ²) has
large third derivatives, and at 0.6 the two-point formula's truncation error on ``W_logvar`` of the
Gaussian, ReLU, β = 0 case measured 1.4e-7, above the two-point bar (``TOLERANCES["central"]``) that a
correct gradient is meant to pass; the five-point check of the same case measured 1.2e-10.
"""

from dataclasses import dataclass

import numpy as np

from npae.checks import check_choice, check_int, check_real
from npae.models.vae import VAE, gaussian_kl
from . import check_gradients, check_method_and_step


@dataclass(frozen=True)
class VAECase:
    """One gradient check of the VAE.

    Attributes
    ----------
    name : str
    decoder : {"bernoulli", "gaussian", "kl"}
        The model's decoder; "kl" checks :func:`~npae.models.vae.gaussian_kl`'s derivatives alone.
    activation : {"sigmoid", "relu"}
    n_visible, n_units, n_hidden, n_samples : int
    beta, decoder_std : float
    seed : int
    """

    name: str
    decoder: str = "bernoulli"
    activation: str = "sigmoid"
    n_visible: int = 7
    n_units: int = 5
    n_hidden: int = 3
    n_samples: int = 8
    beta: float = 1.0
    decoder_std: float = 0.7
    seed: int = 0

    def check(self):
        """Check the fields (build() calls this first); ValueError/TypeError naming the bad one."""
        check_choice("decoder", self.decoder, ("bernoulli", "gaussian", "kl"))
        check_choice("activation", self.activation, ("sigmoid", "relu"))
        for name in ("n_visible", "n_units", "n_hidden", "n_samples"):
            check_int(name, getattr(self, name), 1)
        check_real("beta", self.beta, 0)
        check_real("decoder_std", self.decoder_std, 0, open_minimum=True)

    def build(self):
        """Return ``(loss_and_grads(params) callable, params)`` for :func:`~npae.gradcheck.check_gradients`."""
        self.check()
        rng = np.random.default_rng(self.seed)
        if self.decoder == "kl":
            inv_m = 1.0 / self.n_samples

            def kl_and_grads(p):                # (1/m) Σᵢ KL and its closed-form gradient (lesson 32, eq. 8)
                value = inv_m * float(np.sum(gaussian_kl(p["MU"], p["LOGVAR"])))
                return value, {"MU": inv_m * p["MU"], "LOGVAR": inv_m * 0.5 * (np.exp(p["LOGVAR"]) - 1.0)}

            shape = (self.n_samples, self.n_hidden)
            return kl_and_grads, {"MU": rng.normal(0.0, 1.0, shape), "LOGVAR": rng.normal(0.0, 1.0, shape)}
        model = VAE(self.n_visible, self.n_hidden, n_units=self.n_units, activation=self.activation,
                    decoder=self.decoder, decoder_std=self.decoder_std, beta=self.beta, rng=rng)
        X = (rng.uniform(0.0, 1.0, (self.n_samples, self.n_visible)) if self.decoder == "bernoulli"
             else rng.standard_normal((self.n_samples, self.n_visible)))
        eps = rng.standard_normal((self.n_samples, self.n_hidden))
        for _ in range(1000):                  # ReLU: redraw until no hidden pre-activation is near the kink
            params = {name: rng.normal(0.0, 0.5, value.shape) for name, value in model.params.items()}
            if self.activation != "relu" or _min_abs_pre_activation(params, X, eps) > 0.05:
                break
        return (lambda p: model.loss_and_grads(X, eps, params=p)), params

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck` (``method``, ``step`` as
        :func:`~npae.gradcheck.numerical_gradient`; ValueError/TypeError naming them if bad)."""
        method, step = check_method_and_step(method, step)
        loss_and_grads, params = self.build()
        return check_gradients(loss_and_grads, params, method, step)


def _min_abs_pre_activation(p, X, eps):
    """The smallest |z| over both hidden layers' pre-activations Z1 and Z3 (ReLU's kink is at 0)."""
    Z1 = X @ p["W1"] + p["b1"]
    A1 = np.maximum(Z1, 0.0)
    mu, logvar = A1 @ p["W_mu"] + p["b_mu"], A1 @ p["W_logvar"] + p["b_logvar"]
    Z3 = (mu + np.exp(0.5 * logvar) * eps) @ p["W3"] + p["b3"]
    return min(np.abs(Z1).min(), np.abs(Z3).min())


def vae_cases():
    """Every VAE case, in the order the table prints them."""
    cases, seed = [], 900
    for decoder in ("bernoulli", "gaussian"):
        for activation in ("sigmoid", "relu"):
            for beta in (1.0, 0.0, 2.5):
                seed += 1
                cases.append(VAECase(f"vae 7-5-3 {decoder} {activation} beta={beta:g}", decoder, activation,
                                     beta=beta, seed=seed))
    cases.append(VAECase("vae 6-9-4 bernoulli relu overcomplete hidden", "bernoulli", "relu", n_visible=6,
                         n_units=9, n_hidden=4, seed=920))
    cases.append(VAECase("vae 5-4-1 gaussian sigmoid one latent, s=0.1", "gaussian", "sigmoid", n_visible=5,
                         n_units=4, n_hidden=1, decoder_std=0.1, seed=921))
    cases.append(VAECase("vae KL(q || N(0, I)) closed form, 8 x 3", "kl", seed=922))
    return cases
