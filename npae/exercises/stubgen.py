"""Generate the student stubs, at both levels, from the worked solutions (the solutions are the single source).

Every exercise has two levels. The **guided** stub states the model, the cost *and* the backward pass's
equations, with a ``# HINT`` line for each step; the **derive** stub states the model and the cost only
(the forward pass and J, with shapes) and the student derives the gradient.

A solution marks what goes where:

- in its docstring, a line ``[guided]`` opens text kept only in the guided stub, ``[derive]`` text kept only
  in the derive stub, and ``[end]`` returns to text kept in both (the marker lines themselves are dropped);
- in its code, each region::

      # BEGIN SOLUTION
      # HINT: what to compute (guided level)
      # DERIVE: what to compute, without the formula (derive level)
      ...code...
      # END SOLUTION

  becomes, at each level, that level's hint lines followed by
  ``raise NotImplementedError("YOUR CODE HERE: <first hint>")`` at the region's indentation;
- a region ``# BEGIN DERIVE`` … ``# END DERIVE`` is code given at the guided level (copied without its
  ``# DERIVE`` lines) and written by the student at the derive level (replaced as above): the backward
  steps that the guided stub hands out.

Everything else — imports, signatures, docstrings of the functions, scaffolding — is copied unchanged.
``python -m npae.exercises generate-stubs`` rewrites ``npae/exercises/stubs/`` (``NAME.py`` guided,
``NAME_derive.py`` derive) and the exercises page of the book; ``tests/test_exercises.py`` fails if the
committed files differ from what this module generates.
"""

import re
from pathlib import Path

SOLUTIONS = Path(__file__).parent / "solutions"
STUBS = Path(__file__).parent / "stubs"
PAGE = Path(__file__).resolve().parents[2] / "docs" / "book" / "exercises.md"
LEVELS = ("guided", "derive")
HINT, DERIVE = "# HINT:", "# DERIVE:"
_REGION = re.compile(r"#\s*(BEGIN|END)\s+(SOLUTION|DERIVE)\s*$")
_DOC_MARKER = {"[guided]": "guided", "[derive]": "derive", "[end]": None}
HEADER = ("# Exercise stub ({level} level), generated from npae/exercises/solutions/{name}.py by\n"
          "# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.\n")


def stub_name(name, level="guided"):
    """The file name of an exercise's stub: ``NAME.py`` (guided) or ``NAME_derive.py`` (derive)."""
    return f"{name}.py" if level == "guided" else f"{name}_derive.py"


def _check_level(level):
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return level


def make_stub(source, name="exercise", level="guided"):
    """The stub text of one solution's source, at one level.

    Parameters
    ----------
    source : str
        The solution module's text.
    name : str
        The exercise's name (written into the header comment).
    level : {"guided", "derive"}

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``source`` or ``name`` is not a string.
    ValueError
        If ``level`` is unknown, a region is not closed, is nested, or lacks the hint line its level
        needs (``# HINT:`` for a SOLUTION region, ``# DERIVE:`` for every region).
    """
    for argument, value in (("source", source), ("name", name)):
        if not isinstance(value, str):
            raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    _check_level(level)
    out, region, doc_level = [], None, None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        marker = _REGION.fullmatch(stripped)
        if stripped in _DOC_MARKER:
            doc_level = _DOC_MARKER[stripped]
        elif marker and marker.group(1) == "BEGIN":
            if region is not None:
                raise ValueError(f"line {number}: {stripped} inside another region")
            region = {"kind": marker.group(2), "indent": line[:len(line) - len(line.lstrip())], "start": number,
                      "hints": [], "derive": [], "code": []}
        elif marker:
            if region is None or marker.group(2) != region["kind"]:
                raise ValueError(f"line {number}: {stripped} without a matching BEGIN {marker.group(2)}")
            out += _close(region, level)
            region = None
        elif region is not None:
            key = "hints" if stripped.startswith(HINT) else "derive" if stripped.startswith(DERIVE) else "code"
            region[key].append(line)
        elif doc_level in (None, level):
            out.append(line)
    if region is not None:
        raise ValueError(f"line {region['start']}: BEGIN {region['kind']} is never closed")
    return HEADER.format(name=name, level=level) + "".join(out)


def _close(region, level):
    """The lines a closed region becomes at ``level``."""
    if region["kind"] == "SOLUTION" and not region["hints"]:
        raise ValueError(f"line {region['start']}: a SOLUTION region needs a '{HINT}' line")
    if not region["derive"]:
        raise ValueError(f"line {region['start']}: a region needs a '{DERIVE}' line (what the derive level asks)")
    if region["kind"] == "DERIVE" and level == "guided":
        return region["code"]
    hints = region["hints"] if level == "guided" else region["derive"]
    first = hints[0].strip().split(":", 1)[1].strip()
    return hints + [f"{region['indent']}raise NotImplementedError({('YOUR CODE HERE: ' + first)!r})\n"]


def exercise_names():
    """The names of the solution modules (sorted), i.e. of the exercises."""
    return sorted(p.stem for p in SOLUTIONS.glob("*.py") if p.stem != "__init__")


def exercises_page():
    """The text of the book's exercises page (``docs/book/exercises.md``), generated from the specs."""
    from npae.exercises.specs import EXERCISES

    lines = ["# Exercises · 练习", "",
             "<!-- Generated by `python -m npae.exercises generate-stubs` from npae/exercises/specs.py: "
             "edit those, not this page. -->", "",
             "Each exercise asks you to write one hand derivation of the course, at one of two levels:", "",
             "- **guided**: the stub states the model, the cost *and* the backward pass's equations, with a hint "
             "for each step; you turn the equations into NumPy;",
             "- **derive**: the stub states the model and the cost only (the forward pass and J, with shapes); you "
             "derive the gradient on paper, then write it.", "",
             "```bash",
             "python -m npae.exercises start NAME            # guided: copies the stub to workspace/NAME.py",
             "python -m npae.exercises start NAME --derive   # derive: copies the stub to workspace/NAME_derive.py",
             "python -m npae.exercises check NAME [--derive] # grades your file; exit code 0 only when it passes",
             "python -m npae.exercises status                # every exercise, both levels: not started / failing "
             "/ passing",
             "```", "",
             "The grader runs your functions in a separate process with a time limit, on copies of their "
             "arguments. It compares your gradient with five-point finite differences of **your own** loss, per "
             "parameter block (float64, relative difference below 1e-9), and your outputs with a reference on the "
             "same small problems. When something is wrong it says what: a wrong loss with right gradients, "
             "which block is wrong and where the error enters, an argument your function modified, a return "
             "value of the wrong form, the line of your file that raised — and which classic mistake the numbers "
             "match. A file may import from npae only what its stub imports. Once an exercise passes, the "
             "report names the part of npae that computes the same thing.", "",
             "| exercise | what you write | lesson | levels |", "|---|---|---|---|"]
    for name, exercise in EXERCISES.items():
        lesson = Path(exercise.lesson).stem[:2]
        lines.append(f"| `{name}` | {exercise.summary} | {lesson} | guided: `start {name}` · derive: "
                     f"`start {name} --derive` |")
    return "\n".join(lines) + "\n"


def generate(target=STUBS, page=PAGE):
    """Write every stub (both levels) into ``target`` and the exercises page to ``page``; return the paths written.

    Parameters
    ----------
    target : pathlib.Path
        The folder (created if needed; an ``__init__.py`` is written too).
    page : pathlib.Path or None
        Where to write the book's exercises page (None: not written).

    Returns
    -------
    list of pathlib.Path
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    init = target / "__init__.py"
    init.write_text('"""Student stubs, generated from :mod:`npae.exercises.solutions` by '
                    ':mod:`npae.exercises.stubgen` (do not edit by hand)."""\n')
    written = [init]
    for name in exercise_names():
        source = (SOLUTIONS / f"{name}.py").read_text()
        for level in LEVELS:
            path = target / stub_name(name, level)
            path.write_text(make_stub(source, name, level))
            written.append(path)
    if page is not None:
        Path(page).write_text(exercises_page(), encoding="utf-8")
        written.append(Path(page))
    return written
