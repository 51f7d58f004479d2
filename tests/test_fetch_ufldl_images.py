"""Tests for data_scripts/fetch_ufldl_images.py and data_scripts/_download.py (no internet)."""
import hashlib
import importlib
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io

SCRIPTS = Path(__file__).resolve().parent.parent / "data_scripts"


@pytest.fixture
def fetch(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("fetch_ufldl_images")


@pytest.fixture
def dl(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("_download")


def _fake_mat(path, shape=(512, 512, 10), value=None):
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    if value is not None:
        data.flat[0] = value
    scipy.io.savemat(path, {"IMAGES": data})
    return path


@pytest.fixture(scope="module")
def good_mat(tmp_path_factory):
    return _fake_mat(tmp_path_factory.mktemp("src") / "IMAGES.mat")


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_from_file_mat_then_idempotent(fetch, good_mat, tmp_path, capsys):
    out = tmp_path / "data"
    assert fetch.main(["--from-file", str(good_mat), "--out", str(out)]) == 0
    dest = out / "IMAGES.mat"
    assert dest.read_bytes() == good_mat.read_bytes()
    printed = capsys.readouterr().out
    assert "wrote" in printed and _sha256(good_mat) in printed
    mtime = dest.stat().st_mtime_ns
    # second run: verified file already there, nothing rewritten, same digest printed
    assert fetch.main(["--from-file", str(good_mat), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "already present" in printed and _sha256(good_mat) in printed
    assert dest.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in out.iterdir()) == ["IMAGES.mat"]  # no temporary left over


def test_from_zip_with_matching_sha256(fetch, good_mat, tmp_path):
    archive = tmp_path / "sparseae_exercise.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("starter/train.m", "% starter code\n")
        z.write(good_mat, "starter/IMAGES.mat")
    out = tmp_path / "out"
    rc = fetch.main(["--from-file", str(archive), "--out", str(out), "--sha256", _sha256(good_mat)])
    assert rc == 0
    assert (out / "IMAGES.mat").read_bytes() == good_mat.read_bytes()


def test_wrong_sha256_is_refused_and_nothing_is_written(fetch, good_mat, tmp_path, capsys):
    out = tmp_path / "out"
    rc = fetch.main(["--from-file", str(good_mat), "--out", str(out), "--sha256", "0" * 64])
    assert rc == 1
    err = capsys.readouterr().err
    assert "sha256 mismatch" in err and _sha256(good_mat) in err
    assert not (out / "IMAGES.mat").exists()
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("shape", [(512, 512, 9), (64, 64, 10)])
def test_wrong_shape_is_refused(fetch, tmp_path, capsys, shape):
    bad = _fake_mat(tmp_path / "IMAGES.mat", shape=shape)
    out = tmp_path / "out"
    assert fetch.main(["--from-file", str(bad), "--out", str(out)]) == 1
    assert "shape" in capsys.readouterr().err
    assert not (out / "IMAGES.mat").exists()


def test_non_finite_and_foreign_files_are_refused(fetch, tmp_path, capsys):
    with pytest.raises(ValueError, match="finite"):
        fetch.verify(_fake_mat(tmp_path / "nan.mat", value=np.nan))
    junk = tmp_path / "junk.mat"
    junk.write_bytes(b"not a mat file at all")
    with pytest.raises(ValueError, match="MAT"):
        fetch.verify(junk)
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("readme.txt", "nothing here")
    assert fetch.main(["--from-file", str(empty_zip), "--out", str(tmp_path / "o")]) == 1
    assert "IMAGES.mat" in capsys.readouterr().err
    assert fetch.main(["--from-file", str(tmp_path / "missing.zip"), "--out", str(tmp_path / "o")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_invalid_existing_file_is_replaced(fetch, good_mat, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "IMAGES.mat").write_bytes(b"truncated download")
    assert fetch.main(["--from-file", str(good_mat), "--out", str(out)]) == 0
    assert (out / "IMAGES.mat").read_bytes() == good_mat.read_bytes()


def test_download_through_a_file_url(fetch, good_mat, tmp_path):
    archive = tmp_path / "sparseae_exercise.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(good_mat, "IMAGES.mat")
    out = tmp_path / "out"
    assert fetch.main(["--url", archive.as_uri(), "--out", str(out)]) == 0
    assert (out / "IMAGES.mat").read_bytes() == good_mat.read_bytes()


def test_download_checks_digests_and_writes_atomically(dl, tmp_path):
    src = tmp_path / "payload.bin"
    src.write_bytes(b"npae" * 1000)
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    md5 = hashlib.md5(src.read_bytes()).hexdigest()
    assert dl.file_digest(src) == sha and dl.file_digest(src, "md5") == md5

    dest = tmp_path / "sub" / "copy.bin"
    assert dl.download(src.as_uri(), dest, sha256=sha, md5=md5) == os.fspath(dest)
    assert dest.read_bytes() == src.read_bytes()

    other = tmp_path / "sub" / "other.bin"
    with pytest.raises(ValueError, match="md5 mismatch"):
        dl.download(src.as_uri(), other, md5="f" * 32)
    with pytest.raises(ValueError, match="sha256 mismatch"):
        dl.download(src.as_uri(), dest, sha256="f" * 64)  # existing dest is kept as it was
    assert dest.read_bytes() == src.read_bytes()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.bin"]
    with pytest.raises(ValueError, match="algorithm"):
        dl.file_digest(src, "no-such-hash")
