"""Load MNIST and Fashion-MNIST from their IDX files, as rows scaled to [0, 1].

Where the files are looked for, in this order (the first directory holding both files of the
requested split wins):

1. ``directory``, when the caller passes one: then *only* there, nothing else is searched,
   so that an explicit choice is never silently replaced by another copy;
2. ``$NPAE_DATA/mnist/`` or ``$NPAE_DATA/fashion-mnist/``, when the environment variable
   ``NPAE_DATA`` is set (it names a data root holding one subdirectory per data set, the same
   layout as the project's ``data/`` directory);
3. ``./data/mnist/`` or ``./data/fashion-mnist/`` under the current working directory;
4. ``<repository root>/data/mnist/`` or ``.../data/fashion-mnist/``, the repository root being
   the parent of the ``npae`` package (where ``data_scripts/fetch_*.py`` write by default);
5. for Fashion-MNIST only, ``/usr/share/datasets/fashion-mnist/`` (Debian's
   ``dataset-fashion-mnist`` package) — unless the environment variable ``NPAE_NO_SYSTEM_DATA``
   is set to a non-empty value other than ``0``: then this system location is left out, so that a
   run (CI's first pass, a test) sees what a newcomer's machine without the Debian package sees.

In each directory the standard file names are tried, uncompressed first, then ``.gz``:
``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``. Nothing is cached between calls.

How to get the files: ``python data_scripts/fetch_mnist.py`` (needs the internet);
``sudo apt-get install dataset-fashion-mnist`` or ``python data_scripts/fetch_fashion_mnist.py``.

The bundled subset
------------------
A small, class-balanced part of Fashion-MNIST ships inside the package, in
``npae/data/fashion_mnist_subset/`` (1000 training images, 100 per class, and 250 test images,
25 per class; gzipped IDX files with a ``manifest.json`` of SHA-256 digests and Fashion-MNIST's
MIT ``LICENSE``; made by ``python data_scripts/make_fashion_mnist_subset.py``). It is always there,
so quick runs and tests work on a machine without the full set:

- :func:`load_fashion_mnist_subset` reads it explicitly;
- ``load_fashion_mnist(split, fallback="subset")`` reads the full set when it is found and the subset
  otherwise, printing one line that says so and how to get the full set;
- :func:`fashion_mnist_source` tells, without reading any image, which of the two a call would use.

The default, ``fallback=None``, never substitutes the subset: a missing full set raises
``FileNotFoundError`` naming the command that fetches it.
"""

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from npae.checks import check_float_dtype, check_path
from npae.data.idx import read_idx

__all__ = [
    "FASHION_MNIST_CLASSES",
    "DataSource",
    "available",
    "fashion_mnist_source",
    "find_files",
    "load_fashion_mnist",
    "load_fashion_mnist_subset",
    "load_mnist",
    "search_path",
    "system_data_hidden",
]

#: Fashion-MNIST label -> class name (from the Fashion-MNIST README, "Labels").
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

DATASETS = ("mnist", "fashion-mnist")
SPLITS = {"train": "train", "test": "t10k"}
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
IMAGE_SHAPE = (28, 28)

#: The bundled Fashion-MNIST subset (package data; see the module docstring).
SUBSET_DIR = Path(__file__).resolve().parent / "fashion_mnist_subset"

#: Set to a non-empty value other than "0" to leave the system data location out of the search path.
NO_SYSTEM_DATA_ENV = "NPAE_NO_SYSTEM_DATA"

_FETCH_HINT = {
    "mnist": "python data_scripts/fetch_mnist.py",
    "fashion-mnist": (
        "sudo apt-get install dataset-fashion-mnist  (or: python data_scripts/fetch_fashion_mnist.py)"
    ),
}


def _check_dataset(dataset):
    if not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset: expected one of {DATASETS}, got {dataset!r}")


def _check_split(split):
    if not isinstance(split, str) or split not in SPLITS:
        raise ValueError(f"split: expected 'train' or 'test', got {split!r}")


def system_data_hidden():
    """Whether ``$NPAE_NO_SYSTEM_DATA`` hides the system location (``/usr/share/datasets/...``).

    Returns
    -------
    bool
        True when the variable is set to a non-empty value other than ``"0"``.
    """
    return os.environ.get(NO_SYSTEM_DATA_ENV, "") not in ("", "0")


def search_path(dataset, directory=None):
    """The directories searched for ``dataset``, in order (see the module docstring).

    Parameters
    ----------
    dataset : {"mnist", "fashion-mnist"}
    directory : str or os.PathLike, optional
        An explicit directory: when given, it is the only entry.

    Returns
    -------
    list of pathlib.Path
        Without duplicates; the directories need not exist.

    Raises
    ------
    ValueError
        If ``dataset`` is not one of the two names.
    TypeError
        If ``directory`` is not None, a str or an os.PathLike.
    """
    _check_dataset(dataset)
    if directory is not None:
        return [Path(check_path("directory", directory))]
    candidates = []
    root = os.environ.get("NPAE_DATA")
    if root:
        candidates.append(Path(root) / dataset)
    candidates.append(Path.cwd() / "data" / dataset)
    candidates.append(REPO_ROOT / "data" / dataset)
    if dataset == "fashion-mnist" and not system_data_hidden():
        candidates.append(DEBIAN_FASHION_MNIST)
    unique = []
    for c in candidates:
        if c.resolve() not in [u.resolve() for u in unique]:
            unique.append(c)
    return unique


def _find_one(folder, stem):
    for name in (stem, stem + ".gz"):
        p = folder / name
        if p.is_file():
            return p
    return None


def find_files(dataset, split="train", directory=None):
    """Locate the image and label files of one split.

    Parameters
    ----------
    dataset : {"mnist", "fashion-mnist"}
    split : {"train", "test"}
    directory : str or os.PathLike, optional
        Search only this directory.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The images file and the labels file, from the first directory of :func:`search_path`
        that holds both.

    Raises
    ------
    ValueError
        If ``dataset`` or ``split`` is not a known name.
    FileNotFoundError
        If no directory holds both files; the message lists every directory searched and the
        command that fetches the data.
    """
    _check_dataset(dataset)
    _check_split(split)
    prefix = SPLITS[split]
    images_stem = f"{prefix}-images-idx3-ubyte"
    labels_stem = f"{prefix}-labels-idx1-ubyte"
    searched = []
    for folder in search_path(dataset, directory):
        images, labels = _find_one(folder, images_stem), _find_one(folder, labels_stem)
        if images is not None and labels is not None:
            return images, labels
        if images is None and labels is None:
            state = "missing" if folder.is_dir() else "no such directory"
        else:
            state = f"has only {(images or labels).name}"
        searched.append(f"  {folder}  ({state})")
    raise FileNotFoundError(
        f"{dataset} {split} split not found: need {images_stem}[.gz] and {labels_stem}[.gz] "
        f"in one of these directories, searched in order:\n"
        + "\n".join(searched)
        + f"\nTo get the data run:  {_FETCH_HINT[dataset]}\n"
        f"or point the environment variable NPAE_DATA at a directory holding {dataset}/."
        + (f"\n({NO_SYSTEM_DATA_ENV} is set: {DEBIAN_FASHION_MNIST} was not searched.)"
           if dataset == "fashion-mnist" and system_data_hidden() else "")
    )


def available(dataset, directory=None):
    """Whether both splits of ``dataset`` can be found (the files are located, not read).

    Meant for tests and lessons: ``pytest.mark.skipif(not available("mnist"), reason=...)``.

    Parameters
    ----------
    dataset : {"mnist", "fashion-mnist"}
    directory : str or os.PathLike, optional
        Search only this directory (one that does not exist, or lacks the files, gives False).

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``dataset`` is not one of the two names.
    TypeError
        If ``directory`` is not None, a str or an os.PathLike.
    """
    _check_dataset(dataset)
    try:
        for split in SPLITS:
            find_files(dataset, split, directory)
    except FileNotFoundError:
        return False
    return True


def _load(dataset, split, directory, dtype):
    dtype = check_float_dtype(dtype)
    return _read_pair(*find_files(dataset, split, directory), dtype)


def _read_pair(images_path, labels_path, dtype):
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(
            f"{images_path}: expected uint8 images of shape (n, 28, 28), "
            f"got {images.dtype} of shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{labels_path}: expected uint8 labels of shape (n,), got {labels.dtype} of shape {labels.shape}"
        )
    if labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels; expected the same count"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{labels_path}: labels must be 0..9, found {int(labels.max())}")
    X = images.reshape(images.shape[0], -1).astype(dtype)
    X /= 255.0
    return X, labels.astype(np.int64)


def load_mnist(split="train", directory=None, dtype=np.float64):
    """Load MNIST handwritten digits as rows of pixel intensities in [0, 1].

    Parameters
    ----------
    split : {"train", "test"}
        "train": 60000 images (``train-*``); "test": 10000 (``t10k-*``).
    directory : str or os.PathLike, optional
        Read only from this directory; by default the search path of the module docstring.
    dtype : {numpy.float64, numpy.float32}
        dtype of ``X``.

    Returns
    -------
    X : numpy.ndarray, shape (n, 784), dtype ``dtype``
        One image a row, row-major 28x28 pixels, divided by 255.
    y : numpy.ndarray, shape (n,), int64
        The digit, 0..9.

    Raises
    ------
    ValueError
        If ``split`` or ``dtype`` is not one of the values above, or the files are not IDX,
        are truncated, are not 28x28 uint8 images, or hold different counts of images and labels.
    FileNotFoundError
        If the files are nowhere on the search path; the message lists the directories
        searched and says to run ``python data_scripts/fetch_mnist.py``.

    Notes
    -----
    Data: Y. LeCun, C. Cortes, C. Burges, "The MNIST database of handwritten digits".
    """
    return _load("mnist", split, directory, dtype)


def load_fashion_mnist(split="train", directory=None, dtype=np.float64, fallback=None):
    """Load Fashion-MNIST (Zalando article images) as rows of pixel intensities in [0, 1].

    Same format, shapes and splits as :func:`load_mnist`; the labels name the classes in
    :data:`FASHION_MNIST_CLASSES`.

    Parameters
    ----------
    split : {"train", "test"}
        "train": 60000 images; "test": 10000 (the bundled subset: 1000 and 250).
    directory : str or os.PathLike, optional
        Read only from this directory; by default the search path of the module docstring,
        which ends with Debian's ``/usr/share/datasets/fashion-mnist/`` (left out when
        ``$NPAE_NO_SYSTEM_DATA`` is set).
    dtype : {numpy.float64, numpy.float32}
        dtype of ``X``.
    fallback : {None, "subset"}
        What to do when the full set is not found. ``None`` (the default): raise
        ``FileNotFoundError``. ``"subset"``: return the bundled subset
        (:func:`load_fashion_mnist_subset`) and print one line to standard output saying that it
        did and how to get the full set. Meant for quick modes and small examples:
        ``load_fashion_mnist("train", fallback="subset" if quick else None)``.

    Returns
    -------
    X : numpy.ndarray, shape (n, 784), dtype ``dtype``
        One image a row, row-major 28x28 pixels, divided by 255.
    y : numpy.ndarray, shape (n,), int64
        The class, 0..9.

    Raises
    ------
    ValueError
        As :func:`load_mnist`; or if ``fallback`` is not ``None`` or ``"subset"``.
    FileNotFoundError
        If the files are nowhere on the search path and ``fallback`` is ``None``; the message
        lists the directories searched and says to run ``sudo apt-get install dataset-fashion-mnist``
        or ``python data_scripts/fetch_fashion_mnist.py``.

    See Also
    --------
    fashion_mnist_source : which data a call would read, without reading it.

    Notes
    -----
    Data: H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
    Benchmarking Machine Learning Algorithms", arXiv:1708.07747 (2017).
    """
    dtype = check_float_dtype(dtype)      # arguments first: a bad dtype is named even when no data is found
    _check_split(split)
    source = fashion_mnist_source(split, directory, fallback)
    if source.kind == "subset":
        X, y = load_fashion_mnist_subset(split, dtype)
        print(f"using the bundled Fashion-MNIST subset ({len(y)} {split} images): the full set was not found; "
              f"to get it: {_FETCH_HINT['fashion-mnist']}")
        return X, y
    return _read_pair(source.images, source.labels, check_float_dtype(dtype))


class DataSource(NamedTuple):
    """Where a Fashion-MNIST split would be read from (the answer of :func:`fashion_mnist_source`).

    Attributes
    ----------
    kind : {"full", "subset"}
        "full": the official files found on the search path; "subset": the bundled subset.
    images, labels : pathlib.Path
        The two IDX files.
    """

    kind: str
    images: Path
    labels: Path


def _subset_files(split):
    prefix = SPLITS[split]
    return SUBSET_DIR / f"{prefix}-images-idx3-ubyte.gz", SUBSET_DIR / f"{prefix}-labels-idx1-ubyte.gz"


def fashion_mnist_source(split="train", directory=None, fallback=None):
    """Which files :func:`load_fashion_mnist` would read with the same arguments (no image is read).

    Parameters
    ----------
    split : {"train", "test"}
    directory : str or os.PathLike, optional
        As :func:`load_fashion_mnist`.
    fallback : {None, "subset"}
        As :func:`load_fashion_mnist`.

    Returns
    -------
    DataSource
        ``kind`` is ``"full"`` when the official files were found, ``"subset"`` when they were
        not and ``fallback="subset"``.

    Raises
    ------
    ValueError
        If ``split`` or ``fallback`` is not one of the values above.
    FileNotFoundError
        If the full set is not found and ``fallback`` is ``None``, as :func:`find_files`.

    Examples
    --------
    >>> fashion_mnist_source("train", fallback="subset").kind in ("full", "subset")
    True
    """
    _check_split(split)
    if fallback not in (None, "subset"):
        raise ValueError(f"fallback: expected None or 'subset', got {fallback!r}")
    try:
        return DataSource("full", *find_files("fashion-mnist", split, directory))
    except FileNotFoundError:
        if fallback is None:
            raise
    return DataSource("subset", *_subset_files(split))


def load_fashion_mnist_subset(split="train", dtype=np.float64):
    """Load the bundled Fashion-MNIST subset: 100 (train) or 25 (test) images of each class.

    The subset is part of the package (``npae/data/fashion_mnist_subset/``), so it is there on
    every install. It holds, for each class, the first images of that class in the official
    file, in file order (see ``data_scripts/make_fashion_mnist_subset.py`` and the
    ``manifest.json`` beside the data, which records the SHA-256 of the source files and of the
    subset).

    Parameters
    ----------
    split : {"train", "test"}
        "train": 1000 images; "test": 250.
    dtype : {numpy.float64, numpy.float32}
        dtype of ``X``.

    Returns
    -------
    X : numpy.ndarray, shape (1000, 784) or (250, 784), dtype ``dtype``
        One image a row, divided by 255.
    y : numpy.ndarray, shape (1000,) or (250,), int64
        The class, 0..9, each class equally often.

    Raises
    ------
    ValueError
        If ``split`` or ``dtype`` is not one of the values above.
    FileNotFoundError
        If the package was installed without its data (a packaging error).

    Notes
    -----
    Data: H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
    Benchmarking Machine Learning Algorithms", arXiv:1708.07747 (2017); MIT licence.
    """
    _check_split(split)
    dtype = check_float_dtype(dtype)
    images, labels = _subset_files(split)
    for path in (images, labels):
        if not path.is_file():
            raise FileNotFoundError(f"the bundled Fashion-MNIST subset is missing ({path}): the package was "
                                    f"installed without its data; reinstall with pip install -e .")
    return _read_pair(images, labels, dtype)
