"""Corruption processes C(x̃ | x) for the denoising autoencoder (Goodfellow et al. §14.5; Vincent et al. 2008, 2010).

Each function draws a corrupted copy x̃ of a batch X, using the ``rng`` it is given; the input is never
modified. A denoising autoencoder is trained on pairs (x̃, x): the encoder sees x̃ and the loss compares
the reconstruction with the clean x, i.e. ``model.loss_and_grads(X_tilde, target=X)``. The corruption is
drawn *before* the loss is called, so the loss stays a deterministic function that a gradient check can
probe; the training loops draw a fresh x̃ for every minibatch (or L-BFGS run).

All three take ``(X, level, rng)`` and return an array of X's shape and dtype:

- :func:`masking` — Vincent et al. (2010) §4.2 "masking noise": each input is set to 0 with probability ν.
- :func:`salt_and_pepper` — §4.2 "salt-and-pepper noise": each input, with probability ν, is set to the
  minimum or the maximum (each with probability ½).
- :func:`gaussian` — §4.2 "additive isotropic Gaussian noise": x̃ = x + ε, ε ~ N(0, σ² I), optionally
  clipped to a range (the Keras blog's denoising example: noise factor 0.5, clipped to [0, 1]).
"""

import numpy as np

from npae.checks import as_real_array, check_choice, check_real, check_rng, check_sequence


def _check(X, level, rng, level_name="level", unit=True):
    X = as_real_array("X", X, ndim=2)                          # real, numeric, finite, (n_samples, n_visible)
    if X.dtype.kind != "f":
        raise TypeError(f"X must be a float array, got dtype {X.dtype}")
    check_real(level_name, level, 0.0, 1.0 if unit else None)
    check_rng(rng)
    return X


def masking(X, level, rng):
    """Masking noise: each entry of X is set to 0 independently with probability ``level`` (ν).

    Parameters
    ----------
    X : ndarray of float, shape (n_samples, n_visible)
    level : float in [0, 1]
        ν, the probability of zeroing an entry (Vincent et al. used 0.1–0.4; the Theano dA tutorial 0.3).
    rng : numpy.random.Generator

    Returns
    -------
    X_tilde : ndarray, shape and dtype of X
        A new array; ``level = 0`` returns an exact copy.

    Raises
    ------
    TypeError, ValueError
        If X is not a finite real 2-D float array, ``level`` is not a number in [0, 1], or ``rng`` is not
        a Generator (the message names the argument).
    """
    X = _check(X, level, rng)
    keep = rng.random(X.shape) >= level
    return np.where(keep, X, 0).astype(X.dtype, copy=False)


def salt_and_pepper(X, level, rng, low=0.0, high=1.0):
    """Salt-and-pepper noise: with probability ``level`` an entry becomes ``low`` or ``high`` (½ each).

    Parameters
    ----------
    X : ndarray of float, shape (n_samples, n_visible)
    level : float in [0, 1]
        ν, the fraction of corrupted entries.
    rng : numpy.random.Generator
    low, high : float
        The "pepper" and "salt" values: the minimum and maximum of the input range ([0, 1] for pixels).

    Returns
    -------
    X_tilde : ndarray, shape and dtype of X (a new array).

    Raises
    ------
    TypeError, ValueError
        As :func:`masking`, and if ``low`` or ``high`` is not a finite number or ``low > high``.
    """
    X = _check(X, level, rng)
    low, high = check_real("low", low), check_real("high", high)
    if not low <= high:
        raise ValueError(f"low must be <= high, got low={low!r}, high={high!r}")
    corrupt = rng.random(X.shape) < level
    salt = rng.random(X.shape) < 0.5
    return np.where(corrupt, np.where(salt, high, low), X).astype(X.dtype, copy=False)


def gaussian(X, level, rng, clip=None):
    """Additive isotropic Gaussian noise x̃ = x + ε, ε ~ N(0, σ² I), optionally clipped.

    Parameters
    ----------
    X : ndarray of float, shape (n_samples, n_visible)
    level : float ≥ 0
        σ, the noise standard deviation, in the units of X (the Keras example's "noise factor", 0.5).
    rng : numpy.random.Generator
    clip : (float, float), optional
        Clip x̃ to this range, e.g. (0, 1) so that a sigmoid decoder's inputs stay valid pixels.

    Returns
    -------
    X_tilde : ndarray, shape and dtype of X (a new array).

    Raises
    ------
    TypeError, ValueError
        If X is not a finite real 2-D float array, ``level`` is negative or not finite, ``rng`` is not a
        Generator, or ``clip`` is not an ordered pair of finite numbers.
    """
    X = _check(X, level, rng, unit=False)
    if clip is not None:
        bounds = check_sequence("clip", clip, "two numbers (low, high)")
        if len(bounds) != 2:
            raise ValueError(f"clip must be (low, high), got {clip!r}")
        lo, hi = check_real("clip[0]", bounds[0]), check_real("clip[1]", bounds[1])
        if not lo <= hi:
            raise ValueError(f"clip must be (low, high) with low <= high, got {clip!r}")
    X_tilde = X + level * rng.standard_normal(X.shape).astype(X.dtype, copy=False)
    if clip is not None:
        np.clip(X_tilde, lo, hi, out=X_tilde)
    return X_tilde


CORRUPTIONS = {"masking": masking, "salt_and_pepper": salt_and_pepper, "gaussian": gaussian}


class Corruption:
    """A corruption process with its level fixed: ``Corruption("masking", 0.3)(X, rng) -> X_tilde``.

    This is the form the training loops take (``corruption=`` argument): they call it once per
    minibatch (or per L-BFGS run) with their own ``rng``.

    Parameters
    ----------
    kind : {"masking", "salt_and_pepper", "gaussian"}
    level : float
        ν for masking and salt-and-pepper (in [0, 1]), σ for Gaussian (≥ 0).
    **options
        Passed on (``low``/``high`` for salt-and-pepper, ``clip`` for Gaussian).

    Raises
    ------
    ValueError, TypeError
        For an unknown ``kind``, an invalid ``level`` or invalid options (checked here, not at the first
        call).
    """

    def __init__(self, kind, level, **options):
        check_choice("kind", kind, CORRUPTIONS)
        check_real("level", level, 0.0, None if kind == "gaussian" else 1.0)
        # one draw on a 1x1 array checks the options (low/high, clip) here, not at the first minibatch
        CORRUPTIONS[kind](np.zeros((1, 1)), level, np.random.default_rng(0), **options)
        self.kind, self.level, self.options = kind, float(level), options

    def __call__(self, X, rng):
        return CORRUPTIONS[self.kind](X, self.level, rng, **self.options)

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self.options.items())
        return f"Corruption({self.kind!r}, {self.level!r}{extra})"
