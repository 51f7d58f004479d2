"""save_model / load_model: exact round trips, and every kind of bad file refused with a clear ValueError."""

import io
import json
import zipfile

import numpy as np
import pytest

from npae.models.autoencoder import Autoencoder
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay
from npae.serialize import FORMAT_NAME, FORMAT_VERSION, PENALTIES, load_model, save_model


def trained_like(model, rng):
    """Give the model non-trivial parameters (non-zero biases too) so a round trip tests something."""
    for key, value in model.params.items():
        value[...] = rng.normal(scale=0.3, size=value.shape)
    return model


def data(n_visible, rng, dtype=np.float64):
    return rng.uniform(0.05, 0.95, size=(7, n_visible)).astype(dtype)


PENALTY_CASES = [
    [],
    [WeightDecay(1e-3)],
    [KLSparsity(rho=0.05, beta=3.0)],
    [L1Sparsity(0.1)],
    [Contractive(0.2)],
    [WeightDecay(1e-4), KLSparsity(rho=0.1, beta=3.0)],
]


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("penalties", PENALTY_CASES, ids=lambda p: "+".join(type(q).__name__ for q in p) or "none")
def test_round_trip_is_exact(tmp_path, tied, penalties):
    rng = np.random.default_rng(0)
    model = trained_like(Autoencoder(6, 4, tied=tied, penalties=penalties, loss="cross_entropy",
                                     rng=rng, init="glorot"), rng)
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.config() == model.config()
    assert list(loaded.params) == list(model.params)
    for key, value in model.params.items():
        assert loaded.params[key].dtype == value.dtype
        assert loaded.params[key].tobytes() == value.tobytes(), key      # bitwise equal
        assert loaded.params[key] is not value
    X = data(6, rng)
    assert loaded.loss(X) == model.loss(X)
    _, g1 = model.loss_and_grads(X)
    _, g2 = loaded.loss_and_grads(X)
    for key in g1:
        assert np.array_equal(g1[key], g2[key])


@pytest.mark.parametrize("encoder", ["sigmoid", "relu"])
def test_round_trip_float32_relu_and_sigmoid(tmp_path, encoder):
    rng = np.random.default_rng(1)
    model = trained_like(Autoencoder(9, 3, encoder=encoder, decoder="linear", dtype=np.float32, rng=rng), rng)
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.dtype == np.float32 and loaded.encoder.name == encoder and loaded.decoder.name == "linear"
    for key, value in model.params.items():
        assert loaded.params[key].dtype == np.float32
        assert loaded.params[key].tobytes() == value.tobytes()
    X = data(9, rng, np.float32)
    assert loaded.loss(X) == model.loss(X)


def test_path_is_written_exactly_as_given(tmp_path):
    model = Autoencoder(4, 2, rng=np.random.default_rng(0))
    save_model(model, tmp_path / "no_suffix")
    assert (tmp_path / "no_suffix").is_file() and not (tmp_path / "no_suffix.npz").exists()
    assert load_model(tmp_path / "no_suffix").config() == model.config()


def test_every_penalty_class_is_registered():
    assert set(PENALTIES) == {"WeightDecay", "KLSparsity", "L1Sparsity", "Contractive"}


# ---------------------------------------------------------------- malformed files

def saved_arrays(tmp_path, tied=False):
    """The arrays of a freshly saved model, as a dict we can tamper with."""
    rng = np.random.default_rng(3)
    model = trained_like(Autoencoder(5, 3, tied=tied, penalties=[WeightDecay(1e-3)], rng=rng), rng)
    save_model(model, tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as f:
        return {k: f[k] for k in f.files}


def write(tmp_path, arrays):
    path = tmp_path / "bad.npz"
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def test_saved_file_has_the_documented_layout(tmp_path):
    arrays = saved_arrays(tmp_path)
    assert str(arrays["format"]) == FORMAT_NAME and int(arrays["version"]) == FORMAT_VERSION
    assert arrays["config"].shape == () and arrays["config"].dtype.kind == "U"
    assert json.loads(str(arrays["config"]))["penalties"] == [["WeightDecay", {"weight_decay": 1e-3}]]
    assert sorted(arrays) == sorted(["format", "version", "config", "params/W1", "params/b1", "params/W2",
                                     "params/b2"])


@pytest.mark.parametrize("key", ["format", "version", "config", "params/W1", "params/b2"])
def test_missing_key(tmp_path, key):
    arrays = saved_arrays(tmp_path)
    del arrays[key]
    with pytest.raises(ValueError, match=f"missing.*{key}"):
        load_model(write(tmp_path, arrays))


def test_unexpected_key(tmp_path):
    arrays = saved_arrays(tmp_path, tied=True)
    arrays["params/W2"] = np.zeros((3, 5))           # a tied model has no W2
    with pytest.raises(ValueError, match=r"unexpected key.*params/W2"):
        load_model(write(tmp_path, arrays))


def test_wrong_shape(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["params/W1"] = arrays["params/W1"].T.copy()
    with pytest.raises(ValueError, match=r"W1.*shape \(5, 3\)"):
        load_model(write(tmp_path, arrays))


def test_wrong_dtype(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["params/b1"] = arrays["params/b1"].astype(np.float32)
    with pytest.raises(ValueError, match=r"b1.*dtype float64"):
        load_model(write(tmp_path, arrays))


def test_non_finite_parameter(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["params/W2"][1, 2] = np.nan
    with pytest.raises(ValueError, match=r"W2.*NaN"):
        load_model(write(tmp_path, arrays))


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, 0])
def test_wrong_version(tmp_path, version):
    arrays = saved_arrays(tmp_path)
    arrays["version"] = np.array(version, dtype=np.int64)
    with pytest.raises(ValueError, match=f"unsupported format version {version}"):
        load_model(write(tmp_path, arrays))


def test_wrong_format_marker(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["format"] = np.array("something.else")
    with pytest.raises(ValueError, match="format must be"):
        load_model(write(tmp_path, arrays))


def test_not_an_npz(tmp_path):
    path = tmp_path / "text.npz"
    path.write_text("hello, I am not a zip archive\n")
    with pytest.raises(ValueError, match="not an npae model file"):
        load_model(path)


def test_a_single_npy_is_not_a_model(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match="single .npy"):
        load_model(path)


def test_a_pickled_file_is_refused(tmp_path):
    path = tmp_path / "pickle.npz"
    with open(path, "wb") as f:                                   # a .npy holding a pickle
        np.save(f, np.array([{"W1": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not an npae model file"):
        load_model(path)


def test_pickle_containing_npz_is_refused(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["config"] = np.array([{"evil": "payload"}], dtype=object)   # needs pickle to be read
    path = tmp_path / "pickled.npz"
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(ValueError, match=r"'config' cannot be read without pickle"):
        load_model(path)


def test_unknown_penalty_name(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = json.loads(str(arrays["config"]))
    config["penalties"] = [["os.system", {"command": "echo hi"}]]
    arrays["config"] = np.array(json.dumps(config))
    with pytest.raises(ValueError, match="unknown penalty 'os.system'"):
        load_model(write(tmp_path, arrays))


def test_bad_penalty_arguments(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = json.loads(str(arrays["config"]))
    config["penalties"] = [["KLSparsity", {"rho": 2.0, "beta": 3.0}]]
    arrays["config"] = np.array(json.dumps(config))
    with pytest.raises(ValueError, match="invalid arguments.*KLSparsity"):
        load_model(write(tmp_path, arrays))


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"n_visible": 5}', "misses the key"),
])
def test_unparseable_config(tmp_path, text, message):
    arrays = saved_arrays(tmp_path)
    arrays["config"] = np.array(text)
    with pytest.raises(ValueError, match=message):
        load_model(write(tmp_path, arrays))


def test_invalid_architecture_in_config(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = json.loads(str(arrays["config"]))
    config["encoder"] = "tanh"
    arrays["config"] = np.array(json.dumps(config))
    with pytest.raises(ValueError, match="not describe a valid model.*encoder"):
        load_model(write(tmp_path, arrays))


def test_truncated_archive(tmp_path):
    saved_arrays(tmp_path)
    raw = (tmp_path / "good.npz").read_bytes()
    path = tmp_path / "truncated.npz"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError):
        load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nowhere.npz")


def test_save_refuses_a_non_model(tmp_path):
    with pytest.raises(TypeError, match="Autoencoder"):
        save_model({"W1": np.zeros((2, 2))}, tmp_path / "x.npz")


def test_save_refuses_an_unregistered_penalty(tmp_path):
    class Custom(WeightDecay):
        pass

    model = Autoencoder(4, 2, penalties=[Custom(1e-3)], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="penalty 'Custom' cannot be saved"):
        save_model(model, tmp_path / "x.npz")


def test_resume_training_after_loading(tmp_path):
    from npae.training.minibatch import train_minibatch

    rng = np.random.default_rng(4)
    X = rng.uniform(size=(64, 8))
    model = Autoencoder(8, 3, loss="cross_entropy", rng=rng)
    train_minibatch(model, X, optimizer="adam", epochs=2, batch_size=16, rng=rng, verbose=False)
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    before = loaded.loss(X)
    assert before == model.loss(X)
    train_minibatch(loaded, X, optimizer="adam", epochs=3, batch_size=16, rng=rng, verbose=False)
    assert loaded.loss(X) < before


# ---- forged files: refused with a ValueError naming the file, before anything large is allocated ----------

def _rezip(tmp_path, members, compression=zipfile.ZIP_STORED):
    """Write ``members`` ({name: bytes}) as a zip archive."""
    path = tmp_path / "forged.npz"
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _members(tmp_path):
    return {k + ".npy": _npy_bytes(v) for k, v in saved_arrays(tmp_path).items()}


def test_huge_sizes_in_the_config_are_refused_before_building(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = json.loads(str(arrays["config"]))
    config["n_visible"] = config["n_hidden"] = 10**7          # 10^14 weights: a MemoryError if allocated
    arrays["config"] = np.array(json.dumps(config))
    with pytest.raises(ValueError, match=r"bad\.npz.*W1 must have shape \(10000000, 10000000\)"):
        load_model(write(tmp_path, arrays))


def test_a_header_declaring_more_data_than_the_member_holds_is_refused(tmp_path):
    members = _members(tmp_path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (10**6, 10**6)})
    members["params/W1.npy"] = b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + b"\x00" * 16
    with pytest.raises(ValueError, match=r"forged\.npz.*'params/W1'.*declares"):
        load_model(_rezip(tmp_path, members))


def test_deeply_nested_json_is_refused(tmp_path):
    arrays = saved_arrays(tmp_path)
    arrays["config"] = np.array("[" * 100000 + "]" * 100000)
    with pytest.raises(ValueError, match=r"bad\.npz.*config"):
        load_model(write(tmp_path, arrays))


def test_a_raw_zip_member_is_refused(tmp_path):
    members = _members(tmp_path)
    members["notes.txt"] = b"hello"
    with pytest.raises(ValueError, match=r"forged\.npz.*notes\.txt.*not an \.npy"):
        load_model(_rezip(tmp_path, members))


def test_unsupported_compression_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"forged\.npz.*compression"):
        load_model(_rezip(tmp_path, _members(tmp_path), compression=zipfile.ZIP_BZIP2))


def test_an_encrypted_member_is_refused(tmp_path):
    path = _rezip(tmp_path, _members(tmp_path))
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):      # local and central headers
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + offset] |= 0x1                                        # general purpose bit 0
            start += 4
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"forged\.npz.*encrypted"):
        load_model(path)


@pytest.mark.parametrize("path", [None, 3, b"x"[0]])
def test_a_path_of_the_wrong_type_is_a_type_error(path):
    with pytest.raises(TypeError, match="path"):
        load_model(path)
    with pytest.raises(TypeError, match="path"):
        save_model(Autoencoder(4, 3, rng=np.random.default_rng(0)), path)


def test_a_model_with_the_per_pixel_mean_reduction_round_trips(tmp_path):
    import npae
    from npae.serialize import load_model, save_model

    model = npae.Autoencoder(6, 3, loss="cross_entropy", reduction="mean", rng=np.random.default_rng(0))
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.config() == model.config() and loaded.config()["reduction"] == "mean"
    X = np.random.default_rng(1).uniform(0.1, 0.9, (5, 6))
    assert loaded.loss(X) == model.loss(X)


# ------------------------------------------------------------ the other models: deep, stacked classifier, softmax

def _other_models(dtype):
    from npae.models.deep import DeepAutoencoder, StackedClassifier
    from npae.models.softmax import Softmax
    rng = np.random.default_rng(11)
    return [DeepAutoencoder([6, 4, 3], rng=rng, dtype=dtype),
            DeepAutoencoder([6, 5, 4, 2], activation="relu", code="linear", decoder="linear", tied=True,
                            weight_decay=1e-3, init="glorot", reduction="mean", rng=rng, dtype=dtype),
            DeepAutoencoder([6, 3], loss="cross_entropy", rng=rng, dtype=dtype),
            StackedClassifier([6, 4, 3], 4, activation="relu", weight_decay=3e-4, encoder_weight_decay=1e-5,
                              init="glorot", rng=rng, dtype=dtype),
            Softmax(6, 3, weight_decay=0.0, rng=rng, dtype=dtype)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", range(5))
def test_the_other_models_round_trip_bitwise(tmp_path, dtype, index):
    rng = np.random.default_rng(index)
    model = trained_like(_other_models(dtype)[index], rng)
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    assert type(loaded) is type(model) and loaded.config() == model.config()
    assert list(loaded.params) == list(model.params)
    for key, value in model.params.items():
        assert loaded.params[key].dtype == dtype and loaded.params[key].shape == value.shape
        assert loaded.params[key].tobytes() == value.tobytes()              # bit for bit
    X = rng.uniform(0.05, 0.95, size=(5, 6)).astype(dtype)
    if hasattr(model, "n_classes"):
        y = np.arange(5) % model.n_classes
        assert loaded.loss(X, y) == model.loss(X, y)
    else:
        assert loaded.loss(X) == model.loss(X)
    with np.load(path) as f:
        assert str(f["format"]) == f"npae.{type(model).__name__}"
        assert sorted(f.files) == sorted(["format", "version", "config"] + [f"params/{k}" for k in model.params])


def _other_saved(tmp_path, index):
    model = _other_models(np.float64)[index]
    save_model(model, tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("index, key, huge, message", [
    (0, "layer_sizes", [10**7, 10**7, 3], r"params/W1 must have shape \(10000000, 10000000\)"),
    (1, "layer_sizes", [6, 10**7, 10**7, 2], r"params/W1 must have shape \(6, 10000000\)"),
    (3, "n_classes", 10**12, r"params/W_softmax must have shape \(3, 1000000000000\)"),
    (4, "n_features", 10**12, r"params/W must have shape \(1000000000000, 3\)"),
])
def test_huge_sizes_in_another_model_s_config_are_refused_before_building(tmp_path, index, key, huge, message):
    arrays = _other_saved(tmp_path, index)
    config = json.loads(str(arrays["config"]))
    config[key] = huge                      # 10^14 or 10^12 values: a MemoryError if the model were built
    arrays["config"] = np.array(json.dumps(config))
    with pytest.raises(ValueError, match=r"bad\.npz: " + message):
        load_model(write(tmp_path, arrays))


def test_bad_files_of_the_other_models_are_refused(tmp_path):
    arrays = _other_saved(tmp_path, 0)
    for change, message in [
            (lambda a: a.pop("params/b3"), r"missing parameter key\(s\) \['params/b3'\]"),
            (lambda a: a.update({"params/W5": np.zeros((2, 2))}), r"unexpected key\(s\) \['params/W5'\]"),
            (lambda a: a.update({"params/W3": a["params/W3"].astype(np.float32)}), r"W3.*dtype float64"),
            (lambda a: a.update({"params/b2": np.full(3, np.inf)}), r"b2.*NaN or inf"),
            (lambda a: a.update({"params/b2": np.arange(3)}), r"b2.*float"),
            (lambda a: a.update({"format": np.array("npae.Softmax")}), r"config misses the key\(s\)"),
            (lambda a: a.update({"version": np.array(2)}), r"unsupported format version 2 of npae.DeepAutoencoder"),
            (lambda a: a.update({"config": np.array(str(a["config"]).replace('"tied": false', '"tied": 0'))}),
             r"config\['tied'\] must be of type bool"),
            (lambda a: a.update({"config": np.array(str(a["config"]).replace('"weight_decay": 0.0',
                                                                             '"weight_decay": "0"'))}),
             r"config\['weight_decay'\] must be of type number"),
            (lambda a: a.update({"config": np.array(str(a["config"]).replace('"activation": "sigmoid"',
                                                                             '"activation": "tanh"'))}),
             r"does not describe a valid model.*activation"),
    ]:
        spoiled = dict(arrays)
        change(spoiled)
        with pytest.raises(ValueError, match=message):
            load_model(write(tmp_path, spoiled))
    config = json.loads(str(arrays["config"]))
    config["weight_decay"] = 0                          # JSON's 0 for 0.0: a number all the same
    assert load_model(write(tmp_path, {**arrays, "config": np.array(json.dumps(config))})).config() == \
        load_model(tmp_path / "good.npz").config()


def test_a_model_class_without_a_format_is_refused(tmp_path):
    from npae.models.psd import PSD
    with pytest.raises(TypeError, match="model must be an instance of Autoencoder or ConvAutoencoder or "
                                        "DeepAutoencoder or StackedClassifier or Softmax, e.g"):
        save_model(PSD(4, 3, rng=np.random.default_rng(0)), tmp_path / "psd.npz")
