"""The student's workspace: a folder git ignores, where ``start`` copies each exercise's stub.

The folder is ``$NPAE_WORKSPACE`` if set, else ``workspace/`` at the root of the repository (the folder
that holds the ``npae`` package; the current directory when npae is installed rather than checked out),
listed in ``.gitignore`` so that a ``git pull`` of the course never touches it. The guided level of an
exercise goes to ``NAME.py``, the derive level to ``NAME_derive.py``. ``start`` never overwrites a file
that exists.
"""

import os
import shutil
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


def start(name, level="guided"):
    """Copy the stub of ``name`` at ``level`` into the workspace unless the student's file exists.

    Parameters
    ----------
    name : str
    level : {"guided", "derive"}

    Returns
    -------
    path : pathlib.Path
    created : bool
        False when the file existed already (it is left untouched).

    Raises
    ------
    ValueError
        If ``name`` is not an exercise, ``level`` is not a level, or there is no stub for them.
    """
    target = student_file(name, level)
    source = stub_file(name, level)
    if not source.exists():
        raise ValueError(f"name must be an exercise with a stub in {STUBS}, got {name!r} (level {level!r})")
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target, True
