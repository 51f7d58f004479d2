"""Lesson 06: the overcomplete autoencoder — without a regulariser it can learn to copy; with one it cannot.

Run as a script (``python lessons/06_overcomplete_copying.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: six 49-100-49 autoencoders on 2000 Fashion-MNIST images shrunk to 7×7,
250 L-BFGS iterations each; quick mode: 300 images, 15 iterations.
"""
# %% [markdown]
# # 06 · Overcomplete autoencoders: copying, and what stops it
#
# **What you will learn:** why an autoencoder whose code is *larger* than its input can reconstruct perfectly
# while learning nothing about the data (Goodfellow et al. §14.1); how the regularised autoencoders of §14.2 —
# weight decay, sparsity, denoising, contraction — remove that option; and how to *measure* how close a trained
# autoencoder is to the identity: by reconstructing inputs that look nothing like the training data, and by
# its Jacobian.
#
# **Prerequisites:** lessons 01 (the autoencoder), 03 (the sparse autoencoder), 04 (L-BFGS) and 05
# (undercomplete autoencoders and PCA).
#
# **Key terms:** overcomplete (过完备), undercomplete (欠完备), identity function (恒等函数),
# regularized autoencoder (正则自编码器), weight decay (权重衰减), sparse autoencoder (稀疏自编码器),
# denoising autoencoder (去噪自编码器), contractive autoencoder (收缩自编码器), Jacobian matrix (Jacobian矩阵).
#
# ## The copying problem (§14.1)
#
# An autoencoder is trained to make $g(f(x)) \approx x$. If that were all, the best it could do is the identity,
# $g(f(x)) = x$ for *every* $x$ — a perfect score that says nothing about the data. An undercomplete code
# ($n_{\text{hidden}} < n_{\text{visible}}$, lesson 05) rules it out: a 32-number code cannot carry 784 arbitrary
# numbers, so the autoencoder must keep what matters most for the training data. When the code is as large as
# the input or larger (*overcomplete*), nothing does: a linear encoder and decoder with $W_1 W_2 = I$ copy
# exactly, and even a sigmoid code can copy, using the nearly linear middle of the sigmoid.
#
# ## Regularised autoencoders (§14.2)
#
# §14.2 keeps the large code and adds a term that the identity scores badly on:
#
# - **weight decay** $\frac\lambda2(\lVert W_1\rVert^2 + \lVert W_2\rVert^2)$: copying through a sigmoid's linear middle needs weights large
#   enough to undo its small slope (¼ at 0);
# - **sparsity** $\beta\sum_j \mathrm{KL}(\rho \,\|\, \hat\rho_j)$ (lesson 03): most units must be off for most inputs, so few
#   units are available to carry any one input;
# - **denoising** (lesson 09): the input is corrupted, the target is clean — the identity reproduces the noise
#   and is penalised by exactly the noise's energy;
# - **contraction** $\lambda\lVert \partial h/\partial x\rVert_F^2$ (lesson 12): the code must be insensitive to its input, the
#   identity is maximally sensitive.
#
# ## How close to the identity? Two measurements
#
# 1. **Inputs off the data distribution.** Reconstruct images that are not garments — uniform noise, and
#    natural-image patches — and compare with the input: the *relative copy error*
#    $\mathbb E\lVert r(x) - x\rVert^2 / \mathbb E\lVert x - \bar x\rVert^2$ is 0 for a perfect copier and about 1 for a model
#    that ignores its input and outputs the inputs' mean.
# 2. **The Jacobian.** The identity has $J_r = \partial r/\partial x = I$, so $\frac1d\operatorname{tr} J_r = 1$. We average
#    $\frac1d\operatorname{tr} J_r(x)$ over validation images (`npae.analysis.jacobian.reconstruction_jacobian`).

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.jacobian import reconstruction_jacobian
from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.core.corruption import Corruption
from npae.core.penalties import Contractive, KLSparsity, WeightDecay
from npae.data.natural_images import ufldl_patches
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="06_overcomplete_copying", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## Data and models
#
# Fashion-MNIST images averaged down to 7×7 = 49 pixels (small enough for six models and their Jacobians), and
# 100 hidden units: about twice overcomplete. Six autoencoders, all with a linear decoder and squared error,
# trained by L-BFGS from the same initial weights; the regularisation weights are the usual ones from the
# lessons that introduce them, fixed beforehand (not tuned):
#
# | model | encoder | regulariser |
# |---|---|---|
# | linear | linear | none |
# | plain | sigmoid | none |
# | weight decay | sigmoid | λ = 1e-3 |
# | sparse | sigmoid | KL, ρ = 0.05, β = 3 |
# | denoising | sigmoid | Gaussian corruption σ = 0.2 (one corrupted copy, drawn before training) |
# | contractive | sigmoid | λ = 0.1 |

# %%
def shrink(X):
    """28×28 images -> 7×7 by averaging 4×4 blocks: (n, 784) -> (n, 49)."""
    return X.reshape(-1, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(-1, 49)


X_all, _ = lesson.fashion_mnist("train")
n_train, n_val = (300, 200) if QUICK else (2000, 1000)
X, X_val = shrink(X_all[:n_train]), shrink(X_all[n_train:n_train + n_val])
rng = np.random.default_rng(6)
off = {"uniform noise": rng.uniform(0, 1, (500, 49)),
       "natural-image patches": ufldl_patches(500, 7, np.random.default_rng(7))}
iterations = 15 if QUICK else 250

configs = {"linear": dict(encoder="linear"), "plain": {}, "weight decay": dict(penalties=[WeightDecay(1e-3)]),
           "sparse": dict(penalties=[KLSparsity(rho=0.05, beta=3.0)]), "denoising": {},
           "contractive": dict(penalties=[Contractive(0.1)])}
models = {}
for name, options in configs.items():
    model = Autoencoder(49, 100, decoder="linear", rng=np.random.default_rng(0), **options)
    inputs = Corruption("gaussian", 0.2)(X, np.random.default_rng(1)) if name == "denoising" else X
    result = train_lbfgs(model, inputs, X, maxiter=iterations, verbose=False)
    models[name] = model
    lesson.stamp(f"{name}: {result.nit} L-BFGS iterations, training loss {result.fun:.5f}")

# %% [markdown]
# ## Measure

# %%
def relative_copy_error(model, Z):
    """E‖r(x) − x‖² / E‖x − mean(x)‖²: 0 for a perfect copy, about 1 for an output that ignores the input."""
    return reconstruction_error(model, Z, kind="mse_per_pixel") / np.mean((Z - Z.mean(axis=0)) ** 2)


table = {}
for name, model in models.items():
    J = reconstruction_jacobian(model, X_val[:200])                     # (200, 49, 49)
    table[name] = {"validation": relative_copy_error(model, X_val),
                   **{kind: relative_copy_error(model, Z) for kind, Z in off.items()},
                   "trace": float(np.mean(np.trace(J, axis1=1, axis2=2)) / 49)}
print(f"{'model':>13s}  {'validation':>10s}  {'noise':>8s}  {'patches':>8s}  {'tr(J)/d':>8s}   (relative copy errors)")
for name, row in table.items():
    print(f"{name:>13s}  {row['validation']:10.4f}  {row['uniform noise']:8.4f}  {row['natural-image patches']:8.4f}  "
          f"{row['trace']:8.3f}")

inputs = np.vstack([X_val[:3], off["uniform noise"][:3], off["natural-image patches"][:2]])
rows = np.vstack([inputs] + [np.clip(m.reconstruct(inputs), 0, 1) for m in models.values()])
fig = show_images(rows, (7, 7), ncols=8, title="Columns: 3 garments, 3 noise images, 2 natural patches.\nRows: input, "
                  + ", ".join(models) + " reconstructions")
lesson.show(fig, "06_reconstructions")

fig, ax = plt.subplots(figsize=(7, 3.8), dpi=100)
names = list(table)
ax.bar(np.arange(len(names)) - 0.2, [table[n]["uniform noise"] for n in names], width=0.4, label="relative copy error, noise")
ax.bar(np.arange(len(names)) + 0.2, [table[n]["trace"] for n in names], width=0.4, label="tr(J_r)/d on garments")
ax.axhline(1, color="grey", lw=0.8)
ax.set_xticks(np.arange(len(names)), names, rotation=20)
ax.set(title="How close to the identity? (identity: 0 and 1)")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "06_identity_measures")

# %% [markdown]
# ## Results
#
# Printed by this run. The linear overcomplete autoencoder is close to the identity: it reconstructs noise — an
# input it never saw anything like — with a small relative error, natural patches with a larger one that is
# still the lowest of the six models, and its Jacobian's trace is close to that of $I$. The plain sigmoid
# autoencoder copies partly: it reproduces a good part of the noise. Every regulariser moves the model away from
# the identity: higher copy errors off the data than the plain model's, a smaller trace of the Jacobian — the
# denoising and contractive models most, in this setting. The price is paid on the data too
# (the validation column), which is why the weights of these terms are chosen on a validation set when a task
# is given (lessons 09 and 12). Quick mode (a few iterations on few images) checks only that every model
# reconstructs the validation garments better than their mean (relative copy error below 1); none of its
# models is near the identity yet, so its other numbers are only reported.

# %%
for name, row in table.items():
    lesson.expect(f"{name}: relative copy error, validation garments", row["validation"], quick=(0, 1.0),
                  full=(0, 0.15), fmt=".4f")
lesson.expect("linear: relative copy error, noise", table["linear"]["uniform noise"], full=(0, 0.3), fmt=".4f")
others = [n for n in table if n != "linear"]
lesson.expect("linear: patch copy error / the lowest of the other models'", table["linear"]["natural-image patches"]
              / min(table[n]["natural-image patches"] for n in others), full=(0, 1.0), fmt=".3f")
lesson.expect("linear: tr(J_r)/d", table["linear"]["trace"], full=(0.8, 1.05), fmt=".3f")
lesson.expect("plain: relative copy error, noise", table["plain"]["uniform noise"], full=(0, 0.7), fmt=".4f")
lesson.expect("plain / linear: noise copy error", table["plain"]["uniform noise"] / table["linear"]["uniform noise"],
              full=(1.0, 100), fmt=".3f")
for name in ("weight decay", "sparse", "denoising", "contractive"):
    lesson.expect(f"{name}: relative copy error, noise", table[name]["uniform noise"], full=(0, 1.2), fmt=".4f")
    lesson.expect(f"{name} / plain: noise copy error", table[name]["uniform noise"] / table["plain"]["uniform noise"],
                  full=(1.0, 100), fmt=".3f")
    lesson.expect(f"{name}: tr(J_r)/d", table[name]["trace"], full=(-0.1, 1.0), fmt=".3f")
    lesson.expect(f"{name} / plain: tr(J_r)/d", table[name]["trace"] / table["plain"]["trace"], full=(-0.2, 1.0),
                  fmt=".3f")
# "the denoising and contractive models most": both of them against both of the other two regularisers
lesson.expect("noise copy error: lower of (denoising, contractive) / higher of (weight decay, sparse)",
              min(table[n]["uniform noise"] for n in ("denoising", "contractive"))
              / max(table[n]["uniform noise"] for n in ("weight decay", "sparse")), full=(1.0, 100), fmt=".3f")
lesson.expect("tr(J_r)/d: higher of (denoising, contractive) / lower of (weight decay, sparse)",
              max(table[n]["trace"] for n in ("denoising", "contractive"))
              / min(table[n]["trace"] for n in ("weight decay", "sparse")), full=(0.0, 1.0), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `06_reconstructions`: the first three columns are garments — every model reconstructs them. Columns 4–6 are
#   noise: the linear model returns the noise; the plain model a slightly smoothed copy of it; the regularised
#   models smoother, greyer versions (the denoising and contractive ones the greyest). The natural patches (last
#   two columns) are low in contrast and hard to judge by eye: their copy errors are in the printed table.
# - `06_identity_measures`: the linear model's bars are near the identity's 0 and 1; every regularised model's
#   bars are further from them than the plain model's.
#
# ## Exercises
#
# - Train the linear overcomplete autoencoder longer (1000 iterations): does $W_1 W_2$ approach $I$? Show that any
#   $W_1$ with a right inverse gives a perfect copier.
# - Make the plain sigmoid autoencoder *undercomplete* (20 hidden units). How do its three copy errors change?
# - For the denoising model, derive the loss the identity would get (the corruption's energy per sample) and
#   compare it with the trained model's loss.
# - Vary the contractive λ over a grid and plot the noise copy error and the validation error together: is there
#   a value that keeps the garments and refuses the noise?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.1 (undercomplete autoencoders; 《深度学习》14.1 欠完备
#   自编码器) and §14.2 (regularized autoencoders; 14.2 正则自编码器).
# - P. Vincent, H. Larochelle, Y. Bengio, P.-A. Manzagol (2008), "Extracting and composing robust features with
#   denoising autoencoders", ICML (the overcomplete case as the motivation for denoising).
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders", ICML.

# %%
lesson.done()
