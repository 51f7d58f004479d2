"""Benchmark of the sigmoid and its derivative: ``scipy.special.expit`` against the former tanh form.

npae computes σ(z) with ``scipy.special.expit`` (exact to a few ulps over the whole float range, also in
the tails where σ(z) < 1e-13) and σ'(z) from it. Until issue 15 it computed σ(z) = ½(1 + tanh(z/2)), which
is one transcendental pass too but returns 0 for z < -38 (float64) or z < -18 (float32) and loses the
relative accuracy well before that. This script times, on the sizes where the sigmoid runs in the course:

- 256 × 784 float32 (a minibatch of MNIST-sized pre-activations of a decoder),
- 10 000 × 196 float64 (the hidden layer of the full-batch MNIST autoencoder),

four ways of writing the values into a preallocated output:

    tanh       ½(1 + tanh(z/2)), in place (the old form)
    expit      scipy.special.expit(z, out=a) (the new npae.core.activations.sigmoid)
    a(1-a)     σ' from the output alone (npae.core.activations.sigmoid_derivative)
    σ(z)σ(-z)  σ' from z and the output, exact in both tails: expit(-z) * a (the alternative not taken)

The repeats are interleaved (A B C D A B ...), each figure is a median over the repeats after one warm-up
call, and the ratios are to the tanh form measured in the same run. The 1-minute load average is printed
beside the figures: on a shared machine read the ratios, not the absolute times.

Usage::

    python benchmarks/bench_sigmoid.py [--repeats N]
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

from npae.core.activations import sigmoid, sigmoid_derivative  # noqa: E402


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
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
            "a(1-a)": lambda: sigmoid_derivative(Z, A, out=out),
            "σ(z)σ(-z)": lambda: exact_derivative(Z, A, out),
        }
        times = {name: [] for name in candidates}
        for f in candidates.values():
            f()                                                    # warm-up
        for _ in range(args.repeats):
            for name, f in candidates.items():
                start = time.perf_counter()
                f()
                times[name].append(time.perf_counter() - start)
        base = statistics.median(times["tanh"])
        print(f"{label}: median of {args.repeats} interleaved repeats, load average {os.getloadavg()[0]:.2f}")
        for name, ts in times.items():
            median = statistics.median(ts)
            print(f"  {name:10s} {median * 1e3:8.3f} ms   ratio to tanh {median / base:5.2f}")


if __name__ == "__main__":
    main()
