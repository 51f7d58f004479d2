"""Lessons never rot: every ``lessons/NN_*.py`` runs top to bottom as a plain script in quick mode,
and reads as a jupytext percent-format notebook with markdown cells."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_in_quick_mode(lesson, tmp_path):
    # PYTHONPATH: the checkout's npae, also when it is not installed.
    env = {**os.environ, "MPLBACKEND": "Agg", "NPAE_QUICK": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, str(lesson), "--quick", "--out", str(tmp_path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert list(tmp_path.glob("*.png")), f"{lesson.name} wrote no figure"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_is_a_percent_format_notebook(lesson):
    jupytext = pytest.importorskip("jupytext", reason="jupytext is in the test extra: pip install -e .[test]")
    notebook = jupytext.read(lesson, fmt="py:percent")
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 2 and kinds.count("code") >= 2, kinds


def test_there_are_lessons():
    assert len(LESSONS) >= 1
