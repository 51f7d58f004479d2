"""Lesson 23: self-taught learning — features learned on some classes, used to classify others.

Run as a script (``python lessons/23_self_taught_learning.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: a sparse autoencoder 784-200 on the Fashion-MNIST training images of
classes 5-9 (10 000 of them, 300 L-BFGS iterations as UFLDL), a softmax on its features for classes 0-4 (and the
same on MNIST digits when MNIST is installed); quick mode: a few hundred images, 20 iterations.
"""
# %% [markdown]
# # 23 · Self-taught learning
#
# Labels are expensive, images are cheap. **Self-taught learning** (Raina et al. 2007; UFLDL "Self-Taught
# Learning") learns features from *unlabeled* data that need not even come from the classes to be
# recognised, then trains an ordinary classifier on those features using the few labelled examples:
#
# 1. unlabeled set $\{x_u\}$: here the Fashion-MNIST training images of classes 5-9 (sandal, shirt, sneaker,
#    bag, ankle boot), labels thrown away;
# 2. train a sparse autoencoder on $\{x_u\}$ (UFLDL's values: 200 hidden units, $\rho = 0.1$,
#    $\lambda = 3\cdot10^{-3}$, $\beta = 3$);
# 3. labelled set $\{(x_\ell, y_\ell)\}$: images of classes 0-4 (T-shirt, trouser, pullover, dress, coat);
#    replace each $x_\ell$ by its features $h(x_\ell) = \sigma(x_\ell W_1 + b_1)$ and train a softmax on them;
# 4. test on the test images of classes 0-4.
#
# This is different from semi-supervised learning, which assumes the unlabeled data come from the same
# classes. UFLDL's exercise does it on MNIST (digits 5-9 unlabeled, 0-4 labelled) and reports about 98 %
# test accuracy. We compare with a softmax on the raw pixels trained on the same labelled images.

# %%
import os
import time

import numpy as np

from npae.data.digits import available, load_fashion_mnist, load_mnist
from npae.training.lbfgs import train_lbfgs
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import KLSparsity, WeightDecay
from npae.plotting import display_network
from npae.models.softmax import Softmax
from npae.training.stacking import accuracy
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()


def stamp(text):
    print(f"[{time.perf_counter() - START:6.1f} s, load {os.getloadavg()[0]:.1f}] {text}", flush=True)


N_HIDDEN = 50 if QUICK else 200
ITERATIONS = 20 if QUICK else 300
N_UNLABELED = 500 if QUICK else 10000
SOFTMAX_ITERATIONS = 30 if QUICK else 200


def self_taught(name, load):
    """Learn features on classes 5-9, classify 0-4; return (accuracy on raw pixels, on learned features)."""
    X, y = load("train", dtype=np.float32)
    X_test, y_test = load("test", dtype=np.float32)
    unlabeled = X[y >= 5]
    # UFLDL labels half of the 0-4 training images and keeps the other half aside; we do the same.
    X_lab, y_lab = X[y < 5][::2], y[y < 5][::2]
    X_test, y_test = X_test[y_test < 5], y_test[y_test < 5]
    if QUICK:
        X_lab, y_lab, X_test, y_test = X_lab[:500], y_lab[:500], X_test[:300], y_test[:300]
    unlabeled = unlabeled[:N_UNLABELED]          # UFLDL uses all of them; a subset keeps L-BFGS within minutes
    print(f"{name}: {len(unlabeled)} unlabeled images (classes 5-9), {len(X_lab)} labelled (0-4), "
          f"{len(X_test)} test (0-4)")

    rng = np.random.default_rng(0)
    ae = Autoencoder(784, N_HIDDEN, penalties=[WeightDecay(3e-3), KLSparsity(rho=0.1, beta=3.0)], rng=rng,
                     dtype=np.float32)
    train_lbfgs(ae, unlabeled, maxiter=ITERATIONS, verbose=False)
    stamp(f"{name}: sparse autoencoder trained on classes 5-9")
    display_network(ae.params["W1"][:, :100], patch_shape=(28, 28), path=OUT / f"13_features_{name}.png")

    raw = Softmax(784, 5, weight_decay=1e-4, rng=rng, dtype=np.float32)
    train_lbfgs(raw, X_lab, y_lab, maxiter=SOFTMAX_ITERATIONS, verbose=False)
    learned = Softmax(N_HIDDEN, 5, weight_decay=1e-4, rng=rng, dtype=np.float32)
    train_lbfgs(learned, ae.encode(X_lab), y_lab, maxiter=SOFTMAX_ITERATIONS, verbose=False)
    acc_raw, acc_learned = accuracy(raw, X_test, y_test), accuracy(learned, ae.encode(X_test), y_test)
    stamp(f"{name}: softmax on raw pixels {acc_raw:.4f}, on self-taught features {acc_learned:.4f}")
    return acc_raw, acc_learned


# %% [markdown]
# ## Fashion-MNIST: features from footwear, shirts and bags; classify tops, trousers, dresses and coats

# %%
results = {"fashion-mnist": self_taught("fashion-mnist", load_fashion_mnist)}

# %% [markdown]
# ## MNIST: UFLDL's exercise (when MNIST is installed: `python data_scripts/fetch_mnist.py`)

# %%
if available("mnist"):
    results["mnist"] = self_taught("mnist", load_mnist)
else:
    print("MNIST is not installed here: skipping UFLDL's original exercise")

# %% [markdown]
# ## Summary
#
# The features were learned without a single label and without a single image of the classes being
# recognised. Whether they beat the pixels depends on how much the two groups of classes share: strokes are
# shared by all digits, while sandals and bags share less with T-shirts and coats.

# %%
for name, (acc_raw, acc_learned) in results.items():
    print(f"{name:14s} softmax on pixels {acc_raw:.4f}   softmax on self-taught features {acc_learned:.4f}")
stamp("done")
