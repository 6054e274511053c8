"""Browser journeys through the map, the frame and the data page (headless Chromium).

The 2×2 grid has answers that can be checked by hand: in 2023 the
unemployment rate (``alq``, need) is 4.0 / 8.0 / 16.0 / 22.5 % in Nordwest,
Nordost, Südwest, Südost; ``kinder`` has no value for Nordost in 2023.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page

pytestmark = pytest.mark.browser

GRAPH = f"#{map_page.GRAPH} .js-plotly-plot"
LEGEND = f"#{map_page.LEGEND}"
# The district trace as the browser holds it (after every patch).
DISTRICTS_JS = f"""
const gd = document.querySelector('{GRAPH}');
if (!gd || !gd.data) {{ return null; }}
const t = gd.data[0];
return {{z: t.z, customdata: t.customdata, locations: t.locations,
         features: t.geojson.features.length}};
"""


def open_app(dash_duo, dataset, path: str = "/") -> None:
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")
    dash_duo.wait_for_element(GRAPH)


def districts(dash_duo) -> dict:
    until(lambda: dash_duo.driver.execute_script(DISTRICTS_JS) is not None, timeout=10)
    return dash_duo.driver.execute_script(DISTRICTS_JS)


def legend_counts(dash_duo) -> list[int]:
    counts = dash_duo.find_elements(f"{LEGEND} .gd-legend-count")
    return [int(c.text.split()[0]) for c in counts]


def choose_indicator(dash_duo, value: str) -> None:
    dash_duo.find_element(f"#{map_page.INDICATOR}").click()
    dash_duo.find_element(f".dash-dropdown-option:has(input[value='{value}'])").click()


def point_at(dash_duo, element, dx: int, dy: int) -> ActionChains:
    """Move the mouse to ``dx, dy`` pixels from the centre of ``element``."""
    return ActionChains(dash_duo.driver).move_to_element(element).move_by_offset(dx, dy)


def test_map_shows_every_district_with_a_legend(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset)
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    trace = districts(dash_duo)
    assert trace["features"] == 4 and sorted(trace["locations"]) == ["01", "02", "03", "04"]
    assert sum(legend_counts(dash_duo)) == 4
    # Südost has the highest rate: the darkest (last) class and rank 1.
    by_key = dict(zip(trace["locations"], trace["customdata"], strict=True))
    assert by_key["04"][2] == "Rang 1 von 4"
    assert max(trace["z"]) == trace["z"][trace["locations"].index("04")]
    assert dash_duo.get_logs() == []


def test_indicator_and_year_switch_patches_the_map_and_the_url(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset)
    driver = dash_duo.driver
    # Remember the geometry object: a patch keeps it, a new figure would replace it.
    driver.execute_script(f"window.gdGeometry = document.querySelector('{GRAPH}').data[0].geojson;")

    choose_indicator(dash_duo, "kinder")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2023")
    dash_duo.wait_for_contains_text(LEGEND, "keine Daten")
    until(lambda: "ind=kinder" in driver.current_url, timeout=5)
    trace = districts(dash_duo)
    assert trace["z"][trace["locations"].index("02")] == -1  # Nordost: no value in 2023
    assert sum(legend_counts(dash_duo)) == 4  # three classed + one without data

    thumb = dash_duo.find_element(f"#{map_page.YEAR} [role='slider']")
    thumb.send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2022")
    until(lambda: "jahr=2022" in driver.current_url, timeout=5)
    until(lambda: "keine Daten" not in dash_duo.find_element(LEGEND).text, timeout=5)
    assert driver.execute_script(
        f"return document.querySelector('{GRAPH}').data[0].geojson === window.gdGeometry;")

    # Back: the previous view (2023) again, in place.
    driver.back()
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2023")
    assert "jahr=2022" not in driver.current_url
    assert dash_duo.get_logs() == []


def test_hover_shows_name_value_and_rank(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023")
    graph = dash_duo.find_element(f"#{map_page.GRAPH}")
    dash_duo.wait_for_element(f"#{map_page.GRAPH} canvas")
    # The grid is centred in the map: up and left of the centre lies Nordwest.
    deadline = time.monotonic() + 10
    text = ""
    while time.monotonic() < deadline and "Rang" not in text:
        point_at(dash_duo, graph, -40, -40).perform()
        point_at(dash_duo, graph, -42, -42).perform()
        labels = dash_duo.find_elements(f"#{map_page.GRAPH} .hoverlayer .hovertext")
        text = labels[0].text if labels else ""
    assert "Nordwest" in text and "4,0 %" in text and "Rang 4 von 4" in text
    assert dash_duo.get_logs() == []


def test_click_on_a_district_opens_its_profile(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023")
    graph = dash_duo.find_element(f"#{map_page.GRAPH}")
    dash_duo.wait_for_element(f"#{map_page.GRAPH} canvas")
    until(lambda: dash_duo.driver.execute_script(
        f"return document.querySelector('{GRAPH}')._fullLayout !== undefined"), timeout=10)
    point_at(dash_duo, graph, 40, 40).click().perform()
    until(lambda: "/profil" in dash_duo.driver.current_url, timeout=10)
    assert "gebiete=04" in dash_duo.driver.current_url  # south-east of the centre
    assert "ind=alq" in dash_duo.driver.current_url
    dash_duo.wait_for_element(f"#{ids.NAV_LINK.format('profil')}.active")
    # Back to the map, as it was.
    dash_duo.driver.back()
    dash_duo.wait_for_element(f"#{ids.NAV_LINK.format('karte')}.active")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    assert dash_duo.get_logs() == []


def test_language_switch_and_shared_link(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=kinder&jahr=2022&klass=equal_interval&k=3")
    dash_duo.wait_for_contains_text(f"#{map_page.INDICATOR}", "Kinder")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2022")
    assert dash_duo.find_element(f"#{map_page.SCHEME} input[value='equal_interval']").is_selected()
    assert len(legend_counts(dash_duo)) == 3

    dash_duo.find_element(f"#{ids.LANG_LINK.format('en')}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_LINK.format('karte')}", "Map")
    dash_duo.wait_for_contains_text(LEGEND, "2 districts")
    assert "lang=en" in dash_duo.driver.current_url
    assert "ind=kinder" in dash_duo.driver.current_url
    dash_duo.wait_for_text_to_equal(f"#{map_page.SCHEME} label:nth-child(2)", "Equal intervals")
    # The navbar keeps the view on every page.
    href = dash_duo.find_element(f"#{ids.NAV_LINK.format('daten')}").get_attribute("href")
    assert "/daten?" in href and "lang=en" in href and "ind=kinder" in href
    assert dash_duo.get_logs() == []


def test_data_page_downloads_the_districts_as_geojson(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/")
    dash_duo.find_element(f"#{ids.NAV_LINK.format('daten')}").click()
    dash_duo.wait_for_contains_text(f"#{data_page.LAYERS_TABLE}", "grid.geojson")
    button = dash_duo.find_element(f"[id*='{data_page.DOWNLOAD_BUTTON}'][id*='districts-geojson']")
    button.click()
    target = Path(dash_duo.download_path) / "stadtteile_2023.geojson"
    until(lambda: target.exists() and target.stat().st_size > 0, timeout=15)
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 4
    names = {f["properties"]["name"] for f in collection["features"]}
    assert names == {"Nordwest", "Nordost", "Südwest", "Südost"}
    assert dash_duo.get_logs() == []


def test_demo_map_opens_with_every_district(dash_duo, demo_dataset):
    open_app(dash_duo, demo_dataset)
    dash_duo.wait_for_element(f"{LEGEND} .gd-legend-row")
    assert districts(dash_duo)["features"] == len(demo_dataset.areas)
    assert sum(legend_counts(dash_duo)) == len(demo_dataset.areas)
    assert dash_duo.get_logs() == []
