"""Lesson 17: the Keras blog's autoencoder (784-32-784, ReLU code, Adadelta) rebuilt in NumPy.

Run as a script (``python lessons/17_keras_autoencoder_in_numpy.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format).
"""
# %% [markdown]
# # 17 · The Keras blog's autoencoder, in NumPy
#
# Francois Chollet's blog post *Building Autoencoders in Keras* (2016) starts with the simplest
# possible autoencoder, and its recipe has been copied thousands of times:
#
# | | |
# |---|---|
# | architecture | 784 → 32 → 784, fully connected |
# | encoder | $h = \mathrm{ReLU}(x W_1 + b_1)$ |
# | decoder | $\hat x = \sigma(h W_2 + b_2)$ |
# | loss | binary cross-entropy, Keras' per-pixel mean |
# | optimizer | Adadelta, Keras 2 defaults: $\eta = 1$, $\rho = 0.95$, $\varepsilon = 10^{-7}$ |
# | training | 50 epochs, batch 256, shuffled; validation on the test split |
# | init | Glorot-uniform weights, zero biases |
#
# Here it is with npae: one `Autoencoder`, one `train_minibatch`, in float32 as Keras runs it.
# MNIST needs the internet, so the lesson runs on **Fashion-MNIST** (same shapes; Debian ships it),
# and on MNIST too where `data_scripts/fetch_mnist.py` has fetched it.
#
# **Units.** npae's cross-entropy is the mean over samples of a *sum* over the 784 pixels;
# Keras reports the mean over pixels too. So we divide by 784 to compare:
#
# $$\text{BCE}_{\text{pixel}} = \frac{1}{784}\,\frac1m \sum_i \sum_{j=1}^{784}
#   -\big[x_{ij}\log \hat x_{ij} + (1-x_{ij})\log(1-\hat x_{ij})\big].$$
#
# Two reference points tell us what a number means. Pixels are grey levels in $[0,1]$, not bits,
# so even a perfect reconstruction $\hat x = x$ pays the **entropy** of each pixel,
# $-[x\log x + (1-x)\log(1-x)]$: that is the floor. And a "reconstruction" that ignores its input and
# always outputs the **mean training image** is the ceiling any useful code must beat.

# %%
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.special import xlogy  # noqa: E402

from npae.data.digits import available, load_fashion_mnist, load_mnist  # noqa: E402
from npae.training.minibatch import train_minibatch  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.training.optimizers import Adadelta  # noqa: E402
from npae.plotting import show_images  # noqa: E402
from npae.scripting import lesson_options  # noqa: E402
from npae.serialize import load_model, save_model  # noqa: E402

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

EPOCHS = 2 if QUICK else 50
N_TRAIN, N_VAL = (3000, 1000) if QUICK else (None, None)       # None: the whole split
N_PIXELS = 784

DATASETS = {"Fashion-MNIST": load_fashion_mnist}
if available("mnist"):
    DATASETS["MNIST"] = load_mnist
print("data sets:", ", ".join(DATASETS), "" if "MNIST" in DATASETS else "(MNIST not fetched: skipped)")


def load(loader):
    X, _ = loader("train", dtype=np.float32)
    X_val, y_val = loader("test", dtype=np.float32)
    return X[:N_TRAIN], X_val[:N_VAL], y_val[:N_VAL]


def per_pixel_bce(X_hat, X):
    """Keras' binary cross-entropy: the mean over samples *and* pixels (float64 accumulation)."""
    X_hat = np.clip(X_hat.astype(np.float64), 1e-12, 1 - 1e-12)
    X = X.astype(np.float64)
    return float(-np.mean(xlogy(X, X_hat) + xlogy(1 - X, 1 - X_hat)))


def references(X, X_val):
    """The entropy floor and the mean-image ceiling, per pixel, on the validation split."""
    floor = per_pixel_bce(X_val, X_val)                  # x̂ = x: each pixel pays its own entropy
    mean_image = per_pixel_bce(np.broadcast_to(X.mean(axis=0), X_val.shape), X_val)
    return floor, mean_image


# %% [markdown]
# ## The recipe
#
# `train_minibatch` does the Keras loop: shuffle, cut into batches of 256, one Adadelta step per
# batch, validation loss after every epoch. A callback prints each epoch in Keras' units and records
# the process's CPU time next to the wall time (the machine this ran on was shared; the load average
# is printed with the timings).

# %%
def keras_recipe(encoder, X, X_val, seed, epochs=EPOCHS, extra=None):
    """Build and train the blog's model with ``encoder``; return the model, history and CPU seconds.

    ``extra(model)``, if given, returns more text for each epoch's line (diagnostics)."""
    model = Autoencoder(N_PIXELS, 32, encoder=encoder, decoder="sigmoid", loss="cross_entropy",
                        init="glorot", dtype=np.float32, rng=np.random.default_rng(seed))
    cpu = []
    clock = [time.process_time()]

    def report(epoch, history):
        now = time.process_time()
        cpu.append(now - clock[0])
        more = "" if extra is None else "  " + extra(model)
        print(f"  epoch {epoch + 1:2d}  train {history.loss[-1] / N_PIXELS:.4f}  "
              f"val {history.val_loss[-1] / N_PIXELS:.4f}  {history.seconds[-1]:.2f} s "
              f"(cpu {cpu[-1]:.2f} s){more}", flush=True)
        clock[0] = time.process_time()        # the diagnostics are not part of the epoch's time

    optimizer = Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7)
    history = train_minibatch(model, X, X_val=X_val, optimizer=optimizer, epochs=epochs, batch_size=256,
                              rng=np.random.default_rng(seed + 1), verbose=False, callback=report)
    return model, history, cpu


results = {}
for name, loader in DATASETS.items():
    X, X_val, y_val = load(loader)
    floor, mean_image = references(X, X_val)
    print(f"\n{name}: train {X.shape}, validation {X_val.shape}, {X.dtype}")
    print(f"  per-pixel BCE references on the validation split: entropy floor {floor:.4f}, "
          f"mean image {mean_image:.4f}")
    print(f"  ReLU encoder (the blog's recipe), {EPOCHS} epochs:")
    model, history, cpu = keras_recipe("relu", X, X_val, seed=0)
    val = np.array(history.val_loss) / N_PIXELS
    seconds = np.array(history.seconds)
    print(f"  final validation BCE per pixel: {val[-1]:.4f}  (PyTorch, same recipe: 0.2952-0.2966)")
    print(f"  time per epoch: median {np.median(seconds):.3f} s wall, {np.median(cpu):.3f} s cpu "
          f"(validation included); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results[name] = dict(X=X, X_val=X_val, model=model, val=val, floor=floor, mean_image=mean_image)

# %% [markdown]
# Check: the reconstruction on the validation split, computed directly with `per_pixel_bce`, must be
# the last number of the curve (it is the same quantity computed two ways).

# %%
for name, r in results.items():
    direct = per_pixel_bce(r["model"].reconstruct(r["X_val"]), r["X_val"])
    print(f"{name}: per_pixel_bce(reconstruct(X_val)) = {direct:.4f}, last val = {r['val'][-1]:.4f}")

# %% [markdown]
# ## Reconstructions
#
# The top row is the input, the bottom row what the 32-number code gives back. In the full run the code
# keeps each garment's silhouette and overall brightness (trousers, pullovers, sneakers come back
# recognisable) and throws away the detail: a printed logo becomes a faint smudge, a plaid shirt a plain
# one, and a strappy sandal comes back as a blurred generic shoe.

# %%
for name, r in results.items():
    originals = r["X_val"][:12]
    pairs = np.concatenate([originals, r["model"].reconstruct(originals)])
    path = OUT / f"08_reconstructions_{name.lower()}.png"
    show_images(pairs, (28, 28), path=path, ncols=12, title=f"{name}: inputs (top), reconstructions (bottom)")
    print("wrote", path)

# %% [markdown]
# ## Saving the model
#
# `npae.serialize.save_model` writes the architecture, the hyperparameters and the parameters into
# one `.npz`; `load_model` checks the file and gives back a model that computes exactly the same
# numbers (no pickle is involved at any point).

# %%
for name, r in results.items():
    path = OUT / f"08_keras_autoencoder_{name.lower()}.npz"
    save_model(r["model"], path)
    again = load_model(path)
    same = again.loss(r["X_val"]) == r["model"].loss(r["X_val"])
    print(f"{name}: saved {path.name} ({path.stat().st_size / 1024:.0f} KiB); loaded model gives the same "
          f"validation loss: {same}")

# %% [markdown]
# ## The same recipe with a sigmoid code
#
# Change one word, `encoder="sigmoid"`, and keep everything else. The curve is very different: after
# the first epoch it is just below the **mean-image** level (in our full run 0.485 against 0.491, where
# the ReLU code is already at 0.336), and it crawls down from there for many epochs. To see why, recall
# what Adadelta's first steps look like. With $E[\Delta\theta^2] = 0$ at the start,
#
# $$\Delta\theta_1 = -\frac{\sqrt{\varepsilon}}{\sqrt{(1-\rho)g^2 + \varepsilon}}\,g
#   \approx -\sqrt{\tfrac{\varepsilon}{1-\rho}}\,\mathrm{sign}(g) \approx -1.4\times10^{-3}\,\mathrm{sign}(g)
#   \quad\text{when } |g| \gg \sqrt{\varepsilon/(1-\rho)},$$
#
# and $E[\Delta\theta^2]$ then grows only slowly. Every parameter moves by about the same **tiny,
# unit-free** amount per step, whatever the size of its gradient. The fastest way down is to fit the
# mean image first: the output logits must reach $\mathrm{logit}(\bar x_j)$, several units away from 0
# for the black background. The bias $b_2$ alone moves each logit by ~1.4e-3 per step. But with
# $h \approx$ constant, every row of $W_2$ is *another bias*: $z_j = b_{2j} + \sum_k h_k W_{2kj}$ moves
# about $1 + \sum_k h_k$ times faster when all the rows move together, and faster still when the codes
# $h_k$ are pushed up towards 1. A sigmoid code can only go up to 1 by **saturating**: the encoder's
# bias and weights are pushed until $h \approx 1$ for every input, where $\sigma'(z) = h(1-h) \approx 0$.
# From there the code carries almost no information about $x$, the gradient reaching $W_1$ is scaled
# by $\sigma'$ (at most 1/4, and near 0 now), and the 32 units, all doing the same job, are nearly
# copies of each other. Escaping means undoing the saturation and breaking that symmetry, a few
# thousandths per step.
#
# A ReLU code has no ceiling: it can grow to act as a bias *and* keep its slope 1 and its variation
# across inputs. We measure all of this below.
#
# What the measurements show (full run, Fashion-MNIST): the first step is 1.41e-3 in *every* block for
# both codes, although the median gradients differ sixteen-fold between blocks (the σ' ≤ 1/4 factor on
# W1's gradient does not shrink Adadelta's first steps: they are unit-free). The difference is in the
# *direction*. Within 20 steps the sigmoid code's mean rises from 0.52 to 0.97, its mean slope σ'(z)
# falls from 0.23 to 0.03 (0.002 after one epoch), its spread across inputs falls from 0.087 to 0.02,
# and the rows of W2 become alike (mean cosine 0.56 after 200 steps, from 0): the units have become one
# shared bias. The ReLU code's mean rises too (to ~3) but its spread grows with it (to ~2.7) and its
# slope stays ~0.8; its W2 rows stay different (cosine 0.19).

# %%
def code_diagnostics(model, X_probe):
    """Mean code, its spread across inputs, the mean slope f'(z), and how alike the W2 rows are."""
    H = model.encode(X_probe).astype(np.float64)
    Z1 = X_probe.astype(np.float64) @ model.params["W1"] + model.params["b1"]
    slope = H * (1 - H) if model.encoder.name == "sigmoid" else (Z1 > 0).astype(float)
    W2 = model.params["W2"].astype(np.float64)
    unit_rows = W2 / np.linalg.norm(W2, axis=1, keepdims=True)
    cosines = (unit_rows @ unit_rows.T)[~np.eye(len(W2), dtype=bool)]
    return dict(h_mean=H.mean(), h_spread=H.std(axis=0).mean(), slope=slope.mean(), cos_W2=cosines.mean())


def first_epoch_probe(encoder, X, X_val, seed, checkpoints=(0, 1, 5, 20, 50, 100, 200)):
    """Train the recipe step by step (one batch per call of train_minibatch, the same optimizer
    instance throughout, so its state carries over) and measure at a few step counts."""
    model = Autoencoder(N_PIXELS, 32, encoder=encoder, decoder="sigmoid", loss="cross_entropy",
                        init="glorot", dtype=np.float32, rng=np.random.default_rng(seed))
    optimizer = Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7)
    order = np.random.default_rng(seed + 1).permutation(len(X))
    probe = X_val[:2000]
    first_step = None
    rows = []
    for step in range(max(checkpoints) + 1):
        if step in checkpoints:
            d = code_diagnostics(model, probe)
            d["step"], d["val"] = step, model.loss(probe) / N_PIXELS
            rows.append(d)
        batch = X[order[(step * 256) % len(X):][:256]]
        if step == 0:
            _, g = model.loss_and_grads(batch)
            before = {k: v.copy() for k, v in model.params.items()}
        train_minibatch(model, batch, optimizer=optimizer, epochs=1, batch_size=256, shuffle=False,
                        rng=np.random.default_rng(0), verbose=False)
        if step == 0:
            first_step = {k: (np.abs(g[k]), np.abs(model.params[k] - before[k])) for k in g}
    return rows, first_step


if QUICK:
    probe_checkpoints = (0, 1, 5)
else:
    probe_checkpoints = (0, 1, 5, 20, 50, 100, 200)
name = "Fashion-MNIST"
X, X_val = results[name]["X"], results[name]["X_val"]
eps, rho = 1e-7, 0.95
print(f"\nFirst Adadelta step, {name}: |g| and |Δθ| per block (medians), and the formula "
      f"sqrt(ε)/sqrt((1-ρ)g²+ε)|g|; the largest possible first step is sqrt(ε/(1-ρ)) = {np.sqrt(eps / (1 - rho)):.2e}")
probes = {}
for encoder in ("relu", "sigmoid"):
    rows, first = first_epoch_probe(encoder, X, X_val, seed=0, checkpoints=probe_checkpoints)
    probes[encoder] = rows
    for key, (g, step) in first.items():
        predicted = np.sqrt(eps) / np.sqrt((1 - rho) * g.astype(np.float64) ** 2 + eps) * g
        tiny = np.mean(g < np.sqrt(eps / (1 - rho)))
        print(f"  {encoder:7s} {key}: median |g| {np.median(g):.2e}  median |Δθ| {np.median(step):.2e}  "
              f"formula {np.median(predicted):.2e}  (|g| below sqrt(ε/(1-ρ)): {tiny:.0%})")

print(f"\nThe first {max(probe_checkpoints)} steps ({name}; val = per-pixel BCE on 2000 test images; "
      "h spread = std of a unit's code across inputs, averaged over units; slope = mean f'(z1); "
      "cos W2 = mean cosine between rows of W2)")
for encoder, rows in probes.items():
    for d in rows:
        print(f"  {encoder:7s} step {d['step']:3d}  val {d['val']:.4f}  h mean {d['h_mean']:.3f}  "
              f"h spread {d['h_spread']:.3f}  slope {d['slope']:.3f}  cos W2 {d['cos_W2']:.3f}")

# %% [markdown]
# Now the full comparison: the sigmoid code under the same recipe, for the same number of epochs, with
# the same diagnostics at the end of every epoch.

# %%
def describe(model):
    d = code_diagnostics(model, X_val[:2000])
    return f"h mean {d['h_mean']:.3f}  h spread {d['h_spread']:.3f}  slope {d['slope']:.3f}  cos W2 {d['cos_W2']:.3f}"


print(f"\nSigmoid encoder, same recipe, {name}, {EPOCHS} epochs:")
sig_model, sig_history, _ = keras_recipe("sigmoid", X, X_val, seed=0, extra=describe)
sig_val = np.array(sig_history.val_loss) / N_PIXELS
print(f"  final validation BCE per pixel: {sig_val[-1]:.4f} (ReLU: {results[name]['val'][-1]:.4f}; "
      f"mean image {results[name]['mean_image']:.4f})")

# %% [markdown]
# ## The validation curves

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
epochs_axis = np.arange(1, EPOCHS + 1)
for dataset, r in results.items():
    ax.plot(epochs_axis, r["val"], marker=".", label=f"{dataset}, ReLU code (the blog's recipe)")
ax.plot(epochs_axis, sig_val, marker=".", label=f"{name}, sigmoid code (same recipe)")
r = results[name]
ax.axhline(r["mean_image"], color="grey", ls="--", lw=1, label=f"{name}: mean image ({r['mean_image']:.4f})")
ax.axhline(0.297, color="black", ls=":", lw=1, label="target 0.297 (PyTorch reaches 0.2952-0.2966)")
ax.axhline(r["floor"], color="grey", ls="-.", lw=1, label=f"{name}: entropy floor ({r['floor']:.4f})")
ax.set_xlabel("epoch")
ax.set_ylabel("validation BCE per pixel")
ax.set_title("784-32-784 autoencoder, Adadelta, batch 256")
ax.legend(fontsize=8)
fig.tight_layout()
path = OUT / "08_validation_curves.png"
fig.savefig(path, dpi=110)
plt.close(fig)
print("wrote", path)

# %% [markdown]
# ## What to take away
#
# - The blog's autoencoder needs nothing but two matrix products forward, three backward and an
#   update rule; in NumPy it reaches the blog's kind of result in 50 epochs.
# - Its loss is best read against the two references: the entropy floor (what a perfect copy costs on
#   grey-level data) and the mean image (what a code that says nothing costs).
# - Adadelta starts with steps of about $\sqrt{\varepsilon/(1-\rho)}$, the same for every parameter.
#   With a sigmoid code, the quickest way to use such steps is to saturate every hidden unit and use
#   the decoder's weights as extra biases. The code then says nothing, its slope is near zero, and the
#   units are copies of each other: a plateau near the mean image, left only slowly as the code
#   desaturates (still 0.308 after 50 epochs against 0.288 for ReLU in our run). The ReLU code never
#   saturates.
# - Timing note: these matrices are small (256 × 784 × 32). On a busy machine a multi-threaded BLAS
#   spends more time synchronising its threads than multiplying; `OPENBLAS_NUM_THREADS=1` can then be
#   several times faster.
