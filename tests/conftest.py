"""What every test module shares: the default run's budget, and workers that never meet.

- **The default run** (README's ``python -m pytest``) leaves out the tests marked ``slow`` (setup.cfg's
  ``-m "not slow"``); ``.ci/run`` runs them in a pass of their own (``python -m pytest -m slow``), so CI
  still runs everything. Most slow tests carry the mark where they are written; the few below are marked
  here, by name, each with the reason (so that the policy is in one place and their files stay as they are).
- **pytest-xdist** runs the suite on every core (setup.cfg's ``-n auto --dist worksteal``: an idle worker
  takes tests queued for the other; the longest tests start first). Each worker gets a temporary
  folder of its own (``tempfile.gettempdir()``, ``$TMPDIR``), so that tests writing fixed file names there
  (the bad-input table) never share a file, and one BLAS thread (the workers already fill the cores; two
  BLAS threads per worker would only compete). ``-n 0`` runs everything in one process, as before.
"""

import os
import shutil
import tempfile

import pytest

#: Tests left out of the default run although their files do not mark them: node id -> why.
SLOW = {
    "tests/test_gradcheck.py::test_every_case_passes_the_central_bar_and_fails_the_five_point_one":
        "reruns every gradient-check case with the two-point formula (about 40 s): a check of that formula's "
        "bar, not of a gradient (every gradient check itself runs by default, in tests/test_gradients.py)",
}


#: Node-id prefixes of the longest tests of the default run, started first so that the two workers finish
#: together (a minute-long test started last would leave one worker idle meanwhile). Order only: every test
#: is independent of the others.
LONGEST_FIRST = (
    "tests/test_gradients.py::test_gradient_matches_finite_differences[seed conv",
    "tests/test_lessons.py::test_lesson_as_a_notebook",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid in SLOW:
            item.add_marker(pytest.mark.slow(reason=SLOW[item.nodeid]))
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))      # stable: the rest keep their order


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    folder = tempfile.mkdtemp(prefix=f"npae-tests-{worker}-")
    config._npae_worker_tmp = folder
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"                          # the lessons' kernels and other subprocesses
    from threadpoolctl import threadpool_limits

    config._npae_blas_limit = threadpool_limits(limits=1)   # this worker, whatever it has imported already


def pytest_unconfigure(config):
    folder = getattr(config, "_npae_worker_tmp", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
