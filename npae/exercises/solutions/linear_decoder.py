"""Exercise ``linear_decoder``: an autoencoder whose decoder is linear (UFLDL's "Linear decoders").

Lesson: ``lessons/05_undercomplete_and_pca.py``.

For inputs that are not in [0, 1] (whitened patches, PCA-reduced data) the output is left linear.
Shapes as ``autoencoder_backprop``::

    H = σ(X W1 + b1)          (m, n_hidden)
    X̂ = H W2 + b2             (m, n_visible)   no sigmoid at the output
    J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖² + (λ/2)(‖W1‖²_F + ‖W2‖²_F)

[guided]
The output's slope is 1, so the output delta loses its σ' factor::

    δ³ = (1/m)(X̂ − X)                     (not ∘ X̂(1 − X̂): there is no sigmoid to differentiate)
    ∂J/∂W2 = Hᵀ δ³ + λ W2,   ∂J/∂b2 = Σᵢ δ³ᵢ
    δ² = (δ³ W2ᵀ) ∘ H ∘ (1 − H)             the hidden layer is still a sigmoid
    ∂J/∂W1 = Xᵀ δ² + λ W1,   ∂J/∂b1 = Σᵢ δ²ᵢ
[derive]
Derive ∂J/∂W2, ∂J/∂b2, ∂J/∂W1 and ∂J/∂b1 on paper first: what changes, compared with a sigmoid
output, and what does not?
[end]

The grader uses data that is not in [0, 1].
"""

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, weight_decay):
    """Squared error of a sigmoid-encoder, linear-decoder autoencoder with weight decay, and its gradient.

    Parameters
    ----------
    params : dict
        ``W1`` (n_visible, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_visible), ``b2`` (n_visible,).
    X : ndarray of shape (m, n_visible), any real values
    weight_decay : float
        λ.

    Returns
    -------
    loss : float
    grads : dict of str -> ndarray, keyed and shaped like ``params``
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    # BEGIN SOLUTION
    # HINT: H = σ(X W1 + b1); X_hat = H W2 + b2 (linear); add (λ/2)(‖W1‖² + ‖W2‖²) to the mean squared error.
    # DERIVE: the forward pass (a linear output) and the loss J of the statement.
    H = expit(X @ W1 + b1)
    X_hat = H @ W2 + b2
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + 0.5 * weight_decay * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: δ³ = (1/m)(X_hat − X): the linear output has slope 1.
    # DERIVE: the error at the output, ∂J/∂Z2 (Z2 = H W2 + b2).
    delta3 = (X_hat - X) / m
    # END SOLUTION
    # BEGIN SOLUTION
    # HINT: the rest is the sigmoid autoencoder's backward pass, plus λW on each weight gradient.
    # DERIVE: the four gradients, keyed like params.
    delta2 = (delta3 @ W2.T) * H * (1 - H)
    grads = {"W1": X.T @ delta2 + weight_decay * W1, "b1": delta2.sum(axis=0),
             "W2": H.T @ delta3 + weight_decay * W2, "b2": delta3.sum(axis=0)}
    # END SOLUTION
    return loss, grads
