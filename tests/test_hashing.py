"""Semantic hashing tools: packed Hamming distances, precision@k with ties, the baselines, the noise wrapper."""

import numpy as np
import pytest

from npae.analysis.hashing import (CodeNoiseTrainer, PCAHash, RandomProjectionHash, binarize, hamming_distances,
                          pack_codes, popcount, precision_at_k)
from npae.models.autoencoder import Autoencoder


@pytest.mark.parametrize("n_bits", [1, 7, 16, 64, 70, 130])
def test_hamming_distances_from_packed_bits_equal_the_naive_count(n_bits):
    rng = np.random.default_rng(n_bits)
    A = rng.random((9, n_bits)) < 0.5
    B = rng.random((13, n_bits)) < 0.5
    naive = np.array([[np.count_nonzero(a != b) for b in B] for a in A])
    np.testing.assert_array_equal(hamming_distances(pack_codes(A), pack_codes(B)), naive)


def test_popcount_table_agrees_with_bitwise_count():
    from npae.analysis.hashing import POPCOUNT_TABLE
    words = np.random.default_rng(0).integers(0, 2**63, size=50, dtype=np.uint64)
    by_table = POPCOUNT_TABLE[words[:, None].view(np.uint8)].sum(axis=1)
    np.testing.assert_array_equal(popcount(words), by_table)
    assert [bin(int(w)).count("1") for w in words] == by_table.tolist()


def test_precision_at_k_on_a_toy_example_by_hand():
    # 4-bit database codes and labels; one query 0000 with label 1.
    D = np.array([[0, 0, 0, 0],     # d=0, label 1  relevant
                  [1, 0, 0, 0],     # d=1, label 0
                  [0, 1, 0, 0],     # d=1, label 1  relevant
                  [1, 1, 0, 0],     # d=2, label 1  relevant
                  [1, 1, 1, 0],     # d=3, label 0
                  [0, 0, 1, 1]],    # d=2, label 0
                 dtype=bool)
    labels = np.array([1, 0, 1, 1, 0, 0])
    Q, lq = pack_codes(np.zeros((1, 4), dtype=bool)), np.array([1])
    P = pack_codes(D)
    assert precision_at_k(Q, lq, P, labels, 1) == pytest.approx(1.0)          # the d=0 item
    # k=2: the d=0 item, then one of the two d=1 items (one relevant): (1 + 1/2) / 2
    assert precision_at_k(Q, lq, P, labels, 2) == pytest.approx(0.75)
    assert precision_at_k(Q, lq, P, labels, 3) == pytest.approx(2 / 3)        # no tie left open
    # k=4: 3 items at d<=1 (2 relevant), one of the two d=2 items (one relevant): (2 + 1/2) / 4
    assert precision_at_k(Q, lq, P, labels, 4) == pytest.approx(2.5 / 4)
    # two queries: the mean; the second query (code 1110, label 0) has only the d=0 item in its top 1
    Q2 = pack_codes(np.array([[0, 0, 0, 0], [1, 1, 1, 0]], dtype=bool))
    assert precision_at_k(Q2, np.array([1, 0]), P, labels, 1, block=1) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="k"):
        precision_at_k(Q, lq, P, labels, 7)


def test_binarize_and_baselines_shapes():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 10))
    np.testing.assert_array_equal(binarize(np.array([[0.2, 0.5, 0.9]])), [[False, False, True]])
    for h in (RandomProjectionHash(12, rng).fit(X), PCAHash(6).fit(X)):
        B = h.codes(X)
        assert B.dtype == bool and B.shape == (40, h.n_bits)
        assert 0.2 < B.mean() < 0.8                           # centred data: signs split the set


def test_code_noise_trainer_draws_fresh_noise_and_validation_is_noiseless():
    rng = np.random.default_rng(2)
    model = Autoencoder(6, 4, loss="cross_entropy", rng=rng)
    X = rng.uniform(0, 1, (5, 6))
    trainer = CodeNoiseTrainer(model, 4.0, np.random.default_rng(3))
    a, _ = trainer.loss_and_grads(X)
    b, _ = trainer.loss_and_grads(X)
    assert a != b                                             # a new draw each call
    noise = np.random.default_rng(3).normal(0.0, 4.0, (5, 4))
    assert a == model.loss_and_grads(X, code_noise=noise)[0]  # exactly the model with that noise
    assert trainer.loss(X) == model.loss(X)
    with pytest.raises(ValueError, match="std"):
        CodeNoiseTrainer(model, 0.0, rng)


def test_pack_codes_refuses_real_valued_codes():
    H = np.array([[0.2, 0.9, 0.4], [0.7, 0.1, 0.6]])
    with pytest.raises(ValueError, match="binary codes"):
        pack_codes(H)
    np.testing.assert_array_equal(pack_codes(binarize(H)), pack_codes(np.array([[0, 1, 0], [1, 0, 1]])))


def test_precision_at_k_needs_queries_and_a_database():
    D = pack_codes(np.array([[True, False], [False, True]]))
    with pytest.raises(ValueError, match="at least one code"):
        precision_at_k(D[:0], np.array([], dtype=int), D, np.array([0, 1]), 1)
    with pytest.raises(ValueError, match="k must be"):
        precision_at_k(D, np.array([0, 1]), D, np.array([0, 1]), 3)


@pytest.mark.parametrize("X", [np.full(4, 0.5), np.float64(0.5), None])
def test_code_noise_trainer_refuses_input_that_is_not_2d(X):
    model = Autoencoder(4, 2, rng=np.random.default_rng(0))
    trainer = CodeNoiseTrainer(model, 1.0, np.random.default_rng(1))
    with pytest.raises((ValueError, TypeError), match="X"):
        trainer.loss_and_grads(X)
    with pytest.raises(TypeError, match="model"):
        CodeNoiseTrainer(None, 1.0, np.random.default_rng(1))
