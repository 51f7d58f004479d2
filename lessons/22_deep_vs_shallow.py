"""Lesson 22: a deep autoencoder against a shallow one with the same code size (Fashion-MNIST).

Run as a script (``python lessons/22_deep_vs_shallow.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: 784-128-64-32 (greedy pretraining, 3 epochs a layer, then 8 epochs of
fine-tuning), the same network from a random start (8 epochs), and 784-32 (17 epochs), all on 30 000 images in
float32 with minibatch Adam; quick mode: 800 images.
"""
# %% [markdown]
# # 22 · Deep versus shallow autoencoders
#
# **What you will learn:** what a deep autoencoder computes and how its gradient is the one backward recurrence
# applied layer after layer; what changes when weights are tied (a matrix used twice gets the sum of two
# gradients); why greedy pretraining helped deep sigmoid autoencoders; how a deep and a shallow autoencoder with
# the same 32-number code compare on held-out images.
#
# **Prerequisites:** lessons 02 (backprop), 20 (stacked autoencoders and greedy pretraining), 21 (fine-tuning).
#
# **Key terms:** deep autoencoder (深度自编码器), depth (深度), unsupervised pretraining (无监督预训练),
# fine-tuning (精调), tied weights (绑定的权重), cross-entropy (交叉熵), back-propagation (反向传播),
# representational power (表示能力).
#
# ## The derivation
#
# 1. **The network.** With $a^{(0)} = x$ and $K = 3$ encoder layers,
#    $a^{(l)} = \sigma(a^{(l-1)}W^{(l)} + b^{(l)})$ for $l = 1, \dots, 2K$: layers 1–3 go
#    $784\to128\to64\to32$ (the code is $a^{(3)}$), layers 4–6 mirror them back to 784, and $\hat x = a^{(6)}$.
#    A shallow autoencoder is the case $K = 1$: each code unit is one squashed linear projection of the image.
#    (These are the sizes of the Keras blog's deep autoencoder; its recipe — ReLU units, Adadelta, no
#    pretraining — and the wiring of its code are trained in lesson 17. Here the units are sigmoids, as in
#    Hinton & Salakhutdinov's deep autoencoders, so that pretraining can be compared.)
#    Depth lets the code be a much more nonlinear function of $x$, and the reconstruction of the code
#    (Goodfellow et al. §14.3).
# 2. **The loss and its first delta.** The Bernoulli cross-entropy
#    $J = \frac1m\sum_i\sum_j -[x_{ij}\log\hat x_{ij} + (1-x_{ij})\log(1-\hat x_{ij})]$, with a sigmoid output,
#    has $\delta^{(6)} = \partial J/\partial z^{(6)} = \frac1m(\hat X - X)$ (lesson 17).
# 3. **The recurrence.** For $l = 6, 5, \dots, 1$:
#    $\nabla_{W^{(l)}} J = a^{(l-1)\top}\delta^{(l)}$, $\nabla_{b^{(l)}} J = \mathbf 1^\top\delta^{(l)}$, and
#    $\delta^{(l-1)} = (\delta^{(l)}W^{(l)\top}) \circ a^{(l-1)}(1 - a^{(l-1)})$. It is the same loop as the
#    classifier's of lesson 21 (`stack_backward` in `npae/models/deep.py`); only the loss on top differs.
# 4. **Tied weights.** If the decoder uses $W^{(2K+1-l)} = W^{(l)\top}$, the matrix $W^{(l)}$ is used twice, and
#    by the chain rule its gradient is the *sum* of the two: $a^{(l-1)\top}\delta^{(l)} + (a^{(2K-l)\top}\delta^{(2K+1-l)})^\top$.
# 5. **Why pretraining.** Each factor $\sigma' \le \tfrac14$ in step 3 shrinks the error on its way down six
#    layers, so from random weights the lower layers learn slowly; Hinton & Salakhutdinov (2006) started from a
#    greedily pretrained stack (lesson 20) instead: `deep_autoencoder(models)` unrolls three pretrained
#    autoencoders — encoders going up, their decoders coming down — and all six layers are then fine-tuned on the
#    reconstruction error.

# %%
import numpy as np

from npae.analysis.metrics import reconstruction_error
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.stacking import Layer, deep_autoencoder, greedy_pretrain

lesson = Lesson(__doc__, name="22_deep_vs_shallow", needs=("fashion-mnist",))
QUICK = lesson.quick

X, _ = lesson.fashion_mnist("train", dtype=np.float32)
X_test, _ = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X, X_test = X[:800], X_test[:200]
else:
    X = X[:30000]                                  # half the training split: the full mode within its time budget
SIZES = [784, 128, 64, 32]
PRETRAIN_EPOCHS = 1 if QUICK else 3
EPOCHS = 2 if QUICK else 8
print(f"train {X.shape}, test {X_test.shape}; deep {'-'.join(map(str, SIZES + SIZES[-2::-1]))}, shallow 784-32-784")

# %% [markdown]
# ## Greedy pretraining, then fine-tuning
#
# Three autoencoders 784-128, 128-64, 64-32 with cross-entropy losses (each layer's inputs are in $[0, 1]$:
# pixels, then sigmoid codes), a few epochs each, trained on the codes of the layer below computed once. Then the
# unrolled six-layer network is fine-tuned with Adam. Nothing is chosen in this lesson (the sizes and epochs are
# fixed in advance), so the test images are scored once, at the end.

# %%
rng = np.random.default_rng(0)


def layer(n_hidden):
    return Layer(lambda n, rng: Autoencoder(n, n_hidden, loss="cross_entropy", rng=rng, dtype=np.float32,
                                            init="glorot"),
                 method="minibatch", options=dict(epochs=PRETRAIN_EPOCHS, batch_size=128, verbose=False))


models = greedy_pretrain(X, [layer(n) for n in SIZES[1:]], rng=rng, verbose=False)
deep = deep_autoencoder(models, loss="cross_entropy", dtype=np.float32)
before_fine_tuning = reconstruction_error(deep, X, kind="cross_entropy")
train_minibatch(deep, X, epochs=EPOCHS, batch_size=128, rng=rng, verbose=False)
lesson.stamp(f"pretrained deep AE: training cross-entropy before fine-tuning {before_fine_tuning:.2f}, after "
             f"{reconstruction_error(deep, X, kind='cross_entropy'):.2f}")

# %% [markdown]
# ## The same deep network from a random start, and a shallow one with the same code
#
# Same sizes, same optimiser, same number of fine-tuning epochs, no pretraining (Glorot initialisation). The
# shallow 784-32-784 autoencoder is trained as many epochs as the deep one received in total (pretraining plus
# fine-tuning), so that it is not handicapped by fewer passes over the data.

# %%
scratch = DeepAutoencoder(SIZES, loss="cross_entropy", rng=np.random.default_rng(1), dtype=np.float32,
                          init="glorot")
train_minibatch(scratch, X, epochs=EPOCHS, batch_size=128, rng=rng, verbose=False)
shallow = Autoencoder(784, 32, loss="cross_entropy", rng=np.random.default_rng(2), dtype=np.float32, init="glorot")
train_minibatch(shallow, X, epochs=EPOCHS + 3 * PRETRAIN_EPOCHS, batch_size=128, rng=rng, verbose=False)
lesson.stamp("deep from scratch and shallow trained")

# %% [markdown]
# ## Reconstructions
#
# Rows: test images; the shallow autoencoder; the deep one from scratch; the pretrained and fine-tuned deep one.

# %%
sample = X_test[:12]
lesson.show(show_images(np.vstack([sample, shallow.reconstruct(sample), scratch.reconstruct(sample),
                                   deep.reconstruct(sample)]), image_shape=(28, 28), ncols=12,
                        title="test / shallow 784-32 / deep from scratch / deep pretrained + fine-tuned"),
            "22_reconstructions")

# %% [markdown]
# ## Results
#
# Test reconstruction errors, in the loss the models were trained on (`cross_entropy`: summed over the 784
# pixels, mean over images) and in `squared_error` (½‖x̂ − x‖² per image). Expected in full mode: fine-tuning
# lowers the pretrained network's training error by more than 5 % (the unrolled stack is only a starting
# point); the pretrained deep autoencoder ends below the shallow one with the same 32-unit code. Whether the
# deep network from a random start catches up within the same epochs is what the ratio `scratch / pretrained`
# measures: in this run it does not (it ends above the pretrained one). Quick mode (two
# epochs on 800 images) already shows all three: fine-tuning lowers the error, the pretrained deep network ends
# below the shallow one, and the one from a random start above the pretrained one; each is checked there.

# %%
errors = {name: reconstruction_error(model, X_test, kind="cross_entropy")
          for name, model in (("shallow", shallow), ("scratch", scratch), ("pretrained", deep))}
for name, model in (("shallow 784-32-784", shallow), ("deep, random start", scratch),
                    ("deep, pretrained + fine-tuned", deep)):
    print(f"{name:32s} test cross_entropy {reconstruction_error(model, X_test, kind='cross_entropy'):8.2f}   "
          f"squared_error {reconstruction_error(model, X_test, kind='squared_error'):7.3f}")
lesson.expect("training cross-entropy after / before fine-tuning",
              reconstruction_error(deep, X, kind="cross_entropy") / before_fine_tuning, quick=(0.0, 0.95),
              full=(0.0, 0.95), fmt=".3f")
lesson.expect("test cross-entropy, pretrained deep / shallow", errors["pretrained"] / errors["shallow"],
              quick=(0.5, 1.0), full=(0.8, 1.0), fmt=".3f")
lesson.expect("test cross-entropy, deep from scratch / pretrained deep", errors["scratch"] / errors["pretrained"],
              quick=(1.0, 2.0), full=(1.0, 1.3), fmt=".3f")

# %% [markdown]
# ## What to look for in the figure
#
# - `22_reconstructions`: all three keep the silhouette; compare the shading inside the garments and the
#   sharpness of the outlines between row 2 (shallow) and row 4 (pretrained deep). In quick mode all rows are
#   blurred averages.
#
# ## Exercises
#
# - Tie the deep autoencoder's weights (`deep_autoencoder(models, tied=True)`) and check step 4 numerically
#   with `npae.gradcheck.check_gradients` on a few images.
# - Replace the sigmoid hidden layers by ReLU (`DeepAutoencoder(..., activation="relu")`) from a random start:
#   does pretraining still matter?
# - Give the shallow autoencoder a 64-unit code: at which code size does it match the deep one?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.3 (representational power, layer size and depth) and
#   §15.1; 《深度学习》14.3 表示能力、层的大小和深度, 15.1 贪心逐层无监督预训练.
# - UFLDL, *Stacked Autoencoders*.
# - G. Hinton, R. Salakhutdinov (2006), "Reducing the dimensionality of data with neural networks", *Science* 313.

# %%
lesson.done()
