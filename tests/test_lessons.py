"""Lessons never rot: every ``lessons/NN_*.py`` runs top to bottom in quick mode as a plain script, checks
the results it states (``Lesson.expect``), and, executed as a Jupyter notebook, shows its figures inline."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))


def quick_env(out):
    # PYTHONPATH: the checkout's npae, also when it is not installed. No MPLBACKEND: a lesson must run
    # without a display and without being told which backend to use.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.pop("DISPLAY", None)
    env.update({"NPAE_QUICK": "1", "NPAE_FIGURES": str(out),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    return env


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_in_quick_mode_and_meets_its_expectations(lesson, tmp_path):
    result = subprocess.run([sys.executable, str(lesson), "--quick", "--out", str(tmp_path)],
                            cwd=tmp_path, env=quick_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert list(tmp_path.glob(f"{lesson.stem[:2]}_*.png")), f"{lesson.name} wrote no figure"
    results = tmp_path / f"{lesson.stem}_results.json"
    assert results.exists(), f"{lesson.name} states no result through Lesson.expect"
    stated = json.loads(results.read_text())["results"]
    assert stated, f"{lesson.name} states no result through Lesson.expect"
    assert all(r["met"] is not False for r in stated), stated
    assert f"{lesson.stem} finished in" in result.stdout, "the lesson must end with lesson.done()"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_as_a_notebook_shows_its_figures_inline(lesson, tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext", reason="jupytext is in the test extra: pip install -e .[test]")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra: pip install -e .[test]")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra: pip install -e .[test]")
    for key, value in quick_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = jupytext.read(lesson, fmt="py:percent")
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    images = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    assert images, f"{lesson.name} executed as a notebook shows no figure inline"
    shown = sum(output.get("text", "").count("figure: ") for cell in notebook.cells if cell.cell_type == "code"
                for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    assert len(images) >= shown, f"{lesson.name}: {shown} figures saved but only {len(images)} shown inline"
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


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
