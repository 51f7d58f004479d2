"""Lesson 22: a deep autoencoder against a shallow one with the same code size (Fashion-MNIST).

Run as a script (``python lessons/22_deep_vs_shallow.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: 784-128-64-32 (greedy pretraining, then fine-tuning), the same network
from a random start, and 784-32, all on 60 000 images in float32 with minibatch Adam; quick mode: 1000 images.
"""
# %% [markdown]
# # 22 · Deep versus shallow autoencoders
#
# A shallow autoencoder with a 32-unit code computes $h = \sigma(x W_1 + b_1)$: each code unit is one
# squashed linear projection of the image. A **deep** autoencoder puts hidden layers on both sides of the code,
#
# $$ x \xrightarrow{784\to128} h^{(1)} \xrightarrow{128\to64} h^{(2)} \xrightarrow{64\to32} h^{(3)}
#    \xrightarrow{32\to64} \cdots \xrightarrow{128\to784} \hat x , $$
#
# so that the code can be a much more non-linear function of the input — and the reconstruction a
# non-linear function of the code. Goodfellow et al. (§14.3) note that depth can exponentially reduce the
# computational cost of representing some functions, and that deep autoencoders compress better than shallow
# ones at the same code size (Hinton & Salakhutdinov 2006).
#
# In npae, `DeepAutoencoder` (`npae/models/deep.py`) is the unrolled network with parameters `W1 … W6`, `b1 … b6`
# (or, tied, `W1 … W3` used on the way up and transposed on the way down — a matrix used twice receives the
# *sum* of its two gradients). Its backward pass is the same `stack_backward` loop as the classifier's; only
# the loss on top differs (here the Bernoulli cross-entropy of `npae.core.losses`).
#
# Training it from random weights is hard for the reason of lesson 20; Hinton & Salakhutdinov pretrained it
# greedily. We do the same (`deep_autoencoder(models)` unrolls three pretrained autoencoders: encoders going up,
# their decoders coming down), then **fine-tune** all six layers on the reconstruction error.

# %%
import os
import time

import numpy as np

from npae.data.digits import load_fashion_mnist
from npae.models.deep import DeepAutoencoder
from npae.training.minibatch import train_minibatch
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.training.stacking import Layer, deep_autoencoder, greedy_pretrain
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()


def stamp(text):
    print(f"[{time.perf_counter() - START:6.1f} s, load {os.getloadavg()[0]:.1f}] {text}", flush=True)


X, _ = load_fashion_mnist("train", dtype=np.float32)
X_test, _ = load_fashion_mnist("test", dtype=np.float32)
if QUICK:
    X, X_test = X[:1000], X_test[:300]
SIZES = [784, 128, 64, 32]
PRETRAIN_EPOCHS = 1 if QUICK else 3
EPOCHS = 2 if QUICK else 20
print(f"train {X.shape}, test {X_test.shape}; deep {'-'.join(map(str, SIZES + SIZES[-2::-1]))}, "
      f"shallow 784-32-784")


def squared_error(model, X):
    """Mean over images of ½‖x̂ - x‖² (UFLDL's J without penalties), whatever loss the model was trained on."""
    return 0.5 * float(np.mean(np.sum((model.reconstruct(X) - X) ** 2, axis=1)))


# %% [markdown]
# ## Greedy pretraining, then fine-tuning
#
# Three autoencoders 784-128, 128-64, 64-32 with cross-entropy losses (each layer's inputs are in $[0, 1]$:
# pixels, then sigmoid codes), a few epochs each, trained on the codes of the layer below computed once.
# Then the unrolled six-layer network is fine-tuned with Adam on the cross-entropy of the reconstruction.

# %%
rng = np.random.default_rng(0)


def layer(n_hidden):
    return Layer(lambda n, rng: Autoencoder(n, n_hidden, loss="cross_entropy", rng=rng, dtype=np.float32,
                                            init="glorot"),
                 method="minibatch", options=dict(epochs=PRETRAIN_EPOCHS, batch_size=128, verbose=False))


models = greedy_pretrain(X, [layer(n) for n in SIZES[1:]], rng=rng, verbose=False)
deep = deep_autoencoder(models, loss="cross_entropy", dtype=np.float32)
stamp(f"pretrained deep AE, before fine-tuning: test ½‖x̂-x‖² {squared_error(deep, X_test):.3f}")
train_minibatch(deep, X, epochs=EPOCHS, batch_size=128, rng=rng, verbose=False)
stamp(f"pretrained deep AE after {EPOCHS} epochs of fine-tuning: test ½‖x̂-x‖² {squared_error(deep, X_test):.3f}")

# %% [markdown]
# ## The same deep network from a random start
#
# Same sizes, same optimiser, same number of fine-tuning epochs — no pretraining (Glorot initialisation).

# %%
scratch = DeepAutoencoder(SIZES, loss="cross_entropy", rng=np.random.default_rng(1), dtype=np.float32,
                          init="glorot")
train_minibatch(scratch, X, epochs=EPOCHS, batch_size=128, rng=rng, verbose=False)
stamp(f"deep AE from random weights, {EPOCHS} epochs: test ½‖x̂-x‖² {squared_error(scratch, X_test):.3f}")

# %% [markdown]
# ## A shallow autoencoder with the same 32-unit code
#
# Trained as long as the deep one was in total (pretraining plus fine-tuning epochs), so that it is not
# handicapped by a smaller budget of passes over the data.

# %%
shallow = Autoencoder(784, 32, loss="cross_entropy", rng=np.random.default_rng(2), dtype=np.float32,
                      init="glorot")
train_minibatch(shallow, X, epochs=EPOCHS + 3 * PRETRAIN_EPOCHS, batch_size=128, rng=rng, verbose=False)
stamp(f"shallow 784-32 AE, {EPOCHS + 3 * PRETRAIN_EPOCHS} epochs: test ½‖x̂-x‖² {squared_error(shallow, X_test):.3f}")

# %% [markdown]
# ## Reconstructions
#
# Rows: test images; the shallow autoencoder; the deep one from scratch; the pretrained and fine-tuned deep one.

# %%
sample = X_test[:12]
show_images(np.vstack([sample, shallow.reconstruct(sample), scratch.reconstruct(sample), deep.reconstruct(sample)]),
            image_shape=(28, 28), ncols=12, path=OUT / "12_reconstructions.png",
            title="test / shallow 784-32 / deep from scratch / deep pretrained + fine-tuned")
print(f"{'model':40s} test ½‖x̂-x‖² per image")
for name, model in (("shallow 784-32-784", shallow), ("deep 784-128-64-32, random start", scratch),
                    ("deep 784-128-64-32, pretrained + fine-tuned", deep)):
    print(f"{name:40s} {squared_error(model, X_test):.3f}")
stamp("done")
