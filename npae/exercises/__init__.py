"""Exercises: the student writes the backward passes, the grader checks them and says what is wrong.

Every exercise has two levels. The *guided* stub states the model, the cost and the backward pass's
equations; the *derive* stub states the model and the cost only, and the student derives the gradient.
Workflow (a terminal; the same works in a notebook cell through :func:`check`)::

    python -m npae.exercises list                                  # every exercise: name, lesson
    python -m npae.exercises start sparse_autoencoder_cost          # guided: workspace/sparse_autoencoder_cost.py
    python -m npae.exercises start sparse_autoencoder_cost --derive # derive: workspace/..._derive.py
    python -m npae.exercises check sparse_autoencoder_cost [--derive]   # grades your copy (exit 0 when passing)
    python -m npae.exercises status                                # both levels of every exercise
    python -m npae.exercises train sparse_autoencoder_cost          # trains YOUR cost with L-BFGS, draws YOUR filters

Each exercise is stated in its worked solution's docstring (``npae/exercises/solutions/``), from which both
stubs are generated (:mod:`npae.exercises.stubgen`). The grader (:mod:`npae.exercises.grader`) runs the
student's functions in a child process with a time limit (:mod:`npae.exercises.runner`), compares the
student's gradient with finite differences of the student's own loss and the outputs with the worked
solution's, then says what is wrong and which classic mistake (:mod:`npae.exercises.mistakes`) the outputs
match; every sentence it prints is in :mod:`npae.exercises.messages`.
"""

from npae.exercises.grader import Report, check, grade
from npae.exercises.specs import EXERCISES
from npae.exercises.workspace import start, student_file, workspace_dir

__all__ = ["EXERCISES", "Report", "check", "grade", "start", "student_file", "workspace_dir"]
