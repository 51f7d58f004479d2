"""The grader: checks a student's exercise file, says what is wrong, where, and which classic mistake it looks like.

For a file it first reads the source: a syntax error is reported at its line, and a file that uses what it
may not (npae's solutions, models, trainers or backward passes; an automatic-differentiation library;
imports by name at run time: :mod:`npae.exercises.imports`) is refused. Then the student's functions run in
a child process with a time limit, on copies of their arguments (:mod:`npae.exercises.runner`), and for
every problem of the exercise (:mod:`npae.exercises.specs`), in float64:

1. the student's gradient against five-point central differences **of the student's own loss**, per
   parameter block, bar 1e-9 (UFLDL's check, automated);
2. the student's outputs (loss and gradients) against the reference — the exercise's worked solution — on
   the same problem, bar 1e-9;
3. the property checks, where the exercise has them;
4. the diagnosis: what came back in the wrong form, what raised and at which line of the student's file,
   which arguments were modified, whether the loss or the gradient is wrong (or both), which blocks are
   wrong and what that localises, which kind of problem fails, and the catalogued mistake
   (:mod:`npae.exercises.mistakes`) whose outputs the student's match, with its hint.

Every sentence comes from :mod:`npae.exercises.messages`. Once an exercise passes, the report names the
part of npae that computes the same thing.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from npae.checks import check_bool, check_choice, check_path, check_real
from npae.exercises import messages as msg
from npae.exercises import runner
from npae.exercises.imports import allowed_imports, describe_allowed, refusals_in_source
from npae.exercises.mistakes import MISTAKES, mistakes_of, mutated_module
from npae.exercises.runner import Failure, Session
from npae.exercises.specs import EXERCISES, difference
from npae.exercises.stubgen import LEVELS
from npae.exercises.workspace import _check_exercise_name, stub_file, student_file

#: The bar of every comparison (UFLDL's "less than 1e-9").
TOLERANCE = 1e-9
#: Two outputs "match" a catalogued mistake's when they agree to this relative difference.
MATCH_TOLERANCE = 1e-7
_BAR = f"{TOLERANCE:.0e}".replace("e-0", "e-")
_LOSS_KEYS = ("loss", "cost(θ)")

NOT_STARTED, FAILING, PASSING = "not started", "failing", "passing"


@dataclass(repr=False)
class Report:
    """The result of grading one file; ``print(report)`` shows the report, its repr is one short line.

    Attributes
    ----------
    exercise : str
    level : {"guided", "derive"}
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
    level: str
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

    def __repr__(self):
        return msg.report_repr(self.exercise, self.level, self.status, self.wrong, self.mistake)


# The problems are deterministic (seeded), so the reference's and each mutated solution's outputs are
# computed once per process and kept: grading many files (the tests, `status`) does not redo them.
_CACHE = {}


def _outputs_of(exercise, module, problems):
    """The outputs of a trusted module (a worked solution, with or without a catalogued mistake) on every problem."""
    session, outputs = Session(module), []
    for problem in problems:
        session.problem = problem.label
        try:
            outputs.append(exercise.outputs(session, problem))
        except runner.StudentFailure as stop:
            outputs.append(stop.failure)
    return outputs


def _reference_outputs(exercise, problems):
    key = ("reference", exercise.name)
    if key not in _CACHE:
        with np.errstate(all="ignore"):
            _CACHE[key] = _outputs_of(exercise, exercise.solution(), problems)
    return _CACHE[key]


def _mutated_outputs(exercise, mistake, problems):
    key = ("mistake", mistake.name)
    if key not in _CACHE:
        with np.errstate(all="ignore"):
            _CACHE[key] = _outputs_of(exercise, mutated_module(mistake), problems)
    return _CACHE[key]


def _non_finite(outputs):
    return any(not np.all(np.isfinite(np.asarray(v, dtype=np.float64))) for v in outputs.values())


def _outputs_match(student, mutated, nonfinite=False):
    """The largest difference between the student's and a mutated solution's outputs over all problems.

    With ``nonfinite``, a problem on which the mutated solution gives NaN or inf matches any student output
    that is non-finite somewhere (the same overflow written another way gives another pattern of inf/nan).
    """
    worst = 0.0
    for s, m in zip(student, mutated):
        if isinstance(s, Failure) or isinstance(m, Failure):
            if not (isinstance(s, Failure) and s.same_as(m)):
                return float("inf")
            continue
        if set(s) != set(m):
            return float("inf")
        if nonfinite and _non_finite(m):
            if not _non_finite(s):
                return float("inf")
            continue
        for name in m:
            worst = max(worst, difference(s[name], m[name]))
    return worst


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


def _localise(exercise, wrong, keys):
    """What the pattern of wrong gradient blocks says about where the error is (a list of sentences)."""
    layers = [layer for layer in exercise.layers if layer.weight in keys or layer.bias in keys]
    if not layers:
        return []
    blocks = lambda layer: [b for b in (layer.weight, layer.bias) if b is not None]   # noqa: E731
    bad = [b for layer in layers for b in blocks(layer) if b in wrong]
    if not bad:
        return []
    right = [b for layer in layers for b in blocks(layer) if b not in wrong]
    head = msg.localise_head(right, bad)
    if not any(layer.weight in wrong for layer in layers if layer.weight):
        return [msg.localise_biases(head)]
    if not any(layer.bias in wrong for layer in layers if layer.bias):
        return [msg.localise_weights(head)]
    top = next(layer for layer in layers if any(b in wrong for b in blocks(layer)))
    if layers.index(top):
        return [msg.localise_enters(head, top.label, top.where)]
    return [msg.localise_top(head, top.where)]


def _cases(problems, failing):
    """The sentence "only the … cases fail", when every failing problem shares a case no passing problem has."""
    cases = {problems[i].case for i in failing}
    passing = [p for i, p in enumerate(problems) if i not in failing]
    if len(cases) != 1 or not passing or "" in cases:
        return None
    (case,) = cases
    if any(p.case == case for p in passing):
        return None
    return case, [problems[i].label for i in sorted(failing)], [p.label for p in passing]


def level_of(path):
    """The level a file was started at: "derive" for ``NAME_derive.py`` or a derive stub's header, else "guided"."""
    path = Path(path)
    if path.stem.endswith("_derive"):
        return "derive"
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return "guided"
    return "derive" if "(derive level)" in first else "guided"


def _normalised(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def grade(name, path=None, *, level=None, time_limit=runner.TIME_LIMIT):
    """Grade the student's file for exercise ``name`` and return a :class:`Report` (prints nothing).

    Parameters
    ----------
    name : str
        An exercise name (``python -m npae.exercises list``).
    path : str or pathlib.Path, optional
        The file to grade; defaults to the student's copy in the workspace
        (:func:`npae.exercises.workspace.student_file`) at ``level``.
    level : {"guided", "derive"}, optional
        The level; by default read from the file (``NAME_derive.py``, or the stub's header), and without
        ``path`` the guided copy unless only the derive one exists.
    time_limit : float > 0
        Seconds the student's code may run in all (default :data:`npae.exercises.runner.TIME_LIMIT`).

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        If ``name`` is not an exercise, ``level`` is not a level, ``path`` is a directory or
        ``time_limit`` is not > 0.
    TypeError
        If ``path`` is not a str, a pathlib.Path or None, or ``time_limit`` is not a number.
    FileNotFoundError
        If ``path`` is given and there is no file there (without ``path``, a missing workspace copy is
        reported as not started).
    """
    _check_exercise_name("name", name)
    if level is not None:
        check_choice("level", level, LEVELS)
    time_limit = check_real("time_limit", time_limit, 0, open_minimum=True)
    exercise = EXERCISES[name]
    if path is not None:
        path = Path(check_path("path", path))
        if path.is_dir():
            raise ValueError(f"path: {str(path)!r} is a directory; expected the exercise's .py file")
        if not path.exists():
            raise FileNotFoundError(f"path: no such file {str(path)!r}")
        level = level or level_of(path)
    else:
        if level is None:
            level = "derive" if (not student_file(name).exists() and student_file(name, "derive").exists()) \
                else "guided"
        path = student_file(name, level)
    lines = msg.header(name, exercise.title, level, exercise.lesson, path)

    def finish(status, wrong=(), mistakes=(), tables=False):
        if lines[-1]:
            lines.append("")
        lines.append(msg.verdict(status, tables))
        return Report(name, level, path, status, "\n".join(lines), sorted(wrong), list(mistakes))

    if not path.exists():
        lines += msg.no_file(path, name, level)
        return finish(NOT_STARTED)
    source = path.read_text(encoding="utf-8", errors="replace")
    if any(_normalised(source) == _normalised(stub_file(name, lvl).read_text(encoding="utf-8")) for lvl in LEVELS):
        lines += msg.untouched(exercise.functions, level)
        return finish(NOT_STARTED)
    try:
        ast.parse(source, filename=str(path))
    except SyntaxError as error:
        lines += msg.syntax_error(error.lineno, error.text, error.offset, error.msg)
        return finish(FAILING)
    refused = refusals_in_source(source, name)
    if refused:
        lines += msg.refused(refused, describe_allowed(allowed_imports(name)))
        return finish(FAILING)

    run = runner.run(name, path, time_limit)
    return _report(exercise, level, run, lines, finish, time_limit)


def _report(exercise, level, run, lines, finish, time_limit):
    """The report of a run: its tables and, unless everything passed, its diagnosis."""
    name = exercise.name
    if run.load is not None:
        if run.load.kind == "forbidden":
            lines += msg.refused(run.load.detail["refusals"], describe_allowed(allowed_imports(name)))
        elif run.load.kind == "not_implemented":
            lines += msg.unfinished(run.load)
        else:
            lines += msg.import_failed(run.load)
        return finish(FAILING)
    if run.timeout is not None and not run.outputs:
        lines += [msg.timed_out(run.timeout, time_limit)]
        lines += _printed(run)
        return finish(FAILING)
    results = run.outputs + [r for r in run.self_checks if r is not None] + \
        ([run.findings] if isinstance(run.findings, Failure) else [])
    unfinished = next((r for r in results if isinstance(r, Failure) and r.kind == "not_implemented"), None)
    if unfinished is not None:
        lines += msg.unfinished(unfinished)
        return finish(FAILING)

    problems = exercise.problems()
    reference = _reference_outputs(exercise, problems)
    failing = set()                               # indices of problems with any failed check
    failed = bool(run.mutations) or run.timeout is not None

    # 1. the gradient against finite differences of the student's own loss
    lines.append(msg.section_self(exercise.self_check_title, _BAR))
    self_bad = set()
    for i, (problem, check) in enumerate(zip(problems, run.self_checks + [None] * len(problems))):
        if not problem.gradcheck or i >= len(run.self_checks):
            continue
        lines.append(f"   {problem.label}")
        if isinstance(check, Failure):
            lines.append(f"      {msg.not_checked(check)}")
            failing.add(i)
            failed = True
            continue
        outputs = run.outputs[i] if i < len(run.outputs) and isinstance(run.outputs[i], dict) else {}
        cells = []
        for block, value in check.items():
            ok = value < TOLERANCE
            shape = (np.shape(outputs[block]), np.shape(reference[i][block])) if block in outputs \
                and block in reference[i] else None
            cells.append(msg.cell(block, value, ok, shape))
            if not ok:
                self_bad.add(block)
                failing.add(i)
        lines += _lines(cells)
    failed |= bool(self_bad)

    # 2. against the reference
    lines += ["", msg.section_reference(_BAR)]
    reference_bad, non_finite, shapes, float32 = set(), [], [], set()
    bad_on = [set() for _ in problems]            # per problem: the outputs that differ from the reference
    failures = []
    for i, (problem, ref) in enumerate(zip(problems, reference)):
        lines.append(f"   {problem.label}")
        if i >= len(run.outputs):
            lines.append(f"      {msg.describe_failure(run.timeout)}")
            failing.add(i)
            continue
        result = run.outputs[i]
        if isinstance(result, Failure):
            lines.append(f"      {msg.describe_failure(result)}")
            failures.append(result)
            failing.add(i)
            failed = True
            continue
        cells = []
        for key, expected in ref.items():
            got = result.get(key)
            if got is None:
                cells.append(msg.missing_output(key))
                reference_bad.add(key)
                bad_on[i].add(key)
                failing.add(i)
                continue
            diff = difference(got, expected)
            ok = diff < TOLERANCE
            cells.append(msg.cell(key, diff, ok, (np.shape(got), np.shape(expected))))
            if np.asarray(got).dtype == np.float32:
                float32.add(key)
            if not ok:
                reference_bad.add(key)
                bad_on[i].add(key)
                failing.add(i)
                if np.shape(got) != np.shape(expected):
                    item = msg.shape_item(key, np.shape(got), np.shape(expected))
                    if item not in shapes:
                        shapes.append(item)
                elif not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
                    non_finite.append(msg.non_finite_item(key, problem.label))
        lines += _lines(cells)
    failed |= bool(reference_bad)
    for check in run.self_checks:
        if isinstance(check, Failure):
            failures.append(check)

    findings = run.findings
    if isinstance(findings, Failure):
        lines += ["", msg.section_properties(), f"   {msg.describe_failure(findings)}"]
        failures.append(findings)
        failed = True
        findings = []
    elif findings:
        lines += ["", msg.section_properties()]
        for ok, text, _ in findings:
            lines.append(f"   {'✓' if ok else '✗'} {text}")
        failed |= not all(ok for ok, _, _ in findings)

    if not failed:
        lines.append("")
        lines += _printed(run)
        if exercise.library:
            lines += msg.library(exercise.library)
        if level == "guided":
            lines += msg.next_level(name)
        return finish(PASSING, tables=True)

    # Diagnosis
    lines += ["", msg.diagnosis()]
    notes = []
    if run.timeout is not None:
        notes.append(msg.timed_out(run.timeout, time_limit))
    seen = {}
    for failure in failures:
        key = (failure.kind, failure.function, failure.error, failure.detail.get("what"), failure.line)
        seen.setdefault(key, []).append(failure)
    for same in list(seen.values())[:3]:
        others = len({f.problem for f in same} - {same[0].problem})
        notes.append(msg.describe_failure(same[0]) + (msg.and_more(others) if others else ""))
    if run.mutations:
        notes.append(msg.mutations(run.mutations))
        if not (failures or reference_bad or self_bad or run.timeout) and all(ok for ok, _, _ in findings or []):
            notes.append(msg.mutations_only())

    keys = {k for ref in reference for k in ref}
    loss_keys = [k for k in _LOSS_KEYS if k in keys]
    gradient_keys = set(exercise.gradient_keys or keys) - set(_LOSS_KEYS)     # the loss's gradient (not a Jacobian)
    grads_bad = reference_bad & gradient_keys
    loss_bad = any(k in reference_bad for k in loss_keys)
    ran_everywhere = len(run.outputs) == len(problems) and not any(isinstance(r, Failure) for r in run.outputs)
    if loss_keys and ran_everywhere and not any(isinstance(c, Failure) for c in run.self_checks):
        loss_name = "energy" if exercise.name == "psd_ista" else "loss"
        # what the finite-difference check can say, on the problems where it ran
        checked = [i for i, p in enumerate(problems) if p.gradcheck]
        grads_bad_checked = any(bad_on[i] & gradient_keys for i in checked)
        loss_bad_checked = any(bad_on[i] & set(loss_keys) for i in checked)
        self_bad_gradients = self_bad & gradient_keys
        if loss_bad and not grads_bad:
            notes.append(msg.loss_wrong_gradients_right(loss_name))
        elif grads_bad_checked and not loss_bad_checked and self_bad_gradients:
            notes.append(msg.loss_right_gradients_wrong(where_checked=loss_bad))
        elif grads_bad_checked and loss_bad_checked and not self_bad_gradients:
            notes.append(msg.consistent_but_wrong())
        elif grads_bad_checked and loss_bad_checked and self_bad_gradients:
            notes.append(msg.both_wrong())
        elif self_bad and not reference_bad:
            notes.append(msg.not_a_function_of_arguments())
    notes += _localise(exercise, grads_bad, keys)
    layer_keys = {b for layer in exercise.layers for b in (layer.weight, layer.bias) if b}
    for prefix, note in exercise.block_notes.items():   # with layers, a note is about what lies outside them
        if any(k == prefix or k.startswith(prefix + " ") for k in reference_bad) \
                and not (layer_keys and reference_bad & (layer_keys | {"loss"})):
            notes.append(msg.block_note(prefix, note))
    case = _cases(problems, failing) if not run.timeout else None
    case = case if case is not None and case[0] in exercise.case_notes else None
    if case is not None:
        notes.append(msg.only_case_fails(case[0], len(case[1]), len(problems), exercise.case_notes.get(case[0])))
    if shapes:
        notes.append(msg.shapes(shapes))
    if float32:
        notes.append(msg.float32(sorted(float32)))
    if non_finite:
        notes.append(msg.non_finite(non_finite))
    if findings and not all(ok for ok, _, _ in findings):
        notes.append(msg.failing_property_checks())

    named = [m for _, _, m in findings or [] if m]
    numeric = bool(reference_bad or self_bad)
    catalogue = mistakes_of(name)
    if not named and (numeric or failures) and run.timeout is None:
        matches = []
        for mistake in catalogue:
            mutated = _mutated_outputs(exercise, mistake, problems)
            if _outputs_match(mutated, reference) < MATCH_TOLERANCE:
                continue                                        # not visible in the outputs
            distance = _outputs_match(run.outputs, mutated, mistake.nonfinite)
            if distance < MATCH_TOLERANCE:
                matches.append((distance, mistake.name))
        named = [n for _, n in sorted(matches)]
    for note in notes:
        lines.append(f"  - {note}")
    if named:
        mistake = MISTAKES[named[0]]
        first, *rest = msg.mistake_match(mistake.name, mistake.title, mistake.hint)
        lines.append(f"  - {first}")
        lines += [f"  {line}" for line in rest]
    elif numeric and ran_everywhere and not run.timeout:
        first, *rest = msg.no_mistake_match(len(catalogue), exercise.lesson)
        lines.append(f"  - {first}")
        lines += [f"  {line}" for line in rest]
    lines.append("")
    lines += _printed(run)
    return finish(FAILING, reference_bad | self_bad, named, tables=True)


def _printed(run):
    if not run.printed_lines and not run.printed:
        return []
    return msg.printed(run.printed, max(run.printed_lines, 1), runner.PRINTED_LIMIT) + [""]


def check(name, path=None, verbose=True, *, level=None, time_limit=runner.TIME_LIMIT):
    """Grade the student's file for ``name``, print the report (unless ``verbose=False``) and return it.

    Usable from a notebook cell: ``from npae.exercises import check; check("sparse_autoencoder_cost")``; the
    returned :class:`Report` echoes as one short line.

    Parameters
    ----------
    name : str
    path : str or pathlib.Path, optional
        As :func:`grade`.
    verbose : bool
    level : {"guided", "derive"}, optional
        As :func:`grade`.
    time_limit : float > 0
        As :func:`grade`.

    Returns
    -------
    Report

    Raises
    ------
    ValueError, TypeError, FileNotFoundError
        As :func:`grade`; TypeError also if ``verbose`` is not a bool.
    """
    check_bool("verbose", verbose)
    report = grade(name, path, level=level, time_limit=time_limit)
    if verbose:
        print(report.text)
    return report
