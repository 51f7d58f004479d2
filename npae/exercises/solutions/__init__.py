"""The exercises' worked solutions: the single source from which :mod:`npae.exercises.stubs` is generated.

Each module states one exercise in its docstring (equations, shapes, normalisation, hints, the lesson it
belongs to). The code between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` is what the student writes;
:mod:`npae.exercises.stubgen` replaces it with ``raise NotImplementedError`` and keeps the ``# HINT`` lines.
"""
