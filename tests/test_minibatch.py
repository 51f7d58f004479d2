"""Tests for npae.training.minibatch.train_minibatch, with small fake models that follow the npae model
interface (params dict, loss_and_grads, loss, dtype)."""

import re

import numpy as np
import pytest

from npae.errors import DivergenceError
from npae.training.minibatch import History, train_minibatch
from npae.training.optimizers import SGD, Adam


class LinearModel:
    """Y_hat = X @ W + b, loss = mean over samples of ½‖Y_hat − T‖² (T defaults to X)."""

    def __init__(self, n_in, n_out, dtype=np.float64):
        self.dtype = np.dtype(dtype)
        self.params = {"W": np.zeros((n_in, n_out), self.dtype), "b": np.zeros(n_out, self.dtype)}
        self.calls = []   # (X, target) seen by loss_and_grads

    def _residual(self, X, target):
        T = X if target is None else target
        return X @ self.params["W"] + self.params["b"] - T

    def loss(self, X, target=None):
        R = self._residual(X, target)
        return 0.5 * np.sum(R * R) / X.shape[0]

    def loss_and_grads(self, X, target=None):
        self.calls.append((X, target))
        R = self._residual(X, target)
        m = X.shape[0]
        return 0.5 * np.sum(R * R) / m, {"W": X.T @ R / m, "b": R.sum(axis=0) / m}


def regression_data(n=400, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    W_star, b_star = rng.normal(size=(d, k)), rng.normal(size=k)
    return X, X @ W_star + b_star, W_star, b_star


# ---- the loop learns --------------------------------------------------------------------------

def test_minibatch_sgd_finds_the_least_squares_solution():
    X, T, W_star, b_star = regression_data()
    model = LinearModel(5, 3)
    start = model.loss(X, T)
    hist = train_minibatch(model, X, target=T, optimizer=SGD(learning_rate=0.1, momentum=0.5),
                           epochs=60, batch_size=32, rng=np.random.default_rng(1), verbose=False)
    assert len(hist.loss) == 60 and hist.val_loss == [] and hist.best_epoch is None
    assert hist.loss[-1] < 1e-6 * hist.loss[0]
    assert model.loss(X, T) < 1e-10 * start
    np.testing.assert_allclose(model.params["W"], W_star, atol=1e-6)
    np.testing.assert_allclose(model.params["b"], b_star, atol=1e-6)


def test_autoencoding_default_target_learns_identity():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 4))
    model = LinearModel(4, 4)
    train_minibatch(model, X, optimizer=Adam(learning_rate=0.02), epochs=150, batch_size=50,
                    rng=rng, verbose=False)
    np.testing.assert_allclose(model.params["W"], np.eye(4), atol=1e-3)
    np.testing.assert_allclose(model.params["b"], 0.0, atol=1e-3)
    # target=None means the clean batch itself is the target
    X_in, target = model.calls[-1]
    assert target is not None and np.array_equal(X_in, target)


def test_epoch_loss_is_batch_size_weighted_mean_and_last_partial_batch_used():
    # shuffle off, learning rate tiny: each epoch's loss is the weighted mean of batch losses
    X, T, _, _ = regression_data(n=70)
    model = LinearModel(5, 3)
    hist = train_minibatch(model, X, target=T, optimizer=SGD(learning_rate=1e-12), epochs=1,
                           batch_size=32, shuffle=False, rng=np.random.default_rng(0),
                           verbose=False)
    sizes = [c[0].shape[0] for c in model.calls]
    assert sizes == [32, 32, 6]
    np.testing.assert_array_equal(np.concatenate([c[0] for c in model.calls]), X)
    # with W ≈ 0, b ≈ 0 the per-sample loss is ½‖t‖², so the epoch loss is the mean over all rows
    assert hist.loss[0] == pytest.approx(0.5 * np.mean(np.sum(T * T, axis=1)), rel=1e-9)


def test_each_epoch_is_a_permutation_of_all_rows():
    X = np.arange(30, dtype=float).reshape(-1, 1)   # row i holds the value i
    model = LinearModel(1, 1)
    train_minibatch(model, X, optimizer=SGD(learning_rate=1e-3), epochs=2, batch_size=8,
                    rng=np.random.default_rng(3), verbose=False)
    seen = np.concatenate([c[0][:, 0] for c in model.calls])
    first, second = seen[:30], seen[30:]
    assert sorted(first) == list(range(30)) and sorted(second) == list(range(30))
    assert not np.array_equal(first, second) and not np.array_equal(first, np.arange(30))


# ---- corruption ---------------------------------------------------------------------------------

def test_corruption_fresh_for_every_minibatch_and_target_is_clean():
    X = np.random.default_rng(4).normal(size=(50, 3))
    seen = []

    def corrupt(X_batch, rng):
        noisy = X_batch + rng.normal(size=X_batch.shape)
        seen.append((X_batch.copy(), noisy))
        return noisy

    model = LinearModel(3, 3)
    train_minibatch(model, X, corruption=corrupt, optimizer="sgd", epochs=3, batch_size=20,
                    rng=np.random.default_rng(5), verbose=False)
    assert len(seen) == 3 * 3 == len(model.calls)         # ceil(50/20) = 3 batches per epoch
    for (clean, noisy), (X_in, target) in zip(seen, model.calls):
        np.testing.assert_array_equal(X_in, noisy)          # the model sees the corrupted batch
        np.testing.assert_array_equal(target, clean)        # ... and is compared to the clean one
    noises = [noisy - clean for clean, noisy in seen]
    for i in range(len(noises)):
        for j in range(i + 1, len(noises)):
            if noises[i].shape == noises[j].shape:
                assert not np.allclose(noises[i], noises[j])


def test_corruption_with_wrong_shape_raises():
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match="corruption"):
        train_minibatch(LinearModel(3, 3), X, corruption=lambda Xb, rng: Xb[:, :2], epochs=1,
                        rng=np.random.default_rng(0), verbose=False)


# ---- validation, early stopping, callback, progress lines ------------------------------------

class CounterModel:
    """One parameter p that grows by 1 per SGD(learning_rate=1) step (its gradient is −1);
    the validation loss (p − 3)² is lowest after the third step."""

    dtype = np.dtype(np.float64)

    def __init__(self):
        self.params = {"p": np.zeros(1)}

    def loss_and_grads(self, X, target=None):
        return float(self.params["p"][0]), {"p": -np.ones(1)}

    def loss(self, X, target=None):
        return float((self.params["p"][0] - 3.0) ** 2)


def test_early_stopping_restores_best_parameters():
    X = np.zeros((4, 2))
    model = CounterModel()
    hist = train_minibatch(model, X, X_val=X, optimizer=SGD(learning_rate=1.0), epochs=20,
                           batch_size=4, patience=2, rng=np.random.default_rng(0), verbose=False)
    # one step per epoch: after epoch e (0-based) p = e + 1; val = 4, 1, 0, 1, 4 → stop after
    # two epochs without improvement (indices 3 and 4); best is index 2 (p = 3).
    assert hist.val_loss == [4.0, 1.0, 0.0, 1.0, 4.0]
    assert hist.best_epoch == 2 and hist.stopped_early
    assert len(hist.loss) == len(hist.seconds) == 5
    assert model.params["p"][0] == 3.0


def test_without_patience_no_restore_but_best_epoch_reported():
    model = CounterModel()
    hist = train_minibatch(model, np.zeros((4, 2)), X_val=np.zeros((2, 2)),
                           optimizer=SGD(learning_rate=1.0), epochs=6, batch_size=4,
                           rng=np.random.default_rng(0), verbose=False)
    assert hist.best_epoch == 2 and not hist.stopped_early
    assert model.params["p"][0] == 6.0


def test_callback_can_stop_training():
    calls = []

    def callback(epoch, history):
        calls.append((epoch, len(history.loss)))
        return epoch == 1

    hist = train_minibatch(CounterModel(), np.zeros((4, 2)), optimizer=SGD(learning_rate=1.0),
                           epochs=10, batch_size=4, callback=callback,
                           rng=np.random.default_rng(0), verbose=False)
    assert calls == [(0, 1), (1, 2)] and hist.stopped_early and len(hist.loss) == 2


def test_progress_lines(capsys):
    X, T, _, _ = regression_data(n=40)
    train_minibatch(LinearModel(5, 3), X, target=T, X_val=X[:10], target_val=T[:10],
                    optimizer="adam", epochs=3, batch_size=16, rng=np.random.default_rng(0))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    pattern = r"epoch [123]/3  loss \d+\.\d{6}  val \d+\.\d{6}  \d+\.\d\d s  ETA \d+ s"
    assert all(re.fullmatch(pattern, line) for line in lines), lines
    train_minibatch(LinearModel(5, 3), X, target=T, epochs=2, rng=np.random.default_rng(0),
                    verbose=False)
    assert capsys.readouterr().out == ""


def test_zero_epochs_returns_empty_history_and_leaves_params():
    model = LinearModel(2, 2)
    hist = train_minibatch(model, np.ones((3, 2)), epochs=0, rng=np.random.default_rng(0))
    assert hist == History() and not model.params["W"].any()


# ---- divergence ------------------------------------------------------------------------------

class ScriptedModel:
    """Loss and gradient follow a script: finite until call number ``bad_call`` (1-based),
    where the loss (or, with ``bad="grad"``, a gradient) is NaN. Records params at each call."""

    dtype = np.dtype(np.float64)

    def __init__(self, bad_call, bad="loss"):
        self.params = {"w": np.zeros(2), "c": np.zeros(1)}
        self.bad_call, self.bad, self.n_calls, self.seen = bad_call, bad, 0, []

    def loss_and_grads(self, X, target=None):
        self.n_calls += 1
        self.seen.append({k: v.copy() for k, v in self.params.items()})
        loss = 10.0 - self.n_calls
        grads = {"w": np.array([1.0, -2.0]), "c": np.array([0.5])}
        if self.n_calls == self.bad_call:
            if self.bad == "loss":
                loss = np.nan
            else:
                grads["w"][1] = np.inf
        return loss, grads

    def loss(self, X, target=None):
        return 0.0


def test_nan_loss_restores_params_of_last_finite_loss():
    model = ScriptedModel(bad_call=7)
    X = np.zeros((9, 1))    # batch_size 3 → 3 batches per epoch; call 7 = epoch 3, batch 1
    with pytest.raises(DivergenceError, match=r"epoch 3, batch 1/3") as err:
        train_minibatch(model, X, optimizer=SGD(learning_rate=0.1), epochs=5, batch_size=3,
                        rng=np.random.default_rng(0), verbose=False)
    assert err.value.last_finite_loss == 10.0 - 6             # the loss of call 6
    for k in model.params:
        np.testing.assert_array_equal(model.params[k], model.seen[5][k])   # params of call 6
        assert not np.array_equal(model.params[k], model.seen[6][k])


def test_nan_gradient_keeps_current_params():
    model = ScriptedModel(bad_call=4, bad="grad")
    with pytest.raises(DivergenceError, match=r"gradient.*epoch 2, batch 1/3") as err:
        train_minibatch(model, np.zeros((9, 1)), optimizer=SGD(learning_rate=0.1), epochs=5,
                        batch_size=3, rng=np.random.default_rng(0), verbose=False)
    assert err.value.last_finite_loss == 10.0 - 4             # call 4's loss was finite
    for k in model.params:
        np.testing.assert_array_equal(model.params[k], model.seen[3][k])


def test_real_blow_up_leaves_finite_last_good_params():
    # SGD far above 2/λ_max on least squares: the parameters grow geometrically to inf/NaN.
    X, T, _, _ = regression_data(n=64)
    model = LinearModel(5, 3)
    with pytest.raises(DivergenceError) as err, np.errstate(over="ignore", invalid="ignore"):
        train_minibatch(model, X, target=T, optimizer=SGD(learning_rate=50.0), epochs=1000,
                        batch_size=16, rng=np.random.default_rng(0), verbose=False)
    assert all(np.all(np.isfinite(v)) for v in model.params.values())
    assert np.isfinite(err.value.last_finite_loss)
    # the restored params are those of the last finite loss (the last call whose loss was finite)
    X_last, T_last = model.calls[-2]
    assert model.loss(X_last, T_last) == pytest.approx(err.value.last_finite_loss, rel=1e-12)


def test_step_to_infinite_parameters_is_caught_right_after_the_step():
    class Huge(ScriptedModel):
        def loss_and_grads(self, X, target=None):
            self.n_calls += 1
            return 1.0, {"w": np.full(2, 1e308), "c": np.zeros(1)}

    model = Huge(bad_call=None)
    with pytest.raises(DivergenceError, match=r"parameter.*epoch 1, batch 1/3"), np.errstate(over="ignore"):
        train_minibatch(model, np.zeros((9, 1)), optimizer=SGD(learning_rate=10.0), epochs=3,
                        batch_size=3, rng=np.random.default_rng(0), verbose=False)
    assert model.n_calls == 1                   # the model is never called with the infinite parameters
    np.testing.assert_array_equal(model.params["w"], 0.0)


# ---- float32 --------------------------------------------------------------------------------

def test_float32_run_keeps_dtype():
    X, T, W_star, _ = regression_data()
    model = LinearModel(5, 3, dtype=np.float32)
    X_val = X[:50]
    hist = train_minibatch(model, X, target=T, X_val=X_val, target_val=T[:50],
                           optimizer=Adam(learning_rate=0.05), epochs=60, batch_size=64,
                           # a float64 "corruption" (that changes nothing) is cast back to float32
                           corruption=lambda Xb, rng: Xb + 0.0 * rng.normal(size=Xb.shape),
                           rng=np.random.default_rng(0), verbose=False)
    assert all(v.dtype == np.float32 for v in model.params.values())
    assert all(X_in.dtype == np.float32 and t.dtype == np.float32 for X_in, t in model.calls)
    assert hist.val_loss[-1] < 1e-8 * hist.val_loss[0]
    np.testing.assert_allclose(model.params["W"], W_star, atol=1e-5)   # float32: ~1e-7 relative


# ---- argument checks --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, exc, name", [
    ({"X": np.zeros(5)}, ValueError, "X"),
    ({"X": np.zeros((0, 3))}, ValueError, "X"),
    ({"X": np.full((4, 3), np.nan)}, ValueError, "X"),
    ({"target": np.zeros((5, 3))}, ValueError, "target"),
    ({"X_val": np.zeros((4, 2))}, ValueError, "X_val"),
    ({"target_val": np.zeros((4, 3))}, ValueError, "target_val"),
    ({"X_val": np.zeros((4, 3)), "target_val": np.zeros((3, 3))}, ValueError, "target_val"),
    ({"epochs": -1}, ValueError, "epochs"),
    ({"epochs": 2.5}, TypeError, "epochs"),
    ({"epochs": True}, TypeError, "epochs"),
    ({"shuffle": "False"}, TypeError, "shuffle"),
    ({"X": np.zeros((4, 3)) + 1j}, TypeError, "X"),
    ({"X_val": [[0.1, 0.2, 0.3], [0.1]]}, TypeError, "X_val"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"patience": 3}, ValueError, "patience"),
    ({"patience": 0, "X_val": np.zeros((2, 3))}, ValueError, "patience"),
    ({"optimizer": "rmsprop"}, ValueError, "optimizer"),
    ({"optimizer": Adam}, TypeError, "optimizer"),
    ({"rng": 42}, TypeError, "rng"),
    ({"corruption": "gaussian"}, TypeError, "corruption"),
    ({"callback": 1}, TypeError, "callback"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, exc, name):
    args = {"X": np.zeros((4, 3)), "epochs": 1, "verbose": False}
    args.update(kwargs)
    X = args.pop("X")
    with pytest.raises(exc, match=name):
        train_minibatch(LinearModel(3, 3), X, **args)


def test_model_without_interface_is_rejected():
    with pytest.raises(TypeError, match="loss_and_grads"):
        train_minibatch(object.__new__(type("M", (), {"params": {}})), np.zeros((2, 2)))


@pytest.mark.parametrize("where", ["X", "X_val", "target_val"])
def test_data_outside_the_decoders_domain_is_refused_before_any_step(where):
    from npae.models.autoencoder import Autoencoder
    rng = np.random.default_rng(0)
    model = Autoencoder(3, 2, rng=rng)                 # sigmoid decoder: targets in [0, 1]
    before = {k: v.copy() for k, v in model.params.items()}
    good = rng.uniform(0.1, 0.9, (8, 3))
    bad = good.copy()
    bad[-1, -1] = 1.5                                  # in the last minibatch only
    data = {"X": good, "X_val": good, "target": None, "target_val": None}
    if where == "target_val":
        data.update(target=good, target_val=bad)
    else:
        data[where] = bad
    with pytest.raises(ValueError, match=rf"^{where} must lie in \[0, 1\]"):
        train_minibatch(model, data["X"], target=data["target"], X_val=data["X_val"],
                        target_val=data["target_val"], batch_size=2, shuffle=False, epochs=1, verbose=False)
    for k in before:
        np.testing.assert_array_equal(model.params[k], before[k])
