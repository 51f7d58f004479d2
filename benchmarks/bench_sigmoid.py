"""Benchmark of the sigmoid and its derivative: ``scipy.special.expit``, the fast path's σ, the former tanh form.

npae's readable core computes σ(z) with ``scipy.special.expit`` (exact to a few ulps over the whole float
range, also in the tails where σ(z) < 1e-13) and σ'(z) from it; the fast path computes 1 / (1 + exp(-z)) with
NumPy's vectorised ``exp`` (:func:`npae.perf.autoencoder.sigmoid`, held within 4 ulps of expit by
``tests/test_fast_path.py``). Until issue 15 it computed σ(z) = ½(1 + tanh(z/2)), which
is one transcendental pass too but returns 0 for z < -38 (float64) or z < -18 (float32) and loses the
relative accuracy well before that. This script times, on the sizes where the sigmoid runs in the course:

- 256 × 784 float32 (a minibatch of MNIST-sized pre-activations of a decoder),
- 10 000 × 196 float64 (the hidden layer of the full-batch MNIST autoencoder),

four ways of writing the values into a preallocated output:

    tanh       ½(1 + tanh(z/2)), in place (the old form)
    expit      scipy.special.expit(z, out=a) (npae.core.activations.sigmoid, the readable core)
    exp        1 / (1 + exp(-z)) in place (npae.perf.autoencoder.sigmoid, the fast path)
    a(1-a)     σ' from the output alone (npae.core.activations.sigmoid_derivative)
    σ(z)σ(-z)  σ' from z and the output, exact in both tails: expit(-z) * a (the alternative not taken)

and then ``Autoencoder.loss_and_grads`` with the sigmoid as it is (expit) against the same model whose
encoder and decoder use the tanh form, on a 256 × 784 float32 minibatch and on 10 000 × 784 float64
(196 hidden, WeightDecay + KLSparsity, the MNIST sparse autoencoder): the cost that matters, since the
sigmoid is one elementwise pass among the five matrix products of a forward and backward pass.

The repeats are interleaved (A B C D A B ...), each figure is a median over the repeats after one warm-up
call, and the ratios are to the tanh form measured in the same run. The 1-minute load average is printed
beside the figures: on a shared machine read the ratios, not the absolute times.

Usage::

    python benchmarks/bench_sigmoid.py [--repeats N] [--skip-model]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))    # run from a checkout

from npae.core.activations import Activation, sigmoid, sigmoid_derivative  # noqa: E402
from npae.core.penalties import KLSparsity, WeightDecay  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.perf.autoencoder import sigmoid as fast_sigmoid  # noqa: E402


def tanh_sigmoid(z, out):
    """The former npae sigmoid: ½(1 + tanh(z/2)), in place in ``out``."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def exact_derivative(z, a, out):
    """σ' = σ(z) σ(-z): exact in both tails, one more expit pass."""
    np.negative(z, out=out)
    expit(out, out=out)
    out *= a
    return out


def interleaved(candidates, repeats):
    """Median seconds of each candidate, the repeats interleaved, after one warm-up call each."""
    times = {name: [] for name in candidates}
    for f in candidates.values():
        f()
    for _ in range(repeats):
        for name, f in candidates.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def bench_loss_and_grads(repeats):
    rng = np.random.default_rng(1)
    tanh_activation = Activation("sigmoid", lambda z, out=None: tanh_sigmoid(z, np.empty_like(z) if out is None
                                                                             else out), sigmoid_derivative)
    for label, m, dtype in (("256x784 float32 minibatch", 256, np.float32), ("10000x784 float64", 10000, np.float64)):
        X = rng.uniform(0.1, 0.9, (m, 784)).astype(dtype)
        models = {}
        for name in ("expit", "tanh"):
            model = Autoencoder(784, 196, penalties=[WeightDecay(1e-4), KLSparsity(0.01, 3.0)], dtype=dtype,
                                rng=np.random.default_rng(0))
            if name == "tanh":
                model.encoder = model.decoder = tanh_activation
            models[name] = model
        medians = interleaved({name: (lambda model=model: model.loss_and_grads(X)) for name, model in models.items()},
                              repeats)
        print(f"loss_and_grads, sparse AE 784-196, {label}: median of {repeats} interleaved repeats, "
              f"load average {os.getloadavg()[0]:.2f}")
        for name, median in medians.items():
            print(f"  sigmoid by {name:6s} {median * 1e3:9.2f} ms   ratio to tanh {median / medians['tanh']:5.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--skip-model", action="store_true", help="time the elementwise functions only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = [("256x784 float32", (256, 784), np.float32), ("10000x196 float64", (10000, 196), np.float64)]
    for label, shape, dtype in cases:
        Z = (rng.standard_normal(shape) * 4).astype(dtype)
        A = sigmoid(Z)
        out = np.empty_like(Z)
        candidates = {
            "tanh": lambda: tanh_sigmoid(Z, out),
            "expit": lambda: sigmoid(Z, out=out),
            "exp": lambda: fast_sigmoid(Z, out=out),
            "a(1-a)": lambda: sigmoid_derivative(Z, A, out=out),
            "σ(z)σ(-z)": lambda: exact_derivative(Z, A, out),
        }
        medians = interleaved(candidates, args.repeats)
        print(f"{label}: median of {args.repeats} interleaved repeats, load average {os.getloadavg()[0]:.2f}")
        for name, median in medians.items():
            print(f"  {name:10s} {median * 1e3:8.3f} ms   ratio to tanh {median / medians['tanh']:5.2f}")
    if not args.skip_model:
        bench_loss_and_grads(max(5, args.repeats // 3))


if __name__ == "__main__":
    main()
