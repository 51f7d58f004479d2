# exercise: autoencoder_backprop
# status: failing
# time-limit: 1
# says: while your file was imported
# says-line: while n >= 0: n += 1
"""An infinite loop at the top level of the file."""
n = 0
while n >= 0: n += 1  # noqa: E701


def loss_and_grads(params, X):
    return 0.0, {}
