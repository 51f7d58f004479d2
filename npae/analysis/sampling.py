"""Sampling from a trained denoising autoencoder by alternating corruption and reconstruction.

Y. Bengio, L. Yao, G. Alain, P. Vincent (2013), "Generalized denoising auto-encoders as generative models",
*NIPS* 26, Algorithm 1; Goodfellow et al. (2016) §20.11.1 and §14.5.1 (《深度学习》20.11.1 与去噪自编码器
相关的马尔可夫链). A denoising autoencoder trained with corruption C(x̃ | x) learns a reconstruction
distribution p_θ(x | x̃). The Markov chain

    x̃_t ~ C(x̃ | x_t)          corrupt the current state (the same corruption as in training)
    x_{t+1} ~ p_θ(x | x̃_t)    reconstruct it (here: the decoder's mean r(x̃_t), plus optional Gaussian noise)

has, under the conditions of the paper's Theorem 1 (p_θ a consistent estimator of the true P(x | x̃), an
ergodic chain), a stationary distribution that converges to the data distribution as p_θ does. With the
decoder's *mean* alone (``decoder_std=0``, the usual practice for a squared-error DAE), each step is
x_{t+1} = r(x_t + ε): a random kick followed by a move towards the manifold, r(x̃) − x̃ ≈ σ² ∇log p(x̃)
(Alain & Bengio 2014).
"""

import numpy as np

from npae.checks import check_data, check_int, check_real, check_rng
from npae.analysis.metrics import check_reconstructor

__all__ = ["dae_chain"]


def dae_chain(model, X0, corruption, n_steps, rng, *, decoder_std=0.0, thin=1):
    """Run Bengio et al.'s (2013) corrupt-reconstruct Markov chain from each row of ``X0``.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder (or any object with ``reconstruct(X)`` and ``n_visible``)
        A trained denoising autoencoder.
    X0 : array_like of shape (n_chains, n_visible)
        The starting states, one chain per row (e.g. training points, or anywhere).
    corruption : callable
        ``corruption(X, rng) -> X_tilde`` of X's shape, e.g. ``npae.core.corruption.Corruption("gaussian", 0.1)``:
        the C(x̃ | x) the model was trained with.
    n_steps : int ≥ 1
        Corrupt-reconstruct steps per chain.
    rng : numpy.random.Generator
        Draws the corruptions (and the decoder noise).
    decoder_std : float ≥ 0
        Standard deviation of a Gaussian p_θ(x | x̃) = N(r(x̃), decoder_std² I) to sample the reconstruction
        from; 0 (default) takes its mean r(x̃).
    thin : int ≥ 1
        Keep every ``thin``-th state (states ``thin``, ``2 thin``, ...).

    Returns
    -------
    ndarray of shape (n_steps // thin, n_chains, n_visible), float64
        The kept states x_t of every chain (the start X0 is not included).

    Raises
    ------
    TypeError
        If ``model`` has no ``reconstruct``, ``corruption`` is not callable, ``rng`` is not a Generator.
    ValueError
        If ``X0`` is not a finite (n_chains, n_visible) array, ``n_steps`` or ``thin`` is not a positive
        integer, ``decoder_std`` is negative, or ``corruption`` returns another shape.
    """
    check_reconstructor(model)
    X = check_data(X0, "X0", model.n_visible, np.float64)
    if not callable(corruption):
        raise TypeError(f"corruption must be callable(X, rng), e.g. Corruption('gaussian', 0.1), "
                        f"got {type(corruption).__name__}")
    n_steps = check_int("n_steps", n_steps, minimum=1)
    thin = check_int("thin", thin, minimum=1)
    decoder_std = check_real("decoder_std", decoder_std, minimum=0.0)
    rng = check_rng(rng)

    kept = []
    for step in range(1, n_steps + 1):
        X_tilde = np.asarray(corruption(X, rng), dtype=np.float64)        # x̃_t ~ C(x̃ | x_t)
        if X_tilde.shape != X.shape:
            raise ValueError(f"corruption must return an array of shape {X.shape}, got {X_tilde.shape}")
        X = np.asarray(model.reconstruct(X_tilde), dtype=np.float64)      # x_{t+1}: the mean of p_θ(x | x̃_t)
        if decoder_std > 0:
            X = X + decoder_std * rng.standard_normal(X.shape)            # ... or a sample from it
        if step % thin == 0:
            kept.append(X)
    return np.stack(kept) if kept else np.empty((0,) + X.shape)
