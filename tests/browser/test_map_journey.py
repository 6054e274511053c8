"""Browser journeys through the map, the frame and the data page (headless Chromium).

The 2×2 grid has answers that can be checked by hand: in 2023 the
unemployment rate (``alq``, need) is 4.0 / 8.0 / 16.0 / 22.5 % in Nordwest,
Nordost, Südwest, Südost; ``kinder`` has no value for Nordost in 2023.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import DEADLINE, until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.figures.palettes import MISSING_COLOR
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page

pytestmark = pytest.mark.browser

GRAPH = f"#{map_figure.GRAPH}"
LEGEND = f"#{map_page.LEGEND}"
# The areas as the browser holds them: Leaflet layers in feature order, and the view.
AREAS_JS = f"""
const e = window.gdMap && window.gdMap._maps['{map_figure.GRAPH}'];
const el = document.querySelector('{GRAPH}');
if (!e || !e.view || !el || Number(el.dataset.gdPainted) < 1) {{ return null; }}
return {{keys: e.keys, colors: e.layers.map(l => l.options.fillColor),
         hover: e.layers.map((l, i) => window.gdMap.hoverText('{map_figure.GRAPH}', i)),
         painted: Number(el.dataset.gdPainted), features: Number(el.dataset.gdFeatures)}};
"""


def open_app(dash_duo, dataset, path: str = "/") -> None:
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")
    dash_duo.wait_for_element(GRAPH)


def districts(dash_duo, painted: int = 1) -> dict:
    """The areas once the map has completed ``painted`` paints."""
    def ready():
        state = dash_duo.driver.execute_script(AREAS_JS)
        return state if state is not None and state["painted"] >= painted else None
    until(ready)
    return dash_duo.driver.execute_script(AREAS_JS)


def by_key(trace: dict, field: str) -> dict:
    return dict(zip(trace["keys"], trace[field], strict=True))


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
    assert trace["features"] == 4 and sorted(trace["keys"]) == ["01", "02", "03", "04"]
    assert sum(legend_counts(dash_duo)) == 4
    # Südost has the highest rate (22,5 %): the darkest (last) class and rank 1.
    hover = by_key(trace, "hover")
    assert hover["04"] == "<b>Südost</b><br>22,5 %<br>Rang 1 von 4"
    assert hover["01"] == "<b>Nordwest</b><br>4,0 %<br>Rang 4 von 4"
    swatches = dash_duo.find_elements(f"{LEGEND} .gd-swatch")
    darkest = swatches[-1].value_of_css_property("background-color")
    assert by_key(trace, "colors")["04"].lower() == rgb_to_hex(darkest)
    assert dash_duo.get_logs() == []


def rgb_to_hex(css: str) -> str:
    """``rgba(8, 48, 107, 1)`` → ``#08306b``."""
    parts = css[css.index("(") + 1:css.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(p):02x}" for p in parts)


def test_indicator_and_year_switch_recolours_the_areas_in_place(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset)
    driver = dash_duo.driver
    first = districts(dash_duo)
    # Remember the layer objects: a recolour keeps them, a rebuild would replace them.
    driver.execute_script(
        f"window.gdLayers = window.gdMap._maps['{map_figure.GRAPH}'].layers.slice();")

    choose_indicator(dash_duo, "kinder")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2023")
    dash_duo.wait_for_contains_text(LEGEND, "keine Daten")
    until(lambda: "ind=kinder" in driver.current_url)
    trace = districts(dash_duo, first["painted"] + 1)
    assert "keine Daten" in by_key(trace, "hover")["02"]  # Nordost: no value in 2023
    assert by_key(trace, "colors")["02"].lower() == MISSING_COLOR.lower()
    assert sum(legend_counts(dash_duo)) == 4  # three classed + one without data

    thumb = dash_duo.find_element(f"#{map_page.YEAR} [role='slider']")
    thumb.send_keys(Keys.ARROW_LEFT)
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2022")
    until(lambda: "jahr=2022" in driver.current_url)
    until(lambda: "keine Daten" not in dash_duo.find_element(LEGEND).text)
    assert driver.execute_script(
        f"const now = window.gdMap._maps['{map_figure.GRAPH}'].layers;"
        "return now.length === window.gdLayers.length"
        " && now.every((l, i) => l === window.gdLayers[i]);")

    # Back: the previous view (2023) again, in place.
    driver.back()
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Kinder 2023")
    assert "jahr=2022" not in driver.current_url
    assert dash_duo.get_logs() == []


def hover_text(dash_duo, graph, dx: int, dy: int, wanted: str) -> str:
    """Move over the map until a tooltip containing ``wanted`` shows; its text."""
    deadline = time.monotonic() + DEADLINE
    text = ""
    while time.monotonic() < deadline and wanted not in text:
        point_at(dash_duo, graph, dx, dy).perform()
        point_at(dash_duo, graph, dx - 2, dy - 2).perform()
        labels = dash_duo.find_elements(".leaflet-tooltip")
        text = labels[0].text if labels else ""
    return text


def test_hover_shows_name_value_and_rank(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023")
    districts(dash_duo)
    graph = dash_duo.find_element(GRAPH)
    # The grid is centred in the map: up and left of the centre lies Nordwest.
    text = hover_text(dash_duo, graph, -40, -40, "Rang")
    assert "Nordwest" in text and "4,0 %" in text and "Rang 4 von 4" in text
    assert dash_duo.get_logs() == []


def test_hover_in_english_formats_the_number_the_english_way(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023&lang=en")
    trace = districts(dash_duo)
    assert by_key(trace, "hover")["04"] == "<b>Südost</b><br>22.5 %<br>Rank 1 of 4"
    assert dash_duo.get_logs() == []


def test_click_on_a_district_opens_its_profile(dash_duo, grid_dataset):
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023")
    districts(dash_duo)
    graph = dash_duo.find_element(GRAPH)
    point_at(dash_duo, graph, 40, 40).click().perform()
    until(lambda: "/profil" in dash_duo.driver.current_url)
    assert "gebiete=04" in dash_duo.driver.current_url  # south-east of the centre
    assert "ind=alq" in dash_duo.driver.current_url
    dash_duo.wait_for_element(f"#{ids.NAV_LINK.format('profil')}.active")
    # Back to the map, as it was.
    dash_duo.driver.back()
    dash_duo.wait_for_element(f"#{ids.NAV_LINK.format('karte')}.active")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    districts(dash_duo)
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
    until(lambda: target.exists() and target.stat().st_size > 0)
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 4
    names = {f["properties"]["name"] for f in collection["features"]}
    assert names == {"Nordwest", "Nordost", "Südwest", "Südost"}
    assert dash_duo.get_logs() == []


def test_demo_map_opens_with_every_district(dash_duo, demo_dataset):
    open_app(dash_duo, demo_dataset)
    dash_duo.wait_for_element(f"{LEGEND} .gd-legend-row")
    assert districts(dash_duo)["features"] == len(demo_dataset.areas)
    assert len(districts(dash_duo)["keys"]) == len(demo_dataset.areas)
    assert sum(legend_counts(dash_duo)) == len(demo_dataset.areas)
    assert dash_duo.get_logs() == []


def test_each_sites_layer_switches_alone_and_the_category_filter_applies_to_all(dash_duo,
                                                                               grid_dataset):
    # The grid's four sites in two layers: "sites" (s1 qm, s2 kurs), "projekte" (s3 qm, s4 kurs).
    sites = grid_dataset.sites.copy()
    sites.loc[sites["site_id"].isin(["s3", "s4"]), "layer"] = "projekte"
    dataset = dataclasses.replace(grid_dataset, sites=sites)
    open_app(dash_duo, dataset, "/?ind=alq&jahr=2023")
    districts(dash_duo)
    driver = dash_duo.driver

    def drawn():
        return driver.execute_script("return window.gdMap.drawnSites();")

    until(lambda: drawn() == {"qm": 2, "kurs": 2})
    dash_duo.find_element(f"#{map_page.LAYERS} input[value='sites:projekte']").click()
    until(lambda: drawn() == {"qm": 1, "kurs": 1})
    until(lambda: "ebenen=sites,sites%3Asites,zones" in driver.current_url)

    dash_duo.find_element(f"#{map_page.CATEGORIES} input[value='kurs']").click()
    until(lambda: drawn() == {"qm": 1})
    until(lambda: "kat=qm" in driver.current_url)
    dash_duo.find_element(f"#{map_page.LAYERS} input[value='sites:projekte']").click()
    until(lambda: drawn() == {"qm": 2})

    # A reload shows the same: the URL holds layers and categories.
    driver.refresh()
    districts(dash_duo)
    until(lambda: drawn() == {"qm": 2})
    assert not dash_duo.find_element(f"#{map_page.CATEGORIES} input[value='kurs']").is_selected()
    assert dash_duo.get_logs() == []


def test_hover_on_a_programme_area_outline_names_it(dash_duo, grid_dataset):
    # The zone "West" runs down the middle of Nordwest (x = 456,500): left of the centre and up.
    open_app(dash_duo, grid_dataset, "/?ind=alq&jahr=2023")
    districts(dash_duo)
    graph = dash_duo.find_element(GRAPH)
    # The outline lies halfway across Nordwest: its centre's offset from the map's centre.
    x_line = dash_duo.driver.execute_script(
        "const nw = window.gdMap._maps[arguments[0]].layers[0], map = nw._map;"
        "return map.latLngToContainerPoint(nw.getBounds().getCenter()).x - map.getSize().x / 2;",
        map_figure.GRAPH)
    deadline = time.monotonic() + DEADLINE
    text = ""
    while time.monotonic() < deadline and "West" not in text:
        for dx in (0, 1, -1, 2, -2):
            point_at(dash_duo, graph, int(round(x_line)) + dx, -60).perform()
            labels = dash_duo.find_elements(".leaflet-tooltip")
            text = labels[0].text if labels else ""
            if "West" in text:
                break
    assert text.splitlines() == ["West", "Soziale Stadt", "seit 2005"]
    assert dash_duo.get_logs() == []
