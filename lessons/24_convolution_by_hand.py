"""Lesson 24: convolution by hand — a locally connected layer with shared weights, its backward pass, pooling and upsampling.

Run as a script (``python lessons/24_convolution_by_hand.py [--quick] [--out DIR]``) or open it as a
notebook with jupytext (percent format). Both modes take seconds; full mode runs every gradient check of
the convolutional layers and models (:mod:`npae.gradcheck.cases_conv`), quick mode the per-layer ones.
"""
# %% [markdown]
# # 24 · Convolution by hand
#
# **What you will learn:** that a convolution is an affine layer whose weights are shared between
# positions and zero outside a small window; how its three gradients (kernel, bias, input) follow from
# the dense layer's three formulas; why the input gradient is a *full convolution* of δ with the kernel
# (in the mathematical sense, which flips it); how max-pooling routes a gradient and upsampling sums it;
# and how to check all of it numerically.
#
# **Prerequisites:** lesson 02 (backprop by hand, gradient checking) and lesson 20 (stacked layers).
#
# **Key terms:** convolution (卷积), kernel (核), feature map (特征映射), pooling (池化), max pooling (最大池化),
# upsampling (上采样), backpropagation (反向传播), gradient checking (梯度检验).
#
# Layout: images are arrays of shape (n, channels, height, width); a bank of kernels is `W` of shape
# (C_out, C_in, k, k). The code is in `npae/core/conv.py` and `npae/core/pooling.py` — short files whose
# docstrings summarise the derivations below.
#
# ## The forward pass
#
# What deep-learning libraries call convolution is a cross-correlation (Goodfellow et al., eq. 9.6):
#
# $$ Z[i, o, y, x] = b_o + \sum_{c, p, q} X_p[i, c, y + p, x + q]\; W[o, c, p, q], $$
#
# with $X_p$ the input padded with zeros — "same" padding keeps the size (a 3×3 kernel adds one zero on
# each side), "valid" adds none (the output shrinks by $k - 1$). Each output channel $Z[i, o]$ is a *feature map*:
# the image of where kernel $o$ responds.
#
# **im2col.** Put every $k\times k$ patch (all channels) of the input into one *column* of a matrix `cols`
# of shape $(C_{in} k^2,\; n H_{out} W_{out})$, one column per output pixel of every image. Then the
# convolution is *one* matrix product, $Z = W_{mat}\,\text{cols} + b$, with $W_{mat}$ the kernels
# flattened to $(C_{out}, C_{in}k^2)$ and $Z$ of shape $(C_{out}, n H_{out} W_{out})$: exactly the dense
# layer $z = W a + b$ of UFLDL's notes, with the patches as the samples $a$ (as columns, as UFLDL writes
# them) and **every patch sharing the same weights**. `numpy.lib.stride_tricks.sliding_window_view` gives
# the patches as a view; one reshape copies them into `cols`.

# %%
import numpy as np
import matplotlib.pyplot as plt
from scipy.signal import convolve2d, correlate2d

from npae.course import Lesson
from npae.core.conv import col2im, conv2d_backward, conv2d_forward
from npae.core.pooling import maxpool_backward, maxpool_forward, upsample_backward, upsample_forward
from npae.gradcheck.cases_conv import layer_cases, model_cases

lesson = Lesson(__doc__, name="24_convolution_by_hand")
QUICK = lesson.quick
rng = np.random.default_rng(0)

# %% [markdown]
# ## A convolution is a (big, sparse) dense layer
#
# Apply a 3×3 "same" convolution (one channel in, one out, no bias) to each of the 36 unit images of a
# 6×6 input: column $j$ of the result is the layer's response to pixel $j$, so stacking them gives the
# 36×36 matrix $M$ of the layer as a dense layer, $\mathrm{vec}(Z) = M\,\mathrm{vec}(X)$. The figure shows
# its structure: each row has at most 9 non-zeros (the window), and the *same* nine values repeat on
# every row (shared weights), shifted along diagonals — a doubly block-Toeplitz matrix.

# %%
size = 6
W = rng.normal(size=(1, 1, 3, 3))
units = np.eye(size * size).reshape(size * size, 1, size, size)
M = conv2d_forward(units, W, np.zeros(1), "same")[0].reshape(size * size, size * size).T      # M[:, j] = conv(e_j)
X = rng.normal(size=(1, 1, size, size))
Z, cols = conv2d_forward(X, W, np.zeros(1), "same")
lesson.expect("|conv(X) − M vec(X)| (the convolution as a dense layer)", np.abs(Z.ravel() - M @ X.ravel()).max(),
              quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("non-zeros per row of M (at most k² = 9)", (M != 0).sum(axis=1).max(), quick=(9, 9), full=(9, 9), fmt=".0f")
print("distinct non-zero values in M:", len(np.unique(np.round(M[M != 0], 12))), "(the 9 kernel weights)")
print("im2col matrix of one 6x6 image:", cols.shape, "= (weights per patch, output pixels)")

fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), dpi=100)
axes[0].imshow(W[0, 0], cmap="RdBu_r", vmin=-2.5, vmax=2.5)
axes[0].set_title("the 3×3 kernel W")
axes[0].set_xticks(range(3))
axes[0].set_yticks(range(3))
image = axes[1].imshow(np.where(M == 0, np.nan, M), cmap="RdBu_r", vmin=-2.5, vmax=2.5)
axes[1].set_title("M: the same layer as a 36×36 dense matrix\n(blank = 0; each row reuses the 9 weights)")
axes[1].set_xlabel("input pixel j")
axes[1].set_ylabel("output pixel")
fig.colorbar(image, ax=axes[1], shrink=0.8)
fig.tight_layout()
lesson.show(fig, "24_convolution_as_a_matrix")

# %% [markdown]
# ## The backward pass, step by step
#
# Write the delta $\delta = \partial J/\partial Z$ as a matrix $D$ of shape $(C_{out}, nH_{out}W_{out})$, like
# $Z$ in the im2col product. The dense layer's three formulas (lesson 02; `npae/core/layers.py`, there with
# the samples as rows) give:
#
# 1. **Kernel gradient** $\partial J/\partial W_{mat} = D\,\text{cols}^\top$, i.e.
#    $\partial J/\partial W[o,c,p,q] = \sum_{i,y,x} \delta[i,o,y,x]\, X_p[i,c,y+p,x+q]$: the input
#    **cross-correlated with δ** (every position where a weight was used contributes).
# 2. **Bias gradient** $\partial J/\partial b_o = \sum_{i,y,x}\delta[i,o,y,x]$.
# 3. **Input gradient** $\partial J/\partial\,\text{cols} = W_{mat}^\top D$; and since every entry of
#    `cols` is a copy of one input pixel, the pixel's gradient is the **sum over its copies** (*col2im*,
#    the adjoint of im2col: $k^2$ slice-adds, one per kernel offset). Written out, with the padding
#    $t$ (the zeros added above and to the left of the input),
#    $\partial J/\partial X[i,c,u,v] = \sum_{o,p,q}\delta[i,o,u+t-p, v+t-q]\,W[o,c,p,q]$, with δ taken
#    as zero outside its grid. For each pair of channels this is the **full convolution of δ with the
#    kernel**, *convolution* in the mathematical sense, which flips the kernel: SciPy's `convolve2d(δ, W)`.
#    In deep-learning terms, where "convolution" means the cross-correlation of the forward pass, it is a
#    cross-correlation of δ, zero-padded by $k-1-t$ on each side, with the kernel **flipped** in both
#    spatial axes (and its two channel axes swapped): the same im2col product as the forward pass, which is
#    how `conv2d_backward` computes it. One flip, said two ways; never two flips. In matrix terms it is
#    $M^\top\delta$: the *transposed* convolution.
#
# Each identity is checked below against an independent formula: SciPy's `correlate2d` for the kernel
# gradient, `convolve2d` for the input gradient, col2im (the other derivation), and $M^\top$.

# %%
delta = rng.normal(size=Z.shape)
dX, dW, db = conv2d_backward(delta, cols, X.shape, W, "same")
dW_scipy = correlate2d(np.pad(X[0, 0], 1), delta[0, 0], mode="valid")       # input ⋆ δ
dX_scipy = convolve2d(delta[0, 0], W[0, 0], mode="same")                       # δ * W (convolution: W flipped)
dX_col2im = col2im(W.reshape(1, -1).T @ delta.reshape(1, -1), (1, 1, size + 2, size + 2), 3, 3)[:, :, 1:-1, 1:-1]
lesson.expect("|dW − correlate(X_padded, δ)|", np.abs(dW[0, 0] - dW_scipy).max(), quick=(0, 1e-12),
              full=(0, 1e-12), fmt=".1e")
lesson.expect("|db − Σ δ|", abs(db[0] - delta.sum()), quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("|dX − convolve(δ, W)| (the full convolution, cropped to 6×6)", np.abs(dX[0, 0] - dX_scipy).max(),
              quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("|dX − col2im(W_matᵀ δ)| (the sum over copies)", np.abs(dX - dX_col2im).max(),
              quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")
lesson.expect("|dX − Mᵀ δ| (the transposed convolution)", np.abs(dX.ravel() - M.T @ delta.ravel()).max(),
              quick=(0, 1e-12), full=(0, 1e-12), fmt=".1e")

# %% [markdown]
# ## The adjoint identity
#
# "Transposed" has a test that needs no matrix: for every $X$ and $Y$,
# $\langle \mathrm{conv}(X), Y\rangle = \langle X, \mathrm{conv}^\top(Y)\rangle$ (bias 0). Here with
# several channels, a batch, and both paddings.

# %%
for padding in ("same", "valid"):
    Xc = rng.normal(size=(4, 3, 9, 8))
    Wc = rng.normal(size=(5, 3, 3, 3))
    Zc, colsc = conv2d_forward(Xc, Wc, np.zeros(5), padding)
    Y = rng.normal(size=Zc.shape)
    dXc = conv2d_backward(Y, colsc, Xc.shape, Wc, padding)[0]
    left, right = np.sum(Zc * Y), np.sum(Xc * dXc)
    lesson.expect(f"adjoint identity, {padding} padding: |⟨conv X, Y⟩ − ⟨X, convᵀ Y⟩| / |⟨conv X, Y⟩|",
                  abs(left - right) / abs(left), quick=(0, 1e-13), full=(0, 1e-13), fmt=".1e")

# %% [markdown]
# ## Max-pooling routes, upsampling sums
#
# **Max-pooling** (2×2, stride 2) outputs the largest of each window. Locally the maximum *is* its
# winning entry, so its gradient is 1 there and 0 elsewhere: the delta of each output pixel is **routed**
# to the input pixel that won. "Same" padding (Keras) pads an odd size with one row/column of −∞ after
# the input, so 7×7 gives 4×4. **Ties** (two equal maxima — common after a ReLU, where whole windows are
# 0) go to the *first* maximum in the order top-left, top-right, bottom-left, bottom-right: any choice is
# a valid subgradient, a fixed one makes the backward pass a function of the input.
#
# **Nearest-neighbour upsampling** copies each pixel into a 2×2 block, so a pixel's gradient is the
# **sum** of its block's deltas — the adjoint of copying is summing (2×2 sum-pooling).

# %%
A = rng.normal(size=(1, 1, 7, 7))
P, winner = maxpool_forward(A)
ones = np.ones_like(P)
routed = maxpool_backward(ones, winner, A.shape)
print("max-pooling of a 7x7 map:", P.shape[2:], " upsampling of it:", upsample_forward(P).shape[2:])
Yp = rng.normal(size=P.shape)
lesson.expect("max-pooling adjoint error (routing fixed by the input)",
              abs(np.sum(P * Yp) - np.sum(A * maxpool_backward(Yp, winner, A.shape))) / abs(np.sum(P * Yp)),
              quick=(0, 1e-13), full=(0, 1e-13), fmt=".1e")
U = upsample_forward(P)
Yu = rng.normal(size=U.shape)
lesson.expect("upsampling adjoint error", abs(np.sum(U * Yu) - np.sum(P * upsample_backward(Yu))) / abs(np.sum(U * Yu)),
              quick=(0, 1e-13), full=(0, 1e-13), fmt=".1e")
tie = np.array([[[[0.0, 0.0], [0.0, 0.0]]]])
lesson.expect("index of the winner of an all-zero window (0 = top-left)", maxpool_forward(tie)[1].item(),
              quick=(0, 0), full=(0, 0), fmt=".0f")

fig, axes = plt.subplots(1, 5, figsize=(14, 3.8), dpi=100)
for ax, img, title in zip(axes, (A[0, 0], P[0, 0], routed[0, 0], Yu[0, 0], upsample_backward(Yu)[0, 0]),
                          ("input 7×7", "max-pooled 4×4", "gradient of Σ pooled:\nrouted to the winners",
                           "a delta δ at the upsampled\n8×8 map", "upsampling's gradient:\n2×2 sums of δ (4×4)")):
    ax.imshow(img, cmap="viridis")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
for (y, x), v in np.ndenumerate(routed[0, 0]):
    axes[2].text(x, y, f"{v:.0f}", ha="center", va="center", color="white" if v == 0 else "black", fontsize=8)
fig.tight_layout()
lesson.show(fig, "24_pooling_and_upsampling_gradients")

# %% [markdown]
# ## Results: gradient checks
#
# Every layer alone — through $J = \langle \text{layer}(X), R\rangle$ for a fixed random $R$, so that the
# layer's backward pass receives $R$ as its delta and the input $X$ is a parameter block too — and whole
# convolutional autoencoders, the seed's two architectures on small inputs included. Five-point central
# differences, float64, parameters drawn away from the initialisation and away from the kinks of the ReLU
# and of the maximum (`npae/gradcheck/cases_conv.py`). UFLDL's bar: every block below $10^{-9}$. The same
# table is `python -m npae.gradcheck --filter conv` / `--filter layer`; `[perf]` marks the performance
# layer's versions (`npae/perf/conv_fast.py`), which compute the same functions in another memory layout.
# Quick mode checks the layers; full mode adds the models.

# %%
cases = layer_cases() + ([] if QUICK else model_cases())
width = max(len(c.name) for c in cases)
worst = 0.0
for case in cases:
    result = case.run()
    worst = max(worst, result.worst)
    print(f"{case.name:<{width}}  worst block {result.worst:.1e}  "
          + "  ".join(f"{k} {v:.0e}" for k, v in result.per_block.items()))
lesson.expect(f"worst per-block relative error over {len(cases)} checks", worst, quick=(0, 1e-9), full=(0, 1e-9),
              fmt=".1e")

# %% [markdown]
# ## What to look for in the figures
#
# - `24_convolution_as_a_matrix`: a band of diagonals; each row holds at most nine values, the same nine
#   in every row (edge rows lose the weights that fall on the padding).
# - `24_pooling_and_upsampling_gradients`: the routed gradient is 1 at exactly one pixel of each 2×2
#   window (the winner) and 0 elsewhere; the last row and column of the 7×7 map form windows of their own.
#
# ## Exercises
#
# - Graded: the convolution's backward pass through the patch matrix: ∂J/∂W, ∂J/∂b, and ∂J/∂X
#   by col2im.
#   `python -m npae.exercises start conv2d_backward` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start conv2d_backward --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check conv2d_backward` (with `--derive` for the derive level).
# - Graded: ∂J/∂X again, as one "full" convolution of the padded δ with the kernel
#   flipped and its channel axes swapped.
#   `python -m npae.exercises start conv_input_gradient` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start conv_input_gradient --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check conv_input_gradient` (with `--derive` for the derive level).
# - Graded: max-pooling's backward pass — routing, the tie rule, odd sizes.
#   `python -m npae.exercises start maxpool_backward` (guided: the stub gives the backward pass's equations) or
#   `python -m npae.exercises start maxpool_backward --derive` (derive: the model and the cost only), then
#   `python -m npae.exercises check maxpool_backward` (with `--derive` for the derive level).
# - Break the tie rule in your `maxpool_backward` (send ties to the *last* maximum): which of the grader's
#   checks still pass, and why?
# - Derive the gradient of a stride-2 convolution; where do the zeros of the "dilated" δ come from?
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning*, §9.1–9.5 (convolution, pooling, variants; 《深度学习》第9章).
# - V. Dumoulin & F. Visin (2016), "A guide to convolution arithmetic for deep learning", arXiv:1603.07285.

# %%
lesson.done()
