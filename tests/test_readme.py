"""Every ```python block of README.md runs as written, each in a fresh interpreter, and the README names
only files that exist in the repository."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i + 1}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(code, tmp_path):
    # A fresh interpreter in an empty directory, importing this checkout's npae, without a display.
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"README block failed:\n{code}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"


def test_readme_names_only_files_in_the_repository():
    # Paths in backquotes or links that look like repository files: they must exist.
    candidates = set(re.findall(r"`((?:npae|lessons|data_scripts|docs|tests|benchmarks|\.ci)/[^`\s]*)`", README))
    candidates |= set(re.findall(r"\]\(((?!https?:)[^)]+)\)", README))
    candidates |= {"LICENSE"} if "`LICENSE`" in README else set()
    missing = [c for c in sorted(candidates)
               if "NN_" not in c and "*" not in c and not (ROOT / c.rstrip("/")).exists()]
    assert not missing, f"README names files that are not in the repository: {missing}"
    assert "/work/" not in README and "design card" not in README


def test_the_lesson_table_lists_exactly_the_lessons():
    listed = re.findall(r"^\| `(\d\d_\w+\.py)` \|", README, flags=re.M)
    present = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    assert listed == present


def test_every_table_row_has_as_many_cells_as_its_header():
    # A row with a cell missing shifts every later column (the lesson table's data and time columns).
    cells = lambda line: len(re.findall(r"(?<!\\)\|", line)) - 1                 # "\|" is a pipe inside a cell
    bad, header = [], None
    for number, line in enumerate(README.splitlines(), 1):
        if not line.startswith("|"):
            header = None
        elif header is None:
            header = cells(line)
        elif cells(line) != header:
            bad.append((number, cells(line), header, line[:60]))
    assert not bad, f"table rows whose cell count differs from their header's (line, cells, header): {bad}"
