"""The models: the two-layer :class:`~npae.models.autoencoder.Autoencoder` (every single-layer variant),
deep stacks (:mod:`npae.models.deep`), softmax regression (:mod:`npae.models.softmax`) and predictive sparse
decomposition (:mod:`npae.models.psd`).

Each model computes its loss and gradients by hand from the core (:mod:`npae.core`); none imports
training, analysis, plotting, data loading or the performance layer.
"""
