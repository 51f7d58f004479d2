"""What every trainer checks before its first step, and what it calls at every step.

A trainer that found bad data at the minibatch holding it would already have changed ``model.params``
with the steps before. So :func:`check_training_data` looks at *all* the data up front — inputs, targets,
validation inputs and targets, each reported under its own name — with the checks of :mod:`npae.checks`,
and with the model's domain: a sigmoid decoder's targets (the inputs themselves when no target is given)
must lie in [0, 1]; a classifier's targets are labels in [0, n_classes) or one-hot rows.
:func:`step_function` then checks the parameters once and gives the function the steps call: the unchecked
fast path for a model it knows, the model's own method otherwise.
"""

import numpy as np

from npae.checks import as_real_array, check_array_dict, check_data
from npae.core.flat import check_params
from npae.models.psd import PSD
from npae.models.softmax import check_labels, one_hot
from npae.perf import conv_fast, parallel
from npae.perf.autoencoder import fused_loss_and_grads, knows

TRAINABLE = ("params", "loss_and_grads", "loss", "dtype")


def _inner(model):
    """The model a wrapper such as :class:`npae.analysis.hashing.CodeNoiseTrainer` trains (or ``model``)."""
    inner = getattr(model, "model", None)
    return inner if inner is not None and hasattr(inner, "params") else model


def input_width(model):
    """The number of input columns ``model`` expects, or None if it does not say."""
    inner = _inner(model)
    for attribute in ("n_visible", "n_features"):
        width = getattr(inner, attribute, None)
        if isinstance(width, (int, np.integer)):
            return int(width)
    sizes = getattr(inner, "layer_sizes", None)
    return int(sizes[0]) if sizes is not None else None


def sigmoid_output(model):
    """True if the model reconstructs through a sigmoid (its targets must lie in [0, 1])."""
    decoder = getattr(_inner(model), "decoder", None)
    return getattr(decoder, "name", None) == "sigmoid"


def check_training_data(model, X, target, x_name="X", target_name="target", width=None):
    """Check an input matrix and its target against ``model``; return them as arrays of ``model.dtype``.

    Parameters
    ----------
    model : npae model
    X : array_like of shape (n_samples, n_inputs)
    target : array_like or None
        None: X is its own target (an autoencoder). For a classifier (a model with ``n_classes``): integer
        labels of shape (n_samples,) or one-hot rows (n_samples, n_classes), returned one-hot.
    x_name, target_name : str
        The names used in the messages (``"X_val"``, ``"target_val"`` for validation data).
    width : int, optional
        The number of columns X must have (that of the training X, for validation data).

    Returns
    -------
    X, target : ndarrays of ``model.dtype``; target is None when it was None.

    Raises
    ------
    TypeError, ValueError
        Naming ``model`` if it is a PSD (trained by ``train_psd``) or a classifier given no target; naming
        ``x_name`` or ``target_name``: not a real 2-D array, no rows, the wrong width, NaN or inf,
        outside the model's domain, or rows that do not match.
    """
    dtype = np.dtype(getattr(model, "dtype", np.float64))
    inner = _inner(model)
    if isinstance(inner, PSD):
        raise TypeError("model is a PSD, whose loss needs the codes H as well as X: train it with "
                        "npae.training.psd_training.train_psd")
    if width is None:
        width = input_width(model)
    if width is None:                                      # a model that does not say: any width
        width = as_real_array(x_name, X, ndim=2, finite=False).shape[1]
    n_classes = getattr(inner, "n_classes", None)
    sigmoid = sigmoid_output(model)
    X = check_data(X, x_name, width, dtype, unit_interval=sigmoid and target is None)
    if target is None and n_classes is not None:
        raise ValueError(f"{target_name} must be given: model is a classifier ({type(inner).__name__}), "
                         f"trained on labels (integers in [0, {n_classes}) or one-hot rows)")
    if target is None:
        return X, None
    n = X.shape[0]
    if n_classes is not None:
        labels = check_labels(target, n_classes, n, name=target_name)
        return X, one_hot(labels, n_classes, dtype=dtype)
    raw = as_real_array(target_name, target, ndim=2, finite=False)
    n_out = width if sigmoid or hasattr(inner, "n_visible") else raw.shape[1]
    T = check_data(target, target_name, n_out, dtype, unit_interval=sigmoid)
    if T.shape[0] != n:
        raise ValueError(f"{target_name} must have one row per row of {x_name} ({n}), got {T.shape[0]}")
    return X, T


def step_function(model):
    """The function a trainer calls at every step, once its data are checked: ``f(X, target, params=None,
    need_grads=True) -> (loss, grads)``, with ``params`` None for ``model.params`` and grads None without
    ``need_grads``.

    The parameters are checked here, once: finite float arrays and, for a model the fast path
    :func:`~npae.perf.autoencoder.knows`, the model's keys and shapes. For such a model ``f`` is
    :func:`~npae.perf.autoencoder.fused_loss_and_grads`, which checks nothing: the trainer passes only data it
    has checked and parameters it has seen to be finite. For any other model (a subclass, a wrapper, a deep
    model) ``f`` calls the model's own ``loss_and_grads`` or ``loss``, never a replacement of it; an exact
    ``ConvAutoencoder`` gets :func:`~npae.perf.conv_fast.fast_loss_and_grads`.
    ``NPAE_NUM_THREADS`` is read here too, so that a bad value is refused before the first step.

    Raises
    ------
    ValueError, TypeError
        If ``model.params`` holds NaN or inf, or (a model the fast path knows) lacks a key or has a wrong
        shape, naming ``params``; if ``NPAE_NUM_THREADS`` is set to anything but a positive integer.
    """
    parallel.num_threads()
    conv_run = conv_fast.fast_loss_and_grads(model)   # an exact ConvAutoencoder: its own fast path, unchecked
    if conv_run is not None:
        check_params(model.params, model.param_shapes())
        return conv_run
    if knows(model):
        check_params(model.params, model.param_shapes())

        def fast(X, target, params=None, need_grads=True):
            return fused_loss_and_grads(model, model.params if params is None else params, X,
                                        X if target is None else target, None, need_grads)
        return fast
    check_array_dict("params", model.params)

    def own(X, target, params=None, need_grads=True):
        kwargs = {} if params is None else {"params": params}
        if need_grads:
            return model.loss_and_grads(X, target, **kwargs)
        return model.loss(X, target, **kwargs), None
    return own
