"""The page registry: every page module of the dashboard, in navbar order.

Each page module exposes

- ``PATH``: its URL path (``"/"``, ``"/profil"``, …);
- ``NAME``: ``{"de": …, "en": …}``, its label in the navbar;
- ``layout(dataset, state) -> component``: the page for one view, a pure function;
- ``register_callbacks(app, dataset) -> None``: its callbacks, on that app;
- optionally ``LIVE_PARAMS``: query parameters the page updates in place by
  its own callbacks (listening to ``ids.URL`` ``search``); a change of any
  other parameter makes the frame build the page again from the URL.
"""

from __future__ import annotations

from geodash.web.pages import compare, coverage, data, handlungsbedarf, profile, side_by_side
from geodash.web.pages import map as map_page

PAGES = [map_page, handlungsbedarf, side_by_side, profile, compare, coverage, data]

__all__ = ["PAGES"]
