"""Deep networks built from affine layers: one backward recurrence for any depth (Goodfellow et al. §14.3, UFLDL).

A stack of L affine layers, samples as rows::

    A⁽⁰⁾ = X                                      (m, n₀)
    Z⁽ˡ⁾ = A⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾                        (m, nₗ₊₁)   l = 0 … L-1
    A⁽ˡ⁺¹⁾ = f⁽ˡ⁾(Z⁽ˡ⁾)                            hidden layers (l < L-1)
    J = loss(Z⁽ᴸ⁻¹⁾, target)                      the top layer's pre-activation goes to the loss

Backward (UFLDL "Backpropagation Algorithm", with rows as samples): the loss gives
δ⁽ᴸ⁻¹⁾ = ∂J/∂Z⁽ᴸ⁻¹⁾, and for every layer from the top down

    ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀ δ⁽ˡ⁾,   ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁾ᵢ,   δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾ᵀ) ∘ f'(Z⁽ˡ⁻¹⁾),

the first three by :func:`npae.core.layers.affine_backward`. :func:`stack_backward` is that loop, written once;
:class:`StackedClassifier` (encoder layers + softmax, UFLDL ``stackedAECost``) and :class:`DeepAutoencoder`
(unrolled encoder and decoder, Hinton & Salakhutdinov 2006) differ only in their layers and their loss.

Tied deep autoencoder: decoder layer L-1-l uses W⁽ˡ⁾ᵀ. A weight used twice gets the sum of the two
gradients (the multivariate chain rule): ∂J/∂W⁽ˡ⁾ = (encoder use) + (decoder use)ᵀ.
"""

import numbers

import numpy as np

from npae.core.activations import get_activation
from npae.checks import check_float_dtype, check_rng
from npae.core.flat import check_params
from npae.core.layers import affine_backward
from npae.core.losses import LOSSES
from npae.checks import check_data, check_input_and_target
from npae.core.penalties import WeightDecay
from npae.models.softmax import check_labels, softmax, softmax_cross_entropy

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")


def stack_forward(X, weights, biases, activations):
    """Forward pass through a stack of affine layers; the top layer's pre-activation is returned raw.

    Parameters
    ----------
    X : ndarray of shape (m, n₀)
    weights : sequence of L ndarrays, W⁽ˡ⁾ of shape (nₗ, nₗ₊₁) (transposed views allowed)
    biases : sequence of L ndarrays of shape (nₗ₊₁,)
    activations : sequence of L-1 npae.core.activations.Activation
        f⁽ˡ⁾ of the hidden layers l = 0 … L-2.

    Returns
    -------
    inputs : list of L ndarrays
        A⁽ˡ⁾, the input of each layer (inputs[0] is X).
    pre : list of L ndarrays
        Z⁽ˡ⁾, each layer's pre-activation; ``pre[-1]`` is what the loss receives.
    """
    inputs, pre = [X], []
    for l, (W, b) in enumerate(zip(weights, biases)):
        Z = inputs[-1] @ W
        Z += b
        pre.append(Z)
        if l < len(weights) - 1:
            inputs.append(activations[l].forward(Z))
    return inputs, pre


def stack_backward(delta, inputs, pre, weights, activations):
    """The backward recurrence δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾ᵀ) ∘ f'(Z⁽ˡ⁻¹⁾) for any depth (module docstring).

    Parameters
    ----------
    delta : ndarray of shape (m, n_L)
        δ at the top layer, ∂J/∂Z⁽ᴸ⁻¹⁾ (from the loss; the 1/m of a mean included).
    inputs, pre : lists from :func:`stack_forward`
    weights : sequence of L ndarrays (as given to :func:`stack_forward`)
    activations : sequence of L-1 Activation

    Returns
    -------
    list of L pairs (dW, db): dW of shape (nₗ, nₗ₊₁), db of shape (nₗ₊₁,), in layer order.
    """
    grads = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        dW, db, dA = affine_backward(delta, inputs[l], weights[l], need_dA=l > 0)
        grads[l] = (dW, db)
        if l > 0:
            delta = dA
            delta *= activations[l - 1].derivative(pre[l - 1], inputs[l])     # ∘ f'(Z⁽ˡ⁻¹⁾)
    return grads


def _check_sizes(sizes, name, minimum_length):
    sizes = list(sizes)
    if len(sizes) < minimum_length or any(
            isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1 for s in sizes):
        raise ValueError(f"{name} must be a list of at least {minimum_length} positive integers, got {sizes!r}")
    return [int(s) for s in sizes]


def _uniform(rng, n_in, n_out, init, dtype):
    """W ~ U[-r, r] with UFLDL's r = √(6/(n_in + n_out + 1)) or Glorot's r = √(6/(n_in + n_out))."""
    if init == "ufldl":
        r = np.sqrt(6.0 / (n_in + n_out + 1))
    elif init == "glorot":
        r = np.sqrt(6.0 / (n_in + n_out))
    else:
        raise ValueError(f"init must be 'ufldl' or 'glorot', got {init!r}")
    return rng.uniform(-r, r, size=(n_in, n_out)).astype(dtype)


class StackedClassifier:
    """Encoder layers with a softmax on top, trained end to end (UFLDL ``stackedAECost``, fine-tuning).

    Parameters
    ----------
    layer_sizes : sequence of int, length ≥ 2
        [n_input, n_hidden_1, …, n_hidden_K], e.g. [784, 200, 200].
    n_classes : int ≥ 2
    activation : {"sigmoid", "relu"}
        The hidden layers' nonlinearity.
    weight_decay : float ≥ 0
        λ of (λ/2)‖W_softmax‖²_F (UFLDL: 1e-4; ``stackedAECost`` decays only the softmax weights).
    encoder_weight_decay : float ≥ 0
        λ of (λ/2) Σₗ‖Wₗ‖²_F over the encoder weights (default 0, as UFLDL). Biases are never decayed.
    rng : numpy.random.Generator, optional
        Draws the initial weights (usually overwritten by :func:`npae.training.stacking.stacked_classifier`).
    dtype : {numpy.float64, numpy.float32}
    init : {"ufldl", "glorot"}
        Encoder weights U[-r, r] (as :class:`~npae.models.autoencoder.Autoencoder`); softmax 0.005 · N(0, 1).

    Attributes
    ----------
    params : dict
        ``W1`` (n₀, n₁), ``b1`` (n₁,), …, ``WK``, ``bK``, ``W_softmax`` (n_K, n_classes),
        ``b_softmax`` (n_classes,).

    Raises
    ------
    ValueError, TypeError
        For bad sizes, fewer than 2 classes, an unknown activation or init, a negative weight decay.
    """

    def __init__(self, layer_sizes, n_classes, *, activation="sigmoid", weight_decay=1e-4,
                 encoder_weight_decay=0.0, rng=None, dtype=np.float64, init="ufldl"):
        self.layer_sizes = _check_sizes(layer_sizes, "layer_sizes", 2)
        if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 2:
            raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}")
        self.n_classes = int(n_classes)
        self.activation = get_activation(activation, "activation", HIDDEN_ACTIVATIONS)
        self.softmax_decay = WeightDecay(weight_decay)
        self.encoder_decay = WeightDecay(encoder_weight_decay)
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.n_layers = len(self.layer_sizes) - 1
        self.params = {}
        for l in range(self.n_layers):
            n_in, n_out = self.layer_sizes[l], self.layer_sizes[l + 1]
            self.params[f"W{l + 1}"] = _uniform(rng, n_in, n_out, init, self.dtype)
            self.params[f"b{l + 1}"] = np.zeros(n_out, dtype=self.dtype)
        self.params["W_softmax"] = (0.005 * rng.standard_normal((self.layer_sizes[-1], self.n_classes))
                                    ).astype(self.dtype)
        self.params["b_softmax"] = np.zeros(self.n_classes, dtype=self.dtype)

    def _shapes(self):
        shapes = {}
        for l in range(self.n_layers):
            shapes[f"W{l + 1}"] = (self.layer_sizes[l], self.layer_sizes[l + 1])
            shapes[f"b{l + 1}"] = (self.layer_sizes[l + 1],)
        shapes["W_softmax"] = (self.layer_sizes[-1], self.n_classes)
        shapes["b_softmax"] = (self.n_classes,)
        return shapes

    def _layers(self, params):
        names = [f"{l + 1}" for l in range(self.n_layers)] + ["_softmax"]
        return [params["W" + n] for n in names], [params["b" + n] for n in names], names

    def _forward(self, X, params):
        params = check_params(self.params if params is None else params, self._shapes())
        X = check_data(X, "X", self.layer_sizes[0], self.dtype)
        weights, biases, names = self._layers(params)
        inputs, pre = stack_forward(X, weights, biases, [self.activation] * self.n_layers)
        return params, X, weights, names, inputs, pre

    def encode(self, X, params=None):
        """The top hidden layer's features, (m, n_K) of ``self.dtype`` (what the softmax sees)."""
        return self._forward(X, params)[4][-1]

    def predict_proba(self, X, params=None):
        """p(y = k | x) for every row: (m, n_classes), rows summing to 1."""
        return softmax(self._forward(X, params)[5][-1])

    def predict(self, X, params=None):
        """The most probable class of every row: (m,) int64."""
        return np.argmax(self._forward(X, params)[5][-1], axis=1)

    def loss_and_grads(self, X, target, params=None):
        """J = -(1/m) Σᵢ log p(yᵢ | xᵢ) + (λ/2)‖W_softmax‖² (+ encoder decay) and its gradient for every layer.

        Parameters
        ----------
        X : array_like of shape (m, n₀)
        target : array_like of shape (m,) of integer labels y in [0, n_classes), or (m, n_classes) one-hot
            The labels. Named ``target`` like the autoencoders' argument, so that
            :func:`npae.training.lbfgs.train_lbfgs` (positionally) and :func:`npae.training.minibatch.train_minibatch`
            (``target=``, one-hot, since it slices and casts 2-D targets) pass them.
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
        grads : dict keyed and shaped like ``params``

        Raises
        ------
        ValueError, TypeError
            For a bad ``X``, ``target`` (:func:`npae.models.softmax.check_labels`) or ``params``.
        """
        return self._forward_backward(X, target, params, need_grads=True)

    def loss(self, X, target, params=None):
        """The loss J alone; arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, target, params, need_grads=False)[0]

    def _forward_backward(self, X, target, params, need_grads):
        params, X, weights, names, inputs, pre = self._forward(X, params)
        labels = check_labels(target, self.n_classes, X.shape[0], name="target")
        value, delta = softmax_cross_entropy(pre[-1], labels, 1.0 / X.shape[0])
        top = {"W_softmax": params["W_softmax"]}
        encoder = {f"W{l + 1}": params[f"W{l + 1}"] for l in range(self.n_layers)}
        decay_top, _, direct_top = self.softmax_decay(top, None, None)
        decay_enc, _, direct_enc = self.encoder_decay(encoder, None, None)
        loss = value + decay_top + decay_enc
        if not need_grads:
            return loss, None
        grads = {}
        for name, (dW, db) in zip(names, stack_backward(delta, inputs, pre, weights,
                                                        [self.activation] * self.n_layers)):
            grads["W" + name], grads["b" + name] = dW, db
        for direct in (direct_top, direct_enc):
            for name, g in direct.items():
                grads[name] += g
        return loss, {name: grads[name] for name in params}


class DeepAutoencoder:
    """An unrolled deep autoencoder: encoder n₀ → … → n_K, mirrored decoder n_K → … → n₀ (Hinton & Salakhutdinov 2006).

    Parameters
    ----------
    layer_sizes : sequence of int, length ≥ 2
        The encoder's widths [n₀, n₁, …, n_K]; the code has n_K units. The decoder mirrors it.
        [784, 128, 64, 32] gives the 6-layer 784-128-64-32-64-128-784 network.
    activation : {"sigmoid", "relu"}
        Nonlinearity of every hidden layer (encoder and decoder), including the code unless ``code`` says.
    code : {"sigmoid", "relu", "linear"}, optional
        Nonlinearity of the code layer (default: ``activation``; Hinton & Salakhutdinov use linear codes).
    decoder : {"sigmoid", "linear"}
        Output nonlinearity.
    loss : {"squared_error", "cross_entropy"}
        As :class:`~npae.models.autoencoder.Autoencoder` (:mod:`npae.core.losses`): mean over samples of a sum over features.
    tied : bool
        Decoder layer K+j uses W_{K+1-j}ᵀ; ``params`` then has no decoder weights.
    weight_decay : float ≥ 0
        (λ/2) Σ‖W‖²_F over the weight matrices in ``params`` (each tied matrix once); biases not decayed.
    rng : numpy.random.Generator, optional
    dtype : {numpy.float64, numpy.float32}
    init : {"ufldl", "glorot"}

    Attributes
    ----------
    params : dict
        Layers are numbered 1 … 2K from input to output. ``W1`` (n₀, n₁), ``b1``, …, ``WK``, ``bK``
        (encoder), then ``W{K+1}`` (n_K, n_{K-1}) … ``W{2K}`` (n₁, n₀) unless tied, and
        ``b{K+1}`` … ``b{2K}`` (always).
    n_visible, n_hidden : int
        n₀ and the code width n_K (the names :class:`~npae.models.autoencoder.Autoencoder` uses).

    Raises
    ------
    ValueError, TypeError
        For bad sizes, unknown names, cross-entropy with a linear decoder, a negative weight decay.
    """

    def __init__(self, layer_sizes, *, activation="sigmoid", code=None, decoder="sigmoid",
                 loss="squared_error", tied=False, weight_decay=0.0, rng=None, dtype=np.float64, init="ufldl"):
        self.layer_sizes = _check_sizes(layer_sizes, "layer_sizes", 2)
        self.depth = len(self.layer_sizes) - 1                                    # K
        self.activation = get_activation(activation, "activation", HIDDEN_ACTIVATIONS)
        self.code = self.activation if code is None else get_activation(code, "code",
                                                                         HIDDEN_ACTIVATIONS + ("linear",))
        self.decoder = get_activation(decoder, "decoder", ("sigmoid", "linear"))
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {tuple(LOSSES)}, got {loss!r}")
        if loss == "cross_entropy" and decoder != "sigmoid":
            raise ValueError(f"loss='cross_entropy' needs decoder='sigmoid', got decoder={decoder!r}")
        self.loss_name = loss
        self.tied = bool(tied)
        self.weight_decay = WeightDecay(weight_decay)
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.n_visible, self.n_hidden = self.layer_sizes[0], self.layer_sizes[-1]
        self.params = {}
        for name, (n_in, n_out) in self._weight_shapes().items():
            self.params[name] = _uniform(rng, n_in, n_out, init, self.dtype)
        for name, shape in self._bias_shapes().items():
            self.params[name] = np.zeros(shape, dtype=self.dtype)

    # layer l = 1 … 2K maps widths[l-1] → widths[l]
    def _widths(self):
        return self.layer_sizes + self.layer_sizes[-2::-1]

    def _weight_shapes(self):
        w = self._widths()
        last = self.depth if self.tied else 2 * self.depth
        return {f"W{l}": (w[l - 1], w[l]) for l in range(1, last + 1)}

    def _bias_shapes(self):
        w = self._widths()
        return {f"b{l}": (w[l],) for l in range(1, 2 * self.depth + 1)}

    def _activations(self):
        """The 2K-1 hidden nonlinearities: encoder layers, the code, decoder layers."""
        K = self.depth
        return [self.activation] * (K - 1) + [self.code] + [self.activation] * (K - 1)

    def _weights(self, params):
        """The 2K weight matrices in layer order; tied decoder layers are transposed views."""
        K = self.depth
        if self.tied:
            return [params[f"W{l}"] for l in range(1, K + 1)] + [params[f"W{2 * K + 1 - l}"].T
                                                                 for l in range(K + 1, 2 * K + 1)]
        return [params[f"W{l}"] for l in range(1, 2 * K + 1)]

    def _checked(self, params):
        return check_params(self.params if params is None else params,
                             {**self._weight_shapes(), **self._bias_shapes()})

    def encode(self, X, params=None):
        """The code: (m, n_K) of ``self.dtype``. Raises ValueError/TypeError for a bad X."""
        params = self._checked(params)
        A = check_data(X, "X", self.n_visible, self.dtype)
        weights, acts = self._weights(params), self._activations()
        for l in range(self.depth):
            A = acts[l].forward(A @ weights[l] + params[f"b{l + 1}"])
        return A

    def logits(self, X, params=None):
        """The decoder's pre-activation z of the last layer: (m, n₀) of ``self.dtype`` (x̂ = g(z))."""
        params = self._checked(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        _, pre = stack_forward(X, self._weights(params),
                               [params[f"b{l}"] for l in range(1, 2 * self.depth + 1)], self._activations())
        return pre[-1]

    def reconstruct(self, X, params=None):
        """The reconstruction x̂ = g(z): (m, n₀) of ``self.dtype``."""
        return self.decoder.forward(self.logits(X, params))

    def loss_and_grads(self, X, target=None, params=None):
        """Reconstruction loss (+ weight decay) and its gradient for every layer.

        Parameters
        ----------
        X : array_like of shape (m, n₀)
            Inputs (for denoising: the corrupted x̃).
        target : array_like of shape (m, n₀), optional
            What the reconstruction is compared with; defaults to ``X``. In [0, 1] for a sigmoid decoder.
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
        grads : dict keyed and shaped like ``params``

        Raises
        ------
        ValueError, TypeError
            For a bad ``X``/``target`` (as :func:`npae.checks.check_data`) or ``params``.
        """
        return self._forward_backward(X, target, params, need_grads=True)

    def loss(self, X, target=None, params=None):
        """The loss alone; arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, target, params, need_grads=False)[0]

    def _forward_backward(self, X, target, params, need_grads):
        params = self._checked(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        K = self.depth
        weights, acts = self._weights(params), self._activations()
        inputs, pre = stack_forward(X, weights, [params[f"b{l}"] for l in range(1, 2 * K + 1)], acts)
        value, delta = LOSSES[self.loss_name](pre[-1], T, self.decoder, 1.0 / X.shape[0])
        decay, _, direct = self.weight_decay({k: params[k] for k in self._weight_shapes()}, None, None)
        if not need_grads:
            return value + decay, None
        grads = {}
        for l, (dW, db) in enumerate(stack_backward(delta, inputs, pre, weights, acts), start=1):
            grads[f"b{l}"] = db
            if l <= K or not self.tied:
                grads[f"W{l}"] = dW
            else:
                grads[f"W{2 * K + 1 - l}"] += dW.T           # the decoder use of a tied matrix
        for name, g in direct.items():
            grads[name] += g
        return value + decay, {name: grads[name] for name in params}
