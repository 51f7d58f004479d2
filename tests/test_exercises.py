"""The exercises: every solution passes the grader, every stub (both levels) is "not started", the stubs and the
book's exercises page are generated from the solutions, no derive stub gives the backward pass away, every
catalogued mistake injected into its solution is caught and named, and the command line, the workspace and
the lessons point at both levels."""

import re
from pathlib import Path

import pytest

from npae.exercises import EXERCISES, Report, check, grade
from npae.exercises.__main__ import main
from npae.exercises.imports import allowed_imports
from npae.exercises.mistakes import CATALOGUE, MISTAKES, mistakes_of, mutated_source, solution_path
from npae.exercises.stubgen import LEVELS, PAGE, STUBS, exercise_names, exercises_page, generate, make_stub, stub_name
from npae.exercises.workspace import start, stub_file

ROOT = Path(__file__).resolve().parent.parent

#: Text no derive stub may contain, whatever the exercise: the library's answers and the guided hints.
GENERIC_GIVEAWAYS = ("# HINT:", "BEGIN SOLUTION", "BEGIN DERIVE", "npae.Autoencoder", "npae.models", "npae.core.penalties",
                     "Backward pass", "[guided]", "[derive]", "[end]")


def test_the_course_has_at_least_eighteen_exercises_each_with_two_mistakes():
    assert len(EXERCISES) >= 18
    assert len(MISTAKES) == len(CATALOGUE), "two mistakes share a name"
    assert sorted(EXERCISES) == exercise_names(), "every exercise has exactly one solution module"
    thin = {name: len(mistakes_of(name)) for name in EXERCISES if len(mistakes_of(name)) < 2}
    assert not thin, f"exercises with fewer than two catalogued mistakes: {thin}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_grader_passes_every_solution(name):
    report = grade(name, solution_path(name))
    assert report.passed, report.text
    assert report.wrong == [] and report.mistakes == []
    assert "In npae: " + EXERCISES[name].library in report.text


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_stub_is_reported_not_started(name, level):
    report = grade(name, stub_file(name, level))
    assert report.status == "not started", report.text
    assert report.level == level
    assert "Traceback" not in report.text
    assert "NotImplementedError" in report.text


def test_the_committed_stubs_and_page_are_generated_from_the_solutions(tmp_path):
    generated = {p.name: p.read_text() for p in generate(tmp_path / "stubs", tmp_path / "exercises.md")}
    committed = {p.name: p.read_text() for p in STUBS.glob("*.py")}
    committed["exercises.md"] = PAGE.read_text(encoding="utf-8")
    assert generated.keys() == committed.keys()
    stale = [name for name in generated if generated[name] != committed[name]]
    assert not stale, f"regenerate them (python -m npae.exercises generate-stubs): {stale} differ"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_no_derive_stub_contains_the_backward_pass(name):
    stub = stub_file(name, "derive").read_text(encoding="utf-8")
    guided = stub_file(name, "guided").read_text(encoding="utf-8")
    exercise = EXERCISES[name]
    assert exercise.giveaways, f"{name} names no gradient expressions to keep out of its derive stub"
    present = [g for g in exercise.giveaways if g in guided or g in solution_path(name).read_text(encoding="utf-8")]
    assert present, f"{name}: none of its giveaways occurs in the guided stub or the solution (stale list?)"
    leaked = [g for g in exercise.giveaways + GENERIC_GIVEAWAYS if g in stub]
    assert not leaked, f"the derive stub of {name} contains {leaked}"
    assert "(derive level)" in stub.splitlines()[0]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_both_stubs_state_the_model_and_define_the_same_functions(name):
    exercise = EXERCISES[name]
    for level in LEVELS:
        stub = stub_file(name, level).read_text(encoding="utf-8")
        for function in exercise.functions:
            assert re.search(rf"^def {function}\(", stub, re.M), f"{name} ({level}) lacks def {function}"
        assert f"Lesson: ``{exercise.lesson}``" in stub


def test_a_stub_keeps_signatures_docstrings_and_hints_and_drops_the_solution():
    source = solution_path("sparse_autoencoder_cost").read_text()
    stub = make_stub(source, "sparse_autoencoder_cost")
    assert "def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):" in stub
    assert "β Σⱼ KL(ρ ‖ ρ̂ⱼ)" in stub and "# HINT: the KL delta term" in stub
    assert "dOmega_dH = " not in stub and "BEGIN SOLUTION" not in stub and "# DERIVE:" not in stub
    assert stub.count("raise NotImplementedError(") == source.count("# BEGIN SOLUTION")
    derive = make_stub(source, "sparse_autoencoder_cost", "derive")
    assert "β Σⱼ KL(ρ ‖ ρ̂ⱼ)" in derive and "# HINT" not in derive and "# DERIVE: the loss J" in derive


def test_a_derive_region_is_given_at_the_guided_level_and_written_at_the_derive_level():
    source = ("def f(x):\n    # BEGIN DERIVE\n    # DERIVE: the slope\n    s = 2 * x\n    # END DERIVE\n    return s\n")
    assert "    s = 2 * x\n" in make_stub(source) and "# DERIVE" not in make_stub(source)
    derive = make_stub(source, level="derive")
    assert "s = 2 * x" not in derive and "raise NotImplementedError('YOUR CODE HERE: the slope')" in derive


def test_the_stub_generator_refuses_an_unclosed_region_or_one_without_a_hint():
    with pytest.raises(ValueError, match="never closed"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    # HINT: x\n    # DERIVE: x\n    return 1\n")
    with pytest.raises(ValueError, match="HINT"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    # DERIVE: x\n    return 1\n    # END SOLUTION\n")
    with pytest.raises(ValueError, match="DERIVE"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    # HINT: x\n    return 1\n    # END SOLUTION\n")
    with pytest.raises(ValueError, match="level"):
        make_stub("x = 1\n", level="expert")


@pytest.mark.parametrize("mistake", CATALOGUE, ids=[m.name for m in CATALOGUE])
def test_every_catalogued_mistake_is_caught_and_named(mistake, tmp_path):
    path = tmp_path / f"{mistake.exercise}.py"
    path.write_text(mutated_source(mistake))
    report = grade(mistake.exercise, path)
    assert report.status == "failing", report.text
    assert report.mistake == mistake.name, report.text
    assert mistake.hint in report.text


def test_the_diagnosis_localises_a_missing_kl_delta_term_to_the_encoder(tmp_path):
    path = tmp_path / "sparse.py"
    path.write_text(mutated_source(MISTAKES["kl_delta_missing"]))
    text = grade("sparse_autoencoder_cost", path).text
    assert "W2, b2 right; W1, b1 wrong → " in text
    assert "what is added to ∂J/∂H" in text
    assert "Your loss value agrees with the reference" in text


def test_the_entry_encoder_weights_decayed_describes_what_it_matches():
    """The decay on the encoder layers only: the softmax's decay stays single (issue 25)."""
    source = mutated_source(MISTAKES["encoder_weights_decayed"])
    assert source.count("weight_decay * params[\"W_softmax\"]") == 1 and "if l < K" in source


def test_import_allow_lists_come_from_the_stubs():
    assert allowed_imports("conv2d_backward")["npae.core.conv"] == {"im2col", "padding_amounts"}
    assert allowed_imports("sparse_autoencoder_cost")["npae.core.flat"] is None
    assert not any(module.startswith(("npae.models", "npae.exercises", "npae.training"))
                   for name in EXERCISES for module in allowed_imports(name))


def test_a_report_echoes_as_one_short_line(capsys):
    report = check("tied_weights", solution_path("tied_weights"))
    assert "Result: PASSING" in capsys.readouterr().out
    assert isinstance(report, Report) and len(repr(report)) < 120 and "\n" not in repr(report)
    assert repr(report) == "<Report tied_weights (guided): passing>"


def test_start_copies_each_level_once_and_never_overwrites(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NPAE_WORKSPACE", str(tmp_path))
    path, created = start("softmax_regression")
    assert created and path == tmp_path / "softmax_regression.py"
    assert path.read_text() == stub_file("softmax_regression").read_text()
    path.write_text("# my work\n")
    path_again, created_again = start("softmax_regression")
    assert path_again == path and not created_again and path.read_text() == "# my work\n"
    assert main(["start", "softmax_regression", "--derive"]) == 0
    derive = tmp_path / "softmax_regression_derive.py"
    assert str(derive) in capsys.readouterr().out
    assert derive.read_text() == stub_file("softmax_regression", "derive").read_text()


def test_check_exits_zero_only_when_passing_and_status_shows_both_levels(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NPAE_WORKSPACE", str(tmp_path))
    assert main(["check", "tied_weights", "--path", str(solution_path("tied_weights"))]) == 0
    assert main(["check", "tied_weights", "--path", str(stub_file("tied_weights"))]) == 1
    assert main(["check", "tied_weights"]) == 1                          # no file in the workspace yet
    (tmp_path / "tied_weights_derive.py").write_text(solution_path("tied_weights").read_text())
    capsys.readouterr()
    assert main(["check", "tied_weights", "--derive"]) == 0
    assert "(derive level)" in capsys.readouterr().out
    assert main(["status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["exercise", "guided", "derive"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert set(rows) == set(EXERCISES)
    assert re.match(r"tied_weights\s+not started\s+passing", rows["tied_weights"])
    assert re.match(r"softmax_regression\s+not started\s+not started", rows["softmax_regression"])


def test_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":mod:" not in out and "--derive" in out


def test_train_runs_the_students_own_cost_and_draws_its_filters(tmp_path, capsys):
    import matplotlib.image

    from npae.exercises.training import train_sparse_autoencoder
    figure = tmp_path / "filters.png"
    result = train_sparse_autoencoder(solution_path("sparse_autoencoder_cost"), n_patches=300, maxiter=5,
                                      figure=figure)
    assert 1 <= result.nit <= 5 and result.fun < result.initial_loss
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert min(matplotlib.image.imread(figure).shape[:2]) >= 400, "the filters are drawn large enough to see"
    assert f"final loss {result.fun:.6f}" in capsys.readouterr().out


def test_train_refuses_a_file_that_does_not_pass(tmp_path):
    from npae.exercises.training import train_sparse_autoencoder
    assert train_sparse_autoencoder(stub_file("sparse_autoencoder_cost"), n_patches=300, maxiter=2,
                                    figure=tmp_path / "f.png") is None


def _exercises_cell(lesson):
    """The text of a lesson's ``## Exercises`` markdown cell."""
    text = (ROOT / lesson).read_text(encoding="utf-8")
    start = text.index("# ## Exercises")
    end = min(i for i in (text.find("\n# ## ", start + 5), text.find("\n# %%", start)) if i != -1)
    return text[start:end]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_exercise_is_linked_from_its_lesson_at_both_levels(name):
    cell = _exercises_cell(EXERCISES[name].lesson)
    assert f"`python -m npae.exercises start {name}`" in cell, f"{EXERCISES[name].lesson} does not start {name}"
    assert f"`python -m npae.exercises start {name} --derive`" in cell
    assert f"python -m npae.exercises check {name}" in cell


def test_the_book_page_lists_both_levels_of_every_exercise():
    page = exercises_page()
    for name in EXERCISES:
        assert f"`start {name}`" in page and f"`start {name} --derive`" in page
    assert stub_name("x", "derive") == "x_derive.py"
