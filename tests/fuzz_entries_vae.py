"""The entry points of lessons 32-35 in the bad-input table (``tests/fuzz_entry_points.py``, issue 15).

:func:`register` adds an :class:`Entry` for every public name of :mod:`npae.models.vae`,
:mod:`npae.models.deep_contractive`, :mod:`npae.training.variational`, :mod:`npae.analysis.likelihood`,
:mod:`npae.analysis.anomaly`, :mod:`npae.analysis.compression`, :mod:`npae.data.strokes`,
:mod:`npae.gradcheck.cases_vae` and :mod:`npae.gradcheck.cases_depth` to the table's ``ENTRIES``; it is called
by ``tests/fuzz_entry_points.py`` with that module itself, as ``tests/fuzz_entries_conv.py`` is.

Which values are bad: the VAE's kernels ``gaussian_kl`` and ``reparameterise`` run inside every
``loss_and_grads`` on arrays the model has checked, so they check kinds and shapes only (the ``KERNEL`` skip, as
the activations); everything else checks values too.
"""

import numpy as np


def register(F):
    """Add the entries to ``F.ENTRIES`` (``F``: the module ``tests/fuzz_entry_points.py``)."""
    A, Entry, ENTRIES, entry, none_entry = F.Arg, F.Entry, F.ENTRIES, F.entry, F.none_entry
    KERNEL, MODEL, PARAMS, X01, outside_unit = F.KERNEL, F.MODEL, F.PARAMS, F.X01, F.outside_unit

    def _vae(rng, **kw):
        from npae.models.vae import VAE
        return VAE(4, 3, n_units=5, rng=rng, **kw)

    def _dcae(rng):
        from npae.models.deep_contractive import DeepContractiveAutoencoder
        return DeepContractiveAutoencoder([4, 3, 2], lam=0.5, rng=rng)

    def eps(rng, m=6, k=3):
        return rng.standard_normal((m, k))

    # ---------------------------------------------------------------- npae.models.vae
    CODES = A("array", skip=KERNEL)

    @entry("npae.models.vae.gaussian_kl", {"MU": CODES, "LOGVAR": CODES})
    def _(rng):
        from npae.models.vae import gaussian_kl
        return gaussian_kl, {"MU": rng.standard_normal((6, 3)), "LOGVAR": rng.standard_normal((6, 3))}, []

    @entry("npae.models.vae.reparameterise", {"MU": CODES, "LOGVAR": CODES, "EPS": CODES})
    def _(rng):
        from npae.models.vae import reparameterise
        return reparameterise, {"MU": rng.standard_normal((6, 3)), "LOGVAR": rng.standard_normal((6, 3)),
                                "EPS": rng.standard_normal((6, 3))}, []

    none_entry("npae.models.vae.Posterior", "a record (mu, logvar) that VAE.encode returns: not an input")
    none_entry("npae.models.vae.ELBOTerms", "a record (reconstruction, kl) that VAE.elbo_terms returns: not an input")

    @entry("npae.models.vae.VAE", {
        "n_visible": A("int", minimum=1), "n_hidden": A("int", minimum=1), "n_units": A("int", minimum=1),
        "activation": A("choice"), "decoder": A("choice"), "decoder_std": A("real", minimum=0, open_minimum=True),
        "beta": A("real", minimum=0), "rng": A("rng", optional=True), "dtype": A("dtype"), "init": A("choice")})
    def _(rng):
        from npae.models.vae import VAE
        return VAE, {"n_visible": 4, "n_hidden": 3, "n_units": 5, "activation": "relu", "decoder": "gaussian",
                     "decoder_std": 0.5, "beta": 1.0, "rng": rng, "dtype": np.float64, "init": "glorot"}, []

    for method in ("param_shapes", "config"):
        def build(rng, method=method):
            model = _vae(rng)
            return getattr(model, method), {}, [model.params]
        ENTRIES[f"npae.models.vae.VAE.{method}"] = Entry(build, {}, note="no arguments")

    XUNIT = A("array", skip={"rows"}, extra=outside_unit((6, 4)))
    EPS = A("array", names=("eps",))

    def build_loss(rng, method):
        model = _vae(rng)
        return getattr(model, method), {"X": X01(rng), "eps": eps(rng)}, [model.params]

    for method in ("loss_and_grads", "loss", "elbo_terms"):
        args = {"X": XUNIT, "eps": EPS, "params": PARAMS}
        if method == "loss_and_grads":
            args["need_grads"] = A("bool")
        ENTRIES[f"npae.models.vae.VAE.{method}"] = Entry(lambda rng, method=method: build_loss(rng, method), args)

    @entry("npae.models.vae.VAE.encode", {"X": A("array", skip={"rows"}), "params": PARAMS})
    def _(rng):
        model = _vae(rng)
        return model.encode, {"X": X01(rng)}, [model.params]

    for method in ("decoder_output", "decode"):
        def build(rng, method=method):
            model = _vae(rng)
            return getattr(model, method), {"H": eps(rng)}, [model.params]
        ENTRIES[f"npae.models.vae.VAE.{method}"] = Entry(build, {"H": A("array", skip={"rows"}), "params": PARAMS})

    @entry("npae.models.vae.VAE.reconstruct", {"X": A("array", skip={"rows"}),
                                               "eps": A("array", optional=True, example=np.zeros((6, 3))),
                                               "params": PARAMS})
    def _(rng):
        model = _vae(rng)
        return model.reconstruct, {"X": X01(rng), "eps": eps(rng)}, [model.params]

    @entry("npae.models.vae.VAE.sample", {"n_samples": A("int", minimum=1), "rng": A("rng"), "params": PARAMS})
    def _(rng):
        model = _vae(rng)
        return model.sample, {"n_samples": 5, "rng": rng}, [model.params]

    # ---------------------------------------------------------------- npae.training.variational
    @entry("npae.training.variational.VAETrainer", {"model": A("model"), "rng": A("rng"),
                                                    "validation_seed": A("int", minimum=0)})
    def _(rng):
        from npae.training.variational import VAETrainer
        model = _vae(rng)
        return VAETrainer, {"model": model, "rng": rng, "validation_seed": 0}, [model.params]

    for method in ("loss_and_grads", "loss"):
        def build(rng, method=method):
            from npae.training.variational import VAETrainer
            model = _vae(rng)
            return getattr(VAETrainer(model, rng), method), {"X": X01(rng)}, [model.params]
        ENTRIES[f"npae.training.variational.VAETrainer.{method}"] = Entry(build, {
            "X": XUNIT, "params": PARAMS,
            "target": A("custom", optional=True, extra=(("another array than X", np.full((6, 4), 0.5), True),))})

    # ---------------------------------------------------------------- npae.analysis.likelihood
    @entry("npae.analysis.likelihood.importance_log_likelihood", {
        "model": A("model"), "X": XUNIT, "n_importance": A("int", minimum=1), "rng": A("rng")})
    def _(rng):
        from npae.analysis.likelihood import importance_log_likelihood
        model = _vae(rng)
        return importance_log_likelihood, {"model": model, "X": X01(rng), "n_importance": 3, "rng": rng}, \
            [model.params]

    @entry("npae.analysis.likelihood.active_units", {
        "model": A("model"), "X": A("array", skip={"rows"}, extra=(("one row", np.full((1, 4), 0.5), True),)),
        "threshold": A("real", minimum=0)})
    def _(rng):
        from npae.analysis.likelihood import active_units
        model = _vae(rng)
        return active_units, {"model": model, "X": X01(rng), "threshold": 0.01}, [model.params]

    # ---------------------------------------------------------------- npae.analysis.anomaly
    SCORES = A("array", skip={"rows"})
    for fname in ("roc_curve", "roc_auc"):
        def build(rng, fname=fname):
            import npae.analysis.anomaly as anomaly
            return getattr(anomaly, fname), {"scores_normal": rng.standard_normal(8),
                                             "scores_anomalous": rng.standard_normal(5) + 1}, []
        ENTRIES[f"npae.analysis.anomaly.{fname}"] = Entry(build, {"scores_normal": SCORES,
                                                                   "scores_anomalous": SCORES})

    @entry("npae.analysis.anomaly.threshold_at_rate", {"scores_normal": SCORES,
                                                       "false_positive_rate": A("real", minimum=0, maximum=1)})
    def _(rng):
        from npae.analysis.anomaly import threshold_at_rate
        return threshold_at_rate, {"scores_normal": rng.standard_normal(8), "false_positive_rate": 0.05}, []

    # ---------------------------------------------------------------- npae.analysis.compression
    @entry("npae.analysis.compression.quantise", {
        "C": A("array", skip={"rows", "width"}),
        "low": A("real", extra=(("above high", 2.0, True), ("an array of the wrong length", np.zeros(2), True))),
        "high": A("real", extra=(("equal to low", 0.0, True),)), "bits": A("int", minimum=1, maximum=24)})
    def _(rng):
        from npae.analysis.compression import quantise
        return quantise, {"C": X01(rng), "low": 0.0, "high": 1.0, "bits": 8}, []

    @entry("npae.analysis.compression.jpeg_roundtrip", {
        "X": A("array", skip={"rows", "width"}, extra=outside_unit((3, 16)) + (
            ("a width that is not rows · cols", np.full((3, 15), 0.5), True),)),
        "image_shape": A("custom", extra=(("None", None, True), ("one axis", (16,), True), ("a zero size", (4, 0), True),
                                          ("a string", "4, 4", True), ("floats", (4.0, 4.0), True))),
        "quality": A("int", minimum=1, maximum=95)})
    def _(rng):
        from npae.analysis.compression import jpeg_roundtrip
        return jpeg_roundtrip, {"X": rng.uniform(0, 1, (3, 16)), "image_shape": (4, 4), "quality": 50}, []

    # ---------------------------------------------------------------- npae.data.strokes
    @entry("npae.data.strokes.digit_strokes", {"n": A("int", minimum=1), "rng": A("rng"),
                                               "image_size": A("int", minimum=8)})
    def _(rng):
        from npae.data.strokes import digit_strokes
        return digit_strokes, {"n": 3, "rng": rng, "image_size": 12}, []

    # ---------------------------------------------------------------- npae.models.deep_contractive
    @entry("npae.models.deep_contractive.DeepContractiveAutoencoder", {
        "layer_sizes": A("seq", extra=(("one width", [4], True), ("a zero width", [4, 0], True),
                                       ("a float width", [4, 2.5], True))),
        "lam": A("real", minimum=0), "rng": A("rng", optional=True), "dtype": A("dtype"), "init": A("choice")})
    def _(rng):
        from npae.models.deep_contractive import DeepContractiveAutoencoder
        return DeepContractiveAutoencoder, {"layer_sizes": [4, 3, 2], "lam": 0.5, "rng": rng, "dtype": np.float64,
                                            "init": "glorot"}, []

    @entry("npae.models.deep_contractive.DeepContractiveAutoencoder.param_shapes", {}, note="no arguments")
    def _(rng):
        model = _dcae(rng)
        return model.param_shapes, {}, [model.params]

    @entry("npae.models.deep_contractive.DeepContractiveAutoencoder.encoder_layers", {"params": PARAMS})
    def _(rng):
        model = _dcae(rng)
        return model.encoder_layers, {}, [model.params]

    for method in ("encode", "logits", "reconstruct"):
        def build(rng, method=method):
            model = _dcae(rng)
            return getattr(model, method), {"X": X01(rng)}, [model.params]
        ENTRIES[f"npae.models.deep_contractive.DeepContractiveAutoencoder.{method}"] = Entry(build, {
            "X": A("array", skip={"rows"}), "params": PARAMS})

    for method in ("loss_and_grads", "loss"):
        def build(rng, method=method):
            model = _dcae(rng)
            return getattr(model, method), {"X": X01(rng)}, [model.params]
        ENTRIES[f"npae.models.deep_contractive.DeepContractiveAutoencoder.{method}"] = Entry(build, {
            "X": XUNIT, "params": PARAMS,
            "target": A("custom", optional=True, extra=(("another array than X", np.full((6, 4), 0.5), True),))})

    @entry("npae.models.deep_contractive.DeepContractiveAutoencoder.from_stack", {
        "models": A("seq", extra=(("an untied autoencoder", "__untied__", True),
                                  ("layers that do not chain", "__unchained__", True))),
        "lam": A("real", minimum=0), "dtype": A("dtype")})
    def _(rng):
        from npae.models.autoencoder import Autoencoder
        from npae.models.deep_contractive import DeepContractiveAutoencoder
        models = [Autoencoder(4, 3, tied=True, rng=rng), Autoencoder(3, 2, tied=True, rng=rng)]
        return (lambda models, **kw: DeepContractiveAutoencoder.from_stack(_stack(models, rng), **kw)), \
            {"models": models, "lam": 0.5, "dtype": np.float64}, [m.params for m in models]

    def _stack(models, rng):
        from npae.models.autoencoder import Autoencoder
        if isinstance(models, str) and models == "__untied__":
            return [Autoencoder(4, 3, rng=rng)]
        if isinstance(models, str) and models == "__unchained__":
            return [Autoencoder(3, 2, tied=True, rng=rng), Autoencoder(4, 3, tied=True, rng=rng)]
        return models

    # ---------------------------------------------------------------- npae.gradcheck.cases_vae / cases_depth
    @entry("npae.gradcheck.cases_vae.VAECase", {
        "decoder": A("choice"), "activation": A("choice"), "n_visible": A("int", minimum=1),
        "n_units": A("int", minimum=1), "n_hidden": A("int", minimum=1), "n_samples": A("int", minimum=1),
        "beta": A("real", minimum=0), "decoder_std": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck.cases_vae import VAECase
        return (lambda **kw: VAECase(**kw).build()), {"name": "fuzz", "decoder": "gaussian", "activation": "sigmoid",
                                                       "n_visible": 4, "n_units": 3, "n_hidden": 2, "n_samples": 5,
                                                       "beta": 1.0, "decoder_std": 0.5}, []

    @entry("npae.gradcheck.cases_depth.DeepContractiveCase", {
        "sizes": A("seq", extra=(("a zero width", (4, 0), True),)), "lam": A("real", minimum=0),
        "n_samples": A("int", minimum=1), "std": A("real", minimum=0, open_minimum=True)})
    def _(rng):
        from npae.gradcheck.cases_depth import DeepContractiveCase
        return (lambda **kw: DeepContractiveCase(**kw).run()), {"name": "fuzz", "sizes": (4, 3), "lam": 0.5,
                                                                 "n_samples": 4, "std": 0.8}, []

    for mod, cname in (("cases_vae", "VAECase"), ("cases_depth", "DeepContractiveCase")):
        def build_run(rng, mod=mod, cname=cname):
            import importlib
            module = importlib.import_module(f"npae.gradcheck.{mod}")
            case = getattr(module, cname)(name="fuzz") if cname == "VAECase" else \
                getattr(module, cname)(name="fuzz", sizes=(4, 3))
            return case.run, {}, []
        ENTRIES[f"npae.gradcheck.{mod}.{cname}.run"] = Entry(build_run, {
            "method": A("choice"), "step": A("real", optional=True, minimum=0, open_minimum=True)})
        none_entry(f"npae.gradcheck.{mod}.{cname}.check", F.CHECK_NOTE if hasattr(F, "CHECK_NOTE") else
                   "an argument check itself; probed through the constructor's entry")
    ENTRIES["npae.gradcheck.cases_vae.VAECase.build"] = Entry(
        lambda rng: (None, {}, []), {}, note="covered by npae.gradcheck.cases_vae.VAECase (the constructor's fields "
                                            "are checked when build() runs)")
    none_entry("npae.gradcheck.cases_vae.vae_cases", "no arguments: the table of gradient checks")
    none_entry("npae.gradcheck.cases_depth.depth_cases", "no arguments: the table of gradient checks")
