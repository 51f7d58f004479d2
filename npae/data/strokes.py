"""Digit-like stroke images drawn by code: a stand-in for MNIST where there is no internet.

Each image is one of the ten digits, drawn as a few pen strokes (polylines and arcs in a unit box) through a
random affine map (rotation, shear, scale, shift) and a random pen width, then rendered into a 28 × 28 grid
the way MNIST's digits sit in theirs: inside a central 20 × 20 box, white strokes on black, values in [0, 1]
(a pixel's value falls from 1 to 0 over one pixel at the pen's edge, a simple anti-aliasing). They are not
handwriting; they are thin strokes on an empty background, which is what sets MNIST apart from the filled
shapes of Fashion-MNIST, and they are reproducible from a seed.
"""

import numpy as np

from npae.checks import check_int, check_rng

__all__ = ["digit_strokes", "DIGIT_STROKES"]


def _arc(cx, cy, rx, ry, start, stop, n=12):
    """Points of an elliptic arc, angles in degrees (0 to the right, 90 downwards: y grows down the image)."""
    angles = np.radians(np.linspace(start, stop, n))
    return np.column_stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)])


def _line(*points):
    return np.array(points, dtype=float)


#: Each digit as a list of strokes, each stroke an (n, 2) array of (x, y) points in the unit box.
DIGIT_STROKES = {
    0: [_arc(0.5, 0.5, 0.3, 0.45, 0, 360, 24)],
    1: [_line((0.35, 0.2), (0.58, 0.03), (0.45, 0.97))],
    2: [np.vstack([_arc(0.5, 0.3, 0.3, 0.25, 180, 360 + 30, 12), _line((0.2, 0.95), (0.85, 0.95))])],
    3: [_arc(0.45, 0.28, 0.3, 0.23, 200, 450, 12), _arc(0.45, 0.72, 0.33, 0.23, 270, 520, 12)],
    4: [_line((0.68, 0.97), (0.68, 0.03), (0.12, 0.65), (0.88, 0.65))],
    5: [np.vstack([_line((0.8, 0.05), (0.28, 0.05), (0.24, 0.45)), _arc(0.47, 0.67, 0.32, 0.28, 235, 490, 12)])],
    6: [np.vstack([_arc(0.85, 0.65, 0.6, 0.6, 235, 180, 6), _arc(0.5, 0.7, 0.25, 0.25, 180, 540, 20)])],
    7: [_line((0.15, 0.05), (0.85, 0.05), (0.4, 0.97))],
    8: [_arc(0.5, 0.27, 0.22, 0.22, 0, 360, 18), _arc(0.5, 0.72, 0.27, 0.25, 0, 360, 20)],
    9: [_arc(0.5, 0.3, 0.24, 0.25, 0, 360, 18), _line((0.74, 0.3), (0.62, 0.97))],
}


def _segment_distance(P, A, B):
    """Distance from every pixel centre P (p, 2) to the nearest segment A[k]B[k] of each image: (n, p).

    A, B of shape (n, s, 2): the s segments of each of n images (padding segments repeat a real one).
    """
    ABx, ABy = (B - A)[..., 0][:, None, :], (B - A)[..., 1][:, None, :]          # (n, 1, s)
    APx = P[None, :, 0, None] - A[:, None, :, 0]                                  # (n, p, s)
    APy = P[None, :, 1, None] - A[:, None, :, 1]
    t = np.clip((APx * ABx + APy * ABy) / np.maximum(ABx ** 2 + ABy ** 2, 1e-12), 0.0, 1.0)
    return np.sqrt(np.min((APx - t * ABx) ** 2 + (APy - t * ABy) ** 2, axis=2))


def digit_strokes(n, rng, image_size=28):
    """Draw ``n`` digit-like stroke images, each digit equally likely.

    Parameters
    ----------
    n : int ≥ 1
    rng : numpy.random.Generator
        Draws the digits, the affine maps and the pen widths.
    image_size : int ≥ 8
        Side of the square image (28 as MNIST; the digit fills the central 20/28 of it).

    Returns
    -------
    X : ndarray of shape (n, image_size²), float64 in [0, 1]
        One image a row, row-major.
    y : ndarray of shape (n,), int64
        The digit drawn.

    Raises
    ------
    TypeError, ValueError
        If ``n`` or ``image_size`` is not an integer (≥ 1, ≥ 8), or ``rng`` not a Generator.
    """
    n = check_int("n", n, 1)
    size = check_int("image_size", image_size, 8)
    rng = check_rng(rng)
    rows, cols = np.mgrid[0:size, 0:size]
    pixels = np.column_stack([cols.ravel() + 0.5, rows.ravel() + 0.5])      # pixel centres, (x, y)
    box = 20.0 * size / 28.0                                                 # the digit's box, in pixels
    y = rng.integers(0, 10, n)
    starts, ends = [], []
    for digit in y:
        angle = np.radians(rng.uniform(-12, 12))
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        shear = np.array([[1.0, rng.uniform(-0.25, 0.25)], [0.0, 1.0]])
        scale = rng.uniform(0.75, 0.95) * np.array([rng.uniform(0.8, 1.1), 1.0])
        A = box * rotation @ shear * scale                                  # unit box -> pixels, about its centre
        shift = size / 2.0 + rng.uniform(-1.0, 1.0, 2)
        strokes = [(stroke - 0.5) @ A.T + shift for stroke in DIGIT_STROKES[int(digit)]]
        starts.append(np.vstack([points[:-1] for points in strokes]))
        ends.append(np.vstack([points[1:] for points in strokes]))
    half_width = rng.uniform(0.8, 1.5, n)                                    # pen radius in pixels
    n_segments = max(len(a) for a in starts)
    pad = lambda segments: np.vstack([segments, np.repeat(segments[:1], n_segments - len(segments), axis=0)])
    A, B = np.stack([pad(a) for a in starts]), np.stack([pad(b) for b in ends])   # (n, s, 2) each
    X = np.empty((n, size * size))
    for block in range(0, n, 64):                                            # 64 images at a time: bounded memory
        rows_ = slice(block, block + 64)
        distance = _segment_distance(pixels, A[rows_], B[rows_])
        X[rows_] = np.clip(half_width[rows_, None] + 0.5 - distance, 0.0, 1.0)
    return X, y.astype(np.int64)
