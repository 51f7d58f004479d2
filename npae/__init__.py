"""npae — NumPy AutoEncoders with hand-derived backprop, as course material.

The package reads bottom-up, in the order its imports flow (nothing imports "upwards";
``tests/test_import_graph.py`` checks it)::

    checks, errors   argument checks (at the public boundary only) and exceptions   (npae.checks, npae.errors)
    core          the mathematics, pure functions of arrays                          (npae.core)
        activations   sigmoid, relu, linear; f, f', f''                              (npae.core.activations)
        losses        squared error (Gaussian), cross-entropy (Bernoulli): value and δ³   (npae.core.losses)
        penalties     WeightDecay, KLSparsity, L1Sparsity, Contractive: Ω, ∂Ω/∂H, ∂Ω/∂θ (npae.core.penalties)
        layers        one affine layer: forward, backward, initialisation            (npae.core.layers)
        corruption    masking, salt-and-pepper, Gaussian noise for denoising         (npae.core.corruption)
        flat          params dict <-> one vector θ                                   (npae.core.flat)
    models        Autoencoder (every single-layer variant), deep, softmax, PSD       (npae.models)
    perf          the fast path: the same numbers, fused, blocked, threaded: optional (npae.perf)
    training      L-BFGS, minibatch optimizers, stacking, PSD training              (npae.training)
    analysis      Jacobians, manifolds, PCA, hashing, metrics                       (npae.analysis)
    data, plotting   images, digits, figures: never imported by the modules above
    gradcheck     finite differences and the table of every check                   (npae.gradcheck)

Quick start::

    import numpy as np, npae
    model = npae.Autoencoder(64, 25, penalties=[npae.WeightDecay(1e-4), npae.KLSparsity(rho=0.01, beta=3.0)],
                             rng=np.random.default_rng(0))
    loss, grads = model.loss_and_grads(X)        # X: (n_samples, 64) in [0, 1]
    npae.train_lbfgs(model, X, maxiter=400)
"""

from npae.core.corruption import Corruption, gaussian, masking, salt_and_pepper
from npae.errors import DivergenceError
from npae.gradcheck import check_gradients, numerical_gradient, relative_difference
from npae.training.lbfgs import train_lbfgs
from npae.models.autoencoder import Autoencoder
from npae.models.conv_autoencoder import ConvAutoencoder
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, Penalty, WeightDecay

__version__ = "0.1.0"

__all__ = [
    "Autoencoder", "ConvAutoencoder", "WeightDecay", "KLSparsity", "L1Sparsity", "Contractive", "Penalty",
    "Corruption", "masking", "salt_and_pepper", "gaussian",
    "train_lbfgs", "DivergenceError",
    "check_gradients", "numerical_gradient", "relative_difference",
]
