"""A council member reads the programme evaluation on the coverage page, on a desktop and a phone.

On the Ludwigshafen demo: the section says how areas are weighted, the
before/after table names the comparison districts of every programme area and
says why there is no number (the data begin in 2019), and the reading note says
what the comparison cannot show; in English after the language switch. At
390 px the table scrolls inside itself and nothing scrolls the page sideways.
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.pages import coverage_evaluation as ev

pytestmark = pytest.mark.browser

# The right edge of the section and of the table's scrolling box, and the page's widths.
WIDTHS_JS = """
const section = document.getElementById(arguments[0]);
const box = document.getElementById(arguments[1]).closest('.table-responsive');
return {section: section.getBoundingClientRect().right, box: box.getBoundingClientRect().right,
        page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth};
"""


@pytest.mark.parametrize("width", [1400, 390])
def test_evaluation_names_comparison_districts_and_says_how_to_read_it(dash_duo, demo_dataset,
                                                                       width):
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.start_server(create_app(demo_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/abdeckung")
    dash_duo.wait_for_contains_text(f"#{ev.DID_TABLE}", "Dichterquartier")
    table = dash_duo.find_element(f"#{ev.DID_TABLE}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", table)
    rows = dash_duo.find_elements(f"#{ev.DID_TABLE} tr.did-row")
    assert len(rows) == 5  # one per programme area
    dichter = next(r for r in rows if "Dichterquartier" in r.text)
    # Its districts with their small shares, the comparison districts by name, no number.
    assert "Süd (5 %)" in dichter.text and "Mundenheim (4 %)" in dichter.text
    assert "Friesenheim" in dichter.find_element("css selector", ".did-comparison").text
    assert "Kein Jahr vor dem Start (2019)" in dichter.text
    note = dash_duo.find_element(f"#{ev.DID_NOTE}").text
    assert "Differenz der Differenzen" in note and "parallele Trends" in note
    assert "Flächenanteil" in dash_duo.find_element(f"#{ev.WEIGHTING}").text
    until(lambda: dash_duo.find_elements(f"#{ev.PROGRAMME_GRAPH} .js-plotly-plot"))

    widths = dash_duo.driver.execute_script(WIDTHS_JS, ev.DID, ev.DID_TABLE)
    assert widths["section"] <= width and widths["box"] <= width
    if width == 390:
        assert widths["page"] <= 390, widths

    dash_duo.find_element(f"#{ids.LANG_LINK.format('en')}").click()
    dash_duo.wait_for_contains_text(f"#{ev.DID_NOTE}", "parallel trends")
    dash_duo.wait_for_contains_text(f"#{ev.DID_TABLE}", "No year before the start (2019)")
    assert "Comparison" in dash_duo.find_element(f"#{ev.DID_TABLE} thead").text
    assert dash_duo.get_logs() == []
