"""Lesson 30: visualising 32-dimensional codes in 2-D — t-SNE next to PCA (Goodfellow et al. §14.9).

Run as a script (``python lessons/30_visualising_codes_tsne.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). t-SNE needs scikit-learn (``pip install -e .[lessons]``); without it the t-SNE
panel is skipped with a printed reason and the PCA half still runs. Full mode: the 784-32-784 autoencoder of
lesson 17 trained for 15 epochs on 10 000 images, codes of 2000 held-out images; quick mode: 1000 images,
2 epochs, 300 codes.
"""
# %% [markdown]
# # 30 · Seeing the codes: t-SNE and PCA
#
# **What you will learn:** how to look at a 32-dimensional code in two dimensions; what PCA keeps (the
# directions of largest variance, globally, linearly) and what t-SNE keeps (who is whose neighbour, locally,
# non-linearly); how to *measure* what a 2-D picture preserves (neighbour agreement, trustworthiness) instead
# of trusting how it looks; and where t-SNE pictures mislead.
#
# **Prerequisites:** lessons 05 (undercomplete autoencoders and PCA) and 17 (the Keras autoencoder in NumPy).
#
# **Key terms:** t-SNE (t-SNE), principal components analysis (主成分分析), visualisation (可视化),
# embedding (嵌入), code (编码), perplexity (困惑度), Kullback–Leibler divergence (KL 散度),
# nearest neighbour (最近邻), dimensionality reduction (降维).
#
# Goodfellow et al. end chapter 14 (§14.9, applications of autoencoders) with dimensionality reduction and
# visualisation: a low-dimensional code can be *looked at*. The Keras blog's autoencoder, which lesson 17 rebuilt,
# compresses a 784-pixel image into 32 numbers, still far too many to plot. Two ways down to 2:
#
# **PCA** projects the codes $h_i$ onto the two directions of largest variance. It is linear and global: far
# points stay far, but clusters that differ along other directions overlap.
#
# **t-SNE** (van der Maaten & Hinton 2008) places points $y_i \in \mathbb R^2$ so that their *neighbourhoods* match.
# In the code space it turns distances into probabilities that $i$ would pick $j$ as its neighbour,
#
# $$ p_{j\mid i} = \frac{\exp(-\lVert h_i - h_j\rVert^2 / 2\sigma_i^2)}{\sum_{k \ne i} \exp(-\lVert h_i - h_k\rVert^2 / 2\sigma_i^2)},
#    \qquad p_{ij} = \frac{p_{j\mid i} + p_{i\mid j}}{2n}, $$
#
# with each $\sigma_i$ set so that the distribution has a chosen *perplexity* (an effective number of neighbours,
# 30 here); in the plane it uses a heavy-tailed Student-t kernel, $q_{ij} \propto (1 + \lVert y_i - y_j\rVert^2)^{-1}$,
# and it minimises $\mathrm{KL}(P \,\|\, Q) = \sum_{ij} p_{ij}\log(p_{ij}/q_{ij})$ by gradient descent. The KL divergence
# punishes neighbours placed far apart much more than far points placed close; the heavy tail lets moderately
# distant points drift far apart, which opens gaps between clusters. Sizes of clusters and distances between
# them in a t-SNE picture therefore mean little (Wattenberg et al. 2016).

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.pca import PCA
from npae.course import Lesson
from npae.data.digits import FASHION_MNIST_CLASSES
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="30_visualising_codes_tsne", needs=("fashion-mnist",))
QUICK = lesson.quick

try:
    from sklearn.manifold import TSNE, trustworthiness
except ImportError:
    TSNE = trustworthiness = None
    print("t-SNE panel skipped: scikit-learn is not installed (it is a lessons extra: pip install -e .[lessons]); "
          "the PCA half of the lesson still runs.")

# %% [markdown]
# ## The autoencoder and its codes
#
# The seed's model: 784-32-784, ReLU code, sigmoid output, binary cross-entropy, Glorot initialisation. Lesson
# 17 trains it with the blog's Adadelta recipe for 50 epochs on 60 000 images; to keep this lesson short we
# train the same model with Adam (η = 1e-3) for 15 epochs on 10 000 images, which is enough for the codes to
# separate the classes. The codes are computed for held-out images (the 2000 images after the training ones)
# and never used for any choice.

# %%
X_all, y_all = lesson.fashion_mnist("train")
n_train, n_show = (700, 300) if QUICK else (10000, 2000)   # quick: within the bundled 1000-image subset
X, X_show, y_show = X_all[:n_train], X_all[n_train:n_train + n_show], y_all[n_train:n_train + n_show]
epochs = 2 if QUICK else 15
model = Autoencoder(784, 32, encoder="relu", decoder="sigmoid", loss="cross_entropy", init="glorot",
                    rng=np.random.default_rng(0))
history = train_minibatch(model, X, optimizer=Adam(learning_rate=1e-3), epochs=epochs, batch_size=256,
                          rng=np.random.default_rng(1), verbose=False)
H = model.encode(X_show)                                   # (n_show, 32) codes
lesson.stamp(f"trained {epochs} epochs (training BCE per pixel {history.loss[-1] / 784:.4f}); codes {H.shape}, "
             f"{np.mean(H.max(axis=0) == 0):.0%} of the code units never active on these images")

# %% [markdown]
# ## Two embeddings of the same codes
#
# PCA to 2 components (npae's `PCA`), and t-SNE (`sklearn.manifold.TSNE`, perplexity 30, PCA initialisation,
# a fixed seed). Both see only the codes; the colours (the true classes) are added afterwards.

# %%
embeddings = {"PCA": PCA(2).fit(H).encode(H)}
pca_all = PCA(min(H.shape)).fit(H)
explained = pca_all.explained_variance[:2].sum() / pca_all.explained_variance.sum()
print(f"the first two principal components explain {explained:.1%} of the codes' variance")
if TSNE is not None:
    # one OpenMP thread: scikit-learn's Barnes-Hut t-SNE otherwise starts a thread per core, and on a machine
    # that is busy with other work those threads wait for each other far longer than they compute
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        embeddings["t-SNE"] = TSNE(n_components=2, perplexity=30, init="pca", random_state=0).fit_transform(H)
    lesson.stamp("t-SNE done")

fig, axes = plt.subplots(1, len(embeddings), figsize=(6 * len(embeddings), 5.4), dpi=100, squeeze=False)
for ax, (name, E) in zip(axes[0], embeddings.items()):
    for k in range(10):
        mask = y_show == k
        ax.scatter(E[mask, 0], E[mask, 1], s=4, color=plt.cm.tab10(k), label=FASHION_MNIST_CLASSES[k])
    ax.set(title=f"{name} of the 32-dimensional codes", xticks=[], yticks=[])
axes[0, 0].legend(fontsize=7, markerscale=3, loc="best")
fig.tight_layout()
lesson.show(fig, "30_codes_2d")

# %% [markdown]
# ## What does each picture preserve? Measure it
#
# Two numbers per embedding, computed on the same held-out images:
#
# - **neighbour agreement**: the fraction of each point's 10 nearest neighbours (in the picture) that have its
#   class. The same number in the 32-D code space is the ceiling a faithful picture can reach, and raw pixels
#   give a reference.
# - **trustworthiness** (Venna & Kaski 2001; `sklearn.manifold.trustworthiness`): 1 when every point's
#   neighbours in the picture are also its neighbours among the codes; it penalises false neighbours by how far
#   down the code-space ranking they come from.

# %%
def neighbour_agreement(E, y, k=10):
    """Mean fraction of each row's k nearest neighbours (Euclidean, itself excluded) that share its label."""
    squared = np.sum(E**2, axis=1)
    D = squared[:, None] + squared[None, :] - 2 * E @ E.T
    np.fill_diagonal(D, np.inf)
    neighbours = np.argpartition(D, k, axis=1)[:, :k]
    return float(np.mean(y[neighbours] == y[:, None]))


agreement = {"pixels (784-D)": neighbour_agreement(X_show, y_show), "codes (32-D)": neighbour_agreement(H, y_show)}
agreement.update({f"{name} (2-D)": neighbour_agreement(E, y_show) for name, E in embeddings.items()})
for name, value in agreement.items():
    print(f"neighbour agreement, {name:>16s}: {value:.3f}")
trust = {}
if trustworthiness is not None:
    trust = {name: trustworthiness(H, E, n_neighbors=10) for name, E in embeddings.items()}
    for name, value in trust.items():
        print(f"trustworthiness (10 neighbours), {name}: {value:.3f}")

# %% [markdown]
# ## Results
#
# Printed by this run. The 32-D codes keep the classes' neighbourhoods about as well as the raw pixels do,
# in 24 times fewer numbers. PCA's 2-D picture loses much of that: its two directions carry only part of the
# codes' variance, and classes that differ along the others fall on top of each other. t-SNE keeps nearly all
# of the neighbourhood structure, and its trustworthiness is close to 1, PCA's lower. Neither picture is the
# code: class labels were never shown to the autoencoder, and a class that is mixed with another in the
# picture may be mixed in the codes too (compare the codes' own neighbour agreement).

# %%
lesson.expect("variance of the codes explained by 2 principal components", explained, quick=(0.05, 1.0),
              full=(0.2, 0.7))
lesson.expect("neighbour agreement: pixels", agreement["pixels (784-D)"], quick=(0.3, 1.0), full=(0.6, 0.85))
lesson.expect("neighbour agreement: 32-D codes", agreement["codes (32-D)"], quick=(0.3, 1.0), full=(0.6, 0.85))
lesson.expect("neighbour agreement: codes / pixels", agreement["codes (32-D)"] / agreement["pixels (784-D)"],
              quick=(0.3, 2.0), full=(0.9, 1.1), fmt=".3f")
lesson.expect("neighbour agreement: PCA 2-D", agreement["PCA (2-D)"], quick=(0.1, 1.0), full=(0.3, 0.65))
if "t-SNE" in embeddings:
    lesson.expect("neighbour agreement: t-SNE 2-D", agreement["t-SNE (2-D)"], quick=(0.1, 1.0), full=(0.65, 0.9))
    lesson.expect("neighbour agreement: t-SNE / codes", agreement["t-SNE (2-D)"] / agreement["codes (32-D)"],
                  quick=(0.2, 1.5), full=(0.85, 1.1))
    lesson.expect("trustworthiness: t-SNE", trust["t-SNE"], quick=(0.5, 1.0), full=(0.9, 1.0), fmt=".3f")
    lesson.expect("trustworthiness: PCA", trust["PCA"], quick=(0.5, 1.0), full=(0.6, 1.0), fmt=".3f")
    lesson.expect("trustworthiness: t-SNE minus PCA", trust["t-SNE"] - trust["PCA"], quick=(0, 1), full=(0.02, 1),
                  fmt=".3f")
else:
    print("t-SNE results skipped: scikit-learn is not installed.")

# %% [markdown]
# ## What to look for in the figure
#
# - `30_codes_2d`, PCA: one continuous cloud, footwear (sandals, sneakers, ankle boots) on one side, trousers,
#   dresses and the upper-body garments on the other, the classes overlapping heavily. t-SNE: islands —
#   trousers, bags and ankle boots apart from the rest; sandals and sneakers side by side; pullovers, coats and
#   shirts sharing mixed islands. The gaps between t-SNE's islands and their sizes are not distances you can
#   read.
#
# ## Exercises
#
# - Run t-SNE with perplexity 5 and 100: how do the pictures and the two numbers change?
# - Run t-SNE twice with different `random_state`: which features of the picture are stable?
# - Embed the raw pixels with t-SNE instead of the codes. Is the picture better or worse? Explain with the
#   neighbour agreement of pixels and codes.
# - Replace PCA by the 2-D code of an autoencoder with a 2-unit bottleneck (lesson 29): where does it land
#   between PCA and t-SNE?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.9 (applications of autoencoders; 《深度学习》14.9
#   自编码器的应用).
# - L. van der Maaten & G. Hinton (2008), "Visualizing data using t-SNE", JMLR 9.
# - M. Wattenberg, F. Viégas, I. Johnson (2016), "How to use t-SNE effectively", *Distill*.
# - J. Venna & S. Kaski (2001), "Neighborhood preservation in nonlinear projection methods: an experimental
#   study", ICANN.
# - F. Chollet (2016), "Building autoencoders in Keras", The Keras Blog (the seed's model, and its suggestion to
#   look at the codes with t-SNE).

# %%
lesson.done()
