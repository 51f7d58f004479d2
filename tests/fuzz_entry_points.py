"""The table behind ``tests/test_fuzz_entry_points.py``: every public entry point of npae, a valid call of
it, and the kind of every argument, from which the bad inputs are made.

An entry point is a public function, a public class (its constructor) or a public method of a public class
of any module under ``npae`` (public: listed in the module's ``__all__``, or, without ``__all__``, defined in
the module under a name not starting with ``_``). :data:`ENTRIES` maps each one's dotted name to an
:class:`Entry`; :func:`public_entry_points` walks the package with ``pkgutil`` so that a test can check
that the table is complete.

A probe (:func:`probe`) replaces one argument of the valid call by a bad value and classifies what
happens:

``ok``          ValueError or TypeError (or a subclass the entry documents) whose message names the argument
``silent``      no exception, although the value is invalid
``other``       another exception type escaped (``other:AttributeError`` ...)
``unnamed``     the right type, but the message does not name the argument
``changed``     an exception, but a model's parameters (or the optimizer's ``params``) changed first
``hang``        no answer within :data:`TIMEOUT` seconds (the call keeps running in a daemon thread)
``skipped``     not called, because two earlier bad calls of the same entry hung (each costs TIMEOUT)

Run ``python tests/fuzz_entry_points.py`` for the table of outcomes per kind, with every failing case.
"""

import contextlib
import dataclasses
import inspect
import io
import importlib
import os
import pkgutil
import tempfile
import sys
import threading
import warnings
from pathlib import Path

import numpy as np

TIMEOUT = 10.0          # seconds; a call that takes longer is a hang
OUTCOMES = ("ok", "silent", "other", "unnamed", "changed", "hang", "skipped")


# ------------------------------------------------------------------------------------------- argument kinds

@dataclasses.dataclass
class Arg:
    """How one argument may be spoiled.

    kind : "array", "int", "real", "bool", "choice", "rng", "model", "params", "callable", "path", "dtype",
        "seq", "object", "str", or "custom" (only the ``extra`` values)
    names : the strings any of which the error message must contain (default: the argument's name)
    optional : None is a valid value (not tried as a bad one)
    minimum, maximum : bounds of an int or real (bad values just outside them are tried)
    skip : mutations not to try. Arrays: "ndim", "empty", "width", "rows", "nonfinite", "complex", "type", and
        "drop_axis" (only the one-axis-dropped value: e.g. one point where a batch of points goes). Params
        dicts: "missing", "extra" (a key), "shape" (of the first array), "nonfinite". Paths: "missing" (a
        missing file or directory), "directory". Sequences: "empty".
    note : why a value the mutations would call bad is valid for this argument (documented behaviour):
        required when ``skip`` holds one of :data:`DOCUMENTED_SKIPS`, or ``also_valid`` is given
    extra : more (label, value, must_raise) triples, e.g. values outside a decoder's domain
    model_types : for kind "model": the classes expected (instances of another npae model are tried)
    """

    kind: str
    names: tuple = ()
    optional: bool = False
    minimum: float = None
    maximum: float = None
    open_minimum: bool = False
    skip: frozenset = frozenset()
    extra: tuple = ()
    example: object = None
    also_valid: tuple = ()          # kind "model": names of other model classes that are valid here
    note: str = ""

    def base(self, valid, watched):
        """The value the mutations spoil: the valid call's, else ``example``, else the watched params."""
        if valid is not None:
            return valid
        if self.example is not None:
            return self.example
        if self.kind == "params" and watched:
            return watched[0]
        if self.kind == "array":
            return np.full((6, 4), 0.5)
        return None


# Skips that say "this value is valid here" rather than "this kind of check does not apply": each needs the
# argument's note saying why (the behaviour is documented in the entry's docstring).
DOCUMENTED_SKIPS = frozenset({"drop_axis", "missing", "extra", "shape", "directory"})


@dataclasses.dataclass
class Entry:
    """An entry point: ``build(rng) -> (callable, kwargs, watched)`` and the kinds of its arguments.

    ``watched`` is a list of params dicts whose arrays must not change on a refused call. ``raises`` are
    exception types beyond ValueError/TypeError that the entry documents (e.g. FileNotFoundError).
    ``note`` says why an entry has no argument to spoil. ``usage_exit``: a command line's ``main``, for
    which a usage error is argparse's ``SystemExit(2)`` after it has printed the usage and an
    ``error: ...`` line naming the bad word on stderr (what every command line does; its docstring says so).
    """

    build: object
    args: dict
    raises: tuple = ()
    note: str = ""
    usage_exit: bool = False


def _nonfinite(A, value):
    A = np.array(A, dtype=np.float64 if np.asarray(A).dtype.kind != "f" else np.asarray(A).dtype, copy=True)
    A.flat[A.size // 2] = value
    return A


def array_mutations(valid, spec):
    """(label, value, must_raise) triples spoiling the valid array ``valid``."""
    A = np.asarray(valid)
    out = []
    if "type" not in spec.skip:
        if not spec.optional:
            out.append(("None", None, True))
        out += [("string", "abc", True), ("dict", {}, True), ("letters array", np.array(["a", "b"]), True),
                ("object array", np.array([object(), object()], dtype=object), True)]
        if A.ndim == 2 and A.shape[1] > 1:
            ragged = [list(map(float, A[0].ravel())), list(map(float, A[0].ravel()[:-1]))]
            out.append(("ragged list", ragged, True))
    if "complex" not in spec.skip and A.size:
        out.append(("complex", A.astype(np.complex128) + 1e-3j, True))
    if "nonfinite" not in spec.skip and A.size:
        out += [("NaN", _nonfinite(A, np.nan), True), ("inf", _nonfinite(A, np.inf), True),
                ("-inf", _nonfinite(A, -np.inf), True)]
    if "ndim" not in spec.skip:
        if A.ndim >= 1:
            out.append(("0-d", np.asarray(A.flat[0] if A.size else 0.5), True))
        if A.ndim >= 2 and "drop_axis" not in spec.skip:
            out.append(("1-D (one axis dropped)", A[0], True))
        out.append(("one axis more", A[None], True))
    if "empty" not in spec.skip and A.ndim >= 1 and A.shape[0] > 0:
        out.append(("no rows", A[:0], True))
    if "width" not in spec.skip and A.ndim >= 2:
        out.append(("one column more", np.concatenate([A, A[:, :1]], axis=1), True))
    if "rows" not in spec.skip and A.ndim >= 1 and A.shape[0] > 1:
        out.append(("one row fewer", A[:-1], True))
    return out + list(spec.extra)


def scalar_mutations(valid, spec):
    out = []
    if spec.kind == "int":
        if not spec.optional:
            out.append(("None", None, True))
        out += [("string", "3", True), ("float 2.5", 2.5, True), ("float 2.0", 2.0, True), ("bool True", True, True),
                ("NaN", float("nan"), True), ("list", [1], True)]
        if spec.minimum is not None:
            out.append((f"{spec.minimum - 1} (below minimum)", int(spec.minimum) - 1, True))
            out.append(("-10**6", -10**6, True))
        if spec.maximum is not None:
            out.append((f"{spec.maximum + 1} (above maximum)", int(spec.maximum) + 1, True))
    elif spec.kind == "real":
        if not spec.optional:
            out.append(("None", None, True))
        out += [("string", "0.1", True), ("bool True", True, True), ("NaN", float("nan"), True),
                ("inf", float("inf"), True), ("-inf", float("-inf"), True), ("complex", 0.1 + 1j, True),
                ("list", [0.1], True)]
        if spec.minimum is not None:
            below = spec.minimum if spec.open_minimum else spec.minimum - 1.0
            out.append((f"{below} (below minimum)", float(below), True))
        if spec.maximum is not None:
            out.append((f"{spec.maximum + 1.0} (above maximum)", float(spec.maximum) + 1.0, True))
    elif spec.kind == "bool":
        out += [("string 'False'", "False", True), ("int 0", 0, True), ("int 1", 1, True), ("float 1.0", 1.0, True)]
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind in ("choice", "str"):
        out += [("int 3", 3, True), ("list", ["x"], True)]
        if spec.kind == "choice":
            out.append(("unknown name", "no-such-choice", True))
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind == "rng":
        out += [("int seed 0", 0, True), ("string", "seed", True), ("RandomState", np.random.RandomState(0), True),
                ("float", 1.5, True)]
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind == "callable":
        out += [("int 3", 3, True), ("string", "f", True)]
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind == "path":
        missing = os.path.join(tempfile.gettempdir(), "npae-fuzz-no-such-directory", "file.npz")
        out.append(("int 3", 3, True))
        if "missing" not in spec.skip:
            out.append(("missing file", missing, True))
        if "directory" not in spec.skip:
            out.append(("a directory", tempfile.gettempdir(), True))
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind == "dtype":
        out += [("unknown name 'foo'", "foo", True), ("int32", np.int32, True), ("complex128", np.complex128, True),
                ("int 3", 3, True)]
    elif spec.kind == "seq":
        out += [("int 3", 3, True), ("string", "abc", True)]
        if "empty" not in spec.skip:
            out.append(("empty", [], True))
        if not spec.optional:
            out.append(("None", None, True))
    elif spec.kind == "model":
        out += [("int 3", 3, True), ("dict", {}, True), ("string", "model", True)]
        if not spec.optional:
            out.append(("None", None, True))
        if valid is not None:
            out.append(("the class itself", type(valid), True))
        out += [(f"a {type(m).__name__}", m, True) for m in _other_models(valid)
                if type(m).__name__ not in spec.also_valid]
    elif spec.kind == "params":
        out += [("int 3", 3, True), ("string", "p", True), ("empty dict", {}, True)]
        params = valid
        first = next(iter(params))
        if "missing" not in spec.skip:
            out.append((f"missing {first!r}", {k: v for k, v in params.items() if k != first}, True))
        if "extra" not in spec.skip:
            out.append((f"extra key", {**params, "Z9": np.zeros(2)}, True))
        if "nonfinite" not in spec.skip:
            for label, value in (("NaN", np.nan), ("inf", np.inf)):
                out.append((f"{label} in {first!r}", {**params, first: _nonfinite(params[first], value)}, True))
        if "shape" not in spec.skip:
            out.append((f"wrong shape of {first!r}", {**params, first: np.asarray(params[first])[..., :-1]}, True))
        out.append((f"complex {first!r}", {**params, first: np.asarray(params[first]) + 1e-3j}, True))
        out.append(("nested lists", {k: np.asarray(v).tolist() for k, v in params.items()}, False))
    elif spec.kind == "object":
        out += [("int 3", 3, True), ("string", "x", True)]
        if not spec.optional:
            out.append(("None", None, True))
    return out + list(spec.extra)


def _other_models(valid):
    from npae.models.autoencoder import Autoencoder
    from npae.models.deep import DeepAutoencoder
    from npae.models.psd import PSD
    from npae.models.softmax import Softmax
    rng = np.random.default_rng(0)
    candidates = [Autoencoder(4, 3, rng=rng), DeepAutoencoder([4, 3, 2], rng=rng), PSD(4, 3, rng=rng),
                  Softmax(4, 3, rng=rng)]
    return [m for m in candidates if valid is None or not isinstance(valid, type(m))]


def mutations(valid, spec):
    if spec.kind == "array":
        return array_mutations(valid, spec)
    return scalar_mutations(valid, spec)


# ------------------------------------------------------------------------------------------------- probes

def _snapshot(watched):
    return [{k: np.array(v, copy=True) for k, v in p.items()} for p in watched]


def _unchanged(before, watched):
    for old, new in zip(before, watched):
        if set(old) != set(new):
            return False
        for k, v in old.items():
            w = np.asarray(new[k])
            if w.shape != v.shape or w.dtype != v.dtype or not np.array_equal(v, w, equal_nan=True):
                return False
    return True


def _run_with_timeout(function, kwargs, timeout, stderr=None):
    """Call ``function(**kwargs)`` in a daemon thread: ('returned', value) / ('raised', exc) / ('hang', None).

    ``stderr``: a writable text stream that receives what the call prints on stderr (argparse's usage errors).
    """
    box = {}

    def target():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"), contextlib.ExitStack() as stack:
                    if stderr is not None:
                        stack.enter_context(contextlib.redirect_stderr(stderr))
                    box["value"] = function(**kwargs)
        except BaseException as exc:          # noqa: BLE001 - classified by the caller
            box["exc"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return "hang", None
    if "exc" in box:
        return "raised", box["exc"]
    return "returned", box.get("value")


_HUNG = set()        # (name, arg, label) that hung once: not called again (its thread may still be running)
_HANGS_PER_ENTRY = {}   # an entry that hung twice is not called again: each hang costs TIMEOUT seconds


def probe(name, arg, label, value, must_raise, seed=0, timeout=TIMEOUT):
    """Call entry ``name`` with ``arg`` replaced by ``value``; return (outcome, detail)."""
    if (name, arg, label) in _HUNG:
        return "hang", f"no answer in {timeout:.0f} s (an earlier call with this kind of value hung)"
    if _HANGS_PER_ENTRY.get(name, 0) >= 2:
        return "skipped", f"not called: two earlier bad calls of {name} gave no answer in {timeout:.0f} s"
    entry = ENTRIES[name]
    spec = entry.args[arg]
    function, kwargs, watched = entry.build(np.random.default_rng(seed))
    kwargs = dict(kwargs)
    kwargs[arg] = _resolve_sentinels(value)
    before = _snapshot(watched)
    stderr = io.StringIO() if entry.usage_exit else None
    status, result = _run_with_timeout(function, kwargs, timeout, stderr)
    if status == "hang":
        _HUNG.add((name, arg, label))
        _HANGS_PER_ENTRY[name] = _HANGS_PER_ENTRY.get(name, 0) + 1
        return "hang", f"no answer in {timeout:.0f} s"
    unchanged = _unchanged(before, watched)
    if status == "returned":
        if must_raise:
            return "silent", f"returned {type(result).__name__}"
        return ("ok" if unchanged or not must_raise else "changed"), ""
    exc = result
    if entry.usage_exit and isinstance(exc, SystemExit) and exc.code == 2:
        printed = stderr.getvalue()
        if "error:" in printed and unchanged:
            return "ok", f"SystemExit(2): {printed.strip().splitlines()[-1][:300]}"
        return "unnamed", f"SystemExit(2) without argparse's usage error on stderr: {printed[:300]!r}"
    allowed = (ValueError, TypeError) + tuple(entry.raises)
    text = f"{type(exc).__name__}: {str(exc)[:300]}"
    if not isinstance(exc, allowed):
        return f"other:{type(exc).__name__}", text
    if not unchanged:
        return "changed", text
    names = spec.names or (arg,)
    if not any(n in str(exc) for n in names):
        return "unnamed", text
    return "ok", text


def cases():
    """Every (entry, argument) pair with its fixed mutations: [(name, arg, [(label, value, must_raise)])]."""
    out = []
    for name, entry in ENTRIES.items():
        if not entry.args:
            continue
        _, kwargs, watched = entry.build(np.random.default_rng(0))
        for arg, spec in entry.args.items():
            out.append((name, arg, mutations(spec.base(kwargs.get(arg), watched), spec)))
    return out


# ------------------------------------------------------------------------------------- the public names

def public_entry_points():
    """Dotted names of every public function, class and public method of a public class under npae."""
    import npae
    found = set()
    for info in pkgutil.walk_packages(npae.__path__, "npae."):
        last = info.name.rsplit(".", 1)[-1]
        if last.startswith("_") and not last.startswith("__"):
            continue                      # a private module (npae.training._inputs): not an entry point
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n, v in vars(module).items() if not n.startswith("_")
                     and getattr(v, "__module__", None) == module.__name__]
        for n in names:
            value = getattr(module, n)
            if not callable(value):
                continue                  # constants (FORMAT_NAME, IDX_DTYPES, ...) are not entry points
            found.add(f"{info.name}.{n}")
            if inspect.isclass(value) and not issubclass(value, BaseException):
                for m, member in vars(value).items():
                    if not m.startswith("_") and (inspect.isfunction(member)
                                                  or isinstance(member, (classmethod, staticmethod))):
                        found.add(f"{info.name}.{n}.{m}")
    return found


# ------------------------------------------------------------------------------------------- the table

ENTRIES = {}

TRAINS_DEEP = "documented: the trainers take any npae model with params and loss_and_grads, deep ones included"

# The Jacobian helpers take one point as well as a batch (documented): a 1-D X is one x, not a malformed batch.
ONE_POINT = ("documented: an X of shape (n_visible,) is one point, whose Jacobian (or tangents) comes back without "
             "the batch axis: what a student wants for one x")


def entry(name, args=None, raises=(), note="", usage_exit=False):
    def register(build):
        ENTRIES[name] = Entry(build, args or {}, raises, note, usage_exit)
        return build
    return register


def none_entry(name, note):  # noqa: D401
    """An entry point that takes no argument (or is a record type with no behaviour): listed, not probed."""
    ENTRIES[name] = Entry(lambda rng: (None, {}, []), {}, (), note)


A = Arg


def X01(rng, m=6, n=4, dtype=np.float64):
    return rng.uniform(0.1, 0.9, (m, n)).astype(dtype)


UNIT = (("values outside [0, 1]", None, True),)     # filled per entry (needs the valid shape)


def outside_unit(shape):
    bad = np.full(shape, 0.5)
    bad.flat[0] = 1.5
    return (("values outside [0, 1]", bad, True),)


def _ae(rng, **kw):
    from npae.models.autoencoder import Autoencoder
    return Autoencoder(4, 3, rng=rng, **kw)


def _deep(rng, **kw):
    from npae.models.deep import DeepAutoencoder
    return DeepAutoencoder([4, 3, 2], rng=rng, **kw)


def _clf(rng, **kw):
    from npae.models.deep import StackedClassifier
    return StackedClassifier([4, 3], 3, rng=rng, **kw)


def _softmax(rng, **kw):
    from npae.models.softmax import Softmax
    return Softmax(4, 3, rng=rng, **kw)


def _psd(rng, **kw):
    from npae.models.psd import PSD
    return PSD(4, 3, rng=rng, **kw)


def _labels(rng, m=6, k=3):
    return np.arange(m) % k


def _onehot(m=6, k=3):
    return np.eye(k)[np.arange(m) % k]


# The elementwise kernels and the layer-level steps of every forward/backward pass (activations, affine_backward,
# the losses' value-and-delta, stack_forward/backward) run on data the model has already checked, once per
# call of loss_and_grads. They check types and shapes (cheap, no pass over the values) and let NaN/inf
# propagate as NumPy's ufuncs do: non-finite values are not among their bad inputs.
KERNEL = frozenset({"nonfinite"})

# Issue 23: validation once, at the boundary. The building blocks behind it (the activations, the losses, the affine
# layer and the initialisation, penalty_terms, the model's unchecked layers, the fast path's fused function) trust
# their arguments, which the public entry point calling them has checked: they are listed, not probed.
BEHIND = ("a building block behind the boundary: it trusts its arguments, which the public entry points that call it "
          "(constructors, loss_and_grads, encode, the trainers) check once")

MODEL = A("model")
PARAMS = A("params", optional=True)
XARR = A("array", extra=outside_unit((6, 4)))
XANY = A("array")


def _register_all():
    # ---------------------------------------------------------------- npae.checks
    @entry("npae.checks.check_rng", {"rng": A("rng"), "none_means_fresh": A("bool")})
    def _(rng):
        from npae.checks import check_rng
        return check_rng, {"rng": rng, "none_means_fresh": False}, []

    @entry("npae.checks.check_float_dtype", {"dtype": A("dtype")})
    def _(rng):
        from npae.checks import check_float_dtype
        return check_float_dtype, {"dtype": np.float64}, []

    for fname, valid, spec in (
            ("check_int", 3, A("int", names=("n_things",), minimum=1, maximum=5)),
            ("check_real", 0.5, A("real", names=("level",), minimum=0, maximum=1)),
            ("check_bool", True, A("bool", names=("flag",))),
            ("check_choice", "a", A("choice", names=("kind",)))):
        def build(rng, fname=fname, valid=valid):
            import npae.checks as c
            kwargs = {"name": {"check_int": "n_things", "check_real": "level", "check_bool": "flag",
                               "check_choice": "kind"}[fname], "value": valid}
            if fname == "check_int":
                kwargs.update(minimum=1, maximum=5)
            if fname == "check_real":
                kwargs.update(minimum=0, maximum=1)
            if fname == "check_choice":
                kwargs.update(choices=("a", "b"))
            return getattr(c, fname), kwargs, []
        ENTRIES[f"npae.checks.{fname}"] = Entry(build, {"value": spec})

    @entry("npae.checks.check_instance", {"value": A("model", names=("model",))})
    def _(rng):
        from npae.checks import check_instance
        from npae.models.autoencoder import Autoencoder
        return check_instance, {"name": "model", "value": _ae(rng), "expected": Autoencoder,
                                "example": "Autoencoder(64, 25)"}, []

    @entry("npae.checks.check_model_interface", {"model": A(
        "model", also_valid=("DeepAutoencoder", "PSD", "Softmax"),
        note="every npae model has params and loss_and_grads, the attributes asked for here")})
    def _(rng):
        from npae.checks import check_model_interface
        return check_model_interface, {"name": "model", "model": _ae(rng),
                                       "attributes": ("params", "loss_and_grads")}, []

    @entry("npae.checks.check_target_given", {"target": A("custom", extra=(
            ("None for a classifier, whose loss needs labels", None, True),))})
    def _(rng):
        from npae.checks import check_target_given
        return check_target_given, {"model": _softmax(rng), "target": _labels(rng)}, []

    @entry("npae.checks.check_callable", {"value": A("callable", names=("callback",))})
    def _(rng):
        from npae.checks import check_callable
        return check_callable, {"name": "callback", "value": print, "signature": "callback(epoch, history)"}, []

    @entry("npae.checks.check_path", {"path": A("custom", extra=(("bytes", b"x.npz", True), ("None", None, True),
                                                                 ("int 3", 3, True), ("an open file", sys.stdout,
                                                                                       True)))})
    def _(rng):
        from npae.checks import check_path
        return check_path, {"name": "path", "path": "x.npz"}, []

    @entry("npae.checks.check_sequence", {
        "value": A("seq", names=("layers",), extra=(("an entry of another type", [1, "2"], True),
                                                    ("a class for an instance", [1, int], True))),
        "nonempty": A("bool")})
    def _(rng):
        from npae.checks import check_sequence
        return check_sequence, {"name": "layers", "value": [1, 2], "item_type": int, "nonempty": True}, []

    @entry("npae.checks.check_array_dict", {
        "arrays": A("params", names=("grads",)),
        "shapes": A("custom", optional=True, extra=(("given with like", {"W1": (4, 3)}, True),))})
    def _(rng):
        from npae.checks import check_array_dict
        p = _ae(rng).params
        return check_array_dict, {"name": "grads", "arrays": {k: v.copy() for k, v in p.items()}, "like": p}, []

    # Its use in the convolution layers: a batch of images, 4 non-empty axes (npae.core.conv.IMAGES). The channel
    # axis is the one "one column more" changes, which an image batch accepts; no value is read (KERNEL).
    _images = np.random.default_rng(0).standard_normal((2, 3, 4, 5))

    @entry("npae.checks.check_float_array", {
        "A": A("array", names=("images",), skip=KERNEL | {"width", "rows"},
               extra=(("integer array", np.ones(_images.shape, dtype=np.int64), True),
                      ("an empty axis", _images[:, :, :0], True))),
        "ndim": A("int", minimum=0, optional=True), "nonempty": A("bool")})
    def _(rng):
        from npae.checks import check_float_array
        return check_float_array, {"name": "images", "A": rng.standard_normal((2, 3, 4, 5)), "ndim": 4,
                                   "nonempty": True, "layout": "(n, channels, height, width)"}, []

    @entry("npae.checks.as_real_array", {"A": A("array", names=("weights",), skip={"ndim", "empty", "width", "rows"})})
    def _(rng):
        from npae.checks import as_real_array
        return as_real_array, {"name": "weights", "A": X01(rng)}, []

    @entry("npae.checks.check_data", {"X": A("array", names=("data",), skip={"rows"}, extra=outside_unit((6, 4))),
                                      "n_columns": A("int", minimum=1), "dtype": A("dtype")})
    def _(rng):
        from npae.checks import check_data
        return check_data, {"X": X01(rng), "name": "data", "n_columns": 4, "dtype": np.float64,
                            "unit_interval": True}, []

    @entry("npae.checks.check_input_and_target", {"X": A("array", skip={"rows"}),
                                                  "target": A("array", optional=True, extra=outside_unit((6, 4))),
                                                  "sigmoid_decoder": A("bool")})
    def _(rng):
        from npae.checks import check_input_and_target
        return check_input_and_target, {"X": X01(rng), "target": X01(rng), "n_visible": 4, "dtype": np.float64,
                                        "sigmoid_decoder": True}, []

    # ---------------------------------------------------------------- npae.core.activations
    for fname in ("sigmoid", "relu", "identity", "softplus", "sigmoid_derivative", "relu_derivative",
                  "identity_derivative", "sigmoid_second_derivative"):
        none_entry(f"npae.core.activations.{fname}", BEHIND)

    @entry("npae.core.activations.get_activation", {"name": A("choice")})
    def _(rng):
        from npae.core.activations import get_activation
        return get_activation, {"name": "sigmoid", "argument": "name"}, []

    none_entry("npae.core.activations.Activation", "a record (name, forward, derivative) built only from the table "
                                                   "ACTIVATIONS; get_activation checks the names")

    # ---------------------------------------------------------------- npae.core.corruption
    for fname in ("masking", "salt_and_pepper", "gaussian"):
        def build(rng, fname=fname):
            import npae.core.corruption as cor
            return getattr(cor, fname), {"X": X01(rng), "level": 0.3, "rng": rng}, []
        args = {"X": A("array", skip={"rows", "width", "empty"}),
                "level": A("real", minimum=0, maximum=None if fname == "gaussian" else 1), "rng": A("rng")}
        if fname == "salt_and_pepper":
            args.update(low=A("real", extra=(("low > high", 2.0, True),)), high=A("real"))
        if fname == "gaussian":
            args.update(clip=A("seq", optional=True, extra=(("reversed", (1.0, 0.0), True),
                                                          ("NaN bound", (0.0, float("nan")), True))))
        ENTRIES[f"npae.core.corruption.{fname}"] = Entry(build, args)

    @entry("npae.core.corruption.Corruption", {"kind": A("choice"), "level": A("real", minimum=0, maximum=1)})
    def _(rng):
        from npae.core.corruption import Corruption
        return Corruption, {"kind": "masking", "level": 0.3}, []

    # ---------------------------------------------------------------- npae.core.flat / layers / losses / penalties
    @entry("npae.core.flat.flatten", {"arrays": A(
        "params", names=("arrays",), skip={"missing", "extra", "shape"},
        note="flatten has no template: any non-empty dict of float arrays is valid, whatever its keys and shapes")})
    def _(rng):
        from npae.core.flat import flatten
        return flatten, {"arrays": _ae(rng).params}, []

    @entry("npae.core.flat.unflatten", {
        "theta": A("array", skip={"empty", "width"}),
        "like": A("params", names=("like",), skip={"nonfinite"},
                  note="like is a template: only its keys, shapes and dtypes are read (documented), never "
                       "its values")})
    def _(rng):
        from npae.core.flat import flatten, unflatten
        p = _ae(rng).params
        return unflatten, {"theta": flatten(p), "like": p}, []

    @entry("npae.core.flat.check_params", {"params": A("params"), "shapes": A("object")})
    def _(rng):
        from npae.core.flat import check_params
        p = _ae(rng).params
        return check_params, {"params": p, "shapes": {k: v.shape for k, v in p.items()}}, []

    for name in ("npae.core.layers.affine_backward", "npae.core.losses.squared_error", "npae.core.losses.cross_entropy"):
        none_entry(name, BEHIND)

    for cname, kwargs, args in (
            ("WeightDecay", {"weight_decay": 1e-3}, {"weight_decay": A("real", minimum=0)}),
            ("KLSparsity", {"rho": 0.05, "beta": 3.0}, {"rho": A("real", minimum=0, maximum=1, open_minimum=True),
                                                        "beta": A("real", minimum=0)}),
            ("L1Sparsity", {"lam": 0.1}, {"lam": A("real", minimum=0)}),
            ("Contractive", {"lam": 0.1}, {"lam": A("real", minimum=0)})):
        def build(rng, cname=cname, kwargs=kwargs):
            import npae.core.penalties as pen
            return getattr(pen, cname), dict(kwargs), []
        ENTRIES[f"npae.core.penalties.{cname}"] = Entry(build, args)
    none_entry("npae.core.penalties.Penalty", "the abstract base class: no arguments")

    @entry("npae.core.penalties.Penalty.config", {}, note="no arguments")
    def _(rng):
        from npae.core.penalties import WeightDecay
        return WeightDecay(1e-3).config, {}, []

    # ---------------------------------------------------------------- npae.models.autoencoder
    @entry("npae.models.autoencoder.Autoencoder", {
        "n_visible": A("int", minimum=1), "n_hidden": A("int", minimum=1), "encoder": A("choice"),
        "decoder": A("choice"), "loss": A("choice"), "tied": A("bool"),
        "penalties": A("seq", skip={"empty"}, note="no penalty: the default penalties=() (the valid call's [])"),
        "rng": A("rng", optional=True), "dtype": A("dtype"), "init": A("choice")})
    def _(rng):
        from npae.models.autoencoder import Autoencoder
        return Autoencoder, {"n_visible": 4, "n_hidden": 3, "encoder": "sigmoid", "decoder": "sigmoid",
                             "loss": "squared_error", "tied": False, "penalties": [], "rng": rng,
                             "dtype": np.float64, "init": "ufldl"}, []

    for method in ("encode", "logits", "reconstruct", "loss", "loss_and_grads", "decode"):
        def build(rng, method=method):
            from npae.core.penalties import KLSparsity, WeightDecay
            model = _ae(rng, penalties=[WeightDecay(1e-3), KLSparsity(0.05, 3.0)])
            arg = "H" if method == "decode" else "X"
            return getattr(model, method), {arg: X01(rng, 6, 3 if method == "decode" else 4)}, [model.params]
        args = {("H" if method == "decode" else "X"): A("array", skip={"rows"}, extra=outside_unit((6, 4))
                                                         if method in ("loss", "loss_and_grads") else ()),
                "params": PARAMS}
        if method in ("loss", "loss_and_grads"):
            args["target"] = A("array", optional=True, extra=outside_unit((6, 4)))
            args["code_noise"] = A("array", optional=True, skip={"width"}, example=np.zeros((6, 3)))
        ENTRIES[f"npae.models.autoencoder.Autoencoder.{method}"] = Entry(build, args)

    @entry("npae.models.autoencoder.Autoencoder.initial_params", {"rng": A("rng")})
    def _(rng):
        model = _ae(rng)
        return model.initial_params, {"rng": rng}, [model.params]

    @entry("npae.models.autoencoder.Autoencoder.config", {}, note="no arguments")
    def _(rng):
        model = _ae(rng)
        return model.config, {}, [model.params]

    # ---------------------------------------------------------------- npae.models.deep
    @entry("npae.models.deep.stack_forward", {"X": A("array", skip=KERNEL | {"rows"}), "weights": A("seq"),
                                              "biases": A("seq"), "activations": A("seq")})
    def _(rng):
        from npae.models.deep import stack_forward
        from npae.core.activations import get_activation
        # Two layers and one hidden nonlinearity (L - 1 = 1), so that an empty activations list is too short.
        W = [rng.standard_normal((4, 3)), rng.standard_normal((3, 2))]
        b = [np.zeros(3), np.zeros(2)]
        return stack_forward, {"X": X01(rng), "weights": W, "biases": b,
                               "activations": [get_activation("sigmoid")]}, []

    @entry("npae.models.deep.stack_backward", {"delta_out": A("array", skip=KERNEL | {"rows", "width"}), "inputs": A("seq"),
                                               "weights": A("seq")})
    def _(rng):
        from npae.models.deep import stack_forward, stack_backward
        from npae.core.activations import get_activation
        W = [rng.standard_normal((4, 3))]
        acts = [get_activation("sigmoid")]
        inputs, pre = stack_forward(X01(rng), W, [np.zeros(3)], acts)
        return stack_backward, {"delta_out": rng.standard_normal((6, 3)), "inputs": inputs, "pre": pre,
                                "weights": W, "activations": acts}, []

    @entry("npae.models.deep.StackedClassifier", {
        "layer_sizes": A("seq"), "n_classes": A("int", minimum=2), "activation": A("choice"),
        "weight_decay": A("real", minimum=0), "encoder_weight_decay": A("real", minimum=0),
        "rng": A("rng", optional=True), "dtype": A("dtype"), "init": A("choice")})
    def _(rng):
        from npae.models.deep import StackedClassifier
        return StackedClassifier, {"layer_sizes": [4, 3], "n_classes": 3, "activation": "sigmoid",
                                   "weight_decay": 1e-4, "encoder_weight_decay": 0.0, "rng": rng,
                                   "dtype": np.float64, "init": "ufldl"}, []

    for method in ("encode", "logits", "predict_proba", "predict", "loss_and_grads", "loss"):
        def build(rng, method=method):
            model = _clf(rng)
            kwargs = {"X": X01(rng)}
            if method.startswith("loss"):
                kwargs["y"] = _onehot()
            return getattr(model, method), kwargs, [model.params]
        args = {"X": A("array", skip={"rows"}), "params": PARAMS}
        if method.startswith("loss"):
            args["y"] = A("array", extra=(("not one-hot (values outside [0, 1])", np.full((6, 3), 2.0), True),))
        if method == "loss_and_grads":
            args["need_grads"] = A("bool")
        ENTRIES[f"npae.models.deep.StackedClassifier.{method}"] = Entry(build, args)
    for method in ("config", "param_shapes"):
        def build(rng, method=method):
            model = _clf(rng)
            return getattr(model, method), {}, [model.params]
        ENTRIES[f"npae.models.deep.StackedClassifier.{method}"] = Entry(build, {}, note="no arguments")

    @entry("npae.models.deep.DeepAutoencoder", {
        "layer_sizes": A("seq"), "activation": A("choice"), "code": A("choice", optional=True),
        "decoder": A("choice"), "loss": A("choice"), "tied": A("bool"), "weight_decay": A("real", minimum=0),
        "rng": A("rng", optional=True), "dtype": A("dtype"), "init": A("choice")})
    def _(rng):
        from npae.models.deep import DeepAutoencoder
        return DeepAutoencoder, {"layer_sizes": [4, 3, 2], "activation": "sigmoid", "decoder": "sigmoid",
                                 "loss": "squared_error", "tied": False, "weight_decay": 0.0, "rng": rng,
                                 "dtype": np.float64, "init": "ufldl"}, []

    for method in ("encode", "logits", "reconstruct", "loss_and_grads", "loss"):
        def build(rng, method=method):
            model = _deep(rng)
            return getattr(model, method), {"X": X01(rng)}, [model.params]
        args = {"X": A("array", skip={"rows"}, extra=outside_unit((6, 4)) if method.startswith("loss") else ()),
                "params": PARAMS}
        if method.startswith("loss"):
            args["target"] = A("array", optional=True, extra=outside_unit((6, 4)))
        if method == "loss_and_grads":
            args["need_grads"] = A("bool")
        ENTRIES[f"npae.models.deep.DeepAutoencoder.{method}"] = Entry(build, args)
    for method in ("config", "param_shapes"):
        def build(rng, method=method):
            model = _deep(rng)
            return getattr(model, method), {}, [model.params]
        ENTRIES[f"npae.models.deep.DeepAutoencoder.{method}"] = Entry(build, {}, note="no arguments")

    # ---------------------------------------------------------------- npae.models.softmax
    for fname in ("log_softmax", "softmax"):
        def build(rng, fname=fname):
            import npae.models.softmax as sm
            return getattr(sm, fname), {"Z": rng.standard_normal((6, 3))}, []
        ENTRIES[f"npae.models.softmax.{fname}"] = Entry(build, {"Z": A("array", skip={"rows", "width", "empty"})})

    @entry("npae.models.softmax.check_labels", {"y": A("array", skip={"width"}, extra=(
            ("label = n_classes", np.array([0, 1, 2, 3, 0, 1]), True), ("float labels", np.linspace(0, 2, 6), True),
            ("negative label", np.array([0, -1, 2, 0, 1, 2]), True))), "n_classes": A("int", minimum=1),
            "n_samples": A("int", minimum=0)})
    def _(rng):
        from npae.models.softmax import check_labels
        return check_labels, {"y": _labels(rng), "n_classes": 3, "n_samples": 6}, []

    @entry("npae.models.softmax.one_hot", {"y": A("array", skip={"width", "rows"}, extra=(
            ("label = n_classes", np.array([0, 3]), True),)), "n_classes": A("int", minimum=1), "dtype": A("dtype")})
    def _(rng):
        from npae.models.softmax import one_hot
        return one_hot, {"y": _labels(rng), "n_classes": 3, "dtype": np.float64}, []

    @entry("npae.models.softmax.softmax_cross_entropy", {
        "Z": A("array", skip={"rows", "width"}, note="Z's width is the number of classes (documented): any "
                                                     "width > every label is valid"), "labels": A("array", skip={"width"}, extra=(
            ("label = n_classes", np.array([0, 1, 2, 3, 0, 1]), True),)),
        "inv_m": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.models.softmax import softmax_cross_entropy
        return softmax_cross_entropy, {"Z": rng.standard_normal((6, 3)), "labels": _labels(rng), "inv_m": 1 / 6}, []

    @entry("npae.models.softmax.Softmax", {"n_features": A("int", minimum=1), "n_classes": A("int", minimum=2),
                                           "weight_decay": A("real", minimum=0), "rng": A("rng", optional=True),
                                           "dtype": A("dtype")})
    def _(rng):
        from npae.models.softmax import Softmax
        return Softmax, {"n_features": 4, "n_classes": 3, "weight_decay": 1e-4, "rng": rng, "dtype": np.float64}, []

    for method in ("logits", "predict_proba", "predict", "loss_and_grads", "loss"):
        def build(rng, method=method):
            model = _softmax(rng)
            kwargs = {"X": X01(rng)}
            if method.startswith("loss"):
                kwargs["y"] = _onehot()
            return getattr(model, method), kwargs, [model.params]
        args = {"X": A("array", skip={"rows"}), "params": PARAMS}
        if method.startswith("loss"):
            args["y"] = A("array", extra=(("values outside [0, 1]", np.full((6, 3), 2.0), True),))
        if method == "loss_and_grads":
            args["need_grads"] = A("bool")
        ENTRIES[f"npae.models.softmax.Softmax.{method}"] = Entry(build, args)
    for method in ("config", "param_shapes"):
        def build(rng, method=method):
            model = _softmax(rng)
            return getattr(model, method), {}, [model.params]
        ENTRIES[f"npae.models.softmax.Softmax.{method}"] = Entry(build, {}, note="no arguments")

    # ---------------------------------------------------------------- npae.models.psd
    @entry("npae.models.psd.soft_threshold", {"V": A("array", skip={"rows", "width", "empty", "ndim"}),
                                              "threshold": A("real", minimum=0)})
    def _(rng):
        from npae.models.psd import soft_threshold
        return soft_threshold, {"V": rng.standard_normal((6, 3)), "threshold": 0.1}, []

    @entry("npae.models.psd.lipschitz_constant", {"D": A("array", skip={"rows", "width"}, extra=(
            ("all-zero dictionary", np.zeros((3, 4)), True),)), "gamma": A("real", minimum=0)})
    def _(rng):
        from npae.models.psd import lipschitz_constant
        return lipschitz_constant, {"D": rng.standard_normal((3, 4)), "gamma": 0.5}, []

    for fname in ("ista", "fista"):
        def build(rng, fname=fname):
            import npae.models.psd as psd
            return getattr(psd, fname), {"X": rng.standard_normal((6, 4)), "D": rng.standard_normal((3, 4)),
                                         "lam": 0.1, "n_steps": 5}, []
        ENTRIES[f"npae.models.psd.{fname}"] = Entry(build, {
            "X": A("array", skip={"rows"}), "D": A("array", skip={"rows"}, extra=(
                ("all-zero dictionary", np.zeros((3, 4)), True),)),
            "lam": A("real", minimum=0), "gamma": A("real", minimum=0), "F": A("array", optional=True, skip={"width"}, example=np.zeros((6, 3))),
            "n_steps": A("int", minimum=0), "H0": A("array", optional=True, skip={"width"}, example=np.zeros((6, 3)))})

    @entry("npae.models.psd.PSD", {"n_visible": A("int", minimum=1), "n_hidden": A("int", minimum=1),
                                   "lam": A("real", minimum=0), "gamma": A("real", minimum=0),
                                   "rng": A("rng", optional=True), "dtype": A("dtype")})
    def _(rng):
        from npae.models.psd import PSD
        return PSD, {"n_visible": 4, "n_hidden": 3, "lam": 0.1, "gamma": 1.0, "rng": rng, "dtype": np.float64}, []

    for method in ("predict", "infer", "reconstruct", "energy", "energy_terms", "loss_and_grads",
                   "code_energy_and_grad"):
        def build(rng, method=method):
            model = _psd(rng)
            X, H = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
            kwargs = {"reconstruct": {"H": H}, "predict": {"X": X}, "infer": {"X": X, "n_steps": 3}}.get(
                method, {"X": X, "H": H})
            return getattr(model, method), kwargs, [model.params]
        args = {"params": PARAMS}
        if method != "reconstruct":
            args["X"] = A("array", skip={"rows"})
        if method not in ("predict", "infer"):
            args["H"] = A("array", skip={"rows"} if method == "reconstruct" else set())
        if method == "infer":
            args.update(n_steps=A("int", minimum=0), method=A("choice"))
        if method == "loss_and_grads":
            args["need_grads"] = A("bool")
        ENTRIES[f"npae.models.psd.PSD.{method}"] = Entry(build, args)

    for method in ("config", "param_shapes"):
        def build(rng, method=method):
            model = _psd(rng)
            return getattr(model, method), {}, [model.params]
        ENTRIES[f"npae.models.psd.PSD.{method}"] = Entry(build, {}, note="no arguments")

    for fname in ("support_overlap", "relative_error"):
        def build(rng, fname=fname):
            import npae.models.psd as psd
            return getattr(psd, fname), {"A": rng.standard_normal((6, 3)), "B": rng.standard_normal((6, 3))}, []
        args = {"A": A("array", skip={"rows", "width", "empty", "ndim"}),
                "B": A("array", skip={"empty", "ndim"})}
        if fname == "support_overlap":
            args["tol"] = A("real", minimum=0)
        ENTRIES[f"npae.models.psd.{fname}"] = Entry(build, args)

    # ---------------------------------------------------------------- npae.perf.parallel
    none_entry("npae.perf.parallel.num_threads", "no arguments (reads $NPAE_NUM_THREADS)")

    @entry("npae.perf.parallel.row_chunks", {"m": A("int", minimum=0), "n_chunks": A("int", minimum=1)})
    def _(rng):
        from npae.perf.parallel import row_chunks
        return row_chunks, {"m": 10, "n_chunks": 2}, []

    @entry("npae.perf.parallel.split_rows", {"m": A("int", minimum=0), "min_rows": A("int", minimum=1)})
    def _(rng):
        from npae.perf.parallel import split_rows
        return split_rows, {"m": 10, "min_rows": 2}, []

    @entry("npae.perf.parallel.single_threaded_blas", {"active": A("bool")})
    def _(rng):
        from npae.perf.parallel import single_threaded_blas
        return single_threaded_blas, {"active": True}, []

    @entry("npae.perf.parallel.map_chunks", {"function": A("callable"), "chunks": A("seq")})
    def _(rng):
        from npae.perf.parallel import map_chunks
        return map_chunks, {"function": lambda c: c, "chunks": [slice(0, 3), slice(3, 6)]}, []

    # ---------------------------------------------------------------- npae.training
    @entry("npae.training.lbfgs.train_lbfgs", {
        "model": A("model", also_valid=("DeepAutoencoder",), note=TRAINS_DEEP),
        "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
        "target": A("array", optional=True, extra=outside_unit((6, 4))), "maxiter": A("int", minimum=1),
        "verbose": A("bool"), "print_every": A("int", minimum=1), "options": A("object", optional=True)})
    def _(rng):
        from npae.training.lbfgs import train_lbfgs
        model = _ae(rng)
        return train_lbfgs, {"model": model, "X": X01(rng), "maxiter": 2, "verbose": False}, [model.params]

    @entry("npae.training.minibatch.train_minibatch", {
        "model": A("model", also_valid=("DeepAutoencoder",), note=TRAINS_DEEP),
        "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
        "target": A("array", optional=True, extra=outside_unit((6, 4))),
        "X_val": A("array", optional=True, skip={"rows"}, extra=outside_unit((6, 4))),
        "optimizer": A("choice", extra=(("the class Adam", "__Adam__", True),)),
        "epochs": A("int", minimum=0), "batch_size": A("int", minimum=1), "corruption": A("callable", optional=True),
        "rng": A("rng", optional=True), "shuffle": A("bool"), "patience": A("int", optional=True, minimum=1),
        "verbose": A("bool"), "callback": A("callable", optional=True)})
    def _(rng):
        from npae.training.minibatch import train_minibatch
        model = _ae(rng)
        return train_minibatch, {"model": model, "X": X01(rng), "epochs": 2, "batch_size": 4, "rng": rng,
                                 "verbose": False}, [model.params]

    @entry("npae.training.minibatch.train_minibatch[target_val]", {
        "target_val": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
        "X_val": A("array", skip={"rows"})})
    def _(rng):
        from npae.training.minibatch import train_minibatch
        model = _ae(rng)
        return train_minibatch, {"model": model, "X": X01(rng), "target": X01(rng), "X_val": X01(rng),
                                 "target_val": X01(rng), "epochs": 2, "batch_size": 4, "rng": rng,
                                 "verbose": False}, [model.params]

    none_entry("npae.training.minibatch.History", "the record train_minibatch returns: not an input")

    for cname, hyper in (("SGD", {"learning_rate": A("real", minimum=0, open_minimum=True),
                                  "momentum": A("real", minimum=0, maximum=0.999), "nesterov": A("bool")}),
                         ("Adam", {"learning_rate": A("real", minimum=0, open_minimum=True),
                                   "beta_1": A("real", minimum=0, maximum=0.999),
                                   "beta_2": A("real", minimum=0, maximum=0.999),
                                   "epsilon": A("real", minimum=0, open_minimum=True)}),
                         ("Adadelta", {"learning_rate": A("real", minimum=0, open_minimum=True),
                                       "rho": A("real", minimum=0, maximum=0.999, open_minimum=True),
                                       "epsilon": A("real", minimum=0, open_minimum=True)})):
        def build(rng, cname=cname):
            import npae.training.optimizers as opt
            return getattr(opt, cname), {}, []
        ENTRIES[f"npae.training.optimizers.{cname}"] = Entry(build, hyper)

        def build_step(rng, cname=cname):
            import npae.training.optimizers as opt
            params = _ae(rng).params
            grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
            optimizer = getattr(opt, cname)()
            optimizer.step(params, grads)                   # some state already
            return optimizer.step, {"params": params, "grads": grads}, [params]
        ENTRIES[f"npae.training.optimizers.{cname}.step"] = Entry(build_step, {
            "grads": A("params", names=("grads",)), "params": A("params", names=("params",))})

    @entry("npae.training.optimizers.make_optimizer", {"name_or_instance": A(
        "choice", names=("optimizer", "name_or_instance"), extra=(("the class Adam", "__Adam__", True),))})
    def _(rng):
        from npae.training.optimizers import make_optimizer
        return make_optimizer, {"name_or_instance": "adam"}, []

    @entry("npae.training.psd_training.train_psd", {
        "model": MODEL, "X": A("array", skip={"rows"}), "epochs": A("int", minimum=0),
        "batch_size": A("int", minimum=1), "n_steps": A("int", minimum=0), "method": A("choice"),
        "optimizer": A("choice", extra=(("the class Adam", "__Adam__", True),)), "rng": A("rng", optional=True),
        "verbose": A("bool")})
    def _(rng):
        from npae.training.psd_training import train_psd
        model = _psd(rng)
        return train_psd, {"model": model, "X": rng.standard_normal((6, 4)), "epochs": 1, "batch_size": 4,
                           "n_steps": 2, "rng": rng, "verbose": False}, [model.params]

    def _layer(n_samples=None):
        from npae.training.stacking import Layer
        return Layer(make=lambda n, rng: __import__("npae").Autoencoder(n, 3, rng=rng), options={"maxiter": 2},
                     n_samples=n_samples)

    @entry("npae.training.stacking.Layer", {"make": A("callable"), "method": A("choice"), "options": A("object"),
                                            "n_samples": A("int", optional=True, minimum=1)})
    def _(rng):
        from npae.training.stacking import Layer
        return Layer, {"make": lambda n, r: None, "method": "lbfgs", "options": {}}, []

    @entry("npae.training.stacking.greedy_pretrain", {
        "X": A("array", skip={"rows", "width"}, extra=outside_unit((6, 4))), "layers": A("seq"),
        "rng": A("rng", optional=True), "verbose": A("bool"), "return_codes": A("bool")})
    def _(rng):
        from npae.training.stacking import greedy_pretrain
        return greedy_pretrain, {"X": X01(rng), "layers": [_layer()], "rng": rng, "verbose": False}, []

    @entry("npae.training.stacking.encode_stack", {"models": A("seq"), "X": A("array", skip={"rows"})})
    def _(rng):
        from npae.training.stacking import encode_stack
        return encode_stack, {"models": [_ae(rng)], "X": X01(rng)}, []

    @entry("npae.training.stacking.stacked_classifier", {"models": A("seq"), "n_classes": A("int", minimum=2),
                                                         "softmax": A("model", optional=True),
                                                         "rng": A("rng", optional=True)})
    def _(rng):
        from npae.training.stacking import stacked_classifier
        return stacked_classifier, {"models": [_ae(rng)], "n_classes": 3, "rng": rng}, []

    @entry("npae.training.stacking.deep_autoencoder", {"models": A("seq"), "tied": A("bool"),
                                                       "rng": A("rng", optional=True)})
    def _(rng):
        from npae.training.stacking import deep_autoencoder
        return deep_autoencoder, {"models": [_ae(rng)], "tied": False, "rng": rng}, []

    @entry("npae.training.stacking.accuracy", {"model": MODEL, "X": A("array", skip={"rows"}),
                                               "y": A("array", skip={"width"})})
    def _(rng):
        from npae.training.stacking import accuracy
        model = _softmax(rng)
        return accuracy, {"model": model, "X": X01(rng), "y": _labels(rng)}, [model.params]

    @entry("npae.training.stacking.train_classifier", {
        "model": MODEL, "X": A("array", skip={"rows"}), "y": A("array", skip={"width"}, extra=(
            ("label = n_classes", np.array([0, 1, 2, 3, 0, 1]), True),)),
        "epochs": A("seq"), "learning_rates": A("seq", extra=(("negative rate", (-1.0,), True),)),
        "batch_size": A("int", minimum=1), "rng": A("rng", optional=True), "verbose": A("bool"),
        "callback": A("callable", optional=True)})
    def _(rng):
        from npae.training.stacking import train_classifier
        model = _softmax(rng)
        return train_classifier, {"model": model, "X": X01(rng), "y": _labels(rng), "epochs": (1,),
                                  "learning_rates": (1e-3,), "batch_size": 4, "rng": rng}, [model.params]

    # ---------------------------------------------------------------- npae.analysis.pca
    @entry("npae.analysis.pca.PCA", {"n_components": A("int", minimum=1)})
    def _(rng):
        from npae.analysis.pca import PCA
        return PCA, {"n_components": 2}, []

    for method in ("fit", "encode", "decode", "reconstruct"):
        def build(rng, method=method):
            from npae.analysis.pca import PCA
            pca = PCA(2)
            if method != "fit":
                pca.fit(rng.standard_normal((6, 4)))
            arg = "Z" if method == "decode" else "X"
            return getattr(pca, method), {arg: rng.standard_normal((6, 2 if method == "decode" else 4))}, []
        arg = "Z" if method == "decode" else "X"
        ENTRIES[f"npae.analysis.pca.PCA.{method}"] = Entry(build, {arg: A("array", skip={"rows"} | (
            {"width"} if method == "fit" else set()))})

    @entry("npae.analysis.pca.reconstruction_error", {"X": A("array", skip={"width"}),
                                                      "X_hat": A("array", skip=set())})
    def _(rng):
        from npae.analysis.pca import reconstruction_error
        X = rng.standard_normal((6, 4))
        return reconstruction_error, {"X": X, "X_hat": X + 0.1}, []

    # ---------------------------------------------------------------- npae.analysis.hashing
    @entry("npae.analysis.hashing.binarize", {"H": A("array", skip={"rows", "width", "empty"}),
                                              "threshold": A("real")})
    def _(rng):
        from npae.analysis.hashing import binarize
        return binarize, {"H": X01(rng)}, []

    @entry("npae.analysis.hashing.pack_codes", {"B": A("array", skip={"rows", "width", "empty"}, extra=(
            ("raw real-valued codes", np.full((6, 4), 0.7), True),))})
    def _(rng):
        from npae.analysis.hashing import pack_codes
        return pack_codes, {"B": X01(rng) > 0.5}, []

    @entry("npae.analysis.hashing.popcount", {"words": A("array", skip={"rows", "width", "empty", "ndim"}, extra=(
            ("float words", np.full(4, 0.5), True),))})
    def _(rng):
        from npae.analysis.hashing import popcount
        return popcount, {"words": np.arange(4, dtype=np.uint64)}, []

    @entry("npae.analysis.hashing.hamming_distances", {"Q": A("array", skip={"rows", "empty"}),
                                                       "D": A("array", skip={"rows", "empty"})})
    def _(rng):
        from npae.analysis.hashing import hamming_distances, pack_codes
        return hamming_distances, {"Q": pack_codes(X01(rng) > 0.5), "D": pack_codes(X01(rng) > 0.5)}, []

    @entry("npae.analysis.hashing.precision_at_k", {
        "Q": A("array", skip={"rows"}), "labels_q": A("array", skip={"width"}), "D": A("array", skip={"rows"}),
        "labels_d": A("array", skip={"width"}), "k": A("int", minimum=1, maximum=6), "block": A("int", minimum=1)})
    def _(rng):
        from npae.analysis.hashing import pack_codes, precision_at_k
        return precision_at_k, {"Q": pack_codes(X01(rng) > 0.5), "labels_q": _labels(rng),
                                "D": pack_codes(X01(rng) > 0.5), "labels_d": _labels(rng), "k": 2}, []

    @entry("npae.analysis.hashing.CodeNoiseTrainer", {"model": MODEL, "std": A("real", minimum=0),
                                                      "rng": A("rng")})
    def _(rng):
        from npae.analysis.hashing import CodeNoiseTrainer
        model = _ae(rng)
        return CodeNoiseTrainer, {"model": model, "std": 1.0, "rng": rng}, [model.params]

    for method in ("loss_and_grads", "loss"):
        def build(rng, method=method):
            from npae.analysis.hashing import CodeNoiseTrainer
            model = _ae(rng)
            return getattr(CodeNoiseTrainer(model, 1.0, rng), method), {"X": X01(rng)}, [model.params]
        ENTRIES[f"npae.analysis.hashing.CodeNoiseTrainer.{method}"] = Entry(build, {
            "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
            "target": A("array", optional=True, extra=outside_unit((6, 4)))})

    @entry("npae.analysis.hashing.RandomProjectionHash", {"n_bits": A("int", minimum=1), "rng": A("rng")})
    def _(rng):
        from npae.analysis.hashing import RandomProjectionHash
        return RandomProjectionHash, {"n_bits": 8, "rng": rng}, []

    @entry("npae.analysis.hashing.PCAHash", {"n_bits": A("int", minimum=1)})
    def _(rng):
        from npae.analysis.hashing import PCAHash
        return PCAHash, {"n_bits": 2}, []

    for cname in ("RandomProjectionHash", "PCAHash"):
        for method in ("fit", "codes"):
            def build(rng, cname=cname, method=method):
                import npae.analysis.hashing as h
                hasher = h.RandomProjectionHash(2, rng) if cname == "RandomProjectionHash" else h.PCAHash(2)
                if method == "codes":
                    hasher.fit(rng.standard_normal((6, 4)))
                return getattr(hasher, method), {"X": rng.standard_normal((6, 4))}, []
            ENTRIES[f"npae.analysis.hashing.{cname}.{method}"] = Entry(build, {"X": A("array", skip={"rows"} | (
                {"width"} if method == "fit" else set()))})

    # ---------------------------------------------------------------- npae.analysis.jacobian
    for fname in ("encoder_jacobian", "reconstruction_jacobian"):
        def build(rng, fname=fname):
            import npae.analysis.jacobian as jac
            model = _ae(rng)
            return getattr(jac, fname), {"model": model, "X": X01(rng)}, [model.params]
        ENTRIES[f"npae.analysis.jacobian.{fname}"] = Entry(build, {
            "model": MODEL, "X": A("array", skip={"rows", "drop_axis"}, note=ONE_POINT), "params": PARAMS})

    @entry("npae.analysis.jacobian.stacked_encoder_jacobian", {"layers": A("seq"),
                                                               "X": A("array", skip={"rows", "drop_axis"},
                                                                      note=ONE_POINT),
                                                               "activation": A("choice")})
    def _(rng):
        from npae.analysis.jacobian import stacked_encoder_jacobian
        layers = [(rng.standard_normal((4, 3)), np.zeros(3))]
        return stacked_encoder_jacobian, {"layers": layers, "X": X01(rng)}, []

    @entry("npae.analysis.jacobian.jacobian_svd", {"J": A(
        "array", skip={"rows", "width", "drop_axis"},
        note="documented: a 2-D J (n_hidden, n_visible) is one Jacobian, a 3-D J a batch of them")})
    def _(rng):
        from npae.analysis.jacobian import jacobian_svd
        return jacobian_svd, {"J": rng.standard_normal((6, 3, 4))}, []

    # ---------------------------------------------------------------- npae.analysis.manifold
    @entry("npae.analysis.manifold.jacobian_tangents", {"model": MODEL,
                                                        "X": A("array", skip={"rows", "drop_axis"}, note=ONE_POINT),
                                                        "n_tangents": A("int", minimum=1, maximum=3), "params": PARAMS})
    def _(rng):
        from npae.analysis.manifold import jacobian_tangents
        model = _ae(rng)
        return jacobian_tangents, {"model": model, "X": X01(rng), "n_tangents": 2}, [model.params]

    @entry("npae.analysis.manifold.local_pca_tangents", {"X": A("array", skip={"rows"}),
                                                         "x0": A("array", skip={"rows", "width"}),
                                                         "k_neighbours": A("int", minimum=1, maximum=12),
                                                         "n_tangents": A("int", minimum=1, maximum=4)})
    def _(rng):
        from npae.analysis.manifold import local_pca_tangents
        X = rng.standard_normal((12, 4))
        return local_pca_tangents, {"X": X, "x0": X[0], "k_neighbours": 5, "n_tangents": 2}, []

    @entry("npae.analysis.manifold.tangent_angles", {"A": A("array", skip={"rows"}), "B": A("array", skip={"rows"})})
    def _(rng):
        from npae.analysis.manifold import tangent_angles
        return tangent_angles, {"A": rng.standard_normal((2, 4)), "B": rng.standard_normal((3, 4))}, []

    for fname in ("singular_value_spectrum", "reconstruction_jacobian_norm2", "reconstruction_laplacian"):
        def build(rng, fname=fname):
            import npae.analysis.manifold as man
            model = _ae(rng)
            return getattr(man, fname), {"model": model, "X": X01(rng), "batch_size": 4}, [model.params]
        ENTRIES[f"npae.analysis.manifold.{fname}"] = Entry(build, {
            "model": MODEL, "X": A("array", skip={"rows"}), "batch_size": A("int", minimum=1), "params": PARAMS})

    @entry("npae.analysis.manifold.sample_sphere", {"n_points": A("int", minimum=1), "dim": A("int", minimum=1),
                                                    "radius": A("real", minimum=0, open_minimum=True),
                                                    "rng": A("rng")})
    def _(rng):
        from npae.analysis.manifold import sample_sphere
        return sample_sphere, {"n_points": 5, "dim": 3, "radius": 1.0, "rng": rng}, []

    @entry("npae.analysis.manifold.contraction_ratios", {
        "f": A("callable", extra=(("an f returning None", lambda X: None, True), ("an f returning a scalar", lambda X: 1.0, True),
                              ("an f returning one value per row", lambda X: X.sum(axis=1), True),
                              ("an f returning strings", lambda X: np.array([["a"]] * len(X)), True))), "X0": A("array", skip={"rows", "width"}), "radius": A("real", minimum=0, open_minimum=True),
        "n_directions": A("int", minimum=1), "rng": A("rng")})
    def _(rng):
        from npae.analysis.manifold import contraction_ratios
        return contraction_ratios, {"f": lambda X: X * 0.5, "X0": X01(rng), "radius": 0.1, "n_directions": 2,
                                    "rng": rng}, []

    @entry("npae.analysis.manifold.contraction_curve", {
        "f": A("callable", extra=(("an f returning None", lambda X: None, True), ("an f returning a scalar", lambda X: 1.0, True),
                              ("an f returning one value per row", lambda X: X.sum(axis=1), True),
                              ("an f returning strings", lambda X: np.array([["a"]] * len(X)), True))), "X0": A("array", skip={"rows", "width"}),
        "radii": A("array", skip={"rows", "width", "ndim"}, extra=(("negative radius", np.array([-0.1]), True),)),
        "n_directions": A("int", minimum=1), "rng": A("rng")})
    def _(rng):
        from npae.analysis.manifold import contraction_curve
        return contraction_curve, {"f": lambda X: X * 0.5, "X0": X01(rng), "radii": np.array([0.1, 0.2]),
                                   "n_directions": 2, "rng": rng}, []

    @entry("npae.analysis.manifold.denoising_field", {"model": MODEL, "X": A("array", skip={"rows"}),
                                                      "params": PARAMS})
    def _(rng):
        from npae.analysis.manifold import denoising_field
        model = _ae(rng)
        return denoising_field, {"model": model, "X": X01(rng)}, [model.params]

    for fname in ("circle_log_density", "circle_score"):
        def build(rng, fname=fname):
            import npae.analysis.manifold as man
            return getattr(man, fname), {"X": rng.standard_normal((6, 2)), "radius": 1.0, "noise_std": 0.1}, []
        ENTRIES[f"npae.analysis.manifold.{fname}"] = Entry(build, {
            "X": A("array", skip={"rows"}), "radius": A("real", minimum=0, open_minimum=True),
            "noise_std": A("real", minimum=0, open_minimum=True)})

    @entry("npae.analysis.manifold.circle_projection", {"X": A("array", skip={"rows"}),
                                                        "radius": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.analysis.manifold import circle_projection
        return circle_projection, {"X": rng.standard_normal((6, 2)), "radius": 1.0}, []

    @entry("npae.analysis.manifold.denoising_error", {
        "model": MODEL, "X": A("array", skip={"rows"}),
        # sigma = 0 is valid (documented): the noiseless error ‖r(x) − x‖², the σ → 0 limit of the estimate.
        "sigma": A("real", minimum=0),
        "n_noise": A("int", minimum=1), "rng": A("rng"), "antithetic": A("bool"), "params": PARAMS})
    def _(rng):
        from npae.analysis.manifold import denoising_error
        model = _ae(rng, decoder="linear")
        return denoising_error, {"model": model, "X": X01(rng), "sigma": 0.1, "n_noise": 2, "rng": rng}, \
            [model.params]

    # ---------------------------------------------------------------- npae.analysis.metrics
    @entry("npae.analysis.metrics.principal_directions", {"X": A("array", skip={"rows", "width"},
                                                                 note="any number of features (documented)"),
                                                          "k": A("int", minimum=1, maximum=4)})
    def _(rng):
        from npae.analysis.metrics import principal_directions
        return principal_directions, {"X": rng.standard_normal((6, 4)), "k": 2}, []

    @entry("npae.analysis.metrics.principal_angles", {"A": A("array", skip={"rows", "width"}),
                                                      "B": A("array", skip={"width"}), "degrees": A("bool")})
    def _(rng):
        from npae.analysis.metrics import principal_angles
        return principal_angles, {"A": rng.standard_normal((4, 2)), "B": rng.standard_normal((4, 2))}, []

    @entry("npae.analysis.metrics.psnr", {"reference": A("array", skip={"rows", "empty"}),
                                          "estimate": A("array", skip={"empty"}),
                                          "data_range": A("real", minimum=0, open_minimum=True),
                                          "per_sample": A("bool")})
    def _(rng):
        from npae.analysis.metrics import psnr
        X = X01(rng)
        return psnr, {"reference": X, "estimate": X + 0.01}, []

    @entry("npae.analysis.metrics.saturated_fraction", {"H": A("array", skip={"rows", "width"}),
                                                        "low": A("real", minimum=0, maximum=1),
                                                        "high": A("real", minimum=0, maximum=1)})
    def _(rng):
        from npae.analysis.metrics import saturated_fraction
        return saturated_fraction, {"H": X01(rng)}, []

    @entry("npae.analysis.metrics.mean_jacobian_norm", {"model": MODEL, "X": A("array", skip={"rows"}),
                                                        "params": PARAMS})
    def _(rng):
        from npae.analysis.metrics import mean_jacobian_norm
        model = _ae(rng)
        return mean_jacobian_norm, {"model": model, "X": X01(rng)}, [model.params]

    @entry("npae.analysis.metrics.reconstruction_error", {
        "model": A("model", also_valid=("DeepAutoencoder",),
                   note="documented: an Autoencoder or a DeepAutoencoder (anything with reconstruct and n_visible)"), "X": A("array", skip={"rows"}), "target": A("array", optional=True, extra=outside_unit((6, 4))),
        "kind": A("choice")})
    def _(rng):
        from npae.analysis.metrics import reconstruction_error
        model = _ae(rng)
        return reconstruction_error, {"model": model, "X": X01(rng)}, [model.params]

    # ---------------------------------------------------------------- npae.data
    @entry("npae.data.natural_images.load_photographs", {"max_size": A("int", minimum=16)})
    def _(rng):
        from npae.data.natural_images import load_photographs
        return load_photographs, {"max_size": 16}, []

    @entry("npae.data.natural_images.whiten", {"image": A("array", skip={"rows", "width"}, extra=(
            ("constant image", np.ones((8, 8)), True),)), "f0_fraction": A("real", minimum=0, maximum=1,
                                                                            open_minimum=True)})
    def _(rng):
        from npae.data.natural_images import whiten
        return whiten, {"image": rng.standard_normal((8, 8))}, []

    @entry("npae.data.natural_images.load_ufldl_images", {"path": A("path")}, raises=(FileNotFoundError,))
    def _(rng):
        from npae.data.natural_images import load_ufldl_images
        import scipy.io
        path = os.path.join(tempfile.gettempdir(), "npae-fuzz-IMAGES.mat")
        if not os.path.exists(path):
            scipy.io.savemat(path, {"IMAGES": np.zeros((512, 512, 10), dtype=np.float32)})
        return load_ufldl_images, {"path": path}, []

    none_entry("npae.data.natural_images.find_ufldl_images", "no arguments (reads $NPAE_DATA and ./data)")

    for fname in ("natural_images", "describe_natural_images"):
        def build(rng, fname=fname):
            import npae.data.natural_images as ni
            return getattr(ni, fname), {"source": "photographs"}, []
        ENTRIES[f"npae.data.natural_images.{fname}"] = Entry(build, {"source": A("choice")}, raises=(FileNotFoundError,))

    @entry("npae.data.natural_images.sample_patches", {
        "images": A("seq", extra=(("an image with NaN", [np.full((8, 8), np.nan)], True),
                                  ("a complex image", [np.ones((8, 8)) * 1j], True),
                                  ("a 3-D image", [np.ones((8, 8, 3))], True),
                                  ("a bare 2-D array (not a list of images)", np.ones((8, 8)), True))),
        "n_patches": A("int", minimum=1), "patch_size": A("int", minimum=1, maximum=8), "rng": A("rng")})
    def _(rng):
        from npae.data.natural_images import sample_patches
        return sample_patches, {"images": [rng.standard_normal((8, 8))], "n_patches": 5, "patch_size": 4,
                                "rng": rng}, []

    @entry("npae.data.natural_images.normalize_patches", {"patches": A("array", skip={"rows", "width"})})
    def _(rng):
        from npae.data.natural_images import normalize_patches
        return normalize_patches, {"patches": rng.standard_normal((6, 4))}, []

    @entry("npae.data.natural_images.ufldl_patches", {"n_patches": A("int", minimum=1),
                                                      "patch_size": A("int", minimum=1),
                                                      "rng": A("rng", optional=True), "source": A("choice")},
           raises=(FileNotFoundError,))
    def _(rng):
        from npae.data.natural_images import ufldl_patches
        return ufldl_patches, {"n_patches": 5, "patch_size": 4, "rng": rng, "source": "photographs"}, []

    for fname, kwargs, args in (
            ("available", {"dataset": "fashion-mnist"}, {"dataset": A("choice"), "directory": A(
                "path", optional=True, skip={"missing", "directory"},
                note="a question (documented): a directory that is missing or lacks the files answers False")}),
            ("search_path", {"dataset": "fashion-mnist"}, {"dataset": A("choice"), "directory": A(
                "path", optional=True, skip={"missing", "directory"},
                note="documented: the list of directories to search, which need not exist")}),
            ("find_files", {"dataset": "fashion-mnist", "split": "train"}, {"dataset": A("choice"),
                                                                           "split": A("choice")}),
            ("load_mnist", {"split": "test"}, {"split": A("choice"), "dtype": A("dtype")}),
            ("load_fashion_mnist", {"split": "test"}, {"split": A("choice"), "dtype": A("dtype")})):
        def build(rng, fname=fname, kwargs=kwargs):
            import npae.data.digits as dg
            return getattr(dg, fname), dict(kwargs), []
        ENTRIES[f"npae.data.digits.{fname}"] = Entry(build, args, raises=(FileNotFoundError,))

    @entry("npae.data.idx.read_idx", {"path": A("path")}, raises=(FileNotFoundError,))
    def _(rng):
        from npae.data.idx import read_idx, write_idx
        path = os.path.join(tempfile.gettempdir(), "npae-fuzz.idx")
        write_idx(path, np.arange(6, dtype=np.uint8))
        return read_idx, {"path": path}, []

    @entry("npae.data.idx.write_idx", {"path": A("path", skip=frozenset(), extra=()),
                                       "array": A("array", skip={"rows", "width", "ndim", "empty", "nonfinite"})},
           raises=(FileNotFoundError, IsADirectoryError))
    def _(rng):
        from npae.data.idx import write_idx
        return write_idx, {"path": os.path.join(tempfile.gettempdir(), "npae-fuzz-out.idx"),
                           "array": np.arange(6, dtype=np.uint8)}, []

    # ---------------------------------------------------------------- plotting / serialize
    @entry("npae.plotting.tile_images", {"images": A("array", skip={"rows"}), "image_shape": A("seq", optional=True,
                                         extra=(("wrong product", (3, 3), True),)), "ncols": A("int", optional=True,
                                                                                               minimum=1),
                                         "border": A("int", minimum=0), "normalize": A("bool"),
                                         "border_value": A("real", optional=True)})
    def _(rng):
        from npae.plotting import tile_images
        return tile_images, {"images": rng.standard_normal((3, 4))}, []

    @entry("npae.plotting.display_network", {"W": A("array", skip={"width"}), "patch_shape": A("seq", optional=True,
                                             extra=(("wrong product", (3, 3), True),)),
                                             "ncols": A("int", optional=True, minimum=1), "title": A("str",
                                                                                                      optional=True),
                                             "pixels_per_cell": A("int", minimum=1)})
    def _(rng):
        from npae.plotting import display_network
        return display_network, {"W": rng.standard_normal((4, 3))}, []

    @entry("npae.plotting.show_images", {"X": A("array", skip={"rows"}), "image_shape": A("seq", optional=True,
                                         extra=(("wrong product", (3, 3), True),)),
                                         "ncols": A("int", optional=True, minimum=1), "normalize": A("bool"),
                                         "title": A("str", optional=True)})
    def _(rng):
        from npae.plotting import show_images
        return show_images, {"X": X01(rng, 3, 4)}, []

    @entry("npae.plotting.show_tangents", {"points": A("array", skip={"rows"}), "tangents": A("seq", extra=(
            ("tangents with NaN", [np.full((2, 1, 4), np.nan)], True),)),
        "labels": A("seq", optional=True, extra=(("two labels for one set", ["a", "b"], True),))})
    def _(rng):
        from npae.plotting import show_tangents
        return show_tangents, {"points": X01(rng, 2, 4), "tangents": [rng.standard_normal((2, 1, 4))]}, []

    @entry("npae.serialize.save_model", {"model": A("model", also_valid=("DeepAutoencoder", "Softmax"), note=(
            "documented: every model class in npae.serialize.FORMATS is saved (a PSD is not)")),
            "path": A("path", extra=())},
           raises=(FileNotFoundError, IsADirectoryError))
    def _(rng):
        from npae.serialize import save_model
        model = _ae(rng)
        return save_model, {"model": model, "path": os.path.join(tempfile.gettempdir(), "npae-fuzz-model.npz")}, \
            [model.params]

    @entry("npae.serialize.load_model", {"path": A("path")}, raises=(FileNotFoundError,))
    def _(rng):
        from npae.serialize import load_model, save_model
        path = os.path.join(tempfile.gettempdir(), "npae-fuzz-valid-model.npz")
        save_model(_ae(np.random.default_rng(0)), path)
        return load_model, {"path": path}, []

    # ---------------------------------------------------------------- npae.gradcheck
    @entry("npae.gradcheck.numerical_gradient", {"f": A("callable"), "params": A(
        "params", names=("params",), skip={"extra", "shape"},
        note="params is the point, any dict of float64 arrays: it has no template, and f decides what it reads"),
                                                 "method": A("choice"),
                                                 "step": A("real", optional=True, minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck import numerical_gradient
        params = {"w": rng.standard_normal(3)}
        return numerical_gradient, {"f": lambda p: float(np.sum(p["w"] ** 2)), "params": params}, [params]

    @entry("npae.gradcheck.check_gradients", {"loss_and_grads": A("callable"),
                                              "params": A("params", names=("params",), skip={"shape"},
                                                          note="params is the point, any dict of float64 arrays: "
                                                               "an array of another shape is another valid point "
                                                               "(grads keyed and shaped otherwise are refused)"),
                                              "method": A("choice"),
                                              "step": A("real", optional=True, minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck import check_gradients
        params = {"w": rng.standard_normal(3)}
        return check_gradients, {"loss_and_grads": lambda p: (float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}),
                                 "params": params}, [params]

    @entry("npae.gradcheck.relative_difference", {"a": A("array", skip={"rows", "width", "empty", "ndim"}),
                                                  "b": A("array", skip={"empty"})})
    def _(rng):
        from npae.gradcheck import relative_difference
        return relative_difference, {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}, []

    @entry("npae.gradcheck.numerical_jacobian", {"f": A("callable"), "x": A("array", skip={"rows", "width", "empty",
                                                                                           "ndim"}),
                                                 "step": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck import numerical_jacobian
        return numerical_jacobian, {"f": lambda x: 2 * x, "x": rng.standard_normal(3)}, []

    none_entry("npae.gradcheck.GradCheck", "the record check_gradients returns: not an input")

    @entry("npae.gradcheck.GradCheck.passed", {"tolerance": A("real", optional=True, minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck import check_gradients
        params = {"w": rng.standard_normal(3)}
        result = check_gradients(lambda p: (float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}), params)
        return result.passed, {"tolerance": 1e-9}, []

    @entry("npae.gradcheck.__main__.main", {"argv": A("seq", optional=True, skip={"empty"}, extra=(
            ("unknown option", ["--no-such-option"], True),))}, usage_exit=True)
    def _(rng):
        from npae.gradcheck.__main__ import main
        return main, {"argv": ["--list"]}, []

    for mod, cname, kwargs, args in (
            ("cases", "Case", {"name": "fuzz"}, {"n_visible": A("int", minimum=1), "n_hidden": A("int", minimum=1),
                                                 "n_samples": A("int", minimum=1), "penalties": A("choice")}),
            ("cases_deep", "DeepCase", {"name": "fuzz", "kind": "deep_ae", "sizes": (4, 3, 2)},
             {"kind": A("choice"), "sizes": A("seq"), "n_samples": A("int", minimum=1)}),
            ("cases_psd", "PSDCase", {"name": "fuzz"}, {"block": A("choice"), "n_visible": A("int", minimum=1),
                                                        "n_hidden": A("int", minimum=1), "lam": A("real", minimum=0)})):
        def build(rng, mod=mod, cname=cname, kwargs=kwargs):
            module = importlib.import_module(f"npae.gradcheck.{mod}")
            return (lambda **kw: getattr(module, cname)(**kw).build()), dict(kwargs), []
        ENTRIES[f"npae.gradcheck.{mod}.{cname}"] = Entry(build, args)

        def build_run(rng, mod=mod, cname=cname, kwargs=kwargs):
            module = importlib.import_module(f"npae.gradcheck.{mod}")
            return getattr(module, cname)(**kwargs).run, {}, []
        ENTRIES[f"npae.gradcheck.{mod}.{cname}.run"] = Entry(build_run, {
            "method": A("choice"), "step": A("real", optional=True, minimum=0, open_minimum=True)})
        ENTRIES[f"npae.gradcheck.{mod}.{cname}.build"] = Entry(
            lambda rng: (None, {}, []), {}, note=f"covered by npae.gradcheck.{mod}.{cname} (the constructor's "
                                                 "fields are checked when build() runs)")
    for name in ("sparse_cases", "matrix_cases", "relu_cases", "code_noise_cases", "linear_encoder_cases",
                 "chunked_cases", "all_cases"):
        none_entry(f"npae.gradcheck.cases.{name}", "no arguments: the table of gradient checks")
    for name in ("softmax_cases", "classifier_cases", "deep_autoencoder_cases", "deep_cases"):
        none_entry(f"npae.gradcheck.cases_deep.{name}", "no arguments: the table of gradient checks")
    none_entry("npae.gradcheck.cases_psd.psd_cases", "no arguments: the table of gradient checks")

    # ---------------------------------------------------------------- npae.course / scripting
    for name in ("npae.course.lesson_options", "npae.scripting.lesson_options"):
        def build(rng, name=name):
            module = importlib.import_module(name.rsplit(".", 1)[0])
            return module.lesson_options, {"argv": ["--out", tempfile.gettempdir()]}, []
        # No "unknown option" case: unknown command-line options are ignored on purpose (parse_known_args),
        # because Jupyter passes its own (-f kernel.json) to the kernel that runs a lesson.
        ENTRIES[name] = Entry(build, {"argv": A("seq", optional=True, skip={"empty"}),
                                      "description": A("str", optional=True)})
    none_entry("npae.course.in_notebook", "no arguments")
    none_entry("npae.course.ExpectationError", "an exception class")

    # No "unknown option" case for argv: ignored on purpose, as for lesson_options (Jupyter passes its own).
    @entry("npae.course.Lesson", {"argv": A("seq", optional=True, skip={"empty"}),
                                  "name": A("str", optional=True)})
    def _(rng):
        from npae.course import Lesson
        return Lesson, {"argv": ["--out", tempfile.mkdtemp(prefix="npae-fuzz-")], "name": "fuzz"}, []

    for method, kwargs, args in (
            ("show", {"fig": None, "name": "x"}, {"fig": A("object"), "name": A("str")}),
            ("expect", {"name": "x", "value": 1.0}, {"name": A("str"), "value": A("real")}),
            ("fashion_mnist", {"split": "test"}, {"split": A("choice"), "dtype": A("dtype")}),
            ("stamp", {"text": "x"}, {"text": A("str")})):
        def build(rng, method=method, kwargs=kwargs):
            from npae.course import Lesson
            import matplotlib.figure
            lesson = Lesson(argv=["--out", tempfile.mkdtemp(prefix="npae-fuzz-")], name="fuzz")
            kw = dict(kwargs)
            if method == "show":
                kw["fig"] = matplotlib.figure.Figure()
            return getattr(lesson, method), kw, []
        ENTRIES[f"npae.course.Lesson.{method}"] = Entry(build, args, raises=(FileNotFoundError,))
    for method in ("elapsed", "done"):
        none_entry(f"npae.course.Lesson.{method}", "no arguments")

    none_entry("npae.errors.DivergenceError", "an exception class")

    # ---------------------------------------------------------------- the pieces of the one backprop core
    for name in ("npae.core.layers.dense_forward", "npae.core.layers.initial_weights",
                 "npae.core.layers.initial_softmax_weights", "npae.core.penalties.penalty_terms",
                 "npae.models.autoencoder.Autoencoder.encoder_forward",
                 "npae.models.autoencoder.Autoencoder.decoder_forward",
                 "npae.models.autoencoder.Autoencoder.decoder_weights"):
        none_entry(name, BEHIND)

    @entry("npae.models.autoencoder.Autoencoder.check_arguments", {
        "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
        "target": A("array", optional=True, extra=outside_unit((6, 4))), "params": PARAMS,
        "code_noise": A("array", optional=True, skip={"width"}, example=np.zeros((6, 3)))})
    def _(rng):
        model = _ae(rng)
        return model.check_arguments, {"X": X01(rng)}, [model.params]
    none_entry("npae.models.autoencoder.Autoencoder.param_shapes", "no arguments")

    @entry("npae.analysis.jacobian.checked_autoencoder_params", {"model": MODEL, "params": PARAMS})
    def _(rng):
        from npae.analysis.jacobian import checked_autoencoder_params
        model = _ae(rng)
        return checked_autoencoder_params, {"model": model}, [model.params]

    for prefix in ("npae.perf", "npae.perf.autoencoder"):
        for fname in ("loss", "loss_and_grads"):
            def build(rng, prefix=prefix, fname=fname):
                model = _ae(rng)
                return getattr(importlib.import_module(prefix), fname), {"model": model, "X": X01(rng)}, \
                    [model.params]
            args = {"model": A("model", also_valid=("DeepAutoencoder",),
                               note="any npae model with loss_and_grads goes to its own method (documented): a "
                                    "DeepAutoencoder of the same width is valid; a Softmax or PSD given no target "
                                    "is refused"),
                    "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
                    "target": A("array", optional=True, extra=outside_unit((6, 4))),
                    "params": PARAMS}
            if fname == "loss_and_grads":
                args.update(need_grads=A("bool"), block_size=A("int", optional=True, minimum=1))
            ENTRIES[f"{prefix}.{fname}"] = Entry(build, args)

    for name in ("npae.perf.autoencoder.default_block_size", "npae.perf.autoencoder.sigmoid",
                 "npae.perf.autoencoder.fused_loss_and_grads"):
        none_entry(name, BEHIND)
    for prefix in ("npae.perf", "npae.perf.autoencoder"):
        none_entry(f"{prefix}.knows", "a predicate: any object is a valid argument (False for what the fast path "
                                      "does not know)")
    none_entry("npae.perf.autoencoder.release_scratch", "no arguments (frees the fast path's kept memory)")

    # ---------------------------------------------------------------- chapter 14: stochastic, sampling, recirculation
    @entry("npae.analysis.sampling.dae_chain", {
        "model": A("model", also_valid=("DeepAutoencoder",),
                   note="documented: any autoencoder with reconstruct(X) and n_visible; a deep one is a DAE too"), "X0": A("array", skip={"rows"}), "corruption": A("callable"), "n_steps": A("int", minimum=1),
        "rng": A("rng"), "decoder_std": A("real", minimum=0), "thin": A("int", minimum=1)})
    def _(rng):
        from npae.analysis.sampling import dae_chain
        from npae.core.corruption import Corruption
        model = _ae(rng)
        return dae_chain, {"model": model, "X0": X01(rng), "corruption": Corruption("gaussian", 0.1), "n_steps": 2,
                           "rng": rng}, [model.params]

    @entry("npae.core.stochastic.bernoulli_nll", {"X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
                                                  "logits": A("array")})
    def _(rng):
        from npae.core.stochastic import bernoulli_nll
        return bernoulli_nll, {"X": X01(rng), "logits": rng.standard_normal((6, 4))}, []

    @entry("npae.core.stochastic.gaussian_nll", {"X": A("array", skip={"rows"}), "mean": A("array"),
                                                 "std": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.core.stochastic import gaussian_nll
        return gaussian_nll, {"X": X01(rng), "mean": X01(rng)}, []

    @entry("npae.core.stochastic.noisy_encode", {"model": MODEL, "X": A("array", skip={"rows"}),
                                                 "std": A("real", minimum=0), "rng": A("rng")})
    def _(rng):
        from npae.core.stochastic import noisy_encode
        model = _ae(rng)
        return noisy_encode, {"model": model, "X": X01(rng), "std": 0.5, "rng": rng}, [model.params]

    @entry("npae.core.stochastic.sample_bernoulli", {"probabilities": A("array", skip={"rows", "width"},
                                                                        extra=outside_unit((6, 4))), "rng": A("rng")})
    def _(rng):
        from npae.core.stochastic import sample_bernoulli
        return sample_bernoulli, {"probabilities": X01(rng), "rng": rng}, []

    @entry("npae.core.stochastic.sample_gaussian", {"mean": A("array", skip={"rows", "width"}),
                                                    "std": A("real", minimum=0), "rng": A("rng")})
    def _(rng):
        from npae.core.stochastic import sample_gaussian
        return sample_gaussian, {"mean": X01(rng), "std": 0.5, "rng": rng}, []

    @entry("npae.training.recirculation.RecirculationModel", {"model": MODEL,
                                                              "regression": A("real", minimum=0, maximum=1)})
    def _(rng):
        from npae.training.recirculation import RecirculationModel
        model = _ae(rng)
        return RecirculationModel, {"model": model}, [model.params]

    for method in ("loss", "loss_and_grads"):
        def build(rng, method=method):
            from npae.training.recirculation import RecirculationModel
            model = _ae(rng)
            return getattr(RecirculationModel(model), method), {"X": X01(rng)}, [model.params]
        ENTRIES[f"npae.training.recirculation.RecirculationModel.{method}"] = Entry(build, {
            "X": A("array", skip={"rows"}, extra=outside_unit((6, 4)))})

    for fname in ("gradient_cosine", "recirculation_update"):
        def build(rng, fname=fname):
            import npae.training.recirculation as rc
            model = _ae(rng)
            return getattr(rc, fname), {"model": model, "X": X01(rng)}, [model.params]
        ENTRIES[f"npae.training.recirculation.{fname}"] = Entry(build, {
            "model": MODEL, "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
            "regression": A("real", minimum=0, maximum=1), "params": PARAMS})

    @entry("npae.training.recirculation.train_recirculation", {
        "model": MODEL, "X": A("array", skip={"rows"}, extra=outside_unit((6, 4))),
        "learning_rate": A("real", minimum=0, open_minimum=True), "momentum": A("real", minimum=0, maximum=0.999),
        "regression": A("real", minimum=0, maximum=1), "epochs": A("int", minimum=0),
        "batch_size": A("int", optional=True, minimum=1), "X_val": A("array", optional=True, skip={"rows"}),
        "rng": A("rng", optional=True), "verbose": A("bool"), "print_every": A("int", minimum=1),
        "callback": A("callable", optional=True)})
    def _(rng):
        from npae.training.recirculation import train_recirculation
        model = _ae(rng)
        return train_recirculation, {"model": model, "X": X01(rng), "epochs": 2, "rng": rng, "verbose": False}, \
            [model.params]

    # ---------------------------------------------------------------- npae.book, more of npae.data.digits
    none_entry("npae.book.build", "builds the course's web site with Sphinx (minutes): its options are "
                                  "checked by main's argument parser")

    none_entry("npae.book.main", "its one command builds the site (minutes); argv is parsed by argparse")

    @entry("npae.book.read_lesson", {"text": A("str")})
    def _(rng):
        from npae.book import read_lesson
        return read_lesson, {"text": '"""A lesson."""\n\n# %% [markdown]\n# # A title\n\n# %%\nx = 1\n'}, []

    @entry("npae.book.read_toc", {"path": A("path", optional=True)}, raises=(FileNotFoundError,))
    def _(rng):
        from npae.book import read_toc
        return read_toc, {}, []

    @entry("npae.book.lesson_titles", {"lessons_dir": A("path", optional=True), "only": A("seq", optional=True)},
           raises=(FileNotFoundError,))
    def _(rng):
        from npae.book import lesson_titles
        return lesson_titles, {}, []

    none_entry("npae.data.digits.DataSource", "the record fashion_mnist_source returns: not an input")
    none_entry("npae.data.digits.system_data_hidden", "no arguments")

    @entry("npae.data.digits.fashion_mnist_source", {"split": A("choice"), "directory": A("path", optional=True),
                                                     "fallback": A("choice", optional=True)},
           raises=(FileNotFoundError,))
    def _(rng):
        from npae.data.digits import fashion_mnist_source
        return fashion_mnist_source, {"split": "test"}, []

    @entry("npae.data.digits.load_fashion_mnist_subset", {"split": A("choice"), "dtype": A("dtype")})
    def _(rng):
        from npae.data.digits import load_fashion_mnist_subset
        return load_fashion_mnist_subset, {"split": "test"}, []

    _register_exercises()


def _register_exercises():
    try:
        import npae.exercises  # noqa: F401
    except ImportError:           # a checkout without the exercises package
        return
    from npae.exercises.specs import EXERCISES
    for module_name in EXERCISES:
        solution = importlib.import_module(f"npae.exercises.solutions.{module_name}")
        for function_name, value in vars(solution).items():
            if function_name.startswith("_") or not inspect.isfunction(value) or value.__module__ != solution.__name__:
                continue
            none_entry(f"npae.exercises.stubs.{module_name}.{function_name}",
                       "the student's template: raises NotImplementedError until the exercise is done")
            none_entry(f"npae.exercises.solutions.{module_name}.{function_name}",
                       "the student's code under grading: the reference answer that a student's own file "
                       "replaces, not a public API (the grader checks it against npae's public models)")

    for prefix in ("npae.exercises", "npae.exercises.grader"):
        for fname in ("check", "grade"):
            def build(rng, prefix=prefix, fname=fname):
                module = importlib.import_module(prefix)
                kwargs = {"name": "autoencoder_backprop",
                          "path": str(Path(importlib.import_module("npae.exercises").__file__).parent / "solutions" / "autoencoder_backprop.py")}
                if fname == "check":
                    kwargs["verbose"] = False
                return getattr(module, fname), kwargs, []
            args = {"name": A("choice"), "path": A("path", optional=True)}
            if fname == "check":
                args["verbose"] = A("bool")
            ENTRIES[f"{prefix}.{fname}"] = Entry(build, args, raises=(FileNotFoundError,))
    for record in ("npae.exercises.Report", "npae.exercises.grader.Report", "npae.exercises.mistakes.Mistake",
                   "npae.exercises.specs.Exercise", "npae.exercises.specs.Layer", "npae.exercises.specs.Problem"):
        none_entry(record, "a record of the grader's tables or results: not an input a student builds")

    @entry("npae.exercises.__main__.main", {"argv": A("seq", optional=True, skip={"empty"}, extra=(
            ("unknown command", ["no-such-command"], True),))}, usage_exit=True)
    def _(rng):
        from npae.exercises.__main__ import main
        return main, {"argv": ["list"]}, []

    for fname, kwargs, args in (
            ("mistakes_of", {"exercise": "autoencoder_backprop"}, {"exercise": A("choice")}),
            ("solution_path", {"exercise": "autoencoder_backprop"}, {"exercise": A("choice")})):
        def build(rng, fname=fname, kwargs=kwargs):
            from npae.exercises import mistakes
            return getattr(mistakes, fname), dict(kwargs), []
        ENTRIES[f"npae.exercises.mistakes.{fname}"] = Entry(build, args)

    for fname in ("mutated_module", "mutated_source"):
        def build(rng, fname=fname):
            from npae.exercises import mistakes
            return getattr(mistakes, fname), {"mistake": mistakes.mistakes_of("autoencoder_backprop")[0]}, []
        ENTRIES[f"npae.exercises.mistakes.{fname}"] = Entry(build, {"mistake": A("object")})

    @entry("npae.exercises.mistakes.load_file", {"path": A("path"), "module_name": A("str", optional=True)},
           raises=(FileNotFoundError,))
    def _(rng):
        from npae.exercises import mistakes
        return mistakes.load_file, {"path": mistakes.solution_path("autoencoder_backprop")}, []

    for prefix in ("npae.exercises", "npae.exercises.workspace"):
        for fname in ("start", "student_file"):
            def build(rng, prefix=prefix, fname=fname):
                return getattr(importlib.import_module(prefix), fname), {"name": "autoencoder_backprop"}, []
            ENTRIES[f"{prefix}.{fname}"] = Entry(build, {"name": A("choice")}) if fname == "student_file" else \
                Entry(build, {}, note="writes the student's file into the workspace: its name is checked as "
                                      "student_file's")
        none_entry(f"{prefix}.workspace_dir", "no arguments")
    none_entry("npae.exercises.workspace.stub_file", "the same name check as student_file")
    none_entry("npae.exercises.stubgen.exercise_names", "no arguments")
    none_entry("npae.exercises.stubgen.generate", "a maintainer's tool that rewrites npae/exercises/stubs")

    @entry("npae.exercises.stubgen.make_stub", {"source": A("str")})
    def _(rng):
        from npae.exercises.stubgen import make_stub
        return make_stub, {"source": "def f(x):\n    return x\n"}, []

    @entry("npae.exercises.training.train_sparse_autoencoder", {
        "n_patches": A("int", minimum=1), "maxiter": A("int", minimum=1), "seed": A("int", minimum=0),
        "print_every": A("int", minimum=1), "force": A("bool")})
    def _(rng):
        from npae.exercises.training import train_sparse_autoencoder
        from npae.exercises.mistakes import solution_path
        return train_sparse_autoencoder, {"path": solution_path("sparse_autoencoder_cost"), "n_patches": 20,
                                          "maxiter": 1, "figure": os.path.join(tempfile.gettempdir(), "npae-fuzz.png"),
                                          "print_every": 1}, []


_register_all()


def _resolve_sentinels(value):
    if isinstance(value, str) and value == "__Adam__":
        from npae.training.optimizers import Adam
        return Adam
    return value



# ------------------------------------------------------------------ convolutional layers and models
# Their entries (npae.core.conv, npae.core.pooling, npae.models.conv_autoencoder, npae.perf.conv_fast,
# npae.gradcheck.cases_conv) are in tests/fuzz_entries_conv.py, registered into ENTRIES here.
from fuzz_entries_conv import register as _register_conv  # noqa: E402

_register_conv(sys.modules[__name__])

# The entries of lessons 32-35's modules (the VAE, the deep contractive autoencoder, likelihood, anomaly,
# compression, strokes, their gradient-check cases) are in tests/fuzz_entries_vae.py, registered the same way.
from fuzz_entries_vae import register as _register_vae  # noqa: E402

_register_vae(sys.modules[__name__])

# The exercises' derive-level stubs, the grader's machinery and the new arguments: tests/fuzz_entries_exercises.py.
from fuzz_entries_exercises import register as _register_exercises_more  # noqa: E402

_register_exercises_more(sys.modules[__name__])


# ------------------------------------------------------------------ checks: exercised through their callers
CHECK_NOTE = "an argument check itself (it raises for bad input by design); probed through the entries that call it"
for _name in ("npae.analysis.metrics.check_reconstructor", "npae.gradcheck.cases.Case.check",
              "npae.gradcheck.cases_deep.DeepCase.check", "npae.gradcheck.cases_psd.PSDCase.check",
              "npae.gradcheck.check_method_and_step"):
    none_entry(_name, CHECK_NOTE)

def report(verbose=True, prefixes=()):
    """Probe every fixed case (of the entries whose names start with one of ``prefixes``, if given); print
    counts per outcome and every failing case. Returns the counts."""
    counts = {}
    failures = []
    for name, arg, muts in cases():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        for label, value, must_raise in muts:
            outcome, detail = probe(name, arg, label, value, must_raise)
            kind = outcome.split(":")[0]
            counts[kind] = counts.get(kind, 0) + 1
            if outcome != "ok":
                failures.append((outcome, name, arg, label, detail))
    if verbose:
        for outcome, name, arg, label, detail in sorted(failures):
            print(f"{outcome:28s} {name}({arg}={label}): {detail[:160]}")
    n_entries = len(ENTRIES)
    probed = sum(1 for e in ENTRIES.values() if e.args)
    print(f"entry points: {n_entries} ({probed} with arguments probed); cases: {sum(counts.values())}; "
          + ", ".join(f"{k}: {counts.get(k, 0)}" for k in OUTCOMES))
    return counts


if __name__ == "__main__":
    import sys

    report(prefixes=tuple(sys.argv[1:]))      # e.g. python tests/fuzz_entry_points.py npae.core npae.perf
