"""Lesson 16: Jacobian singular-value spectra and contraction curves of CAE, DAE, AE and weight-decay AE.

Run: ``PYTHONPATH=. python lessons/16_jacobian_spectra_and_contraction.py [--quick] [--out DIR]``.
"""

# %% [markdown]
# # How contractive is each autoencoder?
#
# Four autoencoders of the same size on the same Fashion-MNIST images: plain (AE), weight decay (WD),
# denoising (DAE, Gaussian corruption) and contractive (CAE). For each we measure (Rifai et al. 2011,
# "Contractive auto-encoders", §5):
#
# * the **singular-value spectrum** of the encoder Jacobian J(x) = ∂h/∂x, sorted and averaged over
#   held-out points (`npae.analysis.manifold.singular_value_spectrum`). Singular values > 1 are directions the
#   code *expands*; < 1 directions it *contracts*. A CAE should keep a few large values (the tangents
#   of the manifold) and shrink the rest;
# * the **contraction curve**: the mean ratio ‖h(x₀) − h(x₁)‖ / ‖x₀ − x₁‖ for x₁ uniform on the sphere
#   of radius r around a held-out x₀, as a function of r (`npae.analysis.manifold.contraction_curve`). For small
#   r it is the mean of ‖J u‖ over random unit directions u, i.e. about √(‖J‖²_F / n); for large r the
#   saturation of the sigmoid takes over.

# %%
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

import npae
from npae.analysis import manifold
from npae.core.corruption import Corruption
from npae.data.digits import load_fashion_mnist
from npae.training.minibatch import train_minibatch

rng = np.random.default_rng(15)
N_TRAIN, N_HIDDEN, EPOCHS = (1000, 30, 1) if QUICK else (5000, 100, 10)
N_EVAL = 30 if QUICK else 200

X_all, _ = load_fashion_mnist("train")
X = X_all[rng.permutation(len(X_all))[:N_TRAIN]].astype(np.float32)
X_test, _ = load_fashion_mnist("test")
X_eval = X_test[rng.permutation(len(X_test))[:N_EVAL]]

# %% [markdown]
# ## Four models, one size
# 784 → 100 sigmoid → 784 sigmoid, cross-entropy, Adam, same data, same epochs. The hyperparameters
# (λ = 5 for the CAE, weight decay 0.01, Gaussian corruption σ = 0.5 for the DAE) were set once,
# not tuned.

# %%
configs = {
    "AE": dict(penalties=[]),
    "WD": dict(penalties=[npae.WeightDecay(0.01)]),
    "DAE": dict(penalties=[], corruption=Corruption("gaussian", 0.5)),
    "CAE": dict(penalties=[npae.Contractive(5.0)]),
}
models = {}
for name, cfg in configs.items():
    model = npae.Autoencoder(784, N_HIDDEN, loss="cross_entropy", penalties=cfg["penalties"],
                             rng=np.random.default_rng(0), dtype=np.float32)
    t0 = time.time()
    hist = train_minibatch(model, X, epochs=EPOCHS, batch_size=128, corruption=cfg.get("corruption"),
                           rng=np.random.default_rng(1), verbose=False)
    Rx = np.clip(model.reconstruct(X_eval).astype(np.float64), 1e-12, 1 - 1e-12)
    test_loss = -np.mean(np.sum(X_eval * np.log(Rx) + (1 - X_eval) * np.log(1 - Rx), axis=1))
    models[name] = model
    print(f"{name:>4}: train loss {hist.loss[-1]:8.2f}, held-out reconstruction cross-entropy "
          f"{test_loss:7.2f}, {time.time() - t0:5.1f} s")

# %% [markdown]
# ## Average singular-value spectra

# %%
spectra = {name: manifold.singular_value_spectrum(m, X_eval) for name, m in models.items()}
print(f"{'model':>5} {'#s>1':>5} {'s1':>7} {'s5':>7} {'s10':>7} {'s20':>7} {'s50':>7} "
      f"{'s1/s20':>7} {'top10 share':>11} {'mean ‖J‖²_F':>11}")
for name, s in spectra.items():
    k = len(s)
    pick = lambda i: s[i - 1] if i <= k else np.nan
    share = np.sum(s[:10]**2) / np.sum(s**2)
    print(f"{name:>5} {int(np.sum(s > 1)):5d} {pick(1):7.3f} {pick(5):7.3f} {pick(10):7.3f} {pick(20):7.3f} "
          f"{pick(50):7.3f} {pick(1) / pick(20):7.2f} {share:11.3f} {np.sum(s**2):11.3f}")

# %% [markdown]
# ## Contraction curves

# %%
radii = np.array([0.1, 0.3, 1.0, 3.0, 10.0]) if QUICK else np.geomspace(0.05, 1000, 12)
curves = {name: manifold.contraction_curve(m.encode, X_eval[:100], radii, 10 if QUICK else 20,
                                           np.random.default_rng(2)) for name, m in models.items()}
print("radius    " + " ".join(f"{r:7.3f}" for r in radii))
for name, c in curves.items():
    print(f"{name:>6}    " + " ".join(f"{v:7.4f}" for v in c))

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
for name in models:
    axes[0].semilogy(np.arange(1, len(spectra[name]) + 1), spectra[name], label=name)
    axes[1].loglog(radii, curves[name], "o-", label=name)
axes[0].axhline(1.0, color="0.5", lw=0.8, ls="--")
axes[0].set(xlabel="index i", ylabel="mean i-th singular value of ∂h/∂x", title="Jacobian spectra")
axes[1].set(xlabel="distance r = ‖x₁ − x₀‖", ylabel="mean ‖h(x₀) − h(x₁)‖ / r", title="Contraction curves")
for ax in axes:
    ax.legend()
fig.tight_layout()
fig.savefig(OUT / "16_jacobian_spectra_and_contraction.png", dpi=90)
plt.close(fig)

# %% [markdown]
# Measured in our full run (5000 images, 100 hidden units, 10 epochs, 200 held-out test points):
#
# ```
# model  #s>1      s1      s5     s10     s20     s50  s1/s20 top10 share mean ‖J‖²_F
#    AE     2   1.409   0.627   0.355   0.242   0.092    5.83       0.775       7.434
#    WD     1   1.050   0.545   0.259   0.170   0.070    6.18       0.814       4.615
#   DAE     0   0.900   0.463   0.283   0.194   0.072    4.65       0.725       3.832
#   CAE     0   0.502   0.218   0.063   0.028   0.010   17.70       0.965       0.744
# ```
#
# The CAE's spectrum decays fastest (s1/s20 = 17.7 against 4.7–6.2; 96.5 % of ‖J‖²_F in the top 10
# directions against 73–81 %), and it is smallest overall. "Most singular values below 1" holds for all
# four models here (0–2 values above 1); "a few large" is only relative for the CAE: its largest mean
# singular value is 0.50, so at this λ it contracts in *every* direction, least along a few.
# The contraction curves are flat up to r ≈ 10 (the encoders are nearly linear at that scale: ratio ≈
# mean ‖J u‖) and then fall as the sigmoids saturate; the CAE's is the lowest up to r ≈ 400 (0.029
# against 0.068–0.095 at small r), and all four meet at large r (0.006 at r = 1000).
#
# Read the printed table, not only the picture: the claim "the CAE's spectrum decays fastest" holds if
# its top-10 share is the largest and its tail values (s20, s50) the smallest; "most singular values
# below 1" is the #s>1 column. The contraction curves at small r are the Jacobian's average gain; a
# lower curve is a more contractive encoder.
