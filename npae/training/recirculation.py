"""Recirculation: Hinton & McClelland's (1988) two-pass learning rule for an autoencoder, without backprop.

G. E. Hinton and J. L. McClelland, "Learning representations by recirculation", *Neural Information
Processing Systems* (NIPS 1987, published 1988), pp. 358-366. Goodfellow et al., *Deep Learning* (2016),
ch. 14 introduction, cite it as the biologically plausible alternative to back-propagation for
training autoencoders (《深度学习》: 再循环).

The rule, for one sample, in npae's notation (rows are samples; ``W1`` (n_visible, n_hidden) the
visible→hidden weights, ``W2`` (n_hidden, n_visible) the hidden→visible ones; σ the logistic sigmoid;
λ ∈ [0, 1) the *regression* of the visible units, 0.75 in the paper)::

    time 0   x(0) = x                                         the visible units show the input
    time 1   h(1) = σ(x(0) W1 + b1)                           first pass up
    time 2   x(2) = λ x(0) + (1 − λ) σ(h(1) W2 + b2)          the visible units mix input and reconstruction
    time 3   h(3) = σ(x(2) W1 + b1)                           second pass up

    ΔW2 = ε h(1)ᵀ (x(0) − x(2)),   Δb2 = ε (x(0) − x(2))      hidden→visible: presynaptic h(1) times the
                                                              change of the visible units between passes
    ΔW1 = ε x(2)ᵀ (h(1) − h(3)),   Δb1 = ε (h(1) − h(3))      visible→hidden: presynaptic x(2) times the
                                                              change of the hidden units between passes

(the paper's eqs. 1-4, with samples as rows; ε is the learning rate). Every weight changes by a local
quantity: the activity on one side of it times the change, between two passes, of the activity on
the other side. No error is sent backwards through the weights.

What it computes, and why it is not a gradient. Write x̂ = σ(h(1) W2 + b2). Then x(0) − x(2) = (1 − λ)(x − x̂),
so the decoder update is (1 − λ) hᵀ(x − x̂): exactly −∂J/∂W2 for the Bernoulli cross-entropy J (whose
δ³ is x̂ − x), times (1 − λ). For the encoder, a first-order expansion of h(3) around h(1) gives
h(1) − h(3) ≈ (1 − λ) σ'(z1) ∘ ((x − x̂) W1), whereas back-propagation would use
σ'(z1) ∘ ((x − x̂) W2ᵀ). The two agree when W1 = W2ᵀ, and the expansion is accurate when λ is close
to 1 (the second visible state stays near the first). So the update is
a descent direction when the weights are nearly symmetric, not the gradient of any loss: a gradient
check would fail by design, and :func:`gradient_cosine` measures how well it aligns with −∇J instead.

The update returned by :func:`recirculation_update` is the mean over the rows of a batch (our losses
are means over samples), so a learning rate means the same thing for every batch size.
"""

import numpy as np

from npae.checks import check_bool, check_data, check_int, check_real, check_rng
from npae.core.flat import check_params, flatten
from npae.core.losses import LOSSES
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import SGD

__all__ = ["recirculation_update", "gradient_cosine", "RecirculationModel", "train_recirculation"]


def _check_model(model):
    """Refuse a model the rule is not defined for (before anything is computed)."""
    if not all(hasattr(model, a) for a in ("params", "encoder", "decoder", "n_visible", "tied", "penalties")):
        raise TypeError(f"model must be an npae.models.autoencoder.Autoencoder, got {type(model).__name__}")
    if model.encoder.name != "sigmoid" or model.decoder.name != "sigmoid":
        raise ValueError("recirculation needs sigmoid hidden and visible units (Hinton & McClelland 1988), got "
                         f"encoder={model.encoder.name!r}, decoder={model.decoder.name!r}")
    if model.tied:
        raise ValueError("recirculation updates W1 and W2 by different rules: model must have tied=False")
    if model.penalties:
        raise ValueError("recirculation is defined for the plain autoencoder: model must have no penalties, "
                         f"got {model.penalties!r}")


def recirculation_update(model, X, regression=0.75, params=None):
    """The recirculation update direction for a batch (per unit learning rate, mean over the rows).

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        Untied, sigmoid encoder and decoder, no penalties (its loss may be either; the rule ignores it).
    X : array_like of shape (m, n_visible), values in [0, 1]
        The batch x(0).
    regression : float in [0, 1)
        λ, the weight of the input in the visible units' second state x(2) (Hinton & McClelland: 0.75).
    params : dict, optional
        Parameters to evaluate at instead of ``model.params`` (nothing is mutated).

    Returns
    -------
    loss : float
        The model's reconstruction loss (squared error or cross-entropy, normalised as the model's ``reduction``
        says) at x̂ of the first pass, computed from the same forward pass.
    update : dict of str -> ndarray
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,),
        in the model's dtype: (1/m) Σ over rows of the module docstring's ΔW1, Δb1, ΔW2, Δb2 with ε = 1.
        The parameters *increase* along it (θ ← θ + ε · update).

    Raises
    ------
    TypeError
        If ``model`` is not an Autoencoder, or ``X`` not numeric.
    ValueError
        If the model is tied, has penalties or a non-sigmoid unit; if ``X`` is not (m, n_visible), finite
        and in [0, 1]; if ``regression`` is not in [0, 1).
    """
    _check_model(model)
    lam = check_real("regression", regression, 0.0, 1.0, open_maximum=True)
    params = check_params(model.params if params is None else params, model.param_shapes())
    X0 = check_data(X, "X", model.n_visible, model.dtype, unit_interval=True)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X0.shape[0]
    sigmoid = model.encoder.forward

    H1 = sigmoid(X0 @ W1 + b1)                        # time 1: h(1), (m, n_hidden)
    Z2 = H1 @ W2 + b2                                 # decoder pre-activation, (m, n_visible)
    inv_m = 1.0 / (m * model.n_visible) if getattr(model, "reduction", "sum") == "mean" else 1.0 / m
    loss, _ = LOSSES[model.loss_name](Z2.copy(), X0, model.decoder, inv_m)   # J at x̂, the model's normalisation
    X2 = lam * X0 + (1.0 - lam) * model.decoder.forward(Z2)     # time 2: x(2)
    H3 = sigmoid(X2 @ W1 + b1)                        # time 3: h(3)

    visible_change = (X0 - X2) / m                    # x(0) − x(2), with the 1/m of the mean
    hidden_change = (H1 - H3) / m                     # h(1) − h(3)
    update = {"W1": X2.T @ hidden_change,             # presynaptic x(2) × postsynaptic change
              "b1": hidden_change.sum(axis=0),
              "W2": H1.T @ visible_change,            # presynaptic h(1) × postsynaptic change
              "b2": visible_change.sum(axis=0)}
    return float(loss), {name: update[name] for name in params}


def gradient_cosine(model, X, regression=0.75, params=None):
    """The cosine between the recirculation update and −∇J, J the model's own loss, on one batch.

    ∇J comes from back-propagation (:meth:`npae.models.autoencoder.Autoencoder.loss_and_grads`). Both are
    flattened into one vector over all four blocks (:func:`npae.core.flat.flatten`). A positive cosine
    means a small enough step of recirculation lowers J; 1 would mean the rule is gradient descent.

    Parameters
    ----------
    model, X, regression, params
        As :func:`recirculation_update`.

    Returns
    -------
    float in [-1, 1]
        (0.0 if either vector is zero.)

    Raises
    ------
    As :func:`recirculation_update`.
    """
    _, update = recirculation_update(model, X, regression, params)
    _, grads = model.loss_and_grads(X, params=params)
    u, g = flatten(update), -flatten(grads)
    norm = np.linalg.norm(u) * np.linalg.norm(g)
    return float(u @ g / norm) if norm > 0 else 0.0


class RecirculationModel:
    """An autoencoder seen through the recirculation rule, so that the minibatch trainer can run it.

    :func:`npae.training.minibatch.train_minibatch` steps along whatever ``loss_and_grads`` returns as the
    "gradient". This view returns the model's loss and the *negated* recirculation update in that place,
    so that an optimizer's descent step θ ← θ − ε·(−update) is the rule's θ ← θ + ε·update. It shares
    ``params`` with the model (training it trains the model); ``loss`` is the model's own loss.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        As :func:`recirculation_update`.
    regression : float in [0, 1)
        λ.

    Raises
    ------
    As :func:`recirculation_update`.
    """

    def __init__(self, model, regression=0.75):
        _check_model(model)
        self.model = model
        self.regression = check_real("regression", regression, 0.0, 1.0, open_maximum=True)
        self.dtype = model.dtype

    @property
    def params(self):
        return self.model.params

    def loss(self, X, target=None):
        """The model's loss J on ``X`` (no target: recirculation only reconstructs its input)."""
        if target is not None:
            raise ValueError("recirculation reconstructs its input: target must be None")
        return self.model.loss(X)

    def loss_and_grads(self, X, target=None):
        """(J, −update): the loss of the first pass and the negated recirculation update (not a gradient)."""
        if target is not None and target is not X:
            raise ValueError("recirculation reconstructs its input: target must be None")
        loss, update = recirculation_update(self.model, X, self.regression)
        return loss, {name: -u for name, u in update.items()}


def train_recirculation(model, X, *, learning_rate=1.0, momentum=0.0, regression=0.75, epochs=100,
                        batch_size=None, X_val=None, rng=None, verbose=True, print_every=1, callback=None):
    """Train ``model`` with the recirculation rule: θ ← θ + ε · update on each minibatch (with optional momentum).

    The loop (shuffling, minibatches, a progress line per epoch, validation, divergence handling) is
    :func:`npae.training.minibatch.train_minibatch`, run on a :class:`RecirculationModel`; the update rule
    is :class:`npae.training.optimizers.SGD` with learning rate ε, which applied to the negated update is
    the rule of the module docstring.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        Untied, sigmoid units, no penalties; ``model.params`` is changed in place.
    X : array_like of shape (n_samples, n_visible), values in [0, 1]
    learning_rate : float > 0
        ε. The update is a mean over the batch, so ε is comparable across batch sizes.
    momentum : float in [0, 1)
        Classical momentum on the update (0: the paper's plain rule).
    regression : float in [0, 1)
        λ (Hinton & McClelland: 0.75).
    epochs : int ≥ 0
    batch_size : int ≥ 1, optional
        Rows per update; None (default) uses the whole of ``X`` (the paper's "sweeps").
    X_val : array_like of shape (n_val, n_visible), optional
        Scored with the model's loss after every epoch.
    rng : numpy.random.Generator, optional
        Shuffles the rows; None: a fresh unseeded generator.
    verbose : bool
        Print a progress line every ``print_every`` epochs (the minibatch trainer's line).
    print_every : int ≥ 1
    callback : callable, optional
        ``callback(epoch, history)`` after every epoch; returning True stops training.

    Returns
    -------
    npae.training.minibatch.History
        Per-epoch loss (mean of the batches' first-pass losses, each before its update), validation loss,
        seconds.

    Raises
    ------
    TypeError, ValueError
        As :func:`recirculation_update` for the model and data, and for a bad ε, momentum, epochs,
        batch size, ``print_every``, ``rng`` or ``callback`` (checked before any update).
    npae.errors.DivergenceError
        If the loss or the parameters become NaN or infinite; ``model.params`` is restored to the last
        parameters with a finite loss (as :func:`~npae.training.minibatch.train_minibatch` does).
    """
    view = RecirculationModel(model, regression)
    X = check_data(X, "X", model.n_visible, model.dtype, unit_interval=True)
    if X_val is not None:
        X_val = check_data(X_val, "X_val", model.n_visible, model.dtype, unit_interval=True)
    epochs = check_int("epochs", epochs, minimum=0)
    batch_size = X.shape[0] if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    print_every = check_int("print_every", print_every, minimum=1)
    optimizer = SGD(learning_rate=check_real("learning_rate", learning_rate, 0.0, open_minimum=True),
                    momentum=check_real("momentum", momentum, 0.0, 1.0, open_maximum=True))
    rng = check_rng(rng, none_means_fresh=True)
    verbose = check_bool("verbose", verbose)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable(epoch, history), got {type(callback).__name__}")

    def report(epoch, history):
        if verbose and ((epoch + 1) % print_every == 0 or epoch + 1 == epochs):
            val = f"  val {history.val_loss[-1]:.6f}" if history.val_loss else ""
            print(f"recirculation epoch {epoch + 1:{len(str(epochs))}d}/{epochs}  loss {history.loss[-1]:.6f}{val}"
                  f"  {sum(history.seconds):.1f} s", flush=True)
        return callback(epoch, history) if callback is not None else None

    return train_minibatch(view, X, X_val=X_val, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                           rng=rng, verbose=False, callback=report)
