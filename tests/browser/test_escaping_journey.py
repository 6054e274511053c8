"""A district named ``<img src=x onerror=alert(1)>`` stays a name on every page (headless Chromium).

The grid workspace of tests/conftest.py with Nordwest and Nordost renamed, a
site renamed and a link in a category label. Dash writes names into the page
as text; the map's tooltips are HTML built in the browser (``assets/gd-map.js``
escapes every name); Plotly draws hover labels, legends and titles from its own HTML
subset (``<b>``, ``<a href>``, ``<span style>``, …; other tags stay text), so
an unescaped ``<b>X</b>`` would show a bold "X" and an unescaped
``<a href=…>`` a live link inside the figure.
"""

from __future__ import annotations

import json
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from waits import DEADLINE, until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.pages import compare, compare_similar, profile
from geodash.web.pages import map as map_page
from tests.conftest import make_grid_workspace

pytestmark = pytest.mark.browser

EVIL = "<img src=x onerror=alert(1)>"
BOLD = "<b>X</b>"
EVIL_SITE = "<img src=x onerror=alert(2)>"
LINK = "https://example.org/"
EVIL_LABEL = f"QM <a href='{LINK}'>mehr</a>"


@pytest.fixture(scope="module")
def evil_dataset(tmp_path_factory):
    root = make_grid_workspace(tmp_path_factory.mktemp("evil") / "grid")
    geojson = root / "data" / "grid.geojson"
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["nr"] in ("01", "02"):
            feature["properties"]["name"] = EVIL if feature["properties"]["nr"] == "01" else BOLD
    geojson.write_text(json.dumps(collection), encoding="utf-8")
    sites = root / "data" / "sites.csv"
    sites.write_bytes(sites.read_bytes().replace(b"QM Nordwest", EVIL_SITE.encode()))
    spec = root / "layers" / "sites.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'de = "Quartiersmanagement"', f'de = "{EVIL_LABEL}"'), encoding="utf-8")
    return build_dataset(load_catalog(root))


# Plotly's rendering of <b>X</b>: a bold tspan that holds just "X".
BOLD_X_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot tspan'))
    .filter(t => (t.getAttribute('style') || '').includes('bold') && t.textContent === 'X').length;
"""


def no_injected_markup(dash_duo) -> bool:
    find = dash_duo.driver.find_elements
    return (find(By.CSS_SELECTOR, 'img[src="x"]') == []
            and find(By.CSS_SELECTOR, f'a[href="{LINK}"]') == []
            and dash_duo.driver.execute_script(BOLD_X_JS) == 0)


def hover_text(dash_duo, dx: int, dy: int) -> str:
    """Move over the map until it shows a district's tooltip; return its text."""
    graph = dash_duo.find_element(f"#{map_page.GRAPH}")
    deadline = time.monotonic() + DEADLINE
    text = ""
    while time.monotonic() < deadline and "Rang" not in text:
        ActionChains(dash_duo.driver).move_to_element(graph).move_by_offset(dx, dy).perform()
        ActionChains(dash_duo.driver).move_to_element(graph).move_by_offset(dx - 2, dy - 2).perform()
        labels = dash_duo.find_elements(f"#{map_page.GRAPH} .leaflet-tooltip")
        text = labels[0].text if labels else ""
    return text


def test_names_from_the_data_stay_text_on_map_profile_and_comparison(dash_duo, evil_dataset):
    dash_duo.start_server(create_app(evil_dataset), navigate=False)

    # Map: the tooltip (built in the browser) and the category filter.
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=alq&jahr=2023")
    dash_duo.wait_for_element(f"#{map_page.GRAPH}[data-gd-painted='1']")
    dash_duo.wait_for_contains_text(f"#{map_page.CATEGORIES}", EVIL_LABEL)
    text = hover_text(dash_duo, -40, -40)  # Nordwest lies up and left of the centre
    assert EVIL in text and "Rang 4 von 4" in text
    assert no_injected_markup(dash_duo)

    # Profile: the title, the trend's legend, the site list.
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/profil?gebiete=01")
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", EVIL)
    dash_duo.wait_for_contains_text(f"#{profile.TREND_GRAPH} .legend", EVIL)
    dash_duo.wait_for_contains_text(f"#{profile.SITES}", EVIL_SITE)
    assert no_injected_markup(dash_duo)

    # Comparison: bars, time series, ranking and similar districts.
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/vergleich?gebiete=01,02,03&jahr=2022")
    dash_duo.wait_for_contains_text(f"#{compare.COMPARE_GRAPH} .legend", EVIL)
    dash_duo.wait_for_contains_text(f"#{compare.COMPARE_GRAPH} .legend", BOLD)
    dash_duo.wait_for_contains_text(f"#{compare.TIMESERIES_GRAPH} .legend", EVIL)
    dash_duo.wait_for_contains_text(f"#{compare.RANKING_GRID}", EVIL)
    dash_duo.wait_for_contains_text(f"#{compare_similar.GRID}", EVIL)
    until(lambda: no_injected_markup(dash_duo))
    assert dash_duo.get_logs() == []
