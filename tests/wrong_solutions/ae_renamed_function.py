# exercise: autoencoder_backprop
# status: failing
# says: Your file has no function `loss_and_grads`
# never: Your numbers match none
"""The function renamed."""
import numpy as np


def autoencoder_loss_and_grads(params, X):
    return 0.0, {k: np.zeros_like(v) for k, v in params.items()}
