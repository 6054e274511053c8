"""The exported HTML map opened as a file in headless Chromium with the network switched off.

As an e-mail attachment opens: ``file://``, no server, no internet. The 2×2
grid has four areas; in 2023 ``alq`` is 4.0 / 8.0 / 16.0 / 22.5 % in
Nordwest, Nordost, Südwest, Südost.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from waits import until

from geodash.export.html_map import html_map
from geodash.web.state import ViewState

pytestmark = pytest.mark.browser


def offline(driver) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


@pytest.mark.parametrize(("lang", "zoom_in", "value"), [("de", "Vergrößern", "22,5 %"),
                                                        ("en", "Zoom in", "22.5 %")])
def test_html_map_draws_its_areas_offline_with_hover_legend_and_layers(dash_duo, grid_dataset,
                                                                       tmp_path, lang, zoom_in, value):
    state = ViewState(indicator="alq", year=2023, overlays=("sites", "zones"), lang=lang)
    page = tmp_path / "karte.html"
    page.write_text(html_map(grid_dataset, state), encoding="utf-8")
    driver = dash_duo.driver
    offline(driver)
    driver.get(page.as_uri())

    until(lambda: driver.find_element("tag name", "body").get_attribute("data-gd-areas") == "4")
    areas = driver.find_elements("css selector", "path.gd-area")
    assert len(areas) == 4
    assert len(driver.find_elements("css selector", "path.gd-zone")) == 1
    # The site outside the grid is still a site: four markers.
    assert len(driver.find_elements("css selector", "path.gd-site")) == 4

    # Hover over Südost (the bottom-right square), beside its site at the centre.
    south_east = driver.execute_script(
        "return Array.from(document.querySelectorAll('path.gd-area')).map(p => p.getBBox())"
        ".map(b => [b.x + b.width / 2, b.y + b.height / 2]);")
    index = max(range(4), key=lambda i: south_east[i][0] + south_east[i][1])
    ActionChains(driver).move_to_element(areas[index]).move_by_offset(25, 25).perform()
    until(lambda: driver.find_elements("css selector", ".leaflet-tooltip"))
    tooltip = driver.find_element("css selector", ".leaflet-tooltip").text
    assert tooltip.splitlines() == ["Südost", value]

    legend = driver.find_element("css selector", ".geodash-legend").text
    assert "2023" in legend and len(driver.find_elements("css selector", ".geodash-legend-row")) >= 4
    layers = driver.find_element("css selector", ".leaflet-control-layers").text
    assert "Quartiersmanagement" in layers or "Neighbourhood management" in layers
    assert driver.find_element("css selector", ".leaflet-control-zoom-in").get_attribute("title") == zoom_in
    # Nothing was fetched: every resource the page used is the file itself or inline data.
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    assert [url for url in fetched if not url.startswith(("data:", "file:"))] == []
    assert dash_duo.get_logs() == []
