"""What every lesson shares: its options, its data, its figures, the results it states and its clock.

A lesson (``lessons/NN_name.py``, a plain script and a jupytext percent-format notebook) starts with::

    from npae.course import Lesson
    lesson = Lesson(__doc__, name="12_contractive_autoencoder", needs=("fashion-mnist",))
    QUICK = lesson.quick

``needs`` declares the data sets the lesson's full mode reads. Without them a full run stops at once, in one
line that gives the command installing them, with exit status 2 (quick mode runs on the Fashion-MNIST subset
bundled with npae). The lesson then uses four methods:

- ``lesson.show(fig, "03_filters")``: writes ``03_filters.png`` to the figures folder (``--out``) and, inside
  Jupyter, shows the figure inline under the cell. Lessons draw with pyplot or with :mod:`npae.plotting` and
  never call ``matplotlib.use``: as a script without a display, matplotlib picks a non-interactive
  backend by itself.
- ``lesson.expect("final loss", value, quick=(lo, hi), full=(lo, hi))``: every number a lesson's text
  discusses comes from the run through this call. It prints the value beside the range expected in the
  mode that runs, records it, and — in quick mode, which the test suite runs — raises
  :class:`ExpectationError` when the value is outside. In full mode a miss is printed and recorded
  (``NN_results.json`` in the figures folder), and ``python -m npae.course verify`` turns misses into a
  failing table. A result with a ``full`` range and no ``quick`` one is a full-mode claim that a quick run is
  too small to show: its line says so, and the lesson's text says what the quick run shows instead.
- ``lesson.fashion_mnist(split)``: the full Fashion-MNIST split, or in quick mode the bundled subset
  when the full set is not installed (one printed line says which was used).
- ``lesson.stamp("text")``: a progress line with the seconds since the lesson started.

Options: ``--quick`` (or ``NPAE_QUICK=1``) runs small sizes and few iterations, so that the test suite
can run every lesson top to bottom in seconds; numbers printed in quick mode are checks that the code
runs and learns, not the lesson's results. ``--out DIR`` (or ``NPAE_FIGURES``) is where figures and
results go: by default the repository's ``figures/``, for a script and a notebook alike
(:func:`npae.scripting.lesson_options`).
"""

import argparse
import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from npae.checks import check_choice, check_real, check_sequence
from npae.scripting import lesson_options, shown_path

__all__ = ["Lesson", "ExpectationError", "lesson_options", "in_notebook"]

#: What ``Lesson(needs=...)`` accepts: each data set's name in print, and the command that installs it.
NEEDS = {
    "fashion-mnist": ("the full Fashion-MNIST",
                      "sudo apt-get install dataset-fashion-mnist (or: python data_scripts/fetch_fashion_mnist.py)"),
    "mnist": ("MNIST", "python data_scripts/fetch_mnist.py (needs the internet)"),
}

#: The exit status of a lesson that cannot run in full mode because a data set it needs is missing.
EXIT_MISSING_DATA = 2


class ExpectationError(AssertionError):
    """A lesson's result fell outside the range its text states for the mode it runs in."""


def in_notebook():
    """True when the code runs inside a Jupyter (IPython) kernel, where figures can be shown inline."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def missing_data(needs):
    """The data sets of ``needs`` that cannot be found (:func:`npae.data.digits.available`), in order."""
    from npae.data.digits import available

    return [name for name in needs if not available(name)]


def missing_data_line(stem, missing):
    """The one line a lesson prints when its full mode cannot run: what is missing and the command to get it."""
    what = " and ".join(NEEDS[name][0] for name in missing)
    how = "; ".join(NEEDS[name][1] for name in missing)
    return (f"{stem}: full mode needs {what}, which is not installed: {how}. "
            f"Or run it with --quick, on the subset bundled with npae.")


def declared_needs(path):
    """The data sets a lesson file declares in its ``Lesson(..., needs=(...))`` line, read without running it.

    Parameters
    ----------
    path : str or os.PathLike
        A lesson file.

    Returns
    -------
    tuple of str
        Empty when the lesson declares none (or constructs no :class:`Lesson`).
    """
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Lesson":
            for keyword in node.keywords:
                if keyword.arg == "needs":
                    return tuple(ast.literal_eval(keyword.value))
    return ()


def _check_needs(needs):
    needs = check_sequence("needs", needs, "data set names")
    for name in needs:
        if not isinstance(name, str) or name not in NEEDS:
            raise ValueError(f"needs must list data set names among {sorted(NEEDS)}, got {name!r}")
    return tuple(needs)


class Lesson:
    """One run of a lesson: its mode, the data it needs, where its figures go, and the results it has stated.

    Parameters
    ----------
    description : str
        The lesson's module docstring (its first line names the lesson in ``--help``).
    argv : list of str, optional
        Arguments instead of ``sys.argv[1:]`` (tests use this).
    name : str, optional
        The lesson's file stem, e.g. ``"03_sparse_autoencoder"``; by default taken from the script's
        file name (``__main__``), or ``"lesson"`` inside a notebook.
    needs : sequence of str
        Data sets that full mode reads: ``"fashion-mnist"`` (the full set), ``"mnist"``. When one is
        missing, a full run prints one line with the command that installs it and exits with status 2
        (``SystemExit``) before doing anything else. Quick mode needs none of them.

    Attributes
    ----------
    quick : bool
    out : pathlib.Path
    results : list of dict
        One entry per :meth:`expect` call: name, value, the expected range, whether it was met.

    Raises
    ------
    SystemExit
        With status 2, in full mode, when a data set of ``needs`` is not installed.
    """

    def __init__(self, description=None, argv=None, name=None, needs=()):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {type(name).__name__}")
        if name is not None and (not name.strip() or "/" in name):
            raise ValueError(f"name must be the lesson's file stem such as '03_sparse_autoencoder', or None, "
                            f"got {name!r}")
        needs = _check_needs(needs)
        options = lesson_options(description, argv)
        self.quick, self.out, self.needs = options.quick, options.out, needs
        if name is None:
            main = sys.modules.get("__main__")
            main_file = getattr(main, "__file__", None)
            name = Path(main_file).stem if main_file and not in_notebook() else "lesson"
        self.name = name
        self.mode = "quick" if self.quick else "full"
        self.results = []
        self._start = time.perf_counter()
        missing = [] if self.quick else missing_data(needs)
        if missing:
            print(missing_data_line(self.name, missing), file=sys.stderr, flush=True)
            raise SystemExit(EXIT_MISSING_DATA)
        print(f"{self.name}: {self.mode} mode; figures and results go to {shown_path(self.out)}/", flush=True)

    # ------------------------------------------------------------------ figures
    def show(self, fig, name):
        """Save ``fig`` as ``<out>/<name>.png``; show it inline when running in Jupyter; close it.

        Prints ``figure: <path>``. Returns nothing, so that a cell ending in ``lesson.show(...)`` shows
        the figure and no echoed value.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            From pyplot (``plt.subplots``) or from :mod:`npae.plotting`.
        name : str
            File stem, conventionally starting with the lesson's number (``"03_filters"``).
        """
        from matplotlib.figure import Figure

        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"name must be a file stem such as '03_filters', got {name!r}")
        path = self.out / f"{name}.png"
        fig.savefig(path, dpi=fig.dpi)
        if in_notebook():
            # The PNG just written, shown as an image output: this does not depend on which matplotlib
            # backend or display formatter the kernel has set up (a Figure made without pyplot has none).
            from IPython.display import Image, display
            display(Image(data=path.read_bytes(), format="png"))
        import matplotlib.pyplot as plt
        plt.close(fig)                  # a pyplot figure would otherwise be shown a second time (and leak)
        print(f"figure: {shown_path(path)}", flush=True)

    # ------------------------------------------------------------------ results
    def expect(self, name, value, *, quick=None, full=None, fmt=".4g", unit=""):
        """State a result the lesson discusses: print it, record it, check it against the expected range.

        Parameters
        ----------
        name : str
            What the number is ("final loss", "mean ρ̂", "test accuracy").
        value : float
        quick, full : (float, float), optional
            The range (inclusive) expected in quick and in full mode; None states no expectation for
            that mode (the number is printed and recorded only). ``full`` without ``quick`` is a
            full-mode claim: a quick run prints the full-mode range and says it is too small to show it
            (the lesson's text then says what the quick run shows instead; a test checks it does).
        fmt : str
            Format of the printed number.
        unit : str
            Printed after the number ("s", "dB", "°").

        Returns
        -------
        float
            ``value``, so that a lesson can write ``loss = lesson.expect("final loss", model.loss(X), ...)``.

        Raises
        ------
        ExpectationError
            In quick mode, if ``value`` is outside ``quick`` (the test suite's check of the lesson).
        ValueError, TypeError
            If ``value`` is not a finite real number or a range is not (low, high) with low <= high.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a string naming the result, got {type(name).__name__}")
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()             # a 0-d array from a NumPy reduction
        value = check_real("value", value)
        bounds = quick if self.quick else full
        for label, rng in (("quick", quick), ("full", full)):
            if rng is not None and (len(rng) != 2 or not rng[0] <= rng[1]):
                raise ValueError(f"{label} must be a (low, high) range with low <= high, got {rng!r}")
        met = None if bounds is None else bool(bounds[0] <= value <= bounds[1])
        text = f"{value:{fmt}}{(' ' + unit) if unit else ''}"
        if bounds is None and self.quick and full is not None:
            line = (f"result  {name}: {text}   (full mode expects {full[0]:{fmt}} to {full[1]:{fmt}}; "
                    f"a quick run is too small to show it)")
        elif bounds is None:
            line = f"result  {name}: {text}"
        else:
            verdict = "as expected" if met else "OUTSIDE the expected range"
            line = (f"result  {name}: {text}   (expected {bounds[0]:{fmt}} to {bounds[1]:{fmt}} in {self.mode} "
                    f"mode: {verdict})")
        print(line, flush=True)
        self.results.append({"lesson": self.name, "mode": self.mode, "name": name, "value": value,
                             "expected": None if bounds is None else [float(bounds[0]), float(bounds[1])],
                             "met": met, "seconds": round(self.elapsed(), 1)})
        self._write_results()
        if met is False and self.quick:
            raise ExpectationError(f"{self.name}: {name} = {text} is outside the quick-mode range {bounds}")
        return value

    def _write_results(self):
        path = self.out / f"{self.name}_results.json"
        path.write_text(json.dumps({"lesson": self.name, "mode": self.mode, "seconds": round(self.elapsed(), 1),
                                    "results": self.results}, indent=1, ensure_ascii=False))

    # ------------------------------------------------------------------ data and time
    def fashion_mnist(self, split="train", dtype=np.float64):
        """Fashion-MNIST images in [0, 1] and labels: the full split, or the bundled subset in quick mode.

        Parameters
        ----------
        split : {"train", "test"}
        dtype : {numpy.float64, numpy.float32}

        Returns
        -------
        X : ndarray of shape (n_samples, 784), ``dtype``
        y : ndarray of shape (n_samples,), int64 class labels 0..9

        Raises
        ------
        FileNotFoundError
            In full mode, when the full set is not installed; the message says how to get it. (A lesson
            declares ``needs=("fashion-mnist",)``, so that it stops at its start instead.)
        """
        from npae.checks import check_float_dtype
        from npae.data.digits import SPLITS, available, load_fashion_mnist

        check_choice("split", split, tuple(SPLITS))
        dtype = check_float_dtype(dtype)           # checked before looking for any file
        if self.quick and not available("fashion-mnist"):
            return load_fashion_mnist(split, dtype=dtype, fallback="subset")
        return load_fashion_mnist(split, dtype=dtype)

    def elapsed(self):
        """Seconds since the lesson started (wall clock)."""
        return time.perf_counter() - self._start

    def stamp(self, text):
        """Print ``text`` after the seconds elapsed since the lesson started: a progress line.

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        print(f"[{self.elapsed():6.1f} s] {text}", flush=True)

    def done(self):
        """Print the lesson's wall time (the last line of every lesson) and record it."""
        self._write_results()
        print(f"{self.name} finished in {self.elapsed():.1f} s ({self.mode} mode)", flush=True)


#: The time budget of one lesson's full mode and of the whole course's, in seconds (README, issue 24).
LESSON_BUDGET, COURSE_BUDGET = 10 * 60, 60 * 60


def _minutes(seconds):
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def verify(lessons_dir=None, out=None, only=None, timeout=1800):
    """Run lessons in full mode, one after the other; print their results and each lesson's wall time.

    As each lesson ends, one line gives its wall time and outcome. At the end come two tables: every
    stated result (lesson, result, expected, measured, pass), then every lesson's wall time against the
    budget of 10 minutes, and the total against the course's 60 (the machine's load average is printed
    beside them: other work on the machine makes the same lesson slower). A lesson whose data set is
    missing prints its one line and counts as not run.

    Parameters
    ----------
    lessons_dir : str or Path, optional
        Default: the repository's ``lessons/``.
    out : str or Path, optional
        Where the runs write their figures and results (default: ``verify/`` in the figures folder).
    only : list of str, optional
        Lesson file stems or number prefixes to run (default: all).
    timeout : float
        Seconds allowed for one lesson.

    Returns
    -------
    int
        0 if every lesson ran and every stated result was in its full-mode range, else 1. A lesson over
        its time budget is marked in the table but does not change the status.
    """
    from npae.scripting import CHECKOUT, default_out

    lessons_dir = Path(lessons_dir) if lessons_dir is not None else (CHECKOUT or Path.cwd()) / "lessons"
    out = Path(out) if out is not None else default_out() / "verify"
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(Path(lessons_dir).glob("[0-9][0-9]_*.py"))
    if only:
        files = [f for f in files if any(f.stem == o or f.stem.startswith(o) for o in only)]
    if not files:
        raise ValueError(f"no lesson matches {only!r} in {lessons_dir}")
    env = {k: v for k, v in os.environ.items() if k not in ("NPAE_QUICK", "NPAE_FIGURES")}
    load_start = os.getloadavg()[0]
    print(f"verify: {len(files)} lessons in full mode, one at a time; figures and results go to "
          f"{shown_path(out)}/ (load average {load_start:.2f})", flush=True)
    status, rows, walls = 0, [], []
    for number, f in enumerate(files, 1):
        (out / f"{f.stem}_results.json").unlink(missing_ok=True)       # never report an earlier run's results
        start = time.perf_counter()
        try:
            run = subprocess.run([sys.executable, str(f), "--out", str(out)], capture_output=True, text=True,
                                 timeout=timeout, env=env)
            code, last = run.returncode, (run.stderr.strip().splitlines() or [""])[-1]
        except subprocess.TimeoutExpired:
            code, last = None, f"stopped after the timeout of {timeout:g} s"
        wall = time.perf_counter() - start
        results_file = out / f"{f.stem}_results.json"
        results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
        missed = [r for r in results if r["met"] is False]
        if code == EXIT_MISSING_DATA:
            outcome = f"not run: {last}"
        elif code != 0:
            outcome = f"FAILED ({'timeout' if code is None else f'exit {code}'}): {last}"
        else:
            outcome = f"{len(results)} results, {len(missed)} outside their range" if missed else \
                f"{len(results)} results, all as expected"
        status |= code != 0 or bool(missed)
        walls.append((f.stem, wall, code == 0 and not missed, outcome))
        for r in results:
            expected = "" if r["expected"] is None else f"{r['expected'][0]:.4g} .. {r['expected'][1]:.4g}"
            rows.append((f.stem, r["name"], expected, f"{r['value']:.4g}", "pass" if r["met"] is not False else "FAIL"))
        print(f"[{number:2d}/{len(files)}] {f.stem:40s} {_minutes(wall):>8s}  {outcome}", flush=True)
    if rows:
        print(f"\n{'lesson':36s} {'result':40s} {'expected':22s} {'measured':>10s}  pass")
        for lesson, name, expected, measured, ok in rows:
            print(f"{lesson:36s} {name[:40]:40s} {expected:22s} {measured:>10s}  {ok}")
    total = sum(w for _, w, _, _ in walls)
    print(f"\n{'lesson':40s} {'wall (m:s)':>10s}  budget {LESSON_BUDGET // 60} min   outcome")
    for stem, wall, ok, outcome in walls:
        budget = "within" if wall <= LESSON_BUDGET else "OVER"
        print(f"{stem:40s} {_minutes(wall):>10s}  {budget:16s}  {'ok' if ok else outcome}")
    budget = "within" if total <= COURSE_BUDGET else "OVER"
    print(f"{'total':40s} {_minutes(total):>10s}  {budget} the course's {COURSE_BUDGET // 60} min   "
          f"(load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end)", flush=True)
    return int(status)


def main(argv=None):
    """``python -m npae.course verify [LESSON ...]``: run lessons in full mode, check their stated results and
    print each lesson's wall time and the total.

    Returns the exit status: 0 when every lesson ran and met every full-mode expectation.
    """
    parser = argparse.ArgumentParser(prog="python -m npae.course",
                                     description="Run the lessons in full mode, check every stated result and "
                                                 "time each lesson.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="run lessons in full mode; print each result and each lesson's wall time")
    v.add_argument("lessons", nargs="*", help="lesson stems or number prefixes (default: all)")
    v.add_argument("--out", default=None, help="where figures and results go (default: figures/verify/)")
    v.add_argument("--lessons-dir", default=None, help="default: the repository's lessons/")
    v.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one lesson (default 1800)")
    args = parser.parse_args(argv)
    try:
        return verify(args.lessons_dir, args.out, args.lessons or None, timeout=args.timeout)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())


# ====================================================================== shared lesson code
# Helpers that several lessons use, written once here instead of copied into each lesson.

def ufldl_sparse_layer(n_hidden, *, weight_decay=3e-3, rho=0.1, beta=3.0, dtype=np.float32):
    """A factory ``make(n_visible, rng) -> Autoencoder`` for UFLDL's sparse autoencoder on MNIST-sized data.

    UFLDL's MNIST values (exercises *Vectorization*, *Self-Taught Learning*, *Stacked Autoencoders*):
    sigmoid code and decoder, squared error, weight decay λ = 3·10⁻³, KL sparsity ρ = 0.1, β = 3. The
    returned callable is what :class:`npae.training.stacking.Layer` expects as ``make``.

    Parameters
    ----------
    n_hidden : int
    weight_decay, rho, beta : float
    dtype : {numpy.float64, numpy.float32}

    Returns
    -------
    callable ``make(n_visible, rng)`` returning an :class:`npae.models.autoencoder.Autoencoder`.
    """
    from npae.core.penalties import KLSparsity, WeightDecay
    from npae.models.autoencoder import Autoencoder

    def make(n_visible, rng):
        return Autoencoder(n_visible, n_hidden, penalties=[WeightDecay(weight_decay), KLSparsity(rho=rho, beta=beta)],
                           rng=rng, dtype=dtype)

    return make


def validation_split(X, y, n_validation, rng):
    """Carve a validation set out of a training set: a random ``n_validation`` rows, the rest for training.

    The validation set is where a lesson makes its choices (an epoch, a setting); the test set is scored
    once, at the end.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or None
    n_validation : int, 1 <= n_validation < n_samples
    rng : numpy.random.Generator

    Returns
    -------
    X_train, y_train, X_val, y_val
        ``y_train`` and ``y_val`` are None when ``y`` is None.
    """
    n = len(X)
    if not 1 <= int(n_validation) < n:
        raise ValueError(f"n_validation must be in [1, {n - 1}], got {n_validation!r}")
    order = rng.permutation(n)
    train, val = order[int(n_validation):], order[:int(n_validation)]
    if y is None:
        return X[train], None, X[val], None
    return X[train], y[train], X[val], y[val]
