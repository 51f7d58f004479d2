"""Download a file with checksum verification and an atomic write (shared by the data scripts).

Nothing is ever left half-written at the destination: data go to a temporary file in the same
directory, are checked, and only then replace the destination with ``os.replace`` (atomic on
POSIX and Windows when both paths are on the same file system). On any error the temporary file
is removed.

Standard library only (urllib, hashlib, tempfile), so the scripts run without npae installed.
"""
import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.request

CHUNK = 1 << 20


def file_digest(path, algorithm="sha256"):
    """Hex digest of a file's bytes, read in 1 MiB chunks.

    Parameters
    ----------
    path : str or os.PathLike
    algorithm : str, default "sha256"
        Any name ``hashlib.new`` accepts ("sha256", "md5", ...).

    Returns
    -------
    str
        Lower-case hexadecimal digest.

    Raises
    ------
    ValueError
        If ``algorithm`` is unknown to hashlib.
    OSError
        If ``path`` cannot be read.
    """
    try:
        digest = hashlib.new(algorithm)
    except ValueError as exc:
        raise ValueError(f"algorithm {algorithm!r} is not known to hashlib") from exc
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_digests(path, sha256=None, md5=None):
    """Raise ValueError unless the file's SHA-256 / MD5 equal the given hex strings (None skips)."""
    for algorithm, expected in (("sha256", sha256), ("md5", md5)):
        if expected is None:
            continue
        actual = file_digest(path, algorithm)
        if actual != expected.strip().lower():
            raise ValueError(
                f"{algorithm} mismatch for {os.fspath(path)!r}: expected {expected}, got {actual}"
            )


@contextlib.contextmanager
def atomic_output(dest):
    """Context manager yielding a temporary path next to ``dest``; on success it replaces ``dest``.

    Write the file to the yielded path inside the ``with`` block. If the block raises, the
    temporary file is deleted and ``dest`` is left as it was. The parent directory of ``dest``
    is created if needed.
    """
    dest = os.fspath(dest)
    directory = os.path.dirname(os.path.abspath(dest))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(dest) + ".", suffix=".part", dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def download(url, dest, sha256=None, md5=None, timeout=60):
    """Download ``url`` to ``dest``, verifying checksums before the file appears at ``dest``.

    Parameters
    ----------
    url : str
        Any URL urllib opens (http, https, ftp, file).
    dest : str or os.PathLike
        Destination file; its directory is created if needed.
    sha256, md5 : str or None
        Expected hex digests; each one given must match, else nothing is written.
    timeout : float, default 60
        Seconds before a stalled connection fails.

    Returns
    -------
    str
        ``dest``.

    Raises
    ------
    ValueError
        If a checksum does not match (``dest`` is left untouched).
    urllib.error.URLError, OSError
        If the download fails (``dest`` is left untouched).
    """
    with atomic_output(dest) as tmp:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out, CHUNK)
        check_digests(tmp, sha256=sha256, md5=md5)
    return os.fspath(dest)
