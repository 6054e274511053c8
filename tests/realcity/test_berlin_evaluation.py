"""The programme evaluation on Berlin's 448 planning areas, with one programme area drawn for the test.

Berlin's published files have no Quartiersmanagement areas, so the test draws
one: a 700 m square around the centroid of the planning area Schillerpromenade
(Neukölln), running since 2017; the MSS 2019 data of today's workspace hold
2016 (before) and 2018 (after). Each number is checked against an independent
computation: the shares against shapely's intersection of the square with each
planning area, the comparison areas against a plain sort of the 2016 index, the
estimate against its four means.
"""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.figures import derived, evaluation

ZONES_TOML = """
kind = "zones"
file = "geodata/qm.geojson"
programme = "Soziale Stadt"
[columns]
name = "name"
since = "seit"
"""


@pytest.fixture(scope="module")
def berlin_with_zone(today_workspace, tmp_path_factory):
    workspace = tmp_path_factory.mktemp("berlin_qm") / "ws"
    shutil.copytree(today_workspace, workspace)
    areas = gpd.read_file(workspace / "geodata" / "lor_planungsraeume_ew.geojson").to_crs(25833)
    centre = areas.loc[areas["PLANUNGSRA"] == "Schillerpromenade"].geometry.iloc[0].centroid
    square = box(centre.x - 350, centre.y - 350, centre.x + 350, centre.y + 350)
    gpd.GeoDataFrame({"name": ["QM Schillerpromenade"], "seit": [2017]}, geometry=[square],
                     crs=25833).to_crs(4326).to_file(workspace / "geodata" / "qm.geojson")
    (workspace / "layers" / "qm.toml").write_text(ZONES_TOML, encoding="utf-8")
    return build_dataset(load_catalog(workspace)), square


def test_each_planning_area_counts_with_the_covered_part_of_it(berlin_with_zone):
    dataset, square = berlin_with_zone
    metric = dataset.areas.to_crs(25833)
    expected = metric.geometry.intersection(square).area / metric.geometry.area
    expected = expected[expected > 1e-6].set_axis(metric.loc[expected > 1e-6, "key"])
    shares = evaluation.programme_shares(dataset)
    got = shares[(shares["year"] == 2018) & (shares["share"] > 1e-6)].set_index("area_key")["share"]
    assert len(got) >= 3  # the square reaches over the neighbours of Schillerpromenade
    assert got.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy(), rel=1e-3)
    assert (shares.loc[shares["year"] == 2016, "share"] == 0).all()  # not running yet


def test_the_difference_in_differences_on_a_real_city(berlin_with_zone):
    dataset, _ = berlin_with_zone
    row = evaluation.did_table(dataset).iloc[0]
    assert row["pre_years"] == (2016,) and row["post_years"] == (2018,)
    assert row["match_year"] == 2016 and row["n_comparison"] == 5
    status = derived.status_by_year(dataset)
    touched = set(row["areas"])
    # Comparison: the five untouched areas whose 2016 index is nearest the treated mean.
    in_2016 = status[(status["year"] == 2016) & ~status["area_key"].isin(touched)].dropna(
        subset=["status_index"])
    population = dataset.population_table.set_index(["area_key", "year"])["population"]
    shares = evaluation.zone_shares(dataset).set_index("area_key")["share"]
    treated = status[(status["year"] == 2016) & status["area_key"].isin(touched)]
    weights = treated["area_key"].map(lambda k: population[(k, 2016)] * shares[k])
    reference = np.average(treated["status_index"], weights=weights)
    nearest = in_2016.assign(d=(in_2016["status_index"] - reference).abs()).nsmallest(5, "d")
    assert set(row["comparison"]) == set(nearest["area_key"])
    did = (row["treated_post"] - row["treated_pre"]) - (row["comparison_post"] - row["comparison_pre"])
    assert row["did"] == pytest.approx(did) and np.isfinite(row["did"])
