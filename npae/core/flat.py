"""Flattening a parameter dict into one vector θ and back — the only place this happens.

``scipy.optimize.minimize`` (L-BFGS, as UFLDL's minFunc) works on one flat float64 vector θ, while
the model keeps its parameters as a dict of named arrays (``W1``, ``b1``, ``W2``, ``b2``).
UFLDL does the same with ``theta = [W1(:) ; W2(:) ; b1(:) ; b2(:)]``; here the order is the dict's
order, and each block is flattened in row-major (C) order.
"""

import numpy as np


def flatten(arrays):
    """Concatenate the arrays of a dict, in the dict's order, into one float64 vector.

    Parameters
    ----------
    arrays : dict of str -> ndarray
        Parameters or gradients (any shapes, float32 or float64).

    Returns
    -------
    theta : ndarray of shape (n_parameters,), float64
        A new array; the dict's arrays are not referenced.
    """
    return np.concatenate([np.asarray(a, dtype=np.float64).reshape(-1) for a in arrays.values()])


def unflatten(theta, like):
    """Split a flat vector into a dict with the keys, shapes and dtypes of ``like``.

    Parameters
    ----------
    theta : ndarray of shape (n_parameters,)
        As returned by :func:`flatten` for a dict laid out like ``like``.
    like : dict of str -> ndarray
        The template (e.g. ``model.params``); only its keys, shapes and dtypes are used.

    Returns
    -------
    dict of str -> ndarray
        New arrays (copies, so that changing them never changes ``theta``).

    Raises
    ------
    ValueError
        If ``theta`` is not 1-D or its length differs from the template's number of parameters.
    """
    theta = np.asarray(theta)
    n_total = sum(a.size for a in like.values())
    if theta.ndim != 1 or theta.size != n_total:
        raise ValueError(f"theta must be a 1-D array of length {n_total}, got shape {theta.shape}")
    out, start = {}, 0
    for name, a in like.items():
        out[name] = theta[start:start + a.size].reshape(a.shape).astype(a.dtype, copy=True)
        start += a.size
    return out


def check_params(params, shapes):
    """Check that a parameter dict has exactly the expected keys and shapes; return it unchanged.

    Every npae model calls this at the top of ``loss_and_grads`` (``params`` may be a dict the caller
    assigned or passed in, e.g. by the gradient checker).

    Parameters
    ----------
    params : dict of str -> ndarray
    shapes : dict of str -> tuple of int
        The expected shape of each key.

    Returns
    -------
    params : the same dict.

    Raises
    ------
    ValueError
        If the keys differ from ``shapes``' keys, or an array has another shape; the message names both.
    """
    if set(params) != set(shapes):
        raise ValueError(f"params must have exactly the keys {sorted(shapes)}, got {sorted(params)}")
    for name, shape in shapes.items():
        if np.shape(params[name]) != shape:
            raise ValueError(f"params[{name!r}] must have shape {shape}, got {np.shape(params[name])}")
    return params
