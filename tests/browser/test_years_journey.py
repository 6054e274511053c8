"""Browser journeys: the demo's offers and programme areas appear only in the years they ran.

Hand counts from ``geodata/angebote.csv`` and ``geodata/soziale_stadt.geojson``
(see tests/test_years_demo.py): 42 offers run in 2019, 41 in 2023. The
Quartiersbüro Oggersheim-West (A003, 2003–2019) is on the map of 2019, not of
2023; the programme area Oggersheim-West (2000–2019) likewise. Programme
areas running in 2019: West, Oggersheim-West, Dichterquartier; in 2023: West,
Dichterquartier. District 12 (Oggersheim-West) has 2 offers in 2019 (A003,
A036) and 5 in 2023 (A008, A036, A039, A049, A051).
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from waits import until

from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import coverage as coverage_page
from geodash.web.pages import coverage_years
from geodash.web.pages import map as map_page

pytestmark = pytest.mark.browser

GRAPH = f"#{map_figure.GRAPH}"
QB = "Quartiersbüro Oggersheim-West"
# What the Leaflet map holds now: the names of the site markers and of the programme areas on it.
ON_MAP_JS = f"""
const e = window.gdMap && window.gdMap._maps['{map_figure.GRAPH}'];
const el = document.querySelector('{GRAPH}');
if (!e || !e.layers.length || !el || Number(el.dataset.gdPainted) < 1) {{ return null; }}
const sites = [], zones = [];
e.layers[0]._map.eachLayer(l => {{
    const p = l.feature && l.feature.properties;
    if (!p) {{ return; }}
    if ('n' in p && 'c' in p) {{ sites.push(p.n); }}
    else if ('programme' in p) {{ zones.push(p.name); }}
}});
return {{sites: sites, zones: zones.sort()}};
"""
WIDTHS = {"desktop": (1400, 900), "phone": (390, 844)}


def on_map(dash_duo, count: int) -> dict:
    """The markers and outlines on the map once ``count`` markers are drawn."""
    def ready():
        state = dash_duo.driver.execute_script(ON_MAP_JS)
        return state if state is not None and len(state["sites"]) == count else None
    return until(ready, message=f"{count} site markers on the map")


def no_sideways_scrolling(dash_duo, element_id: str | None = None) -> None:
    """Nothing scrolls sideways: the page, or (``element_id``) that part of it within the viewport."""
    if element_id is None:
        width, client = dash_duo.driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    else:
        width, client = dash_duo.driver.execute_script(
            "const el = document.getElementById(arguments[0]);"
            "return [Math.max(el.scrollWidth, el.getBoundingClientRect().right),"
            " document.documentElement.clientWidth];", element_id)
    assert width <= client


def open_page(dash_duo, dataset, path: str, width: str) -> None:
    dash_duo.driver.set_window_size(*WIDTHS[width])
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_map_of_2019_shows_the_quartiersbuero_that_closed_in_2019_and_2023_does_not(
        dash_duo, demo_dataset, width):
    open_page(dash_duo, demo_dataset, "/?ind=alq&jahr=2019", width)
    dash_duo.wait_for_element(GRAPH)
    before = on_map(dash_duo, 42)
    assert QB in before["sites"]
    assert "Quartiersbüro Dichterquartier" not in before["sites"]  # opens in 2021
    assert before["zones"] == ["Dichterquartier", "Oggersheim-West", "West"]

    # The user moves the year slider four steps, to 2023.
    thumb = dash_duo.find_element(f"#{map_page.YEAR} [role='slider']")
    for _ in range(4):
        thumb.send_keys(Keys.ARROW_RIGHT)
    until(lambda: "jahr=2023" in dash_duo.driver.current_url)
    after = on_map(dash_duo, 41)
    assert QB not in after["sites"]
    assert "Quartiersbüro Dichterquartier" in after["sites"]
    assert after["zones"] == ["Dichterquartier", "West"]
    if width == "phone":
        no_sideways_scrolling(dash_duo)
    assert dash_duo.get_logs() == []


DENSITY_JS = f"""
const plot = document.querySelector('#{coverage_page.DENSITY_GRAPH} .js-plotly-plot');
if (!plot || !plot.data) {{ return null; }}
const trace = plot.data[0], row = trace.y.indexOf('Oggersheim-West');
return row < 0 ? null : trace.text[row][trace.text[row].length - 1];
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coverage_page_counts_the_offers_of_the_year_picked(dash_duo, demo_dataset, width):
    open_page(dash_duo, demo_dataset, "/abdeckung?jahr=2019", width)
    dash_duo.wait_for_element(f"#{coverage_years.CITY_TABLE}")
    # The total column of Oggersheim-West: "rate (count)", 2 offers in 2019.
    until(lambda: (dash_duo.driver.execute_script(DENSITY_JS) or "").endswith("(2)"))
    dash_duo.wait_for_contains_text(f"#{coverage_page.PAGE} h3", "2019")

    # The user picks 2023 in the year dropdown.
    dash_duo.find_element(f"#{coverage_page.YEAR_DROPDOWN}").click()
    dash_duo.find_element(".dash-dropdown-option:has(input[value='2023'])").click()
    until(lambda: "jahr=2023" in dash_duo.driver.current_url)
    until(lambda: (dash_duo.driver.execute_script(DENSITY_JS) or "").endswith("(5)"))
    # The comparison with the base year (2019, the first): all offers 42 then, 41 now.
    table = f"#{coverage_years.CITY_TABLE}"
    dash_duo.wait_for_contains_text(table, "Angebote 2023")
    row = dash_duo.find_element(f"{table} tbody tr.fw-bold").text
    assert row.split()[:4] == ["Alle", "Angebote", "42", "41"]
    assert "▼ −1" in row
    if width == "phone":
        # The comparison's tables scroll inside themselves. (The whole page is wider at 390 px
        # because of the gap list above it, which the phone layout of issue 12 takes on.)
        no_sideways_scrolling(dash_duo, coverage_years.SECTION)
    assert dash_duo.get_logs() == []
