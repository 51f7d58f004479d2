"""Lesson 23: self-taught learning — features learned on some classes, used to classify others.

Run as a script (``python lessons/23_self_taught_learning.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: a sparse autoencoder 784-200 on 5000 Fashion-MNIST training images
of classes 5-9 (300 L-BFGS iterations), a softmax on its features for classes 0-4; quick mode: 50 units, a few
hundred images, 20 iterations.
"""
# %% [markdown]
# # 23 · Self-taught learning
#
# **What you will learn:** how features learned from unlabelled images of *other* classes can be used to
# classify new ones; the difference between self-taught and semi-supervised learning; how a softmax on learned
# features is trained (its gradient, step by step); when such features help and when they do not.
#
# **Prerequisites:** lessons 18 (the sparse autoencoder on Fashion-MNIST) and 19 (softmax regression).
#
# **Key terms:** self-taught learning (自我学习), unlabelled data (未标注数据), semi-supervised learning
# (半监督学习), transfer learning (迁移学习), softmax regression (softmax 回归), feature (特征),
# sparse autoencoder (稀疏自编码器).
#
# Labels are expensive, images are cheap. **Self-taught learning** (Raina et al. 2007; UFLDL *Self-Taught
# Learning*) learns features from *unlabelled* data that need not even come from the classes to be recognised,
# then trains an ordinary classifier on those features using the labelled examples. Semi-supervised learning,
# by contrast, assumes the unlabelled data come from the same classes.
#
# ## The derivation
#
# 1. **Features.** Train a sparse autoencoder (lesson 18: UFLDL's values, 200 units, ρ = 0.1, λ = 3·10⁻³,
#    β = 3) on the unlabelled set $\{x_u\}$ — here the training images of classes 5-9 (sandal, shirt, sneaker,
#    bag, ankle boot), labels thrown away. Keep the encoder: $\phi(x) = \sigma(xW_1 + b_1) \in (0, 1)^{200}$.
# 2. **Classifier.** On the labelled set $\{(x_\ell, y_\ell)\}$ (classes 0-4: T-shirt, trouser, pullover, dress,
#    coat), replace each $x_\ell$ by $\phi(x_\ell)$ and fit a softmax with $K = 5$ classes:
#    $P = \mathrm{softmax}(\Phi W + b)$ row by row, where $\Phi$ stacks the $\phi(x_\ell)$ ($m \times 200$).
# 3. **Its cost and gradient.** $J(W, b) = -\frac1m\sum_i \log P_{i, y_i} + \frac\lambda2\lVert W\rVert_F^2$. With
#    $Y$ the one-hot labels, $\partial J/\partial Z = \frac1m(P - Y)$ for the logits $Z = \Phi W + b$, so
#
# $$\nabla_W J = \Phi^\top \tfrac1m(P - Y) + \lambda W, \qquad \nabla_b J = \mathbf 1^\top \tfrac1m(P - Y).$$
#
# $J$ is convex in $(W, b)$ because $\phi$ is fixed: L-BFGS finds its minimum. The encoder is not changed by
# the labels (no fine-tuning: that is lesson 21).
#
# 4. **Baseline.** The same softmax on the raw pixels, $\Phi = X$, trained on the same labelled images.
# 5. **Test** on the test images of classes 0-4, once. Nothing is chosen here (the sizes and iteration counts
#    are UFLDL's, fixed in advance), so no validation set is needed.
#
# Whether $\phi$ beats the pixels depends on what the two groups of classes share. UFLDL's exercise does this on
# MNIST (digits 5-9 unlabelled, 0-4 labelled) and reports about 98% test accuracy (UFLDL, *Exercise: Self-Taught
# Learning*); strokes are shared by all digits, while sandals and bags share less with T-shirts and coats.

# %%
import numpy as np

from npae.course import Lesson, ufldl_sparse_layer
from npae.models.softmax import Softmax
from npae.plotting import display_network
from npae.training.lbfgs import train_lbfgs
from npae.training.stacking import accuracy

lesson = Lesson(__doc__, name="23_self_taught_learning", needs=("fashion-mnist",))
QUICK = lesson.quick

N_HIDDEN = 50 if QUICK else 200
ITERATIONS = 20 if QUICK else 300
N_UNLABELLED = 400 if QUICK else 5000
SOFTMAX_ITERATIONS = 30 if QUICK else 200

X, y = lesson.fashion_mnist("train", dtype=np.float32)
X_test, y_test = lesson.fashion_mnist("test", dtype=np.float32)
unlabelled = X[y >= 5][:N_UNLABELLED]          # UFLDL uses all of them; a subset keeps L-BFGS within minutes
# UFLDL labels half of the 0-4 training images and keeps the other half aside; we do the same.
X_lab, y_lab = X[y < 5][::2], y[y < 5][::2]
X_test, y_test = X_test[y_test < 5], y_test[y_test < 5]
if QUICK:
    X_lab, y_lab, X_test, y_test = X_lab[:400], y_lab[:400], X_test[:200], y_test[:200]
print(f"{len(unlabelled)} unlabelled images (classes 5-9), {len(X_lab)} labelled (0-4), {len(X_test)} test (0-4)")

# %% [markdown]
# ## Step 1: features from footwear, shirts and bags

# %%
rng = np.random.default_rng(0)
ae = ufldl_sparse_layer(N_HIDDEN)(784, rng)
train_lbfgs(ae, unlabelled, maxiter=ITERATIONS, verbose=False)
lesson.stamp("sparse autoencoder trained on classes 5-9")
lesson.show(display_network(ae.params["W1"][:, :100], patch_shape=(28, 28), pixels_per_cell=3,
                            title="features learned on classes 5-9 (first 100 units)"), "23_features")

# %% [markdown]
# ## Steps 2-4: a softmax on the features, and one on the pixels

# %%
raw = Softmax(784, 5, weight_decay=1e-4, rng=rng, dtype=np.float32)
train_lbfgs(raw, X_lab, y_lab, maxiter=SOFTMAX_ITERATIONS, verbose=False)
learned = Softmax(N_HIDDEN, 5, weight_decay=1e-4, rng=rng, dtype=np.float32)
_ = train_lbfgs(learned, ae.encode(X_lab), y_lab, maxiter=SOFTMAX_ITERATIONS, verbose=False)

# %% [markdown]
# ## Results
#
# Test accuracy on classes 0-4 (scored once). Expected in full mode: both well above chance (0.2); the
# self-taught features not better than the pixels by more than a few points, and possibly worse — on
# Fashion-MNIST the classes to recognise (tops, trousers, dresses, coats) share less with the classes the features
# were learned on than digits share with digits. The run says which way it goes. In quick mode (50 units,
# 20 iterations on 400 images) the features are barely trained: both accuracies are checked for sanity, and
# their difference is only reported.

# %%
acc_raw = lesson.expect("test accuracy, softmax on raw pixels (classes 0-4)", accuracy(raw, X_test, y_test),
                        quick=(0.3, 1.0), full=(0.80, 0.92))
acc_learned = lesson.expect("test accuracy, softmax on self-taught features (classes 0-4)",
                            accuracy(learned, ae.encode(X_test), y_test), quick=(0.3, 1.0), full=(0.75, 0.92))
lesson.expect("self-taught − pixels", acc_learned - acc_raw, full=(-0.15, 0.04), fmt="+.4f")

# %% [markdown]
# ## What to look for in the figure
#
# - `23_features`: features learned from footwear, shirts and bags only. Look for the outlines of those classes
#   (soles, shoe profiles, handles, shirt shoulders) and ask which of them could help to tell a T-shirt from a
#   coat or a dress.
#
# ## Exercises
#
# - Swap the roles: learn features on classes 0-4 and classify 5-9. Does the gap change sign?
# - Learn the features on all ten classes (semi-supervised: the unlabelled data now contain the test classes)
#   and compare.
# - Use fewer labels (50 per class). Which classifier suffers more from the shortage, and why?
#
# ## Further reading
#
# - UFLDL, *Self-Taught Learning* and *Exercise: Self-Taught Learning*.
# - R. Raina, A. Battle, H. Lee, B. Packer, A. Y. Ng (2007), "Self-taught learning: transfer learning from
#   unlabeled data", ICML.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §15.2 (transfer learning and domain adaptation);
#   《深度学习》15.2 迁移学习和领域自适应.

# %%
lesson.done()
