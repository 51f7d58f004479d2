"""The last open bad-input cases of issue 15 (the fuzz table's known failures, now none), one test per fix and
per documented behaviour the table had called bad input.

Fixed in the code: an empty array is refused by the samplers and likelihoods of npae.core.stochastic
(``as_real_array(..., nonempty=True)``); a classifier or PSD given no target to npae.perf is told so under
the caller's names (``check_target_given``); reconstruction_error refuses a target a sigmoid decoder cannot
reach; accuracy and train_classifier check X fully (no rows, wrong width) before labels or any step.

Documented and kept (the table now says so): one point as 1-D X for the Jacobians, sigma = 0 in
denoising_error, argparse's exit status 2 for a usage error of a command line, an empty activations list
for a one-layer stack.
"""

import contextlib
import io

import numpy as np
import pytest

from npae import perf
from npae.analysis.jacobian import encoder_jacobian, jacobian_svd
from npae.analysis.manifold import denoising_error
from npae.analysis.metrics import reconstruction_error
from npae.checks import as_real_array, check_target_given
from npae.core.activations import get_activation
from npae.core.stochastic import bernoulli_nll, gaussian_nll, sample_bernoulli, sample_gaussian
from npae.models.autoencoder import Autoencoder
from npae.models.deep import stack_forward
from npae.models.psd import PSD
from npae.models.softmax import Softmax
from npae.training.stacking import accuracy, train_classifier


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ------------------------------------------------------------------------------------------ npae.checks

def test_as_real_array_refuses_an_empty_array_only_when_asked():
    assert as_real_array("X", np.zeros((0, 4))).shape == (0, 4)           # the default keeps its behaviour
    with pytest.raises(ValueError, match=r"X must hold at least one value .*\(0, 4\)"):
        as_real_array("X", np.zeros((0, 4)), nonempty=True)
    with pytest.raises(ValueError, match="weights"):
        as_real_array("weights", np.zeros((3, 0)), nonempty=True)
    assert as_real_array("X", np.ones((1, 1)), nonempty=True).shape == (1, 1)


def test_check_target_given_names_the_target_and_the_models_own_argument(rng):
    softmax = Softmax(4, 3, rng=rng)
    with pytest.raises(TypeError, match=r"target must be given for model Softmax.*'y'"):
        check_target_given(softmax, None)
    check_target_given(softmax, np.arange(6) % 3)                          # given: nothing to say
    check_target_given(Autoencoder(4, 3, rng=rng), None)                   # X is its own target
    with pytest.raises(TypeError, match=r"target.*'H'"):
        check_target_given(PSD(4, 3, rng=rng), None)
    check_target_given(object(), None, "no_such_method")                   # nothing to inspect: no opinion


# ------------------------------------------------------------------------------------------ npae.perf

def test_perf_refuses_a_classifier_or_psd_with_no_target_before_calling_it(rng):
    X = rng.uniform(size=(6, 4))
    softmax = Softmax(4, 3, rng=rng)
    before = {k: v.copy() for k, v in softmax.params.items()}
    for call in (lambda: perf.loss_and_grads(softmax, X), lambda: perf.loss(softmax, X)):
        with pytest.raises(TypeError, match="target must be given for model Softmax"):
            call()
    assert all(np.array_equal(before[k], softmax.params[k]) for k in before)
    with pytest.raises(TypeError, match="target must be given for model PSD"):
        perf.loss_and_grads(PSD(4, 3, rng=rng), X)
    y = np.arange(6) % 3                                                   # with labels: the model's own method
    assert perf.loss(softmax, X, y) == softmax.loss(X, y)


# ------------------------------------------------------------------------------------------ stochastic

@pytest.mark.parametrize("call, name", [
    (lambda E, rng: sample_gaussian(E, 0.5, rng), "mean"),
    (lambda E, rng: sample_bernoulli(E, rng), "probabilities"),
    (lambda E, rng: gaussian_nll(E, E), "X"),
    (lambda E, rng: bernoulli_nll(E, E), "X"),
])
def test_the_samplers_and_likelihoods_refuse_an_empty_batch(rng, call, name):
    with pytest.raises(ValueError, match=f"{name} must hold at least one value"):
        call(np.zeros((0, 4)), rng)
    assert call(np.full((2, 4), 0.5), rng).shape[0] == 2                  # one row is enough


# ------------------------------------------------------------------------------------------ analysis

def test_reconstruction_error_refuses_a_target_a_sigmoid_decoder_cannot_reach(rng):
    X = rng.uniform(size=(6, 4))
    sigmoid = Autoencoder(4, 3, rng=rng)
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\]"):
        reconstruction_error(sigmoid, X, target=255 * X)
    with pytest.raises(ValueError, match=r"target .*8-bit"):
        reconstruction_error(sigmoid, X, target=np.round(255 * X).astype(np.uint8))
    linear = Autoencoder(4, 3, decoder="linear", rng=rng)                  # any real target is reachable
    D = linear.reconstruct(X) - 255 * X
    assert reconstruction_error(linear, X, target=255 * X) == pytest.approx(0.5 * np.sum(D * D) / 6, rel=1e-12)


def test_denoising_error_at_sigma_zero_is_the_noiseless_error(rng):
    X = rng.uniform(size=(6, 4))
    model = Autoencoder(4, 3, decoder="linear", rng=rng)
    D = model.reconstruct(X) - X
    np.testing.assert_allclose(denoising_error(model, X, 0.0, 4, rng), np.sum(D * D, axis=1), rtol=1e-12)
    with pytest.raises(ValueError, match="sigma"):
        denoising_error(model, X, -0.1, 4, rng)


def test_one_point_is_a_jacobian_without_the_batch_axis(rng):
    model = Autoencoder(4, 3, rng=rng)
    X = rng.uniform(size=(5, 4))
    np.testing.assert_array_equal(encoder_jacobian(model, X[2]), encoder_jacobian(model, X)[2])
    s_one, V_one = jacobian_svd(encoder_jacobian(model, X[2]))
    s_all, _ = jacobian_svd(encoder_jacobian(model, X))
    assert V_one.shape == (3, 4)
    np.testing.assert_allclose(s_one, s_all[2], rtol=1e-12)


# ------------------------------------------------------------------------------------------ stacking

@pytest.mark.parametrize("X, message", [(np.zeros((0, 4)), r"X must have shape \(n_samples >= 1, 4\)"),
                                        (np.full((6, 5), 0.5), r"X must have shape \(n_samples >= 1, 4\)"),
                                        (np.full((6, 4), np.nan), "X contains NaN")])
def test_classifier_helpers_check_X_before_the_labels_and_any_step(rng, X, message):
    model = Softmax(4, 3, rng=rng)
    before = {k: v.copy() for k, v in model.params.items()}
    y = np.arange(len(X)) % 3
    with pytest.raises(ValueError, match=message):
        accuracy(model, X, y)
    with pytest.raises(ValueError, match=message):
        train_classifier(model, X, y, epochs=(1,), learning_rates=(1e-3,), batch_size=4, rng=rng)
    assert all(np.array_equal(before[k], model.params[k]) for k in before)


# ------------------------------------------------------------------------------------------ documented edges

def test_stack_forward_needs_one_activation_per_hidden_layer(rng):
    X = rng.uniform(size=(6, 4))
    W, b = [rng.standard_normal((4, 3)), rng.standard_normal((3, 2))], [np.zeros(3), np.zeros(2)]
    with pytest.raises(ValueError, match="activations must hold one nonlinearity per hidden layer"):
        stack_forward(X, W, b, [])
    inputs, pre = stack_forward(X, W[:1], b[:1], [])                      # one layer: no hidden layer
    np.testing.assert_array_equal(pre[-1], X @ W[0] + b[0])
    assert len(stack_forward(X, W, b, [get_activation("sigmoid")])[1]) == 2


@pytest.mark.parametrize("module, argv, word", [("npae.exercises.__main__", ["no-such-command"], "no-such-command"),
                                                ("npae.gradcheck.__main__", ["--no-such-option"], "--no-such-option")])
def test_a_command_lines_usage_error_exits_2_naming_the_bad_word(module, argv, word):
    main = __import__(module, fromlist=["main"]).main
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error:" in stderr.getvalue() and word in stderr.getvalue()
    with pytest.raises(TypeError, match="argv"):
        main("list")
