"""Exercise ``upsample_backward``: 2× nearest-neighbour upsampling and its backward pass.

Lesson: ``lessons/25_convolutional_autoencoder.py``.

Images are arrays (n, channels, height, width). Upsampling by 2 (Keras ``UpSampling2D``) copies every pixel
into a 2×2 block::

    U[i, c, u, v] = X[i, c, ⌊u/2⌋, ⌊v/2⌋]            X: (n, C, H, W)  ->  U: (n, C, 2H, 2W)

Write ``upsample(X)``, and ``upsample_backward(delta)``: from δ = ∂J/∂U (n, C, 2H, 2W), return ∂J/∂X
(n, C, H, W).

[guided]
Every input pixel is used four times, and a variable used several times receives the **sum** of the
gradients of its uses (the multivariate chain rule)::

    ∂J/∂X[i, c, y, x] = Σ_{p, q ∈ {0, 1}} δ[i, c, 2y + p, 2x + q]

— 2×2 *sum*-pooling: ``delta.reshape(n, C, H, 2, W, 2).sum(axis=(3, 5))``. (``np.repeat`` along axes 2 and 3
does the forward pass.)
[derive]
Derive ∂J/∂X[i, c, y, x] from the definition of U: which entries of U does X[i, c, y, x] reach?
[end]

The grader checks your backward pass against finite differences of ⟨δ, upsample(X)⟩, and both functions
against a reference.
"""

import numpy as np


def upsample(X):
    """2× nearest-neighbour upsampling: (n, C, H, W) -> (n, C, 2H, 2W).

    Parameters
    ----------
    X : ndarray of shape (n, C, H, W)

    Returns
    -------
    ndarray of shape (n, C, 2H, 2W)
    """
    # BEGIN SOLUTION
    # HINT: np.repeat by 2 along axis 2, then along axis 3.
    # DERIVE: U of the statement.
    return np.repeat(np.repeat(X, 2, axis=2), 2, axis=3)
    # END SOLUTION


def upsample_backward(delta):
    """∂J/∂X from δ = ∂J/∂U.

    Parameters
    ----------
    delta : ndarray of shape (n, C, 2H, 2W)

    Returns
    -------
    ndarray of shape (n, C, H, W)
    """
    n, C, H2, W2 = delta.shape
    # BEGIN SOLUTION
    # HINT: the sum of each 2×2 block: delta.reshape(n, C, H, 2, W, 2).sum(axis=(3, 5)).
    # DERIVE: ∂J/∂X, of shape (n, C, H2 // 2, W2 // 2).
    return delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))
    # END SOLUTION
