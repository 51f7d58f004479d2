"""Shared logic of fetch_mnist.py and fetch_fashion_mnist.py: get a set of files, verified.

Each file is described by a :class:`FileSpec` (its name and the digests it may have). For each
file, :func:`fetch`

- skips it when it is already at the destination and verifies (so a second run does nothing);
- otherwise copies it from ``from_dir`` or downloads it from the first mirror that answers,
  streaming into a temporary file *in the destination directory*, hashing as it goes;
- moves the temporary file into place with ``os.replace`` only when a digest matches, and deletes
  it otherwise: the destination never holds a partial or unverified file;
- prints the SHA-256 and MD5 of every file it stores, so that a digest can be recorded.

Only the standard library (urllib.request, hashlib) and the atomic write of `_download.py`.
"""

import hashlib
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

from _download import CHUNK, atomic_output



class FileSpec(NamedTuple):
    """A file to fetch and the digests it may have.

    ``sha256`` is a tuple of accepted SHA-256 hex digests (more than one when a known repack
    of the same data is also accepted); when it is empty, ``md5`` is checked instead.
    """

    name: str
    sha256: tuple = ()
    md5: str = None


class FetchError(RuntimeError):
    """A file could not be obtained with a matching digest."""


def file_digests(path):
    """SHA-256 and MD5 hex digests of a file, read once. Returns ``{"sha256": ..., "md5": ...}``."""
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            sha.update(chunk)
            md5.update(chunk)
    return {"sha256": sha.hexdigest(), "md5": md5.hexdigest()}


def matches(spec, digests):
    """Whether ``digests`` (from :func:`file_digests`) satisfy ``spec``."""
    if spec.sha256:
        return digests["sha256"] in spec.sha256
    if spec.md5:
        return digests["md5"] == spec.md5
    raise ValueError(f"{spec.name}: no digest recorded; refusing to accept an unverified file")


def _expected(spec):
    if spec.sha256:
        return "sha256 " + " or ".join(spec.sha256)
    return f"md5 {spec.md5}"


def store_verified(stream, dest, spec):
    """Copy ``stream`` (a binary file object) to ``dest`` if its digest matches ``spec``.

    Writes through :func:`_download.atomic_output` (a temporary file beside ``dest``, then
    ``os.replace``): on a mismatch or any error ``dest`` is left as it was.

    Returns
    -------
    dict
        ``{"sha256": ..., "md5": ...}`` of the stored file.

    Raises
    ------
    FetchError
        If the digest does not match.
    """
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with atomic_output(dest) as tmp, open(tmp, "wb") as out:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            sha.update(chunk)
            md5.update(chunk)
            out.write(chunk)
        digests = {"sha256": sha.hexdigest(), "md5": md5.hexdigest()}
        if not matches(spec, digests):
            raise FetchError(
                f"{spec.name}: digest mismatch: got sha256 {digests['sha256']} "
                f"(md5 {digests['md5']}), expected {_expected(spec)}"
            )
    return digests


def download(url, dest, spec, timeout=60.0):
    """Download ``url`` to ``dest`` through :func:`store_verified` (any scheme urllib knows, file:// too)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return store_verified(response, dest, spec)


def fetch(files, out_dir, mirrors=(), from_dir=None, timeout=60.0, log=print):
    """Make every file of ``files`` present and verified in ``out_dir``.

    Parameters
    ----------
    files : sequence of FileSpec
    out_dir : str or os.PathLike
        Created if missing.
    mirrors : sequence of str
        Base URLs, each ending with "/", tried in order; the file name is appended.
    from_dir : str or os.PathLike, optional
        Import from this local directory instead of downloading.
    timeout : float
        Seconds for each network operation.
    log : callable
        Receives one line of progress at a time.

    Returns
    -------
    dict
        File name -> "present" (already there and verified) or "stored".

    Raises
    ------
    FetchError
        If some file could not be obtained with a matching digest (after trying every mirror).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {}
    for spec in files:
        dest = out_dir / spec.name
        if dest.is_file():
            if matches(spec, file_digests(dest)):
                log(f"{spec.name}: present and verified, skipped ({dest})")
                result[spec.name] = "present"
                continue
            log(f"{spec.name}: present but its digest does not match; fetching it again")
        errors, digests = [], None
        if from_dir is not None:
            source = Path(from_dir) / spec.name
            try:
                with open(source, "rb") as f:
                    digests = store_verified(f, dest, spec)
            except (OSError, FetchError) as exc:
                errors.append(f"{source}: {exc}")
        else:
            for base in mirrors:
                url = base + spec.name
                log(f"{spec.name}: downloading {url}")
                try:
                    digests = download(url, dest, spec, timeout=timeout)
                    break
                except (OSError, urllib.error.URLError, FetchError) as exc:
                    errors.append(f"{url}: {exc}")
                    log(f"{spec.name}: failed ({exc})")
        if digests is None:
            tried = "\n  ".join(errors or ["no mirror given"])
            raise FetchError(f"{spec.name}: could not be obtained with a matching digest:\n  {tried}")
        log(f"{spec.name}: stored {dest}\n  sha256 {digests['sha256']}\n  md5    {digests['md5']}")
        result[spec.name] = "stored"
    return result



def cli(argv, *, description, files, mirrors, default_out, debian_dir=None):
    """The command line shared by the fetch scripts. Returns the exit status (0 ok, 1 failure)."""
    import argparse

    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=default_out, help=f"destination directory (default: {default_out})")
    parser.add_argument("--from-dir", type=Path, help="import the files from this local directory instead of downloading")
    if debian_dir is not None:
        parser.add_argument(
            "--from-debian",
            action="store_const",
            const=Path(debian_dir),
            dest="from_dir",
            help=f"same as --from-dir {debian_dir} (apt-get install dataset-fashion-mnist)",
        )
    parser.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="base URL to download from, ending in '/'; repeat to give several (default: " + ", ".join(mirrors) + ")",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per network operation (default: 60)")
    args = parser.parse_args(argv)
    try:
        fetch(files, args.out, mirrors=args.mirror or mirrors, from_dir=args.from_dir, timeout=args.timeout)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"all {len(files)} files verified in {args.out}")
    return 0
