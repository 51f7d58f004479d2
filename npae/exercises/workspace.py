"""The student's workspace: a folder git ignores, where ``start`` copies each exercise's stub.

The folder is ``$NPAE_WORKSPACE`` if set, else ``workspace/`` at the root of the repository (the folder
that holds the ``npae`` package; the current directory when npae is installed rather than checked out),
listed in ``.gitignore`` so that a ``git pull`` of the course never
touches it. ``start`` never overwrites a file that exists.
"""

import os
import shutil
from pathlib import Path

from npae.checks import check_choice

STUBS = Path(__file__).parent / "stubs"


def workspace_dir():
    """The workspace folder (a pathlib.Path; not created here)."""
    env = os.environ.get("NPAE_WORKSPACE")
    if env:
        return Path(env).expanduser().resolve()
    root = Path(__file__).resolve().parents[2]                 # the folder holding the npae package
    if not (root / "setup.cfg").exists():                       # npae installed, not a checkout of the course
        root = Path.cwd()
    return root / "workspace"


def student_file(name):
    """The student's copy of exercise ``name``: ``<workspace>/<name>.py`` (a pathlib.Path).

    Raises
    ------
    ValueError
        If ``name`` is not an exercise of :data:`npae.exercises.specs.EXERCISES`.
    """
    _check_exercise_name("name", name)
    return workspace_dir() / f"{name}.py"


def _check_exercise_name(argument, name):
    """Return ``name`` after checking that it names an exercise (``argument`` is named in the message)."""
    from npae.exercises.specs import EXERCISES
    return check_choice(argument, name, tuple(sorted(EXERCISES)))


def stub_file(name):
    """The generated stub of exercise ``name`` (a pathlib.Path)."""
    return STUBS / f"{name}.py"


def start(name):
    """Copy the stub of ``name`` into the workspace unless the student's file exists; return its path.

    Parameters
    ----------
    name : str

    Returns
    -------
    path : pathlib.Path
    created : bool
        False when the file existed already (it is left untouched).

    Raises
    ------
    ValueError
        If there is no stub for ``name``.
    """
    source = stub_file(name)
    if not source.exists():
        raise ValueError(f"name must be an exercise with a stub in {STUBS}, got {name!r}")
    target = student_file(name)
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target, True
