"""Lesson 28: recirculation — Hinton & McClelland's learning rule for an autoencoder, compared with backprop.

Run as a script (``python lessons/28_recirculation.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: the 4-2-4 encoder (2000 sweeps) and a 196-32-196 autoencoder on 4000
Fashion-MNIST images shrunk to 14×14 (learning rates chosen on 1000 validation images, 30 epochs); quick mode
uses 500 sweeps, 400 images and 4 epochs.
"""
# %% [markdown]
# # 28 · Recirculation: learning without sending errors backwards
#
# **What you will learn:** the recirculation rule of Hinton & McClelland (1988), which trains an autoencoder
# with two forward passes and purely local weight changes; why its decoder half *is* a gradient step and its
# encoder half is one only when the weights are symmetric; how to measure how far a learning rule that is
# not a gradient is from one (its cosine with −∇J); and how it compares with back-propagation on the 4-2-4
# encoder and on small images.
#
# **Prerequisites:** lessons 01 (the autoencoder), 02 (backprop), 04 (minibatch SGD).
#
# **Key terms:** recirculation (再循环), back-propagation (反向传播), autoencoder (自编码器),
# encoder (编码器), decoder (解码器), gradient descent (梯度下降), cross-entropy (交叉熵).
#
# Goodfellow et al. open chapter 14 by noting that autoencoders are usually trained by back-propagation, and
# then: "Unlike general feedforward networks, autoencoders may also be trained using recirculation (Hinton
# and McClelland, 1988), a learning algorithm based on comparing the activations of the network on the
# original input to the activations on the reconstructed input. Recirculation is regarded as more
# biologically plausible than back-propagation, but is rarely used for machine learning applications." This
# lesson builds it and measures the "rarely used".
#
# ## The rule
#
# Back-propagation needs each hidden unit to receive an error signal through the *transpose* of the weights
# that carried its activity forward — a connection that has no obvious counterpart in the brain. Recirculation
# uses the loop an autoencoder already has (visible → hidden → visible) and lets activity go round it twice.
# With sigmoid units, $W_1$ the visible→hidden weights and $W_2$ the hidden→visible ones (rows are samples):
#
# $$ \begin{aligned}
# x(0) &= x &&\text{the visible units show the input}\\
# h(1) &= \sigma(x(0) W_1 + b_1) &&\text{first pass up}\\
# x(2) &= \lambda\, x(0) + (1-\lambda)\, \sigma(h(1) W_2 + b_2) &&\text{visible units: a mix of input and reconstruction}\\
# h(3) &= \sigma(x(2) W_1 + b_1) &&\text{second pass up}
# \end{aligned} $$
#
# and each weight changes by *its presynaptic activity times the change of its postsynaptic unit between the
# two passes*, averaged over the $m$ rows of a batch (the paper states the rule for one pattern; the mean makes
# the learning rate ε mean the same thing at every batch size, as for our losses):
#
# $$ \Delta W_2 = \frac{\varepsilon}{m}\, h(1)^\top \big(x(0) - x(2)\big), \qquad
#    \Delta W_1 = \frac{\varepsilon}{m}\, x(2)^\top \big(h(1) - h(3)\big), $$
#
# with the biases changed by the differences alone, $\Delta b_2 = \frac\varepsilon m \sum_i \big(x(0) - x(2)\big)_i$ and
# $\Delta b_1 = \frac\varepsilon m \sum_i \big(h(1) - h(3)\big)_i$. Here ε is the learning rate and $\lambda$ (the
# *regression*, 0.75 in the paper) keeps the second visible state close to the input.
#
# ## How close is it to gradient descent?
#
# Write $\hat x = \sigma(h(1) W_2 + b_2)$. Then $x(0) - x(2) = (1-\lambda)(x - \hat x)$, so
#
# $$ \Delta W_2 = \frac{\varepsilon (1-\lambda)}{m}\, h^\top (x - \hat x) = -\varepsilon(1-\lambda)\,\frac{\partial J_{\text{CE}}}{\partial W_2}, $$
#
# **exactly** the gradient step of the Bernoulli cross-entropy $J_{\text{CE}}$, the mean over the rows of lesson 08's
# $-\log p_{\text{decoder}}$ (its $\delta^{(3)}$ is $\frac1m(\hat x - x)$), with step $\varepsilon(1-\lambda)$. This reading is
# this lesson's own: Hinton & McClelland relate the rule to the squared reconstruction error, whose gradient
# through sigmoid output units would carry an extra factor $\hat x(1-\hat x)$; with the cross-entropy that
# factor cancels (lesson 17, step 2) and the match is exact. For the encoder, expand $h(3)$ around $h(1)$ in
# the small input change $x(2) - x(0) = -(1-\lambda)(x - \hat x)$ (small when $\lambda$ is near 1):
#
# $$ h(1) - h(3) = (1-\lambda)\, \sigma'(z_1) \circ \big((x - \hat x) W_1\big) + O\big(\lVert(1-\lambda)(x - \hat x)\rVert^2\big),
#    \qquad\text{whereas}\qquad -m\,\delta^{(2)} = \sigma'(z_1) \circ \big((x - \hat x) W_2^\top\big), $$
#
# row by row, with $m\,\delta^{(2)}$ the error of one row ($\delta^{(2)}$ carries the $1/m$ of the mean). So
# $\Delta W_1 = \frac\varepsilon m x(2)^\top(h(1) - h(3))$ agrees with the gradient step $-\varepsilon(1-\lambda)\,\partial J/\partial W_1$
# only to first order in $(1-\lambda)(x - \hat x)$ (multiplying by $x(2)$ where the gradient has $x(0)$ adds another
# second-order term), and only when $W_1 = W_2^\top$: recirculation uses the forward weights where
# back-propagation uses the transposed backward ones. So the update is not $-\nabla J$, and a gradient check
# against $J$ would fail by design. (Whether it is the gradient of *some* other loss is a different question,
# which this lesson does not settle; nothing in its derivation makes it one.) It is a descent direction for $J$
# as long as its cosine with $-\nabla J$ is positive, which depends on how close to symmetric the weights stay.
# We measure both: the **cosine between the update and −∇J** (∇J from npae's backprop) over training, and the
# cosine between $W_1$ and $W_2^\top$.
#
# In npae: `npae/training/recirculation.py` — `recirculation_update` (the four lines above),
# `gradient_cosine`, and `train_recirculation` (the minibatch loop of lesson 04 stepping along the update).

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import SGD
from npae.training.recirculation import gradient_cosine, train_recirculation

lesson = Lesson(__doc__, name="28_recirculation", needs=("fashion-mnist",))
QUICK = lesson.quick
LAMBDA = 0.75                                  # the regression λ (Hinton & McClelland's value)


def weight_symmetry(model):
    """Cosine between W1 and W2ᵀ as two long vectors: 1 when the weights are symmetric."""
    a, b = model.params["W1"].ravel(), model.params["W2"].T.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def train(method, model, X, learning_rate, epochs, batch_size, X_val=None, probe=None):
    """Train by 'recirculation' or 'backprop' (plain SGD, same learning rate, same batches); record cosines."""
    cosines, symmetry = [gradient_cosine(model, probe)], [weight_symmetry(model)]

    def record(epoch, history):
        cosines.append(gradient_cosine(model, probe))
        symmetry.append(weight_symmetry(model))

    rng = np.random.default_rng(1)
    if method == "recirculation":
        history = train_recirculation(model, X, learning_rate=learning_rate, regression=LAMBDA, epochs=epochs, batch_size=batch_size,
                                      X_val=X_val, rng=rng, verbose=False, callback=record)
    else:
        history = train_minibatch(model, X, X_val=X_val, optimizer=SGD(learning_rate=learning_rate), epochs=epochs,
                                  batch_size=batch_size, rng=rng, verbose=False, callback=record)
    return history, np.array(cosines), np.array(symmetry)


# %% [markdown]
# ## The 4-2-4 encoder
#
# Hinton & McClelland's first test: four one-hot patterns through two hidden units. The code has to give
# each pattern its own corner of the hidden square. Both rules train the same initial network, on all four
# patterns at once ("sweeps"), with the cross-entropy loss for the backprop side (recirculation's decoder
# step is exactly its gradient step times 1 − λ). So that the two decoder steps have the same size,
# recirculation's ε = 20 is matched by backprop's ε(1 − λ) = 5. (Try backprop with ε = 20: its sigmoids
# saturate in the first sweeps and it never recovers.)

# %%
X4 = np.eye(4)
sweeps = 300 if QUICK else 2000
runs4 = {}
for method in ("recirculation", "backprop"):
    model = Autoencoder(4, 2, loss="cross_entropy", rng=np.random.default_rng(0))
    rate = 20.0 if method == "recirculation" else 20.0 * (1 - LAMBDA)
    history, cosines, symmetry = train(method, model, X4, rate, sweeps, 4, probe=X4)
    runs4[method] = dict(model=model, loss=np.array(history.loss), cos=cosines, sym=symmetry)
    lesson.stamp(f"4-2-4 {method}: loss {history.loss[0]:.3f} -> {model.loss(X4):.4f} after {sweeps} sweeps")
    print("  codes h(x) of the four patterns:", np.round(model.encode(X4), 2).tolist())

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
for method, run in runs4.items():
    axes[0].semilogy(np.arange(1, sweeps + 1), run["loss"], label=method)
    axes[1].plot(run["cos"], label=f"{method}: cos(update, −∇J)" if method == "recirculation" else None)
axes[1].plot(runs4["recirculation"]["sym"], "--", label="recirculation: cos(W1, W2ᵀ)")
axes[0].set(xlabel="sweep", ylabel="cross-entropy (per pattern)", title="4-2-4 encoder: learning curves")
axes[1].set(xlabel="sweep", ylabel="cosine", title="Recirculation against the gradient", ylim=(-1.05, 1.05))
axes[1].axhline(0, color="grey", lw=0.5)
for ax in axes:
    ax.legend()
fig.tight_layout()
lesson.show(fig, "28_encoder_424")

# %% [markdown]
# ## A small image task
#
# Fashion-MNIST images averaged down to 14×14 (196 pixels), a 196-32-196 sigmoid autoencoder with the
# cross-entropy loss, minibatches of 100. The learning rate of each rule is chosen by the loss on 1000
# held-out *validation* images after a short run, from {0.5, 1, 2, 4} for both (here the encoder half, not
# the decoder half, limits recirculation's step: a rate divided by 1 − λ as on the 4-2-4 encoder is too
# large); the test set is used once, at the end.

# %%
def shrink(X):
    """28×28 images -> 14×14 by averaging 2×2 blocks: (n, 784) -> (n, 196)."""
    return X.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(-1, 196)


X_all, _ = lesson.fashion_mnist("train")
X_test_all, _ = lesson.fashion_mnist("test")
n_train, n_val, n_test = (400, 200, 500) if QUICK else (4000, 1000, 2000)
X_train, X_val = shrink(X_all[:n_train]), shrink(X_all[n_train:n_train + n_val])
X_test = shrink(X_test_all[:n_test])
probe = X_train[:500]
epochs, select_epochs = (4, 2) if QUICK else (30, 5)
rates = [1.0, 2.0] if QUICK else [0.5, 1.0, 2.0, 4.0]

chosen = {}
for method in ("recirculation", "backprop"):
    scores = {}
    for rate in rates:
        model = Autoencoder(196, 32, loss="cross_entropy", rng=np.random.default_rng(0))
        history, _, _ = train(method, model, X_train, rate, select_epochs, 100, X_val=X_val, probe=probe[:50])
        scores[rate] = history.val_loss[-1]
    chosen[method] = min(scores, key=scores.get)
    lesson.stamp(f"{method}: validation loss after {select_epochs} epochs by learning rate "
                 + ", ".join(f"{r:g}: {v:.2f}" for r, v in scores.items()) + f"  -> chosen {chosen[method]:g}")

runs = {}
for method in ("recirculation", "backprop"):
    model = Autoencoder(196, 32, loss="cross_entropy", rng=np.random.default_rng(0))
    history, cosines, symmetry = train(method, model, X_train, chosen[method], epochs, 100, X_val=X_val, probe=probe)
    runs[method] = dict(model=model, history=history, cos=cosines, sym=symmetry)
    lesson.stamp(f"{method}: validation loss {history.val_loss[-1]:.3f} after {epochs} epochs")

fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
for i, (method, run) in enumerate(runs.items()):
    ep = np.arange(1, epochs + 1)
    axes[0].plot(ep, run["history"].loss, color=f"C{i}", label=f"{method} (train)")
    axes[0].plot(ep, run["history"].val_loss, "--", color=f"C{i}", label=f"{method} (validation)")
axes[1].plot(runs["recirculation"]["cos"], label="recirculation: cos(update, −∇J)")
axes[1].plot(runs["recirculation"]["sym"], "--", label="recirculation: cos(W1, W2ᵀ)")
axes[1].plot(runs["backprop"]["sym"], ":", label="backprop: cos(W1, W2ᵀ)")
axes[0].set(xlabel="epoch", ylabel="cross-entropy (summed over pixels)", title="14×14 Fashion-MNIST: learning curves")
axes[1].set(xlabel="epoch", ylabel="cosine", title="Alignment with the gradient", ylim=(-1.05, 1.05))
axes[1].axhline(0, color="grey", lw=0.5)
for ax in axes:
    ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "28_images_curves")

rows = np.vstack([X_test[:8]] + [runs[m]["model"].reconstruct(X_test[:8]) for m in runs])
fig = show_images(np.clip(rows, 0, 1), (14, 14), ncols=8,
                  title="Rows: test images; recirculation's reconstructions; backprop's")
lesson.show(fig, "28_reconstructions")

# %% [markdown]
# ## Results
#
# The numbers below are computed by this run. On the 4-2-4 encoder both rules find a code that separates
# the four patterns and reach about the same cross-entropy. The update's cosine with −∇J starts near 1 (above
# 0.95: small random weights, so the first-order expansion is accurate and $W_1$, $W_2^\top$ are both near 0),
# falls as the weights grow, and stays above 0.5: every step goes downhill, though not along the steepest
# direction. On the images the cosine stays above 0.3 (measured once per epoch, on 500 training images), and
# each rule with its own validated learning rate reaches the same test error within a few per cent (the ratio
# below): on this small, shallow problem, not following the gradient exactly costs little. In full mode
# backprop's weights end *more* symmetric than recirculation's (the cosine of $W_1$ with $W_2^\top$ is printed for
# both; in quick mode only reported).
# The test-set errors (Keras' per-pixel binary cross-entropy, the normalisation named by
# `reconstruction_error`) are measured once, after the choices were made on the validation images.

# %%
r4, b4 = runs4["recirculation"], runs4["backprop"]
lesson.expect("4-2-4 recirculation: final cross-entropy", r4["model"].loss(X4), quick=(0.0, 0.5), full=(0.0, 0.05))
lesson.expect("4-2-4 backprop: final cross-entropy", b4["model"].loss(X4), quick=(0.0, 0.5), full=(0.0, 0.05))
lesson.expect("4-2-4 recirculation: patterns reconstructed on their own unit",
              np.sum(r4["model"].reconstruct(X4).argmax(axis=1) == np.arange(4)), quick=(4, 4), full=(4, 4), fmt=".0f")
lesson.expect("4-2-4: cosine(update, -grad J) at the start", r4["cos"][0], quick=(0.95, 1.0), full=(0.95, 1.0),
              fmt=".3f")
lesson.expect("4-2-4: smallest cosine(update, -grad J) during training", r4["cos"].min(), quick=(0.5, 1.0),
              full=(0.5, 1.0), fmt=".3f")
rc, bp = runs["recirculation"], runs["backprop"]
lesson.expect("images: smallest cosine(update, -grad J) during training", rc["cos"].min(), quick=(0.3, 1.0),
              full=(0.3, 1.0), fmt=".3f")
lesson.expect("images: mean cosine(update, -grad J) over training", rc["cos"].mean(), quick=(0.5, 1.0),
              full=(0.5, 0.8), fmt=".3f")
lesson.expect("images: cos(W1, W2^T) at the end, recirculation", rc["sym"][-1], full=(0.3, 0.8), fmt=".3f")
lesson.expect("images: cos(W1, W2^T) at the end, backprop", bp["sym"][-1], full=(0.5, 1.0), fmt=".3f")
lesson.expect("images: cos(W1, W2^T) at the end, backprop − recirculation", bp["sym"][-1] - rc["sym"][-1],
              full=(0.0, 1.0), fmt="+.3f")
test_rc = reconstruction_error(rc["model"], X_test, kind="bce_per_pixel")
test_bp = reconstruction_error(bp["model"], X_test, kind="bce_per_pixel")
untrained = reconstruction_error(Autoencoder(196, 32, loss="cross_entropy", rng=np.random.default_rng(0)), X_test,
                                 kind="bce_per_pixel")
lesson.expect("images: test BCE per pixel, untrained", untrained, quick=(0.5, 1.0), full=(0.5, 1.0))
lesson.expect("images: test BCE per pixel, recirculation", test_rc, quick=(0.0, untrained), full=(0.25, 0.40))
lesson.expect("images: test BCE per pixel, backprop", test_bp, quick=(0.0, untrained), full=(0.25, 0.40))
lesson.expect("images: recirculation's test error / backprop's", test_rc / test_bp, quick=(0.5, 2.0), full=(0.95, 1.05))

# %% [markdown]
# ## What to look for in the figures
#
# - `28_encoder_424`: both learning curves fall by orders of magnitude; the cosine of recirculation's
#   update with −∇J starts near 1 and drops as the weights grow (the expansion of $h(3)$ around $h(1)$
#   becomes worse when the sigmoids saturate), but stays above 0.
# - `28_images_curves`: the two rules' training and validation curves end close together; the cosine of the
#   update with −∇J stays well above 0 for the whole run. In this run backprop's weights end *more* symmetric than
#   recirculation's: nothing in either rule enforces $W_1 = W_2^\top$.
# - `28_reconstructions`: both models reconstruct the garments' shapes; a 32-unit code loses texture.
#
# ## Exercises
#
# - Set the regression λ to 0 and to 0.95 (`regression=` of `train_recirculation`). Which learns faster,
#   and how does the cosine with −∇J change? Explain with the first-order expansion.
# - Start from *symmetric* weights (`model.params["W2"] = model.params["W1"].T.copy()`): what is the cosine
#   at the first step? Derive the answer before you run it.
# - Prove that the decoder half of the rule is (1 − λ) times the cross-entropy gradient step, and check it
#   with `recirculation_update` and `Autoencoder.loss_and_grads` (the test `tests/test_recirculation.py`
#   does).
# - Train a squared-error autoencoder with recirculation: which of its gradients does the decoder half miss?
#
# ## Further reading
#
# - G. E. Hinton & J. L. McClelland (1988), "Learning representations by recirculation", *Neural Information
#   Processing Systems* (NIPS 1987), 358–366.
# - Goodfellow, Bengio & Courville, *Deep Learning*, ch. 14 introduction (《深度学习》第十四章 自编码器, 再循环).
# - T. P. Lillicrap et al. (2016), "Random synaptic feedback weights support error backpropagation for deep
#   learning", *Nature Communications* 7: a later answer to the weight-transport problem that recirculation
#   sidesteps.

# %%
lesson.done()
