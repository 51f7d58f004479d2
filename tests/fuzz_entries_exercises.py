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
                    "time_limit": A("real", minimum=0, open_minimum=True), "lang": A("choice", optional=True)}
            if fname == "check":
                args["verbose"] = A("bool")
            ENTRIES[f"{prefix}.{fname}"] = Entry(build, args, raises=(FileNotFoundError,))
    for prefix in ("npae.exercises", "npae.exercises.workspace"):
        def build(rng, prefix=prefix):
            return getattr(importlib.import_module(prefix), "student_file"), {"name": "autoencoder_backprop",
                                                                             "level": "derive"}, []
        ENTRIES[f"{prefix}.student_file"] = Entry(build, {"name": A("choice"), "level": A("choice")})

    # The languages (npae/exercises/i18n.py, tests/test_exercises_zh.py): the public choices are checked by
    # normalise (every lang= goes through it); the rest is the catalogue's machinery.
    def build_normalise(rng):
        from npae.exercises.i18n import normalise
        return normalise, {"lang": "zh"}, []
    ENTRIES["npae.exercises.i18n.normalise"] = Entry(build_normalise, {"lang": A("choice")})
    for dotted in ("translation", "language"):
        def build(rng, dotted=dotted):
            return getattr(importlib.import_module("npae.exercises.i18n"), dotted), {"lang": "zh"}, []
        ENTRIES[f"npae.exercises.i18n.{dotted}"] = Entry(build, {"lang": A("choice", optional=True)})

    def build_stub_text(rng):
        from npae.exercises.workspace import stub_text
        return stub_text, {"name": "autoencoder_backprop", "level": "derive", "lang": "zh"}, []
    ENTRIES["npae.exercises.workspace.stub_text"] = Entry(build_stub_text, {"name": A("choice"), "level": A("choice"),
                                                                            "lang": A("choice", optional=True)})
    for dotted, note in (
            ("npae.exercises.i18n.available", "no arguments"),
            ("npae.exercises.i18n.current", "no arguments"),
            ("npae.exercises.i18n.translations", "a message of the catalogue, given by npae's own code"),
            ("npae.exercises.i18n.gettext_", "a message of the catalogue, given by npae's own code"),
            ("npae.exercises.i18n.ngettext_", "messages of the catalogue and a count, given by npae's own code"),
            ("npae.exercises.i18n.N_", "marks a message for extraction; returns it unchanged"),
            ("npae.exercises.stubgen.header_fields", "a helper of translate_stub: the name and level of a stub"),
            ("npae.exercises.i18n.stub_messages", "a stub's source, read by the catalogue's extraction"),
            ("npae.exercises.i18n.translate_stub", "a stub npae generated, translated by stub_text and start"),
            ("npae.exercises.i18n.extract_stub", "Babel's extraction method: Babel calls it with a stub's file"),
            ("npae.exercises.catalogue.po_file", "a course author's tool: a language of the catalogue"),
            ("npae.exercises.catalogue.languages", "no arguments"),
            ("npae.exercises.catalogue.extract", "no arguments"),
            ("npae.exercises.catalogue.update", "a course author's tool that rewrites npae/exercises/locale"),
            ("npae.exercises.catalogue.compiled", "a course author's tool: a language of the catalogue")):
        none_entry(dotted, note)
