"""The jointly trained deep contractive autoencoder: its gradient, its one-layer case against the Autoencoder's
CAE, its initialisation from a greedy stack, its training, and bad input."""

import numpy as np
import pytest

from npae.analysis.jacobian import stacked_encoder_jacobian
from npae.core.penalties import Contractive
from npae.gradcheck import TOLERANCE
from npae.gradcheck.cases import all_cases
from npae.gradcheck.cases_depth import depth_cases
from npae.models.autoencoder import Autoencoder
from npae.models.deep_contractive import DeepContractiveAutoencoder
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam


@pytest.mark.parametrize("case", depth_cases(), ids=lambda c: c.name)
def test_every_block_passes_and_the_case_is_in_the_table(case):
    assert case.name in {c.name for c in all_cases()}
    result = case.run()
    assert result.worst < TOLERANCE, result.per_block


def test_one_layer_is_the_tied_contractive_autoencoder():
    rng = np.random.default_rng(0)
    ae = Autoencoder(6, 4, loss="cross_entropy", tied=True, penalties=[Contractive(0.7)], rng=rng)
    ae.params = {k: rng.normal(0, 0.8, v.shape) for k, v in ae.params.items()}
    X = rng.uniform(0, 1, (9, 6))
    deep = DeepContractiveAutoencoder([6, 4], lam=0.7)
    deep.params = {"W1": ae.params["W1"], "b1": ae.params["b1"], "b2": ae.params["b2"]}
    loss_ae, grads_ae = ae.loss_and_grads(X)
    loss_deep, grads_deep = deep.loss_and_grads(X)
    assert loss_deep == pytest.approx(loss_ae, rel=1e-13)
    for k in grads_ae:
        np.testing.assert_allclose(grads_deep[k], grads_ae[k], rtol=1e-11, atol=1e-15)


def test_the_penalty_is_the_sum_of_each_layers_jacobian_norm():
    rng = np.random.default_rng(1)
    model = DeepContractiveAutoencoder([7, 5, 3], lam=0.5, rng=rng)
    X = rng.uniform(0, 1, (4, 7))
    plain = DeepContractiveAutoencoder([7, 5, 3], lam=0.0)
    plain.params = model.params
    H1 = 1 / (1 + np.exp(-(X @ model.params["W1"] + model.params["b1"])))
    J1 = stacked_encoder_jacobian([(model.params["W1"], model.params["b1"])], X)
    J2 = stacked_encoder_jacobian([(model.params["W2"], model.params["b2"])], H1)
    penalty = 0.5 * (np.mean(np.sum(J1 ** 2, axis=(1, 2))) + np.mean(np.sum(J2 ** 2, axis=(1, 2))))
    assert model.loss(X) - plain.loss(X) == pytest.approx(penalty, rel=1e-12)


def test_from_stack_unrolls_the_greedy_layers():
    rng = np.random.default_rng(2)
    bottom = Autoencoder(8, 5, loss="cross_entropy", tied=True, rng=rng)
    top = Autoencoder(5, 3, loss="cross_entropy", tied=True, rng=rng)
    for m in (bottom, top):
        m.params = {k: rng.normal(0, 0.5, v.shape) for k, v in m.params.items()}
    net = DeepContractiveAutoencoder.from_stack([bottom, top], lam=1.0)
    X = rng.uniform(0, 1, (6, 8))
    np.testing.assert_allclose(net.encode(X), top.encode(bottom.encode(X)), rtol=1e-12)
    np.testing.assert_allclose(net.params["b4"], bottom.params["b2"])
    with pytest.raises(ValueError, match="chain"):
        DeepContractiveAutoencoder.from_stack([top, bottom], lam=1.0)
    with pytest.raises(ValueError, match="tied"):
        DeepContractiveAutoencoder.from_stack([Autoencoder(8, 5, rng=rng)], lam=1.0)


def test_training_lowers_the_loss_and_float32_works():
    rng = np.random.default_rng(3)
    X = (rng.random((200, 12)) < np.where(rng.integers(0, 2, (200, 1)) == 0, 0.85, 0.15)).astype(np.float32)
    model = DeepContractiveAutoencoder([12, 6, 3], lam=0.1, rng=rng, dtype=np.float32)
    before = model.loss(X)
    train_minibatch(model, X, epochs=40, batch_size=20, optimizer=Adam(learning_rate=0.01), rng=np.random.default_rng(4),
                    verbose=False)
    assert model.loss(X) < 0.8 * before          # the kind of row learned: 12 H(0.15) + log 2 = 5.8 nats
    assert all(v.dtype == np.float32 for v in model.loss_and_grads(X)[1].values())


def test_bad_input():
    model = DeepContractiveAutoencoder([4, 3], lam=1.0, rng=np.random.default_rng(5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.loss_and_grads(np.full((2, 4), 2.0))
    with pytest.raises(ValueError, match="target"):
        model.loss_and_grads(np.zeros((2, 4)), target=np.ones((2, 4)))
    with pytest.raises(ValueError, match="lam"):
        DeepContractiveAutoencoder([4, 3], lam=-1.0)
    with pytest.raises(ValueError, match="layer_sizes"):
        DeepContractiveAutoencoder([4], lam=1.0)


def test_logits_and_reconstruct_agree_with_the_loss():
    rng = np.random.default_rng(6)
    model = DeepContractiveAutoencoder([7, 5, 3], lam=0.0, rng=rng)
    X = rng.uniform(0, 1, (5, 7))
    Z = model.logits(X)
    np.testing.assert_allclose(model.reconstruct(X), 1 / (1 + np.exp(-Z)))
    cross_entropy = np.mean(np.sum(np.logaddexp(0, Z) - X * Z, axis=1))
    assert model.loss(X) == pytest.approx(cross_entropy, rel=1e-12)
