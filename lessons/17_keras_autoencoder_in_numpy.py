"""Lesson 17: the Keras blog's autoencoders (784-32-784 plain and sparse, and the deep one) rebuilt in NumPy.

Run as a script (``python lessons/17_keras_autoencoder_in_numpy.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format). Full mode: 50 000 training and 10 000 validation images (carved
from Fashion-MNIST's training split); the 784-32-784 model 12 epochs on two scales of the loss and with the
blog's L1 activity penalty (the blog: 50 and 100 epochs); the deep 784-128-64-32-64-128-784 model and its
miswired variant 8 epochs each (the blog: 100). Quick mode: 800 images, 2 epochs.
"""
# %% [markdown]
# # 17 · The Keras blog's autoencoder, in NumPy
#
# **What you will learn:** how to rebuild a published recipe exactly (architecture, initialisation, loss,
# optimiser, batch size), and why "exactly" includes the *scale* of the loss: Adadelta is not invariant to it;
# how to read a cross-entropy on grey-level images against its floor and its ceiling; how to save a model.
#
# **Prerequisites:** lessons 01 (the autoencoder), 02 (backprop), 04 (optimisation: minibatches, adaptive
# step sizes).
#
# **Key terms:** binary cross-entropy (二元交叉熵), rectified linear unit (整流线性单元), Adadelta (Adadelta),
# adaptive learning rate (自适应学习率), minibatch (小批量), validation set (验证集), test set (测试集),
# entropy (熵), Glorot initialisation (Glorot 初始化).
#
# François Chollet's blog post *Building Autoencoders in Keras* (2016) starts with the simplest autoencoder:
#
# | | |
# |---|---|
# | architecture | 784 → 32 → 784, fully connected |
# | encoder | $h = \mathrm{ReLU}(x W_1 + b_1)$ |
# | decoder | $\hat x = \sigma(h W_2 + b_2)$ |
# | loss | Keras' `binary_crossentropy`: the mean over samples **and pixels** |
# | optimizer | Adadelta, Keras 2 defaults: $\eta = 1$, $\rho = 0.95$, $\varepsilon = 10^{-7}$ |
# | training | 50 epochs, batch 256, shuffled (this lesson: 12 epochs in full mode) |
# | init | Glorot-uniform weights, zero biases |
#
# MNIST needs the internet, so the lesson runs on Fashion-MNIST (same shapes). The blog validates on the test
# split; we carve a validation set out of the training split instead and score the test split once, at the end.
#
# ## The derivation: two scales of one loss, and Adadelta's ε
#
# 1. npae's Bernoulli loss is the mean over samples of a **sum** over the 784 pixels,
#    $J_{\text{sum}} = \frac1m\sum_i\sum_j -[x_{ij}\log\hat x_{ij} + (1-x_{ij})\log(1-\hat x_{ij})]$. Keras'
#    is the **mean** over pixels, $J_{\text{mean}} = J_{\text{sum}}/784$. `Autoencoder(..., reduction="mean")`
#    trains $J_{\text{mean}}$: loss and gradients divided by 784.
# 2. With the logits $z = hW_2 + b_2$, $\partial J_{\text{sum}}/\partial z_{ij} = \frac1m(\hat x_{ij} - x_{ij})$
#    (the graded exercise `cross_entropy_delta`): the sigmoid's derivative cancels the cross-entropy's.
#    The gradients of the two scales differ by the factor 784, nothing else.
# 3. Adadelta (Zeiler 2012) keeps running means $E[g^2]$ and $E[\Delta\theta^2]$ and steps
#
# $$\Delta\theta = -\eta\,\frac{\sqrt{E[\Delta\theta^2] + \varepsilon}}{\sqrt{E[g^2] + \varepsilon}}\, g .$$
#
# At the first step $E[\Delta\theta^2] = 0$ and $E[g^2] = (1-\rho)g^2$, so
# $|\Delta\theta_1| = \sqrt{\varepsilon}\,|g| / \sqrt{(1-\rho)g^2 + \varepsilon}$.
#
# 4. If $|g| \gg \sqrt{\varepsilon/(1-\rho)} \approx 1.4\times10^{-3}$, this is $\approx\sqrt{\varepsilon/(1-\rho)}$:
#    a unit-free step, the same for every parameter, whatever the loss's scale. If $|g| \ll 1.4\times10^{-3}$,
#    it is $\approx |g|$: a plain gradient step with step size 1, **proportional to the loss's scale**. Dividing
#    the loss by 784 moves many gradients from the first regime into the second: the same recipe takes
#    smaller steps. ε is compared with *squared gradients*, so its effect depends on the units of the loss.
#    "The Keras recipe" therefore means training $J_{\text{mean}}$; training $J_{\text{sum}}$ and dividing by
#    784 only to report is a different optimisation.
# 5. Reference points for a per-pixel cross-entropy. Pixels are grey levels, not bits, so even $\hat x = x$ pays
#    each pixel's **entropy** $-[x\log x + (1-x)\log(1-x)]$: the floor. A "reconstruction" that ignores its
#    input and outputs the **mean training image** is the ceiling any useful code must beat.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.metrics import reconstruction_error
from npae.core.activations import get_activation
from npae.core.layers import initial_weights
from npae.core.losses import LOSSES
from npae.core.penalties import L1Sparsity
from npae.course import Lesson, validation_split
from npae.gradcheck import check_gradients
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder, stack_backward, stack_forward
from npae.plotting import show_images
from npae.serialize import load_model, save_model
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adadelta

lesson = Lesson(__doc__, name="17_keras_autoencoder_in_numpy", needs=("fashion-mnist",))
QUICK = lesson.quick

EPOCHS = 2 if QUICK else 12
DEEP_EPOCHS = 2 if QUICK else 8
EPS, RHO = 1e-7, 0.95
X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X, _, X_val, _ = validation_split(X_all, None, 200 if QUICK else 10000, np.random.default_rng(0))
if QUICK:
    X, X_test = X[:800], X_test[:200]
print(f"train {X.shape}, validation {X_val.shape}, test {X_test.shape}, {X.dtype}")


def bce_per_pixel(X_hat, X):
    """Keras' binary cross-entropy of a fixed prediction X_hat (float64; clipped away from 0 and 1)."""
    X_hat = np.clip(np.asarray(X_hat, dtype=np.float64), 1e-12, 1 - 1e-12)
    X = np.asarray(X, dtype=np.float64)
    return float(-np.mean(X * np.log(X_hat) + (1 - X) * np.log(1 - X_hat)))


floor = bce_per_pixel(np.clip(X_val, 1e-12, 1 - 1e-12), X_val)     # x̂ = x: each pixel pays its entropy
mean_image = bce_per_pixel(np.broadcast_to(X.mean(axis=0), X_val.shape), X_val)
print(f"per-pixel BCE references on the validation set: entropy floor {floor:.4f}, mean image {mean_image:.4f}")

# %% [markdown]
# ## The first Adadelta step on the two scales
#
# One step from the same initial weights on the same batch, with $J_{\text{mean}}$ and with $J_{\text{sum}}$.
# For each, the fraction of gradient entries below $\sqrt{\varepsilon/(1-\rho)}$ (the second regime of step 4)
# and the median step size.

# %%
def blog_model(reduction, seed=0):
    return Autoencoder(784, 32, encoder="relu", decoder="sigmoid", loss="cross_entropy", init="glorot",
                       reduction=reduction, dtype=np.float32, rng=np.random.default_rng(seed))


threshold = np.sqrt(EPS / (1 - RHO))
first_step = {}
for reduction in ("mean", "sum"):
    model = blog_model(reduction)
    batch = X[:256]
    _, g = model.loss_and_grads(batch)
    before = {k: v.copy() for k, v in model.params.items()}
    train_minibatch(model, batch, optimizer=Adadelta(learning_rate=1.0, rho=RHO, epsilon=EPS), epochs=1,
                    batch_size=256, shuffle=False, rng=np.random.default_rng(0), verbose=False)
    g_all = np.concatenate([np.abs(g[k]).ravel() for k in g])
    step_all = np.concatenate([np.abs(model.params[k] - before[k]).ravel() for k in g])
    first_step[reduction] = (np.mean(g_all < threshold), np.median(step_all))
    print(f"reduction={reduction!r}: median |g| {np.median(g_all):.2e}; |g| below {threshold:.2e}: "
          f"{first_step[reduction][0]:.0%}; median first step {first_step[reduction][1]:.2e}")

# %% [markdown]
# ## The recipe, on both scales
#
# `train_minibatch` does the Keras loop: shuffle, batches of 256, one Adadelta step per batch. After every epoch
# the validation set's per-pixel cross-entropy is measured with `reconstruction_error(kind="bce_per_pixel")`,
# the same number whichever scale was trained.

# %%
def train(reduction):
    model = blog_model(reduction)
    curve = []
    train_minibatch(model, X, optimizer=Adadelta(learning_rate=1.0, rho=RHO, epsilon=EPS), epochs=EPOCHS,
                    batch_size=256, rng=np.random.default_rng(1), verbose=False,
                    callback=lambda epoch, history: curve.append(
                        reconstruction_error(model, X_val, kind="bce_per_pixel")))
    lesson.stamp(f"reduction={reduction!r}: validation BCE per pixel after {EPOCHS} epochs {curve[-1]:.4f}")
    return model, np.array(curve)


keras_model, keras_curve = train("mean")        # Keras' objective: the blog's recipe
sum_model, sum_curve = train("sum")             # npae's default scale, same everything else

fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
epochs_axis = np.arange(1, EPOCHS + 1)
ax.plot(epochs_axis, keras_curve, marker=".", label="per-pixel mean loss (Keras' objective)")
ax.plot(epochs_axis, sum_curve, marker=".", label="loss summed over pixels (npae's default)")
ax.axhline(mean_image, color="grey", ls="--", lw=1, label=f"mean image ({mean_image:.4f})")
ax.axhline(floor, color="grey", ls="-.", lw=1, label=f"entropy floor ({floor:.4f})")
ax.set_xlabel("epoch")
ax.set_ylabel("validation BCE per pixel")
ax.set_title("784-32-784 ReLU autoencoder, Adadelta, batch 256")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "17_validation_curves")

# %% [markdown]
# ## Reconstructions (test images)
#
# Top row: input; bottom row: what the 32-number code of the Keras-objective model gives back.

# %%
originals = X_test[:12]
lesson.show(show_images(np.concatenate([originals, keras_model.reconstruct(originals)]), (28, 28), ncols=12,
                        title="test images (top) and their reconstructions (bottom)"), "17_reconstructions")

# %% [markdown]
# ## Saving the model
#
# `npae.serialize.save_model` writes the architecture, the hyperparameters and the parameters into one `.npz`;
# `load_model` checks the file and gives back a model that computes exactly the same numbers (no pickle). Here
# the summed-loss model is saved.

# %%
path = lesson.out / "17_keras_autoencoder.npz"
save_model(sum_model, path)
same = load_model(path).loss(X_val) == sum_model.loss(X_val)
print(f"saved {path.name}; the loaded model gives the same validation loss: {same}")

# %% [markdown]
# ## The blog's sparse autoencoder
#
# The blog's second model adds one argument to the code layer, `activity_regularizer=regularizers.activity_l1(10e-5)`
# — and 10e-5 is $10^{-4}$ — and trains for 100 epochs. Keras 1's activity regularizer adds
# $\lambda\sum_j \frac1m\sum_i |h_{ij}|$ to the loss: npae's `L1Sparsity` (lesson 07) exactly, next to the per-pixel
# mean cross-entropy,
#
# $$ J = J_{\text{mean}} + \lambda\,\frac1m\sum_{i=1}^m\sum_{j=1}^{32} |h_{ij}|, \qquad \lambda = 10^{-4}, $$
#
# whose gradient at the code is $\frac\lambda m \operatorname{sign} h_{ij}$. Only the reconstruction term is divided
# by 784: on $J_{\text{sum}}$'s scale the same penalty would weigh $784\lambda$. The blog reports
# `encoded_imgs.mean()`, the mean of the 32 code values over its 10 000 test images: 3.33 for the sparse model
# against 7.30 for the plain one, "twice sparser" (MNIST, after 100 and 50 epochs). Here the sparse model gets
# the same recipe *and the same number of epochs* as the Keras-objective model above, so that the penalty is
# the only difference, and the same quantity is measured on our test images.

# %%
def blog_sparse_model(seed=0):
    return Autoencoder(784, 32, encoder="relu", decoder="sigmoid", loss="cross_entropy", init="glorot",
                       reduction="mean", penalties=[L1Sparsity(1e-4)], dtype=np.float32,
                       rng=np.random.default_rng(seed))


sparse_model = blog_sparse_model()
sparse_curve = []
train_minibatch(sparse_model, X, optimizer=Adadelta(learning_rate=1.0, rho=RHO, epsilon=EPS), epochs=EPOCHS,
                batch_size=256, rng=np.random.default_rng(1), verbose=False,
                callback=lambda epoch, history: sparse_curve.append(
                    reconstruction_error(sparse_model, X_val, kind="bce_per_pixel")))
code_mean = {name: float(m.encode(X_test).mean()) for name, m in (("plain", keras_model), ("sparse", sparse_model))}
code_zeros = {name: float(np.mean(m.encode(X_test) == 0)) for name, m in (("plain", keras_model),
                                                                          ("sparse", sparse_model))}
lesson.stamp(f"sparse model: validation BCE per pixel {sparse_curve[-1]:.4f} (plain {keras_curve[-1]:.4f}); "
             f"encoded_imgs.mean() on the test images: sparse {code_mean['sparse']:.3f}, plain {code_mean['plain']:.3f}; "
             f"exact zeros: sparse {code_zeros['sparse']:.1%}, plain {code_zeros['plain']:.1%}")

# %% [markdown]
# ## The blog's deep autoencoder, and its wiring
#
# The blog's third model stacks three layers in the encoder and three in the decoder:
#
# ```python
# encoded = Dense(128, activation='relu')(input_img)
# encoded = Dense(64, activation='relu')(encoded)
# encoded = Dense(32, activation='relu')(encoded)
# decoded = Dense(64, activation='relu')(encoded)
# decoded = Dense(128, activation='relu')(decoded)
# decoded = Dense(784, activation='sigmoid')(decoded)
# ```
#
# In Keras' functional style the last parenthesis of each line names the tensor the layer reads. Write
# `(encoded)` in the last line — a one-word slip that copies of this code in public repositories contain — and
# Keras builds, without a warning, a different network: the output layer reads the 32-number code, the layers of
# 64 and 128 units lie off the path from input to output, `Model(input_img, decoded)` leaves them out, and they
# are never trained (the loss does not depend on them: their gradient is zero). What is trained is
# 784-128-64-32-784, a deep encoder with a *one-layer* decoder. (The blog's source — the file
# `content/building-autoencoders-in-keras.md` of the repository `fchollet/keras-blog` — and its Chinese
# translation in `keras-cn` read `(decoded)`: the intended wiring.)
#
# Both are trained here with the blog's recipe (ReLU, Adadelta, the per-pixel cross-entropy, batch 256) from
# Glorot-initialised weights. The intended one is npae's `DeepAutoencoder([784, 128, 64, 32], activation="relu")`.
# The written one is a stack of four affine layers that npae has no class for; it is built below from the two
# functions npae's deep networks are made of, `stack_forward` and `stack_backward` (lesson 22's recurrence
# $\delta^{(l)} = (\delta^{(l+1)}W^{(l)\top}) \circ f'(z^{(l)})$), and its gradient is checked against finite
# differences before it is trained.

# %%
class Stack:
    """An autoencoder whose layers have the widths given, in order (no mirroring): ReLU hidden layers, a
    sigmoid output, Keras' per-pixel cross-entropy (the loss summed over the pixels / n_visible, mean over rows)."""

    def __init__(self, widths, rng, dtype=np.float32):
        self.widths, self.dtype = list(widths), dtype
        self.n_visible = self.widths[0]
        pairs = list(zip(self.widths[:-1], self.widths[1:]))
        self.params = {f"W{l}": initial_weights(rng, n_in, n_out, "glorot", dtype) for l, (n_in, n_out) in
                       enumerate(pairs, start=1)}
        self.params.update({f"b{l}": np.zeros(n_out, dtype) for l, (_, n_out) in enumerate(pairs, start=1)})
        self.hidden = [get_activation("relu")] * (len(pairs) - 1)
        self.decoder = get_activation("sigmoid")

    def _layers(self, params):
        L = len(self.widths) - 1
        return [params[f"W{l}"] for l in range(1, L + 1)], [params[f"b{l}"] for l in range(1, L + 1)]

    def logits(self, X, params=None):
        weights, biases = self._layers(self.params if params is None else params)
        return stack_forward(np.asarray(X, dtype=self.dtype), weights, biases, self.hidden)[1][-1]

    def reconstruct(self, X):
        return self.decoder.forward(self.logits(X))

    def loss_and_grads(self, X, target=None, params=None):
        params = self.params if params is None else params
        X = np.asarray(X, dtype=self.dtype)
        T = X if target is None else np.asarray(target, dtype=self.dtype)
        weights, biases = self._layers(params)
        inputs, pre = stack_forward(X, weights, biases, self.hidden)                   # forward, layer by layer
        loss, delta_out = LOSSES["cross_entropy"](pre[-1], T, self.decoder, 1.0 / X.size)  # δ at the output
        grads = {}
        for l, (dW, db) in stack_backward(delta_out, inputs, pre, weights, self.hidden).items():
            grads[f"W{l}"], grads[f"b{l}"] = dW, db
        return loss, {k: grads[k] for k in params}

    def loss(self, X, target=None, params=None):
        return self.loss_and_grads(X, target, params)[0]


# The check runs in float64 on a small stack, at random parameters. ReLU has a kink at 0, where a finite difference
# that straddles it measures no derivative: the point is one where every hidden pre-activation is at least 0.05
# away from 0 (printed), far more than the five-point formula's reach of 2 × 10⁻³ times an input in [0, 1].
tiny = Stack([6, 5, 4, 3, 6], np.random.default_rng(3), dtype=np.float64)
tiny.params = {k: np.random.default_rng(2).normal(0, 0.8, v.shape) for k, v in tiny.params.items()}
X_tiny = np.random.default_rng(5).uniform(0, 1, (7, 6))
kink_margin = min(np.abs(z).min() for z in stack_forward(X_tiny, *tiny._layers(tiny.params), tiny.hidden)[1][:-1])
stack_check = check_gradients(lambda p: tiny.loss_and_grads(X_tiny, params=p), tiny.params)
print(f"the written wiring's gradient, checked on a 6-5-4-3-6 stack: worst block {stack_check.worst:.1e} "
      f"(smallest |pre-activation| {kink_margin:.3f})")

wirings = {"intended: 784-128-64-32-64-128-784": DeepAutoencoder([784, 128, 64, 32], activation="relu",
                                                                  decoder="sigmoid", loss="cross_entropy",
                                                                  init="glorot", reduction="mean", dtype=np.float32,
                                                                  rng=np.random.default_rng(0)),
           "written: 784-128-64-32-784": Stack([784, 128, 64, 32, 784], np.random.default_rng(0))}
deep_curves = {}
for name, net in wirings.items():
    deep_curves[name] = []
    train_minibatch(net, X, optimizer=Adadelta(learning_rate=1.0, rho=RHO, epsilon=EPS), epochs=DEEP_EPOCHS,
                    batch_size=256, rng=np.random.default_rng(1), verbose=False,
                    callback=lambda epoch, history, net=net, name=name: deep_curves[name].append(
                        reconstruction_error(net, X_val, kind="bce_per_pixel")))
    n_params = sum(v.size for v in net.params.values())
    lesson.stamp(f"{name}: {n_params} parameters; validation BCE per pixel after {DEEP_EPOCHS} epochs "
                 f"{deep_curves[name][-1]:.4f}")
intended, written = wirings.values()
dead = sum(intended.params[k].size for k in ("W4", "b4", "W5", "b5"))   # the layers 32→64, 64→128 the slip leaves out
n_intended, n_written = (sum(v.size for v in net.params.values()) for net in (intended, written))

fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
ax.plot(np.arange(1, EPOCHS + 1), keras_curve, marker=".", label="784-32-784 (Keras' objective)")
ax.plot(np.arange(1, EPOCHS + 1), sparse_curve, marker=".", label="784-32-784 + L1 activity 1e-4")
for name, curve in deep_curves.items():
    ax.plot(np.arange(1, DEEP_EPOCHS + 1), curve, marker="o", label=name)
ax.axhline(floor, color="grey", ls="-.", lw=1, label=f"entropy floor ({floor:.4f})")
ax.set(xlabel="epoch", ylabel="validation BCE per pixel", title="The blog's models, its recipe (Adadelta, batch 256)")
ax.legend(fontsize=7)
fig.tight_layout()
lesson.show(fig, "17_blog_models")

originals = X_test[:12]
lesson.show(show_images(np.concatenate([originals, sparse_model.reconstruct(originals)]
                                       + [net.reconstruct(originals) for net in wirings.values()]), (28, 28),
                        ncols=12, title="test images; sparse 784-32-784; deep, intended wiring; deep, written wiring"),
            "17_blog_reconstructions")

# %% [markdown]
# ## Results
#
# Expected: on the first step, many more gradient entries fall below $\sqrt{\varepsilon/(1-\rho)}$ with the
# per-pixel mean than with the sum, and the median step is at least five times smaller; in full mode (12 epochs)
# both curves end far below the mean image and above the entropy floor, and the summed loss — larger gradients,
# Adadelta's larger steps — ends *lower* than Keras' own objective (in quick mode too, after two epochs, when
# the per-pixel-mean run has barely left its starting point). The test set is scored once, for the
# Keras-objective model.
#
# The blog's sparse model, after the same 12 epochs as the plain one: the L1 activity penalty about halves the
# mean code value on the test images (the ratio between 0.3 and 0.7; the blog reports 3.33 against 7.30 on
# MNIST), more than doubles the share of exact zeros, and costs less than 2 % of validation reconstruction.
# The two mean code values are only reported; the claims are their ratios.
#
# The blog's deep model: the written wiring has 136 688 parameters against the intended one's 222 384: the two
# layers it leaves out (32→64 and 64→128) hold 10 432 of the difference, and its output layer, reading 32 codes
# instead of 128 units, the rest; these counts are exact. After 8 epochs both deep networks reconstruct
# the validation images better than the 784-32-784 model after the same 8 epochs, and the written wiring is
# within 5 % of the intended one — here even slightly ahead: the slip does not show in the loss. Nothing in a
# learning curve reveals that two of the six layers are never trained; only reading the graph (or counting the
# parameters) does. In quick mode (two epochs) the sparse and deep models are only reported, except the
# parameter counts and the gradient check.

# %%
lesson.expect("fraction of first-step |g| below sqrt(ε/(1−ρ)), per-pixel mean", first_step["mean"][0],
              quick=(0.5, 1.0), full=(0.5, 1.0), fmt=".3f")
lesson.expect("fraction of first-step |g| below sqrt(ε/(1−ρ)), summed", first_step["sum"][0],
              quick=(0.0, first_step["mean"][0]), full=(0.0, first_step["mean"][0]), fmt=".3f")
lesson.expect("median first step, mean / sum", first_step["mean"][1] / first_step["sum"][1],
              quick=(0.0, 0.2), full=(0.0, 0.2), fmt=".3f")
lesson.expect("validation BCE per pixel, per-pixel mean (Keras' objective)", keras_curve[-1],
              quick=(floor, 0.75), full=(0.28, 0.36))
lesson.expect("validation BCE per pixel, summed loss", sum_curve[-1], quick=(floor, 0.75), full=(0.28, 0.30))
lesson.expect("difference mean − sum", keras_curve[-1] - sum_curve[-1], quick=(0.0, 0.3), full=(0.0, 0.08))
lesson.expect("test BCE per pixel (Keras' objective, scored once)",
              reconstruction_error(keras_model, X_test, kind="bce_per_pixel"), quick=(0.1, 0.75),
              full=(0.28, 0.36))
lesson.expect("entropy floor (validation)", floor, quick=(0.2, 0.3), full=(0.2, 0.3))
lesson.expect("mean-image level (validation)", mean_image, quick=(0.3, 0.7), full=(0.45, 0.55))
lesson.expect("mean code value on the test images, plain", code_mean["plain"], fmt=".3f")
lesson.expect("mean code value on the test images, sparse", code_mean["sparse"], fmt=".3f")
lesson.expect("mean code value, sparse / plain", code_mean["sparse"] / code_mean["plain"], full=(0.3, 0.7), fmt=".3f")
lesson.expect("exact zeros in the code, sparse / plain", code_zeros["sparse"] / code_zeros["plain"], full=(2.0, 10.0),
              fmt=".3f")
lesson.expect("validation BCE per pixel, sparse / plain", sparse_curve[-1] / keras_curve[-1], full=(1.0, 1.02),
              fmt=".4f")
lesson.expect("gradient check of the written wiring (6-5-4-3-6), worst block", stack_check.worst, quick=(0.0, 1e-9),
              full=(0.0, 1e-9), fmt=".1e")
lesson.expect("parameters, intended wiring", n_intended, quick=(222384, 222384), full=(222384, 222384), fmt=".0f")
lesson.expect("parameters, written wiring", n_written, quick=(136688, 136688), full=(136688, 136688), fmt=".0f")
lesson.expect("parameters the slip leaves out", dead, quick=(10432, 10432), full=(10432, 10432), fmt=".0f")
deep_final = {name: curve[-1] for name, curve in deep_curves.items()}
lesson.expect(f"deep, the worse of the two wirings / 784-32-784, validation after {DEEP_EPOCHS} epochs",
              max(deep_final.values()) / keras_curve[DEEP_EPOCHS - 1], full=(0.8, 1.0), fmt=".4f")
lesson.expect(f"written wiring / intended wiring, validation after {DEEP_EPOCHS} epochs",
              deep_curves["written: 784-128-64-32-784"][-1] / deep_curves["intended: 784-128-64-32-64-128-784"][-1],
              full=(0.9, 1.05), fmt=".4f")

# %% [markdown]
# ## What to look for in the figures
#
# - `17_validation_curves`: both curves fall towards the floor; the summed-loss curve falls faster in the first
#   epochs (its steps are larger) and stays below.
# - `17_reconstructions`: the code keeps each garment's silhouette and overall brightness and throws away the
#   detail: prints, stripes and thin straps come back blurred or not at all.
# - `17_blog_models`: the sparse model's curve runs just above the plain one's; both deep networks start lower
#   and stay below the 784-32-784 curves over their 8 epochs, the written wiring's as low as the intended one's.
# - `17_blog_reconstructions`: the sparse model's row looks like the plain model's (the blog says the same);
#   the two deep rows are grainier after their 8 epochs, and hard to tell apart from each other.
#
# ## Exercises
#
# - Graded: the cross-entropy computed from the logits, and its delta at the logits.
#   `python -m npae.exercises start cross_entropy_delta` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start cross_entropy_delta --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check cross_entropy_delta` (with `--derive` for the derive level).
# - Train the per-pixel mean with ε = 784² · 10⁻⁷. Why does it now follow the summed-loss curve (step 4)?
# - Change one word, `encoder="sigmoid"`, and keep everything else. Watch the mean code and its slope
#   $h(1-h)$ during the first epoch: what does Adadelta's unit-free first step do to a code that can only grow
#   by saturating?
# - Which of the two reference lines would move if the images were binarised (pixels 0 or 1)?
#
# ## Further reading
#
# - F. Chollet (2016), "Building Autoencoders in Keras", *The Keras Blog*.
# - M. D. Zeiler (2012), "ADADELTA: an adaptive learning rate method", arXiv:1212.5701.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §8.5 (algorithms with adaptive learning rates) and §14.1
#   (undercomplete autoencoders); 《深度学习》8.5 自适应学习率算法, 14.1 欠完备自编码器.
# - UFLDL, *Autoencoders and Sparsity* (the network and its backpropagation).

# %%
lesson.done()
