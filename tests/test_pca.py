"""PCA by SVD: exact on a low-dimensional affine subspace, and optimal among rank-k projections."""

import numpy as np
import pytest

from npae.analysis.pca import PCA, reconstruction_error


def test_data_in_an_affine_plane_is_reconstructed_exactly_with_two_components():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2)) @ rng.standard_normal((2, 7)) + rng.standard_normal(7)
    pca = PCA(2).fit(X)
    assert reconstruction_error(X, pca.reconstruct(X)) < 1e-20 * np.sum(X ** 2) + 1e-24
    assert PCA(1).fit(X).reconstruct(X).shape == X.shape
    assert reconstruction_error(X, PCA(1).fit(X).reconstruct(X)) > 1e-3


def test_components_are_the_covariance_eigenvectors_and_the_error_is_the_discarded_variance():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    pca = PCA(3).fit(X)
    np.testing.assert_allclose(pca.components @ pca.components.T, np.eye(3), atol=1e-12)
    C = np.cov(X, rowvar=False, bias=True)
    eigenvalues = np.linalg.eigvalsh(C)[::-1]
    np.testing.assert_allclose(pca.explained_variance, eigenvalues[:3], rtol=1e-10)
    assert reconstruction_error(X, pca.reconstruct(X)) == pytest.approx(eigenvalues[3:].sum(), rel=1e-10)
    # any other 3-D subspace through the mean does worse
    Q, _ = np.linalg.qr(rng.standard_normal((6, 3)))
    Xc = X - X.mean(axis=0)
    assert reconstruction_error(Xc, Xc @ Q @ Q.T) > eigenvalues[3:].sum()


def test_reconstruction_error_by_hand_and_bad_arguments():
    assert reconstruction_error([[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 1.0]]) == 12.5
    with pytest.raises(ValueError, match="n_components"):
        PCA(0)
    with pytest.raises(ValueError, match="n_components"):
        PCA(5).fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="fit"):
        PCA(2).encode(np.ones((3, 4)))


def test_non_finite_input_is_refused_naming_the_argument():
    from npae.analysis.pca import PCA, reconstruction_error

    with pytest.raises(ValueError, match="X_hat contains NaN"):
        reconstruction_error(np.zeros((2, 3)), np.array([[0.0, np.nan, 0.0], [0.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        PCA(1).fit(np.array([[1.0, np.inf], [0.0, 1.0], [2.0, 2.0]]))
    with pytest.raises(TypeError, match="n_components"):
        PCA(2.0)
