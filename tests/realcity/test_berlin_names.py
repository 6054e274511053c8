"""Berlin's 448 planning areas keep a readable map: names only where they fit, none over another.

At the opening section (the whole city in about 780 × 560 px) most planning
areas are a few dozen pixels wide: few names fit. Two zoom levels in, the
areas are four times as wide and more names fit; at no zoom do two overlap.
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure

pytestmark = pytest.mark.browser

DEADLINE = 120  # Berlin's app computes coverage before it serves (see test_berlin_pages)
SHOWN_JS = f"return window.gdNames ? window.gdNames.shown('{map_figure.GRAPH}') : [];"
PAINTED_JS = (f"const el = document.querySelector('#{map_figure.GRAPH}');"
              "return el ? Number(el.dataset.gdFeatures || 0) : 0;")


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [(a["name"], b["name"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"]
            and a["top"] < b["bottom"] and b["top"] < a["bottom"]]


@pytest.mark.parametrize("width", [1400, 390])
def test_berlin_names_fit_their_areas_and_never_overlap(dash_duo, today_workspace, width):
    berlin = build_dataset(load_catalog(today_workspace))
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.start_server(create_app(berlin), navigate=False)
    dash_duo.driver.get(dash_duo.server.url)
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) == 448, deadline=DEADLINE)
    until(lambda: dash_duo.find_element(f"#{map_figure.GRAPH}").get_attribute("data-gd-labels")
          is not None, deadline=DEADLINE)
    whole_city = dash_duo.driver.execute_script(SHOWN_JS)
    assert len(whole_city) < 448 / 4 and overlapping(whole_city) == []

    start = map_zoom(dash_duo)
    for level in (1, 2):
        dash_duo.find_element(".leaflet-control-zoom-in").click()
        # The URL follows once the zoom has ended (Leaflet drops a click during its animation).
        until(lambda level=level: f"zoom={start + level:g}&" in dash_duo.driver.current_url + "&")
    until(lambda: len(dash_duo.driver.execute_script(SHOWN_JS)) > len(whole_city))
    zoomed = dash_duo.driver.execute_script(SHOWN_JS)
    assert overlapping(zoomed) == []
    # Every name lies inside the map.
    frame = dash_duo.driver.execute_script(
        f"const r = document.querySelector('#{map_figure.GRAPH}').getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};")
    assert all(frame["left"] <= a["left"] and a["right"] <= frame["right"]
               and frame["top"] <= a["top"] and a["bottom"] <= frame["bottom"] for a in zoomed)
    assert dash_duo.get_logs() == []


def map_zoom(dash_duo) -> float:
    return dash_duo.driver.execute_script(
        f"return window.gdMap._maps['{map_figure.GRAPH}'].layers[0]._map.getZoom();")
