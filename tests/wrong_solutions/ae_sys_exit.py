# exercise: autoencoder_backprop
# status: failing
# says: called exit() or sys.exit()
# says-line: sys.exit("shapes do not match")
"""Ends the program instead of raising."""
import sys

import numpy as np
from scipy.special import expit


def loss_and_grads(params, X):
    H = expit(X @ params["W1"] + params["b1"])
    if H.shape[1] != params["W2"].shape[0] + 1:
        sys.exit("shapes do not match")
    return 0.0, {}
