"""Lesson 02: backpropagation by hand for the two-layer autoencoder, and numerical gradient checking.

Run as a script (``python lessons/02_backprop_and_gradient_checking.py [--quick] [--out DIR]``) or open
it as a notebook with jupytext (percent format). Quick mode sweeps 7 step sizes, full mode 19.
"""
# %% [markdown]
# # 02 · Backpropagation by hand, and how to check it
#
# **What you will learn:** how to derive the gradient of the autoencoder's loss with respect to every
# weight, layer by layer (backpropagation, UFLDL's $\delta^{(3)}$ and $\delta^{(2)}$); how to write it in
# NumPy one intermediate per line; how to check any hand-written gradient numerically with central
# differences; why the error of such a check has two sources (truncation and rounding) and how the step
# size trades them; why a check must be read **per parameter block**.
#
# **Prerequisites:** lesson 01 (the model, its shapes and its loss $J$).
#
# Training needs the gradient of the loss $J$ with respect to every weight. npae computes it with
# **backpropagation written by hand** — no automatic differentiation. This lesson derives it for the
# autoencoder of lesson 01, writes it out in NumPy one intermediate per line (the only place in the
# course where a lesson re-does npae's maths), checks that it equals `model.loss_and_grads`, and then
# shows how to *verify* any hand-written gradient numerically.
#
# **Key terms:** back-propagation (反向传播), chain rule (链式法则), gradient (梯度),
# finite difference (有限差分), central difference (中心差分), gradient checking (梯度检验),
# truncation error (截断误差), rounding error (舍入误差), machine precision (机器精度), parameter (参数).
#
# ## The forward pass (lesson 01), for a batch of $m$ rows
#
# $$ Z_1 = X W_1 + b_1,\quad H = \sigma(Z_1),\quad Z_2 = H W_2 + b_2,\quad \hat X = \sigma(Z_2),\quad
#    J = \frac1m \sum_i \tfrac12 \lVert \hat x^{(i)} - x^{(i)} \rVert^2 . $$
#
# ## The backward pass: the chain rule, one layer at a time
#
# Write $\delta^{(3)} = \partial J / \partial Z_2$ and $\delta^{(2)} = \partial J / \partial Z_1$ (UFLDL's
# names; ours carry the $1/m$ of the mean). Step by step:
#
# 1. $\partial J / \partial \hat X = \tfrac1m (\hat X - X)$: the derivative of $\tfrac12 u^2$ is $u$, and the mean
#    contributes $1/m$.
# 2. $\hat X = \sigma(Z_2)$ elementwise and $\sigma'(z) = \sigma(z)(1 - \sigma(z))$, so each entry is
#    multiplied by $\hat X (1 - \hat X)$: $\delta^{(3)} = \tfrac1m (\hat X - X) \circ \hat X \circ (1 - \hat X)$,
#    shape $(m, n_{\text{visible}})$.
# 3. $Z_2 = H W_2 + b_2$: entry $(i, k)$ depends on $W_2[j, k]$ with coefficient $H[i, j]$, so
#    $\partial J/\partial W_2 = \sum_i H[i, :]^\top \delta^{(3)}[i, :] = H^\top \delta^{(3)}$, and $b_2$ is added to every
#    row, so $\partial J/\partial b_2 = \sum_i \delta^{(3)}_i$.
# 4. The same product read the other way sends the error back to the code:
#    $\partial J/\partial H = \delta^{(3)} W_2^\top$, shape $(m, n_{\text{hidden}})$.
# 5. Through the encoder's sigmoid: $\delta^{(2)} = \partial J/\partial H \circ H \circ (1 - H)$.
# 6. And through $Z_1 = X W_1 + b_1$ as in step 3: $\partial J/\partial W_1 = X^\top \delta^{(2)}$,
#    $\partial J/\partial b_1 = \sum_i \delta^{(2)}_i$.
#
# Every line is "local derivative times the gradient arriving from above". The weight gradient of an
# affine layer $Z = A W + b$ is always $A^\top \delta$: a sum over samples of outer products, one per row.

# %%
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit as sigmoid          # σ(z) = 1 / (1 + e^{−z})

from npae.core.penalties import KLSparsity, WeightDecay
from npae.course import Lesson
from npae.data.natural_images import ufldl_patches
from npae.gradcheck import TOLERANCE, check_gradients, numerical_gradient, relative_difference
from npae.models.autoencoder import Autoencoder

lesson = Lesson(__doc__, name="02_backprop_and_gradient_checking")
QUICK = lesson.quick
rng = np.random.default_rng(0)

# %% [markdown]
# ## Backprop in NumPy, one intermediate per line
#
# A small problem: 20 patches of 4×4 pixels (16 visible units), 5 hidden units. The weights are drawn
# from a normal distribution rather than the small initial range, so that no unit sits in a special
# place where a wrong formula could still give the right number.

# %%
X = ufldl_patches(20, 4, rng)                      # (m, 16)
model = Autoencoder(16, 5, rng=rng)
params = {name: rng.normal(0.0, 0.6, value.shape) for name, value in model.params.items()}
W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
m = X.shape[0]

z1 = X @ W1 + b1                                   # (m, n_hidden)   encoder pre-activation
h = sigmoid(z1)                                    # (m, n_hidden)   the code
z2 = h @ W2 + b2                                   # (m, n_visible)  decoder pre-activation
x_hat = sigmoid(z2)                                # (m, n_visible)  the reconstruction
residual = x_hat - X                               # (m, n_visible)  x̂ - x
J = 0.5 * np.sum(residual**2) / m                  # scalar          mean of ½‖x̂ - x‖²
delta3 = residual * x_hat * (1 - x_hat) / m        # (m, n_visible)  ∂J/∂Z2
dW2 = h.T @ delta3                                 # (n_hidden, n_visible)
db2 = delta3.sum(axis=0)                           # (n_visible,)
dJ_dH = delta3 @ W2.T                              # (m, n_hidden)   ∂J/∂H
delta2 = dJ_dH * h * (1 - h)                       # (m, n_hidden)   ∂J/∂Z1
dW1 = X.T @ delta2                                 # (n_visible, n_hidden)
db1 = delta2.sum(axis=0)                           # (n_hidden,)

loss, grads = model.loss_and_grads(X, params=params)
by_hand = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
agreement = max(relative_difference(by_hand[name], grads[name]) for name in by_hand)
print(f"J by hand {J:.10f}, model.loss_and_grads {loss:.10f}")

# %% [markdown]
# ## Numerical gradient checking
#
# A hand-derived gradient can be wrong in ways that still let training "work" (a bit slower, to a worse
# minimum). The definition of the derivative gives an independent check: for a small step $\varepsilon$,
#
# $$ \frac{\partial J}{\partial \theta_k} \approx \frac{J(\theta + \varepsilon e_k) - J(\theta - \varepsilon e_k)}{2\varepsilon} $$
#
# (the **two-point central difference**, UFLDL's "Gradient checking and advanced optimization",
# $\varepsilon = 10^{-4}$), and the two gradients $g$ (analytic) and $n$ (numerical) are compared by the
# relative difference $\lVert g - n\rVert / \lVert g + n \rVert$. UFLDL's page on gradient checking says the two
# "agree to at least 4 significant digits (and often many more)"; the sparse-autoencoder exercise's
# starter code (`train.m`) says of this relative difference that "these values are usually less than 1e-9"
# when the gradient is right — the bar npae's checks use.
#
# First UFLDL's sanity check (its `simpleQuadraticFunction`) on a function whose gradient we know:
# $q(x) = x_1^2 + 3 x_1 x_2$, $\nabla q = (2x_1 + 3x_2,\ 3x_1)$, which is $(38, 12)$ at $x = (4, 10)$.

# %%
def q_simple(p):
    x1, x2 = p["x"]
    value = x1**2 + 3 * x1 * x2
    return value, {"x": np.array([2 * x1 + 3 * x2, 3 * x1])}


simple = check_gradients(q_simple, {"x": np.array([4.0, 10.0])}, method="central")
print("analytic ", simple.analytic["x"], "  numerical", simple.numeric["x"])

# %% [markdown]
# ## Two-point or five-point? Truncation error against rounding error
#
# Taylor-expanding $J(\theta \pm \varepsilon e_k)$ step by step:
#
# 1. $J(\theta \pm \varepsilon e_k) = J \pm \varepsilon J' + \tfrac{\varepsilon^2}{2} J'' \pm \tfrac{\varepsilon^3}{6} J''' + O(\varepsilon^4)$
#    (derivatives along $e_k$).
# 2. Subtracting, the even terms cancel: $\dfrac{J(\theta + \varepsilon e_k) - J(\theta - \varepsilon e_k)}{2\varepsilon} = J' + \tfrac{\varepsilon^2}{6} J''' + O(\varepsilon^4)$:
#    a **truncation error** of order $\varepsilon^2$.
# 3. Each $J$ is computed in floating point with a relative error of about machine epsilon
#    $\epsilon_{\text{mach}} = 2.2\times10^{-16}$; dividing the difference of two nearly equal numbers by
#    $2\varepsilon$ turns it into a **rounding error** of about $\epsilon_{\text{mach}} |J| / \varepsilon$,
#    which *grows* as $\varepsilon$ shrinks.
# 4. The total $\tfrac{\varepsilon^2}{6}|J'''| + \epsilon_{\text{mach}}|J|/\varepsilon$ is smallest where the two
#    are of the same size, at $\varepsilon \sim (\epsilon_{\text{mach}})^{1/3} \approx 6\times10^{-6}$ when $J$
#    and $J'''$ are of order one; larger when $J'''$ is smaller than $J$. UFLDL's $10^{-4}$ sits near that balance.
#
# The **five-point** (fourth-order) central difference cancels the $\varepsilon^2$ term as well:
#
# $$ \frac{\partial J}{\partial \theta_k} \approx \frac{-J(\theta + 2\varepsilon e_k) + 8J(\theta + \varepsilon e_k) - 8J(\theta - \varepsilon e_k) + J(\theta - 2\varepsilon e_k)}{12\varepsilon}, $$
#
# with truncation error $O(\varepsilon^4)$; the same balance puts its best step near $(\epsilon_{\text{mach}})^{1/5}
# \approx 7\times10^{-4}$, and its smallest error far lower. **That is why npae's tests use the five-point
# formula with $\varepsilon = 10^{-3}$ and assert $< 10^{-9}$**: a correct gradient passes with room to spare, and a
# wrong one fails loudly.
#
# We check the **sparse autoencoder** (weight decay + KL sparsity, lesson 03) with both formulas at
# their default steps, **block by block**.

# %%
sparse = Autoencoder(16, 5, penalties=[WeightDecay(1e-3), KLSparsity(rho=0.1, beta=3.0)], rng=rng)
sparse_params = {name: rng.normal(0.0, 0.6, value.shape) for name, value in sparse.params.items()}


def sparse_loss_and_grads(p):
    return sparse.loss_and_grads(X, params=p)


checks = {}
print(f"{'method':<11} {'overall':>9}   per block (‖g - n‖/‖g + n‖)")
for method in ("central", "five_point"):
    checks[method] = check_gradients(sparse_loss_and_grads, sparse_params, method=method)
    blocks = "  ".join(f"{k} {v:.1e}" for k, v in checks[method].per_block.items())
    print(f"{method:<11} {checks[method].overall:9.2e}   {blocks}")

# %% [markdown]
# ## Why per block: a single norm can hide an error
#
# The relative difference over the whole $\theta$ is the error divided by the norm of the *whole*
# gradient. An error confined to a block whose gradient is small is divided by the large blocks' norm
# too, and shrinks: by the factor $\lVert g \rVert / \lVert g_{\text{block}} \rVert$. Here the KL term
# makes $\partial J / \partial W_1$ large, and $\partial J/\partial b_2$ is the smallest block (the dilution
# factors are printed below).
#
# A realistic bug that such a dilution hides: $\partial J/\partial b_2$ accumulated in **single precision**
# (say the bias was created as `float32`). Every entry is then off by up to half a float32 unit in the last
# place, a relative error of about $3\times10^{-8}$ — far too large for the $10^{-9}$ bar, and exactly the
# kind of loss of precision that makes later, larger models train worse. The overall number passes the
# bar; the $b_2$ block does not.

# %%
_, exact = sparse_loss_and_grads(sparse_params)
total_norm = np.sqrt(sum(np.sum(g**2) for g in exact.values()))
for name, g in exact.items():
    print(f"‖g‖ / ‖g_{name}‖ = {total_norm / np.linalg.norm(g):6.1f}")


def float32_b2_loss_and_grads(p):
    value, g = sparse.loss_and_grads(X, params=p)
    g["b2"] = g["b2"].astype(np.float32).astype(np.float64)   # the bug: db2 kept in single precision
    return value, g


hidden = check_gradients(float32_b2_loss_and_grads, sparse_params)
print(f"db2 in float32: overall {hidden.overall:.1e} ({'passes' if hidden.overall < TOLERANCE else 'fails'} "
      f"the {TOLERANCE:g} bar); per block " + "  ".join(f"{k} {v:.1e}" for k, v in hidden.per_block.items()))

# %% [markdown]
# ## The V shape: error against step size
#
# Sweeping the step shows both error sources at once. On a log–log plot, to the right of the minimum
# the error falls with slope 2 (two-point) or 4 (five-point) as the step shrinks — truncation; to the
# left it *rises* with slope −1 — rounding. The numerical gradient does not depend on the analytic one,
# so each step costs one finite-difference pass. Each pass is scored twice: over the whole $\theta$
# (dashed) and by its worst block (solid), the number the tests assert on.

# %%
steps = np.logspace(-7, -1, 7 if QUICK else 19)
flat_exact = np.concatenate([exact[k].ravel() for k in exact])
errors, worst_block = {}, {}
for method in ("central", "five_point"):
    errors[method], worst_block[method] = [], []
    for s in steps:
        numeric = numerical_gradient(sparse_loss_and_grads, sparse_params, method=method, step=s)
        errors[method].append(relative_difference(flat_exact, np.concatenate([v.ravel() for v in numeric.values()])))
        worst_block[method].append(max(relative_difference(exact[k], numeric[k]) for k in exact))
best_step = {method: steps[int(np.argmin(errs))] for method, errs in errors.items()}
at_default = {"central": int(np.argmin(np.abs(np.log10(steps) + 4))),          # the step 1e-4 of the sweep
              "five_point": int(np.argmin(np.abs(np.log10(steps) + 3)))}       # the step 1e-3
for method, errs in errors.items():
    i = at_default[method]
    print(f"{method:<11} smallest error {min(errs):.1e} at step {best_step[method]:.0e}; at the default step "
          f"{steps[i]:.0e}: whole θ {errs[i]:.1e}, worst block {worst_block[method][i]:.1e}")

fig, ax = plt.subplots(figsize=(6, 4.2), dpi=100)
ax.loglog(steps, worst_block["central"], "o-", color="C0", label="two-point central, O(ε²): worst block")
ax.loglog(steps, errors["central"], "--", color="C0", lw=1, label="two-point: whole θ")
ax.loglog(steps, worst_block["five_point"], "s-", color="C1", label="five-point, O(ε⁴): worst block")
ax.loglog(steps, errors["five_point"], "--", color="C1", lw=1, label="five-point: whole θ")
ax.axhline(TOLERANCE, color="grey", linestyle="--", label="UFLDL's bar 1e-9")
ax.axvline(1e-4, color="C0", linestyle=":", linewidth=1, label="two-point default 1e-4")
ax.axvline(1e-3, color="C1", linestyle=":", linewidth=1, label="five-point default 1e-3")
ax.set_xlabel("step ε")
ax.set_ylabel("relative difference ‖g − n‖ / ‖g + n‖")
ax.set_title("Gradient check of the sparse autoencoder")
ax.legend(fontsize=7)
fig.tight_layout()
lesson.show(fig, "02_gradcheck_step_size")

# %% [markdown]
# ## Every configuration, from the command line
#
# npae keeps a list of named gradient checks, one for every model configuration (each penalty alone,
# then together; tied and untied; three losses; corrupted inputs). `python -m npae.gradcheck` prints
# them as a table (`--method central` for the two-point formula, `--filter TEXT` to select), and the
# test suite asserts every block of every case below $10^{-9}$ with the five-point formula.

# %%
command = [sys.executable, "-m", "npae.gradcheck", "--filter", "sparse 8-5" if QUICK else "sparse"]
print("$ python -m npae.gradcheck", " ".join(command[3:]))
completed = subprocess.run(command, capture_output=True, text=True)
print(completed.stdout, completed.stderr, sep="")

# %% [markdown]
# ## Results
#
# - The by-hand backward pass equals `model.loss_and_grads` to rounding (relative difference below
#   $10^{-12}$ in every block).
# - UFLDL's sanity check: the numerical gradient of $q$ matches $(38, 12)$.
# - On the sparse autoencoder the five-point formula passes the $10^{-9}$ bar in every block; the
#   two-point formula's worst block at UFLDL's step sits *at* the bar (within a factor of 3 of $10^{-9}$),
#   which is why the tests do not assert with it, while its whole-$\theta$ difference is below the bar:
#   the large $W_1$ block dilutes the error of the small ones.
# - The float32 $b_2$ bug: overall below the bar (hidden), the $b_2$ block above it (visible).
# - The sweep's smallest two-point error is expected at a step between $10^{-6}$ and $3\times10^{-4}$ (the
#   balance of step 4 above, within a factor of a few tens of $(\epsilon_{\text{mach}})^{1/3}$), and the
#   five-point's at a step between $10^{-4}$ and $10^{-2}$, at least ten times lower than the two-point's.

# %%
lesson.expect("by hand vs loss_and_grads, worst block", agreement, quick=(0.0, 1e-12), full=(0.0, 1e-12),
              fmt=".1e")
lesson.expect("sanity check q(x), relative difference", simple.overall, quick=(0.0, 1e-9), full=(0.0, 1e-9),
              fmt=".1e")
lesson.expect("five-point, worst block", checks["five_point"].worst, quick=(0.0, TOLERANCE),
              full=(0.0, TOLERANCE), fmt=".1e")
lesson.expect("two-point at 1e-4, worst block", checks["central"].worst, quick=(3e-10, 3e-9),
              full=(3e-10, 3e-9), fmt=".1e")
lesson.expect("two-point at 1e-4, whole θ", checks["central"].overall, quick=(0.0, TOLERANCE),
              full=(0.0, TOLERANCE), fmt=".1e")
lesson.expect("float32 db2: overall", hidden.overall, quick=(0.0, TOLERANCE), full=(0.0, TOLERANCE), fmt=".1e")
lesson.expect("float32 db2: b2 block", hidden.per_block["b2"], quick=(TOLERANCE, 1e-6), full=(TOLERANCE, 1e-6),
              fmt=".1e")
lesson.expect("step of the smallest two-point error", best_step["central"], quick=(1e-6, 3e-4),
              full=(1e-6, 3e-4), fmt=".0e")
lesson.expect("step of the smallest five-point error", best_step["five_point"], quick=(1e-4, 1e-2),
              full=(1e-4, 1e-2), fmt=".0e")
lesson.expect("smallest five-point / smallest two-point error", min(errors["five_point"]) / min(errors["central"]),
              quick=(0.0, 0.1), full=(0.0, 0.1), fmt=".2g")
lesson.expect("gradient-check command exit status", completed.returncode, quick=(0, 0), full=(0, 0), fmt=".0f")

# %% [markdown]
# ## What to look for in the figures
#
# - `02_gradcheck_step_size`: two V shapes. Right of each minimum the error falls steeply as the step
#   shrinks (truncation: slope 2 for two-point, 4 for five-point); left of it the error rises with slope
#   −1 (rounding). The five-point V bottoms out lower and at a larger step. At the dotted default steps
#   both dashed (whole-$\theta$) curves are below the dashed $10^{-9}$ bar; of the solid (worst-block)
#   curves only the five-point one is clearly below it — the two-point one touches it.
#
# ## Exercises
#
# - Graded: the two-point and five-point finite differences, per block (at the derive level you
#   derive their weights from the Taylor series).
#   `python -m npae.exercises start numerical_gradient` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start numerical_gradient --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check numerical_gradient` (with `--derive` for the derive level).
# - Graded: the autoencoder's forward and backward pass (the six steps above).
#   `python -m npae.exercises start autoencoder_backprop` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start autoencoder_backprop --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check autoencoder_backprop` (with `--derive` for the derive level).
# - Introduce a bug of your own (drop the factor $1 - H$ in $\delta^{(2)}$, or forget the $1/m$): which blocks
#   does the check flag, and by how much?
# - Why is the gradient check done at random parameters rather than at the model's initial ones (where
#   the biases are zero)? Find a bug that a check at zero biases cannot see.
# - The five-point formula needs twice as many loss evaluations as the two-point one. For a model with
#   $10^6$ parameters, how would you check a gradient without evaluating every coordinate?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §6.5 (back-propagation; 《深度学习》6.5 反向传播和
#   其他的微分算法), §4.1 (overflow and underflow; 4.1 上溢和下溢) and §11.5 (debugging strategies,
#   including gradient checking; 11.5 调试策略).
# - A. Ng et al., UFLDL tutorial: *Backpropagation Algorithm* and *Gradient checking and advanced
#   optimization*.
# - D. Rumelhart, G. Hinton & R. Williams (1986), "Learning representations by back-propagating errors",
#   *Nature* 323.

# %%
lesson.done()
