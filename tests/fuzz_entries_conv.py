"""The convolutional entry points of the bad-input table (``tests/fuzz_entry_points.py``, issue 15).

:func:`register` adds an :class:`Entry` for every public name of :mod:`npae.core.conv`, :mod:`npae.core.pooling`,
:mod:`npae.models.conv_autoencoder`, :mod:`npae.perf.conv_fast` and :mod:`npae.gradcheck.cases_conv` to the
table's ``ENTRIES``. It is called by ``tests/fuzz_entry_points.py`` with that module itself, so that the entries
land in the same dict whether the table is imported by the test or run as a script.

Layouts (module docstrings): the plain layers take images of shape (n, channels, height, width); the
performance layer's (:mod:`npae.perf.conv_fast`) take (channels, n, height, width); the models take data as
rows (m, C·H·W), as every npae model.

Which values are bad. The public functions of :mod:`npae.core.conv` and :mod:`npae.core.pooling`
(``conv2d_forward``, ``im2col``, ``maxpool_backward`` ...) and :func:`~npae.models.conv_autoencoder.sequence_forward` /
``sequence_backward`` check kinds and shapes (NaN/inf propagate: the ``KERNEL`` skip) — and ``maxpool_backward``'s
``winner`` values, which index an array (an index out of range would raise IndexError or, negative, wrap
around silently). The models, their constructors and the gradient-check cases check everything, values
included. The layers' ``forward``/``backward`` methods are behind those boundaries (issue 23: arguments are
checked once, at the public entry point; what it calls trusts them): they are listed with the note
:data:`BEHIND`, and the bad values they used to refuse are refused by the entry points that call them.

Two kinds of generated mutation do not apply to images: the hypothesis suite's "another width" changes the
*last* axis, an image's width, which a "same" convolution, a pooling or a nonlinearity accepts; so those
arrays skip ``width`` and get the channel-axis mutation ("one channel more") as an extra case instead.
"""

import numpy as np

IMAGE = frozenset({"nonfinite", "width"})       # kernels' images: no value checks, any image width

#: The note of a layer method behind the boundary.
BEHIND = ("behind the boundary: a layer's forward/backward runs inside ConvAutoencoder.loss_and_grads (or "
          "sequence_forward/sequence_backward, or the fast path's own boundary), which check its arguments once; "
          "it checks nothing itself, and the bad values it used to refuse are refused there (their entries)")


def register(F):
    """Add the convolutional entries to ``F.ENTRIES`` (``F``: the module ``tests/fuzz_entry_points.py``)."""
    A, Entry, ENTRIES, entry, none_entry = F.Arg, F.Entry, F.ENTRIES, F.entry, F.none_entry
    KERNEL = F.KERNEL

    def more_channels(X, axis=1):
        """The array with one more channel (a copy of the first) along ``axis``."""
        return np.concatenate([X, np.take(X, [0], axis=axis)], axis=axis)

    def int_array(X):
        return ("integer array", np.ones(np.shape(X), dtype=np.int64), True)

    def shape_cases(valid, what="shape"):
        """Bad values of a shape tuple like ``valid``."""
        n = len(valid)
        return (("one axis fewer", tuple(valid[:-1]), True), ("one axis more", tuple(valid) + (2,), True),
                ("a zero size", tuple(valid[:-1]) + (0,), True), ("a negative size", tuple(valid[:-1]) + (-3,), True),
                ("floats", tuple(float(s) for s in valid), True), ("a bool", (True,) + tuple(valid[1:]), True),
                ("a string", "(" + ", ".join(map(str, valid)) + ")", True), ("None", None, True),
                ("an int", int(valid[0]), True), (f"{n} strings", tuple("a" * n), True))

    def images_arg(X, channel_axis=1, skip=IMAGE | {"rows"}):
        """An image batch of a layer: no value checks, any width; one more channel must be refused."""
        return A("array", skip=skip, extra=(("one channel more", more_channels(X, channel_axis), True), int_array(X)))

    rng0 = np.random.default_rng(0)
    NEED = A("bool")

    # ---------------------------------------------------------------- npae.core.conv: the functions
    # ------------------------------------- shared checks first written for the convolution code (npae.checks);
    # check_float_array's and check_array_dict's entries, with the images and layer parameters they check here,
    # are with the other npae.checks entries in tests/fuzz_entry_points.py.
    @entry("npae.checks.check_shape", {"shape": A("custom", names=("input_shape",), extra=shape_cases((3, 5, 7))),
                                       "n_axes": A("int", minimum=1)})
    def _(rng):
        from npae.checks import check_shape
        return check_shape, {"name": "input_shape", "shape": (3, 5, 7), "n_axes": 3}, []

    @entry("npae.checks.check_tuple", {"value": A("custom", names=("cache",), extra=(
            ("a list", [1, 2], True), ("a tuple of three", (1, 2, 3), True), ("None", None, True))),
            "length": A("int", minimum=0)})
    def _(rng):
        from npae.checks import check_tuple
        return check_tuple, {"name": "cache", "value": (np.zeros(2), (1, 2)), "length": 2,
                             "what": "(cols, input_shape) that forward returned"}, []

    @entry("npae.core.conv.padding_amounts", {"kernel": A("int", minimum=1), "padding": A("choice")})
    def _(rng):
        from npae.core.conv import padding_amounts
        return padding_amounts, {"kernel": 3, "padding": "same"}, []

    @entry("npae.core.conv.conv_output_size", {
        "size": A("int", minimum=1, extra=(("smaller than the kernel", 2, True),)),
        "kernel": A("int", minimum=1, extra=(("larger than the input", 6, True),)), "padding": A("choice")})
    def _(rng):
        from npae.core.conv import conv_output_size
        return conv_output_size, {"size": 5, "kernel": 3, "padding": "valid"}, []

    Xp = rng0.standard_normal((2, 2, 5, 6))

    @entry("npae.core.conv.im2col", {"Xp": A("array", skip=IMAGE | {"rows"}, extra=(int_array(Xp),)),
                                     "kh": A("int", minimum=1, maximum=5), "kw": A("int", minimum=1, maximum=6)})
    def _(rng):
        from npae.core.conv import im2col
        return im2col, {"Xp": rng.standard_normal((2, 2, 5, 6)), "kh": 3, "kw": 3}, []

    dcols = rng0.standard_normal((18, 24))          # C·kh·kw = 2·3·3 rows, n·H_out·W_out = 2·3·4 columns

    @entry("npae.core.conv.col2im", {"dcols": A("array", skip=KERNEL, extra=(int_array(dcols),)),
                                     "padded_shape": A("custom", extra=shape_cases((2, 2, 5, 6))),
                                     "kh": A("int", minimum=1, maximum=5), "kw": A("int", minimum=1, maximum=6)})
    def _(rng):
        from npae.core.conv import col2im
        return col2im, {"dcols": rng.standard_normal((18, 24)), "padded_shape": (2, 2, 5, 6), "kh": 3, "kw": 3}, []

    X = rng0.standard_normal((2, 2, 5, 6))
    W = rng0.standard_normal((3, 2, 3, 3))

    @entry("npae.core.conv.conv2d_forward", {
        "X": images_arg(X), "W": A("array", skip=KERNEL, extra=(int_array(W),)),
        "b": A("array", skip=KERNEL, extra=(("two rows", np.zeros((2, 3)), True),)), "padding": A("choice")})
    def _(rng):
        from npae.core.conv import conv2d_forward
        return conv2d_forward, {"X": rng.standard_normal((2, 2, 5, 6)), "W": rng.standard_normal((3, 2, 3, 3)),
                                "b": rng.standard_normal(3), "padding": "same"}, []

    def backward_call(rng):
        from npae.core.conv import conv2d_forward
        X, W = rng.standard_normal((2, 2, 5, 6)), rng.standard_normal((3, 2, 3, 3))
        Z, cols = conv2d_forward(X, W, np.zeros(3), "same")
        return {"delta": rng.standard_normal(Z.shape), "cols": cols, "input_shape": X.shape, "W": W,
                "padding": "same", "need_dX": True}

    kw0 = backward_call(np.random.default_rng(0))

    @entry("npae.core.conv.conv2d_backward", {
        "delta": A("array", skip=KERNEL, extra=(int_array(kw0["delta"]),)),
        "cols": A("array", skip=KERNEL, extra=(int_array(kw0["cols"]),)),
        "input_shape": A("custom", extra=shape_cases((2, 2, 5, 6)) + (("another height", (2, 2, 6, 6), True),)),
        "W": A("array", skip=KERNEL, extra=(int_array(W), ("a larger kernel", np.zeros((3, 2, 5, 5)), True))),
        "padding": A("choice", extra=(("the other padding", "valid", True),)), "need_dX": NEED})
    def _(rng):
        from npae.core.conv import conv2d_backward
        return conv2d_backward, backward_call(rng), []

    # ---------------------------------------------------------------- npae.core.conv.Conv2D
    for cname, module in (("Conv2D", "npae.core.conv"), ("FastConv2D", "npae.perf.conv_fast")):
        def build(rng, cname=cname, module=module):
            cls = getattr(__import__(module, fromlist=[cname]), cname)
            return cls, {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "padding": "same"}, []
        ENTRIES[f"{module}.{cname}"] = Entry(build, {
            "in_channels": A("int", minimum=1), "out_channels": A("int", minimum=1),
            "kernel_size": A("int", minimum=1), "padding": A("choice")})

    def conv_layer(fast=False):
        if fast:
            from npae.perf.conv_fast import FastConv2D
            return FastConv2D(2, 3, 3, "same")
        from npae.core.conv import Conv2D
        return Conv2D(2, 3, 3, "same")

    for fast, module, cname in ((False, "npae.core.conv", "Conv2D"), (True, "npae.perf.conv_fast", "FastConv2D")):
        for method in ("forward", "backward"):
            none_entry(f"{module}.{cname}.{method}", BEHIND)
        for method in ("fans", "param_shapes"):
            if not fast:
                none_entry(f"{module}.{cname}.{method}", "no arguments")

    @entry("npae.core.conv.Conv2D.output_shape", {"input_shape": A("custom", extra=shape_cases((2, 5, 6)) + (
            ("another channel count", (3, 5, 6), True), ("smaller than a valid kernel", (2, 2, 6), True)))})
    def _(rng):
        from npae.core.conv import Conv2D
        return Conv2D(2, 3, 3, "valid").output_shape, {"input_shape": (2, 5, 6)}, []

    # ---------------------------------------------------------------- npae.core.pooling: the functions
    @entry("npae.core.pooling.pool_output_size", {"size": A("int", minimum=1)})
    def _(rng):
        from npae.core.pooling import pool_output_size
        return pool_output_size, {"size": 5}, []

    Xpool = rng0.standard_normal((2, 3, 5, 7))

    @entry("npae.core.pooling.maxpool_forward", {"X": A("array", skip=IMAGE | {"rows"}, extra=(
            int_array(Xpool), ("a zero height", np.zeros((2, 3, 0, 7)), True)))})
    def _(rng):
        from npae.core.pooling import maxpool_forward
        return maxpool_forward, {"X": rng.standard_normal((2, 3, 5, 7))}, []

    def pool_backward_call(rng):
        from npae.core.pooling import maxpool_forward
        P, winner = maxpool_forward(rng.standard_normal((2, 3, 5, 7)))
        return {"delta": rng.standard_normal(P.shape), "winner": winner, "input_shape": (2, 3, 5, 7)}

    kwp = pool_backward_call(np.random.default_rng(0))

    @entry("npae.core.pooling.maxpool_backward", {
        "delta": A("array", skip=KERNEL, extra=(int_array(kwp["delta"]),)),
        "winner": A("array", skip={"nonfinite"}, extra=(
            ("an index 4", kwp["winner"] + 4, True), ("an index -1", kwp["winner"] - 4, True),
            ("floats", kwp["winner"].astype(np.float64), True), ("NaN", F._nonfinite(kwp["winner"], np.nan), True))),
        "input_shape": A("custom", extra=shape_cases((2, 3, 5, 7)) + (("another height", (2, 3, 8, 7), True),))})
    def _(rng):
        from npae.core.pooling import maxpool_backward
        return maxpool_backward, pool_backward_call(rng), []

    Xup = rng0.standard_normal((2, 3, 3, 2))

    @entry("npae.core.pooling.upsample_forward", {"X": A("array", skip=IMAGE | {"rows"}, extra=(int_array(Xup),))})
    def _(rng):
        from npae.core.pooling import upsample_forward
        return upsample_forward, {"X": rng.standard_normal((2, 3, 3, 2))}, []

    Dup = rng0.standard_normal((2, 3, 6, 4))

    @entry("npae.core.pooling.upsample_backward", {"delta": A("array", skip=IMAGE | {"rows"}, extra=(
            int_array(Dup), ("an odd height", np.zeros((2, 3, 5, 4)), True),
            ("an odd width", np.zeros((2, 3, 6, 3)), True)))})
    def _(rng):
        from npae.core.pooling import upsample_backward
        return upsample_backward, {"delta": rng.standard_normal((2, 3, 6, 4))}, []

    # ---------------------------------------------------------------- the parameterless layers
    def paramless(module, cname):
        return getattr(__import__(module, fromlist=[cname]), cname)()

    LAYERS = (("npae.core.pooling", "MaxPool2D", False), ("npae.core.pooling", "UpSample2D", False),
              ("npae.perf.conv_fast", "FastMaxPool2D", True), ("npae.perf.conv_fast", "FastUpSample2D", True),
              ("npae.perf.conv_fast", "FastReLU", True))
    for module, cname, fast in LAYERS:
        none_entry(f"{module}.{cname}", "a layer with no hyperparameter: the constructor takes no arguments")
        for method in ("forward", "backward"):
            none_entry(f"{module}.{cname}.{method}", BEHIND)
        if not fast:
            none_entry(f"{module}.{cname}.param_shapes", "no arguments")

            def build_output_shape(rng, module=module, cname=cname):
                return paramless(module, cname).output_shape, {"input_shape": (3, 5, 7)}, []
            ENTRIES[f"{module}.{cname}.output_shape"] = Entry(build_output_shape, {
                "input_shape": A("custom", extra=shape_cases((3, 5, 7)))})

    # ---------------------------------------------------------------- npae.models.conv_autoencoder: layers
    @entry("npae.models.conv_autoencoder.Nonlinearity", {"name": A("choice", extra=(("tanh", "tanh", True),))})
    def _(rng):
        from npae.models.conv_autoencoder import Nonlinearity
        return Nonlinearity, {"name": "relu"}, []

    for method in ("forward", "backward"):
        none_entry(f"npae.models.conv_autoencoder.Nonlinearity.{method}", BEHIND)

    @entry("npae.models.conv_autoencoder.Nonlinearity.output_shape", {
        "input_shape": A("custom", extra=shape_cases((3, 5, 7)))})
    def _(rng):
        from npae.models.conv_autoencoder import Nonlinearity
        return Nonlinearity("relu").output_shape, {"input_shape": (3, 5, 7)}, []

    none_entry("npae.models.conv_autoencoder.Nonlinearity.param_shapes", "no arguments")

    # ---------------------------------------------------------------- sequences of layers
    def small_layers():
        from npae.core.conv import Conv2D
        from npae.core.pooling import MaxPool2D, UpSample2D
        from npae.models.conv_autoencoder import Nonlinearity
        return [Conv2D(1, 2), Nonlinearity("relu"), MaxPool2D(), UpSample2D(), Conv2D(2, 1)]

    def small_params(rng):
        return [{"W": rng.standard_normal((2, 1, 3, 3)), "b": np.zeros(2)}, {}, {}, {},
                {"W": rng.standard_normal((1, 2, 3, 3)), "b": np.zeros(1)}]

    layers_extra = (("int 3", 3, True), ("string", "abc", True), ("None", None, True), ("empty", [], True),
                    ("an int among them", [3], True), ("the class Conv2D", "__CONV_CLASS__", True))

    def seq_forward(rng):
        from npae.models.conv_autoencoder import sequence_forward
        return sequence_forward, {"layers": small_layers(), "layer_params": small_params(rng),
                                  "A": rng.standard_normal((3, 1, 4, 4))}, []

    Xs = rng0.standard_normal((3, 1, 4, 4))
    lp_extra = (("int 3", 3, True), ("string", "abc", True), ("None", None, True), ("one dict fewer", "__SHORT__", True),
                ("a dict more", "__LONG__", True), ("the first not a dict", "__FIRST_INT__", True),
                ("W of the first layer misshapen", "__BAD_W__", True),
                # what a layer's forward used to refuse itself (it is behind this boundary now, issue 23)
                ("an extra key in the first layer's dict", "__EXTRA_KEY__", True),
                ("the first layer's dict empty", "__EMPTY_FIRST__", True),
                ("the first layer's b missing", "__MISSING_B__", True),
                ("W for the max-pooling layer, which has none", "__PARAM_FOR_POOL__", True),
                ("the first layer's W complex", "__COMPLEX_W__", True),
                ("the first layer's W integers", "__INT_W__", True),
                ("the first layer's W a nested list", "__LIST_W__", True))
    ENTRIES["npae.models.conv_autoencoder.sequence_forward"] = Entry(_with_sentinels(seq_forward), {
        "layers": A("custom", extra=layers_extra + (("one layer fewer", "__SHORT__", True),)),
        "layer_params": A("custom", names=("layer_params",), extra=lp_extra),
        "A": A("array", skip=IMAGE | {"rows"}, extra=(int_array(Xs),))})

    def seq_backward(rng):
        from npae.models.conv_autoencoder import sequence_backward, sequence_forward
        layers, params = small_layers(), small_params(rng)
        out, caches = sequence_forward(layers, params, rng.standard_normal((3, 1, 4, 4)))
        return sequence_backward, {"layers": layers, "layer_params": params, "caches": caches,
                                   "delta": rng.standard_normal(out.shape)}, []

    ENTRIES["npae.models.conv_autoencoder.sequence_backward"] = Entry(_with_sentinels(seq_backward), {
        "layers": A("custom", extra=layers_extra + (("one layer fewer", "__SHORT__", True),)),
        "layer_params": A("custom", names=("layer_params",), extra=lp_extra),
        "caches": A("custom", names=("caches",), extra=(("int 3", 3, True), ("None", None, True),
                                                         ("one cache fewer", "__SHORT__", True),
                                                         ("the caches reversed", "__REVERSED__", True))),
        "delta": A("array", skip=KERNEL, extra=(int_array(Xs),))})

    # ---------------------------------------------------------------- npae.models.conv_autoencoder: the model
    model_args = {
        "layers": A("custom", extra=layers_extra + (
            ("the last layer not a Conv2D", "__NO_LAST_CONV__", True),
            ("channels that do not chain", "__BAD_CHAIN__", True))),
        "input_shape": A("custom", extra=shape_cases((1, 4, 4)) + (("3 channels", (3, 4, 4), True),
                                                                   ("another size", (1, 5, 5), True))),
        "n_encoder_layers": A("int", optional=True, minimum=1, maximum=4),
        "decoder": A("choice"), "loss": A("choice"), "reduction": A("choice"), "rng": A("rng", optional=True),
        "dtype": A("dtype")}
    for cname, module in (("ConvAutoencoder", "npae.models.conv_autoencoder"),
                          ("FastConvAutoencoder", "npae.perf.conv_fast")):
        def build(rng, cname=cname, module=module):
            cls = getattr(__import__(module, fromlist=[cname]), cname)
            return cls, {"layers": small_layers(), "input_shape": (1, 4, 4), "n_encoder_layers": 3,
                         "decoder": "sigmoid", "loss": "cross_entropy", "reduction": "sum", "rng": rng,
                         "dtype": np.float64}, []
        ENTRIES[f"{module}.{cname}"] = Entry(_with_sentinels(build), model_args)

    def conv_model(rng, **kw):
        from npae.models.conv_autoencoder import ConvAutoencoder
        return ConvAutoencoder(small_layers(), (1, 4, 4), rng=rng, **kw)

    def rows(rng, m=6):
        return rng.uniform(0.1, 0.9, (m, 16))

    for method in ("encode", "logits", "reconstruct", "loss", "loss_and_grads"):
        def build(rng, method=method):
            model = conv_model(rng)
            return getattr(model, method), {"X": rows(rng)}, [model.params]
        args = {"X": A("array", skip={"rows"}, extra=F.outside_unit((6, 16)) if method.startswith("loss") else ()),
                "params": A("params")}
        if method.startswith("loss"):
            args["target"] = A("array", optional=True, extra=F.outside_unit((6, 16)))
        ENTRIES[f"npae.models.conv_autoencoder.ConvAutoencoder.{method}"] = Entry(build, args)
    for method in ("config", "param_shapes"):
        none_entry(f"npae.models.conv_autoencoder.ConvAutoencoder.{method}", "no arguments")

    @entry("npae.models.conv_autoencoder.conv_autoencoder", {
        "input_shape": A("custom", extra=shape_cases((1, 28, 28)) + (("too small for the valid convolution",
                                                                      (1, 2, 2), True),)),
        "reduction": A("choice"), "rng": A("rng", optional=True), "dtype": A("dtype")})
    def _(rng):
        from npae.models.conv_autoencoder import conv_autoencoder
        return conv_autoencoder, {"input_shape": (1, 28, 28), "reduction": "mean", "rng": rng,
                                  "dtype": np.float64}, []

    @entry("npae.models.conv_autoencoder.conv_denoising_autoencoder", {
        "input_shape": A("custom", extra=shape_cases((1, 28, 28)) + (("not a multiple of 4", (1, 6, 6), True),)),
        "channels": A("int", minimum=1), "reduction": A("choice"), "rng": A("rng", optional=True),
        "dtype": A("dtype")})
    def _(rng):
        from npae.models.conv_autoencoder import conv_denoising_autoencoder
        return conv_denoising_autoencoder, {"input_shape": (1, 28, 28), "channels": 4, "reduction": "mean",
                                            "rng": rng, "dtype": np.float64}, []

    # ---------------------------------------------------------------- npae.perf.conv_fast.fast_model
    @entry("npae.perf.conv_fast.fast_model", {"model": A("model")})
    def _(rng):
        from npae.perf.conv_fast import fast_model
        model = conv_model(rng)
        return fast_model, {"model": model}, [model.params]

    ENTRIES["npae.perf.conv_fast.fast_loss_and_grads"] = Entry(
        lambda rng: (None, {}, []), {}, note="takes any object and returns None for what it does not know (the "
                                             "trainers call it for every model): no value is bad")
    for method in ("encode", "loss", "loss_and_grads"):
        def build_fast(rng, method=method):
            from npae.perf.conv_fast import fast_model
            model = fast_model(conv_model(rng))
            return getattr(model, method), {"X": rows(rng)}, [model.params]
        args = {"X": A("array", skip={"rows"}, extra=F.outside_unit((6, 16)) if method.startswith("loss") else ()),
                "params": A("params")}
        if method.startswith("loss"):
            args["target"] = A("array", optional=True, extra=F.outside_unit((6, 16)))
        ENTRIES[f"npae.perf.conv_fast.FastConvAutoencoder.{method}"] = Entry(build_fast, args)

    # ---------------------------------------------------------------- npae.gradcheck.cases_conv
    def layer_case_kwargs(rng):
        from npae.core.conv import Conv2D
        return {"name": "fuzz", "layer": Conv2D(2, 3, 3, "same"), "input_shape": (2, 2, 5, 6), "seed": 0}

    def build_layer_case(rng):
        from npae.gradcheck.cases_conv import LayerCase
        return (lambda **kw: LayerCase(**kw).build()), layer_case_kwargs(rng), []

    ENTRIES["npae.gradcheck.cases_conv.LayerCase"] = Entry(_with_sentinels(build_layer_case), {
        "name": A("str"), "layer": A("object", extra=(("the class Conv2D", "__CONV_CLASS__", True),
                                                       ("a model", "__MODEL__", True))),
        "input_shape": A("custom", extra=shape_cases((2, 2, 5, 6)) + (("3 channels", (2, 3, 5, 6), True),)),
        "seed": A("int", minimum=0)})

    def build_layer_case_run(rng):
        from npae.gradcheck.cases_conv import LayerCase
        return LayerCase(**layer_case_kwargs(rng)).run, {}, []

    run_args = {"method": A("choice"), "step": A("real", optional=True, minimum=0, open_minimum=True)}
    ENTRIES["npae.gradcheck.cases_conv.LayerCase.run"] = Entry(build_layer_case_run, run_args)

    model_case_kwargs = {"name": "fuzz", "builder": "smooth 2x5x5", "options": {"loss": "cross_entropy"},
                         "n_samples": 2, "seed": 0, "corrupted": False, "fast": False,
                         "entries_per_block": None}

    def build_model_case(rng):
        from npae.gradcheck.cases_conv import ModelCase
        return (lambda **kw: ModelCase(**kw).build()), dict(model_case_kwargs), []

    ENTRIES["npae.gradcheck.cases_conv.ModelCase"] = Entry(build_model_case, {
        "name": A("str"), "builder": A("choice"),
        "options": A("custom", names=("options",), extra=(
            ("int 3", 3, True), ("None", None, True), ("a list", [("loss", "cross_entropy")], True),
            ("an unknown key", {"colour": "red"}, True), ("a float32 dtype", {"dtype": np.float32}, True))),
        "n_samples": A("int", minimum=1), "seed": A("int", minimum=0), "corrupted": A("bool"), "fast": A("bool"),
        "entries_per_block": A("int", minimum=1, optional=True)})

    def build_model_case_run(rng):
        from npae.gradcheck.cases_conv import ModelCase
        return ModelCase(**model_case_kwargs).run, {}, []

    ENTRIES["npae.gradcheck.cases_conv.ModelCase.run"] = Entry(build_model_case_run, run_args)
    for cname in ("LayerCase", "ModelCase"):
        ENTRIES[f"npae.gradcheck.cases_conv.{cname}.build"] = Entry(
            lambda rng: (None, {}, []), {}, note=f"no arguments; covered by npae.gradcheck.cases_conv.{cname} "
                                                 "(the constructor's fields are checked, and build() runs there)")
    for name in ("layer_cases", "model_cases", "conv_cases"):
        none_entry(f"npae.gradcheck.cases_conv.{name}", "no arguments: the table of gradient checks")

    @entry("npae.gradcheck.cases_conv.adjoint_errors", {"seed": A("int", minimum=0)})
    def _(rng):
        from npae.gradcheck.cases_conv import adjoint_errors
        return adjoint_errors, {"seed": 1}, []


def _with_sentinels(build):
    """Wrap an entry's ``build`` so that string sentinels among the probed values ("__SHORT__", "__BAD_W__" ...)
    become values made from the valid call's own objects (a list one layer shorter, a misshapen parameter...):
    the table's mutations are made once, before any call, and cannot refer to them."""

    def wrapped(rng):
        function, kwargs, watched = build(rng)
        valid = dict(kwargs)

        def run(**kw):
            for key, value in list(kw.items()):
                if isinstance(value, str) and value.startswith("__") and value.endswith("__"):
                    kw[key] = _sentinel(value, valid.get(key))
            return function(**kw)
        return run, kwargs, watched

    return wrapped


def _sentinel(value, valid):
    from npae.core.conv import Conv2D
    from npae.core.pooling import UpSample2D
    if value == "__CONV_CLASS__":
        return Conv2D
    if value == "__MODEL__":
        from npae.models.autoencoder import Autoencoder
        return Autoencoder(4, 3, rng=np.random.default_rng(0))
    if value == "__SHORT__":
        return list(valid)[:-1]
    if value == "__LONG__":
        return list(valid) + [{}]
    if value == "__REVERSED__":
        return list(valid)[::-1]
    if value == "__FIRST_INT__":
        return [3] + list(valid)[1:]
    if value == "__BAD_W__":
        first = dict(valid[0])
        first["W"] = first["W"][..., :-1]
        return [first] + list(valid)[1:]
    first = dict(valid[0]) if value.endswith("_W__") or value in ("__EXTRA_KEY__", "__MISSING_B__") else None
    if value == "__EXTRA_KEY__":
        first["Z9"] = np.zeros(2)
    if value == "__MISSING_B__":
        del first["b"]
    if value == "__COMPLEX_W__":
        first["W"] = first["W"] + 1e-3j
    if value == "__INT_W__":
        first["W"] = first["W"].astype(np.int64)
    if value == "__LIST_W__":
        first["W"] = first["W"].tolist()
    if first is not None:
        return [first] + list(valid)[1:]
    if value == "__EMPTY_FIRST__":
        return [{}] + list(valid)[1:]
    if value == "__PARAM_FOR_POOL__":
        return list(valid)[:2] + [{"W": np.zeros((1, 1, 1, 1))}] + list(valid)[3:]
    if value == "__NO_LAST_CONV__":
        return list(valid)[:-1] + [UpSample2D()]
    if value == "__BAD_CHAIN__":
        return list(valid)[:-1] + [Conv2D(3, 1)]
    return value
