"""Running a student's file safely: in a child process, with a time limit, on copies of the arguments.

:func:`run` executes the student's side of a grading — importing the file, calling its functions on every
problem of the exercise, the finite-difference check of its own loss, the property checks — in a child
process, and returns a :class:`StudentRun` of plain data (numbers, arrays, :class:`Failure` records). What
the student's code does cannot hang, crash or corrupt the grader:

- **time**: a soft limit (``SIGALRM`` where the platform has it) stops the student's code inside Python and
  records the line of the student's file it was on; a hard limit a few seconds later ends the child;
- **arguments**: every call (:meth:`Session.call`) passes fresh copies of the arrays and compares them
  afterwards, so a function that writes into its inputs is reported, and cannot disturb later calls;
- **return values**: their form is checked (a ``(loss, grads)`` pair, the keys, a number, an array) and a
  wrong form becomes a :class:`Failure` that says what came back;
- **exceptions**: recorded with the line of the student's file where they happened, never a line of npae.

On Linux the child is a ``fork`` of the grader (a few milliseconds); elsewhere it is a fresh interpreter
(``python -c "...runner.main(...)"``), so that a student's script that calls ``check`` at its top level is
never re-imported by a child, as ``spawn`` would do.
"""

import contextlib
import inspect
import io
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The student's code must finish within this many seconds per grading (all problems together).
TIME_LIMIT = 20.0
#: After the soft limit, the child gets this long (at most; never longer than the limit itself) to report
#: before it is ended.
GRACE = 5.0
#: At most this many characters of what the student's code printed are kept.
PRINTED_LIMIT = 2000

# The forms a student's function may be asked to return (Session.call's ``returns``).
LOSS_AND_GRADS = "loss_and_grads"       # (loss: one number, grads: dict keyed like the params argument)
LOSS_AND_ARRAY = "loss_and_array"       # (loss: one number, an array)
COST_AND_VECTOR = "cost_and_vector"     # (cost: one number, a 1-D gradient vector), UFLDL's θ form
GRADS = "grads"                         # a dict with given keys
ARRAY = "array"                         # an array of numbers
SCALAR = "scalar"                       # one number


@dataclass
class Failure:
    """What went wrong in one call of the student's code (picklable; the grader's messages describe it).

    Attributes
    ----------
    kind : str
        ``"raised"`` (an exception), ``"not_implemented"``, ``"bad_return"``, ``"signature"`` (the call did not
        fit the function's parameters), ``"missing"`` (no such function), ``"timeout"``, ``"exit"``
        (``sys.exit`` or ``exit()``), ``"crashed"`` (the child ended without reporting), ``"forbidden"``,
        ``"unusable"`` (the grader could not use what the function returned).
    function : str or None
        The student's function being called.
    problem : str or None
        The label of the problem it was called on.
    error, message : str or None
        The exception's type name and message.
    line : int or None
        The line of the student's file (never of npae's) where it happened, if any.
    text : str or None
        That line's source.
    detail : dict
        Kind-specific facts (for a bad return: what came back).
    """

    kind: str
    function: str = None
    problem: str = None
    error: str = None
    message: str = None
    line: int = None
    text: str = None
    detail: dict = field(default_factory=dict)

    def same_as(self, other):
        """True when ``other`` is a Failure of the same kind and exception (type and message)."""
        return (isinstance(other, Failure) and (self.kind, self.error, self.message, self.detail.get("what"))
                == (other.kind, other.error, other.message, other.detail.get("what")))


class StudentFailure(Exception):
    """Raised inside the child to end one problem's evaluation with a :class:`Failure`."""

    def __init__(self, failure):
        super().__init__(failure.kind)
        self.failure = failure


class _TimeLimit(BaseException):
    """Raised by the soft time limit (a BaseException, so that ``except Exception`` in student code lets it by)."""


class _Stop(Exception):
    """Ends the whole run (after the time limit)."""


@dataclass
class StudentRun:
    """Everything the student's side of a grading produced.

    Attributes
    ----------
    load : Failure or None
        Why the file could not be imported (or was refused), if it could not.
    outputs : list of (dict or Failure)
        Per problem: the named outputs, or what went wrong.
    self_checks : list of (dict or Failure or None)
        Per problem: block -> relative difference of the student's gradient against finite differences of
        the student's own loss (None where the problem has no such check).
    findings : list of (ok, text, mistake) or Failure
        The exercise's property checks.
    mutations : list of (str, str)
        (function, argument) pairs: arguments the student's functions modified.
    timeout : Failure or None
        Set when the time limit stopped the run.
    printed : str
        What the student's code printed (the first :data:`PRINTED_LIMIT` characters).
    printed_lines : int
        How many lines it printed in all.
    """

    load: Failure = None
    outputs: list = field(default_factory=list)
    self_checks: list = field(default_factory=list)
    findings: object = field(default_factory=list)
    mutations: list = field(default_factory=list)
    timeout: Failure = None
    printed: str = ""
    printed_lines: int = 0


# ---------------------------------------------------------------------------------------------- calling
def _copy(value):
    """A fresh copy of an argument: arrays copied, dicts of arrays copied one level deep, the rest as is."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _modified(before, after):
    """The names of what changed between an argument's copy before the call and the same object after it."""
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return [] if same else [""]
    if isinstance(before, dict):
        changed = [f"[{k!r}] (a key added)" for k in after if k not in before]
        changed += [f"[{k!r}] (a key removed)" for k in before if k not in after]
        for k in before:
            if k in after:
                changed += [f"[{k!r}]{inner}" for inner in _modified(before[k], after[k])]
        return changed
    return []


def _number(value):
    """``value`` as a Python float if it is one real number (a float, an int, a 0-d or 1-element array), else None."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (dict, tuple, list, str)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except Exception:                                                   # noqa: BLE001 - any failure: not a number
        return None
    if array.dtype.kind not in "iuf" or array.size != 1 or array.ndim > 1:
        return None
    return float(array.reshape(()))


def _numeric_array(value):
    """``value`` as a numeric ndarray (its dtype kept), or None if it is not one."""
    if value is None or isinstance(value, (dict, str)):
        return None
    try:
        array = np.asarray(value)
    except Exception:                                                   # noqa: BLE001 - ragged lists and the like
        return None
    return array if array.dtype.kind in "iuf" else None


def describe(value):
    """A short description of a returned value, for the messages ("a dict with keys W1, b1", "None", ...)."""
    if value is None:
        return "None"
    if isinstance(value, dict):
        return f"a dict with keys {', '.join(map(str, value)) or '(none)'}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v) for v in value[:3]) + (", …" if len(value) > 3 else "")
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''} ({inner})"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}" if value.ndim else f"a number ({value.dtype})"
    if _number(value) is not None:
        return "a number"
    return f"a {type(value).__name__}"


class Session:
    """The student's module, called safely: copies in, modifications recorded, return values checked.

    Parameters
    ----------
    module : module
        The student's file (or a worked solution, or a solution with a catalogued mistake).
    path : str or pathlib.Path, optional
        The file, so that a failure names the line of *that* file.
    """

    def __init__(self, module, path=None):
        self.module = module
        self.path = None if path is None else Path(path).resolve()
        self.mutations = []
        self.problem = None
        self.phase = None
        self.watch = True                 # False: skip the comparison of the arguments (the many calls of a
        self._signatures = {}             # finite-difference check, each on its own copies anyway)

    def function(self, name):
        """The student's function ``name``, or a StudentFailure saying it is missing."""
        function = getattr(self.module, name, None)
        if not callable(function):
            raise StudentFailure(Failure("missing", function=name, problem=self.problem))
        return function

    def call(self, name, *args, returns=ARRAY, keys=None, **kwargs):
        """Call the student's ``name(*args, **kwargs)`` on copies of the arguments; return its checked result.

        Parameters
        ----------
        name : str
            The function's name in the student's file.
        *args, **kwargs
            Its arguments; arrays and dicts of arrays are copied before the call.
        returns : str
            The form the result must have (:data:`LOSS_AND_GRADS`, :data:`ARRAY`, ...).
        keys : list of str, optional
            The keys a :data:`GRADS` result must have (for :data:`LOSS_AND_GRADS`: the keys of the first
            argument, the params dict).

        Returns
        -------
        The result in a normalised form: ``(float, dict of ndarray)`` for the pairs, an ndarray, a float or a
        dict of ndarrays.

        Raises
        ------
        StudentFailure
            When the call raises, does not fit the function's signature, or returns a value of the wrong form.

        While ``watch`` is False the arguments are still copied but not compared afterwards (the finite
        differences call the student's loss hundreds of times; the first, watched call has checked them).
        """
        function = self.function(name)
        args_in = [_copy(a) for a in args]
        kwargs_in = {k: _copy(v) for k, v in kwargs.items()}
        signature = self._signature(function) if self.watch else None
        if signature is not None:
            try:
                before, after = signature.bind(*args, **kwargs), signature.bind(*args_in, **kwargs_in)
            except TypeError as error:
                raise StudentFailure(Failure("signature", function=name, problem=self.problem, error="TypeError",
                                             message=str(error))) from None
        try:
            out = function(*args_in, **kwargs_in)
        except (_TimeLimit, _Stop):
            raise
        except BaseException as error:                                   # noqa: BLE001 - reported to the student
            raise StudentFailure(self.failure(error, name)) from None
        if signature is not None:
            for argument, value in after.arguments.items():
                for what in _modified(before.arguments[argument], value):
                    if (name, argument + what) not in self.mutations:
                        self.mutations.append((name, argument + what))
        if keys is None and returns == LOSS_AND_GRADS and args and isinstance(args[0], dict):
            keys = list(args[0])
        return self._checked(name, out, returns, keys)

    def _signature(self, function):
        if function not in self._signatures:
            try:
                self._signatures[function] = inspect.signature(function)
            except (TypeError, ValueError):                             # no signature (a builtin): call it anyway
                self._signatures[function] = None
        return self._signatures[function]

    def failure(self, error, function):
        """A Failure for an exception the student's code raised, with the line of the student's file."""
        frames = traceback.extract_tb(error.__traceback__)
        mine = [f for f in frames if self.path is not None and _same_file(f.filename, self.path)]
        frame = mine[-1] if mine else None
        kind = ("timeout" if isinstance(error, _TimeLimit) else "exit" if isinstance(error, SystemExit)
                else "not_implemented" if isinstance(error, NotImplementedError) else "raised")
        return Failure(kind, function=function, problem=self.problem, error=type(error).__name__,
                       message=str(error), line=frame.lineno if frame else None,
                       text=(frame.line or "").strip() if frame else None)

    def _bad(self, function, what, **detail):
        return StudentFailure(Failure("bad_return", function=function, problem=self.problem,
                                      detail={"what": what, **detail}))

    def _checked(self, function, out, returns, keys):
        if returns in (LOSS_AND_GRADS, LOSS_AND_ARRAY, COST_AND_VECTOR):
            if out is None:
                raise self._bad(function, "none", returns=returns)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                what = "loss_only" if _number(out) is not None else "not_a_pair"
                raise self._bad(function, what, got=describe(out), returns=returns)
            first, second = out
            if _number(first) is None and _number(second) is not None:
                raise self._bad(function, "swapped", got=describe(out), returns=returns)
            loss = _number(first)
            if loss is None:
                raise self._bad(function, "loss_not_a_number", got=describe(first), returns=returns)
            if returns == LOSS_AND_GRADS:
                return loss, self._grads(function, second, keys)
            array = _numeric_array(second)
            if array is None:
                raise self._bad(function, "not_an_array", got=describe(second), returns=returns)
            return loss, array
        if returns == GRADS:
            return self._grads(function, out, keys)
        if returns == SCALAR:
            value = _number(out)
            if value is None:
                raise self._bad(function, "none" if out is None else "not_a_number", got=describe(out),
                                returns=returns)
            return value
        array = _numeric_array(out)
        if array is None:
            raise self._bad(function, "none" if out is None else "not_an_array", got=describe(out), returns=returns)
        return array

    def _grads(self, function, grads, keys):
        if not isinstance(grads, dict):
            raise self._bad(function, "grads_not_a_dict", got=describe(grads), keys=list(keys or []))
        if keys is not None and set(grads) != set(keys):
            raise self._bad(function, "keys", got=sorted(map(str, grads)), keys=list(keys))
        checked = {}
        for key, value in grads.items():
            array = _numeric_array(value)
            if array is None:
                raise self._bad(function, "grad_not_an_array", key=str(key), got=describe(value))
            checked[key] = array
        return {k: checked[k] for k in (keys or checked)}


def _same_file(filename, path):
    try:
        return Path(filename).resolve() == path
    except (OSError, ValueError):
        return False


# ------------------------------------------------------------------------------------ the student's side
def load_module(path, name="npae_student"):
    """Import a Python file as a fresh module (not entered in ``sys.modules``); whatever it raises propagates."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _alarm(seconds):
    """Arm (or, with 0, disarm) the soft time limit; False where the platform has none."""
    if not hasattr(signal, "setitimer"):
        return False
    try:
        if seconds:
            def handler(signum, frame):
                raise _TimeLimit()
            signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return True
    except ValueError:                                                   # not the main thread
        return False


def run_student(name, path, time_limit=TIME_LIMIT):
    """The student's side of grading exercise ``name`` on the file ``path``, in *this* process.

    :func:`run` calls it in a child process; it is public so that the tests can call it directly.

    Returns
    -------
    StudentRun
    """
    from npae.exercises.imports import refusals_in_module
    from npae.exercises.specs import EXERCISES

    exercise = EXERCISES[name]
    path = Path(path).resolve()
    result = StudentRun()
    printed = io.StringIO()
    session = None
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
            np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _alarm(time_limit)
        try:
            try:
                module = load_module(path, f"npae_student_{path.stem}")
            except (_TimeLimit, _Stop):
                raise
            except BaseException as error:                               # noqa: BLE001 - reported to the student
                result.load = Session(None, path).failure(error, None)
                raise _Stop() from None
            refused = refusals_in_module(module, name)
            if refused:
                result.load = Failure("forbidden", detail={"refusals": refused})
                raise _Stop()
            session = Session(module, path)
            problems = exercise.problems()
            session.phase = "outputs"
            for problem in problems:
                session.problem = problem.label
                result.outputs.append(_guarded(lambda: exercise.outputs(session, problem), session))
            session.phase = "self_check"
            for problem in problems:
                session.problem = problem.label
                result.self_checks.append(_guarded(lambda: exercise.self_check(session, problem), session)
                                          if problem.gradcheck else None)
            session.problem, session.phase = None, "findings"
            if exercise.findings is not None:
                result.findings = _guarded(lambda: exercise.findings(session), session)
        except _TimeLimit as error:
            frames = Session(None, path).failure(error, None)
            result.timeout = Failure("timeout", function=_innermost_function(error, path),
                                     problem=session.problem if session else None, line=frames.line,
                                     text=frames.text, detail={"phase": session.phase if session else "import"})
        except _Stop:
            pass
        finally:
            _alarm(0)
    if session is not None:
        result.mutations = list(session.mutations)
    text = printed.getvalue()
    result.printed, result.printed_lines = text[:PRINTED_LIMIT], text.count("\n")
    return result


def _innermost_function(error, path):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if _same_file(f.filename, path)]
    return frames[-1].name if frames else None


def _guarded(compute, session):
    """compute(), or the Failure that ended it: the student's (a StudentFailure), or the grader's own
    trouble with what the student's code returned (any other exception). A time limit ends the run."""
    try:
        return compute()
    except StudentFailure as stop:
        return stop.failure
    except (_TimeLimit, _Stop):
        raise
    except Exception as error:                                           # noqa: BLE001 - reported, not hidden
        return Failure("unusable", problem=session.problem, error=type(error).__name__, message=str(error))


# ------------------------------------------------------------------------------------- the child process
def _child(name, path, time_limit, connection):
    try:
        result = run_student(name, path, time_limit)
    except BaseException as error:                                       # noqa: BLE001 - a grader bug, reported
        result = StudentRun(load=Failure("crashed", error=type(error).__name__, message=str(error)))
    try:
        connection.send(result)
    except Exception as error:                                           # noqa: BLE001 - e.g. an unpicklable value
        connection.send(StudentRun(load=Failure("crashed", error=type(error).__name__, message=str(error))))
    connection.close()


def run(name, path, time_limit=TIME_LIMIT):
    """Run :func:`run_student` in a child process and return its :class:`StudentRun`.

    The child is stopped after ``time_limit + min(GRACE, time_limit)`` seconds at the latest; a child that ends without a
    result (a crash, ``os._exit``) gives a StudentRun whose ``load`` is a ``"crashed"`` Failure.
    """
    if sys.platform.startswith("linux"):
        return _run_forked(name, path, time_limit)
    return _run_interpreter(name, path, time_limit)


def _run_forked(name, path, time_limit):
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, str(path), time_limit, send), daemon=True)
    process.start()
    send.close()
    try:
        if receive.poll(time_limit + min(GRACE, time_limit)):
            try:
                return receive.recv()
            except EOFError:
                process.join(1.0)
                return StudentRun(load=Failure("crashed", detail={"exitcode": process.exitcode}))
        return StudentRun(timeout=Failure("timeout"))
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()


def _run_interpreter(name, path, time_limit):
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.pickle"
        command = [sys.executable, "-c", "import sys; from npae.exercises.runner import main; main(sys.argv[1:])",
                   name, str(path), repr(float(time_limit)), str(out)]
        try:
            subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=time_limit + min(GRACE, time_limit) + 10.0)
        except subprocess.TimeoutExpired:
            return StudentRun(timeout=Failure("timeout"))
        if not out.exists():
            return StudentRun(load=Failure("crashed"))
        with open(out, "rb") as handle:
            return pickle.load(handle)


def main(argv):
    """The fresh interpreter's entry point: ``argv`` = [NAME, PATH, TIME_LIMIT, OUT]; writes the pickled
    StudentRun to OUT (a file, so that what the student's code prints never mixes with it)."""
    name, path, time_limit, out = argv
    result = run_student(name, path, float(time_limit))
    with open(out, "wb") as handle:
        pickle.dump(result, handle)
