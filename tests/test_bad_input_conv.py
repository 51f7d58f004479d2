"""Bad input to the convolutional code, the cases behind its fixes (issue 15): the whole table of bad values is
``tests/fuzz_entries_conv.py``, run by ``tests/test_fuzz_entry_points.py``. Here, the ones that were silent or
wrong rather than merely unnamed, each asserting the behaviour that replaced it."""

import numpy as np
import pytest

from npae.core.conv import Conv2D
from npae.core.pooling import MaxPool2D, UpSample2D, maxpool_backward, maxpool_forward
from npae.gradcheck.cases_conv import ModelCase
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity, sequence_forward
from npae.perf.conv_fast import FastConvAutoencoder, fast_loss_and_grads, fast_model


def small_layers():
    return [Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), UpSample2D(), Conv2D(2, 1)]


def test_a_negative_winner_index_is_refused_not_wrapped_around():
    """numpy would read index -1 as the window's last entry: δ routed to the wrong pixel, silently."""
    rng = np.random.default_rng(0)
    P, winner = maxpool_forward(rng.standard_normal((1, 1, 4, 4)))
    bad = winner.copy()
    bad.flat[0] = -1
    with pytest.raises(ValueError, match="winner"):
        maxpool_backward(np.ones_like(P), bad, (1, 1, 4, 4))


def test_layer_params_of_another_length_are_refused_not_truncated():
    """zip() stopped at the shorter list: the last layers were skipped and a wrong output returned."""
    rng = np.random.default_rng(1)
    params = [{"W": rng.standard_normal((2, 1, 3, 3)), "b": np.zeros(2)}, {}, {}, {}]      # one dict short
    with pytest.raises(ValueError, match="layer_params"):
        sequence_forward(small_layers(), params, rng.standard_normal((2, 1, 4, 4)))


def test_a_layer_given_a_parameter_it_does_not_have_is_refused_at_the_boundary():
    """The layers run behind the model's checks and check nothing themselves (issue 23); the entry points that call
    them refuse a parameter a layer does not have, naming it."""
    rng = np.random.default_rng(1)
    params = [{"W": rng.standard_normal((2, 1, 3, 3)), "b": np.zeros(2)}, {}, {"W": np.zeros((1, 1, 1, 1))}, {},
              {"W": rng.standard_normal((1, 2, 3, 3)), "b": np.zeros(1)}]
    with pytest.raises(ValueError, match=r"layer_params\[2\]"):
        sequence_forward(small_layers(), params, rng.standard_normal((2, 1, 4, 4)))
    params[2] = {}
    params[0]["X"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"layer_params\[0\]"):
        sequence_forward(small_layers(), params, rng.standard_normal((2, 1, 4, 4)))
    model = ConvAutoencoder(small_layers(), (1, 4, 4), rng=rng)
    with pytest.raises(ValueError, match="params"):
        model.loss(rng.uniform(size=(2, 16)), params={**model.params, "X": np.zeros(1)})


def test_the_fast_path_refuses_layers_it_does_not_know_and_never_replaces_them():
    """A subclass of a layer computes something else: fast_model refuses it (naming the layer) and
    fast_loss_and_grads leaves such a model to its own methods."""

    class MyConv(Conv2D):
        pass

    model = ConvAutoencoder(small_layers()[:-1] + [MyConv(2, 1)], (1, 4, 4), rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"layers\[4\] is a MyConv"):
        fast_model(model)
    assert fast_loss_and_grads(model) is None


def test_a_fast_model_built_directly_uses_the_fast_layers_and_equals_the_plain_model():
    """FastConvAutoencoder(...) used to keep the plain layers, fed in the (C, n, H, W) layout they do not read."""
    plain = ConvAutoencoder(small_layers(), (1, 4, 4), rng=np.random.default_rng(2))
    direct = FastConvAutoencoder(small_layers(), (1, 4, 4), rng=np.random.default_rng(2))
    assert [type(layer).__name__ for layer in direct.layers] == \
        [type(layer).__name__ for layer in fast_model(plain).layers]
    X = np.random.default_rng(3).uniform(size=(3, 16))
    loss, grads = plain.loss_and_grads(X)
    loss_direct, grads_direct = direct.loss_and_grads(X)
    assert loss_direct == pytest.approx(loss, rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads_direct[k], grads[k], rtol=1e-9, atol=1e-12 * np.abs(grads[k]).max())


def test_a_gradient_check_case_refuses_float32_and_misspelt_fields():
    with pytest.raises(ValueError, match="options"):
        ModelCase("x", "smooth 2x5x5", {"dtype": np.float32})
    with pytest.raises(ValueError, match="builder"):
        ModelCase("x", "no such builder")
    with pytest.raises(TypeError, match="fast"):
        ModelCase("x", "smooth 2x5x5", fast="False")


def test_the_model_names_the_layer_that_breaks_the_chain():
    with pytest.raises(ValueError, match=r"layers\[4\]"):
        ConvAutoencoder(small_layers()[:-1] + [Conv2D(3, 1)], (1, 4, 4))
