"""The demo's offers and programme areas count only in the years they ran (issue 12), by hand.

Hand counts from ``geodata/angebote.csv`` (columns Beginn/Ende; a site runs
from its start year through its end year) and ``geodata/soziale_stadt.geojson``
(seit/bis):

- Quartiersmanagement (qm): A001 Westend 2000–2011 (district 04), A002 West
  2001– (04), A003 Oggersheim-West 2003–2019 (12), A004 Mundenheim Südost
  2005–2013 (10), A005 Dichterquartier 2021– (02).
  Running 2019: A002, A003 = 2; 2023: A002 (04), A005 (02) = 2.
- BIWAQ/ESF (biwaq): A006 2019–2022 (02), A007 2023– (10), A008 2023–2026 (12),
  A009 2015–2018 (10), A010 2019–2022 (05), A011 2023–2026 (01).
  Running 2019: A006, A010 = 2; 2023: A007, A008, A011 = 3.
- Sprache: A046, A048 (01), A050 (09), A052 (04) 2016–2020; A047 2015– (05);
  A049, A051 2022– (12). Running 2019: A046, A047, A048, A050, A052 = 5;
  2023: A047, A049, A051 = 3.
- All 52 offers: 2019 leaves out the seven that start later (A005 2021, A007,
  A008, A011 2023, A039 2020, A049, A051 2022) and the three that ended before
  (A001 2011, A004 2013, A009 2018): 52 − 7 − 3 = 42. 2023 leaves out the 11
  that ended before it (A001, A003, A004, A006, A009, A010, A017, A046, A048,
  A050, A052): 52 − 11 = 41.
- District 12 (Oggersheim-West): 2019 A003 (qm) and A036 (jugend, 2004–) = 2;
  2023 A008, A036, A039 (treff 2020–), A049, A051 = 5, no qm.
- The programme area Oggersheim-West (2000–2019) covers 23.65 % of district
  12; no other programme area touches 12. So 12 has a share in 2019, none in 2023.
"""

from __future__ import annotations

import json

import pytest

from geodash.cli import main
from geodash.export.layers import build_layer
from geodash.workspace import default_workspace, load_workspace

DEMO = default_workspace()

pytestmark = pytest.mark.skipif(
    not any((DEMO / "layers").glob("*.toml")), reason="the demo workspace (layers/*.toml) is absent")


@pytest.fixture(scope="module")
def demo():
    return load_workspace()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``geodash export districts --year Y`` as GeoJSON, properties by district key."""
    folder = tmp_path_factory.mktemp("export")
    out = {}
    for year in (2019, 2023):
        target = folder / f"districts-{year}.geojson"
        assert main(["export", "districts", str(DEMO), "--year", str(year), "-o", str(target)]) == 0
        features = json.loads(target.read_text(encoding="utf-8"))["features"]
        out[year] = {f["properties"]["key"]: f["properties"] for f in features}
    return out


def _total(rows: dict, column: str) -> int:
    return sum(int(row[column]) for row in rows.values())


@pytest.mark.parametrize(("year", "column", "count"), [
    (2019, "sites_qm", 2), (2023, "sites_qm", 2),
    (2019, "sites_biwaq", 2), (2023, "sites_biwaq", 3),
    (2019, "sites_sprache", 5), (2023, "sites_sprache", 3),
    (2019, "sites_total", 42), (2023, "sites_total", 41),
])
def test_export_districts_counts_the_offers_running_in_the_year(exported, year, column, count):
    assert _total(exported[year], column) == count


def test_2023_does_not_count_the_quartiersbueros_closed_in_2011_2013_and_2019(exported):
    rows = exported[2023]
    # West (04): A001 closed 2011, A002 runs; Mundenheim (10): A004 closed 2013;
    # Oggersheim-West (12): A003 closed 2019; Süd (02): A005 opened 2021.
    assert {key: rows[key]["sites_qm"] for key in ("02", "04", "10", "12")} == {
        "02": 1, "04": 1, "10": 0, "12": 0}


def test_2019_does_not_count_the_seven_offers_that_started_later(exported):
    assert exported[2019]["12"]["sites_total"] == 2  # A003 and A036
    assert exported[2023]["12"]["sites_total"] == 5  # A008, A036, A039, A049, A051
    assert exported[2019]["02"]["sites_qm"] == 0  # A005 opens in 2021


def test_district_12_has_no_programme_share_after_its_programme_area_ended(exported):
    assert exported[2019]["12"]["zone_share"] == pytest.approx(0.2365, abs=1e-4)
    assert exported[2019]["12"]["zones"] == "Oggersheim-West"
    assert exported[2023]["12"]["zone_share"] == 0.0
    assert exported[2023]["12"]["zones"] in ("", None)


def test_per_1000_of_the_year_counts_only_running_offers(demo):
    # District 12 has 7,300 residents in 2019 and 2023: 2 / 7.3 and 5 / 7.3 per 1,000.
    before = build_layer(demo, "districts", 2019).set_index("key")
    after = build_layer(demo, "districts", 2023).set_index("key")
    assert before.loc["12", "per1000_total"] == pytest.approx(2 / 7.3)
    assert after.loc["12", "per1000_total"] == pytest.approx(5 / 7.3)
    assert after.loc["12", "per1000_qm"] == 0.0


def test_reach_of_qm_in_district_12_is_gone_once_its_office_closed(demo):
    # In 2023 the nearest running qm offices are A002 (West, 04) and A005 (Süd, 02); in 2019
    # A003 stands inside district 12, so part of 12 is within 500 m.
    before = build_layer(demo, "districts", 2019).set_index("key")
    after = build_layer(demo, "districts", 2023).set_index("key")
    assert before.loc["12", "share500_qm"] > 0.1
    assert after.loc["12", "share500_qm"] == 0.0
