"""Deep networks built from affine layers: one backward recurrence for any depth (Goodfellow et al. §14.3, UFLDL).

Layers are numbered as in the UFLDL notes: layer 1 is the input, and the weights W⁽ˡ⁾ (``params["Wl"]``)
map layer l to layer l + 1. For a stack of L weight matrices, samples as rows::

    A⁽¹⁾ = X                                      (m, n₁)
    Z⁽ˡ⁺¹⁾ = A⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾                        (m, nₗ₊₁)   l = 1 … L
    A⁽ˡ⁺¹⁾ = f⁽ˡ⁺¹⁾(Z⁽ˡ⁺¹⁾)                          hidden layers (l + 1 ≤ L)
    J = loss(Z⁽ᴸ⁺¹⁾, target)                      the output layer's pre-activation goes to the loss

Backward (UFLDL "Backpropagation Algorithm", with rows as samples): the loss gives the output delta
δ⁽ᴸ⁺¹⁾ = ∂J/∂Z⁽ᴸ⁺¹⁾, and for every layer from the top down, l = L … 1,

    ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾,   ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ,   δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f'(Z⁽ˡ⁾)  (l ≥ 2),

the first three by :func:`npae.core.layers.affine_backward`. For L = 2 these are the two-layer
autoencoder's δ³ and δ² (:mod:`npae.models.autoencoder`). :func:`stack_backward` is that loop, written
once; :class:`StackedClassifier` (encoder layers + softmax, UFLDL ``stackedAECost``) and
:class:`DeepAutoencoder` (unrolled encoder and decoder, Hinton & Salakhutdinov 2006) differ only in
their layers and their loss.

Tied deep autoencoder: decoder layer 2K+1-l uses W⁽ˡ⁾ᵀ. A weight used twice gets the sum of the two
gradients (the multivariate chain rule): ∂J/∂W⁽ˡ⁾ = (encoder use) + (decoder use)ᵀ.
"""

import numpy as np

from npae.checks import check_bool, check_choice, check_data, check_float_dtype, check_input_and_target, check_int
from npae.checks import check_float_array, check_real, check_rng, check_sequence
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, affine_backward, dense_forward, initial_softmax_weights, initial_weights
from npae.core.losses import LOSSES
from npae.core.penalties import WeightDecay
from npae.models.softmax import check_labels, softmax, softmax_cross_entropy

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")
REDUCTIONS = ("sum", "mean")


_NO_BIASES = object()          # stack_backward has no biases to check


def _check_stack(weights, activations, biases=_NO_BIASES):
    """Cheap checks of a stack's layers (types and shapes, no pass over the values): L >= 1 float weight
    matrices that chain (W⁽ˡ⁾ has as many rows as W⁽ˡ⁻¹⁾ has columns), L matching bias vectors, and at least
    L-1 activations. Without ``biases`` (stack_backward) they are not checked. Returns the three lists."""
    weights = check_sequence("weights", weights, "weight matrices W⁽¹⁾ … W⁽ᴸ⁾", nonempty=True)
    for l, W in enumerate(weights, start=1):
        check_float_array(f"weights[{l - 1}]", W)
        if W.ndim != 2 or (l > 1 and W.shape[0] != weights[l - 2].shape[1]):
            expected = "(n_in, n_out)" if l == 1 else f"({weights[l - 2].shape[1]}, n_out)"
            raise ValueError(f"weights[{l - 1}] must have shape {expected} (the layers must chain), got {W.shape}")
    activations = check_sequence("activations", activations, "Activation objects")
    if len(activations) < len(weights) - 1:
        raise ValueError(f"activations must hold one nonlinearity per hidden layer ({len(weights) - 1}), "
                         f"got {len(activations)}")
    if biases is not _NO_BIASES:
        biases = check_sequence("biases", biases, "bias vectors b⁽¹⁾ … b⁽ᴸ⁾")
        if len(biases) != len(weights):
            raise ValueError(f"biases must hold one vector per weight matrix ({len(weights)}), got {len(biases)}")
        for l, (W, b) in enumerate(zip(weights, biases)):
            check_float_array(f"biases[{l}]", b)
            if b.shape != (W.shape[1],):
                raise ValueError(f"biases[{l}] must have shape ({W.shape[1]},), got {b.shape}")
    return weights, activations, biases


def _check_rows(name, A, n_columns):
    """Cheap check of a float (m >= 1, n_columns) array (type and shape only)."""
    check_float_array(name, A)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] != n_columns:
        raise ValueError(f"{name} must have shape (m >= 1, {n_columns}), got {A.shape}")
    return A


def stack_forward(X, weights, biases, activations):
    """Forward pass through a stack of L affine layers; the output layer's pre-activation is returned raw.

    Parameters
    ----------
    X : ndarray of shape (m, n₁)
    weights : sequence of L ndarrays
        W⁽¹⁾ … W⁽ᴸ⁾, W⁽ˡ⁾ of shape (nₗ, nₗ₊₁) (transposed views allowed).
    biases : sequence of L ndarrays
        b⁽¹⁾ … b⁽ᴸ⁾, b⁽ˡ⁾ of shape (nₗ₊₁,).
    activations : sequence of L-1 npae.core.activations.Activation
        f⁽²⁾ … f⁽ᴸ⁾, the hidden layers' nonlinearities (empty for L = 1, a single affine map; more than L-1 are
        accepted and the extra ones, which would act on the output, are not used).

    Returns
    -------
    inputs : list of L ndarrays
        A⁽¹⁾ … A⁽ᴸ⁾, the input of each weight matrix: ``inputs[l - 1]`` is A⁽ˡ⁾ (``inputs[0]`` is X).
    pre : list of L ndarrays
        Z⁽²⁾ … Z⁽ᴸ⁺¹⁾: ``pre[l - 1]`` is Z⁽ˡ⁺¹⁾, the pre-activation W⁽ˡ⁾ produces; ``pre[-1]`` is what the
        loss receives.

    Raises
    ------
    TypeError, ValueError
        If an argument is not of the kind and shape above (types and shapes only: the values, which the
        models have checked, are not read; NaN and inf propagate).
    """
    weights, activations, biases = _check_stack(weights, activations, biases)
    X = _check_rows("X", X, weights[0].shape[0])
    L = len(weights)
    inputs, pre = [X], []
    for l in range(1, L):                                  # hidden layers 2 … L
        Z, A = dense_forward(inputs[-1], weights[l - 1], biases[l - 1], activations[l - 1])
        pre.append(Z)
        inputs.append(A)
    pre.append(inputs[-1] @ weights[L - 1] + biases[L - 1])    # Z⁽ᴸ⁺¹⁾, the output's pre-activation
    return inputs, pre


def stack_backward(delta_out, inputs, pre, weights, activations):
    """The backward recurrence δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f'(Z⁽ˡ⁾) for any depth (module docstring).

    Parameters
    ----------
    delta_out : ndarray of shape (m, n_{L+1})
        δ⁽ᴸ⁺¹⁾ = ∂J/∂Z⁽ᴸ⁺¹⁾ at the output layer (from the loss; the 1/m of a mean included).
    inputs, pre : lists from :func:`stack_forward`
    weights : sequence of L ndarrays (as given to :func:`stack_forward`)
    activations : sequence of L-1 Activation (as given to :func:`stack_forward`)

    Returns
    -------
    dict l -> (dW, db) for l = 1 … L, in that order: ∂J/∂W⁽ˡ⁾ of shape (nₗ, nₗ₊₁) and ∂J/∂b⁽ˡ⁾ of shape (nₗ₊₁,).

    Raises
    ------
    TypeError, ValueError
        If an argument is not of the kind and shape above (types and shapes only, as :func:`stack_forward`).
    """
    weights, activations, _ = _check_stack(weights, activations)
    L = len(weights)
    inputs = check_sequence("inputs", inputs, "arrays A⁽¹⁾ … A⁽ᴸ⁾ (from stack_forward)")
    pre = check_sequence("pre", pre, "arrays Z⁽²⁾ … Z⁽ᴸ⁺¹⁾ (from stack_forward)")
    for name, seq in (("inputs", inputs), ("pre", pre)):
        if len(seq) != L:
            raise ValueError(f"{name} must hold {L} arrays (one per weight matrix, from stack_forward), "
                             f"got {len(seq)}")
    for l, (A_in, W) in enumerate(zip(inputs, weights)):
        _check_rows(f"inputs[{l}]", A_in, W.shape[0])
    m = inputs[0].shape[0]
    delta_out = _check_rows("delta_out", delta_out, weights[-1].shape[1])
    if delta_out.shape[0] != m:
        raise ValueError(f"delta_out must have shape ({m}, {weights[-1].shape[1]}) (one row per sample of "
                         f"inputs[0]), got {delta_out.shape}")
    # The lists, under UFLDL's layer numbers (module docstring)
    W = {l: weights[l - 1] for l in range(1, L + 1)}             # W⁽ˡ⁾
    A = {l: inputs[l - 1] for l in range(1, L + 1)}              # A⁽ˡ⁾
    Z = {l + 1: pre[l - 1] for l in range(1, L + 1)}             # Z⁽ˡ⁺¹⁾
    f = {l: activations[l - 2] for l in range(2, L + 1)}         # f⁽ˡ⁾ of the hidden layers
    delta = {L + 1: delta_out}                                   # δ⁽ᴸ⁺¹⁾
    grads = {}
    for l in range(L, 0, -1):
        # ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾, ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ, ∂J/∂A⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ
        dW, db, dJ_dA = affine_backward(delta[l + 1], A[l], W[l], need_dA=l > 1)
        grads[l] = (dW, db)
        if l > 1:
            delta[l] = dJ_dA * f[l].derivative(Z[l], A[l])         # δ⁽ˡ⁾ = ∂J/∂A⁽ˡ⁾ ∘ f'(Z⁽ˡ⁾)
    return {l: grads[l] for l in range(1, L + 1)}                # in layer order


def _check_sizes(sizes, name, minimum_length):
    sizes = check_sequence(name, sizes, f"at least {minimum_length} positive integers")
    if len(sizes) < minimum_length:
        raise ValueError(f"{name} must be a list of at least {minimum_length} positive integers, got {sizes!r}")
    return [check_int(f"{name}[{i}]", s, 1) for i, s in enumerate(sizes)]


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
        Encoder weights by :func:`npae.core.layers.initial_weights` (as the autoencoders); softmax 0.005 · N(0, 1)
        (:func:`npae.core.layers.initial_softmax_weights`).

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
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.activation = get_activation(activation, "activation", HIDDEN_ACTIVATIONS)
        self.softmax_decay = WeightDecay(check_real("weight_decay", weight_decay, 0))
        self.encoder_decay = WeightDecay(check_real("encoder_weight_decay", encoder_weight_decay, 0))
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.init = check_choice("init", init, INITS)
        self.n_layers = len(self.layer_sizes) - 1
        self.params = {}
        for l in range(self.n_layers):
            n_in, n_out = self.layer_sizes[l], self.layer_sizes[l + 1]
            self.params[f"W{l + 1}"] = initial_weights(rng, n_in, n_out, init, self.dtype)
            self.params[f"b{l + 1}"] = np.zeros(n_out, dtype=self.dtype)
        self.params["W_softmax"] = initial_softmax_weights(rng, self.layer_sizes[-1], self.n_classes, self.dtype)
        self.params["b_softmax"] = np.zeros(self.n_classes, dtype=self.dtype)

    def param_shapes(self):
        """{key: shape} of every parameter, in the order of ``params``: ``W1`` (n₀, n₁), ``b1`` (n₁,), …,
        ``W_softmax`` (n_K, n_classes), ``b_softmax`` (n_classes,)."""
        shapes = {}
        for l in range(self.n_layers):
            shapes[f"W{l + 1}"] = (self.layer_sizes[l], self.layer_sizes[l + 1])
            shapes[f"b{l + 1}"] = (self.layer_sizes[l + 1],)
        shapes["W_softmax"] = (self.layer_sizes[-1], self.n_classes)
        shapes["b_softmax"] = (self.n_classes,)
        return shapes

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model
        (:mod:`npae.serialize`)."""
        return {"layer_sizes": list(self.layer_sizes), "n_classes": self.n_classes,
                "activation": self.activation.name, "weight_decay": self.softmax_decay.weight_decay,
                "encoder_weight_decay": self.encoder_decay.weight_decay, "dtype": self.dtype.name,
                "init": self.init}

    def _layers(self, params):
        names = [f"{l + 1}" for l in range(self.n_layers)] + ["_softmax"]
        return [params["W" + n] for n in names], [params["b" + n] for n in names], names

    def _forward(self, X, params):
        params = check_params(self.params if params is None else params, self.param_shapes())
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

    def loss_and_grads(self, X, y, params=None):
        """J = -(1/m) Σᵢ log p(yᵢ | xᵢ) + (λ/2)‖W_softmax‖² (+ encoder decay) and its gradient for every layer.

        Parameters
        ----------
        X : array_like of shape (m, n₀)
        y : array_like of shape (m,) of integer labels in [0, n_classes), or (m, n_classes) one-hot
            The class labels. The trainers pass them as their ``target`` (positionally; the minibatch
            trainer as a one-hot matrix, since it slices and casts 2-D targets).
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
        grads : dict keyed and shaped like ``params``

        Raises
        ------
        ValueError, TypeError
            For a bad ``X``, ``y`` (:func:`npae.models.softmax.check_labels`) or ``params``.
        """
        return self._forward_backward(X, y, params, need_grads=True)

    def loss(self, X, y, params=None):
        """The loss J alone; arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, y, params, need_grads=False)[0]

    def _forward_backward(self, X, y, params, need_grads):
        params, X, weights, names, inputs, pre = self._forward(X, params)
        labels = check_labels(y, self.n_classes, X.shape[0], name="y")
        value, delta_out = softmax_cross_entropy(pre[-1], labels, 1.0 / X.shape[0])    # δ⁽ᴸ⁺¹⁾
        top = {"W_softmax": params["W_softmax"]}
        encoder = {f"W{l + 1}": params[f"W{l + 1}"] for l in range(self.n_layers)}
        decay_top, _, direct_top = self.softmax_decay(top, None, None)
        decay_enc, _, direct_enc = self.encoder_decay(encoder, None, None)
        loss = value + decay_top + decay_enc
        if not need_grads:
            return loss, None
        grads = {}
        layer_grads = stack_backward(delta_out, inputs, pre, weights, [self.activation] * self.n_layers)
        for l, name in enumerate(names, start=1):
            grads["W" + name], grads["b" + name] = layer_grads[l]
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
        The weights' initialisation (:func:`npae.core.layers.initial_weights`).
    reduction : {"sum", "mean"}
        As :class:`~npae.models.autoencoder.Autoencoder`: the reconstruction loss summed over the n₀
        features of a sample (default) or their mean (every gradient of the loss divided by n₀); the
        weight decay is never divided.

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
                 loss="squared_error", tied=False, weight_decay=0.0, rng=None, dtype=np.float64, init="ufldl",
                 reduction="sum"):
        self.layer_sizes = _check_sizes(layer_sizes, "layer_sizes", 2)
        self.depth = len(self.layer_sizes) - 1                                    # K
        self.activation = get_activation(activation, "activation", HIDDEN_ACTIVATIONS)
        self.code = self.activation if code is None else get_activation(code, "code",
                                                                         HIDDEN_ACTIVATIONS + ("linear",))
        self.decoder = get_activation(decoder, "decoder", ("sigmoid", "linear"))
        self.loss_name = check_choice("loss", loss, tuple(LOSSES))
        if loss == "cross_entropy" and decoder != "sigmoid":
            raise ValueError(f"loss='cross_entropy' needs decoder='sigmoid', got decoder={decoder!r}")
        self.tied = check_bool("tied", tied)
        self.weight_decay = WeightDecay(weight_decay)
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.init = check_choice("init", init, INITS)
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)
        self.n_visible, self.n_hidden = self.layer_sizes[0], self.layer_sizes[-1]
        self.params = {}
        for name, (n_in, n_out) in self._weight_shapes().items():
            self.params[name] = initial_weights(rng, n_in, n_out, init, self.dtype)
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

    def param_shapes(self):
        """{key: shape} of every parameter, in the order of ``params``: the weights ``W1`` … (``W{2K}`` unless
        tied), then the biases ``b1`` … ``b{2K}`` (the class docstring gives the shapes)."""
        return {**self._weight_shapes(), **self._bias_shapes()}

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model
        (:mod:`npae.serialize`). ``code`` is the code layer's nonlinearity by name, ``activation``'s when the
        constructor was given None."""
        return {"layer_sizes": list(self.layer_sizes), "activation": self.activation.name, "code": self.code.name,
                "decoder": self.decoder.name, "loss": self.loss_name, "tied": self.tied,
                "weight_decay": self.weight_decay.weight_decay, "dtype": self.dtype.name, "init": self.init,
                "reduction": self.reduction}

    def _checked(self, params):
        return check_params(self.params if params is None else params, self.param_shapes())

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
        inv_m = 1.0 / X.shape[0]
        inv_m_loss = inv_m / self.n_visible if self.reduction == "mean" else inv_m      # "mean" over features
        value, delta_out = LOSSES[self.loss_name](pre[-1], T, self.decoder, inv_m_loss)  # δ⁽²ᴷ⁺¹⁾
        decay, _, direct = self.weight_decay({k: params[k] for k in self._weight_shapes()}, None, inv_m)
        if not need_grads:
            return value + decay, None
        grads = {}
        for l, (dW, db) in stack_backward(delta_out, inputs, pre, weights, acts).items():
            grads[f"b{l}"] = db
            if l <= K or not self.tied:
                grads[f"W{l}"] = dW
            else:
                grads[f"W{2 * K + 1 - l}"] += dW.T           # the decoder use of a tied matrix
        for name, g in direct.items():
            grads[name] += g
        return value + decay, {name: grads[name] for name in params}
