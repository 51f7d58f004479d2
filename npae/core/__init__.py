"""The mathematical core: activations, losses, penalties, the affine layer's backward step, corruption,
and the parameter dict <-> vector θ map.

Everything here is a pure function of arrays (or a small object holding hyperparameters). It imports
nothing from the rest of npae except :mod:`npae.checks` and :mod:`npae.errors`: no models, training,
analysis, plotting, data loading or performance layer (``tests/test_import_graph.py`` checks it).
"""
