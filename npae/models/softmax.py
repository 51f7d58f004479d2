"""Softmax regression with weight decay: the classifier on top of learned features (UFLDL "Softmax Regression").

Samples are rows; UFLDL's θ is our ``W.T``, and we add a bias ``b`` (not decayed, as every npae bias)::

    X (m, n_features)      Z = X W + b (m, n_classes), the logits      P = softmax(Z), P[i, k] = p(y = k | xᵢ)
    J = −(1/m) Σᵢ log P[i, yᵢ] + (λ/2) ‖W‖²_F
    δ = ∂J/∂Z = (1/m)(P − Y)      ∂J/∂W = Xᵀδ + λW = −(1/m) Xᵀ(Y − P) + λW      ∂J/∂b = Σᵢ δᵢ

with Y the one-hot labels. log P is computed as Z − log Σₖ exp Zₖ after subtracting each row's maximum (which
does not change P): every exponent is then ≤ 0, so logits of any size give finite values. Derivation: lesson 19.

The models check their arguments once, in their public methods, and then call :func:`_softmax`,
:func:`_log_softmax` and :func:`_softmax_cross_entropy`, which trust them (:class:`npae.models.deep.StackedClassifier`
uses the same loss). :func:`softmax`, :func:`log_softmax` and :func:`softmax_cross_entropy` are the same
functions for a caller's own arrays, checked.
"""

import numpy as np

from npae.checks import as_real_array, check_bool, check_data, check_float_dtype, check_int, check_real, check_rng
from npae.core.flat import check_params
from npae.core.layers import affine_backward, initial_softmax_weights


# ------------------------------------------------------------------ the mathematics (trusts its arguments)

def _log_softmax(Z):
    """log P = Z − log Σₖ exp Zₖ row by row, after the max shift; Z (m, n_classes) float, a new array."""
    shifted = Z - Z.max(axis=1, keepdims=True)               # the max shift: every exponent ≤ 0, the largest 0
    shifted -= np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return shifted


def _softmax(Z):
    """P = exp(Z − max) / Σₖ exp(Zₖ − max) row by row; Z (m, n_classes) float, a new array."""
    P = Z - Z.max(axis=1, keepdims=True)
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    return P


def _softmax_cross_entropy(Z, labels, inv_m):
    """J = −inv_m Σᵢ log P[i, yᵢ] and δ = ∂J/∂Z = inv_m (P − Y), from the logits Z (m, n_classes) and int64
    ``labels`` (m,). Returns (float, ndarray of Z's shape and dtype)."""
    rows = np.arange(Z.shape[0])
    log_P = _log_softmax(Z)                                   # log p(k | xᵢ)                   (m, n_classes)
    J = -inv_m * float(log_P[rows, labels].sum(dtype=np.float64))
    delta = np.exp(log_P)                                     # P
    delta[rows, labels] -= 1.0                                # P − Y
    delta *= inv_m                                            # δ = (1/m)(P − Y)
    return J, delta


# ------------------------------------------------------------------ the same functions, checked

def _check_logits(Z, name="Z"):
    """Z as a float array: real, 2-D (m >= 1, n_classes >= 1), finite (integers become float64)."""
    Z = as_real_array(name, Z, ndim=2, shape=(None, None))
    if Z.shape[0] == 0 or Z.shape[1] == 0:
        raise ValueError(f"{name} must have shape (m >= 1, n_classes >= 1), got {Z.shape}")
    return Z if Z.dtype.kind == "f" else Z.astype(np.float64)


def log_softmax(Z):
    """Row-wise log-softmax log P = Z − logsumexp(Z), stable for logits of any size (the max shift).

    Z (m, n_classes) real. Returns an array of Z's shape and dtype (float64 for integer Z), values ≤ 0. Raises
    TypeError/ValueError if Z is not a finite real 2-D array.
    """
    return _log_softmax(_check_logits(Z))


def softmax(Z):
    """Row-wise softmax P = exp(Z − max) / Σ exp(Z − max): probabilities, each row summing to 1.

    Z (m, n_classes) real. Returns an array of Z's shape and dtype (float64 for integer Z). Raises
    TypeError/ValueError if Z is not a finite real 2-D array.
    """
    return _softmax(_check_logits(Z))


def check_labels(y, n_classes, n_samples, name="y"):
    """Validate class labels (the check of every classifier's boundary) and return them as an int64 vector (m,).

    ``y``: (n_samples,) integers in [0, n_classes), or an (n_samples, n_classes) one-hot matrix of any numeric
    dtype (what :func:`npae.training.minibatch.train_minibatch` passes); ``n_samples`` the rows of the matching X;
    ``name`` the argument's name in the messages. Raises TypeError for non-integer labels (3.0 usually means the
    wrong array) or a non-numeric y; ValueError for a wrong shape, a label outside [0, n_classes), a row that is
    not one-hot, or ``n_classes``/``n_samples`` below 1.
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
    """The one-hot matrix Y (m, n_classes) of ``dtype`` of integer labels y (m,) ≥ 1 label: Y[i, yᵢ] = 1.

    Raises TypeError/ValueError as :func:`check_labels`, or for a dtype other than float64/float32.
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
    """Softmax cross-entropy −inv_m Σᵢ log P[i, yᵢ] from the logits, and its delta ∂/∂Z = inv_m (P − Y).

    Z (m, n_classes) real logits (any width larger than every label); ``labels`` (m,) integers in
    [0, n_classes) (or one-hot rows, :func:`check_labels`); ``inv_m`` > 0, the 1/m of the mean. Returns (value,
    delta of Z's shape). Raises TypeError/ValueError naming a bad argument.
    """
    Z = _check_logits(Z)
    labels = check_labels(labels, Z.shape[1], Z.shape[0], name="labels")
    inv_m = check_real("inv_m", inv_m, 0, open_minimum=True)
    return _softmax_cross_entropy(Z, labels, inv_m)


class Softmax:
    """Softmax regression (multinomial logistic regression) with weight decay on W (UFLDL ``softmaxCost``).

    ``n_features`` ≥ 1, ``n_classes`` ≥ 2; ``weight_decay`` λ ≥ 0 of (λ/2)‖W‖²_F (UFLDL: 1e-4; b is not decayed);
    ``rng`` draws W ~ 0.005·N(0, 1) (:func:`npae.core.layers.initial_softmax_weights`, UFLDL ``softmaxTrain.m``;
    None: a fresh generator); ``dtype`` float64 or float32. ``params``: ``W`` (n_features, n_classes), ``b``
    (n_classes,). Raises ValueError/TypeError naming a bad argument.
    """

    def __init__(self, n_features, n_classes, *, weight_decay=1e-4, rng=None, dtype=np.float64):
        self.n_features = check_int("n_features", n_features, 1)
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.weight_decay = check_real("weight_decay", weight_decay, 0)
        self.dtype = check_float_dtype(dtype)
        rng = check_rng(rng, none_means_fresh=True)
        self.params = {"W": initial_softmax_weights(rng, self.n_features, self.n_classes, self.dtype),
                       "b": np.zeros(self.n_classes, dtype=self.dtype)}

    def param_shapes(self):
        """{key: shape} of the parameters: ``W`` (n_features, n_classes), ``b`` (n_classes,)."""
        return {"W": (self.n_features, self.n_classes), "b": (self.n_classes,)}

    def config(self):
        """The constructor's arguments (except ``rng``) as plain values (:mod:`npae.serialize` stores them)."""
        return {"n_features": self.n_features, "n_classes": self.n_classes, "weight_decay": self.weight_decay,
                "dtype": self.dtype.name}

    def logits(self, X, params=None):
        """Z = X W + b: (m, n_classes). Raises ValueError/TypeError for a bad X (as check_data) or params."""
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_features, self.dtype)
        return X @ params["W"] + params["b"]

    def predict_proba(self, X, params=None):
        """p(y = k | x) for every row of X: (m, n_classes), rows summing to 1 (stable for large logits)."""
        return _softmax(self.logits(X, params))

    def predict(self, X, params=None):
        """The most probable class of every row of X: (m,) int64."""
        return np.argmax(self.logits(X, params), axis=1)

    def loss_and_grads(self, X, y, params=None, need_grads=True):
        """J = −(1/m) Σᵢ log p(yᵢ | xᵢ) + (λ/2)‖W‖²_F and its gradient (module docstring).

        X (m, n_features); ``y`` (m,) integer labels in [0, n_classes), or (m, n_classes) one-hot (what the
        minibatch trainer passes); ``params`` to evaluate at instead of ``self.params`` (nothing is mutated);
        ``need_grads`` False returns (J, None). Returns (J, {"W": (n_features, n_classes), "b": (n_classes,)}).
        Raises ValueError/TypeError for a bad X, y (:func:`check_labels`) or params.
        """
        params = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_features, self.dtype)
        labels = check_labels(y, self.n_classes, X.shape[0], name="y")
        need_grads = check_bool("need_grads", need_grads)
        W, b, lam = params["W"], params["b"], self.weight_decay
        Z = X @ W + b                                             # the logits Z = XW + b      (m, n_classes)
        # J = −(1/m) Σᵢ log P[i, yᵢ] (after the max shift) and δ = ∂J/∂Z = (1/m)(P − Y)        (m, n_classes)
        J, delta = _softmax_cross_entropy(Z, labels, 1.0 / X.shape[0])
        J += 0.5 * lam * float(np.vdot(W, W))                     # + (λ/2)‖W‖²_F; b is not decayed
        if not need_grads:
            return J, None
        dW, db, _ = affine_backward(delta, X, W, need_dA=False)   # ∂J/∂W = Xᵀδ = −(1/m)Xᵀ(Y − P), ∂J/∂b = Σᵢ δᵢ
        dW += lam * W                                             # + λW                       (n_features, n_classes)
        return J, {"W": dW, "b": db}

    def loss(self, X, y, params=None):
        """The loss J alone; arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, y, params, need_grads=False)[0]
