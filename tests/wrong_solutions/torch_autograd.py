# exercise: softmax_delta
# status: failing
# says: Refused
# says: imports torch, which differentiates automatically
# never: PASSING
"""Automatic differentiation instead of a derivation."""
import numpy as np
import torch


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_jacobian(z):
    return torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(z)).numpy()


def softmax_cross_entropy(Z, y):
    t = torch.tensor(Z, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(t, torch.tensor(y))
    loss.backward()
    return float(loss), t.grad.numpy()
