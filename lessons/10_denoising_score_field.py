"""Lesson 10: a denoising autoencoder's displacement r(x) − x estimates σ² times the score ∇log p (2-D circle).

Run as a script (``python lessons/10_denoising_score_field.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: three DAEs (σ = 0.05, 0.1, 0.2), 128 hidden units, up
400 epochs checked on a validation set; quick mode: σ = 0.1 only, 64 hidden units, 50 epochs.
"""
# %% [markdown]
# # 10 · The denoising score field
#
# **What you will learn:** what the best possible denoising reconstruction is (the posterior mean);
# Tweedie's formula, which turns it into the **score** $\nabla \log p$ of the noisy density; Alain & Bengio's
# theorem, $r^*_\sigma(x) = x + \sigma^2 \nabla \log p(x) + o(\sigma^2)$ as $\sigma \to 0$, and its conditions; how to
# check it on data whose density we can write down; why for larger σ the DAE learns the score of the
# *smoothed* density.
#
# **Prerequisites:** lesson 09 (the denoising autoencoder); Gaussian densities and gradients.
#
# **Key terms:** denoising autoencoder (去噪自编码器), score (得分), score matching (得分匹配),
# vector field (向量场), manifold (流形), probability density function (概率密度函数),
# Gaussian distribution (高斯分布), posterior (后验), validation set (验证集).
#
# ## The derivation, step by step
#
# Train a denoising autoencoder on $\tilde x = x + \varepsilon$, $\varepsilon \sim N(0, \sigma^2 I)$, with squared error.
#
# 1. For squared error, the best reconstruction function (over all functions) is the conditional mean:
#    $r^*(\tilde x) = \mathbb E[x \mid \tilde x]$, since $\mathbb E\lVert x - r\rVert^2$ given $\tilde x$ is
#    smallest at the mean.
# 2. The noisy density is the convolution $p_\sigma = p * \mathcal N(0, \sigma^2 I)$:
#    $p_\sigma(\tilde x) = \int p(x)\, \mathcal N(\tilde x; x, \sigma^2 I)\, dx$.
# 3. Differentiate under the integral: $\nabla_{\tilde x} \mathcal N(\tilde x; x, \sigma^2 I) = \frac{x - \tilde x}{\sigma^2}
#    \mathcal N(\tilde x; x, \sigma^2 I)$, so $\sigma^2 \nabla p_\sigma(\tilde x) = \int (x - \tilde x)\, p(x)\, \mathcal N\, dx
#    = p_\sigma(\tilde x)\,(\mathbb E[x\mid\tilde x] - \tilde x)$.
# 4. Dividing by $p_\sigma$ gives **Tweedie's formula**:
#
# $$ r^*(\tilde x) = \mathbb E[x \mid \tilde x] = \tilde x + \sigma^2 \nabla \log p_\sigma(\tilde x). $$
#
# **Alain & Bengio (2014), Theorem 1.** Let $p$ be the data density, smooth and positive everywhere, and let
# $r^*_\sigma$ be the function that minimises the *expected* denoising loss
# $\mathbb E_{x\sim p}\,\mathbb E_{\varepsilon\sim N(0,\sigma^2 I)}\lVert r(x + \varepsilon) - x\rVert^2$ over all functions. Then
#
# $$ r^*_\sigma(x) = x + \sigma^2 \nabla \log p(x) + o(\sigma^2) \qquad\text{as } \sigma \to 0 . $$
#
# (By step 4, $r^*_\sigma(x) - x = \sigma^2\nabla\log p_\sigma(x)$ exactly, and $\nabla\log p_\sigma \to \nabla\log p$ as the blur
# vanishes.) The displacement is a vector field pointing up the data density — towards the manifold. The
# theorem is about the minimiser over all functions of the loss's expectation, in the limit of small noise; a
# network trained on finite data at a fixed σ can only approach it, which is what this lesson measures.
# Vincent (2011) proves a different statement, at fixed σ: the denoising loss equals, up to a constant, a
# score-matching objective for the *noisy* density $p_\sigma$ (denoising score matching) — the finite-σ fact of
# step 4, not the small-σ limit.
#
# Data with a density we can write down: a circle of radius $R$ with uniform angle, blurred by Gaussian
# noise of standard deviation $s$. Then (`npae.analysis.manifold.circle_log_density`), writing $\lVert x\rVert$ for the
# distance from the centre,
#
# $$ p(x) = \frac{1}{2\pi s^2} e^{-(\lVert x\rVert^2 + R^2)/(2 s^2)} I_0(\lVert x\rVert R / s^2), $$
#
# and $\nabla \log p = \big(-\lVert x\rVert/s^2 + (R/s^2)\, I_1(\kappa)/I_0(\kappa)\big)\, x/\lVert x\rVert$ with
# $\kappa = \lVert x\rVert R/s^2$ (`npae.analysis.manifold.circle_score`). It is smooth and positive everywhere, as the
# theorem asks. Convolving with the corruption just replaces $s$ by $\sqrt{s^2 + \sigma^2}$, so $p_\sigma$ is of the
# same family. Away from the centre ($\kappa$ large, $I_1/I_0 \to 1$) the score is radial with length
# $(R - \lVert x\rVert)/s^2$: linear in the signed distance from the ring. So near the ring
# $\nabla\log p_\sigma \approx \nabla\log p \cdot s^2/(s^2+\sigma^2)$ for *every* σ: the radial profile is a Gaussian of
# variance $s^2 + \sigma^2$ instead of $s^2$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from npae.analysis import manifold
from npae.analysis.jacobian import reconstruction_jacobian
from npae.analysis.metrics import reconstruction_error
from npae.core.corruption import Corruption
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="10_denoising_score_field")
QUICK = lesson.quick

rng = np.random.default_rng(16)
R, S = 1.0, 0.1
N, N_HIDDEN = (1000, 64) if QUICK else (5000, 128)
EPOCHS = 50 if QUICK else 400
SIGMAS = [0.1] if QUICK else [0.05, 0.1, 0.2]


def circle(n, rng):
    """n points of the blurred circle: uniform angle, radius R, Gaussian blur S."""
    theta = rng.uniform(0, 2 * np.pi, n)
    return R * np.column_stack([np.cos(theta), np.sin(theta)]) + S * rng.standard_normal((n, 2))


X = circle(N, rng)
X_val = circle(N, rng)             # a validation set from the same density, for the number of epochs

# %% [markdown]
# ## Train one DAE per corruption level σ
#
# 2 visible units, sigmoid hidden units (128; 64 in quick mode), linear decoder, squared error, Adam,
# 400 epochs (50 in quick mode). The data: $R = 1$, blur $s = 0.1$. The epoch budget is checked on a
# validation set drawn from the same density: after every epoch the denoising loss on one fixed corrupted
# copy of the validation points is measured. If training went on past the point of overfitting, the last
# epoch's validation loss would sit above the best one; the ratio is printed. (Early stopping with a short
# patience is a poor fit here: at small σ the field improves slowly along long plateaus of the validation
# loss, and stopping on the first plateau leaves it half learnt — try `patience=30` in the exercises.)

# %%
models, last_over_best = {}, {}
for sigma in SIGMAS:
    corruption = Corruption("gaussian", sigma)
    X_val_noisy = corruption(X_val, np.random.default_rng(1))
    dae = Autoencoder(2, N_HIDDEN, decoder="linear", rng=rng, init="glorot")
    history = train_minibatch(dae, X, epochs=EPOCHS, batch_size=100, optimizer=Adam(learning_rate=3e-3),
                              corruption=corruption, X_val=X_val_noisy, target_val=X_val,
                              rng=rng, verbose=False)
    models[sigma] = dae
    val_last = reconstruction_error(dae, X_val_noisy, target=X_val, kind="squared_error")
    last_over_best[sigma] = val_last / min(history.val_loss)
    lesson.stamp(f"σ = {sigma}: validation denoising squared_error {val_last:.5f} after {EPOCHS} epochs, "
                 f"lowest {min(history.val_loss):.5f} at epoch {history.best_epoch + 1}")

# %% [markdown]
# ## Does r(x) − x point towards the manifold?
#
# On a grid, the fraction of points ($0.2 < \lVert x\rVert < 1.8$) where $(r(x) - x)\cdot(\pi(x) - x) > 0$, $\pi(x) = R x/\lVert x\rVert$
# the nearest point of the circle ("towards"). Then the fit $r(x) - x \approx c\, \nabla\log p(x)$: the
# least-squares constant $c$ (to compare with $\sigma^2$) and the correlation of the stacked components, on
# grid points where the corrupted data has mass, $|\lVert x\rVert - R| < 2\sqrt{s^2 + \sigma^2}$ — against the data
# density $p$ (blur $s$) and against $p_\sigma$ (blur $\sqrt{s^2+\sigma^2}$).

# %%
g = np.linspace(-1.8, 1.8, 61)
G = np.array(np.meshgrid(g, g)).reshape(2, -1).T
radius = np.linalg.norm(G, axis=1)                # ‖x‖ of every grid point
fits = {}
print(f"{'σ':>6} {'σ²':>8} {'towards':>8} | {'c (p)':>9} {'c/σ²':>6} {'corr':>6} | "
      f"{'c (p_σ)':>9} {'c/σ²':>6} {'corr':>6} | {'s²/(s²+σ²)':>10}")
for sigma, dae in models.items():
    D = manifold.denoising_field(dae, G)
    ring = (radius > 0.2) & (radius < 1.8)
    towards = np.mean(np.sum(D[ring] * (manifold.circle_projection(G[ring], R) - G[ring]), axis=1) > 0)
    near = np.abs(radius - R) < 2 * np.hypot(S, sigma)
    row = f"{sigma:6.3f} {sigma**2:8.5f} {towards:8.3f}"
    fits[sigma] = {"towards": towards}
    for label, blur in (("p", S), ("p_sigma", np.hypot(S, sigma))):
        score = manifold.circle_score(G[near], R, blur)
        c = np.sum(D[near] * score) / np.sum(score**2)
        corr = np.corrcoef(D[near].ravel(), score.ravel())[0, 1]
        fits[sigma][label] = (c / sigma**2, corr)
        row += f" | {c:9.5f} {c / sigma**2:6.3f} {corr:6.3f}"
    print(row + f" | {S**2 / (S**2 + sigma**2):10.3f}")

# %% [markdown]
# ## The field, drawn
#
# Arrows $r(x) - x$ on a coarse grid (left: the DAE; right: $\sigma^2 \nabla\log p_\sigma$, the exact optimum of
# step 4), with the data. Arrows are drawn at half their true length (in data units) so that they do not
# overlap.

# %%
sigma = 0.1
dae = models[sigma]
g2 = np.linspace(-1.5, 1.5, 17)
G2 = np.array(np.meshgrid(g2, g2)).reshape(2, -1).T
exact = sigma**2 * manifold.circle_score(G2, R, np.hypot(S, sigma))       # the optimum of step 4 on the grid
length = np.linalg.norm(exact, axis=1)
ring_distance = np.abs(np.linalg.norm(G2, axis=1) - R)
longest = int(np.argmax(length))
print(f"exact field on the drawn grid: longest arrow {length[longest]:.4f} at x = {G2[longest]}, "
      f"{ring_distance[longest]:.2f} from the ring; at the centre {length[np.argmin(np.linalg.norm(G2, axis=1))]:.2g}")
fig, axes = plt.subplots(1, 2, figsize=(11, 5.5), dpi=90)
for ax, field, title in ((axes[0], manifold.denoising_field(dae, G2), f"DAE: r(x) − x, σ = {sigma}"),
                         (axes[1], exact, "σ² ∇log p_σ(x) (Tweedie optimum)")):
    ax.scatter(X[:1000, 0], X[:1000, 1], s=2, c="0.6")
    ax.quiver(G2[:, 0], G2[:, 1], field[:, 0], field[:, 1], angles="xy", scale_units="xy", scale=2,
              color="C3", width=0.004)
    ax.set_aspect("equal")
    ax.set_title(title)
fig.tight_layout()
lesson.show(fig, "10_denoising_score_field")

# %% [markdown]
# ## The contraction a score estimator must have — the link to the contractive penalty
#
# Differentiate step 4: $r^*(x) = x + \sigma^2\nabla\log p_\sigma(x)$ has the Jacobian
#
# $$ \frac{\partial r^*}{\partial x} = I + \sigma^2\, \nabla^2 \log p_\sigma(x) . $$
#
# On the ring, $\log p_\sigma$ is (away from the centre) a Gaussian profile of variance $s^2+\sigma^2$ across it and
# flat along it, so its Hessian has the eigenvalue $-1/(s^2+\sigma^2)$ in the direction normal to the ring and
# about 0 along it (up to a curvature term of order $\lVert x\rVert^{-1}$ times the distance from the ring). The
# optimal denoiser is therefore *contractive across the manifold*, by the factor
# $1 - \sigma^2/(s^2+\sigma^2) = s^2/(s^2+\sigma^2)$, and *not contractive along it* (factor 1). That is the link
# between the contractive penalty and score matching. Lesson 13 shows that for small σ the denoising loss is the
# clean loss plus $\sigma^2\lVert\partial r/\partial x\rVert_F^2$: a contractive penalty on the reconstruction, with
# weight $\sigma^2$. Alain & Bengio (2014) prove that the minimiser over all functions of
# $\mathbb E\lVert r(x) - x\rVert^2 + \lambda\,\mathbb E\lVert \partial r/\partial x\rVert_F^2$ (their *reconstruction*-contractive
# autoencoder, $p$ smooth and positive) satisfies $r(x) - x = \lambda\nabla\log p(x) + o(\lambda)$ as $\lambda \to 0$:
# penalising the reconstruction's Jacobian against the reconstruction error *is* a score estimator, and the
# Jacobian it ends with is the one above. (Lesson 12's CAE penalises the *code's* Jacobian, not the
# reconstruction's; the theorem is about the latter.)
#
# Measured on the trained DAEs: $J_r(x)$ (`reconstruction_jacobian`) at 200 points on the ring, read in the normal
# direction $n = x/\lVert x\rVert$ and the tangent direction $t$: $n^\top J_r n$ against $s^2/(s^2+\sigma^2)$, and
# $t^\top J_r t$ against 1.

# %%
angles = np.linspace(0, 2 * np.pi, 200, endpoint=False)
normal = np.column_stack([np.cos(angles), np.sin(angles)])
tangent = np.column_stack([-np.sin(angles), np.cos(angles)])
on_ring = R * normal
contraction = {}
for sigma, dae in models.items():
    J = reconstruction_jacobian(dae, on_ring)                                    # (200, 2, 2)
    across = np.einsum("ni,nij,nj->n", normal, J, normal).mean()
    along = np.einsum("ni,nij,nj->n", tangent, J, tangent).mean()
    contraction[sigma] = (across, along)
    print(f"σ = {sigma}: on the ring, nᵀJ_r n = {across:.3f} (optimum s²/(s²+σ²) = {S**2 / (S**2 + sigma**2):.3f}), "
          f"tᵀJ_r t = {along:.3f} (optimum 1)")

# %% [markdown]
# ## Results
#
# "towards" is the share of grid points where the DAE's displacement points towards the circle; $c/\sigma^2$
# near 1 with a correlation near 1 means $r(x) - x \approx \sigma^2 \nabla\log p$. After the full run:
#
# - for every σ the displacement points towards the circle almost everywhere (towards above 0.9);
# - against $p_\sigma$ — the exact statement of step 4 — $c/\sigma^2$ is expected within 15 % of 1 with a
#   correlation above 0.9;
# - against $p$ — the statement of the theorem — $c/\sigma^2$ falls as σ grows, tracking the smoothing factor
#   $s^2/(s^2 + \sigma^2)$ (printed in the table's last column): their ratio is expected within 15 % of 1.
#
# So near the ring $r(x) - x \approx \sigma^2\, \frac{s^2}{s^2 + \sigma^2}\, \nabla\log p(x)$ for every σ tried: the
# *direction* of the score always holds, while the constant $\sigma^2$ of the theorem needs $\sigma \ll s$ — for
# larger σ the DAE learns the score of the *smoothed* density $p_\sigma$, as step 4 says. The validation loss's
# last-to-best ratio (how far training went past its best epoch) is only reported. In quick mode (σ = 0.1, 50
# epochs) only the direction is checked; the fits are only reported. On the ring, in full mode, the trained
# DAEs are contractive across it by the optimum's factor $s^2/(s^2+\sigma^2)$ and not along it (both within 10 %;
# only reported in quick mode). The field drawn is checked in both modes:
# on the drawn grid the exact optimum's longest arrow is in a corner, more than one unit from the ring.

# %%
lesson.expect("exact field on the drawn grid: distance of its longest arrow from the ring", ring_distance[longest],
              quick=(1.0, 1.2), full=(1.0, 1.2), fmt=".3f")
for sigma, fit in fits.items():
    smoothing = S**2 / (S**2 + sigma**2)
    lesson.expect(f"σ = {sigma}: validation loss, last epoch / best epoch", last_over_best[sigma], fmt=".4f")
    lesson.expect(f"σ = {sigma}: on the ring, n^T J_r n / s²/(s²+σ²)", contraction[sigma][0] / smoothing,
                  full=(0.9, 1.1), fmt=".3f")
    lesson.expect(f"σ = {sigma}: on the ring, t^T J_r t", contraction[sigma][1], full=(0.9, 1.1), fmt=".3f")
    lesson.expect(f"σ = {sigma}: towards the circle", fit["towards"], quick=(0.7, 1.0), full=(0.9, 1.0), fmt=".3f")
    lesson.expect(f"σ = {sigma}: c/σ² against p_σ", fit["p_sigma"][0], full=(0.85, 1.15), fmt=".3f")
    lesson.expect(f"σ = {sigma}: correlation with ∇log p_σ", fit["p_sigma"][1], full=(0.9, 1.0), fmt=".3f")
    lesson.expect(f"σ = {sigma}: (c/σ² against p) / s²/(s²+σ²)", fit["p"][0] / smoothing, full=(0.85, 1.15),
                  fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `10_denoising_score_field`: on the right, the exact field points radially towards the ring and vanishes
#   on it (where the density peaks); its length grows linearly with the distance from the ring, inside it as
#   outside, so the arrows near the centre are almost as long as those in the corners, which are the longest.
#   Only at the centre itself, where the pulls towards opposite sides of the ring cancel, is it zero (the
#   linear growth holds except within about $(s^2+\sigma^2)/R$ of the centre). Where the left panel differs from
#   the right is where the DAE has not learnt the optimum — near the centre, where its arrows are short, and in
#   the corners: where training data are rare.
#
# ## Exercises
#
# - Stop early: pass `patience=30` to `train_minibatch`. At which epoch does each σ stop, and how good is
#   its field? Why is the validation loss a weak signal of the field's quality at small σ (compare the
#   irreducible part of the loss, about $\sigma^2$ per coordinate, with what the field changes)?
# - Train with σ = 0.02. Is the field closer to $\sigma^2 \nabla \log p$ now? What happens to the
#   correlation, and why is a small σ harder to learn (how many training points fall where the field is
#   large)?
# - Replace the circle by two concentric circles. Where does the DAE's field point at the midpoint
#   between them?
# - Step 1 assumed the best function over *all* functions. What does a DAE with 4 hidden units learn?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.5.1 (estimating the score; 《深度学习》14.5.1 得分估计)
#   and §18.4 (score matching; 18.4 得分匹配和比率匹配).
# - G. Alain & Y. Bengio (2014), "What regularized auto-encoders learn from the data-generating
#   distribution", *JMLR* 15.
# - P. Vincent (2011), "A connection between score matching and denoising autoencoders", *Neural
#   Computation* 23.
# - A. Ng et al., UFLDL tutorial: *Autoencoders and Sparsity* (the model).

# %%
lesson.done()
