"""Generate the student stubs from the worked solutions (the solutions are the single source).

In a solution, each region::

    # BEGIN SOLUTION
    # HINT: what to compute
    ...code...
    # END SOLUTION

becomes, in the stub, the region's ``# HINT`` lines followed by
``raise NotImplementedError("YOUR CODE HERE: <first hint>")`` at the region's indentation. Everything
outside the regions — imports, signatures, docstrings with the equations and shapes, scaffolding — is
copied unchanged. ``python -m npae.exercises generate-stubs`` rewrites ``npae/exercises/stubs/``;
``tests/test_exercises.py`` fails if the committed stubs differ from what this module generates.
"""

from pathlib import Path

SOLUTIONS = Path(__file__).parent / "solutions"
STUBS = Path(__file__).parent / "stubs"
BEGIN, END, HINT = "# BEGIN SOLUTION", "# END SOLUTION", "# HINT:"
HEADER = ("# Exercise stub, generated from npae/exercises/solutions/{name}.py by\n"
          "# `python -m npae.exercises generate-stubs`. Replace each `raise NotImplementedError` by your code.\n")


def make_stub(source, name="exercise"):
    """The stub text of one solution's source.

    Parameters
    ----------
    source : str
        The solution module's text.
    name : str
        The exercise's name (written into the header comment).

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``source`` or ``name`` is not a string.
    ValueError
        If a region is not closed, is nested, or has no ``# HINT:`` line.
    """
    for argument, value in (("source", source), ("name", name)):
        if not isinstance(value, str):
            raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    out, region = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if region is not None:
                raise ValueError(f"line {number}: {BEGIN} inside another region")
            region = {"indent": line[:len(line) - len(line.lstrip())], "hints": [], "start": number}
        elif stripped.startswith(END):
            if region is None:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            if not region["hints"]:
                raise ValueError(f"line {region['start']}: a solution region needs a '{HINT}' line")
            first = region["hints"][0].strip()[len(HINT):].strip()
            out += region["hints"]
            out.append(f"{region['indent']}raise NotImplementedError({('YOUR CODE HERE: ' + first)!r})\n")
            region = None
        elif region is not None:
            if stripped.startswith(HINT):
                region["hints"].append(line)
        else:
            out.append(line)
    if region is not None:
        raise ValueError(f"line {region['start']}: {BEGIN} is never closed")
    return HEADER.format(name=name) + "".join(out)


def exercise_names():
    """The names of the solution modules (sorted), i.e. of the exercises."""
    return sorted(p.stem for p in SOLUTIONS.glob("*.py") if p.stem != "__init__")


def generate(target=STUBS):
    """Write every stub into ``target``; return the list of files written.

    Parameters
    ----------
    target : pathlib.Path
        The folder (created if needed; an ``__init__.py`` is written too).

    Returns
    -------
    list of pathlib.Path
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    init = target / "__init__.py"
    init.write_text('"""Student stubs, generated from :mod:`npae.exercises.solutions` by '
                    ':mod:`npae.exercises.stubgen` (do not edit by hand)."""\n')
    for name in exercise_names():
        path = target / f"{name}.py"
        path.write_text(make_stub((SOLUTIONS / f"{name}.py").read_text(), name))
        written.append(path)
    return [init] + written
