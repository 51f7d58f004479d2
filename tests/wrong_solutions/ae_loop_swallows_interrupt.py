# exercise: autoencoder_backprop
# status: failing
# time-limit: 1
# says: Your code did not finish within 1 s
# says: it did not respond to the interrupt
"""An infinite loop that catches every exception, the time limit's too: the child process is ended."""


def loss_and_grads(params, X):
    while True:
        try:
            sum(range(1000))
        except BaseException:
            pass
