"""Anomaly detection by a score: the ROC curve and the area under it (AUC), in NumPy.

A detector flags x as anomalous when its score s(x) (here an autoencoder's reconstruction error) exceeds a
threshold t. Over all thresholds, the ROC curve plots the true-positive rate TPR(t) = P(s > t | anomaly)
against the false-positive rate FPR(t) = P(s > t | normal). Its area is the probability that a random
anomaly scores above a random normal point, ties counting one half (the Mann–Whitney U statistic divided
by n_normal · n_anomalous; Hanley & McNeil 1982): 1 separates perfectly, 0.5 is chance.
"""

import numpy as np
from scipy.stats import rankdata

from npae.checks import as_real_array, check_real

__all__ = ["roc_curve", "roc_auc", "threshold_at_rate"]


def _scores(name, scores):
    return as_real_array(name, scores, ndim=1, dtype=np.float64, nonempty=True)


def roc_curve(scores_normal, scores_anomalous):
    """The ROC curve of the rule "anomalous if score ≥ t" over every threshold t.

    Parameters
    ----------
    scores_normal, scores_anomalous : array_like of shape (n_normal,), (n_anomalous,)
        Finite scores, higher meaning more anomalous.

    Returns
    -------
    fpr, tpr : ndarrays of shape (n_thresholds + 1,)
        From (0, 0) (t above every score) to (1, 1) (t below every score), one point per distinct score;
        a tie between the two groups gives one diagonal segment. Its trapezoidal area is :func:`roc_auc`.
    thresholds : ndarray of shape (n_thresholds + 1,)
        The t of each point: +inf, then the distinct scores in decreasing order (the rule "score ≥ t").

    Raises
    ------
    ValueError, TypeError
        If either array is not a finite, non-empty 1-D numeric array.
    """
    normal, anomalous = _scores("scores_normal", scores_normal), _scores("scores_anomalous", scores_anomalous)
    thresholds = np.unique(np.concatenate([normal, anomalous]))[::-1]           # distinct, decreasing
    # counts of scores ≥ each threshold: searchsorted on the sorted scores
    fp = normal.size - np.searchsorted(np.sort(normal), thresholds, side="left")
    tp = anomalous.size - np.searchsorted(np.sort(anomalous), thresholds, side="left")
    fpr = np.concatenate([[0.0], fp / normal.size])
    tpr = np.concatenate([[0.0], tp / anomalous.size])
    return fpr, tpr, np.concatenate([[np.inf], thresholds])


def roc_auc(scores_normal, scores_anomalous):
    """The area under the ROC curve: P(anomalous score > normal score) + ½ P(equal), by ranks.

    Parameters
    ----------
    scores_normal, scores_anomalous : array_like of shape (n_normal,), (n_anomalous,)

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    ValueError, TypeError
        As :func:`roc_curve`.
    """
    normal, anomalous = _scores("scores_normal", scores_normal), _scores("scores_anomalous", scores_anomalous)
    ranks = rankdata(np.concatenate([normal, anomalous]))                       # ties get their mean rank
    n_n, n_a = normal.size, anomalous.size
    u = ranks[n_n:].sum() - n_a * (n_a + 1) / 2                                  # Mann–Whitney U of the anomalies
    return float(u / (n_n * n_a))


def threshold_at_rate(scores_normal, false_positive_rate):
    """The threshold t that flags (at most) a given fraction of normal points: their (1 − rate) quantile.

    Choose it on validation scores of normal data, then apply "anomalous if score > t" to the test set.

    Parameters
    ----------
    scores_normal : array_like of shape (n,)
    false_positive_rate : float in [0, 1]

    Returns
    -------
    float

    Raises
    ------
    ValueError, TypeError
        If the scores are not a finite non-empty 1-D array or the rate is outside [0, 1].
    """
    normal = _scores("scores_normal", scores_normal)
    rate = check_real("false_positive_rate", false_positive_rate, 0, 1)
    return float(np.quantile(normal, 1.0 - rate, method="higher"))
