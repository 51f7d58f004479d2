"""Argument checks that many npae modules share: a random generator, a floating dtype, a data array.

Each raises the error the house rules ask for — the argument's name and what was expected — so that
a student who passes ``rng=0`` or ``dtype=int`` learns what to pass instead. Nothing here imports the
rest of npae: every module may use it.
"""

import numpy as np


def check_rng(rng, none_means_fresh=False):
    """Return ``rng`` after checking that it is a ``numpy.random.Generator``.

    npae never seeds NumPy's global state: every random draw takes an explicit generator, e.g.
    ``np.random.default_rng(0)``.

    Parameters
    ----------
    rng : numpy.random.Generator or None
    none_means_fresh : bool
        If True, None gives a fresh, unseeded generator (the run is then not reproducible); if False,
        None is refused like any other non-generator.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        If ``rng`` is not a Generator (nor an allowed None).
    """
    if rng is None and none_means_fresh:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def check_float_dtype(dtype):
    """Return ``numpy.dtype(dtype)`` after checking that it is float64 or float32.

    Gradient checks need float64; float32 is the opt-in for speed that every model offers.

    Parameters
    ----------
    dtype : numpy dtype or anything ``numpy.dtype`` accepts

    Returns
    -------
    numpy.dtype

    Raises
    ------
    ValueError
        If the dtype is another one.
    TypeError
        If ``numpy.dtype`` cannot interpret ``dtype``.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float64, np.float32):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    return dtype


def check_data(X, name, n_columns, dtype, unit_interval=False):
    """Validate a data array and return it as a C-contiguous array of ``dtype``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_columns)
    name : str
        The argument's name, for the error messages.
    n_columns : int
        The expected width (n_visible).
    dtype : numpy dtype
        float64 or float32; ``X`` is converted (copied) only if it has another dtype.
    unit_interval : bool
        Also require every value to lie in [0, 1] (targets of a sigmoid decoder).

    Returns
    -------
    ndarray of shape (n_samples, n_columns) and dtype ``dtype``.

    Raises
    ------
    TypeError
        If ``X`` is not numeric.
    ValueError
        If ``X`` is not 2-D, has no rows, has the wrong width, contains NaN or inf, or (with
        ``unit_interval``) has values outside [0, 1]. The message names ``name``.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n_samples, {n_columns}), got shape {X.shape}")
    if X.shape[1] != n_columns or X.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_samples >= 1, {n_columns}), got {X.shape}")
    X = np.ascontiguousarray(X, dtype=dtype)
    # min and max propagate NaN, and are ±inf if any value is: two passes check everything.
    lo, hi = float(X.min()), float(X.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name} contains NaN or inf values")
    if unit_interval and (lo < 0.0 or hi > 1.0):
        raise ValueError(
            f"{name} must lie in [0, 1] for a sigmoid decoder (its outputs cannot leave that range), "
            f"got values in [{lo:.4g}, {hi:.4g}]; rescale the data or use decoder='linear'")
    return X


def check_input_and_target(X, target, n_visible, dtype, sigmoid_decoder):
    """Validate an autoencoder's input X and its target (X itself when ``target`` is None).

    Parameters
    ----------
    X : array_like of shape (m, n_visible)
    target : array_like of shape (m, n_visible) or None
    n_visible : int
    dtype : numpy dtype
    sigmoid_decoder : bool
        The target must then lie in [0, 1] (a sigmoid cannot leave that range).

    Returns
    -------
    X, T : ndarrays of shape (m, n_visible) and dtype ``dtype`` (``T is X`` when ``target`` is None).

    Raises
    ------
    ValueError, TypeError
        As :func:`check_data`, naming ``X`` or ``target``; and if the two shapes differ.
    """
    # X is its own target unless a target is given: then it must lie in [0, 1] for a sigmoid decoder.
    own_target = target is None or target is X          # the same array: check it once
    X = check_data(X, "X", n_visible, dtype, unit_interval=sigmoid_decoder and own_target)
    if own_target:
        return X, X
    T = check_data(target, "target", n_visible, dtype, unit_interval=sigmoid_decoder)
    if T.shape != X.shape:
        raise ValueError(f"target must have the shape of X {X.shape}, got {T.shape}")
    return X, T
