"""Figures: learned filters (UFLDL's ``display_network``) and grids of images or patches.

One tiling function, :func:`tile_images`, builds the mosaic as a plain NumPy array (testable
without drawing anything); :func:`display_network` and :func:`show_images` only draw it.
:func:`show_tangents` draws inputs next to signed directions (tangents) on a diverging colour scale.

Figures are made with ``matplotlib.figure.Figure`` and saved through the Agg canvas, never through
``pyplot``, so they need no display and leave no global figure state behind.

Pixel order: a row of length h*w is reshaped to (h, w) in row-major (C) order, the order in which
``npae.data.natural_images.sample_patches`` flattens patches.
"""
import math

import numpy as np

from npae.checks import as_real_array, check_bool, check_int, check_path, check_real, check_sequence


def _grid_shape(n_tiles, ncols):
    if ncols is None:
        ncols = math.ceil(math.sqrt(n_tiles))
    ncols = min(check_int("ncols", ncols, 1), n_tiles)
    return math.ceil(n_tiles / ncols), ncols


def _image_shape(n_pixels, image_shape, name, array_name="images"):
    if image_shape is None:
        side = math.isqrt(n_pixels)
        if side * side != n_pixels:
            raise ValueError(
                f"{array_name} has {n_pixels} pixels per tile, not a square number: pass {name}=(rows, cols)"
            )
        return side, side
    image_shape = tuple(check_int(f"{name}[{i}]", s, 1)
                        for i, s in enumerate(check_sequence(name, image_shape, "two integers (rows, cols)")))
    if len(image_shape) != 2 or image_shape[0] * image_shape[1] != n_pixels:
        raise ValueError(f"{name} must be (rows, cols) with rows*cols = {n_pixels}, got {image_shape}")
    return image_shape


def tile_images(images, image_shape=None, ncols=None, border=1, normalize=True, border_value=None):
    """Arrange flattened images as tiles of one mosaic array.

    Tile k (row k of ``images``) goes to grid position (k // ncols, k % ncols); tile (i, j)
    starts at pixel (border + i*(rows + border), border + j*(cols + border)). Unused grid
    positions and the borders hold ``border_value``.

    Parameters
    ----------
    images : array_like, shape (n_tiles, rows*cols)
        One flattened image a row, row-major pixel order.
    image_shape : (int, int) or None
        (rows, cols) of a tile; None means square.
    ncols : int or None
        Tiles per grid row; None means ceil(sqrt(n_tiles)), as UFLDL's display_network.
    border : int, default 1
        Width in pixels of the border between and around tiles, >= 0.
    normalize : bool, default True
        If True, do what UFLDL's display_network does: subtract the mean of *all* values of
        ``images`` (one number), then divide each tile by its own largest absolute value, so
        every tile lies in [-1, 1] (an all-zero tile stays zero). Weights have a mean near 0,
        so for them this is just the per-tile contrast normalisation; for patches in
        [0.1, 0.9] it centres them on 0 (mid-grey) first.
    border_value : float or None
        Value of the border pixels; None means -1 when ``normalize`` else the smallest value
        in ``images`` (black in a grey colormap either way).

    Returns
    -------
    ndarray, shape (border + n_rows*(rows+border), border + ncols*(cols+border)), float64
        The mosaic.

    Raises
    ------
    ValueError
        If ``images`` is not 2-D, empty or holds NaN/inf, the tile shape does not match, or ``border`` < 0
        or ``ncols`` < 1.
    TypeError
        If ``images`` is not a real numeric array, ``ncols``/``border`` are not integers (``ncols`` may be
        None), ``normalize`` is not a bool, or ``border_value`` is not a number.
    """
    return _tile_images(images, image_shape, ncols, border, normalize, border_value)


def _tile_images(images, image_shape, ncols, border, normalize, border_value, names=("images", "image_shape")):
    images = as_real_array(names[0], images, dtype=np.float64)
    if images.ndim != 2 or images.shape[0] == 0 or images.shape[1] == 0:
        raise ValueError(f"{names[0]} must be a non-empty 2-D array (n_tiles, n_pixels), got shape {images.shape}")
    border = check_int("border", border, 0)
    normalize = check_bool("normalize", normalize)
    if border_value is not None:
        border_value = check_real("border_value", border_value)
    n_tiles, n_pixels = images.shape
    rows, cols = _image_shape(n_pixels, image_shape, names[1], names[0])
    n_rows, ncols = _grid_shape(n_tiles, ncols)

    if normalize:
        images = images - images.mean()
        scale = np.abs(images).max(axis=1, keepdims=True)
        images = images / np.where(scale > 0, scale, 1.0)
    if border_value is None:
        border_value = -1.0 if normalize else images.min()

    mosaic = np.full(
        (border + n_rows * (rows + border), border + ncols * (cols + border)), float(border_value)
    )
    tiles = images.reshape(n_tiles, rows, cols)
    for k in range(n_tiles):
        i, j = divmod(k, ncols)
        r0 = border + i * (rows + border)
        c0 = border + j * (cols + border)
        mosaic[r0:r0 + rows, c0:c0 + cols] = tiles[k]
    return mosaic


def _check_figure_options(path, title):
    if path is not None:
        check_path("path", path)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")


def _draw(mosaic, path, title, vmin, vmax, pixels_per_cell=6):
    """Figure showing ``mosaic`` pixel-exactly in grey; saved as PNG when ``path`` is given."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = 100
    height, width = mosaic.shape
    title_inches = 0.4 if title else 0.0
    fig = Figure(
        figsize=(max(width * pixels_per_cell / dpi, 1.0), max(height * pixels_per_cell / dpi, 1.0) + title_inches),
        dpi=dpi,
    )
    FigureCanvasAgg(fig)
    top = 1.0 - title_inches / fig.get_figheight()
    ax = fig.add_axes((0.0, 0.0, 1.0, top))
    ax.imshow(mosaic, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    if title:
        fig.suptitle(title, y=1.0 - 0.05 * title_inches / fig.get_figheight())
    if path is not None:
        fig.savefig(path, format="png", dpi=dpi)
    return fig


def display_network(W, patch_shape=None, path=None, ncols=None, title=None, pixels_per_cell=6):
    """Show each hidden unit's incoming weights as an image: UFLDL's ``display_network``.

    With npae's convention ``Z1 = X @ W1 + b1``, hidden unit j's incoming weights are the
    column ``W1[:, j]`` (UFLDL passes ``W1'``, whose columns are the same vectors). As in
    UFLDL, the mean of all entries of ``W`` is subtracted first; then each column is reshaped
    to ``patch_shape`` (row-major), divided by its largest absolute value, and the
    tiles are laid out in a grid with a 1-pixel black border, grey colormap from -1 (black) to
    +1 (white).

    Parameters
    ----------
    W : array_like, shape (n_visible, n_hidden)
        Weights, one hidden unit a column (e.g. ``params["W1"]``).
    patch_shape : (int, int) or None
        Tile shape (rows, cols) with rows*cols = n_visible; None means square.
    path : str or os.PathLike or None
        If given, the figure is saved there as PNG.
    ncols : int or None
        Tiles per grid row; None means ceil(sqrt(n_hidden)).
    title : str or None
        Figure title (say what the tiles are: "25 filters W1[:, j] after 400 L-BFGS iterations").
    pixels_per_cell : int >= 1
        Screen pixels per weight; 8x8 filters want about 20 to be readable.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError, TypeError
        As :func:`tile_images` (the message names the argument); also if ``path`` is not a str or
        os.PathLike or ``title`` not a str.
    """
    W = as_real_array("W", W, dtype=np.float64)
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"W must be a non-empty 2-D array (n_visible, n_hidden), got shape {W.shape}")
    pixels_per_cell = check_int("pixels_per_cell", pixels_per_cell, 1)
    _check_figure_options(path, title)
    mosaic = _tile_images(W.T, patch_shape, ncols, 1, True, None, names=("W", "patch_shape"))
    return _draw(mosaic, path, title, vmin=-1.0, vmax=1.0, pixels_per_cell=pixels_per_cell)


def show_images(X, image_shape=None, path=None, ncols=None, title=None, normalize=False):
    """Show samples (patches, digits, reconstructions) as a grid of grey tiles.

    Parameters
    ----------
    X : array_like, shape (n_samples, rows*cols)
        One flattened image a row, row-major pixel order.
    image_shape : (int, int) or None
        (rows, cols) of an image; None means square.
    path : str or os.PathLike or None
        If given, the figure is saved there as PNG.
    ncols : int or None
        Images per grid row; None means ceil(sqrt(n_samples)).
    title : str or None
        Figure title.
    normalize : bool, default False
        False shows all tiles on one common grey scale (from the smallest to the largest value
        of ``X``), so that contrasts between samples stay visible; True contrast-normalises each
        tile as :func:`display_network` does.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError, TypeError
        As :func:`tile_images` (the message names the argument); also if ``path`` is not a str or
        os.PathLike or ``title`` not a str.
    """
    X = as_real_array("X", X, dtype=np.float64)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_pixels), got shape {X.shape}")
    _check_figure_options(path, title)
    mosaic = _tile_images(X, image_shape, ncols, 1, normalize, None, names=("X", "image_shape"))
    if normalize:
        vmin, vmax = -1.0, 1.0
    else:
        vmin, vmax = X.min(), X.max()
    return _draw(mosaic, path, title, vmin=vmin, vmax=vmax)


def show_tangents(points, tangents, image_shape=None, path=None, labels=None, title=None):
    """Show each point next to its tangent directions, the tangents on a diverging colour scale.

    Row i shows ``points[i]`` in grey, then, for every tangent set, its directions
    ``tangents[s][i, 0], tangents[s][i, 1], ...``. Each tangent tile uses the red/blue colormap
    ``RdBu_r`` centred at 0 with limits ±(its own largest absolute value): white is 0, red a pixel that
    brightens when moving along +v, blue one that darkens. A red band next to a blue band is an edge that
    moves (the reading of Rifai et al. 2011c's and Goodfellow et al. 2016 Fig. 14.10's tangent images).
    The sign of a singular vector is arbitrary, so red and blue may swap as a whole.

    Parameters
    ----------
    points : array_like, shape (n_points, rows*cols)
        The inputs, one flattened image a row (row-major pixel order), shown on one common grey scale.
    tangents : sequence of array_like, each of shape (n_points, n_tangents_s, rows*cols)
        One or more tangent sets (e.g. CAE and local PCA), one block of directions per point.
    image_shape : (int, int) or None
        (rows, cols) of an image; None means square.
    path : str or os.PathLike or None
        If given, the figure is saved there as PNG.
    labels : sequence of str or None
        One name per tangent set, written above the first row.
    title : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``points`` or a tangent set is not a real numeric array, ``tangents``/``labels`` are not
        sequences, ``path`` is not a path or ``title`` not a string.
    ValueError
        If ``points`` is not a non-empty 2-D array, an array holds NaN or inf, ``tangents`` is empty, a tangent set's shape is not
        (n_points, k, n_pixels) with k ≥ 1, ``labels`` has the wrong length, or ``image_shape`` does not
        match the number of pixels.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = as_real_array("points", points, dtype=np.float64)
    if points.ndim != 2 or points.size == 0:
        raise ValueError(f"points must be a non-empty 2-D array (n_points, n_pixels), got shape {points.shape}")
    n_points, n_pixels = points.shape
    shape = _image_shape(n_pixels, image_shape, "image_shape", "points")
    _check_figure_options(path, title)
    if isinstance(tangents, np.ndarray) and tangents.ndim == 3:
        tangents = [tangents]
    tangents = [as_real_array(f"tangents[{s}]", T, dtype=np.float64)
                for s, T in enumerate(check_sequence("tangents", tangents, "tangent arrays"))]
    if not tangents:
        raise ValueError("tangents must hold at least one tangent set, got none")
    for s, T in enumerate(tangents):
        if T.ndim != 3 or T.shape[0] != n_points or T.shape[1] < 1 or T.shape[2] != n_pixels:
            raise ValueError(f"tangents[{s}] must have shape ({n_points}, k >= 1, {n_pixels}), got {T.shape}")
    if labels is not None:
        labels = check_sequence("labels", labels, "names")
    if labels is not None and len(labels) != len(tangents):
        raise ValueError(f"labels must have one name per tangent set ({len(tangents)}), got {len(labels)}")

    n_cols = 1 + sum(T.shape[1] for T in tangents)
    tile = 0.9
    fig = Figure(figsize=(n_cols * tile, n_points * tile + (0.5 if title else 0.2) + (0.2 if labels else 0)),
                 dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(n_points, n_cols, squeeze=False)
    vmin, vmax = points.min(), points.max()
    for i in range(n_points):
        axes[i, 0].imshow(points[i].reshape(shape), cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
        col = 1
        for T in tangents:
            for v in T[i]:
                limit = np.abs(v).max()
                limit = limit if limit > 0 else 1.0
                axes[i, col].imshow(v.reshape(shape), cmap="RdBu_r", vmin=-limit, vmax=limit,
                                    interpolation="nearest")
                col += 1
    for ax in axes.flat:
        ax.set_axis_off()
    if labels is not None:
        axes[0, 0].set_title("input", fontsize=8)
        col = 1
        for label, T in zip(labels, tangents):
            axes[0, col].set_title(label, fontsize=8, loc="left")
            col += T.shape[1]
    if title:
        fig.suptitle(title, fontsize=9)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, wspace=0.05, hspace=0.05,
                        top=1.0 - (0.5 if title else 0.2) / fig.get_figheight() - (0.2 if labels else 0)
                        / fig.get_figheight())
    if path is not None:
        fig.savefig(path, format="png", dpi=100)
    return fig
