"""What every lesson shares: its options, its figures, the results it states, its data and its clock.

A lesson (``lessons/NN_name.py``, a plain script and a jupytext percent-format notebook) starts with::

    from npae.course import Lesson
    lesson = Lesson(__doc__)                  # parses --quick and --out (ignores Jupyter's own arguments)
    QUICK = lesson.quick

and then uses four methods:

- ``lesson.show(fig, "03_filters")``: writes ``figures/03_filters.png`` (``--out``) and, inside Jupyter,
  shows the figure inline under the cell. Lessons draw with pyplot or with :mod:`npae.plotting` and
  never call ``matplotlib.use``: as a script without a display, matplotlib picks a non-interactive
  backend by itself.
- ``lesson.expect("final loss", value, quick=(lo, hi), full=(lo, hi))``: every number a lesson's text
  discusses comes from the run through this call. It prints the value beside the range expected in the
  mode that runs, records it, and — in quick mode, which the test suite runs — raises
  :class:`ExpectationError` when the value is outside. In full mode a miss is printed and recorded
  (``NN_results.json`` under ``--out``), and ``python -m npae.course verify`` turns misses into a failing
  table.
- ``lesson.fashion_mnist(split)``: the full Fashion-MNIST split, or in quick mode the bundled subset
  when the full set is not installed (one printed line says which was used).
- ``lesson.stamp("text")``: a progress line with the seconds since the lesson started.

Options: ``--quick`` (or ``NPAE_QUICK=1``) runs small sizes and few iterations, so that the test suite
can run every lesson top to bottom in seconds; numbers printed in quick mode are checks that the code
runs and learns, not the lesson's results. ``--out DIR`` (or ``NPAE_FIGURES``) is where figures and
results go (default ``figures/``).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from npae.checks import check_choice, check_real
from npae.scripting import _check_options_arguments

__all__ = ["Lesson", "ExpectationError", "lesson_options", "in_notebook"]


class ExpectationError(AssertionError):
    """A lesson's result fell outside the range its text states for the mode it runs in."""


def in_notebook():
    """True when the code runs inside a Jupyter (IPython) kernel, where figures can be shown inline."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def lesson_options(description=None, argv=None):
    """Parse the lesson options ``--quick`` and ``--out``.

    Parameters
    ----------
    description : str, optional
        Shown by ``--help`` (the lesson's module docstring; its first line is used).
    argv : list of str, optional
        Arguments to parse instead of ``sys.argv[1:]``. Unknown arguments are ignored
        (``parse_known_args``), so the same code runs inside Jupyter, whose kernel passes its own.

    Returns
    -------
    argparse.Namespace
        ``quick`` (bool) and ``out`` (pathlib.Path, an existing directory).

    Raises
    ------
    TypeError
        If ``description`` is not a string or None, or ``argv`` is not a list of strings or None.
    """
    argv = _check_options_arguments(description, argv)
    first_line = description.strip().splitlines()[0] if description and description.strip() else None
    parser = argparse.ArgumentParser(description=first_line)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few iterations (what the test suite runs)")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("NPAE_FIGURES", "figures")),
                        help="directory for the figures and results (default: figures/ or $NPAE_FIGURES)")
    options, _ = parser.parse_known_args(argv)
    options.quick = options.quick or os.environ.get("NPAE_QUICK") == "1"
    options.out.mkdir(parents=True, exist_ok=True)
    return options


class Lesson:
    """One run of a lesson: its mode, where its figures go, and the results it has stated.

    Parameters
    ----------
    description : str
        The lesson's module docstring (its first line names the lesson in ``--help``).
    argv : list of str, optional
        Arguments instead of ``sys.argv[1:]`` (tests use this).
    name : str, optional
        The lesson's file stem, e.g. ``"03_sparse_autoencoder"``; by default taken from the script's
        file name (``__main__``), or ``"lesson"`` inside a notebook.

    Attributes
    ----------
    quick : bool
    out : pathlib.Path
    results : list of dict
        One entry per :meth:`expect` call: name, value, the expected range, whether it was met.
    """

    def __init__(self, description=None, argv=None, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string or None, got {type(name).__name__}")
        if name is not None and (not name.strip() or "/" in name):
            raise ValueError(f"name must be the lesson's file stem such as '03_sparse_autoencoder', or None, "
                            f"got {name!r}")
        options = lesson_options(description, argv)
        self.quick, self.out = options.quick, options.out
        if name is None:
            main = sys.modules.get("__main__")
            main_file = getattr(main, "__file__", None)
            name = Path(main_file).stem if main_file and not in_notebook() else "lesson"
        self.name = name
        self.mode = "quick" if self.quick else "full"
        self.results = []
        self._start = time.perf_counter()
        print(f"{self.name}: {self.mode} mode; figures and results go to {self.out}/", flush=True)

    # ------------------------------------------------------------------ figures
    def show(self, fig, name):
        """Save ``fig`` as ``<out>/<name>.png``; show it inline when running in Jupyter; close it.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            From pyplot (``plt.subplots``) or from :mod:`npae.plotting`.
        name : str
            File stem, conventionally starting with the lesson's number (``"03_filters"``).

        Returns
        -------
        pathlib.Path
            The PNG written.
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
        print(f"figure: {path}", flush=True)
        return path

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
            that mode (the number is printed and recorded only).
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
        if bounds is None:
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
            In full mode, when the full set is not installed; the message says how to get it.
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


def verify(lessons_dir="lessons", out="figures/verify", only=None, timeout=1800):
    """Run every lesson in full mode and print a table of lesson, result, expected, measured, pass.

    Parameters
    ----------
    lessons_dir : str or Path
    out : str or Path
        Where the runs write their figures and results.
    only : list of str, optional
        Lesson file stems or number prefixes to run (default: all).
    timeout : float
        Seconds allowed for one lesson.

    Returns
    -------
    int
        0 if every lesson ran and every stated result was in its full-mode range, else 1.
    """
    import subprocess

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(Path(lessons_dir).glob("[0-9][0-9]_*.py"))
    if only:
        files = [f for f in files if any(f.stem == o or f.stem.startswith(o) for o in only)]
    if not files:
        raise ValueError(f"no lesson matches {only!r} in {lessons_dir}")
    status = 0
    rows = []
    for f in files:
        start = time.perf_counter()
        run = subprocess.run([sys.executable, str(f), "--out", str(out)], capture_output=True, text=True,
                             timeout=timeout)
        wall = time.perf_counter() - start
        results_file = out / f"{f.stem}_results.json"
        results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
        if run.returncode != 0:
            status = 1
            rows.append((f.stem, "(the lesson failed)", "", run.stderr.strip().splitlines()[-1:] or [""], "FAIL", wall))
        for r in results:
            ok = r["met"] is not False
            status |= not ok
            expected = "" if r["expected"] is None else f"{r['expected'][0]:.4g} .. {r['expected'][1]:.4g}"
            rows.append((f.stem, r["name"], expected, f"{r['value']:.4g}", "pass" if ok else "FAIL", wall))
        print(f"{f.stem}: exit {run.returncode}, {len(results)} results, {wall:.1f} s wall", flush=True)
    print(f"\n{'lesson':36s} {'result':40s} {'expected':22s} {'measured':>10s}  pass   wall")
    for lesson, name, expected, measured, ok, wall in rows:
        print(f"{lesson:36s} {name[:40]:40s} {expected:22s} {str(measured):>10s}  {ok:5s} {wall:6.1f} s")
    return status


def main(argv=None):
    """``python -m npae.course verify [LESSON ...]``: run lessons in full mode and check their stated results.

    Returns the exit status: 0 when every lesson ran and met every full-mode expectation.
    """
    parser = argparse.ArgumentParser(prog="python -m npae.course",
                                     description="Run the lessons in full mode and check every stated result.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="run lessons in full mode; print lesson, result, expected, measured, pass")
    v.add_argument("lessons", nargs="*", help="lesson stems or number prefixes (default: all)")
    v.add_argument("--out", default="figures/verify")
    v.add_argument("--lessons-dir", default="lessons")
    args = parser.parse_args(argv)
    return verify(args.lessons_dir, args.out, args.lessons or None)


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
