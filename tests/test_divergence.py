"""Every trainer stops a blow-up itself, for every model: DivergenceError, naming where, with the last parameters
whose loss was finite put back bitwise, and no model ever called with non-finite parameters (which every model
refuses with a ValueError naming ``params``, as :mod:`npae.perf` and :func:`npae.core.flat.unflatten` now do)."""

import numpy as np
import pytest

import npae
from npae import perf
from npae.analysis.hashing import CodeNoiseTrainer
from npae.core.conv import Conv2D
from npae.core.flat import flatten, unflatten
from npae.core.pooling import MaxPool2D, UpSample2D
from npae.errors import DivergenceError
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity
from npae.models.deep import DeepAutoencoder, StackedClassifier
from npae.models.psd import PSD
from npae.models.softmax import Softmax
from npae.perf import conv_fast
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import SGD
from npae.training.psd_training import train_psd
from npae.training.recirculation import RecirculationModel
from npae.training.stacking import Layer, greedy_pretrain, train_classifier

WHERE = r"epoch \d+, (batch \d+/\d+|minibatch starting at row \d+)"


class Exploding(SGD):
    """SGD whose learning rate is multiplied by ``factor`` after every step; records the parameters around each step."""

    def __init__(self, factor):
        super().__init__(learning_rate=1.0)
        self.factor, self.before, self.after = factor, [], []

    def step(self, params, grads):
        self.before.append({k: v.copy() for k, v in params.items()})
        super().step(params, grads)
        self.after.append({k: v.copy() for k, v in params.items()})
        self.learning_rate *= self.factor


def _data(rng, n=32, width=16):
    return rng.uniform(0.1, 0.9, (n, width))


def _conv(rng, dtype=np.float64):
    layers = [Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), Conv2D(2, 2), Nonlinearity("relu"), UpSample2D(),
              Conv2D(2, 1)]
    return ConvAutoencoder(layers, (1, 4, 4), rng=rng, dtype=dtype)


# name -> make(rng) -> the model given to the trainers (a classifier, with n_classes, is given labels)
MODELS = {
    "Autoencoder": lambda rng: npae.Autoencoder(16, 4, rng=rng),
    "Autoencoder float32": lambda rng: npae.Autoencoder(16, 4, rng=rng, dtype=np.float32),
    "Autoencoder relu/linear": lambda rng: npae.Autoencoder(16, 4, encoder="relu", decoder="linear", rng=rng),
    "DeepAutoencoder": lambda rng: DeepAutoencoder([16, 8, 4], rng=rng),
    "DeepAutoencoder float32": lambda rng: DeepAutoencoder([16, 8, 4], rng=rng, dtype=np.float32),
    "DeepAutoencoder relu/linear": lambda rng: DeepAutoencoder([16, 8, 4], activation="relu", decoder="linear",
                                                               rng=rng),
    "Softmax": lambda rng: Softmax(16, 3, rng=rng),
    "StackedClassifier": lambda rng: StackedClassifier([16, 8], 3, rng=rng),
    "ConvAutoencoder": _conv,
    "FastConvAutoencoder": lambda rng: conv_fast.fast_model(_conv(rng)),
    "FastConvAutoencoder float32": lambda rng: conv_fast.fast_model(_conv(rng, np.float32)),
    "CodeNoiseTrainer": lambda rng: CodeNoiseTrainer(npae.Autoencoder(16, 4, rng=rng), 1.0, rng),
    "RecirculationModel": lambda rng: RecirculationModel(npae.Autoencoder(16, 4, rng=rng)),
}


def _labels(model, rng, n=32):
    return rng.integers(0, 3, n) if hasattr(model, "n_classes") else None


def _finite(params):
    return all(np.isfinite(v).all() for v in params.values())


def _assert_restored(params, expected):
    assert list(params) == list(expected)
    for key in expected:
        assert params[key].dtype == expected[key].dtype
        np.testing.assert_array_equal(params[key], expected[key], strict=True)


# ---- train_minibatch ------------------------------------------------------------------------------

@pytest.mark.parametrize("factor", [1e30, 10.0], ids=["fast blow-up", "slow blow-up"])
@pytest.mark.parametrize("name", list(MODELS))
def test_train_minibatch_stops_every_model_with_the_last_finite_parameters(name, factor):
    rng = np.random.default_rng(0)
    model = MODELS[name](rng)
    X, y = _data(rng), _labels(model, rng)
    optimizer = Exploding(factor)
    with pytest.raises(DivergenceError, match=WHERE) as err, np.errstate(over="ignore", invalid="ignore"):
        train_minibatch(model, X, target=y, optimizer=optimizer, epochs=1000, batch_size=8,
                        rng=np.random.default_rng(1), verbose=False)
    assert len(optimizer.before) >= 2, "the blow-up should come after some good steps"
    # The last parameters whose minibatch loss was finite: those before the last step, unless the loss after
    # it was finite too and only a gradient was not.
    expected = optimizer.after[-1] if "gradient" in str(err.value) else optimizer.before[-1]
    _assert_restored(model.params, expected)
    assert _finite(model.params)
    assert np.isfinite(err.value.last_finite_loss)


def test_train_minibatch_checks_the_parameters_after_each_step_not_at_the_end_of_the_epoch():
    # One step to inf in the middle of an epoch: the next minibatch never sees it (a DeepAutoencoder would refuse
    # it with a ValueError), and the message names that batch.
    rng = np.random.default_rng(2)
    model = DeepAutoencoder([16, 8, 4], rng=rng)

    class OnceInf(SGD):
        n = 0

        def step(self, params, grads):
            self.n += 1
            if self.n == 2:
                grads = dict(grads, W1=np.full_like(grads["W1"], 1e308))
                self.learning_rate = 1e10
            super().step(params, grads)

    before = {}

    def snapshot(epoch, history):
        before.update({k: v.copy() for k, v in model.params.items()})

    with pytest.raises(DivergenceError, match=r"parameter.*epoch 1, batch 2/4"), np.errstate(over="ignore"):
        train_minibatch(model, _data(rng), optimizer=OnceInf(learning_rate=0.1), epochs=3, batch_size=8,
                        shuffle=False, verbose=False, callback=snapshot)
    assert _finite(model.params) and not before          # stopped inside the first epoch


# ---- train_psd --------------------------------------------------------------------------------------

@pytest.mark.parametrize("factor", [1e30, 10.0], ids=["fast blow-up", "slow blow-up"])
def test_train_psd_stops_with_the_last_finite_parameters(factor):
    rng = np.random.default_rng(3)
    model = PSD(16, 8, rng=rng)
    optimizer = Exploding(factor)
    with pytest.raises(DivergenceError, match=WHERE) as err, np.errstate(over="ignore", invalid="ignore"):
        train_psd(model, _data(rng), optimizer=optimizer, epochs=1000, batch_size=8, rng=np.random.default_rng(4),
                  verbose=False)
    assert len(optimizer.before) >= 2
    # after[-1] is before renormalisation of D: with a gradient blow-up the restored D is the renormalised one
    assert "gradient" not in str(err.value)
    _assert_restored(model.params, optimizer.before[-1])
    assert _finite(model.params) and np.isfinite(err.value.last_finite_loss)
    np.testing.assert_allclose(np.linalg.norm(model.params["D"], axis=1), 1.0, rtol=1e-12)


# ---- greedy_pretrain -------------------------------------------------------------------------------

def test_greedy_pretrain_names_the_layer_and_hands_back_every_layer():
    rng = np.random.default_rng(5)
    X = _data(rng)
    optimizer = Exploding(1e30)
    layers = [Layer(lambda n, r: npae.Autoencoder(n, 8, rng=r), method="lbfgs", options=dict(maxiter=5)),
              Layer(lambda n, r: npae.Autoencoder(n, 4, rng=r), method="minibatch",
                    options=dict(optimizer=optimizer, epochs=1000, batch_size=8))]
    with pytest.raises(DivergenceError, match=r"layer 2 of 2 diverged: .*" + WHERE) as err, \
            np.errstate(over="ignore", invalid="ignore"):
        greedy_pretrain(X, layers, rng=rng, verbose=False)
    first, second = err.value.models
    assert (first.n_visible, first.n_hidden, second.n_visible, second.n_hidden) == (16, 8, 8, 4)
    _assert_restored(second.params, optimizer.before[-1])
    assert _finite(first.params) and _finite(second.params)
    assert np.isfinite(err.value.last_finite_loss)


@pytest.mark.parametrize("make", [lambda rng: Softmax(16, 3, rng=rng), lambda rng: StackedClassifier([16, 8], 3, rng=rng)],
                         ids=["Softmax", "StackedClassifier"])
def test_train_classifier_stops_a_stage_that_blows_up_with_finite_parameters(make):
    rng = np.random.default_rng(9)
    model = make(rng)
    X, y = _data(rng), rng.integers(0, 3, 32)
    seen = []
    with pytest.raises(DivergenceError, match="epoch 1, batch 2/4") as err, \
            np.errstate(over="ignore", invalid="ignore"):
        # Adam's first step is about the learning rate in size: after the second stage's first step (1e307) the
        # loss overflows, and the parameters of that step's finite loss, the first stage's result, come back.
        train_classifier(model, X, y, epochs=(1, 100), learning_rates=(1e-3, 1e307), batch_size=8, rng=rng,
                         callback=lambda epoch, history: seen.append({k: v.copy() for k, v in model.params.items()}))
    assert len(seen) == 1                                    # the first stage's one epoch ran
    _assert_restored(model.params, seen[0])
    assert _finite(model.params) and np.isfinite(err.value.last_finite_loss)


# ---- train_lbfgs --------------------------------------------------------------------------------------

class Concave:
    """A model's loss minus (c/2)‖θ‖²: unbounded below, so L-BFGS runs off to huge θ (in float32, beyond 3.4e38).

    Every evaluation goes through the real model's own ``loss_and_grads`` (which refuses non-finite params) and is
    recorded, with its loss."""

    def __init__(self, model, c=1.0):
        self.model, self.c, self.seen = model, c, []
        self.params = model.params                 # train_lbfgs leaves its result here (a new dict)

    def loss_and_grads(self, X, target=None, params=None):
        params = self.params if params is None else params
        loss, grads = self.model.loss_and_grads(X, target, params=params)
        theta = flatten(params)
        loss = float(loss) - 0.5 * self.c * float(theta @ theta)
        self.seen.append(({k: v.copy() for k, v in params.items()}, loss))
        return loss, {k: (g - self.c * params[k]).astype(g.dtype) for k, g in grads.items()}


LBFGS_MODELS = {name: make for name, make in MODELS.items()
                if name not in ("CodeNoiseTrainer", "RecirculationModel")}       # minibatch-only wrappers


@pytest.mark.parametrize("name", list(LBFGS_MODELS))
def test_train_lbfgs_stops_every_model_with_the_last_accepted_iterate(name):
    rng = np.random.default_rng(6)
    inner = LBFGS_MODELS[name](rng)
    model = Concave(inner)
    X, y = _data(rng), _labels(inner, rng)
    start = {k: v.copy() for k, v in inner.params.items()}
    with pytest.raises(DivergenceError, match="L-BFGS stopped at iteration") as err, \
            np.errstate(over="ignore", invalid="ignore"):
        train_lbfgs(model, X, y, maxiter=10_000, verbose=False)
    assert all(_finite(p) for p, _ in model.seen)          # the model never saw a non-finite θ
    assert _finite(model.params)
    # model.params is the last accepted iterate: the evaluated point whose (finite) loss the error reports
    if err.value.last_finite_loss is None:
        _assert_restored(model.params, start)
    else:
        matches = [p for p, loss in model.seen if loss == err.value.last_finite_loss]
        assert matches and np.isfinite(err.value.last_finite_loss)
        _assert_restored(model.params, matches[-1])


def test_train_lbfgs_stops_before_a_nan_iterate_reaches_the_model():
    # A gradient of 1e300: SciPy's next iterate is NaN (0 · inf in its step); the objective stops on θ itself.
    class Steep:
        def __init__(self):
            self.params, self.seen = {"w": np.zeros(2)}, []

        def loss_and_grads(self, X, target=None, params=None):
            w = (self.params if params is None else params)["w"]
            self.seen.append(w.copy())
            return float(-1e300 * w.sum()), {"w": np.full(2, -1e300)}

    model = Steep()
    with pytest.raises(DivergenceError, match="parameters, the loss or its gradient"), \
            np.errstate(over="ignore", invalid="ignore"):
        train_lbfgs(model, np.zeros((1, 1)), verbose=False)
    assert all(np.isfinite(w).all() for w in model.seen)
    np.testing.assert_array_equal(model.params["w"], np.zeros(2), strict=True)


def test_train_lbfgs_refuses_nan_parameters_before_any_iteration():
    model = npae.Autoencoder(16, 4, rng=np.random.default_rng(7))
    model.params["b1"][0] = np.nan
    with pytest.raises(ValueError, match="params"):
        train_lbfgs(model, _data(np.random.default_rng(8)), verbose=False)


# ---- perf and flat refuse non-finite parameters ---------------------------------------------------------

@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["params=", "model.params"])
def test_perf_refuses_non_finite_parameters_of_an_autoencoder(where, value):
    model = npae.Autoencoder(5, 3, rng=np.random.default_rng(0))
    X = np.full((4, 5), 0.5)
    bad = dict(model.params, W2=model.params["W2"].copy())
    bad["W2"][1, 2] = value
    if where == "model.params":
        model.params, kwargs = bad, {}
    else:
        kwargs = {"params": bad}
    with pytest.raises(ValueError, match=r"params\['W2'\]"):
        perf.loss_and_grads(model, X, **kwargs)
    with pytest.raises(ValueError, match=r"params\['W2'\]"):
        perf.loss(model, X, **kwargs)
    with pytest.raises(ValueError, match=r"params\['W2'\]"):
        model.loss_and_grads(X, **kwargs)                   # the same refusal as the model's own method


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_flatten_and_unflatten_refuse_non_finite_values(value):
    params = npae.Autoencoder(5, 3, rng=np.random.default_rng(0)).params
    bad = dict(params, b1=params["b1"].copy())
    bad["b1"][0] = value
    with pytest.raises(ValueError, match=r"arrays\['b1'\]"):
        flatten(bad)
    theta = flatten(params)
    theta[3] = value
    with pytest.raises(ValueError, match="theta"):
        unflatten(theta, params)


def test_unflatten_refuses_values_a_float32_block_cannot_hold_and_reads_only_the_template_shape():
    like = {"W": np.zeros((2, 2), np.float32), "b": np.zeros(2)}
    theta = np.array([1.0, 2.0, 1e39, 4.0, 1e300, 6.0])
    with pytest.raises(ValueError, match=r"theta.*like\['W'\].*float32"):
        unflatten(theta, like)
    theta[2] = 3.0
    out = unflatten(theta, like)                             # 1e300 fits the float64 block
    assert out["W"].dtype == np.float32 and out["b"][0] == 1e300
    like["W"][0, 0] = np.nan                                 # a template's values are never read
    np.testing.assert_array_equal(unflatten(theta, like)["W"], [[1.0, 2.0], [3.0, 4.0]])
