"""npae — NumPy AutoEncoders with hand-derived backprop, as course material.

The package reads bottom-up, in the order its imports flow (nothing imports "upwards")::

    activations   sigmoid, relu, linear; f and f'          (npae.core.activations)
    losses        squared error (Gaussian), cross-entropy (Bernoulli): value and δ³   (npae.core.losses)
    penalties     WeightDecay, KLSparsity, L1Sparsity, Contractive: value, ∂/∂H, ∂/∂W (npae.core.penalties)
    corruption    masking, salt-and-pepper, Gaussian noise for denoising            (npae.core.corruption)
    parallel      a sum over samples, split into one chunk of rows per core          (npae.perf.parallel)
    model         Autoencoder: the one forward/backward every variant shares         (npae.models.autoencoder)
    flat          params dict <-> one vector θ                                       (npae.core.flat)
    gradcheck     finite differences and the table of every check                    (npae.gradcheck)
    lbfgs         full-batch training with SciPy's L-BFGS                           (npae.training.lbfgs)
    data, plotting   images, digits, figures: never imported by the modules above

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
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, Penalty, WeightDecay

__version__ = "0.1.0"

__all__ = [
    "Autoencoder", "WeightDecay", "KLSparsity", "L1Sparsity", "Contractive", "Penalty",
    "Corruption", "masking", "salt_and_pepper", "gaussian",
    "train_lbfgs", "DivergenceError",
    "check_gradients", "numerical_gradient", "relative_difference",
]
