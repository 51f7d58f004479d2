"""Recirculation (Hinton & McClelland 1988) keeps what it promises: it is not a gradient, so there is no gradient
check here; instead the reconstruction error falls on the 4-2-4 encoder and on image patches, its update points
downhill (positive cosine with −∇J from back-propagation, printed: run with ``-s`` to see the figures), its
decoder block is exactly (1 − λ) times −∂J/∂W2 of the cross-entropy, and bad arguments are refused before
anything changes."""

import numpy as np
import pytest

from npae.core.penalties import WeightDecay
from npae.data.natural_images import ufldl_patches
from npae.models.autoencoder import Autoencoder
from npae.training.recirculation import gradient_cosine, recirculation_update, train_recirculation


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_4_2_4_encoder_learns_and_the_update_points_downhill(loss, seed):
    X = np.eye(4)                                   # the paper's 4-2-4 encoder problem
    model = Autoencoder(4, 2, loss=loss, rng=np.random.default_rng(seed))
    before, cos_before = model.loss(X), gradient_cosine(model, X)
    history = train_recirculation(model, X, learning_rate=20.0, epochs=500, verbose=False,
                                  rng=np.random.default_rng(0))
    after, cos_after = model.loss(X), gradient_cosine(model, X)
    print(f"4-2-4 {loss} seed {seed}: loss {before:.4f} -> {after:.4f}; cosine with -grad J "
          f"{cos_before:.3f} at the start, {cos_after:.3f} at the end")
    assert len(history.loss) == 500
    assert after < 0.05 * before
    # every pattern is reconstructed on its own unit: the code separates the four inputs
    assert np.array_equal(model.reconstruct(X).argmax(axis=1), np.arange(4))
    assert cos_before > 0 and cos_after > 0


def test_on_image_patches_the_error_falls_and_the_update_stays_downhill():
    X = ufldl_patches(1000, 8, np.random.default_rng(0))     # 8x8 whitened patches in [0.1, 0.9]
    model = Autoencoder(64, 16, rng=np.random.default_rng(0))
    before = model.loss(X)
    cosines = []
    train_recirculation(model, X, learning_rate=1.0, epochs=30, batch_size=50, verbose=False,
                        rng=np.random.default_rng(0),
                        callback=lambda epoch, history: cosines.append(gradient_cosine(model, X)))
    after = model.loss(X)
    print(f"patches 64-16-64: loss {before:.4f} -> {after:.4f}; cosine with -grad J over 30 epochs: "
          f"min {min(cosines):.3f}, last {cosines[-1]:.3f}")
    assert after < 0.6 * before
    assert min(cosines) > 0


def test_the_decoder_block_is_the_cross_entropy_gradient_times_one_minus_lambda():
    # x(0) − x(2) = (1 − λ)(x − x̂): the hidden→visible rule is the delta rule of the Bernoulli likelihood.
    rng = np.random.default_rng(3)
    X = rng.uniform(size=(7, 5))
    model = Autoencoder(5, 3, loss="cross_entropy", rng=rng)
    lam = 0.6
    loss, update = recirculation_update(model, X, regression=lam)
    model_loss, grads = model.loss_and_grads(X)
    assert loss == pytest.approx(model_loss, rel=1e-12)
    for name in ("W2", "b2"):
        np.testing.assert_allclose(update[name], -(1 - lam) * grads[name], rtol=1e-10, atol=1e-15)
    # ... and the encoder block is not the gradient (it is not a gradient method)
    assert not np.allclose(update["W1"], -(1 - lam) * grads["W1"], rtol=1e-3)


def test_the_update_has_the_keys_shapes_and_dtype_of_the_parameters():
    model = Autoencoder(6, 4, rng=np.random.default_rng(0), dtype=np.float32)
    _, update = recirculation_update(model, np.full((3, 6), 0.5))
    assert list(update) == list(model.params)
    for name, value in update.items():
        assert value.shape == model.params[name].shape and value.dtype == np.float32


@pytest.mark.parametrize("kwargs, error, words", [
    ({"tied": True}, ValueError, "tied=False"),
    ({"penalties": [WeightDecay(1e-3)]}, ValueError, "no penalties"),
    ({"encoder": "relu"}, ValueError, "sigmoid"),
    ({"decoder": "linear"}, ValueError, "sigmoid"),
])
def test_models_the_rule_is_not_defined_for_are_refused(kwargs, error, words):
    model = Autoencoder(4, 2, rng=np.random.default_rng(0), **kwargs)
    with pytest.raises(error, match=words):
        train_recirculation(model, np.eye(4), epochs=1, verbose=False)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"regression": 1.0}, ValueError, "regression"),
    ({"regression": -0.1}, ValueError, "regression"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate"),
    ({"momentum": 1.0}, ValueError, "momentum"),
    ({"epochs": 2.0}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"rng": 0}, TypeError, "default_rng"),
    ({"callback": "print"}, TypeError, "callback"),
])
def test_bad_arguments_are_refused_before_any_update(kwargs, error, words):
    model = Autoencoder(4, 2, rng=np.random.default_rng(0))
    before = {k: v.copy() for k, v in model.params.items()}
    with pytest.raises(error, match=words):
        train_recirculation(model, np.eye(4), **{"epochs": 3, "verbose": False, **kwargs})
    for name in before:
        np.testing.assert_array_equal(model.params[name], before[name])


def test_data_outside_the_unit_interval_is_refused():
    model = Autoencoder(4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        recirculation_update(model, 2 * np.eye(4))
    with pytest.raises(ValueError, match="shape"):
        recirculation_update(model, np.eye(3))
