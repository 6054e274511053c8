"""Nebeneinander in headless Chromium, at desktop width (1400 px) and on a phone (390 px).

The 2×2 grid's unemployment rate (``alq``, %) is 5.0 / 10.0 / 15.0 / 20.0 in 2022 and
4.0 / 8.0 / 16.0 / 22.5 in 2023 (Nordwest, Nordost, Südwest, Südost). The change
2022 → 2023 is −1.0 / −2.0 / +1.0 / +2.5 percentage points. By default the change map's
five classes are symmetric steps at quantiles of the magnitudes 1, 1, 2, 2.5 (⅓: 1.0,
⅔: 2.0, largest 2.5): −2.5 … −2.0 … −1.0 … 1.0 … 2.0 … 2.5.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from waits import until

from geodash.web.app import create_app
from geodash.web.pages import map as map_page
from geodash.web.pages import side_by_side as page

pytestmark = pytest.mark.browser

LEFT, RIGHT = (page.graph_id(side) for side in page.SIDES)
# Centre, zoom and the area layers' state of one map, as the browser holds them.
MAP_JS = """
const id = arguments[0], key = arguments[1];
const map = window.gdSync && window.gdSync.leafletMap(id);
const el = document.getElementById(id);
if (!map || !el || el.dataset.gdLinked !== "1" || Number(el.dataset.gdPainted) < 1) { return null; }
const e = window.gdMap._maps[id], i = e.keys.indexOf(key), layer = e.layers[i];
const c = map.getCenter(), size = map.getSize(), px = map.project(c, map.getZoom());
const at = map.latLngToContainerPoint(layer.getBounds().getCenter());
const tip = layer.getTooltip();
return {lat: c.lat, lng: c.lng, x: px.x, y: px.y, zoom: map.getZoom(), painted: Number(el.dataset.gdPainted),
        weight: layer.options.weight, fill: layer.options.fillColor,
        tooltip: layer.isTooltipOpen() ? tip.getElement().textContent : "",
        dx: Math.round(at.x - size.x / 2), dy: Math.round(at.y - size.y / 2)};
"""


def state(dash_duo, graph: str, key: str = "04") -> dict:
    return until(lambda: dash_duo.driver.execute_script(MAP_JS, graph, key),
                 message=f"the map {graph} drew its areas and follows its twin")


def same_view(a: dict, b: dict) -> bool:
    """Same zoom, and centres less than a pixel apart (Leaflet rounds a map's origin to pixels)."""
    return a["zoom"] == b["zoom"] and abs(a["x"] - b["x"]) <= 1 and abs(a["y"] - b["y"]) <= 1


def open_side(dash_duo, dataset, width: int) -> None:
    dash_duo.start_server(create_app(dataset), navigate=False)
    if width < 500:  # a phone: Chromium's window cannot be that narrow, its viewport can
        dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        dash_duo.driver.set_window_size(width, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=alq&jahr=2023")
    dash_duo.wait_for_element(f"#{map_page.SIDE_LINK}")


def legend_labels(dash_duo, side: str) -> list[str]:
    return [e.text for e in dash_duo.find_elements(f"#{page.legend_id(side)} .gd-legend-label")]


def hover_left(dash_duo, key: str) -> dict:
    """Point at the area ``key`` on the left map until the right map highlights it; the right map."""
    leaflet = dash_duo.find_element(f"#{page.leaflet_id('links')}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", leaflet)

    def highlighted():
        left = state(dash_duo, LEFT, key)
        ActionChains(dash_duo.driver).move_to_element(leaflet).move_by_offset(
            left["dx"], left["dy"]).move_by_offset(2, 2).perform()
        right = dash_duo.driver.execute_script(MAP_JS, RIGHT, key)
        return right if right and right["weight"] == 3 and right["tooltip"] else None

    return until(highlighted, message=f"the right map highlights {key}")


@pytest.mark.parametrize("width", [1400, 390])
def test_two_maps_move_together_share_the_hover_and_show_the_change(dash_duo, grid_dataset, width):
    open_side(dash_duo, grid_dataset, width)
    driver = dash_duo.driver
    # From the map page's legend, with its indicator and year.
    link = dash_duo.find_element(f"#{map_page.SIDE_LINK}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    until(lambda: "/nebeneinander?ind=alq&jahr=2023" in driver.current_url)
    dash_duo.wait_for_contains_text(f"#{page.legend_id('links')} .gd-legend-title",
                                    "Arbeitslosenquote 2022")
    dash_duo.wait_for_contains_text(f"#{page.legend_id('rechts')} .gd-legend-title",
                                    "Arbeitslosenquote 2023")
    left, right = state(dash_duo, LEFT), state(dash_duo, RIGHT)
    assert same_view(left, right)

    # Hover Südost on the left: the right map highlights and names it, with its own value.
    twin = hover_left(dash_duo, "04")
    assert "Südost" in twin["tooltip"] and "22,5 %" in twin["tooltip"]  # 2023 on the right

    # Zoom in on the left map: the right one follows.
    button = dash_duo.find_element(f"#{page.leaflet_id('links')} .leaflet-control-zoom-in")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    until(lambda: state(dash_duo, LEFT)["zoom"] > left["zoom"], message="the left map zoomed in")
    until(lambda: same_view(state(dash_duo, LEFT), state(dash_duo, RIGHT)),
          message="the right map has the left one's centre and zoom")
    zoomed = state(dash_duo, LEFT)

    # Drag the left map: the right one pans with it.
    leaflet = dash_duo.find_element(f"#{page.leaflet_id('links')}")
    ActionChains(driver).move_to_element(leaflet).click_and_hold().move_by_offset(20, 10) \
        .move_by_offset(20, 10).move_by_offset(20, 10).release().perform()
    until(lambda: state(dash_duo, LEFT)["lng"] != zoomed["lng"], message="the left map moved")
    until(lambda: same_view(state(dash_duo, LEFT), state(dash_duo, RIGHT)),
          message="the right map panned with the left one")
    assert "/nebeneinander" in driver.current_url  # a drag is no click: no profile opened

    # The change since 2022, on a scale around 0, in percentage points.
    mode = dash_duo.find_element(f"#{page.MODE} input[value='differenz']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", mode)
    mode.click()
    until(lambda: "modus=differenz" in driver.current_url)
    legend = f"#{page.legend_id('rechts')}"
    dash_duo.wait_for_contains_text(f"{legend} .gd-legend-title",
                                    "Veränderung Arbeitslosenquote 2022 → 2023")
    dash_duo.wait_for_contains_text(f"{legend} .gd-legend-unit", "Einheit: Prozentpunkte")
    assert legend_labels(dash_duo, "rechts") == [
        "−2,5 – −2,0", "−2,0 – −1,0", "−1,0 – 1,0", "1,0 – 2,0", "2,0 – 2,5"]
    # Südost rose most (+2.5): the red end of the scale.
    until(lambda: state(dash_duo, RIGHT)["fill"] == "#ca0020", message="Südost is red")

    # A reload shows the same view, from the URL alone.
    driver.refresh()
    dash_duo.wait_for_contains_text(f"{legend} .gd-legend-title",
                                    "Veränderung Arbeitslosenquote 2022 → 2023")
    assert dash_duo.find_element(f"#{page.MODE} input[value='differenz']").is_selected()
    until(lambda: state(dash_duo, RIGHT)["fill"] == "#ca0020", message="Südost is red again")
    twin = hover_left(dash_duo, "04")
    assert "Südost" in twin["tooltip"] and "+2,5 Prozentpunkte" in twin["tooltip"]

    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    if width < 760:  # stacked, one above the other
        top = driver.execute_script(
            "return [document.getElementById(arguments[0]).getBoundingClientRect().bottom,"
            " document.getElementById(arguments[1]).getBoundingClientRect().top];", LEFT, RIGHT)
        assert top[1] >= top[0]
    assert dash_duo.get_logs() == []
