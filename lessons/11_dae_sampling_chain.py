"""Lesson 11: sampling from a denoising autoencoder — score matching, and the corrupt-reconstruct Markov chain.

Run as a script (``python lessons/11_dae_sampling_chain.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: a 2-128-2 denoising autoencoder (ReLU code) trained for 160 epochs on
2000 points of a noisy spiral, then 500 chains of 300 steps; quick mode: 1000 points, 10 epochs, 100 chains of
60 steps.
"""
# %% [markdown]
# # 11 · Sampling from a denoising autoencoder
#
# **What you will learn:** what the *score* of a density is and what *score matching* estimates (Goodfellow et
# al. §14.5.1); why a denoising autoencoder trained with small Gaussian noise learns the score; how to turn a
# trained denoising autoencoder into a *generative model* by alternating corruption and reconstruction — the
# Markov chain of Bengio et al. (2013) — and how to check its samples by their distance to the data manifold.
#
# **Prerequisites:** lessons 09 (the denoising autoencoder) and 10 (the denoising score field).
#
# **Key terms:** denoising autoencoder (去噪自编码器), score (得分), score matching (得分匹配),
# Markov chain (马尔可夫链), Markov chain Monte Carlo (马尔可夫链蒙特卡罗), stationary distribution (平稳分布),
# manifold (流形), corruption process (损坏过程), Langevin dynamics (朗之万动力学), generative model (生成模型).
#
# ## The score and score matching (§14.5.1)
#
# The **score** of a density is its gradient field $\nabla_x \log p(x)$: it points uphill, towards where the data
# are, and it does not depend on the normalising constant of $p$ (which $\nabla\log$ removes). **Score matching**
# (Hyvärinen 2005) fits a model $p_{\text{model}}(x; \theta)$ by making its score agree with the data's,
#
# $$ \min_\theta\ \tfrac12\, \mathbb E_{x \sim p_{\text{data}}} \big\lVert \nabla_x \log p_{\text{model}}(x; \theta) - \nabla_x \log p_{\text{data}}(x) \big\rVert^2 , $$
#
# which Hyvärinen rewrote, by integration by parts, without the unknown data score. Vincent (2011) showed that
# a *denoising* autoencoder with Gaussian corruption $\tilde x = x + \varepsilon$, $\varepsilon \sim \mathcal N(0, \sigma^2 I)$, and
# squared error is score matching of a particular model on the noised density (*denoising score matching*);
# Alain & Bengio (2014, Theorem 1) showed that for a smooth, positive data density the reconstruction function
# $r^*_\sigma$ that minimises the *expected* denoising loss satisfies
#
# $$ r^*_\sigma(x) - x = \sigma^2\, \nabla_x \log p(x) + o(\sigma^2) \qquad \text{as } \sigma \to 0 , $$
#
# which lesson 10 measured on a circle: the reconstruction displacement *is* an estimate of the score, scaled
# by $\sigma^2$ (Goodfellow et al. Fig. 14.4); a trained network approaches $r^*_\sigma$, and at a finite σ it
# estimates the score of the noised density $p_\sigma$ (lesson 10, step 4).
#
# ## From a score to samples: the corrupt-reconstruct chain
#
# A score is all that Langevin dynamics needs to sample: $x \leftarrow x + \tfrac\eta2 \nabla\log p(x) + \sqrt\eta\,\varepsilon$.
# A trained denoising autoencoder suggests the same kind of chain (Bengio et al. 2013, Algorithm 1; §20.11.1):
#
# $$ \tilde x_t \sim C(\tilde x \mid x_t) \quad\text{(corrupt, as in training)}, \qquad
#    x_{t+1} \sim p_\theta(x \mid \tilde x_t) \quad\text{(reconstruct)} . $$
#
# With Gaussian corruption and the decoder's mean, $x_{t+1} = r(x_t + \sigma\varepsilon) \approx x_t + \sigma\varepsilon +
# \sigma^2 \nabla\log p(x_t + \sigma\varepsilon)$: a Langevin step with $\eta = \sigma^2$ but *twice* the drift, so the chain
# is pulled towards the manifold more strongly than exact Langevin sampling would be. Bengio et al. prove that
# when $p_\theta(x \mid \tilde x)$ is a consistent estimator of the true conditional, the chain's stationary
# distribution converges to the data distribution; with the mean alone we expect samples *on* the manifold,
# perhaps tighter around it than the data. We measure exactly that.
#
# In npae: `npae/analysis/sampling.py`, `dae_chain(model, X0, corruption, n_steps, rng)`.

# %%
import numpy as np
import matplotlib.pyplot as plt
from scipy.spatial import cKDTree

from npae.analysis.sampling import dae_chain
from npae.course import Lesson
from npae.core.corruption import Corruption
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="11_dae_sampling_chain")
QUICK = lesson.quick

# %% [markdown]
# ## The data: a spiral, a 1-D manifold in the plane
#
# Points $c(t) = 0.1\,t\,(\cos t, \sin t)$ with $t$ uniform in $[\pi, 4\pi]$, blurred by Gaussian noise of standard
# deviation $s = 0.02$. The arms are $2\pi \cdot 0.1 \approx 0.63$ apart; the corruption $\sigma = 0.1$ is small against
# that (fixed before training, not tuned). The distance of any point to the manifold is measured against
# 20 000 points of the curve with a k-d tree (`scipy.spatial.cKDTree`).
#
# The denoising autoencoder: 2-128-2 with a ReLU code (a sigmoid code learned this field far more slowly with
# minibatch Adam: after 200 epochs it was still close to the identity) and a linear decoder, squared error,
# Adam with the learning rate lowered in three stages, minibatches of 50. As a yardstick, the identity
# $r(\tilde x) = \tilde x$ scores $\tfrac12 \mathbb E\lVert\varepsilon\rVert^2 = \sigma^2 = 0.01$ on the validation loss.

# %%
T_MIN, T_MAX, S, SIGMA = np.pi, 4 * np.pi, 0.02, 0.1


def curve(t):
    """The spiral c(t) = 0.1 t (cos t, sin t): (n,) -> (n, 2)."""
    return 0.1 * t[:, None] * np.column_stack([np.cos(t), np.sin(t)])


def spiral(n, rng):
    t = rng.uniform(T_MIN, T_MAX, n)
    return curve(t) + S * rng.standard_normal((n, 2))


dense_t = np.linspace(T_MIN, T_MAX, 20000)
tree = cKDTree(curve(dense_t))


def to_manifold(P):
    """Distance of each row of P to the spiral, and the curve parameter t of its nearest point."""
    distance, index = tree.query(P)
    return distance, dense_t[index]


rng = np.random.default_rng(11)
n_train = 1000 if QUICK else 2000
X, X_val = spiral(n_train, rng), spiral(1000, rng)
corruption = Corruption("gaussian", SIGMA)
X_val_tilde = corruption(X_val, np.random.default_rng(1))        # one fixed corruption of the validation points
# Adam with a falling learning rate: (learning rate, epochs) stages
schedule = [(1e-2, 5), (3e-3, 3), (1e-3, 2)] if QUICK else [(1e-2, 80), (3e-3, 40), (1e-3, 40)]
dae = Autoencoder(2, 128, encoder="relu", decoder="linear", init="glorot", rng=np.random.default_rng(0))
for stage, (learning_rate, epochs) in enumerate(schedule):
    history = train_minibatch(dae, X, optimizer=Adam(learning_rate=learning_rate), epochs=epochs, batch_size=50,
                              corruption=corruption, rng=np.random.default_rng(2 + stage), verbose=False)
    val_loss = dae.loss(X_val_tilde, target=X_val)
    lesson.stamp(f"Adam η = {learning_rate:g}, {epochs} epochs: denoising loss {history.loss[-1]:.5f} (training), "
                 f"{val_loss:.5f} (validation)")
identity_loss = 0.5 * np.mean(np.sum((X_val_tilde - X_val) ** 2, axis=1))     # r(x̃) = x̃ would score this

# %% [markdown]
# ## Run the chains
#
# Start chains anywhere: uniformly in the square $[-1.5, 1.5]^2$, most of it far from the data. Each step corrupts
# with the training corruption and reconstructs with the decoder's mean.

# %%
n_chains, n_steps = (100, 60) if QUICK else (500, 300)
starts = np.random.default_rng(3).uniform(-1.5, 1.5, size=(n_chains, 2))
states = dae_chain(dae, starts, corruption, n_steps, np.random.default_rng(4))      # (n_steps, n_chains, 2)
samples = states[n_steps // 2:].reshape(-1, 2)                                        # second half of every chain
lesson.stamp(f"{n_chains} chains x {n_steps} steps; {len(samples)} samples kept (the second half of each chain)")

d_start, _ = to_manifold(starts)
d_first, _ = to_manifold(states[0])
d_samples, t_samples = to_manifold(samples)
d_data, t_data = to_manifold(X_val)
d_corrupt, _ = to_manifold(X_val_tilde)

fig, axes = plt.subplots(1, 2, figsize=(11, 5), dpi=100)
ax = axes[0]
shown = samples[np.random.default_rng(5).choice(len(samples), min(len(samples), 3000), replace=False)]
ax.scatter(shown[:, 0], shown[:, 1], s=2, color="C3", alpha=0.4, label="chain samples (3000 of them)")
ax.scatter(X[:, 0], X[:, 1], s=1, color="0.3", alpha=0.5, label="training data")
for k in range(3):
    path = np.vstack([starts[k], states[:40, k]])
    ax.plot(path[:, 0], path[:, 1], "-o", ms=2, lw=0.8, color=f"C{k}", label="a chain's first 40 steps" if k == 0 else None)
ax.set(aspect="equal", xlim=(-1.55, 1.55), ylim=(-1.55, 1.55), title="DAE chain samples over the data")
ax.legend(loc="lower left", fontsize=8)
ax = axes[1]
bins = np.linspace(0, 0.3, 31)
for d, label in ((d_data, "validation data"), (d_corrupt, "corrupted validation data"),
                 (d_samples, "chain samples"), (d_start, "chain starts")):
    ax.hist(d, bins=bins, density=True, histtype="step", lw=1.5, label=f"{label} (mean {d.mean():.3f})")
ax.set(xlabel="distance to the spiral", ylabel="density", title="How far from the manifold?")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "11_chain_samples")

fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
t_bins = np.linspace(T_MIN, T_MAX, 13)
ax.hist(t_data, bins=t_bins, density=True, histtype="step", lw=1.5, label="validation data")
ax.hist(t_samples, bins=t_bins, density=True, histtype="step", lw=1.5, label="chain samples")
ax.set(xlabel="position t along the spiral (nearest curve point)", ylabel="density",
       title="Where along the manifold")
ax.legend()
fig.tight_layout()
lesson.show(fig, "11_along_the_manifold")

# %% [markdown]
# ## Results
#
# Printed by this run. The denoising loss is well below the identity's. The chains start far from the data;
# one corrupt-reconstruct step brings them much closer to the spiral, and their samples stay there: their mean
# distance to the manifold is within a small factor of the data's own blur and below that of the corrupted
# points that the autoencoder was trained to clean. The samples spread over most of the spiral (the number of
# its twelve stretches of $t$ that hold at least 2 % of the samples), though not uniformly like the data: the
# chain moves along the manifold only through the corruption's kicks, and the density along $t$ is learned less
# well than the distance to the curve.

# %%
lesson.expect("validation denoising loss (½‖r(x̃) − x‖², mean)", val_loss, quick=(0, 0.05), full=(0.0, 0.008),
              fmt=".5f")
lesson.expect("the identity's validation denoising loss", identity_loss, quick=(0.005, 0.015), full=(0.008, 0.012),
              fmt=".5f")
lesson.expect("mean distance to the spiral: chain starts", d_start.mean(), quick=(0.1, 0.5), full=(0.1, 0.5),
              fmt=".4f")
lesson.expect("mean distance to the spiral: after one step", d_first.mean(), quick=(0, d_start.mean()),
              full=(0, 0.7 * d_start.mean()), fmt=".4f")
lesson.expect("mean distance to the spiral: chain samples", d_samples.mean(), quick=(0, d_start.mean()),
              full=(0, 0.05), fmt=".4f")
lesson.expect("mean distance to the spiral: validation data", d_data.mean(), quick=(0.01, 0.03), full=(0.01, 0.03),
              fmt=".4f")
lesson.expect("mean distance to the spiral: corrupted validation data", d_corrupt.mean(), quick=(0.05, 0.12),
              full=(0.05, 0.12), fmt=".4f")
lesson.expect("samples' distance / data's distance", d_samples.mean() / d_data.mean(), quick=(0, 20), full=(0.5, 4.0),
              fmt=".3f")
share = np.histogram(t_samples, bins=t_bins)[0] / len(t_samples)
lesson.expect("stretches of the spiral holding at least 2 % of the samples (of 12)", np.sum(share >= 0.02),
              quick=(8, 12), full=(8, 12), fmt=".0f")

# %% [markdown]
# ## What to look for in the figures
#
# - `11_chain_samples`, left: most red samples lie along the dark spiral, on every arm; the three drawn chains
#   jump from their random start towards the nearest arm, then wander along it. A minority sit between the
#   arms — the long right tail of the samples' distance histogram: places where the learned field lets the
#   chain linger (spurious modes). Right: the distance histograms — the samples' peaks with the data's, left of
#   the corrupted data's.
# - `11_along_the_manifold`: the data are uniform in $t$; the samples cover the range, with bumps where chains
#   linger.
#
# ## Exercises
#
# - Sample the reconstruction instead of taking its mean: `dae_chain(..., decoder_std=0.02)`. How does the
#   distance to the manifold change? What `decoder_std` would make $p_\theta(x \mid \tilde x)$ a better estimate of the
#   true conditional?
# - Train with σ = 0.3 (half the gap between arms). What happens to the chain — does it jump between arms?
# - Write one step of Langevin dynamics with the DAE's score estimate $(r(x) - x)/\sigma^2$ and step size
#   $\eta = \sigma^2$; compare its samples' distance to the manifold with the chain's.
# - Why does the chain need the *same* corruption as training? Try sampling with σ = 0.05 and 0.2.
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.5.1 (estimating the score; 《深度学习》14.5.1 得分估计)
#   and §20.11 (drawing samples from autoencoders; 20.11.1 与去噪自编码器相关的马尔可夫链).
# - Y. Bengio, L. Yao, G. Alain, P. Vincent (2013), "Generalized denoising auto-encoders as generative models",
#   NIPS 26.
# - P. Vincent (2011), "A connection between score matching and denoising autoencoders", *Neural Computation*
#   23(7).
# - A. Hyvärinen (2005), "Estimation of non-normalized statistical models by score matching", JMLR 6.
# - G. Alain & Y. Bengio (2014), "What regularized auto-encoders learn from the data-generating distribution",
#   JMLR 15.

# %%
lesson.done()
