"""Splitting the rows between threads (``npae.perf.parallel``) must give the same loss and gradients as one loop."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from npae import perf
from npae.perf import parallel
from npae.gradcheck import check_gradients
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay


@pytest.mark.parametrize("m, n_chunks", [(0, 1), (1, 1), (7, 3), (10, 2), (1101, 2), (1000, 7)])
def test_row_chunks_cover_every_row_once_in_order(m, n_chunks):
    chunks = parallel.row_chunks(m, n_chunks)
    assert len(chunks) == n_chunks
    rows = np.concatenate([np.arange(m)[c] for c in chunks])
    np.testing.assert_array_equal(rows, np.arange(m))
    lengths = [c.stop - c.start for c in chunks]
    assert max(lengths) - min(lengths) <= 1


def test_num_threads_reads_the_environment(monkeypatch):
    monkeypatch.setenv("NPAE_NUM_THREADS", "3")
    assert parallel.num_threads() == 3
    for bad in ("0", "-1", "two", ""):
        monkeypatch.setenv("NPAE_NUM_THREADS", bad)
        with pytest.raises(ValueError, match="NPAE_NUM_THREADS"):
            parallel.num_threads()
    monkeypatch.delenv("NPAE_NUM_THREADS")
    assert parallel.num_threads() >= 1


def test_split_rows_keeps_small_problems_in_one_chunk(monkeypatch):
    monkeypatch.setenv("NPAE_NUM_THREADS", "2")
    assert parallel.split_rows(1023) == [slice(0, 1023)]
    assert parallel.split_rows(1024) == [slice(0, 512), slice(512, 1024)]
    monkeypatch.setenv("NPAE_NUM_THREADS", "1")
    assert parallel.split_rows(10**6) == [slice(0, 10**6)]


def test_map_chunks_runs_on_other_threads_and_keeps_the_order(monkeypatch):
    monkeypatch.setenv("NPAE_NUM_THREADS", "3")
    chunks = parallel.split_rows(3000)

    def part(rows):
        # a chunk inside the pool is never split again (no thread waits on its own pool)
        return rows, threading.get_ident(), parallel.split_rows(3000)

    results = parallel.map_chunks(part, chunks)
    assert [r[0] for r in results] == chunks
    assert results[0][1] == threading.get_ident()                      # the caller takes the first chunk
    assert all(r[1] != threading.get_ident() for r in results[1:])    # the others, in the pool
    assert all(r[2] == [slice(0, 3000)] for r in results[1:])


def test_map_chunks_passes_an_error_on():
    def fails(rows):
        raise RuntimeError(f"chunk {rows.start}")

    with pytest.raises(RuntimeError, match="chunk"):
        parallel.map_chunks(fails, [slice(0, 5), slice(5, 10)])


def test_single_threaded_blas_limits_and_restores():
    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    with parallel.single_threaded_blas():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before
    with parallel.single_threaded_blas(active=False):
        assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before


CONFIGS = {
    "sparse": dict(penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)]),
    "contractive tied, L1": dict(tied=True, penalties=[Contractive(0.1), L1Sparsity(0.01)]),
    "relu cross-entropy": dict(encoder="relu", loss="cross_entropy", penalties=[WeightDecay(1e-3)]),
    "linear decoder": dict(decoder="linear", penalties=[KLSparsity(0.1, 3.0)]),
    "linear encoder and decoder": dict(encoder="linear", decoder="linear"),
    "mean reduction, tied": dict(tied=True, reduction="mean", penalties=[WeightDecay(1e-3)]),
}


@pytest.mark.parametrize("code_noise", [False, True], ids=["no noise", "code noise"])
@pytest.mark.parametrize("threads", ["1", "2", "3"])
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_performance_layer_gives_the_readable_result(config, threads, code_noise, monkeypatch):
    """npae.perf.loss_and_grads (1, 2, 3 chunks, several blocks of rows each) against the readable method."""
    monkeypatch.setenv("NPAE_NUM_THREADS", threads)
    rng = np.random.default_rng(5)
    model = Autoencoder(20, 7, rng=rng, **CONFIGS[config])
    X = rng.uniform(0.0, 1.0, (1600, 20))
    noise = rng.normal(0.0, 1.0, (1600, 7)) if code_noise else None
    assert len(parallel.split_rows(len(X))) == int(threads)
    X_before, params_before = X.copy(), {k: v.copy() for k, v in model.params.items()}
    loss, grads = model.loss_and_grads(X, code_noise=noise)
    loss_fast, grads_fast = perf.loss_and_grads(model, X, code_noise=noise, block_size=150)
    assert loss_fast == pytest.approx(loss, rel=1e-12)
    assert list(grads_fast) == list(grads)
    for name in grads:
        assert grads_fast[name].dtype == grads[name].dtype
        np.testing.assert_allclose(grads_fast[name], grads[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert perf.loss(model, X, code_noise=noise) == pytest.approx(loss, rel=1e-12)
    # nothing the caller owns was written
    np.testing.assert_array_equal(X, X_before)
    for name in params_before:
        np.testing.assert_array_equal(model.params[name], params_before[name])


def test_performance_layer_in_float32_agrees_with_the_readable_method(monkeypatch):
    monkeypatch.setenv("NPAE_NUM_THREADS", "2")
    rng = np.random.default_rng(8)
    model = Autoencoder(20, 7, rng=rng, dtype=np.float32, penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)])
    X = rng.uniform(0.0, 1.0, (1300, 20)).astype(np.float32)
    loss, grads = model.loss_and_grads(X)
    loss_fast, grads_fast = perf.loss_and_grads(model, X, block_size=100)
    assert loss_fast == pytest.approx(loss, rel=1e-5)
    for name in grads:
        assert grads_fast[name].dtype == np.float32
        np.testing.assert_allclose(grads_fast[name], grads[name], rtol=1e-4, atol=1e-7, err_msg=name)


def test_chunked_gradient_passes_the_numerical_check(monkeypatch):
    """The split path itself (two chunks, blocks inside them) against central differences, float64."""
    monkeypatch.setenv("NPAE_NUM_THREADS", "2")
    rng = np.random.default_rng(6)
    model = Autoencoder(5, 3, penalties=[WeightDecay(0.03), KLSparsity(0.2, 3.0), Contractive(0.1)], rng=rng)
    X = rng.uniform(0.0, 1.0, (1100, 5))
    params = {k: rng.normal(0.0, 1.0, v.shape) for k, v in model.params.items()}
    assert len(parallel.split_rows(len(X))) == 2
    result = check_gradients(lambda p: perf.loss_and_grads(model, X, params=p, block_size=300), params)
    assert result.passed(), result.per_block


def test_non_finite_parameters_are_refused_as_by_the_model():
    # The trainers check the parameters after each step themselves (tests/test_divergence.py): the fast path
    # refuses NaN and inf like the model's own method, with a ValueError naming params, whether passed or held.
    model = Autoencoder(5, 3, rng=np.random.default_rng(0))
    params = dict(model.params, W1=np.full((5, 3), np.inf))
    X = np.full((4, 5), 0.5)
    for call in (lambda: perf.loss_and_grads(model, X, params=params), lambda: perf.loss(model, X, params=params),
                 lambda: model.loss_and_grads(X, params=params)):
        with pytest.raises(ValueError, match=r"params\['W1'\]"):
            call()
    model.params = params
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        perf.loss_and_grads(model, X)


def test_other_models_go_to_their_own_method():
    from npae.models.softmax import Softmax

    model = Softmax(3, 2, rng=np.random.default_rng(0))
    X, y = np.eye(3), np.array([0, 1, 1])
    assert perf.loss_and_grads(model, X, y)[0] == model.loss_and_grads(X, y)[0]
    assert perf.loss(model, X, y, params=model.params) == model.loss(X, y)
    with pytest.raises(TypeError, match="code_noise"):
        perf.loss_and_grads(model, X, y, code_noise=np.zeros((3, 2)))


def test_a_replaced_loss_is_called_not_bypassed():
    """A subclass or instance that replaces loss_and_grads gets its own method from the performance layer."""
    class Doubled(Autoencoder):
        def loss_and_grads(self, X, target=None, params=None, code_noise=None, need_grads=True):
            loss, grads = super().loss_and_grads(X, target, params, code_noise, need_grads)
            return 2 * loss, grads

    X = np.full((4, 5), 0.5)
    plain, doubled = Autoencoder(5, 3, rng=np.random.default_rng(0)), Doubled(5, 3, rng=np.random.default_rng(0))
    assert perf.loss_and_grads(doubled, X)[0] == pytest.approx(2 * perf.loss_and_grads(plain, X)[0])
    calls = []
    plain.loss_and_grads = lambda *args, **kwargs: calls.append(args) or (0.0, {})
    perf.loss_and_grads(plain, X)
    assert len(calls) == 1


def test_importing_the_mathematics_needs_no_threadpoolctl():
    """npae.core and npae.models import without threadpoolctl (it is loaded on first use of npae.perf)."""
    code = ("import sys; sys.modules['threadpoolctl'] = None\n"
            "import npae.core.activations, npae.models.autoencoder, npae\n"
            "import numpy as np\n"
            "m = npae.Autoencoder(4, 2, rng=np.random.default_rng(0))\n"
            "print(m.loss(np.full((3, 4), 0.5)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert result.returncode == 0, result.stderr
