"""Area display labels, re-exported: they live in :mod:`geodash.labels`, below the Dataset that shows them."""

from geodash.labels import area_labels, repeated_names

__all__ = ["area_labels", "repeated_names"]
