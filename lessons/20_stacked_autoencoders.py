"""Lesson 20: stacked autoencoders — greedy layer-wise pretraining, first- and second-layer features.

Run as a script (``python lessons/20_stacked_autoencoders.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: two sparse autoencoders 784-200-200 on 5000 Fashion-MNIST images
(float32, 300 L-BFGS iterations each); quick mode: 800 images, 50 hidden units, 20 iterations.
"""
# %% [markdown]
# # 20 · Stacked autoencoders: greedy layer-wise pretraining
#
# **What you will learn:** how to learn features of features by training autoencoders one layer at a time;
# why this was needed for deep sigmoid networks; how to look at second-layer features, which are not images.
#
# **Prerequisites:** lessons 03 and 18 (the sparse autoencoder on images), 02 (the backward recurrence).
#
# **Key terms:** stacked autoencoder (栈式自编码器), greedy layer-wise unsupervised pretraining
# (贪心逐层无监督预训练), representation (表示), feature (特征), vanishing gradient (梯度消失),
# sparse autoencoder (稀疏自编码器).
#
# ## The derivation: why greedy, and what it computes
#
# 1. In a deep sigmoid network the error reaching layer $l-1$ is
#    $\delta^{(l-1)} = (\delta^{(l)} W^{(l)\top}) \circ \sigma'(z^{(l-1)})$, and $\sigma' \le \tfrac14$: from a
#    random start, each layer multiplies the error by a factor that is typically well below 1, and the first
#    layers barely learn. Deep networks trained end to end from random sigmoid weights used to end in poor
#    solutions (Bengio et al. 2007).
# 2. Greedy layer-wise pretraining (Hinton & Salakhutdinov 2006; Bengio et al. 2007; UFLDL *Stacked
#    Autoencoders*) avoids the long chain: train an autoencoder on $x$ and keep its encoder
#    $h^{(1)} = \sigma(xW^{(1)} + b^{(1)})$; compute $h^{(1)}$ for the whole training set **once**; train a
#    second autoencoder on $h^{(1)}$ as if it were data, keep $h^{(2)} = \sigma(h^{(1)}W^{(2)} + b^{(2)})$; and so
#    on. Each problem is a shallow one, with a one-step backward pass.
# 3. Each layer solves its own objective, not the stack's: nothing guarantees that $h^{(2)}$ is the best
#    2-layer code. Pretraining gives a *starting point* for fine-tuning (lesson 21) or for a deep autoencoder
#    (lesson 22).
# 4. The layers below are frozen, so their codes are computed once (a tip from the Theano tutorial on stacked
#    denoising autoencoders). `greedy_pretrain` (`npae/training/stacking.py`) does exactly this with a list of
#    `Layer(make, method, options)`.

# %%
import numpy as np

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson, ufldl_sparse_layer
from npae.plotting import display_network, show_images
from npae.training.stacking import Layer, deep_autoencoder, greedy_pretrain

lesson = Lesson(__doc__, name="20_stacked_autoencoders", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(0)
X_all, _ = lesson.fashion_mnist("train", dtype=np.float32)
X = X_all[:800] if QUICK else X_all[:5000]
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
X_test = X_test[:200 if QUICK else 10000]
N_HIDDEN = 50 if QUICK else 200
ITERATIONS = 20 if QUICK else 300
print(f"training images {X.shape}, hidden units per layer {N_HIDDEN}")

# %% [markdown]
# ## Two sparse layers
#
# UFLDL's MNIST values for both layers (`npae.course.ufldl_sparse_layer`): ρ = 0.1, λ = 3·10⁻³, β = 3, each
# layer trained by L-BFGS on the whole batch, in float32.

# %%
make = ufldl_sparse_layer(N_HIDDEN)
layers = [Layer(make, method="lbfgs", options=dict(maxiter=ITERATIONS, verbose=False))] * 2
models, codes = greedy_pretrain(X, layers, rng=rng, return_codes=True)
for k, (model, inputs) in enumerate(zip(models, [X, codes[0]]), start=1):
    lesson.stamp(f"layer {k}: {model.n_visible}-{model.n_hidden}, loss on its inputs {model.loss(inputs):.4f}, "
                 f"mean activation ρ̂ {codes[k - 1].mean():.3f} (target 0.1)")

# %% [markdown]
# ## First-layer features
#
# Unit $j$ of layer 1 responds most to inputs along its weight vector $W^{(1)}[:, j]$ (the unit-norm input that
# maximises $z_j$ is $W^{(1)}[:, j]/\lVert W^{(1)}[:, j]\rVert$), so each column is drawn as a 28×28 image.

# %%
lesson.show(display_network(models[0].params["W1"][:, :100], patch_shape=(28, 28), pixels_per_cell=3,
                            title="layer 1: W1[:, j] of the first 100 units"), "20_layer1_features")

# %% [markdown]
# ## Second-layer features
#
# A layer-2 unit sees layer-1 codes, not pixels, so its weights cannot be drawn as an image. (Drawing the linear
# combination $W^{(1)}W^{(2)}[:, j]$ ignores the sigmoid in between, and the part common to all columns can
# dominate it.) A faithful picture is empirical (Erhan et al. 2009): for each unit, the **average of the 20
# training images that activate it most**. The same picture for layer 1 is shown beside it.

# %%
TOP = 20
second = X[np.argsort(-codes[1], axis=0)[:TOP]].mean(axis=0)        # (n_hidden, 784)
first = X[np.argsort(-codes[0], axis=0)[:TOP]].mean(axis=0)
lesson.show(show_images(second[:100], image_shape=(28, 28), ncols=10, normalize=True,
                        title=f"layer 2: mean of the {TOP} images that activate each unit most"), "20_layer2_top_images")
lesson.show(show_images(first[:100], image_shape=(28, 28), ncols=10, normalize=True,
                        title=f"layer 1: mean of the {TOP} images that activate each unit most"), "20_layer1_top_images")

# %% [markdown]
# ## What the stack keeps
#
# Reconstructing through both layers — encode twice, decode twice — shows what information survives two sparse
# codes. `deep_autoencoder(models)` unrolls the stack into one network (lesson 22 fine-tunes it); here it only
# evaluates it.

# %%
unrolled = deep_autoencoder(models, dtype=np.float32)
sample = X_test[:10]
lesson.show(show_images(np.vstack([sample, models[0].reconstruct(sample), unrolled.reconstruct(sample)]),
                        image_shape=(28, 28), ncols=10,
                        title="test images / through layer 1 / through layers 1 and 2"), "20_reconstructions")

# %% [markdown]
# ## Results
#
# Expected: both layers' mean activations near the target 0.1; the test reconstruction error (scored once)
# through two layers larger than through one — every code loses something, and layer 2 was trained to
# reconstruct layer-1 codes, not images. Quick mode (20 iterations) already shows both, and checks them; its
# reconstruction error is only checked for sanity.

# %%
err1 = reconstruction_error(models[0], X_test, kind="squared_error")
err2 = reconstruction_error(unrolled, X_test, kind="squared_error")
lesson.expect("layer 1 mean rho_hat", codes[0].mean(), quick=(0.08, 0.12), full=(0.08, 0.12), fmt=".3f")
lesson.expect("layer 2 mean rho_hat", codes[1].mean(), quick=(0.08, 0.12), full=(0.08, 0.12), fmt=".3f")
lesson.expect("test reconstruction error through layer 1 (squared_error: ½‖x̂−x‖²)", err1, quick=(0, 100),
              full=(2.0, 10.0))
lesson.expect("through layers 1 and 2 / through layer 1", err2 / err1, quick=(1.0, 5.0), full=(1.0, 5.0), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `20_layer1_features`: the same kind of features as lesson 18 (the same model with 200 units instead of 196,
#   300 iterations instead of 400): whole-garment templates with their weight on the outlines — shoe profiles
#   with a bright sole line, sleeves and shoulders, the gap between trouser legs — and a few local blobs; not
#   parts that could be recombined into other garments. In quick mode they are still noisy.
# - `20_layer1_top_images` and `20_layer2_top_images`: each tile is a *kind* of garment (a sneaker, a pair of
#   trousers, a bag), or a pose or shade of one. Compare how many distinct kinds each layer's tiles show.
# - `20_reconstructions`: through two layers the images are blurrier than through one.
#
# ## Exercises
#
# - Draw $W^{(1)}W^{(2)}[:, j]$ for the layer-2 units and compare with `20_layer2_top_images`: what does the
#   linear picture miss?
# - Make layer 2 a denoising autoencoder (`Layer(..., corruption=Corruption("masking", 0.3))`). Does its
#   top-images picture change?
# - Train the 784-200-200 stack end to end from random weights (lesson 22's `DeepAutoencoder`) and print the
#   gradient norms per layer at the first step: how much smaller is layer 1's?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §15.1 (greedy layer-wise unsupervised pretraining);
#   《深度学习》15.1 贪心逐层无监督预训练.
# - UFLDL, *Stacked Autoencoders*.
# - G. Hinton, R. Salakhutdinov (2006), "Reducing the dimensionality of data with neural networks", *Science*
#   313; Y. Bengio, P. Lamblin, D. Popovici, H. Larochelle (2007), "Greedy layer-wise training of deep
#   networks", NeurIPS; D. Erhan, Y. Bengio, A. Courville, P. Vincent (2009), "Visualizing higher-layer
#   features of a deep network", Université de Montréal technical report 1341.

# %%
lesson.done()
