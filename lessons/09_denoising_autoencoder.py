"""Lesson 5: the denoising autoencoder — corruption processes, filters, and denoising measured in PSNR."""

# %% [markdown]
# # 09 · Denoising autoencoders
#
# A denoising autoencoder (DAE; Vincent et al. 2008, 2010; Goodfellow et al. §14.5) is trained to undo
# a corruption: it sees a corrupted copy x̃ ~ C(x̃ | x) and is scored against the **clean** x,
#
# $$J = \mathbb{E}_{x}\,\mathbb{E}_{\tilde x \sim C(\tilde x\mid x)}\; L\big(x,\ g(f(\tilde x))\big).$$
#
# It cannot succeed by copying; it has to learn what clean data look like. In npae the loss is the
# ordinary one with `target=` the clean batch, and `train_minibatch(..., corruption=Corruption(...))`
# draws a **fresh** x̃ for every minibatch, so the expectation over C is sampled anew at every step.
#
# The three corruption processes of Vincent et al. (2010) §4.2 (`npae/core/corruption.py`):
# - **masking**: each pixel set to 0 with probability ν;
# - **salt-and-pepper**: each pixel, with probability ν, set to 0 or 1 (½ each);
# - **additive Gaussian**: x̃ = x + ε, ε ~ N(0, σ²I), here clipped back to [0, 1].

# %%
import time

import numpy as np
from matplotlib.figure import Figure

from npae.analysis.metrics import psnr
from npae.core.corruption import Corruption
from npae.data.digits import load_fashion_mnist
from npae.training.minibatch import train_minibatch
from npae.models.autoencoder import Autoencoder
from npae.training.optimizers import Adam
from npae.plotting import display_network, show_images
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()

# %%
rng = np.random.default_rng(0)
X_train, _ = load_fashion_mnist("train", dtype=np.float32)
X_test, _ = load_fashion_mnist("test", dtype=np.float32)
n_train, n_test = (500, 200) if QUICK else (20000, 1000)
X_train = X_train[rng.permutation(len(X_train))[:n_train]]
X_test = X_test[:n_test]
print(f"Fashion-MNIST: {len(X_train)} training and {len(X_test)} test images of 28x28 pixels")

CORRUPTIONS = {"masking": Corruption("masking", 0.3),
               "salt_and_pepper": Corruption("salt_and_pepper", 0.2),
               "gaussian": Corruption("gaussian", 0.3, clip=(0.0, 1.0))}

# %% [markdown]
# ## What the corruptions look like
#
# Row 1: clean; row 2: masking (ν = 0.3); row 3: salt-and-pepper (ν = 0.2); row 4: Gaussian (σ = 0.3).

# %%
examples = X_test[:8]
shown = [examples] + [c(examples, np.random.default_rng(1)) for c in CORRUPTIONS.values()]
show_images(np.concatenate(shown), (28, 28), ncols=8, path=OUT / "05_corruptions.png",
            title="clean / masking 0.3 / salt-and-pepper 0.2 / Gaussian 0.3")
for name, c in CORRUPTIONS.items():
    print(f"{name:16s} {c!r:48s} PSNR of the corrupted test images: "
          f"{psnr(X_test, c(X_test, np.random.default_rng(2))):.2f} dB")

# %% [markdown]
# ## Three autoencoders
#
# Tied weights, sigmoid encoder and decoder, cross-entropy (Vincent et al.'s setting), 200 hidden units,
# Adam on minibatches of 64 for 10 epochs of 20000 images, float32: a plain AE, a DAE trained with
# masking noise, and a DAE trained with Gaussian noise. Same initial weights, same data, same number of updates.

# %%
n_hidden, epochs = (64, 1) if QUICK else (200, 10)
models, seconds = {}, {}
for name, corruption in (("plain AE", None), ("DAE masking", CORRUPTIONS["masking"]),
                         ("DAE gaussian", CORRUPTIONS["gaussian"])):
    model = Autoencoder(784, n_hidden, loss="cross_entropy", tied=True, dtype=np.float32,
                        rng=np.random.default_rng(3))
    history = train_minibatch(model, X_train, X_val=X_test, optimizer=Adam(3e-3), epochs=epochs,
                              batch_size=64, corruption=corruption, rng=np.random.default_rng(4),
                              verbose=False)
    models[name], seconds[name] = model, sum(history.seconds)
    print(f"{name:13s} trained {epochs} epochs in {seconds[name]:.1f} s; clean test loss "
          f"{history.val_loss[-1] / 784:.4f} per pixel")

# %% [markdown]
# ## Filters
#
# Each tile is one hidden unit's incoming weights W1[:, j] (the first 36 units). All three models
# started from the same weights, so tile j of one figure is the same unit as tile j of another. Here,
# undercomplete (200 units) and after 10 epochs, the differences are modest: the Gaussian DAE's
# filters carry less fine, high-frequency texture (the plaid patterns that the plain AE uses); the
# masking DAE's stay close to the plain AE's. Vincent et al. (2010, Fig. 6–7) show clearer
# differences — edge and stroke detectors — with overcomplete layers, natural patches and much
# longer training.

# %%
for name, model in models.items():
    slug = name.lower().replace(" ", "_")
    display_network(model.params["W1"][:, :36], (28, 28), path=OUT / f"05_filters_{slug}.png")

# %% [markdown]
# ## Denoising, measured
#
# PSNR = 10 log₁₀(1 / MSE) against the clean test images (`npae.analysis.metrics.psnr`). For each corruption we
# compare the corrupted input itself, the plain AE's reconstruction of it, and the reconstruction by
# the DAE trained on that corruption. (The plain AE's reconstruction of *clean* images bounds what a
# model of this size can do.)

# %%
test_rng = np.random.default_rng(5)
noisy = {name: CORRUPTIONS[name](X_test, test_rng) for name in ("masking", "gaussian")}
print(f"{'corruption':10s} {'noisy':>8s} {'plain AE':>9s} {'DAE':>8s}   (PSNR in dB vs clean test images)")
for name, dae in (("masking", "DAE masking"), ("gaussian", "DAE gaussian")):
    print(f"{name:10s} {psnr(X_test, noisy[name]):8.2f} "
          f"{psnr(X_test, models['plain AE'].reconstruct(noisy[name])):9.2f} "
          f"{psnr(X_test, models[dae].reconstruct(noisy[name])):8.2f}")
for name, model in models.items():
    print(f"{name:13s} reconstructing clean test images: {psnr(X_test, model.reconstruct(X_test)):.2f} dB")

# %%
rows = [X_test[:8], noisy["gaussian"][:8], models["plain AE"].reconstruct(noisy["gaussian"][:8]),
        models["DAE gaussian"].reconstruct(noisy["gaussian"][:8]),
        noisy["masking"][:8], models["DAE masking"].reconstruct(noisy["masking"][:8])]
show_images(np.concatenate(rows), (28, 28), ncols=8, path=OUT / "05_denoising.png",
            title="clean / Gaussian / plain AE / DAE-g / masked / DAE-m")

# %%
fig = Figure(figsize=(6, 3))
ax = fig.add_subplot()
for name, dae in (("masking", "DAE masking"), ("gaussian", "DAE gaussian")):
    before = psnr(X_test, noisy[name], per_sample=True)
    after = psnr(X_test, models[dae].reconstruct(noisy[name]), per_sample=True)
    ax.scatter(before, after, s=4, label=f"{name}: {dae}")
lims = ax.get_xlim()
ax.plot(lims, lims, "k:", lw=1, label="no change")
ax.set_xlabel("PSNR of the corrupted image (dB)")
ax.set_ylabel("PSNR after the DAE (dB)")
ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(OUT / "05_psnr_scatter.png", dpi=100)
print(f"figures in {OUT}; lesson took {time.perf_counter() - START:.1f} s")

# %% [markdown]
# **What to take away.** The corruption is the regulariser: nothing in the network changed, only what
# it sees. A DAE trained on a corruption removes much of it, where a plain AE of the same size passes
# a good part of the noise through. Vincent et al. (2010) argue that the DAE learns the data's
# manifold: a corrupted point lies off it, and the DAE maps it back.
