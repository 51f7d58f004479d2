"""The exercises' entry points of the bad-input table (``tests/fuzz_entry_points.py``, issue 15), beyond those
the table registers itself (``_register_exercises``).

:func:`register` adds the student's functions of the derive-level stubs (templates that raise until the
exercise is done), the new arguments of ``grade``/``check``/``start``/``student_file`` (``level``,
``time_limit``), and the grader's machinery — the runner that executes a student's file, the import policy,
the report's sentences, the stub generator's helpers — which ``grade``, ``check`` and the command line call with
values they have checked (no user input reaches them unchecked), as notes.
"""

import importlib
import inspect

MACHINERY = ("npae.exercises.runner", "npae.exercises.imports", "npae.exercises.messages")
MACHINERY_NOTE = ("the grader's machinery (running the student's file, the import policy, the report's "
                  "sentences): called by grade(), check() and the command line with values they have checked")


def register(F):
    """Add the exercises' remaining entries to ``F.ENTRIES`` (``F``: the module ``tests/fuzz_entry_points.py``)."""
    A, Entry, ENTRIES, none_entry = F.Arg, F.Entry, F.ENTRIES, F.none_entry
    try:
        from npae.exercises.specs import EXERCISES
    except ImportError:                      # a checkout without the exercises package
        return
    for name in EXERCISES:
        stub = importlib.import_module(f"npae.exercises.stubs.{name}_derive")
        for function_name, value in vars(stub).items():
            if not function_name.startswith("_") and inspect.isfunction(value) and value.__module__ == stub.__name__:
                none_entry(f"{stub.__name__}.{function_name}",
                           "the student's template (derive level): raises NotImplementedError until the exercise "
                           "is done")
    public = F.public_entry_points()
    for module in MACHINERY:
        for dotted in sorted(n for n in public if n.startswith(module + ".")):
            none_entry(dotted, MACHINERY_NOTE)
    for dotted, note in (
            ("npae.exercises.grader.level_of", "reads the first line of a file grade() has checked exists"),
            ("npae.exercises.specs.difference", "compares the grader's own outputs (arrays it has built)"),
            ("npae.exercises.specs.Exercise.self_check", "runs inside the grader's child process on its own problems"),
            ("npae.exercises.specs.Exercise.solution", "no arguments"),
            ("npae.exercises.stubgen.exercises_page", "no arguments"),
            ("npae.exercises.stubgen.stub_name", "a maintainer's helper of generate(): the name and level it is "
                                                 "given are the solutions'")):
        none_entry(dotted, note)

    solution = str(importlib.import_module("npae.exercises.mistakes").solution_path("autoencoder_backprop"))
    for prefix in ("npae.exercises", "npae.exercises.grader"):
        for fname in ("check", "grade"):
            def build(rng, prefix=prefix, fname=fname):
                kwargs = {"name": "autoencoder_backprop", "path": solution, "level": "guided", "time_limit": 20.0}
                if fname == "check":
                    kwargs["verbose"] = False
                return getattr(importlib.import_module(prefix), fname), kwargs, []
            args = {"name": A("choice"), "path": A("path", optional=True), "level": A("choice", optional=True),
                    "time_limit": A("real", minimum=0, open_minimum=True)}
            if fname == "check":
                args["verbose"] = A("bool")
            ENTRIES[f"{prefix}.{fname}"] = Entry(build, args, raises=(FileNotFoundError,))
    for prefix in ("npae.exercises", "npae.exercises.workspace"):
        def build(rng, prefix=prefix):
            return getattr(importlib.import_module(prefix), "student_file"), {"name": "autoencoder_backprop",
                                                                             "level": "derive"}, []
        ENTRIES[f"{prefix}.student_file"] = Entry(build, {"name": A("choice"), "level": A("choice")})
