"""The student's workspace: a folder git ignores, where ``start`` copies each exercise's stub.

The folder is ``$NPAE_WORKSPACE`` if set, else ``workspace/`` at the root of the repository (the folder
that holds the ``npae`` package; the current directory when npae is installed rather than checked out),
listed in ``.gitignore`` so that a ``git pull`` of the course never touches it. The guided level of an
exercise goes to ``NAME.py``, the derive level to ``NAME_derive.py``. ``start`` never overwrites a file
that exists.
"""

import os
from pathlib import Path

from npae.checks import check_choice

STUBS = Path(__file__).parent / "stubs"
LEVELS = ("guided", "derive")


def workspace_dir():
    """The workspace folder (a pathlib.Path; not created here)."""
    env = os.environ.get("NPAE_WORKSPACE")
    if env:
        return Path(env).expanduser().resolve()
    root = Path(__file__).resolve().parents[2]                 # the folder holding the npae package
    if not (root / "setup.cfg").exists():                       # npae installed, not a checkout of the course
        root = Path.cwd()
    return root / "workspace"


def _file_name(name, level):
    return f"{name}.py" if level == "guided" else f"{name}_derive.py"


def student_file(name, level="guided"):
    """The student's copy of exercise ``name``: ``<workspace>/NAME.py``, or ``NAME_derive.py`` at the derive level.

    Raises
    ------
    ValueError
        If ``name`` is not an exercise of :data:`npae.exercises.specs.EXERCISES`, or ``level`` not a level.
    """
    _check_exercise_name("name", name)
    check_choice("level", level, LEVELS)
    return workspace_dir() / _file_name(name, level)


def _check_exercise_name(argument, name):
    """Return ``name`` after checking that it names an exercise (``argument`` is named in the message)."""
    from npae.exercises.specs import EXERCISES
    return check_choice(argument, name, tuple(sorted(EXERCISES)))


def stub_file(name, level="guided"):
    """The generated stub of exercise ``name`` at ``level`` (a pathlib.Path)."""
    return STUBS / _file_name(name, level)


def stub_text(name, level="guided", lang=None):
    """The text of the stub of ``name`` at ``level``, its statement in ``lang`` (None: the language in force;
    :func:`npae.exercises.i18n.translate_stub`).

    Raises
    ------
    ValueError, TypeError
        If ``name`` is not an exercise, ``level`` not a level, or ``lang`` not a language with a catalogue.
    """
    from npae.exercises.i18n import normalise, translate_stub
    _check_exercise_name("name", name)
    check_choice("level", level, LEVELS)
    if lang is not None:
        normalise(lang)
    return translate_stub(stub_file(name, level).read_text(encoding="utf-8"), name, level, lang)


def start(name, level="guided", lang=None):
    """Copy the stub of ``name`` at ``level`` into the workspace unless the student's file exists.

    Parameters
    ----------
    name : str
    level : {"guided", "derive"}
    lang : str, optional
        The language of the stub's statement ("zh", "en"; default: the environment's, see
        :mod:`npae.exercises.i18n`); code, identifiers and equations are the same in every language.

    Returns
    -------
    path : pathlib.Path
    created : bool
        False when the file existed already (it is left untouched).

    Raises
    ------
    ValueError
        If ``name`` is not an exercise, ``level`` is not a level, there is no stub for them, or no catalogue
        for ``lang``.
    """
    from npae.exercises.i18n import normalise
    if lang is not None:
        normalise(lang)
    target = student_file(name, level)
    source = stub_file(name, level)
    if not source.exists():
        raise ValueError(f"name must be an exercise with a stub in {STUBS}, got {name!r} (level {level!r})")
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stub_text(name, level, lang), encoding="utf-8")
    return target, True
