"""Every page on Berlin's 448 planning areas and 1,309 facilities, in headless Chromium.

Two planning areas are both called "Schloßstraße" (04030417 in Charlottenburg-Wilmersdorf,
06010102 in Steglitz-Zehlendorf): the profile and the comparison open them by key.
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.pages import compare, coverage, profile
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page
from tests.realcity.conftest import skip_unless_issue_10_keys

pytestmark = pytest.mark.browser

# Berlin is large: the app computes coverage for 20 facility categories before it serves
# (about 20–70 s on a busy 2-core machine); pages then answer in about a second.
DEADLINE = 120
# The number of planning areas the map has drawn (0 until its first paint).
MAP_FEATURES_JS = (f"const el = document.querySelector('#{map_page.GRAPH}');"
                   "return el && Number(el.dataset.gdPainted) >= 1 ? Number(el.dataset.gdFeatures) : 0;")


@pytest.fixture(scope="module", params=["today", "target"])
def berlin(request):
    workspace = request.getfixturevalue(f"{request.param}_workspace")
    return build_dataset(skip_unless_issue_10_keys(load_catalog, workspace))


@pytest.fixture
def berlin_app(dash_duo, berlin):
    dash_duo.start_server(create_app(berlin), navigate=False)
    return dash_duo


def visit(dash_duo, path: str, selector: str, text: str | None = None) -> None:
    """Open ``path`` and wait until ``selector`` shows (with ``text``), failing early on a browser error."""
    dash_duo.driver.get(f"{dash_duo.server.url}{path}")
    logs: list = []

    def ready() -> bool:
        logs.extend(dash_duo.get_logs() or [])
        found = dash_duo.find_elements(selector)
        return bool(logs) or bool(found and (text is None or text in found[0].text))

    until(ready, deadline=DEADLINE)
    assert logs == [], f"{path}: {logs}"


def test_map_profile_comparison_and_data_pages_open_on_berlin(berlin_app):
    visit(berlin_app, "/", f"#{map_page.GRAPH}[data-gd-painted]")
    until(lambda: berlin_app.driver.execute_script(MAP_FEATURES_JS) == 448, deadline=DEADLINE)

    visit(berlin_app, "/profil?gebiete=04030417", f"#{profile.TITLE}", "Schloßstraße")
    visit(berlin_app, "/profil?gebiete=06010102", f"#{profile.TITLE}", "Schloßstraße")

    visit(berlin_app, "/vergleich?gebiete=04030417,06010102", f"#{compare.RANKING_GRID}",
          "Stülerstraße")
    until(lambda: len(berlin_app.find_elements(f"#{compare.COMPARE_GRAPH} g.trace.bars")) == 2,
          deadline=DEADLINE)

    visit(berlin_app, "/daten", f"#{data_page.LAYERS_TABLE}", "Jugendfreizeiteinrichtungen")
    assert "Schulen" in berlin_app.find_element(f"#{data_page.LAYERS_TABLE}").text
    assert berlin_app.get_logs() == []


def test_coverage_page_opens_on_berlin(berlin_app):
    visit(berlin_app, "/abdeckung", f"#{coverage.REACH_GRAPH} .js-plotly-plot")
    berlin_app.wait_for_element(f"#{coverage.GAP_TABLE}", timeout=DEADLINE)
    assert berlin_app.get_logs() == []


def test_pages_speak_of_planning_areas_and_boroughs_not_stadtteile(dash_duo, target_workspace):
    # Only with the issue-10 specs: `unit` and `[parent]` name Planungsraum and Bezirk.
    berlin = build_dataset(skip_unless_issue_10_keys(load_catalog, target_workspace))
    dash_duo.start_server(create_app(berlin), navigate=False)
    pages = [("/", f"#{map_page.LEGEND}", None),
             ("/profil?gebiete=04030417", f"#{profile.TITLE}", "Schloßstraße"),
             ("/vergleich?gebiete=04030417,06010102", f"#{compare.RANKING_GRID}", "Stülerstraße")]
    for path, selector, text in pages:
        visit(dash_duo, path, selector, text)
        body = dash_duo.find_element("body").text
        assert "Planungsr" in body and "Stadtteil" not in body, path
        if "profil" in path:
            assert "Charlottenburg-Wilmersdorf" in body
    assert dash_duo.get_logs() == []
