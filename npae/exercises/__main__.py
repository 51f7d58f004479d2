"""Command line of the exercises: ``python -m npae.exercises {list,start,check,status,train,generate-stubs}``."""

import argparse
import sys
from pathlib import Path

from npae.checks import check_sequence
from npae.exercises.grader import NOT_STARTED, check, grade
from npae.exercises.specs import EXERCISES
from npae.exercises.workspace import LEVELS, start, student_file, workspace_dir

DESCRIPTION = """\
Graded exercises: you write a forward and backward pass, the grader checks it and says what is wrong.
Every exercise has two levels: guided (the stub gives the backward pass's equations) and derive (the
stub gives the model and the cost only; you derive the gradient).

  python -m npae.exercises list                        every exercise and its lesson
  python -m npae.exercises start NAME [--derive]       copy a stub into your workspace (never overwrites)
  python -m npae.exercises check NAME [--derive]       grade your copy; exit code 0 only when it passes
  python -m npae.exercises status                      both levels of every exercise
  python -m npae.exercises train sparse_autoencoder_cost   train your cost, draw your filters

In a notebook: from npae.exercises import check; check("sparse_autoencoder_cost")
"""


def _status(name, level):
    path = student_file(name, level)
    return grade(name, path).status if path.exists() else NOT_STARTED


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
    parser = argparse.ArgumentParser(prog="python -m npae.exercises", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every exercise and its lesson")
    p = commands.add_parser("start", help="copy an exercise's stub into your workspace (never overwrites)")
    p.add_argument("name", choices=sorted(EXERCISES))
    p.add_argument("--derive", action="store_true", help="the derive level: the model and the cost only")
    p = commands.add_parser("check", help="grade your copy (or --path FILE); exit code 0 only when it passes")
    p.add_argument("name", choices=sorted(EXERCISES))
    p.add_argument("--derive", action="store_true", help="grade your derive-level copy")
    p.add_argument("--path", type=Path, help="grade this file instead of your workspace copy")
    commands.add_parser("status", help="both levels of every exercise: not started / failing / passing")
    p = commands.add_parser("train", help="train your sparse_autoencoder_cost with L-BFGS on natural-image patches")
    p.add_argument("name", choices=["sparse_autoencoder_cost"])
    p.add_argument("--path", type=Path, help="the file to train (default: your workspace copy)")
    p.add_argument("--derive", action="store_true", help="train your derive-level copy")
    p.add_argument("--patches", type=int, default=10000, help="number of 8x8 patches (default 10000)")
    p.add_argument("--maxiter", type=int, default=400, help="L-BFGS iterations (default 400)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--figure", type=Path, help="where to save the filters (PNG)")
    p.add_argument("--force", action="store_true", help="train even if the file does not pass the grader")
    commands.add_parser("generate-stubs", help="(course authors) regenerate the stubs and the book's exercises "
                                               "page from the solutions")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, exercise in EXERCISES.items():
            print(f"{name:26s} {exercise.lesson}")
    elif args.command == "start":
        level = "derive" if args.derive else "guided"
        path, created = start(args.name, level)
        print(path)
        option = " --derive" if args.derive else ""
        if created:
            print(f"Started {args.name} ({level} level): edit that file, then run "
                  f"`python -m npae.exercises check {args.name}{option}`.")
        else:
            print("That file exists already and was left as it is.")
    elif args.command == "check":
        level = "derive" if args.derive else None
        return 0 if check(args.name, args.path, level=level).passed else 1
    elif args.command == "status":
        print(f"workspace: {workspace_dir()}")
        print(f"{'exercise':26s} {'guided':12s} {'derive':12s} lesson")
        for name, exercise in EXERCISES.items():
            guided, derive = (_status(name, level) for level in LEVELS)
            print(f"{name:26s} {guided:12s} {derive:12s} {exercise.lesson}")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
