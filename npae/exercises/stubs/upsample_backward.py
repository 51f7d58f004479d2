# Exercise stub (guided level), generated from npae/exercises/solutions/upsample_backward.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``upsample_backward``: 2× nearest-neighbour upsampling and its backward pass.

Lesson: ``lessons/25_convolutional_autoencoder.py``.

Images are arrays (n, channels, height, width). Upsampling by 2 (Keras ``UpSampling2D``) copies every pixel
into a 2×2 block::

    U[i, c, u, v] = X[i, c, ⌊u/2⌋, ⌊v/2⌋]            X: (n, C, H, W)  ->  U: (n, C, 2H, 2W)

Write ``upsample(X)``, and ``upsample_backward(delta)``: from δ = ∂J/∂U (n, C, 2H, 2W), return ∂J/∂X
(n, C, H, W).

Every input pixel is used four times, and a variable used several times receives the **sum** of the
gradients of its uses (the multivariate chain rule)::

    ∂J/∂X[i, c, y, x] = Σ_{p, q ∈ {0, 1}} δ[i, c, 2y + p, 2x + q]

— 2×2 *sum*-pooling: ``delta.reshape(n, C, H, 2, W, 2).sum(axis=(3, 5))``. (``np.repeat`` along axes 2 and 3
does the forward pass.)

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
    # HINT: np.repeat by 2 along axis 2, then along axis 3.
    raise NotImplementedError('YOUR CODE HERE: np.repeat by 2 along axis 2, then along axis 3.')


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
    # HINT: the sum of each 2×2 block: delta.reshape(n, C, H, 2, W, 2).sum(axis=(3, 5)).
    raise NotImplementedError('YOUR CODE HERE: the sum of each 2×2 block: delta.reshape(n, C, H, 2, W, 2).sum(axis=(3, 5)).')
