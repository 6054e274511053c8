"""OGC API – Features, read-only, under ``/ogcapi``: every layer for QGIS and the city's GDI.

The collections serve the layers of ``geodash export`` (:mod:`geodash.api.collections`),
their features are prepared once per Dataset (:mod:`geodash.api.features`), the
answers are computed without a web framework (:mod:`geodash.api.service`) and
served by a Flask blueprint on the Dash server (:mod:`geodash.api.blueprint`).
"""

from geodash.api.blueprint import PREFIX, register_ogcapi
from geodash.api.service import FeatureService

__all__ = ["PREFIX", "FeatureService", "register_ogcapi"]
