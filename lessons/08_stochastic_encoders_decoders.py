"""Lesson 08: stochastic encoders and decoders — the reconstruction loss as a negative log-likelihood.

Run as a script (``python lessons/08_stochastic_encoders_decoders.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: two 784-64-784 autoencoders (one trained through a noisy
encoder) on 4000 Fashion-MNIST images for 10 epochs; quick mode: 400 images, 2 epochs.
"""
# %% [markdown]
# # 08 · Stochastic encoders and decoders
#
# **What you will learn:** how an autoencoder's decoder defines a distribution $p_{\text{decoder}}(x \mid h)$ and
# why minimising the reconstruction loss maximises a *conditional* likelihood, that of $x$ given its own code
# (Goodfellow et al. §14.4), not the likelihood of a generative model of $x$; the negative
# log-likelihood of a Gaussian and of a Bernoulli decoder written out, and shown — by computation — to be npae's
# squared error and cross-entropy up to constants; how to sample from the decoder; and what a noisy encoder
# $p_{\text{encoder}}(h \mid x)$ does to the code when the network is trained through it.
#
# **Prerequisites:** lessons 01 (the autoencoder and its two losses) and 04 (minibatch training).
#
# **Key terms:** stochastic encoder (随机编码器), stochastic decoder (随机解码器), maximum likelihood (最大似然),
# negative log-likelihood (负对数似然), Gaussian distribution (高斯分布), Bernoulli distribution (Bernoulli 分布),
# cross-entropy (交叉熵), mean squared error (均方误差), saturation (饱和).
#
# ## The decoder is a distribution (§14.4)
#
# Any network that outputs numbers can output the *parameters* of a distribution. Given the code $h$, let the
# decoder output $\omega = g(h)$ and read it as the parameters of $p_{\text{decoder}}(x \mid h)$. Training the
# autoencoder to reconstruct $x$ then means minimising
#
# $$ -\log p_{\text{decoder}}(x \mid h), \qquad h = f(x), $$
#
# conditional maximum likelihood (§5.5, §6.2.1.1): each $x$ is scored by the decoder's distribution *given its own
# code* $h = f(x)$. That is not maximum likelihood of a model of $x$: a generative model would have to assign a
# probability $p_{\text{model}}(x) = \sum_h p_{\text{model}}(h)\,p_{\text{model}}(x \mid h)$ to $x$ without being shown
# $x$ first. §14.2.1 draws the distinction — it reads a sparse autoencoder as an *approximation* of that
# likelihood, one point estimate of $h$ in place of the sum — and the variational autoencoder bounds it. (In
# this lesson σ is a standard deviation, so the logistic sigmoid is written $\operatorname{sigmoid}(\cdot)$.)
# The choice of distribution *is* the choice of loss:
#
# **Gaussian decoder.** $p(x \mid h) = \mathcal N(x; \hat x, \sigma^2 I)$ with $\hat x = g(h)$, $d$ pixels:
#
# $$ -\log p(x \mid h) = \frac{1}{2\sigma^2}\lVert x - \hat x\rVert^2 + d\log\sigma + \frac d2 \log 2\pi . $$
#
# For $\sigma = 1$ it is npae's squared error $\frac12\lVert x - \hat x\rVert^2$ plus the constant $\frac d2\log 2\pi$. With $\sigma$
# fixed the constants do not move the minimum; if $\sigma$ is learned too, its maximum-likelihood value is
# $\hat\sigma^2 = \frac1{md}\sum\lVert x - \hat x\rVert^2$, the per-pixel mean squared error.
#
# **Bernoulli decoder.** $p(x \mid h) = \prod_j \hat x_j^{x_j}(1 - \hat x_j)^{1 - x_j}$ with $\hat x = \operatorname{sigmoid}(z)$:
#
# $$ -\log p(x \mid h) = -\sum_j \big[x_j \log\hat x_j + (1 - x_j)\log(1 - \hat x_j)\big] = \sum_j \big[\mathrm{softplus}(z_j) - x_j z_j\big], $$
#
# npae's cross-entropy with no constant. (For grey levels $x_j \in (0, 1)$ the same formula is a cross-entropy,
# not a log-probability; its minimum over $z$ is the entropy of the targets, not 0.)
#
# **Stochastic encoder.** The encoder can be a distribution too, $p_{\text{encoder}}(h \mid x)$; the simplest is
# noise injected into the code, here at the code units' input: $h = f(xW_1 + b_1 + \varepsilon)$,
# $\varepsilon \sim \mathcal N(0, s^2 I)$. Training *through* that noise (Salakhutdinov & Hinton's semantic hashing, lesson
# 31) forces a code that the noise cannot blur: sigmoid units far in their flat tails.
#
# In npae: `npae/core/stochastic.py` (`gaussian_nll`, `bernoulli_nll`, `sample_gaussian`, `sample_bernoulli`,
# `noisy_encode`).

# %%
import numpy as np
from scipy import stats

from npae.analysis.hashing import CodeNoiseTrainer
from npae.analysis.metrics import reconstruction_error, saturated_fraction
from npae.core.stochastic import bernoulli_nll, gaussian_nll, noisy_encode, sample_bernoulli, sample_gaussian
from npae.course import Lesson
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam

lesson = Lesson(__doc__, name="08_stochastic_encoders_decoders", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## Train a Bernoulli-decoder autoencoder
#
# 784-64-784, sigmoid code and output, the cross-entropy loss (a Bernoulli decoder), Adam. A validation set
# is held out: the decoder's σ is estimated on it, and the numbers below are measured on it.

# %%
X_all, _ = lesson.fashion_mnist("train")
n_train, n_val = (400, 200) if QUICK else (4000, 1000)
X, X_val = X_all[:n_train], X_all[n_train:n_train + n_val]
epochs = 2 if QUICK else 10
model = Autoencoder(784, 64, loss="cross_entropy", rng=np.random.default_rng(0))
train_minibatch(model, X, optimizer=Adam(learning_rate=3e-3), epochs=epochs, batch_size=100,
                rng=np.random.default_rng(1), verbose=False)
lesson.stamp(f"trained {epochs} epochs: validation cross-entropy {model.loss(X_val):.2f} (summed over pixels)")

# %% [markdown]
# ## The two negative log-likelihoods, computed
#
# `bernoulli_nll` and `gaussian_nll` compute the formulas above for every image. We compare them with the
# densities of SciPy (`scipy.stats`, an independent implementation), and with npae's losses.

# %%
d = X_val.shape[1]
X_hat, Z = model.reconstruct(X_val), model.logits(X_val)
B = (X_val > 0.5).astype(float)                       # binarised images: a true Bernoulli observation
nll_bernoulli = bernoulli_nll(X_val, Z)
nll_gauss = gaussian_nll(X_val, X_hat)                  # σ = 1
gap_ce = abs(nll_bernoulli.mean() - model.loss(X_val))
gap_scipy_b = np.abs(bernoulli_nll(B, model.logits(B)) + stats.bernoulli.logpmf(B, model.reconstruct(B)).sum(axis=1)).max()
gap_se = abs(nll_gauss.mean() - d / 2 * np.log(2 * np.pi) - reconstruction_error(model, X_val, kind="squared_error"))
gap_scipy_g = np.abs(nll_gauss + stats.norm.logpdf(X_val, X_hat, 1.0).sum(axis=1)).max()
print(f"Bernoulli: mean −log p = {nll_bernoulli.mean():.6f}; npae's cross-entropy loss = {model.loss(X_val):.6f}")
print(f"Gaussian σ = 1: mean −log p = {nll_gauss.mean():.4f} = ½‖x − x̂‖² "
      f"{reconstruction_error(model, X_val, kind='squared_error'):.4f} + (d/2) log 2π {d / 2 * np.log(2 * np.pi):.4f}")

sigma_hat = np.sqrt(reconstruction_error(model, X_val, kind="mse_per_pixel"))     # maximum-likelihood σ
nll_sigma_hat = gaussian_nll(X_val, X_hat, sigma_hat).mean()
print(f"maximum-likelihood σ̂ = {sigma_hat:.4f}: mean −log p = {nll_sigma_hat:.1f} nats per image "
      f"(σ = 1: {nll_gauss.mean():.1f})")

# %% [markdown]
# ## Sampling from the decoder
#
# The decoder's output is the *mean* of $p_{\text{decoder}}(x \mid h)$; a sample adds the distribution's noise. A
# Bernoulli sample is a binary image, pixel $j$ on with probability $\hat x_j$; a Gaussian sample adds
# independent $\mathcal N(0, \hat\sigma^2)$ noise to every pixel. Neither is a better-looking image than the mean: the
# factorised decoder says nothing about which pixels vary *together*, so its samples are speckled. Averaging
# many Bernoulli samples recovers the mean.

# %%
rng = np.random.default_rng(8)
show = X_val[:8]
mean_images = model.reconstruct(show)
rows = [show, mean_images, sample_bernoulli(mean_images, rng), np.clip(sample_gaussian(mean_images, sigma_hat, rng), 0, 1)]
fig = show_images(np.vstack(rows), ncols=8, title=f"Rows: x; decoder mean x̂; a Bernoulli sample; a Gaussian sample "
                                                  f"(σ̂ = {sigma_hat:.2f})")
lesson.show(fig, "08_decoder_samples")

n_draws = 2000
average = sample_bernoulli(np.repeat(mean_images[:1], n_draws, axis=0), rng).mean(axis=0)
average_gap = np.abs(average - mean_images[0]).max()
print(f"largest |mean of {n_draws} Bernoulli samples − x̂| over the pixels: {average_gap:.4f} "
      f"(standard error at most 0.5/√{n_draws} = {0.5 / np.sqrt(n_draws):.4f})")

# %% [markdown]
# ## A noisy encoder, and training through it
#
# We train a second autoencoder, identical except that every minibatch's code units receive Gaussian noise of
# standard deviation $s = 4$ at their input (`CodeNoiseTrainer`, the semantic-hashing trick). Then we sample
# codes from $p_{\text{encoder}}(h \mid x)$ of *both* models with the same noise, decode their means, and measure
# (a) how much the reconstruction varies from sample to sample and (b) the fraction of code values in the
# sigmoid's flat tails ($h < 0.05$ or $h > 0.95$, `saturated_fraction`).

# %%
S_NOISE = 4.0
noisy = Autoencoder(784, 64, loss="cross_entropy", rng=np.random.default_rng(0))
train_minibatch(CodeNoiseTrainer(noisy, S_NOISE, np.random.default_rng(5)), X, optimizer=Adam(learning_rate=3e-3),
                epochs=epochs, batch_size=100, rng=np.random.default_rng(1), verbose=False)
lesson.stamp(f"trained through the noisy encoder (s = {S_NOISE:g}): validation cross-entropy without noise "
             f"{noisy.loss(X_val):.2f}")


def reconstruction_spread(m, X, s, n_samples, rng):
    """Mean over images and pixels of the std of decode(h), h ~ p_encoder(h | x) with noise s."""
    spreads = []
    for x in X:
        H = noisy_encode(m, np.repeat(x[None], n_samples, axis=0), s, rng)
        spreads.append(m.decode(H).std(axis=0).mean())
    return float(np.mean(spreads))


probe = X_val[:20 if QUICK else 100]
spread = {name: reconstruction_spread(m, probe, S_NOISE, 32, np.random.default_rng(6))
          for name, m in (("plain", model), ("trained with code noise", noisy))}
saturation = {name: saturated_fraction(m.encode(X_val)) for name, m in (("plain", model),
                                                                         ("trained with code noise", noisy))}
for name in spread:
    print(f"{name:>24s}: spread of the reconstruction under encoder noise {spread[name]:.4f}; "
          f"saturated code values {saturation[name]:.3f}")

x = X_val[:1]
rows = [np.vstack([x, m.decode(noisy_encode(m, np.repeat(x, 8, axis=0), S_NOISE, np.random.default_rng(7)))])
        for m in (model, noisy)]
fig = show_images(np.vstack(rows), ncols=9, title=f"x, then the decoder's mean for 8 codes h ~ p_encoder(h | x), "
                                                  f"s = {S_NOISE:g}\n(top: plain model; bottom: trained with noise)")
lesson.show(fig, "08_noisy_encoder")

# %% [markdown]
# ## Results
#
# Printed by this run. The Bernoulli negative log-likelihood *is* npae's cross-entropy (difference at rounding
# level) and, on binary images, SciPy's `bernoulli.logpmf`; the Gaussian one with σ = 1 is the squared error
# plus $\frac d2 \log 2\pi$ (= 720.4 nats for $d = 784$) and matches SciPy's `norm.logpdf`. The maximum-likelihood
# σ̂ is far below 1 and gives a far smaller negative log-likelihood (it can be negative: a density, unlike a
# probability, can exceed 1): with σ fixed at 1 the Gaussian decoder claims an uncertainty of a whole grey-level
# range per pixel. Averaging Bernoulli samples recovers x̂. The model trained
# through the noisy encoder has a more saturated code (by at least 0.1 of its values) and its reconstructions
# vary less under the same encoder noise. The two saturated fractions are only reported; their difference is
# the claim. Quick mode (two epochs on 400 images) is too short for the noise to shape the code: there the last
# four numbers are only reported.

# %%
lesson.expect("|mean Bernoulli NLL − npae cross-entropy|", gap_ce, quick=(0, 1e-9), full=(0, 1e-9), fmt=".1e")
lesson.expect("largest |Bernoulli NLL + scipy.stats.bernoulli.logpmf| (binary images)", gap_scipy_b,
              quick=(0, 1e-8), full=(0, 1e-8), fmt=".1e")
lesson.expect("|mean Gaussian NLL − (d/2) log 2π − squared error|", gap_se, quick=(0, 1e-9), full=(0, 1e-9), fmt=".1e")
lesson.expect("largest |Gaussian NLL + scipy.stats.norm.logpdf|", gap_scipy_g, quick=(0, 1e-8), full=(0, 1e-8),
              fmt=".1e")
lesson.expect("the constant (d/2) log 2π", d / 2 * np.log(2 * np.pi), quick=(720.3, 720.5), full=(720.3, 720.5),
              fmt=".2f")
lesson.expect("maximum-likelihood decoder σ̂", sigma_hat, quick=(0.05, 0.5), full=(0.05, 0.25))
lesson.expect("Gaussian NLL per image, σ = σ̂", nll_sigma_hat, quick=(-2000, 700), full=(-2000, 0), fmt=".1f")
lesson.expect("Gaussian NLL per image, σ = 1", nll_gauss.mean(), quick=(720, 800), full=(720, 740), fmt=".1f")
lesson.expect("largest |average of Bernoulli samples − x̂|", average_gap, quick=(0, 0.06), full=(0, 0.06))
lesson.expect("saturated code values, plain", saturation["plain"], fmt=".3f")
lesson.expect("saturated code values, trained with code noise", saturation["trained with code noise"], fmt=".3f")
lesson.expect("saturated code values: noise-trained minus plain",
              saturation["trained with code noise"] - saturation["plain"], full=(0.1, 1), fmt=".3f")
lesson.expect("reconstruction spread under encoder noise: noise-trained / plain",
              spread["trained with code noise"] / spread["plain"], full=(0, 0.9), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `08_decoder_samples`: the mean images are smooth; the Bernoulli samples are binary speckle whose density
#   follows the mean; the Gaussian samples are the mean under grain. Only the mean looks like a garment.
# - `08_noisy_encoder`: for the plain model, eight noisy codes of one image decode to visibly different,
#   blotchy versions of it; for the model trained through the noise, the eight are nearly identical.
#
# ## Exercises
#
# - Show that $\hat\sigma^2 = \frac1{md}\sum \lVert x - \hat x\rVert^2$ maximises the Gaussian likelihood over σ (differentiate
#   $-\log p$ with respect to σ).
# - Give the Gaussian decoder one σ per pixel (`gaussian_nll(X, X_hat, std)` with `std` of shape (784,)). Which
#   pixels get the largest σ̂ⱼ? Why?
# - For a grey-level target $x_j = 0.3$, find the $\hat x_j$ that minimises the cross-entropy and the minimum value.
#   What does this say about comparing cross-entropies across data sets?
# - Train through code noise s = 1 and s = 8: how do the saturation and the clean reconstruction error change?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.4 (stochastic encoders and decoders; 《深度学习》14.4
#   随机编码器和解码器), §5.5 (maximum likelihood), §6.2.1.1 and §6.2.2 (output units as distributions).
# - R. Salakhutdinov & G. Hinton (2009), "Semantic hashing", *International Journal of Approximate Reasoning* 50
#   (noise at the code units' input).

# %%
lesson.done()
