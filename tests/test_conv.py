"""Convolution, pooling, upsampling and the convolutional autoencoders.

The gradient checks themselves are cases of :mod:`npae.gradcheck.cases_conv`, run by ``tests/test_gradients.py``
(``python -m npae.gradcheck --filter conv`` prints them). Here: the adjoint identities, output sizes,
an independent reference for the forward pass, tie routing, the performance layer equal to the plain
path, the trainers working unchanged, save/load, and bad input."""

import numpy as np
import pytest
from scipy.signal import correlate2d

from npae.core.conv import Conv2D, conv2d_backward, conv2d_forward, conv_output_size, padding_amounts
from npae.core.corruption import Corruption
from npae.core.pooling import (MaxPool2D, UpSample2D, maxpool_backward, maxpool_forward, pool_output_size,
                               upsample_backward, upsample_forward)
from npae.gradcheck import TOLERANCE, check_gradients
from npae.gradcheck.cases_conv import conv_cases
from npae.models.conv_autoencoder import (ConvAutoencoder, Nonlinearity, conv_autoencoder,
                                          conv_denoising_autoencoder)
from npae.perf import conv_fast
from npae.serialize import load_model, save_model
from npae.training.minibatch import train_minibatch


def inner(a, b):
    return float(np.sum(a * b))


def adjoint_error(lhs, rhs):
    return abs(lhs - rhs) / max(abs(lhs), abs(rhs))


# ---------------------------------------------------------------- output sizes

@pytest.mark.parametrize("size, kernel, padding, expected", [
    (28, 3, "same", 28), (7, 3, "same", 7), (4, 2, "same", 4), (16, 3, "valid", 14), (7, 3, "valid", 5),
    (8, 2, "valid", 7), (5, 1, "valid", 5), (3, 3, "valid", 1)])
def test_conv_output_size(size, kernel, padding, expected):
    assert conv_output_size(size, kernel, padding) == expected
    X = np.zeros((1, 1, size, size + 1))
    Z, _ = conv2d_forward(X, np.zeros((2, 1, kernel, kernel)), np.zeros(2), padding)
    assert Z.shape == (1, 2, expected, conv_output_size(size + 1, kernel, padding))


def test_same_padding_puts_the_extra_zero_of_an_even_kernel_after():
    assert padding_amounts(3, "same") == (1, 1) and padding_amounts(2, "same") == (0, 1)
    assert padding_amounts(4, "same") == (1, 2) and padding_amounts(5, "valid") == (0, 0)


@pytest.mark.parametrize("size, expected", [(28, 14), (14, 7), (7, 4), (4, 2), (1, 1), (5, 3)])
def test_same_max_pooling_rounds_up(size, expected):
    assert pool_output_size(size) == expected
    P, _ = maxpool_forward(np.zeros((2, 3, size, size + 1)))
    assert P.shape == (2, 3, expected, pool_output_size(size + 1))


def test_the_seed_models_shapes_and_sizes():
    ae = conv_autoencoder(rng=np.random.default_rng(0))
    assert ae.code_shape == (8, 4, 4) and ae.n_hidden == 128
    assert sum(v.size for v in ae.params.values()) == 4385
    assert ae.shapes[15:17] == [(8, 16, 16), (16, 14, 14)]           # the "valid" conv: 16×16 -> 14×14
    dae = conv_denoising_autoencoder(rng=np.random.default_rng(0))
    assert dae.code_shape == (32, 7, 7) and sum(v.size for v in dae.params.values()) == 28353


def test_glorot_uniform_kernels_and_zero_biases():
    ae = conv_autoencoder(rng=np.random.default_rng(0))
    r = np.sqrt(6.0 / (9 * 16 + 9 * 8))                          # the second conv: 16 -> 8 channels, 3×3
    assert np.abs(ae.params["W2"]).max() <= r and np.abs(ae.params["W2"]).max() > 0.9 * r
    assert all(not ae.params[f"b{k}"].any() for k in range(1, 8))


# ---------------------------------------------------------------- forward against an independent reference

@pytest.mark.parametrize("padding", ["same", "valid"])
def test_conv_forward_is_the_cross_correlation_of_scipy(padding):
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    Z, _ = conv2d_forward(X, W, b, padding)
    mode = "same" if padding == "same" else "valid"
    for i in range(2):
        for o in range(4):
            ref = b[o] + sum(correlate2d(X[i, c], W[o, c], mode=mode) for c in range(3))
            np.testing.assert_allclose(Z[i, o], ref, rtol=1e-12, atol=1e-12)


def test_upsampling_copies_each_pixel_into_a_block():
    X = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(upsample_forward(X)[0, 0], np.kron(X[0, 0], np.ones((2, 2))))


# ---------------------------------------------------------------- adjoint identities

@pytest.mark.parametrize("padding, kernel, shape", [("same", 3, (3, 2, 7, 6)), ("valid", 3, (3, 2, 7, 6)),
                                                     ("same", 2, (2, 3, 5, 5)), ("valid", 2, (2, 1, 4, 6))])
def test_conv_adjoint_identity(padding, kernel, shape):
    """⟨conv(X), Y⟩ = ⟨X, convᵀ(Y)⟩ with b = 0: the input gradient is the transposed convolution."""
    rng = np.random.default_rng(2)
    X, W = rng.normal(size=shape), rng.normal(size=(4, shape[1], kernel, kernel))
    Z, cols = conv2d_forward(X, W, np.zeros(4), padding)
    Y = rng.normal(size=Z.shape)
    dX, _, _ = conv2d_backward(Y, cols, X.shape, W, padding)
    assert adjoint_error(inner(Z, Y), inner(X, dX)) < 1e-13
    # the performance layer's convolution, whose input gradient is a gather (the flipped-kernel convolution)
    fast = conv_fast.FastConv2D(shape[1], 4, kernel, padding)
    Xf = X.transpose(1, 0, 2, 3)
    Zf, cache = fast.forward(Xf, {"W": W, "b": np.zeros(4)})
    dXf, _ = fast.backward(Y.transpose(1, 0, 2, 3), cache, {"W": W, "b": np.zeros(4)})
    assert adjoint_error(inner(Zf, Y.transpose(1, 0, 2, 3)), inner(Xf, dXf)) < 1e-13


@pytest.mark.parametrize("shape", [(2, 3, 4, 6), (2, 2, 7, 5), (1, 1, 1, 1)])
def test_pooling_and_upsampling_adjoint_identities(shape):
    rng = np.random.default_rng(3)
    X = rng.normal(size=shape)
    P, winner = maxpool_forward(X)                 # the routing S fixed by X: P = S X
    Y = rng.normal(size=P.shape)
    assert adjoint_error(inner(P, Y), inner(X, maxpool_backward(Y, winner, X.shape))) < 1e-13
    U = upsample_forward(X)
    V = rng.normal(size=U.shape)
    assert adjoint_error(inner(U, V), inner(X, upsample_backward(V))) < 1e-13


# ---------------------------------------------------------------- ties

@pytest.mark.parametrize("layer", [MaxPool2D(), conv_fast.FastMaxPool2D()], ids=["plain", "perf"])
def test_ties_go_to_the_first_maximum_in_row_major_order(layer):
    windows = np.array([[[1.0, 1.0], [0.0, 0.0]],      # top-left beats top-right
                        [[0.0, 2.0], [2.0, 0.0]],      # top-right beats bottom-left
                        [[0.0, 0.0], [3.0, 3.0]],      # bottom-left beats bottom-right
                        [[0.0, 0.0], [0.0, 0.0]]])     # all equal: top-left
    X = np.concatenate(windows, axis=1)[None, None]    # 1×1×2×8: four windows side by side
    P, cache = layer.forward(X, {})
    dX, _ = layer.backward(np.ones_like(P), cache, {})
    expected = np.zeros((2, 8))
    expected[0, 0] = expected[0, 3] = expected[1, 4] = expected[0, 6] = 1.0
    np.testing.assert_array_equal(dX[0, 0], expected)


# ---------------------------------------------------------------- the model

def random_params(model, rng, std=0.3):
    for value in model.params.values():
        value[...] = rng.normal(0.0, std, value.shape)
    return model


def test_mean_reduction_is_the_sum_divided_by_the_pixels():
    rng = np.random.default_rng(4)
    X = rng.uniform(size=(3, 784))
    total = random_params(conv_autoencoder(reduction="sum", rng=np.random.default_rng(5)), rng)
    mean = conv_autoencoder(reduction="mean", rng=np.random.default_rng(5))
    mean.params = total.params
    (ls, gs), (lm, gm) = total.loss_and_grads(X), mean.loss_and_grads(X)
    assert lm == pytest.approx(ls / 784, rel=1e-12)
    for k in gs:
        np.testing.assert_allclose(gm[k], gs[k] / 784, rtol=1e-10, atol=1e-16)


@pytest.mark.parametrize("factory", [conv_autoencoder, conv_denoising_autoencoder])
@pytest.mark.parametrize("n_rows", [5, 70])              # 70: split between the threads
def test_the_performance_layer_equals_the_plain_path(factory, n_rows):
    rng = np.random.default_rng(6)
    model = random_params(factory(rng=rng), rng)
    X = rng.uniform(size=(n_rows, 784))
    noisy = np.clip(X + 0.5 * rng.normal(size=X.shape), 0, 1)
    fast = conv_fast.fast_model(model)
    assert fast.params is model.params
    loss, grads = model.loss_and_grads(noisy, X)
    loss_fast, grads_fast = fast.loss_and_grads(noisy, X)
    assert loss_fast == pytest.approx(loss, rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads_fast[k], grads[k], rtol=1e-9, atol=1e-12 * np.abs(grads[k]).max())
    code = model.encode(X)                # sums in another order: equal to rounding, relative to the scale
    np.testing.assert_allclose(fast.encode(X), code, rtol=1e-9, atol=1e-12 * np.abs(code).max())
    np.testing.assert_allclose(fast.reconstruct(X), model.reconstruct(X), rtol=1e-9, atol=1e-14)
    assert fast.config() == model.config()


def test_trains_with_train_minibatch_adadelta_and_a_corruption():
    rng = np.random.default_rng(7)
    X = rng.uniform(size=(40, 64)) ** 3
    layers = [Conv2D(1, 4), Nonlinearity("relu"), MaxPool2D(), Conv2D(4, 4), Nonlinearity("relu"), UpSample2D(),
              Conv2D(4, 1)]
    for model in (ConvAutoencoder(layers, (1, 8, 8), rng=rng),
                  conv_fast.fast_model(ConvAutoencoder(layers, (1, 8, 8), rng=rng, dtype=np.float32))):
        before = model.loss(X)
        history = train_minibatch(model, X, X_val=X, optimizer="adadelta", epochs=5, batch_size=8,
                                  corruption=Corruption("gaussian", 0.5, clip=(0.0, 1.0)), rng=rng, verbose=False)
        assert history.val_loss[-1] < before
        assert model.params["W1"].dtype == model.dtype


def test_save_and_load_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(8)
    for model in (random_params(conv_autoencoder(rng=rng, dtype=np.float32), rng),
                  random_params(conv_denoising_autoencoder(input_shape=(2, 8, 8), channels=3, reduction="sum",
                                                           rng=rng), rng)):
        path = tmp_path / "conv.npz"
        save_model(conv_fast.fast_model(model), path)          # the fast model saves its plain configuration
        loaded = load_model(path)
        assert isinstance(loaded, ConvAutoencoder) and type(loaded) is ConvAutoencoder
        assert loaded.config() == model.config()
        for k in model.params:
            assert loaded.params[k].dtype == model.dtype
            np.testing.assert_array_equal(loaded.params[k], model.params[k])
        X = rng.uniform(size=(3, model.n_visible)).astype(model.dtype)
        assert loaded.loss(X) == model.loss(X)


def test_load_refuses_a_conv_file_with_a_wrong_parameter(tmp_path):
    rng = np.random.default_rng(9)
    model = conv_denoising_autoencoder(input_shape=(1, 4, 4), channels=2, rng=rng)
    path = tmp_path / "conv.npz"
    save_model(model, path)
    arrays = dict(np.load(path))
    arrays["params/W2"] = arrays["params/W2"][:1]
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(ValueError, match="W2"):
        load_model(path)


# ---------------------------------------------------------------- bad input

def test_bad_arguments_are_refused_with_their_names():
    with pytest.raises(ValueError, match="padding"):
        Conv2D(1, 2, padding="full")
    with pytest.raises(ValueError, match="out_channels"):
        Conv2D(1, 0)
    with pytest.raises(ValueError, match="channels"):
        conv2d_forward(np.zeros((1, 2, 4, 4)), np.zeros((1, 3, 3, 3)), np.zeros(1), "same")
    with pytest.raises(ValueError, match="kernel"):
        conv_output_size(2, 3, "valid")
    with pytest.raises(ValueError, match="reduction"):
        conv_autoencoder(reduction="median")
    with pytest.raises(ValueError, match="output the input's shape"):
        ConvAutoencoder([Conv2D(1, 1), MaxPool2D(), Conv2D(1, 1)], (1, 4, 4))
    with pytest.raises(ValueError, match="last layer is a Conv2D"):
        ConvAutoencoder([Conv2D(1, 1), UpSample2D()], (1, 4, 4))
    with pytest.raises(ValueError, match="name"):
        Nonlinearity("tanh")
    model = conv_autoencoder(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="X"):
        model.loss(np.zeros((2, 783)))
    with pytest.raises(ValueError, match="target"):
        model.loss(np.zeros((2, 784)), target=np.full((2, 784), 2.0))


def test_the_gradient_check_catches_a_wrong_input_gradient():
    """A check that cannot fail proves nothing: scale the convolution's input gradient by 1.01."""

    class WrongConv(Conv2D):
        def backward(self, delta, cache, params, need_input_grad=True):
            dA, grads = super().backward(delta, cache, params, need_input_grad)
            return (None if dA is None else dA * 1.01), grads

    rng = np.random.default_rng(10)
    model = ConvAutoencoder([Conv2D(1, 2), Nonlinearity("sigmoid"), WrongConv(2, 1)], (1, 5, 5), rng=rng)
    X = rng.uniform(size=(2, 25))
    params = {k: rng.normal(0, 0.6, v.shape) for k, v in model.params.items()}
    result = check_gradients(lambda p: model.loss_and_grads(X, params=p), params)
    assert result.per_block["W1"] > 1e-4 and result.per_block["W2"] < TOLERANCE


def test_a_sampled_check_catches_one_wrong_entry_through_its_direction_row(monkeypatch):
    """ModelCase(entries_per_block=k) differences k entries per block; its direction row covers the rest: a
    gradient wrong in one entry of W1 only fails it whether or not that entry was sampled, and a correct
    gradient passes every row."""
    from npae.gradcheck.cases_conv import ModelCase

    case = ModelCase("sampled", "small 2x6x6 sigmoid", dict(loss="squared_error"), seed=3, entries_per_block=2)
    right = case.run()
    assert right.passed() and len(right.per_block) == 2 * 4 + 1          # 4 conv layers' W, b and the direction
    original = ConvAutoencoder.loss_and_grads

    def one_entry_wrong(self, *args, **kwargs):
        loss, grads = original(self, *args, **kwargs)
        grads["W1"] = grads["W1"].copy()
        grads["W1"].reshape(-1)[17] += 1e-3 * np.abs(grads["W1"]).max()
        return loss, grads

    monkeypatch.setattr(ConvAutoencoder, "loss_and_grads", one_entry_wrong)
    wrong = case.run()
    direction = [row for row in wrong.per_block if row.startswith("all of θ")]
    assert wrong.per_block[direction[0]] > 1e-6 and not wrong.passed()
    assert all(value < TOLERANCE for row, value in wrong.per_block.items() if row.startswith("W2 "))


def test_conv_cases_have_unique_names_and_cover_every_layer_kind():
    names = [c.name for c in conv_cases()]
    assert len(names) == len(set(names))
    for word in ("conv same", "conv valid", "maxpool", "upsample", "seed conv AE", "seed conv denoising", "[perf]"):
        assert any(word in n for n in names), word


def test_adjoint_errors_table_and_command(capsys):
    """The table that ``python -m npae.gradcheck --adjoints`` prints: every identity holds to rounding."""
    from npae.gradcheck.__main__ import ADJOINT_BAR, main
    from npae.gradcheck.cases_conv import adjoint_errors
    errors = adjoint_errors()
    assert len(errors) == 18 and all(err < ADJOINT_BAR for _, err in errors), errors
    assert main(["--adjoints"]) == 0
    assert "18 passed, 0 failed" in capsys.readouterr().out


# ---------------------------------------------------------------- the readable path and the fast path (issue 23)

def _relative(fast, plain):
    """max |fast - plain| / max |plain|: the error relative to the block's scale (sums in another order differ
    by rounding relative to the largest term, not to each entry)."""
    return float(np.max(np.abs(fast - plain)) / np.max(np.abs(plain)))


FAST_CONFIGS = {
    "seed conv AE, mean": (lambda rng: conv_autoencoder(reduction="mean", rng=rng), False),
    "seed conv AE, sum": (lambda rng: conv_autoencoder(reduction="sum", rng=rng), False),
    "seed conv DAE, noisy input": (lambda rng: conv_denoising_autoencoder(rng=rng), True),
    "small odd, cross-entropy sum": (lambda rng: _small_odd(rng, reduction="sum"), True),
    "small odd, squared error, linear decoder": (
        lambda rng: _small_odd(rng, loss="squared_error", decoder="linear"), False),
    "two channels, sigmoid hidden, squared error": (lambda rng: ConvAutoencoder(
        [Conv2D(2, 3), Nonlinearity("sigmoid"), MaxPool2D(), Conv2D(3, 2, kernel_size=2), Nonlinearity("linear"),
         UpSample2D(), Conv2D(2, 2, kernel_size=1)], (2, 6, 6), loss="squared_error", rng=rng), False),
}


def _small_odd(rng, **options):
    layers = [Conv2D(1, 3), Nonlinearity("relu"), MaxPool2D(), Conv2D(3, 2), Nonlinearity("relu"), UpSample2D(),
              Conv2D(2, 1, kernel_size=2, padding="valid"), Nonlinearity("relu"), Conv2D(1, 1, padding="valid",
                                                                                           kernel_size=1)]
    return ConvAutoencoder(layers, (1, 7, 7), n_encoder_layers=3, rng=rng, **options)


# 70 rows: split between the threads; 300: in blocks of rows too (the small models only: the suite stays quick)
@pytest.mark.parametrize("config, n_rows", [(c, n) for n in (3, 70) for c in FAST_CONFIGS]
                         + [(c, 300) for c in FAST_CONFIGS if not c.startswith("seed")])
def test_the_fast_path_equals_the_readable_path_to_1e_12(config, n_rows):
    """fast_loss_and_grads (what the trainers call) and fast_model against model.loss_and_grads, float64; and
    the readable model's loss (evaluated in blocks of rows) against its loss_and_grads (all rows at once)."""
    make, noisy = FAST_CONFIGS[config]
    rng = np.random.default_rng(11)
    model = random_params(make(rng), rng)
    X = rng.uniform(size=(n_rows, model.n_visible))
    X_in = np.clip(X + 0.5 * rng.normal(size=X.shape), 0, 1) if noisy else X
    loss, grads = model.loss_and_grads(X_in, X)
    run = conv_fast.fast_loss_and_grads(model)
    for loss_fast, grads_fast in (run(X_in, X), conv_fast.fast_model(model).loss_and_grads(X_in, X)):
        assert abs(loss_fast - loss) <= 1e-12 * abs(loss)
        assert list(grads_fast) == list(grads)
        for k in grads:
            assert grads_fast[k].shape == grads[k].shape and _relative(grads_fast[k], grads[k]) <= 1e-12, k
    assert abs(model.loss(X_in, X) - loss) <= 1e-12 * abs(loss)
    assert abs(run(X_in, X, need_grads=False)[0] - loss) <= 1e-12 * abs(loss)
    fast = conv_fast.fast_model(model)
    assert _relative(fast.logits(X_in), model.logits(X_in)) <= 1e-12
    assert _relative(fast.encode(X_in), model.encode(X_in)) <= 1e-12
    assert run(X_in, X, need_grads=False)[1] is None
    other = {k: v * 0.5 for k, v in model.params.items()}              # params= evaluates elsewhere
    assert abs(run(X_in, X, other)[0] - model.loss(X_in, X, params=other)) <= 1e-12 * abs(model.loss(X_in, X, other))


def test_the_fast_path_applies_only_to_the_classes_it_knows():
    """Never in place of a method a subclass, a layer's subclass or the instance overrides: then None, and the
    trainers call the model's own method."""
    rng = np.random.default_rng(12)

    def small(layer_class=Conv2D):
        return ConvAutoencoder([Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), UpSample2D(), layer_class(2, 1)],
                               (1, 4, 4), rng=rng)

    class OwnLoss(ConvAutoencoder):
        def loss_and_grads(self, X, target=None, params=None):
            return super().loss_and_grads(X, target, params)

    class WrongConv(Conv2D):
        def backward(self, delta, cache, params, need_input_grad=True):
            dA, grads = super().backward(delta, cache, params, need_input_grad)
            return dA, {k: 2 * g for k, g in grads.items()}

    assert callable(conv_fast.fast_loss_and_grads(small()))
    subclass = OwnLoss(small().layers, (1, 4, 4), rng=rng)
    assert conv_fast.fast_loss_and_grads(subclass) is None
    assert conv_fast.fast_loss_and_grads(small(WrongConv)) is None
    replaced = small()
    replaced.loss_and_grads = lambda X, target=None, params=None: (0.0, {})
    assert conv_fast.fast_loss_and_grads(replaced) is None
    layer_replaced = small()
    layer_replaced.layers[0].backward = lambda *args, **kwargs: None
    assert conv_fast.fast_loss_and_grads(layer_replaced) is None
    assert conv_fast.fast_loss_and_grads(conv_fast.fast_model(small())) is None    # its own methods are fast
    from npae.models.autoencoder import Autoencoder
    assert conv_fast.fast_loss_and_grads(Autoencoder(4, 2, rng=rng)) is None
    assert conv_fast.fast_loss_and_grads(None) is None


def test_the_trainers_call_an_overriding_subclass_and_a_wrong_layer():
    """A subclass's override is never bypassed: train_minibatch calls it (and its wrong layer's gradients)."""
    calls = []

    class Counting(ConvAutoencoder):
        def loss_and_grads(self, X, target=None, params=None):
            calls.append(len(X))
            return super().loss_and_grads(X, target, params)

    rng = np.random.default_rng(13)
    layers = [Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), UpSample2D(), Conv2D(2, 1)]
    model = Counting(layers, (1, 4, 4), rng=rng)
    train_minibatch(model, rng.uniform(size=(12, 16)), optimizer="sgd", epochs=2, batch_size=4, rng=rng,
                    verbose=False)
    assert calls == [4, 4, 4] * 2


def test_the_trainers_use_the_fast_path_for_an_exact_conv_model(monkeypatch):
    """With the readable methods made to fail, training still works: the trainers went through the fast path."""
    rng = np.random.default_rng(14)
    model = ConvAutoencoder([Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), UpSample2D(), Conv2D(2, 1)],
                            (1, 4, 4), rng=rng)

    def readable(*args, **kwargs):
        raise AssertionError("the readable path was called")

    monkeypatch.setattr(ConvAutoencoder, "loss_and_grads", readable)
    monkeypatch.setattr(ConvAutoencoder, "loss", readable)
    X = rng.uniform(size=(12, 16))
    history = train_minibatch(model, X, X_val=X, optimizer="adadelta", epochs=2, batch_size=4, rng=rng,
                              verbose=False)
    assert len(history.val_loss) == 2


def test_the_model_checks_its_arguments_once_and_the_layers_not_at_all(monkeypatch):
    """Validation once, at the boundary: during model.loss_and_grads no layer function checks anything, while a
    student's direct call of conv2d_forward / maxpool_forward is checked."""
    import npae.core.conv as conv_module
    import npae.core.pooling as pooling_module
    import npae.models.conv_autoencoder as model_module
    from npae.checks import check_float_array
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[0])
        return check_float_array(*args, **kwargs)

    for module in (conv_module, pooling_module, model_module):
        monkeypatch.setattr(module, "check_float_array", counting)
    rng = np.random.default_rng(15)
    model = conv_autoencoder(rng=rng)
    model.loss_and_grads(rng.uniform(size=(2, 784)))
    model.loss(rng.uniform(size=(2, 784)))
    assert calls == []
    conv2d_forward(rng.normal(size=(1, 1, 4, 4)), rng.normal(size=(2, 1, 3, 3)), np.zeros(2), "same")
    maxpool_forward(rng.normal(size=(1, 1, 4, 4)))
    assert calls == ["X", "W", "b", "X"]


@pytest.mark.parametrize("padding, kernel, shape", [("same", 3, (2, 3, 6, 5)), ("valid", 2, (2, 2, 5, 6)),
                                                     ("same", 2, (1, 2, 4, 4))])
def test_the_input_gradient_is_col2im_of_the_patch_gradient(padding, kernel, shape):
    """The two derivations of ∂J/∂X agree: col2im(Wmatᵀ δ) cropped (the adjoint of im2col) and the padded δ
    cross-correlated with the flipped kernel (what conv2d_backward computes)."""
    from npae.core.conv import col2im
    rng = np.random.default_rng(16)
    X, W = rng.normal(size=shape), rng.normal(size=(3, shape[1], kernel, kernel))
    Z, cols = conv2d_forward(X, W, np.zeros(3), padding)
    delta = rng.normal(size=Z.shape)
    dX, _, _ = conv2d_backward(delta, cols, X.shape, W, padding)
    (top, bottom), (left, right) = padding_amounts(kernel, padding), padding_amounts(kernel, padding)
    padded_shape = (shape[0], shape[1], shape[2] + top + bottom, shape[3] + left + right)
    dXp = col2im(W.reshape(3, -1).T @ delta.transpose(1, 0, 2, 3).reshape(3, -1), padded_shape, kernel, kernel)
    np.testing.assert_allclose(dX, dXp[:, :, top:top + shape[2], left:left + shape[3]], rtol=1e-12, atol=1e-12)
