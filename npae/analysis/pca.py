"""Principal component analysis by the singular value decomposition: the linear baseline of dimensionality reduction.

For centred data X̄ = X − μ (rows are samples) with thin SVD X̄ = U S Vᵀ, the first k right singular vectors
(rows of Vᵀ) span the k-dimensional subspace that minimises the mean squared reconstruction error
(1/m) Σᵢ ‖x̂ᵢ − xᵢ‖² over all rank-k affine reconstructions (Eckart & Young 1936; Goodfellow et al. §2.12 and
§14.1: an undercomplete linear autoencoder trained with squared error learns the same subspace).
That minimal error is the sum of the discarded eigenvalues of the covariance (1/m) X̄ᵀX̄, i.e. Σ_{j>k} sⱼ²/m.

The SVD itself is numpy's (:func:`numpy.linalg.svd`); the rest is written out.
"""

import numpy as np

from npae.checks import as_real_array, check_data, check_int

__all__ = ["PCA", "reconstruction_error"]


def reconstruction_error(X, X_hat):
    """Mean over samples of the squared Euclidean error, (1/m) Σᵢ ‖x̂ᵢ − xᵢ‖² (no ½; sum over features).

    Parameters
    ----------
    X, X_hat : array_like of the same shape (m, n_features)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the arrays are not 2-D, have no rows, differ in shape, or hold NaN or inf.
    TypeError
        If either is not a real numeric array.
    """
    X = as_real_array("X", X, ndim=2, dtype=np.float64)
    X_hat = as_real_array("X_hat", X_hat, ndim=2, dtype=np.float64)
    if X.shape != X_hat.shape or X.shape[0] == 0:
        raise ValueError(f"X and X_hat must be 2-D arrays of one shape with at least one row, "
                         f"got {X.shape} and {X_hat.shape}")
    return float(np.sum((X_hat - X) ** 2) / X.shape[0])


class PCA:
    """PCA to ``n_components`` dimensions: ``fit``, ``encode`` (project), ``decode`` (map back), ``reconstruct``.

    Parameters
    ----------
    n_components : int >= 1

    Attributes
    ----------
    (set by :meth:`fit`)

    mean : ndarray (n_features,)
        μ, the mean of the training rows.
    components : ndarray (n_components, n_features)
        Orthonormal rows: the principal directions, by decreasing variance.
    explained_variance : ndarray (n_components,)
        The variances sⱼ²/m along them (covariance normalised by m, not m − 1).
    total_variance : float
        Σ of all the covariance's eigenvalues, (1/m)‖X̄‖²_F.

    Raises
    ------
    ValueError, TypeError
        If ``n_components`` is not a positive integer.
    """

    def __init__(self, n_components):
        self.n_components = check_int("n_components", n_components, 1)
        self.mean = self.components = self.explained_variance = None

    def fit(self, X):
        """Fit to X of shape (m, n_features), float; returns ``self``.

        Raises
        ------
        ValueError, TypeError
            If X is not a finite numeric 2-D array (checked before the SVD, which may never return on
            inf), or ``n_components`` > min(m, n_features).
        """
        X = as_real_array("X", X, ndim=2, finite=False)
        X = check_data(X, "X", X.shape[1], np.float64)
        m, n = X.shape
        if self.n_components > min(m, n):
            raise ValueError(f"n_components must be <= min(n_samples, n_features) = {min(m, n)}, "
                             f"got {self.n_components}")
        self.mean = X.mean(axis=0)
        _, s, Vt = np.linalg.svd(X - self.mean, full_matrices=False)
        self.components = Vt[:self.n_components]
        self.explained_variance = s[:self.n_components] ** 2 / m
        self.total_variance = float(np.sum(s ** 2) / m)
        return self

    def _fitted(self):
        if self.components is None:
            raise ValueError("this PCA is not fitted yet: call fit(X) first")

    def encode(self, X):
        """The codes Z = (X − μ) Vₖᵀ, shape (m, n_components). X: (m, n_features)."""
        self._fitted()
        X = check_data(X, "X", self.components.shape[1], np.float64)
        return (X - self.mean) @ self.components.T

    def decode(self, Z):
        """The reconstructions X̂ = Z Vₖ + μ, shape (m, n_features). Z: (m, n_components)."""
        self._fitted()
        Z = check_data(Z, "Z", self.n_components, np.float64)
        return Z @ self.components + self.mean

    def reconstruct(self, X):
        """``decode(encode(X))``: the orthogonal projection of X onto the affine principal subspace."""
        return self.decode(self.encode(X))
