"""The Autoencoder's public surface, its reductions to simpler models, hand-worked values, and bad input."""

import numpy as np
import pytest

import npae
from npae.core.activations import ACTIVATIONS, sigmoid, softplus
from npae.core.losses import cross_entropy, squared_error
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay


def make(n_visible=8, n_hidden=5, seed=0, **kwargs):
    return npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(seed), **kwargs)


def data(shape=(10, 8), seed=0):
    return np.random.default_rng(seed).uniform(0.0, 1.0, shape)


# ---------------------------------------------------------------- public surface
def test_params_and_grads_have_the_documented_keys_and_shapes():
    model = make()
    assert {k: v.shape for k, v in model.params.items()} == {
        "W1": (8, 5), "b1": (5,), "W2": (5, 8), "b2": (8,)}
    loss, grads = model.loss_and_grads(data())
    assert isinstance(loss, float)
    assert list(grads) == list(model.params)
    assert all(grads[k].shape == model.params[k].shape for k in grads)
    tied = make(tied=True)
    assert list(tied.params) == ["W1", "b1", "b2"]
    assert list(tied.loss_and_grads(data())[1]) == ["W1", "b1", "b2"]


def test_ufldl_initialisation_range_and_zero_biases():
    model = make(64, 25)
    r = np.sqrt(6 / (64 + 25 + 1))
    for name in ("W1", "W2"):
        assert np.abs(model.params[name]).max() <= r
        assert np.abs(model.params[name]).max() > 0.9 * r       # the whole range is used
    assert not model.params["b1"].any() and not model.params["b2"].any()


def test_assigning_new_params_is_honoured():
    model, X = make(), data()
    before = model.loss(X)
    model.params["W2"] = np.zeros((5, 8))
    model.params["b2"] = np.zeros(8)
    # With W2 = 0 and b2 = 0 the reconstruction is σ(0) = ½ everywhere: J = ½ mean Σ (½ - x)².
    expected = 0.5 * ((0.5 - X) ** 2).sum(axis=1).mean()
    assert model.loss(X) == pytest.approx(expected, rel=1e-12)
    assert model.loss(X) != before
    model.params["W1"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape \(8, 5\)"):
        model.loss(X)


def test_encode_decode_match_the_formulas():
    model, X = make(), data()
    p = model.params
    H = model.encode(X)
    np.testing.assert_allclose(H, 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))), rtol=1e-14)
    np.testing.assert_allclose(model.decode(H), 1 / (1 + np.exp(-(H @ p["W2"] + p["b2"]))), rtol=1e-14)
    np.testing.assert_array_equal(model.reconstruct(X), model.decode(H))


def test_blocks_of_rows_do_not_change_the_result():
    """The performance layer's blocks of rows (npae.perf) against the readable method."""
    from npae import perf

    model, X = make(penalties=[KLSparsity(0.1, 3.0), Contractive(0.1)]), data((37, 8))
    loss, grads = model.loss_and_grads(X)
    loss_b, grads_b = perf.loss_and_grads(model, X, block_size=5)       # 8 blocks, the last one partial
    assert loss_b == pytest.approx(loss, rel=1e-13)
    for k in grads:
        np.testing.assert_allclose(grads_b[k], grads[k], rtol=1e-12, atol=1e-15)


def test_float32_model_stays_float32_and_agrees_with_float64():
    m64 = make(penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)])
    m32 = make(penalties=[WeightDecay(1e-3), KLSparsity(0.1, 3.0)], dtype=np.float32)
    m32.params = {k: v.astype(np.float32) for k, v in m64.params.items()}
    X = data()
    loss32, grads32 = m32.loss_and_grads(X.astype(np.float32))
    loss64, grads64 = m64.loss_and_grads(X)
    assert all(g.dtype == np.float32 for g in grads32.values())
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for k in grads64:
        np.testing.assert_allclose(grads32[k], grads64[k], rtol=1e-3, atol=1e-6)


# ---------------------------------------------------------------- reductions
def _both(model_a, model_b, X, target=None):
    la, ga = model_a.loss_and_grads(X, target)
    lb, gb = model_b.loss_and_grads(X, target)
    return la, ga, lb, gb


@pytest.mark.parametrize("zero_penalty", [KLSparsity(0.1, 0.0), Contractive(0.0), L1Sparsity(0.0),
                                          WeightDecay(0.0)])
def test_a_penalty_with_zero_weight_is_the_plain_autoencoder(zero_penalty):
    X = data()
    la, ga, lb, gb = _both(make(), make(penalties=[zero_penalty]), X)
    assert la == lb
    for k in ga:
        np.testing.assert_array_equal(ga[k], gb[k])


def test_corruption_level_zero_is_the_plain_autoencoder():
    X = data()
    X_tilde = npae.masking(X, 0.0, np.random.default_rng(3))
    la, ga, lb, gb = _both(make(), make(), X)
    lc, gc = make().loss_and_grads(X_tilde, target=X)
    assert lc == la
    for k in ga:
        np.testing.assert_array_equal(gc[k], ga[k])


@pytest.mark.parametrize("loss,decoder", [("squared_error", "sigmoid"), ("cross_entropy", "sigmoid"),
                                          ("squared_error", "linear")])
def test_tied_gradient_is_the_untied_gradients_summed_at_W2_equal_W1_transposed(loss, decoder):
    pens = [WeightDecay(0.01), KLSparsity(0.2, 3.0), Contractive(0.1)]
    tied = make(tied=True, loss=loss, decoder=decoder, penalties=pens)
    untied = make(loss=loss, decoder=decoder, penalties=[KLSparsity(0.2, 3.0), Contractive(0.1)])
    untied.params = {"W1": tied.params["W1"], "b1": tied.params["b1"], "W2": tied.params["W1"].T.copy(),
                     "b2": tied.params["b2"]}
    X = data()
    lt, gt = tied.loss_and_grads(X)
    lu, gu = untied.loss_and_grads(X)
    # Weight decay differs by design (tied: one matrix); add it to the untied side by hand.
    W1 = tied.params["W1"]
    assert lt == pytest.approx(lu + 0.005 * (W1**2).sum(), rel=1e-13)
    np.testing.assert_allclose(gt["W1"], gu["W1"] + gu["W2"].T + 0.01 * W1, rtol=1e-12)
    np.testing.assert_allclose(gt["b1"], gu["b1"], rtol=1e-12)
    np.testing.assert_allclose(gt["b2"], gu["b2"], rtol=1e-12)


# ---------------------------------------------------------------- hand-worked values
def test_sigmoid_and_softplus_values_and_stability():
    z = np.array([-1000.0, -1.0, 0.0, 2.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no overflow, no NaN
        a = sigmoid(z)
        sp = softplus(z)
    # σ(0) = ½; σ(2) = 1/(1 + e^{-2}) = 0.8807970779778823; σ(±1000) saturate to 0 and 1.
    np.testing.assert_allclose(a, [0.0, 0.2689414213699951, 0.5, 0.8807970779778823, 1.0], atol=1e-15)
    # softplus(0) = ln 2; softplus(1000) = 1000; softplus(-1000) = e^{-1000} ≈ 0.
    np.testing.assert_allclose(sp, [0.0, np.log1p(np.exp(-1.0)), np.log(2.0), 2.0 + np.log1p(np.exp(-2.0)),
                                    1000.0], rtol=1e-15, atol=1e-300)
    assert sigmoid(np.zeros(2, np.float32)).dtype == np.float32


def test_weight_decay_value():
    # λ = 0.5, W1 = [[1, 2]], W2 = [[3], [-1]]: (0.5 / 2)(1 + 4 + 9 + 1) = 3.75; biases not decayed.
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([7.0, 7.0]), "W2": np.array([[3.0], [-1.0]]),
              "b2": np.array([7.0])}
    value, dOmega_dH, direct = WeightDecay(0.5)(params, np.zeros((1, 2)), 1.0)
    assert value == pytest.approx(3.75)
    assert dOmega_dH is None and set(direct) == {"W1", "W2"}
    np.testing.assert_array_equal(direct["W2"], [[1.5], [-0.5]])      # λ W


def test_kl_value_and_delta():
    # ρ = 0.5, H = [[0.25], [0.25]] → ρ̂ = 0.25;
    # KL = 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) = 0.5 ln(4/3) = 0.1438410362; β = 2 → 0.2876820725.
    # delta: β(-ρ/ρ̂ + (1-ρ)/(1-ρ̂)) = 2(-2 + 2/3) = -8/3, times inv_m = 1/m = ½ → -4/3.
    value, dOmega_dH, _ = KLSparsity(rho=0.5, beta=2.0)({}, np.array([[0.25], [0.25]]), 0.5)
    assert value == pytest.approx(0.2876820724517809, rel=1e-12)
    np.testing.assert_allclose(dOmega_dH, [-4 / 3], rtol=1e-12)
    assert KLSparsity(0.5, 2.0)({}, np.array([[0.25], [0.75]]), 0.5)[0] == 0.0   # ρ̂ = ρ


def test_l1_value():
    # λ = 0.5, H = [[0.2, 0.4], [0.6, 0.8]], m = 2: 0.5 · (0.6 + 1.4) / 2 = 0.5.
    value, dOmega_dH, _ = L1Sparsity(0.5)({}, np.array([[0.2, 0.4], [0.6, 0.8]]), 0.5)
    assert value == pytest.approx(0.5)
    np.testing.assert_allclose(dOmega_dH, np.full((2, 2), 0.25))


def test_contractive_value_and_against_the_explicit_jacobian():
    # λ = 1, W1 = [[1], [2]] (w = 1 + 4 = 5), h = ½ → s = ¼, s² = 1/16: value = 5/16 = 0.3125.
    params = {"W1": np.array([[1.0], [2.0]])}
    value, dOmega_dH, direct = Contractive(1.0)(params, np.array([[0.5]]), 1.0)
    assert value == pytest.approx(0.3125)
    np.testing.assert_allclose(dOmega_dH, [[0.0]], atol=1e-15)                # 1 - 2h = 0 at h = ½
    np.testing.assert_allclose(direct["W1"], [[0.125], [0.25]])        # 2 s² W
    # Against ‖J‖²_F from the explicit Jacobian J = diag(s) W1ᵀ, sample by sample.
    rng = np.random.default_rng(0)
    model = make(6, 4, penalties=[Contractive(0.7)])
    X = data((9, 6))
    H = model.encode(X)
    W1 = model.params["W1"]
    frob = np.mean([np.sum((np.diag(h * (1 - h)) @ W1.T) ** 2) for h in H])
    assert Contractive(0.7)(model.params, H, 1 / 9)[0] == pytest.approx(0.7 * frob, rel=1e-12)
    del rng


def test_squared_error_and_cross_entropy_values():
    # Linear decoder, x̂ = (1, 2), x = (0, 0): ½(1 + 4) = 2.5; δ = x̂ - x.
    value, delta = squared_error(np.array([[1.0, 2.0]]), np.zeros((1, 2)), ACTIVATIONS["linear"], 1.0)
    assert value == 2.5
    np.testing.assert_array_equal(delta, [[1.0, 2.0]])
    # Bernoulli: z = 0, x = 1: -log σ(0) = ln 2; δ = σ(0) - 1 = -½. Saturated: z = -800, x = 1 gives 800.
    value, delta = cross_entropy(np.array([[0.0, -800.0]]), np.array([[1.0, 1.0]]), ACTIVATIONS["sigmoid"], 1.0)
    assert value == pytest.approx(np.log(2.0) + 800.0)
    np.testing.assert_allclose(delta, [[-0.5, -1.0]])


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("X,match", [
    (np.zeros(8), "2-D"),
    (np.zeros((4, 7)), r"\(n_samples >= 1, 8\)"),
    (np.zeros((0, 8)), r"\(n_samples >= 1, 8\)"),
    (np.full((2, 8), np.nan), "NaN or inf"),
    (np.array([[np.inf] + [0.5] * 7]), "NaN or inf"),
    (np.full((2, 8), 1.5), r"\[0, 1\]"),
    (np.full((2, 8), -0.1), r"\[0, 1\]"),
])
def test_bad_X_raises_naming_X(X, match):
    model = make()
    with pytest.raises(ValueError, match=match) as info:
        model.loss_and_grads(X)
    assert "X" in str(info.value)


def test_bad_target_and_string_data():
    model = make()
    with pytest.raises(ValueError, match="target"):
        model.loss_and_grads(data(), target=np.full((10, 8), 2.0))
    with pytest.raises(ValueError, match="target"):
        model.loss_and_grads(data(), target=data((9, 8)))
    with pytest.raises(TypeError, match="numeric"):
        model.loss_and_grads(np.array([["a"] * 8]))
    # A linear decoder accepts data outside [0, 1].
    make(decoder="linear").loss_and_grads(np.full((2, 8), 5.0))


@pytest.mark.parametrize("build,match", [
    (lambda: KLSparsity(rho=0.0, beta=3), "rho"),
    (lambda: KLSparsity(rho=1.0, beta=3), "rho"),
    (lambda: KLSparsity(rho=0.1, beta=-1), "beta"),
    (lambda: WeightDecay(-1e-4), "weight_decay"),
    (lambda: WeightDecay(float("nan")), "weight_decay"),
    (lambda: L1Sparsity(-1), "lam"),
    (lambda: Contractive(-0.1), "lam"),
    (lambda: make(decoder="linear", loss="cross_entropy"), "cross_entropy"),
    (lambda: make(decoder="relu"), "decoder"),
    (lambda: make(loss="hinge"), "loss"),
    (lambda: make(encoder="relu", penalties=[KLSparsity(0.1, 3)]), "sigmoid"),
    (lambda: make(encoder="relu", penalties=[Contractive(0.1)]), "sigmoid"),
    (lambda: make(encoder="linear", penalties=[KLSparsity(0.1, 3)]), "sigmoid"),
    (lambda: make(encoder="linear", penalties=[Contractive(0.1)]), "sigmoid"),
    (lambda: make(encoder="tanh"), "encoder"),
    (lambda: make(n_hidden=0), "n_hidden"),
    (lambda: make(dtype=np.int32), "dtype"),
    (lambda: make(init="he"), "init"),
    (lambda: npae.Corruption("masking", 1.5), "level"),
    (lambda: npae.Corruption("dropout", 0.5), "kind"),
])
def test_invalid_hyperparameters_raise_value_error_naming_the_argument(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match="beta"):
        KLSparsity(0.1, "3")
    with pytest.raises(TypeError, match="penalties"):
        make(penalties=["kl"])
    with pytest.raises(TypeError, match="rng"):
        npae.Autoencoder(4, 2, rng=42)


def test_cross_entropy_value_equals_the_direct_softplus_form():
    # Compare with softplus(z) - x z written directly in float64, over logits from saturated to
    # moderate, in float64 and float32.
    rng = np.random.default_rng(7)
    for dtype, rtol in ((np.float64, 1e-13), (np.float32, 1e-5)):
        Z = np.concatenate([rng.normal(0, 3, (20, 6)), rng.normal(0, 40, (5, 6))]).astype(dtype)
        X = rng.uniform(0, 1, Z.shape).astype(dtype)
        value, delta = cross_entropy(Z.copy(), X, ACTIVATIONS["sigmoid"], 0.25)
        direct = 0.25 * (softplus(Z.astype(np.float64)) - X * Z.astype(np.float64)).sum()
        assert value == pytest.approx(direct, rel=rtol)
        np.testing.assert_allclose(delta, 0.25 * (sigmoid(Z) - X), rtol=rtol, atol=1e-7)


def test_shared_argument_checks_name_the_argument():
    """npae.checks: one rng check and one dtype check for every module."""
    from npae.checks import check_float_dtype, check_rng

    rng = np.random.default_rng(0)
    assert check_rng(rng) is rng
    assert isinstance(check_rng(None, none_means_fresh=True), np.random.Generator)
    for bad in (None, 0, np.random.RandomState(0)):
        with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
            check_rng(bad)
    assert check_float_dtype("float32") == np.float32
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got int64"):
        check_float_dtype(np.int64)


# ---------------------------------------------------------------- issue 15: edges and bad input
def test_losses_never_write_into_their_arguments():
    rng = np.random.default_rng(2)
    Z2, T = rng.normal(0.0, 2.0, (4, 3)), rng.uniform(0.0, 1.0, (4, 3))
    for loss in (squared_error, cross_entropy):
        Z_copy, T_copy = Z2.copy(), T.copy()
        loss(Z2, T, ACTIVATIONS["sigmoid"], 0.25)
        np.testing.assert_array_equal(Z2, Z_copy)
        np.testing.assert_array_equal(T, T_copy)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("h", [0.0, 1.0])
def test_kl_is_finite_when_a_unit_is_off_or_on_for_every_sample(h, dtype):
    H = np.array([[h, 0.3], [h, 0.5]], dtype=dtype)
    with np.errstate(all="raise"):
        value, dOmega_dH, _ = KLSparsity(0.1, 3.0)({}, H, 0.5)
    assert np.isfinite(value) and value > 0
    assert np.isfinite(dOmega_dH).all() and dOmega_dH.dtype == dtype
    # ρ̂ is clipped to [ε, 1 − ε]: the value is the KL at the clipped ρ̂ (documented).
    eps = np.finfo(dtype).eps
    rho_hat = min(max(h, eps), 1 - eps)
    expected = 0.1 * np.log(0.1 / rho_hat) + 0.9 * np.log(0.9 / (1 - rho_hat))
    expected += 0.1 * np.log(0.1 / 0.4) + 0.9 * np.log(0.9 / 0.6)
    assert value == pytest.approx(3.0 * expected, rel=1e-6)


@pytest.mark.parametrize("bias", [-800.0, 60.0])     # off (σ = 0 exactly) or on (σ = 1 exactly) for every sample
def test_sparse_autoencoder_with_a_saturated_unit_trains_with_finite_parameters(bias):
    model = make(8, 5, penalties=[WeightDecay(1e-4), KLSparsity(0.05, 3.0)])
    model.params["b1"][2] = bias
    X = data((30, 8))
    assert (model.encode(X)[:, 2] == (0.0 if bias < 0 else 1.0)).all()
    with np.errstate(all="raise"):
        loss, grads = model.loss_and_grads(X)
    assert np.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())
    before = model.loss(X)
    npae.train_lbfgs(model, X, maxiter=30, verbose=False)
    assert all(np.isfinite(p).all() for p in model.params.values())
    assert model.loss(X) < before


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_params_are_refused_naming_params(bad):
    model, X = make(tied=True), data()
    params = {k: v.copy() for k, v in model.params.items()}
    params["b1"][1] = bad
    for call in (model.loss_and_grads, model.loss):
        with pytest.raises(ValueError, match=r"params\['b1'\]"):
            call(X, params=params)
    with pytest.raises(TypeError, match="params"):
        model.loss(X, params=[1, 2, 3])


def test_params_as_nested_lists_give_the_same_result():
    model, X = make(), data()
    as_lists = {k: v.tolist() for k, v in model.params.items()}
    loss, grads = model.loss_and_grads(X, params=as_lists)
    loss0, grads0 = model.loss_and_grads(X)
    assert loss == loss0
    for k in grads0:
        np.testing.assert_array_equal(grads[k], grads0[k])


def test_tied_must_be_a_bool_and_a_single_penalty_is_a_list_of_one():
    with pytest.raises(TypeError, match="tied"):
        make(tied="False")
    single, listed, X = make(penalties=WeightDecay(1e-2)), make(penalties=[WeightDecay(1e-2)]), data()
    assert single.penalties and isinstance(single.penalties[0], WeightDecay)
    assert single.loss(X) == listed.loss(X)
    with pytest.raises(TypeError, match=r"penalties must be a list of penalties, e.g. \[WeightDecay"):
        make(penalties=3)


def test_cross_entropy_with_data_outside_the_unit_interval_suggests_a_valid_model():
    model = make(loss="cross_entropy")
    with pytest.raises(ValueError, match="decoder='linear'") as info:
        model.loss_and_grads(np.full((2, 8), 2.0))
    assert "squared_error" in str(info.value)
    make(loss="squared_error", decoder="linear").loss_and_grads(np.full((2, 8), 2.0))   # what it suggests


def test_code_noise_must_match_the_rows_of_X():
    model = make()
    with pytest.raises(ValueError, match="code_noise"):
        model.loss_and_grads(data(), code_noise=np.zeros((9, 5)))


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("loss,decoder", [("squared_error", "sigmoid"), ("cross_entropy", "sigmoid"),
                                          ("squared_error", "linear")])
def test_reduction_mean_divides_the_loss_not_the_penalties_by_n_visible(tied, loss, decoder):
    from npae.gradcheck import check_gradients

    penalties = [WeightDecay(0.01), KLSparsity(0.2, 3.0)]
    X = data()
    summed = make(tied=tied, loss=loss, decoder=decoder)
    mean = make(tied=tied, loss=loss, decoder=decoder, reduction="mean")
    loss_s, grads_s = summed.loss_and_grads(X)
    loss_m, grads_m = mean.loss_and_grads(X)
    assert loss_m == pytest.approx(loss_s / 8, rel=1e-13)
    for k in grads_s:
        np.testing.assert_allclose(grads_m[k], grads_s[k] / 8, rtol=1e-12, err_msg=k)
    # the penalties are added undivided
    pen_s, pen_m = make(tied=tied, loss=loss, decoder=decoder, penalties=penalties), \
        make(tied=tied, loss=loss, decoder=decoder, penalties=penalties, reduction="mean")
    assert pen_m.loss(X) - loss_m == pytest.approx(pen_s.loss(X) - loss_s, rel=1e-12)
    assert pen_m.config()["reduction"] == "mean" and "reduction" not in pen_s.config()
    rng = np.random.default_rng(4)
    params = {k: rng.normal(0.0, 0.5, v.shape) for k, v in pen_m.params.items()}
    result = check_gradients(lambda p: pen_m.loss_and_grads(X, params=p), params)
    assert result.passed(), result.per_block
    with pytest.raises(ValueError, match="reduction"):
        make(reduction="average")
