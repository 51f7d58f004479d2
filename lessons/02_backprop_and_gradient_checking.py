"""Lesson 02: backpropagation by hand for the two-layer autoencoder, and numerical gradient checking.

Run as a script (``python lessons/02_backprop_and_gradient_checking.py [--quick] [--out DIR]``) or open
it as a notebook with jupytext (percent format).
"""
# %% [markdown]
# # 02 · Backpropagation by hand, and how to check it
#
# Training needs the gradient of the loss $J$ with respect to every weight. npae computes it with
# **backpropagation written by hand** — no automatic differentiation. This lesson derives it for the
# autoencoder of lesson 01, writes it out in NumPy one intermediate per line (the only place in the
# course where a lesson re-does npae's maths), checks that it equals `model.loss_and_grads`, and then
# shows how to *verify* any hand-written gradient numerically.
#
# ## The forward pass (lesson 01), for a batch of $m$ rows
#
# $$ Z_1 = X W_1 + b_1,\quad H = \sigma(Z_1),\quad Z_2 = H W_2 + b_2,\quad \hat X = \sigma(Z_2),\quad
#    J = \frac1m \sum_i \tfrac12 \lVert \hat x^{(i)} - x^{(i)} \rVert^2 . $$
#
# ## The backward pass: the chain rule, one layer at a time
#
# Write $\delta^{(3)} = \partial J / \partial Z_2$ and $\delta^{(2)} = \partial J / \partial Z_1$ (UFLDL's
# names; ours carry the $1/m$ of the mean). Using $\sigma'(z) = \sigma(z)(1 - \sigma(z))$:
#
# $$
# \begin{aligned}
# \delta^{(3)} &= \tfrac1m (\hat X - X) \circ \hat X \circ (1 - \hat X) && (m, n_{\text{visible}})\\
# \partial J/\partial W_2 &= H^\top \delta^{(3)}, \qquad \partial J/\partial b_2 = \textstyle\sum_i \delta^{(3)}_i\\
# \partial J/\partial H &= \delta^{(3)} W_2^\top && (m, n_{\text{hidden}})\\
# \delta^{(2)} &= \partial J/\partial H \circ H \circ (1 - H)\\
# \partial J/\partial W_1 &= X^\top \delta^{(2)}, \qquad \partial J/\partial b_1 = \textstyle\sum_i \delta^{(2)}_i
# \end{aligned}
# $$
#
# Every line is "local derivative times the gradient arriving from above". The weight gradient of an
# affine layer $Z = A W + b$ is always $A^\top \delta$: a sum over samples of outer products, one per row.

# %%
import subprocess
import sys

import numpy as np

from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from npae.core.activations import sigmoid  # noqa: E402
from npae.data.natural_images import ufldl_patches  # noqa: E402
from npae.gradcheck import TOLERANCE, check_gradients, relative_difference  # noqa: E402
from npae.models.autoencoder import Autoencoder  # noqa: E402
from npae.core.penalties import KLSparsity, WeightDecay  # noqa: E402

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
dH = delta3 @ W2.T                                 # (m, n_hidden)   ∂J/∂H
delta2 = dH * h * (1 - h)                          # (m, n_hidden)   ∂J/∂Z1
dW1 = X.T @ delta2                                 # (n_visible, n_hidden)
db1 = delta2.sum(axis=0)                           # (n_hidden,)

loss, grads = model.loss_and_grads(X, params=params)
assert np.isclose(J, loss)
for name, mine in (("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)):
    assert np.allclose(mine, grads[name], rtol=1e-12, atol=1e-15), name
print(f"J = {J:.6f}; by-hand gradients equal model.loss_and_grads for W1, b1, W2, b2")

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
# relative difference $\lVert g - n\rVert / \lVert g + n \rVert$, which UFLDL says is "usually less than
# $10^{-9}$" when the gradient is right.
#
# First UFLDL's sanity check on a function whose gradient we know:
# $h(x) = x_1^2 + 3 x_1 x_2$, $\nabla h = (2x_1 + 3x_2,\ 3x_1)$, which is $(38, 12)$ at $x = (4, 10)$.

# %%
def h_simple(p):
    x1, x2 = p["x"]
    value = x1**2 + 3 * x1 * x2
    return value, {"x": np.array([2 * x1 + 3 * x2, 3 * x1])}


simple = check_gradients(h_simple, {"x": np.array([4.0, 10.0])}, method="central")
print("analytic ", simple.analytic["x"], "  numerical", simple.numeric["x"],
      f"  relative difference {simple.overall:.1e}")

# %% [markdown]
# ## Two-point or five-point? Truncation error against rounding error
#
# Taylor-expanding $J(\theta \pm \varepsilon e_k)$ shows that the two-point formula is off by a
# **truncation error** $\tfrac{\varepsilon^2}{6} J'''$, i.e. $O(\varepsilon^2)$. A second error grows as
# $\varepsilon$ shrinks: each $J$ is computed in floating point with a relative error of about machine
# epsilon ($2.2\times10^{-16}$), and dividing the difference of two nearly equal numbers by $2\varepsilon$
# amplifies it to a **rounding error** of about $\epsilon_{\text{mach}} |J| / \varepsilon$. With
# $\varepsilon = 10^{-4}$: truncation $\sim 10^{-8}\,|J'''|$, rounding $\sim 10^{-12}$ — the relative
# difference lands around $10^{-10}$–$10^{-9}$, right at UFLDL's bar, so an assertion at $10^{-9}$ would
# fail now and then on a correct gradient.
#
# The **five-point** (fourth-order) central difference cancels the $\varepsilon^2$ term as well:
#
# $$ \frac{\partial J}{\partial \theta_k} \approx \frac{-J(\theta + 2h e_k) + 8J(\theta + h e_k) - 8J(\theta - h e_k) + J(\theta - 2h e_k)}{12h}, $$
#
# with truncation error $O(h^4)$. With $h = 10^{-3}$: truncation $\sim 10^{-12}$, rounding
# $\sim 10^{-13}$, so it lands near $10^{-11}$, two orders of magnitude below the bar. **That is why
# npae's tests assert $< 10^{-9}$ with the five-point formula**: a correct gradient passes with room
# to spare, and a wrong one (relative difference $10^{-3}$ or worse, typically) fails loudly.
#
# We check the **sparse autoencoder** (weight decay + KL sparsity, lesson 03) with both formulas,
# **block by block**.

# %%
sparse = Autoencoder(16, 5, penalties=[WeightDecay(1e-3), KLSparsity(rho=0.1, beta=3.0)], rng=rng)
sparse_params = {name: rng.normal(0.0, 0.6, value.shape) for name, value in sparse.params.items()}


def sparse_loss_and_grads(p):
    return sparse.loss_and_grads(X, params=p)


print(f"{'method':<11} {'overall':>9}   per block (‖g - n‖/‖g + n‖)")
for method in ("central", "five_point"):
    result = check_gradients(sparse_loss_and_grads, sparse_params, method=method)
    blocks = "  ".join(f"{k} {v:.1e}" for k, v in result.per_block.items())
    print(f"{method:<11} {result.overall:9.2e}   {blocks}   "
          f"{'pass' if result.passed() else 'above'} {TOLERANCE:g}")

# %% [markdown]
# ## Why per block: a single norm hides a wrong bias gradient
#
# $\theta$ has $16\cdot5 + 5 + 5\cdot16 + 16 = 181$ numbers and only 5 of them are $b_1$. Suppose a bug
# made $\partial J/\partial b_1$ 10% too large. The relative difference over the whole $\theta$ is
# dominated by the large weight blocks; per block, the mistake cannot hide.

# %%
def buggy_loss_and_grads(p):
    value, g = sparse.loss_and_grads(X, params=p)
    g["b1"] = 1.1 * g["b1"]                        # the deliberate bug
    return value, g


buggy = check_gradients(buggy_loss_and_grads, sparse_params)
print(f"with a 10% error in db1: overall {buggy.overall:.1e}, per block "
      + "  ".join(f"{k} {v:.1e}" for k, v in buggy.per_block.items()))

# %% [markdown]
# ## The V shape: error against step size
#
# Sweeping the step shows both error sources at once. On a log–log plot, to the right of the minimum
# the error falls with slope 2 (two-point) or 4 (five-point) as the step shrinks — truncation; to the
# left it *rises* with slope −1 — rounding. The bottom of the five-point V is lower and sits at a
# larger step: that is the whole argument for $h = 10^{-3}$.

# %%
steps = np.logspace(-7, -1, 7 if QUICK else 19)
errors = {method: [check_gradients(sparse_loss_and_grads, sparse_params, method=method, step=s).overall
                   for s in steps] for method in ("central", "five_point")}
for method, errs in errors.items():
    best = int(np.argmin(errs))
    print(f"{method:<11} smallest error {errs[best]:.1e} at step {steps[best]:.0e}")

fig = Figure(figsize=(6, 4.2), dpi=100)
FigureCanvasAgg(fig)
ax = fig.add_subplot()
ax.loglog(steps, errors["central"], "o-", label="two-point central, O(ε²)")
ax.loglog(steps, errors["five_point"], "s-", label="five-point, O(h⁴)")
ax.axhline(TOLERANCE, color="grey", linestyle="--", label="UFLDL's bar 1e-9")
ax.axvline(1e-4, color="C0", linestyle=":", linewidth=1)
ax.axvline(1e-3, color="C1", linestyle=":", linewidth=1)
ax.set_xlabel("step ε (h)")
ax.set_ylabel("relative difference ‖g − n‖ / ‖g + n‖")
ax.set_title("Gradient check of the sparse autoencoder")
ax.legend(fontsize=8)
fig.tight_layout()
path = OUT / "02_gradcheck_step_size.png"
fig.savefig(path)
print("figure", path)

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
assert completed.returncode == 0, "a gradient check failed"
