"""The argument checks every npae module shares: one place, so that each kind of bad input is refused
the same way everywhere.

Every check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong value) with a
message that names the argument, says what was expected and, where a student's usual mistake is known,
what to write instead (``rng=0`` -> ``np.random.default_rng(0)``; 8-bit images -> divide by 255). Checks
run before anything is changed, so a refused call leaves every parameter as it was.

- scalars: :func:`check_int`, :func:`check_real`, :func:`check_bool`, :func:`check_choice`
- objects: :func:`check_instance` (with advice when a class is passed), :func:`check_model_interface`,
  :func:`check_target_given`, :func:`check_callable`, :func:`check_path`, :func:`check_sequence` (optionally
  non-empty, of instances of a class), :func:`check_shape` (a tuple of sizes), :func:`check_tuple`, :func:`check_array_dict` (params,
  grads, a layer's parameters)
- randomness and dtypes: :func:`check_rng`, :func:`check_float_dtype`
- arrays: :func:`as_real_array` (numeric, real, optionally finite, non-empty and of a given ndim/shape),
  :func:`check_data` (an (n_samples, n_columns) data matrix), :func:`check_input_and_target`,
  :func:`check_float_array` (a kernel's argument: kind, axes and emptiness only, no pass over the values)

Nothing here imports the rest of npae: every module may use it.
"""

import collections.abc
import inspect
import numbers
import os

import numpy as np


def check_rng(rng, none_means_fresh=False):
    """Return ``rng`` if it is a ``numpy.random.Generator`` (npae never seeds NumPy's global state).

    ``none_means_fresh``: None gives a fresh, unseeded generator instead of a TypeError. Raises ``TypeError``
    for anything else, with ``np.random.default_rng(seed)`` as the advice for an integer.
    """
    if check_bool("none_means_fresh", none_means_fresh) and rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
            raise TypeError(f"rng must be a numpy.random.Generator, got the integer {rng!r}: "
                            f"write rng=np.random.default_rng({rng!r}) for a seeded generator")
        raise TypeError(f"rng must be a numpy.random.Generator such as np.random.default_rng(0), "
                        f"got {type(rng).__name__}")
    return rng


def check_float_dtype(dtype):
    """Return ``numpy.dtype(dtype)`` if it is float64 or float32 (gradient checks need float64).

    Raises ``ValueError`` for another dtype, ``TypeError`` for what ``numpy.dtype`` cannot read.
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}") from None
    if dtype not in (np.float64, np.float32):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    return dtype


def check_int(name, value, minimum=None, maximum=None):
    """Return ``value`` as a Python int if it is an integer in [minimum, maximum] (bounds optional, inclusive).

    Raises ``TypeError`` for a non-integer (``bool`` and ``float`` too: ``2.0`` samples is a mistake),
    ``ValueError`` outside the bounds; ``name`` is the argument's name in the message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer{_range_text(minimum, maximum)}, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer{_range_text(minimum, maximum)}, got {value!r}")
    return value


def check_real(name, value, minimum=None, maximum=None, *, open_minimum=False, open_maximum=False):
    """Return ``value`` as a Python float if it is a finite real number within the bounds.

    The bounds are inclusive unless ``open_minimum`` / ``open_maximum``. Raises ``TypeError`` for a non-real
    (``bool``, strings, arrays, complex), ``ValueError`` for NaN, inf or a value outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number{_range_text(minimum, maximum, open_minimum, open_maximum)}, "
                        f"got {value!r}")
    value = float(value)
    low_bad = minimum is not None and (value <= minimum if open_minimum else value < minimum)
    high_bad = maximum is not None and (value >= maximum if open_maximum else value > maximum)
    if not np.isfinite(value) or low_bad or high_bad:
        raise ValueError(f"{name} must be a finite number{_range_text(minimum, maximum, open_minimum, open_maximum)}, "
                         f"got {value!r}")
    return value


def check_bool(name, value):
    """Return ``value`` after checking that it is a ``bool`` (``tied='False'`` is a string, and true).

    Raises
    ------
    TypeError
        If ``value`` is not ``True`` or ``False`` (NumPy booleans are accepted).
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(name, value, choices):
    """Return ``value`` after checking that it is one of ``choices`` (strings, usually).

    Raises
    ------
    ValueError
        If it is not one of them; the message lists them.
    """
    try:
        ok = value in choices
    except TypeError:                    # an unhashable value tested against a set or dict
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def _range_text(minimum, maximum, open_minimum=False, open_maximum=False):
    if minimum is not None and maximum is not None:
        return f" in {'(' if open_minimum else '['}{minimum}, {maximum}{')' if open_maximum else ']'}"
    if minimum is not None:
        return f" {'>' if open_minimum else '>='} {minimum}"
    if maximum is not None:
        return f" {'<' if open_maximum else '<='} {maximum}"
    return ""


def as_real_array(name, A, *, ndim=None, shape=None, dtype=None, finite=True, nonempty=False):
    """Return ``A`` as a real NumPy array after checking its kind, dimensions and values.

    ``ndim``: allowed number(s) of axes; ``shape``: the expected shape (``None`` entries accept any length);
    ``dtype``: convert to it (otherwise integers and booleans are kept); ``finite``: refuse NaN and ±inf (one
    pass of min/max); ``nonempty``: refuse an array with no values. Raises ``TypeError`` for a non-numeric or
    complex ``A``, ``ValueError`` for the wrong axes or shape, no values, or NaN/inf. ``name`` names it.
    """
    try:
        A = np.asarray(A)
    except (ValueError, TypeError):               # ragged nested lists
        raise TypeError(f"{name} must be a numeric array, got an object NumPy cannot turn into one "
                        f"({type(A).__name__} of rows of different lengths?)") from None
    if A.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex values (dtype {A.dtype})")
    if A.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {A.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if A.ndim not in allowed:
            expected = shape if shape is not None else f"{' or '.join(map(str, allowed))}-D"
            raise ValueError(f"{name} must have shape {expected}, got an array of shape {A.shape}")
    if shape is not None and (A.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, A.shape))):
        expected = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {expected}, got {A.shape}")
    if nonempty and A.size == 0:
        raise ValueError(f"{name} must hold at least one value (at least one row), got an empty array of "
                         f"shape {A.shape}")
    if dtype is not None:
        A = np.asarray(A, dtype=dtype)
    if finite and A.size and A.dtype.kind == "f":
        lo, hi = A.min(), A.max()
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"{name} contains NaN or inf values")
    return A


def check_data(X, name, n_columns, dtype, unit_interval=False):
    """Return a data matrix X (n_samples ≥ 1, n_columns) as a C-contiguous array of ``dtype`` (float64/32).

    ``unit_interval``: also require values in [0, 1] (a sigmoid decoder's targets). Raises ``TypeError`` for a
    non-numeric X, ``ValueError`` (naming ``name``) for another shape, no rows, NaN or inf, or values outside
    [0, 1] (8-bit images get the advice to divide by 255). X is copied only to change its dtype.
    """
    n_columns = check_int("n_columns", n_columns, 1)
    dtype = check_float_dtype(dtype)
    raw = as_real_array(name, X, finite=False)
    if raw.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n_samples, {n_columns}), one sample a row, "
                         f"got shape {raw.shape}")
    if raw.shape[1] != n_columns or raw.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_samples >= 1, {n_columns}), got {raw.shape}")
    X = np.ascontiguousarray(raw, dtype=dtype)
    # min and max propagate NaN, and are ±inf if any value is: two passes check everything.
    lo, hi = float(X.min()), float(X.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name} contains NaN or inf values")
    if unit_interval and (lo < 0.0 or hi > 1.0):
        if raw.dtype.kind in "iu" and 0 <= lo and hi <= 255:
            raise ValueError(f"{name} looks like 8-bit images (integers in [{lo:.0f}, {hi:.0f}]), but a sigmoid "
                             f"decoder needs values in [0, 1]: divide by 255 ({name} = {name} / 255.0)")
        raise ValueError(
            f"{name} must lie in [0, 1] for a sigmoid decoder (its outputs cannot leave that range), "
            f"got values in [{lo:.4g}, {hi:.4g}]: rescale {name} into [0, 1] "
            f"(e.g. ({name} - {name}.min()) / ({name}.max() - {name}.min())); with loss='squared_error', "
            f"decoder='linear' accepts any real values")
    return X


def check_input_and_target(X, target, n_visible, dtype, sigmoid_decoder):
    """Return an autoencoder's ``(X, T)`` as (m, n_visible) arrays of ``dtype``; ``T is X`` without a target.

    With ``sigmoid_decoder`` the target (X itself without one) must lie in [0, 1]. Raises as
    :func:`check_data`, naming ``X`` or ``target``, and ``ValueError`` if their shapes differ.
    """
    sigmoid_decoder = check_bool("sigmoid_decoder", sigmoid_decoder)
    # X is its own target unless a target is given: then it must lie in [0, 1] for a sigmoid decoder.
    own_target = target is None or target is X          # the same array: check it once
    X = check_data(X, "X", n_visible, dtype, unit_interval=sigmoid_decoder and own_target)
    if own_target:
        return X, X
    T = check_data(target, "target", n_visible, dtype, unit_interval=sigmoid_decoder)
    if T.shape != X.shape:
        raise ValueError(f"target must have the shape of X {X.shape}, got {T.shape}")
    return X, T


def check_instance(name, value, expected, example=None):
    """Return ``value`` if it is an instance of ``expected`` (a class or a tuple of classes).

    Raises ``TypeError`` otherwise, naming ``name``, showing ``example`` (how to make one) if given, and saying
    so when a class was passed instead of an instance.
    """
    if isinstance(value, expected):
        return value
    names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
    wanted = f"{name} must be an instance of {names}" + (f", e.g. {example}" if example is not None else "")
    if isinstance(value, type):
        raise TypeError(f"{wanted}, got the class {value.__name__} itself: call it to make one")
    raise TypeError(f"{wanted}, got {type(value).__name__}")


def check_model_interface(name, model, attributes):
    """Return ``model`` after checking that it is an object (not a class) with every one of ``attributes``.

    For the trainers, which accept any object with ``params``, ``loss_and_grads``, ``dtype``...

    Raises
    ------
    TypeError
        If ``model`` is a class, or lacks one of the attributes (the message lists them), or its ``params`` is
        not a dict of arrays.
    """
    if isinstance(model, type):
        raise TypeError(f"{name} must be a model instance (e.g. Autoencoder(64, 25)), got the class "
                        f"{model.__name__} itself: call it to make one")
    missing = [a for a in attributes if not hasattr(model, a)]
    if missing:
        raise TypeError(f"{name} must be an npae model with {', '.join(attributes)}, got {type(model).__name__} "
                        f"(no {', '.join(missing)})")
    if "params" in attributes and not isinstance(model.params, dict):
        raise TypeError(f"{name}.params must be a dict of named arrays, got {type(model.params).__name__}")
    return model


def check_target_given(model, target, method="loss_and_grads"):
    """Raise if ``target`` is None while ``model.<method>(X, target, ...)`` needs a second argument.

    For a caller that passes ``(X, target)`` on to any npae model (:mod:`npae.perf`): a classifier given no
    labels, or a PSD given no codes, is told so under the caller's names. Raises ``TypeError`` naming
    ``target``, ``model`` and the method's parameter; a method whose signature cannot be read passes.
    """
    if target is not None:
        return
    function = getattr(model, method, None)
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):          # not introspectable (a builtin, a C extension): nothing to say
        return
    if len(parameters) >= 2 and parameters[1].default is inspect.Parameter.empty and parameters[1].kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
        raise TypeError(f"target must be given for model {type(model).__name__}: its {method}"
                        f"({parameters[0].name}, {parameters[1].name}, ...) needs {parameters[1].name!r}, "
                        f"which is passed as target")


def check_callable(name, value, signature):
    """Return ``value`` after checking that it is callable (``signature`` says how it is called).

    Raises
    ------
    TypeError
        If it is not callable.
    """
    if not callable(value):
        raise TypeError(f"{name} must be callable as {signature}, got {type(value).__name__}")
    return value


def check_path(name, path):
    """Return ``os.fspath(path)`` after checking that it is a str or an os.PathLike.

    Raises
    ------
    TypeError
        If ``path`` is neither (``None``, a number, an open file...).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(path).__name__}")
    return os.fspath(path)


def check_sequence(name, value, what="values", *, item_type=None, nonempty=False):
    """Return ``list(value)`` if it is a list, tuple or other non-string sequence (or an ndarray).

    ``what`` describes the entries in the messages; ``item_type``: every entry must be an instance of it
    (:func:`check_instance`, naming ``name[i]``); ``nonempty``: refuse an empty one. Raises ``TypeError``
    for a string, mapping, None or number, or a wrong entry; ``ValueError`` for an empty one (``nonempty``).
    """
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, (collections.abc.Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a list or tuple of {what}, got {type(value).__name__}")
    value = list(value)
    if check_bool("nonempty", nonempty) and not value:
        raise ValueError(f"{name} must hold at least one entry ({what}), got an empty sequence")
    if item_type is not None:
        for i, item in enumerate(value):
            check_instance(f"{name}[{i}]", item, item_type)
    return value


def check_tuple(name, value, length, what):
    """Return ``value`` if it is a tuple of ``length`` entries (e.g. the cache a layer's forward returned).

    ``what`` says what the tuple holds, for the message. Raises ``TypeError`` otherwise.
    """
    length = check_int("length", length, 0)
    if not isinstance(value, tuple) or len(value) != length:
        raise TypeError(f"{name} must be the tuple {what}, got {type(value).__name__}"
                        + (f" of length {len(value)}" if isinstance(value, tuple) else ""))
    return value


def check_shape(name, shape, n_axes):
    """Return ``shape`` as a tuple of ``n_axes`` Python ints ≥ 1 (a layer's input shape, e.g. (C, H, W)).

    Raises
    ------
    TypeError
        If it is not a sequence (a string, a number, None), or an entry is not an integer (bools, floats).
    ValueError
        If it has another length or an entry is below 1 (or ``n_axes`` is not an integer ≥ 1).
    """
    n_axes = check_int("n_axes", n_axes, 1)
    shape = check_sequence(name, shape, "integers")
    if len(shape) != n_axes:
        raise ValueError(f"{name} must have {n_axes} entries, got {tuple(shape)!r}")
    return tuple(check_int(f"{name}[{i}]", s, 1) for i, s in enumerate(shape))


def check_array_dict(name, arrays, like=None, finite=True, like_name="params", *, shapes=None):
    """Return ``arrays`` if it is a dict of real float ndarrays (``params``, ``grads``, a layer's parameters).

    ``like`` (a dict of arrays, named ``like_name`` in the messages) or ``shapes`` (name -> shape; ``{}``: no
    array) fixes the keys and every shape; ``finite`` refuses NaN and ±inf (one pass of min/max each). Raises
    ``TypeError`` for a non-dict or a value that is not a float ndarray, ``ValueError`` for other keys, a
    wrong shape, NaN/inf, or both ``like`` and ``shapes`` given.
    """
    if like is not None and shapes is not None:
        raise ValueError("give like or shapes to check_array_dict, not both")
    if not isinstance(arrays, dict):
        raise TypeError(f"{name} must be a dict of named arrays (e.g. {{'W1': ..., 'b1': ...}}), "
                        f"got {type(arrays).__name__}")
    if like is not None:
        expected, against = {key: np.shape(value) for key, value in like.items()}, f" of {like_name}"
    elif shapes is not None:
        expected, against = {key: tuple(shape) for key, shape in shapes.items()}, ""
    else:
        expected = None
    if expected is not None and set(arrays) != set(expected):
        raise ValueError(f"{name} must have exactly the keys{against} {sorted(expected)}, got {sorted(arrays)}")
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{name}[{key!r}] must be a numpy array, got {type(value).__name__}")
        value = as_real_array(f"{name}[{key!r}]", value, finite=finite)
        if value.dtype.kind != "f":
            raise TypeError(f"{name}[{key!r}] must be a float array, got dtype {value.dtype}")
        if expected is not None and value.shape != expected[key]:
            where = f"the shape of {like_name}[{key!r}] " if like is not None else "shape "
            raise ValueError(f"{name}[{key!r}] must have {where}{expected[key]}, got {value.shape}")
    return arrays


def check_float_array(name, A, ndim=None, nonempty=False, layout=None):
    """Return ``A`` if it is an ndarray of float32 or float64 — no copy, no pass over the values.

    For kernels behind a checked boundary (the convolution layers): ``ndim`` axes if given, none empty with
    ``nonempty``; ``layout`` names the axes in the message. Raises ``TypeError`` for another type or dtype,
    ``ValueError`` for another number of axes or an empty axis. NaN and inf propagate as in NumPy's ufuncs.
    """
    if not isinstance(A, np.ndarray) or A.dtype not in (np.float32, np.float64):
        got = f"an array of dtype {A.dtype}" if isinstance(A, np.ndarray) else type(A).__name__
        raise TypeError(f"{name} must be a numpy array of float32 or float64, got {got}")
    nonempty = check_bool("nonempty", nonempty)
    if (ndim is not None and A.ndim != check_int("ndim", ndim, 0)) or (nonempty and A.size == 0):
        what = (f"a {ndim}-D array" if ndim is not None else "an array") + (f" {layout}" if layout else "")
        raise ValueError(f"{name} must be {what}{' with no empty axis' if nonempty else ''}, got shape {A.shape}")
    return A
