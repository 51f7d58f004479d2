"""Lessons never rot: every ``lessons/NN_*.py`` runs top to bottom in quick mode, checks the results it states
(``Lesson.expect``) and, executed as a Jupyter notebook, shows its figures inline — once, as a notebook, in the
default run (the same run as a plain script is marked slow: ``.ci/run`` runs it in its own pass). A lesson
whose full mode needs a data set declares it and, without it, says so in one line at its start (exit 2).
A lesson whose quick run is too small to show a result its text describes says what the quick run shows."""

import ast
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from npae.course import EXIT_MISSING_DATA, NEEDS, declared_needs

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
# A path of the machine that ran the lesson: never in what a lesson prints (the book shows it to every reader).
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:tmp|home|root|work|usr|var|Users|private)/|" + re.escape(str(ROOT)))


def quick_env(cwd):
    # PYTHONPATH: the checkout's npae, also when it is not installed. No MPLBACKEND: a lesson must run
    # without a display and without being told which backend to use. NPAE_FIGURES relative, as the book
    # sets it: the lesson then prints "figures/..." and no path of this machine.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.pop("DISPLAY", None)
    env.update({"NPAE_QUICK": "1", "NPAE_FIGURES": "figures",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    return env


def check_stated_results(lesson, out, text):
    """What a quick run must leave behind: figures, its stated results all met, its closing line."""
    assert list(out.glob(f"{lesson.stem[:2]}_*.png")), f"{lesson.name} wrote no figure"
    results = out / f"{lesson.stem}_results.json"
    assert results.exists(), f"{lesson.name} states no result through Lesson.expect"
    stated = json.loads(results.read_text())["results"]
    assert stated, f"{lesson.name} states no result through Lesson.expect"
    assert all(r["met"] is not False for r in stated), stated
    assert f"{lesson.stem} finished in" in text, "the lesson must end with lesson.done()"
    assert not MACHINE_PATH.search(text), f"{lesson.name} prints a path of this machine: " \
        f"{MACHINE_PATH.search(text).group(0)!r} in ...{text[max(0, MACHINE_PATH.search(text).start() - 80):][:200]}"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_as_a_script_in_quick_mode_and_meets_its_expectations(lesson, tmp_path):
    result = subprocess.run([sys.executable, str(lesson), "--quick"], cwd=tmp_path, env=quick_env(tmp_path),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    check_stated_results(lesson, tmp_path / "figures", result.stdout)


def run_notebook(lesson, cwd, monkeypatch):
    """Execute the lesson as Jupyter executes it (jupytext, then nbclient on an ipykernel) in ``cwd``."""
    jupytext = pytest.importorskip("jupytext", reason="jupytext is in the test extra: pip install -e .[test]")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra: pip install -e .[test]")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra: pip install -e .[test]")
    from jupyter_client.manager import KernelManager

    for key, value in quick_env(cwd).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = jupytext.read(lesson, fmt="py:percent")
    # IPC transport (Unix sockets in cwd) rather than TCP on 127.0.0.1: the kernel then has nothing to warn
    # about ("Kernel is running over TCP without encryption"), and no port is opened.
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(cwd / "kernel"))
    client = nbclient.NotebookClient(notebook, km=kernel, timeout=600, resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return notebook


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_as_a_notebook_runs_in_quick_mode_and_shows_its_figures_inline(lesson, tmp_path, monkeypatch):
    notebook = run_notebook(lesson, tmp_path, monkeypatch)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{lesson.name} executed as a notebook shows no figure inline"
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    shown = text.count("figure: ")
    assert len(images) >= shown, f"{lesson.name}: {shown} figures saved but only {len(images)} shown inline"
    # A cell ending in lesson.expect(...) shows the number it just printed (Jupyter's way; the book drops it);
    # any other value a cell's last line returns (a path, an OptimizeResult) is noise in the notebook.
    echoed = [o["data"].get("text/plain", "")[:80] for cell in notebook.cells[1:] if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
    noise = [e for e in echoed if not re.fullmatch(r"-?[\d.e+-]+|nan|inf", e.strip())]
    assert not noise, f"{lesson.name}: cells show the value of their last line: {noise}"
    check_stated_results(lesson, tmp_path / "figures", text)


# ---------------------------------------------------------------- a lesson says what its full mode needs
def lesson_start(path):
    """The lesson's source up to and including its ``lesson = Lesson(...)`` statement."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Lesson" for n in ast.walk(node)):
            return "\n".join(source.splitlines()[:node.end_lineno]) + "\n"
    raise AssertionError(f"{path.name} constructs no Lesson")


def test_no_markdown_heading_inside_a_code_cell():
    """A "# ## What to look for" left after a code cell's last line is a code comment, not prose: the book shows it
    as code and the Chinese edition cannot translate it. Every heading starts a markdown cell."""
    import jupytext
    wrong = [(lesson.name, line) for lesson in LESSONS for cell in jupytext.read(lesson).cells
             if cell.cell_type == "code" for line in cell.source.splitlines() if re.match(r"# #{1,4} \S", line)]
    assert not wrong, f"headings inside code cells (put '# %% [markdown]' before them): {wrong}"


def test_every_lesson_reading_fashion_mnist_declares_it():
    wrong = [lesson.name for lesson in LESSONS
             if ("fashion-mnist" in declared_needs(lesson)) != ("lesson.fashion_mnist(" in lesson.read_text("utf-8"))]
    assert not wrong, (f"{wrong}: a lesson that calls lesson.fashion_mnist declares it in its Lesson line, "
                       f"Lesson(__doc__, ..., needs=(\"fashion-mnist\",)), and only such a lesson")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_full_mode_without_its_data_says_so_in_one_line(lesson, tmp_path, monkeypatch, capsys):
    """The lesson's start (its imports and its Lesson line) in full mode, on a machine without any data set:
    one line naming the command that installs what is missing, exit status 2, no traceback."""
    from npae.data.digits import available

    for name in ("NPAE_QUICK", "MPLBACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NPAE_NO_SYSTEM_DATA", "1")
    monkeypatch.setenv("NPAE_DATA", str(tmp_path / "no-data"))
    monkeypatch.setenv("NPAE_FIGURES", "figures")
    monkeypatch.chdir(tmp_path)
    needs = declared_needs(lesson)
    if any(available(name) for name in needs):
        pytest.skip(f"{needs} found although hidden: a data/ folder in this checkout?")
    monkeypatch.setattr(sys, "argv", [str(lesson)])
    code = compile(lesson_start(lesson), str(lesson), "exec")
    import matplotlib
    import numpy as np

    # in this process, so NumPy's print options and matplotlib's settings are restored afterwards
    with np.printoptions(**np.get_printoptions()), matplotlib.rc_context(), \
            (pytest.raises(SystemExit) if needs else contextlib.nullcontext()) as stopped:
        exec(code, {"__name__": "__main__", "__file__": str(lesson)})
    out, err = capsys.readouterr()
    if not needs:
        assert out.startswith(f"{lesson.stem}: full mode;") and not err, (out, err)
        return
    lines = (out + err).strip().splitlines()
    assert stopped.value.code == EXIT_MISSING_DATA and len(lines) == 1, (stopped.value.code, lines)
    for name in needs:
        assert NEEDS[name][1] in lines[0], lines[0]


# ---------------------------------------------------------------- quick mode and text agree
def full_only_claims(path):
    """Line numbers of the ``lesson.expect`` calls with a full-mode range and no quick-mode one."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "expect":
            keywords = {k.arg: k.value for k in node.keywords}
            quick = keywords.get("quick")
            if "full" in keywords and (quick is None or (isinstance(quick, ast.Constant) and quick.value is None)):
                lines.append(node.lineno)
    return lines


def markdown_around(path, line):
    """The lesson's markdown from the cell just before ``line`` to the end (jupytext percent format)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = max((n for n, source in enumerate(lines[:line], 1) if source.startswith("# %% [markdown]")), default=1)
    text, inside = [], False
    for source in lines[start - 1:]:
        if source.startswith("# %%"):
            inside = "[markdown]" in source
        elif inside:
            text.append(source[2:] if source.startswith("# ") else "")
    return " ".join(text)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_full_mode_claim_comes_with_what_quick_mode_shows(lesson):
    """A result stated for full mode only (quick=None) is one a quick run cannot show: the text around it (the
    markdown just before it, or after it: its "What to look for") says what the quick run shows instead."""
    claims = full_only_claims(lesson)
    if not claims:
        return
    assert re.search(r"(?i)\bquick (mode|run)", markdown_around(lesson, min(claims))), (
        f"{lesson.name}: lesson.expect(...) on line {min(claims)} states a full-mode result only; the markdown "
        "just before it or after it must say what a quick run shows instead (a sentence with 'quick mode')")


def test_the_full_mode_claim_finder_sees_them():
    sample = ROOT / "lessons" / "12_contractive_autoencoder.py"
    assert full_only_claims(sample), "lesson 12 states full-mode-only results (its SAT comparison)"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_the_lesson_shape(lesson):
    jupytext = pytest.importorskip("jupytext", reason="jupytext is in the test extra: pip install -e .[test]")
    notebook = jupytext.read(lesson, fmt="py:percent")
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 2 and kinds.count("code") >= 2, kinds
    text = lesson.read_text()
    assert "matplotlib.use(" not in text, "lessons never choose a backend: npae.course.Lesson.show displays"
    assert "savefig(" not in text, "figures go through lesson.show(fig, name)"
    for heading in ("**What you will learn:**", "**Prerequisites:**", "## Results", "## Exercises",
                    "## Further reading"):
        assert heading in text, f"{lesson.name} lacks {heading!r}"


def test_lesson_numbers_are_unique_and_titles_match():
    numbers = [p.name[:2] for p in LESSONS]
    assert len(numbers) == len(set(numbers)), numbers
    for p in LESSONS:
        assert f"# # {p.name[:2]} · " in p.read_text(), f"{p.name}: its title must read '# # {p.name[:2]} · ...'"


def test_there_are_lessons():
    assert len(LESSONS) >= 20


def test_verify_prints_each_lesson_s_wall_time_and_the_total(tmp_path, monkeypatch, capsys):
    """``python -m npae.course verify`` on two tiny lessons: one that states a result, one whose data is missing."""
    from npae.course import verify
    from npae.data.digits import available

    monkeypatch.setenv("NPAE_NO_SYSTEM_DATA", "1")
    monkeypatch.setenv("NPAE_DATA", str(tmp_path / "no-data"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("NPAE_QUICK", "1")                   # verify runs full mode whatever the environment says
    monkeypatch.chdir(tmp_path)
    if available("fashion-mnist"):
        pytest.skip("the full Fashion-MNIST is found although hidden: a data/ folder in this checkout?")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01_states.py").write_text('from npae.course import Lesson\nlesson = Lesson("x", name="01_states")\n'
                                          'lesson.expect("a result", 1.5, quick=(5, 6), full=(1, 2))\nlesson.done()\n')
    (lessons / "02_needs.py").write_text('from npae.course import Lesson\n'
                                         'lesson = Lesson("x", name="02_needs", needs=("fashion-mnist",))\n')
    assert verify(lessons, tmp_path / "out") == 1                         # 02 could not run
    out = capsys.readouterr().out
    assert re.search(r"^01_states\s+a result\s+1 \.\. 2\s+1\.5\s+pass$", out, re.M), out
    assert re.search(r"^01_states\s+0:\d\d\.\d\s+within\s+ok$", out, re.M), out
    assert re.search(r"^02_needs\s+0:\d\d\.\d\s+within\s+not run: 02_needs: full mode needs the full Fashion-MNIST",
                     out, re.M), out
    assert re.search(r"^total\s+0:\d\d\.\d\s+within the course's 60 min", out, re.M), out
