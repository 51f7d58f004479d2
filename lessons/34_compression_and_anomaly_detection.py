"""Lesson 34: autoencoders as data-specific, lossy compression, and anomaly detection by reconstruction error.

Run as a script (``python lessons/34_compression_and_anomaly_detection.py [--quick] [--out DIR]``) or open it as
a notebook with jupytext (percent format). Full mode: 784-k autoencoders (k = 8 … 64) on 20 000 Fashion-MNIST
images against PCA and JPEG at equal bits, one 784-32 on 10 000 stroke digits, ten 784-32 models each trained
without one class; quick mode: 800 images, 2 code sizes.
"""
# %% [markdown]
# # 34 · Lossy, data-specific compression and anomaly detection
#
# **What you will learn:** what it means that an autoencoder compresses *lossily* and *only the kind of data it was
# trained on* (the Keras blog's two caveats), measured as bits per image against error for an autoencoder, PCA and
# JPEG; and how the same fact makes a detector of the unfamiliar: an image unlike the training data reconstructs
# badly, so its reconstruction error is an anomaly score, judged by an ROC curve and its area (AUC).
#
# **Prerequisites:** lessons 01 (the autoencoder), 05 (PCA), 09 (denoising and PSNR) and 29 (codes against PCA).
#
# **Key terms:** lossy compression (有损压缩), anomaly detection (异常检测), code (编码), reconstruction (重构),
# dimensionality reduction (降维), representation learning (表示学习).
#
# ## An autoencoder is a codec
#
# Quantise the code $h = f(x)$ of a $k$-unit sigmoid encoder to $b$ bits per unit and the encoder, the quantiser and the
# decoder $g$ form a lossy compressor of $k b$ bits per image: $x \mapsto \lfloor h \rceil_b \mapsto g(\lfloor h \rceil_b)$. Two things follow from
# how it was made. It is **lossy**: $g(f(x)) \ne x$ in general, and no choice of weights makes a $k$-number code of
# a 784-number image exact. It is **data-specific**: $f$ and $g$ minimise the reconstruction error averaged over the
# *training* distribution, $\frac1m\sum_i L(x^{(i)}, g(f(x^{(i)})))$, and say nothing about images unlike those. JPEG, by contrast, is
# built for photographs in general: a fixed transform (the 8×8 DCT), fixed quantisation tables, no training.
#
# The comparison below counts, for every codec, only the bits that differ from image to image: $k$ units × 8 bits
# for the autoencoder and for PCA (with $k$ components, each quantised to 8 bits over its range on the training
# data), and the entropy-coded scan of the JPEG file (its headers, a few hundred bytes of tables that a collection of
# images would share, are left out, as the autoencoder's weights are; `npae/analysis/compression.py`). The error is
# the PSNR (lesson 09) on test images. JPEG's quality is chosen on validation images so that its mean size matches
# the autoencoder's $8k$ bits.
#
# ## An unfamiliar image reconstructs badly
#
# If the training images come from a distribution $p$, the autoencoder's error is small where $p$ has its mass and has
# no reason to be small elsewhere. The reconstruction error is then a score for **anomaly detection**: flag $x$ when
# $s(x) = \tfrac12\lVert x - r(x)\rVert^2$, with $r(x) = g(f(x))$ the reconstruction, exceeds a threshold $t$. Each $t$ gives a false-positive rate (normal images flagged) and a
# true-positive rate (anomalies flagged); the ROC curve traces both over all $t$, and its area is the probability that
# a random anomaly scores above a random normal image (1 separates perfectly, 0.5 is chance; `npae/analysis/anomaly.py`).
# Two tests: a Fashion-MNIST class the model never saw, against the nine it did; and digit-like strokes (drawn by code,
# `npae/data/strokes.py`: MNIST itself needs the internet), against Fashion-MNIST.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.anomaly import roc_auc, roc_curve, threshold_at_rate
from npae.analysis.compression import jpeg_roundtrip, quantise
from npae.analysis.metrics import psnr
from npae.analysis.pca import PCA
from npae.course import Lesson
from npae.data.strokes import digit_strokes
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="34_compression_and_anomaly_detection", needs=("fashion-mnist",))
QUICK = lesson.quick
CLASSES = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]

X_all, y_all = lesson.fashion_mnist("train", dtype=np.float32)
X_test, y_test = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X_train, y_train, X_val, y_val = X_all[:800], y_all[:800], X_all[800:1000], y_all[800:1000]
    X_test, y_test = X_test[:200], y_test[:200]
else:
    X_train, y_train, X_val, y_val = X_all[:20000], y_all[:20000], X_all[50000:55000], y_all[50000:55000]
n_strokes = 200 if QUICK else 2000
S_val = digit_strokes(n_strokes, np.random.default_rng(340))[0].astype(np.float32)
S_test = digit_strokes(n_strokes, np.random.default_rng(341))[0].astype(np.float32)
S_train = digit_strokes(800 if QUICK else 10000, np.random.default_rng(342))[0].astype(np.float32)
EPOCHS = 30 if QUICK else 10
CODE_SIZES = (8, 32) if QUICK else (8, 16, 32, 64)
lesson.show(show_images(np.vstack([X_test[:10], S_test[:10]]), image_shape=(28, 28), ncols=10,
                        title="Fashion-MNIST test images / stroke digits drawn by code"), "34_data")


class Codec:
    """An autoencoder 784-k-784 trained on X (its encoder sees x standardised by X's own pixel means and spread,
    as in lesson 29; its sigmoid decoder outputs the image), used with or without 8-bit quantisation of its code."""

    def __init__(self, X, X_validation, n_hidden, seed, epochs=EPOCHS):
        self.mean, self.scale = X.mean(axis=0), X.std()
        self.model = Autoencoder(784, n_hidden, loss="squared_error", init="glorot", rng=np.random.default_rng(seed),
                                 dtype=np.float32)
        train_minibatch(self.model, self.standardise(X), target=X, X_val=self.standardise(X_validation),
                        target_val=X_validation, epochs=epochs, batch_size=128, patience=2,
                        optimizer=Adam(learning_rate=3e-3), rng=np.random.default_rng(seed + 1), verbose=False)

    def standardise(self, X):
        return (X - self.mean) / self.scale

    def reconstruct(self, X):
        return self.model.reconstruct(self.standardise(X))

    def __call__(self, X):
        """decode(quantise(encode(X))) with 8 bits per code unit: the autoencoder as a codec of 8 k bits."""
        return self.model.decode(quantise(self.model.encode(self.standardise(X)), 0.0, 1.0, 8))


# %% [markdown]
# ## Bits against error: autoencoder, PCA, JPEG
#
# Four autoencoders with $k$ = 8, 16, 32, 64 code units (sigmoid code and output, squared error, Adam with step 0.003,
# up to 10 epochs, the epoch with the lowest validation loss kept; the encoder sees each pixel minus its training mean,
# divided by the pixels' spread, which keeps the sigmoid code from saturating early), PCA with the same $k$ (8-bit
# coefficients, each on its range over the training images), and JPEG over its quality scale.

# %%
autoencoders = {k: Codec(X_train, X_val, k, 3400 + k) for k in CODE_SIZES}
lesson.stamp("autoencoders trained: " + ", ".join(f"784-{k}" for k in CODE_SIZES))
pca = PCA(max(CODE_SIZES)).fit(X_train)


def pca_codec(X, k):
    """Project on the first k principal directions, quantise each coefficient to 8 bits, map back, clip to [0, 1]."""
    C = pca.components[:k]
    Z_train = (X_train - pca.mean) @ C.T
    Z = quantise((X - pca.mean) @ C.T, Z_train.min(axis=0), Z_train.max(axis=0), 8)
    return np.clip(Z @ C + pca.mean, 0.0, 1.0)


codec_psnr = {"autoencoder": {k: psnr(X_test, autoencoders[k](X_test)) for k in CODE_SIZES},
              "PCA": {k: psnr(X_test, pca_codec(X_test, k)) for k in CODE_SIZES}}
qualities = (1, 2, 3, 5, 8, 12, 20, 35, 50, 75, 90)
jpeg_val_bits = {q: float(jpeg_roundtrip(X_val[:1000], (28, 28), q)[1].mean()) for q in qualities}
jpeg_test = {q: jpeg_roundtrip(X_test, (28, 28), q) for q in qualities}
jpeg_curve = [(float(bits.mean()), psnr(X_test, X_hat)) for X_hat, bits in jpeg_test.values()]
# for each autoencoder, the JPEG quality whose mean validation size is nearest to its 8 k bits
matched = {k: min(qualities, key=lambda q: abs(jpeg_val_bits[q] - 8 * k)) for k in CODE_SIZES}
print(f"{'k':>3} {'bits':>5} {'AE PSNR':>8} {'PCA PSNR':>9} {'JPEG q':>7} {'JPEG bits':>10} {'JPEG PSNR':>10}")
for k in CODE_SIZES:
    X_hat, bits = jpeg_test[matched[k]]
    print(f"{k:3d} {8 * k:5d} {codec_psnr['autoencoder'][k]:8.2f} {codec_psnr['PCA'][k]:9.2f} {matched[k]:7d} "
          f"{bits.mean():10.1f} {psnr(X_test, X_hat):10.2f}")

# %% [markdown]
# ## Data-specific: each autoencoder on the other's data
#
# A 784-32 autoencoder trained on 10 000 stroke digits, and the 784-32 trained on Fashion-MNIST, each used as a
# codec on both test sets (the same 256 bits); JPEG at the quality matched to 256 bits on Fashion-MNIST, on both.

# %%
strokes_ae = Codec(S_train, S_val, 32, 3450)
k_mid = 32
fashion_ae = autoencoders[k_mid]
cross = {(model_name, data_name): psnr(X, model(X))
         for model_name, model in (("Fashion-MNIST", fashion_ae), ("strokes", strokes_ae))
         for data_name, X in (("Fashion-MNIST", X_test), ("strokes", S_test))}
jpeg_on = {name: jpeg_roundtrip(X, (28, 28), matched[k_mid]) for name, X in (("Fashion-MNIST", X_test),
                                                                           ("strokes", S_test))}
print(f"PSNR (dB) at 256 bits per image        on Fashion-MNIST   on strokes")
for model_name in ("Fashion-MNIST", "strokes"):
    print(f"784-32 trained on {model_name:14s}      {cross[(model_name, 'Fashion-MNIST')]:10.2f}   "
          f"{cross[(model_name, 'strokes')]:10.2f}")
print(f"JPEG quality {matched[k_mid]:<3d} (bits: {jpeg_on['Fashion-MNIST'][1].mean():.0f} / "
      f"{jpeg_on['strokes'][1].mean():.0f})       {psnr(X_test, jpeg_on['Fashion-MNIST'][0]):10.2f}   "
      f"{psnr(S_test, jpeg_on['strokes'][0]):10.2f}")

fig, axes = plt.subplots(1, 2, figsize=(12, 4.3), dpi=100)
ax = axes[0]
ax.plot([8 * k for k in CODE_SIZES], [codec_psnr["autoencoder"][k] for k in CODE_SIZES], "o-", label="autoencoder")
ax.plot([8 * k for k in CODE_SIZES], [codec_psnr["PCA"][k] for k in CODE_SIZES], "s-", label="PCA")
ax.plot(*zip(*jpeg_curve), "^-", label="JPEG (quality 1 … 90)")
ax.set(xscale="log", xlabel="bits per image", ylabel="PSNR (dB), test images", title="Fashion-MNIST")
ax.legend()
ax = axes[1]
labels = ["AE trained on\nFashion-MNIST", "AE trained on\nstrokes", f"JPEG\nquality {matched[k_mid]}"]
on_fashion = [cross[("Fashion-MNIST", "Fashion-MNIST")], cross[("strokes", "Fashion-MNIST")],
              psnr(X_test, jpeg_on["Fashion-MNIST"][0])]
on_strokes = [cross[("Fashion-MNIST", "strokes")], cross[("strokes", "strokes")], psnr(S_test, jpeg_on["strokes"][0])]
positions = np.arange(3)
ax.bar(positions - 0.2, on_fashion, 0.4, label="on Fashion-MNIST test")
ax.bar(positions + 0.2, on_strokes, 0.4, label="on stroke digits")
ax.set(xticks=positions, xticklabels=labels, ylabel="PSNR (dB)", title="256 bits per image (k = 32)")
ax.legend()
fig.tight_layout()
lesson.show(fig, "34_codecs")
sample_f, sample_s = X_test[:8], S_test[:8]
lesson.show(show_images(np.vstack([sample_f, fashion_ae(sample_f), strokes_ae(sample_f),
                                   jpeg_on["Fashion-MNIST"][0][:8], sample_s, fashion_ae(sample_s),
                                   strokes_ae(sample_s), jpeg_on["strokes"][0][:8]]),
                        image_shape=(28, 28), ncols=8,
                        title="image / AE (Fashion) / AE (strokes) / JPEG — Fashion-MNIST, then strokes"),
            "34_codec_images")

# %% [markdown]
# ## Anomaly detection 1: a class the model never saw
#
# Ten autoencoders 784-32 as above, each trained on 10 000 training images of nine classes (5 epochs; the epoch best
# on the nine classes' validation images kept). The held-out class's images are the anomalies. Three scores are candidates:
# the squared error $\tfrac12\lVert x - r(x)\rVert^2$ (the models' own loss), the cross-entropy, and the *relative* squared error
# $\lVert x - r(x)\rVert^2 / \lVert x\rVert^2$, which does not grow with the amount of ink in the image. Which one to use is decided on
# the validation split, by the mean AUC over the ten held-out classes; the test images are then scored once with it.
# Beside it, the same score with PCA's reconstruction (32 components fitted to the nine classes: a linear
# autoencoder, lesson 05). A detector also needs a threshold: it is set on the validation images of the nine classes
# so that 5 % of them are flagged, then applied to the test images.

# %%
def scores(X, R):
    """The candidate scores of every row of X (m, 784) given its reconstruction R: a dict name -> (m,)."""
    X, R = np.asarray(X, dtype=np.float64), np.clip(np.asarray(R, dtype=np.float64), 1e-7, 1 - 1e-7)
    squared = np.sum((X - R) ** 2, axis=1)
    return {"squared error": 0.5 * squared,
            "cross-entropy": -np.sum(X * np.log(R) + (1 - X) * np.log(1 - R), axis=1),
            "relative squared error": squared / np.maximum(np.sum(X ** 2, axis=1), 1e-12)}


SCORES = ("squared error", "cross-entropy", "relative squared error")
N_UNSEEN = 800 if QUICK else 10000
unseen = {}
for c in range(10):
    model = Codec(X_train[y_train != c][:N_UNSEEN], X_val[y_val != c], 32, 3500 + 10 * c, epochs=5)
    linear = PCA(32).fit(X_train[y_train != c][:10000])
    unseen[c] = {"val": scores(X_val, model.reconstruct(X_val)), "test": scores(X_test, model.reconstruct(X_test)),
                 "pca_test": scores(X_test, linear.reconstruct(X_test))}
lesson.stamp("ten autoencoders trained, each without one class")


def held_out_auc(c, key, name):
    """AUC of class c (anomalous) against the others, for the scores unseen[c][key][name]."""
    y = y_val if key == "val" else y_test
    s = unseen[c][key][name]
    return roc_auc(s[y != c], s[y == c])


val_auc = {name: np.mean([held_out_auc(c, "val", name) for c in range(10)]) for name in SCORES}
score_name = max(val_auc, key=val_auc.get)
print("mean validation AUC: " + ", ".join(f"{name} {auc:.3f}" for name, auc in val_auc.items())
      + f"  -> the test images are scored with the {score_name}")
test_auc = {c: held_out_auc(c, "test", score_name) for c in range(10)}
pca_auc = {c: held_out_auc(c, "pca_test", score_name) for c in range(10)}
detection, false_alarm = {}, {}
for c in range(10):
    s_val, s_test = unseen[c]["val"][score_name], unseen[c]["test"][score_name]
    t = threshold_at_rate(s_val[y_val != c], 0.05)
    detection[c], false_alarm[c] = float(np.mean(s_test[y_test == c] > t)), float(np.mean(s_test[y_test != c] > t))
print(f"{'held-out class':>14} {'AUC (AE)':>9} {'AUC (PCA)':>10} {'detected':>9} {'false alarms':>13}")
for c in range(10):
    print(f"{CLASSES[c]:>14} {test_auc[c]:9.3f} {pca_auc[c]:10.3f} {detection[c]:9.3f} {false_alarm[c]:13.3f}")

# %% [markdown]
# ## Anomaly detection 2: stroke digits among Fashion-MNIST
#
# The 784-32 autoencoder trained on all of Fashion-MNIST (from the codec section, unquantised here), the Fashion-MNIST
# images as the normal ones and the stroke digits as the anomalies. The score is chosen again on validation images
# (validation Fashion-MNIST against 2000 other stroke digits), among the same three.

# %%
stroke_val_scores = scores(S_val, fashion_ae.reconstruct(S_val))
fashion_val_scores = scores(X_val, fashion_ae.reconstruct(X_val))
stroke_val_auc = {name: roc_auc(fashion_val_scores[name], stroke_val_scores[name]) for name in SCORES}
stroke_score = max(stroke_val_auc, key=stroke_val_auc.get)
print("validation AUC, strokes among Fashion-MNIST: "
      + ", ".join(f"{name} {auc:.3f}" for name, auc in stroke_val_auc.items()) + f"  -> {stroke_score}")
strokes_scores = scores(S_test, fashion_ae.reconstruct(S_test))
fashion_scores = scores(X_test, fashion_ae.reconstruct(X_test))
strokes_auc = roc_auc(fashion_scores[stroke_score], strokes_scores[stroke_score])
raw_auc = roc_auc(fashion_scores["squared error"], strokes_scores["squared error"])
print(f"mean squared error: Fashion-MNIST test {fashion_scores['squared error'].mean():.2f}, strokes "
      f"{strokes_scores['squared error'].mean():.2f}; test AUC with the {stroke_score} {strokes_auc:.3f} "
      f"(with the squared error {raw_auc:.3f})")

fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), dpi=100)
ax = axes[0]
for c in range(10):
    s_test = unseen[c]["test"][score_name]
    fpr, tpr, _ = roc_curve(s_test[y_test != c], s_test[y_test == c])
    ax.plot(fpr, tpr, lw=1.2, label=f"{CLASSES[c]} unseen ({test_auc[c]:.2f})")
fpr, tpr, _ = roc_curve(fashion_scores[stroke_score], strokes_scores[stroke_score])
ax.plot(fpr, tpr, "k--", lw=2, label=f"strokes among Fashion, {stroke_score} ({strokes_auc:.2f})")
fpr, tpr, _ = roc_curve(fashion_scores["squared error"], strokes_scores["squared error"])
ax.plot(fpr, tpr, "k:", lw=2, label=f"strokes among Fashion, squared error ({raw_auc:.2f})")
ax.plot([0, 1], [0, 1], ":", color="0.5")
ax.set(xlabel="false-positive rate", ylabel="true-positive rate", title=f"ROC curves (AUC); unseen classes: {score_name}")
ax.legend(fontsize=7, loc="lower right")
ax = axes[1]
positions = np.arange(10)
ax.bar(positions - 0.2, [test_auc[c] for c in range(10)], 0.4, label="autoencoder 784-32")
ax.bar(positions + 0.2, [pca_auc[c] for c in range(10)], 0.4, label="PCA, 32 components")
ax.axhline(0.5, color="0.5", ls=":")
ax.set(xticks=positions, xticklabels=CLASSES, ylabel="test AUC", title="Each class held out in turn", ylim=(0, 1))
ax.tick_params(axis="x", rotation=45)
ax.legend()
fig.tight_layout()
lesson.show(fig, "34_roc")

# %% [markdown]
# ## Results
#
# Printed by this run. In full mode:
#
# - the autoencoder's PSNR grows with its code, and it is lossy throughout (8-bit pixels would give 48 dB);
# - at 256 bits this small autoencoder does *not* beat the generic codecs: it lands within a dB or two below PCA with
#   quantised coefficients and below JPEG at its lowest quality (which needs about 20 % more bits). The Keras blog's
#   warning holds here: beating a basic codec is hard for a one-layer autoencoder;
# - it is data-specific: each autoencoder loses several dB on the other data set against the one trained there,
#   while JPEG, trained on nothing, differs by about a dB between the two sets (and does *better* on the strokes);
# - reconstruction error separates the stroke digits from Fashion-MNIST almost perfectly, but only once the score is
#   the *relative* error, chosen on validation: the raw squared error ranks some empty, thin-stroked digits below the
#   textured garments;
# - an unseen Fashion-MNIST class is harder: the mean AUC is well above chance but far from 1; classes unlike all
#   others (bag, ankle boot, trouser, sandal) stand out, while a shirt among T-shirts, pullovers and coats
#   reconstructs as well as they do and hides (AUC near 0.5). PCA does as well as the autoencoder on average. At the
#   threshold that flags 5 % of the normal validation images, the test images get about 5 % false alarms, and most
#   unseen images go undetected.
#
# Quick mode (800 images) checks that the pieces run and that the clearest effects already show.

# %%
psnr_ae = codec_psnr["autoencoder"]
lesson.expect("PSNR of the 784-32 autoencoder codec (256 bits), Fashion-MNIST test", psnr_ae[32],
              quick=(8, 25), full=(16, 20), fmt=".2f", unit="dB")
lesson.expect("PSNR gain from 8 to 32 code units", psnr_ae[32] - psnr_ae[8], quick=(0, 8), full=(1.5, 5),
              fmt=".2f", unit="dB")
lesson.expect("autoencoder − PCA at 256 bits", psnr_ae[32] - codec_psnr["PCA"][32], full=(-2.5, 0.5), fmt=".2f",
              unit="dB")
lesson.expect("autoencoder (256 bits) − JPEG at its matched quality", psnr_ae[32] - psnr(X_test, jpeg_test[matched[32]][0]),
              full=(-2.5, 0.5), fmt=".2f", unit="dB")
lesson.expect("JPEG's mean test size at the matched quality / 256 bits", jpeg_test[matched[32]][1].mean() / 256,
              quick=(0.5, 2), full=(1.0, 1.4), fmt=".2f")
lesson.expect("on strokes: AE trained on strokes − AE trained on Fashion-MNIST",
              cross[("strokes", "strokes")] - cross[("Fashion-MNIST", "strokes")], quick=(0, 20), full=(3, 12),
              fmt=".2f", unit="dB")
lesson.expect("on Fashion-MNIST: AE trained on Fashion-MNIST − AE trained on strokes",
              cross[("Fashion-MNIST", "Fashion-MNIST")] - cross[("strokes", "Fashion-MNIST")], quick=(0, 20),
              full=(3, 12), fmt=".2f", unit="dB")
lesson.expect("JPEG: PSNR on Fashion-MNIST − on strokes, same quality",
              psnr(X_test, jpeg_on["Fashion-MNIST"][0]) - psnr(S_test, jpeg_on["strokes"][0]), full=(-2.5, 0),
              fmt=".2f", unit="dB")
lesson.expect("score chosen on validation for the strokes (2 = relative squared error)", SCORES.index(stroke_score),
              quick=(2, 2), full=(2, 2), fmt=".0f")
lesson.expect("AUC, stroke digits among Fashion-MNIST", strokes_auc, quick=(0.7, 1.0), full=(0.95, 1.0), fmt=".3f")
lesson.expect("AUC, stroke digits among Fashion-MNIST, raw squared error", raw_auc, full=(0.7, 0.97), fmt=".3f")
lesson.expect("mean test AUC over the ten held-out classes (AE)", np.mean(list(test_auc.values())), full=(0.6, 0.8),
              fmt=".3f")
lesson.expect("held-out classes with test AUC above 0.75 (of 10)", sum(a > 0.75 for a in test_auc.values()),
              full=(2, 6), fmt=".0f")
lesson.expect("test AUC of the shirt held out", test_auc[6], full=(0.35, 0.6), fmt=".3f")
lesson.expect("mean test AUC, AE − PCA", np.mean(list(test_auc.values())) - np.mean(list(pca_auc.values())),
              full=(-0.05, 0.05), fmt=".3f")
lesson.expect("mean false-alarm rate on test at the 5 % validation threshold", np.mean(list(false_alarm.values())),
              full=(0.03, 0.07), fmt=".3f")
lesson.expect("mean detection rate at that threshold", np.mean(list(detection.values())), full=(0.05, 0.4), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `34_codecs`: left, the autoencoder's curve close to PCA's, JPEG's starting where its headers-free scan can go no
#   lower (about 300 bits); right, each autoencoder's bar high on its own data and low on the other, JPEG's two bars
#   level.
# - `34_codec_images`: the Fashion-trained codec turns a digit into a blurred garment-like blob; the strokes-trained one
#   turns a garment into strokes; JPEG at this rate is blocky on both, but blocky *the same way* on both.
# - `34_roc`: the dashed curve of the stroke digits (relative error) hugging the top-left corner, the dotted one (raw
#   error) below it; the held-out classes spread between them and the diagonal, and the bars show which classes hide.
#
# ## Exercises
#
# - Score the stroke digits with a VAE's −ELBO (lesson 32) instead of the reconstruction error. Is the AUC higher?
# - The relative squared error divides by the image's ink, $\lVert x\rVert^2$: which of the two tests does it help, and why?
# - Give the autoencoder 4 bits per code unit and twice the units (the same bits): which is better?
# - Hold out two similar classes at once (sandal and sneaker): what happens to their AUC?
#
# ## Further reading
#
# - F. Chollet (2016), "Building autoencoders in Keras", *The Keras Blog* (autoencoders are data-specific and lossy;
#   "pretty difficult to train an autoencoder that does better than a basic algorithm like JPEG").
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.1 and §14.9; 《深度学习》14.9 自编码器的应用.
# - J. A. Hanley, B. J. McNeil (1982), "The meaning and use of the area under a receiver operating characteristic (ROC)
#   curve", *Radiology* 143 (the AUC as a rank statistic).
# - V. Chandola, A. Banerjee, V. Kumar (2009), "Anomaly detection: a survey", *ACM Computing Surveys* 41(3).
# - G. K. Wallace (1992), "The JPEG still picture compression standard", *IEEE Trans. Consumer Electronics* 38(1).

# %%
lesson.done()
