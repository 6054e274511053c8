"""In the browser: every page loads on a workspace where two areas share a name, and tells them apart.

The workspace has two "Schloßstraße" (in the Bezirke Nord and Süd) and two
"Mitte" (both in Nord), its areas are called "Planungsräume". The coverage page
used to fail here with HTTP 500 ("cannot reindex on an axis with duplicate labels").
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.web.app import create_app
from geodash.web.pages import compare, coverage, data, profile
from geodash.web.pages import map as map_page

pytestmark = pytest.mark.browser


# Each area's hover text as the map shows it, by key, once the map has drawn.
HOVER_JS = f"""
const e = window.gdMap && window.gdMap._maps['{map_page.GRAPH}'];
const el = document.querySelector('#{map_page.GRAPH}');
if (!e || !e.view || !el || Number(el.dataset.gdPainted) < 1) {{ return null; }}
const out = {{}};
e.keys.forEach((k, i) => {{ out[k] = window.gdMap.hoverText('{map_page.GRAPH}', i); }});
return out;
"""


def visit(dash_duo, path: str) -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")


def test_every_page_loads_and_shows_the_disambiguated_labels(dash_duo, duplicate_dataset):
    dash_duo.start_server(create_app(duplicate_dataset), navigate=False)

    visit(dash_duo, "/?ind=alq&jahr=2022")  # Karte: hover texts are built in the browser
    until(lambda: dash_duo.driver.execute_script(HOVER_JS))
    # The first line of each hover (the name, in bold) tells the areas apart.
    names = {key: text.split("<br>")[0] for key, text in dash_duo.driver.execute_script(HOVER_JS).items()}
    assert names == {"01": "<b>Schloßstraße (Nord)</b>", "02": "<b>Mitte (02)</b>",
                     "03": "<b>Schloßstraße (Süd)</b>", "04": "<b>Mitte (04)</b>"}
    legend = dash_duo.find_element(f"#{map_page.LEGEND}").text
    assert "Planungsr" in legend and "Stadtteil" not in legend
    assert dash_duo.get_logs() == []

    visit(dash_duo, "/profil?gebiete=03&jahr=2022")  # Profil
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", "Schloßstraße (Süd)")
    dash_duo.wait_for_contains_text(f"#{profile.PAGE}", "Planungsraum")
    assert dash_duo.get_logs() == []

    visit(dash_duo, "/vergleich?gebiete=01,03&jahr=2022")  # Vergleich
    dash_duo.wait_for_contains_text(f"#{compare.RANKING_GRID}", "Schloßstraße (Nord)")
    grid = dash_duo.find_element(f"#{compare.RANKING_GRID}").text
    assert "Schloßstraße (Süd)" in grid and "Mitte (02)" in grid and "Mitte (04)" in grid
    until(lambda: len(dash_duo.find_elements(f"#{compare.COMPARE_GRAPH} g.trace.bars")) == 2)
    assert "Rangliste aller Planungsräume" in dash_duo.find_element(f"#{compare.PAGE}").text
    assert dash_duo.get_logs() == []

    visit(dash_duo, "/abdeckung?jahr=2022")  # Abdeckung: HTTP 500 before
    dash_duo.wait_for_contains_text(f"#{coverage.REACH_GRAPH}", "Mitte (02)")
    reach = dash_duo.find_element(f"#{coverage.REACH_GRAPH}").text
    assert "Mitte (04)" in reach and "Schloßstraße (Nord)" in reach and "Schloßstraße (Süd)" in reach
    dash_duo.wait_for_contains_text(f"#{coverage.DENSITY_GRAPH}", "Mitte (04)")
    assert dash_duo.get_logs() == []

    visit(dash_duo, "/daten")  # Daten: the validation report names the repeated names
    dash_duo.wait_for_contains_text(f"#{data.REPORT_TABLE}", "Schloßstraße (keys 01, 03)")
    assert "Planungsräume mit allen Indikatoren" in dash_duo.find_element("body").text
    assert dash_duo.get_logs() == []
