"""Every configuration of the autoencoder, gradient-checked per block in float64 (``npae.gradcheck.cases``).

``python -m npae.gradcheck`` prints the same cases as a table."""

import numpy as np
import pytest

from npae.gradcheck import TOLERANCE, check_gradients
from npae.gradcheck.cases import Case, all_cases
from npae.core.penalties import KLSparsity


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_gradient_matches_finite_differences(case):
    result = case.run()
    assert result.passed(), f"{case.name}: per-block relative differences {result.per_block}"


def test_the_bar_catches_a_sparsity_delta_off_by_one_percent():
    """A gradient check that cannot fail proves nothing: break the KL delta by 1 % and watch it fail."""

    class WrongKL(KLSparsity):
        def __call__(self, params, H, inv_m):
            value, dOmega_dH, direct = super().__call__(params, H, inv_m)
            return value, dOmega_dH * 1.01, direct

    model, X, target, params, _ = Case("wrong kl", penalties="custom",
                                    custom_penalties=(WrongKL(rho=0.2, beta=3.0),)).build()
    result = check_gradients(lambda p: model.loss_and_grads(X, target, params=p), params)
    assert result.per_block["W1"] > 1e-6 and result.per_block["b1"] > 1e-6
    assert result.per_block["W2"] < TOLERANCE          # the decoder's gradient does not involve the KL term


def test_names_are_unique():
    names = [c.name for c in all_cases()]
    assert len(names) == len(set(names))
