"""Benchmark of the autoencoder's loss and gradients: its wall time next to the matrix products it cannot avoid.

Two paths compute the same numbers: the readable ``Autoencoder.loss_and_grads`` (npae/models/autoencoder.py,
all rows at once, one core for the elementwise work) and the performance layer's
``npae.perf.loss_and_grads(model, X)`` (npae/perf/autoencoder.py: the same pieces on blocks of rows, on
every core), which the trainers use. The ratios below are those of the performance layer; the sparse
cases also print the readable path's.

One forward and backward pass of the two-layer autoencoder needs five matrix products of the same
size (m samples, n visible, k hidden; each 2·m·n·k flops)::

    X  · W1     (m, n) (n, k)   encoder pre-activation Z1
    H  · W2     (m, k) (k, n)   decoder pre-activation Z2
    Hᵀ · δ3     (k, m) (m, n)   ∂J/∂W2
    δ3 · W2ᵀ    (m, n) (n, k)   ∂J/∂H
    Xᵀ · δ2     (n, m) (m, k)   ∂J/∂W1

Everything else (biases, sigmoids, the loss, the deltas, the penalties) is elementwise work on
arrays of m·n or m·k values. The "bare products" time is these five products alone, on arrays of the
same shapes and dtype, written into preallocated outputs: the BLAS cost with no allocation and no
elementwise pass. The ratio ``loss_and_grads / bare products`` is therefore the overhead factor of
everything the implementation adds (1.0 would be a free lunch).

The sparse cases also time a *floor*: the bare products plus one ``scipy.special.expit`` pass over an
(m, n_visible) array, split between the cores as the performance layer splits its rows. Any implementation
that computes the reconstruction x̂ = σ(Z2) with ``expit`` (as npae does, :mod:`npae.core.activations`) pays
at least that much; ``floor / bare products`` is the lowest ratio such an implementation can reach, and
``loss_and_grads / floor`` is what npae adds beyond it.

Cases (issues 2 and 3):

- sparse AE (WeightDecay(1e-4) + KLSparsity(0.01, 3)) at the UFLDL size (10 000 × 64, 25 hidden)
  and at an MNIST-like size (10 000 × 784, 196 hidden), in float64 and float32;
- at 10 000 × 784 with 196 hidden, float64: the contractive AE (Contractive(0.1), tied) against the
  plain tied AE, and the denoising AE (``loss_and_grads(X_tilde, target=X)``, X_tilde masked once)
  against the plain AE; and the peak memory (tracemalloc) of one call, as a multiple of X's size.

The repeats of the things compared are interleaved (A B A B ...), so that noise from other processes
hits both; each figure is a median over the repeats, after one warm-up call of each. Every timed call
starts after a pause of ``PAUSE`` seconds: after a multi-threaded product, OpenBLAS's worker threads
spin (busy-wait for more work) for about 0.1 s before they sleep. Without the pause, the call timed
right after the bare products would find the cores taken by those spinning threads, and
``loss_and_grads``, which runs its chunks of rows on every core (:mod:`npae.perf.parallel`), would pay for
the benchmark's own products. With it, every call starts from the same idle machine. The printed
ratio is the ratio of the medians; [lo–hi] is the range of the per-repeat ratios (A_i / B_i).
The load average (1 min) at the end of each measurement is printed with it: on a shared machine,
read the ratios, not the absolute times.

Usage::

    python benchmarks/bench_loss_and_grads.py [--repeats N] [--quick]

``--quick`` runs 3 repeats on 2 000 samples: a smoke test, not a measurement.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))    # run from a checkout

from npae import perf  # noqa: E402
from npae.core.corruption import masking  # noqa: E402
from npae.core.penalties import Contractive, KLSparsity, WeightDecay  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.perf.parallel import map_chunks, num_threads, single_threaded_blas, split_rows  # noqa: E402


def loadavg():
    return f"load {os.getloadavg()[0]:.2f}"


PAUSE = 0.25    # seconds before each timed call: longer than OpenBLAS's spin after a product (see above)


def interleaved(functions, repeats):
    """Time each function ``repeats`` times, interleaved (f1 f2 ... f1 f2 ...), after one warm-up call each.

    Each timed call comes after a pause of ``PAUSE`` seconds (see the module's docstring).

    Returns a dict name -> list of wall times in seconds (time.perf_counter).
    """
    for f in functions.values():
        f()
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, f in functions.items():
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return times


def ratio_text(times, a, b):
    """'median(a)/median(b) [min–max of the per-repeat ratios]'."""
    per_repeat = [x / y for x, y in zip(times[a], times[b])]
    r = statistics.median(times[a]) / statistics.median(times[b])
    return f"{r:5.2f} [{min(per_repeat):.2f}-{max(per_repeat):.2f}]"


def ms(times, name):
    return f"{1e3 * statistics.median(times[name]):8.1f} ms"


def bare_products(m, n, k, dtype, rng):
    """A function computing the five products of one forward+backward pass into preallocated outputs."""
    X, D3 = rng.random((m, n)).astype(dtype), rng.random((m, n)).astype(dtype)
    H, D2 = rng.random((m, k)).astype(dtype), rng.random((m, k)).astype(dtype)
    W1, W2 = rng.random((n, k)).astype(dtype), rng.random((k, n)).astype(dtype)
    Z1, Z2, dH = np.empty((m, k), dtype), np.empty((m, n), dtype), np.empty((m, k), dtype)
    dW1, dW2 = np.empty((n, k), dtype), np.empty((k, n), dtype)

    def products():
        np.matmul(X, W1, out=Z1)          # X · W1
        np.matmul(H, W2, out=Z2)          # H · W2
        np.matmul(H.T, D3, out=dW2)       # Hᵀ · δ3
        np.matmul(D3, W2.T, out=dH)       # δ3 · W2ᵀ
        np.matmul(X.T, D2, out=dW1)       # Xᵀ · δ2
    return products


def products_and_expit(m, n, k, dtype, rng):
    """The bare products, then σ = ``scipy.special.expit`` once over an (m, n) array, rows split between the cores.

    The least any implementation that computes x̂ = σ(Z2) with ``expit`` must do: the five products plus one
    sigmoid pass over the decoder's (m, n_visible) pre-activations, into a preallocated output, on every core
    as the performance layer runs its chunks. Nothing else (no bias, no loss, no delta, no allocation).
    """
    products = bare_products(m, n, k, dtype, rng)
    Z2 = (rng.random((m, n)) - 0.5).astype(dtype)
    A = np.empty_like(Z2)
    chunks = split_rows(m)

    def floor():
        products()
        with single_threaded_blas(len(chunks) > 1):
            map_chunks(lambda rows: expit(Z2[rows], out=A[rows]), chunks)
    return floor


def data(m, n, dtype, rng):
    """Uniform data in [0.1, 0.9] (the range of UFLDL's patches), already of ``dtype`` so no copy is timed."""
    return (0.1 + 0.8 * rng.random((m, n))).astype(dtype)


def bench_sparse(m, n, k, dtype, repeats, rng):
    X = data(m, n, dtype, rng)
    model = Autoencoder(n, k, penalties=[WeightDecay(1e-4), KLSparsity(0.01, 3)], rng=rng, dtype=dtype)
    times = interleaved({"loss_and_grads": lambda: perf.loss_and_grads(model, X),
                         "readable": lambda: model.loss_and_grads(X),
                         "products": bare_products(m, n, k, dtype, rng),
                         "floor": products_and_expit(m, n, k, dtype, rng)}, repeats)
    print(f"sparse AE {m}x{n}, {k} hidden, {np.dtype(dtype).name:7s}: loss_and_grads {ms(times, 'loss_and_grads')}"
          f"  bare products {ms(times, 'products')}  ratio {ratio_text(times, 'loss_and_grads', 'products')}"
          f"  ({loadavg()})", flush=True)
    print(f"    (readable Autoencoder.loss_and_grads {ms(times, 'readable')}, ratio "
          f"{ratio_text(times, 'readable', 'products')})", flush=True)
    print(f"    (floor: bare products + expit over ({m}, {n}) {ms(times, 'floor')}, ratio "
          f"{ratio_text(times, 'floor', 'products')}; loss_and_grads / floor "
          f"{ratio_text(times, 'loss_and_grads', 'floor')})", flush=True)


def peak_memory(f):
    """Peak bytes allocated (tracemalloc, which sees numpy's buffers) during one call of ``f``."""
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_variants(m, n, k, repeats, rng):
    dtype = np.float64
    X = data(m, n, dtype, rng)
    X_tilde = masking(X, 0.3, rng)                         # drawn once, outside the timing
    plain = Autoencoder(n, k, rng=rng)
    plain_tied = Autoencoder(n, k, tied=True, rng=rng)
    cae = Autoencoder(n, k, tied=True, penalties=[Contractive(0.1)], rng=rng)
    dae = Autoencoder(n, k, rng=rng)
    functions = {"plain": lambda: perf.loss_and_grads(plain, X),
                 "plain tied": lambda: perf.loss_and_grads(plain_tied, X),
                 "contractive": lambda: perf.loss_and_grads(cae, X),
                 "denoising": lambda: perf.loss_and_grads(dae, X_tilde, target=X),
                 "products": bare_products(m, n, k, dtype, rng)}
    times = interleaved(functions, repeats)
    head = f"{m}x{n}, {k} hidden, float64:"
    print(f"{head} plain AE       {ms(times, 'plain')}  / bare products {ratio_text(times, 'plain', 'products')}"
          f"  ({loadavg()})")
    print(f"{head} plain tied AE  {ms(times, 'plain tied')}  / bare products "
          f"{ratio_text(times, 'plain tied', 'products')}")
    print(f"{head} contractive AE {ms(times, 'contractive')}  / plain tied AE "
          f"{ratio_text(times, 'contractive', 'plain tied')}")
    print(f"{head} denoising AE   {ms(times, 'denoising')}  / plain AE      "
          f"{ratio_text(times, 'denoising', 'plain')}")
    # A fresh model's first call through the performance layer.
    for name, penalties in (("plain tied AE", []), ("contractive AE", [Contractive(0.1)])):
        model = Autoencoder(n, k, tied=True, penalties=penalties, rng=rng)
        peak = peak_memory(lambda: perf.loss_and_grads(model, X))
        print(f"{head} peak memory of a first {name} call: {peak / 2**20:6.1f} MiB = {peak / X.nbytes:.2f} x X "
              f"({X.nbytes / 2**20:.1f} MiB)", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats of each function (default 15)")
    parser.add_argument("--quick", action="store_true", help="3 repeats on 2 000 samples (smoke test)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    repeats, m = (3, 2000) if args.quick else (args.repeats, 10000)
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, npae threads {num_threads()}, {repeats} repeats, "
          f"medians ({loadavg()})")
    for n, k in ((64, 25), (784, 196)):
        for dtype in (np.float64, np.float32):
            bench_sparse(m, n, k, dtype, repeats, rng)
    bench_variants(m, 784, 196, repeats, rng)


if __name__ == "__main__":
    main()
