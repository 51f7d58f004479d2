"""The performance layer: what makes npae fast without changing a single result.

A student can skip this package: the mathematics lives in :mod:`npae.core` and :mod:`npae.models`.
:mod:`npae.perf.autoencoder` runs the autoencoder's own pieces on blocks of rows on every core;
:mod:`npae.perf.parallel` splits the rows and limits BLAS's threads meanwhile. The trainers call
:func:`npae.perf.autoencoder.loss_and_grads`; the models never import this package.
"""

from npae.perf.autoencoder import loss, loss_and_grads  # noqa: E402  (the trainers' entry points)

__all__ = ["loss", "loss_and_grads"]
