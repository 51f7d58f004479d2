"""Lesson 19: softmax regression — the classifier that the stacked and self-taught lessons put on top of codes.

Run as a script (``python lessons/19_softmax_regression.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: 10 000 Fashion-MNIST training images (2000 more for validation),
weight decay chosen from three values, 200 L-BFGS iterations, the 10 000 test images scored once; quick mode
uses 500 images and 20 iterations.
"""
# %% [markdown]
# # 19 · Softmax regression
#
# **What you will learn:** the softmax model $p(y = k \mid x)$ for $K$ classes and its negative
# log-likelihood; its gradient $\frac1m X^\top(P - Y)$, derived by hand; why every implementation subtracts the
# row maximum before `exp` (and what happens if it does not); why softmax regression is over-parameterised and
# how weight decay fixes that; how to choose the weight decay on a validation set. This is UFLDL's
# `softmaxCost` exercise, on Fashion-MNIST pixels.
#
# **Prerequisites:** lessons 02 (gradients and gradient checking) and 04 (L-BFGS).
#
# **Key terms:** softmax (softmax 函数), softmax regression / multinomial logistic regression (多项逻辑回归),
# negative log-likelihood (负对数似然), cross-entropy (交叉熵), weight decay (权重衰减),
# logit (分对数), numerical overflow (上溢), validation set (验证集), test set (测试集).
#
# ## The model
#
# For an input row $x$ and $K$ classes, a linear map gives one score (*logit*) per class,
# $z = xW + b$ ($W$ of shape (n_features, K)), and the **softmax** turns the scores into probabilities:
#
# $$ p(y = k \mid x) = \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^K e^{z_j}} . $$
#
# They are positive and sum to 1; adding the same number to every $z_k$ changes nothing. For $K = 2$ it is the
# logistic sigmoid of $z_1 - z_0$. (Goodfellow et al. §6.2.2.3.)
#
# ## The cost: negative log-likelihood and weight decay
#
# With $m$ labelled rows (matrix $X$, labels $y_i$, one-hot matrix $Y$, probabilities $P = \mathrm{softmax}(XW + b)$
# row by row), UFLDL's `softmaxCost` is
#
# $$ J(W, b) = -\frac1m \sum_{i=1}^m \log P_{i, y_i} + \frac\lambda2 \lVert W \rVert_F^2
#            = -\frac1m \sum_{i,k} Y_{ik} \log P_{ik} + \frac\lambda2 \lVert W \rVert_F^2 . $$
#
# ## The gradient, by hand
#
# For one row, $-\log P_{y} = -z_y + \log\sum_j e^{z_j}$, so
# $\frac{\partial}{\partial z_k}(-\log P_y) = -[k = y] + \frac{e^{z_k}}{\sum_j e^{z_j}} = P_k - Y_k$.
# Stacking the rows and including the mean: $\partial J / \partial Z = \frac1m (P - Y)$ — "prediction minus
# target", the same form as the Bernoulli cross-entropy of lesson 01. Then, since $Z = XW + b$,
#
# $$ \frac{\partial J}{\partial W} = \frac1m X^\top (P - Y) + \lambda W, \qquad
#    \frac{\partial J}{\partial b} = \frac1m \sum_i (P_i - Y_i) . $$
#
# (UFLDL writes $-\frac1m \sum_i x^{(i)}(1\{y^{(i)} = k\} - p(y^{(i)} = k \mid x^{(i)})) + \lambda\theta_k$: the same,
# with samples as columns and no bias.) In npae: `npae/models/softmax.py`, `softmax_cross_entropy` and
# `Softmax.loss_and_grads`; the bias is not decayed (a bias does not make the boundary more complex).
#
# ## The max shift
#
# $e^{z}$ overflows float64 for $z > 709$. Since subtracting $c = \max_k z_k$ from every logit leaves the
# softmax unchanged, compute $e^{z_k - c}$ instead: every exponent is $\le 0$ (no overflow), and the largest
# term of the sum is $e^0 = 1$ (the log never sees 0). The same shift gives a stable
# $\log P_k = (z_k - c) - \log\sum_j e^{z_j - c}$ (`log_softmax`).
#
# ## Over-parameterisation and weight decay
#
# Adding one vector $\psi$ to every column of $W$ adds $x\psi$ to every logit of a row, which the softmax
# ignores: $J$ without weight decay is *flat* along these directions, its Hessian singular, and its minimiser not
# unique. The term $\frac\lambda2\lVert W\rVert_F^2$ is strictly convex, so $J$ with $\lambda > 0$ is strictly convex
# in $W$ and has one minimiser (UFLDL, "Properties of softmax regression parameterization"). It also shrinks the
# weights, which limits overfitting: we choose $\lambda$ on a validation set.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.course import Lesson
from npae.data.digits import FASHION_MNIST_CLASSES
from npae.gradcheck import check_gradients
from npae.models.softmax import Softmax, log_softmax, softmax
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="19_softmax_regression", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## The max shift, measured
#
# Logits of a few hundred are ordinary for a confident classifier. The naive formula on such a row, against
# npae's `softmax`:

# %%
z = np.array([[1000.0, 999.0, 990.0]])
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
print("naive softmax:  ", naive[0], "  (exp(1000) overflows to inf, and inf/inf is nan)")
print("shifted softmax:", softmax(z)[0], "  log-softmax:", log_softmax(z)[0])
lesson.expect("naive softmax entries that are NaN", np.isnan(naive).sum(), quick=(3, 3), full=(3, 3), fmt=".0f")
lesson.expect("shifted softmax: sum of the probabilities", softmax(z).sum(), quick=(1 - 1e-12, 1 + 1e-12),
              full=(1 - 1e-12, 1 + 1e-12), fmt=".15f")

# %% [markdown]
# ## Check the gradient
#
# Five-point central differences on a small problem (lesson 02's `check_gradients`), per parameter block.

# %%
rng = np.random.default_rng(0)
X_small, y_small = rng.standard_normal((20, 6)), rng.integers(0, 4, 20)
small = Softmax(6, 4, weight_decay=1e-2, rng=rng)
small.params["W"] = rng.standard_normal((6, 4))
small.params["b"] = rng.standard_normal(4)
check = check_gradients(lambda p: small.loss_and_grads(X_small, y_small, params=p), small.params)
print("relative error per block:", {k: f"{v:.1e}" for k, v in check.per_block.items()})
lesson.expect("gradient check: largest relative error over the blocks", max(check.per_block.values()),
              quick=(0, 1e-9), full=(0, 1e-9), fmt=".1e")

# %% [markdown]
# ## Over-parameterisation, measured
#
# Add the same random vector ψ to every column of W: the probabilities do not change (up to rounding), the
# loss without weight decay does not change, and the weight-decay term does.

# %%
psi = rng.standard_normal((6, 1))
shifted = {"W": small.params["W"] + psi, "b": small.params["b"]}
no_decay = Softmax(6, 4, weight_decay=0.0, rng=rng)
change_p = np.abs(small.predict_proba(X_small, shifted) - small.predict_proba(X_small)).max()
change_j = abs(no_decay.loss(X_small, y_small, shifted) - no_decay.loss(X_small, y_small, small.params))
change_decay = abs(small.loss(X_small, y_small, shifted) - small.loss(X_small, y_small))
lesson.expect("W + psi: largest change of a probability", change_p, quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("W + psi: change of J without weight decay", change_j, quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("W + psi: change of J with weight decay 1e-2", change_decay, quick=(1e-3, 10), full=(1e-3, 10),
              fmt=".3g")

# %% [markdown]
# ## Fashion-MNIST: choosing λ on a validation set
#
# The features are the 784 pixels. The first images of the training split are the training set, the next
# ones the validation set; L-BFGS (UFLDL's `softmaxTrain` uses minFunc's) minimises $J$ for each λ in
# {1e-4, 1e-3, 1e-2}, and the λ with the best validation accuracy is kept. The test set is scored once.

# %%
X_all, y_all = lesson.fashion_mnist("train")
X_test, y_test = lesson.fashion_mnist("test")
n_train, n_val = (500, 300) if QUICK else (10000, 2000)
X, y = X_all[:n_train], y_all[:n_train]
X_val, y_val = X_all[n_train:n_train + n_val], y_all[n_train:n_train + n_val]
maxiter = 20 if QUICK else 200

val_accuracy, fitted = {}, {}
for lam in (1e-4, 1e-3, 1e-2):
    model = Softmax(784, 10, weight_decay=lam, rng=np.random.default_rng(0))
    result = train_lbfgs(model, X, y, maxiter=maxiter, verbose=False)
    val_accuracy[lam] = float(np.mean(model.predict(X_val) == y_val))
    fitted[lam] = (model, result)
    lesson.stamp(f"λ = {lam:g}: {result.nit} L-BFGS iterations, J = {result.fun:.4f}, "
                 f"training accuracy {np.mean(model.predict(X) == y):.3f}, validation accuracy {val_accuracy[lam]:.3f}")
best = max(val_accuracy, key=val_accuracy.get)
model, result = fitted[best]
print(f"chosen on the validation set: λ = {best:g}")

# %% [markdown]
# ## What the classifier learned
#
# Column $W[:, k]$ is a 28×28 template: the logit of class $k$ is the inner product of the image with it. Red
# pixels raise the class's score, blue ones lower it.

# %%
W = model.params["W"]
limit = np.abs(W).max()
fig, axes = plt.subplots(2, 5, figsize=(10, 4.8), dpi=100)
for k, ax in enumerate(axes.ravel()):
    ax.imshow(W[:, k].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(FASHION_MNIST_CLASSES[k], fontsize=9)
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle(f"Softmax weights W[:, k] (λ = {best:g})")
fig.tight_layout()
lesson.show(fig, "19_weights")

predicted = model.predict(X_test)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
fig, ax = plt.subplots(figsize=(6.2, 5.4), dpi=100)
ax.imshow(confusion / confusion.sum(axis=1, keepdims=True), cmap="Blues", vmin=0, vmax=1)
ax.set_xticks(range(10), FASHION_MNIST_CLASSES, rotation=60, fontsize=8)
ax.set_yticks(range(10), FASHION_MNIST_CLASSES, fontsize=8)
ax.set(xlabel="predicted class", ylabel="true class", title="Test-set confusion (rows sum to 1)")
fig.tight_layout()
lesson.show(fig, "19_confusion")

# %% [markdown]
# ## Results
#
# Printed by this run. A linear classifier on raw pixels reaches a test accuracy in the low 80s on
# Fashion-MNIST (Xiao et al. 2017 list about 84 % for scikit-learn's logistic regression trained on all 60 000
# images; we train on 10 000). The confusions are among the upper-body garments (T-shirt, pullover, coat, shirt):
# the test accuracy of the shirt class is the lowest, well below the mean (between 0.3 and 0.7), in quick mode
# too. The weight decay chosen on the validation set is only reported. Lessons 20–23 put this same model on top
# of learned codes instead of pixels.

# %%
lesson.expect("chosen weight decay λ", best, fmt=".0e")
lesson.expect("validation accuracy at the chosen λ", val_accuracy[best], quick=(0.4, 1.0), full=(0.80, 0.88))
test_accuracy = float(np.mean(predicted == y_test))
print(f"test set: {len(y_test)} images")
lesson.expect("test accuracy (scored once)", test_accuracy, quick=(0.4, 1.0), full=(0.80, 0.87))
per_class = np.diag(confusion) / confusion.sum(axis=1)
print("test accuracy per class:", {FASHION_MNIST_CLASSES[k]: round(float(a), 3) for k, a in enumerate(per_class)})
lesson.expect("test accuracy of the worst class", per_class.min(), quick=(0.3, 0.7), full=(0.3, 0.7))
print(f"worst class: {FASHION_MNIST_CLASSES[int(per_class.argmin())]}")
lesson.expect("worst class is Shirt (1 = yes)", float(FASHION_MNIST_CLASSES[int(per_class.argmin())] == "Shirt"),
              quick=(1, 1), full=(1, 1), fmt=".0f")

# %% [markdown]
# ## What to look for in the figures
#
# - `19_weights`: the templates are noisy pixel by pixel, with a coarse structure: the trouser template is
#   strongly negative (blue) along the gap between the legs — ink there says "not a trouser" — and the footwear
#   templates put their positive (red) weight in the lower half of the image, where shoes have their ink.
# - `19_confusion`: a bright diagonal; the off-diagonal mass sits in the block of T-shirt, pullover, coat and
#   shirt.
#
# ## Exercises
#
# - Graded: the softmax's Jacobian and the softmax-plus-cross-entropy delta, from scratch.
#   `python -m npae.exercises start softmax_delta` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start softmax_delta --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check softmax_delta` (with `--derive` for the derive level).
# - Graded: UFLDL's `softmaxCost` — the loss with the max shift, its gradient, weight decay.
#   `python -m npae.exercises start softmax_regression` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start softmax_regression --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check softmax_regression` (with `--derive` for the derive level).
# - Show that for K = 2 softmax regression is logistic regression on $z_1 - z_0$.
# - Remove the max shift from a copy of `log_softmax` and train with a large learning rate: when does the loss
#   become NaN?
# - Without weight decay, train twice from different initial weights: are the two W equal? Are their
#   predictions? Explain with the over-parameterisation.
#
# ## Further reading
#
# - UFLDL tutorial, "Softmax Regression" (and the exercise `softmaxCost.m`, `softmaxTrain.m`).
# - Goodfellow, Bengio & Courville, *Deep Learning*, §6.2.2.3 softmax units (《深度学习》6.2.2.3 用于 Multinoulli
#   输出分布的 softmax 单元), §4.1 (overflow and underflow; 4.1 上溢和下溢).
# - H. Xiao, K. Rasul, R. Vollgraf (2017), "Fashion-MNIST: a novel image dataset for benchmarking machine
#   learning algorithms", arXiv:1708.07747 (its benchmark table).

# %%
lesson.done()
