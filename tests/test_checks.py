"""The shared argument checks of npae.checks that the convolution code used to write for itself (issue 16: each
idea once): each assertion is a refusal, or a value passed through, that a private copy got right before."""

import numpy as np
import pytest

from npae.checks import check_array_dict, check_float_array, check_sequence, check_shape, check_tuple


def test_check_float_array_checks_axes_and_emptiness_only_when_asked():
    A = np.zeros((2, 3, 4, 5))
    assert check_float_array("images", A, ndim=4, nonempty=True) is A
    assert check_float_array("z", np.zeros((0, 3))) is not None           # the kernels' default: kind only
    with pytest.raises(ValueError, match=r"images must be a 4-D array \(n, channels, height, width\)"):
        check_float_array("images", A[0], ndim=4, layout="(n, channels, height, width)")
    with pytest.raises(ValueError, match="images must be a 4-D array with no empty axis, got shape"):
        check_float_array("images", A[:, :0], ndim=4, nonempty=True)
    with pytest.raises(TypeError, match="images must be a numpy array of float32 or float64"):
        check_float_array("images", A.astype(np.int64), ndim=4)
    nan = np.full((1, 1, 1, 1), np.nan)
    assert check_float_array("images", nan, ndim=4, nonempty=True) is nan    # no pass over the values
    with pytest.raises(TypeError, match="nonempty"):
        check_float_array("images", A, nonempty="yes")


def test_check_sequence_of_instances_and_non_empty():
    assert check_sequence("layers", (1, 2), "integers", item_type=int, nonempty=True) == [1, 2]
    with pytest.raises(ValueError, match="layers must hold at least one"):
        check_sequence("layers", [], "integers", nonempty=True)
    assert check_sequence("layers", [], "integers") == []
    with pytest.raises(TypeError, match=r"layers\[1\] must be an instance of int, got str"):
        check_sequence("layers", [1, "2"], item_type=int)
    with pytest.raises(TypeError, match=r"layers\[0\] must be an instance of int, got the class float itself"):
        check_sequence("layers", [float], item_type=int)


def test_check_array_dict_with_shapes():
    params = {"W": np.zeros((3, 2)), "b": np.zeros(3)}
    assert check_array_dict("params", params, shapes={"W": (3, 2), "b": [3]}) is params
    assert check_array_dict("params", {}, shapes={}) == {}
    with pytest.raises(ValueError, match=r"params must have exactly the keys \[\]"):
        check_array_dict("params", {"W": np.zeros(1)}, shapes={})
    with pytest.raises(ValueError, match=r"params\['W'\] must have shape \(3, 3\), got \(3, 2\)"):
        check_array_dict("params", params, shapes={"W": (3, 3), "b": (3,)})
    with pytest.raises(ValueError, match="not both"):
        check_array_dict("params", params, like=params, shapes={"W": (3, 2), "b": (3,)})
    nan = {"W": np.full((3, 2), np.nan), "b": np.zeros(3)}
    assert check_array_dict("params", nan, finite=False, shapes={"W": (3, 2), "b": (3,)}) is nan
    with pytest.raises(ValueError, match="NaN"):
        check_array_dict("params", nan, shapes={"W": (3, 2), "b": (3,)})


def test_check_shape_and_check_tuple():
    assert check_shape("input_shape", [1, 28, 28], 3) == (1, 28, 28)
    with pytest.raises(ValueError, match="input_shape must have 3 entries"):
        check_shape("input_shape", (28, 28), 3)
    with pytest.raises(TypeError, match=r"input_shape\[0\]"):
        check_shape("input_shape", (1.0, 28, 28), 3)
    cache = (np.zeros(2), (1, 2))
    assert check_tuple("cache", cache, 2, "(cols, shape)") is cache
    with pytest.raises(TypeError, match=r"cache must be the tuple \(cols, shape\), got list"):
        check_tuple("cache", list(cache), 2, "(cols, shape)")
    with pytest.raises(TypeError, match="of length 3"):
        check_tuple("cache", cache + (3,), 2, "(cols, shape)")
