"""The named gradient checks of npae: every model configuration, on a small random problem.

The tests (``tests/test_gradients.py``) parametrise over :func:`all_cases`, and
``python -m npae.gradcheck`` prints the same list as a table, so the two can never disagree.

Each case follows UFLDL's advice for gradient checking (``train.m``): a tiny model (a handful of
visible and hidden units, about ten samples), float64, and each term first alone, then together.
The parameters are drawn *away from the initialisation* (normal, not the small uniform start, biases
non-zero), so that no unit sits at a special point where a wrong formula could still agree.
"""

from dataclasses import dataclass, field

import numpy as np

from npae import perf
from npae.core.corruption import masking
from npae.models.autoencoder import Autoencoder
from npae.core.penalties import Contractive, KLSparsity, L1Sparsity, WeightDecay
from npae.checks import check_choice, check_int
from . import check_gradients, check_method_and_step
from .cases_conv import conv_cases
from .cases_deep import deep_cases
from .cases_psd import psd_cases
from .cases_depth import depth_cases
from .cases_vae import vae_cases

#: Penalty sets by name; values chosen so that each term changes the gradient noticeably.
PENALTY_SETS = {
    "none": lambda: [],
    "weight_decay": lambda: [WeightDecay(0.03)],
    "kl": lambda: [KLSparsity(rho=0.2, beta=3.0)],
    "l1": lambda: [L1Sparsity(0.1)],
    "contractive": lambda: [Contractive(0.1)],
    "all": lambda: [WeightDecay(0.03), KLSparsity(rho=0.2, beta=3.0), L1Sparsity(0.1), Contractive(0.1)],
}


@dataclass(frozen=True)
class Case:
    """One gradient check: a model configuration, a problem size and a seed.

    Attributes
    ----------
    name : str
        Unique, readable name (used as the pytest id and in the printed table).
    model : dict
        Keyword arguments of :class:`~npae.models.autoencoder.Autoencoder` besides the sizes and penalties.
    penalties : str
        A key of ``PENALTY_SETS``; or ``"custom"`` with ``custom_penalties`` given.
    n_visible, n_hidden, n_samples : int
    corrupted : bool
        Check the denoising loss: the encoder sees a fixed masked copy x̃ (ν = 0.3), the loss compares
        with the clean x.
    seed : int
    fast : bool
        Check the fast path (:func:`npae.perf.loss_and_grads`, blocks of 300 rows) rather than the model's method.
    """

    name: str
    model: dict = field(default_factory=dict)
    penalties: str = "none"
    n_visible: int = 8
    n_hidden: int = 5
    n_samples: int = 10
    corrupted: bool = False
    seed: int = 0
    custom_penalties: tuple = ()
    code_noise: bool = False
    fast: bool = False

    def check(self):
        """Check the fields (build() calls this first); ValueError/TypeError naming the bad one."""
        check_choice("penalties", self.penalties, tuple(PENALTY_SETS) + ("custom",))
        check_int("n_visible", self.n_visible, 1)
        check_int("n_hidden", self.n_hidden, 1)
        check_int("n_samples", self.n_samples, 1)

    def build(self):
        """Make the model, the inputs, the target and the parameters to check at.

        Returns
        -------
        model : Autoencoder (float64)
        X_in : ndarray (n_samples, n_visible)    what the encoder sees (x̃ when corrupted)
        target : ndarray (n_samples, n_visible)  the clean x
        params : dict of float64 arrays, drawn away from the initialisation
        code_noise : ndarray (n_samples, n_hidden) or None   fixed noise at the code units' input
        """
        self.check()
        rng = np.random.default_rng(self.seed)
        penalties = list(self.custom_penalties) if self.penalties == "custom" else PENALTY_SETS[self.penalties]()
        model = Autoencoder(self.n_visible, self.n_hidden, penalties=penalties, rng=rng, **self.model)
        if model.decoder.name == "linear":
            X = rng.standard_normal((self.n_samples, self.n_visible))     # data not confined to [0, 1]
        else:
            X = rng.uniform(0.0, 1.0, (self.n_samples, self.n_visible))
        X_in = masking(X, 0.3, rng) if self.corrupted else X
        noise = rng.normal(0.0, 2.0, (self.n_samples, self.n_hidden)) if self.code_noise else None
        # Redraw until no encoder pre-activation is near a kink (|z| > 0.05, far beyond 2h|x|): the ReLU's,
        # or, for a linear code, that of the L1 penalty's |h| at h = z = 0.
        has_kink = model.encoder.name == "relu" or (
            model.encoder.name == "linear" and any(isinstance(p, L1Sparsity) for p in penalties))
        for _ in range(1000):
            params = {name: rng.normal(0.0, 0.6, value.shape) for name, value in model.params.items()}
            if not has_kink or np.abs(X_in @ params["W1"] + params["b1"]).min() > 0.05:
                break
        return model, X_in, X, params, noise

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck` (``method``, ``step`` as
        :func:`~npae.gradcheck.numerical_gradient`; ValueError/TypeError naming them if bad)."""
        method, step = check_method_and_step(method, step)
        model, X_in, target, params, noise = self.build()
        if self.fast:
            return check_gradients(lambda p: perf.loss_and_grads(model, X_in, target, params=p, code_noise=noise,
                                                                 block_size=300), params, method, step)
        return check_gradients(lambda p: model.loss_and_grads(X_in, target, params=p, code_noise=noise),
                               params, method, step)


def sparse_cases():
    """The sparse autoencoder (untied, sigmoid, squared error): each term alone, then together, three sizes."""
    cases = []
    for n_visible, n_hidden, n_samples, seed in ((8, 5, 10, 1), (6, 3, 7, 2), (12, 7, 15, 3)):
        for penalties in ("none", "weight_decay", "kl"):
            cases.append(Case(f"sparse {n_visible}-{n_hidden} x{n_samples} {penalties}", penalties=penalties,
                              n_visible=n_visible, n_hidden=n_hidden, n_samples=n_samples, seed=seed))
        ufldl = (WeightDecay(1e-4), KLSparsity(rho=0.01, beta=3.0))      # UFLDL's exercise values
        cases.append(Case(f"sparse {n_visible}-{n_hidden} x{n_samples} weight_decay+kl (UFLDL values)",
                          penalties="custom", custom_penalties=ufldl,
                          n_visible=n_visible, n_hidden=n_hidden, n_samples=n_samples, seed=seed))
    return cases


#: (loss, decoder) pairs: the Gaussian and Bernoulli decoders, and UFLDL's linear decoder.
OUTPUTS = (("squared_error", "sigmoid"), ("cross_entropy", "sigmoid"), ("squared_error", "linear"))


def matrix_cases():
    """Every single-layer configuration: loss × decoder × tied × penalty set × clean/corrupted input."""
    cases, seed = [], 100
    for loss, decoder in OUTPUTS:
        for tied in (False, True):
            for penalties in PENALTY_SETS:
                for corrupted in (False, True):
                    seed += 1
                    name = (f"{loss}/{decoder} {'tied' if tied else 'untied'} {penalties}"
                            f"{' corrupted' if corrupted else ''}")
                    cases.append(Case(name, model=dict(loss=loss, decoder=decoder, tied=tied),
                                      penalties=penalties, corrupted=corrupted, seed=seed))
    return cases


def relu_cases():
    """The ReLU encoder (checked away from its kink) with the penalties that do not assume a sigmoid code."""
    cases, seed = [], 500
    for loss, decoder in OUTPUTS:
        for tied in (False, True):
            for penalties in ("none", "weight_decay", "l1"):
                seed += 1
                name = f"relu encoder {loss}/{decoder} {'tied' if tied else 'untied'} {penalties}"
                cases.append(Case(name, model=dict(encoder="relu", loss=loss, decoder=decoder, tied=tied),
                                  penalties=penalties, seed=seed))
    return cases


def code_noise_cases():
    """Semantic hashing's fixed noise at the code units' input (Salakhutdinov & Hinton), tied and untied."""
    return [Case(f"code noise cross_entropy {'tied' if tied else 'untied'} weight_decay",
                 model=dict(loss="cross_entropy", tied=tied), penalties="weight_decay", code_noise=True,
                 seed=600 + tied) for tied in (False, True)]


def linear_encoder_cases():
    """The linear encoder H = X W1 + b1 (the linear autoencoder of Baldi & Hornik 1989), with every output
    and the penalties that do not assume a sigmoid code, tied and untied, clean and corrupted."""
    cases, seed = [], 700
    for loss, decoder in OUTPUTS:
        for tied in (False, True):
            for penalties in ("none", "weight_decay", "l1"):
                for corrupted in (False, True):
                    seed += 1
                    name = (f"linear encoder {loss}/{decoder} {'tied' if tied else 'untied'} {penalties}"
                            f"{' corrupted' if corrupted else ''}")
                    cases.append(Case(name, model=dict(encoder="linear", loss=loss, decoder=decoder, tied=tied),
                                      penalties=penalties, corrupted=corrupted, seed=seed))
    return cases


def chunked_cases():
    """The fast path (:mod:`npae.perf.autoencoder`) itself, on enough samples (1100) that its rows are split into
    one chunk per core and blocks of 300 rows inside them: every penalty at once, each output, tied and untied,
    with a denoising target and with code noise."""
    configurations = ((dict(loss="squared_error", tied=False), False, False),
                      (dict(loss="cross_entropy", tied=True), False, False),
                      (dict(loss="squared_error", decoder="linear", tied=True), True, False),
                      (dict(loss="cross_entropy", tied=False, reduction="mean"), False, True))
    return [Case(f"fast path {model['loss']}/{model.get('decoder', 'sigmoid')} {'tied' if model['tied'] else 'untied'}"
                 f"{' mean' if 'reduction' in model else ''} all{' corrupted' if corrupted else ''}"
                 f"{' code noise' if noise else ''} x1100",
                 model=model, penalties="all", n_visible=6, n_hidden=4, n_samples=1100, corrupted=corrupted,
                 code_noise=noise, fast=True, seed=800 + seed)
            for seed, (model, corrupted, noise) in enumerate(configurations)]


def all_cases():
    """Every case, in the order the table prints them."""
    return (sparse_cases() + matrix_cases() + relu_cases() + code_noise_cases() + linear_encoder_cases()
            + chunked_cases() + deep_cases() + psd_cases() + conv_cases() + vae_cases() + depth_cases())
