"""Fetch UFLDL's IMAGES.mat (ten 512x512 whitened natural images) into data/IMAGES.mat.

UFLDL's sparse-autoencoder exercise (http://ufldl.stanford.edu/wiki/index.php/Exercise:Sparse_Autoencoder)
ships IMAGES.mat, Bruno Olshausen's whitened natural images, inside its starter code archive
sparseae_exercise.zip. This script downloads that archive (or a URL you give), takes IMAGES.mat
out of it, checks it, and writes it where npae.data.natural_images looks for it.

Usage::

    python data_scripts/fetch_ufldl_images.py                        # download to data/IMAGES.mat
    python data_scripts/fetch_ufldl_images.py --out ~/npae-data      # then set NPAE_DATA=~/npae-data
    python data_scripts/fetch_ufldl_images.py --from-file sparseae_exercise.zip   # offline copy
    python data_scripts/fetch_ufldl_images.py --sha256 <hex>         # also require this checksum

Running it again does nothing once a valid file is in place. The file's SHA-256 is printed so
that it can be recorded in KNOWN_SHA256 below.
"""
import argparse
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import scipy.io

# Run as a script, this directory is on sys.path (tests prepend it themselves).
from _download import atomic_output, check_digests, download, file_digest

DEFAULT_URL = "http://ufldl.stanford.edu/wiki/resources/sparseae_exercise.zip"
FILENAME = "IMAGES.mat"
EXPECTED_SHAPE = (512, 512, 10)

# SHA-256 of IMAGES.mat itself (not of the zip). None: no session that wrote this script had
# internet access, so the true value has never been recorded. Do not fill it in from memory;
# run this script where there is internet, check the images, and paste the printed digest here.
KNOWN_SHA256 = None


def verify(path, sha256=None):
    """Check that ``path`` is UFLDL's IMAGES.mat; return its SHA-256.

    Parameters
    ----------
    path : str or os.PathLike
        The MAT file.
    sha256 : str or None
        Expected SHA-256 (hex) of the file; None skips the checksum (the content is still
        checked).

    Returns
    -------
    str
        The file's SHA-256 (hex).

    Raises
    ------
    ValueError
        If the checksum differs, the file is not a MAT file, has no variable ``IMAGES``, or
        ``IMAGES`` is not a finite array of shape (512, 512, 10).
    """
    check_digests(path, sha256=sha256)
    try:
        mat = scipy.io.loadmat(path)
    except Exception as exc:  # scipy raises several types for damaged or foreign files
        raise ValueError(f"{os.fspath(path)!r} is not a readable MAT file: {exc}") from exc
    if "IMAGES" not in mat:
        raise ValueError(f"{os.fspath(path)!r} has no variable 'IMAGES'")
    images = np.asarray(mat["IMAGES"])
    if images.shape != EXPECTED_SHAPE:
        raise ValueError(f"IMAGES in {os.fspath(path)!r} has shape {images.shape}, expected {EXPECTED_SHAPE}")
    if not np.issubdtype(images.dtype, np.number) or not np.all(np.isfinite(images)):
        raise ValueError(f"IMAGES in {os.fspath(path)!r} must hold finite numbers")
    return file_digest(path, "sha256")


def _copy_mat(source, tmp):
    """Copy IMAGES.mat from ``source`` (a .mat file or a zip holding one) to ``tmp``."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.namelist() if os.path.basename(m) == FILENAME]
            if not members:
                raise ValueError(f"{os.fspath(source)!r}: the zip archive holds no {FILENAME}")
            with archive.open(members[0]) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
    else:
        shutil.copyfile(source, tmp)


def fetch(out_dir="data", url=DEFAULT_URL, from_file=None, sha256=None):
    """Put a verified IMAGES.mat in ``out_dir``; return (path, sha256, changed)."""
    sha256 = sha256 if sha256 is not None else KNOWN_SHA256
    dest = os.path.join(out_dir, FILENAME)
    if os.path.isfile(dest):
        try:
            return dest, verify(dest, sha256), False
        except ValueError as exc:
            print(f"existing {dest} fails verification ({exc}); replacing it", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        if from_file is None:
            source = os.path.join(scratch, os.path.basename(url.rstrip("/")) or "download")
            print(f"downloading {url}", file=sys.stderr)
            download(url, source)
        else:
            if not os.path.isfile(from_file):
                raise FileNotFoundError(f"--from-file {from_file!r}: no such file")
            source = from_file
        with atomic_output(dest) as tmp:
            _copy_mat(source, tmp)
            digest = verify(tmp, sha256)
    return dest, digest, True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data", help="directory to write IMAGES.mat to (default: data)")
    parser.add_argument("--url", default=DEFAULT_URL, help=f"zip or .mat to download (default: {DEFAULT_URL})")
    parser.add_argument("--from-file", metavar="PATH", help="import a local sparseae_exercise.zip or IMAGES.mat")
    parser.add_argument("--sha256", help="required SHA-256 (hex) of IMAGES.mat")
    args = parser.parse_args(argv)
    try:
        path, digest, changed = fetch(args.out, args.url, args.from_file, args.sha256)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{'wrote' if changed else 'already present:'} {path}")
    print(f"sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
