"""Coverage as a time series on the grid, by hand: running offers, per 1,000 and reach per year."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from geodash.analysis.coverage_years import city_coverage, coverage_change, coverage_over_years
from geodash.analysis.of_dataset import coverage_years

# A 128-gon (quad_segs=32) of radius 500 m: 0.5 · 128 · 500² · sin(2π/128) m² of a 1 km² square.
DISC_500 = 0.5 * 128 * 500**2 * math.sin(2 * math.pi / 128) / 1_000_000


@pytest.fixture(scope="module")
def dated_grid(grid_dataset):
    """The grid (residents 1,000 / 2,000 / 3,000 / 4,000) with QM Nordwest (s1) 2000–2022, QM Südost
    (s3) from 2023; Kurs Nordwest (s2) and the site outside the grid (s4) have no years."""
    sites = grid_dataset.sites.copy()
    sites["start"] = sites["site_id"].map({"s1": 2000, "s3": 2023}).astype(float)
    sites["end"] = sites["site_id"].map({"s1": 2022}).astype(float)
    return dataclasses.replace(grid_dataset, sites=sites)


@pytest.fixture(scope="module")
def series(dated_grid):
    return coverage_years(dated_grid)


def _figure(series, column, year, category):
    part = series[(series["year"] == year) & (series["category"] == category)]
    return part.set_index("area_key")[column].to_dict()


def test_each_year_counts_the_offices_running_in_it(series):
    assert _figure(series, "count", 2022, "qm") == {"01": 1, "02": 0, "03": 0, "04": 0}
    assert _figure(series, "count", 2023, "qm") == {"01": 0, "02": 0, "03": 0, "04": 1}
    # Nordwest: s1 and s2 in 2022 (2 per 1,000 of its 1,000), only s2 in 2023 (1 per 1,000).
    assert _figure(series, "per_1000", 2022, "any")["01"] == pytest.approx(2.0)
    assert _figure(series, "per_1000", 2023, "any")["01"] == pytest.approx(1.0)
    # Südost: s3 in 2023, 1 per its 4,000 residents = 0.25 per 1,000.
    assert _figure(series, "per_1000", 2023, "any")["04"] == pytest.approx(0.25)


def test_each_year_reaches_the_residents_near_the_offices_running_in_it(series):
    # Each office is in the middle of its square; the neighbours are ≥ 500 m away.
    assert _figure(series, "share_500", 2022, "qm") == pytest.approx(
        {"01": DISC_500, "02": 0.0, "03": 0.0, "04": 0.0}, rel=1e-6)
    assert _figure(series, "share_500", 2023, "qm") == pytest.approx(
        {"01": 0.0, "02": 0.0, "03": 0.0, "04": DISC_500}, rel=1e-6)


def test_city_figures_weigh_areas_by_their_residents(dated_grid, series):
    city = city_coverage(series, {y: dated_grid.population_in(y) for y in dated_grid.years})
    qm = city[city["category"] == "qm"].set_index("year")
    # One office for 10,000 residents in both years: 0.1 per 1,000.
    assert qm["count"].to_dict() == {2022: 1, 2023: 1}
    assert qm["per_1000"].to_dict() == pytest.approx({2022: 0.1, 2023: 0.1})
    # 2022: the disc of Nordwest's 1,000 of 10,000 residents; 2023: Südost's 4,000.
    assert qm["share_500"].to_dict() == pytest.approx(
        {2022: DISC_500 * 1000 / 10_000, 2023: DISC_500 * 4000 / 10_000}, rel=1e-6)


def test_change_since_the_base_year_is_now_minus_then(dated_grid, series):
    city = city_coverage(series, {y: dated_grid.population_in(y) for y in dated_grid.years})
    change = coverage_change(city, 2022, 2023, by=["category"]).set_index("category")
    # Reach improved: the office moved to where three times as many people live.
    assert change.loc["qm", "share_500_change"] == pytest.approx(DISC_500 * 3000 / 10_000, rel=1e-6)
    assert change.loc["qm", "count_change"] == 0
    per_area = coverage_change(series, 2022, 2023).set_index(["area_key", "category"])
    assert per_area.loc[("01", "any"), "count_base"] == 2
    assert per_area.loc[("01", "any"), "count"] == 1
    assert per_area.loc[("01", "any"), "count_change"] == -1


def test_a_series_without_access_has_counts_only(grid_dataset):
    sites = grid_dataset.sites.assign(start=[2023.0, None, None, None], end=None)
    table = coverage_over_years(grid_dataset.areas, sites, ["qm"], [2022, 2023],
                                population={2022: grid_dataset.population_in(2022)})
    assert not any(c.startswith("share_") for c in table.columns)
    # s1 (QM Nordwest) starts in 2023; s3 (QM Südost) always runs. 2023 has no population given:
    # the areas' own column (Südost: 4,000) is used.
    assert _figure(table, "count", 2022, "qm") == {"01": 0, "02": 0, "03": 0, "04": 1}
    assert _figure(table, "count", 2023, "qm") == {"01": 1, "02": 0, "03": 0, "04": 1}
    assert _figure(table, "per_1000", 2023, "qm")["04"] == pytest.approx(0.25)


def test_no_years_gives_an_empty_table(grid_dataset):
    table = coverage_over_years(grid_dataset.areas, grid_dataset.sites, ["qm"], [], population={})
    assert isinstance(table, pd.DataFrame) and table.empty
