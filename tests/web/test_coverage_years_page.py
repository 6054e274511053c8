"""The Abdeckung page over the years, on the grid with dated offices, by hand.

The grid (tests/conftest.py): residents 01 Nordwest 1,000, 02 Nordost 2,000,
03 Südwest 3,000, 04 Südost 4,000 (10,000); years 2022 and 2023. Here QM
Nordwest (s1) runs 2000–2022 and QM Südost (s3) from 2023 on; Kurs Nordwest
(s2) always. Each office stands in the middle of its 1 km square, so its 500 m
disc (a 128-gon: 0.7850 of the square) reaches only its own square.

City-wide, all offers (s1 + s2 in 2022, s2 + s3 in 2023): 2 offers both years,
0.20 per 1,000. Within 500 m of a qm office: 2022 0.785 · 1,000 / 10,000 =
7.85 % → "8 %", 2023 0.785 · 4,000 / 10,000 = 31.4 % → "31 %", +23.6 points
→ "▲ +24 Pp.". Nordwest loses its office: 2 offers → 1 ("▼ −1").
"""

from __future__ import annotations

import dataclasses

import pytest
from dash_tree import find, text

from geodash.web.figures import coverage as coverage_fig
from geodash.web.figures import coverage_years as years_fig
from geodash.web.figures import reach as reach_fig
from geodash.web.pages import coverage, coverage_years
from geodash.web.state import ViewState


@pytest.fixture(scope="module")
def dated_grid(grid_dataset):
    sites = grid_dataset.sites.copy()
    sites["start"] = sites["site_id"].map({"s1": 2000, "s3": 2023}).astype(float)
    sites["end"] = sites["site_id"].map({"s1": 2022}).astype(float)
    return dataclasses.replace(grid_dataset, sites=sites)


def test_the_heat_tables_count_the_offers_of_the_year_shown(dated_grid):
    before = coverage_fig.coverage_matrix(dated_grid, year=2022)
    after = coverage_fig.coverage_matrix(dated_grid, year=2023)
    assert before["count_qm"].to_dict() == {"01": 1, "02": 0, "03": 0, "04": 0}
    assert after["count_qm"].to_dict() == {"01": 0, "02": 0, "03": 0, "04": 1}
    # No year: the latest (2023).
    assert coverage_fig.coverage_matrix(dated_grid)["count_qm"].to_dict() == after["count_qm"].to_dict()
    reach = reach_fig.reach_matrix(dated_grid, ["qm"], year=2022).set_index("area_key")
    assert reach.loc["04", "share_500"] == 0.0 and reach.loc["01", "share_500"] > 0.78


def test_the_city_table_compares_the_base_year_with_the_year_shown(dated_grid):
    page = coverage.layout(dated_grid, ViewState(page="abdeckung", year=2023,
                                                 extra={"basis": "2022"}))
    table = find(page, coverage_years.CITY_TABLE)
    rows = [text(r) for r in table.children[1].children]
    qm = next(r for r in rows if r.startswith("Quartiersmanagement"))
    # Offers 1 → 1 (= 0), per 1,000 0,10 → 0,10, within 500 m 8 % → 31 % (▲ +24 Pp.).
    assert "8 %" in qm and "31 %" in qm and "▲ +24 Pp." in qm
    every = next(r for r in rows if r.startswith("Alle Angebote"))
    assert "0,20" in every


def test_the_area_table_puts_the_largest_loss_of_reach_first(dated_grid):
    change = years_fig.area_change(dated_grid, 2022, 2023)
    assert change["area_key"].iloc[0] == "01"  # lost its office
    assert change.set_index("area_key").loc["01", "count_change"] == -1
    assert change["area_key"].iloc[-1] == "04"  # gained one
    page = coverage.layout(dated_grid, ViewState(page="abdeckung", year=2023))
    assert "▼ −1" in text(find(page, coverage_years.AREA_TABLE))


def test_the_base_year_defaults_to_the_first_and_refuses_a_later_or_unknown_one(dated_grid):
    assert years_fig.base_year(dated_grid, None, 2023) == 2022
    assert years_fig.base_year(dated_grid, "1990", 2023) == 2022  # no data in 1990
    assert years_fig.base_year(dated_grid, "abc", 2023) == 2022
    assert years_fig.base_year(dated_grid, "2023", 2022) == 2022  # not after the year shown


def test_picking_a_base_year_writes_it_to_the_url_and_keeps_the_rest(dated_grid):
    assert coverage_years.base_search("?jahr=2023&kat=qm", 2022) == "?jahr=2023&kat=qm&basis=2022"
    assert coverage_years.base_search("?jahr=2023&basis=2022", 2022) is None
