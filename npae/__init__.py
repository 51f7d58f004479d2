"""npae — NumPy AutoEncoders with hand-derived backprop, as course material.

The package reads bottom-up, in the order its imports flow (nothing imports "upwards")::

    activations   sigmoid, relu, linear; f and f'          (npae.activations)
    losses        squared error (Gaussian), cross-entropy (Bernoulli): value and δ³   (npae.losses)
    penalties     WeightDecay, KLSparsity, L1Sparsity, Contractive: value, ∂/∂H, ∂/∂W (npae.penalties)
    corruption    masking, salt-and-pepper, Gaussian noise for denoising            (npae.corruption)
    parallel      a sum over samples, split into one chunk of rows per core          (npae.parallel)
    model         Autoencoder: the one forward/backward every variant shares         (npae.model)
    flat          params dict <-> one vector θ                                       (npae.flat)
    gradcheck     finite differences and the table of every check                    (npae.gradcheck)
    lbfgs         full-batch training with SciPy's L-BFGS                           (npae.lbfgs)
    data, plotting   images, digits, figures: never imported by the modules above

Quick start::

    import numpy as np, npae
    model = npae.Autoencoder(64, 25, penalties=[npae.WeightDecay(1e-4), npae.KLSparsity(rho=0.01, beta=3.0)],
                             rng=np.random.default_rng(0))
    loss, grads = model.loss_and_grads(X)        # X: (n_samples, 64) in [0, 1]
    npae.train_lbfgs(model, X, maxiter=400)
"""

from .corruption import Corruption, gaussian, masking, salt_and_pepper
from .errors import DivergenceError
from .gradcheck import check_gradients, numerical_gradient, relative_difference
from .lbfgs import train_lbfgs
from .model import Autoencoder
from .penalties import Contractive, KLSparsity, L1Sparsity, Penalty, WeightDecay

__version__ = "0.1.0"

__all__ = [
    "Autoencoder", "WeightDecay", "KLSparsity", "L1Sparsity", "Contractive", "Penalty",
    "Corruption", "masking", "salt_and_pepper", "gaussian",
    "train_lbfgs", "DivergenceError",
    "check_gradients", "numerical_gradient", "relative_difference",
]
