"""npae.analysis.metrics: principal angles of known subspaces, PSNR of a known error, saturation, Jacobian norms."""

import numpy as np
import pytest

from npae.analysis.metrics import mean_jacobian_norm, principal_angles, principal_directions, psnr, saturated_fraction
from npae.analysis.jacobian import encoder_jacobian
from npae.models.autoencoder import Autoencoder


def test_principal_angles_of_a_plane_rotated_by_a_known_angle():
    t = np.radians(30.0)
    A = np.eye(4)[:, :2]                                            # span(e1, e2)
    B = np.column_stack([np.eye(4)[:, 0], np.cos(t) * np.eye(4)[:, 1] + np.sin(t) * np.eye(4)[:, 2]])
    np.testing.assert_allclose(principal_angles(A, B), [30.0, 0.0], atol=1e-10)
    np.testing.assert_allclose(principal_angles(A, B, degrees=False), [t, 0.0], atol=1e-12)


def test_principal_angles_ignore_the_basis_and_see_orthogonality():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((10, 3))
    mixed = A @ rng.standard_normal((3, 3))                        # same span, another basis
    assert principal_angles(A, mixed).max() < 1e-6
    Q, _ = np.linalg.qr(rng.standard_normal((10, 6)))
    np.testing.assert_allclose(principal_angles(Q[:, :3], Q[:, 3:]), [90.0] * 3, atol=1e-10)


def test_principal_directions_find_the_axes_of_known_variances():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5000, 4)) * np.array([1.0, 5.0, 0.2, 3.0]) + 7.0
    V, s = principal_directions(X, 2)
    assert V.shape == (4, 2) and s.shape == (4,)
    np.testing.assert_allclose(np.abs(V[:, 0]), [0, 1, 0, 0], atol=0.02)
    np.testing.assert_allclose(np.abs(V[:, 1]), [0, 0, 0, 1], atol=0.02)
    np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-12)
    assert np.all(np.diff(s) <= 0)


def test_psnr_of_a_known_error():
    clean = np.zeros((3, 5))
    assert psnr(clean, clean + 0.1) == pytest.approx(20.0)       # MSE 0.01 → 10 log10(1/0.01)
    assert psnr(clean, clean + 0.1, data_range=2.0) == pytest.approx(20.0 + 20 * np.log10(2.0))
    per = psnr(clean, clean + np.array([[0.1], [0.01], [1.0]]), per_sample=True)
    np.testing.assert_allclose(per, [20.0, 40.0, 0.0])
    assert psnr(clean, clean) == np.inf


def test_saturated_fraction_counts_the_tails_strictly():
    H = np.array([[0.01, 0.5, 0.99, 0.05], [0.95, 0.96, 0.2, 0.04]])
    assert saturated_fraction(H) == pytest.approx(4 / 8)
    assert saturated_fraction(H, low=0.3, high=0.6) == pytest.approx(7 / 8)


@pytest.mark.parametrize("encoder", ["sigmoid", "relu", "linear"])
def test_mean_jacobian_norm_matches_the_explicit_jacobian(encoder):
    rng = np.random.default_rng(2)
    model = Autoencoder(7, 4, encoder=encoder, decoder="linear", rng=rng)
    model.params = {k: rng.normal(0.0, 0.8, v.shape) for k, v in model.params.items()}
    X = rng.standard_normal((20, 7))
    explicit = np.linalg.norm(encoder_jacobian(model, X), axis=(1, 2)).mean()
    assert mean_jacobian_norm(model, X) == pytest.approx(explicit, rel=1e-12)
    if encoder == "linear":
        assert mean_jacobian_norm(model, X) == pytest.approx(np.linalg.norm(model.params["W1"]), rel=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: principal_angles(np.ones((3, 2)), np.ones((4, 2))), "B must have 3 rows"),
    (lambda: principal_angles(np.ones(3), np.ones((3, 1))), "A must be a non-empty 2-D"),
    (lambda: principal_directions(np.ones((5, 3)), 4), "k must be"),
    (lambda: psnr(np.zeros((2, 2)), np.zeros((2, 3))), "estimate must have the shape"),
    (lambda: psnr(np.zeros((2, 2)), np.zeros((2, 2)), data_range=0), "data_range"),
    (lambda: psnr(np.zeros((2, 2)), np.full((2, 2), np.nan)), "estimate contains NaN"),
    (lambda: saturated_fraction(np.zeros((2, 2)), low=0.9, high=0.1), "low and high"),
    (lambda: mean_jacobian_norm(Autoencoder(3, 2, rng=np.random.default_rng(0)), np.zeros((2, 4))), "X must"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="H must be a numeric"):
        saturated_fraction(np.array([["a"]]))


def test_reconstruction_error_normalisations_agree_with_the_losses():
    import npae
    from npae.analysis.metrics import reconstruction_error
    rng = np.random.default_rng(3)
    X = rng.uniform(0.05, 0.95, size=(7, 6))
    for loss in ("squared_error", "cross_entropy"):
        model = npae.Autoencoder(6, 3, loss=loss, rng=rng)
        # the model's loss without penalties is the matching kind; the per-pixel kinds divide by n_visible
        assert reconstruction_error(model, X, kind=loss) == pytest.approx(model.loss(X), rel=1e-12)
    X_hat = model.reconstruct(X)
    assert reconstruction_error(model, X, kind="mse_per_pixel") == pytest.approx(np.mean((X_hat - X) ** 2), rel=1e-12)
    bce = -np.mean(X * np.log(X_hat) + (1 - X) * np.log(1 - X_hat))
    assert reconstruction_error(model, X, kind="bce_per_pixel") == pytest.approx(bce, rel=1e-10)
    with pytest.raises(ValueError, match="kind"):
        reconstruction_error(model, X, kind="mse")
