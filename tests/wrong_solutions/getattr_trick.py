# exercise: sparse_autoencoder_cost
# status: failing
# says: Refused
# says: uses npae (line
# never: PASSING
"""An allowed import (npae.core.flat) used to reach the models through the package object."""
import numpy as np

import npae.core.flat


def parameter_template(visible_size, hidden_size):
    return {"W1": np.empty((visible_size, hidden_size)), "b1": np.empty(hidden_size),
            "W2": np.empty((hidden_size, visible_size)), "b2": np.empty(visible_size)}


def sparse_autoencoder_loss(params, X, weight_decay=1e-4, rho=0.01, beta=3.0):
    package = npae
    models = getattr(package, "models")
    n_visible, n_hidden = params["W1"].shape
    penalties = getattr(package, "WeightDecay")(weight_decay), getattr(package, "KLSparsity")(rho, beta)
    model = models.autoencoder.Autoencoder(n_visible, n_hidden, penalties=list(penalties))
    return model.loss_and_grads(X, params=params)


def sparse_autoencoder_cost(theta, visible_size, hidden_size, weight_decay, rho, beta, data):
    params = npae.core.flat.unflatten(theta, parameter_template(visible_size, hidden_size))
    cost, grads = sparse_autoencoder_loss(params, data, weight_decay, rho, beta)
    return cost, npae.core.flat.flatten(grads)
