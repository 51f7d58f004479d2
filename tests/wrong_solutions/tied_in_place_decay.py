# exercise: tied_weights
# status: failing
# says: `loss_and_grads` modified its argument `params` in place (`params['W1']`)
# says: Apart from that, your numbers are right
# never: wrong →
# never: Your numbers match none
# mistake: none
"""`grad = W1; grad *= λ` writes λW1 into params["W1"]; every number returned is right."""
import numpy as np
from scipy.special import expit


def loss_and_grads(params, X, weight_decay):
    W1, b1, b2 = params["W1"], params["b1"], params["b2"]
    m = X.shape[0]
    H = expit(X @ W1 + b1)
    X_hat = expit(H @ W1.T + b2)
    loss = 0.5 * np.sum((X_hat - X) ** 2) / m + 0.5 * weight_decay * np.sum(W1 ** 2)
    delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m
    delta2 = (delta3 @ W1) * H * (1 - H)
    grad_W1 = W1
    grad_W1 *= weight_decay
    grad_W1 += X.T @ delta2 + delta3.T @ H
    return loss, {"W1": grad_W1, "b1": delta2.sum(axis=0), "b2": delta3.sum(axis=0)}
