"""Command-line options shared by every lesson: ``--quick`` and ``--out``, and how a lesson names a path.

Each lesson in ``lessons/`` is a plain script (and a jupytext notebook); :class:`npae.course.Lesson` parses
these options with :func:`lesson_options`.

- ``--quick`` (or the environment variable ``NPAE_QUICK=1``): small sizes and few iterations, so that
  the test suite can run the lesson top to bottom in seconds. Numbers printed in quick mode are not
  the lesson's results.
- ``--out DIR`` (or ``NPAE_FIGURES``): where figures and results are written, created if needed. The
  default is one folder whichever way a lesson runs: the repository's ``figures/`` (git-ignored), for a
  script started from any folder and for a notebook alike (Jupyter runs a notebook in its own folder,
  ``lessons/``). Without a checkout (npae installed from a wheel) it is ``figures/`` in the current folder.

Unknown arguments are ignored (``parse_known_args``), so the same code runs inside Jupyter, whose
kernel passes arguments of its own.
"""

import argparse
import os
from pathlib import Path

from npae.checks import check_sequence

__all__ = ["lesson_options"]

#: The repository checkout npae is imported from (it holds ``lessons/``), or None for an installed wheel.
CHECKOUT = Path(__file__).resolve().parent.parent
if not (CHECKOUT / "lessons").is_dir():
    CHECKOUT = None


def default_out():
    """The default folder for a lesson's figures and results: ``$NPAE_FIGURES``, else the repository's
    ``figures/``, else ``figures/`` in the current folder (see the module docstring).

    Returns
    -------
    pathlib.Path
    """
    if os.environ.get("NPAE_FIGURES"):
        return Path(os.environ["NPAE_FIGURES"])
    return CHECKOUT / "figures" if CHECKOUT is not None else Path("figures")


def shown_path(path):
    """``path`` as a lesson prints it: relative to the current folder when it lies inside it, else absolute.

    A page of the course site runs its lesson in a scratch folder with ``NPAE_FIGURES=figures``, so that
    the page shows ``figures/03_filters.png`` and never the folders of the machine that built it.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    str
    """
    absolute, here = Path(path).resolve(), Path.cwd().resolve()
    return str(absolute.relative_to(here)) if absolute.is_relative_to(here) else str(absolute)


def lesson_options(description=None, argv=None):
    """Parse the lesson options ``--quick`` and ``--out``.

    Parameters
    ----------
    description : str, optional
        Shown by ``--help`` (the lesson's module docstring; its first line is used).
    argv : list of str, optional
        Arguments to parse instead of ``sys.argv[1:]``. Unknown arguments are ignored
        (``parse_known_args``), so the same code runs inside Jupyter, whose kernel passes its own.

    Returns
    -------
    argparse.Namespace
        ``quick`` (bool) and ``out`` (pathlib.Path, an existing directory; :func:`default_out` unless
        ``--out`` is given).

    Raises
    ------
    TypeError
        If ``description`` is not a string or None, or ``argv`` is not a list of strings or None.
    """
    argv = _check_options_arguments(description, argv)
    first_line = description.strip().splitlines()[0] if description and description.strip() else None
    parser = argparse.ArgumentParser(description=first_line)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few iterations (what the test suite runs)")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory for the figures and results (default: $NPAE_FIGURES, else the "
                             "repository's figures/)")
    options, _ = parser.parse_known_args(argv)
    options.quick = options.quick or os.environ.get("NPAE_QUICK") == "1"
    options.out = options.out if options.out is not None else default_out()
    options.out.mkdir(parents=True, exist_ok=True)
    return options


def _check_options_arguments(description, argv):
    """Check ``lesson_options``' arguments; return ``argv`` as a list (or None for ``sys.argv[1:]``)."""
    if description is not None and not isinstance(description, str):
        raise TypeError(f"description must be a string (the lesson's docstring) or None, "
                        f"got {type(description).__name__}")
    if argv is None:
        return None
    argv = check_sequence("argv", argv, "strings")
    for item in argv:
        if not isinstance(item, str):
            raise TypeError(f"argv must be a list of strings, got an element {item!r}")
    return argv
