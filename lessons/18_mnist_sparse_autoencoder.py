"""Lesson 18: UFLDL's MNIST sparse autoencoder (784-196, KL sparsity, L-BFGS), on Fashion-MNIST.

Run as a script (``python lessons/18_mnist_sparse_autoencoder.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format). Full mode: 5000 training images (UFLDL: 10 000), 400 L-BFGS
iterations; quick mode: 800 images, 10 iterations.
"""
# %% [markdown]
# # 18 · UFLDL's sparse autoencoder on digits — and on clothes
#
# **What you will learn:** how the sparse autoencoder of lesson 03 scales from 8×8 patches to 28×28 images by
# changing only sizes and three hyperparameters; how to read the features (columns of $W_1$) of a trained
# model; how what the features look like depends on what the data are made of.
#
# **Prerequisites:** lessons 02 (backprop), 03 (the sparse autoencoder, KL penalty) and 04 (L-BFGS).
#
# **Key terms:** sparse autoencoder (稀疏自编码器), KL divergence (KL 散度), weight decay (权重衰减),
# feature (特征), hidden unit (隐藏单元), L-BFGS (L-BFGS), vectorisation (向量化).
#
# UFLDL's exercise *Vectorization* reuses the sparse autoencoder of the first exercise on MNIST digits:
#
# | | UFLDL (MNIST exercise) |
# |---|---|
# | architecture | 784 → 196 → 784, sigmoid code and sigmoid output |
# | data | the first 10 000 training images, pixels in [0, 1] (here: 5000, to keep the run within minutes) |
# | loss | $\frac1m\sum_i \tfrac12\lVert\hat x^{(i)}-x^{(i)}\rVert^2$ |
# | weight decay | $\frac\lambda2(\lVert W_1\rVert^2+\lVert W_2\rVert^2)$, $\lambda = 3\times10^{-3}$ |
# | sparsity | $\beta\sum_j \mathrm{KL}(\rho\,\Vert\,\hat\rho_j)$, $\rho = 0.1$, $\beta = 3$ |
# | optimizer | L-BFGS on the whole batch, 400 iterations |
#
# UFLDL says the learned features "look like pen strokes". MNIST needs the internet, so we run on
# Fashion-MNIST and ask: what do the features of clothes look like?
#
# ## The derivation: nothing new, only vectorised
#
# 1. The cost is lesson 03's $J_{\text{sparse}}$; with the rows of $X$ the samples, the forward pass is
#    $H = \sigma(XW_1 + b_1)$, $\hat X = \sigma(HW_2 + b_2)$, and $\hat\rho = \frac1m \mathbf 1^\top H$.
# 2. The backward pass is lesson 02's with the KL term of lesson 03:
#    $\delta^{(3)} = \frac1m(\hat X - X)\circ\hat X\circ(1-\hat X)$,
#    $\delta^{(2)} = \big(\delta^{(3)}W_2^\top + \frac\beta m(-\frac\rho{\hat\rho} + \frac{1-\rho}{1-\hat\rho})\big)\circ H\circ(1-H)$,
#    $\nabla_{W_2} = H^\top\delta^{(3)} + \lambda W_2$, $\nabla_{W_1} = X^\top\delta^{(2)} + \lambda W_1$.
# 3. "Vectorised" means every line is one matrix product over all $m$ samples at once — three products of
#    size $m\times784\times196$ per evaluation — rather than a loop over samples; that is what makes thousands
#    of images and 400 iterations feasible. We train in float32 (the gradient checks elsewhere in npae are float64).

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.core.penalties import KLSparsity, WeightDecay
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network, show_images
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="18_mnist_sparse_autoencoder", needs=("fashion-mnist",))
QUICK = lesson.quick

N_IMAGES = 800 if QUICK else 5000
MAXITER = 10 if QUICK else 400
N_HIDDEN, RHO, LAMBDA, BETA = 196, 0.1, 3e-3, 3.0

X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X = X_all[:N_IMAGES]
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X_test = X_test[:200 if QUICK else 10_000]
model = Autoencoder(784, N_HIDDEN, encoder="sigmoid", decoder="sigmoid", loss="squared_error",
                    penalties=[WeightDecay(LAMBDA), KLSparsity(rho=RHO, beta=BETA)], init="ufldl",
                    dtype=np.float32, rng=np.random.default_rng(0))
print(f"{X.shape[0]} training images; {model!r}")
loss_before = model.loss(X)
result = train_lbfgs(model, X, maxiter=MAXITER, print_every=10 if QUICK else 50)
H = model.encode(X)
rho_hat = H.mean(axis=0)
lesson.stamp(f"{result.nit} iterations, {result.nfev} evaluations ({result.message})")

# %% [markdown]
# ## The features
#
# Each tile is one column of $W_1$ (the weights into one hidden unit), shown as a 28×28 image after
# `display_network`'s per-tile contrast normalisation: white is a large positive weight, black a large negative
# one. A hidden unit responds most to an input that looks like its tile (UFLDL, *Visualizing a Trained
# Autoencoder*).

# %%
lesson.show(display_network(model.params["W1"], (28, 28), pixels_per_cell=3,
                            title=f"W1[:, j] of the {N_HIDDEN} hidden units after {result.nit} L-BFGS iterations"),
            "18_filters")
pairs = np.concatenate([X_test[:10], model.reconstruct(X_test[:10])])
lesson.show(show_images(pairs, (28, 28), ncols=10, title="test images (top), reconstructions (bottom)"),
            "18_reconstructions")

fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
ax.hist(rho_hat, bins=30, color="C0", edgecolor="white")
ax.axvline(RHO, color="C3", ls="--", label=f"target ρ = {RHO}")
ax.set_xlabel("average activation ρ̂ⱼ of hidden unit j (training images)")
ax.set_ylabel("number of units")
ax.legend()
fig.tight_layout()
lesson.show(fig, "18_rho_hat_histogram")

# %% [markdown]
# ## Results
#
# Expected after UFLDL's 400 iterations: the mean $\hat\rho_j$ within 0.02 of ρ = 0.1; a small fraction of the
# code values above 0.5 (each image is explained by a few of the 196 units); the reconstruction error on
# held-out test images (scored once) close to the training one — 196 units and weight decay do not overfit
# 5000 images. Quick mode (ten iterations) already shows the rates near ρ, few values above 0.5 and no
# overfitting, and checks these and that the loss fell; its error itself is only checked for sanity.

# %%
lesson.expect("final loss (training)", result.fun, quick=(0.0, loss_before), full=(3.0, 12.0))
lesson.expect("mean rho_hat", rho_hat.mean(), quick=(0.08, 0.12), full=(0.08, 0.12), fmt=".3f")
lesson.expect("fraction of code values above 0.5", np.mean(H > 0.5), quick=(0.0, 0.2), full=(0.02, 0.2), fmt=".3f")
train_err = reconstruction_error(model, X, kind="squared_error")
test_err = reconstruction_error(model, X_test, kind="squared_error")
lesson.expect("reconstruction error (squared_error: ½‖x̂−x‖² per image), training", train_err, quick=(0, 100),
              full=(2.0, 10.0))
lesson.expect("reconstruction error (squared_error), test / training", test_err / train_err, quick=(0.9, 1.2),
              full=(0.9, 1.2), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `18_filters`: on MNIST, UFLDL's filters are pen strokes — short bright strokes at various places and
#   angles with a dark surround, parts from which digits are assembled. On Fashion-MNIST after the full run,
#   the tiles are not strokes but **whole-garment templates** that fill the frame: sneaker and boot profiles
#   with a bright sole line, pullovers and shirts with their sleeves and shoulders outlined, trousers with a
#   dark gap between the legs, a few bags. Their weight is mostly on these *outlines*, with fainter shading
#   inside; a few tiles are local dark blobs (a heel, a neckline). In quick mode (10 iterations) the tiles are
#   still mostly noise.
# - `18_reconstructions`: silhouettes and overall shading come back; prints, stripes and thin sandal straps do
#   not.
# - `18_rho_hat_histogram`: the values bunch around the dashed target line.
#
# Why the difference: a digit is a few thin strokes on an empty background, so a sparse code composes it from
# strokes; a garment is a large filled shape whose variation lies mostly in its outline and broad shading, and a
# few active units are enough to pick a silhouette and adjust it.
#
# ## Exercises
#
# - Fetch MNIST (`python data_scripts/fetch_mnist.py`, needs the internet), load it with
#   `npae.data.digits.load_mnist`, and compare your filters with UFLDL's pen strokes.
# - Set β = 0: do the templates become more or less local?
# - Count, for each test image, how many units exceed 0.5. Which classes use the most units?
#
# ## Further reading
#
# - UFLDL, *Exercise: Vectorization* and *Visualizing a Trained Autoencoder*; A. Ng, *Sparse autoencoder*
#   (CS294A lecture notes).
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.2.1 (sparse autoencoders); 《深度学习》14.2.1 稀疏自编码器.
# - H. Xiao, K. Rasul, R. Vollgraf (2017), "Fashion-MNIST: a novel image dataset for benchmarking machine
#   learning algorithms", arXiv:1708.07747.

# %%
lesson.done()
