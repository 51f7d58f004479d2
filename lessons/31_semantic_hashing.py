"""Lesson 31: semantic hashing — binary codes from an autoencoder, retrieval by Hamming distance.

Run as a script (``python lessons/31_semantic_hashing.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: the 60 000 training images as the database, 2000 test queries, 16/32/64-bit
codes, 6 epochs; quick mode: 800 images, 100 queries, 16 bits, 1 epoch.
"""
# %% [markdown]
# # 31 · Semantic hashing
#
# **What you will learn:** how an autoencoder can produce short binary codes in which similar images differ in
# few bits; why noise added to the code during training makes the code binary; how retrieval by Hamming
# distance works and how it is evaluated (precision@k) against random projections and PCA.
#
# **Prerequisites:** lessons 08 (stochastic encoders: noise in the code), 17 (a 784-32-784 autoencoder),
# 29 (PCA and the autoencoder as dimensionality reduction).
#
# **Key terms:** semantic hashing (语义哈希), binary code (二值编码), Hamming distance (汉明距离),
# information retrieval (信息检索), locality-sensitive hashing (局部敏感哈希), saturation (饱和),
# Gaussian noise (高斯噪声), precision (精度).
#
# ## The derivation
#
# 1. **Binary codes.** Give every image a code $b(x) \in \{0, 1\}^k$ such that similar images get codes that
#    differ in few bits. The **Hamming distance** $d(b, b') = \sum_j [b_j \ne b'_j]$ is the number of ones in
#    $b \oplus b'$: for $k \le 64$, one XOR and one popcount on a machine word.
# 2. **From an autoencoder.** Take a sigmoid code $h(x) \in (0, 1)^k$ and threshold it: $b_j = [h_j > 0.5]$.
#    Thresholding throws away whatever the code stored in values near 0.5.
# 3. **Code noise** (Salakhutdinov & Hinton 2007): during training, add Gaussian noise $n \sim \mathcal N(0, s^2)$,
#    $s = 4$, fresh for each minibatch, to the code units' *input*: $h = \sigma(xW_1 + b_1 + n)$. A unit whose
#    value matters for the reconstruction must then keep $|z_j|$ large compared with $s$, i.e. sit far from 0.5,
#    where noise of that size cannot flip it: the code saturates, and thresholding it loses little. Gradients are
#    unchanged in form: the noise is an input of the loss (`Autoencoder.loss_and_grads(X, code_noise=N)`, a
#    deterministic, gradient-checked function); `npae.analysis.hashing.CodeNoiseTrainer` draws it.
# 4. **Evaluation.** For each held-out query, rank the database codes by Hamming distance and take the $k = 100$
#    nearest; **precision@k** is the fraction of them in the query's class (ties at the $k$-th distance counted
#    by their expected share). Chance is 0.1.
# 5. **Baselines at the same number of bits:** LSH — the signs of random Gaussian projections of the centred data
#    (the Hamming distance then estimates the angle between images) — and PCA codes — the signs of the top
#    principal components.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.hashing import (CodeNoiseTrainer, PCAHash, RandomProjectionHash, binarize, pack_codes,
                                   precision_at_k)
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="31_semantic_hashing", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(20)
X_train, y_train = lesson.fashion_mnist("train")
X_test, y_test = lesson.fashion_mnist("test")
if QUICK:
    X_train, y_train = X_train[:800], y_train[:800]
queries = rng.permutation(len(X_test))[:100 if QUICK else 2000]
X_q, y_q = X_test[queries], y_test[queries]
BITS = (16,) if QUICK else (16, 32, 64)
EPOCHS = 1 if QUICK else 6
K, NOISE_STD = 100, 4.0
mu, sigma = X_train.mean(axis=0), X_train.std()


def standardise(X):
    """The encoder's input; the reconstruction target is x itself."""
    return (X - mu) / sigma


print(f"database: {len(X_train)} training images; {len(X_q)} held-out test queries; precision@{K}")

# %% [markdown]
# ## One autoencoder per code length, and the baselines
#
# 784 → $k$ → 784, sigmoid code and decoder, cross-entropy, Adam; the settings ($s = 4$, the epochs) are fixed in
# advance, so the test queries are scored once.

# %%
codes, learned = {}, {}
for n_bits in BITS:
    model = Autoencoder(784, n_bits, encoder="sigmoid", decoder="sigmoid", loss="cross_entropy", rng=rng,
                        init="glorot", dtype=np.float32)
    train_minibatch(CodeNoiseTrainer(model, NOISE_STD, rng), standardise(X_train), target=X_train,
                    epochs=EPOCHS, batch_size=128, optimizer=Adam(learning_rate=3e-3), rng=rng, verbose=False)
    H_db = model.encode(standardise(X_train))
    learned[n_bits] = (model, H_db)
    codes["autoencoder", n_bits] = (binarize(model.encode(standardise(X_q))), binarize(H_db))
    lsh = RandomProjectionHash(n_bits, rng).fit(X_train)
    codes["LSH", n_bits] = (lsh.codes(X_q), lsh.codes(X_train))
    pca = PCAHash(n_bits).fit(X_train)
    codes["PCA", n_bits] = (pca.codes(X_q), pca.codes(X_train))
    lesson.stamp(f"{n_bits} bits: autoencoder trained; baselines fitted")

# %% [markdown]
# ## Precision@100 at the same number of bits

# %%
METHODS = ("LSH", "PCA", "autoencoder")
packed = {key: (pack_codes(Bq), pack_codes(Bdb)) for key, (Bq, Bdb) in codes.items()}
table = {key: precision_at_k(Pq, y_q, Pdb, y_train, K) for key, (Pq, Pdb) in packed.items()}
print(f"precision@{K} (fraction of the {K} nearest training images in the query's class; chance = 0.10)")
print("bits " + "".join(f"{m:>13}" for m in METHODS))
for n_bits in BITS:
    print(f"{n_bits:4d} " + "".join(f"{table[m, n_bits]:13.3f}" for m in METHODS))

fig, axes = plt.subplots(1, 2, figsize=(11, 4), dpi=100)
n_bits = BITS[0]
axes[0].hist(learned[n_bits][1].ravel(), bins=50, color="tab:green")
axes[0].set(yscale="log", xlabel="code unit value (sigmoid)", ylabel="count (database, all units)",
            title=f"{n_bits}-unit code trained with code noise")
ks = [k for k in (1, 10, 50, 100, 500, 1000) if k <= len(X_train)]
for method in METHODS:
    Pq, Pdb = packed[method, n_bits]
    axes[1].plot(ks, [precision_at_k(Pq, y_q, Pdb, y_train, k) for k in ks], marker="o", label=method)
axes[1].set(xscale="log", xlabel="k", ylabel="precision@k", title=f"Hamming retrieval, {n_bits} bits")
axes[1].legend()
fig.tight_layout()
lesson.show(fig, "31_semantic_hashing")

# %% [markdown]
# ## Results
#
# Expected in full mode: most code values of the noise-trained autoencoder are saturated (below 0.1 or above
# 0.9), so thresholding costs little; at the same number of bits its codes retrieve more same-class neighbours
# than random projections, and more than PCA signs. Quick mode (one epoch on 800 images, 100 queries) shows
# most code values saturated and all three above chance, and checks them; there the autoencoder is only level
# with the baselines (within 0.05 either way, which it checks), ahead of them in full mode.

# %%
H16 = learned[BITS[0]][1]
lesson.expect(f"{BITS[0]} bits: fraction of code values below 0.1 or above 0.9", np.mean((H16 < 0.1) | (H16 > 0.9)),
              quick=(0.5, 1.0), full=(0.7, 1.0), fmt=".3f")
for method in METHODS:
    lesson.expect(f"{BITS[0]} bits: precision@{K}, {method}", table[method, BITS[0]], quick=(0.1, 1.0),
                  full=(0.3, 0.9), fmt=".3f")
lesson.expect(f"{BITS[0]} bits: autoencoder − LSH", table["autoencoder", BITS[0]] - table["LSH", BITS[0]],
              quick=(-0.05, 0.5), full=(0.0, 0.5), fmt="+.3f")
lesson.expect(f"{BITS[0]} bits: autoencoder − PCA", table["autoencoder", BITS[0]] - table["PCA", BITS[0]],
              quick=(-0.05, 0.5), full=(0.0, 0.5), fmt="+.3f")

# %% [markdown]
# ## What to look for in the figure
#
# - Left: the histogram of code values has two spikes, near 0 and near 1 (log scale: the middle is nearly
#   empty) in full mode; after quick mode's one epoch, the check above says how many values are already below
#   0.1 or above 0.9.
# - Right: precision falls as $k$ grows (further neighbours are less similar); the autoencoder's curve is above
#   the two baselines' in full mode (level with them in quick mode).
#
# Retrieval here is a linear scan: for each database item one XOR and one popcount per 64-bit word, then a
# partial sort for the $k$ nearest — a cost proportional to the database size. Semantic hashing proper goes
# further: with short codes used as memory addresses, the neighbours are found by enumerating the addresses
# within a small Hamming ball, at a cost independent of the database size.
#
# ## Exercises
#
# - Train without code noise (`train_minibatch(model, ...)` directly) and compare the histogram and the
#   precision after thresholding. How much did the noise buy?
# - Try $s$ = 1 and 16. Choose $s$ on a validation split carved from the training images (queries from the
#   validation part, database the rest), then score the test queries once.
# - Why is a sign of a PCA coordinate a poor bit when that coordinate's distribution is unimodal around 0?
#
# ## Further reading
#
# - R. Salakhutdinov, G. Hinton (2007/2009), "Semantic hashing", SIGIR workshop; *Int. J. Approximate
#   Reasoning* 50.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.9 (applications of autoencoders: information retrieval
#   and semantic hashing); 《深度学习》14.9 自编码器的应用.
# - M. Charikar (2002), "Similarity estimation techniques from rounding algorithms", STOC (LSH by random
#   hyperplanes).
# - UFLDL has no page on hashing; its *Autoencoders and Sparsity* page is the background for the model.

# %%
lesson.done()
