"""Lesson 07: two ways to make a code sparse — the L1 penalty (a Laplace prior) and the KL penalty (a target rate).

Run as a script (``python lessons/07_l1_vs_kl_sparsity.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: four 784-200-784 autoencoders, 20 000 Fashion-MNIST
images, 10 epochs each; quick mode: 64 hidden units, 500 images, 1 epoch.
"""
# %% [markdown]
# # 07 · L1 sparsity vs KL sparsity
#
# **What you will learn:** the L1 penalty on the code and its reading as a Laplace prior; how it differs
# from UFLDL's KL penalty (a constraint on each unit's *average* activation); what each does to a code,
# measured: mean activation, the spread of the per-unit rates, exact zeros and dead units; why a sigmoid
# code is never exactly zero.
#
# **Prerequisites:** lesson 03 (the sparse autoencoder and its KL penalty), lesson 02 (backprop).
#
# A sparse autoencoder adds a penalty $\Omega(h)$ on the code to the reconstruction loss (Goodfellow et al.
# §14.2.1). Two penalties are common, and they ask for different things.
#
# **Key terms:** sparse autoencoder (稀疏自编码器), sparsity (稀疏性), L1 regularization (L1 正则化),
# Laplace distribution (Laplace 分布), prior (先验), KL divergence (KL 散度),
# rectified linear unit (整流线性单元), cross-entropy (交叉熵), underflow (下溢), test set (测试集).
#
# ## L1: a prior on every code
#
# `npae.core.penalties.L1Sparsity`: $\Omega = \lambda \cdot \frac1m \sum_i \sum_j |h^{(i)}_j|$. Step by step:
#
# 1. Goodfellow et al. read the penalty as a prior: with independent Laplace priors
#    $p(h_j) = \frac\lambda2 e^{-\lambda|h_j|}$, $\;-\log p(h) = \sum_j \big(\lambda |h_j| - \log\tfrac{\lambda}{2}\big)$,
#    whose $h$-dependent part is the penalty. Training with it is maximum a posteriori on the code.
# 2. Its gradient with respect to the code is $\partial\Omega/\partial h^{(i)}_j = \frac\lambda m \operatorname{sign} h^{(i)}_j$:
#    the same force for every sample and every unit, whatever the value.
# 3. So it pushes **every code of every sample** towards 0. A unit may be off for all samples, or on for
#    all: the penalty does not care which units carry the code.
#
# ## KL: a target rate for every unit
#
# `npae.core.penalties.KLSparsity` (UFLDL): $\Omega = \beta \sum_j \mathrm{KL}(\rho \,\|\, \hat\rho_j)$, $\hat\rho_j$ the mean
# of $h_j$ over the batch. Its gradient (lesson 03) is $\frac\beta m\big(-\frac{\rho}{\hat\rho_j} + \frac{1-\rho}{1-\hat\rho_j}\big)$,
# the same for every sample of the batch and zero when $\hat\rho_j = \rho$. It constrains each unit's
# **average** activation to a rate $\rho$: every unit must be on for about a fraction $\rho$ of the samples
# (lifetime sparsity), and it is indifferent to how any one code looks as long as the averages are right.
# It needs $h \in (0, 1)$, a sigmoid code.
#
# We train, on the same Fashion-MNIST images and from the same initial weights, a plain AE, a KL-sparse
# AE, an L1-sparse AE with a sigmoid code, and an L1-sparse AE with a ReLU code (L1 can use one, and then
# produces exact zeros). The settings ($\rho = 0.05$, $\beta = 3$, $\lambda = 0.5$) are fixed in advance,
# not tuned: nothing is chosen here, so the measurements are made once, on held-out test images.

# %%
import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
from scipy.special import expit

from npae.analysis.metrics import reconstruction_error
from npae.core.penalties import KLSparsity, L1Sparsity
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="07_l1_vs_kl_sparsity", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## The Laplace reading, checked numerically
#
# scipy's Laplace density with scale $1/\lambda$ is $\frac\lambda2 e^{-\lambda|h|}$; summing $-\log p$ over a
# code must give $\lambda\lVert h\rVert_1 - n \log(\lambda/2)$ (step 1).

# %%
lam_prior = 3.0
h = np.random.default_rng(0).uniform(0.0, 1.0, 10)
by_scipy = -scipy.stats.laplace.logpdf(h, scale=1.0 / lam_prior).sum()
by_formula = lam_prior * np.abs(h).sum() - h.size * np.log(lam_prior / 2.0)
print(f"-log p(h), scipy.stats.laplace: {by_scipy:.12f};  lambda|h|_1 - n log(lambda/2): {by_formula:.12f}")

# %% [markdown]
# ## Four autoencoders
#
# 784 → 200 → 784, sigmoid decoder, cross-entropy, Adam, minibatches of 128, float32 (64 hidden units and
# one epoch in quick mode).

# %%
rng = np.random.default_rng(1)
X_train, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X_train = X_train[rng.permutation(len(X_train))[:500 if QUICK else 20000]]
X_test = X_test[:200 if QUICK else 1000]
n_hidden, epochs, rho = (64, 1, 0.05) if QUICK else (200, 10, 0.05)
CONFIGS = {
    "plain": dict(encoder="sigmoid", penalties=[]),
    "KL": dict(encoder="sigmoid", penalties=[KLSparsity(rho=rho, beta=3.0)]),
    "L1 sigmoid": dict(encoder="sigmoid", penalties=[L1Sparsity(0.5)]),
    "L1 relu": dict(encoder="relu", penalties=[L1Sparsity(0.5)]),
}
codes, models, bce = {}, {}, {}
for name, config in CONFIGS.items():
    model = Autoencoder(784, n_hidden, decoder="sigmoid", loss="cross_entropy", dtype=np.float32,
                        init="glorot", rng=np.random.default_rng(2), **config)
    train_minibatch(model, X_train, optimizer=Adam(3e-3), epochs=epochs, batch_size=128,
                    rng=np.random.default_rng(3), verbose=False)
    models[name], codes[name] = model, model.encode(X_test)
    bce[name] = reconstruction_error(model, X_test, kind="bce_per_pixel")   # the loss alone, no penalty
    lesson.stamp(f"{name:10s} trained; test bce_per_pixel {bce[name]:.4f}  {config['penalties']}")

# %% [markdown]
# ## Why a sigmoid code is never exactly zero
#
# $\sigma(z) = 1/(1 + e^{-z}) > 0$ for every finite $z$. In float32, `scipy.special.expit` returns 0 only once
# $e^{-z}$ overflows to infinity — where the true $\sigma(z)$ is already below float32's smallest *normal*
# number, so the result has underflowed in effect — at a pre-activation far beyond any in these models (the
# cell prints where). A different *formula* behaves differently: the identity
# $\sigma(z) = \tfrac12(1 + \tanh(z/2))$ returns exactly 0 in float32 as soon as $\tanh(z/2)$ rounds to $-1$,
# which happens at a much less negative $z$. That zero is **cancellation** in $1 + \tanh$ (two nearly equal
# numbers subtracted), not underflow, and not a zero the model chose. The cell measures both formulas.

# %%
z = np.float32(-20.0)
tanh_form = np.float32(0.5) * (np.float32(1.0) + np.tanh(z / np.float32(2.0)))
print(f"float32, z = -20:  expit {expit(z):.3e}   ½(1 + tanh(z/2)) {tanh_form:.3e}   "
      f"(exact σ(−20) = {expit(np.float64(-20.0)):.3e})")
grid = np.arange(-120.0, 0.0, 0.01).astype(np.float32)
zero_expit = grid[expit(grid) == 0].max()
zero_tanh = grid[np.float32(0.5) * (np.float32(1.0) + np.tanh(grid / np.float32(2.0))) == 0].max()
print(f"float32: expit(z) == 0 for z <= {zero_expit:.2f} (true σ there {expit(np.float64(zero_expit)):.1e}, "
      f"smallest normal float32 {np.finfo(np.float32).tiny:.1e}); ½(1 + tanh(z/2)) == 0 already for z <= {zero_tanh:.2f}")
min_z = min(float((X_test @ models[n].params["W1"] + models[n].params["b1"]).min())
            for n in ("plain", "KL", "L1 sigmoid"))
print(f"smallest sigmoid pre-activation over the test codes: {min_z:.1f}")

# %% [markdown]
# ## What the codes look like
#
# Mean activation, the fraction of code values below 0.05 ("off"), the fraction exactly 0, the spread of
# the per-unit mean activations $\hat\rho_j$ (KL pins each $\hat\rho_j$ near $\rho$; L1 does not), and the
# "dead" units: below 0.05 on every test image.

# %%
stats = {}
print(f"{'model':10s} {'mean h':>7s} {'h<0.05':>7s} {'h==0':>6s} {'min rho_j':>9s} {'max rho_j':>9s} {'dead':>5s}")
for name, H in codes.items():
    rho_hat = H.mean(axis=0)
    stats[name] = dict(mean=float(H.mean()), off=float(np.mean(H < 0.05)), zero=float(np.mean(H == 0)),
                       spread=float(rho_hat.max() - rho_hat.min()), dead=int(np.sum(H.max(axis=0) < 0.05)))
    print(f"{name:10s} {H.mean():7.3f} {stats[name]['off']:7.3f} {stats[name]['zero']:6.3f} "
          f"{rho_hat.min():9.3f} {rho_hat.max():9.3f} {stats[name]['dead']:5d}")

# %%
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8), dpi=100, sharey=True)
for ax, (name, H) in zip(axes, codes.items()):
    top = max(1.0, float(H.max()))
    ax.hist(H.ravel(), bins=50, range=(0, top), color="C0", log=True)
    ax.set_title(f"{name}: mean {H.mean():.3f}", fontsize=9)
    ax.set_xlabel("h")
axes[0].set_ylabel("count (log)")
fig.suptitle("Code values on the test images", fontsize=10)
fig.tight_layout()
lesson.show(fig, "07_activation_histograms")

fig, ax = plt.subplots(figsize=(5.5, 3.4), dpi=100)
for name, H in codes.items():
    ax.plot(np.sort(H.mean(axis=0))[::-1], label=name)
ax.axhline(rho, color="grey", linestyle=":", label=f"ρ = {rho}")
ax.set_yscale("symlog", linthresh=0.01)
ax.set_ylim(0, None)
ax.set_xlabel("hidden unit (sorted)")
ax.set_ylabel("mean activation ρ̂ⱼ")
ax.set_title("Per-unit rates")
ax.legend(fontsize=7)
fig.tight_layout()
lesson.show(fig, "07_mean_activation_per_unit")

for name, model in models.items():
    slug = name.lower().replace(" ", "_")
    lesson.show(display_network(model.params["W1"][:, :36], (28, 28), title=f"{name}: W1[:, j], first 36 units"),
                f"07_filters_{slug}")

# %% [markdown]
# ## Results
#
# Reconstruction errors are `bce_per_pixel` (Keras' per-pixel binary cross-entropy) on the test images,
# the loss alone without its penalty. After the full run:
#
# - the KL autoencoder's mean activation is expected near $\rho$ (between 0.03 and 0.08), and its per-unit
#   rates narrowly spread — a spread (max − min of $\hat\rho_j$) smaller than the L1-sigmoid code's;
# - both penalties lower the mean activation below the plain autoencoder's;
# - the ReLU code is the only one with exact zeros (a large fraction); no sigmoid code has any;
# - the penalties cost reconstruction: both sparse sigmoid autoencoders reconstruct worse than the plain one.
#
# Quick mode (one epoch on 500 images) already shows the two penalties lowering the mean activation below the
# plain code's, the KL rates less spread than the L1 ones, the cost in reconstruction, the ReLU code's exact
# zeros and the sigmoid codes' none, and checks these; the KL code's mean is not yet near ρ there, and the test
# errors themselves are only reported in quick mode. In both modes more than half of the ReLU units are dead
# (below 0.05 for every test image): L1 is satisfied by silencing units altogether.

# %%
lesson.expect("Laplace: |scipy − formula|", abs(by_scipy - by_formula), quick=(0.0, 1e-10), full=(0.0, 1e-10),
              fmt=".1e")
for name in CONFIGS:
    lesson.expect(f"{name}: test bce_per_pixel", bce[name], full=(0.2, 0.5))
lesson.expect("KL: mean activation", stats["KL"]["mean"], full=(0.03, 0.08))
lesson.expect("KL spread of rho_hat / L1-sigmoid spread", stats["KL"]["spread"] / stats["L1 sigmoid"]["spread"],
              quick=(0.0, 1.0), full=(0.0, 1.0), fmt=".3g")
lesson.expect("KL mean activation / plain", stats["KL"]["mean"] / stats["plain"]["mean"], quick=(0.0, 1.0),
              full=(0.0, 1.0), fmt=".3g")
lesson.expect("L1 sigmoid mean activation / plain", stats["L1 sigmoid"]["mean"] / stats["plain"]["mean"],
              quick=(0.0, 1.0), full=(0.0, 1.0), fmt=".3g")
lesson.expect("L1 relu: fraction of exact zeros", stats["L1 relu"]["zero"], quick=(0.05, 1.0), full=(0.3, 1.0))
lesson.expect("smallest sigmoid pre-activation − expit's zero threshold", min_z - zero_expit,
              quick=(0.0, np.inf), full=(0.0, np.inf), fmt=".1f")
lesson.expect("sigmoid codes: fraction of exact zeros (all three)",
              max(stats[n]["zero"] for n in ("plain", "KL", "L1 sigmoid")), quick=(0.0, 0.0), full=(0.0, 0.0))
lesson.expect("L1 relu: dead units", stats["L1 relu"]["dead"], quick=(n_hidden // 2, n_hidden), full=(n_hidden // 2, n_hidden),
              fmt=".0f")
lesson.expect("KL bce / plain bce", bce["KL"] / bce["plain"], quick=(1.0, 2.0), full=(1.0, 2.0), fmt=".3g")
lesson.expect("L1 sigmoid bce / plain bce", bce["L1 sigmoid"] / bce["plain"], quick=(1.0, 2.0), full=(1.0, 2.0),
              fmt=".3g")

# %% [markdown]
# ## What to look for in the figures
#
# - `07_activation_histograms`: the plain code spreads over the whole interval; the sparse codes pile up
#   near 0 with a tail of large values; the ReLU code has its zeros in the first bin and no upper bound.
# - `07_mean_activation_per_unit`: the KL curve is nearly flat at the dotted line $\rho$ (every unit the
#   same duty cycle); the L1 curves fall from a few busy units to many nearly silent ones.
# - `07_filters_*` (first 36 units of each model; all models started from the same weights, so tile $j$
#   is the same unit everywhere): compare how global or localised the patterns are. In the ReLU figure,
#   tiles that still look like the random initial noise belong to dead units — off for every input, so
#   they never received a gradient.
#
# **What to take away.** Both penalties make codes sparse, but not the same sparsity. KL gives every
# unit the same small duty cycle $\rho$, so the units share the work. L1 is a prior on each code: it lowers
# all activations, is satisfied just as well by units that are silent for all data, and — with a ReLU —
# gives exact zeros, which a sigmoid can only approach.
#
# ## Exercises
#
# - Graded: the L1 penalty's value, and its gradient with respect to the code.
#   `python -m npae.exercises start l1_sparsity` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start l1_sparsity --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check l1_sparsity` (with `--derive` for the derive level).
# - The L1 gradient $\frac\lambda m \operatorname{sign} h$ is undefined at $h = 0$. What does npae use there,
#   and why does it matter only for the ReLU code?
# - Raise $\lambda$ for the ReLU code until most units are dead. Could a KL penalty on the same code
#   prevent it? (What does KL need that a ReLU does not give?)
# - The KL penalty is computed on each minibatch's $\hat\rho$. Is the minibatch penalty an unbiased estimate
#   of the penalty on the whole training set? (KL is a nonlinear function of $\hat\rho$.)
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.2.1 (sparse autoencoders and the Laplace prior;
#   《深度学习》14.2.1 稀疏自编码器) and §4.1 (overflow and underflow; 4.1 上溢和下溢).
# - A. Ng, *Sparse autoencoder*, CS294A lecture notes (UFLDL), §2.3.
# - H. Lee, A. Battle, R. Raina & A. Ng (2007), "Efficient sparse coding algorithms", *NIPS* 19 (the L1
#   penalty on codes).

# %%
lesson.done()
