"""Tests for npae.plotting: the tiling mosaic and the saved figures."""
import matplotlib.image
import numpy as np
import pytest

from npae.plotting import display_network, show_images, tile_images

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_tile_images_layout_matches_display_network_convention():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((64, 6))  # n_visible = 8x8, n_hidden = 6
    mosaic = tile_images(W.T, normalize=True)
    # ceil(sqrt(6)) = 3 columns, 2 rows, 8x8 tiles, 1-pixel border
    assert mosaic.shape == (1 + 2 * 9, 1 + 3 * 9)
    for j in range(6):
        i, c = divmod(j, 3)
        tile = mosaic[1 + 9 * i:9 + 9 * i, 1 + 9 * c:9 + 9 * c]
        # UFLDL: subtract the mean of all of W, then divide each column by its max |value|;
        # the column becomes the tile in row-major order
        centred = W[:, j] - W.mean()
        expected = centred.reshape(8, 8) / np.abs(centred).max()
        np.testing.assert_array_equal(tile, expected)
        assert np.abs(tile).max() == 1.0
    # the 1-pixel borders are black (-1)
    assert np.all(mosaic[0, :] == -1.0) and np.all(mosaic[:, 0] == -1.0)
    assert np.all(mosaic[9, :] == -1.0) and np.all(mosaic[:, 18] == -1.0)


def test_tile_images_non_square_tiles_unused_slots_and_no_normalisation():
    X = np.arange(5 * 6, dtype=float).reshape(5, 6) + 1.0  # five 2x3 images
    mosaic = tile_images(X, (2, 3), ncols=2, border=2, normalize=False)
    assert mosaic.shape == (2 + 3 * 4, 2 + 2 * 5)
    np.testing.assert_array_equal(mosaic[2:4, 2:5], X[0].reshape(2, 3))
    np.testing.assert_array_equal(mosaic[2:4, 7:10], X[1].reshape(2, 3))
    np.testing.assert_array_equal(mosaic[6:8, 2:5], X[2].reshape(2, 3))
    np.testing.assert_array_equal(mosaic[10:12, 2:5], X[4].reshape(2, 3))
    assert np.all(mosaic[10:12, 7:10] == X.min())  # unused slot holds the border value


def test_tile_images_zero_tile_stays_zero():
    X = np.zeros((2, 4))
    X[1] = [1.0, -1.5, 0.5, 0.0]  # mean of all values is 0
    mosaic = tile_images(X, border=0, ncols=2)
    np.testing.assert_array_equal(mosaic, [[0.0, 0.0, 1.0 / 1.5, -1.0], [0.0, 0.0, 0.5 / 1.5, 0.0]])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"images": np.zeros((3, 10))}, ValueError, "image_shape"),
        ({"images": np.zeros((3, 6)), "image_shape": (2, 2)}, ValueError, "image_shape"),
        ({"images": np.zeros(9)}, ValueError, "images"),
        ({"images": np.zeros((3, 9)), "ncols": 0}, ValueError, "ncols"),
        ({"images": np.zeros((3, 9)), "ncols": 1.5}, TypeError, "ncols"),
        ({"images": np.zeros((3, 9)), "border": -1}, ValueError, "border"),
    ],
)
def test_tile_images_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        tile_images(**kwargs)


def test_display_network_writes_a_png(tmp_path):
    W = np.random.default_rng(1).standard_normal((64, 25))
    path = tmp_path / "filters.png"
    fig = display_network(W, path=path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    pixels = matplotlib.image.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 40 and pixels.shape[1] > 40
    # grey colormap: red, green and blue channels agree everywhere
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 1])
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="W"):
        display_network(np.zeros(64))


def test_show_images_without_path_returns_figure_and_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = show_images(np.random.default_rng(2).random((10, 12)), (3, 4), title="ten")
    assert fig.get_suptitle() == "ten"
    assert list(tmp_path.iterdir()) == []
    path = tmp_path / "x.png"
    show_images(np.random.default_rng(2).random((10, 12)), (3, 4), path=str(path))
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_show_tangents_layout_colour_limits_and_png(tmp_path):
    from npae.plotting import show_tangents

    rng = np.random.default_rng(3)
    points = rng.uniform(size=(2, 12))                       # two 3x4 images
    cae, pca = rng.standard_normal((2, 3, 12)), rng.standard_normal((2, 2, 12))
    path = tmp_path / "t.png"
    fig = show_tangents(points, [cae, pca], (3, 4), path=path, labels=["CAE", "PCA"], title="t")
    assert path.read_bytes()[:8] == PNG_MAGIC
    axes = fig.axes
    assert len(axes) == 2 * (1 + 3 + 2)
    # row 1, column 1 + 3 + 1: the second PCA tangent of the second point, centred at 0 (±max |v|)
    image = axes[6 + 5].images[0]
    np.testing.assert_array_equal(image.get_array(), pca[1, 1].reshape(3, 4))
    limit = np.abs(pca[1, 1]).max()
    assert image.get_clim() == (-limit, limit) and image.get_cmap().name == "RdBu_r"
    # inputs share one grey scale
    assert axes[6].images[0].get_clim() == (points.min(), points.max())
    assert axes[0].images[0].get_cmap().name == "gray"


def test_show_tangents_rejects_mismatched_shapes():
    from npae.plotting import show_tangents

    points = np.zeros((2, 16))
    with pytest.raises(ValueError, match=r"tangents\[1\]"):
        show_tangents(points, [np.zeros((2, 1, 16)), np.zeros((3, 1, 16))])
    with pytest.raises(ValueError, match="labels"):
        show_tangents(points, [np.zeros((2, 1, 16))], labels=["a", "b"])
    with pytest.raises(ValueError, match="image_shape"):
        show_tangents(points, np.zeros((2, 1, 16)), image_shape=(3, 5))
    with pytest.raises(ValueError, match="at least one"):
        show_tangents(points, [])
