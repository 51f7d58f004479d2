"""The grader: checks a student's exercise file, says which blocks are wrong, where, and which classic mistake it looks like.

For every problem of an exercise (:mod:`npae.exercises.specs`) it runs, in float64:

1. the student's gradient against five-point central differences **of the student's own loss**, per
   parameter block, bar 1e-9 (UFLDL's check, automated; :func:`npae.gradcheck.check_gradients`);
2. the student's loss and gradients against npae's reference implementation on the same problem, bar
   1e-9 (a self-consistent but wrong loss is caught here);
3. the diagnosis: which blocks are wrong and what that localises (the topmost wrong layer names the
   delta where the error enters), whether the gradient follows the student's own loss, and the
   catalogued mistake (:mod:`npae.exercises.mistakes`) whose outputs the student's match, with its hint.

A file whose functions still raise ``NotImplementedError`` is reported "not started", without a traceback.
"""

import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from npae.exercises.mistakes import MISTAKES, load_file, mistakes_of, mutated_module
from npae.exercises.specs import EXERCISES
from npae.checks import check_bool, check_path
from npae.exercises.workspace import _check_exercise_name, student_file
from npae.gradcheck import TOLERANCE, check_gradients, relative_difference

#: Two outputs "match" a catalogued mistake's when they agree to this relative difference.
MATCH_TOLERANCE = 1e-7
_BAR = f"{TOLERANCE:.0e}".replace("e-0", "e-")

NOT_STARTED, FAILING, PASSING = "not started", "failing", "passing"


@dataclass
class Report:
    """The result of grading one file.

    Attributes
    ----------
    exercise : str
    path : pathlib.Path
    status : {"not started", "failing", "passing"}
    text : str
        The readable report.
    wrong : list of str
        The outputs (loss, parameter blocks) that failed a check.
    mistakes : list of str
        The catalogued mistakes the diagnosis names (best first); empty if none matched.
    """

    exercise: str
    path: Path
    status: str
    text: str
    wrong: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)

    @property
    def passed(self):
        """True when every check passed."""
        return self.status == PASSING

    @property
    def mistake(self):
        """The best-matching catalogued mistake's name, or None."""
        return self.mistakes[0] if self.mistakes else None

    def __str__(self):
        return self.text


class _Raised:
    """An exception raised by the code under test, with the line of the student's file where it happened."""

    def __init__(self, error, path):
        self.error = error
        self.where, self.function = "", None
        frames = traceback.extract_tb(error.__traceback__)
        mine = [f for f in frames if path is not None and Path(f.filename) == Path(path)]
        frame = mine[-1] if mine else (frames[-1] if frames else None)
        if frame is not None:
            self.function = frame.name
            self.where = f" (line {frame.lineno}: {frame.line.strip() if frame.line else '?'})"

    @property
    def not_implemented(self):
        return isinstance(self.error, NotImplementedError)

    def same_as(self, other):
        return (isinstance(other, _Raised) and type(self.error) is type(other.error)
                and str(self.error) == str(other.error))

    def __str__(self):
        return f"{type(self.error).__name__}: {self.error}{self.where}"


def _run(function, *args, path=None):
    """function(*args), or a _Raised if it raises; numpy's floating-point warnings silenced."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception as error:                                          # noqa: BLE001 - reported, not hidden
        return _Raised(error, path)


def _difference(a, b):
    """Relative difference of two outputs; inf when a shape differs or their non-finite entries differ."""
    if a is None:
        return float("inf")
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    finite_a, finite_b = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(finite_a, finite_b) or not np.array_equal(a[~finite_a], b[~finite_b], equal_nan=True):
        return float("inf")
    if not finite_a.any():
        return 0.0
    return relative_difference(a[finite_a], b[finite_b])


def _cell(name, value, tolerance=TOLERANCE, shapes=None):
    mark = "✓" if value < tolerance else "✗"
    if shapes is not None and shapes[0] != shapes[1]:
        return f"{name} shape {shapes[0]}, expected {shapes[1]} ✗"
    return f"{name} {value:.1e} {mark}"


def _lines(cells, indent="      ", width=100):
    """Wrap cells into lines of at most ``width`` characters."""
    lines, line = [], indent
    for cell in cells:
        if len(line) + len(cell) > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += cell + "   "
    lines.append(line.rstrip())
    return lines


def _outputs_match(student, mutated):
    """The largest difference between the student's and a mutated solution's outputs over all problems."""
    worst = 0.0
    for s, m in zip(student, mutated):
        if isinstance(s, _Raised) or isinstance(m, _Raised):
            if not (isinstance(s, _Raised) and s.same_as(m)):
                return float("inf")
            continue
        if set(s) != set(m):
            return float("inf")
        for name in m:
            worst = max(worst, _difference(s[name], m[name]))
    return worst


# The problems are deterministic (seeded), so the reference's and each mutated solution's outputs are
# computed once per process and kept: grading many files (the tests, `status`) does not redo them.
_CACHE = {}


def _reference_outputs(exercise, problems):
    key = ("reference", exercise.name)
    if key not in _CACHE:
        _CACHE[key] = [exercise.reference(problem) for problem in problems]
    return _CACHE[key]


def _mutated_outputs(exercise, mistake, problems):
    key = ("mistake", mistake.name)
    if key not in _CACHE:
        _CACHE[key] = [_run(exercise.outputs, mutated_module(mistake), problem) for problem in problems]
    return _CACHE[key]


def _localise(exercise, wrong, keys):
    """What the pattern of wrong blocks says about where the error is (a list of sentences).

    ``keys`` are the output names the problems have; layers without any are left out.
    """
    layers = [layer for layer in exercise.layers if layer.weight in keys or layer.bias in keys]
    if not layers:
        return []
    blocks = lambda layer: [b for b in (layer.weight, layer.bias) if b is not None]   # noqa: E731
    right = [b for layer in layers for b in blocks(layer) if b not in wrong]
    bad = [b for layer in layers for b in blocks(layer) if b in wrong]
    if not bad:
        if "loss" in wrong:
            return ["Every gradient block is right but the loss value is not: a term of the loss is "
                    "mis-normalised in the value only (the ½, the 1/m, λ/2 rather than λ, a sum over the "
                    "wrong axis), or a term is missing from the value."]
        return []
    head = (", ".join(right) + " right; " if right else "") + ", ".join(bad) + " wrong → "
    weights_only = all(layer.weight in wrong or layer.weight is None for layer in layers
                       if any(b in wrong for b in blocks(layer))) and not any(
        layer.bias in wrong for layer in layers if layer.bias)
    biases_only = not any(layer.weight in wrong for layer in layers if layer.weight)
    if biases_only:
        return [head + "the deltas are right (the weight gradients, built from them, are), so the error is in "
                       "the bias gradients themselves: Σ over the samples (axis 0) of the delta, not a mean, "
                       "and not decayed."]
    if weights_only:
        return [head + "the deltas are right (each bias gradient is a plain sum of its delta, and those "
                       "are right), so the error is in a term only the weights have: the product Aᵀδ (which "
                       "input, which transpose), weight decay λW, a direct penalty term, or a second path "
                       "of a tied weight."]
    top = next(layer for layer in layers if any(b in wrong for b in blocks(layer)))
    above = layers[:layers.index(top)]
    if above:
        return [head + f"the layers above {top.label} are right, so the delta arriving from above is "
                       f"right; the error enters at {top.label}: in {top.where}."]
    return [head + f"the error is in {top.where}."]


def grade(name, path=None):
    """Grade the student's file for exercise ``name`` and return a :class:`Report` (prints nothing).

    Parameters
    ----------
    name : str
        An exercise name (``python -m npae.exercises list``).
    path : str or pathlib.Path, optional
        The file to grade; defaults to the student's copy in the workspace
        (:func:`npae.exercises.workspace.student_file`).

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        If ``name`` is not an exercise, or ``path`` is a directory.
    TypeError
        If ``path`` is not a str, a pathlib.Path or None.
    FileNotFoundError
        If ``path`` is given and there is no file there (without ``path``, a missing workspace copy is
        reported as not started).
    """
    _check_exercise_name("name", name)
    exercise = EXERCISES[name]
    if path is not None:
        path = Path(check_path("path", path))
        if path.is_dir():
            raise ValueError(f"path: {str(path)!r} is a directory; expected the exercise's .py file")
        if not path.exists():
            raise FileNotFoundError(f"path: no such file {str(path)!r}")
    else:
        path = student_file(name)
    lines = [f"Exercise {name}: {exercise.title}", f"  lesson: {exercise.lesson}", f"  file:   {path}", ""]

    def finish(status, wrong=(), mistakes=()):
        verdict = {PASSING: "PASSING: every check passed.", NOT_STARTED: "NOT STARTED.",
                   FAILING: "FAILING (passing needs every ✓ above)."}[status]
        lines.append(f"Result: {verdict}")
        return Report(name, path, status, "\n".join(lines), list(wrong), list(mistakes))

    if not path.exists():
        lines.append(f"Not started: there is no file at {path}. Run `python -m npae.exercises start {name}`.")
        return finish(NOT_STARTED)
    module = _run(load_file, path, path=path)
    if isinstance(module, _Raised):
        lines.append(f"Your file does not import: {module}")
        return finish(FAILING)
    problems = exercise.problems()
    student = [_run(exercise.outputs, module, problem, path=path) for problem in problems]
    findings = _run(exercise.findings, module, path=path) if exercise.findings else []
    for result in student + ([findings] if isinstance(findings, _Raised) else []):
        if isinstance(result, _Raised) and result.not_implemented:
            lines.append(f"Not started: `{result.function}` still raises NotImplementedError"
                         f"{result.where.split(':')[0]})." if result.where else
                         "Not started: your code still raises NotImplementedError.")
            lines.append(f"Write {', '.join(exercise.functions)}: replace each `raise NotImplementedError` "
                         "by your code (the # HINT lines above it say what to compute), then check again.")
            return finish(NOT_STARTED)

    wrong, failed = set(), False
    # 1. the gradient against finite differences of the student's own loss
    lines.append(f"1. {exercise.self_check_title[0].upper()}{exercise.self_check_title[1:]} "
                 f"(float64, per block, must be < {_BAR})")
    self_bad, self_error = set(), False
    for problem, result in zip(problems, student):
        if not problem.gradcheck:
            continue
        lines.append(f"   {problem.label}")
        if isinstance(result, _Raised):
            lines.append(f"      not checked: your code raised {result}")
            failed = True
            continue
        if exercise.self_check is not None:
            per_block = _run(exercise.self_check, module, problem, path=path)
        else:
            per_block = _run(lambda p: check_gradients(exercise.loss_function(module, p), p.params).per_block,
                             problem, path=path)
        if isinstance(per_block, _Raised):
            lines.append(f"      not checked: {per_block}")
            failed = self_error = True
            continue
        lines += _lines([_cell(k, v) for k, v in per_block.items()])
        self_bad |= {k for k, v in per_block.items() if not v < TOLERANCE}
    failed |= bool(self_bad)
    wrong |= self_bad

    # 2. against npae's reference
    lines += ["", f"2. Your outputs against npae's reference, {exercise.reference_name} "
                  f"(relative difference, must be < {_BAR})"]
    reference = _reference_outputs(exercise, problems)
    reference_bad, reference_bad_checked, non_finite = set(), set(), []
    for problem, result, ref in zip(problems, student, reference):
        lines.append(f"   {problem.label}")
        if isinstance(result, _Raised):
            lines.append(f"      your code raised {result}")
            failed = True
            continue
        cells = []
        for key, expected in ref.items():
            got = result.get(key)
            diff = _difference(got, expected)
            cells.append(_cell(key, diff, shapes=(np.shape(got), np.shape(expected)) if got is not None else None))
            if not diff < TOLERANCE:
                reference_bad.add(key)
                if problem.gradcheck:
                    reference_bad_checked.add(key)
                if got is not None and not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
                    non_finite.append(f"{key} on '{problem.label}'")
        lines += _lines(cells)
    failed |= bool(reference_bad)
    wrong |= reference_bad

    if isinstance(findings, _Raised):
        lines += ["", f"3. Property checks: your code raised {findings}"]
        failed = True
        findings = []
    elif findings:
        lines += ["", "3. Property checks"]
        for ok, text, _ in findings:
            lines.append(f"   {'✓' if ok else '✗'} {text}")
        failed |= not all(ok for ok, _, _ in findings)

    if not failed:
        lines.append("")
        return finish(PASSING)

    # Diagnosis
    lines += ["", "Diagnosis"]
    notes = []
    errors = [r for r in student if isinstance(r, _Raised)]
    if errors:
        notes.append(f"Your code raised {errors[0]}.")
    shapes = [f"{k}: {np.shape(r[k])} instead of {np.shape(v)}" + (" (the transpose)" if np.shape(r[k])[::-1] ==
                                                                   np.shape(v) else "")
              for r, ref in zip(student[:1], reference[:1]) if not isinstance(r, _Raised)
              for k, v in ref.items() if k in r and np.shape(r[k]) != np.shape(v)]
    if shapes:
        notes.append("Wrong shapes: " + "; ".join(shapes) + ". A gradient has the shape of its parameter.")
    dtypes = sorted({k for r in student if not isinstance(r, _Raised) for k, v in r.items()
                     if np.asarray(v).dtype == np.float32})
    if dtypes:
        notes.append(f"{', '.join(dtypes)} came back as float32: gradient checks need float64 throughout.")
    if non_finite:
        notes.append("Not finite where npae's reference is: " + "; ".join(non_finite) +
                     " — an overflow (exp of a large number) or log(0).")
    notes += _localise(exercise, wrong, {k for ref in reference for k in ref})
    if exercise.self_check is None and exercise.loss_function is not None and not (errors or self_error):
        if not self_bad and reference_bad_checked:
            notes.append("Your gradient is exactly the gradient of your own loss, but they differ from the "
                         "reference: your loss itself is not the J of the statement (a term missing or "
                         "mis-normalised in the loss and, consistently, in its gradient).")
        elif self_bad and "loss" not in reference_bad:
            notes.append("Your loss value agrees with the reference; your gradient is not its gradient: "
                         "the error is in the backward pass.")
        elif self_bad and "loss" in reference_bad_checked:
            notes.append("Your loss value differs from the reference and your gradient is not the gradient of "
                         "your loss: look first at the loss (each term's normalisation: the ½, the 1/m, λ/2), "
                         "then at the backward pass.")
    named = [m for _, _, m in findings if m]
    if not named and (reference_bad or self_bad or errors):
        matches = []
        for mistake in mistakes_of(name):
            mutated = _mutated_outputs(exercise, mistake, problems)
            if _outputs_match(mutated, reference) < MATCH_TOLERANCE:
                continue                                        # not visible in the outputs
            distance = _outputs_match(student, mutated)
            if distance < MATCH_TOLERANCE:
                matches.append((distance, mistake.name))
        named = [n for _, n in sorted(matches)]
    for note in notes:
        lines.append(f"  - {note}")
    if named:
        mistake = MISTAKES[named[0]]
        lines.append(f"  - This matches a classic mistake, `{mistake.name}`: {mistake.title}.")
        lines.append(f"    Try: {mistake.hint}")
    else:
        lines.append("  - No catalogued mistake matches your outputs exactly (there may be more than one error).")
        lines.append(f"    Try: compare your function with the equations in the statement ({exercise.lesson}"
                     " and the file's docstring) block by block, starting with the topmost wrong one.")
    lines.append("")
    return finish(FAILING, sorted(wrong), named)


def check(name, path=None, verbose=True):
    """Grade the student's file for ``name``, print the report (unless ``verbose=False``) and return it.

    Usable from a notebook cell: ``from npae.exercises import check; check("sparse_autoencoder_cost")``.

    Parameters
    ----------
    name : str
    path : str or pathlib.Path, optional
        As :func:`grade`.
    verbose : bool

    Returns
    -------
    Report

    Raises
    ------
    ValueError, TypeError, FileNotFoundError
        As :func:`grade`; TypeError also if ``verbose`` is not a bool.
    """
    check_bool("verbose", verbose)
    report = grade(name, path)
    if verbose:
        print(report.text)
    return report
