"""Lesson 18: UFLDL's MNIST sparse autoencoder (784-196, KL sparsity, L-BFGS), on Fashion-MNIST.

Run as a script (``python lessons/18_mnist_sparse_autoencoder.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format).
"""
# %% [markdown]
# # 18 · UFLDL's sparse autoencoder on digits — and on clothes
#
# UFLDL's exercise *Vectorization* reuses the sparse autoencoder of the first exercise (8×8 patches
# of natural images) on MNIST digits, with only the sizes and three hyperparameters changed:
#
# | | UFLDL (MNIST exercise) |
# |---|---|
# | architecture | 784 → 196 → 784, sigmoid code and sigmoid output |
# | data | the first 10 000 training images, pixels in [0, 1] |
# | loss | $\frac1m\sum_i \tfrac12\lVert\hat x^{(i)}-x^{(i)}\rVert^2$ |
# | weight decay | $\frac\lambda2(\lVert W_1\rVert^2+\lVert W_2\rVert^2)$, $\lambda = 3\times10^{-3}$ |
# | sparsity | $\beta\sum_j \mathrm{KL}(\rho\,\Vert\,\hat\rho_j)$, $\rho = 0.1$, $\beta = 3$ |
# | optimizer | L-BFGS on the whole batch, 400 iterations |
#
# UFLDL says the learned features "look like pen strokes". In npae this is the same `Autoencoder`
# as in lesson 01 with two penalties, trained by `train_lbfgs`. MNIST needs the internet, so we run
# on **Fashion-MNIST** (and on MNIST as well where it has been fetched) and ask: what do the features of
# clothes look like?

# %%
import os
import time

import numpy as np

from npae.data.digits import available, load_fashion_mnist, load_mnist
from npae.training.lbfgs import train_lbfgs
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import KLSparsity, WeightDecay
from npae.plotting import display_network, show_images
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

N_IMAGES = 1000 if QUICK else 10_000
MAXITER = 10 if QUICK else 400
N_HIDDEN, RHO, LAMBDA, BETA = 196, 0.1, 3e-3, 3.0

DATASETS = {"Fashion-MNIST": load_fashion_mnist}
if available("mnist"):
    DATASETS["MNIST"] = load_mnist
print("data sets:", ", ".join(DATASETS), "" if "MNIST" in DATASETS else "(MNIST not fetched: skipped)")


def sparse_autoencoder(dtype, seed=0):
    return Autoencoder(784, N_HIDDEN, encoder="sigmoid", decoder="sigmoid", loss="squared_error",
                       penalties=[WeightDecay(LAMBDA), KLSparsity(rho=RHO, beta=BETA)], init="ufldl",
                       dtype=dtype, rng=np.random.default_rng(seed))


# %% [markdown]
# ## float64 or float32?
#
# One evaluation of the loss and gradient on 10 000 images costs three products of size
# 10 000 × 784 × 196 (forward, and two backward) plus a fourth for the decoder: about 12 GFLOP.
# L-BFGS needs a little more than one evaluation per iteration, so 400 iterations are ~430 of them.
# We time one evaluation in each precision and choose.

# %%
IMAGES = {name: loader("train")[0][:N_IMAGES] for name, loader in DATASETS.items()}   # float64
timings = {}
for dtype in (np.float64, np.float32):
    model = sparse_autoencoder(dtype)
    X = IMAGES["Fashion-MNIST"].astype(dtype)
    model.loss_and_grads(X)                       # warm up (first-touch allocations)
    start = time.perf_counter()
    model.loss_and_grads(X)
    timings[np.dtype(dtype).name] = time.perf_counter() - start
for name, seconds in timings.items():
    print(f"{name}: one loss-and-gradient evaluation on {N_IMAGES} images: {seconds:.3f} s "
          f"-> ~{seconds * MAXITER * 1.08:.0f} s for {MAXITER} iterations")
print(f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")

# %% [markdown]
# float32 halves the memory traffic and roughly doubles the BLAS throughput (in our full run, on a
# lightly loaded 2-core machine: 1.06 s per evaluation in float64, 0.53 s in float32). SciPy's L-BFGS
# keeps its own vector in float64 and npae casts the parameters back to float32 for each evaluation; in
# our run it took all 400 iterations with 411 evaluations, without a line-search failure. We train in
# **float32** so that the lesson fits its ten-minute budget on two cores; the gradient checks elsewhere
# in npae are all float64.

# %%
DTYPE = np.float32
results = {}
for name, images in IMAGES.items():
    X = images.astype(DTYPE)
    model = sparse_autoencoder(DTYPE)
    print(f"\n{name}: {X.shape[0]} images, {model!r}")
    result = train_lbfgs(model, X, maxiter=MAXITER, print_every=10 if QUICK else 50)
    H = model.encode(X)
    rho_hat = H.mean(axis=0)
    reconstruction = 0.5 * np.mean(np.sum((model.reconstruct(X) - X) ** 2, axis=1, dtype=np.float64))
    print(f"{name}: final loss {result.fun:.4f} (reconstruction part {reconstruction:.4f}); "
          f"{result.nit} iterations, {result.nfev} evaluations, {result.seconds:.0f} s "
          f"(load average {os.getloadavg()[0]:.2f})")
    print(f"{name}: mean activation ρ̂ over the units: mean {rho_hat.mean():.3f} (target {RHO}), "
          f"range [{rho_hat.min():.3f}, {rho_hat.max():.3f}]; "
          f"fraction of codes above 0.5: {np.mean(H > 0.5):.3f}")
    results[name] = (model, X)

# %% [markdown]
# ## The features
#
# Each tile is one column of $W_1$ (the weights into one hidden unit), shown as a 28×28 image after
# `display_network`'s contrast normalisation: white is a large positive weight, black a large negative
# one. A hidden unit responds most to an input that looks like its tile (UFLDL, "Visualizing a
# trained autoencoder").

# %%
for name, (model, X) in results.items():
    path = OUT / f"09_filters_{name.lower()}.png"
    display_network(model.params["W1"], (28, 28), path=path)
    print("wrote", path)
    pairs = np.concatenate([X[:10], model.reconstruct(X[:10])])
    path = OUT / f"09_reconstructions_{name.lower()}.png"
    show_images(pairs, (28, 28), path=path, ncols=10, title=f"{name}: inputs (top), reconstructions (bottom)")
    print("wrote", path)

# %% [markdown]
# ## What the filters look like
#
# On MNIST, UFLDL's filters are pen strokes: short bright strokes at various places and angles, each
# with a dark surround — parts from which digits are assembled.
#
# On Fashion-MNIST the units do not learn strokes. What we saw after 400 iterations: most tiles are
# **whole-garment templates** that fill the image: a sneaker or ankle-boot profile with a bright sole
# line and a dark band above it, a pullover or shirt with its sleeves outlined, trousers with a dark
# gap between the legs, dress and bag shapes. Within a template the weights are mostly on the
# *outline* (the edges of sleeves, the sole, the leg gap), with fainter texture inside; a few units are
# local dark or bright blobs (a heel, a handle, a neckline). They are prototypes and contours of
# classes, not parts that could be recombined into other objects.
#
# The sparsity target is the same, but what the data are made of differs: a digit is a few thin
# strokes on an empty background, so a sparse code composes it from strokes; a garment is a large
# filled shape whose variation lies mostly in its outline and broad shading, and a few of the 196 units
# (7.9% of the codes are above 0.5 in our run: about 15 per image) are enough to pick a silhouette and
# adjust it. The
# reconstructions show the same thing: silhouettes come back, prints, stripes and thin sandal straps do
# not.
