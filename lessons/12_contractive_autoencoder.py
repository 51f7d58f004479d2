"""Lesson 6: the contractive autoencoder — the penalty, its gradient, the ε-trap of untied weights, saturation."""

# %% [markdown]
# # 12 · Contractive autoencoders
#
# The contractive autoencoder (CAE; Rifai et al. 2011; Goodfellow et al. §14.7) penalises the
# sensitivity of the **code** to the input, the squared Frobenius norm of the encoder's Jacobian:
#
# $$J_{\text{CAE}} = \frac1m\sum_i L\big(x^{(i)}, g(f(x^{(i)}))\big) + \lambda\,\frac1m\sum_i
#   \Big\lVert \frac{\partial f}{\partial x}(x^{(i)}) \Big\rVert_F^2 .$$
#
# For one sigmoid layer h = σ(xW₁ + b₁) the Jacobian is J(x) = diag(s) W₁ᵀ with sⱼ = hⱼ(1 − hⱼ), so
#
# $$\lVert J(x)\rVert_F^2 = \sum_j s_j^2\, w_j, \qquad w_j = \lVert W_1[:, j]\rVert^2 .$$
#
# ## The gradient, step by step (`npae/core/penalties.py`, class `Contractive`)
#
# Write Ω = (λ/m) Σᵢ Σⱼ sᵢⱼ² wⱼ. Two paths lead from W₁ to Ω:
#
# 1. **Directly through wⱼ**, holding the code fixed: ∂wⱼ/∂W₁[k, j] = 2 W₁[k, j], so
#    ∂Ω/∂W₁[k, j] = 2 (λ/m) W₁[k, j] Σᵢ sᵢⱼ². This is the penalty's `direct` gradient.
# 2. **Through the code**: ∂(s²)/∂h = 2s · ∂s/∂h = 2s (1 − 2h), so ∂Ω/∂hᵢⱼ = (λ/m) 2 sᵢⱼ (1 − 2hᵢⱼ) wⱼ.
#    The penalty returns this as `dH`; the model adds it to the backpropagated error δ³W₂ᵀ and
#    multiplies by σ′(z) = s, so ∂Ω/∂zᵢⱼ = (λ/m) 2 s σ″(z) wⱼ, σ″ = s(1 − 2h) (the sigmoid's second
#    derivative) — and from z it reaches W₁ as Xᵀδ and b₁ as Σᵢδ, like any other error.
#
# The (m × n_hidden × n_visible) Jacobian tensor is never built. Below we check the closed form
# against the explicit Jacobian (`npae.analysis.jacobian.encoder_jacobian`) and the gradient against finite
# differences.

# %%
import time

import numpy as np
from matplotlib.figure import Figure

from npae.analysis.metrics import mean_jacobian_norm, saturated_fraction
from npae.data.digits import load_fashion_mnist
from npae.data.natural_images import ufldl_patches
from npae.gradcheck import check_gradients
from npae.analysis.jacobian import encoder_jacobian
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.models.autoencoder import Autoencoder
from npae.training.optimizers import Adam
from npae.core.penalties import Contractive, WeightDecay
from npae.plotting import display_network
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()

# %%
rng = np.random.default_rng(0)
small = Autoencoder(10, 6, penalties=[Contractive(1.0)], rng=rng)
small.params = {k: rng.normal(0.0, 0.7, v.shape) for k, v in small.params.items()}
X_small = rng.uniform(0.0, 1.0, (12, 10))
penalty_value = small.penalties[0](small.params, small.encode(X_small), 1.0 / 12)[0]
explicit = float((encoder_jacobian(small, X_small) ** 2).sum(axis=(1, 2)).mean())
print(f"closed form  mean ||J||_F^2 = {penalty_value:.12f}")
print(f"explicit J   mean ||J||_F^2 = {explicit:.12f}")
check = check_gradients(lambda p: small.loss_and_grads(X_small, params=p), small.params)
print("gradient check, relative difference per block:",
      {k: f"{v:.1e}" for k, v in check.per_block.items()})

# %% [markdown]
# ## The ε-trap of untied weights
#
# The penalty only looks at the **encoder**. With untied weights the decoder can undo anything the
# encoder does to shrink its Jacobian. Take any linear autoencoder x̂ = (xW₁ + b₁)W₂ + b₂ and build
# the sigmoid autoencoder
#
# $$W_1' = \varepsilon W_1,\quad b_1' = \varepsilon b_1,\quad W_2' = \tfrac{4}{\varepsilon} W_2,\quad
#   b_2' = b_2 - \tfrac{2}{\varepsilon}\textstyle\sum_j W_2[j, :].$$
#
# Since σ(εz) = ½ + εz/4 − (εz)³/48 + …, its reconstruction is (σ(εz) − ½)(4/ε)W₂ + b₂ = zW₂ + b₂ + O(ε²):
# the linear AE's, exactly in the limit (with sigmoid units, only approximately for finite ε). But its
# Jacobian is diag(s)·εW₁ᵀ with s ≤ ¼: ‖J‖² ≤ ε²‖W₁‖²/16 → 0. The CAE objective can be driven to the
# penalty-free linear AE's — the penalty does nothing. (Rifai et al. use tied weights, which close
# this; see below.)
#
# We train an untied linear autoencoder on centred natural-image patches, then print penalty and
# reconstruction error of the rescaled sigmoid model for several ε.

# %%
P = ufldl_patches(500 if QUICK else 5000, 8, rng=np.random.default_rng(1))
P = P - P.mean(axis=0)
linear = Autoencoder(64, 16, encoder="linear", decoder="linear", rng=np.random.default_rng(2))
train_lbfgs(linear, P, maxiter=30 if QUICK else 300, verbose=False)
linear_error = linear.loss(P)
mean_error = 0.5 * float((P ** 2).sum(axis=1).mean())
print(f"linear AE reconstruction error: {linear_error:.6f}  (predicting the mean: {mean_error:.6f})")

untied = Autoencoder(64, 16, encoder="sigmoid", decoder="linear", rng=np.random.default_rng(3))
tied = Autoencoder(64, 16, encoder="sigmoid", decoder="linear", tied=True, rng=np.random.default_rng(3))
cae_term = Contractive(1.0)                                     # λ = 1: the value is mean ||J||_F^2
epsilons = [1.0, 0.3, 0.1, 0.03, 0.01, 0.001]
table = []
print(f"{'epsilon':>8s} | {'untied: mean||J||^2':>20s} {'recon error':>12s} | {'tied: mean||J||^2':>18s} {'recon error':>12s}")
for eps in epsilons:
    W1, b1, W2, b2 = (linear.params[k] for k in ("W1", "b1", "W2", "b2"))
    untied.params = {"W1": eps * W1, "b1": eps * b1, "W2": (4.0 / eps) * W2,
                     "b2": b2 - (2.0 / eps) * W2.sum(axis=0)}
    # tied: the decoder is (εW1)ᵀ, it cannot grow by 4/ε; b2 recentres the output (h ≈ ½).
    tied.params = {"W1": eps * W1, "b1": eps * b1, "b2": b2 - 0.5 * (eps * W1).sum(axis=1)}
    row = []
    for model in (untied, tied):
        H = model.encode(P)
        row += [cae_term(model.params, H, 1.0 / len(P))[0], model.loss(P)]
    table.append(row)
    print(f"{eps:8.3f} | {row[0]:20.3e} {row[1]:12.6f} | {row[2]:18.3e} {row[3]:12.6f}")
table = np.array(table)

# %%
fig = Figure(figsize=(6.5, 3))
ax1, ax2 = fig.subplots(1, 2)
ax1.loglog(epsilons, table[:, 0], "o-", label="untied and tied (same encoder)")
ax1.set_xlabel("ε")
ax1.set_ylabel("mean ‖J‖²_F")
ax1.legend(fontsize=8)
ax2.semilogx(epsilons, table[:, 1], "o-", label="untied")
ax2.semilogx(epsilons, table[:, 3], "s--", label="tied")
ax2.axhline(linear_error, color="grey", linestyle=":", label="linear AE")
ax2.axhline(mean_error, color="black", linestyle="--", lw=0.8, label="predict the mean")
ax2.set_xlabel("ε")
ax2.set_ylabel("reconstruction error")
ax2.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "06_epsilon_trap.png", dpi=100)

# %% [markdown]
# Untied: the penalty falls as ε² while the error settles at the linear AE's. Tied: the decoder is
# W₁ᵀ itself, so shrinking the encoder shrinks the reconstruction (≈ ε²/4 · xW₁W₁ᵀ) and the error
# climbs to that of predicting the mean. With tied weights, a small Jacobian costs reconstruction;
# the two terms really trade off. This is why Rifai et al. (2011) tie the weights.
#
# ## CAE vs plain AE vs weight decay (Rifai et al. 2011, Table 1)
#
# Rifai et al. compare, among others, a CAE, a plain AE and an AE with weight decay (all tied, sigmoid,
# cross-entropy) by the **average ‖J(x)‖_F** and **SAT**, the average fraction of saturated hidden
# units, a unit being saturated when h < 0.05 or h > 0.95 (the thresholds as quoted for that table;
# see `npae.analysis.metrics.saturated_fraction`). On MNIST they report ‖J‖_F 0.73e-4 (CAE), 17.5e-4 (AE),
# 5.00e-4 (AE+wd) and SAT 86 %, 50 %, 13 %. Their absolute ‖J‖ scale depends on details we do not
# reproduce; the *ordering* is what we check here, on 20000 Fashion-MNIST images (200 hidden
# units, Adam, 10 epochs; weight decay 0.01, contraction λ = 0.3), measured on 1000 test images.

# %%
X_train, _ = load_fashion_mnist("train", dtype=np.float32)
X_test, _ = load_fashion_mnist("test", dtype=np.float32)
X_train = X_train[np.random.default_rng(4).permutation(len(X_train))[:500 if QUICK else 20000]]
X_test = X_test[:200 if QUICK else 1000]
epochs = 1 if QUICK else 10
n_hidden = 64 if QUICK else 200
results, models = [], {}
for name, penalties in (("AE", []), ("AE+wd", [WeightDecay(0.01)]), ("CAE", [Contractive(0.3)])):
    model = Autoencoder(784, n_hidden, loss="cross_entropy", tied=True, penalties=penalties, dtype=np.float32,
                        rng=np.random.default_rng(5))
    history = train_minibatch(model, X_train, optimizer=Adam(3e-3), epochs=epochs, batch_size=64,
                              rng=np.random.default_rng(6), verbose=False)
    H = model.encode(X_test)
    recon = Autoencoder(784, n_hidden, loss="cross_entropy", tied=True, dtype=np.float32).loss(X_test, params=model.params)
    results.append((name, saturated_fraction(H), mean_jacobian_norm(model, X_test), recon / 784, float(H.mean())))
    models[name] = (model, H)
    print(f"{name:6s} {sum(history.seconds):6.1f} s  {penalties}")
print(f"{'model':6s} {'SAT':>7s} {'mean ||J||_F':>13s} {'test CE/pixel':>14s} {'mean h':>7s}")
for name, sat, jnorm, ce, mean_h in results:
    print(f"{name:6s} {100 * sat:6.2f}% {jnorm:13.4f} {ce:14.4f} {mean_h:7.3f}")

# %%
fig = Figure(figsize=(8, 2.6))
axes = fig.subplots(1, 3, sharey=True)
for ax, (name, (model, H)) in zip(axes, models.items()):
    ax.hist(H.ravel(), bins=50, range=(0, 1), color="C0", log=True)
    ax.axvspan(0, 0.05, color="C3", alpha=0.2)
    ax.axvspan(0.95, 1, color="C3", alpha=0.2)
    ax.set_title(f"{name}: SAT {100 * saturated_fraction(H):.0f}%", fontsize=9)
    ax.set_xlabel("h")
axes[0].set_ylabel("count (test codes, log)")
fig.tight_layout()
fig.savefig(OUT / "06_code_histograms.png", dpi=100)
display_network(models["CAE"][0].params["W1"][:, :36], (28, 28), path=OUT / "06_cae_filters.png")
print(f"figures in {OUT}; lesson took {time.perf_counter() - START:.1f} s")

# %% [markdown]
# **What to take away.** The contractive penalty makes the code insensitive to the input in every
# direction; the reconstruction term needs sensitivity along the data. With tied weights the
# compromise is to saturate most units for most inputs (flat, contractive) and keep a few in their
# linear region (the directions that matter): a higher SAT and a smaller ‖J‖_F than a plain AE.
