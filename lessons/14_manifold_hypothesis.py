"""Lesson 14: the manifold hypothesis — what an autoencoder's reconstruction function does near and away from the data.

Run as a script (``python lessons/14_manifold_hypothesis.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: a 1-16-1 denoising autoencoder trained by 400 L-BFGS iterations on
ten corrupted copies of 1000 one-dimensional points; quick mode: 100 iterations.
"""
# %% [markdown]
# # 14 · The manifold hypothesis, in one dimension
#
# **What you will learn:** the manifold hypothesis (Goodfellow et al. §5.11.3, §14.6); why an autoencoder that
# must reconstruct the data *and* resist perturbations can only stay sensitive along the manifold; the 1-D
# picture of the book's Fig. 14.7 — the reconstruction function $r(x)$ against $x$, flat at the data, crossing the
# identity at its fixed points — computed, with the optimal $r$ in closed form beside the learned one.
#
# **Prerequisites:** lessons 09 (the denoising autoencoder), 12 (the contractive autoencoder) and 11 (the DAE
# chain).
#
# **Key terms:** manifold (流形), manifold hypothesis (流形假设), manifold learning (流形学习),
# tangent plane (切平面), fixed point (不动点), reconstruction function (重构函数),
# denoising autoencoder (去噪自编码器), contractive autoencoder (收缩自编码器).
#
# ## The hypothesis (§5.11.3, §14.6)
#
# A **manifold** is a connected set of points that, around each of them, looks like a $d$-dimensional Euclidean
# space; its **tangent plane** at $x$ is spanned by the $d$ directions in which one can move and stay on it. The
# **manifold hypothesis** says that the probability mass of real data — images, sounds, text — concentrates near
# a small number of low-dimensional manifolds in the high-dimensional input space: almost every point of
# $[0,1]^{784}$ is noise, not a garment, and the garments vary along few directions (shift, thickness, style). An
# autoencoder that learns such a manifold learns the structure of the data.
#
# ## Two forces (§14.6)
#
# Every regularised autoencoder balances
#
# 1. a **reconstruction** term: $r(x) \approx x$ for the training points $x$, and
# 2. a **regulariser** (the denoising corruption, the contractive penalty, a small code) that prefers a
#    reconstruction **insensitive to the input**.
#
# Together they allow $r$ to vary only in the directions needed to tell training points apart — the tangent
# directions of the manifold — and push it to be flat (contracting) in all others. Around a data manifold of
# dimension 0 (isolated points), *every* direction is orthogonal to the manifold: $r$ should be flat near each
# point and cross the identity there. That is the 1-D picture of Fig. 14.7, which we now compute.
#
# ## The optimal denoising reconstruction in 1-D, in closed form
#
# Let the data be three clusters: $x \sim \mathcal N(\mu_k, s^2)$ with probability $\frac13$ each, and corrupt with
# $\tilde x = x + \varepsilon$, $\varepsilon \sim \mathcal N(0, \sigma^2)$. The squared-error-optimal reconstruction is the posterior
# mean (lesson 10). Given cluster $k$, $(x, \tilde x)$ is jointly Gaussian, so
# $\mathbb E[x \mid \tilde x, k] = \mu_k + \frac{s^2}{s^2 + \sigma^2}(\tilde x - \mu_k)$, and the cluster's posterior weight is
# $w_k(\tilde x) \propto \mathcal N(\tilde x; \mu_k, s^2 + \sigma^2)$. Hence
#
# $$ r^*(\tilde x) = \sum_k w_k(\tilde x) \Big(\mu_k + \tfrac{s^2}{s^2 + \sigma^2}(\tilde x - \mu_k)\Big) . $$
#
# Near $\mu_k$ its slope is $\frac{s^2}{s^2 + \sigma^2} \ll 1$: flat. Between clusters the weights switch from one
# cluster to the next, and $r^*$ climbs steeply.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.course import Lesson
from npae.core.corruption import Corruption
from npae.models.autoencoder import Autoencoder
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="14_manifold_hypothesis")
QUICK = lesson.quick

MU, S, SIGMA = np.array([-1.2, 0.1, 1.0]), 0.03, 0.25


def optimal_reconstruction(x):
    """r*(x̃) = E[x | x̃] for the three-cluster data and Gaussian corruption (derivation above): (n,) -> (n,)."""
    x = np.asarray(x, dtype=float)[:, None]
    log_w = -(x - MU) ** 2 / (2 * (S**2 + SIGMA**2))
    w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    shrink = S**2 / (S**2 + SIGMA**2)
    return np.sum(w * (MU + shrink * (x - MU)), axis=1)


# %% [markdown]
# ## Train a denoising autoencoder on the three clusters
#
# A 1-16-1 autoencoder (sigmoid code, linear decoder), Gaussian corruption σ = 0.25 (fixed, not tuned),
# squared error. The sharp steps of $r^*$ need large weights, which minibatch Adam reaches slowly; on a problem
# this small, full-batch L-BFGS (lesson 04) on ten corrupted copies of every point, drawn once, gets there in a
# few hundred iterations. Its reconstruction error on held-out corrupted points is compared with that of $r^*$,
# the best any function can do.

# %%
rng = np.random.default_rng(14)
n, copies = 1000, 10


def clusters(n, rng):
    return (MU[rng.integers(0, 3, n)] + S * rng.standard_normal(n))[:, None]


X, X_val = clusters(n, rng), clusters(1000, rng)
corruption = Corruption("gaussian", SIGMA)
X_val_tilde = corruption(X_val, np.random.default_rng(1))
X_rep = np.repeat(X, copies, axis=0)                         # every point ten times ...
X_tilde = corruption(X_rep, np.random.default_rng(2))        # ... each copy corrupted once, beforehand
iterations = 100 if QUICK else 400
dae = Autoencoder(1, 16, decoder="linear", init="glorot", rng=np.random.default_rng(0))
result = train_lbfgs(dae, X_tilde, X_rep, maxiter=iterations, verbose=False)
val_learned = dae.loss(X_val_tilde, target=X_val)
val_optimal = 0.5 * np.mean((optimal_reconstruction(X_val_tilde[:, 0]) - X_val[:, 0]) ** 2)
lesson.stamp(f"{result.nit} L-BFGS iterations; validation denoising loss {val_learned:.5f} "
             f"(optimal r*: {val_optimal:.5f})")

# %% [markdown]
# ## r(x) against x, and its fixed points
#
# A **fixed point** is an $x$ with $r(x) = x$: where the curve crosses the identity. It is *stable* (iterating $r$
# converges to it from nearby) when $|r'(x)| < 1$ there, and *unstable* when $r'(x) > 1$. We find them as sign
# changes of $r(x) - x$ on a fine grid and measure the slope $r'$ by central differences.

# %%
grid = np.linspace(-2.0, 2.0, 4001)
r_learned = dae.reconstruct(grid[:, None])[:, 0]
r_optimal = optimal_reconstruction(grid)


def fixed_points(r):
    """Crossings of r(x) = x on the grid (linear interpolation) and the slope r' there."""
    gap = r - grid
    idx = np.nonzero(np.sign(gap[:-1]) != np.sign(gap[1:]))[0]
    points = grid[idx] - gap[idx] * (grid[idx + 1] - grid[idx]) / (gap[idx + 1] - gap[idx])
    slope = np.gradient(r, grid)
    return points, np.interp(points, grid, slope)


fp_learned, slope_fp = fixed_points(r_learned)
stable = fp_learned[slope_fp < 1]
unstable = fp_learned[slope_fp >= 1]
slope_at_data = np.interp(MU, grid, np.gradient(r_learned, grid))
print("fixed points of the learned r:", np.round(fp_learned, 3).tolist(), " slopes:", np.round(slope_fp, 2).tolist())
print("data clusters at", MU.tolist(), "; slope of the learned r there:", np.round(slope_at_data, 3).tolist(),
      f"(optimal: {S**2 / (S**2 + SIGMA**2):.4f})")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), dpi=100)
ax = axes[0]
ax.plot(grid, grid, "k--", lw=0.8, label="identity r(x) = x")
ax.plot(grid, r_optimal, color="C1", lw=2, alpha=0.6, label="optimal r*(x) = E[x | x̃ = x]")
ax.plot(grid, r_learned, color="C0", lw=1.5, label="learned r(x)")
ax.plot(stable, stable, "o", color="C2", label="stable fixed points")
ax.plot(unstable, unstable, "o", mfc="white", color="C3", label="unstable fixed points")
ax.plot(X[:300, 0], np.full(300, -1.95), "|", color="0.4", ms=10, label="data x")
ax.set(xlabel="x", ylabel="r(x)", title="Reconstruction function (cf. Goodfellow et al. Fig. 14.7)", ylim=(-2, 2))
ax.legend(fontsize=8, loc="upper left")
ax = axes[1]
ax.axhline(0, color="k", lw=0.8)
ax.plot(grid, r_optimal - grid, color="C1", lw=2, alpha=0.6, label="r*(x) − x")
ax.plot(grid, r_learned - grid, color="C0", lw=1.5, label="r(x) − x")
for m in MU:
    ax.axvline(m, color="0.6", lw=0.8)
ax.set(xlabel="x", ylabel="r(x) − x", title="The reconstruction displacement points to the data")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "14_reconstruction_function")

# %% [markdown]
# ## Results
#
# Printed by this run. The learned $r$ has a stable fixed point at each cluster, where it is nearly flat (its
# slope far below 1, the slope of the identity), and an unstable one between neighbouring clusters, where it is
# steeper than the identity; its validation denoising loss is close to that of the closed-form optimum. Away
# from the data (outside $[-1.2, 1.0]$) $r$ is nearly flat too: everything is mapped back to the nearest cluster.

# %%
lesson.expect("validation denoising loss, learned r", val_learned, quick=(0, 1.1 * val_optimal),
              full=(0, 1.1 * val_optimal), fmt=".5f")
lesson.expect("validation denoising loss, optimal r*", val_optimal, quick=(0, 0.1), full=(0, 0.1), fmt=".5f")
lesson.expect("number of stable fixed points", len(stable), quick=(3, 3), full=(3, 3), fmt=".0f")
lesson.expect("number of unstable fixed points", len(unstable), quick=(2, 2), full=(2, 2), fmt=".0f")
nearest = np.abs(stable[:, None] - MU[None, :]).min(axis=0) if len(stable) else np.full(3, np.inf)
lesson.expect("largest distance from a cluster to the nearest stable fixed point", nearest.max(), quick=(0, 0.1),
              full=(0, 0.1), fmt=".3f")
lesson.expect("largest |slope r'(x)| at a cluster", np.abs(slope_at_data).max(), quick=(0, 0.5), full=(0, 0.3),
              fmt=".3f")
lesson.expect("largest slope r'(x) between clusters", np.gradient(r_learned, grid)[(grid > MU[0]) & (grid < MU[-1])].max(),
              quick=(1.5, 50), full=(1.5, 50), fmt=".3f")

# %% [markdown]
# ## What to look for in the figure
#
# - `14_reconstruction_function`, left: the learned curve (blue) follows the optimal one (orange): flat steps
#   at the three clusters, crossing the dashed identity at each; steep climbs between them, crossing the
#   identity again (the open circles). Right: $r(x) - x$ is positive left of each cluster and negative right of
#   it — the arrows of the book's Fig. 14.7 all point to the nearest data point. Iterating $r$ (lesson 11's chain
#   without noise) therefore sends every $x$ to a stable fixed point, a data point.
#
# ## Exercises
#
# - Make σ larger (0.5, then 0.8): when do two clusters merge into one stable fixed point? Predict it from
#   $r^*$ before training.
# - Replace the corruption by the contractive penalty (`Contractive(λ)` with no corruption): is the picture the
#   same? Which λ gives slopes at the clusters comparable to the DAE's?
# - Train an autoencoder with *no* regulariser and 64 hidden units on the same data. What does $r$ look like
#   away from the clusters? (Lesson 06 asks the same question in 784 dimensions.)
# - Put the clusters on a line in 2-D (a 1-D manifold) and plot the field $r(x) - x$: which direction is flat?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §5.11.3 (manifold learning; 《深度学习》5.11.3 流形学习) and
#   §14.6 (learning manifolds with autoencoders; 14.6 使用自编码器学习流形), Fig. 14.7.
# - G. Alain & Y. Bengio (2014), "What regularized auto-encoders learn from the data-generating distribution",
#   JMLR 15.
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders: explicit
#   invariance during feature extraction", ICML.

# %%
lesson.done()
