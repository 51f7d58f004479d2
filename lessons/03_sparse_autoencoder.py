"""Lesson 03: the sparse autoencoder — UFLDL's exercise: edge detectors learned from natural-image patches.

Run as a script (``python lessons/03_sparse_autoencoder.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode trains UFLDL's configuration (10 000 patches,
64-25-64, 400 L-BFGS iterations); quick mode uses 2000 patches and 20 iterations.
"""
# %% [markdown]
# # 03 · The sparse autoencoder
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
# ## The gradient: UFLDL's "delta term"
#
# Only one line of lesson 02's backward pass changes. Since $\partial \hat\rho_j / \partial h_{ij} = 1/m$ and
# $\partial \mathrm{KL}/\partial \hat\rho_j = -\rho/\hat\rho_j + (1-\rho)/(1-\hat\rho_j)$, the gradient with
# respect to the code gets an extra term, the same for every sample:
#
# $$ \frac{\partial J}{\partial H} = \delta^{(3)} W_2^\top + \frac{\beta}{m}\left(-\frac{\rho}{\hat\rho_j} + \frac{1-\rho}{1-\hat\rho_j}\right),
#    \qquad \delta^{(2)} = \frac{\partial J}{\partial H} \circ H \circ (1 - H). $$
#
# (UFLDL writes it without the $1/m$ because its deltas do not carry the mean; ours do.) The penalty
# needs $\hat\rho$, a mean over the whole batch, so a full forward pass must come before any delta. In
# npae the whole sparse variant is a plug-in: read `KLSparsity.__call__` in `npae/core/penalties.py` — it
# returns the value, this delta term (`dH`), and no direct weight gradients; weight decay returns
# $\lambda W$ as its direct gradient. Lesson 02 checked both numerically.

# %%
import time

import numpy as np

from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from npae.data.natural_images import ufldl_patches  # noqa: E402
from npae.training.lbfgs import train_lbfgs  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.core.penalties import KLSparsity, WeightDecay  # noqa: E402
from npae.plotting import display_network, show_images  # noqa: E402

start = time.perf_counter()

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
X = ufldl_patches(n_patches, 8, rng)
print("X:", X.shape, f"values in [{X.min():.2f}, {X.max():.2f}]")
path = OUT / "03_patches.png"
show_images(X[:100], ncols=10, path=path, title="100 training patches")
print("figure", path)

# %% [markdown]
# ## UFLDL's configuration
#
# 64 visible units, 25 hidden units, $\lambda = 10^{-4}$, $\rho = 0.01$, $\beta = 3$, and 400 iterations
# of L-BFGS (UFLDL uses minFunc's L-BFGS with `maxIter = 400`; SciPy's L-BFGS-B plays its part here).

# %%
rho = 0.01
model = Autoencoder(64, 25, penalties=[WeightDecay(1e-4), KLSparsity(rho=rho, beta=3.0)],
                    rng=np.random.default_rng(0))
print("before training: loss", f"{model.loss(X):.4f}", " mean rho_hat", f"{model.encode(X).mean():.4f}")
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
filters_path = OUT / "03_sparse_filters.png"
display_network(model.params["W1"], path=filters_path)

# %% [markdown]
# ## Did the code become sparse?
#
# The KL term pulls every unit's average activation $\hat\rho_j$ toward $\rho$. The histogram shows
# the 25 values of $\hat\rho_j$ after training: they should cluster near $\rho = 0.01$, although each
# individual activation $h_j(x)$ is sometimes close to 1 — sparse does not mean weak.

# %%
H = model.encode(X)
rho_hat = H.mean(axis=0)                            # (n_hidden,) average activation of each unit
fig = Figure(figsize=(6, 3.6), dpi=100)
FigureCanvasAgg(fig)
ax = fig.add_subplot()
ax.hist(rho_hat, bins=20, color="C0", edgecolor="white")
ax.axvline(rho, color="C3", linestyle="--", label=f"target ρ = {rho}")
ax.set_xlabel("average activation ρ̂ⱼ of hidden unit j")
ax.set_ylabel("number of hidden units")
ax.set_title("Sparsity after training")
ax.legend()
fig.tight_layout()
hist_path = OUT / "03_rho_hat_histogram.png"
fig.savefig(hist_path)
print("figure", hist_path)
print(f"rho_hat per unit: min {rho_hat.min():.4f}  median {np.median(rho_hat):.4f}  max {rho_hat.max():.4f};"
      f"  fraction of activations above 0.5: {np.mean(H > 0.5):.4f}")

# %% [markdown]
# ## The result
#
# The mean of $\hat\rho_j$ over the hidden units should be within 0.005 of $\rho$ after the full 400
# iterations; the wall time includes building the data set.

# %%
seconds = time.perf_counter() - start
print(f"iterations {result.nit}  ({result.message})")
print(f"final loss {result.fun:.4f}  mean rho_hat {rho_hat.mean():.4f} (rho {rho})  time {seconds:.1f} s  "
      f"figure {filters_path}")
