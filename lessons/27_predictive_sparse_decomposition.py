"""Lesson 27: predictive sparse decomposition — sparse coding plus an encoder that learns to predict the code.

Run as a script (``python lessons/27_predictive_sparse_decomposition.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: 16 000 natural-image patches and 10 000 Fashion-MNIST
images, 5 epochs each; quick mode: 2000 patches, 800 images, 1 epoch.
"""
# %% [markdown]
# # 27 · Predictive sparse decomposition (PSD)
#
# **What you will learn:** sparse coding as an optimisation per input; ISTA and FISTA, the proximal-gradient
# methods that solve it; how PSD trains a fast encoder to predict the optimal sparse code, and what is gained
# by starting inference from that prediction.
#
# **Prerequisites:** lessons 03 (sparse autoencoder), 07 (L1 versus KL sparsity) and 04 (gradient methods).
#
# **Key terms:** sparse coding (稀疏编码), predictive sparse decomposition (预测稀疏分解), dictionary (字典),
# L1 penalty (L1 惩罚), soft thresholding (软阈值), proximal gradient (近端梯度), encoder (编码器),
# overcomplete (过完备), inference (推断).
#
# ## The derivation
#
# 1. **Sparse coding** explains each input $x$ (a row, $n$ pixels) as a sparse combination of dictionary atoms,
#    the rows of $D$ ($k \times n$, each of unit norm): $x \approx hD$ with few non-zero $h_j$. Finding $h$ is an
#    optimisation problem per input — accurate but slow.
# 2. **PSD** (Kavukcuoglu, Ranzato & LeCun 2008) trains, at the same time, a fast encoder
#    $f(x) = g \circ \tanh(xW + b)$ to *predict* the optimal code. The energy (a mean over samples):
#
# $$E = \frac1m\sum_i \big(\lVert x_i - h_i D\rVert^2 + \lambda\lVert h_i\rVert_1 + \gamma\lVert h_i - f(x_i)\rVert^2\big) .$$
#
# 3. **Inference** minimises $E$ over $h$ with $D, f$ fixed. Split $E$ into the smooth part
#    $s(h) = \lVert x - hD\rVert^2 + \gamma\lVert h - f(x)\rVert^2$, with
#    $\nabla s = 2(hD - x)D^\top + 2\gamma(h - f(x))$, Lipschitz with $L = 2(\sigma_{\max}(D)^2 + \gamma)$, and the
#    non-smooth $\lambda\lVert h\rVert_1$. **ISTA** takes a gradient step on $s$ and then the proximal step of the
#    L1 norm, the soft threshold $\mathrm{shrink}(v, t) = \mathrm{sign}(v)\max(|v| - t, 0)$:
#
# $$h \leftarrow \mathrm{shrink}\big(h - \nabla s(h)/L,\ \lambda/L\big).$$
#
# **FISTA** (Beck & Teboulle 2009) adds a momentum step between iterations and converges as $O(1/k^2)$
# instead of $O(1/k)$ in the energy.
#
# 4. **Learning:** infer $H$ (a few FISTA steps started from $f(x)$), then one gradient step on $D$ (the
#    reconstruction term) and on $g, W, b$ (the prediction term), then renormalise the atoms.
#    All of it is in `npae/models/psd.py`; the gradients are checked by `python -m npae.gradcheck` (the `psd` lines).
# 5. **The point.** $f(x)$ costs one matrix product per input; each ISTA step costs two ($hD$ and
#    $(\cdot)D^\top$). Started from $f(x)$ instead of 0, inference begins close to the optimum.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.course import Lesson
from npae.data.natural_images import ufldl_patches
from npae.models.psd import PSD, fista, ista, relative_error, support_overlap
from npae.plotting import display_network, show_images
from npae.training.optimizers import Adam
from npae.training.psd_training import train_psd

lesson = Lesson(__doc__, name="27_predictive_sparse_decomposition", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(18)
INFER_STEPS = 20          # FISTA steps per minibatch during training, started from f(x)
REFERENCE_STEPS = 50 if QUICK else 200     # FISTA steps for the reference "optimal" code h* on held-out data
STEPS = [0, 1, 2, 5, 10, 20, 50] if QUICK else [0, 1, 2, 5, 10, 20, 50, 100, 200]
N_CURVE = 100 if QUICK else 500             # held-out samples for the convergence curves


def evaluate(model, X_held, name):
    """Compare the fast code f(x) with h*, the code that REFERENCE_STEPS FISTA steps find from f(x)."""
    F = model.predict(X_held)
    H = model.infer(X_held, n_steps=REFERENCE_STEPS)
    n_hidden = H.shape[1]
    tol = 0.1 * np.sqrt(np.mean(H[H != 0] ** 2))       # |f_j| above 10 % of the RMS non-zero code value
    rec_h, _, _ = model.energy_terms(X_held, H)
    rec_f, _, _ = model.energy_terms(X_held, F)
    out = dict(nonzero=np.count_nonzero(H, axis=1).mean() / n_hidden, rel=relative_error(F, H),
               overlap=support_overlap(F, H, tol), rec_h=rec_h, rec_f=rec_f)
    print(f"{name}: {len(X_held)} held-out samples, {n_hidden} atoms; h* non-zeros {100 * out['nonzero']:.1f} %; "
          f"‖f − h*‖/‖h*‖ {out['rel']:.3f}; support overlap {out['overlap']:.3f}; "
          f"mean ‖x − hD‖²: h* {rec_h:.4f}, f(x) {rec_f:.4f}")
    return F, H, out


def convergence(model, X_held, title):
    """Energy after k inference steps: ISTA vs FISTA, started from f(x) vs from 0; the figure and the curves."""
    p = model.params
    F = model.predict(X_held)
    curves = {}
    for label, solver, H0 in (("FISTA from f(x)", fista, None), ("ISTA from f(x)", ista, None),
                              ("FISTA from 0", fista, np.zeros_like(F)), ("ISTA from 0", ista, np.zeros_like(F))):
        curves[label] = np.array([model.energy(X_held, solver(X_held, p["D"], model.lam, model.gamma, F=F, n_steps=k,
                                                              H0=H0)) for k in STEPS])
    fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=100)
    for label, values in curves.items():
        ax.plot(np.array(STEPS) + 1, values, marker="o", ms=3, label=label)
    ax.set(xscale="log", yscale="log", xlabel="inference steps + 1", ylabel="PSD energy E (mean over samples)",
           title=title)
    ax.legend()
    fig.tight_layout()
    return fig, curves


def fit_and_measure(model, X_train, X_held, name, stem):
    """Train ``model`` with PSD's alternation, then measure f(x) against h* and draw the convergence curves."""
    history = train_psd(model, X_train, epochs=1 if QUICK else 5, batch_size=100, n_steps=INFER_STEPS,
                        optimizer=Adam(learning_rate=3e-3), rng=rng, verbose=False)
    lesson.stamp(f"{name}: energy per epoch {np.round(history['energy'], 4).tolist()}")
    F, H, stats = evaluate(model, X_held, name)
    fig, curves = convergence(model, X_held[:N_CURVE], name)
    lesson.show(fig, f"27_psd_{stem}_convergence")
    return F, H, stats, curves


def steps_to_plateau(curves, label, tolerance=0.01):
    """The first step count at which a curve is within ``tolerance`` of the lowest energy any curve reaches."""
    plateau = min(values.min() for values in curves.values())
    reached = [k for k, e in zip(STEPS, curves[label]) if e <= plateau * (1 + tolerance)]
    return reached[0] if reached else STEPS[-1] + 1


def cold_steps_to_match(curves):
    """How many FISTA steps from h = 0 reach the energy that f(x) has with no step at all."""
    target = curves["FISTA from f(x)"][0]
    reached = [k for k, e in zip(STEPS, curves["FISTA from 0"]) if e <= target]
    return reached[0] if reached else STEPS[-1] + 1


# %% [markdown]
# ## 1. Natural-image patches
#
# 8×8 patches of natural photographs (`ufldl_patches`), each patch's mean removed (sparse coding models the
# structure, not the brightness). 100 atoms for 64 pixels: an overcomplete dictionary.

# %%
n_train, n_test = (1000, 200) if QUICK else (16000, 2000)
P = ufldl_patches(n_train + n_test, 8, rng=rng)
P = P - P.mean(axis=1, keepdims=True)
P_train, P_test = P[:n_train], P[n_train:]
patch_model = PSD(64, 100, lam=0.15, gamma=1.0, rng=rng)
F_p, H_p, patch_stats, patch_curves = fit_and_measure(patch_model, P_train, P_test, "patches", "patch")
lesson.show(display_network(patch_model.params["D"].T, pixels_per_cell=12, title="PSD atoms, 8×8 patches"),
            "27_psd_patch_dictionary")

# %% [markdown]
# ## 2. Fashion-MNIST
#
# 784 pixels, 128 atoms (undercomplete, but the L1 term still makes each code sparse). The images are centred
# with the training mean image, so that atoms describe departures from the average garment. The held-out
# images are training-split images not used for training.

# %%
X_all, _ = lesson.fashion_mnist("train")
n_train, n_test = (800, 200) if QUICK else (10000, 2000)
X = X_all[:n_train + n_test]
mean_image = X[:n_train].mean(axis=0)
X = X - mean_image
X_train, X_held = X[:n_train], X[n_train:]
fashion_model = PSD(784, 128, lam=1.0, gamma=1.0, rng=rng)
F_d, H_d, fashion_stats, fashion_curves = fit_and_measure(fashion_model, X_train, X_held, "Fashion-MNIST", "fashion")
lesson.show(show_images(fashion_model.params["D"], (28, 28), normalize=True, title="PSD atoms, Fashion-MNIST"),
            "27_psd_fashion_dictionary")
recon = np.vstack([X_held[:8], H_d[:8] @ fashion_model.params["D"], F_d[:8] @ fashion_model.params["D"]]) + mean_image
lesson.show(show_images(np.clip(recon, 0, 1), (28, 28), ncols=8, title="rows: x, h* D, f(x) D"),
            "27_psd_fashion_reconstructions")

# %% [markdown]
# ## Results
#
# Expected in full mode: the optimised code $h^*$ is sparse (a small fraction of non-zeros); $f(x)$ is close to
# it but not equal (tanh never outputs an exact 0); and inference from $0$ needs several FISTA steps to reach
# the energy that $f(x)$ has before any step. From a cold start FISTA reaches the plateau (within 1 % of the
# lowest energy any curve reaches) in fewer steps than ISTA. The reconstruction error of $f(x)$ can be as low
# as $h^*$'s or lower: $f(x)$ is not sparse, so it pays more in $\lambda\lVert h\rVert_1$ and less in
# $\lVert x - hD\rVert^2$; $h^*$ minimises the sum. Quick mode (one epoch) shows $h^*$ sparse and the warm and
# cold starts ending on the same plateau, and checks these; the other numbers are only reported there.

# %%
for name, stats, curves in (("patches", patch_stats, patch_curves), ("Fashion-MNIST", fashion_stats, fashion_curves)):
    lesson.expect(f"{name}: fraction of non-zeros in h*", stats["nonzero"], quick=(0.0, 0.5), full=(0.0, 0.5),
                  fmt=".3f")
    lesson.expect(f"{name}: ‖f(x) − h*‖ / ‖h*‖", stats["rel"], full=(0.0, 0.8), fmt=".3f")
    lesson.expect(f"{name}: FISTA steps from 0 to reach f(x)'s energy", cold_steps_to_match(curves), full=(2, 50),
                  fmt=".0f")
    lesson.expect(f"{name}: energy after the last FISTA step count, from f(x) / from 0", curves["FISTA from f(x)"][-1] /
                  curves["FISTA from 0"][-1], quick=(0.9, 1.01), full=(0.9, 1.01), fmt=".4f")
    fista_cold, ista_cold = steps_to_plateau(curves, "FISTA from 0"), steps_to_plateau(curves, "ISTA from 0")
    print(f"{name}: steps from 0 to the plateau: FISTA {fista_cold}, ISTA {ista_cold}")
    lesson.expect(f"{name}: steps from 0 to the plateau, FISTA / ISTA", fista_cold / ista_cold, full=(0.0, 0.9),
                  fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `27_psd_patch_dictionary`: in full mode, localised oriented edges — the same picture as the sparse
#   autoencoder's of lesson 03 and as Olshausen & Field's sparse coding.
# - `27_psd_patch_convergence` and `27_psd_fashion_convergence`: the curves that start from $f(x)$ begin where
#   the cold starts arrive only after several steps. From a cold start FISTA's momentum reaches the plateau in
#   fewer steps than ISTA; from $f(x)$ the two are close, because the start is already near the optimum.
# - `27_psd_fashion_dictionary`: atoms are departures from the mean garment: parts of outlines, light and dark
#   regions of particular classes.
# - `27_psd_fashion_reconstructions`: $h^*D$ and $f(x)D$ both keep the silhouette.
#
# ## Exercises
#
# - Graded: the soft threshold, one ISTA step, and the gradient of PSD's energy.
#   `python -m npae.exercises start psd_ista` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start psd_ista --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check psd_ista` (with `--derive` for the derive level).
# - Set γ = 0: the encoder is no longer trained to match the code, only inference remains. What happens to
#   $\lVert f(x) - h^*\rVert$?
# - Double λ on the patches. How do the atoms and the fraction of non-zeros change?
#
# ## Further reading
#
# - K. Kavukcuoglu, M. Ranzato, Y. LeCun (2008), "Fast inference in sparse coding algorithms with applications
#   to object recognition", arXiv:1010.3467.
# - A. Beck, M. Teboulle (2009), "A fast iterative shrinkage-thresholding algorithm for linear inverse problems",
#   *SIAM J. Imaging Sciences* 2.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.8 (predictive sparse decomposition) and §13.4 (sparse
#   coding); 《深度学习》14.8 预测稀疏分解, 13.4 稀疏编码.
# - UFLDL, *Sparse Coding* and *Sparse Coding: Autoencoder Interpretation*.

# %%
lesson.done()
