"""Loaders of npae.data.digits on small IDX files written here, the bundled Fashion-MNIST subset, and the
real Fashion-MNIST if present (those tests carry the ``full_data`` marker: ``python -m pytest -m full_data``)."""

import hashlib
import gzip
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from npae.data import digits
from npae.data.digits import (
    FASHION_MNIST_CLASSES,
    SUBSET_DIR,
    available,
    fashion_mnist_source,
    load_fashion_mnist,
    load_fashion_mnist_subset,
    load_mnist,
    search_path,
)
from npae.data.idx import write_idx

LOADERS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}


def write_split(folder, split="train", n=5, gz=True, seed=0, n_labels=None):
    """Write n random 28x28 uint8 images and labels under the standard names; return them."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = {"train": "train", "test": "t10k"}[split]
    ext = ".gz" if gz else ""
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    labels = rng.integers(0, 10, size=n_labels or n, dtype=np.uint8)
    write_idx(folder / f"{prefix}-images-idx3-ubyte{ext}", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", labels)
    return images, labels


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No NPAE_DATA, an empty cwd, a repository root without data, no Debian directory."""
    monkeypatch.delenv("NPAE_DATA", raising=False)
    monkeypatch.delenv("NPAE_NO_SYSTEM_DATA", raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(digits, "REPO_ROOT", tmp_path / "repo")
    monkeypatch.setattr(digits, "DEBIAN_FASHION_MNIST", tmp_path / "debian")
    return tmp_path


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("gz", [True, False])
def test_load_from_directory(isolated, dataset, split, gz):
    images, labels = write_split(isolated / "d", split, n=5, gz=gz)
    X, y = LOADERS[dataset](split, directory=isolated / "d")
    assert X.shape == (5, 784) and X.dtype == np.float64
    assert y.shape == (5,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, images.reshape(5, 784) / 255.0)
    np.testing.assert_array_equal(y, labels)
    assert X.min() == 0.0 and X.max() == 1.0


def test_float32(isolated):
    images, _ = write_split(isolated / "d")
    X, _ = load_mnist(directory=isolated / "d", dtype=np.float32)
    assert X.dtype == np.float32
    np.testing.assert_allclose(X, images.reshape(5, -1) / np.float32(255), rtol=0, atol=0)


def test_bad_arguments(isolated):
    write_split(isolated / "d")
    with pytest.raises(ValueError, match="split: expected 'train' or 'test'"):
        load_mnist("validation", directory=isolated / "d")
    with pytest.raises(ValueError, match="dtype must be float64 or float32"):
        load_mnist(directory=isolated / "d", dtype=np.int32)
    with pytest.raises(ValueError, match="dataset: expected"):
        available("cifar")


def test_npae_data_env(isolated, monkeypatch):
    root = isolated / "root"
    _, mnist_labels = write_split(root / "mnist", "test", seed=1)
    _, fashion_labels = write_split(root / "fashion-mnist", "test", seed=2)
    monkeypatch.setenv("NPAE_DATA", str(root))
    np.testing.assert_array_equal(load_mnist("test")[1], mnist_labels)
    np.testing.assert_array_equal(load_fashion_mnist("test")[1], fashion_labels)


def test_search_order(isolated, monkeypatch):
    """NPAE_DATA before ./data before the repository's data/ before Debian; explicit directory alone."""
    places = {
        "env": isolated / "root" / "fashion-mnist",
        "cwd": isolated / "cwd" / "data" / "fashion-mnist",
        "repo": isolated / "repo" / "data" / "fashion-mnist",
        "debian": isolated / "debian",
    }
    monkeypatch.setenv("NPAE_DATA", str(isolated / "root"))
    assert search_path("fashion-mnist") == list(places.values())
    assert search_path("mnist")[-1] == isolated / "repo" / "data" / "mnist"
    expected = {name: write_split(folder, seed=i)[1] for i, (name, folder) in enumerate(places.items())}
    for name, folder in places.items():  # remove the winner each time: the next one takes over
        np.testing.assert_array_equal(load_fashion_mnist()[1], expected[name])
        for f in folder.iterdir():
            f.unlink()
    with pytest.raises(FileNotFoundError):
        load_fashion_mnist()
    write_split(places["repo"])
    with pytest.raises(FileNotFoundError):  # an explicit directory is the only place searched
        load_fashion_mnist(directory=isolated / "elsewhere")


def test_not_found_message(isolated, monkeypatch):
    monkeypatch.setenv("NPAE_DATA", str(isolated / "root"))
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("train")
    msg = str(info.value)
    assert "python data_scripts/fetch_mnist.py" in msg
    for folder in search_path("mnist"):
        assert str(folder) in msg
    with pytest.raises(FileNotFoundError) as info:
        load_fashion_mnist("test")
    msg = str(info.value)
    assert "sudo apt-get install dataset-fashion-mnist" in msg
    assert "python data_scripts/fetch_fashion_mnist.py" in msg
    assert str(isolated / "debian") in msg
    assert "t10k-images-idx3-ubyte" in msg


def test_half_pair_is_reported(isolated):
    write_split(isolated / "d")
    (isolated / "d" / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="has only train-images-idx3-ubyte.gz"):
        load_mnist(directory=isolated / "d")


def test_available(isolated):
    assert not available("mnist", directory=isolated / "d")
    write_split(isolated / "d", "train")
    assert not available("mnist", directory=isolated / "d")  # test split still missing
    write_split(isolated / "d", "test")
    assert available("mnist", directory=isolated / "d")


def test_count_mismatch(isolated):
    write_split(isolated / "d", n=5, n_labels=4)
    with pytest.raises(ValueError, match="5 images but .* 4 labels"):
        load_mnist(directory=isolated / "d")


def test_wrong_image_size(isolated):
    d = isolated / "d"
    write_split(d)
    write_idx(d / "train-images-idx3-ubyte.gz", np.zeros((5, 32, 32), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz.*\(n, 28, 28\)"):
        load_mnist(directory=d)


def test_label_out_of_range(isolated):
    d = isolated / "d"
    write_split(d)
    write_idx(d / "train-labels-idx1-ubyte.gz", np.array([0, 1, 2, 3, 10], dtype=np.uint8))
    with pytest.raises(ValueError, match="labels must be 0..9"):
        load_mnist(directory=d)


def test_no_global_cache(isolated):
    d = isolated / "d"
    write_split(d, seed=1)
    X1, _ = load_mnist(directory=d)
    images, _ = write_split(d, seed=2)
    X2, _ = load_mnist(directory=d)
    np.testing.assert_array_equal(X2, images.reshape(5, 784) / 255.0)
    assert not np.array_equal(X1, X2)


def test_class_names():
    assert len(FASHION_MNIST_CLASSES) == 10
    assert FASHION_MNIST_CLASSES[0] == "T-shirt/top" and FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_no_system_data_hides_the_debian_location(isolated, monkeypatch):
    write_split(isolated / "debian", "train", seed=5)
    write_split(isolated / "debian", "test", seed=6)
    assert isolated / "debian" in search_path("fashion-mnist")
    assert available("fashion-mnist")
    monkeypatch.setenv("NPAE_NO_SYSTEM_DATA", "0")             # "0" hides nothing
    assert available("fashion-mnist")
    monkeypatch.setenv("NPAE_NO_SYSTEM_DATA", "1")
    assert digits.system_data_hidden()
    assert isolated / "debian" not in search_path("fashion-mnist")
    assert not available("fashion-mnist")
    with pytest.raises(FileNotFoundError, match="NPAE_NO_SYSTEM_DATA is set") as info:
        load_fashion_mnist("train")
    assert "sudo apt-get install dataset-fashion-mnist" in str(info.value)
    # An explicit directory is still honoured.
    assert load_fashion_mnist("train", directory=isolated / "debian")[0].shape == (5, 784)


def test_bundled_subset_shapes_and_balance():
    X, y = load_fashion_mnist_subset("train")
    assert X.shape == (1000, 784) and X.dtype == np.float64
    assert y.shape == (1000,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y, minlength=10), np.full(10, 100))
    assert X.min() == 0.0 and X.max() == 1.0
    Xt, yt = load_fashion_mnist_subset("test", dtype=np.float32)
    assert Xt.shape == (250, 784) and Xt.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(yt, minlength=10), np.full(10, 25))
    # Real images, not noise: neighbouring pixels are strongly correlated.
    assert np.corrcoef(X[:, 14 * 28 + 13], X[:, 14 * 28 + 14])[0, 1] > 0.5
    with pytest.raises(ValueError, match="split"):
        load_fashion_mnist_subset("validation")
    with pytest.raises(ValueError, match="dtype"):
        load_fashion_mnist_subset("train", dtype=np.int32)


def test_bundled_subset_matches_its_manifest_and_is_small():
    manifest = json.loads((SUBSET_DIR / "manifest.json").read_text())
    total = 0
    for name, entry in manifest["subset"].items():
        raw = (SUBSET_DIR / name).read_bytes()
        total += len(raw)
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], name
        assert hashlib.sha256(gzip.decompress(raw)).hexdigest() == entry["sha256_uncompressed"], name
    assert total < 0.75 * 2**20, f"the subset takes {total} bytes; keep it well under 1 MiB"
    assert manifest["counts"]["train"]["per_class"] == [100] * 10
    licence = (SUBSET_DIR / "LICENSE").read_text()
    assert "Zalando SE" in licence and "MIT" in licence and "Permission is hereby granted" in licence


def test_fallback_subset_when_the_full_set_is_missing(isolated, capsys):
    assert fashion_mnist_source("train", fallback="subset").kind == "subset"
    X, y = load_fashion_mnist("train", dtype=np.float32, fallback="subset")
    Xs, ys = load_fashion_mnist_subset("train", dtype=np.float32)
    np.testing.assert_array_equal(X, Xs)
    np.testing.assert_array_equal(y, ys)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert "bundled Fashion-MNIST subset (1000 train images)" in lines[0]
    assert "sudo apt-get install dataset-fashion-mnist" in lines[0]


def test_fallback_prefers_the_full_set(isolated, capsys):
    _, labels = write_split(isolated / "cwd" / "data" / "fashion-mnist", "test", n=7, seed=3)
    source = fashion_mnist_source("test", fallback="subset")
    assert source.kind == "full" and source.images.parent == isolated / "cwd" / "data" / "fashion-mnist"
    np.testing.assert_array_equal(load_fashion_mnist("test", fallback="subset")[1], labels)
    assert capsys.readouterr().out == ""


def test_without_fallback_a_missing_set_still_raises(isolated):
    with pytest.raises(FileNotFoundError, match="data_scripts/fetch_fashion_mnist.py"):
        load_fashion_mnist("train")
    with pytest.raises(FileNotFoundError):
        fashion_mnist_source("train")
    with pytest.raises(ValueError, match="fallback"):
        load_fashion_mnist("train", fallback="small")
    with pytest.raises(ValueError, match="split"):
        fashion_mnist_source("valid", fallback="subset")


FULL_DATA = pytest.mark.skipif(
    not available("fashion-mnist"),
    reason="the full Fashion-MNIST is not found"
    + (" (NPAE_NO_SYSTEM_DATA hides /usr/share/datasets)" if digits.system_data_hidden() else "")
    + ": sudo apt-get install dataset-fashion-mnist (or python data_scripts/fetch_fashion_mnist.py)",
)


@pytest.mark.full_data
@FULL_DATA
def test_real_fashion_mnist():
    X, y = load_fashion_mnist("train")
    assert X.shape == (60000, 784) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (60000,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y, minlength=10), np.full(10, 6000))
    Xt, yt = load_fashion_mnist("test", dtype=np.float32)
    assert Xt.shape == (10000, 784) and Xt.dtype == np.float32
    assert Xt.min() >= 0.0 and Xt.max() <= 1.0
    assert set(np.unique(yt)) == set(range(10))
    assert fashion_mnist_source("train", fallback="subset").kind == "full"


@pytest.mark.full_data
@FULL_DATA
def test_bundled_subset_is_remade_from_the_full_set(tmp_path, monkeypatch):
    """data_scripts/make_fashion_mnist_subset.py, run on the official files, gives the bundled subset."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "data_scripts"))
    make = importlib.import_module("make_fashion_mnist_subset")
    manifest = make.make_subset(out=tmp_path)
    bundled = json.loads((SUBSET_DIR / "manifest.json").read_text())
    for name, entry in manifest["subset"].items():
        assert entry["sha256_uncompressed"] == bundled["subset"][name]["sha256_uncompressed"], name
    for name, entry in manifest["source"].items():
        assert entry["sha256_uncompressed"] == bundled["source"][name]["sha256_uncompressed"], name
    X_full, y_full = load_fashion_mnist("train")
    X_sub, y_sub = load_fashion_mnist_subset("train")
    first = np.flatnonzero(y_full == y_sub[0])[0]           # the subset's first image is its class's first
    np.testing.assert_array_equal(X_sub[0], X_full[first])
