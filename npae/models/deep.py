"""Deep networks of affine layers with one backward recurrence for any depth (UFLDL; Goodfellow et al. §14.3).

Layers are numbered as in UFLDL, from the input: layer 1 is the input X, and W⁽ˡ⁾, b⁽ˡ⁾ map layer l to
layer l + 1. Samples are rows. For L weight matrices, the forward pass (:func:`_forward`) is::

    A⁽¹⁾ = X                                       (m, n₁)
    Z⁽ˡ⁺¹⁾ = A⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾                         (m, nₗ₊₁)     l = 1 … L
    A⁽ˡ⁺¹⁾ = f⁽ˡ⁺¹⁾(Z⁽ˡ⁺¹⁾)                           the hidden layers, l + 1 ≤ L

and the top pre-activation Z⁽ᴸ⁺¹⁾ goes to the loss, which returns δ⁽ᴸ⁺¹⁾ = ∂J/∂Z⁽ᴸ⁺¹⁾. The backward pass
(:func:`_backward`, the one recurrence of both models) goes from the top down, l = L … 1::

    ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾      ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ      δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f′(Z⁽ˡ⁾)   (l ≥ 2)

For L = 2 these are the autoencoder's δ³ and δ². :class:`StackedClassifier` (UFLDL ``stackedAECost``) puts a
softmax on top; :class:`DeepAutoencoder` (Hinton & Salakhutdinov 2006) a mirrored decoder and a reconstruction
loss. Derivations: lessons 21 and 22. The models check their arguments once, in their public methods;
:func:`_forward` and :func:`_backward` trust them. :func:`stack_forward` and :func:`stack_backward` are the
same two passes for a caller's own lists of arrays, checked.
"""

import numpy as np

from npae.checks import (check_bool, check_choice, check_data, check_float_array, check_float_dtype,
                         check_input_and_target, check_int, check_real, check_rng, check_sequence)
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, affine_backward, initial_softmax_weights, initial_weights
from npae.core.losses import LOSSES
from npae.models.softmax import _softmax, _softmax_cross_entropy, check_labels

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")
REDUCTIONS = ("sum", "mean")


# ------------------------------------------------------------------ the two passes (trust their arguments)

def _forward(X, W, b, f):
    """Z⁽ˡ⁺¹⁾ = A⁽ˡ⁾W⁽ˡ⁾ + b⁽ˡ⁾ for l = 1 … L (L = len(W)), A⁽¹⁾ = X, and A⁽ˡ⁺¹⁾ = f⁽ˡ⁺¹⁾(Z⁽ˡ⁺¹⁾) for every
    layer l + 1 that has a nonlinearity in ``f``. W, b, f are dicts keyed by layer number; returns the dicts
    A (A⁽¹⁾ …) and Z (Z⁽²⁾ … Z⁽ᴸ⁺¹⁾)."""
    A, Z = {1: X}, {}
    for l in range(1, len(W) + 1):
        Z[l + 1] = A[l] @ W[l]                             # Z⁽ˡ⁺¹⁾ = A⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾        (m, nₗ₊₁)
        Z[l + 1] += b[l]
        if l + 1 in f:
            A[l + 1] = f[l + 1].forward(Z[l + 1])          # A⁽ˡ⁺¹⁾ = f⁽ˡ⁺¹⁾(Z⁽ˡ⁺¹⁾)      (m, nₗ₊₁)
    return A, Z


def _backward(delta_top, A, Z, W, f):
    """The recurrence from δ⁽ᴸ⁺¹⁾ = ``delta_top`` down to layer 1 (module docstring), on the dicts of
    :func:`_forward`. Returns dicts dW, db keyed by layer: ∂J/∂W⁽ˡ⁾ (nₗ, nₗ₊₁), ∂J/∂b⁽ˡ⁾ (nₗ₊₁,)."""
    L = len(W)
    delta = {L + 1: delta_top}                             # δ⁽ᴸ⁺¹⁾ = ∂J/∂Z⁽ᴸ⁺¹⁾             (m, n_{L+1})
    dW, db = {}, {}
    for l in range(L, 0, -1):
        # ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾,  ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ,  ∂J/∂A⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ   (m, nₗ)
        dW[l], db[l], dJ_dA = affine_backward(delta[l + 1], A[l], W[l], need_dA=l > 1)
        if l > 1:
            delta[l] = dJ_dA * f[l].derivative(Z[l], A[l])   # δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f′(Z⁽ˡ⁾)  (m, nₗ)
    return dW, db


# ------------------------------------------------------------------ the same passes on a caller's lists, checked

_NO_BIASES = object()          # stack_backward has no biases to check


def _check_stack(weights, activations, biases=_NO_BIASES):
    """Types and shapes of a stack's lists (no pass over the values): L >= 1 float matrices that chain, L
    matching bias vectors (unless not given), at least L - 1 activations. Returns the three lists."""
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
    """A float (m >= 1, n_columns) array (type and shape only)."""
    check_float_array(name, A)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] != n_columns:
        raise ValueError(f"{name} must have shape (m >= 1, {n_columns}), got {A.shape}")
    return A


def _by_layer(weights, activations):
    """The lists of the public functions as :func:`_forward`'s dicts: W⁽ˡ⁾ for l = 1 … L, f⁽ˡ⁾ for l = 2 … L."""
    return dict(enumerate(weights, start=1)), {l: activations[l - 2] for l in range(2, len(weights) + 1)}


def stack_forward(X, weights, biases, activations):
    """The forward pass through L affine layers (module docstring); the top pre-activation is returned raw.

    X (m, n₁); ``weights`` W⁽¹⁾ … W⁽ᴸ⁾, each (nₗ, nₗ₊₁) (transposed views allowed); ``biases`` b⁽¹⁾ … b⁽ᴸ⁾, each
    (nₗ₊₁,); ``activations`` f⁽²⁾ … f⁽ᴸ⁾, L - 1 :class:`npae.core.activations.Activation` (empty for L = 1; extra
    ones are not used). Returns the lists ``inputs`` A⁽¹⁾ … A⁽ᴸ⁾ (``inputs[0]`` is X) and ``pre`` Z⁽²⁾ … Z⁽ᴸ⁺¹⁾.
    Raises TypeError/ValueError naming the argument for kinds and shapes that do not fit (values are not read:
    NaN and inf propagate).
    """
    weights, activations, biases = _check_stack(weights, activations, biases)
    X = _check_rows("X", X, weights[0].shape[0])
    W, f = _by_layer(weights, activations)
    A, Z = _forward(X, W, dict(enumerate(biases, start=1)), f)
    L = len(weights)
    return [A[l] for l in range(1, L + 1)], [Z[l + 1] for l in range(1, L + 1)]


def stack_backward(delta_out, inputs, pre, weights, activations):
    """The backward recurrence δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁾ᵀ) ∘ f′(Z⁽ˡ⁾) from the top delta (module docstring).

    ``delta_out`` δ⁽ᴸ⁺¹⁾ = ∂J/∂Z⁽ᴸ⁺¹⁾ (m, n_{L+1}), any 1/m of a mean included; ``inputs``, ``pre`` from
    :func:`stack_forward`; ``weights``, ``activations`` as given to it. Returns {l: (∂J/∂W⁽ˡ⁾, ∂J/∂b⁽ˡ⁾)} for
    l = 1 … L in that order. Raises TypeError/ValueError as :func:`stack_forward`.
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
    W, f = _by_layer(weights, activations)
    A = dict(enumerate(inputs, start=1))
    Z = {l + 1: pre[l - 1] for l in range(1, L + 1)}
    dW, db = _backward(delta_out, A, Z, W, f)
    return {l: (dW[l], db[l]) for l in range(1, L + 1)}


def _check_sizes(sizes, name, minimum_length):
    sizes = check_sequence(name, sizes, f"at least {minimum_length} positive integers")
    if len(sizes) < minimum_length:
        raise ValueError(f"{name} must be a list of at least {minimum_length} positive integers, got {sizes!r}")
    return [check_int(f"{name}[{i}]", s, 1) for i, s in enumerate(sizes)]


# ------------------------------------------------------------------ the stacked classifier

class StackedClassifier:
    """Sigmoid (or ReLU) encoder layers with a softmax on top, trained end to end (UFLDL ``stackedAECost``).

    ``layer_sizes`` [n₀, n₁, …, n_K] (K ≥ 1), ``n_classes`` ≥ 2; ``activation`` of the hidden layers "sigmoid" or
    "relu"; ``weight_decay`` λ ≥ 0 of (λ/2)‖W_softmax‖²_F (UFLDL: 1e-4; ``stackedAECost`` decays only the softmax);
    ``encoder_weight_decay`` λₑ ≥ 0 of (λₑ/2) Σₗ‖Wₗ‖²_F (default 0); biases are not decayed. ``rng`` draws the
    initial weights (:func:`~npae.core.layers.initial_weights` by ``init`` "ufldl" or "glorot"; the softmax
    0.005·N(0, 1)); ``dtype`` float64 or float32. ``params``: ``W1`` (n₀, n₁), ``b1`` (n₁,), …, ``WK``, ``bK``,
    ``W_softmax`` (n_K, n_classes), ``b_softmax`` (n_classes,). Raises ValueError/TypeError naming a bad argument.
    """

    def __init__(self, layer_sizes, n_classes, *, activation="sigmoid", weight_decay=1e-4,
                 encoder_weight_decay=0.0, rng=None, dtype=np.float64, init="ufldl"):
        self.layer_sizes = _check_sizes(layer_sizes, "layer_sizes", 2)
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.activation = get_activation(activation, "activation", HIDDEN_ACTIVATIONS)
        self.weight_decay = check_real("weight_decay", weight_decay, 0)
        self.encoder_weight_decay = check_real("encoder_weight_decay", encoder_weight_decay, 0)
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.init = check_choice("init", init, INITS)
        self.n_layers = len(self.layer_sizes) - 1                                   # K
        self.n_features = self.layer_sizes[0]
        self.params = {}
        for l in range(1, self.n_layers + 1):
            n_in, n_out = self.layer_sizes[l - 1], self.layer_sizes[l]
            self.params[f"W{l}"] = initial_weights(rng, n_in, n_out, init, self.dtype)
            self.params[f"b{l}"] = np.zeros(n_out, dtype=self.dtype)
        self.params["W_softmax"] = initial_softmax_weights(rng, self.layer_sizes[-1], self.n_classes, self.dtype)
        self.params["b_softmax"] = np.zeros(self.n_classes, dtype=self.dtype)

    def param_shapes(self):
        """{key: shape} of every parameter, in the order of ``params``."""
        shapes = {}
        for l in range(1, self.n_layers + 1):
            shapes[f"W{l}"] = (self.layer_sizes[l - 1], self.layer_sizes[l])
            shapes[f"b{l}"] = (self.layer_sizes[l],)
        shapes["W_softmax"] = (self.layer_sizes[-1], self.n_classes)
        shapes["b_softmax"] = (self.n_classes,)
        return shapes

    def config(self):
        """The constructor's arguments (except ``rng``) as plain values (:mod:`npae.serialize` stores them)."""
        return {"layer_sizes": list(self.layer_sizes), "n_classes": self.n_classes,
                "activation": self.activation.name, "weight_decay": self.weight_decay,
                "encoder_weight_decay": self.encoder_weight_decay, "dtype": self.dtype.name, "init": self.init}

    def _layers(self, params):
        """W, b keyed by layer: 1 … K the encoder, K + 1 the softmax; f⁽ˡ⁾ for the hidden layers 2 … K + 1."""
        K = self.n_layers
        W = {l: params[f"W{l}"] for l in range(1, K + 1)} | {K + 1: params["W_softmax"]}
        b = {l: params[f"b{l}"] for l in range(1, K + 1)} | {K + 1: params["b_softmax"]}
        return W, b, {l: self.activation for l in range(2, K + 2)}

    def encode(self, X, params=None):
        """The top hidden layer A⁽ᴷ⁺¹⁾ (what the softmax sees): (m, n_K) of ``self.dtype``."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_features, self.dtype)
        W, b, f = self._layers(params)
        A, _ = _forward(X, {l: W[l] for l in range(1, self.n_layers + 1)}, b, f)
        return A[self.n_layers + 1]

    def logits(self, X, params=None):
        """The softmax's logits Z⁽ᴷ⁺²⁾ = A⁽ᴷ⁺¹⁾ W_softmax + b_softmax: (m, n_classes) of ``self.dtype``."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_features, self.dtype)
        _, Z = _forward(X, *self._layers(params))
        return Z[self.n_layers + 2]

    def predict_proba(self, X, params=None):
        """p(y = k | x) for every row: (m, n_classes), rows summing to 1."""
        return _softmax(self.logits(X, params))

    def predict(self, X, params=None):
        """The most probable class of every row: (m,) int64."""
        return np.argmax(self.logits(X, params), axis=1)

    def loss_and_grads(self, X, y, params=None, need_grads=True):
        """J = −(1/m) Σᵢ log p(yᵢ | xᵢ) + (λ/2)‖W_softmax‖²_F + (λₑ/2) Σₗ‖Wₗ‖²_F and its gradient, every layer.

        X (m, n₀); ``y`` (m,) integer labels in [0, n_classes), or (m, n_classes) one-hot (what the minibatch
        trainer passes); ``params`` to evaluate at instead of ``self.params`` (nothing is mutated);
        ``need_grads`` False returns (J, None). Returns (J, grads keyed and shaped like ``params``). Raises
        ValueError/TypeError for a bad X, y (:func:`npae.models.softmax.check_labels`) or params.
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_features, self.dtype)
        labels = check_labels(y, self.n_classes, X.shape[0], name="y")
        need_grads = check_bool("need_grads", need_grads)
        K, lam, lam_e = self.n_layers, self.weight_decay, self.encoder_weight_decay
        W, b, f = self._layers(params)                       # layers 1 … K encoder, K + 1 softmax
        # Forward: A⁽ˡ⁺¹⁾ = f(A⁽ˡ⁾W⁽ˡ⁾ + b⁽ˡ⁾) up to the softmax's logits Z⁽ᴷ⁺²⁾              (m, n_classes)
        A, Z = _forward(X, W, b, f)
        # J = −(1/m) Σᵢ log P[i, yᵢ], and δ⁽ᴷ⁺²⁾ = ∂J/∂Z⁽ᴷ⁺²⁾ = (1/m)(P − Y)                   (m, n_classes)
        J, delta_top = _softmax_cross_entropy(Z[K + 2], labels, 1.0 / X.shape[0])
        J += 0.5 * lam * float(np.vdot(W[K + 1], W[K + 1]))                        # + (λ/2)‖W_softmax‖²_F
        J += 0.5 * lam_e * sum(float(np.vdot(W[l], W[l])) for l in range(1, K + 1))   # + (λₑ/2) Σₗ‖Wₗ‖²_F
        if not need_grads:
            return J, None
        # Backward: δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾W⁽ˡ⁾ᵀ) ∘ f′(Z⁽ˡ⁾), ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀδ⁽ˡ⁺¹⁾, ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ, l = K+1 … 1
        dW, db = _backward(delta_top, A, Z, W, f)
        grads = {}
        for l in range(1, K + 1):
            grads[f"W{l}"] = dW[l] + lam_e * W[l]             # + λₑ Wₗ      (layer_sizes[l-1], layer_sizes[l])
            grads[f"b{l}"] = db[l]
        grads["W_softmax"] = dW[K + 1] + lam * W[K + 1]       # + λ W_softmax                     (n_K, n_classes)
        grads["b_softmax"] = db[K + 1]
        return J, {name: grads[name] for name in params}

    def loss(self, X, y, params=None):
        """The loss J alone; arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, y, params, need_grads=False)[0]


# ------------------------------------------------------------------ the deep autoencoder

class DeepAutoencoder:
    """An unrolled deep autoencoder n₀ → … → n_K → … → n₀ with a mirrored decoder (Hinton & Salakhutdinov 2006).

    ``layer_sizes`` [n₀, …, n_K] the encoder's widths (K ≥ 1; [784, 128, 64, 32] gives 784-128-64-32-64-128-784).
    ``activation`` "sigmoid" or "relu" of every hidden layer; ``code`` that of the code layer ("sigmoid", "relu",
    "linear"; default ``activation``); ``decoder`` "sigmoid" or "linear" at the output; ``loss`` "squared_error"
    or "cross_entropy" (:mod:`npae.core.losses`: a mean over samples of a sum over features, or of a mean with
    ``reduction="mean"``); ``tied``: decoder layer 2K + 1 − l uses W⁽ˡ⁾ᵀ; ``weight_decay`` λ of (λ/2)Σ‖W‖²_F
    over the weights in ``params`` (biases not decayed); ``rng``, ``dtype``, ``init`` as the Autoencoder.
    ``params``: ``W1`` (n₀, n₁) … ``W{2K}`` (n₁, n₀) (only ``W1`` … ``WK`` when tied), ``b1`` … ``b{2K}``.
    ``n_visible`` = n₀, ``n_hidden`` = n_K. Raises ValueError/TypeError naming a bad argument (also for
    cross-entropy with a linear decoder).
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
        self.weight_decay = check_real("weight_decay", weight_decay, 0)
        self.dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.init = check_choice("init", init, INITS)
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)
        self.n_visible, self.n_hidden = self.layer_sizes[0], self.layer_sizes[-1]
        self.params = {}
        for name, (n_in, n_out) in self._weight_shapes().items():
            self.params[name] = initial_weights(rng, n_in, n_out, init, self.dtype)
        for name, shape in self._bias_shapes().items():
            self.params[name] = np.zeros(shape, dtype=self.dtype)

    def _weight_shapes(self):
        widths = self.layer_sizes + self.layer_sizes[-2::-1]                    # layer l maps widths[l-1] → widths[l]
        last = self.depth if self.tied else 2 * self.depth
        return {f"W{l}": (widths[l - 1], widths[l]) for l in range(1, last + 1)}

    def _bias_shapes(self):
        widths = self.layer_sizes + self.layer_sizes[-2::-1]
        return {f"b{l}": (widths[l],) for l in range(1, 2 * self.depth + 1)}

    def param_shapes(self):
        """{key: shape} of every parameter, in the order of ``params``: the weights, then the biases."""
        return {**self._weight_shapes(), **self._bias_shapes()}

    def config(self):
        """The constructor's arguments (except ``rng``) as plain values (:mod:`npae.serialize` stores them);
        ``code`` by name, ``activation``'s when the constructor was given None."""
        return {"layer_sizes": list(self.layer_sizes), "activation": self.activation.name, "code": self.code.name,
                "decoder": self.decoder.name, "loss": self.loss_name, "tied": self.tied,
                "weight_decay": self.weight_decay, "dtype": self.dtype.name, "init": self.init,
                "reduction": self.reduction}

    def _layers(self, params):
        """W, b keyed by layer l = 1 … 2K (a tied decoder layer's W⁽ˡ⁾ is the view W⁽²ᴷ⁺¹⁻ˡ⁾ᵀ); f⁽ˡ⁾ of the
        hidden layers 2 … 2K: ``activation``, the code layer K + 1 ``code``."""
        K = self.depth
        W = {l: params[f"W{l}"] if l <= K or not self.tied else params[f"W{2 * K + 1 - l}"].T
             for l in range(1, 2 * K + 1)}
        b = {l: params[f"b{l}"] for l in range(1, 2 * K + 1)}
        f = {l: self.code if l == K + 1 else self.activation for l in range(2, 2 * K + 1)}
        return W, b, f

    def encode(self, X, params=None):
        """The code A⁽ᴷ⁺¹⁾: (m, n_K) of ``self.dtype``."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        W, b, f = self._layers(params)
        A, _ = _forward(X, {l: W[l] for l in range(1, self.depth + 1)}, b, f)
        return A[self.depth + 1]

    def logits(self, X, params=None):
        """The output layer's pre-activation Z⁽²ᴷ⁺¹⁾: (m, n₀) of ``self.dtype`` (x̂ = g(Z⁽²ᴷ⁺¹⁾))."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        _, Z = _forward(X, *self._layers(params))
        return Z[2 * self.depth + 1]

    def reconstruct(self, X, params=None):
        """The reconstruction x̂ = g(Z⁽²ᴷ⁺¹⁾): (m, n₀) of ``self.dtype``."""
        return self.decoder.forward(self.logits(X, params))

    def loss_and_grads(self, X, target=None, params=None, need_grads=True):
        """The reconstruction loss (+ weight decay) and its gradient for every layer.

        X (m, n₀) the input (for denoising: x̃); ``target`` (m, n₀) what x̂ is compared with (default X; in [0, 1]
        for a sigmoid decoder); ``params`` to evaluate at instead of ``self.params`` (nothing is mutated);
        ``need_grads`` False returns (J, None). Returns (J, grads keyed and shaped like ``params``). Raises
        ValueError/TypeError for a bad X, target or params.
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        need_grads = check_bool("need_grads", need_grads)
        K, lam = self.depth, self.weight_decay
        inv_m = 1.0 / X.shape[0]
        W, b, f = self._layers(params)
        # Forward: A⁽ˡ⁺¹⁾ = f(A⁽ˡ⁾W⁽ˡ⁾ + b⁽ˡ⁾), l = 1 … 2K, up to the output's pre-activation Z⁽²ᴷ⁺¹⁾  (m, n₀)
        A, Z = _forward(X, W, b, f)
        # J = loss(x̂, T), a mean over samples of a sum (or mean) over features, and δ⁽²ᴷ⁺¹⁾ = ∂J/∂Z⁽²ᴷ⁺¹⁾ (m, n₀)
        inv_m_loss = inv_m / self.n_visible if self.reduction == "mean" else inv_m
        J, delta_top = LOSSES[self.loss_name](Z[2 * K + 1], T, self.decoder, inv_m_loss)
        weights = list(self._weight_shapes())                             # W1 …: each tied matrix once
        J += 0.5 * lam * sum(float(np.vdot(params[k], params[k])) for k in weights)   # + (λ/2) Σ‖W‖²_F
        if not need_grads:
            return J, None
        # Backward: δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾W⁽ˡ⁾ᵀ) ∘ f′(Z⁽ˡ⁾), ∂J/∂W⁽ˡ⁾ = A⁽ˡ⁾ᵀδ⁽ˡ⁺¹⁾, ∂J/∂b⁽ˡ⁾ = Σᵢ δ⁽ˡ⁺¹⁾ᵢ, l = 2K … 1
        dW, db = _backward(delta_top, A, Z, W, f)
        grads = {}
        for l in range(1, 2 * K + 1):
            grads[f"b{l}"] = db[l]
            if l <= K or not self.tied:
                grads[f"W{l}"] = dW[l]
            else:
                grads[f"W{2 * K + 1 - l}"] += dW[l].T        # tied: + the decoder use of W⁽²ᴷ⁺¹⁻ˡ⁾ (chain rule)
        for k in weights:
            grads[k] += lam * params[k]                       # + λW
        return J, {name: grads[name] for name in params}

    def loss(self, X, target=None, params=None):
        """The loss alone; arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, target, params, need_grads=False)[0]
