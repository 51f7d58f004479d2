"""Softmax regression with weight decay: the classifier on top of learned features (UFLDL "Softmax Regression").

Notation (samples are rows, as everywhere in npae; UFLDL's θ is our ``W.T`` and has no bias)::

    X      (m, n_features)          inputs, one sample per row
    Z = X @ W + b                   (m, n_classes)   the logits
    P = softmax(Z)                  (m, n_classes)   P[i, k] = p(y = k | xᵢ) = exp(Zᵢₖ) / Σⱼ exp(Zᵢⱼ)
    J = -(1/m) Σᵢ log P[i, yᵢ] + (λ/2) ‖W‖²_F

The gradient, derived by hand (UFLDL's ``softmaxCost.m`` with samples as rows): with Y the one-hot
matrix of the labels, ∂J/∂Z = (1/m) (P - Y) — the same "prediction minus target" form as the
Bernoulli cross-entropy — and then, by :func:`npae.core.layers.affine_backward`, ∂J/∂W = Xᵀ ∂J/∂Z + λ W,
∂J/∂b = Σᵢ ∂J/∂Zᵢ.

**The bias is not decayed.** UFLDL's softmax has no bias at all (its θ multiplies x directly); we add
one so that the classifier does not need a constant feature, and — as for every npae model
(``docs/notation.md``: biases are not decayed) — leave it out of the weight decay: decaying it
would pull the class priors towards uniform without making the decision boundaries any simpler.

Numerical stability: log P is computed as Z - logsumexp(Z) with the row maximum subtracted first
(softmax is unchanged by adding a constant to a row), so logits of any size give finite losses and
probabilities that sum to 1.

The same loss, :func:`softmax_cross_entropy`, is the top of :class:`npae.models.deep.StackedClassifier`.
"""

import numpy as np

from npae.checks import as_real_array, check_data, check_float_dtype, check_int, check_real, check_rng
from npae.core.flat import check_params
from npae.core.layers import affine_backward, initial_softmax_weights
from npae.core.penalties import WeightDecay


def _check_logits(Z, name="Z"):
    """Return logits ``Z`` as a float array after checking: real, 2-D (m, n_classes) with m ≥ 1, finite.

    One pass of min/max over the values (cheap beside the ``exp`` that follows). Integer logits become float64.
    """
    Z = as_real_array(name, Z, ndim=2, shape=(None, None))
    if Z.shape[0] == 0 or Z.shape[1] == 0:
        raise ValueError(f"{name} must have shape (m >= 1, n_classes >= 1), got {Z.shape}")
    return Z if Z.dtype.kind == "f" else Z.astype(np.float64)


def _shifted(Z):
    """Z - max over each row (a new array), after :func:`_check_logits`: softmax is unchanged by adding a
    constant to a row, and every exponent is then ≤ 0 (no overflow) with the largest exp(0) = 1."""
    Z = _check_logits(Z)
    return Z - Z.max(axis=1, keepdims=True)


def log_softmax(Z):
    """Row-wise log-softmax log P = Z - logsumexp(Z), stable for logits of any size.

    Subtracting the row maximum first makes every exponent ≤ 0, so ``exp`` never overflows, and the
    largest term of each row's sum is exp(0) = 1, so the log never sees 0.

    Parameters
    ----------
    Z : ndarray of shape (m, n_classes), float
        Logits.

    Returns
    -------
    ndarray of shape (m, n_classes), dtype of ``Z`` (float64 for integer logits): values ≤ 0; ``exp`` of
    each row sums to 1.

    Raises
    ------
    TypeError, ValueError
        If ``Z`` is not a real 2-D array of finite values (see :func:`_check_logits`).
    """
    shifted = _shifted(Z)
    shifted -= np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return shifted


def softmax(Z):
    """Row-wise softmax P = exp(Z - max) / Σ exp(Z - max): probabilities, each row summing to 1.

    Parameters
    ----------
    Z : ndarray of shape (m, n_classes), float

    Returns
    -------
    ndarray of shape (m, n_classes), dtype of ``Z`` (float64 for integer logits): values in [0, 1].

    Raises
    ------
    TypeError, ValueError
        If ``Z`` is not a real 2-D array of finite values (see :func:`_check_logits`).
    """
    P = _shifted(Z)
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    return P


def check_labels(y, n_classes, n_samples, name="y"):
    """Validate class labels and return them as an int64 vector.

    Two forms are accepted: a vector of integer labels, or a one-hot matrix (what
    :func:`npae.training.minibatch.train_minibatch` passes as ``target``, since it slices and casts 2-D targets).

    Parameters
    ----------
    y : array_like of shape (n_samples,) of integers in [0, n_classes), or (n_samples, n_classes) one-hot
        A one-hot matrix may be of any numeric dtype; each row must hold one 1 and zeros elsewhere.
    n_classes : int
    n_samples : int
        The number of rows of the matching X.
    name : str
        The argument's name, for the error messages.

    Returns
    -------
    ndarray of shape (n_samples,), int64.

    Raises
    ------
    TypeError
        If a label vector is not of an integer dtype (floats such as 3.0 are refused: they usually mean
        the wrong array was passed); if ``y`` is not numeric; if ``n_classes`` or ``n_samples`` is not an int.
    ValueError
        If ``n_classes`` or ``n_samples`` is below 1, if the shape does not match, a label lies outside [0, n_classes), or a row of a one-hot matrix
        is not one-hot.
    """
    n_classes = check_int("n_classes", n_classes, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    y = as_real_array(name, y, finite=False)
    if y.ndim == 2:
        if y.shape != (n_samples, n_classes):
            raise ValueError(f"{name} as a one-hot matrix must have shape ({n_samples}, {n_classes}), "
                             f"got {y.shape}")
        if not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
            raise ValueError(f"{name} as a 2-D array must be one-hot: one 1 per row, zeros elsewhere")
        return np.argmax(y, axis=1).astype(np.int64)
    if y.ndim != 1 or y.shape[0] != n_samples:
        raise ValueError(f"{name} must have shape ({n_samples},) (one label per row of X) or "
                         f"({n_samples}, {n_classes}) one-hot, got {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer labels in [0, {n_classes}), got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold labels in [0, {n_classes}), got values in "
                         f"[{y.min()}, {y.max()}]")
    return y.astype(np.int64)


def one_hot(y, n_classes, dtype=np.float64):
    """The one-hot matrix Y of integer labels: Y[i, yᵢ] = 1.

    Parameters
    ----------
    y : array_like of shape (m,), integers in [0, n_classes)
    n_classes : int
    dtype : {numpy.float64, numpy.float32}

    Returns
    -------
    ndarray of shape (m, n_classes) and ``dtype``.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_labels` (``y`` must be 1-D with m ≥ 1); for another ``dtype``
        (:func:`npae.checks.check_float_dtype`).
    """
    dtype = check_float_dtype(dtype)
    y = as_real_array("y", y, ndim=1, shape=(None,), finite=False)
    if y.shape[0] == 0:
        raise ValueError("y must hold at least one label, got an empty array")
    y = check_labels(y, n_classes, y.shape[0])
    Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def softmax_cross_entropy(Z, labels, inv_m):
    """Softmax cross-entropy -(1/m) Σᵢ log P[i, yᵢ] from the logits, and its delta ∂/∂Z = (1/m) (P - Y).

    Parameters
    ----------
    Z : ndarray of shape (m, n_classes), float
        Logits. Its width is the number of classes: any width larger than every label is valid.
    labels : ndarray of shape (m,), int64
        Checked labels (see :func:`check_labels`).
    inv_m : float
        1/m for the mean over the m samples.

    Returns
    -------
    value : float
    delta : ndarray of shape (m, n_classes), dtype of ``Z``
        ∂value/∂Z.

    Raises
    ------
    TypeError, ValueError
        If ``Z`` is not a finite real (m, n_classes) array, ``labels`` not m integer labels in
        [0, n_classes) (:func:`check_labels`), or ``inv_m`` not a finite number > 0.
    """
    Z = _check_logits(Z)
    labels = check_labels(labels, Z.shape[1], Z.shape[0], name="labels")
    inv_m = check_real("inv_m", inv_m, 0, open_minimum=True)
    rows = np.arange(Z.shape[0])
    log_p = log_softmax(Z)
    value = -inv_m * float(log_p[rows, labels].sum(dtype=np.float64))
    delta = np.exp(log_p)                                     # P
    delta[rows, labels] -= 1.0                                # P - Y
    delta *= inv_m                                            # the 1/m of the mean
    return value, delta


class Softmax:
    """Softmax regression (multinomial logistic regression) with weight decay on W (UFLDL softmaxCost).

    Parameters
    ----------
    n_features : int ≥ 1
    n_classes : int ≥ 2
    weight_decay : float ≥ 0
        λ of (λ/2)‖W‖²_F (UFLDL: 1e-4). The bias is not decayed (see the module docstring).
    rng : numpy.random.Generator, optional
        Draws the initial W ~ 0.005 · N(0, 1) (:func:`npae.core.layers.initial_softmax_weights`, UFLDL
        ``softmaxTrain.m``). None: a fresh unseeded generator.
    dtype : {numpy.float64, numpy.float32}

    Attributes
    ----------
    params : dict
        ``W`` (n_features, n_classes), ``b`` (n_classes,).

    Raises
    ------
    ValueError, TypeError
        For a non-positive size, fewer than 2 classes, a negative weight decay, another dtype.
    """

    def __init__(self, n_features, n_classes, *, weight_decay=1e-4, rng=None, dtype=np.float64):
        self.n_features = check_int("n_features", n_features, 1)
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.weight_decay = WeightDecay(weight_decay)
        self.dtype = check_float_dtype(dtype)
        rng = check_rng(rng, none_means_fresh=True)
        self.params = {"W": initial_softmax_weights(rng, self.n_features, self.n_classes, self.dtype),
                       "b": np.zeros(self.n_classes, dtype=self.dtype)}

    def param_shapes(self):
        """{key: shape} of the parameters: ``W`` (n_features, n_classes), ``b`` (n_classes,)."""
        return {"W": (self.n_features, self.n_classes), "b": (self.n_classes,)}

    def config(self):
        """The constructor's arguments (except ``rng``) as a dict of plain values; used to save a model
        (:mod:`npae.serialize`)."""
        return {"n_features": self.n_features, "n_classes": self.n_classes,
                "weight_decay": self.weight_decay.weight_decay, "dtype": self.dtype.name}

    def _checked(self, params):
        return check_params(self.params if params is None else params, self.param_shapes())

    def logits(self, X, params=None):
        """Z = X @ W + b, shape (m, n_classes). Raises ValueError/TypeError for a bad X (as check_data)."""
        params = self._checked(params)
        X = check_data(X, "X", self.n_features, self.dtype)
        return X @ params["W"] + params["b"]

    def predict_proba(self, X, params=None):
        """p(y = k | x) for every row of X: (m, n_classes), rows summing to 1 (stable for large logits)."""
        return softmax(self.logits(X, params))

    def predict(self, X, params=None):
        """The most probable class of every row of X: (m,) int64."""
        return np.argmax(self.logits(X, params), axis=1)

    def loss_and_grads(self, X, y, params=None):
        """J = -(1/m) Σᵢ log p(yᵢ | xᵢ) + (λ/2)‖W‖²_F and its gradient (module docstring).

        Parameters
        ----------
        X : array_like of shape (m, n_features)
        y : array_like of shape (m,) of integer labels in [0, n_classes), or (m, n_classes) one-hot
            The class labels. The trainers pass them as their ``target`` (positionally; the minibatch
            trainer as a one-hot matrix, since it slices and casts 2-D targets).
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
        grads : dict with ``W`` (n_features, n_classes) and ``b`` (n_classes,)

        Raises
        ------
        ValueError, TypeError
            For a bad ``X`` (shape, NaN) or ``y`` (see :func:`check_labels`), or bad ``params``.
        """
        return self._forward_backward(X, y, params, need_grads=True)

    def loss(self, X, y, params=None):
        """The loss J alone; arguments as :meth:`loss_and_grads`."""
        return self._forward_backward(X, y, params, need_grads=False)[0]

    def _forward_backward(self, X, y, params, need_grads):
        params = self._checked(params)
        X = check_data(X, "X", self.n_features, self.dtype)
        labels = check_labels(y, self.n_classes, X.shape[0], name="y")
        Z = X @ params["W"] + params["b"]
        value, delta = softmax_cross_entropy(Z, labels, 1.0 / X.shape[0])
        decay, _, direct = self.weight_decay(params, None, None)
        if not need_grads:
            return value + decay, None
        dW, db, _ = affine_backward(delta, X, params["W"], need_dA=False)
        dW += direct["W"]
        return value + decay, {"W": dW, "b": db}
