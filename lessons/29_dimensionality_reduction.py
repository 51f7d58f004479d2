"""Lesson 29: dimensionality reduction — an autoencoder's low-dimensional code against PCA at the same size.

Run as a script (``python lessons/29_dimensionality_reduction.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: 20 000 training images, code sizes 2 to 32, 6 epochs per
autoencoder; quick mode: 800 images, code sizes 2 and 8, 1 epoch.
"""
# %% [markdown]
# # 29 · Dimensionality reduction: autoencoder versus PCA
#
# **What you will learn:** what PCA's optimality (Eckart–Young) says and what it does not say — it is a
# statement about the data it was fitted to; how a one-layer and a deep autoencoder compare with PCA at the same
# code size, on the training images and on held-out ones; what 2-D codes look like.
#
# **Prerequisites:** lessons 05 (undercomplete autoencoders and PCA), 22 (deep autoencoders).
#
# **Key terms:** dimensionality reduction (降维), principal components analysis (主成分分析), low-rank
# approximation (低秩近似), code (编码), deep autoencoder (深度自编码器), generalisation (泛化),
# training set (训练集), test set (测试集).
#
# ## The derivation
#
# 1. Compress each 784-pixel image to $k$ numbers and back, and measure every method by the same error, the mean
#    over images of $\lVert\hat x - x\rVert^2$ (summed over the pixels, no ½): `npae.analysis.pca.reconstruction_error`.
# 2. **Eckart–Young.** Among all reconstructions of the *training* rows that lie in a $k$-dimensional affine
#    subspace, the projection onto the top-$k$ principal subspace (centred at the mean) has the smallest total
#    squared error: the best rank-$k$ approximation of the centred data matrix is its truncated SVD.
# 3. A one-hidden-layer autoencoder with a **linear decoder** reconstructs $\hat x = hW_2 + b_2$: whatever its
#    encoder, its reconstructions lie in a $k$-dimensional affine subspace. So on its training set it cannot
#    beat PCA (fitted on the same set). On held-out images the theorem says nothing: both methods are then
#    evaluated on data they were not fitted to, and which is lower is an empirical question — measured below.
# 4. To beat PCA even on the training set, the reconstructions must leave every $k$-dimensional affine subspace:
#    a sigmoid decoder gives a curved $k$-dimensional manifold, and a deeper decoder can bend it more (Hinton &
#    Salakhutdinov 2006).

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.pca import PCA, reconstruction_error
from npae.course import Lesson
from npae.data.digits import FASHION_MNIST_CLASSES
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="29_dimensionality_reduction", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(19)
X_all, _ = lesson.fashion_mnist("train")
X_test, y_test = lesson.fashion_mnist("test")
n_train = 800 if QUICK else 20000
X_train = X_all[rng.permutation(len(X_all))[:n_train]]
if QUICK:
    X_test, y_test = X_test[:200], y_test[:200]
SIZES = (2, 8) if QUICK else (2, 4, 8, 16, 32)
EPOCHS = 1 if QUICK else 6
print(f"{n_train} training images, {len(X_test)} held-out test images; {EPOCHS} epochs per autoencoder")

# %% [markdown]
# ## Three models per code size $k$
#
# - **PCA** (`npae.analysis.pca.PCA`, by SVD) fitted to the training images;
# - a **one-layer autoencoder** 784 → k → 784, sigmoid code, sigmoid decoder, squared error. Its encoder sees
#   the standardised image $(x - \mu)/\sigma$ and its target is $x$ itself (an input normalisation that lets
#   the tiny code leave the "predict the mean image" plateau);
# - a **deep autoencoder** 784 → 128 → k → 128 → 784 (ReLU hidden layers, linear code, sigmoid output,
#   cross-entropy), from `npae.models.deep`.
#
# Nothing is chosen on the results (the sizes and epochs are fixed), so the test images are held-out data
# scored once.

# %%
mu, sigma = X_train.mean(axis=0), X_train.std()


def standardise(X):
    return (X - mu) / sigma


errors, models = {}, {}        # errors[k] = {(method, "train"/"test"): value}
for k in SIZES:
    pca = PCA(k).fit(X_train)
    shallow = Autoencoder(784, k, encoder="sigmoid", decoder="sigmoid", loss="squared_error", rng=rng,
                          init="glorot", dtype=np.float32)
    train_minibatch(shallow, standardise(X_train), target=X_train, epochs=EPOCHS, batch_size=128,
                    optimizer=Adam(learning_rate=3e-3), rng=rng, verbose=False)
    deep = DeepAutoencoder([784, 128, k], activation="relu", code="linear", decoder="sigmoid",
                           loss="cross_entropy", rng=rng, init="glorot", dtype=np.float32)
    train_minibatch(deep, X_train, epochs=EPOCHS, batch_size=128, optimizer=Adam(learning_rate=1e-3), rng=rng,
                    verbose=False)
    reconstruct = {"PCA": pca.reconstruct, "one-layer AE": lambda X: shallow.reconstruct(standardise(X)),
                   "deep AE": deep.reconstruct}
    errors[k] = {(name, split): reconstruction_error(X, f(X)) for name, f in reconstruct.items()
                 for split, X in (("train", X_train), ("test", X_test))}
    models[k] = (pca, shallow, deep)
    lesson.stamp(f"k = {k:2d}: " + "   ".join(f"{name} train {errors[k][name, 'train']:.3f} test "
                                                f"{errors[k][name, 'test']:.3f}" for name in reconstruct))

METHODS = ("PCA", "one-layer AE", "deep AE")
print("\nreconstruction error, mean over images of ‖x̂ − x‖² (sum over 784 pixels, no ½)")
print(f"{'k':>3} " + " ".join(f"{m + ' ' + s:>19}" for m in METHODS for s in ("train", "test")))
for k in SIZES:
    print(f"{k:3d} " + " ".join(f"{errors[k][m, s]:19.3f}" for m in METHODS for s in ("train", "test")))

fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
for i, method in enumerate(METHODS):
    ax.plot(SIZES, [errors[k][method, "test"] for k in SIZES], marker="o", color=f"C{i}", label=f"{method}, test")
    ax.plot(SIZES, [errors[k][method, "train"] for k in SIZES], ls=":", color=f"C{i}", label=f"{method}, train")
ax.set_xscale("log", base=2)
ax.set(xlabel="code size k", ylabel="mean ‖x̂ − x‖²", title="Fashion-MNIST: reconstruction error vs code size")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "29_error_vs_code_size")

# %% [markdown]
# ## The 2-D codes, coloured by class
#
# With $k = 2$ the codes can be drawn. PCA's two coordinates are the two directions of largest variance; the
# deep autoencoder's are whatever two numbers let its decoder rebuild the image best.

# %%
pca2, _, deep2 = models[2]
codes = {"PCA, 2 components": pca2.encode(X_test), "deep autoencoder, 2-unit code": deep2.encode(X_test)}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), dpi=100)
for ax, (title, Z) in zip(axes, codes.items()):
    scatter = ax.scatter(Z[:, 0], Z[:, 1], c=y_test, cmap="tab10", s=2, vmin=-0.5, vmax=9.5)
    ax.set_title(title)
cbar = fig.colorbar(scatter, ax=axes, ticks=range(10))
cbar.ax.set_yticklabels(FASHION_MNIST_CLASSES)
lesson.show(fig, "29_codes_2d")
rows = [X_test[:10], pca2.reconstruct(X_test[:10]), deep2.reconstruct(X_test[:10])]
lesson.show(show_images(np.clip(np.vstack(rows), 0, 1), (28, 28), ncols=10, title="k = 2. rows: x, PCA, deep AE"),
            "29_reconstructions_k2")

# %% [markdown]
# ## Results
#
# Expected in full mode: at $k = 2$ the deep autoencoder's error is below PCA's on the training *and* on the
# test images — its decoder is curved, so Eckart–Young does not bind it; the gain is large at the small codes
# ($k \le 8$: every deep-to-PCA ratio there is below every one at $k \ge 16$) and gone at $k = 32$, where PCA
# is as good or better; the one-layer autoencoder with its barely nonlinear decoder stays above PCA. PCA's test
# error is close to its training error (a linear projection fitted to 20 000 images generalises well). Quick
# mode checks that the errors are finite and in a sensible range; the comparisons are only reported there.

# %%
k0 = SIZES[0]
lesson.expect(f"k = {k0}: deep AE / PCA, test", errors[k0]["deep AE", "test"] / errors[k0]["PCA", "test"],
              quick=(0.1, 10.0), full=(0.5, 1.0), fmt=".3f")
lesson.expect(f"k = {k0}: deep AE / PCA, train", errors[k0]["deep AE", "train"] / errors[k0]["PCA", "train"],
              quick=(0.1, 10.0), full=(0.5, 1.0), fmt=".3f")
lesson.expect(f"k = {k0}: one-layer AE / PCA, test", errors[k0]["one-layer AE", "test"] / errors[k0]["PCA", "test"],
              quick=(0.1, 10.0), full=(1.0, 2.0), fmt=".3f")
lesson.expect(f"k = {k0}: PCA test / train", errors[k0]["PCA", "test"] / errors[k0]["PCA", "train"],
              quick=(0.5, 2.0), full=(0.85, 1.1), fmt=".3f")
lesson.expect(f"k = {SIZES[-1]}: deep AE / PCA, test",
              errors[SIZES[-1]]["deep AE", "test"] / errors[SIZES[-1]]["PCA", "test"], quick=(0.1, 10.0),
              full=(1.0, 1.5), fmt=".3f")
# "the gain is large at the small codes and gone at the largest": every ratio at k ≤ 8 below every one at k ≥ 16
ratio = {k: errors[k]["deep AE", "test"] / errors[k]["PCA", "test"] for k in SIZES}
small, large = [k for k in SIZES if k <= 8], [k for k in SIZES if k >= 16]
if large:
    lesson.expect("deep AE / PCA, test: largest ratio at k ≤ 8 / smallest ratio at k ≥ 16",
                  max(ratio[k] for k in small) / min(ratio[k] for k in large), full=(0.0, 1.0), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `29_error_vs_code_size`: all errors fall with $k$; dotted (training) and solid (test) lines of one colour
#   are close. Where the deep autoencoder's line crosses PCA's, depth stops paying at this training budget.
# - `29_codes_2d`: in both, trousers, bags and footwear separate from tops; compare how much the top classes
#   (T-shirt, pullover, coat, shirt) overlap in each.
# - `29_reconstructions_k2`: two numbers keep only a blurred silhouette; the deep autoencoder's are closer to
#   a garment, PCA's to a mixture of the mean image and two principal images.
#
# ## Exercises
#
# - Train a one-layer autoencoder with a **linear** decoder (`decoder="linear"`) at $k = 8$. Check step 3 on the
#   training set (its error is never below PCA's) and compare on the test set.
# - Give the deep autoencoder more epochs at $k = 32$: does it cross below PCA?
# - Fit PCA on 1000 images only and evaluate on the test set: how far apart are its training and test errors now?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.9 (applications of autoencoders: dimensionality
#   reduction) and §2.12 (PCA); 《深度学习》14.9 自编码器的应用, 2.12 实例：主成分分析.
# - UFLDL, *PCA*.
# - C. Eckart, G. Young (1936), "The approximation of one matrix by another of lower rank", *Psychometrika* 1;
#   G. Hinton, R. Salakhutdinov (2006), "Reducing the dimensionality of data with neural networks", *Science* 313.

# %%
lesson.done()
