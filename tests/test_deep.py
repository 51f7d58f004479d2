"""Deep networks: shapes, the tied/untied gradient identity, agreement with the single-layer model, learning."""

import numpy as np
import pytest

from npae.gradcheck import check_gradients
from npae.models.deep import DeepAutoencoder, StackedClassifier
from npae.gradcheck.cases import all_cases
from npae.gradcheck.cases_deep import deep_cases
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import WeightDecay
from npae.models.softmax import Softmax, one_hot


def test_deep_cases_are_in_the_gradient_table():
    # tests/test_gradients.py asserts every case of all_cases() below 1e-9 per block.
    names = {c.name for c in all_cases()}
    assert {c.name for c in deep_cases()} <= names
    assert any("64-36-25" in n for n in names) and any("9-7-5-3" in n and "tied" in n for n in names)


def test_deep_autoencoder_shapes():
    model = DeepAutoencoder([784, 128, 64, 32], rng=np.random.default_rng(0))
    assert [(k, v.shape) for k, v in model.params.items() if k.startswith("W")] == [
        ("W1", (784, 128)), ("W2", (128, 64)), ("W3", (64, 32)),
        ("W4", (32, 64)), ("W5", (64, 128)), ("W6", (128, 784))]
    X = np.random.default_rng(1).uniform(size=(5, 784))
    assert model.encode(X).shape == (5, 32)
    assert model.reconstruct(X).shape == (5, 784)
    loss, grads = model.loss_and_grads(X)
    assert {k: g.shape for k, g in grads.items()} == {k: v.shape for k, v in model.params.items()}
    tied = DeepAutoencoder([784, 128, 64, 32], tied=True, rng=np.random.default_rng(0))
    assert sorted(k for k in tied.params if k.startswith("W")) == ["W1", "W2", "W3"]
    assert len([k for k in tied.params if k.startswith("b")]) == 6


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_tied_gradient_is_the_sum_of_the_untied_twins_gradients(loss):
    rng = np.random.default_rng(3)
    sizes = [10, 7, 4]
    tied = DeepAutoencoder(sizes, tied=True, loss=loss, weight_decay=0.0, rng=rng)
    untied = DeepAutoencoder(sizes, tied=False, loss=loss, weight_decay=0.0, rng=rng)
    params = {k: rng.normal(0, 0.5, v.shape) for k, v in tied.params.items()}
    twin = dict(params, W3=params["W2"].T.copy(), W4=params["W1"].T.copy())
    X = rng.uniform(size=(6, 10))
    l_tied, g_tied = tied.loss_and_grads(X, params=params)
    l_untied, g_untied = untied.loss_and_grads(X, params=twin)
    assert l_tied == pytest.approx(l_untied, rel=1e-14)
    np.testing.assert_allclose(g_tied["W1"], g_untied["W1"] + g_untied["W4"].T, rtol=1e-12)
    np.testing.assert_allclose(g_tied["W2"], g_untied["W2"] + g_untied["W3"].T, rtol=1e-12)
    for b in ("b1", "b2", "b3", "b4"):
        np.testing.assert_allclose(g_tied[b], g_untied[b], rtol=1e-12)


@pytest.mark.parametrize("tied", [False, True])
def test_one_layer_deep_autoencoder_equals_the_autoencoder(tied):
    rng = np.random.default_rng(4)
    ae = Autoencoder(9, 5, tied=tied, loss="cross_entropy", penalties=[WeightDecay(0.01)], rng=rng)
    deep = DeepAutoencoder([9, 5], tied=tied, loss="cross_entropy", weight_decay=0.01, rng=rng)
    deep.params = {k: v.copy() for k, v in ae.params.items()}
    X = rng.uniform(size=(8, 9))
    l1, g1 = ae.loss_and_grads(X)
    l2, g2 = deep.loss_and_grads(X)
    assert l1 == pytest.approx(l2, rel=1e-13)
    for k in g1:
        np.testing.assert_allclose(g1[k], g2[k], rtol=1e-12, atol=1e-15)


def test_one_layer_classifier_on_identity_features_is_softmax_on_the_codes():
    rng = np.random.default_rng(5)
    net = StackedClassifier([6, 4], 3, weight_decay=0.1, rng=rng)
    soft = Softmax(4, 3, weight_decay=0.1, rng=rng)
    soft.params = {"W": net.params["W_softmax"], "b": net.params["b_softmax"]}
    X, y = rng.uniform(size=(7, 6)), rng.integers(0, 3, 7)
    H = net.encode(X)
    l_net, g_net = net.loss_and_grads(X, y)
    l_soft, g_soft = soft.loss_and_grads(H, y)
    assert l_net == pytest.approx(l_soft, rel=1e-13)
    np.testing.assert_allclose(g_net["W_softmax"], g_soft["W"], rtol=1e-12)
    np.testing.assert_allclose(net.predict_proba(X), soft.predict_proba(H), rtol=1e-12)


def test_classifier_rejects_bad_labels_and_params():
    net = StackedClassifier([4, 3], 2, rng=np.random.default_rng(0))
    X = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"\by\b"):
        net.loss_and_grads(X, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="W1"):
        net.loss_and_grads(X, np.array([0, 1, 1]), params=dict(net.params, W1=np.zeros((3, 3))))
    with pytest.raises(ValueError, match="n_classes"):
        StackedClassifier([4, 3], 1)
    with pytest.raises(ValueError, match="layer_sizes"):
        DeepAutoencoder([4])


def test_classifier_learns_xor_like_problem():
    # Not linearly separable: needs the hidden layer, so fine-tuning the encoder matters.
    rng = np.random.default_rng(6)
    X = rng.uniform(size=(400, 2))
    y = ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.5)).astype(int)
    net = StackedClassifier([2, 8, 8], 2, weight_decay=0.0, rng=rng, init="glorot")
    train_lbfgs(net, X, y, maxiter=300, verbose=False)
    assert (net.predict(X) == y).mean() > 0.95


def test_deep_autoencoder_trains_with_lbfgs_and_minibatch_float32():
    rng = np.random.default_rng(7)
    basis = rng.uniform(size=(3, 20))
    X = (rng.uniform(size=(300, 3)) @ basis) / 3.0               # data on a 3-D subspace, in [0, 1]
    for method in ("lbfgs", "minibatch"):
        model = DeepAutoencoder([20, 10, 3], rng=np.random.default_rng(8), dtype=np.float32, init="glorot")
        before = model.loss(X)
        if method == "lbfgs":
            train_lbfgs(model, X, maxiter=200, verbose=False)
        else:
            train_minibatch(model, X, epochs=60, batch_size=32, rng=rng, verbose=False)
        assert model.params["W1"].dtype == np.float32
        assert model.loss(X) < 0.5 * before, method


def test_classifier_minibatch_with_one_hot_targets():
    rng = np.random.default_rng(9)
    centres = rng.uniform(size=(3, 5))
    y = rng.integers(0, 3, 300)
    X = np.clip(centres[y] + 0.05 * rng.normal(size=(300, 5)), 0, 1)
    net = StackedClassifier([5, 6], 3, rng=rng, dtype=np.float32)
    train_minibatch(net, X, target=one_hot(y, 3), epochs=40, batch_size=32, rng=rng, verbose=False,
                    optimizer="adam")
    assert (net.predict(X) == y).mean() > 0.95


def test_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match="encoder_weight_decay"):
        StackedClassifier([4, 3], 2, encoder_weight_decay=-1)
    with pytest.raises(TypeError, match="tied"):
        DeepAutoencoder([4, 3], tied="False")
    with pytest.raises(ValueError, match="reduction"):
        DeepAutoencoder([4, 3], reduction="average")


def test_deep_params_with_nan_or_as_lists():
    model = DeepAutoencoder([4, 3], rng=np.random.default_rng(0))
    X = np.random.default_rng(1).uniform(0.0, 1.0, (5, 4))
    bad = dict(model.params, W1=np.full((4, 3), np.nan))
    with pytest.raises(ValueError, match="params"):
        model.loss_and_grads(X, params=bad)
    as_lists = {k: v.tolist() for k, v in model.params.items()}
    loss_lists, _ = model.loss_and_grads(X, params=as_lists)
    assert loss_lists == pytest.approx(model.loss(X))


@pytest.mark.parametrize("tied", [False, True])
def test_deep_reduction_mean_divides_loss_and_gradients_by_n_visible(tied):
    rng = np.random.default_rng(3)
    X = rng.uniform(0.0, 1.0, (6, 5))
    summed = DeepAutoencoder([5, 4, 3], tied=tied, weight_decay=0.0, rng=np.random.default_rng(0))
    mean = DeepAutoencoder([5, 4, 3], tied=tied, weight_decay=0.0, rng=np.random.default_rng(0), reduction="mean")
    loss_s, grads_s = summed.loss_and_grads(X)
    loss_m, grads_m = mean.loss_and_grads(X)
    assert loss_m == pytest.approx(loss_s / 5, rel=1e-12)
    for name in grads_s:
        np.testing.assert_allclose(grads_m[name], grads_s[name] / 5, rtol=1e-12, err_msg=name)
    result = check_gradients(lambda p: mean.loss_and_grads(X, params=p),
                             {k: rng.normal(0.0, 0.5, v.shape) for k, v in mean.params.items()})
    assert result.passed(), result.per_block


def test_config_gives_back_the_same_architecture():
    """config() holds the constructor's arguments as plain values: a model built from it has the same config,
    parameter shapes and (from the same rng) parameters; it is what npae.serialize stores."""
    import json
    from npae.models.deep import DeepAutoencoder, StackedClassifier
    for cls, args in ((DeepAutoencoder, dict(layer_sizes=[6, 4, 2], activation="relu", code="linear",
                                              decoder="linear", tied=True, weight_decay=1e-3, init="glorot",
                                              reduction="mean", dtype=np.float32)),
                      (DeepAutoencoder, dict(layer_sizes=[5, 3])),
                      (StackedClassifier, dict(layer_sizes=[6, 4, 3], n_classes=4, activation="relu",
                                               weight_decay=3e-4, encoder_weight_decay=1e-5, init="glorot"))):
        model = cls(**args, rng=np.random.default_rng(0))
        config = json.loads(json.dumps(model.config()))                   # plain JSON values
        again = cls(**{**config, "dtype": np.dtype(config["dtype"])}, rng=np.random.default_rng(0))
        assert again.config() == model.config() and again.param_shapes() == model.param_shapes()
        assert list(model.params) == list(model.param_shapes())
        for key, shape in model.param_shapes().items():
            assert model.params[key].shape == shape
            assert np.array_equal(again.params[key], model.params[key])
    assert DeepAutoencoder([5, 3], activation="relu", rng=np.random.default_rng(0)).config()["code"] == "relu"


# ---------------------------------------------------------------- issue 23: the mathematics behind the boundary

def _check_callers(call):
    """Run ``call()`` and return, for every check it makes from npae/models/{deep,softmax}.py (a function named
    check_*, _check* or as_real_array), the pair (calling function, check)."""
    import sys

    import npae.models.deep as deep_module
    import npae.models.softmax as softmax_module
    mine = {deep_module.__file__, softmax_module.__file__}
    pairs = []

    def profile(frame, event, arg):
        name = frame.f_code.co_name
        if event == "call" and name.startswith(("check_", "_check", "as_real_array")):
            caller = frame.f_back
            if caller is not None and caller.f_code.co_filename in mine:
                pairs.append((caller.f_code.co_name, name))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return pairs


def _models():
    rng = np.random.default_rng(11)
    return {"Softmax": Softmax(6, 3, rng=rng), "StackedClassifier": StackedClassifier([6, 5, 4], 3, rng=rng),
            "DeepAutoencoder": DeepAutoencoder([6, 5, 4], rng=rng),
            "DeepAutoencoder tied": DeepAutoencoder([6, 5, 4], tied=True, rng=rng)}


@pytest.mark.parametrize("name, method", [(name, method) for name, model in _models().items() for method in (
    "loss_and_grads", "loss", "predict", "predict_proba", "encode", "logits", "reconstruct") if hasattr(model, method)])
def test_each_public_call_checks_its_arguments_once_and_the_mathematics_none(name, method):
    """Issue 23's criterion: a check is called only by the public method itself (or by a check); the data and
    the parameters are each checked exactly once per call, and nothing behind the boundary checks again."""
    model = _models()[name]
    rng = np.random.default_rng(12)
    X = rng.uniform(size=(7, 6))
    args = (X, rng.integers(0, 3, 7)) if method.startswith("loss") and hasattr(model, "n_classes") else (X,)
    pairs = _check_callers(lambda: getattr(model, method)(*args))
    public = {method, "loss_and_grads", "logits"}          # loss calls loss_and_grads; reconstruct and the
    assert pairs, "no check at all"                         # predictions call logits
    assert {caller for caller, _ in pairs} <= public | {c for _, c in pairs}, pairs
    checks = [check for caller, check in pairs if caller in public]
    assert checks.count("check_params") == 1, pairs
    assert checks.count("check_data") + checks.count("check_input_and_target") == 1, pairs


def test_the_two_passes_and_the_softmax_loss_check_nothing():
    from npae.models.deep import _backward, _forward
    from npae.models.softmax import _softmax_cross_entropy
    model = _models()["StackedClassifier"]
    X = np.random.default_rng(13).uniform(size=(7, 6))

    def run():
        W, b, f = model._layers(model.params)
        A, Z = _forward(X, W, b, f)
        _, delta = _softmax_cross_entropy(Z[4], np.arange(7) % 3, 1 / 7)
        _backward(delta, A, Z, W, f)
    assert _check_callers(run) == []


@pytest.mark.parametrize("name", list(_models()))
def test_need_grads_false_gives_the_loss_alone(name):
    model = _models()[name]
    rng = np.random.default_rng(14)
    args = (rng.uniform(size=(5, 6)),) + ((rng.integers(0, 3, 5),) if hasattr(model, "n_classes") else ())
    loss, grads = model.loss_and_grads(*args)
    assert model.loss_and_grads(*args, need_grads=False) == (loss, None)
    assert model.loss(*args) == loss
    with pytest.raises(TypeError, match="need_grads"):
        model.loss_and_grads(*args, need_grads="no")


def test_public_stack_passes_equal_the_models():
    """stack_forward/stack_backward (checked, for a caller's own lists) run the models' own two passes."""
    from npae.core.activations import get_activation
    from npae.models.deep import stack_backward, stack_forward
    rng = np.random.default_rng(15)
    model = DeepAutoencoder([6, 5, 4], tied=True, weight_decay=0.0, rng=rng)
    X = rng.uniform(size=(7, 6))
    p = model.params
    weights = [p["W1"], p["W2"], p["W2"].T, p["W1"].T]
    sigmoid = get_activation("sigmoid")
    inputs, pre = stack_forward(X, weights, [p[f"b{l}"] for l in range(1, 5)], [sigmoid] * 3)
    np.testing.assert_array_equal(pre[-1], model.logits(X))
    np.testing.assert_array_equal(inputs[2], model.encode(X))
    _, delta = __import__("npae.core.losses", fromlist=["x"]).squared_error(pre[-1], X, sigmoid, 1 / 7)
    layer_grads = stack_backward(delta, inputs, pre, weights, [sigmoid] * 3)
    _, grads = model.loss_and_grads(X)
    np.testing.assert_array_equal(grads["W1"], layer_grads[1][0] + layer_grads[4][0].T)
    np.testing.assert_array_equal(grads["b3"], layer_grads[3][1])
