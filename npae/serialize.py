"""Save and load an :class:`~npae.models.autoencoder.Autoencoder`: architecture, hyperparameters and parameters in one ``.npz``.

The file is an ordinary NumPy zip archive (``numpy.savez``) holding only numeric and unicode arrays.
It is read member by member with :mod:`zipfile` and ``numpy.lib.format`` (each ``.npy`` header is
checked against the bytes the member holds before its data is read, so a forged header cannot make
npae allocate more than the file holds): loading a model never unpickles anything, and a file that
needs pickle to be read is refused. Its keys::

    format         0-d unicode array   "npae.Autoencoder"            what the file is
    version        0-d int64 array     1                              layout version (FORMAT_VERSION)
    config         0-d unicode array   JSON of ``model.config()``     architecture and hyperparameters,
                                                                      penalties as [class name, config]
    params/W1      (n_visible, n_hidden)                              the parameters, with the model's dtype
    params/b1      (n_hidden,)
    params/W2      (n_hidden, n_visible)                              absent for a tied model
    params/b2      (n_visible,)

Loading checks everything before building anything: the format marker and version (a newer
version is refused rather than half-read), that exactly the expected keys are present, that the
config is JSON describing a valid model whose sizes are those of the stored arrays, that every penalty is one of the known classes (looked up
in :data:`PENALTIES`, never by evaluating a name), and that every parameter has exactly the shape
and dtype the architecture implies and only finite values. Each failure is a ``ValueError`` saying
what is wrong. The parameters are stored bit for bit, so a loaded model computes exactly the same
losses as the saved one.

Continuing training
-------------------
``train_minibatch`` updates ``model.params`` in place, so to resume::

    model = load_model("ae.npz")
    train_minibatch(model, X, optimizer=Adadelta(), epochs=10, ...)

The optimizer's running averages (Adam's moments, Adadelta's accumulators) are not saved: a resumed
run restarts them from zero, as a fresh optimizer would. To continue *exactly* within one session,
pass the same optimizer instance again instead of a name (its state is kept across calls).
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from npae.checks import check_instance, check_path
from npae.models.autoencoder import Autoencoder
from npae.core.conv import Conv2D
from npae.core.pooling import MaxPool2D, UpSample2D
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "PENALTIES", "save_model", "load_model"]

FORMAT_NAME = "npae.Autoencoder"
FORMAT_VERSION = 1

#: The penalty classes a file may name. A saved model can only refer to these.
PENALTIES = {cls.__name__: cls for cls in (WeightDecay, KLSparsity, L1Sparsity, Contractive)}

_CONFIG_KEYS = {"n_visible": int, "n_hidden": int, "encoder": str, "decoder": str, "loss": str,
                "tied": bool, "penalties": list, "dtype": str, "init": str}
# Written only when it is not the default (Autoencoder.config() leaves it out for reduction="sum"), so files
# saved before the option existed load unchanged.
_OPTIONAL_CONFIG_KEYS = {"reduction": str}
_META_KEYS = ("format", "version", "config")
_PARAM_PREFIX = "params/"


def save_model(model, path):
    """Write ``model``'s architecture, hyperparameters and parameters to one ``.npz`` file.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder or npae.models.conv_autoencoder.ConvAutoencoder
        The model to save. Its penalties must be classes in :data:`PENALTIES`. (A ConvAutoencoder is
        stored under the format name ``"npae.ConvAutoencoder"``: see the end of this module.)
    path : str or os.PathLike
        The file to write (overwritten if it exists). Written exactly as given: unlike
        ``numpy.savez`` called with a name, no ``.npz`` is appended.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`~npae.models.autoencoder.Autoencoder` (an instance), or ``path`` is
        not a str or os.PathLike.
    ValueError
        If a penalty is not one of :data:`PENALTIES` (it could not be loaded back), or a parameter
        is not finite or does not have the model's shape and dtype.
    OSError
        (FileNotFoundError, IsADirectoryError, PermissionError...) if the file cannot be written; the
        message names ``path``.
    """
    if isinstance(model, ConvAutoencoder):
        return _save_conv(model, path)
    check_instance("model", model, Autoencoder, "Autoencoder(64, 25)")
    config = model.config()
    for name, _ in config["penalties"]:
        if PENALTIES.get(name) is None:
            raise ValueError(f"penalty {name!r} cannot be saved: known penalties are {sorted(PENALTIES)}")
    path = check_path("path", path)
    expected = _expected_params(model)
    _check_params(model.params, expected, "model.params")
    arrays = {"format": np.array(FORMAT_NAME), "version": np.array(FORMAT_VERSION, dtype=np.int64),
              "config": np.array(json.dumps(config, sort_keys=True))}
    for key in expected:
        arrays[_PARAM_PREFIX + key] = np.asarray(model.params[key])
    _write(path, arrays)


def _write(path, arrays):
    """Write ``arrays`` to ``path`` (already checked) as an npz archive, exactly at that name."""
    try:
        f = open(path, "wb")             # a file object: savez then adds no suffix
    except OSError as error:
        raise type(error)(error.errno, f"path {path!r}: cannot write the model file ({error.strerror})") from None
    with f:
        np.savez(f, **arrays)


def load_model(path):
    """Read a model written by :func:`save_model`, checking the file thoroughly first.

    Parameters
    ----------
    path : str or os.PathLike
        An ``.npz`` file written by :func:`save_model`.

    Returns
    -------
    npae.models.autoencoder.Autoencoder
        A model with the saved configuration and (bitwise) the saved parameters.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TypeError
        If ``path`` is not a str or os.PathLike.
    ValueError
        If the file is not an npz archive, or a member is encrypted, compressed with a method other than
        deflate, not an ``.npy`` array, or declares more data than it holds (checked from its header,
        before anything is allocated); contains an array that needs pickle (object arrays are
        never loaded); has a config nested deeper than JSON objects need; has a wrong format marker or an unknown (e.g. newer) version; misses a
        required key or has an unexpected one; has a config that is not JSON describing a valid
        model; has sizes in its config that do not match the stored arrays (checked before the model is
        built, so a forged size allocates nothing); names a penalty not in :data:`PENALTIES` or gives it
        invalid arguments; or has a parameter of the wrong shape or dtype or with NaN/inf values. The
        message names the file and the key.
    """
    path = Path(check_path("path", path))
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r}: no model file there" + (" (a directory)" if path.is_dir() else ""))
    arrays = _read_npz(path)
    return _model_from_arrays(arrays, str(path))


# ---------------------------------------------------------------------------------- checks

class _NeedsPickle(Exception):
    """A member whose dtype holds Python objects."""


_SUPPORTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)      # what numpy.savez(_compressed) writes


def _read_npz(path):
    """Every member of the npz archive at ``path`` as an array, each header checked before its data is read.

    ``numpy.load`` would allocate an array of the shape a member's header declares before reading its
    data, so a forged header (a shape of 10^12 values in a small file) would ask for terabytes. Here each
    member is refused unless it is unencrypted, stored or deflated, an ``.npy`` file whose declared size
    equals the number of bytes it holds, and of a dtype that needs no pickle.
    """
    where = str(path)
    with open(path, "rb") as f:
        if f.read(6) == b"\x93NUMPY":
            raise ValueError(f"{where!r} is a single .npy array, not an npae model file (.npz)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ValueError(f"{where!r} is not an npae model file (.npz): {error}") from None
    arrays = {}
    with archive:
        for info in archive.infolist():
            key = info.filename[:-len(".npy")] if info.filename.endswith(".npy") else info.filename
            if info.flag_bits & 0x1:
                raise ValueError(f"{where!r}: member {info.filename!r} is encrypted; npae model files never are")
            if info.compress_type not in _SUPPORTED_COMPRESSION:
                raise ValueError(f"{where!r}: member {info.filename!r} uses zip compression method "
                                 f"{info.compress_type}; npae reads stored or deflated members only")
            if not info.filename.endswith(".npy"):
                raise ValueError(f"{where!r}: member {info.filename!r} is not an .npy array")
            try:
                with archive.open(info) as f:
                    version = np.lib.format.read_magic(f)
                    if version not in ((1, 0), (2, 0)):
                        raise ValueError(f"unsupported .npy version {version}")
                    read_header = {(1, 0): np.lib.format.read_array_header_1_0}.get(
                        version, np.lib.format.read_array_header_2_0)
                    shape, fortran, dtype = read_header(f)
                    if dtype.hasobject:
                        raise _NeedsPickle
                    declared = int(np.prod(shape, dtype=np.float64) * dtype.itemsize)
                    available = info.file_size - f.tell()
                    if declared != available:
                        raise ValueError(f"its header declares shape {shape} of {dtype} ({declared} bytes) but "
                                         f"it holds {available} bytes")
                    data = f.read(available)
                arrays[key] = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
            except _NeedsPickle:
                raise ValueError(f"{where!r}: array {key!r} cannot be read without pickle (it holds Python "
                                 f"objects), which npae never uses to load models") from None
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
                raise ValueError(f"{where!r}: array {key!r} cannot be read ({error})") from None
    if not arrays:
        raise ValueError(f"{where!r} is an empty archive, not an npae model file")
    return arrays


def _check_sizes(config, arrays, where):
    """Compare the sizes in the config with the stored parameter arrays, before the model is built."""
    n_visible, n_hidden = config["n_visible"], config["n_hidden"]
    stored = arrays.get(_PARAM_PREFIX + "W1")
    if stored is None:
        raise ValueError(f"{where}: missing parameter key {_PARAM_PREFIX + 'W1'!r}")
    if stored.shape != (n_visible, n_hidden):
        raise ValueError(f"{where}: {_PARAM_PREFIX + 'W1'} must have shape {(n_visible, n_hidden)} "
                         f"(config's n_visible, n_hidden), got {stored.shape}")

def _model_from_arrays(arrays, where):
    for key in _META_KEYS:
        if key not in arrays:
            raise ValueError(f"{where}: missing key {key!r}; not an npae model file")
    fmt = _scalar_string(arrays["format"], "format", where)
    if fmt == CONV_FORMAT_NAME:
        return _conv_from_arrays(arrays, where)
    if fmt != FORMAT_NAME:
        raise ValueError(f"{where}: format must be {FORMAT_NAME!r}, got {fmt!r}")
    version = arrays["version"]
    if version.shape != () or version.dtype.kind not in "iu":
        raise ValueError(f"{where}: version must be a 0-d integer array, got dtype {version.dtype} "
                         f"shape {version.shape}")
    version = int(version)
    if version != FORMAT_VERSION:
        newer = " (written by a newer npae? upgrade npae to read it)" if version > FORMAT_VERSION else ""
        raise ValueError(f"{where}: unsupported format version {version}; this npae reads version "
                         f"{FORMAT_VERSION}{newer}")
    config = _parse_config(_scalar_string(arrays["config"], "config", where), where)
    _check_sizes(config, arrays, where)
    model = _build(config, where)

    expected = _expected_params(model)
    present = {k[len(_PARAM_PREFIX):] for k in arrays if k.startswith(_PARAM_PREFIX)}
    missing = [k for k in expected if k not in present]
    if missing:
        raise ValueError(f"{where}: missing parameter key(s) {[_PARAM_PREFIX + k for k in missing]} "
                         f"for this architecture (tied={model.tied})")
    unexpected = sorted(set(arrays) - set(_META_KEYS) - {_PARAM_PREFIX + k for k in expected})
    if unexpected:
        raise ValueError(f"{where}: unexpected key(s) {unexpected} for this architecture "
                         f"(tied={model.tied})")
    params = {k: arrays[_PARAM_PREFIX + k] for k in expected}
    _check_params(params, expected, where + ": " + _PARAM_PREFIX.rstrip("/"))
    model.params = {k: np.array(v, copy=True, order="C") for k, v in params.items()}
    return model


def _scalar_string(array, key, where):
    if array.shape != () or array.dtype.kind != "U":
        raise ValueError(f"{where}: {key!r} must be a 0-d unicode array, got dtype {array.dtype} "
                         f"shape {array.shape}")
    return str(array[()])


def _parse_config(text, where):
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: config is not valid JSON ({error})") from None
    except RecursionError:
        raise ValueError(f"{where}: config is JSON nested too deeply to be a model's configuration") from None
    if not isinstance(config, dict):
        raise ValueError(f"{where}: config must be a JSON object, got {type(config).__name__}")
    missing = sorted(set(_CONFIG_KEYS) - set(config))
    if missing:
        raise ValueError(f"{where}: config misses the key(s) {missing}")
    unexpected = sorted(set(config) - set(_CONFIG_KEYS) - set(_OPTIONAL_CONFIG_KEYS))
    if unexpected:
        raise ValueError(f"{where}: config has unexpected key(s) {unexpected}")
    for key, kind in {**_CONFIG_KEYS, **_OPTIONAL_CONFIG_KEYS}.items():
        if key not in config:
            continue
        value = config[key]
        wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if wrong:
            raise ValueError(f"{where}: config[{key!r}] must be of type {kind.__name__}, got {value!r}")
    if config["dtype"] not in ("float32", "float64"):
        raise ValueError(f"{where}: config['dtype'] must be 'float32' or 'float64', got {config['dtype']!r}")
    return config


def _build(config, where):
    penalties = []
    for i, entry in enumerate(config["penalties"]):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], dict)):
            raise ValueError(f"{where}: config['penalties'][{i}] must be [class name, {{arguments}}], "
                             f"got {entry!r}")
        name, kwargs = entry
        cls = PENALTIES.get(name)
        if cls is None:
            raise ValueError(f"{where}: unknown penalty {name!r}; known penalties are {sorted(PENALTIES)}")
        try:
            penalties.append(cls(**kwargs))
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: invalid arguments {kwargs!r} for penalty {name}: {error}") from None
    arguments = {k: v for k, v in config.items() if k != "penalties"}
    arguments["dtype"] = np.dtype(arguments["dtype"])
    try:
        # the rng only draws throw-away initial weights, replaced by the saved ones
        return Autoencoder(**arguments, penalties=penalties, rng=np.random.default_rng(0))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: config does not describe a valid model: {error}") from None


def _expected_params(model):
    """Key -> (shape, dtype) of the parameters of ``model``'s architecture, in the model's order."""
    shapes = {"W1": (model.n_visible, model.n_hidden), "b1": (model.n_hidden,)}
    if not model.tied:
        shapes["W2"] = (model.n_hidden, model.n_visible)
    shapes["b2"] = (model.n_visible,)
    return {k: (shape, model.dtype) for k, shape in shapes.items()}


def _check_params(params, expected, where):
    if set(params) != set(expected):
        raise ValueError(f"{where} must have exactly the keys {sorted(expected)}, got {sorted(params)}")
    for key, (shape, dtype) in expected.items():
        value = np.asarray(params[key])
        if value.shape != shape:
            raise ValueError(f"{where}[{key!r}] must have shape {shape}, got {value.shape}")
        if value.dtype != dtype:
            raise ValueError(f"{where}[{key!r}] must have dtype {dtype}, got {value.dtype}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{where}[{key!r}] contains NaN or inf values")


# ------------------------------------------------------------------ convolutional autoencoders
#
# A ConvAutoencoder is stored the same way, under the format name "npae.ConvAutoencoder" (version 1):
# ``config`` is the JSON of ``model.config()`` -- the layers as [class name, arguments] (looked up in
# CONV_LAYERS, never evaluated), ``input_shape``, ``n_encoder_layers``, ``decoder``, ``loss``,
# ``reduction``, ``dtype`` -- and ``params/W1``, ``params/b1``, ... the kernels and biases. The same
# checks apply: exactly the expected keys, shapes, dtype, finite values.

CONV_FORMAT_NAME = "npae.ConvAutoencoder"
CONV_FORMAT_VERSION = 1

#: The layer classes a convolutional model file may name.
CONV_LAYERS = {cls.__name__: cls for cls in (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)}

_CONV_CONFIG_KEYS = {"layers": list, "input_shape": list, "n_encoder_layers": int, "decoder": str, "loss": str,
                     "reduction": str, "dtype": str}


def _save_conv(model, path):
    path = check_path("path", path)
    expected = {k: (shape, model.dtype) for k, shape in model.param_shapes().items()}
    _check_params(model.params, expected, "model.params")
    arrays = {"format": np.array(CONV_FORMAT_NAME), "version": np.array(CONV_FORMAT_VERSION, dtype=np.int64),
              "config": np.array(json.dumps(model.config(), sort_keys=True))}
    for key in expected:
        arrays[_PARAM_PREFIX + key] = np.asarray(model.params[key])
    _write(path, arrays)


def _conv_from_arrays(arrays, where):
    version = arrays["version"]
    if version.shape != () or version.dtype.kind not in "iu" or int(version) != CONV_FORMAT_VERSION:
        raise ValueError(f"{where}: unsupported {CONV_FORMAT_NAME} version {version!r}; this npae reads "
                         f"version {CONV_FORMAT_VERSION}")
    try:
        config = json.loads(_scalar_string(arrays["config"], "config", where))
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: config is not valid JSON ({error})") from None
    if not isinstance(config, dict) or set(config) != set(_CONV_CONFIG_KEYS):
        raise ValueError(f"{where}: config must be a JSON object with exactly the keys {sorted(_CONV_CONFIG_KEYS)}")
    for key, kind in _CONV_CONFIG_KEYS.items():
        if not isinstance(config[key], kind) or (kind is int and isinstance(config[key], bool)):
            raise ValueError(f"{where}: config[{key!r}] must be of type {kind.__name__}, got {config[key]!r}")
    if config["dtype"] not in ("float32", "float64"):
        raise ValueError(f"{where}: config['dtype'] must be 'float32' or 'float64', got {config['dtype']!r}")
    try:
        layers = []
        for entry in config["layers"]:
            if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in CONV_LAYERS
                    and isinstance(entry[1], dict)):
                raise ValueError(f"each layer must be [one of {sorted(CONV_LAYERS)}, {{arguments}}], got {entry!r}")
            layers.append(CONV_LAYERS[entry[0]](**entry[1]))
        model = ConvAutoencoder(layers, tuple(config["input_shape"]), n_encoder_layers=config["n_encoder_layers"],
                                decoder=config["decoder"], loss=config["loss"], reduction=config["reduction"],
                                dtype=np.dtype(config["dtype"]), rng=np.random.default_rng(0))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: config does not describe a valid convolutional model: {error}") from None
    expected = {k: (shape, model.dtype) for k, shape in model.param_shapes().items()}
    keys = {_PARAM_PREFIX + k for k in expected}
    if set(arrays) - set(_META_KEYS) != keys:
        raise ValueError(f"{where}: the parameter keys must be exactly {sorted(keys)}, got "
                         f"{sorted(set(arrays) - set(_META_KEYS))}")
    params = {k: arrays[_PARAM_PREFIX + k] for k in expected}
    _check_params(params, expected, where + ": " + _PARAM_PREFIX.rstrip("/"))
    model.params = {k: np.array(v, copy=True, order="C") for k, v in params.items()}
    return model
