"""Lesson 12: the contractive autoencoder — the penalty, its gradient, the ε-trap of untied weights, saturation.

Run as a script (``python lessons/12_contractive_autoencoder.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: 5000 patches for the ε-trap; three tied 784-200-784
autoencoders on 20 000 Fashion-MNIST images for 10 epochs, measured on 1000 test images; quick mode: 500
patches, 64 hidden units, 500 images, 1 epoch.
"""
# %% [markdown]
# # 12 · Contractive autoencoders
#
# **What you will learn:** the contractive penalty (the squared Frobenius norm of the encoder's Jacobian),
# its closed form for a sigmoid layer and its gradient, derived step by step; why untied weights let the
# penalty be cheated (the ε-trap) and tied weights do not; how a CAE contracts — by saturating its units —
# measured as Rifai et al. do.
#
# **Prerequisites:** lesson 02 (backprop and gradient checking), lesson 05 (tied weights, linear
# autoencoders), lesson 09 (denoising, the other way of making a code robust).
#
# The contractive autoencoder (CAE; Rifai et al. 2011; Goodfellow et al. §14.7) penalises the
# sensitivity of the **code** to the input, the squared Frobenius norm of the encoder's Jacobian:
#
# $$J_{\text{CAE}} = \frac1m\sum_i L\big(x^{(i)}, g(f(x^{(i)}))\big) + \lambda\,\frac1m\sum_i
#   \Big\lVert \frac{\partial f}{\partial x}(x^{(i)}) \Big\rVert_F^2 .$$
#
# **Key terms:** contractive autoencoder (收缩自编码器), Jacobian matrix (Jacobian矩阵),
# Frobenius norm (Frobenius 范数), regularization (正则化), tied weights (绑定的权重), saturation (饱和),
# weight decay (权重衰减), cross-entropy (交叉熵), test set (测试集).
#
# ## The closed form
#
# For one sigmoid layer $h = \sigma(xW_1 + b_1)$, entry $(j, k)$ of the Jacobian is
# $\partial h_j/\partial x_k = \sigma'(z_j) W_1[k, j]$, so $J(x) = \operatorname{diag}(s) W_1^\top$ with
# $s_j = h_j(1 - h_j)$, and summing the squares row by row,
#
# $$\lVert J(x)\rVert_F^2 = \sum_j s_j^2\, w_j, \qquad w_j = \lVert W_1[:, j]\rVert^2 .$$
#
# ## The gradient, step by step (`npae/core/penalties.py`, class `Contractive`)
#
# Write $\Omega = (\lambda/m) \sum_i \sum_j s_{ij}^2 w_j$. Two paths lead from $W_1$ to $\Omega$:
#
# 1. **Directly through $w_j$**, holding the code fixed: $\partial w_j/\partial W_1[k, j] = 2 W_1[k, j]$, so
#    $\partial\Omega/\partial W_1[k, j] = 2 (\lambda/m)\, W_1[k, j] \sum_i s_{ij}^2$. This is the penalty's `direct` gradient.
# 2. **Through the code**: $\partial(s^2)/\partial h = 2s \cdot \partial s/\partial h = 2s (1 - 2h)$, so
#    $\partial\Omega/\partial h_{ij} = (\lambda/m)\, 2 s_{ij} (1 - 2h_{ij})\, w_j$. The penalty returns this as `dH`; the
#    model adds it to the backpropagated error $\delta^{(3)} W_2^\top$ and multiplies by $\sigma'(z) = s$, so
#    $\partial\Omega/\partial z_{ij} = (\lambda/m)\, 2 s\, \sigma''(z)\, w_j$ with $\sigma'' = s(1 - 2h)$ (the sigmoid's
#    second derivative) — and from $z$ it reaches $W_1$ as $X^\top\delta$ and $b_1$ as $\sum_i\delta$, like any other
#    error.
#
# The $(m \times n_{\text{hidden}} \times n_{\text{visible}})$ Jacobian tensor is never built. Below we check the
# closed form against the explicit Jacobian (`npae.analysis.jacobian.encoder_jacobian`) and the gradient
# against finite differences.

# %%
import matplotlib.pyplot as plt
import numpy as np

from npae.analysis.hashing import binarize
from npae.analysis.jacobian import encoder_jacobian
from npae.analysis.metrics import mean_jacobian_norm, reconstruction_error, saturated_fraction
from npae.core.penalties import Contractive, WeightDecay
from npae.course import Lesson
from npae.data.natural_images import ufldl_patches
from npae.gradcheck import check_gradients
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="12_contractive_autoencoder", needs=("fashion-mnist",))
QUICK = lesson.quick

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
linear_error = reconstruction_error(linear, P, kind="squared_error")
mean_error = 0.5 * float((P ** 2).sum(axis=1).mean())          # ½‖0 − x‖² on centred patches
b2_error = 0.5 * float(((P - linear.params["b2"]) ** 2).sum(axis=1).mean())   # ½‖b₂ − x‖²: predicting b₂
print(f"linear AE squared_error: {linear_error:.6f}  (predicting the mean: {mean_error:.6f}; predicting the linear "
      f"AE's b2: {b2_error:.6f}, ‖b2‖ = {np.linalg.norm(linear.params['b2']):.2e})")

untied = Autoencoder(64, 16, encoder="sigmoid", decoder="linear", rng=np.random.default_rng(3))
tied = Autoencoder(64, 16, encoder="sigmoid", decoder="linear", tied=True, rng=np.random.default_rng(3))
cae_term = Contractive(1.0)                                     # λ = 1: the value is mean ||J||_F^2
epsilons = [1.0, 0.3, 0.1, 0.03, 0.01, 0.001]
table = []
print(f"{'epsilon':>8s} | {'untied: mean||J||^2':>20s} {'squared_error':>13s} | {'tied: mean||J||^2':>18s} "
      f"{'squared_error':>13s}")
for eps in epsilons:
    W1, b1, W2, b2 = (linear.params[k] for k in ("W1", "b1", "W2", "b2"))
    untied.params = {"W1": eps * W1, "b1": eps * b1, "W2": (4.0 / eps) * W2,
                     "b2": b2 - (2.0 / eps) * W2.sum(axis=0)}
    # tied: the decoder is (εW1)ᵀ, it cannot grow by 4/ε; b2 recentres the output (h ≈ ½).
    tied.params = {"W1": eps * W1, "b1": eps * b1, "b2": b2 - 0.5 * (eps * W1).sum(axis=1)}
    row = []
    for model in (untied, tied):
        H = model.encode(P)
        row += [cae_term(model.params, H, 1.0 / len(P))[0], reconstruction_error(model, P, kind="squared_error")]
    table.append(row)
    print(f"{eps:8.3f} | {row[0]:20.3e} {row[1]:13.6f} | {row[2]:18.3e} {row[3]:13.6f}")
table = np.array(table)

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.4), dpi=100)
ax1.loglog(epsilons, table[:, 0], "o-", label="untied and tied (same encoder)")
ax1.set_xlabel("ε")
ax1.set_ylabel("mean ‖J‖²_F")
ax1.legend(fontsize=8)
ax2.semilogx(epsilons, table[:, 1], "o-", label="untied")
ax2.semilogx(epsilons, table[:, 3], "s--", label="tied")
ax2.axhline(linear_error, color="grey", linestyle=":", label="linear AE")
ax2.axhline(b2_error, color="black", linestyle="--", lw=0.8, label="predict b₂ (≈ the mean)")
ax2.set_xlabel("ε")
ax2.set_ylabel("squared_error (mean ½‖x̂ − x‖²)")
ax2.legend(fontsize=8)
fig.suptitle("The ε-trap: rescaling a linear AE into a sigmoid one", fontsize=10)
fig.tight_layout()
lesson.show(fig, "12_epsilon_trap")

# %% [markdown]
# Untied: the penalty falls as ε² while the error settles at the linear AE's. Tied: the decoder is
# W₁ᵀ itself, so shrinking the encoder shrinks the input-dependent part of the reconstruction
# (≈ ε²/4 · xW₁W₁ᵀ): as ε → 0 the output tends to the constant b₂ of the linear AE, whatever the input, and
# the error to that of predicting b₂, ½ mean‖b₂ − x‖² = ½ mean‖x‖² + ½‖b₂‖² on centred patches. That is
# the error of predicting the mean (0) only because this b₂ is nearly 0 (printed above): the patches are
# centred and the linear AE learned no offset. With tied weights, a small Jacobian costs reconstruction;
# the two terms really trade off. This is why Rifai et al. (2011) tie the weights.
#
# ## CAE vs plain AE vs weight decay (Rifai et al. 2011, Table 1)
#
# Rifai et al. compare, among others, a CAE, a plain AE and an AE with weight decay (all tied, sigmoid,
# cross-entropy) by the **average ‖J(x)‖_F** and **SAT**, the average fraction of saturated hidden
# units, a unit being saturated when h < 0.05 or h > 0.95 (the thresholds as quoted for that table;
# see `npae.analysis.metrics.saturated_fraction`). On MNIST, with 1000 hidden units, their Table 1 reports
# average ‖J‖_F 0.73e-4 (CAE), 17.5e-4 (AE), 5.00e-4 (AE+wd) and SAT 86.36 %, 49.90 %, 12.97 % — published
# numbers, not measured here. Their absolute ‖J‖ scale depends on details we do not reproduce; the
# *ordering* is what we check, on 20000 Fashion-MNIST images (200 hidden units, Adam, 10 epochs; weight
# decay 0.01, contraction λ = 0.3), measured on 1000 test images.

# %%
X_train, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X_train = X_train[np.random.default_rng(4).permutation(len(X_train))[:500 if QUICK else 20000]]
X_test = X_test[:200 if QUICK else 1000]
epochs = 1 if QUICK else 10
n_hidden = 64 if QUICK else 200
results, models = {}, {}
for name, penalties in (("AE", []), ("AE+wd", [WeightDecay(0.01)]), ("CAE", [Contractive(0.3)])):
    model = Autoencoder(784, n_hidden, loss="cross_entropy", tied=True, penalties=penalties, dtype=np.float32,
                        rng=np.random.default_rng(5))
    train_minibatch(model, X_train, optimizer=Adam(3e-3), epochs=epochs, batch_size=64,
                    rng=np.random.default_rng(6), verbose=False)
    H = model.encode(X_test)
    results[name] = dict(sat=saturated_fraction(H), jacobian=mean_jacobian_norm(model, X_test),
                         bce=reconstruction_error(model, X_test, kind="bce_per_pixel"), mean_h=float(H.mean()))
    models[name] = (model, H)
    lesson.stamp(f"{name:6s} trained  {penalties}")
print(f"{'model':6s} {'SAT':>7s} {'mean ||J||_F':>13s} {'bce_per_pixel':>14s} {'mean h':>7s}   (test images)")
for name, r in results.items():
    print(f"{name:6s} {100 * r['sat']:6.2f}% {r['jacobian']:13.4f} {r['bce']:14.4f} {r['mean_h']:7.3f}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(9, 2.9), dpi=100, sharey=True)
for ax, (name, (model, H)) in zip(axes, models.items()):
    ax.hist(H.ravel(), bins=50, range=(0, 1), color="C0", log=True)
    ax.axvspan(0, 0.05, color="C3", alpha=0.2)
    ax.axvspan(0.95, 1, color="C3", alpha=0.2)
    ax.set_title(f"{name}: SAT {100 * saturated_fraction(H):.0f}%", fontsize=9)
    ax.set_xlabel("h")
axes[0].set_ylabel("count (test codes, log)")
fig.suptitle("Code values on the test images (shaded: saturated)", fontsize=10)
fig.tight_layout()
lesson.show(fig, "12_code_histograms")
lesson.show(display_network(models["CAE"][0].params["W1"][:, :36], (28, 28), title="CAE: W1[:, j], first 36 units"),
            "12_cae_filters")

# %% [markdown]
# ## Saturated codes are near-binary codes
#
# A saturated unit is within 0.05 of 0 or of 1. A code whose units are all saturated lies near a *corner* of the
# hypercube $[0, 1]^{n_{\text{hidden}}}$ — near a binary code, the kind semantic hashing (lesson 31) trains for on
# purpose. So SAT can be read geometrically: how close the codes are to the corners, and what is lost by moving
# them there. Two measurements on the test codes of each model: the mean distance of a code value to the nearer
# of 0 and 1, $\frac{1}{m\,n_{\text{hidden}}}\sum_{i,j} \min(h_{ij}, 1 - h_{ij})$ (0 at a corner, at most ½); and the
# cost of rounding, the test `bce_per_pixel` of the decoder fed the rounded code $b = [h > \tfrac12]$ divided by
# that of the decoder fed $h$ itself.

# %%
def bce_per_pixel(X_hat, X):
    """Keras' per-pixel binary cross-entropy of fixed reconstructions (float64, clipped away from 0 and 1)."""
    X_hat = np.clip(np.asarray(X_hat, dtype=np.float64), 1e-7, 1 - 1e-7)
    return float(-np.mean(X * np.log(X_hat) + (1 - X) * np.log(1 - X_hat)))


corner = {}
for name, (model, H) in models.items():
    distance = float(np.minimum(H, 1 - H).mean())
    rounding_cost = bce_per_pixel(model.decode(binarize(H).astype(H.dtype)), X_test) / bce_per_pixel(model.decode(H),
                                                                                                       X_test)
    corner[name] = (distance, rounding_cost)
    print(f"{name:6s} mean distance to the nearest corner {distance:.4f}; error with the rounded code / with the "
          f"code itself {rounding_cost:.3f}")

# %% [markdown]
# ## Results
#
# - The closed form $\sum_j s_j^2 w_j$ equals the explicit Jacobian's squared norm to rounding, and the
#   gradient passes the five-point check ($< 10^{-9}$ in every block).
# - The ε-trap (both modes): at ε = 0.001 the untied model's penalty is about $10^{-6}$ of its value at
#   ε = 1 (it falls as ε²) while its error stays within 1 % of the linear AE's; the tied model's error
#   is within 1 % of predicting the constant b₂ (here within 1 % of predicting the mean too, b₂ being
#   nearly 0).
# - CAE vs AE vs AE+wd, after the full run, on the test images: the CAE has the smallest mean $\lVert J\rVert_F$
#   of the three and a higher SAT than the plain AE — Rifai et al.'s ordering — and pays for it with a
#   higher reconstruction error (`bce_per_pixel`, the loss without its penalty).
# - Read on the hypercube: the CAE's codes lie nearer to its corners than the plain AE's (a smaller mean
#   distance to the nearest corner), and rounding them to binary codes costs it less reconstruction than it
#   costs the plain AE (a smaller ratio of the two errors).
#
# The settings (λ = 0.3, weight decay 0.01) are fixed in advance, not tuned, so the test images are used
# once, for these measurements. Each model's own SAT, $\lVert J\rVert_F$ and corner measures are only reported;
# the claims are the comparisons. Quick mode (one epoch on 500 images) checks the closed form, the gradient
# and the ε-trap; its three models have barely moved from their start, so the comparisons are only reported
# there.

# %%
lesson.expect("closed form vs explicit Jacobian, |difference|", abs(penalty_value - explicit),
              quick=(0.0, 1e-10), full=(0.0, 1e-10), fmt=".1e")
lesson.expect("contractive gradient check, worst block", check.worst, quick=(0.0, 1e-9), full=(0.0, 1e-9), fmt=".1e")
lesson.expect("untied penalty at ε = 0.001 / at ε = 1", table[-1, 0] / table[0, 0], quick=(1e-7, 1e-5),
              full=(1e-7, 1e-5), fmt=".2e")
lesson.expect("untied error at ε = 0.001 / linear AE error", table[-1, 1] / linear_error, quick=(0.99, 1.01),
              full=(0.99, 1.01), fmt=".5f")
lesson.expect("tied error at ε = 0.001 / predicting b2", table[-1, 3] / b2_error, quick=(0.99, 1.01),
              full=(0.99, 1.01), fmt=".5f")
lesson.expect("predicting b2 / predicting the mean", b2_error / mean_error, quick=(1.0, 1.01), full=(1.0, 1.01),
              fmt=".5f")
for name, r in results.items():
    lesson.expect(f"{name}: SAT", r["sat"], fmt=".3f")
    lesson.expect(f"{name}: mean ||J||_F", r["jacobian"], fmt=".4f")
    lesson.expect(f"{name}: test bce_per_pixel", r["bce"], full=(0.2, 0.6), fmt=".4f")
lesson.expect("CAE ||J||_F / smallest of AE, AE+wd", results["CAE"]["jacobian"] /
              min(results["AE"]["jacobian"], results["AE+wd"]["jacobian"]), full=(0.0, 1.0), fmt=".3f")
lesson.expect("CAE SAT − AE SAT", results["CAE"]["sat"] - results["AE"]["sat"], full=(0.0, 1.0), fmt=".3f")
lesson.expect("CAE bce / AE bce", results["CAE"]["bce"] / results["AE"]["bce"], full=(1.0, 2.0), fmt=".3f")
for name, (distance, rounding_cost) in corner.items():
    lesson.expect(f"{name}: mean distance to the nearest corner", distance, fmt=".4f")
    lesson.expect(f"{name}: error with rounded codes / with the codes", rounding_cost, fmt=".3f")
lesson.expect("corner distance, CAE / AE", corner["CAE"][0] / corner["AE"][0], full=(0.0, 1.0), fmt=".3f")
lesson.expect("rounding cost, CAE / AE", corner["CAE"][1] / corner["AE"][1], full=(0.0, 1.0), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `12_epsilon_trap`: left, the penalty falls along a straight line of slope 2 on log–log axes (ε²);
#   right, as ε shrinks the untied model's error settles on the dotted linear-AE line while the tied
#   model's climbs to the dashed line of predicting b₂ (here the mean, to within 1 %).
# - `12_code_histograms`: the CAE's code values pile up in the shaded saturated bands at 0 and 1; the
#   plain AE's spread across the middle. In quick mode (one epoch on 500 images) the three histograms still
#   look alike: the piling up takes the full run's ten epochs.
# - `12_cae_filters`: the CAE's first 36 filters.
#
# **What to take away.** The contractive penalty makes the code insensitive to the input in every
# direction; the reconstruction term needs sensitivity along the data. With tied weights the
# compromise is to saturate most units for most inputs (flat, contractive) and keep a few in their
# linear region (the directions that matter): a higher SAT and a smaller $\lVert J\rVert_F$ than a plain AE.
# Lesson 13 shows that a denoising autoencoder with small noise adds a similar penalty — on the whole
# reconstruction rather than on the code.
#
# ## Exercises
#
# - Graded: the contractive penalty's gradient in the form derived above: its ∂Ω/∂H, added to
#   the error from the decoder before the slope σ′, its direct term on the encoder's weights, and the bias.
#   The grader checks untied *and* tied weights (the stub's `params` has no `W2` when they are tied).
#   `python -m npae.exercises start contractive` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start contractive --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check contractive` (with `--derive` for the derive level).
# - Graded: the encoder's Jacobian ∂h/∂x itself, and its squared norm in closed form without
#   building it — the term the penalty averages.
#   `python -m npae.exercises start encoder_jacobian` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start encoder_jacobian --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check encoder_jacobian` (with `--derive` for the derive level).
# - Train an *untied* CAE with λ = 0.3 and print $\lVert W_1\rVert_F$ and $\lVert W_2\rVert_F$ after every epoch. Does
#   it fall into the ε-trap?
# - Choose λ on a validation split carved from the training set: for λ in {0.03, 0.1, 0.3, 1}, which
#   criterion would you use to choose — reconstruction, $\lVert J\rVert_F$, or a classifier's accuracy on the
#   codes? Why does the choice of criterion decide the answer?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.7 (contractive autoencoders; 《深度学习》14.7
#   收缩自编码器) and §14.2.3 (regularising by penalising derivatives; 14.2.3 惩罚导数作为正则).
# - S. Rifai, P. Vincent, X. Muller, X. Glorot & Y. Bengio (2011), "Contractive auto-encoders: explicit
#   invariance during feature extraction", *ICML* (Table 1: ‖J‖_F and SAT).
# - A. Ng et al., UFLDL tutorial: *Autoencoders and Sparsity* (the model being regularised).

# %%
lesson.done()
