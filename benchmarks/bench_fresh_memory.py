"""How much a fresh array costs after a pause: the machine's memory, measured on its own.

A NumPy array that is larger than a few hundred kilobytes is new memory from the operating system: its
pages are mapped one by one at the first write. On a virtual machine that reports freed memory to its host
(Linux's *free page reporting*: ``dmesg`` prints "Free page reporting enabled"; the course's machines use
it), memory freed more than about two seconds ago has been handed back to the host, and mapping it again
costs much more than mapping memory freed just now. A computation that makes fresh arrays at every call —
the readable ``Autoencoder.loss_and_grads`` does, by design — pays that cost when it is called after a
pause, and not in a training loop, where each call follows the previous one at once.

This script prints, for pauses of 0 to 3 seconds before each call: the time to make and fill a fresh
(10 000, 784) float64 array (63 MB), and the time of the readable and fast ``loss_and_grads`` at
10 000 × 784 → 196 (float64, weight decay + KL), each a median over ``--repeats`` calls, with the system
(kernel) time of the process during the call — where the mapping of pages is counted.

Usage::

    python benchmarks/bench_fresh_memory.py [--repeats N]
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))    # run from a checkout

from npae import perf  # noqa: E402
from npae.core.penalties import KLSparsity, WeightDecay  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402

PAUSES = (0.0, 0.25, 1.0, 3.0)    # seconds before each timed call


def system_seconds():
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def timed(function, pause, repeats):
    """Median wall time and median system time (ms) of ``function()``, each call after ``pause`` seconds."""
    function()
    walls, systems = [], []
    for _ in range(repeats):
        time.sleep(pause)
        s0, t0 = system_seconds(), time.perf_counter()
        function()
        walls.append(time.perf_counter() - t0)
        systems.append(system_seconds() - s0)
    return 1e3 * statistics.median(walls), 1e3 * statistics.median(systems), 1e3 * min(walls), 1e3 * max(walls)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per pause (default 5)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    rng = np.random.default_rng(0)
    m, n, k = 10000, 784, 196
    X = 0.1 + 0.8 * rng.random((m, n))
    model = Autoencoder(n, k, penalties=[WeightDecay(1e-4), KLSparsity(0.01, 3.0)], rng=rng)

    def fresh_array():
        np.empty((m, n)).fill(1.0)

    functions = {"fresh (10000, 784) array, filled": fresh_array,
                 "readable loss_and_grads": lambda: model.loss_and_grads(X),
                 "fast path loss_and_grads": lambda: perf.loss_and_grads(model, X)}
    print(f"numpy {np.__version__}, {args.repeats} calls per pause, medians [min-max]; "
          f"system time: the kernel's share, where pages are mapped")
    for name, function in functions.items():
        for pause in PAUSES:
            wall, system, lo, hi = timed(function, pause, args.repeats)
            print(f"{name:34s} after {pause:4.2f} s: {wall:7.1f} ms [{lo:.1f}-{hi:.1f}], system {system:5.1f} ms",
                  flush=True)


if __name__ == "__main__":
    main()
