"""The digit-like stroke images: shapes, range, reproducibility, and ink where MNIST has it."""

import numpy as np
import pytest

from npae.data.strokes import DIGIT_STROKES, digit_strokes


def test_shapes_range_and_labels():
    X, y = digit_strokes(200, np.random.default_rng(0))
    assert X.shape == (200, 784) and X.dtype == np.float64 and y.shape == (200,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(y.tolist()) == set(range(10)) and sorted(DIGIT_STROKES) == list(range(10))


def test_a_seed_gives_the_same_images_and_another_seed_others():
    a, ya = digit_strokes(20, np.random.default_rng(1))
    b, yb = digit_strokes(20, np.random.default_rng(1))
    c, _ = digit_strokes(20, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a, c)


def test_thin_strokes_in_the_central_box_like_mnist():
    X, _ = digit_strokes(300, np.random.default_rng(3))
    images = X.reshape(-1, 28, 28)
    assert 0.08 < X.mean() < 0.2                       # MNIST's mean pixel is 0.13
    border = np.concatenate([images[:, 0].ravel(), images[:, -1].ravel(), images[:, :, 0].ravel(),
                             images[:, :, -1].ravel()])
    assert border.max() == 0.0                         # nothing drawn in the outermost pixels
    centre_of_mass = np.array([np.sum(images * np.arange(28)[:, None], axis=(1, 2)),
                               np.sum(images * np.arange(28)[None, :], axis=(1, 2))]) / images.sum(axis=(1, 2))
    assert np.all(np.abs(centre_of_mass - 13.5) < 4)


def test_a_smaller_image_and_bad_arguments():
    X, _ = digit_strokes(3, np.random.default_rng(4), image_size=14)
    assert X.shape == (3, 196)
    with pytest.raises(ValueError, match="n"):
        digit_strokes(0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        digit_strokes(3, 0)
    with pytest.raises(ValueError, match="image_size"):
        digit_strokes(3, np.random.default_rng(0), image_size=4)
