"""Exceptions that npae raises beyond the built-in ValueError/TypeError."""


class DivergenceError(FloatingPointError):
    """Training stopped because the loss, a gradient or the parameters became NaN or infinite.

    Raised by every trainer — :func:`npae.training.lbfgs.train_lbfgs`,
    :func:`npae.training.minibatch.train_minibatch` and those built on it (recirculation,
    :func:`npae.training.stacking.train_classifier`), :func:`npae.training.psd_training.train_psd` and
    :func:`npae.training.stacking.greedy_pretrain` — *after* it has put the last parameters with a finite
    loss back into ``model.params``, so that nothing already learned is lost. The message names the
    iteration or epoch (and minibatch) and the last finite loss.

    Attributes
    ----------
    last_finite_loss : float or None
        The loss of the parameters that were kept (None if no finite loss was ever seen).
    models : list, optional
        Set by :func:`npae.training.stacking.greedy_pretrain` only: the layers trained so far, the one
        that diverged last (with its last finite parameters restored).
    """

    def __init__(self, message, last_finite_loss=None):
        super().__init__(message)
        self.last_finite_loss = last_finite_loss
