"""Tests for npae.data.natural_images (UFLDL sparse-AE data: whitening, sampleIMAGES, normalizeData)."""
import sys

import numpy as np
import pytest
import scipy.io

from npae.data import natural_images as ni


def _hide_skimage(monkeypatch):
    # A None entry in sys.modules makes "import skimage" raise ImportError.
    monkeypatch.setitem(sys.modules, "skimage", None)
    monkeypatch.setitem(sys.modules, "skimage.data", None)


def _fake_images_mat(path, shape=(512, 512, 10), name="IMAGES", seed=0):
    data = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    scipy.io.savemat(path, {name: data})
    return data


# ---------------------------------------------------------------- photographs


def test_load_photographs_without_skimage_gives_matplotlib_photograph(monkeypatch):
    _hide_skimage(monkeypatch)
    photos = ni.load_photographs(max_size=256)
    assert len(photos) == len(ni.MATPLOTLIB_PHOTOGRAPHS)
    (photo,) = photos
    assert photo.dtype == np.float64 and photo.ndim == 2
    assert photo.shape == (256, 256)  # grace_hopper is 600x512, centre cropped
    assert 0.0 <= photo.min() < photo.max() <= 1.0


def test_load_photographs_with_skimage_adds_its_photographs():
    pytest.importorskip("skimage")
    photos = ni.load_photographs()
    assert len(photos) == len(ni.MATPLOTLIB_PHOTOGRAPHS) + len(ni.SKIMAGE_PHOTOGRAPHS)
    for photo in photos:
        assert photo.ndim == 2 and photo.dtype == np.float64
        assert max(photo.shape) <= 512
        assert photo.std() > 0.05  # a real picture, not a blank


@pytest.mark.parametrize("bad, error", [(8, ValueError), (100.0, TypeError), (True, TypeError)])
def test_load_photographs_rejects_bad_max_size(bad, error):
    with pytest.raises(error, match="max_size"):
        ni.load_photographs(max_size=bad)


# ---------------------------------------------------------------- whitening


def _dct_basis(n, k):
    # cos(pi k (x + 1/2) / n): its symmetric extension to 2n samples is a pure sinusoid of
    # k / (2n) cycles/pixel, so the whitening filter must scale it by exactly R(k / (2n)).
    x = np.arange(n)
    return np.cos(np.pi * k * (x + 0.5) / n)


def test_whiten_multiplies_each_frequency_by_olshausen_field_filter():
    n = 64
    k1, k2 = 6, 40  # 6/128 and 40/128 cycles/pixel, below and above f0 = 0.2 (f0_fraction 0.4)
    c1 = np.outer(np.ones(n), _dct_basis(n, k1))
    c2 = np.outer(_dct_basis(n, k2), np.ones(n))
    a, b = 1.0, 0.5
    out = ni.whiten(a * c1 + b * c2 + 3.0, f0_fraction=0.4)

    def R(f, f0=0.2):
        return f * np.exp(-((f / f0) ** 4))

    coef1 = np.sum(out * c1) / np.sum(c1 * c1)
    coef2 = np.sum(out * c2) / np.sum(c2 * c2)
    expected_ratio = a * R(k1 / (2 * n)) / (b * R(k2 / (2 * n)))
    assert coef1 / coef2 == pytest.approx(expected_ratio, rel=1e-9)
    # nothing else is in the output
    np.testing.assert_allclose(out, coef1 * c1 + coef2 * c2, atol=1e-10)


def test_whiten_f0_fraction_moves_the_roll_off():
    n = 64
    c = np.outer(np.ones(n), _dct_basis(n, 40)) + np.outer(_dct_basis(n, 6), np.ones(n))
    hi = np.outer(np.ones(n), _dct_basis(n, 40))
    share_default = abs(np.sum(ni.whiten(c) * hi))
    share_wide = abs(np.sum(ni.whiten(c, f0_fraction=1.0) * hi))
    assert share_wide > share_default


def test_whiten_flattens_a_one_over_f_spectrum_and_has_unit_variance():
    rng = np.random.default_rng(1)
    n = 128
    f = np.hypot(np.fft.fftfreq(n)[:, None], np.fft.fftfreq(n)[None, :])
    f[0, 0] = 1.0
    spectrum = np.fft.fft2(rng.standard_normal((n, n))) / f  # amplitude ~ 1/f
    image = np.real(np.fft.ifft2(spectrum))
    out = ni.whiten(image)
    assert out.shape == image.shape and out.dtype == np.float64
    assert out.mean() == pytest.approx(0.0, abs=1e-12)
    assert out.var() == pytest.approx(1.0, rel=1e-12)
    # band power per frequency bin: low band (below f0) about as strong as the mid band after
    # whitening, whereas before it the low band dominates by the 1/f^2 power law
    power_in = np.abs(np.fft.fft2(image)) ** 2
    power_out = np.abs(np.fft.fft2(out)) ** 2
    low = (f > 0.02) & (f < 0.05)
    mid = (f > 0.08) & (f < 0.12)
    ratio_in = power_in[low].mean() / power_in[mid].mean()
    ratio_out = power_out[low].mean() / power_out[mid].mean()
    assert ratio_in > 4.0
    assert 0.5 < ratio_out < 2.0


@pytest.mark.parametrize(
    "image, kwargs, match",
    [
        (np.zeros(10), {}, "image"),
        (np.ones((8, 8)), {}, "constant"),
        (np.full((8, 8), np.nan), {}, "image contains NaN or inf"),
        (np.eye(8), {"f0_fraction": 0.0}, "f0_fraction"),
        (np.eye(8), {"f0_fraction": 1.5}, "f0_fraction"),
    ],
)
def test_whiten_rejects_bad_input(image, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ni.whiten(image, **kwargs)


# ---------------------------------------------------------------- UFLDL IMAGES.mat


def test_load_ufldl_images_reads_the_ten_images(tmp_path):
    path = tmp_path / "IMAGES.mat"
    data = _fake_images_mat(path)
    images = ni.load_ufldl_images(path)
    assert len(images) == 10
    for k, image in enumerate(images):
        assert image.shape == (512, 512) and image.dtype == np.float64
        np.testing.assert_array_equal(image, data[:, :, k])


def test_load_ufldl_images_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="fetch_ufldl_images"):
        ni.load_ufldl_images(tmp_path / "missing.mat")
    wrong_name = tmp_path / "other.mat"
    _fake_images_mat(wrong_name, shape=(4, 4, 2), name="PICTURES")
    with pytest.raises(ValueError, match="IMAGES"):
        ni.load_ufldl_images(wrong_name)
    wrong_shape = tmp_path / "small.mat"
    _fake_images_mat(wrong_shape, shape=(64, 64, 10))
    with pytest.raises(ValueError, match="shape"):
        ni.load_ufldl_images(wrong_shape)
    not_mat = tmp_path / "junk.mat"
    not_mat.write_bytes(b"this is not a MAT file")
    with pytest.raises(ValueError, match="MAT"):
        ni.load_ufldl_images(not_mat)


def test_natural_images_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NPAE_DATA", raising=False)
    _hide_skimage(monkeypatch)  # keeps the photograph path quick
    with pytest.raises(FileNotFoundError, match="IMAGES.mat"):
        ni.natural_images("ufldl")
    photos = ni.natural_images("auto")  # no IMAGES.mat anywhere: whitened photographs
    assert len(photos) == 1 and photos[0].var() == pytest.approx(1.0)

    store = tmp_path / "store"
    store.mkdir()
    data = _fake_images_mat(store / "IMAGES.mat")
    monkeypatch.setenv("NPAE_DATA", str(store))
    for source in ("auto", "ufldl"):
        images = ni.natural_images(source)
        assert len(images) == 10
        np.testing.assert_array_equal(images[3], data[:, :, 3])
    assert len(ni.natural_images("photographs")) == 1

    monkeypatch.delenv("NPAE_DATA")
    (tmp_path / "data").mkdir()
    (store / "IMAGES.mat").rename(tmp_path / "data" / "IMAGES.mat")
    assert len(ni.natural_images("auto")) == 10

    with pytest.raises(ValueError, match="source"):
        ni.natural_images("mnist")


# ---------------------------------------------------------------- sampleIMAGES


def test_sample_patches_cuts_real_patches_in_row_major_order():
    rng = np.random.default_rng(2)
    # every pixel value is unique and encodes (image, row, col)
    shapes = [(20, 30), (15, 12)]
    images = []
    offset = 0
    for shape in shapes:
        images.append(offset + np.arange(shape[0] * shape[1], dtype=float).reshape(shape))
        offset += 10_000
    p = 5
    patches = ni.sample_patches(images, n_patches=400, patch_size=p, rng=rng)
    assert patches.shape == (400, p * p) and patches.dtype == np.float64
    used = set()
    for patch in patches:
        k = int(patch[0] // 10_000)
        r, c = divmod(int(patch[0] - 10_000 * k), shapes[k][1])
        assert r + p <= shapes[k][0] and c + p <= shapes[k][1]
        np.testing.assert_array_equal(patch, images[k][r:r + p, c:c + p].reshape(-1))
        used.add((k, r, c))
    assert {k for k, _, _ in used} == {0, 1}
    assert len(used) > 100  # corners are spread out, not repeated


def test_sample_patches_reaches_every_corner_and_is_reproducible():
    image = np.arange(36, dtype=float).reshape(6, 6)
    a = ni.sample_patches([image], 2000, 3, rng=np.random.default_rng(3))
    b = ni.sample_patches([image], 2000, 3, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    corners = {int(v) for v in a[:, 0]}
    assert corners == {r * 6 + c for r in range(4) for c in range(4)}


@pytest.mark.parametrize(
    "images, kwargs, error, match",
    [
        ([], {}, ValueError, "images"),
        ([np.zeros((4, 4))], {}, ValueError, "images\\[0\\]"),
        ([np.zeros(100)], {}, ValueError, "images\\[0\\]"),
        ([np.zeros((9, 9))], {"n_patches": 0}, ValueError, "n_patches"),
        ([np.zeros((9, 9))], {"patch_size": 2.0}, TypeError, "patch_size"),
    ],
)
def test_sample_patches_rejects_bad_input(images, kwargs, error, match):
    with pytest.raises(error, match=match):
        ni.sample_patches(images, rng=np.random.default_rng(0), **kwargs)


def test_sample_patches_needs_a_generator():
    with pytest.raises(TypeError, match="rng"):
        ni.sample_patches([np.zeros((9, 9))], rng=0)


# ---------------------------------------------------------------- normalizeData


def test_normalize_patches_small_example_by_hand():
    # centred: [[-1, 1], [1, -1]]; sample std (ddof=1) of the four values = sqrt(4/3);
    # nothing is beyond 3 sigma, so x -> 0.5 + 0.4 * x / (3 sqrt(4/3))
    out = ni.normalize_patches(np.array([[0.0, 2.0], [4.0, 2.0]]))
    step = 0.4 / (3.0 * np.sqrt(4.0 / 3.0))
    np.testing.assert_allclose(out, [[0.5 - step, 0.5 + step], [0.5 + step, 0.5 - step]], rtol=1e-14)


def test_normalize_patches_removes_dc_clips_and_maps_to_sigmoid_range():
    rng = np.random.default_rng(4)
    patches = rng.standard_normal((2000, 16)) + 5.0 * rng.standard_normal((2000, 1))
    patches[0, 0] = 100.0  # far beyond 3 sigma: clipped to the top of the range
    patches[1, 0] = -100.0
    before = patches.copy()
    out = ni.normalize_patches(patches)
    np.testing.assert_array_equal(patches, before)  # input untouched
    assert out.shape == patches.shape
    assert out.min() >= 0.1 and out.max() <= 0.9
    assert out[0, 0] == pytest.approx(0.9) and out[1, 0] == pytest.approx(0.1)
    # rows with nothing clipped keep their zero mean, which maps to 0.5 (the per-patch DC
    # offsets of size ~5 would otherwise dominate)
    unclipped = np.all((out > 0.1) & (out < 0.9), axis=1)
    assert unclipped.sum() > 1500
    np.testing.assert_allclose(out[unclipped].mean(axis=1), 0.5, atol=1e-12)


@pytest.mark.parametrize(
    "patches, match",
    [(np.ones(5), "2-D"), (np.ones((3, 4)), "constant"), (np.array([[np.inf, 1.0]]), "patches contains NaN or inf")],
)
def test_normalize_patches_rejects_bad_input(patches, match):
    with pytest.raises(ValueError, match=match):
        ni.normalize_patches(patches)


# ---------------------------------------------------------------- one call


def _has_skimage():
    try:
        import skimage.data  # noqa: F401
    except ImportError:
        return False
    return True


def test_ufldl_patches_from_photographs(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NPAE_DATA", raising=False)
    X = ni.ufldl_patches(n_patches=3000, patch_size=8, rng=np.random.default_rng(5))
    assert X.shape == (3000, 64) and X.dtype == np.float64
    assert X.min() >= 0.1 and X.max() <= 0.9
    assert X.mean() == pytest.approx(0.5, abs=0.01)
    # whitened natural patches carry structure: many patches have real contrast. The fraction depends
    # on the photographs: measured 0.604 with scikit-image's photographs, 0.412 with grace_hopper.jpg
    # alone (its plain background gives flat patches).
    with_skimage = _has_skimage()
    assert np.mean(X.std(axis=1) > 0.05) > (0.5 if with_skimage else 0.35)
    Y = ni.ufldl_patches(n_patches=3000, patch_size=8, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(X, Y)
    with pytest.raises(TypeError, match="rng"):
        ni.ufldl_patches(rng=42)


@pytest.mark.parametrize("images, name", [
    ([np.full((8, 8), np.nan)], r"images\[0\] contains NaN"),
    ([np.ones((8, 8)), np.ones((8, 8)) + 1j], r"images\[1\] must be real"),
    ([[[0.1, 0.2], [0.3]]], r"images\[0\] must be a numeric array"),
    ("not a list", "images must be a list"),
])
def test_sample_patches_refuses_bad_images_naming_them(images, name):
    with pytest.raises((ValueError, TypeError), match=name):
        ni.sample_patches(images, 3, 2, rng=np.random.default_rng(0))


def test_ufldl_patches_checks_its_arguments_before_reading_images():
    with pytest.raises(ValueError, match="n_patches"):
        ni.ufldl_patches(n_patches=-1, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="patch_size"):
        ni.ufldl_patches(patch_size=2.0, rng=np.random.default_rng(0))
