"""Lesson 33: what depth buys an autoencoder (§14.3), measured — approximation, compression, contraction, PSD stacks.

Run as a script (``python lessons/33_depth_measured.py [--quick] [--out DIR]``) or open it as a notebook with
jupytext (percent format). Full mode: a spiral (one-hidden-layer regressions, the one-layer encoder's limit, deep
2-n-1 autoencoders); shallow 784-k against a deep 784-128-32 on 20 000 Fashion-MNIST images; greedy and joint
784-128-32 contractive stacks and a two-layer PSD stack on 10 000; quick mode: small sizes, few epochs.
"""
# %% [markdown]
# # 33 · What depth buys an autoencoder, measured (§14.3)
#
# **What you will learn:** the universal approximation theorem, with its conditions, and why it makes a one-hidden-layer
# autoencoder able to copy but leaves its *encoder* shallow; why a one-layer encoder cannot give its code an arbitrary
# form, shown on a spiral that no one-layer encoder can unroll whatever its decoder; the cost of shallow codes on
# Fashion-MNIST at equal code size *and* at equal numbers of parameters; whether a greedy stack of contractive
# autoencoders is contractive as a whole (its Jacobian is the product of the layers'), against the same stack trained
# jointly; and predictive sparse decomposition stacked as an initialiser (§14.8).
#
# **Prerequisites:** lessons 05 (PCA), 12 (the contractive autoencoder), 20–22 (stacks, fine-tuning, deep against
# shallow) and 27 (predictive sparse decomposition).
#
# **Key terms:** universal approximation theorem (万能近似定理), feedforward network (前馈网络), depth (深度),
# deep autoencoder (深度自编码器), contractive autoencoder (收缩自编码器), Jacobian matrix (Jacobian矩阵),
# chain rule (链式法则), greedy layer-wise pretraining (贪心逐层预训练), predictive sparse decomposition (预测稀疏分解),
# representation learning (表示学习).
#
# ## The theorem, and what it does not say about the code
#
# **Universal approximation** (Cybenko 1989; Hornik, Stinchcombe & White 1989; for any non-polynomial activation such as
# the ReLU, Leshno et al. 1993): let $K \subset \mathbb R^n$ be compact and $F: K \to \mathbb R^d$ continuous. For every $\epsilon > 0$ there is a
# feedforward network with one hidden layer of *enough* units, a sigmoid (or any non-polynomial) activation and a
# linear output, whose output $\hat F$ satisfies $\sup_{x \in K}\lVert \hat F(x) - F(x)\rVert < \epsilon$. The theorem says nothing about how many
# units "enough" is, nor whether training finds the weights.
#
# Goodfellow et al. (§14.3) draw two consequences for autoencoders. An autoencoder with one hidden layer, $x \mapsto h \mapsto r$,
# can represent the identity on the data's domain to any accuracy (its encoder-decoder pair *is* a network with one
# hidden layer), so depth is not needed to copy. But its *encoder* $h = f(xW + b)$ is then shallow, with no hidden layer
# of its own: each code unit $h_j = f(w_j \cdot x + b_j)$ is a monotone function of one projection of $x$, constant on every
# hyperplane $w_j \cdot x = c$. Constraints on the code, that it be sparse, or that it unroll a curved manifold into a
# line, cannot be met for arbitrary data by such an encoder; an encoder with at least one hidden layer can approximate
# *any* map from input to code, by the theorem applied to the encoder itself.
#
# A spiral in the plane makes this measurable. Its points have one coordinate that matters, the position $t$ along the
# curve. A one-layer encoder with one code unit sees only $u = w \cdot x$, and every line $w \cdot x = c$ crosses the spiral's arms
# several times, so points far apart on the curve share a code. *Whatever the decoder*, the best it can return for a
# code $u$ is the conditional mean $\mathbb E[x \mid w \cdot x = u]$, and its error $\mathbb E\,\tfrac12\lVert x - \mathbb E[x \mid w\cdot x]\rVert^2$ bounds from below the error of
# every one-layer, one-unit encoder with a strictly monotone $f$ (which keeps the information of $u$) and every decoder.
# We estimate that bound for 180 directions $w$ (the conditional mean by 40 bins of $u$, fitted on training points and
# scored on test points) and keep the smallest.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis.jacobian import stacked_encoder_jacobian
from npae.analysis.metrics import reconstruction_error
from npae.core.activations import get_activation
from npae.core.penalties import Contractive
from npae.course import Lesson
from npae.gradcheck import check_gradients
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder, StackedClassifier, stack_backward, stack_forward
from npae.models.deep_contractive import DeepContractiveAutoencoder
from npae.models.psd import PSD
from npae.models.softmax import Softmax
from npae.training.lbfgs import train_lbfgs
from npae.training.minibatch import train_minibatch
from npae.training.optimizers import Adam
from npae.training.psd_training import train_psd
from npae.training.stacking import Layer, accuracy, greedy_pretrain, train_classifier

lesson = Lesson(__doc__, name="33_depth_measured", needs=("fashion-mnist",))
QUICK = lesson.quick

T_MIN, T_MAX, S = np.pi, 4 * np.pi, 0.02


def spiral(n, rng):
    """n points near the spiral 0.1 t (cos t, sin t), t uniform in [π, 4π], and their t rescaled to [0, 1]."""
    t = rng.uniform(T_MIN, T_MAX, n)
    points = 0.1 * t[:, None] * np.column_stack([np.cos(t), np.sin(t)]) + S * rng.standard_normal((n, 2))
    return points, ((t - T_MIN) / (T_MAX - T_MIN))[:, None]


rng = np.random.default_rng(33)
P, t_train = spiral(600 if QUICK else 2000, rng)
P_val, t_val = spiral(1000, rng)
P_test, t_test = spiral(1000, rng)


def one_layer_bound(n_bins, n_directions=180):
    """min over directions w of the test error ½‖x − E[x | w·x]‖², E[x | w·x] by n_bins quantile bins of training
    w·x; returns the error and the best direction w."""
    best = (np.inf, None)
    for angle in np.linspace(0, np.pi, n_directions, endpoint=False):
        w = np.array([np.cos(angle), np.sin(angle)])
        edges = np.quantile(P @ w, np.linspace(0, 1, n_bins + 1))[1:-1]
        bins, bins_test = np.searchsorted(edges, P @ w), np.searchsorted(edges, P_test @ w)
        means = np.array([P[bins == b].mean(axis=0) for b in range(n_bins)])
        best = min(best, (0.5 * np.mean(np.sum((P_test - means[bins_test]) ** 2, axis=1)), tuple(w)))
    return best


bound, w_best = one_layer_bound(40)
bound_fine = one_layer_bound(80)[0]
print(f"best one-layer, one-unit encoder, any decoder: test error ≥ {bound:.4f} (40 bins), {bound_fine:.4f} (80 bins)")

# %% [markdown]
# ## One hidden layer approximates the unrolling map; no hidden layer cannot
#
# The map a good 1-D code would compute is $x \mapsto t$. Fit it directly, as a regression, with a network of one hidden
# layer of $n$ sigmoid units and a linear output, $\hat t = \sigma(xW_1 + b_1)W_2 + b_2$, for $n$ = 1, 4, 16, 64 (full-batch L-BFGS, the
# squared error $\frac1m\sum_i \tfrac12(\hat t_i - t_i)^2$). With $n = 1$ the network *is* a one-layer encoder followed by an affine map. Its
# gradient is the layer recurrence of lesson 22 (`stack_forward` and `stack_backward`), checked first.

# %%
class Regressor:
    """t̂ = f(x W1 + b1) W2 + b2 with squared error (1/m) Σ ½(t̂ − t)²: one hidden layer of n_units."""

    def __init__(self, n_features, n_units, rng):
        self.n_features, self.dtype, self.f = n_features, np.dtype(np.float64), get_activation("sigmoid")
        self.params = {"W1": rng.normal(0, 1, (n_features, n_units)), "b1": rng.normal(0, 1, n_units),
                       "W2": rng.normal(0, 1 / np.sqrt(n_units), (n_units, 1)), "b2": np.zeros(1)}

    def predict(self, X, params=None):
        p = self.params if params is None else params
        return stack_forward(X, [p["W1"], p["W2"]], [p["b1"], p["b2"]], [self.f])[1][-1]

    def loss_and_grads(self, X, target, params=None):
        p = self.params if params is None else params
        inputs, pre = stack_forward(X, [p["W1"], p["W2"]], [p["b1"], p["b2"]], [self.f])
        inv_m = 1.0 / X.shape[0]
        residual = pre[-1] - target                                       # t̂ − t, (m, 1)
        grads = stack_backward(inv_m * residual, inputs, pre, [p["W1"], p["W2"]], [self.f])
        return 0.5 * inv_m * float(np.sum(residual ** 2)), {"W1": grads[1][0], "b1": grads[1][1],
                                                             "W2": grads[2][0], "b2": grads[2][1]}

    def loss(self, X, target, params=None):
        return self.loss_and_grads(X, target, params)[0]


check = Regressor(2, 5, np.random.default_rng(0))
regression_check = check_gradients(lambda p: check.loss_and_grads(P[:20], t_train[:20], params=p), check.params)
print(regression_check)
rmse = {}
for n_units in (1, 4, 16, 64):
    fits = []
    for restart in range(3):                                   # three random starts, the best on validation kept
        model = Regressor(2, n_units, np.random.default_rng(330 + 10 * n_units + restart))
        train_lbfgs(model, P, t_train, maxiter=100 if QUICK else 1500, verbose=False)
        fits.append((np.sqrt(np.mean((model.predict(P_val) - t_val) ** 2)), model))
    best = min(fits, key=lambda fit: fit[0])[1]
    rmse[n_units] = float(np.sqrt(np.mean((best.predict(P_test) - t_test) ** 2)))
print("test RMSE of t̂ (t in [0, 1]) by hidden units: " + ", ".join(f"{n}: {e:.4f}" for n, e in rmse.items()))

# %% [markdown]
# ## A deep encoder goes below the bound
#
# Deep autoencoders 2-$n$-1-$n$-2 (`DeepAutoencoder([2, n, 1])`: a ReLU hidden layer in the encoder and one in the decoder, a
# linear 1-D code, a linear output, squared error), trained with Adam for $n$ = 4, 16, 64, the $n$ with the lowest
# validation error kept. Its test error against the bound no one-layer encoder can beat.

# %%
schedule = [(1e-2, 20)] if QUICK else [(1e-2, 100), (3e-3, 50), (1e-3, 50)]
deep_spiral = {}
for n_units in (4, 16, 64):
    model = DeepAutoencoder([2, n_units, 1], activation="relu", code="linear", decoder="linear", init="glorot",
                            rng=np.random.default_rng(331))
    for stage, (learning_rate, epochs) in enumerate(schedule):
        train_minibatch(model, P, optimizer=Adam(learning_rate=learning_rate), epochs=epochs, batch_size=50,
                        rng=np.random.default_rng(332 + stage), verbose=False)
    deep_spiral[n_units] = (reconstruction_error(model, P_val), model)
n_best = min(deep_spiral, key=lambda n: deep_spiral[n][0])
deep_error = reconstruction_error(deep_spiral[n_best][1], P_test)
print("validation error by hidden units: " + ", ".join(f"{n}: {e:.4f}" for n, (e, _) in deep_spiral.items())
      + f"; kept {n_best}: test error {deep_error:.4f} against the one-layer bound {bound:.4f}")
codes = deep_spiral[n_best][1].encode(P_test)[:, 0]

fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), dpi=100)
axes[0].scatter(P_test[:, 0], P_test[:, 1], c=codes, cmap="viridis", s=4)
axes[0].set(aspect="equal", title=f"deep encoder 2-{n_best}-1: its code")
axes[1].scatter(P_test[:, 0], P_test[:, 1], c=P_test @ np.array(w_best), cmap="viridis", s=4)
axes[1].set(aspect="equal", title="the best one-layer code w·x: constant on lines")
axes[2].plot(list(rmse), list(rmse.values()), "o-")
axes[2].set(xscale="log", xlabel="hidden units", ylabel="test RMSE of t̂", title="one hidden layer regressing t")
fig.tight_layout()
lesson.show(fig, "33_spiral")

# %% [markdown]
# ## The cost of shallow codes on Fashion-MNIST: equal code size, equal parameters
#
# Shallow 784-$k$-784 autoencoders for $k$ = 32, 64, 96, 133 against a deep 784-128-32-128-784 (ReLU hidden layers, a sigmoid
# code and output in both, cross-entropy, Adam, 10 epochs on 20 000 images, the epoch best on 5000 validation images
# kept; every encoder sees the pixels standardised as in lesson 29). The deep model has
# $2(784 \cdot 128 + 128 \cdot 32) + 1072 = 209\,968$ parameters; the shallow one with $k = 133$ has $2 \cdot 784 \cdot 133 + 133 + 784 = 209\,461$, the same to
# 0.3 %. At equal *code size* (32) the comparison asks what depth does for the code; at equal *parameters* it asks whether
# the deep model's advantage is only its larger number of weights. The code size at which a shallow model matches the
# deep one's error, interpolated in $\log k$, is the price of a shallow code.

# %%
X_all, y_all = lesson.fashion_mnist("train", dtype=np.float32)
X_test, y_test = lesson.fashion_mnist("test", dtype=np.float32)
if QUICK:
    X_train, y_train, X_val, X_test, y_test = X_all[:800], y_all[:800], X_all[800:1000], X_test[:200], y_test[:200]
else:
    X_train, y_train, X_val = X_all[:20000], y_all[:20000], X_all[50000:55000]
EPOCHS = 2 if QUICK else 10
mean, scale = X_train.mean(axis=0), X_train.std()


def standardise(X):
    return (X - mean) / scale


def fit(model):
    train_minibatch(model, standardise(X_train), target=X_train, X_val=standardise(X_val), target_val=X_val,
                    epochs=EPOCHS, batch_size=128, patience=2, optimizer=Adam(learning_rate=3e-3),
                    rng=np.random.default_rng(333), verbose=False)
    return reconstruction_error(model, standardise(X_test), target=X_test, kind="cross_entropy")


def n_params(model):
    return sum(v.size for v in model.params.values())


SHALLOW_SIZES = (32, 64, 96, 133)
shallow_error, shallow_params = {}, {}
for k in SHALLOW_SIZES:
    model = Autoencoder(784, k, loss="cross_entropy", init="glorot", rng=np.random.default_rng(334), dtype=np.float32)
    shallow_error[k], shallow_params[k] = fit(model), n_params(model)
deep_model = DeepAutoencoder([784, 128, 32], activation="relu", code="sigmoid", decoder="sigmoid", loss="cross_entropy",
                             init="glorot", rng=np.random.default_rng(334), dtype=np.float32)
deep_fashion_error, deep_params = fit(deep_model), n_params(deep_model)
lesson.stamp("shallow 784-k and deep 784-128-32 trained")
print(f"{'model':>22} {'parameters':>11} {'test cross-entropy':>19}")
for k in SHALLOW_SIZES:
    print(f"{'shallow 784-' + str(k):>22} {shallow_params[k]:11d} {shallow_error[k]:19.2f}")
print(f"{'deep 784-128-32':>22} {deep_params:11d} {deep_fashion_error:19.2f}")
sizes, errors = np.log(SHALLOW_SIZES), np.array([shallow_error[k] for k in SHALLOW_SIZES])
k_match = float(np.exp(np.interp(-deep_fashion_error, -errors, sizes))) if errors.min() <= deep_fashion_error else np.inf
print(f"a shallow code matches the deep 32-unit code's error at k ≈ {k_match:.0f}")

# %% [markdown]
# ## Is a greedy stack of contractive autoencoders contractive as a whole?
#
# For an encoder $h_2 = f_2(f_1(x))$ the chain rule gives the Jacobian of the whole as the product of the layers', $J(x) = J_2(h_1)\,J_1(x)$, with
# $J_l = \operatorname{diag}(h_l(1 - h_l))\,W_l^\top$ for a sigmoid layer, and so $\lVert J\rVert_F \le \lVert J_2\rVert_2\,\lVert J_1\rVert_F$ (the Frobenius norm of a product is at most the spectral
# norm of one factor times the Frobenius norm of the other). A greedy stack of CAEs makes each factor small *where its
# own training data are*; is the product small, and how does it compare with the same stack trained jointly?
#
# Four 784-128-32 encoders, all tied sigmoid autoencoders with cross-entropy, Adam, on 10 000 images (raw pixels: the
# Jacobian is taken with respect to them), the contractive weight fixed in advance at $\lambda = 1$ per layer (lesson 35
# measures what it costs the reconstruction), none chosen on the test images:
# a greedy stack of plain autoencoders; a greedy stack of CAEs (each layer on the codes of the one below); the same
# 784-128-32 trained jointly with the same two penalties and the reconstruction of $x$ through the whole network
# (`npae/models/deep_contractive.py`, its gradient checked in `python -m npae.gradcheck`); and the joint one without
# penalties. $\lVert J\rVert_F$ of the whole encoder is computed exactly as the product (`stacked_encoder_jacobian`), on 200 test images.

# %%
X_small = X_train[:10000] if not QUICK else X_train
LAM, CAE_EPOCHS = 1.0, (2 if QUICK else 8)


def greedy(lam):
    def layer(n_hidden):
        return Layer(lambda n, rng: Autoencoder(n, n_hidden, loss="cross_entropy", tied=True,
                                                penalties=[Contractive(lam)] if lam else [], init="glorot",
                                                rng=rng, dtype=np.float32),
                     method="minibatch", options=dict(epochs=CAE_EPOCHS, batch_size=128))
    models = greedy_pretrain(X_small, [layer(128), layer(32)], rng=np.random.default_rng(335), verbose=False)
    return DeepContractiveAutoencoder.from_stack(models, lam=lam), models


def joint(lam):
    model = DeepContractiveAutoencoder([784, 128, 32], lam=lam, rng=np.random.default_rng(336), dtype=np.float32)
    train_minibatch(model, X_small, epochs=2 * CAE_EPOCHS, batch_size=128, rng=np.random.default_rng(337),
                    verbose=False)
    return model


stacks = {}
stacks["greedy AE stack"], greedy_ae_layers = greedy(0.0)
stacks["greedy CAE stack"], greedy_cae_layers = greedy(LAM)
stacks["joint CAE"] = joint(LAM)
stacks["joint AE"] = joint(0.0)
lesson.stamp("greedy and joint 784-128-32 stacks trained")
X_jac = np.asarray(X_test[:200], dtype=np.float64)
contraction = {}
print(f"{'encoder':>18} {'‖J‖_F':>8} {'‖J1‖_F':>8} {'‖J2‖_F':>8} {'‖J2‖₂‖J1‖_F':>12} {'test CE':>8}")
for name, net in stacks.items():
    layers = net.encoder_layers()
    J = stacked_encoder_jacobian(layers, X_jac)                                  # (200, 32, 784): J2 J1
    J1 = stacked_encoder_jacobian(layers[:1], X_jac)                             # (200, 128, 784)
    H1 = 1 / (1 + np.exp(-(X_jac @ layers[0][0] + layers[0][1])))
    J2 = stacked_encoder_jacobian(layers[1:], H1)                                # (200, 32, 128)
    norm, norm1, norm2 = (np.linalg.norm(A, axis=(1, 2)) for A in (J, J1, J2))
    spectral2 = np.linalg.norm(J2, ord=2, axis=(1, 2))
    contraction[name] = dict(J=norm.mean(), J1=norm1.mean(), J2=norm2.mean(), bound=(spectral2 * norm1).mean(),
                             holds=bool(np.all(norm <= spectral2 * norm1 * (1 + 1e-9))),
                             ce=reconstruction_error(net, X_test, kind="cross_entropy"))
    c = contraction[name]
    print(f"{name:>18} {c['J']:8.3f} {c['J1']:8.3f} {c['J2']:8.3f} {c['bound']:12.3f} {c['ce']:8.2f}")

# %% [markdown]
# ## Predictive sparse decomposition stacked as an initialiser (§14.8)
#
# PSD learns a fast encoder $f(x) = g \circ \tanh(xW + b)$ that predicts sparse codes (lesson 27). Two PSD layers, 784→128 on the
# images and 128→32 on the first layer's predictions, make a two-layer encoder; Kavukcuoglu et al. (2010) used such
# stacks to initialise deep networks. Since $\tanh z = 2\sigma(2z) - 1$, each PSD layer is *exactly* a sigmoid layer followed by an
# affine map, $g \circ \tanh(aW + b) = 2g \circ \sigma(2aW + 2b) - g$, and the affine map folds into the next layer's weights:
# a sigmoid layer $s_1 = \sigma(x W_1' + b_1')$ with $W_1' = 2W_1$, $b_1' = 2b_1$, then $s_2 = \sigma(s_1 W_2' + b_2')$ with $W_2' = 4\operatorname{diag}(g_1)W_2$ and
# $b_2' = 2b_2 - 2\,g_1W_2$. So the PSD stack initialises a sigmoid `StackedClassifier` 784-128-32 with a softmax on top, exactly.
# We compare four starts of the same classifier: random weights; the greedy AE stack and the greedy CAE stack from
# above; the PSD stack. For each, first the encoder frozen, with only a softmax trained on its 32 features (10 000
# labelled images); then the whole network fine-tuned from there, the same way for all (Adam, 4 then 2 epochs),
# as UFLDL fine-tunes a stacked classifier.

# %%
psd1 = PSD(784, 128, lam=1.0, gamma=1.0, rng=np.random.default_rng(338), dtype=np.float32)
train_psd(psd1, X_small, epochs=1 if QUICK else 3, batch_size=100, n_steps=20, rng=np.random.default_rng(339),
          verbose=False)
F1 = psd1.predict(X_small)
psd2 = PSD(128, 32, lam=0.5, gamma=1.0, rng=np.random.default_rng(340), dtype=np.float32)
train_psd(psd2, F1, epochs=1 if QUICK else 3, batch_size=100, n_steps=20, rng=np.random.default_rng(341), verbose=False)
lesson.stamp("two PSD layers trained")


def classifier_from(layers):
    """A StackedClassifier 784-128-32-softmax whose two sigmoid layers are (W, b) pairs (or random if None)."""
    net = StackedClassifier([784, 128, 32], 10, activation="sigmoid", rng=np.random.default_rng(342), dtype=np.float32)
    if layers is not None:
        for l, (W, b) in enumerate(layers, start=1):
            net.params[f"W{l}"], net.params[f"b{l}"] = np.array(W, dtype=np.float32), np.array(b, dtype=np.float32)
    return net


p1, p2 = psd1.params, psd2.params
psd_layers = [(2 * p1["W"], 2 * p1["b"]), (4 * p1["g"][:, None] * p2["W"], 2 * p2["b"] - 2 * p1["g"] @ p2["W"])]
starts = {"random": None,
          "greedy AE stack": [(m.params["W1"], m.params["b1"]) for m in greedy_ae_layers],
          "greedy CAE stack": [(m.params["W1"], m.params["b1"]) for m in greedy_cae_layers],
          "PSD stack": psd_layers}
# the conversion is exact: the classifier's features are (PSD features / g₂ + 1) / 2
converted = classifier_from(psd_layers).encode(X_test[:100])
psd_features = psd2.predict(psd1.predict(X_test[:100]))
conversion_error = float(np.max(np.abs(converted - (psd_features / p2["g"] + 1) / 2)))
print(f"PSD stack -> sigmoid layers: largest difference of the features {conversion_error:.2e}")

y_small = y_train[:len(X_small)]
frozen, tuned = {}, {}
for name, layers in starts.items():
    net = classifier_from(layers)
    softmax = Softmax(32, 10, rng=np.random.default_rng(343), dtype=np.float32)
    train_classifier(softmax, net.encode(X_small), y_small, epochs=(2, 1) if QUICK else (10, 3),
                     learning_rates=(1e-2, 1e-3), rng=np.random.default_rng(344))
    frozen[name] = accuracy(softmax, net.encode(X_test), y_test)
    net.params["W_softmax"], net.params["b_softmax"] = softmax.params["W"].copy(), softmax.params["b"].copy()
    train_classifier(net, X_small, y_small, epochs=(1, 1) if QUICK else (4, 2), rng=np.random.default_rng(345))
    tuned[name] = accuracy(net, X_test, y_test)
print(f"{'start':>18} {'frozen + softmax':>17} {'fine-tuned':>11}")
for name in starts:
    print(f"{name:>18} {frozen[name]:17.3f} {tuned[name]:11.3f}")

fig, axes = plt.subplots(1, 3, figsize=(14, 4), dpi=100)
axes[0].plot([shallow_params[k] for k in SHALLOW_SIZES], [shallow_error[k] for k in SHALLOW_SIZES], "o-",
             label="shallow 784-k (k = 32, 64, 96, 133)")
axes[0].plot([deep_params], [deep_fashion_error], "s", ms=9, label="deep 784-128-32")
axes[0].set(xlabel="parameters", ylabel="test cross-entropy (nats per image)", title="equal code, equal parameters")
axes[0].legend(fontsize=8)
names = list(stacks)
axes[1].bar(np.arange(4) - 0.2, [contraction[n]["J"] for n in names], 0.4, label="‖J‖_F of the whole encoder")
axes[1].bar(np.arange(4) + 0.2, [contraction[n]["bound"] for n in names], 0.4, label="‖J₂‖₂ ‖J₁‖_F")
axes[1].set(xticks=np.arange(4), xticklabels=[n.replace(" ", "\n", 1) for n in names], title="contraction of 784-128-32")
axes[1].legend(fontsize=8)
axes[2].bar(np.arange(4) - 0.2, [frozen[n] for n in starts], 0.4, label="frozen + softmax")
axes[2].bar(np.arange(4) + 0.2, [tuned[n] for n in starts], 0.4, label="fine-tuned")
axes[2].set(xticks=np.arange(4), xticklabels=[n.replace(" ", "\n", 1) for n in starts], ylim=(0, 1),
            ylabel="test accuracy", title="initialisers of one classifier")
axes[2].legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "33_depth")

# %% [markdown]
# ## Results
#
# Printed by this run. In full mode:
#
# - on the spiral, the best one-layer, one-unit encoder cannot go below its bound whatever its decoder (the estimate
#   does not move when the bins are halved), and a deep 2-$n$-1 encoder goes far below it;
# - one hidden unit regresses the curve position poorly (it is a one-layer encoder), four units already well; more units
#   do not improve it further at this size: the theorem promises that *enough* units suffice, not that training uses
#   more;
# - on Fashion-MNIST the deep 32-unit code reconstructs better than the shallow 32-unit one, and a shallow model needs
#   about twice the code to match it; at *equal parameters* the shallow model (133 units) reconstructs better, with a
#   code four times wider: depth buys a shorter code, not fewer parameters;
# - the greedy CAE stack is contractive as a whole, its whole-encoder $\lVert J\rVert_F$ about half the greedy AE stack's; the same stack
#   trained jointly with the same penalties reaches about the same $\lVert J\rVert_F$ (spread differently over the two layers), and
#   far below the joint stack without penalties; $\lVert J_2J_1\rVert_F \le \lVert J_2\rVert_2\lVert J_1\rVert_F$ at every point;
# - the PSD stack converts to sigmoid layers exactly; frozen, its 32 features beat random ones by about ten points of
#   accuracy; fine-tuning every layer lifts every start, and the four end within a few points of each other: with
#   10 000 labelled images and Adam, an initialiser helps little once the whole network is trained.
#
# A quick run (800 images, one or two epochs) shows the gradient check, the bound's stability under halving the
# bins, the deep spiral code below a loose multiple of the bound, the bound $\lVert J_2J_1\rVert_F \le \lVert J_2\rVert_2\lVert J_1\rVert_F$ and the exact
# PSD conversion; its Fashion-MNIST, contraction and accuracy figures are printed but come from models too small and too
# briefly trained to show the comparisons above, so those are stated for full mode only.
#
# %%
lesson.expect("gradient check of the regressor, worst block", regression_check.worst, quick=(0, 1e-9), full=(0, 1e-9),
              fmt=".2e")
lesson.expect("spiral: one-layer bound, 80 bins / 40 bins", bound_fine / bound, quick=(0.8, 1.2), full=(0.95, 1.05),
              fmt=".3f")
lesson.expect("spiral: deep autoencoder's test error / the one-layer bound", deep_error / bound, quick=(0, 2),
              full=(0.02, 0.6), fmt=".3f")
lesson.expect("spiral: RMSE of t̂, 1 hidden unit", rmse[1], full=(0.15, 0.35), fmt=".4f")
lesson.expect("spiral: RMSE of t̂, 4 hidden units / 1 hidden unit", rmse[4] / rmse[1], quick=(0, 1.2), full=(0, 0.3),
              fmt=".3f")
lesson.expect("spiral: RMSE of t̂, 64 / 4 hidden units", rmse[64] / rmse[4], full=(0.7, 1.3), fmt=".3f")
lesson.expect("Fashion: deep 784-128-32 / shallow 784-32, test cross-entropy", deep_fashion_error / shallow_error[32],
              full=(0.9, 0.99), fmt=".3f")
lesson.expect("Fashion: shallow 784-133 (equal parameters) / deep 784-128-32", shallow_error[133] / deep_fashion_error,
              full=(0.9, 0.99), fmt=".3f")
lesson.expect("Fashion: shallow code size matching the deep 32-unit code", k_match, full=(48, 96), fmt=".0f")
lesson.expect("‖J‖_F of the whole encoder: greedy CAE stack / greedy AE stack",
              contraction["greedy CAE stack"]["J"] / contraction["greedy AE stack"]["J"], full=(0.3, 0.7), fmt=".3f")
lesson.expect("‖J‖_F of the whole encoder: joint CAE / greedy CAE stack",
              contraction["joint CAE"]["J"] / contraction["greedy CAE stack"]["J"], full=(0.7, 1.5), fmt=".3f")
lesson.expect("‖J‖_F of the whole encoder: joint CAE / joint AE",
              contraction["joint CAE"]["J"] / contraction["joint AE"]["J"], full=(0.2, 0.6), fmt=".3f")
lesson.expect("‖J₁‖_F of the first layer: joint CAE / greedy CAE stack",
              contraction["joint CAE"]["J1"] / contraction["greedy CAE stack"]["J1"], full=(0.2, 0.8), fmt=".3f")
lesson.expect("‖J₂J₁‖_F ≤ ‖J₂‖₂‖J₁‖_F at every test point, every encoder (1 = yes)",
              float(all(c["holds"] for c in contraction.values())), quick=(1, 1), full=(1, 1), fmt=".0f")
lesson.expect("PSD stack converted to sigmoid layers: largest feature difference", conversion_error, quick=(0, 1e-4),
              full=(0, 1e-4), fmt=".2e")
lesson.expect("frozen features + softmax: PSD stack − random", frozen["PSD stack"] - frozen["random"],
              full=(0.05, 0.25), fmt=".3f")
lesson.expect("frozen features + softmax: PSD stack", frozen["PSD stack"], full=(0.65, 0.8), fmt=".3f")
lesson.expect("fine-tuned: PSD stack − random start", tuned["PSD stack"] - tuned["random"], full=(0.0, 0.08), fmt=".3f")
lesson.expect("fine-tuned: best start − worst start", max(tuned.values()) - min(tuned.values()), full=(0.01, 0.08),
              fmt=".3f")
lesson.expect("fine-tuned − frozen, random start", tuned["random"] - frozen["random"], full=(0.1, 0.3), fmt=".3f")
lesson.expect("fine-tuned − frozen, the smallest over the four starts", min(tuned[n] - frozen[n] for n in tuned),
              full=(0.03, 0.3), fmt=".3f")

# %% [markdown]
# ## What to look for in the figures
#
# - `33_spiral`: left, the deep code's colour changing along the curve and differing between neighbouring arms (not a
#   perfect unrolling: it folds the curve in places, which its error shows); middle, the best one-layer code's colour
#   running straight across the arms, so that far-apart points share a code; right, the regression error dropping
#   from one hidden unit to four, then flat.
# - `33_depth`: left, the deep model below the shallow one at 32 units, above the shallow 133-unit one at equal
#   parameters; middle, the greedy CAE stack's whole-encoder norm about half the AE stack's, and each bar below its
#   bound; right, frozen PSD features above frozen random ones, and the four fine-tuned bars close together.
#
# ## Exercises
#
# - Give the spiral's deep autoencoder a one-layer *decoder* (2-$n$-1-2): does the error stay below the one-layer bound? Why
#   does the bound say nothing about decoders?
# - Penalise the whole encoder's Jacobian $\lVert J_2 J_1\rVert_F^2$ instead of each layer's. Derive its gradient; what does it cost per sample?
# - Make the encoder deeper at equal parameters (784-96-64-32): where does it land on the left panel?
# - Train the PSD stack's second layer with a larger λ: do the frozen features get better or worse?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §6.4.1 (universal approximation), §14.3 (representational power,
#   layer size and depth), §14.8 (predictive sparse decomposition); 《深度学习》6.4.1 万能近似性质和深度, 14.3, 14.8.
# - G. Cybenko (1989), "Approximation by superpositions of a sigmoidal function", *Math. Control Signals Systems* 2;
#   K. Hornik, M. Stinchcombe, H. White (1989), "Multilayer feedforward networks are universal approximators", *Neural
#   Networks* 2; M. Leshno, V. Lin, A. Pinkus, S. Schocken (1993), *Neural Networks* 6 (non-polynomial activations).
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders", ICML (stacked CAEs).
# - K. Kavukcuoglu, M. Ranzato, Y. LeCun (2008), "Fast inference in sparse coding algorithms with applications to object
#   recognition"; K. Kavukcuoglu et al. (2010), "Learning convolutional feature hierarchies for visual recognition", NIPS.

# %%
lesson.done()
