"""Lesson 16: Jacobian singular-value spectra and contraction curves of CAE, DAE, AE and weight-decay AE.

Run as a script (``python lessons/16_jacobian_spectra_and_contraction.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format). Full mode: four tied 784-100-784 autoencoders on 5000
Fashion-MNIST images, 10 epochs each; quick mode: 30 units, 800 images, 1 epoch.
"""
# %% [markdown]
# # 16 · How contractive is each autoencoder?
#
# **What you will learn:** how to read the singular-value spectrum of an encoder's Jacobian; how contraction
# at small and large distances differs (linear regime, saturation); how a plain, a weight-decay, a denoising
# and a contractive autoencoder of the same size compare; how to rule out a trivial way of being contractive.
#
# **Prerequisites:** lessons 09 (denoising), 12 (contractive autoencoder, the ε-trap of untied weights),
# 13 (DAE and CAE) and 15 (tangents from the Jacobian).
#
# **Key terms:** Jacobian matrix (Jacobian矩阵), singular value (奇异值), contractive autoencoder
# (收缩自编码器), denoising autoencoder (去噪自编码器), weight decay (权重衰减), saturation (饱和),
# tied weights (绑定的权重), Frobenius norm (Frobenius 范数).
#
# ## The derivation
#
# 1. For a sigmoid code $h = \operatorname{sigmoid}(x W_1 + b_1)$, $J(x) = \partial h/\partial x = \mathrm{diag}(h(1-h))\,W_1^\top$. Its
#    singular values $s_1 \ge s_2 \ge \dots$ say how much the code moves per unit of input movement along each
#    right-singular direction: $s_i > 1$ expands, $s_i < 1$ contracts (Rifai et al. 2011, §5).
# 2. $\lVert J\rVert_F^2 = \sum_i s_i^2$ is what the CAE penalises. A CAE should keep a few large $s_i$ (the
#    tangents of lesson 15) and shrink the rest: its spectrum should fall faster than the others'. We measure
#    how fast by the share of $\lVert J\rVert_F^2$ in the top 10 values.
# 3. The **contraction ratio** at distance $r$: $\lVert h(x_0) - h(x_1)\rVert / r$ for $x_1$ uniform on the
#    sphere of radius $r$ around a held-out $x_0$. For small $r$, $h(x_1) - h(x_0) \approx J u\,r$ with $u$ a
#    random unit vector, and $\mathbb E\lVert J u\rVert^2 = \lVert J\rVert_F^2 / n$: the ratio is about
#    $\sqrt{\lVert J\rVert_F^2/n}$. For large $r$ the sigmoids saturate and the ratio falls like $1/r$.
# 4. The trap. With untied weights, $W_1' = \varepsilon W_1$ and $W_2' = \tfrac4\varepsilon W_2$ keep the
#    reconstruction almost unchanged while $\lVert J\rVert_F^2$ shrinks like $\varepsilon^2$ (lesson 12). A
#    "contractive" encoder of that kind has only rescaled its weights. Here all four models are **tied**
#    ($W_2 = W_1^\top$), so the trap is closed, and we print $\lVert W_1\rVert_F$ beside each spectrum.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis import manifold
from npae.analysis.metrics import reconstruction_error
from npae.core.corruption import Corruption
from npae.core.penalties import Contractive, WeightDecay
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch

lesson = Lesson(__doc__, name="16_jacobian_spectra_and_contraction", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(15)
N_TRAIN, N_HIDDEN, EPOCHS = (800, 30, 1) if QUICK else (5000, 100, 10)
N_EVAL = 30 if QUICK else 200

X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X = X_all[rng.permutation(len(X_all))[:N_TRAIN]]
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X_eval = X_test[rng.permutation(len(X_test))[:N_EVAL]]

# %% [markdown]
# ## Four models, one size
#
# 784 → 100 sigmoid → 784 sigmoid, tied, cross-entropy, Adam, same data, same initial weights, same epochs.
# The settings (λ = 5 for the CAE, weight decay 0.01, Gaussian corruption σ = 0.5) were set once and not tuned:
# nothing is chosen in this lesson, so the held-out points below are test images, each measured once.

# %%
configs = {
    "AE": dict(penalties=[]),
    "WD": dict(penalties=[WeightDecay(0.01)]),
    "DAE": dict(penalties=[], corruption=Corruption("gaussian", 0.5)),
    "CAE": dict(penalties=[Contractive(5.0)]),
}
models = {}
for name, cfg in configs.items():
    model = Autoencoder(784, N_HIDDEN, loss="cross_entropy", tied=True, penalties=cfg["penalties"],
                        rng=np.random.default_rng(0), dtype=np.float32)
    train_minibatch(model, X, epochs=EPOCHS, batch_size=128, corruption=cfg.get("corruption"),
                    rng=np.random.default_rng(1), verbose=False)
    models[name] = model
    lesson.stamp(f"{name:>4}: held-out reconstruction error (cross_entropy, summed over pixels) "
                 f"{reconstruction_error(model, X_eval, kind='cross_entropy'):7.2f}; "
                 f"‖W1‖_F {np.linalg.norm(model.params['W1']):.2f}")

# %% [markdown]
# ## Average singular-value spectra

# %%
spectra = {name: manifold.singular_value_spectrum(m, X_eval) for name, m in models.items()}
share = {name: float(np.sum(s[:10] ** 2) / np.sum(s ** 2)) for name, s in spectra.items()}
print(f"{'model':>5} {'#s>1':>5} {'s1':>7} {'s10':>7} {'s20':>7} {'top10 share':>11} {'mean ‖J‖²_F':>11} {'‖W1‖_F':>7}")
for name, s in spectra.items():
    print(f"{name:>5} {int(np.sum(s > 1)):5d} {s[0]:7.3f} {s[9]:7.3f} {s[min(19, len(s) - 1)]:7.3f} "
          f"{share[name]:11.3f} {np.sum(s**2):11.3f} {np.linalg.norm(models[name].params['W1']):7.2f}")

# %% [markdown]
# ## Contraction curves

# %%
radii = np.array([0.1, 1.0, 10.0]) if QUICK else np.geomspace(0.05, 1000, 12)
curves = {name: manifold.contraction_curve(m.encode, X_eval[:100], radii, 5 if QUICK else 20,
                                           np.random.default_rng(2)) for name, m in models.items()}
print("radius " + " ".join(f"{r:8.3f}" for r in radii))
for name, c in curves.items():
    print(f"{name:>6} " + " ".join(f"{v:8.4f}" for v in c))

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), dpi=90)
for name in models:
    axes[0].semilogy(np.arange(1, len(spectra[name]) + 1), spectra[name], label=name)
    axes[1].loglog(radii, curves[name], "o-", label=name)
axes[0].axhline(1.0, color="0.5", lw=0.8, ls="--")
axes[0].set(xlabel="index i", ylabel="mean i-th singular value of ∂h/∂x", title="Jacobian spectra (test points)")
axes[1].set(xlabel="distance r = ‖x₁ − x₀‖", ylabel="mean ‖h(x₀) − h(x₁)‖ / r", title="Contraction curves")
for ax in axes:
    ax.legend()
fig.tight_layout()
lesson.show(fig, "16_jacobian_spectra_and_contraction")

# %% [markdown]
# ## Results
#
# Expected in full mode: the CAE's spectrum is the smallest overall (lowest mean $\lVert J\rVert_F^2$) and
# falls fastest (the largest top-10 share of the four); its $\lVert W_1\rVert_F$ is *not* near zero, so its
# contraction is not a rescaling; its contraction ratio at the smallest radius is the lowest of the four. Quick
# mode already shows the CAE's $\lVert J\rVert_F^2$ the smallest, its spectrum falling fastest and its contraction
# ratio the lowest after one epoch, and checks these.

# %%
frob = {name: float(np.sum(s ** 2)) for name, s in spectra.items()}
others = [n for n in models if n != "CAE"]
lesson.expect("CAE mean ‖J‖²_F / smallest of the others", frob["CAE"] / min(frob[n] for n in others),
              quick=(0.0, 1.0), full=(0.0, 0.5), fmt=".3f")
lesson.expect("CAE top-10 share − largest of the others", share["CAE"] - max(share[n] for n in others),
              quick=(0.0, 1.0), full=(0.0, 1.0), fmt=".3f")
lesson.expect("CAE ‖W1‖_F / AE ‖W1‖_F", np.linalg.norm(models["CAE"].params["W1"]) /
              np.linalg.norm(models["AE"].params["W1"]), quick=(0.05, 10.0), full=(0.2, 10.0), fmt=".3f")
lesson.expect("CAE contraction ratio at the smallest radius / smallest of the others'",
              curves["CAE"][0] / min(curves[n][0] for n in others), quick=(0.0, 1.0), full=(0.0, 0.8), fmt=".3f")

# %% [markdown]
# ## What to look for in the figure
#
# - Left: four decreasing curves; the CAE's is lowest, and its tail (indices 20 and beyond) falls furthest below
#   its head. The dashed line at 1 separates expanding from contracting directions.
# - Right: the curves are flat at small $r$ (the encoders are nearly linear there: the ratio is the Jacobian's
#   average gain) and fall once the sigmoids saturate; at very large $r$ all four meet, because every code is
#   then saturated whatever the model.
#
# ## Exercises
#
# - Untie the CAE (`tied=False`) and raise λ to 30. Print $\lVert W_1\rVert_F$ and $\lVert W_2\rVert_F$: is the
#   spectrum now small because the model contracts along the data, or because it rescaled its weights?
# - The DAE's corruption σ plays the part of the CAE's λ (lesson 13: for small σ the DAE's penalty is the
#   reconstruction's Jacobian). Try σ = 0.2 and 1.0 and compare the spectra.
# - Why does the contraction ratio fall like $1/r$ for large $r$?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.7 (contractive autoencoders); 《深度学习》14.7 收缩自编码器.
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders: explicit
#   invariance during feature extraction", ICML, §5 (Jacobian spectra and contraction curves).
# - UFLDL has no page on contraction; its *Autoencoders and Sparsity* page is the background for the models.

# %%
lesson.done()
