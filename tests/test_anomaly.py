"""ROC curves and their area: the rank formula equals the trapezoidal area, and the edge cases by hand."""

import numpy as np
import pytest

from npae.analysis.anomaly import roc_auc, roc_curve, threshold_at_rate


def trapezoid_area(fpr, tpr):
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


@pytest.mark.parametrize("seed", range(5))
def test_the_rank_formula_is_the_area_under_the_curve_with_ties(seed):
    rng = np.random.default_rng(seed)
    normal = rng.integers(0, 6, 40).astype(float)              # many ties, within and across the groups
    anomalous = rng.integers(2, 9, 25).astype(float)
    fpr, tpr, thresholds = roc_curve(normal, anomalous)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0) and thresholds[0] == np.inf
    assert roc_auc(normal, anomalous) == pytest.approx(trapezoid_area(fpr, tpr), abs=1e-12)
    pairs = np.mean(anomalous[:, None] > normal[None, :]) + 0.5 * np.mean(anomalous[:, None] == normal[None, :])
    assert roc_auc(normal, anomalous) == pytest.approx(pairs, abs=1e-12)


def test_against_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is in the lessons extra")
    rng = np.random.default_rng(7)
    normal, anomalous = rng.normal(0, 1, 300), rng.normal(0.8, 1.3, 200)
    labels = np.r_[np.zeros(300), np.ones(200)]
    scores = np.r_[normal, anomalous]
    assert roc_auc(normal, anomalous) == pytest.approx(metrics.roc_auc_score(labels, scores), abs=1e-12)
    fpr, tpr, _ = roc_curve(normal, anomalous)
    fpr_sk, tpr_sk, _ = metrics.roc_curve(labels, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, fpr_sk)
    np.testing.assert_allclose(tpr, tpr_sk)


def test_edge_cases_by_hand():
    assert roc_auc([0, 1, 2], [3, 4]) == 1.0
    assert roc_auc([3, 4], [0, 1, 2]) == 0.0
    assert roc_auc([1, 1], [1, 1, 1]) == 0.5
    fpr, tpr, thresholds = roc_curve([1.0], [1.0])
    np.testing.assert_array_equal(fpr, [0, 1])
    np.testing.assert_array_equal(tpr, [0, 1])


def test_threshold_at_rate_flags_at_most_that_fraction_of_normal_points():
    normal = np.random.default_rng(8).normal(size=1000)
    for rate in (0.0, 0.01, 0.05, 0.5, 1.0):
        t = threshold_at_rate(normal, rate)
        assert np.mean(normal > t) <= rate
    assert threshold_at_rate(normal, 0.0) == normal.max()


def test_bad_input():
    with pytest.raises(ValueError, match="scores_normal"):
        roc_auc([], [1.0])
    with pytest.raises(ValueError, match="scores_anomalous"):
        roc_curve([1.0], [np.nan])
    with pytest.raises(ValueError, match="false_positive_rate"):
        threshold_at_rate([1.0, 2.0], 1.5)
