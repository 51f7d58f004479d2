"""Gradient checks of predictive sparse decomposition (:mod:`npae.models.psd`).

Three blocks of hand-derived gradients, each checked alone at parameters drawn away from the
initialisation (D with unit-norm rows as in training, W, b normal, gains g not all 1) and at a fixed code H
with exact zeros in it (as ISTA leaves them):

- ``dictionary``: the reconstruction term's gradient in D (γ = 0, so only D has a gradient worth checking);
- ``encoder``: the prediction term's gradient in g, W, b;
- ``all``: the whole energy in D, W, b, g together;
- ``code``: the smooth part's gradient in H, the one ISTA/FISTA step along.
"""

from dataclasses import dataclass

import numpy as np

from npae.models.psd import PSD, normalize_atoms, soft_threshold
from npae.checks import check_choice, check_int, check_real
from . import check_gradients, check_method_and_step


@dataclass(frozen=True)
class PSDCase:
    """One PSD gradient check.

    Attributes
    ----------
    name : str
    block : {"dictionary", "encoder", "all", "code"}
    n_visible, n_hidden, n_samples : int
    lam, gamma : float
    seed : int
    """

    name: str
    block: str = "all"
    n_visible: int = 8
    n_hidden: int = 6
    n_samples: int = 10
    lam: float = 0.3
    gamma: float = 0.7
    seed: int = 0

    def check(self):
        """Check the fields (build() calls this first); ValueError/TypeError naming the bad one."""
        check_choice("block", self.block, ("dictionary", "encoder", "all", "code"))
        check_int("n_visible", self.n_visible, 1)
        check_int("n_hidden", self.n_hidden, 1)
        check_real("lam", self.lam, 0)
        check_real("gamma", self.gamma, 0)
        check_int("n_samples", self.n_samples, 1)

    def build(self):
        """Model, data X (m, n_visible), fixed code H (m, n_hidden) with exact zeros, parameters (float64)."""
        self.check()
        rng = np.random.default_rng(self.seed)
        model = PSD(self.n_visible, self.n_hidden, lam=self.lam, gamma=self.gamma, rng=rng)
        X = rng.standard_normal((self.n_samples, self.n_visible))
        H = soft_threshold(rng.standard_normal((self.n_samples, self.n_hidden)), 0.5)
        params = {"D": normalize_atoms(rng.standard_normal((self.n_hidden, self.n_visible))),
                  "W": rng.normal(0.0, 0.6, (self.n_visible, self.n_hidden)),
                  "b": rng.normal(0.0, 0.6, self.n_hidden),
                  "g": rng.uniform(0.5, 2.0, self.n_hidden)}
        return model, X, H, params

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck` (``method``, ``step`` as
        :func:`~npae.gradcheck.numerical_gradient`; ValueError/TypeError naming them if bad)."""
        method, step = check_method_and_step(method, step)
        model, X, H, params = self.build()
        if self.block == "code":
            return check_gradients(lambda p: model.code_energy_and_grad(X, p["H"], params=params),
                                   {"H": H}, method, step)
        if self.block == "all":
            return check_gradients(lambda p: model.loss_and_grads(X, H, params=p), params, method, step)
        names = ("D",) if self.block == "dictionary" else ("W", "b", "g")

        def partial(sub):
            full = {**params, **sub}
            value, grads = model.loss_and_grads(X, H, params=full)
            return value, {k: grads[k] for k in names}

        return check_gradients(partial, {k: params[k] for k in names}, method, step)


def psd_cases():
    """Every PSD gradient-check case: each block alone, then together, at two sizes."""
    cases = []
    for n_visible, n_hidden, n_samples, seed in ((8, 6, 10, 700), (5, 9, 7, 710)):   # under- and overcomplete
        size = f"{n_visible}-{n_hidden} x{n_samples}"
        cases.append(PSDCase(f"psd {size} dictionary (gamma=0)", "dictionary", n_visible, n_hidden, n_samples,
                             gamma=0.0, seed=seed))
        for block in ("encoder", "all", "code"):
            seed += 1
            cases.append(PSDCase(f"psd {size} {block}", block, n_visible, n_hidden, n_samples, seed=seed))
    return cases
