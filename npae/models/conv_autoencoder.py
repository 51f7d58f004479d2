"""A convolutional autoencoder: a sequence of layers, one forward loop and one backward recurrence for any sequence.

The network is a list of layers (:class:`~npae.core.conv.Conv2D`, :class:`~npae.core.pooling.MaxPool2D`,
:class:`~npae.core.pooling.UpSample2D`, :class:`Nonlinearity`), encoder then decoder. Every layer has

- ``forward(A, p) -> (out, cache)``: its output for the input A of shape (n, C, H, W), and what its
  backward pass needs;
- ``backward(delta, cache, p, need_input_grad) -> (∂J/∂A, {name: ∂J/∂p[name]})``: from the delta
  δ = ∂J/∂out, the delta of its input and the gradients of its own parameters ``p`` (empty for
  pooling, upsampling and nonlinearities).

The chain rule through a composition f_L ∘ … ∘ f_1 is then one loop (:func:`sequence_backward`),
the same recurrence as the dense stacks' δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾ᵀ) ∘ f'(z⁽ˡ⁻¹⁾) (:mod:`npae.models.deep`)
with the affine layer and the slope as two separate layers. The last layer is a convolution whose
pre-activation goes to the loss (cross-entropy from the logits, :mod:`npae.core.losses`), as the dense
models' ``Z2``.

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
"""

import numpy as np

from npae.checks import (check_array_dict, check_bool, check_choice, check_data, check_float_array, check_float_dtype,
                         check_input_and_target, check_int, check_rng, check_sequence, check_shape, check_tuple)
from npae.core.activations import get_activation
from npae.core.conv import IMAGES, Conv2D
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

    Backward: ∂J/∂Z = ∂J/∂A ∘ f'(Z) (the slope of the dense models' recurrence).

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
        """(A, cache) with A = f(Z) for Z of shape (n, C, H, W); ``params`` must be {}."""
        check_array_dict("params", params, finite=False, shapes={})
        check_float_array("Z", Z, **IMAGES)
        A = self.activation.forward(Z)
        return A, (Z, A)

    def backward(self, delta, cache, params, need_input_grad=True):
        """(∂J/∂Z = δ ∘ f'(Z), {}); ``cache`` is the pair (Z, A) forward returned, ``params`` {}."""
        check_array_dict("params", params, finite=False, shapes={})
        Z, A = check_tuple("cache", cache, 2, "(Z, A) that forward returned")
        check_float_array("delta", delta, **IMAGES)
        for name, array in (("cache[0] (Z)", Z), ("cache[1] (A)", A)):
            if check_float_array(name, array).shape != delta.shape:
                raise ValueError(f"{name} must have the shape of delta {delta.shape}, got {array.shape}")
        check_bool("need_input_grad", need_input_grad)
        return delta * self.activation.derivative(Z, A), {}


def sequence_forward(layers, layer_params, A):
    """Run ``A`` through the layers in order.

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
        layers' parameter shapes, or ``A`` not a float array of 4 non-empty axes (kinds and shapes only;
        each layer checks its own input).
    """
    layers, layer_params = _check_sequence_args(layers, layer_params)
    check_float_array("A", A, **IMAGES)
    caches = []
    for l, (layer, p) in enumerate(zip(layers, layer_params)):
        try:
            A, cache = layer.forward(A, p)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"layers[{l}] ({layer!r}) cannot take A through the layers before it: {exc}") from None
        caches.append(cache)
    return A, caches


def sequence_backward(layers, layer_params, caches, delta):
    """The backward recurrence for any sequence: δ ← layerₗ.backward(δ) from the last layer to the first.

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
        As :func:`sequence_forward`, and if ``caches`` is not a sequence of one cache per layer (each layer's
        ``backward`` checks its own, and ``delta``).
    """
    layers, layer_params = _check_sequence_args(layers, layer_params)
    caches = check_sequence("caches", caches, "caches (one per layer, from sequence_forward)")
    if len(caches) != len(layers):
        raise ValueError(f"caches must hold one cache per layer ({len(layers)}), got {len(caches)}")
    check_float_array("delta", delta, **IMAGES)
    grads = [None] * len(layers)
    for l in range(len(layers) - 1, -1, -1):
        try:
            delta, grads[l] = layers[l].backward(delta, caches[l], layer_params[l], need_input_grad=l > 0)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"layers[{l}] ({layers[l]!r}) refuses caches[{l}] or the delta of the layers "
                            f"after it: {exc}") from None
    return grads


LAYER_TYPES = (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)
_LAYERS = "layers (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)"


def _check_sequence_args(layers, layer_params):
    layers = check_sequence("layers", layers, _LAYERS, item_type=LAYER_TYPES, nonempty=True)
    layer_params = check_sequence("layer_params", layer_params, "dicts (one per layer)")
    if len(layer_params) != len(layers):
        raise ValueError(f"layer_params must hold one dict per layer of layers ({len(layers)}), got {len(layer_params)}")
    for i, (layer, p) in enumerate(zip(layers, layer_params)):
        check_array_dict(f"layer_params[{i}]", p, finite=False, shapes=layer.param_shapes())
    return layers, layer_params


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
        shapes = [input_shape]
        for i, layer in enumerate(layers):
            try:
                shapes.append(layer.output_shape(shapes[-1]))
            except ValueError as exc:
                raise ValueError(f"layers[{i}] ({layer!r}) cannot take the output {shapes[-1]} of input_shape "
                                 f"{input_shape} through the layers before it: {exc}") from None
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

    def _layer_params(self, params):
        params = check_params(self.params if params is None else params, self.param_shapes())
        return [{local: params[key] for local, key in keys.items()} for keys in self._keys]

    def _images(self, X, name="X"):
        return self._rows_to_images(check_data(X, name, self.n_visible, self.dtype))

    # The layout the layers work in. Here (m, C, H, W); the performance layer
    # (:mod:`npae.perf.conv_fast`) overrides these two with its own layout.
    def _rows_to_images(self, rows):
        """(m, C·H·W) rows -> (m, C, H, W) images (a view)."""
        return rows.reshape(rows.shape[0], *self.input_shape)

    def _images_to_rows(self, images):
        """(m, C', H', W') images -> (m, C'·H'·W') rows (a copy only if the images are not contiguous)."""
        return np.ascontiguousarray(images).reshape(images.shape[0], -1)

    def encode(self, X, params=None):
        """The code: (m, n_hidden) rows of ``self.dtype`` (the encoder's (C, H, W) output flattened).

        Raises ValueError/TypeError for a bad ``X`` (as :func:`npae.checks.check_data`) or ``params``.
        """
        layer_params = self._layer_params(params)
        A = self._images(X)
        k = self.n_encoder_layers
        code, _ = sequence_forward(self.layers[:k], layer_params[:k], A)
        return self._images_to_rows(code)

    def logits(self, X, params=None):
        """The last convolution's output, the decoder's pre-activation: (m, n_visible) rows of ``self.dtype``.

        (What :func:`npae.analysis.metrics.reconstruction_error` computes the cross-entropies from.)
        """
        layer_params = self._layer_params(params)
        Z, _ = sequence_forward(self.layers, layer_params, self._images(X))
        return self._images_to_rows(Z)

    def reconstruct(self, X, params=None):
        """The reconstruction x̂ = g(logits): (m, n_visible) rows of ``self.dtype``."""
        return self.decoder.forward(self.logits(X, params))

    def loss_and_grads(self, X, target=None, params=None):
        """Reconstruction loss and its gradient for every convolution.

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
        return self._forward_backward(X, target, params, need_grads=True)

    def loss(self, X, target=None, params=None):
        """The loss alone; arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, target, params, need_grads=False)[0]

    def _forward_backward(self, X, target, params, need_grads):
        layer_params = self._layer_params(params)
        X, T = check_input_and_target(X, target, self.n_visible, self.dtype, self.decoder.name == "sigmoid")
        return self._rows_loss_and_grads(X, T, layer_params, self._scale(X.shape[0]), need_grads)

    def _scale(self, m):
        """The loss's weight of one (image, pixel) term: 1/m ("sum") or 1/(m·n_visible) ("mean")."""
        return 1.0 / m if self.reduction == "sum" else 1.0 / (m * self.n_visible)

    def _rows_loss_and_grads(self, X, T, layer_params, scale, need_grads):
        """``scale`` times the loss summed over the rows of X (checked arrays), and its gradient dict (or None).

        Sums over rows add up: the performance layer calls this on blocks of rows and adds the results.
        """
        Z, caches = sequence_forward(self.layers, layer_params, self._rows_to_images(X))
        value, delta = LOSSES[self.loss_name](self._images_to_rows(Z), T, self.decoder, scale)
        if not need_grads:
            return value, None
        layer_grads = sequence_backward(self.layers, layer_params, caches, self._rows_to_images(delta))
        grads = {key: g[local] for keys, g in zip(self._keys, layer_grads) for local, key in keys.items()}
        return value, {name: grads[name] for name in self.params}


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
