"""Gradient checks of the jointly trained deep contractive autoencoder (:mod:`npae.models.deep_contractive`).

Float64, a small problem, parameters drawn normal (biases non-zero), every block compared separately:
depths 1 to 3 with λ > 0 (a penalty on every encoder layer, whose error travels down by the same recurrence),
depths 1 and 2 with λ = 0 (the tied deep autoencoder alone). The standard deviation is 0.8, and 1.0 at depth 3,
as in :mod:`npae.gradcheck.cases_deep`. Without the penalties, six sigmoid layers shrink the first layer's
gradient so much that the finite difference's rounding error shows: the depth-3 λ = 0 case measured ``b1`` at
1.1e-9 with h = 1e-3, 4.4e-10 with h = 3e-3 and 3.1e-8 with h = 1e-4 (an error growing as 1/h is rounding), so
it is left to the tied deep autoencoder's own cases there.
"""

from dataclasses import dataclass

import numpy as np

from npae.checks import check_int, check_real, check_sequence
from npae.models.deep_contractive import DeepContractiveAutoencoder
from . import check_gradients, check_method_and_step


@dataclass(frozen=True)
class DeepContractiveCase:
    """One gradient check of :class:`~npae.models.deep_contractive.DeepContractiveAutoencoder`.

    Attributes
    ----------
    name : str
    sizes : tuple of int
    lam : float
    n_samples, seed : int
    std : float
        Standard deviation of the parameters drawn.
    """

    name: str
    sizes: tuple
    lam: float = 0.7
    n_samples: int = 9
    seed: int = 0
    std: float = 0.8

    def check(self):
        """Check the fields (build() calls this first); ValueError/TypeError naming the bad one."""
        for i, size in enumerate(check_sequence("sizes", self.sizes, "layer widths")):
            check_int(f"sizes[{i}]", size, 1)
        check_real("lam", self.lam, 0)
        check_int("n_samples", self.n_samples, 1)
        check_real("std", self.std, 0, open_minimum=True)

    def run(self, method="five_point", step=None):
        """The :class:`~npae.gradcheck.GradCheck` of this case (``method``, ``step`` as
        :func:`~npae.gradcheck.numerical_gradient`)."""
        method, step = check_method_and_step(method, step)
        self.check()
        rng = np.random.default_rng(self.seed)
        model = DeepContractiveAutoencoder(list(self.sizes), lam=self.lam, rng=rng)
        X = rng.uniform(0.0, 1.0, (self.n_samples, self.sizes[0]))
        params = {name: rng.normal(0.0, self.std, value.shape) for name, value in model.params.items()}
        return check_gradients(lambda p: model.loss_and_grads(X, params=p), params, method, step)


def depth_cases():
    """Every deep contractive case, in the order the table prints them."""
    cases = []
    for seed, sizes in enumerate(((6, 4), (7, 5, 3), (8, 6, 4, 3)), start=940):
        size = "-".join(map(str, sizes))
        std = 1.0 if len(sizes) > 3 else 0.8
        cases.append(DeepContractiveCase(f"deep contractive {size} tied lam=0.7", sizes, 0.7, seed=seed, std=std))
        if len(sizes) <= 3:
            cases.append(DeepContractiveCase(f"deep contractive {size} tied lam=0", sizes, 0.0, seed=seed + 10,
                                             std=std))
    return cases
