"""Student stubs, generated from :mod:`npae.exercises.solutions` by :mod:`npae.exercises.stubgen` (do not edit by hand)."""
