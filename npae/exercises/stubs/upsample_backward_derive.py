# Exercise stub (derive level), generated from npae/exercises/solutions/upsample_backward.py by
# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.
"""Exercise ``upsample_backward``: 2× nearest-neighbour upsampling and its backward pass.

Lesson: ``lessons/25_convolutional_autoencoder.py``.

Images are arrays (n, channels, height, width). Upsampling by 2 (Keras ``UpSampling2D``) copies every pixel
into a 2×2 block::

    U[i, c, u, v] = X[i, c, ⌊u/2⌋, ⌊v/2⌋]            X: (n, C, H, W)  ->  U: (n, C, 2H, 2W)

Write ``upsample(X)``, and ``upsample_backward(delta)``: from δ = ∂J/∂U (n, C, 2H, 2W), return ∂J/∂X
(n, C, H, W).

Derive ∂J/∂X[i, c, y, x] from the definition of U: which entries of U does X[i, c, y, x] reach?

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
    # DERIVE: U of the statement.
    raise NotImplementedError('YOUR CODE HERE: U of the statement.')


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
    # DERIVE: ∂J/∂X, of shape (n, C, H2 // 2, W2 // 2).
    raise NotImplementedError('YOUR CODE HERE: ∂J/∂X, of shape (n, C, H2 // 2, W2 // 2).')
