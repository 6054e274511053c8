"""Nebeneinander on Berlin's 448 planning areas, in headless Chromium.

Both maps draw from one download of the geometry; the change map (2016 → 2018, the
earlier year rebuilt from MSS's published changes) is in percentage points.
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.pages import side_by_side as page

pytestmark = pytest.mark.browser

DEADLINE = 120  # Berlin's coverage is computed before the app serves (see test_berlin_pages)
FEATURES_JS = """
return [...document.querySelectorAll('.gd-side-graph')].map(
    el => el.dataset.gdLinked === '1' && Number(el.dataset.gdPainted) >= 1
          ? Number(el.dataset.gdFeatures) : 0);
"""
GEOMETRY_GETS_JS = """
return performance.getEntriesByType('resource').filter(e => e.name.includes('/_geodash/areas.bin'))
    .length;
"""


def test_both_maps_draw_every_planning_area_from_one_geometry_download(dash_duo, today_workspace):
    berlin = build_dataset(load_catalog(today_workspace))
    dash_duo.start_server(create_app(berlin), navigate=False)
    dash_duo.driver.get(f"{dash_duo.server.url}{page.PATH}?modus=differenz")
    until(lambda: dash_duo.driver.execute_script(FEATURES_JS) == [448, 448], deadline=DEADLINE)
    assert dash_duo.driver.execute_script(GEOMETRY_GETS_JS) == 1
    legend = dash_duo.find_element(f"#{page.legend_id('rechts')}").text
    assert "2016 → 2018" in legend and "Einheit: Prozentpunkte" in legend
    assert "Klassen symmetrisch um 0" in legend
    assert dash_duo.get_logs() == []
