"""The fast path (``npae/perf/autoencoder.py``) against the readable ``Autoencoder.loss_and_grads`` (issue 23).

- its sigmoid within 4 ulps of ``scipy.special.expit`` over the whole float32 and float64 range, tails included;
- the same loss and gradients (relative 1e-12, float64) for every encoder, decoder, loss, penalty, tie, denoising
  target, code noise and reduction, whatever the block size and the number of threads;
- used by the trainers only for an exact Autoencoder with its own methods and known penalties: a subclass (of the
  model or of a penalty), a custom penalty or a method replaced on the instance gets the model's own method;
- the knobs it reads refused when malformed (``block_size``, ``NPAE_NUM_THREADS``), before any step.

**The ulp distance.** Two floats of one dtype are d ulps apart when d - 1 representable values lie strictly between
them: d = |i(a) - i(b)| with i the float's bit pattern read as an integer (sign-magnitude, so that the distance
runs across 0). Near underflow this counts subnormal steps (0 and the smallest subnormal are 1 ulp apart); for
normal numbers it is the usual relative measure (1 ulp = 2^-52 or 2^-23 of the binade).
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

import npae
from npae import perf
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, Penalty, WeightDecay
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder
from npae.perf import parallel
from npae.perf.autoencoder import fused_loss_and_grads, knows, sigmoid
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch

ULPS = 4


def ulp_distance(a, b):
    """|i(a) - i(b)| elementwise, i the bit pattern as a sign-magnitude integer (see the module docstring)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.dtype in (np.float32, np.float64)
    signed, magnitude = (np.int32, 0x7FFFFFFF) if a.dtype == np.float32 else (np.int64, 0x7FFFFFFFFFFFFFFF)

    def ordered(x):
        i = x.view(signed).astype(np.int64)
        return np.where(i < 0, -(i & magnitude), i)          # -0.0 and +0.0 are both 0

    return np.abs(ordered(a) - ordered(b))


def test_the_ulp_distance_counts_representable_values_across_underflow():
    tiny = np.array([0.0, 5e-324, 1e-323, 2.2250738585072014e-308])
    assert ulp_distance(tiny[:1], tiny[1:2]) == 1 and ulp_distance(tiny[:1], tiny[2:3]) == 2
    one = np.float32(1.0)
    assert ulp_distance(np.array([one]), np.array([np.nextafter(one, np.float32(2))])) == 1
    assert ulp_distance(np.array([np.float32(-0.0)]), np.array([np.float32(1e-45)])) == 1


def _float32_grid(stride):
    """Every ``stride``-th float32 bit pattern, both signs, all finite values from 0 to the largest."""
    bits = np.arange(0, 0x7F800000, stride, dtype=np.uint32)
    return np.concatenate([bits, bits | np.uint32(0x80000000)]).view(np.float32)


def test_fast_sigmoid_is_within_4_ulps_of_expit_over_the_whole_float32_range():
    """A dense grid over every binade of float32 (every 97th value, 44 million values, the tails included), and
    every value around the worst case found by an exhaustive run over all 4.3e9 float32 values (4 ulps at
    z = -1.0986..., where σ = 1/4 sits on a binade boundary)."""
    z = _float32_grid(97)
    worst = np.float32(-1.0986179113388062).view(np.uint32)
    near = (np.arange(-2**20, 2**20, dtype=np.int64) + int(worst)).astype(np.uint32).view(np.float32)
    for values in (z, near):
        d = ulp_distance(sigmoid(values), expit(values))
        assert d.max() <= ULPS, values[np.argmax(d)]
    assert sigmoid(np.array([-88.8, -104.0, -np.inf], np.float32)).tolist() == [0.0, 0.0, 0.0]   # as expit


def test_fast_sigmoid_is_within_4_ulps_of_expit_over_the_whole_float64_range():
    """Bit patterns spread over every binade of float64 (20 million, both signs), and dense linear grids over the
    left tail down to underflow (σ(z) = 0 below z = -709.78, where exp(-z) overflows, for expit as for the fast
    form), the right tail where σ rounds to 1, and the middle."""
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 0x7FF0000000000000, 10_000_000, dtype=np.uint64)
    z = np.concatenate([bits, bits | np.uint64(1 << 63)]).view(np.float64)
    grids = [np.linspace(-760.0, -690.0, 2_000_001), np.linspace(-40.0, 40.0, 2_000_001), np.linspace(30, 40, 100_001)]
    for values in [z] + grids:
        d = ulp_distance(sigmoid(values), expit(values))
        assert d.max() <= ULPS, values[np.argmax(d)]


@settings(max_examples=3000, deadline=None, database=None)
@given(st.floats(allow_nan=False, width=32), st.floats(allow_nan=False, width=64))
def test_fast_sigmoid_within_4_ulps_at_any_float(x32, x64):
    for value in (np.array([x32], np.float32), np.array([x64], np.float64)):
        assert ulp_distance(sigmoid(value), expit(value))[0] <= ULPS


def test_the_4_ulp_bar_catches_a_worse_sigmoid():
    """The former tanh form ½(1 + tanh(z/2)) is far off in the left tail: the bar above would catch it."""
    z = np.linspace(-60.0, -10.0, 1001)
    assert ulp_distance(0.5 * (1.0 + np.tanh(0.5 * z)), expit(z)).max() > 10**6


def test_fast_sigmoid_writes_where_it_is_told_and_keeps_dtype():
    z = np.linspace(-5, 5, 11).astype(np.float32)
    out = np.empty_like(z)
    assert sigmoid(z, out=out) is out and out.dtype == np.float32
    np.testing.assert_array_equal(out, sigmoid(z))
    assert sigmoid(z, out=z) is z


# ------------------------------------------------------------------------------ the same numbers as the readable path

PENALTIES = {
    "none": lambda: [],
    "weight decay": lambda: [WeightDecay(0.03)],
    "kl": lambda: [KLSparsity(0.2, 3.0)],
    "l1": lambda: [L1Sparsity(0.1)],
    "contractive": lambda: [Contractive(0.1)],
    "all four": lambda: [WeightDecay(0.03), KLSparsity(0.2, 3.0), L1Sparsity(0.1), Contractive(0.1)],
    "twice each": lambda: [WeightDecay(0.01), KLSparsity(0.1, 1.0), L1Sparsity(0.05), Contractive(0.05),
                           WeightDecay(0.02), KLSparsity(0.3, 2.0), L1Sparsity(0.05), Contractive(0.05)],
}
OUTPUTS = [("squared_error", "sigmoid"), ("cross_entropy", "sigmoid"), ("squared_error", "linear")]
CONFIGS = [(encoder, output, tied, penalties)
           for encoder, output, tied, penalties in itertools.product(("sigmoid", "relu", "linear"), OUTPUTS,
                                                                     (False, True), PENALTIES)
           if encoder == "sigmoid" or penalties in ("none", "weight decay", "l1")]


def _problem(encoder, output, tied, penalties, reduction="sum", m=1300, seed=0):
    loss, decoder = output
    rng = np.random.default_rng(seed)
    model = Autoencoder(9, 5, encoder=encoder, decoder=decoder, loss=loss, tied=tied, reduction=reduction,
                        penalties=PENALTIES[penalties](), rng=rng)
    model.params = {k: rng.normal(0.0, 0.7, v.shape) for k, v in model.params.items()}   # away from the start
    if decoder == "sigmoid":
        X, T = rng.uniform(0.0, 1.0, (m, 9)), rng.uniform(0.0, 1.0, (m, 9))
    else:
        X, T = rng.normal(0.0, 1.0, (m, 9)), rng.normal(0.0, 1.0, (m, 9))
    return model, X, T, rng.normal(0.0, 2.0, (m, 5))


def _assert_same(fast, readable, rtol=1e-12):
    loss_f, grads_f = fast
    loss_r, grads_r = readable
    assert loss_f == pytest.approx(loss_r, rel=rtol)
    assert list(grads_f) == list(grads_r)
    for name in grads_r:
        assert grads_f[name].dtype == grads_r[name].dtype and grads_f[name].shape == grads_r[name].shape
        scale = np.abs(grads_r[name]).max()
        np.testing.assert_allclose(grads_f[name], grads_r[name], rtol=rtol, atol=rtol * scale, err_msg=name)


@pytest.mark.parametrize("encoder, output, tied, penalties", CONFIGS,
                         ids=[f"{e} {l}/{d} {'tied' if t else 'untied'} {p}" for e, (l, d), t, p in CONFIGS])
def test_fast_path_equals_the_readable_path_for_every_configuration(encoder, output, tied, penalties):
    model, X, T, N = _problem(encoder, output, tied, penalties)
    assert knows(model)
    for target, noise, reduction in ((None, None, "sum"), (T, None, "sum"), (None, N, "sum"), (T, N, "mean")):
        model.reduction = reduction
        readable = model.loss_and_grads(X, target, code_noise=noise)
        for block_size in (None, 1, 64, 100, 10_000):             # 64 does not divide m = 1300, 100 does
            _assert_same(perf.loss_and_grads(model, X, target, code_noise=noise, block_size=block_size), readable)
        assert perf.loss(model, X, target, code_noise=noise) == pytest.approx(readable[0], rel=1e-12)


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_fast_path_is_the_same_on_one_two_or_three_threads(threads, monkeypatch):
    monkeypatch.setenv("NPAE_NUM_THREADS", threads)
    model, X, T, N = _problem("sigmoid", ("cross_entropy", "sigmoid"), True, "all four", m=1700, seed=3)
    assert len(parallel.split_rows(len(X))) == int(threads)
    _assert_same(perf.loss_and_grads(model, X, T, code_noise=N, block_size=77), model.loss_and_grads(X, T, code_noise=N))


def test_fast_path_never_writes_what_the_caller_owns():
    model, X, T, N = _problem("sigmoid", ("squared_error", "sigmoid"), False, "all four")
    before = [a.copy() for a in (X, T, N, *model.params.values())]
    perf.loss_and_grads(model, X, T, code_noise=N, block_size=100)
    for old, new in zip(before, (X, T, N, *model.params.values())):
        np.testing.assert_array_equal(old, new)


def test_what_the_fast_path_returns_never_shares_memory_with_its_scratch():
    model, X, T, N = _problem("sigmoid", ("squared_error", "sigmoid"), True, "all four", m=1300, seed=5)
    first = perf.loss_and_grads(model, X, T, code_noise=N, block_size=100)
    kept = {name: g.copy() for name, g in first[1].items()}
    for m in (1300, 2600, 40):                                    # the same shapes, larger, smaller: scratch reused
        Xm = np.resize(X[::-1], (m, X.shape[1]))
        _assert_same(perf.loss_and_grads(model, Xm, block_size=100), model.loss_and_grads(Xm))
    for name, g in first[1].items():
        np.testing.assert_array_equal(g, kept[name], err_msg=name)


def test_threads_calling_the_fast_path_at_once_each_get_their_own_result():
    import threading
    problems = [_problem("sigmoid", ("cross_entropy", "sigmoid"), False, "all four", m=1100 + 300 * i, seed=i)
                for i in range(4)]
    expected = [model.loss_and_grads(X, T) for model, X, T, _ in problems]
    results = [[] for _ in problems]

    def work(i):
        model, X, T, _ = problems[i]
        for _ in range(15):
            results[i].append(perf.loss_and_grads(model, X, T, block_size=64))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(problems))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, want in zip(results, expected):
        assert len(got) == 15
        for result in got:
            _assert_same(result, want)


def test_release_scratch_gives_the_kept_memory_back():
    from npae.perf.autoencoder import release_scratch
    model, X, T, N = _problem("sigmoid", ("squared_error", "sigmoid"), False, "kl", m=1300)
    release_scratch()
    perf.loss_and_grads(model, X)
    assert release_scratch() >= X.shape[0] * model.n_hidden * X.itemsize   # at least the code H
    assert release_scratch() == 0
    _assert_same(perf.loss_and_grads(model, X), model.loss_and_grads(X))


def test_fast_path_in_float32_agrees_and_stays_float32():
    rng = np.random.default_rng(4)
    model = Autoencoder(30, 8, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0), Contractive(0.1)],
                        dtype=np.float32, rng=rng)
    X = rng.uniform(0.0, 1.0, (2000, 30)).astype(np.float32)
    loss_r, grads_r = model.loss_and_grads(X)
    loss_f, grads_f = perf.loss_and_grads(model, X)
    assert loss_f == pytest.approx(loss_r, rel=1e-5)
    for name in grads_r:
        assert grads_f[name].dtype == np.float32
        np.testing.assert_allclose(grads_f[name], grads_r[name], rtol=1e-4, atol=1e-6 * np.abs(grads_r[name]).max())


FLOAT32_CONFIGS = [c for c in CONFIGS if c[3] in ("none", "all four", "weight decay", "l1")]


@pytest.mark.parametrize("encoder, output, tied, penalties", FLOAT32_CONFIGS,
                         ids=[f"{e} {l}/{d} {'tied' if t else 'untied'} {p}" for e, (l, d), t, p in FLOAT32_CONFIGS])
def test_fast_path_in_float32_agrees_to_float32_precision_for_every_configuration(encoder, output, tied, penalties):
    """float32: the two paths round differently, so they agree to float32's precision (a few 1e-7 relative on
    sums of 1300 rows), not bit for bit; both stay float32."""
    model, X, T, N = _problem(encoder, output, tied, penalties)
    model.dtype = np.dtype(np.float32)
    model.params = {k: v.astype(np.float32) for k, v in model.params.items()}
    X, T, N = (a.astype(np.float32) for a in (X, T, N))
    for target, noise, reduction in ((None, None, "sum"), (T, N, "mean")):
        model.reduction = reduction
        loss_r, grads_r = model.loss_and_grads(X, target, code_noise=noise)
        loss_f, grads_f = perf.loss_and_grads(model, X, target, code_noise=noise, block_size=64)
        assert loss_f == pytest.approx(loss_r, rel=1e-5)
        for name in grads_r:
            assert grads_f[name].dtype == grads_r[name].dtype == np.float32
            np.testing.assert_allclose(grads_f[name], grads_r[name], rtol=1e-4,
                                       atol=1e-5 * np.abs(grads_r[name]).max(), err_msg=name)


@pytest.mark.parametrize("output", OUTPUTS, ids=[f"{l}/{d}" for l, d in OUTPUTS])
@pytest.mark.parametrize("scale", [60.0, 1e27])
def test_fast_path_is_exact_where_the_code_saturates(output, scale):
    """Saturated units (σ = 0 or 1) and extreme logits (exp(-z) overflows at 1e27): the same finite loss and
    gradients as the readable path (σ' = x̂(1 - x̂) = 0 there, never inf·0)."""
    rng = np.random.default_rng(5)
    loss, decoder = output
    penalties = [KLSparsity(0.05, 3.0), Contractive(0.1)] if scale < 1e3 else []
    model = Autoencoder(6, 3, loss=loss, decoder=decoder, penalties=penalties, rng=rng)
    model.params = {k: rng.normal(0.0, scale, v.shape) for k, v in model.params.items()}
    X = rng.uniform(0.0, 1.0, (1500, 6))
    readable = model.loss_and_grads(X)
    assert np.isfinite(readable[0]) and all(np.isfinite(g).all() for g in readable[1].values())
    _assert_same(perf.loss_and_grads(model, X, block_size=100), readable)


# ------------------------------------------------------------------------------ dispatch: never bypass an override

class OwnLoss(Autoencoder):
    """Overrides loss_and_grads: doubles the loss."""

    calls = 0

    def loss_and_grads(self, X, target=None, params=None, code_noise=None, need_grads=True):
        type(self).calls += 1
        loss, grads = super().loss_and_grads(X, target, params, code_noise, need_grads)
        return 2 * loss, (None if grads is None else {k: 2 * g for k, g in grads.items()})


class OwnDecoder(Autoencoder):
    """Overrides a step, the decoder layer: a reconstruction shifted by 0.1 (a different loss)."""

    calls = 0

    def decoder_forward(self, params, H):
        type(self).calls += 1
        Z2, X_hat = super().decoder_forward(params, H)
        return Z2, X_hat + 0.1


class HalfKL(KLSparsity):
    """A subclass of a known penalty: half the KL term."""

    def __call__(self, params, H, inv_m):
        value, dOmega_dH, direct = super().__call__(params, H, inv_m)
        return value / 2, dOmega_dH / 2, direct


class MeanCode(Penalty):
    """A custom penalty: λ · mean over samples of Σⱼ hⱼ."""

    def __init__(self, lam):
        self.lam = lam

    def __call__(self, params, H, inv_m):
        return self.lam * inv_m * float(H.sum()), np.full(H.shape[1], self.lam * inv_m), {}


def _unknown_models(rng):
    """Models the fast path must not compute: (label, model, what the trainers must call)."""
    own = OwnLoss(6, 3, rng=rng)
    decoder = OwnDecoder(6, 3, rng=rng)
    half = Autoencoder(6, 3, penalties=[HalfKL(0.1, 3.0)], rng=rng)
    custom = Autoencoder(6, 3, penalties=[WeightDecay(1e-3), MeanCode(0.5)], rng=rng)
    replaced = Autoencoder(6, 3, rng=rng)
    replaced.decoder_forward = lambda params, H: (lambda Z2, X_hat: (Z2, X_hat + 0.1))(
        *Autoencoder.decoder_forward(replaced, params, H))
    return [("subclass overriding loss_and_grads", own), ("subclass overriding a step", decoder),
            ("subclass of a known penalty", half), ("custom penalty", custom),
            ("method replaced on the instance", replaced)]


def test_knows_only_an_exact_autoencoder_with_its_own_methods_and_known_penalties():
    rng = np.random.default_rng(0)
    assert knows(Autoencoder(6, 3, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3), L1Sparsity(1), Contractive(1)]))
    for label, model in _unknown_models(rng):
        assert not knows(model), label
    tanh = Autoencoder(6, 3, rng=rng)
    tanh.encoder = npae.core.activations.Activation("sigmoid", lambda z, out=None: 0.5 + 0.5 * np.tanh(z / 2),
                                                    npae.core.activations.sigmoid_derivative)
    assert not knows(tanh)                                  # an activation of its own (benchmarks/bench_sigmoid.py)
    for other in (None, 3, DeepAutoencoder([6, 3, 2], rng=rng)):
        assert not knows(other)


@pytest.mark.parametrize("index", range(5))
def test_perf_and_the_trainers_call_the_models_own_method_when_the_fast_path_does_not_know_it(index):
    rng = np.random.default_rng(1)
    label, model = _unknown_models(rng)[index]
    X = rng.uniform(0.0, 1.0, (1100, 6))
    own = model.loss_and_grads(X)
    plain = Autoencoder(6, 3, rng=rng)
    plain.params = {k: v.copy() for k, v in model.params.items()}
    assert own[0] != pytest.approx(plain.loss_and_grads(X)[0], rel=1e-6), "the override must change the loss"
    assert perf.loss_and_grads(model, X)[0] == pytest.approx(own[0], rel=1e-12), label
    assert perf.loss(model, X) == pytest.approx(own[0], rel=1e-12), label

    seen = []
    original = type(model).loss_and_grads

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        seen.append(result[0])
        return result

    for train in (lambda m: train_lbfgs(m, X, maxiter=2, verbose=False),
                  lambda m: train_minibatch(m, X, epochs=1, batch_size=550, rng=np.random.default_rng(0),
                                            verbose=False)):
        trained = type(model).__new__(type(model))
        trained.__dict__.update(model.__dict__)
        trained.params = {k: v.copy() for k, v in model.params.items()}
        if "decoder_forward" in model.__dict__:            # the instance's replacement must see this instance
            trained.decoder_forward = lambda params, H, t=trained: (lambda Z2, X_hat: (Z2, X_hat + 0.1))(
                *Autoencoder.decoder_forward(t, params, H))
        trained.loss_and_grads = spy.__get__(trained)
        seen.clear()
        train(trained)
        assert seen, f"{label}: the trainer never called the model's own loss_and_grads"


def test_the_trainers_use_the_fast_path_for_a_model_it_knows(monkeypatch):
    """An exact Autoencoder is trained through the fast path (the model's method is not called at the steps)."""
    rng = np.random.default_rng(2)
    model = Autoencoder(6, 3, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)], rng=rng)
    X = rng.uniform(0.0, 1.0, (1100, 6))
    calls = []
    monkeypatch.setattr(Autoencoder, "loss_and_grads", lambda self, *a, **k: calls.append(1) or (0.0, None))
    # the class's own method was replaced on the class itself: the fast path must not know the model any more
    assert not knows(model)
    monkeypatch.undo()
    import npae.perf.autoencoder as fast_module
    fused = []
    monkeypatch.setattr(fast_module, "fused_loss_and_grads",
                        lambda *a, **k: fused.append(1) or fused_loss_and_grads(*a, **k))
    import npae.training._inputs as inputs
    monkeypatch.setattr(inputs, "fused_loss_and_grads", fast_module.fused_loss_and_grads)
    train_lbfgs(model, X, maxiter=3, verbose=False)
    assert len(fused) >= 3


# ------------------------------------------------------------------------------ the knobs, refused when malformed

@pytest.mark.parametrize("bad, error", [(-1, ValueError), (0, ValueError), (2.5, TypeError), ("8", TypeError),
                                        (True, TypeError)])
def test_block_size_must_be_a_positive_integer(bad, error):
    model = Autoencoder(4, 3, rng=np.random.default_rng(0))
    with pytest.raises(error, match="block_size"):
        perf.loss_and_grads(model, np.full((5, 4), 0.5), block_size=bad)
    perf.loss_and_grads(model, np.full((5, 4), 0.5), block_size=None)        # None: the default


@pytest.mark.parametrize("bad", ["abc", "0", "-2", "1.5", "", " "])
def test_a_malformed_NPAE_NUM_THREADS_is_refused_by_every_trainer_before_any_step(bad, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.uniform(0.0, 1.0, (20, 4))
    for model in (Autoencoder(4, 3, rng=rng), OwnLoss(4, 3, rng=rng),
                  DeepAutoencoder([4, 3, 2], rng=rng)):
        before = {k: v.copy() for k, v in model.params.items()}
        monkeypatch.setenv("NPAE_NUM_THREADS", bad)
        for train in (lambda: train_lbfgs(model, X, maxiter=2, verbose=False),
                      lambda: train_minibatch(model, X, epochs=1, batch_size=5, rng=rng, verbose=False)):
            with pytest.raises(ValueError, match="NPAE_NUM_THREADS"):
                train()
            assert all(np.array_equal(before[k], model.params[k]) for k in before)
        with pytest.raises(ValueError, match="NPAE_NUM_THREADS"):
            perf.loss_and_grads(Autoencoder(4, 3, rng=rng), X)
        monkeypatch.delenv("NPAE_NUM_THREADS")


def test_the_code_noise_wrapper_uses_the_fast_path_only_for_a_model_it_knows():
    """CodeNoiseTrainer checks once, draws the noise, then calls the fast path or the model's own method."""
    from npae.analysis.hashing import CodeNoiseTrainer

    X = np.random.default_rng(3).uniform(0.0, 1.0, (1100, 6))
    plain, own = Autoencoder(6, 3, rng=np.random.default_rng(0)), OwnLoss(6, 3, rng=np.random.default_rng(0))
    noise = np.random.default_rng(9).normal(0.0, 2.0, (1100, 3))
    for model, factor in ((plain, 1), (own, 2)):
        loss, grads = CodeNoiseTrainer(model, 2.0, np.random.default_rng(9)).loss_and_grads(X)
        expected = Autoencoder.loss_and_grads(model, X, code_noise=noise)
        assert loss == pytest.approx(factor * expected[0], rel=1e-12)
        for name in grads:
            np.testing.assert_allclose(grads[name], factor * expected[1][name], rtol=1e-10,
                                       atol=1e-12 * np.abs(expected[1][name]).max())


class ShiftedDecoder(Autoencoder):
    """Issue 23's example, today's form: a subclass overriding a documented step (here the decoder layer; then
    ``backprop``). Its loss differs from the plain model's (then 0.770 against 0.385): every trainer must follow it."""

    def decoder_forward(self, params, H):
        Z2, X_hat = super().decoder_forward(params, H)
        return Z2, 0.5 * X_hat


class Through:
    """Not an Autoencoder: a trainer can only call ``loss_and_grads``/``loss`` of the model it wraps."""

    def __init__(self, model):
        self.model, self.params, self.dtype = model, model.params, model.dtype

    def loss_and_grads(self, X, target=None, params=None):
        return self.model.loss_and_grads(X, target, self.params if params is None else params)

    def loss(self, X, target=None, params=None):
        return self.model.loss(X, target, self.params if params is None else params)


def test_a_subclass_overriding_a_step_is_trained_through_its_own_code_by_every_trainer():
    rng = np.random.default_rng(11)
    X = rng.uniform(0.0, 1.0, (400, 6))

    def fresh(cls):
        return cls(6, 3, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)], rng=np.random.default_rng(5))

    shifted, plain = fresh(ShiftedDecoder), fresh(Autoencoder)
    own, fast = shifted.loss(X), perf.loss(plain, X)
    assert not knows(shifted) and own != pytest.approx(fast, rel=1e-3)      # the override changes the loss
    assert perf.loss(shifted, X) == own

    # minibatch (one batch, no shuffle): the first epoch's loss is the subclass's loss at the start
    for model, expected in ((fresh(ShiftedDecoder), own), (fresh(Autoencoder), fast)):
        history = train_minibatch(model, X, epochs=1, batch_size=400, shuffle=False, verbose=False,
                                  rng=np.random.default_rng(0))
        assert history.loss[0] == pytest.approx(expected, rel=1e-12)

    # L-BFGS: the same iterates as L-BFGS through the subclass's own loss_and_grads (a wrapper the fast path
    # cannot know), and other iterates than the plain model's
    by_trainer, by_own = fresh(ShiftedDecoder), fresh(ShiftedDecoder)
    wrapped = Through(by_own)
    train_lbfgs(by_trainer, X, maxiter=5, verbose=False)
    train_lbfgs(wrapped, X, maxiter=5, verbose=False)
    by_plain = fresh(Autoencoder)
    train_lbfgs(by_plain, X, maxiter=5, verbose=False)
    for name in by_trainer.params:
        np.testing.assert_array_equal(by_trainer.params[name], wrapped.params[name])
    assert not np.allclose(by_trainer.params["W1"], by_plain.params["W1"], rtol=1e-6)

    # the code-noise wrapper (lessons 08 and 31): the subclass's loss with the noise, not the fast path's
    from npae.analysis.hashing import CodeNoiseTrainer
    noise = np.random.default_rng(9).normal(0.0, 1.0, (400, 3))
    got = CodeNoiseTrainer(shifted, 1.0, np.random.default_rng(9)).loss_and_grads(X)[0]
    assert got == pytest.approx(shifted.loss(X, code_noise=noise), rel=1e-12)
    assert got != pytest.approx(perf.loss(plain, X, code_noise=noise), rel=1e-3)
