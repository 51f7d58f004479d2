"""The fast path: what makes npae fast without changing a result. A student can skip this package.

The mathematics lives in :mod:`npae.core` and :mod:`npae.models`. :mod:`npae.perf.autoencoder` restates the
autoencoder's loss and gradients in a fused, blocked, threaded form, tested equal to the readable method;
:mod:`npae.perf.parallel` splits the rows between the cores and keeps BLAS to one thread meanwhile;
:mod:`npae.perf.conv_fast` does the same for the convolutional models. The trainers use the fast path for the
models it knows and call every other model's own method; the models never import this package.
"""

from npae.perf.autoencoder import knows, loss, loss_and_grads  # noqa: E402  (the public entry points)

__all__ = ["knows", "loss", "loss_and_grads"]
