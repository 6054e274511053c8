"""Berlin's 448 planning areas and 20 facility categories on a 390 px phone.

The demo has 17 areas and 7 categories; Berlin's heat tables have 21 columns
and 448 rows, its planning-area names run to 36 characters. Every page of the
registry and the finder must still fit the phone's width, with readable heat
tables (see tests/browser/test_phone_journey.py for what is checked).
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from tests.browser.test_phone_journey import (
    HEATMAP_JS,
    LAYOUT_JS,
    PATHS,
    PHONE,
    SETTLED_JS,
    inside,
    set_width,
)
from tests.realcity.conftest import skip_unless_issue_10_keys

pytestmark = pytest.mark.browser

# Berlin's app computes coverage for 20 categories before it serves; its heat tables are big.
DEADLINE = 120


def test_every_page_fits_a_phone_on_berlin(dash_duo, today_workspace):
    berlin = build_dataset(skip_unless_issue_10_keys(load_catalog, today_workspace))
    dash_duo.start_server(create_app(berlin), navigate=False)
    set_width(dash_duo, PHONE)
    driver = dash_duo.driver
    for path in PATHS:
        driver.get(f"{dash_duo.server.url}{path}")
        until(lambda: driver.execute_script(SETTLED_JS), deadline=DEADLINE,
              message=f"{path} was not drawn")
        layout = until(lambda: (lambda r: r if r["view"] and r["control"] else None)(
            driver.execute_script(LAYOUT_JS, PHONE)), deadline=DEADLINE,
            message=f"{path}: no control or chart")
        assert layout["scrollWidth"] <= PHONE, (path, layout)
        assert inside(layout["control"], PHONE) and inside(layout["view"], PHONE), (path, layout)
        for heatmap in driver.execute_script(HEATMAP_JS):
            assert heatmap["smallest"] >= 10, (path, heatmap)
            assert heatmap["overlapping"] == [], (path, heatmap)
    assert dash_duo.get_logs() == []
