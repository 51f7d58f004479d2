"""Make the small Fashion-MNIST subset that ships inside the package (``npae/data/fashion_mnist_subset/``).

    python data_scripts/make_fashion_mnist_subset.py                 # from the full set the loaders find
    python data_scripts/make_fashion_mnist_subset.py --source DIR    # from the four IDX files in DIR
    python data_scripts/make_fashion_mnist_subset.py --out DIR       # write elsewhere (e.g. to compare)

The full set must be present (``sudo apt-get install dataset-fashion-mnist`` or
``python data_scripts/fetch_fashion_mnist.py``); nothing is downloaded.

Which images: for each of the ten classes, the first ``--per-class-train`` (default 100) images of
that class in the official training file, and the first ``--per-class-test`` (default 25) of the
official test file; the chosen images keep their order in the official file (so the classes stay
interleaved as upstream shuffled them). No random numbers are involved: the same source files always
give the same subset. The images and labels are written as gzipped IDX files (the format of the
official files, read by :func:`npae.data.idx.read_idx`), with a zero gzip timestamp.

Beside them, ``manifest.json`` records the selection rule, the class counts and the SHA-256 of every
source file (as read, and of its uncompressed IDX content) and of every subset file (likewise); the
uncompressed digests do not depend on the zlib version, the ``.gz`` ones may. ``LICENSE`` carries
Fashion-MNIST's MIT licence notice (Copyright 2017 Zalando SE), which the subset, being a copy of
part of the data, must keep.
"""

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))      # the checkout's npae, also when it is not installed

from npae.data.digits import FASHION_MNIST_CLASSES, SUBSET_DIR, find_files  # noqa: E402
from npae.data.idx import read_idx, write_idx  # noqa: E402

#: Split name -> prefix of the official file names.
PREFIX = {"train": "train", "test": "t10k"}

#: Fashion-MNIST's licence notice, from its README ("License") and Debian's copyright file.
LICENSE_TEXT = """\
The images and labels in this directory are a subset of Fashion-MNIST
(H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
Machine Learning Algorithms", arXiv:1708.07747, 2017; https://github.com/zalandoresearch/fashion-mnist),
selected by data_scripts/make_fashion_mnist_subset.py. They are distributed under Fashion-MNIST's licence:

The MIT License (MIT) Copyright © [2017] Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense,
and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN
NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def sha256_of_file(path):
    """SHA-256 hex digest of a file's bytes as stored."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_of_content(path):
    """SHA-256 hex digest of a file's uncompressed content (gunzipped when it is gzip)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return hashlib.sha256(raw).hexdigest()


def select(labels, per_class):
    """Indices of the first ``per_class`` samples of each class 0..9, in the order of ``labels``.

    Parameters
    ----------
    labels : numpy.ndarray, shape (n,), integer
    per_class : int >= 1

    Returns
    -------
    numpy.ndarray, shape (10 * per_class,), int64, increasing

    Raises
    ------
    ValueError
        If some class has fewer than ``per_class`` samples.
    """
    chosen = []
    for c in range(len(FASHION_MNIST_CLASSES)):
        where = np.flatnonzero(labels == c)
        if where.size < per_class:
            raise ValueError(f"class {c} has {where.size} samples, fewer than per_class={per_class}")
        chosen.append(where[:per_class])
    return np.sort(np.concatenate(chosen))


def make_subset(source=None, out=SUBSET_DIR, per_class_train=100, per_class_test=25):
    """Write the subset and its manifest; return the manifest (a dict).

    Parameters
    ----------
    source : str or os.PathLike, optional
        Directory of the four official IDX files; by default the loaders' search path
        (:func:`npae.data.digits.find_files`).
    out : str or os.PathLike
        Destination directory (created if needed); by default the package's subset directory.
    per_class_train, per_class_test : int
        Images per class taken from each split.

    Raises
    ------
    FileNotFoundError
        If the full set is not found.
    ValueError
        If a class has fewer images than asked for.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "dataset": "Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747), MIT licence: see LICENSE",
        "made_by": "python data_scripts/make_fashion_mnist_subset.py",
        "rule": (f"per split, the first N images of each class 0..9 in the official file, kept in file order; "
                 f"N = {per_class_train} (train), {per_class_test} (test)"),
        "classes": list(FASHION_MNIST_CLASSES),
        "source": {},
        "subset": {},
        "counts": {},
    }
    for split, per_class in (("train", per_class_train), ("test", per_class_test)):
        images_path, labels_path = find_files("fashion-mnist", split, source)
        images, labels = read_idx(images_path), read_idx(labels_path)
        keep = select(labels, per_class)
        for kind, src, array in (("images", images_path, images), ("labels", labels_path, labels)):
            manifest["source"][src.name] = {"sha256": sha256_of_file(src),
                                            "sha256_uncompressed": sha256_of_content(src),
                                            "shape": list(array.shape)}
            name = f"{PREFIX[split]}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz"
            write_idx(out / name, array[keep])
            manifest["subset"][name] = {"sha256": sha256_of_file(out / name),
                                        "sha256_uncompressed": sha256_of_content(out / name),
                                        "shape": list(array[keep].shape),
                                        "bytes": (out / name).stat().st_size}
        manifest["counts"][split] = {"total": int(keep.size),
                                     "per_class": np.bincount(labels[keep], minlength=10).tolist()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    return manifest


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--source", help="directory holding the four official IDX files "
                                         "(default: the loaders' search path)")
    parser.add_argument("--out", default=str(SUBSET_DIR), help="destination (default: %(default)s)")
    parser.add_argument("--per-class-train", type=int, default=100)
    parser.add_argument("--per-class-test", type=int, default=25)
    args = parser.parse_args(argv)
    try:
        manifest = make_subset(args.source, args.out, args.per_class_train, args.per_class_test)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    total = 0
    for name, entry in manifest["subset"].items():
        total += entry["bytes"]
        print(f"{name:28s} {entry['bytes']:>8d} bytes  sha256 {entry['sha256']}")
    print(f"total {total} bytes ({total / 2**20:.3f} MiB) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
