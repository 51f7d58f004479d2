"""Gradient checks of the convolutional layers and autoencoders (:mod:`npae.core.conv`, :mod:`npae.core.pooling`,
:mod:`npae.models.conv_autoencoder`, and the performance layer's versions in :mod:`npae.perf.conv_fast`).

Same recipe as :mod:`npae.gradcheck.cases`: float64, small shapes, parameters drawn away from the
initialisation (normal, std 0.6, biases non-zero), every block compared separately with the five-point
formula — every entry of every block, except in the one case whose parameters are too many for that (the
seed's conv autoencoder has 4385 whatever its input size): there a random subset of each block's entries is
differenced, and one directional derivative along a random direction over all of θ checks every entry at
once (:meth:`ModelCase.run`).

- **Layer cases** check one layer alone through the scalar J = ⟨layer(X), R⟩ for a fixed random R, so
  that ∂J/∂out = R and the layer's backward pass receives R as its delta; the input X is a parameter
  block too, so the input gradient (the transposed convolution, the routing of max-pooling, the sum of
  upsampling) is checked along with ∂J/∂W and ∂J/∂b.
- **Model cases** check whole autoencoders, the seed's two architectures included (on small inputs).

Kinks. The ReLU and the maximum are not differentiable at z = 0 and at ties; a finite difference
across one is wrong. The cases redraw the parameters (and for max-pooling alone, the input) until every
ReLU input and every max-pooling window's gap between its two largest entries is at least
``MARGIN`` times that layer's standard deviation — far beyond what a step of 2h = 2e-3 in one
parameter can move them (about 1e-3 of the standard deviation for these sizes).
"""

from dataclasses import dataclass, field

import numpy as np

from npae.checks import check_bool, check_choice, check_instance, check_int, check_shape
from npae.core.flat import flatten
from npae.core.conv import Conv2D
from npae.core.pooling import MaxPool2D, UpSample2D
from npae.models.conv_autoencoder import (LAYER_TYPES, ConvAutoencoder, Nonlinearity, conv_autoencoder,
                                          conv_denoising_autoencoder, sequence_forward)
from npae.perf import conv_fast
from . import TOLERANCES, STEPS, GradCheck, check_gradients, check_method_and_step, numerical_gradient, relative_difference

#: Smallest allowed distance of a ReLU input from 0, or between a pooling window's two largest entries,
#: relative to the standard deviation of that layer's values.
MARGIN = 0.01


def _pool_gap(A):
    """Per 2×2 window ("same" padding) the gap between the two largest entries; +inf for windows that are
    all exactly 0 (ReLU zeros: both entries have zero gradient, so the tie does not matter)."""
    n0, n1, H, W = A.shape
    Hh, Wh = -(-H // 2), -(-W // 2)
    A = np.pad(A, ((0, 0), (0, 0), (0, 2 * Hh - H), (0, 2 * Wh - W)), constant_values=-np.inf)
    windows = np.sort(A.reshape(n0, n1, Hh, 2, Wh, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n0, n1, Hh, Wh, 4), -1)
    gap = windows[..., 3] - windows[..., 2]
    return np.where(windows[..., 3] == 0.0, np.inf, gap)


def _far_from_kinks(layers, layer_params, A):
    """True if every ReLU input and max-pooling gap along the forward pass exceeds MARGIN · its std, and at
    least a fifth of every ReLU layer's units are active (a dead network's zero gradient checks nothing)."""
    for layer, p in zip(layers, layer_params):
        if isinstance(layer, MaxPool2D) and np.min(_pool_gap(A)) < MARGIN * A.std():
            return False
        out, _ = layer.forward(A, p)
        if isinstance(layer, Nonlinearity) and layer.activation.name == "relu":
            if np.min(np.abs(A)) < MARGIN * A.std() or np.mean(A > 0) < 0.2:    # near a kink, or mostly dead
                return False
        A = out
    return True


@dataclass(frozen=True)
class LayerCase:
    """One layer checked through J = ⟨layer(X), R⟩ (module docstring).

    Attributes
    ----------
    name : str
    layer : object
        A layer of :mod:`npae.core.conv` / :mod:`npae.core.pooling` (or the fast versions, which read X as (C, n, H, W)).
    input_shape : tuple
        Shape of X (4 axes).
    seed : int

    Raises
    ------
    TypeError, ValueError
        On construction, for a name that is not a string, a layer that is not a layer instance, an
        ``input_shape`` that is not 4 integers ≥ 1 the layer accepts, or a seed that is not an integer ≥ 0.
    """

    name: str
    layer: object
    input_shape: tuple
    seed: int = 0

    def __post_init__(self):
        _check_name(self.name)
        check_instance("layer", self.layer, LAYER_TYPES, "Conv2D(2, 3)")
        shape = check_shape("input_shape", self.input_shape, 4)
        fast = type(self.layer).__module__ == conv_fast.__name__           # (C, n, H, W) layout
        channels_and_pixels = (shape[0],) + shape[2:] if fast else shape[1:]
        try:
            self.layer.output_shape(channels_and_pixels)
        except ValueError as exc:
            raise ValueError(f"input_shape {shape} does not fit {self.layer!r}: {exc}") from None
        check_int("seed", self.seed, 0)

    def build(self):
        """Return (loss_and_grads(params) callable, params) with params = the layer's own plus ``X``."""
        rng = np.random.default_rng(self.seed)
        for _ in range(1000):
            params = {name: rng.normal(0.0, 0.6, shape) for name, shape in self.layer.param_shapes().items()}
            params["X"] = rng.normal(0.0, 1.0, self.input_shape)
            if not isinstance(self.layer, MaxPool2D) or _pool_gap(params["X"]).min() > MARGIN:
                break
        own = [k for k in params if k != "X"]
        R = rng.normal(0.0, 1.0, self.layer.forward(params["X"], {k: params[k] for k in own})[0].shape)

        def loss_and_grads(p):
            out, cache = self.layer.forward(p["X"], {k: p[k] for k in own})
            dX, grads = self.layer.backward(R, cache, {k: p[k] for k in own}, need_input_grad=True)
            return float(np.sum(out * R)), {**grads, "X": dX}

        return loss_and_grads, params

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck`."""
        loss_and_grads, params = self.build()
        return check_gradients(loss_and_grads, params, method, step)


def _small_odd(**options):
    """1×7×7 → Conv(3) ReLU Pool [4×4, odd "same" pooling] → Conv(2) ReLU Pool [2×2] | Conv(2) ReLU Up [4]
    → Conv(3) ReLU Up [8] → Conv(1, kernel 2, valid) [7×7]: every layer kind, odd sizes, an even kernel."""
    layers = [Conv2D(1, 3), Nonlinearity("relu"), MaxPool2D(), Conv2D(3, 2), Nonlinearity("relu"), MaxPool2D(),
              Conv2D(2, 2), Nonlinearity("relu"), UpSample2D(), Conv2D(2, 3), Nonlinearity("relu"), UpSample2D(),
              Conv2D(3, 1, kernel_size=2, padding="valid")]
    return ConvAutoencoder(layers, (1, 7, 7), n_encoder_layers=6, **options)


def _small_two_channel(**options):
    """2×6×6 → Conv(3) sigmoid → Pool [3×3] → Conv(2) sigmoid | Up [6] → Conv(3, 1×1) sigmoid → Conv(2):
    two input channels, smooth hidden units (pooling the only kink)."""
    layers = [Conv2D(2, 3), Nonlinearity("sigmoid"), MaxPool2D(), Conv2D(3, 2), Nonlinearity("sigmoid"),
              UpSample2D(), Conv2D(2, 3, kernel_size=1), Nonlinearity("sigmoid"), Conv2D(3, 2)]
    return ConvAutoencoder(layers, (2, 6, 6), n_encoder_layers=5, **options)


def _smooth(**options):
    """2×5×5 → Conv(3) sigmoid → Conv(2): no kink at all (for many rows, where every window cannot be far from a tie)."""
    return ConvAutoencoder([Conv2D(2, 3), Nonlinearity("sigmoid"), Conv2D(3, 2)], (2, 5, 5), **options)


BUILDERS = {
    "smooth 2x5x5": _smooth,
    "small 1x7x7": _small_odd,
    "small 2x6x6 sigmoid": _small_two_channel,
    "seed conv AE at 1x4x4": lambda **o: conv_autoencoder(input_shape=(1, 4, 4), **o),
    "seed denoising AE (3 channels) at 1x8x8": lambda **o: conv_denoising_autoencoder(input_shape=(1, 8, 8),
                                                                                      channels=3, **o),
}


#: The model options a case may set (the rest — dtype float64, the initialisation — is the recipe's).
MODEL_OPTIONS = ("loss", "decoder", "reduction")


def _check_name(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")


@dataclass(frozen=True)
class ModelCase:
    """A whole convolutional autoencoder, checked with ``loss_and_grads(X_tilde, target=X, params=p)``.

    Attributes
    ----------
    name : str
    builder : str
        A key of :data:`BUILDERS`.
    options : dict
        Keyword arguments of the model (loss, decoder, reduction).
    n_samples, seed : int
    corrupted : bool
        Feed a Gaussian-corrupted input with the clean target (the denoising setting).
    fast : bool
        Check the performance layer's model (:func:`npae.perf.conv_fast.fast_model`) instead.
    entries_per_block : int or None
        None (the default): difference every entry of every block. An integer k: difference k entries of
        each block drawn at random (all of a block with at most k), plus the directional derivative
        along a random unit direction over all of θ (:meth:`run`) — for a model with thousands of parameters.

    Raises
    ------
    TypeError, ValueError
        On construction, for a field of another kind or out of range (``options`` may set only ``loss``,
        ``decoder`` and ``reduction``: the check is in float64); when built, as the model's constructor for
        an option's value.
    """

    name: str
    builder: str
    options: dict = field(default_factory=dict)
    n_samples: int = 2
    seed: int = 0
    corrupted: bool = False
    fast: bool = False
    entries_per_block: int = None

    def __post_init__(self):
        _check_name(self.name)
        check_choice("builder", self.builder, tuple(BUILDERS))
        check_instance("options", self.options, dict, '{"loss": "cross_entropy"}')
        for key in self.options:
            check_choice("options' keys", key, MODEL_OPTIONS)
        check_int("n_samples", self.n_samples, 1)
        check_int("seed", self.seed, 0)
        check_bool("corrupted", self.corrupted)
        check_bool("fast", self.fast)
        if self.entries_per_block is not None:
            check_int("entries_per_block", self.entries_per_block, 1)

    def build(self):
        """Return (loss_and_grads(params) callable, params) for :func:`~npae.gradcheck.check_gradients`."""
        rng = np.random.default_rng(self.seed)
        model = BUILDERS[self.builder](rng=rng, **self.options)
        if model.decoder.name == "linear":
            X = rng.standard_normal((self.n_samples, model.n_visible))
        else:
            X = rng.uniform(0.0, 1.0, (self.n_samples, model.n_visible))
        X_in = np.clip(X + 0.5 * rng.standard_normal(X.shape), 0, 1) if self.corrupted else X
        images = X_in.reshape(self.n_samples, *model.input_shape)
        for _ in range(2000):
            params = {name: rng.normal(0.0, 0.6, value.shape) for name, value in model.params.items()}
            if _far_from_kinks(model.layers, model._layer_params(params), images):
                break
        else:
            raise RuntimeError(f"{self.name}: no parameters far from the kinks in 2000 draws")
        if self.fast:
            model = conv_fast.fast_model(model)
        return (lambda p: model.loss_and_grads(X_in, X, params=p)), params

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck`.

        With ``entries_per_block`` set, the table's rows are each block's sampled entries (the finite
        differences of :func:`~npae.gradcheck.numerical_gradient` at those entries only, the other entries
        held fixed) and one row "all of θ along a random direction": the analytic ⟨∇J, v⟩ against the
        same stencil's derivative of t ↦ J(θ + t v), v a random unit vector over every entry of every block
        (a wrong entry anywhere changes ⟨∇J, v⟩ almost surely). Both are judged against the method's bar.
        """
        method, step = check_method_and_step(method, step)
        loss_and_grads, params = self.build()
        if self.entries_per_block is None:
            return check_gradients(loss_and_grads, params, method, step)
        rng = np.random.default_rng(self.seed + 1)
        _, analytic = loss_and_grads(params)

        def with_entries(entries):           # θ with the sampled entries replaced by entries' values
            p = {name: value.copy() for name, value in params.items()}
            for name, (where, _) in picked.items():
                p[name].reshape(-1)[where] = entries[name]
            return loss_and_grads(p)

        picked = {}
        for name, value in params.items():
            where = np.sort(rng.choice(value.size, min(self.entries_per_block, value.size), replace=False))
            picked[name] = (where, value.reshape(-1)[where].copy())
        numeric = numerical_gradient(with_entries, {name: v for name, (_, v) in picked.items()}, method, step)
        rows = {f"{name} [{where.size} of {params[name].size}]": (analytic[name].reshape(-1)[where], numeric[name])
                for name, (where, _) in picked.items()}

        direction = {name: rng.standard_normal(value.shape) for name, value in params.items()}
        norm = np.linalg.norm(flatten(direction))
        direction = {name: v / norm for name, v in direction.items()}
        along = numerical_gradient(
            lambda t: loss_and_grads({name: params[name] + t["t"][0] * direction[name] for name in params}),
            {"t": np.zeros(1)}, method, step)["t"]
        slope = np.array([sum(float(np.vdot(analytic[name], direction[name])) for name in params)])
        rows[f"all of θ along a random direction [{sum(v.size for v in params.values())}]"] = (slope, along)

        per_block = {row: relative_difference(a, n) for row, (a, n) in rows.items()}
        overall = relative_difference(np.concatenate([a for a, _ in rows.values()]),
                                      np.concatenate([n for _, n in rows.values()]))
        return GradCheck(per_block, overall, {row: a for row, (a, _) in rows.items()},
                         {row: n for row, (_, n) in rows.items()}, method=method,
                         step=STEPS[method] if step is None else float(step), tolerance=TOLERANCES[method])


def layer_cases():
    """Each layer alone, plain and fast: convolutions (same/valid, odd/even sizes and kernels, 1-3 channels),
    max-pooling (even and odd sizes) and upsampling."""
    specs = [
        ("conv same 3x3 2->3 on 5x6", lambda: Conv2D(2, 3, 3, "same"), (2, 2, 5, 6)),
        ("conv valid 3x3 3->2 on 6x5", lambda: Conv2D(3, 2, 3, "valid"), (2, 3, 6, 5)),
        ("conv same 2x2 (even kernel) 2->2 on 4x5", lambda: Conv2D(2, 2, 2, "same"), (2, 2, 4, 5)),
        ("conv valid 2x2 1->3 on 5x5", lambda: Conv2D(1, 3, 2, "valid"), (2, 1, 5, 5)),
        ("conv same 1x1 3->2 on 3x4", lambda: Conv2D(3, 2, 1, "same"), (2, 3, 3, 4)),
        ("maxpool 2x2 on 4x6 (even)", MaxPool2D, (2, 3, 4, 6)),
        ("maxpool 2x2 same on 5x7 (odd)", MaxPool2D, (2, 2, 5, 7)),
        ("upsample x2 on 3x2", UpSample2D, (2, 3, 3, 2)),
    ]
    cases, seed = [], 900
    for name, make, shape in specs:
        seed += 1
        cases.append(LayerCase(f"layer {name}", make(), shape, seed))
        # the fast layers read the first two axes as (C, n): swap them in the shape
        cases.append(LayerCase(f"layer {name} [perf]", conv_fast._fast_layers([make()])[0],
                               (shape[1], shape[0]) + shape[2:], seed))
    return cases


def model_cases():
    """Whole models: the small odd-size one under each loss/reduction, sigmoid hidden units, a denoising
    input, the seed's two architectures, and the fast model (one case split between threads)."""
    ce = dict(loss="cross_entropy", decoder="sigmoid")
    return [
        ModelCase("conv AE small 1x7x7 cross_entropy mean", "small 1x7x7", dict(ce, reduction="mean"), seed=920),
        ModelCase("conv AE small 1x7x7 cross_entropy sum", "small 1x7x7", dict(ce, reduction="sum"), seed=921),
        ModelCase("conv AE small 1x7x7 squared_error/linear sum", "small 1x7x7",
                  dict(loss="squared_error", decoder="linear", reduction="sum"), seed=922),
        ModelCase("conv AE small 2x6x6 sigmoid hidden squared_error/sigmoid", "small 2x6x6 sigmoid",
                  dict(loss="squared_error"), n_samples=3, seed=923),
        ModelCase("conv AE small 1x7x7 denoising (noisy input, clean target)", "small 1x7x7", dict(ce),
                  corrupted=True, seed=924),
        # 4385 parameters whatever the input: 24 entries of each block and one direction over all of them
        ModelCase("seed conv AE architecture at 1x4x4 mean (24 entries per block, one direction)",
                  "seed conv AE at 1x4x4", seed=925, entries_per_block=24),
        ModelCase("seed conv denoising AE architecture (3 channels) at 1x8x8, noisy input", "seed denoising AE "
                  "(3 channels) at 1x8x8", corrupted=True, seed=926),
        ModelCase("conv AE small 1x7x7 cross_entropy sum [perf]", "small 1x7x7", dict(ce, reduction="sum"),
                  seed=921, fast=True),
        ModelCase("seed denoising AE architecture (3 channels) at 1x8x8, noisy input [perf]", "seed denoising AE "
                  "(3 channels) at 1x8x8", corrupted=True, seed=926, fast=True),
        ModelCase("conv AE smooth 2x5x5 cross_entropy x70 rows split between threads [perf]",
                  "smooth 2x5x5", dict(ce), n_samples=70, seed=927, fast=True),
    ]


def conv_cases():
    """Every convolutional case, in the order the table prints them."""
    return layer_cases() + model_cases()


def adjoint_errors(seed=0):
    """The adjoint identities of the convolution, max-pooling and upsampling, on small random arrays.

    A linear map A and its transpose satisfy ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for every x and y. The backward pass of
    a linear layer is exactly Aᵀ applied to δ, so the identity checks the backward pass without finite
    differences: for the convolution (b = 0) A is the layer and Aᵀ its input gradient, the full
    convolution with the flipped kernel; for im2col A copies the patches into the patch matrix and Aᵀ
    (col2im) sums them back; for max-pooling A is the routing of each window's winner, fixed
    by x (Aᵀ sends δ back to the winner); for upsampling A copies each pixel into a 2×2 block (Aᵀ sums it).
    Both the plain layers (:mod:`npae.core.conv`, :mod:`npae.core.pooling`) and the performance layer's
    convolution (:mod:`npae.perf.conv_fast`, layout (channels, n, height, width)) are checked.

    Parameters
    ----------
    seed : int
        Seed of the random arrays (float64, standard normal).

    Returns
    -------
    list of (str, float)
        A case's name and |⟨A x, y⟩ - ⟨x, Aᵀ y⟩| / max(|⟨A x, y⟩|, |⟨x, Aᵀ y⟩|): rounding only, about 1e-16
        for a correct backward pass, of order 1 for a wrong one.

    Raises
    ------
    TypeError, ValueError
        If ``seed`` is not an integer >= 0.
    """
    from npae.core.conv import col2im, conv2d_backward, conv2d_forward, im2col, padding_amounts
    from npae.core.pooling import maxpool_backward, maxpool_forward, upsample_backward, upsample_forward

    rng = np.random.default_rng(check_int("seed", seed, 0))

    def error(lhs, rhs):
        scale = max(abs(lhs), abs(rhs))
        return abs(lhs - rhs) / scale if scale else 0.0

    def inner(a, b):
        return float(np.vdot(a, b))

    errors = []
    for padding, k, shape in (("same", 3, (3, 2, 7, 6)), ("valid", 3, (3, 2, 7, 6)),
                              ("same", 2, (2, 3, 5, 5)), ("valid", 2, (2, 1, 4, 6))):
        X, W, b = rng.normal(size=shape), rng.normal(size=(4, shape[1], k, k)), np.zeros(4)
        Z, cols = conv2d_forward(X, W, b, padding)
        Y = rng.normal(size=Z.shape)
        dX, _, _ = conv2d_backward(Y, cols, X.shape, W, padding)
        errors.append((f"conv {padding} {k}x{k}, X {shape}", error(inner(Z, Y), inner(X, dX))))
        Xp = np.pad(X, ((0, 0), (0, 0), padding_amounts(k, padding), padding_amounts(k, padding)))
        V = rng.normal(size=cols.shape)                           # cols = im2col(Xp, k, k)
        errors.append((f"im2col/col2im {k}x{k}, Xp {Xp.shape}", error(inner(im2col(Xp, k, k), V),
                                                                       inner(Xp, col2im(V, Xp.shape, k, k)))))
        fast = conv_fast.FastConv2D(shape[1], 4, k, padding)
        Xf, Yf = X.transpose(1, 0, 2, 3), Y.transpose(1, 0, 2, 3)
        Zf, cache = fast.forward(Xf, {"W": W, "b": b})
        dXf, _ = fast.backward(Yf, cache, {"W": W, "b": b})
        errors.append((f"fast conv {padding} {k}x{k}, X {shape}", error(inner(Zf, Yf), inner(Xf, dXf))))
    for shape in ((2, 3, 4, 6), (2, 2, 7, 5), (1, 1, 1, 1)):
        X = rng.normal(size=shape)
        P, winner = maxpool_forward(X)
        Y = rng.normal(size=P.shape)
        errors.append((f"max-pool 2x2 same, X {shape}", error(inner(P, Y), inner(X, maxpool_backward(Y, winner, X.shape)))))
        U = upsample_forward(X)
        V = rng.normal(size=U.shape)
        errors.append((f"upsample x2, X {shape}", error(inner(U, V), inner(X, upsample_backward(V)))))
    return errors
