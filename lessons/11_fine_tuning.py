"""Lesson 11: fine-tuning a stack of autoencoders as a classifier — accuracy before and after, on Fashion-MNIST.

Run as a script (``python lessons/11_fine_tuning.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: 784-200-200-10 on all 60 000 training images (float32, minibatch Adam),
then a contractive stack against a plain one; quick mode: 2000 images, a few epochs.
"""
# %% [markdown]
# # 11 · Fine-tuning: from pretrained features to a classifier
#
# Lesson 10 stacked two sparse autoencoders greedily: layer 1 learned features $h^{(1)} = \sigma(x W_1 + b_1)$
# of the images, layer 2 features $h^{(2)} = \sigma(h^{(1)} W_2 + b_2)$ of those features. No label was used.
# Now the labels come in (UFLDL, "Stacked Autoencoders"; Goodfellow et al. §15.1):
#
# 1. **Before fine-tuning.** Freeze the two encoders and train only a softmax on the codes $h^{(2)}$:
#    $p(y = k \mid x) = \mathrm{softmax}(h^{(2)} W_{\text{softmax}} + b_{\text{softmax}})_k$, minimising
#    $J = -\frac1m \sum_i \log p(y_i \mid x_i) + \frac\lambda2 \lVert W_{\text{softmax}} \rVert^2$.
# 2. **Fine-tuning.** Treat encoder 1, encoder 2 and the softmax as *one* network and minimise the same $J$
#    with respect to *all* the weights. The softmax's error $\delta = \frac1m (P - Y)$ flows down through every
#    layer by the one recurrence $\delta^{(l-1)} = (\delta^{(l)} W^{(l)\top}) \circ f'(z^{(l-1)})$ — read
#    `stack_backward` in `npae/deep.py`: it is the same loop for any depth, and it calls the same
#    `affine_backward` as the single autoencoder of lesson 02. The pretrained weights are only the
#    *starting point*.
#
# UFLDL's numbers on MNIST: 87.7 % before fine-tuning, 97.6 % after; softmax on raw pixels 92.6 %.
# Fashion-MNIST is harder: logistic regression on pixels scores 0.842 and sklearn's MLPClassifier 0.871
# (Xiao et al. 2017, benchmark table).

# %%
import os
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from npae.data.digits import load_fashion_mnist
from npae.lbfgs import train_lbfgs
from npae.model import Autoencoder
from npae.penalties import Contractive, KLSparsity, WeightDecay
from npae.softmax import Softmax
from npae.stacking import Layer, accuracy, encode_stack, greedy_pretrain, stacked_classifier, train_classifier
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()


def stamp(text):
    print(f"[{time.perf_counter() - START:6.1f} s, load {os.getloadavg()[0]:.1f}] {text}", flush=True)


rng = np.random.default_rng(0)
X, y = load_fashion_mnist("train", dtype=np.float32)     # float32: twice the speed, gradients checked in float64
X_test, y_test = load_fashion_mnist("test", dtype=np.float32)
if QUICK:
    X, y, X_test, y_test = X[:2000], y[:2000], X_test[:1000], y_test[:1000]
N_HIDDEN = 50 if QUICK else 200
PRETRAIN_EPOCHS = 1 if QUICK else 5
FINE_TUNE = dict(epochs=(2, 1), learning_rates=(1e-3, 1e-4)) if QUICK else \
    dict(epochs=(12, 4), learning_rates=(1e-3, 1e-4))
print(f"train {X.shape}, test {X_test.shape}, hidden {N_HIDDEN}")

# %% [markdown]
# ## The baseline: softmax regression on the raw pixels
#
# Softmax regression is the same model as the top layer, with the pixels as its features. L-BFGS on the whole
# training set (UFLDL's `softmaxTrain` uses minFunc with L-BFGS); weight decay $\lambda = 10^{-4}$.

# %%
raw = Softmax(784, 10, weight_decay=1e-4, rng=rng, dtype=np.float32)
train_lbfgs(raw, X, y, maxiter=20 if QUICK else 100, verbose=False)
acc_raw = accuracy(raw, X_test, y_test)
stamp(f"softmax on raw pixels: test accuracy {acc_raw:.4f}")

# %% [markdown]
# ## Greedy pretraining of the 784-200-200 stack
#
# Two sparse autoencoders with UFLDL's MNIST values: $\rho = 0.1$, $\lambda = 3\cdot10^{-3}$, $\beta = 3$.
# Each layer is trained with minibatch Adam (five passes over the 60 000 images; ρ̂ is then the mean over a
# minibatch of 128, an unbiased estimate of the batch mean that UFLDL's full-batch L-BFGS uses). Layer 2 is
# trained on layer 1's codes, computed once.

# %%
def sparse_layer(n_visible, rng):
    return Autoencoder(n_visible, N_HIDDEN, penalties=[WeightDecay(3e-3), KLSparsity(rho=0.1, beta=3.0)],
                       rng=rng, dtype=np.float32)


layers = [Layer(sparse_layer, method="minibatch", options=dict(epochs=PRETRAIN_EPOCHS, batch_size=128))] * 2
models, codes = greedy_pretrain(X, layers, rng=rng, return_codes=True, verbose=False)
stamp("pretrained: " + ", ".join(f"layer {k + 1} ρ̂ mean {c.mean():.3f}" for k, c in enumerate(codes)))

# %% [markdown]
# ## Before fine-tuning: a softmax on the frozen features

# %%
top = Softmax(N_HIDDEN, 10, weight_decay=1e-4, rng=rng, dtype=np.float32)
train_lbfgs(top, codes[-1], y, maxiter=50 if QUICK else 200, verbose=False)
acc_before = accuracy(top, encode_stack(models, X_test), y_test)
stamp(f"stacked sparse AE, before fine-tuning: test accuracy {acc_before:.4f}")

# %% [markdown]
# ## Fine-tuning the whole network
#
# `stacked_classifier` copies the two encoders and the trained softmax into one `StackedClassifier`
# (parameters `W1, b1, W2, b2, W_softmax, b_softmax`); only the softmax weights are decayed, as in UFLDL's
# `stackedAECost`. Minibatch Adam: twelve epochs at step size $10^{-3}$, four at $10^{-4}$.

# %%
net = stacked_classifier(models, 10, softmax=top, weight_decay=1e-4, dtype=np.float32)
curve = []
train_classifier(net, X, y, rng=rng, **FINE_TUNE,
                 callback=lambda epoch, history: curve.append(accuracy(net, X_test, y_test)))
acc_after = accuracy(net, X_test, y_test)
stamp(f"stacked sparse AE 784-{N_HIDDEN}-{N_HIDDEN}-10, after fine-tuning: test accuracy {acc_after:.4f}")

fig = Figure(figsize=(6, 4))
ax = fig.add_subplot()
ax.plot(range(1, len(curve) + 1), curve, "o-", label="fine-tuned stack")
ax.axhline(acc_before, color="C1", ls="--", label="softmax on frozen features")
ax.axhline(acc_raw, color="C2", ls=":", label="softmax on pixels")
ax.set_xlabel("fine-tuning epoch")
ax.set_ylabel("test accuracy")
ax.legend()
FigureCanvasAgg(fig).print_figure(OUT / "11_fine_tuning_accuracy.png", dpi=100)

# %% [markdown]
# ## Which features are better: contractive or plain?
#
# A contractive autoencoder adds $\lambda\,\lVert \partial h / \partial x \rVert_F^2$: its code is
# insensitive to most directions of input space except those along the data. Rifai et al. (2011) report that
# CAE pretraining beats plain-autoencoder pretraining (MNIST test error 1.14 % against 1.78 %, one layer of
# 1000 units, tied weights, cross-entropy). We run the same comparison on the same data and at the same sizes:
# two 2-layer stacks 784-200-200 in Rifai et al.'s setting (tied weights, sigmoid, cross-entropy), one of
# plain autoencoders, one of contractive ones ($\lambda = 0.1$), pretrained identically, then fine-tuned
# identically. Pretraining matters most when labels are scarce (Erhan et al. 2010), so the fine-tuning uses
# the first 5000 labelled images; the autoencoders are pretrained (to save time) on the first 20 000 images,
# without their labels. We print the accuracy of a softmax on the frozen features too.
#
# Expect a small difference: with 200 units per layer (undercomplete) the plain autoencoder is already
# regularised by its bottleneck, and fine-tuning moves both stacks far from their starting points. In our
# measurements, changing λ or the seed moved the fine-tuned accuracy by a few tenths of a percent either
# way — compare the two numbers below with that in mind.

# %%
N_LABELLED = 500 if QUICK else 5000
SCARCE = dict(epochs=(4, 1), learning_rates=(1e-3, 1e-4)) if QUICK else \
    dict(epochs=(40, 10), learning_rates=(1e-3, 1e-4))
results = {}
for name, penalties in (("plain", lambda: []), ("contractive", lambda: [Contractive(0.1)])):
    def make(n_visible, rng, penalties=penalties):
        return Autoencoder(n_visible, N_HIDDEN, loss="cross_entropy", tied=True, penalties=penalties(), rng=rng,
                           dtype=np.float32)

    stack = greedy_pretrain(X, [Layer(make, method="minibatch", n_samples=None if QUICK else 20000,
                                      options=dict(epochs=PRETRAIN_EPOCHS, batch_size=128))] * 2,
                            rng=np.random.default_rng(1), verbose=False)
    frozen = Softmax(N_HIDDEN, 10, weight_decay=1e-4, rng=np.random.default_rng(2), dtype=np.float32)
    train_lbfgs(frozen, encode_stack(stack, X[:N_LABELLED]), y[:N_LABELLED], maxiter=50 if QUICK else 200,
                verbose=False)
    clf = stacked_classifier(stack, 10, weight_decay=1e-4, dtype=np.float32, rng=np.random.default_rng(2))
    train_classifier(clf, X[:N_LABELLED], y[:N_LABELLED], rng=np.random.default_rng(3), **SCARCE)
    results[name] = (accuracy(frozen, encode_stack(stack, X_test), y_test), accuracy(clf, X_test, y_test))
    stamp(f"2-layer stacked {name} AE, {N_LABELLED} labels: test accuracy before fine-tuning "
          f"{results[name][0]:.4f}, after {results[name][1]:.4f}")

# %% [markdown]
# ## Summary

# %%
print(f"softmax on raw pixels                    {acc_raw:.4f}   (published LogReg baseline 0.842)")
print(f"stacked sparse AE, before fine-tuning    {acc_before:.4f}")
print(f"stacked sparse AE, after fine-tuning     {acc_after:.4f}   (sklearn MLPClassifier 0.871)")
for name, (before, after) in results.items():
    print(f"stacked {name + ' AE,':15s} {N_LABELLED} labels  {after:.4f}   (before fine-tuning {before:.4f})")
stamp("done")
