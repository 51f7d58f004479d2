"""Lesson 32: the variational autoencoder, derived by hand — the ELBO, the reparameterisation, and what it samples.

Run as a script (``python lessons/32_variational_autoencoder.py [--quick] [--out DIR]``) or open it as a notebook
with jupytext (percent format). Full mode: 784-128-20 and 784-128-2 VAEs (Bernoulli decoder) on 20 000
Fashion-MNIST images for up to 10 epochs each, two more 20-D VAEs for β = 0.25 and 4, a plain and a denoising
784-128-20 autoencoder, and a 2-D VAE against lesson 11's denoising sampler on a spiral; quick mode: 800 images,
2 epochs, a smaller spiral.
"""
# %% [markdown]
# # 32 · The variational autoencoder, derived by hand
#
# **What you will learn:** the variational autoencoder (VAE) as a latent variable model with a Gaussian encoder
# $q(h \mid x)$ and a decoder $p(x \mid h)$; the evidence lower bound (ELBO) on $\log p(x)$ and the condition for
# equality; the reparameterisation $h = \mu + \sigma \circ \varepsilon$ that lets the gradient pass through a random
# code; the Gaussian KL divergence in closed form and its gradient; every line of backprop, checked numerically;
# and what a VAE samples, measured against lesson 11's denoising sampler.
#
# **Prerequisites:** lessons 02 (backprop and gradient checking), 08 (stochastic encoders and decoders), 11 (sampling
# from a denoising autoencoder) and 22 (deep autoencoders).
#
# **Key terms:** variational autoencoder (变分自编码器), latent variable model (潜变量模型), prior (先验),
# posterior (后验), evidence lower bound (证据下界), KL divergence (KL 散度), Jensen's inequality (Jensen 不等式),
# reparametrization (重参数化), stochastic encoder (随机编码器), stochastic decoder (随机解码器),
# generative model (生成模型), denoising autoencoder (去噪自编码器).
#
# ## A latent variable model and its bound
#
# Lesson 08 read the decoder as a distribution $p(x \mid h)$ and the encoder as $p_{\text{encoder}}(h \mid x)$
# (Goodfellow et al. §14.4). A VAE adds a **prior** $p(h) = \mathcal N(0, I)$ over the code, which turns the decoder into
# a **generative model**: draw $h \sim p(h)$, then $x \sim p(x \mid h)$ (ancestral sampling). Its likelihood
# $p(x) = \int p(x \mid h)\, p(h)\, dh$ has no closed form, and neither has the **posterior** $p(h \mid x) = p(x \mid h) p(h) / p(x)$.
# The encoder supplies an approximation $q(h \mid x)$. For any density $q(\cdot \mid x)$ with the same support as the
# posterior (here both are positive everywhere: $q$ is Gaussian, and so is the prior, with $p(x \mid h) > 0$), the identity
#
# $$ \log p(x) = \underbrace{\mathbb E_{q(h \mid x)}\big[\log p(x \mid h)\big] - \mathrm{KL}\big(q(h \mid x)\,\big\Vert\, p(h)\big)}_{\text{ELBO}(x)} + \mathrm{KL}\big(q(h \mid x)\,\big\Vert\, p(h \mid x)\big) $$
#
# holds exactly (write $\log p(x) = \log p(x, h) - \log p(h \mid x)$, add and subtract $\log q(h \mid x)$, take $\mathbb E_q$).
# Since a KL divergence is never negative, **the ELBO is a lower bound on $\log p(x)$ for every $q$, with equality if
# and only if $q(h \mid x) = p(h \mid x)$** for almost every $h$. The same bound follows from Jensen's inequality for the
# concave $\log$: $\log \mathbb E_q[p(x, h)/q(h \mid x)] \ge \mathbb E_q[\log p(x, h)/q(h \mid x)]$, with equality iff the ratio is
# constant in $h$, which again means $q = p(h \mid x)$. Training maximises the ELBO over the decoder (a better model)
# and over the encoder (a tighter bound) at once. Over a batch of $m$ samples, with the weight $\beta$ on the KL term
# ($\beta = 1$ is the ELBO; Higgins et al.'s β-VAE varies it), the loss is
#
# $$ J = \frac1m \sum_{i=1}^m \Big[ -\mathbb E_{q(h \mid x^{(i)})} \log p\big(x^{(i)} \mid h\big) + \beta\, \mathrm{KL}\big(q(h \mid x^{(i)})\,\big\Vert\,\mathcal N(0, I)\big) \Big] , $$
#
# and for $\beta = 1$, $J \ge -\frac1m \sum_i \log p(x^{(i)})$.
#
# ## The model, line by line
#
# Samples are rows, layers carry UFLDL's numbers (the code is layer 3), $f$ is the hidden nonlinearity (ReLU here);
# `npae/models/vae.py` writes each line with its equation number.
#
# 1. **Encoder**, a Gaussian $q(h \mid x) = \mathcal N(\mu(x), \operatorname{diag}\sigma^2(x))$: $a^{(2)} = f(x W_1 + b_1)$, then two heads
#    $\mu = a^{(2)} W_\mu + b_\mu$ and $\log\sigma^2 = a^{(2)} W_{\log\sigma^2} + b_{\log\sigma^2}$ (the log keeps $\sigma$ positive with no constraint).
# 2. **Reparameterisation**: $h = \mu + \sigma \circ \varepsilon$, $\sigma = \exp(\tfrac12\log\sigma^2)$, $\varepsilon \sim \mathcal N(0, I)$ drawn *by the caller*.
#    If $\varepsilon$ is standard normal, $h \sim q(h \mid x)$; but now $h$ is a differentiable function of $\mu$ and $\sigma$.
# 3. **Decoder**: $a^{(4)} = f(h W_3 + b_3)$, $z^{(5)} = a^{(4)} W_4 + b_4$.
# 4. **The loss** with one $\varepsilon^{(i)}$ per sample: $J = \frac1m\sum_i \big[-\log p(x^{(i)} \mid h^{(i)}) + \beta\,\mathrm{KL}_i\big]$, an unbiased
#    estimate of the $J$ above (Kingma & Welling's SGVB estimator with one sample per data point).
# 5. **The decoder's $-\log p$.** Bernoulli (pixels as probabilities, lesson 08): $\sum_j [\mathrm{softplus}(z_j) - x_j z_j]$ with means
#    $\sigma(z)$. Gaussian $\mathcal N(x; z, s^2 I)$ with a fixed $s$: $\lVert x - z\rVert^2/(2s^2) + d\log s + \tfrac d2\log 2\pi$, constants included,
#    so that $J$ is in nats and comparable across $s$.
# 6. **The KL term in closed form.** With $h = \mu + \sigma\circ\varepsilon$, $\log q(h \mid x) = -\tfrac12\sum_j(\varepsilon_j^2 + \log\sigma_j^2 + \log 2\pi)$ and
#    $\log p(h) = -\tfrac12\sum_j(h_j^2 + \log 2\pi)$; taking $\mathbb E[\varepsilon_j^2] = 1$ and $\mathbb E[h_j^2] = \mu_j^2 + \sigma_j^2$,
#
# $$ \mathrm{KL}\big(q(h \mid x)\,\Vert\,\mathcal N(0, I)\big) = \mathbb E_q[\log q - \log p] = \tfrac12 \sum_j \big(\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1\big) . $$
#
# ## The gradient, line by line
#
# The decoder is lesson 22's recurrence. At the output, $\delta^{(5)} = \partial J/\partial z^{(5)} = \frac1m(\sigma(Z^{(5)}) - X)$ (Bernoulli) or
# $\frac1m(Z^{(5)} - X)/s^2$ (Gaussian), $Z^{(5)}$ holding the rows $z^{(5)}$; then $\delta^{(4)} = (\delta^{(5)} W_4^\top) \circ f'(z^{(4)})$ and $\partial J/\partial H = \delta^{(4)} W_3^\top$, the
# reconstruction's pull on each code.
#
# 7. **Through the reparameterisation.** $\partial h_j/\partial\mu_j = 1$ and $\partial h_j/\partial\log\sigma_j^2 = \tfrac12\sigma_j\varepsilon_j$, so the
#    reconstruction term sends $\partial J/\partial H$ to $\mu$ unchanged and $\partial J/\partial H \circ \tfrac12\sigma\circ\varepsilon$ to $\log\sigma^2$.
# 8. **The KL term's own gradient**, from eq. 6: $\partial\,\mathrm{KL}/\partial\mu_j = \mu_j$ and $\partial\,\mathrm{KL}/\partial\log\sigma_j^2 = \tfrac12(\sigma_j^2 - 1)$.
#    It pulls every $\mu$ to 0 and every $\sigma$ to 1: towards the prior.
#
# Together, with the $\frac1m$ of the mean,
#
# $$ \delta^{(3)}_\mu = \frac{\partial J}{\partial H} + \frac\beta m\, M , \qquad
#    \delta^{(3)}_{\log\sigma^2} = \frac{\partial J}{\partial H} \circ \tfrac12\, \Sigma \circ E + \frac\beta m\, \tfrac12\big(\Sigma^{\circ 2} - 1\big) , $$
#
# ($M$, $\Sigma$, $E$ the $m \times n_{\text{hidden}}$ arrays of $\mu$, $\sigma$, $\varepsilon$), each head gives its weights $a^{(2)\top}\delta^{(3)}$, and the
# encoder's hidden layer receives the sum of the two heads' errors:
# $\delta^{(2)} = \big(\delta^{(3)}_\mu W_\mu^\top + \delta^{(3)}_{\log\sigma^2} W_{\log\sigma^2}^\top\big) \circ f'(z^{(2)})$.
#
# Why not sample $h \sim q$ and differentiate? Sampling is not differentiable in $\mu, \sigma$; the alternative score-function
# estimator $\mathbb E_q[\log p(x \mid h)\, \nabla\log q(h \mid x)]$ is unbiased too but far noisier (one of the exercises measures it).

# %%
import numpy as np
import matplotlib.pyplot as plt
from scipy.spatial import cKDTree
from scipy.stats import norm

from npae.analysis.likelihood import active_units, importance_log_likelihood
from npae.analysis.metrics import reconstruction_error
from npae.analysis.pca import PCA
from npae.analysis.sampling import dae_chain
from npae.core.corruption import Corruption
from npae.core.stochastic import bernoulli_nll
from npae.course import Lesson
from npae.gradcheck import check_gradients
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder
from npae.models.vae import VAE
from npae.plotting import show_images, tile_images
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam
from npae.training.variational import VAETrainer

lesson = Lesson(__doc__, name="32_variational_autoencoder", needs=("fashion-mnist",))
QUICK = lesson.quick

# %% [markdown]
# ## Check every gradient first
#
# A small VAE (7 inputs, 5 hidden units, a 3-D code), float64, parameters drawn away from the initialisation, one
# fixed $\varepsilon$: the loss is then a deterministic function of the parameters, and each of the ten blocks is compared
# with the five-point finite difference (lesson 02). `python -m npae.gradcheck --filter vae` runs fifteen such cases.

# %%
worst = {}
for decoder in ("bernoulli", "gaussian"):
    rng = np.random.default_rng(32)
    small = VAE(7, 3, n_units=5, activation="sigmoid", decoder=decoder, decoder_std=0.7, beta=1.0, rng=rng)
    X_small = rng.uniform(0, 1, (8, 7)) if decoder == "bernoulli" else rng.standard_normal((8, 7))
    eps_small = rng.standard_normal((8, 3))
    point = {name: rng.normal(0, 0.5, value.shape) for name, value in small.params.items()}
    result = check_gradients(lambda p: small.loss_and_grads(X_small, eps_small, params=p), point)
    print(f"{decoder} decoder:\n{result}")
    worst[decoder] = result.worst

# %% [markdown]
# ## The data, and training with a fresh ε for every minibatch
#
# Fashion-MNIST: the first 20 000 training images to train on, the last 10 000 to validate (every choice below is
# made on them), the 10 000 test images scored once at the end. The model: 784-128-20 (and 784-128-2), a hidden
# layer of 128 ReLU units on each side. The pixels are grey levels in $[0, 1]$, read as the
# Bernoulli decoder's probabilities; its $-\log p$ is then a cross-entropy in nats, as in lesson 08, not the
# log-probability of a discrete image, so the numbers compare models with each other, not with other data sets.
#
# The loss never draws a random number. `VAETrainer` wraps the model for the minibatch trainer: each minibatch draws
# its own $\varepsilon$ from the trainer's Generator and calls `loss_and_grads(X, eps)`; its validation loss uses the same
# $\varepsilon$ at every epoch (common random numbers), so that successive epochs differ by the parameters alone. Up to
# 10 epochs of Adam (minibatches of 128); the epoch with the lowest validation $J$ is kept. Each epoch, the
# validation set's two terms are recorded.

# %%
X_all, y_all = lesson.fashion_mnist("train", dtype=np.float32)
X_test, y_test = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X_train, X_val, y_val = X_all[:800], X_all[800:1000], y_all[800:1000]
    X_test, y_test = X_test[:200], y_test[:200]
else:
    X_train, X_val, y_val = X_all[:20000], X_all[50000:], y_all[50000:]
EPOCHS, N_UNITS = (2, 64) if QUICK else (10, 128)
eps_val = np.random.default_rng(320).standard_normal((len(X_val), 20))   # one fixed ε per validation image


def train_vae(n_hidden, beta, seed):
    """A 784-N_UNITS-n_hidden VAE trained as above; returns the model and its validation terms per epoch."""
    model = VAE(784, n_hidden, n_units=N_UNITS, beta=beta, rng=np.random.default_rng(seed), dtype=np.float32)
    curves = {"reconstruction": [], "kl": []}

    def record(epoch, history):
        terms = model.elbo_terms(X_val, eps_val[:, :n_hidden])
        curves["reconstruction"].append(terms.reconstruction.mean())
        curves["kl"].append(terms.kl.mean())

    before = model.elbo_terms(X_val, eps_val[:, :n_hidden])
    curves["before"] = float(np.mean(before.reconstruction + before.kl))
    history = train_minibatch(VAETrainer(model, np.random.default_rng(seed + 1)), X_train, X_val=X_val,
                              epochs=EPOCHS, batch_size=128, patience=3, rng=np.random.default_rng(seed + 2),
                              callback=record, verbose=False)
    curves["best_epoch"] = history.best_epoch
    lesson.stamp(f"VAE 784-{N_UNITS}-{n_hidden}, β = {beta:g}: validation J per epoch "
                 + " ".join(f"{v:.1f}" for v in history.val_loss) + f" (kept epoch {history.best_epoch + 1})")
    return model, curves


vae20, curves20 = train_vae(20, 1.0, 3200)
vae2, curves2 = train_vae(2, 1.0, 3210)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), dpi=100)
for curves, label in ((curves20, "20-D code"), (curves2, "2-D code")):
    epochs = np.arange(1, len(curves["kl"]) + 1)
    rec, kl = np.array(curves["reconstruction"]), np.array(curves["kl"])
    axes[0].plot(epochs, rec + kl, "o-", label=label)
    axes[1].plot(epochs, rec, "o-", label=label)
    axes[2].plot(epochs, kl, "o-", label=label)
for ax, title in zip(axes, ("−ELBO = reconstruction + KL", "reconstruction: −log p(x | h)", "KL(q(h | x) ‖ N(0, I))")):
    ax.set(xlabel="epoch", ylabel="nats per image (validation)", title=title)
    ax.legend()
fig.tight_layout()
lesson.show(fig, "32_elbo_per_epoch")

# %% [markdown]
# ## Samples from the prior, and the 2-D latent map
#
# Ancestral sampling: $h \sim \mathcal N(0, I)$, then the decoder's mean $\mathbb E[x \mid h] = \sigma(z^{(5)})$ (drawing the pixels themselves
# from the Bernoulli would add salt-and-pepper noise to each). With a 2-D code the whole latent space can be drawn:
# decode the points $h = (\Phi^{-1}(u_1), \Phi^{-1}(u_2))$ of an even grid of $u \in (0, 1)^2$, $\Phi$ the normal CDF, so that each tile
# stands for an equal share of the prior's mass (Kingma & Welling's Figure 4). Beside it, where the test images'
# posterior means $\mu(x)$ fall, coloured by class. How well does a 2-D code keep the classes apart? The share of test
# images whose 5 nearest codes among 10 000 training images are mostly of its own class (5-NN accuracy), for the
# VAE's $\mu(x)$ and for the two leading principal components (PCA, lesson 05).

# %%
lesson.show(show_images(vae20.sample(64, np.random.default_rng(321)), image_shape=(28, 28), ncols=16,
                        title="20-D VAE: decoder means of h ~ N(0, I)"), "32_prior_samples")

grid = norm.ppf(np.linspace(0.03, 0.97, 15))
H_grid = np.array([[a, b] for b in grid[::-1] for a in grid])
mu2_test = vae2.encode(X_test).mu
fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), dpi=100)
scatter = axes[0].scatter(mu2_test[:, 0], mu2_test[:, 1], c=y_test, cmap="tab10", s=3)
axes[0].set(title="μ(x) of the test images (2-D VAE)", xlabel="h₁", ylabel="h₂", xlim=(-4, 4), ylim=(-4, 4))
fig.colorbar(scatter, ax=axes[0], ticks=range(10), label="class")
axes[1].imshow(tile_images(vae2.decode(H_grid), image_shape=(28, 28), ncols=15, normalize=False), cmap="gray")
axes[1].set(title="decoded grid, h = Φ⁻¹(u) for u on an even grid", xticks=[], yticks=[])
fig.tight_layout()
lesson.show(fig, "32_latent_map")


def knn_accuracy(codes_train, y_train, codes_query, y_query, k=5):
    """Share of query points whose k nearest training codes' majority label is their own."""
    _, index = cKDTree(codes_train).query(codes_query, k=k)
    votes = y_train[index]
    majority = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float(np.mean(majority == y_query))


X_ref, y_ref = X_train[:10000], y_all[:len(X_train)][:10000]
pca2 = PCA(2).fit(X_train)
knn_vae2 = knn_accuracy(vae2.encode(X_ref).mu, y_ref, mu2_test, y_test)
knn_pca2 = knn_accuracy(pca2.encode(X_ref), y_ref, pca2.encode(X_test), y_test)
print(f"5-NN accuracy of the test images among 10 000 training codes: 2-D VAE {knn_vae2:.3f}, 2-D PCA {knn_pca2:.3f}")

# %% [markdown]
# ## Interpolation between two test images
#
# Decode $h_t = (1 - t)\,\mu(x_a) + t\,\mu(x_b)$ for $t \in [0, 1]$ with the 20-D model, beside the pixel average $(1 - t)\,x_a + t\,x_b$.
# The pixel path cross-fades two images; the latent path moves through decoded images along the way.

# %%
pairs = [(0, 1), (2, 3), (4, 5), (6, 7)]
ts = np.linspace(0, 1, 9)
rows = []
mu20_test = vae20.encode(X_test).mu
for a, b in pairs:
    rows.append(vae20.decode(np.array([(1 - t) * mu20_test[a] + t * mu20_test[b] for t in ts])))
    rows.append(np.array([(1 - t) * X_test[a] + t * X_test[b] for t in ts]))
lesson.show(show_images(np.vstack(rows), image_shape=(28, 28), ncols=9,
                        title="pairs of rows: VAE latent interpolation / pixel interpolation"), "32_interpolations")

# %% [markdown]
# ## Beside the plain and the denoising autoencoder
#
# The same architecture, 784-128-20-128-784 (ReLU, a linear 20-D code, a sigmoid output, the cross-entropy), trained
# as a plain autoencoder and as a denoising one (masking noise, 25 % of the pixels set to 0, fixed in advance), with
# the same optimiser, epochs and early stopping. The VAE reconstructs from its posterior mean $h = \mu(x)$, and once
# from a sample $h = \mu + \sigma\circ\varepsilon$.

# %%
def train_deep(corruption, seed):
    model = DeepAutoencoder([784, N_UNITS, 20], activation="relu", code="linear", decoder="sigmoid",
                            loss="cross_entropy", init="glorot", rng=np.random.default_rng(seed), dtype=np.float32)
    train_minibatch(model, X_train, X_val=X_val, epochs=EPOCHS, batch_size=128, patience=3, corruption=corruption,
                    rng=np.random.default_rng(seed + 1), verbose=False)
    return model


plain = train_deep(None, 3220)
denoising = train_deep(Corruption("masking", 0.25), 3230)
lesson.stamp(f"plain and denoising 784-{N_UNITS}-20 autoencoders trained")
sample = X_test[:12]
one_eps = np.random.default_rng(322).standard_normal((12, 20))
lesson.show(show_images(np.vstack([sample, plain.reconstruct(sample), denoising.reconstruct(sample),
                                   vae20.reconstruct(sample), vae20.reconstruct(sample, one_eps)]),
                        image_shape=(28, 28), ncols=12,
                        title="test / plain AE / denoising AE / VAE from μ / VAE from μ + σε"), "32_reconstructions")
ce_plain = reconstruction_error(plain, X_test, kind="cross_entropy")
ce_denoising = reconstruction_error(denoising, X_test, kind="cross_entropy")
ce_vae = float(np.mean(bernoulli_nll(X_test, vae20.decoder_output(mu20_test))))
print(f"test cross-entropy (nats per image): plain {ce_plain:.1f}, denoising {ce_denoising:.1f}, VAE from μ {ce_vae:.1f}")

# %% [markdown]
# ## The bound, tightened: how far is q from the true posterior?
#
# By the identity above, $\log p(x) - \text{ELBO}(x) = \mathrm{KL}(q(h \mid x) \Vert p(h \mid x))$: the gap is exactly how wrong the Gaussian
# encoder is about the posterior. We cannot compute $\log p(x)$, but importance sampling with $K$ draws from $q$,
# $\mathcal L_K = \mathbb E \log \frac1K \sum_k p(x \mid h_k) p(h_k) / q(h_k \mid x)$, satisfies $\text{ELBO} = \mathcal L_1 \le \mathcal L_K \le \log p(x)$ (Burda et al. 2016;
# `npae/analysis/likelihood.py`). So $\mathcal L_K - \text{ELBO}$, measured, is a lower bound on the mean KL from $q$ to the posterior.
# Also measured: the **active units**, code dimensions whose posterior mean varies with $x$ ($\mathrm{Var}_x\,\mu_j(x) > 0.01$,
# Burda et al.); the others have collapsed onto the prior, and their KL term is near 0.

# %%
n_iw, K = (50, 5) if QUICK else (1000, 100)
X_iw = X_test[:n_iw]
elbo_iw = -np.mean([np.mean(vae20.elbo_terms(X_iw, np.random.default_rng(323 + r).standard_normal((n_iw, 20))).reconstruction
                            + vae20.elbo_terms(X_iw, np.zeros((n_iw, 20))).kl) for r in range(10)])
log_p_K = float(np.mean(importance_log_likelihood(vae20, X_iw, K, np.random.default_rng(330))))
print(f"{n_iw} test images: ELBO {elbo_iw:.2f} nats, L_{K} {log_p_K:.2f} nats")
variances, n_active = active_units(vae20, X_val)
print("Var_x μ_j(x) of the 20 code units, sorted:", np.array2string(np.sort(variances)[::-1], precision=3))

# %% [markdown]
# ## β: reconstruction against KL
#
# The KL term is the price of the code. Averaged over the data, $\mathrm{KL}(q(h \mid x) \Vert p(h))$ equals the mutual information between
# $x$ and $h$ under the encoder plus $\mathrm{KL}(\bar q(h) \Vert p(h))$, $\bar q$ the average of the encoder's Gaussians over the data (Hoffman &
# Johnson 2016): an upper bound on the nats of information the code carries about $x$. A larger
# $\beta$ makes information dearer: the KL falls and the reconstruction worsens. Two more 20-D models, $\beta = 0.25$ and
# $\beta = 4$, trained exactly as $\beta = 1$; each point is the validation set's mean reconstruction and KL (the sum
# of the two is $-$ELBO only at $\beta = 1$).

# %%
betas = (0.25, 1.0, 4.0)
tradeoff = {1.0: vae20}
for beta, seed in ((0.25, 3240), (4.0, 3250)):
    tradeoff[beta] = train_vae(20, beta, seed)[0]
points = {beta: tradeoff[beta].elbo_terms(X_val, eps_val) for beta in betas}
rec = {beta: float(points[beta].reconstruction.mean()) for beta in betas}
kl = {beta: float(points[beta].kl.mean()) for beta in betas}
fig, ax = plt.subplots(figsize=(5.5, 4), dpi=100)
ax.plot([kl[b] for b in betas], [rec[b] for b in betas], "o-")
for beta in betas:
    ax.annotate(f"β = {beta:g}", (kl[beta], rec[beta]), textcoords="offset points", xytext=(6, 4))
ax.set(xlabel="KL(q(h | x) ‖ N(0, I)), nats per image", ylabel="−log p(x | h), nats per image",
       title="β-VAE: the trade-off (validation)")
fig.tight_layout()
lesson.show(fig, "32_beta_tradeoff")
active = {beta: active_units(tradeoff[beta], X_val)[1] for beta in betas}
for beta in betas:
    print(f"β = {beta:<5g} reconstruction {rec[beta]:7.2f}   KL {kl[beta]:6.2f}   active units {active[beta]}")

# %% [markdown]
# ## What a VAE samples, and what a denoising autoencoder's chain samples
#
# Both are autoencoders with a stochastic side (§14.4), and both can generate; they sample differently.
#
# - **The VAE** defines a density $p(x) = \int p(x \mid h)\,\mathcal N(h; 0, I)\,dh$ and samples it *exactly*, by ancestral sampling:
#   every sample is independent of the others and costs one pass through the decoder. Its training loss is a
#   bound on $-\log p(x)$, so a model can be scored in nats on held-out data.
# - **Lesson 11's denoising autoencoder** defines no density. Its samples are the states of a Markov chain, corrupt
#   then reconstruct, whose stationary distribution approaches the data's only under conditions (a consistent estimate
#   of $p(x \mid \tilde x)$, an ergodic chain; Bengio et al. 2013): successive samples are correlated, and it takes
#   steps to forget the start.
#
# On lesson 11's spiral (2000 points, blur 0.02, the DAE and chains exactly as there) we measure both: the distance of
# samples to the curve, how much of the curve they cover, and how correlated successive samples are (the correlation
# of the position along the curve, $t$, between consecutive kept samples of a chain; the VAE's are independent by
# construction). The VAE here: 2-64-2 with a Gaussian decoder, its standard deviation $s$ chosen on validation
# $-$ELBO (in nats, so comparable across $s$) among 0.02, 0.05 and 0.1.

# %%
T_MIN, T_MAX, S, SIGMA = np.pi, 4 * np.pi, 0.02, 0.1


def curve(t):
    return 0.1 * t[:, None] * np.column_stack([np.cos(t), np.sin(t)])


def spiral(n, rng):
    return curve(rng.uniform(T_MIN, T_MAX, n)) + S * rng.standard_normal((n, 2))


dense_t = np.linspace(T_MIN, T_MAX, 20000)
tree = cKDTree(curve(dense_t))
rng = np.random.default_rng(11)
n_spiral = 600 if QUICK else 2000
P, P_val = spiral(n_spiral, rng), spiral(1000, rng)
vae_schedule = [(1e-2, 10)] if QUICK else [(1e-2, 80), (3e-3, 40), (1e-3, 40)]
spiral_vaes = {}
for s in (0.02, 0.05, 0.1):
    model = VAE(2, 2, n_units=64, decoder="gaussian", decoder_std=s, rng=np.random.default_rng(0))
    trainer = VAETrainer(model, np.random.default_rng(1))
    for stage, (learning_rate, epochs) in enumerate(vae_schedule):
        train_minibatch(trainer, P, optimizer=Adam(learning_rate=learning_rate), epochs=epochs, batch_size=50,
                        rng=np.random.default_rng(2 + stage), verbose=False)
    spiral_vaes[s] = (model, trainer.loss(P_val))
    print(f"spiral VAE, s = {s:g}: validation −ELBO {spiral_vaes[s][1]:.3f} nats per point")
s_best = min(spiral_vaes, key=lambda s: spiral_vaes[s][1])
spiral_vae, spiral_elbo = spiral_vaes[s_best]

dae_schedule = [(1e-2, 5), (3e-3, 3), (1e-3, 2)] if QUICK else [(1e-2, 80), (3e-3, 40), (1e-3, 40)]
dae = Autoencoder(2, 128, encoder="relu", decoder="linear", init="glorot", rng=np.random.default_rng(0))
corruption = Corruption("gaussian", SIGMA)
for stage, (learning_rate, epochs) in enumerate(dae_schedule):
    train_minibatch(dae, P, optimizer=Adam(learning_rate=learning_rate), epochs=epochs, batch_size=50,
                    corruption=corruption, rng=np.random.default_rng(2 + stage), verbose=False)
n_chains, n_steps = (100, 60) if QUICK else (500, 300)
starts = np.random.default_rng(3).uniform(-1.5, 1.5, size=(n_chains, 2))
states = dae_chain(dae, starts, corruption, n_steps, np.random.default_rng(4))      # (n_steps, n_chains, 2)
kept = states[n_steps // 2:]                                                          # the second half of each chain
chain_samples = kept.reshape(-1, 2)
vae_means = spiral_vae.sample(len(chain_samples), np.random.default_rng(5))
vae_samples = vae_means + s_best * np.random.default_rng(6).standard_normal(vae_means.shape)   # x ~ N(g(h), s² I)


def along(P):
    """Distance to the spiral and the curve position t of the nearest point."""
    distance, index = tree.query(P)
    return distance, dense_t[index]


d_data, t_data = along(P_val)
d_chain, t_chain = along(chain_samples)
d_vae_mean, t_vae_mean = along(vae_means)
d_vae, t_vae = along(vae_samples)
t_kept = along(kept.reshape(-1, 2))[1].reshape(kept.shape[:2])                     # (steps, chains)
lag1 = float(np.corrcoef(t_kept[:-1].ravel(), t_kept[1:].ravel())[0, 1])            # consecutive chain samples
t_bins = np.linspace(T_MIN, T_MAX, 13)
coverage = {name: int(np.sum(np.histogram(t, bins=t_bins)[0] / len(t) >= 0.02))
            for name, t in (("chain", t_chain), ("vae", t_vae))}

fig, axes = plt.subplots(1, 3, figsize=(14, 4.6), dpi=100)
pick = np.random.default_rng(7).choice(len(chain_samples), min(3000, len(chain_samples)), replace=False)
for ax, points, title in ((axes[0], chain_samples[pick], "DAE chain samples (lesson 11)"),
                          (axes[1], vae_samples[pick], f"VAE samples x ~ N(g(h), s²I), s = {s_best:g}")):
    ax.scatter(P[:, 0], P[:, 1], s=1, color="0.6", label="training data")
    ax.scatter(points[:, 0], points[:, 1], s=2, color="C3", alpha=0.4, label="samples")
    ax.set(aspect="equal", xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), title=title)
    ax.legend(loc="lower left", fontsize=8)
bins = np.linspace(0, 0.3, 31)
for d, label in ((d_data, "validation data"), (d_chain, "DAE chain samples"), (d_vae_mean, "VAE decoder means"),
                 (d_vae, "VAE samples")):
    axes[2].hist(d, bins=bins, density=True, histtype="step", lw=1.5, label=f"{label} (mean {d.mean():.3f})")
axes[2].set(xlabel="distance to the spiral", ylabel="density", title="How far from the manifold?")
axes[2].legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "32_vae_vs_dae_sampler")

# %% [markdown]
# ## Results
#
# Printed by this run, in nats per image (Fashion-MNIST) or per point (the spiral). In full mode:
#
# - the gradients of both decoders pass the five-point check below $10^{-9}$ in every block;
# - training lowers the validation $-$ELBO far below its value at the initialisation, and the 20-D code ends with a lower
#   test $-$ELBO than the 2-D one: it pays more KL (more information in the code) for a larger drop in reconstruction;
# - $\mathcal L_K$ lies above the ELBO, so $q$ is measurably not the posterior;
# - at $\beta = 1$ (nearly) all 20 code units are active: with 20 dimensions this model does not yet leave any unused
#   (the numbers for the other β are printed with the trade-off);
# - the 2-D VAE's codes keep the classes apart better than a 2-D PCA (5-NN accuracy);
# - on clean test images the plain autoencoder, trained only to reconstruct, reconstructs best; the VAE, which pays for
#   its code in KL, a few nats worse from its posterior mean; the denoising autoencoder, trained on masked inputs,
#   worst;
# - raising β lowers the KL and raises the reconstruction error, monotonically over the three values;
# - on the spiral, the DAE chain's samples lie closer to the curve than the VAE's and cover about as much of it, but
#   consecutive chain samples are strongly correlated, while the VAE's are independent and come with a likelihood bound.
#
# Quick mode checks that the gradients pass, that training lowers $J$, and the order of the terms where two epochs
# already show it; the other numbers are printed only.

# %%
lesson.expect("gradient check, worst block, Bernoulli decoder", worst["bernoulli"], quick=(0, 1e-9), full=(0, 1e-9),
              fmt=".2e")
lesson.expect("gradient check, worst block, Gaussian decoder", worst["gaussian"], quick=(0, 1e-9), full=(0, 1e-9),
              fmt=".2e")
terms20, terms2 = vae20.elbo_terms(X_test, eps_val[:len(X_test)]), vae2.elbo_terms(X_test, eps_val[:len(X_test), :2])
J20, J2 = float(np.mean(terms20.reconstruction + terms20.kl)), float(np.mean(terms2.reconstruction + terms2.kl))
lesson.expect("validation −ELBO of the 20-D VAE: lowest over the epochs / initialisation",
              min(np.add(curves20["reconstruction"], curves20["kl"])) / curves20["before"], quick=(0.2, 0.98),
              full=(0.3, 0.6), fmt=".3f")
lesson.expect("test −ELBO, 20-D code", J20, quick=(150, 600), full=(235, 275), fmt=".1f")
lesson.expect("test −ELBO, 2-D code", J2, quick=(150, 600), full=(255, 295), fmt=".1f")
lesson.expect("test −ELBO, 2-D code − 20-D code", J2 - J20, full=(8, 40), fmt=".1f")
lesson.expect("test KL, 20-D code", float(terms20.kl.mean()), full=(10, 30), fmt=".1f")
lesson.expect("test KL, 2-D code", float(terms2.kl.mean()), full=(3, 10), fmt=".1f")
lesson.expect(f"L_{K} − ELBO on {n_iw} test images (a lower bound on KL(q ‖ posterior))", log_p_K - elbo_iw,
              quick=(-2, 20), full=(1, 10), fmt=".2f")
lesson.expect("active units of the 20-D VAE (Var_x μ_j > 0.01), β = 1", n_active, full=(15, 20), fmt=".0f")
lesson.expect("5-NN accuracy, 2-D VAE codes", knn_vae2, full=(0.5, 0.8), fmt=".3f")
lesson.expect("5-NN accuracy, 2-D VAE − 2-D PCA", knn_vae2 - knn_pca2, full=(0.03, 0.3), fmt=".3f")
lesson.expect("test cross-entropy, plain autoencoder", ce_plain, full=(200, 250), fmt=".1f")
lesson.expect("test cross-entropy, VAE from μ − plain autoencoder", ce_vae - ce_plain, full=(2, 25), fmt=".1f")
lesson.expect("test cross-entropy, denoising − VAE from μ", ce_denoising - ce_vae, full=(5, 60), fmt=".1f")
lesson.expect("KL at β = 0.25 − KL at β = 1", kl[0.25] - kl[1.0], full=(5, 40), fmt=".2f")
lesson.expect("KL at β = 1 − KL at β = 4", kl[1.0] - kl[4.0], full=(3, 20), fmt=".2f")
lesson.expect("reconstruction at β = 4 − at β = 1", rec[4.0] - rec[1.0], full=(5, 40), fmt=".2f")
lesson.expect("reconstruction at β = 1 − at β = 0.25", rec[1.0] - rec[0.25], full=(3, 25), fmt=".2f")
lesson.expect("spiral: decoder s chosen on validation −ELBO", s_best, full=(0.05, 0.1), fmt=".2f")
lesson.expect("spiral: validation −ELBO of the chosen VAE", spiral_elbo, full=(0.5, 1.8), fmt=".3f")
lesson.expect("spiral: mean distance to the curve, validation data", d_data.mean(), quick=(0.01, 0.03),
              full=(0.01, 0.03), fmt=".4f")
lesson.expect("spiral: mean distance, DAE chain samples", d_chain.mean(), full=(0.01, 0.06), fmt=".4f")
lesson.expect("spiral: mean distance, VAE samples", d_vae.mean(), full=(0.03, 0.2), fmt=".4f")
lesson.expect("spiral: VAE samples' distance / chain samples' distance", d_vae.mean() / d_chain.mean(),
              full=(1.5, 8), fmt=".2f")
lesson.expect("spiral: stretches holding ≥ 2 % of the chain samples (of 12)", coverage["chain"], full=(8, 12), fmt=".0f")
lesson.expect("spiral: stretches holding ≥ 2 % of the VAE samples (of 12)", coverage["vae"], full=(8, 12), fmt=".0f")
lesson.expect("spiral: correlation of t between consecutive chain samples", lag1, full=(0.8, 1.0), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `32_elbo_per_epoch`: after the first epoch the KL hardly moves (the 20-D code) or falls a little (the 2-D one),
#   while the reconstruction keeps falling: the code's information is bought early, then the decoder and encoder
#   learn to use the same number of nats better.
# - `32_prior_samples`: recognisable garments, blurred: each tile is a mean over the decoder's Bernoulli pixels, and the
#   prior puts mass where no training image's posterior sits.
# - `32_latent_map`: the classes in separate regions of the 2-D code (trousers and bags apart, shirts, pullovers and coats
#   overlapping), and the decoded grid changing smoothly from one kind of garment to the next.
# - `32_interpolations`: the latent path passes through plausible garments; the pixel path superimposes two.
# - `32_reconstructions`: the VAE's reconstructions are smooth and blurred, the denoising autoencoder's grainier; from a
#   sample $h$ the VAE's change in detail but keep the kind of garment.
# - `32_vae_vs_dae_sampler`: the chain samples hug the spiral; the VAE's spread around it and across the gaps between
#   arms, where its decoder maps the prior's mass between the encoded arms.
#
# ## Exercises
#
# - Graded: the VAE's $-$ELBO and its gradient, from the loss down to the encoder through the reparameterisation
#   (eqs. 4–8, with a sigmoid encoder and decoder). `python -m npae.exercises start vae_gradient` (guided: the stub gives the
#   backward pass's equations) or `python -m npae.exercises start vae_gradient --derive` (derive: the model and the cost
#   only), then `python -m npae.exercises check vae_gradient` (with `--derive` for the derive level).
# - Derive eq. 7 for $\sigma$ parameterised directly (a softplus head) instead of $\log\sigma^2$, change `loss_and_grads`, and
#   check it with `check_gradients`.
# - Measure the variance of the two gradient estimators of $\partial\,\mathbb E_q[-\log p(x \mid h)]/\partial\mu$ on one image: the
#   reparameterised one (eq. 7) and the score function $\mathbb E_q[-\log p(x \mid h)\,(h - \mu)/\sigma^2]$, over 1000 draws of $\varepsilon$.
# - Train with $\beta$ rising from 0 to 1 over the first epochs (KL annealing): does it activate more units?
# - Score anomalies with $-$ELBO instead of the reconstruction error (lesson 34).
#
# ## Further reading
#
# - D. P. Kingma, M. Welling (2014), "Auto-encoding variational Bayes", ICLR (the estimator, the Gaussian KL in appendix B,
#   the latent maps of Figure 4).
# - D. J. Rezende, S. Mohamed, D. Wierstra (2014), "Stochastic backpropagation and approximate inference in deep generative
#   models", ICML.
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.4 (stochastic encoders and decoders), §19.4 (variational
#   inference) and §20.10.3 (variational autoencoders); 《深度学习》14.4 随机编码器和解码器, 20.10.3 变分自编码器.
# - I. Higgins et al. (2017), "β-VAE: learning basic visual concepts with a constrained variational framework", ICLR.
# - Y. Burda, R. Grosse, R. Salakhutdinov (2016), "Importance weighted autoencoders", ICLR (the bound $\mathcal L_K$, active units).
# - M. D. Hoffman, M. J. Johnson (2016), "ELBO surgery", NIPS workshop (the KL term and the mutual information).

# %%
lesson.done()
