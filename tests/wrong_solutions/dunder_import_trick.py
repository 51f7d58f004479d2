# exercise: autoencoder_backprop
# status: failing
# says: Refused
# says: imports or runs code by name (__import__)
# never: PASSING
"""__import__ of the models."""


def loss_and_grads(params, X):
    module = __import__("npae.models.autoencoder", fromlist=["Autoencoder"])
    n_visible, n_hidden = params["W1"].shape
    return module.Autoencoder(n_visible, n_hidden).loss_and_grads(X, params=params)
