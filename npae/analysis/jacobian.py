"""The encoder's Jacobian ∂h/∂x, built explicitly — for analysis and for tests, never for training.

For one sigmoid layer h = σ(x W1 + b1) (x a row of shape (n_visible,), W1 of shape (n_visible, n_hidden)):

    J(x)[j, k] = ∂hⱼ/∂xₖ = σ'(zⱼ) W1[k, j] = hⱼ(1 - hⱼ) W1[k, j],   i.e.  J(x) = diag(h(1 - h)) W1ᵀ,

of shape (n_hidden, n_visible). The contractive penalty is ‖J(x)‖²_F averaged over samples
(:class:`npae.core.penalties.Contractive` computes it without building J); the tests compare the two, and
compare J with finite differences of ``model.encode``.

For a stack of encoder layers h⁽ˡ⁺¹⁾ = f(h⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾), the chain rule multiplies the layers'
Jacobians: J = J⁽ᴸ⁾ ⋯ J⁽²⁾ J⁽¹⁾ (:func:`stacked_encoder_jacobian`).

The forward passes are the model's own (:meth:`npae.models.autoencoder.Autoencoder.encoder_forward`,
:func:`npae.core.layers.dense_forward`), evaluated in float64. Every array is checked to be finite before
it reaches LAPACK (``numpy.linalg.svd`` does not return on an array holding inf with some OpenBLAS builds).
"""

import numpy as np

from npae.checks import as_real_array, check_sequence
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import dense_forward
from npae.models.autoencoder import Autoencoder
from npae.models.deep import DeepAutoencoder, StackedClassifier


def checked_autoencoder_params(model, params=None):
    """Check that ``model`` is a single-layer Autoencoder; return its checked parameters in float64.

    The helpers of :mod:`npae.analysis` that take a ``model`` use it.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    params : dict, optional
        Parameters to use instead of ``model.params``.

    Returns
    -------
    dict of str -> ndarray of float64, keyed like ``model.params`` (copies when converted).

    Raises
    ------
    TypeError
        If ``model`` is not an Autoencoder instance (None, a class, a number, a dict, a deep model), or
        ``params`` is not a dict; the message names ``model`` or ``params``.
    ValueError
        If ``params`` misses a key, has a wrong shape or holds NaN or inf.
    """
    if not isinstance(model, Autoencoder):
        if isinstance(model, type):
            got = f"the class {model.__name__} itself (pass an instance, e.g. {model.__name__}(...))"
        elif isinstance(model, (DeepAutoencoder, StackedClassifier)):
            got = (f"a {type(model).__name__}: this helper needs the single-layer Autoencoder; for a stack of "
                   "layers use npae.analysis.jacobian.stacked_encoder_jacobian")
        else:
            got = type(model).__name__
        raise TypeError(f"model must be an npae.models.autoencoder.Autoencoder, got {got}")
    params = check_params(model.params if params is None else params, model.param_shapes())
    return {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}


def _as_batch(X, n_visible):
    X = as_real_array("X", X, ndim=(1, 2), dtype=np.float64)
    single = X.ndim == 1
    X = X[None, :] if single else X
    if X.shape[1] != n_visible or X.shape[0] == 0:
        raise ValueError(f"X must have shape ({n_visible},) or (n_samples >= 1, {n_visible}), got {np.shape(X)}")
    return X, single


def encoder_jacobian(model, X, params=None):
    """The Jacobian ∂h/∂x of ``model``'s encoder at each row of X, built explicitly.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
        Any encoder (sigmoid: J = diag(h(1 - h)) W1ᵀ; ReLU: J = diag(1[z > 0]) W1ᵀ).
    X : array_like of shape (n_visible,) or (n_samples, n_visible)
        One point or a batch of points.
    params : dict, optional
        Parameters to use instead of ``model.params``.

    Returns
    -------
    J : ndarray of float64, shape (n_hidden, n_visible) for one point, (n_samples, n_hidden, n_visible)
        for a batch. Memory: n_samples · n_hidden · n_visible values — use batches of modest size.

    Raises
    ------
    TypeError
        If ``model`` is not a single-layer Autoencoder, or X is not numeric.
    ValueError
        If X has the wrong shape or non-finite values, or ``params`` is malformed.
    """
    params = checked_autoencoder_params(model, params)
    X, single = _as_batch(X, model.n_visible)
    J = _layer_jacobian(X, params["W1"], params["b1"], model.encoder)[1]
    return J[0] if single else J


def _layer_jacobian(A, W, b, activation):
    """One layer: its output f(A W + b) (m, n_out) and its Jacobian (m, n_out, n_in) = f'(z)[:, :, None] Wᵀ."""
    Z, H = dense_forward(A, W, b, activation)
    slope = activation.derivative(Z, H) * np.ones_like(Z)             # (m, n_out); ones for linear
    return H, slope[:, :, None] * W.T[None, :, :]


def stacked_encoder_jacobian(layers, X, activation="sigmoid"):
    """The Jacobian of a stack of encoder layers, by the chain rule J = J⁽ᴸ⁾ ⋯ J⁽¹⁾.

    Parameters
    ----------
    layers : sequence of (W, b)
        Each W of shape (n_in, n_out) and b of shape (n_out,), applied in order: h ← f(h W + b).
    X : array_like of shape (n_visible,) or (n_samples, n_visible)
    activation : str
        The layers' nonlinearity ("sigmoid", "relu" or "linear").

    Returns
    -------
    J : ndarray of float64, shape (n_hidden, n_visible) or (n_samples, n_hidden, n_visible).

    Raises
    ------
    ValueError
        If ``layers`` is empty, consecutive shapes do not match, or X is malformed.
    """
    layers = check_sequence("layers", layers, "(W, b) pairs")
    if not layers:
        raise ValueError("layers must hold at least one (W, b) pair")
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise TypeError(f"layers[{index}] must be a (W, b) pair, W of shape (n_in, n_out) and b of "
                            f"shape (n_out,), got {type(layer).__name__}")
    as_real_array("layers[0] W", layers[0][0], ndim=2)
    f = get_activation(activation)
    A, single = _as_batch(X, np.shape(layers[0][0])[0])
    J = None
    for index, (W, b) in enumerate(layers):
        W = as_real_array(f"layers[{index}] W", W, ndim=2, dtype=np.float64)
        b = as_real_array(f"layers[{index}] b", b, ndim=1, dtype=np.float64)
        if W.shape[0] != A.shape[1] or b.shape != (W.shape[1],):
            raise ValueError(f"layer {index}: W must be ({A.shape[1]}, n_out) with b (n_out,), "
                             f"got W {W.shape}, b {b.shape}")
        A, J_layer = _layer_jacobian(A, W, b, f)
        J = J_layer if J is None else J_layer @ J                      # chain rule, batched matmul
    return J[0] if single else J


def jacobian_svd(J):
    """Singular values and right-singular vectors of one Jacobian or a batch of them (``numpy.linalg.svd``).

    The right-singular vectors with the largest singular values are the input directions the code is
    most sensitive to: the tangents of the manifold the encoder has learned (Rifai et al. 2011).

    Parameters
    ----------
    J : ndarray of shape (n_hidden, n_visible) or (n_samples, n_hidden, n_visible)

    Returns
    -------
    singular_values : ndarray of shape (k,) or (n_samples, k), k = min(n_hidden, n_visible), descending
    right_vectors : ndarray of shape (k, n_visible) or (n_samples, k, n_visible); row i pairs with value i

    Raises
    ------
    ValueError
        If J is not 2-D or 3-D, or holds NaN or inf (refused before LAPACK, which may never return).
    TypeError
        If J is not a real numeric array.
    """
    J = as_real_array("J", J, ndim=(2, 3), dtype=np.float64)
    if J.size == 0:
        raise ValueError(f"J must be non-empty (n_hidden >= 1, n_visible >= 1), got shape {J.shape}")
    _, s, Vt = np.linalg.svd(J, full_matrices=False)
    return s, Vt


def reconstruction_jacobian(model, X, params=None):
    """The Jacobian ∂r/∂x of the whole autoencoder r(x) = g(f(x W1 + b1) W2 + b2), built explicitly.

    By the chain rule, for one sample (a row x; z1 = x W1 + b1, h = f(z1), z2 = h W2 + b2, r = g(z2)):

        J_r(x) = diag(g'(z2)) W2ᵀ diag(f'(z1)) W1ᵀ,

    of shape (n_visible, n_visible). With tied weights W2 = W1ᵀ. Alain & Bengio (2013), "What regularized
    auto-encoders learn from the data generating distribution", Section 3: the denoising criterion
    penalises σ² ‖J_r‖²_F for small Gaussian corruption σ (see :mod:`npae.analysis.manifold`).

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    X : array_like of shape (n_visible,) or (n_samples, n_visible)
    params : dict, optional
        Parameters to use instead of ``model.params``.

    Returns
    -------
    J : ndarray of float64, shape (n_visible, n_visible) for one point, (n_samples, n_visible, n_visible)
        for a batch (memory: n_samples · n_visible² values — batch accordingly).

    Raises
    ------
    TypeError
        If ``model`` is not a single-layer Autoencoder, or X is not numeric.
    ValueError
        If X has the wrong shape or non-finite values, or ``params`` is malformed.
    """
    params = checked_autoencoder_params(model, params)
    X, single = _as_batch(X, model.n_visible)
    H, J_h = _layer_jacobian(X, params["W1"], params["b1"], model.encoder)
    _, J_g = _layer_jacobian(H, model.decoder_weights(params), params["b2"], model.decoder)
    J = J_g @ J_h                                                      # (m, n_visible, n_visible)
    return J[0] if single else J
