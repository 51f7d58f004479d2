"""Lesson 17: the Keras blog's autoencoder (784-32-784, ReLU code, Adadelta) rebuilt in NumPy.

Run as a script (``python lessons/17_keras_autoencoder_in_numpy.py [--quick] [--out DIR]``) or open it
as a notebook with jupytext (percent format). Full mode: 50 000 training and 10 000 validation images (carved
from Fashion-MNIST's training split), 50 epochs, on two scales of the loss; quick mode: 800 images, 2 epochs.
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
# | training | 50 epochs, batch 256, shuffled |
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
from npae.course import Lesson, validation_split
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.serialize import load_model, save_model
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adadelta

lesson = Lesson(__doc__, name="17_keras_autoencoder_in_numpy", needs=("fashion-mnist",))
QUICK = lesson.quick

EPOCHS = 2 if QUICK else 50
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
# ## Results
#
# Expected: on the first step, many more gradient entries fall below $\sqrt{\varepsilon/(1-\rho)}$ with the
# per-pixel mean than with the sum, and the median step is smaller; in full mode (50 epochs) both curves end far
# below the mean image and above the entropy floor, and the summed loss — larger gradients, Adadelta's larger
# steps — ends *lower* than Keras' own objective. In quick mode (two epochs) the per-pixel-mean run has barely
# left its starting point. The test set is scored once, for the Keras-objective model.

# %%
lesson.expect("fraction of first-step |g| below sqrt(ε/(1−ρ)), per-pixel mean", first_step["mean"][0],
              quick=(0.5, 1.0), full=(0.5, 1.0), fmt=".3f")
lesson.expect("fraction of first-step |g| below sqrt(ε/(1−ρ)), summed", first_step["sum"][0],
              quick=(0.0, first_step["mean"][0]), full=(0.0, first_step["mean"][0]), fmt=".3f")
lesson.expect("median first step, mean / sum", first_step["mean"][1] / first_step["sum"][1],
              quick=(0.0, 1.0), full=(0.0, 1.0), fmt=".3f")
lesson.expect("validation BCE per pixel, per-pixel mean (Keras' objective)", keras_curve[-1],
              quick=(floor, 0.75), full=(0.28, 0.36))
lesson.expect("validation BCE per pixel, summed loss", sum_curve[-1], quick=(floor, 0.75), full=(0.28, 0.30))
lesson.expect("difference mean − sum", keras_curve[-1] - sum_curve[-1], quick=(0.0, 1.0), full=(0.0, 0.08))
lesson.expect("test BCE per pixel (Keras' objective, scored once)",
              reconstruction_error(keras_model, X_test, kind="bce_per_pixel"), quick=(0.1, 0.75),
              full=(0.28, 0.36))
lesson.expect("entropy floor (validation)", floor, quick=(0.0, 1.0), full=(0.1, 0.3))
lesson.expect("mean-image level (validation)", mean_image, quick=(0.3, 0.7), full=(0.45, 0.55))

# %% [markdown]
# ## What to look for in the figures
#
# - `17_validation_curves`: both curves fall towards the floor; the summed-loss curve falls faster in the first
#   epochs (its steps are larger) and stays below.
# - `17_reconstructions`: the code keeps each garment's silhouette and overall brightness and throws away the
#   detail: prints, stripes and thin straps come back blurred or not at all.
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
