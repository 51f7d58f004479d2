"""The denoising-autoencoder chain (npae.analysis.sampling.dae_chain) on a model whose reconstruction is known
exactly: a linear autoencoder that projects onto a line. The chain must stay on the line and move along it
by the corruption's kicks (a random walk with step σ), and take its arguments as documented."""

import numpy as np
import pytest

from npae.analysis.sampling import dae_chain
from npae.core.corruption import Corruption
from npae.models.autoencoder import Autoencoder

U = np.array([0.6, 0.8])                         # a unit vector: the "manifold" is the line through 0 along U


def projector():
    """A 2-1-2 linear autoencoder with r(x) = (x·U) U, the orthogonal projection onto the line."""
    model = Autoencoder(2, 1, encoder="linear", decoder="linear", rng=np.random.default_rng(0))
    model.params = {"W1": U[:, None].copy(), "b1": np.zeros(1), "W2": U[None, :].copy(), "b2": np.zeros(2)}
    return model


def off_line(X):
    """Distance of each point (…, 2) from the line: |x · U⊥|."""
    return np.abs(X @ np.array([-0.8, 0.6]))


def test_the_chain_stays_on_the_manifold_and_walks_along_it_with_the_corruption_step():
    sigma, n_chains, n_steps = 0.1, 4000, 5
    X0 = np.random.default_rng(1).normal(size=(n_chains, 2))          # anywhere in the plane
    states = dae_chain(projector(), X0, Corruption("gaussian", sigma), n_steps, np.random.default_rng(2))
    assert states.shape == (n_steps, n_chains, 2)
    assert off_line(states).max() < 1e-12                              # one reconstruction puts it on the line
    along = states @ U                                                 # position along the line
    steps = np.diff(along, axis=0).ravel()                             # each step: (ε·U) σ with ε·U ~ N(0, 1)
    assert abs(steps.mean()) < 4 * sigma / np.sqrt(steps.size)
    assert steps.std() == pytest.approx(sigma, rel=0.03)


def test_decoder_noise_and_thinning():
    std = 0.05
    X0 = np.zeros((3000, 2))
    states = dae_chain(projector(), X0, Corruption("gaussian", 0.1), 6, np.random.default_rng(0),
                       decoder_std=std, thin=3)
    assert states.shape == (2, 3000, 2)                                # states 3 and 6
    # the decoder's Gaussian noise leaves the line: mean |N(0, std²)| = std √(2/π) across it
    assert off_line(states).mean() == pytest.approx(std * np.sqrt(2 / np.pi), rel=0.05)


def test_the_same_rng_gives_the_same_chain():
    X0 = np.ones((5, 2))
    a = dae_chain(projector(), X0, Corruption("gaussian", 0.2), 4, np.random.default_rng(7))
    b = dae_chain(projector(), X0, Corruption("gaussian", 0.2), 4, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n_steps": 0}, ValueError, "n_steps"),
    ({"n_steps": 2.0}, TypeError, "n_steps"),
    ({"thin": 0}, ValueError, "thin"),
    ({"decoder_std": -1.0}, ValueError, "decoder_std"),
    ({"rng": 0}, TypeError, "default_rng"),
    ({"corruption": 0.1}, TypeError, "corruption"),
    ({"corruption": lambda X, rng: X[:1]}, ValueError, "shape"),
    ({"X0": np.ones((3, 5))}, ValueError, "X0"),
    ({"model": object()}, TypeError, "model"),
])
def test_bad_arguments_are_refused(kwargs, error, words):
    args = {"model": projector(), "X0": np.ones((3, 2)), "corruption": Corruption("gaussian", 0.1), "n_steps": 2,
            "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=words):
        dae_chain(args.pop("model"), args.pop("X0"), args.pop("corruption"), args.pop("n_steps"), args.pop("rng"),
                  **args)
