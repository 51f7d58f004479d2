"""Lesson 01: what is an autoencoder? Encoder, decoder, undercomplete code, reconstruction loss.

Run as a script (``python lessons/01_what_is_an_autoencoder.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format). Full mode trains a 64-16-64 autoencoder on 10 000 patches
for 200 L-BFGS iterations; quick mode uses 2000 patches and 20 iterations.
"""
# %% [markdown]
# # 01 · What is an autoencoder?
#
# **What you will learn:** what an encoder, a decoder, a code and a reconstruction are; the shapes of
# every array in a two-layer autoencoder with samples as rows; the reconstruction loss UFLDL calls $J$;
# why a code smaller than the input (an *undercomplete* autoencoder) forces the network to learn
# something; how to tell whether it did (compare with the best constant guess).
#
# **Prerequisites:** none — NumPy, matrix products and the chain rule of calculus. Lesson 02 derives
# the gradient this lesson uses.
#
# An **autoencoder** is a network trained to copy its input to its output — through a bottleneck.
# It has two parts (Goodfellow, Bengio & Courville, *Deep Learning*, §14 introduction):
#
# - an **encoder** $f$ that maps an input $x$ to a **code** $h = f(x)$,
# - a **decoder** $g$ that maps the code back to a **reconstruction** $\hat x = g(h) = g(f(x))$.
#
# Copying is useless by itself. It becomes useful when the network *cannot* copy perfectly: then it
# has to decide which aspects of the data to keep. The simplest way to forbid perfect copying is to
# make the code smaller than the input, $\dim h < \dim x$: the autoencoder is then called
# **undercomplete** (§14.1), and learning it forces the code to capture the most salient features of
# the data.
#
# **Key terms:** autoencoder (自编码器), encoder (编码器), decoder (解码器), code (编码),
# reconstruction (重构), undercomplete (欠完备), reconstruction error (重构误差), hidden unit (隐藏单元),
# logistic sigmoid (logistic sigmoid 函数), whitening (白化).
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
# logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$ applied elementwise (adding $b_1$ to every row is
# NumPy's broadcasting). UFLDL stores one sample per *column*, so its $W^{(1)}$ is our $W_1^\top$.
#
# ## The reconstruction loss, step by step
#
# For one sample the error is half the squared distance between the reconstruction and the input,
# summed over the $n_{\text{visible}}$ pixels: $\tfrac12 \lVert \hat x - x \rVert^2 = \tfrac12 \sum_k (\hat x_k - x_k)^2$.
# Averaging over the batch gives UFLDL's $J$:
#
# $$ J(W_1, b_1, W_2, b_2) = \frac{1}{m} \sum_{i=1}^{m} \tfrac12 \lVert \hat x^{(i)} - x^{(i)} \rVert^2 . $$
#
# The ½ only makes the derivative clean ($\partial J / \partial \hat x^{(i)} = (\hat x^{(i)} - x^{(i)})/m$);
# the mean over samples makes $J$ independent of the batch size. Other normalisations are common (no ½,
# a mean over pixels as well): every reconstruction error this course prints goes through
# `npae.analysis.metrics.reconstruction_error(model, X, kind=...)` and names its kind —
# here `kind="squared_error"`, exactly this $J$. Training means: find the weights that make $J$ small,
# by gradient-based optimisation (lesson 02 computes the gradient by hand).

# %%
import numpy as np

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.data.natural_images import describe_natural_images, ufldl_patches
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network, show_images
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="01_what_is_an_autoencoder")
QUICK = lesson.quick
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
print("images:", describe_natural_images())
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
# stick is the error of the best *constant* guess, the mean patch $\bar x$:
# $\frac1m \sum_i \frac12 \lVert \bar x - x^{(i)}\rVert^2$ (the same normalisation as $J$). An autoencoder
# that does not beat it has learned nothing about individual patches.

# %%
loss_before = reconstruction_error(model, X, kind="squared_error")
mean_patch = X.mean(axis=0)
loss_mean_patch = 0.5 * np.mean(np.sum((X - mean_patch) ** 2, axis=1))   # ½‖x̄ − x‖², mean over samples
print(f"squared_error (mean of ½‖x̂ − x‖²) before training: {loss_before:.4f}")
print(f"squared_error of the mean patch:                   {loss_mean_patch:.4f}")

# %% [markdown]
# ## Training with L-BFGS
#
# UFLDL trains on the whole batch with L-BFGS (a quasi-Newton method that builds a curvature estimate
# from the last few gradients). `train_lbfgs` hands the model's `loss_and_grads` to SciPy's
# L-BFGS-B; the model supplies $J$ and its gradient, computed by hand-written backpropagation.

# %%
result = train_lbfgs(model, X, maxiter=20 if QUICK else 200, print_every=100)
loss_after = reconstruction_error(model, X, kind="squared_error")
lesson.stamp(f"{result.nit} L-BFGS iterations ({result.message})")

# %% [markdown]
# ## Inputs and their reconstructions
#
# Top row: ten patches; bottom row: what the autoencoder rebuilds from their 16-number codes.
# Both rows are drawn on one common grey scale. A 16-number code cannot hold 64 *independent* pixel
# values, but neighbouring pixels of these patches are correlated (the whitening filter rolls off the
# highest frequencies), so much of their variation lives in a few directions, and the bottleneck keeps
# those.

# %%
X_hat = model.reconstruct(X[:10])
lesson.show(show_images(np.vstack([X[:10], X_hat]), ncols=10,
                        title="inputs (top), reconstructions (bottom)"), "01_reconstructions")

# %% [markdown]
# ## What did the hidden units learn?
#
# Hidden unit $j$ computes $h_j = \sigma(x \cdot W_1[:, j] + b_{1,j})$: it responds most to inputs that
# look like its weight vector $W_1[:, j]$. Drawing each column of $W_1$ as an 8×8 image shows what
# each unit is looking for. With no constraint but the bottleneck, the units learn spread-out patterns
# that together span the most variable directions of the data (for a *linear* decoder and squared
# error, an undercomplete autoencoder learns the same subspace as PCA: lesson 05 measures it). Lesson 03
# adds a **sparsity** penalty, which turns these into localised, oriented edge detectors.

# %%
lesson.show(display_network(model.params["W1"], title=f"W1[:, j] of the 16 hidden units after {result.nit} "
                            "L-BFGS iterations", pixels_per_cell=20), "01_filters")

# %% [markdown]
# ## Results
#
# The first two numbers are only reported, as the yardsticks of the others. The claims: the untrained
# network (small random weights, outputs close to grey) reconstructs *worse* than the mean patch;
# training lowers $J$ below its starting value and below the mean patch's error, in both modes; after the
# full 200 iterations the ratio of its error to the mean patch's is below one half. The ranges each number
# is checked against are in the `expect` calls.

# %%
lesson.expect("squared_error before training", loss_before)
lesson.expect("squared_error of the mean patch", loss_mean_patch)
lesson.expect("error before training / error of the mean patch", loss_before / loss_mean_patch,
              quick=(1.0, 2.0), full=(1.0, 2.0))
lesson.expect("squared_error after training", loss_after, quick=(0.0, loss_before), full=(0.0, loss_before))
lesson.expect("error after training / error of the mean patch", loss_after / loss_mean_patch,
              quick=(0.0, 1.0), full=(0.0, 0.5))

# %% [markdown]
# ## What to look for in the figures
#
# - `01_reconstructions`: after the full run the bottom row follows the top row's light and dark
#   regions, slightly smoothed (fine detail is what 16 numbers cannot keep); in quick mode the
#   reconstructions are still blurred towards grey.
# - `01_filters`: smooth, spread-out patterns covering the whole patch, unlike the localised edges of
#   lesson 03; no single tile needs to mean anything — together they span the subspace the code keeps.
#
# ## Exercises
#
# - Change the code size to 4 and to 49 units (`Autoencoder(64, n_hidden, ...)`). How does the final
#   error change? With 49 units (still undercomplete), do the filters look different?
# - Replace the training patches by random uniform noise in $[0.1, 0.9]$. Can the autoencoder beat the
#   mean-patch yard stick now? Why not? (Think about what correlation between pixels buys.)
# - Why must the inputs lie in $[0.1, 0.9]$ with a sigmoid decoder? What happens to $J$'s gradient for a
#   target pixel of exactly 0 or 1?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning* (2016), chapter 14 introduction and §14.1
#   (undercomplete autoencoders; 《深度学习》第 14 章 自编码器, 14.1 欠完备自编码器).
# - A. Ng et al., UFLDL tutorial: *Autoencoders and Sparsity* (the model and notation used here).
# - G. Hinton & R. Salakhutdinov (2006), "Reducing the dimensionality of data with neural networks",
#   *Science* 313 — the paper that made deep autoencoders practical.

# %%
lesson.done()
