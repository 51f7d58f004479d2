"""Command-line options shared by every lesson: ``--quick`` and ``--out``.

Each lesson in ``lessons/`` is a plain script (and a jupytext notebook). It starts with::

    from npae.scripting import lesson_options
    OPTIONS = lesson_options(__doc__)
    QUICK, OUT = OPTIONS.quick, OPTIONS.out

- ``--quick`` (or the environment variable ``NPAE_QUICK=1``): small sizes and few iterations, so that
  the test suite can run the lesson top to bottom in seconds. Numbers printed in quick mode are not
  the lesson's results.
- ``--out DIR`` (or ``NPAE_FIGURES``): where figures are written (default ``figures/``), created if needed.

Unknown arguments are ignored (``parse_known_args``), so the same code runs inside Jupyter, whose
kernel passes arguments of its own.
"""

import argparse
import os
from pathlib import Path

from npae.checks import check_sequence


def lesson_options(description=None, argv=None):
    """Parse the lesson options.

    Parameters
    ----------
    description : str, optional
        Shown by ``--help`` (pass the lesson's module docstring).
    argv : list of str, optional
        Arguments to parse instead of ``sys.argv[1:]``.

    Returns
    -------
    argparse.Namespace
        ``quick`` (bool) and ``out`` (pathlib.Path, an existing directory).

    Raises
    ------
    TypeError
        If ``description`` is not a string or None, or ``argv`` is not a list of strings or None.
    """
    argv = _check_options_arguments(description, argv)
    parser = argparse.ArgumentParser(description=description.strip().splitlines()[0]
                                     if description and description.strip() else None)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few iterations (what the test suite runs)")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("NPAE_FIGURES", "figures")),
                        help="directory for the figures (default: figures/ or $NPAE_FIGURES)")
    options, _ = parser.parse_known_args(argv)
    options.quick = options.quick or os.environ.get("NPAE_QUICK") == "1"
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
