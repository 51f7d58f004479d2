"""Benchmark of the seed's two convolutional autoencoders: one training step in npae (fast path and readable
path), in its bare im2col matrix products, and in PyTorch (where installed), in the same run.

What one *step* is: one minibatch of 256 Fashion-MNIST images (float32): forward, backward, and the
Adadelta update (lr 1.0, ρ 0.95, ε 1e-7; Keras' per-pixel mean BCE from the logits). For the denoising
model the input is the seed's corruption clip(x + 0.5·N(0, 1), 0, 1), drawn inside the step, and the
target the clean batch. An epoch of the 60 000 training images is ⌈60000/256⌉ = 235 steps; the epoch
figures are the median step time × 235 (and, with ``--full-epoch``, one real epoch through
``train_minibatch`` / a PyTorch loop).

Lines, for each model (``conv AE``: 4385 parameters; ``conv DAE``: 28 353):

- ``npae (fast path)``: :func:`npae.perf.conv_fast.fast_loss_and_grads` of the model, what the trainers run
  for ``fast_model(model)`` (lessons 25 and 26);
- ``npae (readable)``: the model's own ``loss_and_grads`` (:mod:`npae.core.conv`, :mod:`npae.core.pooling`);
- ``bare products``: the matrix products of the model's im2col forms alone, on random float32 arrays of
  the same shapes, into preallocated outputs — per convolution, forward ``cols · Wmatᵀ``
  (n·H_out·W_out × C_in·k² by C_in·k² × C_out), weight gradient ``Dᵀ · cols`` and input gradient
  ``D · Wmat`` (not for the first layer): the BLAS floor of any im2col implementation; ``bare, 1 thread``
  the same with BLAS limited to one thread;
- ``pytorch``: the same network in PyTorch (``torch.nn.Conv2d``, ``MaxPool2d(2, ceil_mode=True)`` for
  "same" pooling, ``Upsample(scale_factor=2)``, ``BCEWithLogitsLoss``, ``optim.Adadelta``), Glorot-uniform
  weights and zero biases, ``torch.set_num_threads`` = the cores. Benchmark only: npae never imports it.

Under each table, the ratios of the targets: npae (fast path) / pytorch (at most 1.0) and npae (fast path) /
bare products (at most 1.3), and npae (readable) / npae (fast path).

The CPU columns are the process's CPU seconds (all threads, ``time.process_time``) per step: less
sensitive than wall time to other processes taking the cores, though not to their use of the caches.
The variants are interleaved (A B C A B C ...) so that noise from other processes hits all of them; each
figure is a median over the repeats; the 1-minute load average is printed under each table. On a shared
machine read the ratios, not the absolute times.

Usage::

    python benchmarks/bench_conv.py [--model ae|dae|both] [--repeats 7] [--steps 10] [--full-epoch] [--quick]
    python benchmarks/bench_conv.py --model ae --torch-reference 10 [--seeds 0 1 2]

``--quick``: 2 repeats of 2 steps, a smoke test only. ``--torch-reference EPOCHS`` times nothing: it trains the
PyTorch network as lessons 25 and 26 train npae's (Keras' objective, Adadelta, batch 256, the test split as
validation, for the denoising model one fixed corruption of it) and prints the validation BCE per pixel after
every epoch, for each seed: the reference figures those lessons compare npae with.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))    # run from a checkout

from npae.core.conv import Conv2D  # noqa: E402
from npae.models.conv_autoencoder import conv_autoencoder, conv_denoising_autoencoder  # noqa: E402
from npae.perf.conv_fast import fast_loss_and_grads, fast_model  # noqa: E402
from npae.perf.parallel import num_threads  # noqa: E402
from npae.training.minibatch import train_minibatch  # noqa: E402
from npae.training.optimizers import Adadelta  # noqa: E402

BATCH = 256
N_TRAIN = 60000
STEPS_PER_EPOCH = -(-N_TRAIN // BATCH)
MODELS = {"ae": ("conv AE", conv_autoencoder, False), "dae": ("conv DAE", conv_denoising_autoencoder, True)}
FAST, READABLE, BARE, BARE1, TORCH = "npae (fast path)", "npae (readable)", "bare products", "bare, 1 thread", "pytorch"


def load():
    """(training images, source): Fashion-MNIST's 60 000 if installed, else uniform noise of that shape."""
    try:
        from npae.data.digits import load_fashion_mnist
        X, _ = load_fashion_mnist("train", dtype=np.float32)
        return X, "Fashion-MNIST train"
    except (FileNotFoundError, OSError, ValueError):
        return np.random.default_rng(0).uniform(size=(N_TRAIN, 784)).astype(np.float32), "uniform noise"


def noisy(X, rng):
    return np.clip(X + 0.5 * rng.standard_normal(X.shape, dtype=np.float32), 0.0, 1.0)


class NpaeStep:
    """Consecutive minibatch steps of ``loss_and_grads(X, target)`` on ``params`` with one Adadelta instance."""

    def __init__(self, loss_and_grads, params, X, denoising, rng):
        self.loss_and_grads, self.params, self.X, self.denoising, self.rng = loss_and_grads, params, X, denoising, rng
        self.optimizer = Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7)
        self.position = 0

    def __call__(self):
        batch = self.X[self.position:self.position + BATCH]
        self.position = (self.position + BATCH) % (len(self.X) - BATCH)
        inputs = noisy(batch, self.rng) if self.denoising else batch
        _, grads = self.loss_and_grads(inputs, batch)
        self.optimizer.step(self.params, grads)


class BareProducts:
    """The im2col matrix products of every convolution of ``model`` for one minibatch (module docstring)."""

    def __init__(self, model, rng):
        self.products = []
        shape = model.input_shape
        first = True
        for layer in model.layers:
            out = layer.output_shape(shape)
            if isinstance(layer, Conv2D):
                rows, k = BATCH * out[1] * out[2], layer.in_channels * layer.kernel_size ** 2
                cols = rng.standard_normal((rows, k), dtype=np.float32)
                Wmat = rng.standard_normal((layer.out_channels, k), dtype=np.float32)
                D = rng.standard_normal((rows, layer.out_channels), dtype=np.float32)
                self.products.append((cols, Wmat.T, np.empty((rows, layer.out_channels), np.float32)))
                self.products.append((D.T, cols, np.empty((layer.out_channels, k), np.float32)))
                if not first:
                    self.products.append((D, Wmat, np.empty((rows, k), np.float32)))
                first = False
            shape = out

    def flops(self):
        return sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in self.products)

    def __call__(self):
        for a, b, out in self.products:
            np.matmul(a, b, out=out)


class OneBlasThread:
    """Call ``function`` with BLAS limited to one thread (threadpoolctl): the single-core floor, immune to
    OpenBLAS's worker threads spinning on cores that other processes hold."""

    def __init__(self, function):
        from threadpoolctl import threadpool_limits
        self.function, self.limits = function, threadpool_limits

    def __call__(self):
        with self.limits(limits=1, user_api="blas"):
            self.function()


def torch_model(denoising):
    from torch import nn

    def conv(c_in, c_out, padding="same"):
        layer = nn.Conv2d(c_in, c_out, 3, padding=padding)
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
        return layer

    pool, up, relu = (lambda: nn.MaxPool2d(2, ceil_mode=True)), (lambda: nn.Upsample(scale_factor=2)), nn.ReLU
    if denoising:
        layers = [conv(1, 32), relu(), pool(), conv(32, 32), relu(), pool(), conv(32, 32), relu(), up(),
                  conv(32, 32), relu(), up(), conv(32, 1)]
    else:
        layers = [conv(1, 16), relu(), pool(), conv(16, 8), relu(), pool(), conv(8, 8), relu(), pool(),
                  conv(8, 8), relu(), up(), conv(8, 8), relu(), up(), conv(8, 16, "valid"), relu(), up(),
                  conv(16, 1)]
    return nn.Sequential(*layers)


class TorchStep:
    def __init__(self, X, denoising, rng, seed=0):
        import torch
        torch.set_num_threads(num_threads())
        torch.manual_seed(seed)
        self.torch = torch
        self.model = torch_model(denoising)
        self.optimizer = torch.optim.Adadelta(self.model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
        self.loss = torch.nn.BCEWithLogitsLoss()
        self.X, self.denoising, self.rng, self.position = X, denoising, rng, 0

    def step(self, batch):
        inputs = noisy(batch, self.rng) if self.denoising else batch
        x = self.torch.from_numpy(inputs).reshape(-1, 1, 28, 28)
        t = self.torch.from_numpy(batch).reshape(-1, 1, 28, 28)
        self.optimizer.zero_grad()
        self.loss(self.model(x), t).backward()
        self.optimizer.step()

    def __call__(self):
        self.step(self.X[self.position:self.position + BATCH])
        self.position = (self.position + BATCH) % (len(self.X) - BATCH)

    def epoch(self):
        order = self.rng.permutation(len(self.X))
        start = time.perf_counter()
        for b in range(STEPS_PER_EPOCH):
            self.step(self.X[order[b * BATCH:(b + 1) * BATCH]])
        return time.perf_counter() - start


def torch_reference(X, denoising, epochs, seeds):
    """Train the PyTorch network as the lessons train npae's (Adadelta, batch 256, reshuffled every epoch) and
    print the per-pixel validation BCE of the test split after every epoch, for each seed (``--torch-reference``)."""
    import torch
    from npae.core.corruption import Corruption
    from npae.data.digits import load_fashion_mnist
    X_test, _ = load_fashion_mnist("test", dtype=np.float32)
    # the lessons' validation data: for denoising, one fixed draw of the corruption of the test images
    X_in = Corruption("gaussian", 0.5, clip=(0.0, 1.0))(X_test, np.random.default_rng(2)) if denoising else X_test
    x_val = torch.from_numpy(np.ascontiguousarray(X_in, dtype=np.float32)).reshape(-1, 1, 28, 28)
    t_val = torch.from_numpy(X_test).reshape(-1, 1, 28, 28)
    name = "conv DAE" if denoising else "conv AE"
    print(f"PyTorch {torch.__version__}, {name}, validation BCE per pixel on the test split after each epoch:")
    for seed in seeds:
        step = TorchStep(X, denoising, np.random.default_rng(seed), seed=seed)
        losses = []
        for _ in range(epochs):
            step.epoch()
            with torch.no_grad():         # in blocks of 500 images: 10 000 at once would take gigabytes
                losses.append(sum(float(step.loss(step.model(x_val[i:i + 500]), t_val[i:i + 500])) * len(x_val[i:i + 500])
                                  for i in range(0, len(x_val), 500)) / len(x_val))
        print(f"  seed {seed}: " + " ".join(f"{v:.4f}" for v in losses), flush=True)


def timed(function, steps):
    """(wall seconds, CPU seconds of the whole process, all threads) per call, over ``steps`` calls."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        function()
    return (time.perf_counter() - start) / steps, (time.process_time() - cpu) / steps


def bench_model(key, X, args, has_torch):
    """Time the variants of one model (interleaved) and print its table and ratios."""
    name, factory, denoising = MODELS[key]
    rng = np.random.default_rng(0)
    model = factory(rng=np.random.default_rng(0), dtype=np.float32)
    readable = factory(rng=np.random.default_rng(0), dtype=np.float32)
    variants = {FAST: (NpaeStep(fast_loss_and_grads(model), model.params, X, denoising, rng), args.steps),
                READABLE: (NpaeStep(readable.loss_and_grads, readable.params, X, denoising, rng), args.readable_steps)}
    bare = BareProducts(model, rng)
    variants[BARE] = (bare, args.steps)
    variants[BARE1] = (OneBlasThread(bare), args.steps)
    if has_torch:
        variants[TORCH] = (TorchStep(X, denoising, rng), args.steps)
    parameters = sum(v.size for v in model.params.values())
    print(f"\nseed's {name} ({parameters} parameters), float32, batch {BATCH}; bare products: "
          f"{bare.flops() / 1e9:.2f} GFLOP per step")
    for function, _ in variants.values():
        function()                                              # warm-up
    times = {k: [] for k in variants}
    cpu = {k: [] for k in variants}
    loads = []
    for _ in range(args.repeats):
        for k, (function, steps) in variants.items():
            time.sleep(0.2)                                     # let BLAS worker threads go idle
            wall, seconds = timed(function, steps)
            times[k].append(wall)
            cpu[k].append(seconds)
        loads.append(os.getloadavg()[0])
    step = {k: statistics.median(v) for k, v in times.items()}
    step_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"{'variant':17s} {'step (median)':>14s} {'epoch estimate':>15s} {'ratio to fast path':>19s}"
          f" {'CPU s/step':>11s} {'CPU ratio':>10s}")
    for k in variants:
        print(f"{k:17s} {1e3 * step[k]:11.1f} ms {step[k] * STEPS_PER_EPOCH:13.1f} s {step[k] / step[FAST]:19.2f}"
              f" {step_cpu[k]:11.3f} {step_cpu[k] / step_cpu[FAST]:10.2f}")
    ratios = [f"fast path / bare products = {step[FAST] / step[BARE]:.2f} (target ≤ 1.3)"]
    if has_torch:
        ratios.insert(0, f"fast path / pytorch = {step[FAST] / step[TORCH]:.2f} (target ≤ 1.0)")
    ratios.append(f"readable / fast path = {step[READABLE] / step[FAST]:.2f}")
    print(f"{name}: " + "; ".join(ratios))
    print(f"load average (1 min) during the repeats: {min(loads):.2f} – {max(loads):.2f}")

    if args.full_epoch:
        print(f"one real epoch of 60 000 images (shuffled, Adadelta), {name}:")
        trained = fast_model(factory(rng=np.random.default_rng(1), dtype=np.float32))
        history = train_minibatch(trained, X, optimizer=Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7),
                                  epochs=1, batch_size=BATCH, corruption=noisy if denoising else None,
                                  rng=np.random.default_rng(2), verbose=False)
        print(f"  npae (fast path) train_minibatch: {history.seconds[0]:.1f} s  (load {os.getloadavg()[0]:.2f})")
        if has_torch:
            seconds = variants[TORCH][0].epoch()
            print(f"  pytorch loop:                     {seconds:.1f} s  (load {os.getloadavg()[0]:.2f})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("ae", "dae", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=10, help="minibatch steps per repeat")
    parser.add_argument("--readable-steps", type=int, default=3, help="steps per repeat of the readable path")
    parser.add_argument("--full-epoch", action="store_true", help="also time one real epoch (npae and PyTorch)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--torch-reference", type=int, metavar="EPOCHS",
                        help="instead: train the PyTorch network EPOCHS epochs and print its validation BCE per epoch")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds of --torch-reference")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.steps, args.readable_steps = 2, 2, 1

    X, source = load()
    if args.torch_reference:
        for key in ("ae", "dae") if args.model == "both" else (args.model,):
            torch_reference(X, MODELS[key][2], args.torch_reference, args.seeds)
        return
    torch_version = None
    if not args.no_torch:
        try:
            import torch
            torch_version = torch.__version__
        except ImportError:
            print("PyTorch is not installed: its lines are skipped (pip install torch, benchmark only)")
    print(f"data: {source}; numpy {np.__version__}, threads {num_threads()}, pytorch {torch_version}, "
          f"{args.repeats} repeats of {args.steps} steps ({args.readable_steps} for the readable path); "
          f"{STEPS_PER_EPOCH} steps per epoch")
    for key in ("ae", "dae") if args.model == "both" else (args.model,):
        bench_model(key, X, args, torch_version is not None)


if __name__ == "__main__":
    main()
