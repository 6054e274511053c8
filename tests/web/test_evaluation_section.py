"""The programme evaluation on the coverage page: the 2×2 grid by hand, and the Ludwigshafen demo.

Grid (tests/conftest.py): zone West (since 2005) covers the western half of
Nordwest (01, 1,000 residents) and all of Südwest (03, 3,000); Nordost (02,
2,000) and Südost (04, 4,000) are never in a programme area. Status index
2022: z = (alq − 12.5) / √31.25 for alq 5, 10, 15, 20.
"""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import pytest
from dash_tree import find, text
from shapely.geometry import Point

from geodash.web.figures import derived, evaluation
from geodash.web.pages import coverage, coverage_evaluation
from geodash.web.state import ViewState
from tests.conftest import X0, Y0

Z2022 = {k: (v - 12.5) / math.sqrt(31.25) for k, v in {"01": 5, "02": 10, "03": 15, "04": 20}.items()}


@pytest.fixture(scope="module")
def demo():
    from geodash.workspace import load_workspace

    return load_workspace()


def with_population_grid(dataset):
    """The grid with a population grid: Nordwest has 300 residents in its western half (inside
    West) and 100 in its eastern half; Südwest 200, Nordost and Südost 50 each."""
    cells = [(250, 1500, 300), (750, 1500, 100), (500, 500, 200), (1500, 1500, 50), (1500, 500, 50)]
    grid = gpd.GeoDataFrame({"count": [float(c) for _, _, c in cells]},
                            geometry=[Point(X0 + x, Y0 + y) for x, y, _ in cells], crs="EPSG:25832")
    return dataclasses.replace(dataset, population_grid=grid)


def test_without_a_population_grid_the_surface_share_counts_and_the_page_says_so(grid_dataset):
    assert evaluation.weighting(grid_dataset) == "surface"
    shares = evaluation.programme_shares(grid_dataset)
    got = shares[shares["year"] == 2022].set_index("area_key")["share"]
    assert got.to_dict() == pytest.approx({"01": 0.5, "02": 0.0, "03": 1.0, "04": 0.0})
    page = coverage.layout(grid_dataset, ViewState())
    note = text(find(page, coverage_evaluation.WEIGHTING))
    assert "Flächenanteil" in note and "ohne Schwelle" in note
    assert "Einwohnerzahl gewichtet" in note


def test_a_population_grid_says_where_residents_live(grid_dataset):
    dataset = with_population_grid(grid_dataset)
    assert evaluation.weighting(dataset) == "points"
    shares = evaluation.programme_shares(dataset)
    got = shares[shares["year"] == 2022].set_index("area_key")["share"]
    # Nordwest: 300 of its 300 + 100 grid residents live in the western half → 0.75 (surface: 0.5).
    assert got["01"] == pytest.approx(0.75) and got["03"] == pytest.approx(1.0)
    table = evaluation.inside_outside(dataset).set_index("year")
    # Weights: residents × share: Nordwest 1000 · 0.75 = 750, Südwest 3000 · 1 = 3000.
    inside = (750 * Z2022["01"] + 3000 * Z2022["03"]) / 3750
    outside = (250 * Z2022["01"] + 2000 * Z2022["02"] + 4000 * Z2022["04"]) / 6250
    assert table.loc[2022, "inside"] == pytest.approx(inside)
    assert table.loc[2022, "outside"] == pytest.approx(outside)
    note = coverage_evaluation.weighting_note(dataset, "en")
    assert "population grid" in note


def test_the_before_after_table_names_the_comparison_areas_and_says_why_there_is_no_number(
        grid_dataset):
    table = evaluation.did_table(grid_dataset)
    row = table.iloc[0]
    # West started 2005, the data begin 2022: matched in 2022 against the never-covered areas.
    assert row["reason"] == "no_before" and math.isnan(row["did"])
    # Treated 2022: (500 · −1.342 + 3000 · 0.447) / 3500 = 0.192; Nordost −0.447 is nearer than
    # Südost 1.342.
    assert row["comparison"] == ("02", "04")
    page = coverage.layout(grid_dataset, ViewState())
    did = text(find(page, coverage_evaluation.DID_TABLE))
    assert "Nordost, Südost" in did
    assert "Nordwest (50 %)" in did and "Südwest (100 %)" in did
    assert "Kein Jahr vor dem Start (2005) in den Daten (erstes Jahr 2022)" in did
    reading = text(find(page, coverage_evaluation.DID_NOTE))
    assert "parallele Trends" in reading and "beweist keine Wirkung" in reading


def test_the_before_after_table_speaks_english(grid_dataset):
    page = coverage.layout(grid_dataset, ViewState(lang="en"))
    did = text(find(page, coverage_evaluation.DID_TABLE))
    assert "No year before the start (2005)" in did and "Nordost, Südost" in did
    assert "parallel trends" in text(find(page, coverage_evaluation.DID_NOTE))


def test_a_difference_in_differences_is_shown_with_its_sign(grid_dataset):
    # The same zone starting in 2023: before 2022, after 2023 (2023: z of 4, 8, 16, 22.5).
    zones = grid_dataset.zones.assign(since=2023.0)
    dataset = dataclasses.replace(grid_dataset, zones=zones)
    row = evaluation.did_table(dataset).iloc[0]
    status = derived.status_by_year(dataset).set_index(["area_key", "year"])["status_index"]
    z23 = {k: status[(k, 2023)] for k in ("01", "02", "03", "04")}
    # Matched 2022 on 0.192: Nordost (|−0.447 − 0.192| = 0.64) before Südost (1.15).
    assert row["comparison"] == ("02", "04")
    treated_pre = (500 * Z2022["01"] + 3000 * Z2022["03"]) / 3500
    treated_post = (500 * z23["01"] + 3000 * z23["03"]) / 3500
    control_pre = (2000 * Z2022["02"] + 4000 * Z2022["04"]) / 6000
    control_post = (2000 * z23["02"] + 4000 * z23["04"]) / 6000
    expected = (treated_post - treated_pre) - (control_post - control_pre)
    assert row["did"] == pytest.approx(expected)
    cell = text(find(coverage.layout(dataset, ViewState()), coverage_evaluation.DID_TABLE))
    shown = f"{expected:+.2f}".replace(".", ",").replace("-", "−")
    assert shown in cell


# -- the Ludwigshafen demo -------------------------------------------------------------------


def test_demo_programme_area_since_2019_counts_with_its_small_shares(demo):
    zone = demo.zones.set_index("name").loc["Dichterquartier", "zone_id"]
    surface = demo.zone_shares[demo.zone_shares["zone_id"] == zone].set_index("area_key")["share"]
    assert sorted(surface.index) == ["02", "10"]
    assert surface.between(0.03, 0.05).all()  # about 4 % of each: under the old 10 % rule, nowhere
    shares = evaluation.programme_shares(demo)
    in_2023 = shares[(shares["year"] == 2023) & (shares["share"] > 0)].set_index("area_key")["share"]
    # 2023: West (13 % of district 04) and Dichterquartier (02, 10); district 10's other zone
    # (Mundenheim Südost) ended 2013, district 12's (Oggersheim-West) 2019.
    assert sorted(in_2023.index) == ["02", "04", "10"]
    assert in_2023["02"] == pytest.approx(surface["02"])
    assert in_2023["10"] == pytest.approx(surface["10"])


def test_demo_inside_from_2020_is_not_one_district_counted_wholly(demo):
    table = evaluation.inside_outside(demo).set_index("year")
    status = derived.status_by_year(demo).set_index(["area_key", "year"])["status_index"]
    shares = evaluation.programme_shares(demo).set_index(["area_key", "year"])["share"]
    population = demo.population_table.set_index(["area_key", "year"])["population"]
    for year in (2020, 2023):
        keys = ["02", "04", "10"]
        weights = {k: population[(k, year)] * shares[(k, year)] for k in keys}
        inside = sum(weights[k] * status[(k, year)] for k in keys) / sum(weights.values())
        assert table.loc[year, "inside"] == pytest.approx(inside)
        assert table.loc[year, "n_inside"] == 3
        # Not district 04's own index, which the 10 % rule reported as "inside".
        assert table.loc[year, "inside"] != pytest.approx(status[("04", year)])
        assert table.loc[year, "residents_inside"] == pytest.approx(sum(weights.values()))


def test_demo_table_has_a_row_per_programme_area_and_no_number_without_a_before_year(demo):
    table = evaluation.did_table(demo).set_index("name")
    assert list(table.index) == list(demo.zones["name"])
    # The demo's data begin 2019; every programme area started in or before 2019.
    assert table["did"].isna().all()
    assert table.loc["Dichterquartier", "reason"] == "no_before"
    assert table.loc["Dichterquartier", "n_comparison"] == 5
    touched = set(demo.zone_shares["area_key"])
    assert not set(table.loc["Dichterquartier", "comparison"]) & touched
    assert table.loc["Westend", "reason"] == "no_after"  # ran 2000–2011


def test_the_chart_hover_gives_the_areas_and_residents_on_each_side(grid_dataset):
    from geodash.web.figures import reach

    inside, outside = reach.inside_outside_figure(grid_dataset, "de").data
    # 2022: Nordwest and Südwest (partly) inside with 500 + 3,000 residents; outside
    # Nordwest's other 500, Nordost's 2,000 and Südost's 4,000.
    assert inside.customdata[0].tolist() == pytest.approx([2, 3500])
    assert outside.customdata[0].tolist() == pytest.approx([3, 6500])
    assert "ganz oder teilweise" in inside.hovertemplate and "Einwohner/innen" in inside.hovertemplate
