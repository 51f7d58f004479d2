"""Loaders of npae.data.digits on small IDX files written here, and on the real Fashion-MNIST if present."""

import numpy as np
import pytest

from npae.data import digits
from npae.data.digits import (
    FASHION_MNIST_CLASSES,
    available,
    load_fashion_mnist,
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


@pytest.mark.skipif(
    not available("fashion-mnist"),
    reason="Fashion-MNIST not found: sudo apt-get install dataset-fashion-mnist "
    "(or python data_scripts/fetch_fashion_mnist.py)",
)
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
