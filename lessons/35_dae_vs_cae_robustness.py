"""Lesson 35: denoising against contractive — which perturbations each one resists, measured by their size.

Run as a script (``python lessons/35_dae_vs_cae_robustness.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: a plain, three denoising and three contractive 784-128-784 tied
autoencoders on 10 000 Fashion-MNIST images for 10 epochs, the DAE and CAE chosen on validation, perturbation
curves on 300 test images; quick mode: 800 images, 32 units, 2 epochs, 40 test images.
"""
# %% [markdown]
# # 35 · Denoising versus contractive: finite against infinitesimal perturbations
#
# **What you will learn:** the difference Goodfellow et al. draw in §14.7 between the two regularised autoencoders
# that resist perturbations of their input — "denoising autoencoders make the reconstruction function resist small
# but finite-sized perturbations of the input, while contractive autoencoders make the feature extraction function
# resist infinitesimal perturbations of the input" — and how to measure it: how far the code and the reconstruction
# move when the input moves by a step of a given size, from $10^{-3}$ to the size of the training noise and beyond.
#
# **Prerequisites:** lessons 09 (the denoising autoencoder), 12 (the contractive autoencoder), 13 (the denoising
# criterion as a contractive penalty on $r$) and 16 (Jacobian spectra and contraction curves).
#
# **Key terms:** denoising autoencoder (去噪自编码器), contractive autoencoder (收缩自编码器), Jacobian matrix (Jacobian矩阵),
# Frobenius norm (Frobenius 范数), Gaussian noise (高斯噪声), Taylor expansion (泰勒展开).
#
# ## What each penalty sees
#
# The **contractive** autoencoder (CAE) adds $\lambda\,\frac1m\sum_i \lVert J_f(x^{(i)})\rVert_F^2$, the squared Frobenius norm of the *encoder's*
# Jacobian at the training points (lesson 12). A Jacobian is a derivative: it describes how $h = f(x)$ moves for a step
# $\delta \to 0$, $f(x + \delta) = f(x) + J_f(x)\,\delta + O(\lVert\delta\rVert^2)$. Nothing in the penalty constrains $f$ at a finite distance from
# the data.
#
# The **denoising** autoencoder (DAE) minimises $\frac1m\sum_i \mathbb E_{\varepsilon}\lVert r(x^{(i)} + \varepsilon) - x^{(i)}\rVert^2$ with $\varepsilon \sim \mathcal N(0, \sigma^2 I)$: it is
# trained at points a whole noise vector away from the data, $\lVert\varepsilon\rVert \approx \sigma\sqrt d$ (about $0.2 \times 28 = 5.6$ for $\sigma = 0.2$ on
# 784 pixels), and asked to map them back. Lesson 13 showed that for *small* $\sigma$ this is the clean loss plus
# $\sigma^2\lVert J_r\rVert_F^2$, a contractive penalty on the *whole reconstruction* $r = g \circ f$; at the finite $\sigma$ used in practice, the
# higher-order terms are part of what it learns.
#
# So the two differ in *what* is made insensitive (the code $h$, or the reconstruction $r$) and at *what scale* (a
# derivative at the data, or a displacement the size of the noise). We measure both, on the same data and
# architecture, against a plain autoencoder, as functions of the size $\rho$ of the perturbation: for test images $x$
# and directions $u$ drawn uniformly on the unit sphere,
#
# $$ c_f(\rho) = \Big(\mathbb E\,\frac{\lVert f(x + \rho u) - f(x)\rVert^2}{\rho^2}\Big)^{1/2}, \qquad
#    c_r(\rho) = \Big(\mathbb E\,\frac{\lVert r(x + \rho u) - r(x)\rVert^2}{\rho^2}\Big)^{1/2} , $$
#
# the root-mean-square *contraction ratios* (Rifai et al. 2011 plot the mean). As $\rho \to 0$, $c_f(\rho) \to \big(\mathbb E\lVert J_f\rVert_F^2 / d\big)^{1/2}$,
# since $\mathbb E_u\lVert Ju\rVert^2 = \lVert J\rVert_F^2/d$ for $u$ uniform on the sphere in $d$ dimensions; the run checks that limit against the
# exact Jacobians.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.manifold import contraction_ratios, reconstruction_jacobian_norm2
from npae.analysis.metrics import reconstruction_error
from npae.core.corruption import Corruption
from npae.core.penalties import Contractive
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch

lesson = Lesson(__doc__, name="35_dae_vs_cae_robustness", needs=("fashion-mnist",))
QUICK = lesson.quick

X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X_train, X_val, X_eval = X_all[:800], X_all[800:1000], X_test[:40]
else:
    X_train, X_val, X_eval = X_all[:10000], X_all[50000:55000], X_test[:300]
N_HIDDEN, EPOCHS = (32, 2) if QUICK else (128, 10)

# %% [markdown]
# ## Seven autoencoders, one architecture
#
# 784-128-784 with tied weights (which closes the contractive penalty's loophole of a tiny encoder and a huge
# decoder, lesson 12), sigmoid code and output, cross-entropy, Adam, minibatches of 128, 10 epochs, the same initial
# weights. A plain one; denoising with Gaussian noise $\sigma$ = 0.2, 0.4, 0.8; contractive with $\lambda$ = 0.3, 1, 3. Which DAE and which
# CAE enter the comparison is decided on the validation images by one rule: the *most regularised* model whose clean
# validation cross-entropy is within 5 % of the plain autoencoder's (the most robust model that costs at most 5 %
# in reconstruction), so that the comparison is at equal reconstruction quality. The test images are measured once.

# %%
def train(penalties=(), corruption=None):
    model = Autoencoder(784, N_HIDDEN, loss="cross_entropy", tied=True, penalties=list(penalties), init="glorot",
                        rng=np.random.default_rng(350), dtype=np.float32)
    train_minibatch(model, X_train, epochs=EPOCHS, batch_size=128, corruption=corruption,
                    rng=np.random.default_rng(351), verbose=False)
    return model


plain = train()
val_plain = reconstruction_error(plain, X_val, kind="cross_entropy")
candidates = {"DAE": {}, "CAE": {}}
for sigma in (0.2, 0.4, 0.8):
    candidates["DAE"][sigma] = train(corruption=Corruption("gaussian", sigma))
for lam in (0.3, 1.0, 3.0):
    candidates["CAE"][lam] = train(penalties=[Contractive(lam)])
val_error = {kind: {level: reconstruction_error(m, X_val, kind="cross_entropy") for level, m in models.items()}
             for kind, models in candidates.items()}
print(f"validation cross-entropy: plain {val_plain:.2f}")
chosen = {}
for kind, errors in val_error.items():
    within = [level for level, error in errors.items() if error <= 1.05 * val_plain]
    chosen[kind] = max(within) if within else min(errors)
    print(f"{kind}: " + ", ".join(f"{'σ' if kind == 'DAE' else 'λ'} = {level:g}: {error:.2f}"
                                  for level, error in errors.items()) + f"  -> {chosen[kind]:g}")
models = {"plain": plain, "DAE": candidates["DAE"][chosen["DAE"]], "CAE": candidates["CAE"][chosen["CAE"]]}
sigma_dae = chosen["DAE"]
lesson.stamp("seven autoencoders trained; the DAE and CAE chosen on validation")

# %% [markdown]
# ## Contraction against the size of the step
#
# Radii $\rho$ from $10^{-3}$ (where the maps are linear to many digits) to 30 (the images themselves have norms around
# 10), five random directions per test image. The dashed line marks the typical size of the DAE's training noise,
# $\sigma\sqrt{784}$.

# %%
radii = np.geomspace(1e-3, 30, 4 if QUICK else 12)


def rms_ratio(f, radius, seed):
    return float(np.sqrt(np.mean(contraction_ratios(f, X_eval, radius, 5, np.random.default_rng(seed)) ** 2)))


curves = {name: {"code": np.array([rms_ratio(m.encode, r, 352) for r in radii]),
                 "reconstruction": np.array([rms_ratio(m.reconstruct, r, 352) for r in radii])}
          for name, m in models.items()}


def exact_limits(model):
    """(E‖J_f‖²_F / d)^½ and (E‖J_r‖²_F / d)^½ over the test points, from the exact Jacobians."""
    H = np.asarray(model.encode(X_eval), dtype=np.float64)
    W1 = np.asarray(model.params["W1"], dtype=np.float64)
    code = (H * (1 - H)) ** 2 @ np.sum(W1 ** 2, axis=0)                 # ‖J_f‖²_F = Σⱼ (hⱼ(1 − hⱼ))² ‖W1[:, j]‖²
    reconstruction = reconstruction_jacobian_norm2(model, X_eval)
    return np.sqrt(code.mean() / 784), np.sqrt(reconstruction.mean() / 784)


limits = {name: exact_limits(m) for name, m in models.items()}
print(f"{'radius':>8} " + " ".join(f"{name + ' code':>10} {name + ' rec.':>10}" for name in models))
for i, radius in enumerate(radii):
    print(f"{radius:8.3g} " + " ".join(f"{curves[n]['code'][i]:10.4f} {curves[n]['reconstruction'][i]:10.4f}"
                                       for n in models))
print("exact ρ → 0 limits " + "  ".join(f"{n}: code {limits[n][0]:.4f}, rec. {limits[n][1]:.4f}" for n in models))

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), dpi=100)
for ax, what in zip(axes, ("code", "reconstruction")):
    for name, model in models.items():
        label = {"plain": "plain", "DAE": f"DAE σ = {chosen['DAE']:g}", "CAE": f"CAE λ = {chosen['CAE']:g}"}[name]
        ax.plot(radii, curves[name][what], "o-", label=label)
    ax.axvline(sigma_dae * np.sqrt(784), ls="--", color="0.5", label="σ√d of the DAE's noise")
    ax.set(xscale="log", yscale="log", xlabel="perturbation size ρ",
           ylabel=f"RMS ‖{'f' if what == 'code' else 'r'}(x + ρu) − {'f' if what == 'code' else 'r'}(x)‖ / ρ",
           title=f"the {what}")
    ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "35_contraction_by_size")

# %% [markdown]
# ## Results
#
# Printed by this run. A regulariser that contracts everywhere shows as a curve below the others at every radius, so
# the claim is read in the *ratios* between the models, radius by radius: where is each one's advantage largest?
# In full mode:
#
# - the measured ratios at $\rho = 10^{-3}$ agree with the exact Jacobians' limits (to the Monte-Carlo error of five
#   directions per image): the smallest radius is the infinitesimal regime;
# - there, the CAE's code moves least of the three per unit of input, the penalty it was trained on;
# - the CAE's advantage on the code is largest at the smallest radii: its ratio to the DAE's code curve is lower at
#   $\rho \to 0$ than at a step the size of the DAE's noise;
# - the DAE's reconstruction gains on the CAE's as the step grows: their ratio is lower at the noise's size than at
#   $\rho \to 0$; and at that size the DAE's reconstruction moves less than the plain autoencoder's;
# - in absolute terms, on these data and at these settings, the CAE moves less than the DAE in both code and
#   reconstruction at every radius measured: the claim shows in where each advantage grows and shrinks, not in a
#   crossing of the curves.
#
# Quick mode checks the exact limit and that the curves are computed; the order of the models needs the full
# training.

# %%
i_small = 0
i_noise = int(np.argmin(np.abs(np.log(radii / (sigma_dae * np.sqrt(784))))))
for name in models:
    lesson.expect(f"{name}: measured code ratio at ρ = 1e-3 / exact limit", curves[name]["code"][i_small] / limits[name][0],
                  quick=(0.8, 1.2), full=(0.9, 1.1), fmt=".3f")
    lesson.expect(f"{name}: measured reconstruction ratio at ρ = 1e-3 / exact limit",
                  curves[name]["reconstruction"][i_small] / limits[name][1], quick=(0.8, 1.2), full=(0.9, 1.1),
                  fmt=".3f")
lesson.expect("DAE: σ chosen on validation", sigma_dae, full=(0.4, 0.8), fmt=".2g")
lesson.expect("CAE: λ chosen on validation", chosen["CAE"], full=(1, 3), fmt=".2g")
lesson.expect("validation cross-entropy of the chosen DAE / plain", val_error["DAE"][sigma_dae] / val_plain,
              full=(1.0, 1.05), fmt=".3f")
lesson.expect("validation cross-entropy of the chosen CAE / plain", val_error["CAE"][chosen["CAE"]] / val_plain,
              full=(1.0, 1.05), fmt=".3f")
code_gap = curves["CAE"]["code"] / curves["DAE"]["code"]
rec_gap = curves["DAE"]["reconstruction"] / curves["CAE"]["reconstruction"]
lesson.expect("ρ → 0, code: CAE / plain", curves["CAE"]["code"][i_small] / curves["plain"]["code"][i_small],
              full=(0.3, 0.7), fmt=".3f")
lesson.expect("ρ → 0, code: CAE / DAE", code_gap[i_small], full=(0.4, 0.85), fmt=".3f")
lesson.expect(f"ρ = {radii[i_noise]:.3g} (≈ σ√d), code: CAE / DAE", code_gap[i_noise], full=(0.6, 1.1), fmt=".3f")
lesson.expect("code: (CAE / DAE at ρ ≈ σ√d) − (CAE / DAE at ρ → 0)", code_gap[i_noise] - code_gap[i_small],
              full=(0.02, 1.0), fmt=".3f")
lesson.expect("ρ → 0, reconstruction: DAE / CAE", rec_gap[i_small], full=(1.1, 1.7), fmt=".3f")
lesson.expect(f"ρ = {radii[i_noise]:.3g} (≈ σ√d), reconstruction: DAE / CAE", rec_gap[i_noise], full=(0.8, 1.4),
              fmt=".3f")
lesson.expect("reconstruction: (DAE / CAE at ρ → 0) − (DAE / CAE at ρ ≈ σ√d)", rec_gap[i_small] - rec_gap[i_noise],
              full=(0.02, 1.0), fmt=".3f")
lesson.expect("largest CAE / DAE code ratio over the radii", code_gap.max(), full=(0.5, 1.0), fmt=".3f")
lesson.expect("smallest DAE / CAE reconstruction ratio over the radii", rec_gap.min(), full=(1.0, 1.5), fmt=".3f")
lesson.expect(f"ρ = {radii[i_noise]:.3g} (≈ σ√d), reconstruction: DAE / plain",
              curves["DAE"]["reconstruction"][i_noise] / curves["plain"]["reconstruction"][i_noise],
              full=(0.6, 0.95), fmt=".3f")

# %% [markdown]
# ## What to look for in the figure
#
# - `35_contraction_by_size`: flat curves at small $\rho$ (the linear regime, where the ratio is the Jacobian's RMS gain),
#   falling at large $\rho$ (the sigmoids saturate: a huge step moves $h$ and $r$ by a bounded amount). Left: the CAE's
#   code curve lowest at the left end, the gap to the DAE's closing towards the dashed line. Right: the DAE's
#   reconstruction curve approaching the CAE's as $\rho$ grows.
#
# ## Exercises
#
# - Repeat the measurement with *adversarial* directions instead of random ones: the top right-singular vector of
#   $J_f$ (lesson 16) for the code. Is the CAE's advantage larger or smaller along the worst direction?
# - Train the DAE with a much smaller σ (0.02). Lesson 13 predicts it then behaves like a penalty on $\lVert J_r\rVert_F^2$: does its
#   reconstruction curve approach the CAE's at small ρ?
# - Add the contractive penalty to the DAE (both at once): which curve does it follow?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.7 (contractive autoencoders; the finite-versus-infinitesimal
#   remark), §14.5.1; 《深度学习》14.7 收缩自编码器.
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders: explicit invariance during
#   feature extraction", ICML (contraction curves, §5).
# - G. Alain, Y. Bengio (2014), "What regularized auto-encoders learn from the data-generating distribution", JMLR 15
#   (the denoising criterion as a contractive penalty on $r$).
# - P. Vincent, H. Larochelle, I. Lajoie, Y. Bengio, P.-A. Manzagol (2010), "Stacked denoising autoencoders", JMLR 11.

# %%
lesson.done()
