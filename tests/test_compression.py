"""Codes quantised to b bits, and JPEG's scan size: by hand and against the file."""

import io

import numpy as np
import pytest

from npae.analysis.compression import _scan_bytes, jpeg_roundtrip, quantise


def test_quantise_by_hand():
    C = np.array([[0.0, 0.49, 0.51, 1.2, -3.0]])
    np.testing.assert_allclose(quantise(C, 0.0, 1.0, 1), [[0, 0, 1, 1, 0]])
    Q = quantise(np.random.default_rng(0).uniform(0, 1, (50, 4)), 0.0, 1.0, 8)
    assert np.all(np.isclose(Q * 255, np.round(Q * 255)))
    lows, highs = np.array([-1.0, 0.0]), np.array([1.0, 10.0])
    Q = quantise(np.array([[0.1, 3.3]]), lows, highs, 2)                 # levels -1, -1/3, 1/3, 1 and 0, 10/3, ...
    np.testing.assert_allclose(Q, [[1 / 3, 10 / 3]])
    with pytest.raises(ValueError, match="high must exceed low"):
        quantise(C, 1.0, 1.0, 8)
    with pytest.raises(ValueError, match="bits"):
        quantise(C, 0.0, 1.0, 0)


def test_jpeg_scan_is_part_of_the_file_and_grows_with_quality():
    from PIL import Image
    X = np.random.default_rng(1).uniform(0, 1, (20, 64))
    low, bits_low = jpeg_roundtrip(X, (8, 8), 10)
    high, bits_high = jpeg_roundtrip(X, (8, 8), 95)
    assert np.all(bits_high > bits_low)
    assert np.mean((high - X) ** 2) < np.mean((low - X) ** 2)
    buffer = io.BytesIO()
    Image.fromarray(np.round(X[0].reshape(8, 8) * 255).astype(np.uint8), mode="L").save(buffer, format="JPEG",
                                                                                        quality=95)
    data = buffer.getvalue()
    assert bits_high[0] == 8 * _scan_bytes(data) and 0 < _scan_bytes(data) < len(data) - 300


def test_a_flat_image_round_trips_exactly_and_costs_few_bits():
    X = np.full((1, 64), 128 / 255)
    X_hat, bits = jpeg_roundtrip(X, (8, 8), 50)
    np.testing.assert_allclose(X_hat, X)
    assert bits[0] < 40


def test_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        jpeg_roundtrip(np.full((1, 4), 2.0), (2, 2), 50)
    with pytest.raises(ValueError, match="columns"):
        jpeg_roundtrip(np.zeros((1, 5)), (2, 2), 50)
    with pytest.raises(ValueError, match="quality"):
        jpeg_roundtrip(np.zeros((1, 4)), (2, 2), 100)
