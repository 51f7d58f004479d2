"""Predictive sparse decomposition: the soft-threshold, ISTA/FISTA support recovery, and learning."""

import numpy as np
import pytest

from npae.models.psd import (PSD, fista, ista, lipschitz_constant, normalize_atoms, relative_error, soft_threshold,
                             support_overlap)
from npae.training.psd_training import train_psd


def planted(rng, n_hidden=96, n_visible=64, k=4, m=20, noise=0.0):
    """A random dictionary with unit atoms, k-sparse codes with |h*| in [1, 2], x = h* D (+ noise)."""
    D = normalize_atoms(rng.standard_normal((n_hidden, n_visible)))
    H = np.zeros((m, n_hidden))
    for i in range(m):
        j = rng.choice(n_hidden, k, replace=False)
        H[i, j] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 2.0, k)
    return D, H, H @ D + noise * rng.standard_normal((m, n_visible))


def lasso_objective(X, D, H, lam):
    return np.sum((X - H @ D) ** 2, axis=1) + lam * np.abs(H).sum(axis=1)


def test_soft_threshold_values():
    v = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])
    np.testing.assert_array_equal(soft_threshold(v, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5])
    np.testing.assert_array_equal(soft_threshold(v, 0.0), v)
    with pytest.raises(ValueError, match="threshold"):
        soft_threshold(v, -1.0)


def test_soft_threshold_is_the_proximal_map_of_the_l1_norm():
    # argmin_h ½(h - v)² + t|h| by brute force on a fine grid
    grid = np.linspace(-4, 4, 80001)
    for v in (-2.3, -0.4, 0.0, 0.7, 3.1):
        best = grid[np.argmin(0.5 * (grid - v) ** 2 + 0.8 * np.abs(grid))]
        assert abs(soft_threshold(v, 0.8) - best) < 1e-4


@pytest.mark.parametrize("solver", [ista, fista])
@pytest.mark.parametrize("noise", [0.0, 1e-3])
def test_inference_recovers_the_support_of_a_planted_sparse_code(solver, noise):
    rng = np.random.default_rng(3)
    D, H_star, X = planted(rng, noise=noise)
    H = solver(X, D, lam=0.05, n_steps=400)
    np.testing.assert_array_equal(H != 0, H_star != 0)
    # the Lasso shrinks the values by about λ/2 along the atoms: close, not equal
    assert np.abs(H - H_star).max() < 0.1


def test_fista_objective_is_below_ista_after_the_same_steps():
    rng = np.random.default_rng(4)
    D, _, X = planted(rng, noise=1e-2)
    for steps in (10, 30, 60):
        f_ista = lasso_objective(X, D, ista(X, D, 0.05, n_steps=steps), 0.05).sum()
        f_fista = lasso_objective(X, D, fista(X, D, 0.05, n_steps=steps), 0.05).sum()
        assert f_fista <= f_ista


def test_ista_decreases_the_energy_with_the_prediction_term():
    rng = np.random.default_rng(5)
    model = PSD(12, 20, lam=0.2, gamma=0.5, rng=rng)
    X = rng.standard_normal((15, 12))
    F = model.predict(X)
    energies = [model.energy(X, model.infer(X, n_steps=s, method="ista")) for s in (0, 1, 5, 20)]
    assert all(a >= b for a, b in zip(energies, energies[1:]))
    assert energies[-1] < energies[0]
    np.testing.assert_array_equal(model.infer(X, n_steps=0), F)      # inference starts from f(x)


def test_lipschitz_constant():
    D = np.diag([3.0, 1.0, 0.5])
    assert lipschitz_constant(D, 0.25) == pytest.approx(2 * (9 + 0.25))


def test_training_lowers_the_psd_energy_and_keeps_unit_atoms():
    rng = np.random.default_rng(6)
    D_true, _, X = planted(rng, n_hidden=24, n_visible=16, k=2, m=400, noise=0.01)
    model = PSD(16, 24, lam=0.1, gamma=1.0, rng=rng)
    H0 = model.infer(X, n_steps=30)
    before = model.energy(X, H0)
    from npae.training.optimizers import Adam
    train_psd(model, X, epochs=15, batch_size=50, n_steps=30, optimizer=Adam(learning_rate=1e-2), rng=rng,
              verbose=False)
    after = model.energy(X, model.infer(X, n_steps=30))
    assert after < 0.7 * before
    np.testing.assert_allclose(np.linalg.norm(model.params["D"], axis=1), 1.0, rtol=1e-12)


def test_support_overlap_and_relative_error():
    A = np.array([[1.0, 0.0, 2.0, 0.0]])
    B = np.array([[0.5, 1.0, 0.0, 0.0]])
    assert support_overlap(A, B) == pytest.approx(1 / 3)
    assert support_overlap(np.zeros((1, 3)), np.zeros((1, 3))) == 1.0
    assert relative_error(B, B) == 0.0
    assert relative_error(np.zeros(2), np.array([3.0, 4.0])) == pytest.approx(1.0)


def test_bad_arguments_are_named():
    rng = np.random.default_rng(0)
    D = normalize_atoms(rng.standard_normal((5, 4)))
    X = rng.standard_normal((3, 4))
    with pytest.raises(ValueError, match="F"):
        ista(X, D, 0.1, gamma=1.0)
    with pytest.raises(ValueError, match="X"):
        fista(rng.standard_normal((3, 5)), D, 0.1)
    with pytest.raises(ValueError, match="lam"):
        ista(X, D, -0.1)
    with pytest.raises(ValueError, match="n_steps"):
        fista(X, D, 0.1, n_steps=-1)
    with pytest.raises(ValueError, match="method"):
        PSD(4, 5, rng=rng).infer(X, method="omp")


# ---------------------------------------------------------------- issue 15: dictionaries and shapes
@pytest.mark.parametrize("D, match", [
    (np.zeros((3, 4)), "all zeros"),
    (np.zeros((0, 4)), "n_hidden >= 1"),
    (np.array([[1.0, np.inf], [0.0, 1.0]]), "D contains NaN or inf"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), "D contains NaN or inf"),
    (np.ones(4), "D"),
])
def test_inference_and_lipschitz_refuse_bad_dictionaries(D, match):
    X = np.ones((2, D.shape[-1] if D.ndim == 2 else 4))
    for call in (lambda: ista(X, D, 0.1), lambda: fista(X, D, 0.1), lambda: lipschitz_constant(D, 0.0)):
        with pytest.raises(ValueError, match=match):
            call()


def test_energy_refuses_codes_whose_rows_do_not_match_X():
    model = PSD(5, 3, rng=np.random.default_rng(0))
    X, H = np.ones((6, 5)), np.ones((1, 3))
    for call in (model.energy, model.energy_terms, model.code_energy_and_grad, model.loss_and_grads):
        with pytest.raises(ValueError, match="H must have one row per row of X"):
            call(X, H)


def test_psd_code_width_is_n_hidden_and_params_are_checked():
    model = PSD(5, 3, rng=np.random.default_rng(0))
    assert model.n_hidden == 3 and model.config()["n_hidden"] == 3
    bad = dict(model.params, g=np.full(3, np.nan))
    with pytest.raises(ValueError, match=r"params\['g'\]"):
        model.energy(np.ones((2, 5)), np.ones((2, 3)), params=bad)


def test_normalize_atoms_huge_entries_give_unit_rows():
    """Entries beyond 1e154 square to inf: the atoms must still come back with norm 1, not as zeros."""
    D = np.array([[1e200, -1e200, 0.0], [0.0, 0.0, 0.0], [3.0, 4.0, 0.0], [1e-300, 0.0, 0.0]])
    N = normalize_atoms(D)
    np.testing.assert_allclose(np.linalg.norm(N[[0, 2, 3]], axis=1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(N[1], 0.0)
    np.testing.assert_allclose(N[0], [2 ** -0.5, -(2 ** -0.5), 0.0], rtol=1e-15)


# ---------------------------------------------------------------- issue 23: checks at the boundary only

def _check_callers(call):
    """(calling function, check) for every check (check_*, _check*, as_real_array) called from psd.py."""
    import sys

    import npae.models.psd as psd_module
    pairs = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name.startswith(("check_", "_check", "as_real_array")):
            caller = frame.f_back
            if caller is not None and caller.f_code.co_filename == psd_module.__file__:
                pairs.append((caller.f_code.co_name, frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return pairs


@pytest.mark.parametrize("method", ["infer", "predict", "loss_and_grads", "energy", "energy_terms",
                                    "code_energy_and_grad"])
def test_psd_checks_once_per_call_and_inference_checks_nothing_per_step(method):
    rng = np.random.default_rng(7)
    model = PSD(6, 9, lam=0.2, gamma=0.5, rng=rng)
    X = rng.standard_normal((5, 6))
    args = (X,) if method in ("infer", "predict") else (X, model.infer(X, n_steps=5))
    pairs = _check_callers(lambda: getattr(model, method)(*args))
    callers = {caller for caller, _ in pairs}
    # the method itself, the energy's shared argument check, loss_and_grads for energy, and checks calling checks
    assert callers <= {method, "loss_and_grads", "_checked_energy_args"} | {c for _, c in pairs}, pairs
    assert [c for _, c in pairs].count("check_params") == 1, pairs
    assert [c for _, c in pairs].count("check_data") == (1 if len(args) == 1 else 2), pairs   # X (and H)
    assert len(_check_callers(lambda: model.infer(X, n_steps=40))) == len(_check_callers(lambda: model.infer(X, n_steps=1)))


def test_param_shapes_are_the_shapes_of_params():
    model = PSD(5, 7, rng=np.random.default_rng(0), dtype=np.float32)
    assert model.param_shapes() == {k: v.shape for k, v in model.params.items()}
    assert list(model.param_shapes()) == list(model.params)


def test_loss_and_grads_need_grads():
    rng = np.random.default_rng(8)
    model = PSD(5, 7, rng=rng)
    X = rng.standard_normal((4, 5))
    H = model.infer(X, n_steps=3)
    assert model.loss_and_grads(X, H, need_grads=False) == (model.energy(X, H), None)
    assert model.loss_and_grads(X, H)[0] == model.energy(X, H)
    with pytest.raises(TypeError, match="need_grads"):
        model.loss_and_grads(X, H, need_grads=1)
