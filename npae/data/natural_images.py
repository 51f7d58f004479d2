"""Whitened natural images and 8x8 patches, as in UFLDL's sparse-autoencoder exercise.

UFLDL's exercise (wiki "Exercise:Sparse Autoencoder", starter ``sampleIMAGES.m``) trains on 10 000
random 8x8 patches cut from ten 512x512 natural images provided by Bruno Olshausen (``IMAGES.mat``).
Those images were whitened the way Olshausen & Field (1996, 1997) whitened theirs. ``IMAGES.mat``
needs the internet (``data_scripts/fetch_ufldl_images.py``); without it this module rebuilds the
same kind of data from real photographs that ship with matplotlib (and scikit-image, if installed),
whitened with the same filter.

The pipeline, one function a step::

    images  = natural_images()                       # list of 2-D whitened images
    patches = sample_patches(images, 10000, 8, rng)  # (10000, 64), raw patches
    X       = normalize_patches(patches)             # (10000, 64), values in [0.1, 0.9]

or in one call ``X = ufldl_patches(rng=rng)``.

Patch flattening order: a p x p patch becomes a row of length p*p in **row-major (C) order**,
``patch.reshape(-1)``; pixel (r, c) is feature ``r * p + c``. ``npae.plotting`` reshapes rows and
weight columns back with the same order. (UFLDL's MATLAB code uses column-major order for both;
only consistency matters.)

Samples are rows: the returned patch matrix is UFLDL's ``patches'`` (UFLDL stores one patch a
column).
"""
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from npae.checks import as_real_array, check_choice, check_int, check_path, check_real, check_rng, check_sequence

# Real photographs (not logos, charts or scans) bundled with the libraries.
MATPLOTLIB_PHOTOGRAPHS = ("grace_hopper.jpg",)
# scikit-image's bundled photographs of natural scenes and objects (no download needed).
SKIMAGE_PHOTOGRAPHS = ("camera", "astronaut", "coffee", "chelsea", "rocket", "grass", "gravel")

UFLDL_SHAPE = (512, 512, 10)
SOURCES = ("auto", "photographs", "ufldl")


def _to_grey(image):
    """Grey float64 image in [0, 1] from an (H, W), (H, W, 3) or (H, W, 4) array.

    Colour is converted with the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), the weights
    of MATLAB's ``rgb2gray``; an alpha channel is dropped. Integer images are divided by the
    largest value of their dtype.
    """
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.integer):
        image = image / np.iinfo(image.dtype).max
    image = image.astype(np.float64)
    if image.ndim == 3:
        image = image[:, :, :3] @ np.array([0.299, 0.587, 0.114])
    return image


def _centre_crop(image, max_size):
    """The central part of ``image``, at most ``max_size`` pixels along each side."""
    rows, cols = image.shape
    r0 = max(0, (rows - max_size) // 2)
    c0 = max(0, (cols - max_size) // 2)
    return image[r0:r0 + max_size, c0:c0 + max_size]


def load_photographs(max_size=512):
    """Greyscale real photographs that are available offline.

    Reads matplotlib's bundled photograph ``grace_hopper.jpg`` (found with
    ``matplotlib.cbook.get_sample_data``; the other files there are logos, clip art, charts or
    MRI data and are not used) and, **if scikit-image is importable**, its bundled photographs
    of natural scenes and objects: ``camera``, ``astronaut``, ``coffee``, ``chelsea``,
    ``rocket``, ``grass``, ``gravel``. scikit-image is optional; without it the list holds
    matplotlib's photograph only.

    Each photograph is converted to grey (BT.601 luma weights), scaled to [0, 1], and centre
    cropped to at most ``max_size`` x ``max_size`` pixels (no resampling, so the pixel
    statistics of the photograph are kept; Olshausen & Field used 512x512 images).

    Parameters
    ----------
    max_size : int, default 512
        Largest number of rows and of columns kept; at least 16.

    Returns
    -------
    list of ndarray
        2-D float64 arrays, each of shape (rows, cols) with rows, cols <= ``max_size``,
        values in [0, 1]. Not whitened: see :func:`whiten`.

    Raises
    ------
    TypeError
        If ``max_size`` is not an integer.
    ValueError
        If ``max_size`` < 16.
    """
    max_size = check_int("max_size", max_size, 16)

    import matplotlib.cbook
    import matplotlib.image

    raw = []
    for name in MATPLOTLIB_PHOTOGRAPHS:
        with matplotlib.cbook.get_sample_data(name) as f:
            raw.append(matplotlib.image.imread(f, format=os.path.splitext(name)[1][1:]))
    try:
        import skimage.data
    except ImportError:
        pass
    else:
        raw.extend(getattr(skimage.data, name)() for name in SKIMAGE_PHOTOGRAPHS)
    return [_centre_crop(_to_grey(image), max_size).copy() for image in raw]


def whiten(image, f0_fraction=0.8):
    """Whiten an image with Olshausen & Field's filter R(f) = |f| exp(-(|f|/f0)^4).

    Natural images have an amplitude spectrum falling roughly as 1/|f|. Olshausen & Field
    (1997, "Sparse coding with an overcomplete basis set: a strategy employed by V1?", Vision
    Research 37(23), 3311-3325, in the section describing the training images; also Nature
    381, 1996) flattened it by multiplying the 2-D Fourier transform of each image by

        R(f) = |f| * exp(-(|f| / f0)^4),

    the |f| ramp whitening the spectrum and the exp(-(|f|/f0)^4) factor rolling off the highest
    frequencies (where noise and the sampling lattice dominate). They used f0 = 200
    cycles/picture for 512x512 images; the Nyquist frequency there is 256 cycles/picture, so
    f0 ≈ 0.8 x Nyquist (0.4 cycles/pixel, Olshausen's code's ``f_0 = 0.4*N``): hence
    ``f0_fraction = 0.8``. (A roll-off at 0.4 x Nyquist blurs the patches: their top principal
    component then holds 22% of the variance instead of 10%, and the learned filters are long
    gratings rather than localised edges.) The ten images in UFLDL's ``IMAGES.mat`` are
    Olshausen's images prepared this way.

    Implementation (numpy.fft): the image minus its mean is mirror-extended to twice its size
    (a symmetric extension has no jumps where the periodic FFT wraps around, so no spurious
    edges appear along the borders; this is our addition, not in the paper), transformed,
    multiplied by R at the frequencies |f| = sqrt(fx^2 + fy^2) in cycles/pixel (Nyquist = 0.5,
    so f0 = 0.5 * f0_fraction), transformed back, cropped to the original size, and scaled to
    zero mean and unit variance.

    Parameters
    ----------
    image : array_like, shape (rows, cols)
        Grey image, any real dtype; rows, cols >= 2.
    f0_fraction : float, default 0.8
        Roll-off frequency f0 as a fraction of the Nyquist frequency, in (0, 1].

    Returns
    -------
    ndarray, shape (rows, cols), float64
        The whitened image, mean 0 and variance 1.

    Raises
    ------
    TypeError
        If ``image`` is not a real numeric array or ``f0_fraction`` not a real number.
    ValueError
        If ``image`` is not 2-D, smaller than 2x2, not finite, or constant; or if
        ``f0_fraction`` is not in (0, 1].
    """
    image = as_real_array("image", image, dtype=np.float64)        # real, numeric, finite
    if image.ndim != 2 or min(image.shape) < 2:
        raise ValueError(f"image must be a 2-D array of at least 2x2 pixels, got shape {image.shape}")
    f0_fraction = check_real("f0_fraction", f0_fraction, 0.0, 1.0, open_minimum=True)

    rows, cols = image.shape
    centred = image - image.mean()
    extended = np.pad(centred, ((0, rows), (0, cols)), mode="symmetric")
    fy = np.fft.fftfreq(2 * rows)[:, None]  # cycles/pixel
    fx = np.fft.rfftfreq(2 * cols)[None, :]
    f = np.hypot(fx, fy)
    f0 = 0.5 * f0_fraction
    R = f * np.exp(-((f / f0) ** 4))
    filtered = np.fft.irfft2(np.fft.rfft2(extended) * R, s=extended.shape)[:rows, :cols]
    filtered -= filtered.mean()
    std = filtered.std()
    if std == 0.0:
        raise ValueError("image is constant: it has nothing to whiten")
    return filtered / std


def load_ufldl_images(path):
    """Read UFLDL's ``IMAGES.mat``: ten 512x512 whitened natural images (Olshausen's).

    Parameters
    ----------
    path : str or os.PathLike
        The MAT file, with a variable ``IMAGES`` of shape (512, 512, 10) (image k is
        ``IMAGES[:, :, k]``), as in UFLDL's ``sparseae_exercise.zip``. Get it with
        ``python data_scripts/fetch_ufldl_images.py``.

    Returns
    -------
    list of ndarray
        Ten float64 arrays of shape (512, 512), as stored (already whitened; not rescaled).

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If ``path`` does not exist (the message says how to fetch it).
    ValueError
        If the file is not a MAT file, has no variable ``IMAGES``, or ``IMAGES`` does not have
        shape (512, 512, 10) or holds non-finite values.
    """
    import scipy.io

    path = check_path("path", path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"path {path!r}: no such file; download UFLDL's IMAGES.mat with "
            "'python data_scripts/fetch_ufldl_images.py' (needs the internet)"
        )
    try:
        mat = scipy.io.loadmat(path)
    except Exception as exc:  # scipy raises several types for a damaged or foreign file
        raise ValueError(f"path {path!r} is not a readable MAT file: {exc}") from exc
    if "IMAGES" not in mat:
        found = sorted(k for k in mat if not k.startswith("__"))
        raise ValueError(f"path {path!r}: no variable 'IMAGES' in the MAT file (found {found})")
    images = np.asarray(mat["IMAGES"])
    if images.shape != UFLDL_SHAPE:
        raise ValueError(f"path {path!r}: IMAGES must have shape {UFLDL_SHAPE}, got {images.shape}")
    images = images.astype(np.float64)
    if not np.all(np.isfinite(images)):
        raise ValueError(f"path {path!r}: IMAGES holds non-finite values")
    return [np.ascontiguousarray(images[:, :, k]) for k in range(images.shape[2])]


def find_ufldl_images():
    """Path of UFLDL's ``IMAGES.mat`` if it is in one of the documented places, else None.

    Looks, in this order, for ``$NPAE_DATA/IMAGES.mat`` (when the environment variable
    ``NPAE_DATA`` names a directory) and ``data/IMAGES.mat`` under the current directory.
    """
    candidates = []
    if os.environ.get("NPAE_DATA"):
        candidates.append(os.path.join(os.environ["NPAE_DATA"], "IMAGES.mat"))
    candidates.append(os.path.join("data", "IMAGES.mat"))
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    return None


def natural_images(source="auto"):
    """Whitened natural images: UFLDL's ``IMAGES.mat`` if present, else whitened photographs.

    Parameters
    ----------
    source : {"auto", "photographs", "ufldl"}, default "auto"
        "ufldl" reads ``IMAGES.mat`` from the place :func:`find_ufldl_images` documents;
        "photographs" whitens :func:`load_photographs` with :func:`whiten` (Olshausen & Field's
        filter, f0 = 0.8 Nyquist); "auto" uses "ufldl" when the file is found, else
        "photographs".

    Notes
    -----
    How suitable the photographs are: Olshausen's images are dense natural scenes, textured
    almost everywhere. The photographs here mix dense textures (``grass``, ``gravel``) with
    portraits and objects that have large plain areas (sky, backgrounds, clothes), which
    whitening turns into flat mid-grey. Checked by hand (10 000 patches, scikit-image
    installed): about a fifth of the patches are nearly flat (standard deviation below 0.1 x
    the pooled one), two thirds carry clear structure (edges, bars, texture). Halving the
    resolution before whitening (2x2 block means) barely changed that fraction, so the
    photographs are only centre cropped, not resampled, and whitened with O&F's own f0.
    Without scikit-image only ``grace_hopper.jpg`` is used, a portrait with more plain area:
    fetch ``IMAGES.mat`` for the real exercise.

    Returns
    -------
    list of ndarray
        2-D float64 arrays (512x512 for "ufldl"; at most 512x512 for "photographs", which are
        scaled to unit variance; UFLDL's are used as stored).

    Raises
    ------
    ValueError
        If ``source`` is not one of the three names.
    FileNotFoundError
        If ``source="ufldl"`` and ``IMAGES.mat`` is not found.
    """
    check_choice("source", source, SOURCES)
    path = find_ufldl_images() if source in ("auto", "ufldl") else None
    if source == "ufldl" and path is None:
        raise FileNotFoundError(
            "source='ufldl': IMAGES.mat not found in $NPAE_DATA or ./data; download it with "
            "'python data_scripts/fetch_ufldl_images.py' (needs the internet)"
        )
    if path is not None:
        return load_ufldl_images(path)
    return [whiten(image) for image in load_photographs()]


def describe_natural_images(source="auto"):
    """Say in one line which images :func:`natural_images` uses for ``source``.

    A student whose filters differ from UFLDL's figure needs to know whether they came from UFLDL's
    ``IMAGES.mat`` (Olshausen's ten whitened natural scenes) or from the photographs that ship with
    matplotlib and scikit-image.

    Parameters
    ----------
    source : {"auto", "photographs", "ufldl"}

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``source`` is not one of the three names.
    """
    check_choice("source", source, SOURCES)
    path = find_ufldl_images() if source in ("auto", "ufldl") else None
    if path is not None:
        return f"UFLDL's IMAGES.mat ({path}): ten 512x512 whitened natural scenes (Olshausen & Field 1996)"
    names = list(MATPLOTLIB_PHOTOGRAPHS)
    try:
        import skimage.data  # noqa: F401
    except ImportError:
        extra = " (install scikit-image for seven more: pip install -e '.[images]')"
    else:
        names += [f"skimage {name}" for name in SKIMAGE_PHOTOGRAPHS]
        extra = ""
    return (f"{len(names)} photographs whitened here (not UFLDL's IMAGES.mat): {', '.join(names)}{extra}; "
            "fetch IMAGES.mat with 'python data_scripts/fetch_ufldl_images.py' for UFLDL's own images")


def sample_patches(images, n_patches=10000, patch_size=8, *, rng):
    """Cut random square patches out of random images: UFLDL's ``sampleIMAGES``.

    For each patch an image is drawn uniformly from ``images`` and a top-left corner uniformly
    from the positions where the whole patch fits. Vectorised: each image is viewed as the
    array of all its patches (``sliding_window_view``, no copy) and the chosen patches are
    gathered by fancy indexing, so only the patches themselves are copied (UFLDL warns that
    copying the whole 512x512 image per patch makes sampling take over 30 s).

    Parameters
    ----------
    images : sequence of array_like
        Non-empty list of 2-D images (any sizes), each at least ``patch_size`` on each side.
    n_patches : int, default 10000
        Number of patches, >= 1.
    patch_size : int, default 8
        Side p of the square patches, >= 1.
    rng : numpy.random.Generator
        Source of randomness (keyword only).

    Returns
    -------
    ndarray, shape (n_patches, patch_size**2), float64
        One patch a row, flattened in row-major order (pixel (r, c) at column r*p + c).

    Raises
    ------
    TypeError
        If ``rng`` is not a Generator, ``n_patches``/``patch_size`` are not integers, ``images`` is not a
        list or tuple, or an image is not a real numeric array.
    ValueError
        If ``images`` is empty, an image is not 2-D, smaller than ``patch_size`` or holds NaN/inf, or
        ``n_patches``/``patch_size`` < 1.
    """
    check_rng(rng)
    n_patches, patch_size = check_int("n_patches", n_patches, 1), check_int("patch_size", patch_size, 1)
    images = [as_real_array(f"images[{k}]", image, dtype=np.float64)
              for k, image in enumerate(check_sequence("images", images, "2-D images"))]
    if not images:
        raise ValueError("images must be a non-empty sequence of 2-D arrays")
    for k, image in enumerate(images):
        if image.ndim != 2 or min(image.shape) < patch_size:
            raise ValueError(
                f"images[{k}] must be 2-D with both sides >= patch_size={patch_size}, "
                f"got shape {image.shape}"
            )

    which = rng.integers(len(images), size=n_patches)
    patches = np.empty((n_patches, patch_size, patch_size))
    for k, image in enumerate(images):
        chosen = np.flatnonzero(which == k)
        windows = sliding_window_view(image, (patch_size, patch_size))  # a view, no copy
        rows = rng.integers(windows.shape[0], size=chosen.size)
        cols = rng.integers(windows.shape[1], size=chosen.size)
        patches[chosen] = windows[rows, cols]
    return patches.reshape(n_patches, patch_size * patch_size)


def normalize_patches(patches):
    """Scale patches into [0.1, 0.9] for a sigmoid decoder: UFLDL's ``normalizeData``.

    Following the starter code ``sampleIMAGES.m`` (``normalizeData``):

    1. remove the DC component: subtract from each patch (row) its own mean over its pixels;
    2. truncate to +/-3 sigma, sigma the standard deviation of all the pooled values
       (ddof=1, as MATLAB's ``std``), and divide by 3 sigma, giving values in [-1, 1];
    3. rescale to [0.1, 0.9] by x -> (x + 1) * 0.4 + 0.1.

    The range [0.1, 0.9] matches the output range of the sigmoid decoder (it can never reach
    0 or 1 exactly).

    Parameters
    ----------
    patches : array_like, shape (n_patches, n_pixels)
        One patch a row, n_patches * n_pixels >= 2. Not modified.

    Returns
    -------
    ndarray, shape (n_patches, n_pixels), float64
        A new array with values in [0.1, 0.9].

    Raises
    ------
    TypeError
        If ``patches`` is not a real numeric array.
    ValueError
        If ``patches`` is not 2-D, holds fewer than 2 values or non-finite values, or every
        patch is constant (sigma = 0 after removing the DC).
    """
    patches = as_real_array("patches", patches, dtype=np.float64)        # real, numeric, finite
    if patches.ndim != 2 or patches.size < 2:
        raise ValueError(f"patches must be a 2-D array (n_patches, n_pixels), got shape {patches.shape}")
    centred = patches - patches.mean(axis=1, keepdims=True)
    three_sigma = 3.0 * centred.std(ddof=1)
    if three_sigma == 0.0:
        raise ValueError("patches: every patch is constant, there is no contrast to normalise")
    scaled = np.clip(centred, -three_sigma, three_sigma) / three_sigma
    return (scaled + 1.0) * 0.4 + 0.1


def ufldl_patches(n_patches=10000, patch_size=8, rng=None, source="auto"):
    """The training set of UFLDL's sparse-autoencoder exercise, in one call.

    ``natural_images(source)`` -> ``sample_patches`` -> ``normalize_patches``.

    Parameters
    ----------
    n_patches : int, default 10000
    patch_size : int, default 8
    rng : numpy.random.Generator or None
        Source of randomness; None means a fresh ``numpy.random.default_rng()`` (not
        reproducible: pass a seeded Generator for that).
    source : {"auto", "photographs", "ufldl"}
        See :func:`natural_images`.

    Returns
    -------
    ndarray, shape (n_patches, patch_size**2), float64
        Normalised patches in [0.1, 0.9], one a row, row-major pixel order.

    Raises
    ------
    As :func:`natural_images`, :func:`sample_patches` and :func:`normalize_patches`.
    """
    rng = check_rng(rng, none_means_fresh=True)
    n_patches, patch_size = check_int("n_patches", n_patches, 1), check_int("patch_size", patch_size, 1)
    check_choice("source", source, SOURCES)                 # all checked before the images are read
    images = natural_images(source)
    return normalize_patches(sample_patches(images, n_patches, patch_size, rng=rng))
