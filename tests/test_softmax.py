"""Softmax regression: probabilities, stability, label validation, gradient, learning."""

import numpy as np
import pytest

from npae.gradcheck import check_gradients
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.models.softmax import Softmax, check_labels, log_softmax, one_hot, softmax


def test_probabilities_sum_to_one_and_match_the_definition():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(7, 5))
    P = softmax(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    direct = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(P, direct, rtol=1e-14)
    np.testing.assert_allclose(np.exp(log_softmax(Z)), direct, rtol=1e-14)


def test_stable_for_huge_logits():
    Z = np.array([[1000.0, 0.0, -1000.0], [-1e5, -1e5 + 1.0, -1e5]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        P = softmax(Z)
        log_p = log_softmax(Z)
    assert np.isfinite(P).all() and np.isfinite(log_p).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert P[0, 0] == 1.0 and log_p[0, 2] == -2000.0
    # shift invariance: the second row equals softmax([0, 1, 0])
    np.testing.assert_allclose(P[1], softmax(np.array([[0.0, 1.0, 0.0]]))[0], rtol=1e-12)
    model = Softmax(3, 3, weight_decay=0.0, rng=np.random.default_rng(0))
    model.params["W"] = np.eye(3) * 1e4
    loss = model.loss(np.array([[1.0, 0.0, 0.0]]), np.array([2]))
    assert np.isfinite(loss) and loss == pytest.approx(1e4, rel=1e-9)


@pytest.mark.parametrize("y, error", [
    (np.array([0, 1, 3]), ValueError),            # 3 out of range for 3 classes
    (np.array([0, -1, 2]), ValueError),
    (np.array([0.0, 1.0, 2.0]), TypeError),       # floats refused
    (np.array([0, 1]), ValueError),               # wrong length
    (np.array([[1, 0, 0], [0, 1, 1], [0, 0, 1]]), ValueError),   # not one-hot
    (np.array(["a", "b", "c"]), TypeError),
])
def test_label_validation(y, error):
    model = Softmax(2, 3, rng=np.random.default_rng(0))
    with pytest.raises(error, match=r"\by\b"):
        model.loss_and_grads(np.zeros((3, 2)), y)


def test_one_hot_round_trip():
    y = np.array([2, 0, 1, 2])
    Y = one_hot(y, 3)
    assert Y.shape == (4, 3) and (Y.sum(axis=1) == 1).all()
    np.testing.assert_array_equal(check_labels(Y, 3, 4), y)


def test_gradient_and_bias_not_decayed():
    rng = np.random.default_rng(1)
    model = Softmax(5, 3, weight_decay=0.5, rng=rng)
    X, y = rng.normal(size=(9, 5)), rng.integers(0, 3, 9)
    params = {"W": rng.normal(size=(5, 3)), "b": rng.normal(size=3)}
    result = check_gradients(lambda p: model.loss_and_grads(X, y, params=p), params)
    assert result.passed()
    # The decay term is (λ/2)‖W‖² only: changing b alone changes no decay.
    no_decay = Softmax(5, 3, weight_decay=0.0, rng=rng)
    diff = model.loss(X, y, params) - no_decay.loss(X, y, params)
    assert diff == pytest.approx(0.25 * np.sum(params["W"] ** 2), rel=1e-12)


def test_learns_a_separable_problem_with_lbfgs_and_minibatch():
    rng = np.random.default_rng(2)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = rng.integers(0, 3, 300)
    X = centres[y] + 0.5 * rng.normal(size=(300, 2))
    model = Softmax(2, 3, weight_decay=1e-4, rng=rng)
    before = model.loss(X, y)
    train_lbfgs(model, X, y, maxiter=100, verbose=False)
    assert model.loss(X, y) < 0.1 * before
    assert (model.predict(X) == y).mean() > 0.99
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    model2 = Softmax(2, 3, weight_decay=1e-4, rng=rng)
    train_minibatch(model2, X, target=one_hot(y, 3), epochs=30, batch_size=32, rng=rng, verbose=False,
                    optimizer="adam")
    assert (model2.predict(X) == y).mean() > 0.99


def test_lists_are_accepted_where_arrays_are_documented_and_nan_params_refused():
    model = Softmax(2, 3, rng=np.random.default_rng(0))
    X, y = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [0, 2, 1]
    params_as_lists = {k: v.tolist() for k, v in model.params.items()}
    loss, grads = model.loss_and_grads(X, y, params=params_as_lists)
    loss_arrays, grads_arrays = model.loss_and_grads(np.array(X), np.array(y))
    assert loss == loss_arrays
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads_arrays[k])
    with pytest.raises(ValueError, match=r"params\['W'\]"):
        model.loss(X, y, params=dict(model.params, W=np.full((2, 3), np.nan)))


def test_softmax_and_the_stacked_classifier_start_from_the_one_softmax_initialisation():
    """W ~ 0.005·N(0, 1) (UFLDL softmaxTrain.m), written once in npae.core.layers and drawn by both models."""
    from npae.core.layers import initial_softmax_weights
    from npae.models.deep import StackedClassifier
    for dtype in (np.float64, np.float32):
        W = initial_softmax_weights(np.random.default_rng(5), 50, 40, dtype)
        assert W.shape == (50, 40) and W.dtype == dtype
        assert 0.0045 < float(W.std()) < 0.0055 and abs(float(W.mean())) < 0.0005
        model = Softmax(50, 40, rng=np.random.default_rng(5), dtype=dtype)
        assert np.array_equal(model.params["W"], W) and not model.params["b"].any()
    clf = StackedClassifier([6, 50], 40, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    rng.uniform(size=(6, 50))                   # the encoder layer's draw comes first
    assert np.array_equal(clf.params["W_softmax"], initial_softmax_weights(rng, 50, 40, np.float64))
