"""Lesson 27: predictive sparse decomposition — sparse coding plus an encoder that learns to predict the code."""

# %% [markdown]
# # Predictive sparse decomposition (PSD)
#
# Sparse coding explains each input x as a sparse combination of dictionary atoms: h D ≈ x with few
# non-zero hⱼ. Finding h is an optimisation problem per input — accurate but slow. PSD (Kavukcuoglu,
# Ranzato & LeCun 2008; Goodfellow et al. §14.8) trains, at the same time, a fast encoder
# f(x) = g ∘ tanh(x W + b) to *predict* the optimal code. The energy (a mean over samples):
#
# $$E = \frac1m\sum_i \|x_i - h_i D\|^2 + \lambda\|h_i\|_1 + \gamma\|h_i - f(x_i)\|^2$$
#
# D is (n_code, n_visible), its rows are the atoms, each kept at unit norm. Inference: ISTA/FISTA from
# h = f(x), each step h ← shrink(h − ∇s(h)/L, λ/L) with the soft-threshold shrink(v, t) = sign(v)·max(|v|−t, 0)
# and L = 2(σ_max(D)² + γ). Learning: infer H, then one gradient step on D (reconstruction term) and on
# g, W, b (prediction term), then renormalise the atoms. All of it is in `npae/models/psd.py`; the gradients
# are checked by `python -m npae.gradcheck` (the `psd …` lines).

# %%
import time

import numpy as np
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg

from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

from npae.data.digits import load_fashion_mnist
from npae.data.natural_images import ufldl_patches
from npae.training.optimizers import Adam
from npae.plotting import display_network, show_images
from npae.models.psd import PSD, fista, ista, relative_error, support_overlap
from npae.training.psd_training import train_psd

rng = np.random.default_rng(18)
INFER_STEPS = 20          # FISTA steps per minibatch during training, started from f(x)
REFERENCE_STEPS = 200     # FISTA steps for the reference "optimal" code h* on held-out data


def evaluate(model, X_test, name):
    """How good is the fast code f(x)? Compare it with h*, the code that FISTA finds from f(x)."""
    t0 = time.perf_counter()
    F = model.predict(X_test)
    t_f = (time.perf_counter() - t0) / len(X_test)
    t0 = time.perf_counter()
    H20 = model.infer(X_test, n_steps=INFER_STEPS)
    t_20 = (time.perf_counter() - t0) / len(X_test)
    t0 = time.perf_counter()
    H = model.infer(X_test, n_steps=REFERENCE_STEPS)
    t_ref = (time.perf_counter() - t0) / len(X_test)
    nnz = np.count_nonzero(H, axis=1)
    tol = 0.1 * np.sqrt(np.mean(H[H != 0] ** 2))       # |f_j| above 10 % of the RMS non-zero code value
    rec_h, l1_h, _ = model.energy_terms(X_test, H)
    rec_f, l1_f, _ = model.energy_terms(X_test, F)
    print(f"{name}: held-out {len(X_test)} samples, n_code = {model.n_code}, lambda = {model.lam}, gamma = {model.gamma}")
    print(f"  sparsity of h*: {nnz.mean():.1f} non-zeros of {model.n_code} on average "
          f"({100 * nnz.mean() / model.n_code:.1f} %)")
    print(f"  f(x) vs h*: relative error ||f - h*|| / ||h*|| = {relative_error(F, H):.3f}, "
          f"support overlap (Jaccard, |f| > {tol:.3g}) = {support_overlap(F, H, tol):.3f}")
    print(f"  reconstruction error (mean ||x - hD||^2): h* {rec_h:.4f}   f(x) {rec_f:.4f}   "
          f"(mean ||x||^2 = {np.mean(np.sum(X_test ** 2, axis=1)):.4f})")
    print(f"  time per sample: f(x) {1e6 * t_f:.1f} us   FISTA {INFER_STEPS} steps {1e6 * t_20:.1f} us   "
          f"FISTA {REFERENCE_STEPS} steps {1e6 * t_ref:.1f} us   -> f(x) is {t_ref / t_f:.0f}x faster than h*")
    return F, H


def convergence_figure(model, X_test, path, title):
    """Energy after k inference steps: ISTA vs FISTA, started from f(x) vs from 0."""
    p = model.params
    F = model.predict(X_test)
    steps = [0, 1, 2, 5, 10, 20, 50, 100, 200]
    curves = {}
    for label, solver, H0 in (("FISTA from f(x)", fista, None), ("ISTA from f(x)", ista, None),
                              ("FISTA from 0", fista, np.zeros_like(F)), ("ISTA from 0", ista, np.zeros_like(F))):
        curves[label] = [model.energy(X_test, solver(X_test, p["D"], model.lam, model.gamma, F=F, n_steps=k, H0=H0))
                         for k in steps]
    fig = Figure(figsize=(5.5, 3.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for label, values in curves.items():
        ax.plot(np.array(steps) + 1, values, marker="o", ms=3, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("inference steps + 1")
    ax.set_ylabel("PSD energy E (mean over samples)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return curves


# %% [markdown]
# ## 1. Natural-image patches
#
# 8×8 patches of natural photographs (`ufldl_patches`), with each patch's mean removed (sparse coding
# models the structure, not the brightness). 100 atoms for 64 pixels: an overcomplete dictionary.

# %%
n_train, n_test = (2000, 300) if QUICK else (16000, 2000)
P = ufldl_patches(n_train + n_test, 8, rng=rng)
P = P - P.mean(axis=1, keepdims=True)
P_train, P_test = P[:n_train], P[n_train:]
patch_model = PSD(64, 100, lam=0.15, gamma=1.0, rng=rng)
t0 = time.perf_counter()
history = train_psd(patch_model, P_train, epochs=1 if QUICK else 5, batch_size=100, n_steps=INFER_STEPS,
                    optimizer=Adam(learning_rate=3e-3), rng=rng)
print(f"trained in {time.perf_counter() - t0:.1f} s; energy per epoch {np.round(history['energy'], 4).tolist()}")
F_p, H_p = evaluate(patch_model, P_test, "patches")
display_network(patch_model.params["D"].T, path=OUT / "18_psd_patch_dictionary.png")
convergence_figure(patch_model, P_test[:500], OUT / "18_psd_patch_convergence.png", "8x8 patches")

# %% [markdown]
# The atoms are localised, oriented edges — the same picture as the sparse autoencoder's and Olshausen &
# Field's sparse coding. The convergence figure shows the point of PSD: starting from the prediction f(x)
# puts the energy, after zero steps, about where a cold start (h = 0) is only after three to five steps.
# From a cold start FISTA's momentum reaches the plateau in fewer steps than ISTA; from f(x) the two are
# close, because the start is already near the optimum and momentum has little road to gain speed on.
#
# Note the reconstruction error printed for f(x) can be as low as h*'s, or lower: f(x) is not sparse
# (tanh never outputs an exact 0), so it pays more in λ‖h‖₁ and less in ‖x − hD‖². h* minimises the sum.

# %% [markdown]
# ## 2. Fashion-MNIST
#
# 784 pixels, 128 atoms (undercomplete, but the L1 term still makes each code sparse). The data are
# centred with the training mean image, so that atoms describe departures from the average garment.

# %%
X_all, y_all = load_fashion_mnist("train")
n_train, n_test = (1000, 300) if QUICK else (10000, 2000)
X = X_all[:n_train + n_test]
mean_image = X[:n_train].mean(axis=0)
X = X - mean_image
X_train, X_test = X[:n_train], X[n_train:]
digit_model = PSD(784, 128, lam=1.0, gamma=1.0, rng=rng)
t0 = time.perf_counter()
history = train_psd(digit_model, X_train, epochs=1 if QUICK else 5, batch_size=100, n_steps=INFER_STEPS,
                    optimizer=Adam(learning_rate=3e-3), rng=rng)
print(f"trained in {time.perf_counter() - t0:.1f} s; energy per epoch {np.round(history['energy'], 3).tolist()}")
F_d, H_d = evaluate(digit_model, X_test, "Fashion-MNIST")
show_images(digit_model.params["D"], (28, 28), path=OUT / "18_psd_fashion_dictionary.png", normalize=True)
convergence_figure(digit_model, X_test[:500], OUT / "18_psd_fashion_convergence.png", "Fashion-MNIST")
order = np.argsort(-np.abs(H_d[:8]), axis=1)
recon = np.vstack([X_test[:8], H_d[:8] @ digit_model.params["D"], F_d[:8] @ digit_model.params["D"]]) + mean_image
show_images(np.clip(recon, 0, 1), (28, 28), path=OUT / "18_psd_fashion_reconstructions.png", ncols=8,
            title="rows: x, h* D, f(x) D")

# %% [markdown]
# ## What to take away
#
# - The optimised code h* is sparse; the encoder's f(x) is close to it (relative error and support
#   overlap printed above) though not equal: tanh never outputs an exact zero, so f(x) is *nearly*
#   sparse, and a few ISTA steps started from it finish the job.
# - f(x) costs one matrix product per sample; the optimised code costs hundreds. That speed-up is
#   the point of PSD (the paper reports over 100× against exact sparse coding).
