"""Lesson 03: the sparse autoencoder — UFLDL's exercise: edge detectors learned from natural-image patches.

Run as a script (``python lessons/03_sparse_autoencoder.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode trains UFLDL's configuration (10 000 patches,
64-25-64, 400 L-BFGS iterations); quick mode uses 2000 patches and 20 iterations.
"""
# %% [markdown]
# # 03 · The sparse autoencoder
#
# **What you will learn:** why a code can be larger than its input and still be useful when most of its
# units are inactive; the KL sparsity penalty and its gradient (UFLDL's "delta term"); how to reproduce
# UFLDL's classic exercise — edge detectors learned from natural-image patches.
#
# **Prerequisites:** lessons 01 (the autoencoder) and 02 (backprop by hand and gradient checking).
#
# **Key terms:** sparse autoencoder (稀疏自编码器), sparsity parameter (稀疏性参数), average activation
# (平均活跃度), KL divergence (KL 散度), delta term (稀疏惩罚项的残差), weight decay (权重衰减), natural images
# (自然图像), whitening (白化), edge detector (边缘检测器), L-BFGS (L-BFGS).
#
# Lesson 01's autoencoder learned because its code was *smaller* than its input. There is another
# way to stop an autoencoder from merely copying: let the code be any size, but ask that **most code
# units be inactive most of the time**. Such a *sparse* code has to explain each input with a few
# active units, and on natural images the units that make this possible turn out to be **localised,
# oriented edge detectors** — much like the simple cells of the primary visual cortex (Olshausen &
# Field 1996). This lesson reproduces the classic exercise of Stanford's UFLDL tutorial.
#
# ## Measuring sparsity: the average activation ρ̂
#
# With a sigmoid code, $h_j \in (0, 1)$; unit $j$ is "active" when $h_j$ is near 1. Its **average
# activation** over the $m$ training samples is
#
# $$ \hat\rho_j = \frac1m \sum_{i=1}^m h_j(x^{(i)}) . $$
#
# We want every $\hat\rho_j$ close to a small target $\rho$, the *sparsity parameter* (UFLDL: $\rho = 0.01$
# for image patches): each unit fires for about 1% of the patches.
#
# ## The penalty: a Kullback–Leibler divergence
#
# UFLDL measures the mismatch between $\rho$ and $\hat\rho_j$ by the KL divergence between two Bernoulli
# distributions with means $\rho$ and $\hat\rho_j$:
#
# $$ \mathrm{KL}(\rho \,\|\, \hat\rho_j) = \rho \log\frac{\rho}{\hat\rho_j} + (1-\rho)\log\frac{1-\rho}{1-\hat\rho_j}, $$
#
# which is 0 when $\hat\rho_j = \rho$ and grows without bound as $\hat\rho_j \to 0$ or $1$. The sparse
# autoencoder minimises
#
# $$ J_{\text{sparse}} = \underbrace{\frac1m \sum_i \tfrac12 \lVert \hat x^{(i)} - x^{(i)} \rVert^2}_{\text{reconstruction}}
#    + \underbrace{\frac\lambda2 \left(\lVert W_1\rVert_F^2 + \lVert W_2\rVert_F^2\right)}_{\text{weight decay}}
#    + \underbrace{\beta \sum_{j=1}^{n_{\text{hidden}}} \mathrm{KL}(\rho \,\|\, \hat\rho_j)}_{\text{sparsity}} . $$
#
# ## The KL penalty as a function of ρ̂ (UFLDL's figure)
#
# UFLDL draws $\mathrm{KL}(\rho\,\|\,\hat\rho_j)$ against $\hat\rho_j$ for $\rho = 0.2$; this lesson computes it with
# npae's own `KLSparsity` (and draws it after training, next to the curve for its own $\rho = 0.01$). The curve is
# 0 at $\hat\rho_j = \rho$, grows without bound at both ends, and is steeper on the side of 0 than on the side
# of 1 when $\rho < \tfrac12$: a unit that fires too *rarely* is pushed back harder than one that fires
# equally too often.
#
# ## The gradient: UFLDL's "delta term"
#
# Three lines of lesson 02's backward pass change. Since $\partial \hat\rho_j / \partial H_{ij} = 1/m$ and
# $\partial \mathrm{KL}/\partial \hat\rho_j = -\rho/\hat\rho_j + (1-\rho)/(1-\hat\rho_j)$, the gradient with
# respect to the code gets an extra term, entry by entry (sample $i$, unit $j$):
#
# $$ \frac{\partial J}{\partial H_{ij}} = \big(\delta^{(3)} W_2^\top\big)_{ij} + \frac{\beta}{m}\left(-\frac{\rho}{\hat\rho_j} + \frac{1-\rho}{1-\hat\rho_j}\right),
#    \qquad \delta^{(2)} = \frac{\partial J}{\partial H} \circ H \circ (1 - H). $$
#
# The added term does not depend on $i$: it is one row of $n_{\text{hidden}}$ numbers added to every row of
# $\delta^{(3)} W_2^\top$ (NumPy's broadcasting). That is the first changed line; weight decay changes the
# other two, adding $\lambda W_1$ to $\partial J/\partial W_1$ and $\lambda W_2$ to $\partial J/\partial W_2$. (UFLDL
# writes the delta term without the $1/m$ because its deltas do not carry the mean; ours do.) The penalty
# needs $\hat\rho$, a mean over the whole batch, so a full forward pass must come before any delta. In
# npae the whole sparse variant is a plug-in: read `KLSparsity.__call__` in `npae/core/penalties.py` — it
# returns the value, this delta term (`dOmega_dH`, its share of $\partial J/\partial H$), and no direct weight
# gradients; weight decay returns $\lambda W$ as its direct gradient. Lesson 02 checked both numerically.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.course import Lesson
from npae.core.penalties import KLSparsity, WeightDecay
from npae.data.natural_images import describe_natural_images, ufldl_patches
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network, show_images
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="03_sparse_autoencoder")
QUICK = lesson.quick


def kl_curve(rho, rho_hats):
    """KL(ρ ‖ ρ̂) at each ρ̂, from npae's KLSparsity (β = 1) on a one-sample, one-unit code equal to ρ̂."""
    return np.array([KLSparsity(rho=rho, beta=1.0)({}, np.array([[r]]), 1.0)[0] for r in rho_hats])


grid = np.linspace(0.001, 0.999, 999)                 # ρ̂ in steps of 0.001
kl_02 = kl_curve(0.2, grid)
kl_001 = kl_curve(0.01, np.logspace(-4, np.log10(0.999), 400))
closed_form = 0.2 * np.log(0.2 / grid) + 0.8 * np.log(0.8 / (1 - grid))
print(f"ρ = 0.2: KL smallest at ρ̂ = {grid[np.argmin(kl_02)]:.3f}; KL(0.2‖0.1) = {kl_curve(0.2, [0.1])[0]:.4f}, "
      f"KL(0.2‖0.3) = {kl_curve(0.2, [0.3])[0]:.4f}")

# %% [markdown]
# ## The data: UFLDL's 10 000 patches
#
# 10 000 random 8×8 patches of whitened natural images, scaled into $[0.1, 0.9]$ (UFLDL's
# `sampleIMAGES.m`). `ufldl_patches` uses UFLDL's own `IMAGES.mat` when it has been downloaded
# (`data_scripts/fetch_ufldl_images.py`), and otherwise whitens photographs that ship with matplotlib
# and scikit-image, so the exercise runs without the internet.

# %%
rng = np.random.default_rng(0)
n_patches = 2000 if QUICK else 10000
print("images:", describe_natural_images())
X = ufldl_patches(n_patches, 8, rng)
print("X:", X.shape, f"values in [{X.min():.2f}, {X.max():.2f}]")
lesson.show(show_images(X[:100], ncols=10, title="100 training patches"), "03_patches")

# %% [markdown]
# ## UFLDL's configuration
#
# 64 visible units, 25 hidden units, $\lambda = 10^{-4}$, $\rho = 0.01$, $\beta = 3$, and 400 iterations
# of L-BFGS (UFLDL uses minFunc's L-BFGS with `maxIter = 400`; SciPy's L-BFGS-B plays its part here).

# %%
rho = 0.01
model = Autoencoder(64, 25, penalties=[WeightDecay(1e-4), KLSparsity(rho=rho, beta=3.0)],
                    rng=np.random.default_rng(0))
loss_before = model.loss(X)
print("before training: loss", f"{loss_before:.4f}", " mean rho_hat", f"{model.encode(X).mean():.4f}")
result = train_lbfgs(model, X, maxiter=20 if QUICK else 400, print_every=100)

# %% [markdown]
# ## What you should see
#
# Each tile below is one hidden unit's incoming weights $W_1[:, j]$, drawn as an 8×8 image (white
# positive, black negative; each tile scaled to its own range, as UFLDL's `display_network`). A unit
# responds most strongly to a patch that looks like its tile. After training, **most tiles are
# oriented edges or bars**: a bright stripe next to a dark one, at many different orientations and
# positions — Gabor-like filters, the same kind of receptive field that sparse coding (Olshausen & Field
# 1996) and V1 simple cells have. How *localised* they are depends on the images: on UFLDL's whitened
# natural scenes they occupy part of the patch; on smoother photographs they tend to stretch across it.
# In quick mode (20 iterations) the filters are still blurry, partly random patterns.
#
# Without the sparsity term (lesson 01) the units learn spread-out patterns that mix many
# orientations; it is the pressure to explain each patch with a few units that singles out edges, the
# most common independent structure in natural images.

# %%
title = f"W1[:, j] of the 25 hidden units after {result.nit} L-BFGS iterations"
lesson.show(display_network(model.params["W1"], title=title, pixels_per_cell=20), "03_sparse_filters")

# %% [markdown]
# ## Did the code become sparse?
#
# The KL term pulls every unit's average activation $\hat\rho_j$ toward $\rho$. The histogram shows
# the 25 values of $\hat\rho_j$ after training. Sparse does not mean weak: a unit whose average is 1%
# can still fire strongly on the few patches that match its filter. The run measures both: the
# spread of $\hat\rho_j$ and, for each unit, its largest activation over the patches.

# %%
H = model.encode(X)
rho_hat = H.mean(axis=0)                            # (n_hidden,) average activation of each unit
fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
ax.hist(rho_hat, bins=20, color="C0", edgecolor="white")
ax.axvline(rho, color="C3", linestyle="--", label=f"target ρ = {rho}")
ax.set_xlabel("average activation ρ̂ⱼ of hidden unit j")
ax.set_ylabel("number of hidden units")
ax.set_title("Sparsity after training")
ax.legend()
fig.tight_layout()
lesson.show(fig, "03_rho_hat_histogram")
print(f"rho_hat per unit: min {rho_hat.min():.4f}  median {np.median(rho_hat):.4f}  max {rho_hat.max():.4f}")

# %% [markdown]
# ## The penalty curve, and where the trained units sit on it
#
# Left: UFLDL's figure, $\mathrm{KL}(0.2\,\|\,\hat\rho)$. Right: this lesson's $\rho = 0.01$ on a logarithmic
# axis, with the 25 trained units' $\hat\rho_j$ marked on the curve: they sit in the flat bottom, where the
# penalty and its delta term are nearly zero.

# %%
rho_grid = np.logspace(-4, np.log10(0.999), 400)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
axes[0].plot(grid, kl_02, color="C0")
axes[0].axvline(0.2, color="C3", ls="--", lw=1, label="ρ = 0.2")
axes[0].set(xlabel="ρ̂", ylabel="KL(ρ ‖ ρ̂)", title="UFLDL's figure: ρ = 0.2", ylim=(0, 3))
axes[1].semilogx(rho_grid, kl_001, color="C0")
axes[1].plot(rho_hat, kl_curve(rho, rho_hat), "o", color="C1", ms=4, label="the 25 trained units")
axes[1].axvline(rho, color="C3", ls="--", lw=1, label=f"ρ = {rho}")
axes[1].set(xlabel="ρ̂ (log scale)", ylabel="KL(ρ ‖ ρ̂)", title=f"This lesson: ρ = {rho}", ylim=(0, 3))
for ax in axes:
    ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "03_kl_penalty_curve")

# %% [markdown]
# ## Results
#
# The penalty curve, computed by `KLSparsity`: equal to the closed form above (to rounding), smallest at
# $\hat\rho = \rho$ on the grid, and for $\rho = 0.2$ steeper towards 0 — $\mathrm{KL}(0.2\,\|\,0.1)$ is between 1.5 and 2
# times $\mathrm{KL}(0.2\,\|\,0.3)$. After training, in both modes, the mean of $\hat\rho_j$ is within 0.005 of
# $\rho = 0.01$ and every unit's penalty $\mathrm{KL}(\rho\,\|\,\hat\rho_j)$ is below 0.01 (the flat bottom of the
# curve). After UFLDL's 400 iterations the median over units of each unit's *largest* activation is above 0.9:
# sparse, not weak. In quick mode (20 iterations) the units are still weak — that median is only reported. The
# ranges each number is checked against are in the `expect` calls. The last line is the one README's quick
# start promises.

# %%
lesson.expect("|KLSparsity − closed form|, largest over the grid", np.max(np.abs(kl_02 - closed_form)),
              quick=(0.0, 1e-12), full=(0.0, 1e-12), fmt=".1e")
lesson.expect("ρ̂ of the smallest KL(0.2 ‖ ρ̂) on the grid", grid[np.argmin(kl_02)], quick=(0.199, 0.201),
              full=(0.199, 0.201), fmt=".3f")
lesson.expect("KL(0.2 ‖ 0.1) / KL(0.2 ‖ 0.3)", kl_curve(0.2, [0.1])[0] / kl_curve(0.2, [0.3])[0],
              quick=(1.5, 2.0), full=(1.5, 2.0), fmt=".3f")
lesson.expect("final loss", result.fun, quick=(0.0, loss_before), full=(0.2, 0.6))
lesson.expect("mean rho_hat", rho_hat.mean(), quick=(0.005, 0.015), full=(0.005, 0.015))
lesson.expect("largest KL(rho ‖ rho_hat_j) over the units", kl_curve(rho, rho_hat).max(), quick=(0.0, 0.01),
              full=(0.0, 0.01), fmt=".2e")
lesson.expect("median over units of the largest activation", np.median(H.max(axis=0)), full=(0.9, 1.0))
print(f"iterations {result.nit}  ({result.message})")
print(f"final loss {result.fun:.4f}  mean rho_hat {rho_hat.mean():.4f} (rho {rho})  time {lesson.elapsed():.1f} s")

# %% [markdown]
# ## What to look for in the figures
#
# - `03_patches`: whitened patches — edges and textures at every orientation, mid-grey where the photograph
#   was plain.
# - `03_sparse_filters`: after the full run, most tiles are oriented edges or bars at many orientations
#   and positions; in quick mode they are still blurry.
# - `03_rho_hat_histogram`: the values bunch near the dashed target line.
# - `03_kl_penalty_curve`: left, UFLDL's curve, zero at 0.2 and rising faster towards 0 than towards 1; right,
#   the trained units' dots in the flat bottom of the curve for ρ = 0.01.
#
# ## Exercises
#
# - Graded: UFLDL's sparse-autoencoder cost, its weight decay and its KL delta term.
#   `python -m npae.exercises start sparse_autoencoder_cost` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start sparse_autoencoder_cost --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check sparse_autoencoder_cost` (with `--derive` for the derive level).
#   Once it passes, `python -m npae.exercises train sparse_autoencoder_cost` trains your cost on these patches
#   and draws your filters.
# - Set `beta=0` (no sparsity) and compare the filters with the ones above. Which units still look like edges?
# - Try ρ = 0.05 and ρ = 0.001: how do the filters and the histogram change?
#
# ## Further reading
#
# - A. Ng, *Sparse autoencoder*, CS294A lecture notes (UFLDL), §2.3 (sparsity) and the exercise.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.2.1 (sparse autoencoders; 《深度学习》14.2.1 稀疏自编码器).
# - B. Olshausen & D. Field (1996), "Emergence of simple-cell receptive field properties by learning a
#   sparse code for natural images", *Nature* 381.

# %%
lesson.done()
