"""Flattening a parameter dict into one vector θ and back — the only place this happens.

``scipy.optimize.minimize`` (L-BFGS, as UFLDL's minFunc) works on one flat float64 vector θ, while
the model keeps its parameters as a dict of named arrays (``W1``, ``b1``, ``W2``, ``b2``).
UFLDL does the same with ``theta = [W1(:) ; W2(:) ; b1(:) ; b2(:)]``; here the order is the dict's
order, and each block is flattened in row-major (C) order.
"""

import numpy as np

from npae.checks import as_real_array, check_array_dict


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

    Raises
    ------
    TypeError
        If ``arrays`` is not a dict of real float ndarrays.
    ValueError
        If ``arrays`` is empty, or an array holds NaN or inf (the message names ``arrays`` and the key).
        The trainers look for a diverged step themselves, before anything is flattened
        (:func:`npae.training.lbfgs.train_lbfgs` raises :class:`~npae.errors.DivergenceError`).
    """
    if not check_array_dict("arrays", arrays):
        raise ValueError("arrays must hold at least one array, got an empty dict")
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
    TypeError
        If ``like`` is not a dict of real float ndarrays, or ``theta`` is not a real numeric array.
    ValueError
        If ``like`` is empty; if ``theta`` is not 1-D, its length differs from the template's number of
        parameters, it holds NaN or inf, or a value too large for the dtype of its block in ``like``
        (beyond ±3.4e38 for a float32 block, which would become inf). Only the keys, shapes and dtypes
        of ``like`` are read, never its values.
    """
    if not check_array_dict("like", like, finite=False):
        raise ValueError("like must hold at least one array (e.g. model.params), got an empty dict")
    theta = as_real_array("theta", theta)
    n_total = sum(a.size for a in like.values())
    if theta.ndim != 1 or theta.size != n_total:
        raise ValueError(f"theta must be a 1-D array of length {n_total} (the number of values in like, "
                         f"shapes {[np.shape(a) for a in like.values()]}), got shape {theta.shape}")
    out, start = {}, 0
    for name, a in like.items():
        block = theta[start:start + a.size]
        largest = np.finfo(a.dtype).max
        if block.size and np.abs(block).max() > largest:
            raise ValueError(f"theta must fit the dtype of like[{name!r}] ({a.dtype}, |values| <= {largest:.4g}); "
                             f"its block {name!r} (theta[{start}:{start + a.size}]) holds "
                             f"{block[np.argmax(np.abs(block))]:.4g}, which would become inf")
        out[name] = block.reshape(a.shape).astype(a.dtype, copy=True)
        start += a.size
    return out


def check_params(params, shapes):
    """Check a parameter dict: exactly the expected keys, arrays of the expected shapes, finite values.

    Every npae model calls this at the top of ``loss_and_grads`` (``params`` may be a dict the caller
    assigned or passed in, e.g. by the gradient checker).

    Parameters
    ----------
    params : dict of str -> array_like
        Arrays, or anything ``numpy.asarray`` turns into a real array of the shape (nested lists).
    shapes : dict of str -> tuple of int
        The expected shape of each key.

    Returns
    -------
    dict of str -> ndarray
        A new dict with the same keys; each value is the caller's array itself when it already is a
        floating-point ndarray (never a copy of it, never modified), else a float64 array made from it.

    Raises
    ------
    TypeError
        If ``shapes`` or ``params`` is not a dict, or a value is not numeric (strings, complex numbers,
        ragged lists).
    ValueError
        If the keys differ from ``shapes``' keys, an array has another shape, or holds NaN or inf; the
        message names ``params`` and the key.
    """
    if not isinstance(shapes, dict):
        raise TypeError(f"shapes must be a dict of str -> tuple of int (e.g. model.param_shapes()), "
                        f"got {type(shapes).__name__}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays with the keys {list(shapes)}, got {type(params).__name__}")
    if set(params) != set(shapes):
        raise ValueError(f"params must have exactly the keys {sorted(shapes)}, got {sorted(params)}")
    checked = {}
    for name in params:
        value = as_real_array(f"params[{name!r}]", params[name], shape=shapes[name])
        checked[name] = value if value.dtype.kind == "f" else value.astype(np.float64)
    return checked
