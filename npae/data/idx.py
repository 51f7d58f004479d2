"""Read and write the IDX file format (the format of MNIST and Fashion-MNIST).

The IDX format is described on Yann LeCun's MNIST page (section "FILE FORMATS FOR THE MNIST
DATABASE"). A file is a header followed by the raw array, C order, big-endian:

====================  ==========================================================
bytes 0-1             two zero bytes
byte 2                the type code of the elements (table below)
byte 3                the number of dimensions ``ndim`` (1 for labels, 3 for images)
bytes 4 .. 4+4*ndim   each dimension as a big-endian unsigned 32-bit integer
the rest              prod(dims) elements of the type, big-endian
====================  ==========================================================

======  ==============================  ================
code    element type                    numpy dtype
======  ==============================  ================
0x08    unsigned byte                   ``>u1``
0x09    signed byte                     ``>i1``
0x0B    short (2 bytes)                 ``>i2``
0x0C    int (4 bytes)                   ``>i4``
0x0D    float (4 bytes)                 ``>f4``
0x0E    double (8 bytes)                ``>f8``
======  ==============================  ================

The published files are gzipped; :func:`read_idx` recognises gzip by its two magic bytes
``1f 8b`` rather than by the file name, so a renamed file still reads.
"""

import gzip
import os
import struct
import zlib

import numpy as np

from npae.checks import check_path

__all__ = ["IDX_DTYPES", "read_idx", "write_idx"]

#: Type code -> big-endian numpy dtype, as listed in the IDX specification.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path):
    """Return the IDX bytes of ``path``, gunzipped when the file starts with the gzip magic."""
    path = check_path("path", path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path: no such file {path!r}")
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip.BadGzipFile is an OSError; a cut-off stream raises EOFError.
        raise ValueError(f"{os.fspath(path)!r}: corrupt or truncated gzip data ({exc})") from exc


def read_idx(path):
    """Read an IDX file (gzipped or not) into a numpy array.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Gzip compression is detected from the first two bytes (``1f 8b``), not from
        the file name.

    Returns
    -------
    numpy.ndarray
        A new, writable array of the shape given in the header, in native byte order, with the
        dtype of the header's type code (``uint8`` for MNIST images and labels; see
        :data:`IDX_DTYPES`).

    Raises
    ------
    ValueError
        Naming the file, when it is not an IDX file (the first two bytes are not zero, or the
        type code is unknown, or the number of dimensions is 0), when it is truncated (fewer
        bytes than the header announces), when it has trailing bytes after the data, or when
        its gzip stream is corrupt.
    FileNotFoundError
        When ``path`` does not exist.
    TypeError
        When ``path`` is not a str or os.PathLike.

    Notes
    -----
    Format: Y. LeCun, C. Cortes, C. Burges, "The MNIST database", section "File formats".
    """
    name = check_path("path", path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{name!r}: not an IDX file: {len(data)} bytes, shorter than the 4-byte magic")
    zero0, zero1, code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise ValueError(
            f"{name!r}: not an IDX file: the magic number must start with two zero bytes, "
            f"got {data[:4].hex(' ')}"
        )
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise ValueError(f"{name!r}: unknown IDX type code 0x{code:02X}; expected one of {known}")
    if ndim == 0:
        raise ValueError(f"{name!r}: IDX header announces 0 dimensions; expected at least 1")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"{name!r}: truncated IDX file: the header needs {header_size} bytes for {ndim} "
            f"dimensions, the file has {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = IDX_DTYPES[code]
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) < expected:
        raise ValueError(
            f"{name!r}: truncated IDX file: the header announces shape {shape} of {dtype.name} "
            f"({expected} bytes with the header), the file has {len(data)} bytes"
        )
    if len(data) > expected:
        raise ValueError(
            f"{name!r}: {len(data) - expected} trailing bytes after the data: the header "
            f"announces shape {shape} of {dtype.name} ({expected} bytes with the header), "
            f"the file has {len(data)} bytes"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # copy: native order, writable


def write_idx(path, array):
    """Write an array as an IDX file; gzipped when ``path`` ends with ``.gz``.

    Parameters
    ----------
    path : str or os.PathLike
        Destination. A name ending in ``.gz`` is written gzip-compressed (with a zero gzip
        timestamp, so that the same array always gives the same bytes).
    array : array_like, shape (d1, ..., dk), 1 <= k <= 255
        The data. Its dtype must be one of the IDX element types: uint8, int8, int16, int32,
        float32 or float64 (any byte order); it is stored big-endian.

    Raises
    ------
    TypeError
        If ``array``'s dtype has no IDX type code, or ``path`` is not a str or os.PathLike.
    ValueError
        If ``array`` has 0 or more than 255 dimensions, or a dimension of 2**32 or more, or ``path`` is a
        directory.
    FileNotFoundError
        If the directory that would hold ``path`` does not exist.

    Notes
    -----
    Format: Y. LeCun, C. Cortes, C. Burges, "The MNIST database", section "File formats".
    """
    path = check_path("path", path)
    if os.path.isdir(path):
        raise ValueError(f"path: {path!r} is a directory; expected a file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"path: the directory {parent!r} of {path!r} does not exist")
    array = np.asarray(array)
    code = None
    for c, dt in IDX_DTYPES.items():
        if array.dtype.kind == dt.kind and array.dtype.itemsize == dt.itemsize:
            code = c
            break
    if code is None:
        known = ", ".join(dt.newbyteorder("=").name for dt in IDX_DTYPES.values())
        raise TypeError(f"array: dtype {array.dtype} has no IDX type code; expected one of {known}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"array: IDX stores 1 to 255 dimensions, got ndim={array.ndim}")
    if any(d >= 2**32 for d in array.shape):
        raise ValueError(f"array: IDX dimensions must be below 2**32, got shape {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    if os.fspath(path).endswith(".gz"):
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(header)
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(header)
            f.write(payload)
