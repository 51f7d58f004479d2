"""Autoencoders as lossy codecs: codes quantised to a number of bits, and JPEG as the generic codec to beat.

A trained encoder, its code quantised to b bits per unit, and the decoder make a lossy compressor of
n_hidden · b bits per image, whose dictionary (the weights) is learned from one kind of data. JPEG (ITU-T
T.81) is the general-purpose baseline: :func:`jpeg_roundtrip` encodes each image with Pillow's baseline
encoder (standard Huffman tables, 4:4:4 grey) and counts only the entropy-coded scan, the bytes that differ
from image to image; the headers (quantisation and Huffman tables, sizes), a few hundred bytes that a
collection of images would share, are left out, as the autoencoder's weights are.
"""

import io

import numpy as np

from npae.checks import as_real_array, check_int, check_real, check_shape

__all__ = ["quantise", "jpeg_roundtrip"]


def quantise(C, low, high, bits):
    """Round codes to ``bits`` bits each on the interval [low, high] (values outside are clipped first).

    Parameters
    ----------
    C : array_like of shape (m, n_hidden)
        Codes (a sigmoid code lies in [0, 1]).
    low, high : float or array_like of shape (n_hidden,)
        The interval of each unit (high > low).
    bits : int in [1, 24]
        2^bits levels, evenly spaced from low to high.

    Returns
    -------
    ndarray of shape (m, n_hidden), float64: each value replaced by its nearest level.

    Raises
    ------
    ValueError, TypeError
        If C is not a finite numeric 2-D array with at least one row, ``low`` or ``high`` is not a real number or
        a finite array of shape (n_hidden,), an interval is empty, or ``bits`` is out of range.
    """
    C = as_real_array("C", C, ndim=2, dtype=np.float64, nonempty=True)
    low, high = _bound("low", low, C.shape[1]), _bound("high", high, C.shape[1])
    if np.any(high <= low):
        raise ValueError("high must exceed low for every unit")
    levels = 2 ** check_int("bits", bits, 1, 24) - 1
    step = (high - low) / levels
    return low + np.round((np.clip(C, low, high) - low) / step) * step


def _bound(name, value, n):
    """A real number, or a finite real array of shape (n,), as float64 (ValueError/TypeError naming ``name``)."""
    if np.ndim(value) == 0:
        return check_real(name, value)
    A = as_real_array(name, value, shape=(n,))
    if A.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, got booleans")
    return A.astype(np.float64)


def _scan_bytes(jpeg):
    """Bytes of the entropy-coded scan of a baseline JPEG file: after the SOS segment, before EOI."""
    sos = jpeg.index(b"\xff\xda")
    header_length = int.from_bytes(jpeg[sos + 2:sos + 4], "big")
    return len(jpeg) - (sos + 2 + header_length) - 2


def jpeg_roundtrip(X, image_shape, quality):
    """Encode every row of X as a grey JPEG of the given quality and decode it back.

    Parameters
    ----------
    X : array_like of shape (m, rows · cols), values in [0, 1]
        Images, one a row; rounded to 8 bits (JPEG's input).
    image_shape : (int, int)
        (rows, cols).
    quality : int in [1, 95]
        Pillow's quality (the IJG scaling of the standard quantisation tables).

    Returns
    -------
    X_hat : ndarray of shape (m, rows · cols), float64 in [0, 1]
    bits : ndarray of shape (m,), int64
        The size of each image's entropy-coded scan, in bits (module docstring).

    Raises
    ------
    ValueError, TypeError
        If X is not a finite 2-D array in [0, 1] of rows · cols columns, or ``quality`` is out of range.
    """
    from PIL import Image                     # Pillow: matplotlib's own dependency

    rows, cols = check_shape("image_shape", image_shape, 2)
    X = as_real_array("X", X, ndim=2, dtype=np.float64, nonempty=True)
    if X.shape[1] != rows * cols:
        raise ValueError(f"X must have rows · cols = {rows * cols} columns, got {X.shape[1]}")
    if X.min() < 0 or X.max() > 1:
        raise ValueError("X must lie in [0, 1]")
    quality = check_int("quality", quality, 1, 95)
    pixels = np.round(X * 255).astype(np.uint8).reshape(-1, rows, cols)
    X_hat, bits = np.empty_like(X), np.empty(len(X), dtype=np.int64)
    for i, image in enumerate(pixels):
        buffer = io.BytesIO()
        Image.fromarray(image, mode="L").save(buffer, format="JPEG", quality=quality)
        data = buffer.getvalue()
        bits[i] = 8 * _scan_bytes(data)
        X_hat[i] = np.asarray(Image.open(io.BytesIO(data)), dtype=np.float64).ravel() / 255.0
    return X_hat, bits
