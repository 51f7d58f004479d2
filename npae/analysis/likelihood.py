"""How good a variational autoencoder is as a density: importance-sampled log p(x), and its active units.

For a VAE with prior p(h) = N(0, I), decoder p(x | h) and encoder q(h | x), every K ≥ 1 gives a lower
bound on the log-likelihood (Burda, Grosse & Salakhutdinov, "Importance weighted autoencoders", ICLR 2016)::

    L_K(x) = E[ log (1/K) Σₖ wₖ ],   wₖ = p(x | hₖ) p(hₖ) / q(hₖ | x),   h₁ … h_K drawn from q(h | x),

with L_1 = ELBO ≤ L_K ≤ L_{K+1} ≤ log p(x), and L_K → log p(x) as K → ∞ when p(x | h) is bounded and
q(h | x) > 0 wherever p(h | x) > 0. :func:`importance_log_likelihood` returns one draw of
log (1/K) Σₖ wₖ per row (its mean over rows estimates the mean of L_K). Since log p(x) − ELBO =
KL(q(h | x) ‖ p(h | x)), the measured L_K − ELBO is a lower bound on how far the encoder's Gaussian is from
the true posterior.
"""

import numpy as np
from scipy.special import logsumexp

from npae.checks import check_data, check_instance, check_int, check_real, check_rng
from npae.core.stochastic import bernoulli_nll, gaussian_nll
from npae.models.vae import VAE, reparameterise

__all__ = ["importance_log_likelihood", "active_units"]


def importance_log_likelihood(model, X, n_importance, rng):
    """log (1/K) Σₖ p(x | hₖ) p(hₖ) / q(hₖ | x) for every row, hₖ ~ q(h | x): an estimate of log p(x), in nats.

    Parameters
    ----------
    model : npae.models.vae.VAE
        Its generative model p(h) p(x | h) is scored (β plays no part).
    X : array_like of shape (m, n_visible)
    n_importance : int ≥ 1
        K. K = 1 gives a one-sample estimate of the ELBO (with β = 1).
    rng : numpy.random.Generator
        Draws the K ε of every row.

    Returns
    -------
    ndarray of shape (m,), float64: one draw of the K-sample bound per row (≤ log p(x) in expectation).

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a VAE, ``X`` not a finite (m, n_visible) array (in [0, 1] for a Bernoulli
        decoder), ``n_importance`` not an integer ≥ 1, ``rng`` not a Generator.
    """
    check_instance("model", model, VAE, "VAE(784, 20, rng=np.random.default_rng(0))")
    X = check_data(X, "X", model.n_visible, np.float64, unit_interval=model.likelihood == "bernoulli")
    K = check_int("n_importance", n_importance, 1)
    rng = check_rng(rng)
    mu, logvar = (np.asarray(a, dtype=np.float64) for a in model.encode(X))
    log_w = np.empty((K, X.shape[0]))
    for k in range(K):
        eps = rng.standard_normal(mu.shape)
        H, _ = reparameterise(mu, logvar, eps)
        Z4 = np.asarray(model.decoder_output(H), dtype=np.float64)
        log_px_h = -(bernoulli_nll(X, Z4) if model.likelihood == "bernoulli"
                     else gaussian_nll(X, Z4, model.decoder_std))
        # log p(h) − log q(h | x): the (d/2) log 2π cancel, and (h − μ)/σ = ε
        log_ph_minus_log_q = 0.5 * np.sum(eps ** 2 - H ** 2 + logvar, axis=1)
        log_w[k] = log_px_h + log_ph_minus_log_q
    return logsumexp(log_w, axis=0) - np.log(K)


def active_units(model, X, threshold=0.01):
    """The latent dimensions the data use: Cov_x(E_q[hⱼ | x]) = Var over rows of μⱼ(x), against a threshold.

    Burda et al. (2016), §5.2: a unit whose posterior mean hardly varies with x carries no information
    about x (its q(hⱼ | x) has collapsed onto the prior; its KL term is near 0).

    Parameters
    ----------
    model : npae.models.vae.VAE
    X : array_like of shape (m, n_visible), m ≥ 2
    threshold : float ≥ 0
        0.01 in Burda et al.

    Returns
    -------
    variances : ndarray of shape (n_hidden,)
        Var over the rows of μⱼ(x).
    n_active : int
        How many exceed ``threshold``.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a VAE, ``X`` not a finite (m ≥ 2, n_visible) array, ``threshold`` negative.
    """
    check_instance("model", model, VAE, "VAE(784, 20, rng=np.random.default_rng(0))")
    X = check_data(X, "X", model.n_visible, np.float64)
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows to measure a variance, got {X.shape[0]}")
    threshold = check_real("threshold", threshold, 0)
    variances = np.var(np.asarray(model.encode(X).mu, dtype=np.float64), axis=0)
    return variances, int(np.sum(variances > threshold))
