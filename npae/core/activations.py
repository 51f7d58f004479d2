"""Activation functions: value, first derivative and (for the sigmoid) second derivative.

Every function works elementwise on an ndarray of any shape and returns a new array of the same
shape and dtype (float64 or float32). Nothing here allocates more than its result.

Each activation is also described by an :class:`Activation` record, so that the model can look up
``f`` and ``f'`` by name ("sigmoid", "relu", "linear") without an ``if`` per variant. The derivative
receives both the pre-activation ``z`` and the output ``a = f(z)`` because for the sigmoid the cheap
form uses the output, ``σ'(z) = a (1 - a)`` (UFLDL, "Autoencoders and sparsity": f'(z) = f(z)(1 - f(z))),
while for the ReLU it is a function of ``z``.

These are the elementwise kernels of every forward and backward pass, behind the models' boundary: they
trust their arguments (float32 or float64 ndarrays, checked once by the model before any kernel runs,
:func:`npae.checks.check_data`) and let NaN and inf propagate as NumPy's ufuncs do.
"""

from typing import Callable, NamedTuple

import numpy as np
from scipy.special import expit



def sigmoid(z, out=None):
    """Logistic sigmoid σ(z) = 1 / (1 + exp(-z)), computed by ``scipy.special.expit``.

    ``expit`` evaluates 1/(1 + e^{-z}) for z ≥ 0 and e^{z}/(1 + e^{z}) for z < 0, so it never
    overflows and keeps its *relative* accuracy (a few ulps) over the whole range of normal results,
    also in the left tail: σ(-700) = 9.86e-305 in float64 and σ(-80) = 1.80e-35 in float32, where the
    form ½(1 + tanh(z/2)) used before returned exactly 0 below z ≈ -38 (float64) or -18 (float32) and
    was far off before that. A code unit that is off across a batch then has a tiny but positive mean
    activation ρ̂ rather than 0, which is what the KL sparsity penalty divides by. σ(z) is 0 only for
    z < -709.78 (float64) or z < -88.72 (float32), where exp(-z) overflows and the true value is below
    the smallest normal number (2.2e-308, 1.2e-38); it rounds to exactly 1 for z > 36.7 (float64) or
    z > 16.6 (float32), where 1 - σ(z) is below half an ulp of 1.
    It is one transcendental pass like the tanh form, but SciPy's loop is not vectorised as NumPy's
    ``tanh`` is, so on its own it is slower (``benchmarks/bench_sigmoid.py`` measures both).

    Parameters
    ----------
    z : ndarray of float32 or float64, any shape
        Pre-activations (e.g. ``Z1 = X @ W1 + b1`` of shape (n_samples, n_hidden)).
    out : ndarray of the shape and dtype of ``z``, optional
        Where to write the result (as numpy's ``out=``; may be ``z`` itself); a new array if None.

    Returns
    -------
    a : ndarray, same shape and dtype as ``z``
        Values in [0, 1]; NaN where ``z`` is NaN.
    """
    return expit(z, out=out)


def sigmoid_derivative(z, a, out=None):
    """First derivative of the sigmoid from its output: σ'(z) = a (1 - a), with a = σ(z).

    UFLDL's form ("Autoencoders and sparsity": f'(z) = f(z)(1 - f(z))): one subtraction and one
    multiplication, no transcendental function. Its accuracy is that of ``a``: relative (a few ulps)
    for z ≤ 0, where a ≤ ½ and 1 - a has no cancellation; absolute (a few ulps of ¼) for z > 0, where
    a is rounded to a multiple of 2^-53 (float64) and 1 - a = σ(-z) inherits that absolute error
    (σ'(20) = 2.06e-9 is off by about 5e-8 of its value; beyond z ≈ 37, σ' rounds to 0 rather than
    e^{-z}). Backpropagation adds σ' times an error signal to gradients of order 1, so an absolute
    error far below the float's resolution of those gradients is what matters; σ'(z) = σ(z)σ(-z)
    would be exact in both tails for one more ``expit`` pass over every value.

    Parameters
    ----------
    z : ndarray
        Pre-activations (unused; present so that all activations share one signature).
    a : ndarray, same shape as ``z``
        The sigmoid's output σ(z).
    out : ndarray, optional
        Where to write the result (must not be ``a``; ``z`` is fine — the model passes ``z``'s buffer
        once it no longer needs the pre-activations, which saves a temporary).

    Returns
    -------
    ndarray, same shape as ``a``: values in [0, 1/4].
    """
    slope = np.subtract(1.0, a, out=out)
    slope *= a  # in place: no second temporary (this runs over every output value; see benchmarks/)
    return slope


def sigmoid_second_derivative(a):
    """Second derivative of the sigmoid from its output: σ''(z) = a (1 - a) (1 - 2a).

    Derivation: d/dz [a (1 - a)] = a'(1 - a) - a a' = a' (1 - 2a) with a' = a (1 - a).
    The contractive penalty's gradient through the code uses it
    (:class:`npae.core.penalties.Contractive`). Like :func:`sigmoid_derivative` it is computed from
    the output alone: relatively accurate for z ≤ 0, accurate to a few ulps of its largest value
    √3/18 for z > 0.

    Parameters
    ----------
    a : ndarray
        The sigmoid's output σ(z).

    Returns
    -------
    ndarray, same shape as ``a``: values in [-√3/18, √3/18].
    """
    return a * (1.0 - a) * (1.0 - 2.0 * a)


def relu(z, out=None):
    """Rectified linear unit, max(z, 0).

    Parameters
    ----------
    z : ndarray, any shape
    out : ndarray, optional
        Where to write the result.

    Returns
    -------
    ndarray, same shape and dtype as ``z``.
    """
    return np.maximum(z, 0.0, out=out, dtype=z.dtype)


def relu_derivative(z, a, out=None):
    """Derivative of the ReLU: 1 where z > 0, else 0 (the subgradient 0 is taken at the kink z = 0).

    Finite differences are wrong at the kink, so gradient checks of ReLU models use points where
    no |z| is close to 0 (see ``npae/gradcheck/cases.py``).

    Parameters
    ----------
    z : ndarray
        Pre-activations.
    a : ndarray
        Outputs (unused; shared signature).
    out : ndarray, optional
        Where to write the result (may be ``z`` itself).

    Returns
    -------
    ndarray of the dtype of ``z``, same shape: 0.0 or 1.0.
    """
    if out is None:
        return (z > 0).astype(z.dtype)
    return np.greater(z, 0, out=out)          # the bool result is cast to out's float dtype


def identity(z, out=None):
    """The linear activation f(z) = z (UFLDL's linear decoder).

    Returns ``z`` itself (no copy) when ``out`` is None; otherwise copies ``z`` into ``out`` (numpy's
    ``out=`` convention, so that a caller writing into a block of a larger array gets the values there).
    """
    if out is None:
        return z
    np.copyto(out, z)
    return out


def identity_derivative(z, a, out=None):
    """Derivative of the identity: 1. Returned as the scalar 1.0, which broadcasts (``out`` is ignored)."""
    return 1.0


def softplus(z, out=None):
    """softplus(z) = log(1 + exp(z)), computed stably as max(z, 0) + log1p(exp(-|z|)).

    The naive form overflows for z > 709 (float64). It is the cross-entropy's building block:
    -log σ(z) = softplus(-z) and -log(1 - σ(z)) = softplus(z), so the Bernoulli loss can be written
    with the logits and never takes log(0) (see :func:`npae.core.losses.cross_entropy`).

    Parameters
    ----------
    z : ndarray, any shape
    out : ndarray of z's shape, optional
        Where to write the result (not ``z`` itself).

    Returns
    -------
    ndarray, same shape and dtype as ``z``: values > 0 (≥ max(z, 0)).
    """
    out = np.abs(z, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0.0, dtype=z.dtype)
    return out


class Activation(NamedTuple):
    """A named activation: ``forward(z) -> a`` and ``derivative(z, a) -> f'(z)``."""

    name: str
    forward: Callable
    derivative: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "relu": Activation("relu", relu, relu_derivative),
    "linear": Activation("linear", identity, identity_derivative),
}


def get_activation(name, argument="activation", allowed=None):
    """Look up an :class:`Activation` by name.

    Parameters
    ----------
    name : str
        One of the keys of ``ACTIVATIONS`` (restricted to ``allowed`` if given).
    argument : str
        The caller's argument name, used in the error message.
    allowed : sequence of str, optional
        The names this caller accepts (a constant of the caller's, e.g. ``("sigmoid", "linear")``).

    Raises
    ------
    ValueError
        If ``name`` is not an allowed activation; the message names ``argument`` and the choices.
    """
    choices = tuple(ACTIVATIONS) if allowed is None else tuple(allowed)
    if not isinstance(name, str) or name not in choices:
        raise ValueError(f"{argument} must be one of {choices}, got {name!r}")
    return ACTIVATIONS[name]
