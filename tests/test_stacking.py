"""Greedy layer-wise pretraining: codes computed once, shapes, building the deep networks from the layers."""

import numpy as np
import pytest

from npae.core.corruption import Corruption
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import Contractive, KLSparsity, WeightDecay
from npae.training.stacking import Layer, deep_autoencoder, encode_stack, greedy_pretrain, stacked_classifier


def _data(rng, n=120, d=16):
    return rng.uniform(size=(n, d))


def _layers():
    return [
        Layer(lambda n, rng: Autoencoder(n, 10, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)], rng=rng),
              method="lbfgs", options=dict(maxiter=20)),
        Layer(lambda n, rng: Autoencoder(n, 6, penalties=[Contractive(0.1)], rng=rng),
              method="minibatch", options=dict(epochs=2, batch_size=32), corruption=Corruption("masking", 0.2)),
        Layer(lambda n, rng: Autoencoder(n, 4, rng=rng), method="lbfgs", options=dict(maxiter=10),
              corruption=Corruption("masking", 0.3), n_samples=50),
    ]


def test_shapes_and_codes(monkeypatch):
    rng = np.random.default_rng(0)
    X = _data(rng)
    calls = []
    original = Autoencoder.encode

    def counting_encode(self, X, params=None):
        calls.append((self.config()["n_visible"], self.config()["n_hidden"], np.shape(X)[0]))
        return original(self, X, params)

    monkeypatch.setattr(Autoencoder, "encode", counting_encode)
    models, codes = greedy_pretrain(X, _layers(), rng=rng, verbose=False, return_codes=True)
    assert [(m.config()["n_visible"], m.config()["n_hidden"]) for m in models] == [(16, 10), (10, 6), (6, 4)]
    assert [c.shape for c in codes] == [(120, 10), (120, 6), (120, 4)]
    # Each layer's code of the whole data set is computed exactly once — not per iteration.
    assert calls == [(16, 10, 120), (10, 6, 120), (6, 4, 120)]
    monkeypatch.setattr(Autoencoder, "encode", original)
    np.testing.assert_allclose(codes[-1], encode_stack(models, X))


def test_each_layer_is_trained_on_the_codes_of_the_layer_below():
    rng = np.random.default_rng(1)
    X = _data(rng)
    seen = []

    def make(n, rng):
        model = Autoencoder(n, 5, rng=rng)
        original = model.loss_and_grads

        def spy(X, target=None, params=None, code_noise=None):
            seen.append(np.array(X, copy=True))
            return original(X, target, params=params, code_noise=code_noise)
        model.loss_and_grads = spy
        return model

    models = greedy_pretrain(X, [Layer(lambda n, r: Autoencoder(n, 8, rng=r), options=dict(maxiter=5)),
                                 Layer(make, options=dict(maxiter=5))], rng=rng, verbose=False)
    np.testing.assert_allclose(seen[0], models[0].encode(X))
    assert all(np.array_equal(s, seen[0]) for s in seen)      # the same array at every iteration


def test_pretraining_reduces_each_layers_loss():
    rng = np.random.default_rng(2)
    X = _data(rng)
    untrained = Autoencoder(16, 10, rng=np.random.default_rng(5))
    models = greedy_pretrain(X, [Layer(lambda n, r: Autoencoder(n, 10, rng=np.random.default_rng(5)),
                                       options=dict(maxiter=50))], rng=rng, verbose=False)
    assert models[0].loss(X) < 0.5 * untrained.loss(X)


def test_build_classifier_and_deep_autoencoder_from_layers():
    rng = np.random.default_rng(3)
    X = _data(rng)
    models = greedy_pretrain(X, _layers()[:2], rng=rng, verbose=False)
    net = stacked_classifier(models, 3, rng=rng)
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W_softmax", "b_softmax"]
    np.testing.assert_array_equal(net.params["W2"], models[1].params["W1"])
    np.testing.assert_allclose(net.encode(X), encode_stack(models, X))
    deep = deep_autoencoder(models)
    np.testing.assert_array_equal(deep.params["W3"], models[1].params["W2"])
    np.testing.assert_array_equal(deep.params["W4"], models[0].params["W2"])
    np.testing.assert_allclose(deep.encode(X), encode_stack(models, X))
    # reconstruct = decode of layer 1 applied to decode of layer 2 of the code
    expected = models[0].decode(models[1].decode(encode_stack(models, X)))
    np.testing.assert_allclose(deep.reconstruct(X), expected, rtol=1e-12)
    tied = deep_autoencoder(models, tied=True)
    assert "W3" not in tied.params


def test_bad_stacks_are_refused():
    rng = np.random.default_rng(4)
    X = _data(rng)
    with pytest.raises(ValueError, match="n_visible"):
        greedy_pretrain(X, [Layer(lambda n, r: Autoencoder(n + 1, 4, rng=r))], rng=rng, verbose=False)
    with pytest.raises(TypeError, match="Layer"):
        greedy_pretrain(X, [lambda n, r: Autoencoder(n, 4, rng=r)], rng=rng, verbose=False)
    with pytest.raises(ValueError, match="method"):
        greedy_pretrain(X, [Layer(lambda n, r: Autoencoder(n, 4, rng=r), method="sgd")], rng=rng,
                        verbose=False)
    a, b = Autoencoder(16, 5, rng=rng), Autoencoder(6, 3, rng=rng)
    with pytest.raises(ValueError, match="chain"):
        stacked_classifier([a, b], 2)


def test_train_classifier_and_accuracy():
    from npae.models.deep import StackedClassifier
    from npae.training.stacking import accuracy, train_classifier
    rng = np.random.default_rng(5)
    centres = rng.uniform(size=(3, 6))
    y = rng.integers(0, 3, 240)
    X = np.clip(centres[y] + 0.05 * rng.normal(size=(240, 6)), 0, 1)
    net = StackedClassifier([6, 5], 3, rng=rng)
    before = accuracy(net, X, y)
    histories = train_classifier(net, X, y, epochs=(20, 5), learning_rates=(1e-2, 1e-3), batch_size=32, rng=rng)
    assert len(histories) == 2 and len(histories[0].loss) == 20
    assert accuracy(net, X, y) > max(0.95, before)
    with pytest.raises(ValueError, match="learning_rates"):
        train_classifier(net, X, y, epochs=(1,), learning_rates=(1e-3, 1e-4))
    with pytest.raises(ValueError, match="shape"):
        accuracy(net, X, y[:5])
