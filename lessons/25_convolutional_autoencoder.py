"""Lesson 25: the seed's convolutional autoencoder on Fashion-MNIST, next to the dense and deep autoencoders.

Run as a script (``python lessons/25_convolutional_autoencoder.py [--quick] [--out DIR] [--epochs N]``) or
open it as a notebook with jupytext (percent format). Full mode trains the three models for 10 epochs on
the 60 000 training images (``--epochs 50`` runs the seed's 50); quick mode 2 epochs on 1000 images.
"""
# %% [markdown]
# # 25 · A convolutional autoencoder
#
# **What you will learn:** how the seed's convolutional autoencoder is built from lesson 24's layers;
# how to train it with the same trainer as every other npae model; how its reconstructions and its
# validation loss compare with the dense 784-32-784 and deep 784-128-64-32 autoencoders under the same
# recipe; and why the loss's *normalisation* matters for Adadelta.
#
# **Prerequisites:** lesson 24 (convolution by hand), lesson 17 (the Keras recipe in NumPy), lesson 22 (deep
# autoencoders).
#
# **Key terms:** convolutional autoencoder (卷积自编码器), convolution (卷积), max pooling (最大池化), upsampling
# (上采样), binary cross-entropy (二元交叉熵), Adadelta (Adadelta), validation set (验证集), code (编码).
#
# "When the inputs are images, convolutional networks are better" — the Keras blog's argument: a
# convolution looks at a small neighbourhood and uses the same weights everywhere, which suits images,
# whose statistics are the same at every position. The seed's model (28×28×1 inputs in [0, 1]):
#
# | encoder | decoder |
# |---|---|
# | Conv 16, 3×3, ReLU, same → MaxPool 2 → 14×14 | Conv 8, ReLU, same → Upsample 2 → 8×8 |
# | Conv 8, ReLU, same → MaxPool 2 → 7×7 | Conv 8, ReLU, same → Upsample 2 → 16×16 |
# | Conv 8, ReLU, same → MaxPool 2 ("same": 7×7 → **4×4**) | Conv 16, ReLU, **valid** → 14×14 → Upsample 2 → 28×28 |
# | code: 4×4×8 = 128 numbers | Conv 1, 3×3, sigmoid, same |
#
# The "valid" convolution is what brings 16×16 back to 14×14, so that the last upsampling lands on 28×28.
# Binary cross-entropy, Adadelta (lr 1, ρ 0.95, ε 1e-7, Keras' defaults), batch 256, Glorot-uniform kernels,
# zero biases. In npae: `npae.models.conv_autoencoder.conv_autoencoder()`; a `ConvAutoencoder` is a list
# of layers, and its `loss_and_grads` reads in three steps — the forward loop through the layers, the loss
# and its delta at the logits, the backward loop (`sequence_backward`: each layer's `backward` turns the delta
# of its output into the delta of its input). It takes the images as rows of 784 pixels like every npae
# model, so `train_minibatch` trains it unchanged.
#
# **Which loss.** npae's losses are a mean over images of a *sum* over pixels; Keras' `binary_crossentropy`
# is the *mean over pixels* too — the same function divided by 784. Plain gradient descent would not care
# (a rescaled learning rate), but Adadelta does: its ε is compared with running averages of squared
# gradients, so the two scales are two different optimisations. **Every model in this lesson trains
# Keras' objective, the per-pixel mean**: every model, conv or dense, with `reduction="mean"` (the loss and
# its gradients divided by the 784 pixels). Every loss printed is a per-pixel BCE.

# %%
import argparse

import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.models.conv_autoencoder import conv_autoencoder
from npae.models.deep import DeepAutoencoder
from npae.perf.conv_fast import fast_model
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adadelta

lesson = Lesson(__doc__, name="25_convolutional_autoencoder", needs=("fashion-mnist",))
QUICK = lesson.quick
_extra = argparse.ArgumentParser(add_help=False)
_extra.add_argument("--epochs", type=int, default=None, help="epochs (default 10; 2 in quick mode; the seed: 50)")
EPOCHS = _extra.parse_known_args()[0].epochs or (2 if QUICK else 10)

# %% [markdown]
# ## The data
#
# Fashion-MNIST (Zalando's 28×28 grey-level article images; MNIST's format and sizes), validated on the
# test split as the seed does. Full mode trains each model 10 epochs on the 60 000 training images: the seed
# trains 50 (`--epochs 50`), but 10 already separate the three models and keep the lesson to a few minutes on
# 2 cores. Quick mode uses 1000 training and 300 test images, 2 epochs.

# %%
X, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X, X_test = X[:1000], X_test[:300]
print(f"training {X.shape}, validation {X_test.shape}, {X.dtype}; {EPOCHS} epochs")

# %% [markdown]
# ## Three models, one recipe
#
# The dense models are lesson 17's 784-32-784 (ReLU code) and lesson 22's 784-128-64-32 with its mirrored
# decoder (ReLU). The first table follows an image through the conv model, layer by layer: the shape
# (channels, height, width) that each layer outputs. The conv model is trained as `fast_model(conv)`: the
# same model (it shares `conv.params`, so training it trains `conv`), its layers computed by npae's fast path
# (`npae.perf.conv_fast`), which the tests hold equal to lesson 24's readable layers to rounding: nothing here
# depends on it but the speed. Everything after training (the validation loss, the reconstructions) calls
# the readable `conv` itself.

# %%
conv = conv_autoencoder(reduction="mean", dtype=np.float32, rng=np.random.default_rng(0))
dense = Autoencoder(784, 32, encoder="relu", decoder="sigmoid", loss="cross_entropy", init="glorot",
                    reduction="mean", dtype=np.float32, rng=np.random.default_rng(0))
deep = DeepAutoencoder([784, 128, 64, 32], activation="relu", decoder="sigmoid", loss="cross_entropy",
                       init="glorot", reduction="mean", dtype=np.float32, rng=np.random.default_rng(0))
print(f"{'layer':46s} output (C, H, W)")
for layer, shape in zip(conv.layers, conv.shapes[1:]):
    print(f"{layer!r:46s} {shape}")
models = {"conv 4×4×8": conv, "dense 784-32-784": dense, "deep 784-128-64-32": deep}
print(f"\n{'model':20s} {'code size':>9s} {'parameters':>10s}")
for name, model in models.items():
    print(f"{name:20s} {model.n_hidden:9d} {sum(v.size for v in model.params.values()):10d}")

histories, before = {}, {}
for name, model in models.items():
    before[name] = model.loss(X_test) if QUICK else None      # quick mode checks that training lowered it
    lesson.stamp(f"training {name} ({EPOCHS} epochs)")
    trained = fast_model(model) if model is conv else model                 # the same parameters
    histories[name] = train_minibatch(trained, X, X_val=X_test, optimizer=Adadelta(learning_rate=1.0, rho=0.95,
                                      epsilon=1e-7), epochs=EPOCHS, batch_size=256, rng=np.random.default_rng(1),
                                      verbose=not QUICK)

# %% [markdown]
# ## Results
#
# The validation loss is the per-pixel BCE of the 10 000 test images (`reconstruction_error(...,
# kind="bce_per_pixel")`, from the logits). The reference for the conv model is PyTorch 2.13 training the same
# network with the same recipe on the same data (Keras' objective, Adadelta, batch 256, Glorot-uniform kernels,
# zero biases, reshuffled every epoch), three times with the seeds 0, 1 and 2:
# `python benchmarks/bench_conv.py --model ae --torch-reference 10` prints their validation BCE after every
# epoch. The figures below are those runs' (made once, outside this lesson). Full mode checks that npae's conv
# model ends within 0.002 of the range of the three PyTorch runs, on either side, and that its validation
# curve lies below both dense models' at every epoch. Quick mode checks that training lowered each model's
# loss, and the same comparison of the curves over its 2 epochs.

# %%
# PyTorch's lowest and highest validation BCE per pixel of its three runs after 10 epochs (external, see above)
PYTORCH = {10: (0.3040, 0.3115)}
val = {name: reconstruction_error(model, X_test, kind="bce_per_pixel") for name, model in models.items()}
reference = PYTORCH.get(EPOCHS)
if reference:
    print(f"PyTorch after {EPOCHS} epochs, three seeds: {reference[0]:.4f} to {reference[1]:.4f}")
lesson.expect(f"conv AE validation BCE per pixel after {EPOCHS} epochs", val["conv 4×4×8"],
              quick=(0.0, before["conv 4×4×8"]) if QUICK else None,
              full=(reference[0] - 0.002, reference[1] + 0.002) if reference else None)
# the dense models' ranges: a full run made while writing this lesson measured 0.3254 and 0.3217, ± 0.0075
for name, full in (("dense 784-32-784", (0.318, 0.333)), ("deep 784-128-64-32", (0.314, 0.329))):
    lesson.expect(f"{name} validation BCE per pixel after {EPOCHS} epochs", val[name],
                  quick=(0.0, before[name]) if QUICK else None, full=full if EPOCHS == 10 else None)
conv_curve = np.array(histories["conv 4×4×8"].val_loss)
dense_best = np.minimum(histories["dense 784-32-784"].val_loss, histories["deep 784-128-64-32"].val_loss)
lesson.expect("epochs at which the conv model's validation BCE is below both dense models'",
              int(np.sum(conv_curve < dense_best)), quick=(EPOCHS, EPOCHS), full=(EPOCHS, EPOCHS), fmt=".0f")
print(f"\n{'model':20s} {'code':>5s} {'val BCE/pixel':>14s} {'s/epoch':>8s}   (seconds: reported only)")
for name, model in models.items():
    print(f"{name:20s} {model.n_hidden:5d} {val[name]:14.4f} {np.median(histories[name].seconds):8.1f}")

fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
for i, (name, history) in enumerate(histories.items()):
    epochs = np.arange(1, len(history.val_loss) + 1)
    ax.plot(epochs, history.val_loss, "o-", color=f"C{i}", label=f"{name}: validation")
    ax.plot(epochs, history.loss, "x--", color=f"C{i}", alpha=0.6, label=f"{name}: training")
if reference:
    ax.axhspan(*reference, color="grey", alpha=0.3, label=f"PyTorch conv AE after {EPOCHS} epochs (three runs)")
ax.set_xlabel("epoch")
ax.set_ylabel("BCE per pixel")
ax.set_title("Fashion-MNIST, Adadelta, batch 256, Keras' objective")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "25_learning_curves")

# %% [markdown]
# ## Reconstructions
#
# Row 1: test images; then the conv, dense and deep reconstructions of the same images.

# %%
shown = X_test[:10]
rows = [shown] + [model.reconstruct(shown) for model in models.values()]
lesson.show(show_images(np.concatenate(rows), (28, 28), ncols=10,
                        title="test images / conv 4×4×8 / dense 784-32-784 / deep 784-128-64-32"),
            "25_reconstructions")

# %% [markdown]
# ## What to look for
#
# - The table: the conv model's code has 128 numbers against the dense models' 32, with far fewer parameters
#   (see the table): weight sharing is cheap in parameters, not in computation.
#   Compare the validation losses with that in mind — a larger code is an easier task.
# - `25_learning_curves`: every curve falls; the training loss (dashed) is measured during each epoch, so
#   it lags the validation loss measured at its end.
# - `25_reconstructions`: look at what each model keeps — the silhouette, the grey level, the texture (the
#   print on the sweater, the checks on the shirt) — and whether its outputs are smooth or grainy. A
#   convolutional decoder builds every output pixel from a small neighbourhood of upsampled code, so its
#   outputs are smooth from the first epoch; a dense decoder sums 32 full-size templates, whose pixel-level
#   noise may take longer to cancel. (In a 10-epoch full run made while writing this lesson, the conv outputs
#   were smooth silhouettes with the grey level of each garment but no print or checks; the dense and deep
#   outputs kept the outlines but were grainy, the dense ones most; and no model kept the "Lee" print or the
#   checked pattern. The conv model's validation curve stayed below both dense ones at every epoch and ended
#   within the PyTorch band.)
#
# ## Exercises
#
# - Train with `reduction="sum"` (npae's convention) and the same Adadelta: how do the curves change? Then
#   scale ε by 784² and compare again (why 784²?).
# - Remove the "valid" convolution (make it "same"): what breaks, and where does the model say so?
# - Replace max-pooling by stride-2 convolutions (derive their backward pass first, lesson 24's exercise).
# - Graded: upsampling and its backward pass (the adjoint of copying is summing).
#   `python -m npae.exercises start upsample_backward` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start upsample_backward --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check upsample_backward` (with `--derive` for the derive level).
#
# ## Further reading
#
# - F. Chollet (2016), "Building Autoencoders in Keras", The Keras Blog (the seed's models).
# - J. Masci, U. Meier, D. Cireşan & J. Schmidhuber (2011), "Stacked convolutional auto-encoders for
#   hierarchical feature extraction", ICANN.
# - Goodfellow, Bengio & Courville, *Deep Learning*, ch. 9 and §14.

# %%
lesson.done()
