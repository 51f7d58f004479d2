"""The grader on student files nobody wrote for it: each file of ``tests/wrong_solutions/`` is wrong in one way
(or correct but written differently from the worked solution), and its header says what the report must
say (``tests/wrong_solutions/README.md``). Besides what each header asks, every report must cite lines of
the student's file only, never show a traceback, and never pass a file whose header says it fails."""

import re
from pathlib import Path

import pytest

from npae.exercises import grade

FOLDER = Path(__file__).parent / "wrong_solutions"
FILES = sorted(FOLDER.glob("*.py"))
NPAE_FILES = ("specs.py", "grader.py", "runner.py", "mistakes.py", "messages.py", "<frozen")


def header(path):
    """The ``# key: value`` lines at the top of a file, as a dict of lists."""
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# ([a-z-]+): (.*)$", line)
        if not match:
            break
        fields.setdefault(match.group(1), []).append(match.group(2))
    return fields


def test_the_suite_covers_every_kind_of_wrong_file():
    kinds = {tuple(header(p).get("status", [""])) for p in FILES}
    assert ("passing",) in kinds and ("failing",) in kinds
    text = "\n".join(p.read_text(encoding="utf-8") for p in FILES)
    for needed in ("The loss is wrong, the gradients are right", "in place", "returned (gradient, loss)",
                   "keyed dW1", "syntax error", "raised ValueError", "did not finish", "Refused",
                   "Only the tied cases fail", "returned None"):
        assert needed in text, needed
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_report_says_what_the_header_says(path):
    fields = header(path)
    (exercise,), (status,) = fields["exercise"], fields["status"]
    time_limit = float(fields.get("time-limit", ["20"])[0])
    report = grade(exercise, path, time_limit=time_limit)
    text = report.text
    assert report.status == status, text
    for expected in fields.get("says", []):
        assert expected in text, f"missing {expected!r}\n{text}"
    for forbidden in fields.get("never", []):
        assert forbidden not in text, f"unexpected {forbidden!r}\n{text}"
    source = path.read_text(encoding="utf-8").splitlines()
    for cited in fields.get("says-line", []):
        number = next(i for i, line in enumerate(source, start=1) if cited in line and not line.startswith("#"))
        assert f"line {number}" in text, f"line {number} ({cited!r}) not cited\n{text}"
    for (mistake,) in [fields["mistake"]] if "mistake" in fields else []:
        assert report.mistake == (None if mistake == "none" else mistake), text
    assert "Traceback" not in text
    for number, rest in re.findall(r"\(line (\d+): (.{1,20})", text):        # every cited line is the file's
        assert 1 <= int(number) <= len(source), text
        assert source[int(number) - 1].strip().startswith(rest.rstrip(")")), \
            f"line {number} cited as {rest!r}, but the file has {source[int(number) - 1]!r}"
    for name in NPAE_FILES:
        assert name not in text.replace(str(path), ""), f"{name} appears in the report\n{text}"


def test_the_fresh_interpreter_transport_reports_as_the_fork_does():
    """Off Linux the student's code runs in a fresh interpreter (``python -m npae.exercises.runner``): the same
    results, the same time limit with the student's line."""
    import numpy as np

    from npae.exercises import runner
    from npae.exercises.mistakes import solution_path

    forked = runner._run_forked("tied_weights", solution_path("tied_weights"), 20.0)
    fresh = runner._run_interpreter("tied_weights", solution_path("tied_weights"), 20.0)
    assert fresh.load is None and fresh.timeout is None and len(fresh.outputs) == len(forked.outputs) == 3
    for a, b in zip(fresh.outputs, forked.outputs):
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    looping = runner._run_interpreter("autoencoder_backprop", FOLDER / "ae_infinite_loop.py", 1.0)
    source = (FOLDER / "ae_infinite_loop.py").read_text(encoding="utf-8").splitlines()
    assert looping.timeout is not None and "while error > 0" in source[looping.timeout.line - 1]
