# exercise: autoencoder_backprop
# status: failing
# says: Refused
# says: uses npae (line
# says: uses npae.Autoencoder (line
# never: PASSING
"""A wrapper around npae.Autoencoder(...).loss_and_grads."""
import numpy as np

import npae


def loss_and_grads(params, X):
    n_visible, n_hidden = params["W1"].shape
    model = npae.Autoencoder(n_visible, n_hidden, rng=np.random.default_rng(0))
    return model.loss_and_grads(X, params=params)
