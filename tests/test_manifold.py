"""Manifold tools: tangents, spectra, contraction curves, the circle's score, the DAE–CAE expansion."""

import numpy as np
import pytest
from scipy.integrate import quad

import npae
from npae.analysis import manifold
from npae.gradcheck import numerical_jacobian
from npae.analysis.jacobian import encoder_jacobian, reconstruction_jacobian


def random_model(rng, n_visible=6, n_hidden=5, **kwargs):
    model = npae.Autoencoder(n_visible, n_hidden, rng=rng, **kwargs)
    model.params["b1"] = rng.normal(0, 0.5, n_hidden)
    model.params["b2"] = rng.normal(0, 0.5, n_visible)
    return model


# ------------------------------------------------------------------------------------------------ Jacobians
@pytest.mark.parametrize("kwargs", [dict(), dict(decoder="linear"), dict(tied=True), dict(encoder="relu")])
def test_reconstruction_jacobian_matches_finite_differences(kwargs):
    rng = np.random.default_rng(0)
    model = random_model(rng, **kwargs)
    X = rng.uniform(0, 1, (4, 6))
    J = reconstruction_jacobian(model, X)
    assert J.shape == (4, 6, 6)
    for i in range(4):
        numeric = numerical_jacobian(lambda x: model.reconstruct(x[None, :])[0], X[i])
        np.testing.assert_allclose(J[i], numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(reconstruction_jacobian(model, X[1]), J[1], rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("kwargs", [dict(), dict(decoder="linear"), dict(tied=True)])
def test_jacobian_norm_and_laplacian_closed_forms(kwargs):
    rng = np.random.default_rng(1)
    model = random_model(rng, **kwargs)
    X = rng.uniform(0, 1, (5, 6))
    J = reconstruction_jacobian(model, X)
    np.testing.assert_allclose(manifold.reconstruction_jacobian_norm2(model, X, batch_size=2),
                               np.sum(J**2, axis=(1, 2)), rtol=1e-12)
    lap = manifold.reconstruction_laplacian(model, X, batch_size=3)
    h = 1e-4
    for i in range(5):
        r0 = model.reconstruct(X[i:i + 1])[0]
        numeric = sum((model.reconstruct(X[i:i + 1] + h * e)[0] - 2 * r0
                       + model.reconstruct(X[i:i + 1] - h * e)[0]) / h**2 for e in np.eye(6))
        np.testing.assert_allclose(lap[i], numeric, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------------ tangents
def test_local_pca_recovers_a_linear_subspace():
    rng = np.random.default_rng(2)
    basis = np.linalg.qr(rng.normal(size=(20, 3)))[0].T            # (3, 20) orthonormal rows
    offset = rng.normal(size=20)
    X = rng.normal(size=(500, 3)) @ basis + offset + 1e-3 * rng.normal(size=(500, 20))
    tangents, s = manifold.local_pca_tangents(X, X[0], k_neighbours=40, n_tangents=3)
    assert tangents.shape == (3, 20) and np.all(np.diff(s) <= 0)
    np.testing.assert_allclose(tangents @ tangents.T, np.eye(3), atol=1e-12)
    assert manifold.tangent_angles(tangents, basis).max() < 1.0
    # a wrong subspace is far: the test can fail
    other = np.linalg.qr(rng.normal(size=(20, 3)))[0].T
    assert manifold.tangent_angles(other, basis).max() > 10.0


def test_local_pca_takes_the_exact_nearest_rows_ties_to_the_lower_index():
    # Four rows tie at distance 1 from the origin; k = 3 takes rows 0, 1, 3 (the lower indices), whose
    # leading direction is the x-axis. Rows 0, 3, 4 (another tie-break) would give the y-axis.
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [5.0, 5.0], [0.0, 1.0], [0.0, -1.0]])
    tangents, s = manifold.local_pca_tangents(X, np.zeros(2), k_neighbours=3, n_tangents=1)
    np.testing.assert_allclose(np.abs(tangents), [[1.0, 0.0]], atol=1e-12)
    # a far row is never taken while nearer ones remain: with k = 4, rows 0, 1, 3, 4 (not row 2)
    tangents, s = manifold.local_pca_tangents(X, np.zeros(2), k_neighbours=4, n_tangents=2)
    np.testing.assert_allclose(s, [np.sqrt(2.0), np.sqrt(2.0)], atol=1e-12)


def test_local_pca_errors():
    X = np.zeros((10, 4))
    with pytest.raises(ValueError, match="k_neighbours"):
        manifold.local_pca_tangents(X, X[0], k_neighbours=11, n_tangents=2)
    with pytest.raises(ValueError, match="k_neighbours must exceed"):
        manifold.local_pca_tangents(X, X[0], k_neighbours=2, n_tangents=2)
    with pytest.raises(ValueError, match="x0"):
        manifold.local_pca_tangents(X, np.zeros(3), k_neighbours=5, n_tangents=2)


def test_jacobian_tangents_are_the_right_singular_vectors():
    rng = np.random.default_rng(3)
    model = random_model(rng, n_visible=8, n_hidden=5)
    X = rng.uniform(0, 1, (3, 8))
    tangents, s = manifold.jacobian_tangents(model, X, n_tangents=2)
    assert tangents.shape == (3, 2, 8) and s.shape == (3, 2)
    for i in range(3):
        J = encoder_jacobian(model, X[i])
        _, s_ref, Vt = np.linalg.svd(J)
        np.testing.assert_allclose(s[i], s_ref[:2], rtol=1e-12)
        np.testing.assert_allclose(np.abs(np.sum(tangents[i] * Vt[:2], axis=1)), 1.0, atol=1e-10)
        np.testing.assert_allclose(np.linalg.norm(J @ tangents[i].T, axis=0), s_ref[:2], rtol=1e-10)
    with pytest.raises(ValueError, match="n_tangents"):
        manifold.jacobian_tangents(model, X, n_tangents=6)


def test_encoder_of_a_linear_manifold_has_tangents_on_it():
    # a linear "encoder" whose W1 columns lie in a subspace: its sensitive directions are that subspace
    rng = np.random.default_rng(4)
    basis = np.linalg.qr(rng.normal(size=(10, 2)))[0]                 # (10, 2)
    model = npae.Autoencoder(10, 4, rng=rng)
    model.params["W1"] = basis @ rng.normal(size=(2, 4))
    tangents, _ = manifold.jacobian_tangents(model, rng.uniform(size=10), n_tangents=2)
    assert manifold.tangent_angles(tangents, basis.T).max() < 1e-6


# ------------------------------------------------------------------------------------------------ spectra
def test_singular_value_spectrum_is_the_mean_of_sorted_values():
    rng = np.random.default_rng(5)
    model = random_model(rng, n_visible=7, n_hidden=4)
    X = rng.uniform(0, 1, (9, 7))
    expected = np.mean([np.linalg.svd(encoder_jacobian(model, x), compute_uv=False) for x in X], axis=0)
    np.testing.assert_allclose(manifold.singular_value_spectrum(model, X, batch_size=4), expected, rtol=1e-12)


# ------------------------------------------------------------------------------------------------ contraction
def test_sphere_samples_are_uniform():
    rng = np.random.default_rng(6)
    U = manifold.sample_sphere(20000, 5, 2.0, rng)
    np.testing.assert_allclose(np.linalg.norm(U, axis=1), 2.0, rtol=1e-12)
    # E[u uᵀ] = r²/n I; the standard error of each entry is below 0.01 here
    np.testing.assert_allclose(U.T @ U / len(U), 4.0 / 5 * np.eye(5), atol=0.03)
    with pytest.raises(TypeError, match="rng"):
        manifold.sample_sphere(3, 2, 1.0, rng=0)


def test_contraction_ratio_of_a_linear_map_matches_its_frobenius_norm():
    rng = np.random.default_rng(7)
    n = 6
    A = rng.normal(size=(3, n)) * np.array([3.0, 1.0, 0.1])[:, None]
    expected = np.sum(A**2) / n                                        # E‖A u‖² = ‖A‖²_F / n
    X0 = rng.normal(size=(50, n))
    for r in (0.01, 1.0, 100.0):
        ratios = manifold.contraction_ratios(lambda X: X @ A.T, X0, r, 400, rng)
        sq = ratios.ravel()**2
        stderr = sq.std() / np.sqrt(sq.size)
        assert abs(sq.mean() - expected) < 4 * stderr
        # a wrong prediction (the largest singular value squared) is rejected by the same test
        assert abs(sq.mean() - np.linalg.norm(A, 2)**2) > 4 * stderr
    curve = manifold.contraction_curve(lambda X: X @ A.T, X0, [0.1, 10.0], 400, rng)
    assert curve.shape == (2,)
    assert np.all(curve**2 <= expected)                                 # Jensen: (E‖Au‖)² ≤ E‖Au‖²


@pytest.mark.parametrize("f", [lambda X: None, lambda X: 1.0, lambda X: X.sum(axis=1), lambda X: [["a"]] * len(X)],
                         ids=["None", "a scalar", "one value per row", "strings"])
def test_contraction_ratios_refuse_an_f_that_does_not_return_an_array_of_rows_naming_f(f):
    """Issue 23: f returning None or a scalar raised IndexError; now a TypeError naming f."""
    X0 = np.full((3, 2), 0.5)
    with pytest.raises(TypeError, match=r"^f must return a numeric \(m, d\) array"):
        manifold.contraction_ratios(f, X0, 0.1, 2, np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"^f must return"):
        manifold.contraction_curve(f, X0, [0.1], 2, np.random.default_rng(0))


def test_contraction_of_a_sigmoid_encoder_tends_to_its_jacobian():
    rng = np.random.default_rng(8)
    model = random_model(rng, n_visible=5, n_hidden=3)
    X0 = rng.uniform(0, 1, (20, 5))
    ratios = manifold.contraction_ratios(model.encode, X0, 1e-6, 2000, rng)
    J = encoder_jacobian(model, X0)
    expected = np.sum(J**2, axis=(1, 2)) / 5                           # per point E‖J u‖²
    sq = ratios**2
    stderr = sq.std(axis=1) / np.sqrt(sq.shape[1])
    assert np.all(np.abs(sq.mean(axis=1) - expected) < 5 * stderr)


# ------------------------------------------------------------------------------------------------ circle density
def test_circle_density_matches_quadrature_and_its_score_finite_differences():
    rng = np.random.default_rng(9)
    R, s = 1.5, 0.2
    X = rng.uniform(-2, 2, (6, 2))

    def density(x):
        integrand = lambda t: np.exp(-np.sum((x - R * np.array([np.cos(t), np.sin(t)]))**2) / (2 * s**2))
        return quad(integrand, 0, 2 * np.pi, epsabs=0, epsrel=1e-12, limit=200)[0] / (2 * np.pi * 2 * np.pi * s**2)

    logp = manifold.circle_log_density(X, R, s)
    np.testing.assert_allclose(logp, [np.log(density(x)) for x in X], rtol=1e-9)
    score = manifold.circle_score(X, R, s)
    h = 1e-5
    numeric = np.stack([(manifold.circle_log_density(X + h * e, R, s)
                         - manifold.circle_log_density(X - h * e, R, s)) / (2 * h) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(score, numeric, rtol=1e-6, atol=1e-6)
    far = manifold.circle_score(np.array([[30.0, 40.0]]), R, s)        # κ large: no overflow, points inward
    assert np.all(np.isfinite(far)) and far[0] @ np.array([30.0, 40.0]) < 0
    np.testing.assert_array_equal(manifold.circle_score(np.zeros((1, 2)), R, s), 0.0)
    P = manifold.circle_projection(X, R)
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), R)
    np.testing.assert_allclose(P[:, 0] * X[:, 1] - P[:, 1] * X[:, 0], 0.0, atol=1e-12)


# ------------------------------------------------------------------------------------------------ DAE ≈ CAE
def test_denoising_error_second_order_expansion():
    rng = np.random.default_rng(10)
    model = random_model(rng, n_visible=6, n_hidden=8)
    X = rng.uniform(0, 1, (4, 6))
    sigma = 1e-2
    clean = np.sum((model.reconstruct(X) - X)**2, axis=1)
    jac = manifold.reconstruction_jacobian_norm2(model, X)
    lap = np.sum((model.reconstruct(X) - X) * manifold.reconstruction_laplacian(model, X), axis=1)
    measured = manifold.denoising_error(model, X, sigma, 20000, rng)
    excess = (measured - clean) / sigma**2
    # Monte-Carlo error of the quadratic term is about 1.5 % of ‖J_r‖²_F with 20000 draws
    assert np.all(np.abs(excess - (jac + lap)) < 0.05 * jac)
    # the Laplacian term matters for this (untrained) model: without it the same check fails
    assert np.any(np.abs(excess - jac) > 0.05 * jac)
    with pytest.raises(ValueError, match="even"):
        manifold.denoising_error(model, X, sigma, 3, rng)
    np.testing.assert_allclose(manifold.denoising_error(model, X, 0.0, 2, rng), clean, rtol=1e-12)


# ---------------------------------------------------------------- issue 15: nothing hangs, wrong types refused
from npae.analysis.manifold import reconstruction_jacobian_norm2, reconstruction_laplacian  # noqa: E402
from npae.analysis.manifold import denoising_field, jacobian_tangents, singular_value_spectrum  # noqa: E402
from npae.models.deep import DeepAutoencoder  # noqa: E402


def test_inf_weights_are_refused_before_the_svd():
    model = npae.Autoencoder(4, 3, encoder="relu", rng=np.random.default_rng(0))
    model.params["W1"][0, 0] = np.inf
    X = np.random.default_rng(1).uniform(0.0, 1.0, (5, 4))
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        jacobian_tangents(model, X, 2)
    with pytest.raises(ValueError, match=r"params\['W1'\]"):
        singular_value_spectrum(model, X)


@pytest.mark.parametrize("helper", [lambda m, X, **kw: jacobian_tangents(m, X, 1, **kw), singular_value_spectrum,
                                    denoising_field, reconstruction_jacobian_norm2, reconstruction_laplacian])
def test_helpers_refuse_models_that_are_not_one_layer_autoencoders_and_bad_params(helper):
    X = np.zeros((2, 4))
    for model in (None, npae.Autoencoder, 7, {}, DeepAutoencoder([4, 3, 2], rng=np.random.default_rng(0))):
        with pytest.raises(TypeError, match="model"):
            helper(model, X)
    model = npae.Autoencoder(4, 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="params"):
        helper(model, X, params={"W1": model.params["W1"]})
