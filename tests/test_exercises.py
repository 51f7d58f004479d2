"""The exercises: every solution passes the grader, every stub is "not started", the stubs are in sync with
the solutions, and every catalogued mistake injected into its solution is caught and named."""

import pytest

from npae.exercises import EXERCISES, grade
from npae.exercises.__main__ import main
from npae.exercises.mistakes import CATALOGUE, MISTAKES, mutated_source, solution_path
from npae.exercises.stubgen import STUBS, exercise_names, generate, make_stub
from npae.exercises.workspace import start, stub_file


def test_the_course_has_at_least_twelve_exercises_and_twenty_mistakes():
    assert len(EXERCISES) >= 12
    assert len(CATALOGUE) >= 20
    assert len(MISTAKES) == len(CATALOGUE), "two mistakes share a name"
    assert sorted(EXERCISES) == exercise_names(), "every exercise has exactly one solution module"
    assert {m.exercise for m in CATALOGUE} == set(EXERCISES), "every exercise has catalogued mistakes"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_grader_passes_every_solution(name):
    report = grade(name, solution_path(name))
    assert report.passed, report.text
    assert report.wrong == [] and report.mistakes == []


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_stub_is_reported_not_started(name):
    report = grade(name, stub_file(name))
    assert report.status == "not started", report.text
    assert "Traceback" not in report.text
    assert "NotImplementedError" in report.text


def test_the_committed_stubs_are_generated_from_the_solutions(tmp_path):
    generated = {p.name: p.read_text() for p in generate(tmp_path)}
    committed = {p.name: p.read_text() for p in STUBS.glob("*.py")}
    assert generated.keys() == committed.keys()
    stale = [name for name in generated if generated[name] != committed[name]]
    assert not stale, f"regenerate the stubs (python -m npae.exercises generate-stubs): {stale} differ"


def test_a_stub_keeps_signatures_docstrings_and_hints_and_drops_the_solution():
    source = solution_path("sparse_autoencoder_cost").read_text()
    stub = make_stub(source, "sparse_autoencoder_cost")
    assert "def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):" in stub
    assert "β Σⱼ KL(ρ ‖ ρ̂ⱼ)" in stub and "# HINT: the KL delta term" in stub
    assert "sparsity_delta = " not in stub and "BEGIN SOLUTION" not in stub
    assert stub.count("raise NotImplementedError(") == source.count("# BEGIN SOLUTION")


def test_the_stub_generator_refuses_an_unclosed_region_or_one_without_a_hint():
    with pytest.raises(ValueError, match="never closed"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    # HINT: x\n    return 1\n")
    with pytest.raises(ValueError, match="HINT"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n")


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


def test_a_file_that_does_not_import_is_failing_not_a_crash(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("def loss_and_grads(params, X):\n    return (\n")
    report = grade("autoencoder_backprop", path)
    assert report.status == "failing" and "does not import" in report.text


def test_start_copies_the_stub_once_and_never_overwrites(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NPAE_WORKSPACE", str(tmp_path))
    path, created = start("softmax_regression")
    assert created and path == tmp_path / "softmax_regression.py"
    assert path.read_text() == stub_file("softmax_regression").read_text()
    path.write_text("# my work\n")
    path_again, created_again = start("softmax_regression")
    assert path_again == path and not created_again and path.read_text() == "# my work\n"
    assert main(["start", "softmax_regression"]) == 0
    assert str(path) in capsys.readouterr().out


def test_check_exits_zero_only_when_passing_and_status_lists_every_exercise(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NPAE_WORKSPACE", str(tmp_path))
    assert main(["check", "tied_weights", "--path", str(solution_path("tied_weights"))]) == 0
    assert main(["check", "tied_weights", "--path", str(stub_file("tied_weights"))]) == 1
    assert main(["check", "tied_weights"]) == 1                          # no file in the workspace yet
    (tmp_path / "tied_weights.py").write_text(solution_path("tied_weights").read_text())
    capsys.readouterr()
    assert main(["status"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:]}
    assert set(rows) == set(EXERCISES)
    assert "passing" in rows["tied_weights"] and "not started" in rows["softmax_regression"]


def test_train_runs_the_students_own_cost_and_draws_its_filters(tmp_path, capsys):
    from npae.exercises.training import train_sparse_autoencoder
    figure = tmp_path / "filters.png"
    result = train_sparse_autoencoder(solution_path("sparse_autoencoder_cost"), n_patches=300, maxiter=5,
                                      figure=figure)
    assert 1 <= result.nit <= 5 and result.fun < result.initial_loss
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"final loss {result.fun:.6f}" in capsys.readouterr().out


def test_train_refuses_a_file_that_does_not_pass(tmp_path):
    from npae.exercises.training import train_sparse_autoencoder
    assert train_sparse_autoencoder(stub_file("sparse_autoencoder_cost"), n_patches=300, maxiter=2,
                                    figure=tmp_path / "f.png") is None
