# exercise: autoencoder_backprop
# status: failing
# says: Refused: an exercise is graded on your own code
# says: npae.exercises.solutions.autoencoder_backprop.loss_and_grads
# says-line: from npae.exercises.solutions.autoencoder_backprop import loss_and_grads
# never: PASSING
"""The one-line file of issue 25: the worked solution, imported."""
from npae.exercises.solutions.autoencoder_backprop import loss_and_grads  # noqa: F401
