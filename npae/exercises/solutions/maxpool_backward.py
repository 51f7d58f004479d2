"""Exercise ``maxpool_backward``: the backward pass of 2×2 max-pooling — routing, the tie rule, odd sizes.

Lesson: ``lessons/24_convolution_by_hand.py``.

Images are arrays (n, channels, height, width). The forward pass (given below as ``maxpool_forward``):
2×2 windows, stride 2, "same" padding — an odd height or width gets one extra row or column of −∞ *after*
the input, so that it never wins::

    P[i, c, y, x] = max_{p, q ∈ {0, 1}} Xp[i, c, 2y + p, 2x + q]          P: (n, C, ⌈H/2⌉, ⌈W/2⌉)

Write ``maxpool_backward(delta, X)``: from δ = ∂J/∂P, return ∂J/∂X, of X's shape.

**The tie rule.** Where a window holds its maximum more than once (common after a ReLU, where whole windows
are 0), the maximum is not differentiable and any choice among the maxima is a valid subgradient. The course
fixes one (lesson 24), and it is the one graded here: **the first maximum in the order (0, 0), (0, 1), (1, 0),
(1, 1)** — top-left, top-right, bottom-left, bottom-right — takes the whole δ.

[guided]
(``numpy.argmax`` picks the first occurrence, so it implements the rule.)
Locally the maximum *is* its winning entry and does not depend on the others: ∂P/∂X is 1 at the window's
winner and 0 elsewhere. So δ is **routed**: ∂J/∂X[i, c, 2y+p, 2x+q] = δ[i, c, y, x] if (p, q) won the window,
and 0 otherwise. With the helpers below: view the padded input's windows as (n, C, H_out, W_out, 4),
take ``argmax(axis=-1)`` (first occurrence: the tie rule), put δ at that index of a zero array of the same
shape (``np.put_along_axis``), undo the view (the inverse of ``_windows``) and crop the padding.
[derive]
Derive ∂P[i, c, y, x]/∂X for one window first: which entries does the maximum depend on, near a point
where the maximum is unique? Then ∂J/∂X, with the tie rule for the points where it is not unique.
[end]

The grader checks your result against finite differences of ⟨δ, P⟩ on inputs whose windows have no
near-ties (even and odd sizes), and against a reference on an input full of ties.
"""

import numpy as np


def _pad_to_even(X, value):
    """X (n, C, H, W) with one row (column) of ``value`` added after an odd height (width)."""
    H, W = X.shape[2], X.shape[3]
    return np.pad(X, ((0, 0), (0, 0), (0, H % 2), (0, W % 2)), constant_values=value)


def _windows(A):
    """An (n, C, 2·H_out, 2·W_out) array as its 2×2 windows, (n, C, H_out, W_out, 4), entries in the order
    (0, 0), (0, 1), (1, 0), (1, 1) of (row, column) inside the window."""
    n, C, H2, W2 = A.shape
    return A.reshape(n, C, H2 // 2, 2, W2 // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, H2 // 2, W2 // 2, 4)


def maxpool_forward(X):
    """2×2 max-pooling with "same" padding (given).

    Parameters
    ----------
    X : ndarray of shape (n, C, H, W)

    Returns
    -------
    P : ndarray of shape (n, C, ⌈H/2⌉, ⌈W/2⌉)
    """
    return _windows(_pad_to_even(X, -np.inf)).max(axis=-1)


def maxpool_backward(delta, X):
    """∂J/∂X from δ = ∂J/∂P, with the tie rule of the statement.

    Parameters
    ----------
    delta : ndarray of shape (n, C, ⌈H/2⌉, ⌈W/2⌉)
        ∂J/∂P.
    X : ndarray of shape (n, C, H, W)
        The forward pass's input.

    Returns
    -------
    ndarray of shape (n, C, H, W)
    """
    n, C, H, W = X.shape
    H_out, W_out = delta.shape[2], delta.shape[3]
    # BEGIN SOLUTION
    # HINT: windows = _windows(_pad_to_even(X, −∞)); winner = windows.argmax(axis=-1) (the first maximum wins).
    # DERIVE: which entry of each window receives δ (the tie rule of the statement).
    windows = _windows(_pad_to_even(X, -np.inf))
    winner = windows.argmax(axis=-1)
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: routed = zeros of windows' shape; np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1);
    # HINT: undo the window view: reshape (n, C, H_out, W_out, 2, 2), transpose (0, 1, 2, 4, 3, 5), crop to (H, W).
    # DERIVE: ∂J/∂X, of X's shape.
    routed = np.zeros(windows.shape)
    np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1)
    dXp = routed.reshape(n, C, H_out, W_out, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, C, 2 * H_out, 2 * W_out)
    return dXp[:, :, :H, :W]
    # END SOLUTION
