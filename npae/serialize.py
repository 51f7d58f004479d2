"""Save and load an npae model: architecture, hyperparameters and parameters in one ``.npz``.

Every model class in :data:`FORMATS` can be saved: :class:`~npae.models.autoencoder.Autoencoder`,
:class:`~npae.models.deep.DeepAutoencoder`, :class:`~npae.models.deep.StackedClassifier`,
:class:`~npae.models.softmax.Softmax` and :class:`~npae.models.conv_autoencoder.ConvAutoencoder`, each under its
own format name (``"npae."`` and the class name: ``"npae.Autoencoder"``...). The file is an ordinary NumPy zip
archive (``numpy.savez``) holding only numeric and unicode arrays. It is read member by member with
:mod:`zipfile` and ``numpy.lib.format`` (each ``.npy`` header is checked against the bytes the member holds
before its data is read, so a forged header cannot make npae allocate more than the file holds): loading a
model never unpickles anything, and a file that needs pickle to be read is refused. Its keys, for an
Autoencoder::

    format         0-d unicode array   "npae.Autoencoder"            what the file is
    version        0-d int64 array     1                              layout version (FORMAT_VERSION)
    config         0-d unicode array   JSON of ``model.config()``     architecture and hyperparameters,
                                                                      penalties as [class name, config]
    params/W1      (n_visible, n_hidden)                              the parameters, with the model's dtype
    params/b1      (n_hidden,)
    params/W2      (n_hidden, n_visible)                              absent for a tied model
    params/b2      (n_visible,)

and for the other models the same three keys and one ``params/<key>`` per entry of ``model.params`` (shapes:
``model.param_shapes()``), ``config`` holding the JSON of ``model.config()``.

Loading checks everything before building anything: the format marker and version (a newer
version is refused rather than half-read), that exactly the expected keys are present, that the
config is JSON with exactly the model's keys, of their types, whose sizes are those of the stored arrays
(compared before the model is built, so a forged size allocates nothing), that it describes a valid model,
that every penalty (layer) is one of the known classes (looked up in :data:`PENALTIES` (:data:`CONV_LAYERS`),
never by evaluating a name), and that every parameter has exactly the shape
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

import dataclasses
import json
import zipfile
from pathlib import Path

import numpy as np

from npae.checks import check_array_dict, check_instance, check_path
from npae.models.autoencoder import Autoencoder
from npae.core.conv import Conv2D
from npae.core.pooling import MaxPool2D, UpSample2D
from npae.models.conv_autoencoder import ConvAutoencoder, Nonlinearity
from npae.models.deep import DeepAutoencoder, StackedClassifier
from npae.models.softmax import Softmax
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "FORMATS", "PENALTIES", "save_model", "load_model"]

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
    model : Autoencoder, DeepAutoencoder, StackedClassifier, Softmax or ConvAutoencoder
        The model to save (a class in :data:`FORMATS`, or a subclass: a FastConvAutoencoder is saved as the
        plain ConvAutoencoder). An Autoencoder's penalties must be classes in :data:`PENALTIES`.
    path : str or os.PathLike
        The file to write (overwritten if it exists). Written exactly as given: unlike
        ``numpy.savez`` called with a name, no ``.npz`` is appended.

    Raises
    ------
    TypeError
        If ``model`` is not an instance of a class in :data:`FORMATS`, or ``path`` is not a str or os.PathLike.
    ValueError
        If a penalty is not one of :data:`PENALTIES` (it could not be loaded back), or a parameter
        is not finite or does not have the model's shape and dtype.
    OSError
        (FileNotFoundError, IsADirectoryError, PermissionError...) if the file cannot be written; the
        message names ``path``.
    """
    fmt = _format_of(model)
    config = model.config()
    if fmt.cls is Autoencoder:
        for name, _ in config["penalties"]:
            if PENALTIES.get(name) is None:
                raise ValueError(f"penalty {name!r} cannot be saved: known penalties are {sorted(PENALTIES)}")
    path = check_path("path", path)
    expected = _expected_params(model)
    _check_params(model.params, expected, "model.params")
    arrays = {"format": np.array(fmt.name), "version": np.array(fmt.version, dtype=np.int64),
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
    Autoencoder, DeepAutoencoder, StackedClassifier, Softmax or ConvAutoencoder
        A model of the saved class (the file's format name), with the saved configuration and (bitwise) the
        saved parameters.

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


def _model_from_arrays(arrays, where):
    """The model the checked arrays of a file describe (module docstring: every check, in this order)."""
    for key in _META_KEYS:
        if key not in arrays:
            raise ValueError(f"{where}: missing key {key!r}; not an npae model file")
    name = _scalar_string(arrays["format"], "format", where)
    fmt = FORMATS.get(name)
    if fmt is None:
        raise ValueError(f"{where}: format must be one of {sorted(FORMATS)}, got {name!r}")
    version = arrays["version"]
    if version.shape != () or version.dtype.kind not in "iu":
        raise ValueError(f"{where}: version must be a 0-d integer array, got dtype {version.dtype} "
                         f"shape {version.shape}")
    version = int(version)
    if version != fmt.version:
        newer = " (written by a newer npae? upgrade npae to read it)" if version > fmt.version else ""
        raise ValueError(f"{where}: unsupported format version {version} of {fmt.name}; this npae reads version "
                         f"{fmt.version}{newer}")
    config = _parse_config(_scalar_string(arrays["config"], "config", where), fmt, where)
    # the sizes the config gives, compared with the stored arrays before anything of that size is built
    for key, shape in _from_config(fmt.sized, config, where).items():
        stored = arrays.get(_PARAM_PREFIX + key)
        if stored is None:
            raise ValueError(f"{where}: missing parameter key {_PARAM_PREFIX + key!r}")
        if stored.shape != tuple(shape):
            raise ValueError(f"{where}: {_PARAM_PREFIX + key} must have shape {tuple(shape)} (the config's sizes), "
                             f"got {stored.shape}")
    model = _from_config(fmt.build, config, where)
    expected = _expected_params(model)
    present = {k[len(_PARAM_PREFIX):] for k in arrays if k.startswith(_PARAM_PREFIX)}
    missing = [k for k in expected if k not in present]
    if missing:
        raise ValueError(f"{where}: missing parameter key(s) {[_PARAM_PREFIX + k for k in missing]} "
                         f"for this architecture ({fmt.cls.__name__}{_tied(model)})")
    unexpected = sorted(set(arrays) - set(_META_KEYS) - {_PARAM_PREFIX + k for k in expected})
    if unexpected:
        raise ValueError(f"{where}: unexpected key(s) {unexpected} for this architecture "
                         f"({fmt.cls.__name__}{_tied(model)})")
    params = {k: arrays[_PARAM_PREFIX + k] for k in expected}
    _check_params(params, expected, where + ": " + _PARAM_PREFIX.rstrip("/"))
    model.params = {k: np.array(v, copy=True, order="C") for k, v in params.items()}
    return model


def _tied(model):
    return f", tied={model.tied}" if hasattr(model, "tied") else ""


class _Refused(Exception):
    """A config refused with a message of its own (not "does not describe a valid model")."""


def _from_config(function, config, where):
    """``function(config)``, its refusals made ValueErrors naming the file."""
    try:
        return function(config)
    except _Refused as error:
        raise ValueError(f"{where}: {error}") from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: config does not describe a valid model: {error}") from None


def _scalar_string(array, key, where):
    if array.shape != () or array.dtype.kind != "U":
        raise ValueError(f"{where}: {key!r} must be a 0-d unicode array, got dtype {array.dtype} "
                         f"shape {array.shape}")
    return str(array[()])


_REAL = (int, float)       # a real number in JSON: 0 may be written for 0.0


def _parse_config(text, fmt, where):
    """The config's JSON as a dict, after checking that it has exactly the format's keys, of their types."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{where}: config is not valid JSON ({error})") from None
    except RecursionError:
        raise ValueError(f"{where}: config is JSON nested too deeply to be a model's configuration") from None
    if not isinstance(config, dict):
        raise ValueError(f"{where}: config must be a JSON object, got {type(config).__name__}")
    missing = sorted(set(fmt.config_keys) - set(config))
    if missing:
        raise ValueError(f"{where}: config misses the key(s) {missing}")
    unexpected = sorted(set(config) - set(fmt.config_keys) - set(fmt.optional_keys))
    if unexpected:
        raise ValueError(f"{where}: config has unexpected key(s) {unexpected}")
    for key, kind in {**fmt.config_keys, **fmt.optional_keys}.items():
        if key not in config:
            continue
        value, kinds = config[key], kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            expected = "number" if kinds == _REAL else kind.__name__
            raise ValueError(f"{where}: config[{key!r}] must be of type {expected}, got {value!r}")
    if config["dtype"] not in ("float32", "float64"):
        raise ValueError(f"{where}: config['dtype'] must be 'float32' or 'float64', got {config['dtype']!r}")
    return config


def _arguments(config):
    """The config as constructor arguments: the dtype's name made a dtype, and a throw-away rng."""
    return {**config, "dtype": np.dtype(config["dtype"]), "rng": np.random.default_rng(0)}


def _build_autoencoder(config):
    penalties = []
    for i, entry in enumerate(config["penalties"]):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], dict)):
            raise ValueError(f"config['penalties'][{i}] must be [class name, {{arguments}}], got {entry!r}")
        name, kwargs = entry
        cls = PENALTIES.get(name)
        if cls is None:
            raise _Refused(f"unknown penalty {name!r}; known penalties are {sorted(PENALTIES)}")
        try:
            penalties.append(cls(**kwargs))
        except (TypeError, ValueError) as error:
            raise _Refused(f"invalid arguments {kwargs!r} for penalty {name}: {error}") from None
    return Autoencoder(**{**_arguments(config), "penalties": penalties})


def _expected_params(model):
    """Key -> (shape, dtype) of the parameters of ``model``'s architecture (``model.param_shapes()``), in order."""
    return {k: (tuple(shape), model.dtype) for k, shape in model.param_shapes().items()}


def _check_params(params, expected, where):
    """``params`` must have exactly the keys of ``expected`` (key -> (shape, dtype)), each a finite float array of
    that shape (:func:`npae.checks.check_array_dict`) and dtype; every failure a ValueError naming ``where``."""
    try:
        check_array_dict(where, params, shapes={key: shape for key, (shape, _) in expected.items()})
    except TypeError as error:               # a stored array of integers, say: the file is wrong, not the call
        raise ValueError(str(error)) from None
    for key, (_, dtype) in expected.items():
        if params[key].dtype != dtype:
            raise ValueError(f"{where}[{key!r}] must have dtype {dtype}, got {params[key].dtype}")


# ------------------------------------------------------------------ the other models
#
# A DeepAutoencoder, StackedClassifier, Softmax or ConvAutoencoder is stored the same way, under its own format
# name (version 1 each): ``config`` is the JSON of ``model.config()`` and ``params/<key>`` its parameters, keyed
# as ``model.params`` (``W1``, ``b1``, ... ``W_softmax``; ``W``, ``b`` for a Softmax). A ConvAutoencoder's
# layers are [class name, arguments] pairs, looked up in CONV_LAYERS, never evaluated. The same checks apply.

CONV_FORMAT_NAME = "npae.ConvAutoencoder"
CONV_FORMAT_VERSION = 1

#: The layer classes a convolutional model file may name.
CONV_LAYERS = {cls.__name__: cls for cls in (Conv2D, MaxPool2D, UpSample2D, Nonlinearity)}


def _conv_layers(config):
    layers = []
    for entry in config["layers"]:
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in CONV_LAYERS and isinstance(entry[1], dict)):
            raise ValueError(f"each layer must be [one of {sorted(CONV_LAYERS)}, {{arguments}}], got {entry!r}")
        layers.append(CONV_LAYERS[entry[0]](**entry[1]))           # small objects: no parameter is allocated
    return layers


def _conv_sizes(config):
    """The kernel banks' shapes, ``W1``, ``W2``, ... in the order of the Conv2D layers (as ConvAutoencoder keys them)."""
    kernels = [layer for layer in _conv_layers(config) if isinstance(layer, Conv2D)]
    return {f"W{k}": layer.param_shapes()["W"] for k, layer in enumerate(kernels, start=1)}


def _build_conv(config):
    return ConvAutoencoder(_conv_layers(config), tuple(config["input_shape"]),
                           **_arguments({k: v for k, v in config.items() if k not in ("layers", "input_shape")}))


def _encoder_sizes(sizes):
    """W⁽ˡ⁾: (nₗ₋₁, nₗ) for the widths [n₀, …, n_K]: every width a stack's config gives."""
    return {f"W{l}": (sizes[l - 1], sizes[l]) for l in range(1, len(sizes))}


def _classifier_sizes(config):
    top = {"W_softmax": (config["layer_sizes"][-1], config["n_classes"])} if config["layer_sizes"] else {}
    return {**_encoder_sizes(config["layer_sizes"]), **top}


@dataclasses.dataclass(frozen=True)
class _Format:
    """How one model class is stored: its format name, config keys (JSON types), and how to read it back."""

    name: str
    cls: type
    config_keys: dict
    sized: object                  # config -> {param key: shape} of the arrays its sizes fix (checked first)
    build: object                  # config -> model (its initial parameters are replaced by the stored ones)
    optional_keys: dict = dataclasses.field(default_factory=dict)
    version: int = 1


#: Every model class that can be saved, by format name. A subclass (the performance layer's
#: FastConvAutoencoder) is saved as its plain class.
FORMATS = {fmt.name: fmt for fmt in (
    _Format(FORMAT_NAME, Autoencoder, _CONFIG_KEYS, lambda c: {"W1": (c["n_visible"], c["n_hidden"])},
            _build_autoencoder, optional_keys=_OPTIONAL_CONFIG_KEYS, version=FORMAT_VERSION),
    _Format(CONV_FORMAT_NAME, ConvAutoencoder,
            {"layers": list, "input_shape": list, "n_encoder_layers": int, "decoder": str, "loss": str,
             "reduction": str, "dtype": str}, _conv_sizes, _build_conv, version=CONV_FORMAT_VERSION),
    _Format("npae.DeepAutoencoder", DeepAutoencoder,
            {"layer_sizes": list, "activation": str, "code": str, "decoder": str, "loss": str, "tied": bool,
             "weight_decay": _REAL, "dtype": str, "init": str, "reduction": str},
            lambda c: _encoder_sizes(c["layer_sizes"]), lambda c: DeepAutoencoder(**_arguments(c))),
    _Format("npae.StackedClassifier", StackedClassifier,
            {"layer_sizes": list, "n_classes": int, "activation": str, "weight_decay": _REAL,
             "encoder_weight_decay": _REAL, "dtype": str, "init": str},
            _classifier_sizes, lambda c: StackedClassifier(**_arguments(c))),
    _Format("npae.Softmax", Softmax, {"n_features": int, "n_classes": int, "weight_decay": _REAL, "dtype": str},
            lambda c: {"W": (c["n_features"], c["n_classes"])}, lambda c: Softmax(**_arguments(c))),
)}


def _format_of(model):
    """The format ``model`` is saved in (TypeError naming ``model`` for anything else)."""
    for fmt in FORMATS.values():
        if isinstance(model, fmt.cls):
            return fmt
    return check_instance("model", model, tuple(fmt.cls for fmt in FORMATS.values()), "Autoencoder(64, 25)")
