"""Command line of the exercises: ``python -m npae.exercises {list,start,check,status,train,generate-stubs}``."""

import argparse
import functools
import sys
import unicodedata
from pathlib import Path

from npae.checks import check_sequence
from npae.exercises.grader import NOT_STARTED, check, grade
from npae.exercises.i18n import N_, language, normalise
from npae.exercises.messages import LEVEL_NAMES, STATUS_NAMES, _
from npae.exercises.specs import EXERCISES
from npae.exercises.workspace import LEVELS, start, student_file, workspace_dir

DESCRIPTION = N_("""\
Graded exercises: you write a forward and backward pass, the grader checks it and says what is wrong.
Every exercise has two levels: guided (the stub gives the backward pass's equations) and derive (the
stub gives the model and the cost only; you derive the gradient).

  python -m npae.exercises list                        every exercise and its lesson
  python -m npae.exercises start NAME [--derive]       copy a stub into your workspace (never overwrites)
  python -m npae.exercises check NAME [--derive]       grade your copy; exit code 0 only when it passes
  python -m npae.exercises status                      both levels of every exercise
  python -m npae.exercises train sparse_autoencoder_cost   train your cost, draw your filters

In a notebook: from npae.exercises import check; check("sparse_autoencoder_cost")
Every command takes --lang LANG (zh: 简体中文; en: English); by default the environment's language.
""")


def _status(name, level):
    path = student_file(name, level)
    status = grade(name, path).status if path.exists() else NOT_STARTED
    return _(STATUS_NAMES[status])


def _pad(text, width):
    """``text`` padded with spaces to ``width`` columns (a CJK character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - columns, 0)


def _language(text):
    """argparse's ``type`` of ``--lang``: the catalogue's name, or an error listing the languages."""
    try:
        return normalise(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _asked_language(argv):
    """The language ``--lang`` asks for in ``argv`` (None if none or not a known one: the parser reports it)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    known, _unknown = pre.parse_known_args(argv)
    try:
        return normalise(known.lang) if known.lang else None
    except ValueError:
        return None


def main(argv=None):
    """Run the command line; return the exit code (0 unless a check or a training fails).

    ``argv`` is a list of str (default ``sys.argv[1:]``); anything else is a TypeError naming it. A usage
    error in it (an unknown command or exercise name, a missing argument) exits with status 2 after argparse
    has printed the usage and an ``error:`` line naming the bad word, as every argparse command line does
    (``SystemExit(2)`` when ``main`` is called from Python).
    """
    if argv is not None:
        argv = check_sequence("argv", argv, "strings")
        if not all(isinstance(a, str) for a in argv):
            raise TypeError(f"argv must be a list of strings, got {argv!r}")
    with language(_asked_language(sys.argv[1:] if argv is None else argv)):
        return _main(argv)


def _main(argv):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", type=_language, default=argparse.SUPPRESS, metavar="LANG",
                        help=_("the language of the messages and stubs: zh (简体中文) or en (default: the "
                               "environment's LANGUAGE, LC_ALL, LANG)"))
    parser = argparse.ArgumentParser(prog="python -m npae.exercises", description=_(DESCRIPTION),
                                     formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser = functools.partial(commands.add_parser, parents=[common])
    commands.add_parser("list", help=_("every exercise and its lesson"))
    p = commands.add_parser("start", help=_("copy an exercise's stub into your workspace (never overwrites)"))
    p.add_argument("name", choices=sorted(EXERCISES))
    p.add_argument("--derive", action="store_true", help=_("the derive level: the model and the cost only"))
    p = commands.add_parser("check", help=_("grade your copy (or --path FILE); exit code 0 only when it passes"))
    p.add_argument("name", choices=sorted(EXERCISES))
    p.add_argument("--derive", action="store_true", help=_("grade your derive-level copy"))
    p.add_argument("--path", type=Path, help=_("grade this file instead of your workspace copy"))
    commands.add_parser("status", help=_("both levels of every exercise: not started / failing / passing"))
    p = commands.add_parser("train", help=_("train your sparse_autoencoder_cost with L-BFGS on natural-image "
                                            "patches"))
    p.add_argument("name", choices=["sparse_autoencoder_cost"])
    p.add_argument("--path", type=Path, help=_("the file to train (default: your workspace copy)"))
    p.add_argument("--derive", action="store_true", help=_("train your derive-level copy"))
    p.add_argument("--patches", type=int, default=10000, help=_("number of 8x8 patches (default 10000)"))
    p.add_argument("--maxiter", type=int, default=400, help=_("L-BFGS iterations (default 400)"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--figure", type=Path, help=_("where to save the filters (PNG)"))
    p.add_argument("--force", action="store_true", help=_("train even if the file does not pass the grader"))
    commands.add_parser("generate-stubs", help=_("(course authors) regenerate the stubs and the book's exercises "
                                               "page from the solutions"))
    commands.add_parser("update-catalogue", help=_("(course authors) extract the messages with Babel, update "
                                                   "each language's .po and compile its .mo"))
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, exercise in EXERCISES.items():
            print(f"{name:26s} {exercise.lesson}")
    elif args.command == "start":
        level = "derive" if args.derive else "guided"
        path, created = start(args.name, level, getattr(args, "lang", None))
        print(path)
        option = " --derive" if args.derive else ""
        if created:
            print(_("Started {name} ({level} level): edit that file, then run "
                    "`python -m npae.exercises check {name}{option}`.").format(
                name=args.name, level=_(LEVEL_NAMES[level]), option=option))
        else:
            print(_("That file exists already and was left as it is."))
    elif args.command == "check":
        level = "derive" if args.derive else None
        return 0 if check(args.name, args.path, level=level).passed else 1
    elif args.command == "status":
        print(_("workspace: {path}").format(path=workspace_dir()))
        print(_pad(_("exercise"), 26), _pad(_(LEVEL_NAMES["guided"]), 12), _pad(_(LEVEL_NAMES["derive"]), 12),
              _("lesson"))
        for name, exercise in EXERCISES.items():
            guided, derive = (_status(name, level) for level in LEVELS)
            print(f"{name:26s}", _pad(guided, 12), _pad(derive, 12), exercise.lesson)
    elif args.command == "train":
        from npae.exercises.training import train_sparse_autoencoder
        path = args.path if args.path is not None else student_file(args.name, "derive" if args.derive else "guided")
        result = train_sparse_autoencoder(path, n_patches=args.patches, maxiter=args.maxiter, seed=args.seed,
                                          figure=args.figure, force=args.force)
        return 0 if result is not None else 1
    elif args.command == "generate-stubs":
        from npae.exercises.stubgen import generate
        for path in generate():
            print(path)
    elif args.command == "update-catalogue":
        from npae.exercises.catalogue import update
        for path in update():
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
