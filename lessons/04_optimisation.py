"""Lesson 04: optimisation — full-batch L-BFGS against minibatch SGD, momentum, Adam and Adadelta on one autoencoder.

Run as a script (``python lessons/04_optimisation.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: a 784-64-784 autoencoder on 5000 Fashion-MNIST images (1000 for
validation), 10 epochs for each minibatch rule and 10 epochs' worth of gradient evaluations for L-BFGS; quick
mode uses 300 images, a 784-16-784 model and 2 epochs.
"""
# %% [markdown]
# # 04 · Optimisation: how the autoencoder's weights are found
#
# **What you will learn:** the update rules every later lesson uses — gradient descent, minibatch SGD,
# momentum, Adam, Adadelta and L-BFGS — each derived from what it tries to fix in the one before; how to
# compare optimisers fairly (the same model, the same initial weights, curves against epochs *and* against
# seconds); how to choose a learning rate on a validation set.
#
# **Prerequisites:** lessons 01 (the autoencoder and its loss) and 02 (its gradient by backprop).
#
# **Key terms:** gradient descent (梯度下降), stochastic gradient descent (随机梯度下降), minibatch (小批量),
# learning rate (学习率), momentum (动量), adaptive learning rate (自适应学习率), Adam (Adam),
# Adadelta (Adadelta), Newton's method (牛顿法), BFGS (BFGS), L-BFGS (L-BFGS), validation set (验证集).
#
# Lesson 02 gave us $J(\theta)$ and $\nabla J(\theta)$ for every parameter. Training is minimising $J$; this
# lesson is about *how*. Every rule below is in `npae/training/optimizers.py` (about a dozen lines each) or
# `npae/training/lbfgs.py` (SciPy's L-BFGS-B).
#
# ## Gradient descent and its stochastic version
#
# The first-order Taylor expansion $J(\theta + \Delta) \approx J(\theta) + \nabla J^\top \Delta$ is smallest,
# among steps of a given length, along $\Delta = -\eta \nabla J$: **gradient descent**, $\theta \leftarrow \theta -
# \eta \nabla J(\theta)$. Our $J$ is a mean over $m$ samples, $J = \frac1m\sum_i L_i$, so its gradient costs a
# pass over all the data. A **minibatch** $B$ of $b$ random samples gives an unbiased estimate
# $g = \frac1b\sum_{i\in B}\nabla L_i$ with $\mathbb E[g] = \nabla J$ at $m/b$ times less cost; **SGD** steps
# along it, $\theta \leftarrow \theta - \eta g$, and makes $m/b$ steps per *epoch* (one pass over the data).
# Its noise has variance $\propto 1/b$: it forces a small $\eta$ near the minimum, but early on, many cheap
# noisy steps beat one exact one (Goodfellow et al. §8.1.3, §8.3.1).
#
# ## Momentum
#
# In a long narrow valley the gradient points mostly across it, and gradient descent zig-zags. **Momentum**
# (Polyak 1964) keeps a velocity, an exponentially decaying sum of past steps:
#
# $$ v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + v . $$
#
# Components of $g$ that keep their sign add up (for a constant gradient $v \to -\eta g/(1-\mu)$: a step
# $1/(1-\mu)$ times larger, 10× for $\mu = 0.9$); components that alternate cancel. (§8.3.2.)
#
# ## Adam
#
# The gradient's scale differs between parameters (a bias sees every sample, a weight only the samples where
# its input is active), so one $\eta$ for all is a compromise. **Adam** (Kingma & Ba 2015) divides each
# coordinate's step by a running estimate of its gradient's root mean square. With $m, v$ starting at 0:
#
# $$ m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
#    \hat m = \frac{m}{1-\beta_1^t},\ \hat v = \frac{v}{1-\beta_2^t}, \quad
#    \theta \leftarrow \theta - \eta \frac{\hat m}{\sqrt{\hat v} + \epsilon} . $$
#
# The bias corrections come from $\mathbb E[m_t] = (1-\beta_1^t)\,\mathbb E[g]$ when $g$ is stationary (sum the
# geometric series $\sum_{k<t}(1-\beta_1)\beta_1^k$): starting $m$ at 0 shrinks it by that factor, and dividing
# by it undoes the shrinkage. The step $\hat m/\sqrt{\hat v}$ is dimensionless, so $\eta$ is roughly the step
# size in parameter units (1e-3 by default). (§8.5.3.)
#
# ## Adadelta
#
# **Adadelta** (Zeiler 2012) also divides by a running RMS of the gradient, $\mathrm{RMS}[g] = \sqrt{E[g^2] +
# \epsilon}$, and replaces $\eta$ by the running RMS of the past *updates*:
#
# $$ E[g^2] \leftarrow \rho E[g^2] + (1-\rho) g^2, \quad \Delta\theta = -\frac{\mathrm{RMS}[\Delta\theta]_{t-1}}{\mathrm{RMS}[g]_t}\, g,
#    \quad E[\Delta\theta^2] \leftarrow \rho E[\Delta\theta^2] + (1-\rho)\Delta\theta^2 . $$
#
# Zeiler's argument is about *units*: if $\theta$ is in metres and $J$ is dimensionless, $g$ is in 1/metres,
# and $-\eta g$ has the wrong units unless $\eta$ is in metres². A Newton step $-H^{-1}g$ has the right units;
# since $H^{-1} \approx \Delta\theta / g$ per coordinate, the ratio of RMS values above is such a correction.
# With nothing in $E[\Delta\theta^2]$ at first, the steps start at $\sqrt{\epsilon}$-size and grow: Adadelta is
# slow to start, and — unlike Adam — *not* invariant to the scale of $J$ (lesson 17 measures this).
#
# ## L-BFGS: curvature from the gradients
#
# Newton's method minimises the second-order expansion: $\Delta = -H^{-1}\nabla J$, with $H$ the Hessian. For
# $n$ parameters $H$ has $n^2$ entries (this lesson's full-mode model has $n = 101\,200$ parameters, so $n^2 \approx
# 1.02\cdot10^{10}$ entries, 82 GB in float64: the run counts them below). **Quasi-Newton** methods build an
# approximation $B \approx H^{-1}$ from what gradient steps reveal: after a step $s = \theta_{k+1} - \theta_k$
# the gradient changed by $y = \nabla J_{k+1} - \nabla J_k \approx H s$ (the *secant condition* $B y = s$).
# BFGS updates $B$ by the smallest change that satisfies it; **L-BFGS** (Nocedal 1980; Liu & Nocedal 1989)
# never forms $B$ and computes $B\nabla J$ from the last $k$ (here 10) pairs $(s, y)$ by a two-loop recursion,
# in $O(kn)$. Each step is followed by a line search along $-B\nabla J$. It needs *exact* gradients — noisy
# minibatch gradients break the secant condition — so it runs on the full batch: one iteration costs one or
# more full passes over the data. UFLDL trains every exercise this way (minFunc, 400 iterations). (§8.6.2.)
#
# To compare fairly we count **gradient evaluations over the whole training set** as epochs for L-BFGS (one
# evaluation of $J$ and $\nabla J$ on all $m$ samples costs what one epoch of minibatch steps costs), and we also
# plot everything against wall-clock seconds.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.perf import loss_and_grads
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import SGD, Adadelta, Adam

lesson = Lesson(__doc__, name="04_optimisation", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## The data and the model
#
# Fashion-MNIST images in $[0, 1]$; a 784-64-784 sigmoid autoencoder with the Bernoulli cross-entropy loss
# (summed over the 784 pixels, mean over samples — npae's normalisation); the same initial weights for every
# optimiser. The training images are split into a training part and a **validation** part; the learning
# rates of SGD and momentum are chosen on the validation part, and the test set is scored once at the end.

# %%
X_all, _ = lesson.fashion_mnist("train")
X_test_all, _ = lesson.fashion_mnist("test")
n_train, n_val, n_test = (300, 100, 300) if QUICK else (5000, 1000, 10000)
X, X_val, X_test = X_all[:n_train], X_all[n_train:n_train + n_val], X_test_all[:n_test]
EPOCHS = 2 if QUICK else 10
BATCH = 100
N_HIDDEN = 16 if QUICK else 64
print(f"training {X.shape}, validation {X_val.shape}, test {X_test.shape}; 784-{N_HIDDEN}-784, {EPOCHS} epochs")
n_params = sum(p.size for p in Autoencoder(784, N_HIDDEN).params.values())
print(f"{n_params} parameters: the Hessian has {n_params ** 2:.3g} entries ({8 * n_params ** 2 / 1e9:.3g} GB in float64)")


def new_model():
    return Autoencoder(784, N_HIDDEN, loss="cross_entropy", rng=np.random.default_rng(0))


def run_minibatch(optimizer, epochs=EPOCHS):
    """Train a fresh model; return it and its curves (training and validation loss after each epoch, seconds)."""
    model = new_model()
    curve = {"epoch": [0.0], "seconds": [0.0], "train": [model.loss(X)], "val": [model.loss(X_val)]}

    def measure(epoch, history):               # runs after the epoch's clock stopped: not counted in seconds
        curve["epoch"].append(epoch + 1.0)
        curve["seconds"].append(sum(history.seconds))
        curve["train"].append(model.loss(X))
        curve["val"].append(model.loss(X_val))

    train_minibatch(model, X, optimizer=optimizer, epochs=epochs, batch_size=BATCH, rng=np.random.default_rng(1),
                    verbose=False, callback=measure)
    return model, {k: np.array(v) for k, v in curve.items()}


# %% [markdown]
# ## Choosing the learning rate on the validation set
#
# SGD's and momentum's η must be chosen; Adam's (1e-3) and Adadelta's (1.0) are their authors' and Keras'
# defaults, used unchanged. Each candidate trains for a short run and is scored on the validation images.

# %%
grid = [0.1, 0.3] if QUICK else [0.03, 0.1, 0.3, 1.0]
short = 1 if QUICK else 2
chosen = {}
for name, make in (("SGD", lambda eta: SGD(learning_rate=eta)),
                   ("momentum 0.9", lambda eta: SGD(learning_rate=eta, momentum=0.9))):
    scores = {}
    for eta in grid:
        try:
            scores[eta] = run_minibatch(make(eta), epochs=short)[1]["val"][-1]
        except FloatingPointError:             # npae.errors.DivergenceError: this η diverged
            scores[eta] = np.inf
    chosen[name] = min(scores, key=scores.get)
    lesson.stamp(f"{name}: validation loss after {short} epoch(s) by η: "
                 + ", ".join(f"{k:g}: {v:.2f}" for k, v in scores.items()) + f" -> η = {chosen[name]:g}")

# %% [markdown]
# ## The race
#
# Five optimisers from the same initial weights. For L-BFGS a small wrapper records the loss and the time at
# every evaluation of $J$ and $\nabla J$ (line-search trials included) and the curve shows the best loss found
# so far; the validation loss is measured only at its end.

# %%
curves, models = {}, {}
for name, optimizer in (("SGD", SGD(learning_rate=chosen["SGD"])),
                        ("momentum 0.9", SGD(learning_rate=chosen["momentum 0.9"], momentum=0.9)),
                        ("Adam", Adam(learning_rate=1e-3)),
                        ("Adadelta", Adadelta(learning_rate=1.0))):
    models[name], curves[name] = run_minibatch(optimizer)
    lesson.stamp(f"{name}: training loss {curves[name]['train'][-1]:.2f}, validation {curves[name]['val'][-1]:.2f}")


class Recorder:
    """The model as L-BFGS sees it, plus a log of (seconds, loss) at every full-batch evaluation."""

    def __init__(self, model):
        self.model, self.log, self.clock = model, [], 0.0

    @property
    def params(self):
        return self.model.params

    @params.setter
    def params(self, value):
        self.model.params = value

    def loss_and_grads(self, X, target=None, params=None):
        start = time.perf_counter()
        loss, grads = self.model.loss_and_grads(X, target, params=params)
        self.clock += time.perf_counter() - start
        self.log.append((self.clock, loss))
        return loss, grads


recorder = Recorder(new_model())
initial = recorder.model.loss(X)
result = train_lbfgs(recorder, X, maxiter=EPOCHS, verbose=False)
log = np.array(recorder.log[1:])                   # the first call only checks the data
best = np.minimum.accumulate(log[:, 1])
models["L-BFGS"] = recorder.model
curves["L-BFGS"] = {"epoch": np.arange(len(best) + 1.0), "seconds": np.r_[0.0, log[:, 0] - recorder.log[0][0]],
                    "train": np.r_[initial, best], "val": np.array([models["L-BFGS"].loss(X_val)])}
lesson.stamp(f"L-BFGS: {result.nit} iterations, {result.nfev} evaluations, training loss {result.fun:.2f}, "
             f"validation {curves['L-BFGS']['val'][-1]:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4), dpi=100)
for i, (name, c) in enumerate(curves.items()):
    axes[0].plot(c["epoch"], c["train"], color=f"C{i}", label=name)
    axes[1].plot(c["seconds"], c["train"], color=f"C{i}", label=name)
axes[0].set(xlabel="epochs (L-BFGS: full-batch gradient evaluations)", ylabel="training loss (cross-entropy)",
            title="Against epochs")
axes[1].set(xlabel="seconds of training (this machine, this run)", ylabel="training loss", title="Against time")
for ax in axes:
    ax.set_yscale("log")
    ax.legend()
fig.tight_layout()
lesson.show(fig, "04_learning_curves")

fig, ax = plt.subplots(figsize=(6, 3.8), dpi=100)
for i, (name, c) in enumerate(curves.items()):
    if name != "L-BFGS":
        ax.plot(c["epoch"], c["val"], color=f"C{i}", label=name)
ax.axhline(curves["L-BFGS"]["val"][-1], color="C4", linestyle="--", label="L-BFGS (end)")
ax.set(xlabel="epoch", ylabel="validation loss", title="Validation loss", yscale="log")
ax.legend()
fig.tight_layout()
lesson.show(fig, "04_validation_curves")

# %% [markdown]
# ## Results
#
# Printed by this run. After the same budget of epochs, SGD and momentum with their validated learning rates
# reach the lowest validation loss; Adam at its default η = 1e-3 lags behind both (its step is about η per
# coordinate whatever the gradient's size, a cautious choice for ten epochs), and Adadelta lies in between:
# its place between the worse of SGD and momentum (0) and Adam (1) is printed. L-BFGS, given as many
# full-batch gradient evaluations as the others have epochs, is behind all of them per epoch: it takes one
# careful step per pass over the data where the minibatch rules take fifty cheap ones — the reason UFLDL's 400
# L-BFGS iterations on small data became minibatch training on large data. Per second it is less far behind,
# because here one full-batch evaluation costs less than an epoch of fifty minibatch evaluations (one large
# matrix product runs faster than fifty small ones); the ratio is printed, measured by timing the two
# alternately after training, so that other work on the machine affects both alike. The test-set error
# (cross-entropy summed over pixels, `reconstruction_error(..., kind="cross_entropy")`) is computed once, for
# every optimiser, at the end. Quick mode (300 images, 16 units, two epochs) shows SGD and momentum ahead of
# Adam and Adadelta between them, but not L-BFGS behind; its L-BFGS ratio is only checked for sanity, and its
# timing ratio (three batches of 100 rows, too little work to time reliably) and every training time are only
# reported.

# %%
lesson.expect("parameters of the 784-n_hidden-784 model", n_params, quick=(25888, 25888), full=(101200, 101200),
              fmt=".0f")
lesson.expect("entries of the Hessian", n_params ** 2, quick=(6.7e8, 6.71e8), full=(1.024e10, 1.025e10), fmt=".4g")
untrained = new_model().loss(X_val)
lesson.expect("untrained validation loss", untrained, quick=(400, 700), full=(400, 700))
for name in curves:
    lesson.expect(f"{name}: final validation loss", curves[name]["val"][-1], quick=(0, untrained),
                  full=(200, 400))
best_name = min(curves, key=lambda n: curves[n]["val"][-1])
print(f"lowest validation loss: {best_name}")
lesson.expect("lowest validation loss is SGD's or momentum's (1 = yes)", float(best_name in ("SGD", "momentum 0.9")),
              quick=(1, 1), full=(1, 1), fmt=".0f")
val = {name: c["val"][-1] for name, c in curves.items()}
worse_sgd = max(val["SGD"], val["momentum 0.9"])
lesson.expect("validation loss: SGD / Adam", val["SGD"] / val["Adam"], quick=(0.5, 0.9), full=(0.75, 0.97))
lesson.expect("validation loss: Adam / the worse of SGD and momentum", val["Adam"] / worse_sgd, quick=(1.0, 2.0),
              full=(1.0, 1.5))
lesson.expect("Adadelta's place between the worse of SGD and momentum (0) and Adam (1)",
              (val["Adadelta"] - worse_sgd) / (val["Adam"] - worse_sgd), quick=(0.0, 1.0), full=(0.0, 1.0), fmt=".3f")
lesson.expect("validation loss: Adadelta / Adam", val["Adadelta"] / val["Adam"], quick=(0.5, 1.0), full=(0.8, 1.0))
lesson.expect("validation loss: L-BFGS / Adam", val["L-BFGS"] / val["Adam"], quick=(0.5, 2.0), full=(1.0, 1.3))


def full_batch_evaluation():
    """What L-BFGS computes once per evaluation: J and ∇J on all m rows."""
    loss_and_grads(models["SGD"], X)


def epoch_of_minibatch_evaluations():
    """What a minibatch rule computes in one epoch: J and ∇J on m/b minibatches of b rows."""
    for start in range(0, X.shape[0], BATCH):
        loss_and_grads(models["SGD"], X[start:start + BATCH])


# The training clocks above also measure whatever else ran on the machine meanwhile, so the cost of the two
# units of work is compared here directly: the two are timed alternately, five times each, and the medians
# compared (the same way benchmarks/ measures speed).
timings = {"full batch": [], "epoch": []}
for _ in range(5):
    for label, work in (("full batch", full_batch_evaluation), ("epoch", epoch_of_minibatch_evaluations)):
        start = time.perf_counter()
        work()
        timings[label].append(time.perf_counter() - start)
lesson.expect("seconds per full-batch evaluation / seconds per epoch of minibatch evaluations (medians of 5)",
              np.median(timings["full batch"]) / np.median(timings["epoch"]), full=(0.05, 1.0),
              fmt=".3f")
for name in curves:
    lesson.expect(f"{name}: test cross-entropy", reconstruction_error(models[name], X_test, kind="cross_entropy"),
                  quick=(0, untrained), full=(200, 400))
for name in curves:
    lesson.expect(f"{name}: training seconds", curves[name]["seconds"][-1], fmt=".1f", unit="s")

# %% [markdown]
# ## What to look for in the figures
#
# - `04_learning_curves`, left: per epoch, the minibatch rules take `m/b` steps and L-BFGS one (plus its line
#   search); its first evaluations barely move the loss while it has no curvature pairs yet. Right: the same
#   curves against time — L-BFGS's curve is compressed, since its evaluations are cheaper than minibatch
#   epochs. The time axis measures this machine under its load while the lesson ran: compare shapes, not
#   absolute seconds.
# - Adadelta's very first steps are $\sqrt\epsilon$-sized (see the derivation), yet at the resolution of an epoch
#   its curve does not start flat: the first epoch's fifty steps lower the loss about as much as Adam's do.
# - `04_validation_curves`: validation loss follows training loss closely — a 64-unit code cannot overfit
#   5000 images in 10 epochs.
#
# ## Exercises
#
# - Derive the bias correction of Adam: show $\mathbb E[m_t] = (1-\beta_1^t)\,\mathbb E[g]$ for a stationary $g$.
# - For momentum μ and a constant gradient, show that the velocity tends to $-\eta g/(1-\mu)$.
# - Give L-BFGS 400 iterations (UFLDL's budget) and compare its final loss with Adam's after 10 epochs. Which
#   is better per second?
# - Train with `batch_size=10` and `batch_size=1000` (same number of epochs): explain the two curves with the
#   variance of the minibatch gradient.
# - Multiply the loss by 784 (or divide it, as Keras' per-pixel BCE does): which optimisers' trajectories
#   change? (Adam's does not, up to ε; SGD's and Adadelta's do.)
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, ch. 8 (《深度学习》第八章 深度模型中的优化): §8.1.3
#   minibatches, §8.3 SGD and momentum, §8.5 adaptive learning rates (Adam), §8.6.2 BFGS and L-BFGS.
# - D. Kingma & J. Ba (2015), "Adam: a method for stochastic optimization", ICLR.
# - M. Zeiler (2012), "ADADELTA: an adaptive learning rate method", arXiv:1212.5701.
# - D. Liu & J. Nocedal (1989), "On the limited memory BFGS method for large scale optimization",
#   *Mathematical Programming* 45.
# - Q. Le, J. Ngiam et al. (2011), "On optimization methods for deep learning", ICML: L-BFGS against SGD
#   for autoencoders.

# %%
lesson.done()
