"""Lesson 20: stacked autoencoders — greedy layer-wise pretraining, first- and second-layer features.

Run as a script (``python lessons/20_stacked_autoencoders.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: two sparse autoencoders 784-200-200 on 10 000 Fashion-MNIST images
(float32, 300 L-BFGS iterations each, as UFLDL); quick mode: 1000 images, 50 hidden units, 20 iterations.
"""
# %% [markdown]
# # 20 · Stacked autoencoders: greedy layer-wise pretraining
#
# One autoencoder learns one layer of features. To learn features *of features* we could train a deep
# network end to end — but with sigmoid units and random weights, the error reaching the first layers through
# $\delta^{(l-1)} = (\delta^{(l)} W^{(l)\top}) \circ \sigma'(z^{(l-1)})$ is multiplied by $\sigma' \le \tfrac14$
# at every layer, and deep networks trained from a random start used to end in poor solutions. Hinton &
# Salakhutdinov (2006) and Bengio et al. (2007) trained them **greedily, one layer at a time**
# (UFLDL "Stacked Autoencoders"; Goodfellow et al. §15.1):
#
# 1. train an autoencoder on the data $x$; keep its encoder $h^{(1)} = f(x W_1 + b_1)$;
# 2. compute the codes $h^{(1)}$ of the whole training set **once**;
# 3. train a second autoencoder on the codes $h^{(1)}$ as if they were data; keep $h^{(2)} = f(h^{(1)} W_2 + b_2)$;
# 4. and so on. Each layer can be any autoencoder — sparse, denoising, contractive — with its own
#    hyperparameters.
#
# Step 2 is a tip from the Theano stacked-denoising-autoencoder tutorial: the layers below are frozen, so
# recomputing their output at every iteration of the layer above is wasted work. In npae, `greedy_pretrain`
# (`npae/training/stacking.py`) takes a list of `Layer(make, method, options, corruption, n_samples)` and does exactly this.
#
# The decoders are thrown away at the end: what we keep is a deep *encoder* $x \mapsto h^{(1)} \mapsto h^{(2)}$,
# the starting point for fine-tuning (lesson 21) or for a deep autoencoder (lesson 22).

# %%
import os
import time

import numpy as np

from npae.data.digits import load_fashion_mnist
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import KLSparsity, WeightDecay
from npae.plotting import display_network, show_images
from npae.training.stacking import Layer, greedy_pretrain
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()

rng = np.random.default_rng(0)
X, y = load_fashion_mnist("train", dtype=np.float32)
X = X[:1000] if QUICK else X[:10000]
N_HIDDEN = 50 if QUICK else 200
ITERATIONS = 20 if QUICK else 300
print(f"training images {X.shape}, hidden units per layer {N_HIDDEN}")

# %% [markdown]
# ## Two sparse layers
#
# UFLDL's MNIST values for both layers: sparsity target $\rho = 0.1$, weight decay $\lambda = 3\cdot10^{-3}$,
# sparsity weight $\beta = 3$. Each layer is trained by L-BFGS on the whole batch, in float32 (UFLDL uses
# minFunc's L-BFGS with 400 iterations on 60 000 images; we take 10 000 images and 300 iterations to stay within
# minutes). Minibatch Adam for a few epochs is cheaper, but leaves many first-layer weight vectors visibly noisy:
# units that are rarely active receive little gradient and keep their random initial weights for a long time.

# %%
def sparse_layer(n_visible, rng):
    return Autoencoder(n_visible, N_HIDDEN, penalties=[WeightDecay(3e-3), KLSparsity(rho=0.1, beta=3.0)],
                       rng=rng, dtype=np.float32)


layers = [Layer(sparse_layer, method="lbfgs", options=dict(maxiter=ITERATIONS, verbose=False)),
          Layer(sparse_layer, method="lbfgs", options=dict(maxiter=ITERATIONS, verbose=False))]
models, codes = greedy_pretrain(X, layers, rng=rng, return_codes=True)
for k, (model, inputs) in enumerate(zip(models, [X, codes[0]]), start=1):
    print(f"layer {k}: {model.n_visible}-{model.n_hidden}, loss on its training codes {model.loss(inputs):.4f}, "
          f"mean activation ρ̂ {codes[k - 1].mean():.3f} (target 0.1)")

# %% [markdown]
# ## First-layer features
#
# Unit $j$ of layer 1 responds most to inputs along its weight vector $W_1[:, j]$ (the input of unit norm
# that maximises $z_j$ is $W_1[:, j] / \lVert W_1[:, j] \rVert$), so we show each column as a 28×28 image,
# as UFLDL's `display_network` does. On Fashion-MNIST they are pieces of garment outlines: collars, sleeves,
# soles, the gap between trouser legs.

# %%
display_network(models[0].params["W1"][:, :100], patch_shape=(28, 28), path=OUT / "10_layer1_features.png")

# %% [markdown]
# ## Second-layer features
#
# A layer-2 unit sees layer-1 codes, not pixels, so its weights cannot be drawn as an image. (Drawing the
# linear combination $W_1 W_2[:, j]$ of layer-1 features ignores the sigmoid in between, and the part common
# to all columns can dominate it: in one of our runs it gave nearly the same picture for every unit.) A faithful picture is
# empirical (Erhan et al. 2009, "Visualizing higher-layer features of a deep network"): for each layer-2 unit,
# the **average of the 20 training images that activate it most**. Each tile is then a *kind* of garment, or a
# pose or shade of one, rather than a stroke: layer 2 responds to combinations of layer-1 parts.

# %%
TOP = 20
order = np.argsort(-codes[1], axis=0)[:TOP]                          # (TOP, n_hidden): best images per unit
second = X[order].mean(axis=0)                                       # (n_hidden, 784)
show_images(second[:100], image_shape=(28, 28), ncols=10, normalize=True, path=OUT / "10_layer2_features.png",
            title=f"layer 2: mean of the {TOP} images that activate each unit most")
first = X[np.argsort(-codes[0], axis=0)[:TOP]].mean(axis=0)
show_images(first[:100], image_shape=(28, 28), ncols=10, normalize=True, path=OUT / "10_layer1_top_images.png",
            title=f"layer 1: mean of the {TOP} images that activate each unit most")

# %% [markdown]
# ## What the stack keeps
#
# Reconstructing through both layers — decode layer 2, then decode layer 1 — shows what information survives
# two sparse codes. (Lesson 22 fine-tunes exactly this unrolled network as a deep autoencoder.)

# %%
sample = X[:10]
through_two = models[0].decode(models[1].decode(codes[1][:10]))
show_images(np.vstack([sample, models[0].reconstruct(sample), through_two]), image_shape=(28, 28), ncols=10,
            path=OUT / "10_reconstructions.png", title="data / through layer 1 / through layers 1 and 2")
err1 = 0.5 * np.mean(np.sum((models[0].reconstruct(X) - X) ** 2, axis=1))
err2 = 0.5 * np.mean(np.sum((models[0].decode(models[1].decode(codes[1])) - X) ** 2, axis=1))
print(f"reconstruction error ½‖x̂ - x‖² per image: through layer 1 {err1:.3f}, through both layers {err2:.3f}")
print(f"done in {time.perf_counter() - START:.1f} s, load average {os.getloadavg()[0]:.1f}")
