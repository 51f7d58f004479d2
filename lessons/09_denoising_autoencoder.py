"""Lesson 09: the denoising autoencoder — corruption processes, filters, and denoising measured in PSNR.

Run as a script (``python lessons/09_denoising_autoencoder.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: 18 000 training and 2 000 validation Fashion-MNIST
images, up to 10 epochs with early stopping, 1 000 test images; quick mode: 800 + 200 images, 3 epochs.
"""
# %% [markdown]
# # 09 · Denoising autoencoders
#
# **What you will learn:** the denoising criterion (reconstruct the clean $x$ from a corrupted $\tilde x$);
# the three corruption processes of Vincent et al.; how a fresh corruption per minibatch samples the
# expectation over the noise; how to choose the number of epochs on a **validation split** carved from
# the training set and report the test set once; how to measure denoising (PSNR).
#
# **Prerequisites:** lesson 01 (the autoencoder), lesson 05 (undercomplete codes), lesson 07 (the
# cross-entropy loss of a sigmoid decoder on images).
#
# A denoising autoencoder (DAE; Vincent et al. 2008, 2010; Goodfellow et al. §14.2.2 and §14.5) is trained
# to undo a corruption. It sees a corrupted copy $\tilde x \sim C(\tilde x \mid x)$ and is scored against
# the **clean** $x$.
#
# **Key terms:** denoising autoencoder (去噪自编码器), corruption process (损坏过程),
# Gaussian noise (高斯噪声), manifold (流形), cross-entropy (交叉熵), minibatch (小批量),
# validation set (验证集), test set (测试集), early stopping (提前终止), hyperparameter (超参数).
#
# ## The criterion, step by step
#
# 1. An ordinary autoencoder minimises $\frac1m \sum_i L\big(x^{(i)}, g(f(x^{(i)}))\big)$ and can succeed by
#    copying.
# 2. The DAE replaces the input by a corrupted copy and keeps the clean target:
#
# $$J = \mathbb{E}_{x}\,\mathbb{E}_{\tilde x \sim C(\tilde x\mid x)}\; L\big(x,\ g(f(\tilde x))\big).$$
#
# Copying $\tilde x$ now pays the full corruption; the network must learn what clean data look like.
#
# 3. The gradient of one term is the ordinary backward pass of lesson 02 with the target $x$ in place of
#    the input in $\hat x - x$: in npae the loss is the ordinary one with `target=` the clean batch.
# 4. The inner expectation is estimated by sampling: `train_minibatch(..., corruption=Corruption(...))`
#    draws a **fresh** $\tilde x$ for every minibatch, so over the epochs each image is seen under many
#    corruptions (a stochastic gradient of $J$, not of one fixed corrupted data set).
#
# The three corruption processes of Vincent et al. (2010) §4.2 (`npae/core/corruption.py`):
# - **masking**: each pixel set to 0 with probability ν;
# - **salt-and-pepper**: each pixel, with probability ν, set to 0 or 1 (½ each);
# - **additive Gaussian**: $\tilde x = x + \varepsilon$, $\varepsilon \sim N(0, \sigma^2 I)$, here clipped back to $[0, 1]$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from npae.analysis.metrics import psnr, reconstruction_error
from npae.core.corruption import Corruption
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network, show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="09_denoising_autoencoder", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## Data: a training set, a validation split carved from it, and the test set
#
# The validation images come from the *training* file and are never trained on; every choice (here the
# number of epochs) is made on them. The test images are used once, at the end.

# %%
rng = np.random.default_rng(0)
X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
n_train, n_val, n_test = (800, 200, 200) if QUICK else (18000, 2000, 1000)
order = rng.permutation(len(X_all))
X_train, X_val = X_all[order[:n_train]], X_all[order[n_train:n_train + n_val]]
X_test = X_test[:n_test]
print(f"Fashion-MNIST: {len(X_train)} training, {len(X_val)} validation and {len(X_test)} test images of 28x28")

CORRUPTIONS = {"masking": Corruption("masking", 0.3),
               "salt_and_pepper": Corruption("salt_and_pepper", 0.2),
               "gaussian": Corruption("gaussian", 0.3, clip=(0.0, 1.0))}

# %% [markdown]
# ## What the corruptions look like
#
# Row 1: clean; row 2: masking (ν = 0.3); row 3: salt-and-pepper (ν = 0.2); row 4: Gaussian (σ = 0.3).
# PSNR $= 10 \log_{10}(1 / \text{MSE})$ in dB against the clean images (`npae.analysis.metrics.psnr`; the
# MSE is the per-pixel mean, images in $[0, 1]$): higher is closer.

# %%
examples = X_val[:8]
shown = [examples] + [c(examples, np.random.default_rng(1)) for c in CORRUPTIONS.values()]
lesson.show(show_images(np.concatenate(shown), (28, 28), ncols=8,
                        title="clean / masking 0.3 / salt-and-pepper 0.2 / Gaussian 0.3"), "09_corruptions")
for name, c in CORRUPTIONS.items():
    print(f"{name:16s} {c!r:48s} PSNR of corrupted validation images: "
          f"{psnr(X_val, c(X_val, np.random.default_rng(2))):.2f} dB")

# %% [markdown]
# ## Three autoencoders, the number of epochs chosen on the validation split
#
# Tied weights, sigmoid encoder and decoder, cross-entropy (Vincent et al.'s setting), 200 hidden units
# (64 in quick mode), Adam on minibatches of 64, float32: a plain AE, a DAE trained with masking noise,
# and a DAE trained with Gaussian noise. Same initial weights, same data.
#
# Each model is scored after every epoch on the validation images **under the corruption it is meant to
# remove** (one fixed corrupted copy, target the clean images; clean images for the plain AE), and the
# parameters of the best epoch are kept (`patience=2`: stop when two epochs in a row do not improve).

# %%
n_hidden, max_epochs = (64, 3) if QUICK else (200, 10)
models, best_epochs = {}, {}
for name, corruption in (("plain AE", None), ("DAE masking", CORRUPTIONS["masking"]),
                         ("DAE gaussian", CORRUPTIONS["gaussian"])):
    X_val_in = X_val if corruption is None else corruption(X_val, np.random.default_rng(3))
    model = Autoencoder(784, n_hidden, loss="cross_entropy", tied=True, dtype=np.float32,
                        rng=np.random.default_rng(3))
    history = train_minibatch(model, X_train, X_val=X_val_in, target_val=X_val, optimizer=Adam(3e-3),
                              epochs=max_epochs, batch_size=64, corruption=corruption, patience=2,
                              rng=np.random.default_rng(4), verbose=False)
    models[name], best_epochs[name] = model, history.best_epoch + 1
    lesson.stamp(f"{name:13s} best epoch {history.best_epoch + 1} of {len(history.val_loss)}; validation "
                 f"bce_per_pixel {reconstruction_error(model, X_val_in, target=X_val, kind='bce_per_pixel'):.4f}")

# %% [markdown]
# ## Filters
#
# Each tile is one hidden unit's incoming weights $W_1[:, j]$ (the first 36 units). All three models
# started from the same weights, so tile $j$ of one figure is the same unit as tile $j$ of another.
# Vincent et al. (2010, Fig. 6–7) show clear differences — edge and stroke detectors appearing with
# noise — with overcomplete layers and much longer training; with an undercomplete code and ten epochs,
# look for the differences rather than expect them.

# %%
for name, model in models.items():
    slug = name.lower().replace(" ", "_")
    lesson.show(display_network(model.params["W1"][:, :36], (28, 28), title=f"{name}: W1[:, j], first 36 units"),
                f"09_filters_{slug}")

# %% [markdown]
# ## Denoising, measured once on the test set
#
# For each corruption: the corrupted input itself, the plain AE's reconstruction of it, and the
# reconstruction by the DAE trained on that corruption, all in PSNR against the clean test images.
# The plain AE's reconstruction of *clean* images bounds what a model of this size does.

# %%
test_rng = np.random.default_rng(5)
noisy = {name: CORRUPTIONS[name](X_test, test_rng) for name in ("masking", "gaussian")}
table = {}
print(f"{'corruption':10s} {'noisy':>8s} {'plain AE':>9s} {'DAE':>8s}   (PSNR in dB vs clean test images)")
for name, dae in (("masking", "DAE masking"), ("gaussian", "DAE gaussian")):
    table[name] = (psnr(X_test, noisy[name]), psnr(X_test, models["plain AE"].reconstruct(noisy[name])),
                   psnr(X_test, models[dae].reconstruct(noisy[name])))
    print(f"{name:10s} {table[name][0]:8.2f} {table[name][1]:9.2f} {table[name][2]:8.2f}")
clean_psnr = {name: psnr(X_test, model.reconstruct(X_test)) for name, model in models.items()}
for name, value in clean_psnr.items():
    print(f"{name:13s} reconstructing clean test images: {value:.2f} dB")

# %%
rows = [X_test[:8], noisy["gaussian"][:8], models["plain AE"].reconstruct(noisy["gaussian"][:8]),
        models["DAE gaussian"].reconstruct(noisy["gaussian"][:8]),
        noisy["masking"][:8], models["DAE masking"].reconstruct(noisy["masking"][:8])]
lesson.show(show_images(np.concatenate(rows), (28, 28), ncols=8,
                        title="clean / Gaussian / plain AE / DAE-g / masked / DAE-m"), "09_denoising")

# %%
fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
gain_correlation = {}                      # correlation over the test images of the gain with the input's PSNR
for name, dae in (("masking", "DAE masking"), ("gaussian", "DAE gaussian")):
    before = psnr(X_test, noisy[name], per_sample=True)
    after = psnr(X_test, models[dae].reconstruct(noisy[name]), per_sample=True)
    gain_correlation[name] = float(np.corrcoef(before, after - before)[0, 1])
    ax.scatter(before, after, s=4, label=f"{name}: {dae}")
lims = ax.get_xlim()
ax.plot(lims, lims, "k:", lw=1, label="no change")
ax.set_xlabel("PSNR of the corrupted image (dB)")
ax.set_ylabel("PSNR after the DAE (dB)")
ax.set_title("Each test image before and after denoising")
ax.legend(fontsize=7)
fig.tight_layout()
lesson.show(fig, "09_psnr_scatter")

# %% [markdown]
# ## Results
#
# After the full run, each DAE is expected to raise the PSNR of the images it was trained to clean —
# above the corrupted input's and above the plain AE's reconstruction of the same corrupted images. In
# quick mode (three epochs on 800 images) the numbers are printed and only the Gaussian DAE's gain over the
# plain AE is checked: the first thing a DAE learns is to stop passing the noise through. The PSNR of the
# corrupted images, the PSNR of each model on clean images and the epochs chosen on the validation set are
# only reported, in both modes: no claim is made about them.

# %%
for name in ("masking", "gaussian"):
    noisy_db, plain_db, dae_db = table[name]
    lesson.expect(f"{name}: PSNR of the corrupted test images", noisy_db, unit="dB", fmt=".2f")
    lesson.expect(f"{name}: DAE gain over the corrupted input", dae_db - noisy_db, unit="dB", fmt=".2f",
                  full=(0.0, np.inf))
    lesson.expect(f"{name}: DAE gain over the plain AE", dae_db - plain_db, unit="dB", fmt=".2f",
                  quick=(0.0, np.inf) if name == "gaussian" else None, full=(0.0, np.inf))
for name, value in clean_psnr.items():
    lesson.expect(f"{name}: PSNR on clean test images", value, unit="dB", fmt=".2f")
for name, epoch in best_epochs.items():
    lesson.expect(f"{name}: best epoch on validation", epoch, fmt=".0f")
lesson.expect("masking: correlation of the DAE's gain with the corrupted image's PSNR", gain_correlation["masking"],
              quick=(-1.0, -0.2), full=(-1.0, -0.2), fmt=".3f")
lesson.expect("gaussian: correlation of the DAE's gain with the corrupted image's PSNR", gain_correlation["gaussian"],
              fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `09_corruptions`: masking leaves black holes, salt-and-pepper scatters black and white dots (visible
#   on the black background too), Gaussian noise greys the whole image.
# - `09_denoising`: rows 3 and 4 reconstruct the same Gaussian-noisy images (row 2): the plain AE passes
#   part of the noise through as a grey veil, the DAE returns a cleaner garment; row 6 fills the holes of
#   row 5.
# - `09_psnr_scatter`: points above the dotted diagonal were improved by the DAE. For masking, the noisier the
#   input (further left), the larger the gain: the correlation over the test images between an image's
#   corrupted PSNR and its gain is below −0.2, in both modes. The Gaussian points form a narrow column: the
#   noise has the same variance on every image, so the corrupted PSNRs barely differ, and in full mode the gain
#   does not follow them (that correlation is only reported).
# - `09_filters_*`: compare the three models tile by tile.
#
# **What to take away.** The corruption is the regulariser: nothing in the network changed, only what it
# sees. Vincent et al. (2010) argue that the DAE learns the data's manifold: a corrupted point lies off
# it, and the DAE maps it back — lesson 10 measures that displacement field.
#
# ## Exercises
#
# - Graded: masking noise, and the denoising loss — corrupt, reconstruct, compare with the clean batch.
#   `python -m npae.exercises start denoising` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start denoising --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check denoising` (with `--derive` for the derive level).
# - Choose the Gaussian DAE's training noise level on the validation split: train with σ = 0.1, 0.3 and
#   0.5 and score each on validation images corrupted at σ = 0.3. Is the best training σ the test σ?
# - Why is the plain AE's validation loss computed on clean images but the DAE's on corrupted ones? What
#   would early stopping on the DAE's *clean* validation loss select?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.2.2 (denoising autoencoders; 《深度学习》14.2.2
#   去噪自编码器) and §14.5 (14.5 去噪自编码器详解); §5.3 on validation sets (5.3 超参数和验证集).
# - P. Vincent, H. Larochelle, Y. Bengio & P.-A. Manzagol (2008), "Extracting and composing robust
#   features with denoising autoencoders", *ICML*; P. Vincent et al. (2010), "Stacked denoising
#   autoencoders", *JMLR* 11.
# - A. Ng et al., UFLDL tutorial: *Autoencoders and Sparsity* (the model being regularised).

# %%
lesson.done()
