"""Training a variational autoencoder: a fresh ε for every minibatch, drawn outside the loss.

:meth:`npae.models.vae.VAE.loss_and_grads` takes ε as an argument and never draws it, so that it is a
deterministic function a gradient check can probe (as the denoising corruption is drawn before the loss).
:class:`VAETrainer` wraps a VAE for :func:`npae.training.minibatch.train_minibatch`: each call of its
``loss_and_grads`` draws ε ~ N(0, I) from its own Generator, one row per sample, and calls the model. The
gradient of J at one ε is an unbiased estimate of the gradient of the expected J (Kingma & Welling 2014,
the SGVB estimator with L = 1 sample per data point).
"""

import numpy as np

from npae.checks import check_data, check_instance, check_int, check_rng
from npae.models.vae import VAE

__all__ = ["VAETrainer"]


class VAETrainer:
    """A :class:`~npae.models.vae.VAE` as a trainable model: every loss evaluation draws its own ε.

    Parameters
    ----------
    model : npae.models.vae.VAE
    rng : numpy.random.Generator
        Draws ε for every call of :meth:`loss_and_grads` (a minibatch).
    validation_seed : int ≥ 0
        :meth:`loss` (the trainer's validation loss) draws its ε from ``np.random.default_rng(validation_seed)``
        afresh at every call: the same ε for the same number of rows, so that the validation losses of
        successive epochs differ by the parameters alone (common random numbers), and early stopping
        compares like with like.

    Attributes
    ----------
    model : VAE
    params, dtype : the model's (shared, not copied: a trainer updating ``params`` updates the model)

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a VAE, ``rng`` not a Generator, ``validation_seed`` not an integer ≥ 0.
    """

    def __init__(self, model, rng, validation_seed=0):
        self.model = check_instance("model", model, VAE, "VAE(784, 20, rng=np.random.default_rng(0))")
        self.rng = check_rng(rng)
        self.validation_seed = check_int("validation_seed", validation_seed, 0)
        self.dtype = model.dtype

    @property
    def params(self):
        """The model's parameter dict (the same object)."""
        return self.model.params

    @params.setter
    def params(self, value):
        self.model.params = value

    def _checked(self, X, target):
        X = check_data(X, "X", self.model.n_visible, self.dtype)
        if target is not None and target is not X and not np.array_equal(target, X):
            raise ValueError("a VAE reconstructs its own input: target must be None or X itself "
                             "(train_minibatch without target= and without corruption=)")
        return X

    def loss_and_grads(self, X, target=None, params=None):
        """The model's J and gradients at a fresh ε ~ N(0, I) of shape (m, n_hidden).

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
        target : None or X itself
            What the trainers pass (a VAE's target is its input).
        params : dict, optional

        Raises
        ------
        ValueError, TypeError
            As the model's ``loss_and_grads`` (X is checked before ε is drawn), or a target other than X.
        """
        X = self._checked(X, target)
        eps = self.rng.standard_normal((X.shape[0], self.model.n_hidden))
        return self.model.loss_and_grads(X, eps, params=params)

    def loss(self, X, target=None, params=None):
        """J at the validation ε (see ``validation_seed``): an estimate of −ELBO, in nats per sample."""
        X = self._checked(X, target)
        eps = np.random.default_rng(self.validation_seed).standard_normal((X.shape[0], self.model.n_hidden))
        return self.model.loss(X, eps, params=params)
