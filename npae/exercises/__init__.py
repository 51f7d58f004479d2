"""Exercises: the student writes the backward passes, the grader checks them and says what is wrong.

Workflow (a terminal; the same works in a notebook cell through :func:`check`)::

    python -m npae.exercises list                         # every exercise: name, lesson, status
    python -m npae.exercises start sparse_autoencoder_cost   # copies the stub into workspace/, prints the path
    python -m npae.exercises check sparse_autoencoder_cost   # grades your copy (exit code 0 only when passing)
    python -m npae.exercises status                       # not started / failing / passing, for every exercise
    python -m npae.exercises train sparse_autoencoder_cost   # trains YOUR cost with L-BFGS, draws YOUR filters

Each exercise is stated in its solution module's docstring (``npae/exercises/solutions/``), from which the
stub is generated (``npae/exercises/stubs/``). The grader (:mod:`npae.exercises.grader`) compares the
student's gradient with finite differences of the student's own loss, and loss and gradients with npae's
reference models, then localises the error and names the classic mistake
(:mod:`npae.exercises.mistakes`) whose outputs the student's match.
"""

from npae.exercises.grader import Report, check, grade
from npae.exercises.specs import EXERCISES
from npae.exercises.workspace import start, student_file, workspace_dir

__all__ = ["EXERCISES", "Report", "check", "grade", "start", "student_file", "workspace_dir"]
