"""Round trips and malformed files for npae.data.idx."""

import gzip
import struct

import numpy as np
import pytest

from npae.data.idx import IDX_DTYPES, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]
SHAPES = [(7,), (3, 4, 5), (2, 1, 3, 2)]


def _random_array(rng, dtype, shape):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    a = _random_array(rng, dtype, shape)
    path = tmp_path / f"a.idx{suffix}"
    write_idx(path, a)
    b = read_idx(path)
    assert b.shape == a.shape
    assert b.dtype == np.dtype(dtype)
    assert b.dtype.isnative
    np.testing.assert_array_equal(b, a)
    b[...] = 0  # the result is writable


def test_gz_written_only_for_gz_suffix(tmp_path):
    a = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "a.gz", a)
    write_idx(tmp_path / "a", a)
    assert (tmp_path / "a.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert (tmp_path / "a").read_bytes()[:4] == bytes([0, 0, 0x08, 1])


def test_header_layout_matches_spec(tmp_path):
    """Bytes written by hand after the published format are read back."""
    payload = np.arange(6, dtype=">i2")
    raw = bytes([0, 0, 0x0B, 2]) + struct.pack(">II", 2, 3) + payload.tobytes()
    (tmp_path / "h").write_bytes(raw)
    np.testing.assert_array_equal(read_idx(tmp_path / "h"), np.arange(6).reshape(2, 3))
    write_idx(tmp_path / "w", np.arange(6, dtype=np.int16).reshape(2, 3))
    assert (tmp_path / "w").read_bytes() == raw


def test_gzip_detected_by_magic_not_name(tmp_path):
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    write_idx(tmp_path / "a.gz", a)
    renamed = tmp_path / "no-suffix"
    renamed.write_bytes((tmp_path / "a.gz").read_bytes())
    np.testing.assert_array_equal(read_idx(renamed), a)


@pytest.mark.parametrize("gz", [False, True])
def test_bad_magic(tmp_path, gz):
    path = tmp_path / "foreign.bin"
    content = b"\x89PNG\r\n\x1a\n" + bytes(100)
    path.write_bytes(gzip.compress(content) if gz else content)
    with pytest.raises(ValueError, match=r"foreign\.bin.*not an IDX file"):
        read_idx(path)


def test_unknown_type_code(tmp_path):
    path = tmp_path / "code.idx"
    path.write_bytes(bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 1) + b"\0")
    with pytest.raises(ValueError, match=r"code\.idx.*type code 0x0A"):
        read_idx(path)


@pytest.mark.parametrize("cut", [1, 3, 30])
def test_truncated(tmp_path, cut):
    path = tmp_path / "cut.idx"
    write_idx(path, np.zeros((4, 5, 5), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-cut])
    with pytest.raises(ValueError, match=r"cut\.idx.*truncated"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "head.idx"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + struct.pack(">I", 4))
    with pytest.raises(ValueError, match=r"head\.idx.*truncated.*header"):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / "cut.gz"
    write_idx(path, np.arange(1000, dtype=np.int32))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match=r"cut\.gz.*(corrupt|truncated)"):
        read_idx(path)


@pytest.mark.parametrize("gz", [False, True])
def test_trailing_bytes(tmp_path, gz):
    path = tmp_path / "tail.idx"
    write_idx(path, np.zeros((2, 3), dtype=np.float32))
    raw = path.read_bytes() + b"xyz"
    path.write_bytes(gzip.compress(raw) if gz else raw)
    with pytest.raises(ValueError, match=r"tail\.idx.*3 trailing bytes"):
        read_idx(path)


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(TypeError, match="array: dtype int64"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.int64))


def test_write_rejects_scalar(tmp_path):
    with pytest.raises(ValueError, match="ndim=0"):
        write_idx(tmp_path / "x", np.uint8(3))


def test_type_table_is_big_endian():
    assert all(dt.byteorder in (">", "|") for dt in IDX_DTYPES.values())
    assert IDX_DTYPES[0x08] == np.dtype(np.uint8)
