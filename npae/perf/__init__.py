"""The performance layer: what makes npae fast without changing a single result.

A student can skip this package: the mathematics lives in :mod:`npae.core` and :mod:`npae.models`.
"""
