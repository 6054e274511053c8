"""The Handlungsbedarf page on Berlin's 448 planning areas, 20 facility categories, in headless Chromium.

The MSS 2019 workspace has one status year (2018) and the published changes since 2016,
so 2016 is the only base year. The grid virtualises its rows: of 448 only those in view
are in the page, and the page answers a filter with the few rows that match.
"""

from __future__ import annotations

import time

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.figures import need as need_fig
from geodash.web.pages import handlungsbedarf as page
from geodash.web.state import ViewState
from tests.realcity.conftest import skip_unless_issue_10_keys

pytestmark = pytest.mark.browser

DEADLINE = 120
ROWS_IN_PAGE_JS = f"return document.querySelectorAll('#{page.GRID} .ag-center-cols-container .ag-row').length"


@pytest.fixture(scope="module")
def berlin(target_workspace):
    return build_dataset(skip_unless_issue_10_keys(load_catalog, target_workspace))


def test_berlin_need_table_counts_every_area_and_filters_on_the_server(berlin):
    view = need_fig.need_view(berlin, ViewState(page="handlungsbedarf"))
    assert (view.year, view.base, view.notes) == (2018, 2016, ())
    table = need_fig.shown_table(berlin, view)
    assert len(table) == 448 and table["status_class"].notna().sum() > 400
    picked = need_fig.need_view(berlin, ViewState.from_query("status=sehr+niedrig&dyn=negativ"))
    shown = need_fig.shown_table(berlin, picked)
    assert set(shown["status_class"]) == {"sehr niedrig"} and set(shown["dynamics_class"]) == {"negativ"}
    assert len(page.column_defs(berlin, view, "de")) == len(need_fig.columns(berlin, "de")) + 1


def test_berlin_need_page_draws_only_the_rows_in_view(dash_duo, berlin):
    dash_duo.driver.set_window_size(1400, 900)
    dash_duo.start_server(create_app(berlin), navigate=False)
    started = time.perf_counter()
    dash_duo.driver.get(f"{dash_duo.server.url}/handlungsbedarf")
    until(lambda: "448 von 448" in dash_duo.find_element(f"#{page.COUNT}").text
          and dash_duo.driver.execute_script(ROWS_IN_PAGE_JS) > 0, deadline=DEADLINE)
    drawn = time.perf_counter() - started
    in_page = dash_duo.driver.execute_script(ROWS_IN_PAGE_JS)
    print(f"\nBerlin /handlungsbedarf: table drawn after {drawn:.1f} s, {in_page} of 448 rows in the page")
    assert 0 < in_page < 100  # virtualised
    for query, count in (("?status=sehr+niedrig", "von 448"), ("?basis=2016", "448 von 448")):
        started = time.perf_counter()
        dash_duo.driver.get(f"{dash_duo.server.url}/handlungsbedarf{query}")
        until(lambda: count in dash_duo.find_element(f"#{page.COUNT}").text  # noqa: B023
              and dash_duo.driver.execute_script(ROWS_IN_PAGE_JS) > 0, deadline=DEADLINE)
        print(f"Berlin /handlungsbedarf{query}: drawn after {time.perf_counter() - started:.1f} s")
    dash_duo.driver.set_window_size(390, 844)
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    assert dash_duo.get_logs() == []
