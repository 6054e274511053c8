"""Programme evaluation on five hand-made 1 km squares: resident shares, inside/outside, DiD.

Layout (x in km, all squares y 0–1 km, EPSG:25832)::

    A 0–1   B 1–2   C 2–3   D 3–4   E 4–5
       [====Z: 0.5–2, since 2021====]
       [Z2: 0.5–1, 2010–2012]
            [Z3: 1–1.5, since 2019]

Z covers the eastern half of A and all of B; Z2 lies inside Z (over A); Z3
inside Z (over B). C, D and E are never touched by any programme area.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geodash.analysis.evaluation import (
    difference_in_differences,
    index_inside_outside,
    resident_shares,
    running,
    zone_resident_shares,
)

CRS = "EPSG:25832"
KEYS = ["A", "B", "C", "D", "E"]
POPULATION = {"A": 1000.0, "B": 2000.0, "C": 1000.0, "D": 3000.0, "E": 1000.0}
YEARS = [2019, 2020, 2021, 2022]
# status index by year: A, B, C, D, E
STATUS = {
    2019: [2.0, 1.0, 1.0, 0.0, -2.0],
    2020: [2.0, 1.0, 1.5, 0.0, -2.0],
    2021: [1.0, 0.5, 1.5, 0.5, -2.0],
    2022: [1.0, 0.5, 1.5, 0.5, -2.0],
}


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"key": KEYS},
                            geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(5)],
                            crs=CRS)


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": ["z", "z2", "z3"], "name": ["Z", "Z2", "Z3"],
         "programme": ["Soziale Stadt", "Soziale Stadt", None],
         "since": [2021.0, 2010.0, 2019.0], "until": [np.nan, 2012.0, np.nan]},
        geometry=[box(500, 0, 2000, 1000), box(500, 0, 1000, 1000), box(1000, 0, 1500, 1000)],
        crs=CRS)


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    """Grid residents: A has 60 in its western (outside) half and 20 in its eastern half;
    B has 100, all inside Z; C has 50; D and E have no grid point (their surface counts)."""
    return gpd.GeoDataFrame(
        {"area_key": ["A", "A", "B", "C"], "weight": [60.0, 20.0, 100.0, 50.0]},
        geometry=[Point(250, 500), Point(750, 500), Point(1250, 500), Point(2500, 500)], crs=CRS)


def index_frame() -> pd.DataFrame:
    return pd.DataFrame([{"area_key": k, "year": y, "status_index": v}
                         for y, values in STATUS.items() for k, v in zip(KEYS, values, strict=True)])


def population_frame() -> pd.DataFrame:
    return pd.DataFrame([{"area_key": k, "year": y, "population": p}
                         for y in YEARS for k, p in POPULATION.items()])


def test_a_zone_runs_from_its_start_to_its_end_year(zones):
    assert running(zones, 2011).tolist() == [False, True, False]
    assert running(zones, 2019).tolist() == [False, False, True]
    assert running(zones, 2021).tolist() == [True, False, True]


def test_surface_shares_are_the_covered_part_of_each_area(areas, zones):
    shares = zone_resident_shares(areas, zones)
    got = {(r.area_key, r.zone_id): r.share for r in shares.itertuples()}
    # Z: half of A (500 m of 1000 m), all of B; Z2: half of A; Z3: half of B.
    assert got == pytest.approx({("A", "z"): 0.5, ("B", "z"): 1.0, ("A", "z2"): 0.5,
                                 ("B", "z3"): 0.5})
    assert set(shares["by"]) == {"surface"}


def test_grid_points_say_where_residents_live_and_areas_without_points_keep_their_surface(
        areas, zones, points):
    shares = zone_resident_shares(areas, zones, points=points).set_index(["area_key", "zone_id"])
    # A: 20 of its 60 + 20 residents live in the eastern half → 20 / 80 = 0.25 (not 0.5).
    assert shares.loc[("A", "z"), "share"] == pytest.approx(20 / 80)
    assert shares.loc[("A", "z"), "by"] == "points"
    assert shares.loc[("B", "z"), "share"] == pytest.approx(100 / 100)
    # Z3 covers B's western half, where its one point (x = 1250) lies: 100 / 100.
    assert shares.loc[("B", "z3"), "share"] == pytest.approx(1.0)


def test_shares_per_year_count_only_running_zones_and_overlaps_once(areas, zones):
    shares = resident_shares(areas, zones, [2011, 2019, 2020, 2021]).set_index(["area_key", "year"])
    # 2011: only Z2 runs (half of A). 2019–2020: only Z3 (half of B).
    assert shares.loc[("A", 2011), "share"] == pytest.approx(0.5)
    assert shares.loc[("B", 2011), "share"] == 0.0
    assert shares.loc[("B", 2019), "share"] == pytest.approx(0.5)
    assert shares.loc[("A", 2020), "share"] == 0.0
    # 2021: Z and Z3 run; Z3 lies inside Z, so B is 1.0 (not 1.5 clipped), A 0.5.
    assert shares.loc[("A", 2021), "share"] == pytest.approx(0.5)
    assert shares.loc[("B", 2021), "share"] == pytest.approx(1.0)
    assert shares.loc[("C", 2021), "share"] == 0.0
    assert len(shares) == 5 * 4  # every area in every year


def test_shares_per_year_follow_the_grid_points(areas, zones, points):
    shares = resident_shares(areas, zones, [2021], points=points).set_index("area_key")
    assert shares.loc["A", "share"] == pytest.approx(0.25)
    assert shares.loc["B", "share"] == pytest.approx(1.0)
    assert shares["by"].to_dict() == {"A": "points", "B": "points", "C": "points",
                                      "D": "surface", "E": "surface"}


def test_the_index_inside_weighs_each_area_by_its_residents_inside(areas, zones):
    shares = resident_shares(areas, zones, [2021])
    index = index_frame()
    result = index_inside_outside(index[index["year"] == 2021], shares,
                                  population_frame()).set_index("year")
    # 2021: shares A 0.5, B 1.0; index A 1.0, B 0.5, C 1.5, D 0.5, E −2.0.
    # inside  = (1000·0.5·1.0 + 2000·1·0.5) / (500 + 2000) = 1500 / 2500 = 0.6
    # outside = (1000·0.5·1.0 + 1000·1.5 + 3000·0.5 + 1000·(−2)) / (500 + 1000 + 3000 + 1000)
    #         = (500 + 1500 + 1500 − 2000) / 5500 = 1500 / 5500
    row = result.loc[2021]
    assert row["inside"] == pytest.approx(0.6)
    assert row["outside"] == pytest.approx(1500 / 5500)
    assert (row["n_inside"], row["n_outside"]) == (2, 4)  # A, B; A, C, D, E
    assert row["residents_inside"] == pytest.approx(2500)
    assert row["residents_outside"] == pytest.approx(5500)


def test_without_residents_the_shares_are_the_weights(areas, zones):
    shares = resident_shares(areas, zones, [2019])
    index = index_frame()
    result = index_inside_outside(index[index["year"] == 2019], shares).set_index("year")
    # 2019: only Z3 runs, B half inside. inside = B's 1.0;
    # outside = (2 + 0.5·1 + 1 + 0 − 2) / (1 + 0.5 + 1 + 1 + 1) = 1.5 / 4.5
    assert result.loc[2019, "inside"] == pytest.approx(1.0)
    assert result.loc[2019, "outside"] == pytest.approx(1.5 / 4.5)


def test_a_side_without_weight_is_nan_not_zero():
    index = pd.DataFrame({"area_key": ["a"], "year": [2020], "status_index": [1.0]})
    result = index_inside_outside(index, pd.DataFrame(columns=["area_key", "year", "share"]))
    assert np.isnan(result.loc[0, "inside"]) and result.loc[0, "outside"] == 1.0


def test_difference_in_differences_by_hand(areas, zones):
    shares = zone_resident_shares(areas, zones)
    table = difference_in_differences(index_frame(), shares, zones.drop(columns="geometry"),
                                      population=population_frame(), n_comparison=2)
    z = table.set_index("zone_id").loc["z"]
    # Z starts 2021: before 2019–2020, after 2021–2022, matched in 2020.
    assert z["pre_years"] == (2019, 2020) and z["post_years"] == (2021, 2022)
    assert z["match_year"] == 2020
    # Treated weights: A 1000·0.5 = 500, B 2000·1 = 2000.
    # Match 2020: (500·2 + 2000·1) / 2500 = 1.2. Never touched: C 1.5 (|0.3|), D 0 (1.2),
    # E −2 (3.2) → the two nearest are C, then D.
    assert z["areas"] == ("A", "B") and z["comparison"] == ("C", "D")
    assert (z["n_areas"], z["n_comparison"]) == (2, 2)
    # treated before: both years (500·2 + 2000·1) / 2500 = 1.2
    # treated after:  (500·1 + 2000·0.5) / 2500 = 0.6
    # comparison before: (1000·1 + 3000·0 + 1000·1.5 + 3000·0) / 8000 = 0.3125
    # comparison after:  (1000·1.5 + 3000·0.5) · 2 / 8000 = 0.75
    assert z["treated_pre"] == pytest.approx(1.2)
    assert z["treated_post"] == pytest.approx(0.6)
    assert z["comparison_pre"] == pytest.approx(0.3125)
    assert z["comparison_post"] == pytest.approx(0.75)
    # (0.6 − 1.2) − (0.75 − 0.3125) = −0.6 − 0.4375 = −1.0375
    assert z["did"] == pytest.approx(-1.0375)
    assert pd.isna(z["reason"])  # an estimate needs no reason


def test_unweighted_difference_in_differences_by_hand(areas, zones):
    shares = zone_resident_shares(areas, zones)
    z = difference_in_differences(index_frame(), shares, zones.drop(columns="geometry"),
                                  n_comparison=1).set_index("zone_id").loc["z"]
    # Weights are the shares: A 0.5, B 1. Match 2020: (0.5·2 + 1) / 1.5 = 4/3 → nearest C (1.5).
    # treated: before (1 + 1) / 1.5 = 4/3, after (0.5 + 0.5) / 1.5 = 2/3
    # C: before (1 + 1.5) / 2 = 1.25, after 1.5 → DiD = (2/3 − 4/3) − (1.5 − 1.25) = −11/12
    assert z["comparison"] == ("C",)
    assert z["did"] == pytest.approx(-11 / 12)


def test_no_year_before_the_start_gives_a_reason_not_a_number(areas, zones):
    shares = zone_resident_shares(areas, zones)
    table = difference_in_differences(index_frame(), shares, zones.drop(columns="geometry"),
                                      population=population_frame()).set_index("zone_id")
    z3 = table.loc["z3"]
    # Z3 starts 2019, the first year with data: the after means exist, the estimate does not.
    assert z3["reason"] == "no_before" and np.isnan(z3["did"])
    assert z3["match_year"] == 2019 and z3["pre_years"] == ()
    assert z3["treated_post"] == pytest.approx(np.mean([1.0, 1.0, 0.5, 0.5]))  # B alone
    # Z2 ran 2010–2012, before the data begin: nothing after either.
    assert table.loc["z2", "reason"] == "no_after" and np.isnan(table.loc["z2", "did"])


def test_areas_touched_by_any_programme_area_are_never_comparison_areas(areas, zones):
    shares = zone_resident_shares(areas, zones)
    table = difference_in_differences(index_frame(), shares, zones.drop(columns="geometry"),
                                      n_comparison=10)
    for comparison in table["comparison"]:
        assert not set(comparison) & {"A", "B"}
