"""The map shows the offers and programme areas of the year shown, by hand from the demo files.

``geodata/angebote.csv`` in file order (position 0 = A001): not running in 2019
are the three that ended before (A001 2011 → 0, A004 2013 → 3, A009 2018 → 8) and
the seven that start later (A005 2021 → 4, A007 2023 → 6, A008 2023 → 7,
A011 2023 → 10, A039 2020 → 38, A049 2022 → 48, A051 2022 → 50). Not running in
2023: A001 → 0, A003 2019 → 2, A004 → 3, A006 2022 → 5, A009 → 8, A010 2022 → 9,
A017 2022 → 16, A046, A048, A050, A052 2020 → 45, 47, 49, 51.
``geodata/soziale_stadt.geojson`` in file order: Westend (2000–2011), West
(2001–), Oggersheim-West (2000–2019), Mundenheim Südost (2005–2013),
Dichterquartier (2019–).
"""

from __future__ import annotations

import pytest

from geodash.web.figures.map import overlays_data, sites_columns, zones_geojson
from geodash.web.state import ViewState
from geodash.workspace import default_workspace, load_workspace

DEMO = default_workspace()
pytestmark = pytest.mark.skipif(
    not any((DEMO / "layers").glob("*.toml")), reason="the demo workspace (layers/*.toml) is absent")


@pytest.fixture(scope="module")
def demo():
    return load_workspace()


def _off(demo, year):
    data = overlays_data(demo, ViewState(indicator="alq", year=year))
    return data["sites"][0]["off"], data["zones"]["off"]


def test_the_map_of_2019_hides_the_offers_not_running_in_2019(demo):
    sites, zones = _off(demo, 2019)
    assert sites == [0, 3, 4, 6, 7, 8, 10, 38, 48, 50]
    assert zones == [0, 3]  # Westend and Mundenheim Südost had ended


def test_the_map_of_2023_hides_the_quartiersbuero_closed_in_2019(demo):
    sites, zones = _off(demo, 2023)
    assert sites == [0, 2, 3, 5, 8, 9, 16, 45, 47, 49, 51]
    assert zones == [0, 2, 3]  # and Oggersheim-West, ended 2019


def test_the_positions_the_browser_filters_by_are_the_file_order(demo):
    columns = sites_columns(demo, "angebote")
    assert columns["i"] == list(range(52))
    assert columns["n"][2] == "Quartiersbüro Oggersheim-West"
    features = zones_geojson(demo)["features"]
    assert [(f["properties"]["i"], f["properties"]["name"]) for f in features][2] == (
        2, "Oggersheim-West")


def test_a_view_without_a_year_hides_nothing(demo):
    data = overlays_data(demo, ViewState(indicator="alq").with_(year=None))
    assert "off" not in data["sites"][0] and "off" not in data["zones"]
