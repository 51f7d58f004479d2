"""A convolutional autoencoder: a sequence of layers, one forward loop and one backward recurrence for any sequence.

The network is a list of layers (:class:`~npae.core.conv.Conv2D`, :class:`~npae.core.pooling.MaxPool2D`,
:class:`~npae.core.pooling.UpSample2D`, :class:`Nonlinearity`), encoder then decoder. Every layer has

- ``forward(A, p) -> (out, cache)``: its output for the input A of shape (n, C, H, W), and what its
  backward pass needs;
- ``backward(delta, cache, p, need_input_grad) -> (∂J/∂A, {name: ∂J/∂p[name]})``: from the delta
  δ = ∂J/∂out, the delta of its input and the gradients of its own parameters ``p`` (empty for
  pooling, upsampling and nonlinearities).

The chain rule through a composition f_L ∘ … ∘ f_1 is then one loop (:func:`sequence_backward`), the same
recurrence as the dense stacks' δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾ᵀ) ∘ f'(z⁽ˡ⁻¹⁾) (:mod:`npae.models.deep`) with the affine
layer and the slope as two separate layers. The last layer is a convolution whose output, the logits,
goes to the loss (cross-entropy from the logits, :mod:`npae.core.losses`), as the dense models' ``Z2``.
:meth:`ConvAutoencoder.loss_and_grads` reads in that order: the forward loop, the loss and its delta, the
backward loop.

Data are rows, as everywhere in npae: ``X`` has shape (m, C·H·W) — an image flattened in (channel,
row, column) order, which for one channel is the usual 784-pixel row of MNIST — so that
:func:`npae.training.minibatch.train_minibatch`, the optimizers and :mod:`npae.core.corruption` work
unchanged. The model reshapes the rows to (m, C, H, W) internally.

**The loss's reduction** (the ``reduction`` argument). npae's convention is the mean over images of the
*sum* over pixels (``"sum"``; shared with the dense models). Keras' ``binary_crossentropy``, which the
seed trains, is the *mean over pixels* as well (``"mean"``): the same function divided by C·H·W.
Gradient descent with a learning rate just rescales, but Adadelta is not invariant to the loss's scale
(its ε is compared with the running mean of squared gradients), so the two are different
optimisations; reproducing the seed's curves needs ``"mean"``.

**Checks.** The constructor and the public methods (``loss_and_grads``, ``loss``, ``encode``, ``logits``,
``reconstruct``) check their arguments once, values included; :func:`sequence_forward` and
:func:`sequence_backward` check theirs (kinds and shapes). Behind them the layers and the loops' ``.unchecked``
mathematics trust their arguments.
"""

import numpy as np

from npae.checks import (check_array_dict, check_choice, check_data, check_float_array, check_float_dtype,
                         check_input_and_target, check_int, check_rng, check_sequence, check_shape, check_tuple)
from npae.core.activations import get_activation
from npae.core.conv import IMAGES, Conv2D, checked_by
from npae.core.flat import check_params
from npae.core.layers import initial_weights
from npae.core.losses import LOSSES
from npae.core.pooling import MaxPool2D, UpSample2D

__all__ = ["Nonlinearity", "ConvAutoencoder", "sequence_forward", "sequence_backward",
           "conv_autoencoder", "conv_denoising_autoencoder", "REDUCTIONS"]

REDUCTIONS = ("sum", "mean")
HIDDEN_ACTIVATIONS = ("relu", "sigmoid", "linear")


class Nonlinearity:
    """An elementwise activation A = f(Z) as a layer (ReLU, sigmoid or linear, :mod:`npae.core.activations`).

    Backward: ∂J/∂Z = ∂J/∂A ∘ f'(Z) (the slope of the dense models' recurrence). :meth:`forward` and
    :meth:`backward` run behind the model's checks and check nothing.

    Parameters
    ----------
    name : {"relu", "sigmoid", "linear"}

    Raises
    ------
    ValueError
        For another name.
    """

    def __init__(self, name):
        self.activation = get_activation(name, "name", HIDDEN_ACTIVATIONS)

    def __repr__(self):
        return f"Nonlinearity({self.activation.name!r})"

    def param_shapes(self):
        """No parameters: {}."""
        return {}

    def output_shape(self, input_shape):
        """The input's shape (C, H, W): 3 integers ≥ 1, else TypeError/ValueError."""
        return check_shape("input_shape", input_shape, 3)

    def forward(self, Z, params):
        """(A, (Z, A)) with A = f(Z), Z of shape (n, C, H, W). Unchecked."""
        A = self.activation.forward(Z)
        return A, (Z, A)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂Z = δ ∘ f'(Z), {}) with (Z, A) the cache of :meth:`forward`. Unchecked."""
        Z, A = cache
        return delta * self.activation.derivative(Z, A), {}


LAYER_TYPES = (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)
_LAYERS = "layers (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)"


def _check_sequence_forward(layers, layer_params, A):
    layers, _ = _check_layers_and_params(layers, layer_params)
    _output_shapes(layers, check_float_array("A", A, **IMAGES).shape[1:], "A's images")


@checked_by(_check_sequence_forward)
def sequence_forward(layers, layer_params, A):
    """Run ``A`` through the layers in order: A⁽ˡ⁾ = layer_l(A⁽ˡ⁻¹⁾).

    Parameters
    ----------
    layers : sequence of layers (module docstring)
    layer_params : sequence of dicts, one per layer (its own parameters, e.g. {"W": …, "b": …}, or {})
    A : ndarray of shape (n, C, H, W)

    Returns
    -------
    out : ndarray
        The last layer's output.
    caches : list
        One cache per layer, for :func:`sequence_backward`.

    Raises
    ------
    TypeError, ValueError
        If ``layers`` is not a sequence of layers, ``layer_params`` not a sequence of as many dicts of the
        layers' parameter shapes, or ``A`` not a float array of 4 non-empty axes that the layers can take
        (kinds and shapes only).
    """
    caches = []
    for layer, p in zip(layers, layer_params):
        A, cache = layer.forward(A, p)
        caches.append(cache)
    return A, caches


def _check_sequence_backward(layers, layer_params, caches, delta):
    layers, _ = _check_layers_and_params(layers, layer_params)
    caches = check_sequence("caches", caches, "caches (one per layer, from sequence_forward)")
    if len(caches) != len(layers):
        raise ValueError(f"caches must hold one cache per layer ({len(layers)}), got {len(caches)}")
    shape = check_float_array("delta", delta, **IMAGES).shape
    for l in range(len(layers) - 1, -1, -1):      # from the last layer back: each cache must fit its output
        shape = _cache_input_shape(l, layers[l], caches[l], shape)


@checked_by(_check_sequence_backward)
def sequence_backward(layers, layer_params, caches, delta):
    """The backward recurrence for any sequence: δ ← layer_l.backward(δ), from the last layer to the first.

    Parameters
    ----------
    layers, layer_params : as :func:`sequence_forward`
    caches : list from :func:`sequence_forward`
    delta : ndarray
        ∂J/∂out, the delta at the last layer's output (the 1/m of a mean included).

    Returns
    -------
    list of dicts, one per layer: the gradients of that layer's parameters (keys as ``layer_params``).

    Raises
    ------
    TypeError, ValueError
        As :func:`sequence_forward`, and if ``caches`` is not a sequence of one cache per layer, each of the
        kind and shape that layer's forward pass returns for an output of ``delta``'s shape.
    """
    grads = [None] * len(layers)
    for l in range(len(layers) - 1, -1, -1):
        delta, grads[l] = layers[l].backward(delta, caches[l], layer_params[l], need_input_grad=l > 0)
    return grads


class ConvAutoencoder:
    """A convolutional autoencoder: encoder and decoder layers, hand-derived backprop (module docstring).

    Parameters
    ----------
    layers : sequence of layers
        :class:`~npae.core.conv.Conv2D`, :class:`~npae.core.pooling.MaxPool2D`,
        :class:`~npae.core.pooling.UpSample2D` and :class:`Nonlinearity`, in order. The last must be a
        ``Conv2D`` (its pre-activation is the decoder's logits) and its output shape must equal
        ``input_shape``.
    input_shape : tuple (C, H, W)
        One image's shape, e.g. (1, 28, 28).
    n_encoder_layers : int, optional
        How many of ``layers`` form the encoder (the code is their output); default: all but the last.
    decoder : {"sigmoid", "linear"}
        Output nonlinearity applied to the last convolution.
    loss : {"cross_entropy", "squared_error"}
        :mod:`npae.core.losses` (cross-entropy needs the sigmoid decoder).
    reduction : {"sum", "mean"}
        "sum": mean over images of the sum over the C·H·W pixels (npae's convention);
        "mean": mean over images and pixels (Keras' ``binary_crossentropy``). See the module docstring.
    rng : numpy.random.Generator, optional
        Draws the Glorot-uniform initial kernels (biases start at 0), as Keras.
    dtype : {numpy.float64, numpy.float32}

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (C_out, C_in, k, k), ``b1`` (C_out,), … for the convolutions in order.
    shapes : list of tuples (C, H, W)
        ``input_shape``, then each layer's output shape.
    n_visible : int
        C·H·W, the width of a data row.
    code_shape : tuple (C, H, W)
        The encoder's output shape; ``n_hidden`` is its size.

    Raises
    ------
    ValueError, TypeError
        For an empty or inconsistent layer list (channel counts, output shape ≠ input shape, last layer
        not a convolution), an unknown decoder, loss or reduction, cross-entropy with a linear decoder.
    """

    def __init__(self, layers, input_shape, *, n_encoder_layers=None, decoder="sigmoid", loss="cross_entropy",
                 reduction="sum", rng=None, dtype=np.float64):
        layers = check_sequence("layers", layers, _LAYERS, item_type=LAYER_TYPES, nonempty=True)
        if not isinstance(layers[-1], Conv2D):
            raise ValueError("layers must be a non-empty list whose last layer is a Conv2D (the decoder's logits)")
        input_shape = check_shape("input_shape", input_shape, 3)
        shapes = _output_shapes(layers, input_shape, f"input_shape {input_shape}")
        if shapes[-1] != input_shape:
            raise ValueError(f"the layers map input_shape {input_shape} to {shapes[-1]}: an autoencoder must "
                             f"output the input's shape")
        n_encoder_layers = check_int("n_encoder_layers", len(layers) - 1 if n_encoder_layers is None
                                     else n_encoder_layers, 1, len(layers) - 1)
        decoder_activation = get_activation(decoder, "decoder", ("sigmoid", "linear"))
        check_choice("loss", loss, tuple(LOSSES))
        if loss == "cross_entropy" and decoder != "sigmoid":
            raise ValueError(f"loss='cross_entropy' needs decoder='sigmoid', got decoder={decoder!r}")
        check_choice("reduction", reduction, REDUCTIONS)
        dtype, rng = check_float_dtype(dtype), check_rng(rng, none_means_fresh=True)
        self.layers, self.input_shape, self.shapes = layers, input_shape, shapes
        self.n_encoder_layers = n_encoder_layers
        self.code_shape = shapes[self.n_encoder_layers]
        self.n_visible = int(np.prod(self.input_shape))
        self.n_hidden = int(np.prod(self.code_shape))
        self.decoder = decoder_activation
        self.loss_name, self.reduction, self.dtype = loss, reduction, dtype
        # parameter names: the k-th convolution (1-based) owns W{k} and b{k}
        self._keys, k = [], 0
        for layer in self.layers:
            if isinstance(layer, Conv2D):
                k += 1
                self._keys.append({"W": f"W{k}", "b": f"b{k}"})
            else:
                self._keys.append({})
        self.params = {}
        for layer, keys in zip(self.layers, self._keys):
            for local, shape in layer.param_shapes().items():
                # kernels: Glorot & Bengio's uniform with the fans of Conv2D.fans (Keras' default for Conv2D)
                self.params[keys[local]] = (initial_weights(rng, *layer.fans(), "glorot", self.dtype, shape=shape)
                                            if local == "W" else np.zeros(shape, dtype=self.dtype))

    def param_shapes(self):
        """{key: shape} of every parameter."""
        return {keys[local]: shape for layer, keys in zip(self.layers, self._keys)
                for local, shape in layer.param_shapes().items()}

    def config(self):
        """The architecture and hyperparameters as JSON-friendly values (used by :mod:`npae.serialize`)."""
        described = []
        for layer in self.layers:
            if isinstance(layer, Conv2D):
                described.append(["Conv2D", {"in_channels": layer.in_channels, "out_channels": layer.out_channels,
                                             "kernel_size": layer.kernel_size, "padding": layer.padding}])
            elif isinstance(layer, Nonlinearity):
                described.append(["Nonlinearity", {"name": layer.activation.name}])
            else:
                described.append(["MaxPool2D" if isinstance(layer, MaxPool2D) else "UpSample2D", {}])
        return {"layers": described, "input_shape": list(self.input_shape),
                "n_encoder_layers": self.n_encoder_layers, "decoder": self.decoder.name, "loss": self.loss_name,
                "reduction": self.reduction, "dtype": self.dtype.name}

    def loss_and_grads(self, X, target=None, params=None):
        """Reconstruction loss J and its gradient for every convolution.

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
            Input images as rows (for denoising: the corrupted x̃).
        target : array_like of shape (m, n_visible), optional
            What the reconstruction is compared with; defaults to ``X``. In [0, 1] for a sigmoid decoder.
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
            "sum": (1/m) Σᵢ Σⱼ ℓ(x̂ᵢⱼ, xᵢⱼ); "mean": the same divided by n_visible.
        grads : dict keyed and shaped like ``params``

        Raises
        ------
        ValueError, TypeError
            For a bad ``X``/``target`` (as :func:`npae.checks.check_input_and_target`) or ``params``.
        """
        X, T, layer_params = self._checked(X, target, params)                          # the boundary, once
        m = X.shape[0]
        # forward: A⁽⁰⁾ = X as images (m, C, H, W), A⁽ˡ⁾ = layer_l(A⁽ˡ⁻¹⁾); the last one, Z, is the logits
        Z, caches = sequence_forward.unchecked(self.layers, layer_params, X.reshape(m, *self.input_shape))
        # J = scale Σᵢⱼ ℓ(g(Zᵢⱼ), Tᵢⱼ) and δ = ∂J/∂Z, as rows (m, n_visible); scale 1/m or 1/(m·n_visible)
        J, delta = LOSSES[self.loss_name](Z.reshape(m, -1), T, self.decoder, self._scale(m))
        # backward: δ⁽ˡ⁻¹⁾ = layer_lᵀ(δ⁽ˡ⁾) from the logits down to the input, each layer's ∂J/∂W, ∂J/∂b on the way
        layer_grads = sequence_backward.unchecked(self.layers, layer_params, caches, delta.reshape(Z.shape))
        return J, {key: grads[local] for keys, grads in zip(self._keys, layer_grads) for local, key in keys.items()}

    def loss(self, X, target=None, params=None):
        """The loss alone; arguments and errors as :meth:`loss_and_grads`."""
        X, T, layer_params = self._checked(X, target, params)
        Z = self._logits(X, layer_params)
        return LOSSES[self.loss_name](Z, T, self.decoder, self._scale(X.shape[0]))[0]

    def encode(self, X, params=None):
        """The code: (m, n_hidden) rows of ``self.dtype`` (the encoder's (C, H, W) output flattened).

        Raises ValueError/TypeError for a bad ``X`` (as :func:`npae.checks.check_data`) or ``params``.
        """
        layer_params = self._checked_params(params)
        X = check_data(X, "X", self.n_visible, self.dtype)
        k = self.n_encoder_layers
        return self._forward(self.layers[:k], layer_params[:k], X)

    def logits(self, X, params=None):
        """The last convolution's output, the decoder's pre-activation: (m, n_visible) rows of ``self.dtype``.

        (What :func:`npae.analysis.metrics.reconstruction_error` computes the cross-entropies from.) Raises
        as :meth:`encode`.
        """
        layer_params = self._checked_params(params)
        return self._logits(check_data(X, "X", self.n_visible, self.dtype), layer_params)

    def reconstruct(self, X, params=None):
        """The reconstruction x̂ = g(logits): (m, n_visible) rows of ``self.dtype``. Raises as :meth:`encode`."""
        return self.decoder.forward(self.logits(X, params))

    # ------------------------------------------------------------------ behind the boundary
    #: Rows that encode, logits, reconstruct and loss run through the layers at once: the patch matrices of 256
    #: images of the seed's models take tens of MB, those of a 10 000-image test set gigabytes.
    #: (``loss_and_grads`` takes the caller's minibatch whole.)
    BLOCK_ROWS = 256

    def _forward(self, layers, layer_params, X):
        """The output of ``layers`` for checked rows X, as rows, :data:`BLOCK_ROWS` rows at a time."""
        blocks = []
        for start in range(0, X.shape[0], self.BLOCK_ROWS):
            rows = X[start:start + self.BLOCK_ROWS]
            A, _ = sequence_forward.unchecked(layers, layer_params, rows.reshape(-1, *self.input_shape))
            blocks.append(A.reshape(rows.shape[0], -1))
        return np.concatenate(blocks)

    def _logits(self, X, layer_params):
        """The logits (m, n_visible) of checked rows X."""
        return self._forward(self.layers, layer_params, X)

    def _scale(self, m):
        """The loss's weight of one (image, pixel) term: 1/m ("sum") or 1/(m·n_visible) ("mean")."""
        return 1.0 / m if self.reduction == "sum" else 1.0 / (m * self.n_visible)

    def _layer_params(self, params):
        """The parameter dict split into one dict per layer ({"W": …, "b": …} or {})."""
        return [{local: params[key] for local, key in keys.items()} for keys in self._keys]

    def _checked_params(self, params):
        """The boundary's check of ``params`` (keys, shapes, finite values), split per layer."""
        return self._layer_params(check_params(self.params if params is None else params, self.param_shapes()))

    def _checked(self, X, target, params):
        """(X, T, layer_params) after the boundary's checks (:meth:`loss_and_grads`)."""
        layer_params = self._checked_params(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        return X, T, layer_params


# ---------------------------------------------------------------------------------------- the checks
def _output_shapes(layers, input_shape, what):
    """[input_shape, each layer's output shape], naming the layer that cannot take its input."""
    shapes = [input_shape]
    for i, layer in enumerate(layers):
        try:
            shapes.append(layer.output_shape(shapes[-1]))
        except ValueError as exc:
            raise ValueError(f"layers[{i}] ({layer!r}) cannot take the output {shapes[-1]} of {what} through the "
                             f"layers before it: {exc}") from None
    return shapes


def _check_layers_and_params(layers, layer_params):
    layers = check_sequence("layers", layers, _LAYERS, item_type=LAYER_TYPES, nonempty=True)
    layer_params = check_sequence("layer_params", layer_params, "dicts (one per layer)")
    if len(layer_params) != len(layers):
        raise ValueError(f"layer_params must hold one dict per layer of layers ({len(layers)}), got {len(layer_params)}")
    for i, (layer, p) in enumerate(zip(layers, layer_params)):
        check_array_dict(f"layer_params[{i}]", p, finite=False, shapes=layer.param_shapes())
    return layers, layer_params


def _cache_input_shape(l, layer, cache, out_shape):
    """The input shape (n, C, H, W) of layer ``l`` whose output has ``out_shape``, after checking that ``cache`` is
    of the kind and shape that the layer's forward pass returns (TypeError/ValueError naming ``caches[l]``)."""
    name = f"caches[{l}]"
    if isinstance(layer, UpSample2D):
        if cache is not None:
            raise TypeError(f"{name} must be the None that {layer!r}.forward returns, got {type(cache).__name__}")
        if out_shape[2] % 2 or out_shape[3] % 2:
            raise ValueError(f"the delta of layers[{l}] ({layer!r}) must have an even height and width, got {out_shape}")
        return out_shape[:2] + (out_shape[2] // 2, out_shape[3] // 2)
    if isinstance(layer, Nonlinearity):
        Z, A = check_tuple(name, cache, 2, "(Z, A) that forward returned")
        for what, array in ((f"{name}[0] (Z)", Z), (f"{name}[1] (A)", A)):
            if check_float_array(what, array).shape != out_shape:
                raise ValueError(f"{what} must have the shape of that layer's delta {out_shape}, got {array.shape}")
        return out_shape
    first, in_shape = check_tuple(name, cache, 2, f"(cols or winner, input_shape) that {layer!r}.forward returned")
    in_shape = check_shape(f"{name}[1] (input_shape)", in_shape, 4)
    try:
        fits = in_shape[0] == out_shape[0] and layer.output_shape(in_shape[1:]) == out_shape[1:]
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{name}[1]: {layer!r} maps input_shape {in_shape} to another shape than its delta's "
                         f"{out_shape}")
    if isinstance(layer, Conv2D):
        k = layer.kernel_size
        expected = (layer.in_channels * k * k, out_shape[0] * out_shape[2] * out_shape[3])
        if check_float_array(f"{name}[0] (cols)", first).shape != expected:
            raise ValueError(f"{name}[0] (cols) must be the patch matrix of shape (C_in·k·k, n·H_out·W_out) = "
                             f"{expected}, got {first.shape}")
    else:                                          # max-pooling: the winners, window indices 0-3 of the output's shape
        if not isinstance(first, np.ndarray) or first.dtype.kind not in "iu" or first.shape != out_shape:
            raise TypeError(f"{name}[0] (winner) must be the integer array of shape {out_shape} that "
                            f"maxpool_forward returned")
        if first.min() < 0 or first.max() > 3:
            raise ValueError(f"{name}[0] (winner) must hold window indices 0-3")
    return in_shape


def conv_autoencoder(*, input_shape=(1, 28, 28), reduction="mean", rng=None, dtype=np.float64):
    """The seed's (Keras blog's) convolutional autoencoder, code 4×4×8 = 128 for 28×28 inputs.

    Conv(16, 3×3, ReLU, same) → MaxPool(2, same) → Conv(8, ReLU, same) → MaxPool → Conv(8, ReLU, same) →
    MaxPool [28 → 14 → 7 → 4: "same" pooling of 7×7 gives 4×4] → Conv(8, ReLU, same) → Up(2) →
    Conv(8, ReLU, same) → Up(2) → Conv(16, ReLU, **valid**) [16×16 → 14×14] → Up(2) → Conv(1, sigmoid, same).
    4385 parameters for one input channel. Cross-entropy from the logits, Glorot-uniform kernels,
    zero biases; ``reduction="mean"`` (the default here) is Keras' per-pixel mean.

    Parameters
    ----------
    input_shape : (C, H, W)
        (1, 28, 28) for MNIST/Fashion-MNIST; other sizes must survive the pooling and the "valid" conv.
    reduction, rng, dtype
        As :class:`ConvAutoencoder`.

    Raises
    ------
    TypeError, ValueError
        If ``input_shape`` is not 3 integers ≥ 1 that survive the layers, or as :class:`ConvAutoencoder`.
    """
    C = check_shape("input_shape", input_shape, 3)[0]
    layers = [Conv2D(C, 16), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(16, 8), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(8, 8), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(8, 8), Nonlinearity("relu"), UpSample2D(),
              Conv2D(8, 8), Nonlinearity("relu"), UpSample2D(),
              Conv2D(8, 16, padding="valid"), Nonlinearity("relu"), UpSample2D(),
              Conv2D(16, C)]
    return ConvAutoencoder(layers, input_shape, n_encoder_layers=9, loss="cross_entropy", reduction=reduction,
                           rng=rng, dtype=dtype)


def conv_denoising_autoencoder(*, input_shape=(1, 28, 28), channels=32, reduction="mean", rng=None,
                               dtype=np.float64):
    """The seed's convolutional denoising autoencoder, code 7×7×32 for 28×28 inputs.

    Conv(32, 3×3, ReLU, same) → MaxPool(2) → Conv(32, ReLU) → MaxPool(2) [7×7×32] → Conv(32, ReLU) →
    Up(2) → Conv(32, ReLU) → Up(2) → Conv(1, sigmoid). 28 353 parameters for one input channel and
    ``channels=32``. Trained on corrupted inputs with clean targets (``target=``); the seed's corruption is
    x + 0.5·N(0, 1) clipped to [0, 1] (:func:`npae.core.corruption.gaussian`).

    Parameters
    ----------
    input_shape : (C, H, W)
    channels : int ≥ 1
        Width of every hidden convolution (the seed: 32).
    reduction, rng, dtype
        As :class:`ConvAutoencoder`.

    Raises
    ------
    TypeError, ValueError
        If ``input_shape`` is not 3 integers ≥ 1 (height and width multiples of 4), ``channels`` not an
        integer ≥ 1, or as :class:`ConvAutoencoder`.
    """
    C, k = check_shape("input_shape", input_shape, 3)[0], check_int("channels", channels, 1)
    layers = [Conv2D(C, k), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(k, k), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(k, k), Nonlinearity("relu"), UpSample2D(),
              Conv2D(k, k), Nonlinearity("relu"), UpSample2D(),
              Conv2D(k, C)]
    return ConvAutoencoder(layers, input_shape, n_encoder_layers=6, loss="cross_entropy", reduction=reduction,
                           rng=rng, dtype=dtype)
