"""Splitting the rows between threads (``npae.perf.parallel``) must give the same loss and gradients as one loop."""

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info

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
    "linear encoder and decoder": dict(encoder="linear", decoder="linear"),
}


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_chunks_give_the_single_loop_result(config, monkeypatch):
    """Two, three and one chunk (with several blocks of rows each) agree to rounding."""
    rng = np.random.default_rng(5)
    model = Autoencoder(20, 7, rng=rng, **CONFIGS[config])
    model.block_size = 100                          # several blocks inside each chunk
    X = rng.uniform(0.0, 1.0, (1300, 20))
    noise = rng.normal(0.0, 1.0, (1300, 7))
    results = {}
    for threads in ("1", "2", "3"):
        monkeypatch.setenv("NPAE_NUM_THREADS", threads)
        results[threads] = model.loss_and_grads(X, code_noise=noise)
    loss1, grads1 = results["1"]
    for threads in ("2", "3"):
        loss, grads = results[threads]
        assert loss == pytest.approx(loss1, rel=1e-13)
        assert list(grads) == list(grads1)
        for name in grads1:
            np.testing.assert_allclose(grads[name], grads1[name], rtol=1e-11, atol=1e-15, err_msg=name)


def test_chunked_gradient_passes_the_numerical_check(monkeypatch):
    """The split path itself (two chunks, blocks inside them) against central differences, float64."""
    monkeypatch.setenv("NPAE_NUM_THREADS", "2")
    rng = np.random.default_rng(6)
    model = Autoencoder(5, 3, penalties=[WeightDecay(0.03), KLSparsity(0.2, 3.0), Contractive(0.1)], rng=rng)
    model.block_size = 300
    X = rng.uniform(0.0, 1.0, (1100, 5))
    params = {k: rng.normal(0.0, 1.0, v.shape) for k, v in model.params.items()}
    assert len(parallel.split_rows(len(X))) == 2
    result = check_gradients(lambda p: model.loss_and_grads(X, params=p), params)
    assert result.passed(), result.per_block
