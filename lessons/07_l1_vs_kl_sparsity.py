"""Lesson 7: two ways to make a code sparse — the L1 penalty (a Laplace prior) and the KL penalty (a target rate)."""

# %% [markdown]
# # 07 · L1 sparsity vs KL sparsity
#
# A sparse autoencoder adds a penalty Ω(h) on the code to the reconstruction loss (Goodfellow et al.
# §14.2.1). Two penalties are common, and they ask for different things.
#
# **L1** (`npae.core.penalties.L1Sparsity`): Ω = λ · mean over samples of Σⱼ |hⱼ|. Goodfellow et al. read it as
# a prior: with independent Laplace priors p(hⱼ) = (λ/2) e^{−λ|hⱼ|},
#
# $$-\log p(h) = \sum_j \big(\lambda |h_j| - \log\tfrac{\lambda}{2}\big),$$
#
# whose h-dependent part is the penalty. It pushes **every code of every sample** towards 0, with the
# same force λ/m whatever the value (the gradient is λ/m · sign h): a unit can stay off for all samples,
# or on for all, the penalty does not care which units carry the code.
#
# **KL** (`npae.core.penalties.KLSparsity`, UFLDL): Ω = β Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ̂ⱼ the mean of hⱼ over the batch.
# It constrains each unit's **average** activation to a target rate ρ: every unit must be on for about
# a fraction ρ of the samples (lifetime sparsity), and it is indifferent to how any one code looks as
# long as the averages are right. It needs h ∈ (0, 1), a sigmoid code.
#
# We train, on the same Fashion-MNIST images and from the same initial weights, a plain AE, a KL-sparse
# AE, an L1-sparse AE with a sigmoid code, and an L1-sparse AE with a ReLU code (L1 can use one, and
# then produces exact zeros).

# %%
import time

import numpy as np
import scipy.stats
from matplotlib.figure import Figure

from npae.data.digits import load_fashion_mnist
from npae.training.minibatch import train_minibatch
from npae.models.autoencoder import Autoencoder
from npae.training.optimizers import Adam
from npae.core.penalties import KLSparsity, L1Sparsity
from npae.plotting import display_network
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()

# %% [markdown]
# ## The Laplace reading, checked numerically
#
# scipy's Laplace density with scale 1/λ is (λ/2) e^{−λ|h|}; summing −log p over a code must give
# λ‖h‖₁ − n log(λ/2).

# %%
lam_prior = 3.0
h = np.random.default_rng(0).uniform(0.0, 1.0, 10)
by_scipy = -scipy.stats.laplace.logpdf(h, scale=1.0 / lam_prior).sum()
by_formula = lam_prior * np.abs(h).sum() - h.size * np.log(lam_prior / 2.0)
print(f"-log p(h), scipy.stats.laplace: {by_scipy:.12f};  lambda|h|_1 - n log(lambda/2): {by_formula:.12f}")

# %%
rng = np.random.default_rng(1)
X_train, _ = load_fashion_mnist("train", dtype=np.float32)
X_test, _ = load_fashion_mnist("test", dtype=np.float32)
X_train = X_train[rng.permutation(len(X_train))[:500 if QUICK else 20000]]
X_test = X_test[:200 if QUICK else 1000]
n_hidden, epochs, rho = (64, 1, 0.05) if QUICK else (200, 10, 0.05)
CONFIGS = {
    "plain": dict(encoder="sigmoid", penalties=[]),
    "KL": dict(encoder="sigmoid", penalties=[KLSparsity(rho=rho, beta=3.0)]),
    "L1 sigmoid": dict(encoder="sigmoid", penalties=[L1Sparsity(0.5)]),
    "L1 relu": dict(encoder="relu", penalties=[L1Sparsity(0.5)]),
}
codes, models = {}, {}
for name, config in CONFIGS.items():
    model = Autoencoder(784, n_hidden, decoder="sigmoid", loss="cross_entropy", dtype=np.float32,
                        init="glorot", rng=np.random.default_rng(2), **config)
    history = train_minibatch(model, X_train, optimizer=Adam(3e-3), epochs=epochs, batch_size=128,
                              rng=np.random.default_rng(3), verbose=False)
    models[name], codes[name] = model, model.encode(X_test)
    plain_loss = Autoencoder(784, n_hidden, loss="cross_entropy", encoder=config["encoder"],
                             dtype=np.float32).loss(X_test, params=model.params)
    print(f"{name:10s} {sum(history.seconds):6.1f} s  test CE/pixel {plain_loss / 784:.4f}  {config['penalties']}")

# %% [markdown]
# ## What the codes look like
#
# Mean activation, the fraction of code values below 0.05 ("off"), the fraction exactly 0, and the
# spread of the per-unit mean activations ρ̂ⱼ (KL pins each ρ̂ⱼ near ρ; L1 does not).

# %%
print(f"{'model':10s} {'mean h':>7s} {'h<0.05':>7s} {'h==0':>6s} {'min rho_j':>9s} {'max rho_j':>9s} {'dead':>5s}")
for name, H in codes.items():
    rho_hat = H.mean(axis=0)
    print(f"{name:10s} {H.mean():7.3f} {np.mean(H < 0.05):7.3f} {np.mean(H == 0):6.3f} "
          f"{rho_hat.min():9.3f} {rho_hat.max():9.3f} {int(np.sum(H.max(axis=0) < 0.05)):5d}")
print(f"(KL target rho = {rho}; 'dead' = units below 0.05 on every test image; a sigmoid code is 0 only "
      "where sigma(z) underflows in float32, z below about -17: not a zero the model chose)")

# %%
fig = Figure(figsize=(9, 2.6))
axes = fig.subplots(1, 4, sharey=True)
for ax, (name, H) in zip(axes, codes.items()):
    top = max(1.0, float(H.max()))
    ax.hist(H.ravel(), bins=50, range=(0, top), color="C0", log=True)
    ax.set_title(f"{name}: mean {H.mean():.3f}", fontsize=9)
    ax.set_xlabel("h")
axes[0].set_ylabel("count (log)")
fig.tight_layout()
fig.savefig(OUT / "07_activation_histograms.png", dpi=100)

fig = Figure(figsize=(5, 3))
ax = fig.add_subplot()
for name, H in codes.items():
    ax.plot(np.sort(H.mean(axis=0))[::-1], label=name)
ax.axhline(rho, color="grey", linestyle=":", label=f"ρ = {rho}")
ax.set_yscale("symlog", linthresh=0.01)
ax.set_ylim(0, None)
ax.set_xlabel("hidden unit (sorted)")
ax.set_ylabel("mean activation ρ̂ⱼ")
ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(OUT / "07_mean_activation_per_unit.png", dpi=100)

for name, model in models.items():
    slug = name.lower().replace(" ", "_")
    display_network(model.params["W1"][:, :36], (28, 28), path=OUT / f"07_filters_{slug}.png")
print(f"figures in {OUT}; lesson took {time.perf_counter() - START:.1f} s")

# %% [markdown]
# In the filter figures (first 36 units of each model), the plain AE's units are global, textured
# mixtures; the KL and L1-sigmoid units look more like templates of whole garments or parts (a shoe,
# trouser legs, a sleeve). The L1-ReLU figure shows many tiles of pure noise: those are dead units, whose
# ReLU was off for every input, so they never received a gradient and kept their random initial weights.

# %% [markdown]
# **What to take away.** Both penalties make codes sparse, but not the same sparsity. KL gives every
# unit the same small duty cycle ρ, so the units share the work and each becomes a detector for a part
# of the data. L1 is a prior on each code: it lowers all activations, is satisfied just as well by
# units that are silent for all data (the "dead" column), and — with a ReLU — gives exact zeros, which
# a sigmoid can only approach.
