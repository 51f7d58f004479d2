"""The encoder's Jacobian ∂h/∂x, built explicitly — for analysis and for tests, never for training.

For one sigmoid layer h = σ(xᵀW1 + b1) (x a row, W1 of shape (n_visible, n_hidden)):

    J(x)[j, k] = ∂hⱼ/∂xₖ = σ'(zⱼ) W1[k, j] = hⱼ(1 - hⱼ) W1[k, j],   i.e.  J(x) = diag(h(1 - h)) W1ᵀ,

of shape (n_hidden, n_visible). The contractive penalty is ‖J(x)‖²_F averaged over samples
(:class:`npae.core.penalties.Contractive` computes it without building J); the tests compare the two, and
compare J with finite differences of ``model.encode``.

For a stack of encoder layers h⁽ˡ⁾ = f(h⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾), the chain rule multiplies the layers'
Jacobians: J = J⁽ᴸ⁾ ⋯ J⁽²⁾ J⁽¹⁾ (:func:`stacked_encoder_jacobian`).
"""

import numpy as np

from npae.core.activations import get_activation


def _as_batch(X, n_visible):
    X = np.asarray(X, dtype=np.float64)
    single = X.ndim == 1
    X = X[None, :] if single else X
    if X.ndim != 2 or X.shape[1] != n_visible:
        raise ValueError(f"X must have shape ({n_visible},) or (n_samples, {n_visible}), got {np.shape(X)}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or inf values")
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
    ValueError
        If X has the wrong shape or non-finite values.
    """
    params = model.params if params is None else params
    X, single = _as_batch(X, model.n_visible)
    W1 = np.asarray(params["W1"], dtype=np.float64)
    J = _layer_jacobian(X, W1, np.asarray(params["b1"], dtype=np.float64), model.encoder)[1]
    return J[0] if single else J


def _layer_jacobian(A, W, b, activation):
    """One layer: its output f(A W + b) (m, n_out) and its Jacobian (m, n_out, n_in) = f'(z)[:, :, None] Wᵀ."""
    Z = A @ W + b
    H = activation.forward(Z)
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
    J : ndarray of float64, shape (n_code, n_visible) or (n_samples, n_code, n_visible).

    Raises
    ------
    ValueError
        If ``layers`` is empty, consecutive shapes do not match, or X is malformed.
    """
    if not layers:
        raise ValueError("layers must hold at least one (W, b) pair")
    f = get_activation(activation)
    A, single = _as_batch(X, np.shape(layers[0][0])[0])
    J = None
    for index, (W, b) in enumerate(layers):
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
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
    J : ndarray of shape (n_code, n_visible) or (n_samples, n_code, n_visible)

    Returns
    -------
    singular_values : ndarray of shape (k,) or (n_samples, k), k = min(n_code, n_visible), descending
    right_vectors : ndarray of shape (k, n_visible) or (n_samples, k, n_visible); row i pairs with value i
    """
    J = np.asarray(J, dtype=np.float64)
    if J.ndim not in (2, 3):
        raise ValueError(f"J must be 2-D or 3-D, got shape {J.shape}")
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
    ValueError
        If X has the wrong shape or non-finite values.
    """
    params = model.params if params is None else params
    X, single = _as_batch(X, model.n_visible)
    W1 = np.asarray(params["W1"], dtype=np.float64)
    W2 = W1.T if model.tied else np.asarray(params["W2"], dtype=np.float64)
    H, J_h = _layer_jacobian(X, W1, np.asarray(params["b1"], dtype=np.float64), model.encoder)
    _, J_g = _layer_jacobian(H, W2, np.asarray(params["b2"], dtype=np.float64), model.decoder)
    J = J_g @ J_h                                                      # (m, n_visible, n_visible)
    return J[0] if single else J
