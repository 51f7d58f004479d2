"""Argument checks that many npae modules share: a random generator and a floating dtype.

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
