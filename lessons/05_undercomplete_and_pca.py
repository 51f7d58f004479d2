"""Lesson 4: an undercomplete linear autoencoder finds the principal subspace (and a sigmoid one does not)."""

# %% [markdown]
# # 05 · Undercomplete autoencoders and PCA
#
# An autoencoder is *undercomplete* when its code is narrower than its input, `n_hidden < n_visible`
# (Goodfellow et al. §14.1). It cannot copy its input; it has to keep what matters most.
#
# For a **linear** autoencoder trained with squared error, "what matters most" has a closed form.
# Bourlard & Kamp (1988) and Baldi & Hornik (1989) showed that the minimum of
#
# $$J(W_1, W_2) = \frac{1}{2m}\sum_{i=1}^m \lVert x^{(i)} - x^{(i)} W_1 W_2 \rVert^2
#   \qquad (x \text{ centred, } W_1 \in \mathbb{R}^{n\times k},\ W_2 \in \mathbb{R}^{k\times n})$$
#
# is reached when the reconstruction x W₁W₂ is the orthogonal projection of x onto the span of the
# top-k principal directions: the linear autoencoder *is* PCA, up to a change of basis inside the
# subspace. It does **not** give the principal directions themselves: any invertible k×k matrix A
# gives the same reconstruction with W₁A and A⁻¹W₂. So we compare *subspaces*, with principal angles
# (`npae.analysis.metrics.principal_angles`, which wraps `scipy.linalg.subspace_angles`): all zero means the
# same subspace.
#
# We use **tied** weights (W₂ = W₁ᵀ). That removes the GL(k) freedom down to rotations, and the
# minimum has orthonormal columns spanning the principal subspace (the subspace Oja's rule finds);
# an untied linear AE reaches the same decoder subspace but its encoder converges slowly, along the
# low-variance directions of the data.

# %%
import time

import numpy as np
from matplotlib.figure import Figure

from npae.analysis.metrics import principal_angles, principal_directions
from npae.data.natural_images import ufldl_patches
from npae.training.lbfgs import train_lbfgs
from npae.models.autoencoder import Autoencoder
from npae.plotting import display_network
from npae.scripting import lesson_options

OPTIONS = lesson_options(__doc__)
QUICK, OUT = OPTIONS.quick, OPTIONS.out
START = time.perf_counter()

# %% [markdown]
# ## Data: natural-image patches, centred
#
# 8×8 patches from the UFLDL images (`ufldl_patches`), so n_visible = 64, and a code of k = 16 units.
# PCA assumes centred data; we subtract the mean patch. The SVD of the centred data gives the
# principal directions (columns of V) and the singular values; the best rank-k reconstruction error
# is the energy of the discarded directions, ½ Σ_{i>k} sᵢ² / m (Eckart–Young).

# %%
rng = np.random.default_rng(0)
n_patches, k = (1000, 16) if QUICK else (5000, 16)
X = ufldl_patches(n_patches, 8, rng=rng)
X = X - X.mean(axis=0)
V, s = principal_directions(X, k)
pca_error = 0.5 * float((s[k:] ** 2).sum()) / len(X)
print(f"{len(X)} patches of {X.shape[1]} pixels, code width k = {k}")
print(f"eigenvalue gap lambda_k / lambda_(k+1) = {s[k - 1] ** 2 / s[k] ** 2:.3f}")
print(f"PCA (best rank-{k}) reconstruction error: {pca_error:.6f}")

# %% [markdown]
# ## A linear autoencoder
#
# `encoder="linear"` makes h = xW₁ + b₁; `decoder="linear"` makes x̂ = hW₂ + b₂; squared error is the
# Gaussian loss. L-BFGS (`train_lbfgs`) on the whole set. The biases stay near 0 on centred data.

# %%
linear = Autoencoder(X.shape[1], k, encoder="linear", decoder="linear", loss="squared_error", tied=True,
                     rng=np.random.default_rng(1))
t0 = time.perf_counter()
result = train_lbfgs(linear, X, maxiter=30 if QUICK else 600, verbose=False,
                     options={"gtol": 1e-10, "ftol": 1e-15})
print(f"linear AE: {result.nit} L-BFGS iterations, {time.perf_counter() - t0:.1f} s, "
      f"loss {result.fun:.6f} (PCA: {pca_error:.6f})")
angles_linear = principal_angles(linear.params["W1"], V)
np.set_printoptions(precision=4, suppress=True, linewidth=110)
print("principal angles (degrees) between span(W1) and the top-k principal subspace:")
print(angles_linear)
print(f"largest: {angles_linear.max():.4f} degrees; all below one degree: {bool(angles_linear.max() < 1.0)}")

# %% [markdown]
# The angles are all (nearly) zero: the subspace is PCA's. The *filters* themselves need not look like
# the principal components: the autoencoder is free to rotate inside the subspace.

# %%
display_network(V, path=OUT / "04_pca_directions.png")
display_network(linear.params["W1"], path=OUT / "04_linear_ae_filters.png")

# %% [markdown]
# ## For contrast: a sigmoid undercomplete autoencoder
#
# Same data, same k, but h = σ(xW₁ + b₁) (untied, linear decoder). Its reconstructions still lie in
# the k-dimensional affine subspace b₂ + span(rows of W₂), so by Eckart–Young its error can never be
# below PCA's; and the nonlinearity means the subspace it picks need not be the principal one.

# %%
sigmoid = Autoencoder(X.shape[1], k, encoder="sigmoid", decoder="linear", loss="squared_error",
                      rng=np.random.default_rng(2))
t0 = time.perf_counter()
result = train_lbfgs(sigmoid, X, maxiter=30 if QUICK else 400, verbose=False)
print(f"sigmoid AE: {result.nit} L-BFGS iterations, {time.perf_counter() - t0:.1f} s, "
      f"loss {result.fun:.6f} (PCA: {pca_error:.6f})")
angles_sigmoid = principal_angles(sigmoid.params["W2"].T, V)
print("principal angles (degrees) between the decoder's span(W2^T) and the principal subspace:")
print(angles_sigmoid)
display_network(sigmoid.params["W2"].T, path=OUT / "04_sigmoid_ae_decoder.png")

# %%
fig = Figure(figsize=(6, 3.2))
ax = fig.add_subplot()
index = np.arange(1, k + 1)
ax.semilogy(index, np.maximum(np.sort(angles_linear), 1e-9), "o-", label="linear AE (tied)")
ax.semilogy(index, np.maximum(np.sort(angles_sigmoid), 1e-9), "s-", label="sigmoid AE, decoder")
ax.axhline(1.0, color="grey", linestyle=":", label="1 degree")
ax.set_xlabel("principal angle index (ascending)")
ax.set_ylabel("angle to PCA subspace (degrees)")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "04_principal_angles.png", dpi=100)

print(f"figures in {OUT}; lesson took {time.perf_counter() - START:.1f} s")

# %% [markdown]
# **What to take away.** A linear autoencoder with squared error learns nothing PCA does not; its
# value is as the starting point. Nonlinear codes, and the regularisers of the next lessons
# (denoising, contractive, sparse), are what make an autoencoder learn something else.
