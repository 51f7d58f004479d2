"""Lesson 01: what is an autoencoder? Encoder, decoder, undercomplete code, reconstruction loss.

Run as a script (``python lessons/01_what_is_an_autoencoder.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format).
"""
# %% [markdown]
# # 01 · What is an autoencoder?
#
# An **autoencoder** is a network trained to copy its input to its output — through a bottleneck.
# It has two parts (Goodfellow, Bengio & Courville, *Deep Learning*, §14.1):
#
# - an **encoder** $f$ that maps an input $x$ to a **code** $h = f(x)$,
# - a **decoder** $g$ that maps the code back to a **reconstruction** $\hat x = g(h) = g(f(x))$.
#
# Copying is useless by itself. It becomes useful when the network *cannot* copy perfectly: then it
# has to decide which aspects of the data to keep. The simplest way to forbid perfect copying is to
# make the code smaller than the input, $\dim h < \dim x$: the autoencoder is then called
# **undercomplete**, and learning it forces the code to capture the most salient features of the data.
#
# ## The model, with shapes
#
# We follow the notation of Stanford's UFLDL tutorial (Ng et al.), with one change that NumPy makes
# natural: **samples are rows**. A batch of $m$ inputs is a matrix $X$ of shape $(m, n_{\text{visible}})$.
#
# $$
# \begin{aligned}
# Z_1 &= X W_1 + b_1 &&(m, n_{\text{hidden}}) &&\text{encoder pre-activation}\\
# H &= \sigma(Z_1) &&(m, n_{\text{hidden}}) &&\text{the code } h = f(x)\\
# Z_2 &= H W_2 + b_2 &&(m, n_{\text{visible}}) &&\text{decoder pre-activation}\\
# \hat X &= \sigma(Z_2) &&(m, n_{\text{visible}}) &&\text{the reconstruction } \hat x = g(h)
# \end{aligned}
# $$
#
# with $W_1$ of shape $(n_{\text{visible}}, n_{\text{hidden}})$, $b_1$ of shape $(n_{\text{hidden}},)$,
# $W_2$ of shape $(n_{\text{hidden}}, n_{\text{visible}})$, $b_2$ of shape $(n_{\text{visible}},)$, and the
# logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$ applied elementwise. (UFLDL stores one sample per
# *column*, so its $W^{(1)}$ is our $W_1^\top$.)
#
# The **reconstruction loss** is UFLDL's $J$: the mean over the $m$ samples of half the squared error,
#
# $$ J(W_1, b_1, W_2, b_2) = \frac{1}{m} \sum_{i=1}^{m} \tfrac12 \lVert \hat x^{(i)} - x^{(i)} \rVert^2 . $$
#
# Training means: find the weights that make $J$ small, by gradient-based optimisation (lesson 02 shows
# how the gradient is computed by hand).

# %%
import time

import numpy as np

from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

from npae.data.natural_images import ufldl_patches  # noqa: E402
from npae.training.lbfgs import train_lbfgs  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.plotting import display_network, show_images  # noqa: E402

rng = np.random.default_rng(0)

# %% [markdown]
# ## The data: 8×8 patches of natural images
#
# Our inputs are small square pieces of photographs, $8 \times 8 = 64$ pixels, flattened row by row
# into vectors of length 64. They are prepared exactly as in UFLDL's sparse-autoencoder exercise:
# the photographs are *whitened* (their spectrum is flattened, so that edges stand out and smooth
# shading does not dominate), each patch has its mean removed, and all values are squeezed into
# $[0.1, 0.9]$ — the range a sigmoid output can actually reach.

# %%
n_patches = 2000 if QUICK else 10000
X = ufldl_patches(n_patches, 8, rng)
print("X:", X.shape, X.dtype, f"values in [{X.min():.2f}, {X.max():.2f}]")

# %% [markdown]
# ## An undercomplete autoencoder: 64 → 16 → 64
#
# Sixteen hidden units for 64 pixels: the code is four times smaller than the input.
# `Autoencoder` draws the initial weights uniformly in $[-r, r]$ with
# $r = \sqrt{6 / (n_{\text{visible}} + n_{\text{hidden}} + 1)}$ (UFLDL's `initializeParameters.m`)
# and sets the biases to zero. Let us look at every array's shape.

# %%
model = Autoencoder(64, 16, rng=np.random.default_rng(1))
for name, value in model.params.items():
    print(f"{name}: {value.shape}")
H = model.encode(X)
X_hat = model.reconstruct(X)
print("H = f(X):", H.shape, "  X_hat = g(f(X)):", X_hat.shape)

# %% [markdown]
# Before training, the code is nearly random and the reconstruction is close to grey. A useful yard
# stick is the loss of the best *constant* guess, the mean patch $\bar x$:
# $\frac1m \sum_i \frac12 \lVert \bar x - x^{(i)}\rVert^2$. An autoencoder that does not beat it has
# learned nothing about individual patches.

# %%
loss_before = model.loss(X)
mean_patch = X.mean(axis=0)
loss_mean_patch = 0.5 * np.mean(np.sum((X - mean_patch) ** 2, axis=1))
print(f"loss before training   {loss_before:.4f}")
print(f"loss of the mean patch {loss_mean_patch:.4f}")

# %% [markdown]
# ## Training with L-BFGS
#
# UFLDL trains on the whole batch with L-BFGS (a quasi-Newton method that builds a curvature estimate
# from the last few gradients). `train_lbfgs` hands the model's `loss_and_grads` to SciPy's
# L-BFGS-B; the model supplies $J$ and its gradient, computed by hand-written backpropagation.

# %%
maxiter = 20 if QUICK else 200
start = time.perf_counter()
result = train_lbfgs(model, X, maxiter=maxiter, print_every=100)
seconds = time.perf_counter() - start
loss_after = model.loss(X)
print(f"loss before {loss_before:.4f}  after {loss_after:.4f}  "
      f"(mean patch {loss_mean_patch:.4f})  {result.nit} iterations  {seconds:.1f} s")

# %% [markdown]
# ## Inputs and their reconstructions
#
# Top row: ten patches; bottom row: what the autoencoder rebuilds from their 16-number codes.
# Both rows are drawn on one common grey scale. After full training the two rows are hard to tell
# apart: a 16-number code cannot hold 64 *independent* pixel values, but neighbouring pixels of these
# patches are strongly correlated (the whitening filter rolls off the highest frequencies), so most of
# their variation lives in a few directions, and the bottleneck keeps those. Compare the final loss
# with the mean-patch yard stick above. In quick mode the reconstructions are still visibly blurred.

# %%
X_hat = model.reconstruct(X[:10])
path = OUT / "01_reconstructions.png"
show_images(np.vstack([X[:10], X_hat]), ncols=10, path=path, title="inputs (top), reconstructions (bottom)")
print("figure", path)

# %% [markdown]
# ## What did the hidden units learn?
#
# Hidden unit $j$ computes $h_j = \sigma(x \cdot W_1[:, j] + b_{1,j})$: it responds most to inputs that
# look like its weight vector $W_1[:, j]$. Drawing each column of $W_1$ as an 8×8 image shows what
# each unit is looking for. Without any other constraint than the bottleneck, the units tend to
# learn smooth, spread-out patterns that together span the most variable directions of the data
# (for a *linear* decoder and squared error, an undercomplete autoencoder learns the same subspace
# as PCA, Goodfellow et al. §14.1). Lesson 03 adds a **sparsity** penalty, which turns these into
# localised, oriented edge detectors.

# %%
path = OUT / "01_filters.png"
display_network(model.params["W1"], path=path)
print("figure", path)
