"""Lesson 05: an undercomplete linear autoencoder finds the principal subspace (and a sigmoid one does not).

Run as a script (``python lessons/05_undercomplete_and_pca.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Full mode: 5000 patches, 600 and 400 L-BFGS iterations; quick
mode: 1000 patches, 30 iterations.
"""
# %% [markdown]
# # 05 · Undercomplete autoencoders and PCA
#
# **What you will learn:** what an undercomplete linear autoencoder with squared error converges to
# (the principal subspace — PCA, up to a change of basis); why it gives the subspace and not the
# principal directions themselves; how to compare subspaces with principal angles; what tied weights
# remove; why a sigmoid undercomplete autoencoder cannot beat PCA on its own training data.
#
# **Prerequisites:** lesson 01 (the autoencoder and its loss), lesson 02 (its gradient), and the SVD.
#
# An autoencoder is *undercomplete* when its code is narrower than its input, `n_hidden < n_visible`
# (Goodfellow et al. §14.1). It cannot copy its input; it has to keep what matters most. For a **linear**
# autoencoder trained with squared error, "what matters most" has a closed form.
#
# **Key terms:** undercomplete (欠完备), principal components analysis (主成分分析),
# singular value decomposition (奇异值分解), subspace (子空间), linear autoencoder (线性自编码器),
# tied weights (绑定的权重), reconstruction error (重构误差), eigenvalue (特征值).
#
# ## The derivation, step by step
#
# Take centred data $X$ ($m \times n$, rows $x^{(i)}$, column means zero), a code of $k < n$ units,
# $h = x W_1$, $\hat x = h W_2$ (biases stay near zero on centred data), and
#
# $$J(W_1, W_2) = \frac{1}{2m}\sum_{i=1}^m \lVert x^{(i)} - x^{(i)} W_1 W_2 \rVert^2
#   = \frac{1}{2m} \lVert X - X W_1 W_2 \rVert_F^2 .$$
#
# 1. $X W_1 W_2$ has rank at most $k$: every reconstruction lies in the $k$-dimensional row space of $W_2$.
# 2. Among all rank-$k$ matrices, the closest to $X$ in Frobenius norm is the truncated SVD
#    $X_k = U_k S_k V_k^\top$ (Eckart–Young), with error $\lVert X - X_k \rVert_F^2 = \sum_{i>k} s_i^2$.
#    So $J \ge \frac{1}{2m}\sum_{i>k} s_i^2$ **on the training data**, for any decoder whose outputs lie in
#    a $k$-dimensional (affine) subspace — linear encoder or not.
# 3. The bound is reached by $W_1 = V_k$, $W_2 = V_k^\top$ (project on the top-$k$ right singular vectors, the
#    principal directions), and by $W_1 = V_k A$, $W_2 = A^{-1} V_k^\top$ for **any** invertible $k\times k$
#    matrix $A$: the autoencoder determines the principal *subspace*, not the directions (Bourlard & Kamp
#    1988; Baldi & Hornik 1989, who also showed that every other critical point is a saddle).
# 4. So we compare subspaces, by their **principal angles** (`npae.analysis.metrics.principal_angles`,
#    which wraps `scipy.linalg.subspace_angles`): all zero means the same subspace.
#
# With **tied** weights ($W_2 = W_1^\top$) the freedom shrinks from every invertible $A$ to rotations, and
# the minimum has orthonormal columns spanning the principal subspace (the subspace Oja's rule finds).

# %%
import matplotlib.pyplot as plt
import numpy as np

from npae.analysis.metrics import principal_angles, principal_directions, reconstruction_error
from npae.course import Lesson
from npae.data.natural_images import ufldl_patches
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network
from npae.training.lbfgs import train_lbfgs

lesson = Lesson(__doc__, name="05_undercomplete_and_pca")
QUICK = lesson.quick
np.set_printoptions(precision=4, suppress=True, linewidth=110)

# %% [markdown]
# ## Data: natural-image patches, centred
#
# 8×8 patches from natural images (`ufldl_patches`, lesson 01), so $n = 64$, and a code of $k = 16$ units.
# The SVD of the centred data gives the principal directions (columns of $V$) and the singular values;
# the best rank-$k$ reconstruction error in the `squared_error` normalisation (mean over samples of
# ½‖x̂ − x‖²) is $\tfrac{1}{2m}\sum_{i>k} s_i^2$ (step 2). The eigenvalue gap $\lambda_k/\lambda_{k+1}$ tells
# how well-defined the principal subspace is: the nearer to 1, the slower any iterative method finds it.

# %%
rng = np.random.default_rng(0)
n_patches, k = (1000, 16) if QUICK else (5000, 16)
X = ufldl_patches(n_patches, 8, rng=rng)
X = X - X.mean(axis=0)
V, s = principal_directions(X, k)
pca_error = 0.5 * float((s[k:] ** 2).sum()) / len(X)        # squared_error of the best rank-k reconstruction
print(f"{len(X)} patches of {X.shape[1]} pixels, code width k = {k}")
print(f"eigenvalue gap lambda_k / lambda_(k+1) = {s[k - 1] ** 2 / s[k] ** 2:.3f}")
print(f"PCA (best rank-{k}) squared_error: {pca_error:.6f}")

# %% [markdown]
# ## A linear autoencoder
#
# `encoder="linear"` makes $h = xW_1 + b_1$; `decoder="linear"` makes $\hat x = hW_2 + b_2$; squared error
# is the Gaussian loss; `tied=True` makes $W_2 = W_1^\top$. L-BFGS (`train_lbfgs`) on the whole set.

# %%
linear = Autoencoder(X.shape[1], k, encoder="linear", decoder="linear", loss="squared_error", tied=True,
                     rng=np.random.default_rng(1))
result = train_lbfgs(linear, X, maxiter=30 if QUICK else 600, verbose=False,
                     options={"gtol": 1e-10, "ftol": 1e-15})
linear_error = reconstruction_error(linear, X, kind="squared_error")
lesson.stamp(f"linear AE: {result.nit} L-BFGS iterations, squared_error {linear_error:.6f} (PCA: {pca_error:.6f})")
angles_linear = principal_angles(linear.params["W1"], V)
print("principal angles (degrees) between span(W1) and the top-k principal subspace:")
print(angles_linear)

# %% [markdown]
# The *filters* themselves need not look like the principal components: the autoencoder is free to rotate
# inside the subspace. The two figures below show the principal directions and the tied autoencoder's
# columns of $W_1$.

# %%
lesson.show(display_network(V, title=f"the top {k} principal directions (columns of V)", pixels_per_cell=16),
            "05_pca_directions")
lesson.show(display_network(linear.params["W1"], title=f"tied linear AE: W1[:, j] after {result.nit} iterations",
                            pixels_per_cell=16), "05_linear_ae_filters")

# %% [markdown]
# ## For contrast: a sigmoid undercomplete autoencoder
#
# Same data, same $k$, but $h = \sigma(xW_1 + b_1)$ (untied, linear decoder). Its reconstructions still lie
# in the $k$-dimensional affine subspace $b_2 + \operatorname{span}(\text{rows of } W_2)$, so by step 2 its
# error **on these training patches** can never be below PCA's; and the nonlinearity means the subspace
# it picks need not be the principal one. (On held-out data Eckart–Young promises nothing: the theorem is
# about the matrix it is applied to.)

# %%
sigmoid_ae = Autoencoder(X.shape[1], k, encoder="sigmoid", decoder="linear", loss="squared_error",
                         rng=np.random.default_rng(2))
result_sigmoid = train_lbfgs(sigmoid_ae, X, maxiter=30 if QUICK else 400, verbose=False)
sigmoid_error = reconstruction_error(sigmoid_ae, X, kind="squared_error")
lesson.stamp(f"sigmoid AE: {result_sigmoid.nit} L-BFGS iterations, squared_error {sigmoid_error:.6f}")
angles_sigmoid = principal_angles(sigmoid_ae.params["W2"].T, V)
print("principal angles (degrees) between the decoder's span(W2^T) and the principal subspace:")
print(angles_sigmoid)
lesson.show(display_network(sigmoid_ae.params["W2"].T, title="sigmoid AE: decoder rows W2[j, :]",
                            pixels_per_cell=16), "05_sigmoid_ae_decoder")

# %%
fig, ax = plt.subplots(figsize=(6, 3.4), dpi=100)
index = np.arange(1, k + 1)
ax.semilogy(index, np.maximum(np.sort(angles_linear), 1e-9), "o-", label="linear AE (tied)")
ax.semilogy(index, np.maximum(np.sort(angles_sigmoid), 1e-9), "s-", label="sigmoid AE, decoder")
ax.axhline(1.0, color="grey", linestyle=":", label="1 degree")
ax.set_xlabel("principal angle index (ascending)")
ax.set_ylabel("angle to PCA subspace (degrees)")
ax.set_title("How far each learned subspace is from PCA's")
ax.legend(fontsize=8)
fig.tight_layout()
lesson.show(fig, "05_principal_angles")

# %% [markdown]
# ## Results
#
# All errors are `squared_error` (mean over patches of ½‖x̂ − x‖²) on the training patches.
#
# - After the full 600 iterations the tied linear autoencoder's error is expected within 0.1 % of PCA's,
#   and its largest principal angle to the PCA subspace below one degree.
# - Neither autoencoder's error can go below PCA's (ratio ≥ 1, step 2). The sigmoid autoencoder's is
#   expected close to PCA's (within 5 %), yet its decoder subspace to differ from the principal one by more
#   than a degree: a nearly optimal error does not pin down the subspace when the eigenvalue gap is small.
#
# PCA's own error is only reported: it is the yard stick of the two ratios. In quick mode (30 iterations)
# only the Eckart–Young bound is checked; the principal angles are only reported.

# %%
lesson.expect("PCA squared_error (best rank-16)", pca_error)
lesson.expect("linear AE error / PCA error", linear_error / pca_error, quick=(1.0 - 1e-9, 3.0),
              full=(1.0 - 1e-9, 1.001), fmt=".6f")
lesson.expect("linear AE largest principal angle", angles_linear.max(), full=(0.0, 1.0),
              unit="°")
lesson.expect("sigmoid AE error / PCA error", sigmoid_error / pca_error, quick=(1.0 - 1e-9, 5.0),
              full=(1.0 - 1e-9, 1.05), fmt=".4f")
lesson.expect("sigmoid AE largest principal angle", angles_sigmoid.max(), full=(1.0, 30.0),
              unit="°")

# %% [markdown]
# ## What to look for in the figures
#
# - `05_pca_directions`: the principal directions of whitened patches — smooth patterns ordered from low
#   to higher spatial frequency, like the cosines of a Fourier basis.
# - `05_linear_ae_filters`: a rotated mixture of those — no tile needs to equal a principal direction,
#   though together they span the same subspace.
# - `05_sigmoid_ae_decoder`: the sigmoid autoencoder's decoder rows.
# - `05_principal_angles`: the linear autoencoder's angles (circles) lie far below the one-degree line
#   after the full run; the sigmoid autoencoder's (squares) are larger, its largest ones above the line.
#
# **What to take away.** A linear autoencoder with squared error learns nothing PCA does not; its value
# is as a starting point. Nonlinear codes, and the regularisers of the next lessons (overcomplete codes
# with a penalty, sparsity, denoising, contraction), are what make an autoencoder learn something else.
#
# ## Exercises
#
# - Graded: the linear decoder (UFLDL's *Linear Decoders* exercise).
#   `python -m npae.exercises start linear_decoder` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start linear_decoder --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check linear_decoder` (with `--derive` for the derive level).
# - Graded: tied weights, a parameter used twice.
#   `python -m npae.exercises start tied_weights` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start tied_weights --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check tied_weights` (with `--derive` for the derive level).
# - Train the linear autoencoder *untied*. Does it reach PCA's error? Are its encoder's columns still
#   orthonormal? Print $W_1^\top W_1$ and $W_2 W_2^\top$.
# - Why does the eigenvalue gap $\lambda_k/\lambda_{k+1}$ matter for how fast L-BFGS finds the subspace? Try
#   $k = 15$ and $k = 17$.
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §14.1 (undercomplete autoencoders; 《深度学习》14.1
#   欠完备自编码器) and §2.12 (PCA derived; 2.12 实例：主成分分析).
# - A. Ng et al., UFLDL tutorial: *PCA* and *Linear Decoders*.
# - P. Baldi & K. Hornik (1989), "Neural networks and principal component analysis: learning from examples
#   without local minima", *Neural Networks* 2; H. Bourlard & Y. Kamp (1988), "Auto-association by
#   multilayer perceptrons and singular value decomposition", *Biological Cybernetics* 59.

# %%
lesson.done()
