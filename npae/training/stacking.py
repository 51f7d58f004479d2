"""Greedy layer-wise pretraining: train one autoencoder, encode the data, train the next on the codes.

Goodfellow et al. §15.1 ("Greedy layer-wise unsupervised pretraining") and UFLDL "Stacked Autoencoders":
layer 1 is an autoencoder of the data; layer k is an autoencoder of the codes of layer k-1. Each layer
is any single-layer :class:`~npae.models.autoencoder.Autoencoder` configuration (sparse, denoising, contractive, …)
with its own hyperparameters and its own training recipe (:class:`Layer`).

The codes of layer k-1 are computed **once**, after layer k-1 is trained, and then reused for every
iteration of layer k (the tip of the Theano SdA tutorial: recomputing the lower layers at every step is
wasted work, since they are frozen). For a denoising layer the corruption is applied to these codes
(fresh per minibatch, or one draw for L-BFGS), never pushed back through the frozen layers below.

The trained layers then initialise a deep network (:func:`stacked_classifier`, :func:`deep_autoencoder`)
that is fine-tuned end to end (:mod:`npae.models.deep`).
"""

import time
from dataclasses import dataclass, field

import numpy as np

from npae.checks import (as_real_array, check_bool, check_callable, check_choice, check_data, check_instance,
                         check_int, check_real, check_rng, check_sequence)
from npae.errors import DivergenceError
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder, StackedClassifier
from npae.models.softmax import Softmax, check_labels
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam


@dataclass
class Layer:
    """One layer of the stack: how to build its autoencoder and how to train it.

    ``make(n_visible, rng) -> Autoencoder`` builds the layer for inputs of width ``n_visible`` (known once the layer
    below is chosen), e.g. ``lambda n, rng: Autoencoder(n, 200, penalties=[...], rng=rng)``; ``method`` "lbfgs"
    (:func:`~npae.training.lbfgs.train_lbfgs`, full batch as UFLDL) or "minibatch"
    (:func:`~npae.training.minibatch.train_minibatch`) with the trainer's keyword arguments in ``options``;
    ``corruption(X, rng) -> X_tilde`` makes a denoising layer (e.g. ``Corruption("masking", 0.3)``); ``n_samples``
    trains on the first rows only (None: all). Raises TypeError/ValueError when made, naming a bad field.
    """

    make: object
    method: str = "lbfgs"
    options: dict = field(default_factory=dict)
    corruption: object = None
    n_samples: int | None = None

    def __post_init__(self):
        # checked when the Layer is made, not when greedy_pretrain reaches it after training the layers below
        check_callable("make", self.make, "make(n_visible, rng) -> Autoencoder")
        check_choice("method", self.method, ("lbfgs", "minibatch"))
        if not isinstance(self.options, dict):
            raise TypeError(f"options must be a dict of the trainer's keyword arguments, "
                            f"got {type(self.options).__name__}")
        if self.corruption is not None:
            check_callable("corruption", self.corruption, "corruption(X, rng) -> X_tilde")
        if self.n_samples is not None:
            self.n_samples = check_int("n_samples", self.n_samples, 1)


def _train_layer(model, codes, spec, rng, verbose):
    """Train one layer's autoencoder on ``codes`` (the layer below's) as its :class:`Layer` says."""
    data = codes if spec.n_samples is None else codes[:spec.n_samples]
    options = {"verbose": verbose, **spec.options}          # the layer's own options win
    if spec.method == "minibatch":
        return train_minibatch(model, data, corruption=spec.corruption, rng=rng, **options)
    if spec.corruption is not None:                          # L-BFGS: one corruption, drawn once
        return train_lbfgs(model, spec.corruption(data, rng), data, **options)
    return train_lbfgs(model, data, **options)


def greedy_pretrain(X, layers, *, rng=None, verbose=True, return_codes=False):
    """Train a stack of autoencoders greedily, each on the codes of the one below, computed once.

    X (n_samples, n_visible) the unlabeled data; ``layers`` the :class:`Layer` specs, bottom to top (layer k's
    ``make`` receives the code width of layer k − 1); ``rng`` is passed to each ``make`` and trainer; ``verbose``
    prints the trainers' progress and one line per layer. Returns the trained Autoencoders, bottom to top, and
    with ``return_codes`` also each layer's code of X (n_samples, n_hidden_k).

    Raises TypeError/ValueError before any training for a bad X (not 2-D, empty, NaN/inf), ``layers`` (empty,
    not Layers, an ``n_samples`` above X's rows) or flag; later for a ``make`` that does not return an
    Autoencoder of the right ``n_visible``, and as the trainers (which check their data before their first step).
    :class:`npae.errors.DivergenceError` if a layer's trainer diverges: the message names the layer, and the
    exception's ``models`` lists the layers trained so far, then the diverged one with its last finite parameters.
    """
    codes = as_real_array("X", X, ndim=2)
    if codes.dtype.kind != "f":
        codes = codes.astype(np.float64)
    if codes.shape[0] == 0 or codes.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {codes.shape}")
    layers = check_sequence("layers", layers, "Layer")
    if not layers:
        raise ValueError("layers must hold at least one Layer")
    for k, spec in enumerate(layers):
        if not isinstance(spec, Layer):
            raise TypeError(f"layers[{k}] must be an npae.training.stacking.Layer, got {type(spec).__name__}")
        if spec.n_samples is not None and spec.n_samples > codes.shape[0]:
            raise ValueError(f"layers[{k}].n_samples = {spec.n_samples} exceeds the number of rows of X "
                             f"({codes.shape[0]})")
    rng = check_rng(rng, none_means_fresh=True)
    verbose, return_codes = check_bool("verbose", verbose), check_bool("return_codes", return_codes)
    models, all_codes = [], []
    for k, spec in enumerate(layers):
        model = spec.make(codes.shape[1], rng)
        if not isinstance(model, Autoencoder):
            raise TypeError(f"layers[{k}].make must return an npae.models.autoencoder.Autoencoder, got {type(model).__name__}")
        config = model.config()
        if config["n_visible"] != codes.shape[1]:
            raise ValueError(f"layers[{k}]'s autoencoder has n_visible={config['n_visible']}, but its input "
                             f"(the codes of layer {k - 1}) has width {codes.shape[1]}")
        start = time.perf_counter()
        try:
            _train_layer(model, codes, spec, rng, verbose)
        except DivergenceError as err:
            # The trainer has restored the layer's last finite parameters; hand the caller every layer so far.
            stopped = DivergenceError(f"layer {k + 1} of {len(layers)} diverged: {err}",
                                      last_finite_loss=err.last_finite_loss)
            stopped.models = models + [model]
            raise stopped from err
        models.append(model)
        if verbose:
            print(f"layer {k + 1}: {config['n_visible']} -> {config['n_hidden']} trained in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
        if k < len(layers) - 1 or return_codes:
            codes = model.encode(codes)          # once per layer: the input of the next layer
            all_codes.append(codes)
    return (models, all_codes) if return_codes else models


def encode_stack(models, X):
    """Run X through the encoders of a stack of trained autoencoders: (n_samples, n_hidden of the last).

    Raises TypeError/ValueError if ``models`` is not a non-empty chain of Autoencoders (widths matching), or as
    :meth:`~npae.models.autoencoder.Autoencoder.encode` for a bad X.
    """
    models, _ = _check_chain(models)
    for model in models:
        X = model.encode(X)                       # each encode checks its input: the boundary of each layer
    return X


def _check_chain(models):
    """The boundary check of a trained stack: a non-empty list of Autoencoders whose widths chain and that share
    one encoder nonlinearity. Returns (models, their configs)."""
    models = check_sequence("models", models, "Autoencoder objects", item_type=Autoencoder, nonempty=True)
    configs = [m.config() for m in models]
    for k, c in enumerate(configs):
        if k and c["n_visible"] != configs[k - 1]["n_hidden"]:
            raise ValueError(f"models[{k}].n_visible = {c['n_visible']} differs from models[{k - 1}].n_hidden = "
                             f"{configs[k - 1]['n_hidden']}: the layers do not chain")
    encoders = {c["encoder"] for c in configs}
    if len(encoders) != 1:
        raise ValueError(f"all layers must share one encoder nonlinearity, got {sorted(encoders)}")
    return models, configs


def stacked_classifier(models, n_classes, *, softmax=None, rng=None, **options):
    """A :class:`~npae.models.deep.StackedClassifier` whose encoder layers are the trained autoencoders' encoders.

    ``models`` the trained Autoencoders, bottom to top (their decoders are discarded, as UFLDL's); ``softmax`` an
    optional :class:`~npae.models.softmax.Softmax` already trained on the top codes, whose W, b become
    ``W_softmax``, ``b_softmax`` (else they start small and random); ``options`` other StackedClassifier keywords
    (``weight_decay``, ``dtype``, …). The weights are copied. Raises TypeError/ValueError if the models do not
    chain, differ in encoder, or the softmax does not fit.
    """
    models, configs = _check_chain(models)
    if softmax is not None:
        check_instance("softmax", softmax, Softmax, "Softmax(n_hidden, n_classes)")
    sizes = [configs[0]["n_visible"]] + [c["n_hidden"] for c in configs]
    net = StackedClassifier(sizes, n_classes, activation=configs[0]["encoder"], rng=rng, **options)
    for k, m in enumerate(models, start=1):
        net.params[f"W{k}"] = np.array(m.params["W1"], dtype=net.dtype)
        net.params[f"b{k}"] = np.array(m.params["b1"], dtype=net.dtype)
    if softmax is not None:
        if softmax.params["W"].shape != net.params["W_softmax"].shape:
            raise ValueError(f"softmax has W of shape {softmax.params['W'].shape}, the network needs "
                             f"{net.params['W_softmax'].shape}")
        net.params["W_softmax"] = np.array(softmax.params["W"], dtype=net.dtype)
        net.params["b_softmax"] = np.array(softmax.params["b"], dtype=net.dtype)
    return net


def deep_autoencoder(models, *, tied=False, rng=None, **options):
    """An unrolled :class:`~npae.models.deep.DeepAutoencoder` initialised from a greedily trained stack.

    Encoder layer k takes ``models[k-1]``'s (W1, b1); its mirror, decoder layer 2K + 1 − k, takes (W2, b2), or, with
    ``tied``, W1ᵀ (then only b2 is kept). ``options``: other DeepAutoencoder keywords (``decoder`` defaults to the
    bottom autoencoder's). The weights are copied. Raises TypeError/ValueError if the models do not chain or
    differ in encoder.
    """
    models, configs = _check_chain(models)
    tied = check_bool("tied", tied)
    options.setdefault("decoder", configs[0]["decoder"])
    sizes = [configs[0]["n_visible"]] + [c["n_hidden"] for c in configs]
    net = DeepAutoencoder(sizes, activation=configs[0]["encoder"], tied=tied, rng=rng, **options)
    K = len(models)
    for k, (m, c) in enumerate(zip(models, configs), start=1):
        net.params[f"W{k}"] = np.array(m.params["W1"], dtype=net.dtype)
        net.params[f"b{k}"] = np.array(m.params["b1"], dtype=net.dtype)
        decoder_layer = 2 * K + 1 - k                       # layer k's mirror
        if not tied:
            W2 = m.params["W1"].T if c["tied"] else m.params["W2"]
            net.params[f"W{decoder_layer}"] = np.array(W2, dtype=net.dtype)
        net.params[f"b{decoder_layer}"] = np.array(m.params["b2"], dtype=net.dtype)
    return net


def accuracy(model, X, y):
    """Fraction of rows of X whose ``model.predict`` equals y (a float in [0, 1]).

    ``model`` a Softmax or StackedClassifier; X (n_samples, n_features); y (n_samples,) integer labels in
    [0, model.n_classes). Raises TypeError/ValueError for another model, an X that is not a finite (n_samples ≥ 1,
    n_features) array of the model's width (checked by ``model.predict``), or a y that is not labels of its rows
    (:func:`npae.models.softmax.check_labels`).
    """
    check_instance("model", model, (Softmax, StackedClassifier), "Softmax(784, 10)")
    predicted = model.predict(X)                              # checks X (and the parameters) once
    y = check_labels(y, model.n_classes, predicted.shape[0], name="y")
    return float(np.mean(predicted == y))


def train_classifier(model, X, y, *, epochs=(12, 4), learning_rates=(1e-3, 1e-4), batch_size=128, rng=None,
                     verbose=False, callback=None):
    """Fine-tune a classifier (Softmax or StackedClassifier) with minibatch Adam, in stages of decreasing step size.

    UFLDL fine-tunes with L-BFGS on the whole training set; with 60 000 images minibatches are far cheaper per
    unit of progress, and a last stage with a smaller step lets the iterate settle. X (n_samples, n_features);
    y (n_samples,) integer labels in [0, model.n_classes); ``epochs`` and ``learning_rates`` (Adam's step size),
    one entry per stage; ``batch_size``, ``rng``, ``verbose``, ``callback`` as
    :func:`npae.training.minibatch.train_minibatch`. Returns one History per stage.

    Raises TypeError/ValueError before any step for another model (an autoencoder has no classes), epochs and
    rates that are not sequences of the same non-zero length of counts ≥ 0 and rates > 0, an X that is not a
    finite array of the model's width, a y that is not labels of X's rows, and as train_minibatch;
    :class:`npae.errors.DivergenceError` as train_minibatch.
    """
    check_instance("model", model, (Softmax, StackedClassifier), "Softmax(784, 10)")
    epochs = [check_int(f"epochs[{i}]", n, 0) for i, n in enumerate(check_sequence("epochs", epochs, "integers"))]
    learning_rates = [check_real(f"learning_rates[{i}]", lr, 0.0, open_minimum=True)
                      for i, lr in enumerate(check_sequence("learning_rates", learning_rates, "numbers"))]
    if len(epochs) != len(learning_rates) or not epochs:
        raise ValueError(f"epochs and learning_rates must have the same, non-zero length, got {len(epochs)} and "
                         f"{len(learning_rates)}")
    X = check_data(X, "X", model.n_features, model.dtype)
    y = check_labels(y, model.n_classes, X.shape[0], name="y")
    batch_size = check_int("batch_size", batch_size, 1)
    Y = np.eye(model.n_classes, dtype=model.dtype)[y]         # one-hot rows: the minibatch trainer slices them
    return [train_minibatch(model, X, target=Y, optimizer=Adam(learning_rate=lr), epochs=n,
                            batch_size=batch_size, rng=rng, verbose=verbose, callback=callback)
            for n, lr in zip(epochs, learning_rates)]
