"""Offers and programme areas count only in the years they ran: the rule, and the grid by hand."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.of_dataset import district_analysis
from geodash.analysis.offers import running
from geodash.analysis.programme import programme_membership
from geodash.analysis.years import (
    running_by_year,
    running_key,
    runs_in,
    sites_in_year,
    zone_shares_in_year,
)
from geodash.export.layers import build_layer

# A 128-gon (quad_segs=32) of radius 500 m inside a 1 km square: 0.5 · 128 · 500² · sin(2π/128) m²
# of 1,000,000 m², about π/4 = 0.785.
DISC_500 = 0.5 * 128 * 500**2 * math.sin(2 * math.pi / 128) / 1_000_000


@pytest.mark.parametrize(("start", "end", "year", "runs"), [
    (2000, 2011, 2011, True),     # the last year still counts
    (2000, 2011, 2012, False),    # the year after it ended
    (2021, None, 2021, True),     # the first year counts
    (2021, None, 2020, False),    # not before it started
    (None, None, 1900, True),     # no years known: always
    (None, 2019, 1990, True),     # no start: since always
    ("2005", "", 2010, True),     # years as text, an empty end
])
def test_a_site_runs_from_its_start_year_through_its_end_year(start, end, year, runs):
    assert runs_in(pd.Series([start], dtype=object), pd.Series([end], dtype=object), year).tolist() == [runs]


def test_no_year_chosen_means_everything_counts():
    assert runs_in(pd.Series([2030]), pd.Series([1990]), None).tolist() == [True]


def test_the_finder_uses_the_same_rule():
    sites = pd.DataFrame({"start": [2000, 2021, np.nan], "end": [2011, np.nan, 2019]})
    for year in (1999, 2011, 2015, 2019, 2020, 2021):
        assert running(sites, year).tolist() == runs_in(sites["start"], sites["end"], year).tolist()


def test_running_by_year_has_one_column_per_year():
    sites = pd.DataFrame({"start": [2000, 2021], "end": [2011, np.nan]})
    table = running_by_year(sites, [2010, 2011, 2012, 2021])
    assert table.to_dict("list") == {2010: [True, False], 2011: [True, False],
                                     2012: [False, False], 2021: [False, True]}


def test_years_with_the_same_running_sites_share_a_key():
    sites = pd.DataFrame({"start": [2000, 2021], "end": [2011, np.nan]})
    assert running_key(sites, 2012) == running_key(sites, 2020)  # neither runs
    assert running_key(sites, 2010) != running_key(sites, 2021)
    assert running_key(sites.assign(start=np.nan, end=np.nan), 2010) == "all"


def test_zone_shares_keep_only_the_programme_areas_running():
    shares = pd.DataFrame({"area_key": ["a", "a", "b"], "zone_id": ["z1", "z2", "z1"],
                           "share": [0.3, 0.2, 0.05]})
    zones = pd.DataFrame({"zone_id": ["z1", "z2"], "name": ["West", "Nord"],
                          "since": [2005.0, 2010.0], "until": [np.nan, 2015.0]})
    assert zone_shares_in_year(shares, zones, 2016)["zone_id"].tolist() == ["z1", "z1"]
    # 2016: Nord (z2) ended in 2015, so a keeps West's 30 %; 2012: 30 % + 20 %.
    assert programme_membership(shares, zones, year=2016)["share"].to_dict() == {"a": 0.3, "b": 0.05}
    assert programme_membership(shares, zones, year=2012).loc["a", "share"] == pytest.approx(0.5)
    assert programme_membership(shares, zones, year=2004).empty


@pytest.fixture(scope="module")
def dated_grid(grid_dataset):
    """The grid with years: QM Nordwest (s1) ran 2000–2022, QM Südost (s3) from 2023 on.

    The programme area West (Nordwest 50 %, Südwest 100 %) ran until 2022.
    """
    sites = grid_dataset.sites.copy()
    sites["start"] = sites["site_id"].map({"s1": 2000, "s3": 2023}).astype(float)
    sites["end"] = sites["site_id"].map({"s1": 2022}).astype(float)
    zones = grid_dataset.zones.assign(until=2022.0)
    return dataclasses.replace(grid_dataset, sites=sites, zones=zones)


def test_grid_counts_only_the_qm_office_running_in_each_year(dated_grid):
    # 2022: s1 in Nordwest (1,000 residents: 1 per 1,000); 2023: s3 in Südost (4,000: 0.25).
    before = district_analysis(dated_grid, 2022)
    after = district_analysis(dated_grid, 2023)
    assert before["per1000_qm"].to_dict() == {"01": 1.0, "02": 0.0, "03": 0.0, "04": 0.0}
    assert after["per1000_qm"].to_dict() == {"01": 0.0, "02": 0.0, "03": 0.0, "04": 0.25}


def test_grid_reach_follows_the_running_offices(dated_grid):
    # Each office stands in the middle of its 1 km square: its 500 m disc lies inside it.
    # The other square's nearest corner is √(500² + 500²) = 707 m away: nothing within 500 m.
    before = district_analysis(dated_grid, 2022)
    after = district_analysis(dated_grid, 2023)
    assert before.loc["01", "share500_qm"] == pytest.approx(DISC_500, rel=1e-6)
    assert before.loc["04", "share500_qm"] == 0.0
    assert after.loc["01", "share500_qm"] == 0.0
    assert after.loc["04", "share500_qm"] == pytest.approx(DISC_500, rel=1e-6)


def test_grid_export_of_a_year_counts_running_sites_and_programme_areas(dated_grid):
    before = build_layer(dated_grid, "districts", 2022).set_index("key")
    after = build_layer(dated_grid, "districts", 2023).set_index("key")
    assert before["sites_qm"].to_dict() == {"01": 1, "02": 0, "03": 0, "04": 0}
    assert after["sites_qm"].to_dict() == {"01": 0, "02": 0, "03": 0, "04": 1}
    # West covers half of Nordwest and all of Südwest while it runs (until 2022), nothing after.
    assert before["zone_share"].to_dict() == {"01": 0.5, "02": 0.0, "03": 1.0, "04": 0.0}
    assert after["zone_share"].to_dict() == {"01": 0.0, "02": 0.0, "03": 0.0, "04": 0.0}
    assert after["zones"].tolist() == ["", "", "", ""]


def test_sites_in_year_without_a_year_keeps_every_site(dated_grid):
    assert len(sites_in_year(dated_grid.sites, None)) == len(dated_grid.sites)
    # s2 and s4 have no years: they run in 2023 with s3.
    assert sorted(sites_in_year(dated_grid.sites, 2023)["site_id"]) == ["s2", "s3", "s4"]
