"""data_scripts/fetch_mnist.py and fetch_fashion_mnist.py, offline: --from-dir and file:// mirrors."""

import hashlib
import importlib
from pathlib import Path

import numpy as np
import pytest

from npae.data.digits import load_fashion_mnist, load_mnist, system_data_hidden
from npae.data.idx import write_idx

SCRIPTS = Path(__file__).resolve().parent.parent / "data_scripts"
NAMES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]
DEBIAN = Path("/usr/share/datasets/fashion-mnist")
NEEDS_DEBIAN = pytest.mark.skipif(
    not DEBIAN.is_dir() or system_data_hidden(),
    reason="Debian's dataset-fashion-mnist is not installed (sudo apt-get install dataset-fashion-mnist)"
    + (" or NPAE_NO_SYSTEM_DATA hides it" if system_data_hidden() else ""),
)


@pytest.fixture
def mods(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return (
        importlib.import_module("_idx_fetch"),
        importlib.import_module("fetch_mnist"),
        importlib.import_module("fetch_fashion_mnist"),
    )


@pytest.fixture
def fake(tmp_path):
    """Four small IDX .gz files (5 train, 3 test images) in tmp_path/src; returns (dir, digests)."""
    rng = np.random.default_rng(0)
    src = tmp_path / "src"
    src.mkdir()
    for prefix, n in (("train", 5), ("t10k", 3)):
        write_idx(src / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(src / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, n, dtype=np.uint8))
    digests = {
        name: {alg: hashlib.new(alg, (src / name).read_bytes()).hexdigest() for alg in ("sha256", "md5")}
        for name in NAMES
    }
    return src, digests


def specs(idx_fetch, digests, kind="sha256", wrong=()):
    out = []
    for name in NAMES:
        d = digests[name][kind]
        if name in wrong:
            d = "0" * len(d)
        out.append(idx_fetch.FileSpec(name, sha256=(d,)) if kind == "sha256" else idx_fetch.FileSpec(name, md5=d))
    return out


def test_mnist_from_dir_md5(mods, fake, tmp_path, monkeypatch):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests, "md5"))
    out = tmp_path / "out"
    assert fetch_mnist.main(["--from-dir", str(src), "--out", str(out)]) == 0
    for name in NAMES:
        assert (out / name).read_bytes() == (src / name).read_bytes()
    X, y = load_mnist("test", directory=out)
    assert X.shape == (3, 784) and y.shape == (3,)


def test_fashion_download_file_url(mods, fake, tmp_path, monkeypatch, capsys):
    idx_fetch, _, fetch_fashion = mods
    src, digests = fake
    monkeypatch.setattr(fetch_fashion, "FILES", specs(idx_fetch, digests))
    out = tmp_path / "out"
    assert fetch_fashion.main(["--mirror", src.as_uri() + "/", "--out", str(out)]) == 0
    for name in NAMES:
        assert (out / name).read_bytes() == (src / name).read_bytes()
    printed = capsys.readouterr().out
    for name in NAMES:  # the SHA-256 of what was stored is printed, so that it can be recorded
        assert digests[name]["sha256"] in printed
    X, y = load_fashion_mnist("train", directory=out)
    assert X.shape == (5, 784)


def test_mirror_fallback(mods, fake, tmp_path, monkeypatch):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests))
    monkeypatch.setattr(fetch_mnist, "MIRRORS", [(tmp_path / "nowhere").as_uri() + "/", src.as_uri() + "/"])
    out = tmp_path / "out"
    assert fetch_mnist.main(["--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)


@pytest.mark.parametrize("mode", ["from-dir", "download"])
def test_digest_mismatch_refused(mods, fake, tmp_path, monkeypatch, capsys, mode):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    bad = "train-labels-idx1-ubyte.gz"
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests, wrong={bad}))
    out = tmp_path / "out"
    source = ["--from-dir", str(src)] if mode == "from-dir" else ["--mirror", src.as_uri() + "/"]
    assert fetch_mnist.main(source + ["--out", str(out)]) == 1
    assert "digest mismatch" in capsys.readouterr().err
    leftovers = sorted(p.name for p in out.iterdir())
    assert bad not in leftovers
    assert leftovers == ["train-images-idx3-ubyte.gz"]  # the file before it; no temporary file left


def test_idempotent(mods, fake, tmp_path, monkeypatch):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests))
    out = tmp_path / "out"
    assert fetch_mnist.main(["--from-dir", str(src), "--out", str(out)]) == 0
    mtimes = {name: (out / name).stat().st_mtime_ns for name in NAMES}
    calls = []
    real = idx_fetch.store_verified
    monkeypatch.setattr(idx_fetch, "store_verified", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert fetch_mnist.main(["--from-dir", str(src), "--out", str(out)]) == 0
    assert calls == []
    assert {name: (out / name).stat().st_mtime_ns for name in NAMES} == mtimes


def test_corrupt_present_file_is_replaced(mods, fake, tmp_path, monkeypatch):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests))
    out = tmp_path / "out"
    out.mkdir()
    (out / NAMES[0]).write_bytes(b"half a download")
    assert fetch_mnist.main(["--from-dir", str(src), "--out", str(out)]) == 0
    assert (out / NAMES[0]).read_bytes() == (src / NAMES[0]).read_bytes()


def test_missing_source_fails(mods, fake, tmp_path, monkeypatch, capsys):
    idx_fetch, fetch_mnist, _ = mods
    src, digests = fake
    monkeypatch.setattr(fetch_mnist, "FILES", specs(idx_fetch, digests))
    (src / NAMES[2]).unlink()
    assert fetch_mnist.main(["--from-dir", str(src), "--out", str(tmp_path / "out")]) == 1
    assert NAMES[2] in capsys.readouterr().err


def test_spec_without_digest_is_refused(mods):
    idx_fetch = mods[0]
    with pytest.raises(ValueError, match="no digest recorded"):
        idx_fetch.matches(idx_fetch.FileSpec("x"), {"sha256": "a", "md5": "b"})


def test_recorded_digests_are_well_formed(mods):
    _, fetch_mnist, fetch_fashion = mods
    assert [s.name for s in fetch_mnist.FILES] == NAMES == [s.name for s in fetch_fashion.FILES]
    for s in fetch_mnist.FILES:
        assert s.sha256 == () and len(s.md5) == 32 and int(s.md5, 16) >= 0
    for s in fetch_fashion.FILES:
        assert len(s.sha256) == 2 and all(len(d) == 64 and int(d, 16) >= 0 for d in s.sha256)
        assert len(s.md5) == 32


@pytest.mark.full_data
@NEEDS_DEBIAN
def test_import_real_debian_files_with_recorded_digests(mods, tmp_path):
    """The digests recorded in fetch_fashion_mnist.py accept the Debian files as installed."""
    _, _, fetch_fashion = mods
    out = tmp_path / "out"
    assert fetch_fashion.main(["--from-debian", "--out", str(out)]) == 0
    for name in NAMES:
        assert (out / name).read_bytes() == (DEBIAN / name).read_bytes()


@pytest.mark.full_data
@NEEDS_DEBIAN
def test_recorded_upstream_sha256_rederived_from_debian(mods):
    """Re-do the check described in fetch_fashion_mnist.py: Debian's .gz with the upstream gzip header
    restored (FNAME flag, name, upstream mtime) has the published upstream MD5, and its SHA-256 is the
    first recorded SHA-256."""
    import struct

    _, _, fetch_fashion = mods
    mtimes = {"train": 1504176606, "t10k": 1504176627}
    for spec in fetch_fashion.FILES:
        deb = (DEBIAN / spec.name).read_bytes()
        assert deb[:4] == b"\x1f\x8b\x08\x00"  # deflate, no flags
        stem = spec.name[: -len(".gz")]
        mtime = mtimes[stem.split("-")[0]]
        upstream = b"\x1f\x8b\x08\x08" + struct.pack("<I", mtime) + deb[8:10] + stem.encode() + b"\0" + deb[10:]
        assert hashlib.md5(upstream).hexdigest() == spec.md5
        assert hashlib.sha256(upstream).hexdigest() == spec.sha256[0]
        assert hashlib.sha256(deb).hexdigest() == spec.sha256[1]
