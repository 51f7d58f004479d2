"""Training: full-batch L-BFGS (SciPy), minibatch training with SGD/momentum, Adam and Adadelta, greedy
layer-wise pretraining, and PSD's alternating inference/learning loop.

Trainers call a model's ``loss_and_grads``; they never hold mathematics of their own.
"""
