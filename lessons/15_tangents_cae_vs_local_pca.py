"""Lesson 15: the tangent plane a contractive autoencoder learns, next to local PCA (Fashion-MNIST).

Run as a script (``python lessons/15_tangents_cae_vs_local_pca.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: tied CAEs with 500 code units on 10 000 training images,
10 epochs, the contraction weight chosen among three (5, 20, 50) on 50 validation images; the test scored on 100;
quick mode: 50 units, 800 images, 1 epoch.
"""
# %% [markdown]
# # 15 · Tangents of the data manifold: CAE versus local PCA
#
# **What you will learn:** how the encoder's Jacobian $J(x) = \partial h / \partial x$ of a contractive
# autoencoder estimates the tangent plane of the data manifold at $x$; how to compare two estimates of a plane
# with principal angles; how to choose a setting on a validation split and report the test set once.
#
# **Prerequisites:** lessons 12 (the contractive autoencoder and its Jacobian), 13 (DAE and CAE) and 14 (the
# manifold hypothesis); lesson 05 (PCA).
#
# **Key terms:** manifold (流形), tangent plane (切平面), Jacobian matrix (Jacobian矩阵), singular value
# decomposition (奇异值分解), contractive autoencoder (收缩自编码器), principal components analysis (主成分分析),
# nearest neighbour (最近邻), validation set (验证集), test set (测试集).
#
# ## The derivation
#
# 1. A CAE (Rifai et al. 2011) minimises the reconstruction error plus $\lambda\,\frac1m\sum_i \lVert J(x_i)\rVert_F^2$.
#    With a sigmoid code $h = \sigma(x W_1 + b_1)$ the Jacobian is, row $j$ being unit $j$'s gradient,
#
# $$ J(x) = \mathrm{diag}\big(h(1-h)\big)\, W_1^\top \qquad (n_{\text{hidden}} \times n_{\text{visible}}). $$
#
# 2. The penalty pushes the code to ignore *every* input direction; the reconstruction term keeps it sensitive
#    to the directions it needs to tell training images apart — the directions *along* the data.
# 3. The directions to which $h$ is most sensitive are the leading right-singular vectors of $J(x)$:
#
# $$ J(x) = U\,\mathrm{diag}(s_1 \ge s_2 \ge \dots)\,V^\top, \qquad \lVert J(x)\,v_i\rVert = s_i . $$
#
# So $v_1, \dots, v_d$ are the CAE's estimate of a $d$-dimensional tangent plane at $x$
# (`npae.analysis.manifold.jacobian_tangents`).
#
# 4. The non-parametric baseline, **local PCA**: the top $d$ principal directions of the $k$ training images
#    nearest to $x$ (`local_pca_tangents`). It needs the training set at test time; the CAE needs only $W_1, b_1$.
# 5. Two $d$-dimensional planes $P, Q$ are compared by their **principal angles** $\theta_1 \le \dots \le \theta_d$:
#    $\cos\theta_i$ are the singular values of $Q_P^\top Q_Q$ for orthonormal bases (`tangent_angles`). The
#    smallest angle is 0° when the planes share a direction; two random 4-dimensional planes of
#    $\mathbb R^{784}$ have all their angles close to 90°.
#
# We measure the **mean smallest principal angle** between the CAE's and local PCA's planes over many
# held-out images. It is the criterion by which the contraction weight λ is chosen — on validation images
# carved from the training set — and the test images are scored once, with the chosen λ.

# %%
import numpy as np
import matplotlib.pyplot as plt

from npae.analysis import manifold
from npae.core.penalties import Contractive, KLSparsity
from npae.course import Lesson, validation_split
from npae.data.digits import FASHION_MNIST_CLASSES
from npae.models.autoencoder import Autoencoder
from npae.plotting import show_tangents
from npae.training.minibatch import train_minibatch

lesson = Lesson(__doc__, name="15_tangents_cae_vs_local_pca", needs=("fashion-mnist",))
QUICK = lesson.quick

rng = np.random.default_rng(14)
N_TRAIN, N_HIDDEN, EPOCHS = (800, 50, 1) if QUICK else (10000, 500, 10)
N_VAL, N_SCORE = (50, 10) if QUICK else (2000, 100)       # validation images; test points scored
N_SCORE_VAL = 10 if QUICK else 50                          # validation points scored per λ
LAMBDAS = (1.0, 2.0) if QUICK else (5.0, 20.0, 50.0)
RHO, BETA = 0.05, 3.0
N_TANGENTS, K_NEIGHBOURS = 4, (30 if QUICK else 100)

X_all, y_all = lesson.fashion_mnist("train", dtype=np.float32)
X_fit, y_fit, X_val, y_val = validation_split(X_all, y_all, N_VAL, rng)
X, y = X_fit[:N_TRAIN], y_fit[:N_TRAIN]
X_test, y_test = lesson.fashion_mnist("test", dtype=np.float32)
print(f"train {X.shape}, validation {X_val.shape}, test {X_test.shape}")

# %% [markdown]
# ## The model, and the choice of λ on the validation split
#
# Tied weights (decoder $W_1^\top$, as Rifai et al., and as lesson 12 recommends: an untied CAE can shrink
# $W_1$ and blow up $W_2$), sigmoid decoder, cross-entropy summed over the pixels, a KL sparsity penalty
# (ρ = 0.05, β = 3: at any input most units are off, so contracted, and the few on their slope are the rows of
# $J$), Adam, batches of 128. One model per λ; the one with the smallest mean smallest angle on the validation
# images is kept.

# %%
def train_cae(lam):
    model = Autoencoder(784, N_HIDDEN, loss="cross_entropy", tied=True, dtype=np.float32,
                        penalties=[Contractive(lam), KLSparsity(RHO, BETA)], rng=np.random.default_rng(0))
    train_minibatch(model, X, epochs=EPOCHS, batch_size=128, rng=np.random.default_rng(1), verbose=False)
    return model


def local_pca_planes(points):
    """Local PCA's tangent plane at each point: it depends on the training images only, not on λ."""
    return [manifold.local_pca_tangents(X, x, K_NEIGHBOURS, N_TANGENTS)[0] for x in points]


def smallest_angles(model, points, planes):
    """Smallest principal angle (degrees) between the CAE's tangent plane and local PCA's at each point."""
    return np.array([manifold.tangent_angles(manifold.jacobian_tangents(model, x, N_TANGENTS)[0], P).min()
                     for x, P in zip(points, planes)])


val_points = X_val[:N_SCORE_VAL]
val_planes = local_pca_planes(val_points)                  # computed once, shared by every λ
models, val_angle = {}, {}
for lam in LAMBDAS:
    models[lam] = train_cae(lam)
    val_angle[lam] = smallest_angles(models[lam], val_points, val_planes).mean()
    lesson.stamp(f"λ = {lam}: mean smallest angle on {N_SCORE_VAL} validation images {val_angle[lam]:.1f}°")
best = min(val_angle, key=val_angle.get)
cae = models[best]
print(f"chosen on the validation split: λ = {best}")

# %% [markdown]
# ## The test set, once
#
# With λ fixed, the test images are scored: the mean smallest angle between the two planes, next to the same
# measurement for pairs of random 4-dimensional planes.

# %%
test_points = X_test[:N_SCORE]
test_angles = smallest_angles(cae, test_points, local_pca_planes(test_points))
R = [manifold.tangent_angles(np.linalg.qr(rng.normal(size=(784, N_TANGENTS)))[0].T,
                             np.linalg.qr(rng.normal(size=(784, N_TANGENTS)))[0].T).min() for _ in range(N_SCORE)]
H_test = cae.encode(X_test[:N_SCORE])
off = np.mean(H_test < 0.05)                               # the fraction of (unit, image) pairs off

# %% [markdown]
# ## Tangents at a few test images
#
# For one test image of each of a few classes: the image, its 4 CAE tangents, then its 4 local-PCA tangents.
# Tangents are drawn red/blue centred at 0 per tile (`npae.plotting.show_tangents`): red pixels brighten and
# blue ones darken when moving along the tangent, so a red band beside a blue band is an edge moving. The sign
# of a singular vector is arbitrary.

# %%
classes = [0, 1] if QUICK else [0, 1, 5, 7, 9]
picks = [int(np.flatnonzero(y_test == c)[0]) for c in classes]
inputs, cae_tangents, pca_tangents = [], [], []
for c, i in zip(classes, picks):
    T, s = manifold.jacobian_tangents(cae, X_test[i], N_TANGENTS)
    P, _ = manifold.local_pca_tangents(X, X_test[i], K_NEIGHBOURS, N_TANGENTS)
    angles = np.sort(manifold.tangent_angles(T, P))
    print(f"{FASHION_MNIST_CLASSES[c]:>12}: CAE singular values {np.round(s, 3)}; principal angles {np.round(angles, 1)}°")
    inputs.append(X_test[i])
    cae_tangents.append(T)
    pca_tangents.append(P)
fig = show_tangents(np.array(inputs), [np.array(cae_tangents), np.array(pca_tangents)], (28, 28),
                    labels=["CAE tangents (Jacobian SVD)", f"local PCA ({K_NEIGHBOURS} neighbours)"],
                    title="Fashion-MNIST test images: tangents, red/blue centred at 0 per tile")
lesson.show(fig, "15_tangents_cae_vs_local_pca")

fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
ax.hist(test_angles, bins=20, range=(0, 90), color="C0", label="CAE vs local PCA (test images)")
ax.hist(R, bins=20, range=(0, 90), color="C7", alpha=0.7, label="random vs random")
ax.set_xlabel("smallest principal angle between the two 4-D planes (degrees)")
ax.set_ylabel("number of points")
ax.legend()
fig.tight_layout()
lesson.show(fig, "15_smallest_angles")

# %% [markdown]
# ## Results
#
# In full mode the λ chosen on the validation images lies inside the grid (not at its edge, where a better
# value could lie beyond), and most code values are off ($h < 0.05$) at a test image, as the sparsity
# penalty asks. The mean smallest angle between the CAE's and local PCA's planes on the test images is
# expected far below that of random planes (which is above 80°): the two estimates share at least one
# direction approximately, not four (the larger angles, printed per image above, are much larger). Quick
# mode (50 units, one epoch) only checks that the measurement runs and is below the random level; its λ and
# its fraction of off values are only reported.

# %%
lesson.expect("chosen λ (validation)", best, full=(20.0, 20.0), fmt="g")        # inside the grid 5, 20, 50
lesson.expect("mean smallest angle, CAE vs local PCA, test (°)", test_angles.mean(), quick=(0, 80), full=(25, 45),
              fmt=".1f")
lesson.expect("mean smallest angle, random planes (°)", np.mean(R), quick=(80, 90), full=(80, 90), fmt=".1f")
lesson.expect("fraction of code values below 0.05, test", off, full=(0.5, 1.0), fmt=".2f")

# %% [markdown]
# ## What to look for in the figures
#
# - `15_tangents_cae_vs_local_pca`: local PCA's tangents follow each image's own outline pixel by pixel
#   (red/blue bands along a shirt's shoulders, a trouser's legs, a shoe's sole: the outline moving), because
#   they are differences of actual neighbours. The CAE's are broad and smooth, mixtures of a few learned
#   filters: in full mode the first is a blob over the whole frame (a brightness or "which kind of garment"
#   direction), the next ones coarse garment shapes (two trouser legs, the mass of a shoe), and they change
#   less from image to image than local PCA's. That is why only the *smallest* angle is small: the two planes
#   share about one direction. In quick mode the CAE's tangents are still noise.
# - `15_smallest_angles`: the blue histogram (CAE vs local PCA) lies well to the left of the grey one
#   (random planes).
#
# ## Exercises
#
# - The run prints the λ chosen on the validation split. If it is the largest (or smallest) value of the grid,
#   the best λ may lie beyond it: extend the grid in that direction, choose again on the validation split, and
#   only then score the test set.
# - The validation criterion is one number per point. Add a second (the mean of all four angles) and see
#   whether it chooses the same λ.
# - Train the same CAE *untied*. Print $\lVert W_1\rVert_F$ and $\lVert W_2\rVert_F$: does the model fall
#   into lesson 12's ε-trap, and what happens to the tangents?
# - Local PCA's plane depends on $k$. Try $k$ = 20 and 500: which tangents change most, and why?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.6 (learning manifolds with autoencoders, Fig. 14.10)
#   and §14.7 (contractive autoencoders); 《深度学习》14.6 使用自编码器学习流形, 14.7 收缩自编码器.
# - S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio (2011), "Contractive auto-encoders: explicit
#   invariance during feature extraction", ICML; S. Rifai, Y. Dauphin, P. Vincent, Y. Bengio, X. Muller (2011),
#   "The manifold tangent classifier", NeurIPS.
# - UFLDL has no page on tangents; its *PCA* page is the background for local PCA.

# %%
lesson.done()
