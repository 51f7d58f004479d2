"""Benchmark of the autoencoder's loss and gradients against the matrix products it cannot avoid, and PyTorch.

Two paths compute the same numbers: the readable ``Autoencoder.loss_and_grads`` (npae/models/autoencoder.py,
every array fresh, one core for the elementwise work) and the fast path ``npae.perf.loss_and_grads(model, X)``
(npae/perf/autoencoder.py: fused, blocked and threaded), which the trainers use.

One forward and backward pass of the two-layer autoencoder needs five matrix products of the same
size (m samples, n visible, k hidden; each 2·m·n·k flops)::

    X  · W1     (m, n) (n, k)   encoder pre-activation Z1
    H  · W2     (m, k) (k, n)   decoder pre-activation Z2
    Hᵀ · δ3     (k, m) (m, n)   ∂J/∂W2
    δ3 · W2ᵀ    (m, n) (n, k)   ∂J/∂H
    Xᵀ · δ2     (n, m) (m, k)   ∂J/∂W1

The "bare products" time is these five products alone, on arrays of the same shapes and dtype, written into
preallocated outputs: the BLAS cost with no allocation and no elementwise pass. ``path / bare products`` is
the overhead factor of everything the implementation adds (1.0 would be a free lunch).

Two *floors* are timed too: the bare products plus one sigmoid pass over an (m, n_hidden) and an
(m, n_visible) array (the code H = σ(Z1) and the reconstruction x̂ = σ(Z2)), into preallocated outputs, their
rows split between the cores, once with ``scipy.special.expit`` (what the readable path uses) and once with
the fast path's σ (NumPy's ``exp``, :func:`npae.perf.autoencoder.sigmoid`). An implementation computing both
sigmoids that way cannot go below its floor; the loss, the deltas and the penalties come on top.

Lines, with the targets of issue 23 (``met`` / ``MISSED`` is printed beside each):

- the sparse AE (WeightDecay(1e-4) + KLSparsity(0.01, 3)) at UFLDL's size (10 000 × 64, 25 hidden; fast path
  within 2× the products) and at an MNIST-like size (10 000 × 784, 196 hidden; fast path within 1.25×, the
  readable path within 2×), in float64 and float32; at the MNIST-like size, PyTorch autograd on the same loss
  (``torch.autograd``, the same arrays, its default threads), at least 2.0× slower than the fast path;
- at 10 000 × 784 → 196, float64: the contractive AE (Contractive(0.1), tied) within 1.1× the plain tied AE;
  the denoising AE (``loss_and_grads(X_tilde, target=X)``) against the plain AE; peak memory of a first call;
- the main job: ``python lessons/03_sparse_autoencoder.py`` (400 L-BFGS iterations on UFLDL's 10 000 patches),
  its printed time, at most 6 s, run as a subprocess after the rest.

The repeats of the things compared are interleaved (A B A B ...), so that noise from other processes
hits both; each figure is a median over the repeats, after one warm-up call of each. Every timed call
starts after a pause of ``PAUSE`` seconds: after a multi-threaded product, OpenBLAS's worker threads
spin (busy-wait for more work) for about 0.1 s before they sleep, and PyTorch's OpenMP threads for up to
0.2 s. Without the pause, the call timed right after them would find the cores taken.

Each timed call also comes right after an untimed call of the same function (then the pause), as a step of
a training loop comes right after the previous step. Without it, the previous call of the same function ran
a whole round earlier (several seconds at the MNIST-like size), and a virtual machine that reports freed
memory to its host (Linux's free page reporting, which the course's machines use) has by then handed the
memory that call freed back to the host: mapping it again costs the next call far more than in a training
loop. ``benchmarks/bench_fresh_memory.py`` measures that effect on its own.

At UFLDL's size a call takes a few milliseconds, and the first milliseconds after a pause run slower on this
kind of machine (a virtual machine whose idle processors halt: the second core joins late). Each measurement
there is ``CALLS_IN_A_ROW`` calls in a row, timed together, as L-BFGS makes them in the main job; the line
"one call after the pause" prints the single-call figure beside it. The printed ratio is
the ratio of the medians; [lo–hi] is the range of the per-repeat ratios (A_i / B_i). The load average
(1 min) at the end of each measurement is printed with it: on a shared machine, read the ratios, not the
absolute times.

Usage::

    python benchmarks/bench_loss_and_grads.py [--repeats N] [--quick] [--no-torch] [--no-main-job]

``--quick`` runs 3 repeats on 2 000 samples and skips the main job: a smoke test, not a measurement.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.special import expit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))    # run from a checkout

from npae import perf  # noqa: E402
from npae.core.corruption import masking  # noqa: E402
from npae.core.penalties import Contractive, KLSparsity, WeightDecay  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.perf.autoencoder import release_scratch, sigmoid as fast_sigmoid  # noqa: E402
from npae.perf.parallel import map_chunks, num_threads, single_threaded_blas, split_rows  # noqa: E402

PAUSE = 0.25    # seconds before each timed call: longer than OpenBLAS's spin after a product (see above)
CALLS_IN_A_ROW = 10    # calls per measurement at UFLDL's size, as L-BFGS makes them (see above)
LAMBDA, RHO, BETA = 1e-4, 0.01, 3.0


def loadavg():
    return f"load {os.getloadavg()[0]:.2f}"


def interleaved(functions, repeats, calls=1):
    """Time each function ``repeats`` times, interleaved (f1 f2 ... f1 f2 ...), after one warm-up call each.

    Each measurement is an untimed call of the function, a pause of ``PAUSE`` seconds, then ``calls`` calls
    in a row, timed together (see the module's docstring).

    Returns a dict name -> list of wall times per call in seconds (time.perf_counter).
    """
    for f in functions.values():
        f()
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, f in functions.items():
            f()                                   # the previous step, as in a training loop
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            for _ in range(calls):
                f()
            times[name].append((time.perf_counter() - t0) / calls)
    return times


def ratio(times, a, b):
    return statistics.median(times[a]) / statistics.median(times[b])


def ratio_text(times, a, b):
    """'median(a)/median(b) [min–max of the per-repeat ratios]'."""
    per_repeat = [x / y for x, y in zip(times[a], times[b])]
    return f"{ratio(times, a, b):5.2f} [{min(per_repeat):.2f}-{max(per_repeat):.2f}]"


def target_text(value, bound, at_most=True):
    met = value <= bound if at_most else value >= bound
    return f"target {'<=' if at_most else '>='} {bound}: {'met' if met else 'MISSED'}"


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


def products_and_sigmoid(m, n, k, dtype, rng, sigmoid):
    """The bare products, then ``sigmoid`` once over an (m, k) and an (m, n) array, rows split between the cores.

    The least an implementation that computes H = σ(Z1) and x̂ = σ(Z2) with that sigmoid must do: the five
    products plus one pass over the code's (m, n_hidden) and the decoder's (m, n_visible) pre-activations, into
    preallocated outputs, on every core as the fast path runs its chunks. Nothing else (no bias, no loss, no
    delta, no allocation).
    """
    products = bare_products(m, n, k, dtype, rng)
    Z1, Z2 = (rng.random((m, k)) - 0.5).astype(dtype), (rng.random((m, n)) - 0.5).astype(dtype)
    H, X_hat = np.empty_like(Z1), np.empty_like(Z2)
    chunks = split_rows(m)

    def both(rows):
        sigmoid(Z1[rows], out=H[rows])
        sigmoid(Z2[rows], out=X_hat[rows])

    def floor():
        products()
        with single_threaded_blas(len(chunks) > 1):
            map_chunks(both, chunks)
    return floor


def torch_loss_and_grads(model, X):
    """The same loss in PyTorch (autograd), on the same arrays: a function computing loss and gradients, or None."""
    try:
        import torch
    except ImportError:
        return None
    Xt = torch.from_numpy(X)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    inv_m = 1.0 / X.shape[0]

    def step():
        for p in params.values():
            p.grad = None
        H = torch.sigmoid(Xt @ params["W1"] + params["b1"])
        X_hat = torch.sigmoid(H @ params["W2"] + params["b2"])
        rho_hat = H.mean(dim=0)
        loss = (0.5 * inv_m * ((X_hat - Xt) ** 2).sum()
                + 0.5 * LAMBDA * ((params["W1"] ** 2).sum() + (params["W2"] ** 2).sum())
                + BETA * (RHO * torch.log(RHO / rho_hat) + (1 - RHO) * torch.log((1 - RHO) / (1 - rho_hat))).sum())
        loss.backward()
        return loss.item()
    return step


def data(m, n, dtype, rng):
    """Uniform data in [0.1, 0.9] (the range of UFLDL's patches), already of ``dtype`` so no copy is timed."""
    return (0.1 + 0.8 * rng.random((m, n))).astype(dtype)


def bench_sparse(m, n, k, dtype, repeats, rng, use_torch):
    X = data(m, n, dtype, rng)
    model = Autoencoder(n, k, penalties=[WeightDecay(LAMBDA), KLSparsity(RHO, BETA)], rng=rng, dtype=dtype)
    functions = {"fast": lambda: perf.loss_and_grads(model, X),
                 "readable": lambda: model.loss_and_grads(X),
                 "products": bare_products(m, n, k, dtype, rng),
                 "expit floor": products_and_sigmoid(m, n, k, dtype, rng, expit),
                 "exp floor": products_and_sigmoid(m, n, k, dtype, rng, fast_sigmoid)}
    torch_step = torch_loss_and_grads(model, X) if use_torch and n > 100 else None
    if torch_step is not None:
        functions["pytorch"] = torch_step
    mnist = n > 100
    calls = 1 if mnist else CALLS_IN_A_ROW
    times = interleaved(functions, repeats, calls)
    head = f"sparse AE {m}x{n}, {k} hidden, {np.dtype(dtype).name:7s}:"
    print(f"{head} fast path {ms(times, 'fast')}  bare products {ms(times, 'products')}  ratio "
          f"{ratio_text(times, 'fast', 'products')}  {target_text(ratio(times, 'fast', 'products'), 1.25 if mnist else 2.0)}"
          f"  ({loadavg()}{'' if mnist else f'; per call, {calls} calls in a row'})", flush=True)
    if not mnist:
        one = interleaved({"fast": functions["fast"], "products": functions["products"]}, repeats)
        print(f"    one call after the pause: fast path {ms(one, 'fast')}  bare products {ms(one, 'products')}  ratio "
              f"{ratio_text(one, 'fast', 'products')}", flush=True)
    readable_target = f"  {target_text(ratio(times, 'readable', 'products'), 2.0)}" if mnist else ""
    print(f"    readable Autoencoder.loss_and_grads {ms(times, 'readable')}, ratio "
          f"{ratio_text(times, 'readable', 'products')}{readable_target}", flush=True)
    for floor in ("expit floor", "exp floor"):
        print(f"    {floor}: bare products + {floor.split()[0]} over ({m}, {k}) and ({m}, {n}) {ms(times, floor)}, ratio "
              f"{ratio_text(times, floor, 'products')}; fast path / {floor.split()[0]} floor "
              f"{ratio_text(times, 'fast', floor)}", flush=True)
    if mnist and use_torch:
        if torch_step is None:
            print("    PyTorch autograd: not installed", flush=True)
        else:
            import torch
            difference = abs(torch_step() - model.loss(X)) / model.loss(X)
            print(f"    PyTorch {torch.__version__} autograd, {torch.get_num_threads()} threads {ms(times, 'pytorch')}, "
                  f"/ fast path {ratio_text(times, 'pytorch', 'fast')}  "
                  f"{target_text(ratio(times, 'pytorch', 'fast'), 2.0, at_most=False)}  "
                  f"(same loss: relative difference {difference:.1e})", flush=True)


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
          f"{ratio_text(times, 'contractive', 'plain tied')}  "
          f"{target_text(ratio(times, 'contractive', 'plain tied'), 1.1)}")
    print(f"{head} denoising AE   {ms(times, 'denoising')}  / plain AE      "
          f"{ratio_text(times, 'denoising', 'plain')}")
    for name, penalties in (("plain tied AE", []), ("contractive AE", [Contractive(0.1)])):
        model = Autoencoder(n, k, tied=True, penalties=penalties, rng=rng)
        release_scratch()                                 # a first call: its scratch memory counted
        peak = peak_memory(lambda: perf.loss_and_grads(model, X))
        print(f"{head} peak memory of a first {name} call: {peak / 2**20:6.1f} MiB = {peak / X.nbytes:.2f} x X "
              f"({X.nbytes / 2**20:.1f} MiB), of which kept between calls {release_scratch() / 2**20:.1f} MiB",
              flush=True)


def bench_main_job():
    """README's main job, ``python lessons/03_sparse_autoencoder.py``, as a subprocess: its printed times."""
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([sys.executable, str(ROOT / "lessons" / "03_sparse_autoencoder.py"), "--out", out],
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    if run.returncode != 0:
        print(f"main job: lesson 03 failed (exit {run.returncode}): {run.stderr.strip().splitlines()[-1:]}")
        return
    lesson = re.search(r"final loss .* time ([0-9.]+) s", run.stdout)
    lbfgs = re.search(r"L-BFGS done: (\d+) iterations, (\d+) evaluations, .*, ([0-9.]+) s", run.stdout)
    seconds = float(lesson.group(1))
    print(f"main job: python lessons/03_sparse_autoencoder.py printed time {seconds:.1f} s  "
          f"{target_text(seconds, 6.0)}  (L-BFGS {lbfgs.group(1)} iterations, {lbfgs.group(2)} evaluations, "
          f"{lbfgs.group(3)} s; {loadavg()})", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats of each function (default 15)")
    parser.add_argument("--quick", action="store_true", help="3 repeats on 2 000 samples (smoke test)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--no-main-job", action="store_true", help="skip lesson 03 (the main job)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    repeats, m = (3, 2000) if args.quick else (args.repeats, 10000)
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, npae threads {num_threads()}, {repeats} repeats, "
          f"medians ({loadavg()})")
    for n, k in ((64, 25), (784, 196)):
        for dtype in (np.float64, np.float32):
            bench_sparse(m, n, k, dtype, repeats, rng, not args.no_torch)
    bench_variants(m, 784, 196, repeats, rng)
    if not (args.quick or args.no_main_job):
        bench_main_job()


if __name__ == "__main__":
    main()
