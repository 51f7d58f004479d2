"""Command line of the exercises: ``python -m npae.exercises {list,start,check,status,train,generate-stubs}``."""

import argparse
import sys
from pathlib import Path

from npae.checks import check_sequence
from npae.exercises.grader import NOT_STARTED, check, grade
from npae.exercises.specs import EXERCISES
from npae.exercises.workspace import start, student_file, workspace_dir


def _status(name):
    path = student_file(name)
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
    parser = argparse.ArgumentParser(prog="python -m npae.exercises", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every exercise: name, lesson, status")
    p = commands.add_parser("start", help="copy an exercise's stub into your workspace (never overwrites)")
    p.add_argument("name", choices=sorted(EXERCISES))
    p = commands.add_parser("check", help="grade your copy (or --path FILE); exit code 0 only when it passes")
    p.add_argument("name", choices=sorted(EXERCISES))
    p.add_argument("--path", type=Path, help="grade this file instead of your workspace copy")
    commands.add_parser("status", help="a table of every exercise: not started / failing / passing")
    p = commands.add_parser("train", help="train your sparse_autoencoder_cost with L-BFGS on natural-image patches")
    p.add_argument("name", choices=["sparse_autoencoder_cost"])
    p.add_argument("--path", type=Path, help="the file to train (default: your workspace copy)")
    p.add_argument("--patches", type=int, default=10000, help="number of 8x8 patches (default 10000)")
    p.add_argument("--maxiter", type=int, default=400, help="L-BFGS iterations (default 400)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--figure", type=Path, help="where to save the filters (PNG)")
    p.add_argument("--force", action="store_true", help="train even if the file does not pass the grader")
    commands.add_parser("generate-stubs", help="(course authors) regenerate npae/exercises/stubs from the solutions")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, exercise in EXERCISES.items():
            print(f"{name:26s} {exercise.lesson:48s} {_status(name)}")
    elif args.command == "start":
        path, created = start(args.name)
        print(path)
        if created:
            print(f"Started {args.name}: edit that file, then run `python -m npae.exercises check {args.name}`.")
        else:
            print("That file exists already and was left as it is.")
    elif args.command == "check":
        return 0 if check(args.name, args.path).passed else 1
    elif args.command == "status":
        print(f"workspace: {workspace_dir()}")
        print(f"{'exercise':26s} {'status':12s} lesson")
        for name, exercise in EXERCISES.items():
            print(f"{name:26s} {_status(name):12s} {exercise.lesson}")
    elif args.command == "train":
        from npae.exercises.training import train_sparse_autoencoder
        result = train_sparse_autoencoder(args.path, n_patches=args.patches, maxiter=args.maxiter, seed=args.seed,
                                          figure=args.figure, force=args.force)
        return 0 if result is not None else 1
    elif args.command == "generate-stubs":
        from npae.exercises.stubgen import generate
        for path in generate():
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
