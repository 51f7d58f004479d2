"""Exceptions that npae raises beyond the built-in ValueError/TypeError."""


class DivergenceError(FloatingPointError):
    """Training stopped because the loss (or a gradient) became NaN or infinite.

    Raised by the trainers (:func:`npae.training.lbfgs.train_lbfgs`, :func:`npae.training.minibatch.train_minibatch`)
    *after* they have put the last parameters with a finite loss back into ``model.params``, so that
    nothing already learned is lost. The message names the iteration or epoch and the last finite loss.

    Attributes
    ----------
    last_finite_loss : float or None
        The loss of the parameters that were kept (None if no finite loss was ever seen).
    """

    def __init__(self, message, last_finite_loss=None):
        super().__init__(message)
        self.last_finite_loss = last_finite_loss
