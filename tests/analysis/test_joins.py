"""Joins on the 2×2 grid of 1 km squares, with answers computed by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from shapely.geometry import Point, box

from geodash.analysis.districts import districts_layer, latest_year, sites_layer
from geodash.analysis.joins import indicators_wide, locate_sites, site_counts, zone_shares

#   y
#  2000 +--------+--------+
#       |   01   |   02   |
#  1000 +--------+--------+
#       |   03   |   04   |
#     0 +--------+--------+ x
#       0      1000     2000    (metres from the grid origin)


def points(origin, offsets, crs="EPSG:25832") -> gpd.GeoDataFrame:
    x0, y0 = origin
    return gpd.GeoDataFrame(geometry=[Point(x0 + dx, y0 + dy) for dx, dy in offsets], crs=crs)


def zones(origin, *boxes) -> gpd.GeoDataFrame:
    x0, y0 = origin
    return gpd.GeoDataFrame(
        {"zone_id": [f"z{i + 1}" for i in range(len(boxes))]},
        geometry=[box(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in boxes],
        crs="EPSG:25832",
    )


# --- locate_sites ---


@pytest.mark.parametrize(
    ("offset", "key"),
    [
        pytest.param((500, 1500), "01", id="inside-01"),
        pytest.param((1500, 1500), "02", id="inside-02"),
        pytest.param((500, 500), "03", id="inside-03"),
        pytest.param((1500, 500), "04", id="inside-04"),
        pytest.param((1000, 1500), "01", id="border-01-02"),
        pytest.param((1500, 1000), "02", id="border-02-04"),
        pytest.param((500, 1000), "01", id="border-01-03"),
        pytest.param((1000, 500), "03", id="border-03-04"),
        pytest.param((1000, 1000), "01", id="corner-of-all-four"),
        pytest.param((0, 500), "03", id="outer-edge"),
        pytest.param((-300, 500), None, id="outside"),
        pytest.param((5000, 5000), None, id="far-outside"),
    ],
)
def test_site_is_located_in_its_square_and_a_border_goes_to_the_smaller_key(
        grid_areas, grid_origin, offset, key):
    assert locate_sites(points(grid_origin, [offset]), grid_areas).tolist() == [key]


def test_located_keys_do_not_depend_on_the_order_of_the_areas(grid_areas, grid_origin):
    sites = points(grid_origin, [(1000, 1000), (1000, 1500), (1500, 1000), (1500, 500)])
    reversed_areas = grid_areas.iloc[::-1].reset_index(drop=True)

    assert_series_equal(locate_sites(sites, grid_areas), locate_sites(sites, reversed_areas))


def test_located_keys_keep_the_index_of_the_sites(grid_areas, grid_origin):
    sites = points(grid_origin, [(500, 500), (1500, 1500)]).set_axis(["b", "a"])

    result = locate_sites(sites, grid_areas)

    assert_series_equal(result, pd.Series(["03", "02"], index=["b", "a"], dtype=object))


def test_no_sites_give_an_empty_result(grid_areas, grid_origin):
    assert locate_sites(points(grid_origin, []), grid_areas).empty


def test_sites_and_areas_in_different_crs_are_a_programming_error(grid_areas, grid_origin):
    with pytest.raises(ValueError, match="must share a CRS"):
        locate_sites(points(grid_origin, [(5, 5)]).to_crs("EPSG:4326"), grid_areas)


# --- zone_shares ---


def test_fixture_zone_covers_half_of_01_and_all_of_03(grid_areas, grid_origin):
    # The L-shaped zone of tests/conftest.py: x 0–1000 below y 1000, x 0–500 above.
    x0, y0 = grid_origin
    ring = [(x0, y0), (x0 + 1000, y0), (x0 + 1000, y0 + 1000), (x0 + 500, y0 + 1000),
            (x0 + 500, y0 + 2000), (x0, y0 + 2000)]
    zone = gpd.GeoDataFrame({"zone_id": ["west"]}, geometry=gpd.GeoSeries.from_wkt(
        ["POLYGON ((" + ", ".join(f"{x} {y}" for x, y in [*ring, ring[0]]) + "))"]),
        crs="EPSG:25832")

    shares = zone_shares(grid_areas, zone)

    assert_frame_equal(shares, pd.DataFrame(
        {"area_key": ["01", "03"], "zone_id": ["west", "west"], "share": [0.5, 1.0]}),
        check_dtype=False)


def test_zone_shares_per_zone_by_hand(grid_areas, grid_origin):
    # z1: a quarter of 04 (x 1500–2000, y 0–500); z2: the middle strip x 750–1250, y 0–2000.
    shares = zone_shares(grid_areas, zones(grid_origin, (1500, 0, 2000, 500), (750, 0, 1250, 2000)))

    assert shares.values.tolist() == [
        ["01", "z2", 0.25], ["02", "z2", 0.25], ["03", "z2", 0.25], ["04", "z1", 0.25],
        ["04", "z2", 0.25]]


def test_zone_that_only_touches_an_area_is_left_out(grid_areas, grid_origin):
    shares = zone_shares(grid_areas, zones(grid_origin, (2000, 0, 3000, 1000)))

    assert shares.empty
    assert list(shares.columns) == ["area_key", "zone_id", "share"]


def test_zone_shares_need_a_metric_crs(grid_areas, grid_origin):
    with pytest.raises(ValueError, match="projected"):
        zone_shares(grid_areas.to_crs("EPSG:4326"), zones(grid_origin, (0, 0, 10, 10))
                    .to_crs("EPSG:4326"))


# --- indicators_wide and site_counts ---


LONG = pd.DataFrame({
    "area_key": ["01", "02", "01", "02", "01"],
    "indicator": ["alq", "alq", "kinder", "kinder", "alq"],
    "year": [2022, 2022, 2022, 2022, 2023],
    "value": [5.0, 10.0, 1200.0, 300.0, 4.0],
})


def test_indicators_wide_gives_one_row_per_area_and_column_per_indicator():
    wide = indicators_wide(LONG, 2022)

    expected = pd.DataFrame({"alq": [5.0, 10.0], "kinder": [1200.0, 300.0]},
                            index=pd.Index(["01", "02"], name="area_key"))
    assert_frame_equal(wide, expected, check_index_type=False)


def test_indicators_wide_follows_the_requested_ids_and_fills_missing_with_nan():
    wide = indicators_wide(LONG, 2023, ["kinder", "alq"])

    assert list(wide.columns) == ["kinder", "alq"]
    assert wide.loc["01"].tolist()[1] == 4.0
    assert np.isnan(wide.loc["01", "kinder"])


def test_site_counts_per_area_and_category_leave_out_sites_without_area():
    sites = pd.DataFrame({"area_key": ["01", "01", "04", None], "category": ["qm", "kurs", "qm", "kurs"]})

    counts = site_counts(sites, ["qm", "kurs", "beratung"])

    assert counts.index.tolist() == ["01", "04"]
    assert counts.to_dict("list") == {"qm": [1, 1], "kurs": [1, 0], "beratung": [0, 0]}


# --- the districts layer of the grid dataset ---


def grid_districts(dataset, year):
    return districts_layer(
        dataset.areas, dataset.indicators, dataset.sites, dataset.zone_shares, dataset.zones,
        year=year, indicator_ids=list(dataset.indicator_meta), categories=list(dataset.categories))


def test_districts_layer_of_2022_by_hand(grid_dataset):
    layer = grid_districts(grid_dataset, 2022)

    expected = pd.DataFrame({
        "key": ["01", "02", "03", "04"],
        "year": [2022] * 4,
        "alq": [5.0, 10.0, 15.0, 20.0],
        "kinder": [1200.0, 300.0, 450.0, 2000.0],
        "sites_qm": [1, 0, 0, 1],
        "sites_kurs": [1, 0, 0, 0],
        "sites_total": [2, 0, 0, 1],
        "zone_share": [0.5, 0.0, 1.0, 0.0],
        "zones": ["West", "", "West", ""],
    })
    assert_frame_equal(pd.DataFrame(layer[expected.columns]).astype(object),
                       expected.astype(object))
    assert layer.crs == grid_dataset.areas.crs
    assert layer.geometry.geom_equals(grid_dataset.areas.geometry).all()


def test_districts_layer_of_2023_leaves_the_missing_count_empty(grid_dataset):
    layer = grid_districts(grid_dataset, 2023).set_index("key")

    assert layer["alq"].tolist() == [4.0, 8.0, 16.0, 22.5]
    assert np.isnan(layer.loc["02", "kinder"])
    assert layer.loc["04", "kinder"] == 2100.0


def test_districts_layer_without_year_has_empty_indicator_columns(grid_dataset):
    layer = grid_districts(grid_dataset, None)

    assert layer["alq"].isna().all() and layer["kinder"].isna().all()
    assert layer["sites_total"].tolist() == [2, 0, 0, 1]


def test_latest_year_of_the_grid_is_2023(grid_dataset):
    assert latest_year(grid_dataset.indicators) == 2023
    assert latest_year(grid_dataset.indicators.iloc[0:0]) is None


def test_sites_layer_adds_the_area_name_beside_the_key(grid_dataset):
    layer = sites_layer(grid_dataset.sites, grid_dataset.areas)

    position = list(layer.columns).index("area_key")
    assert list(layer.columns)[position + 1] == "area_name"
    assert layer["area_name"].tolist()[:3] == ["Nordwest", "Nordwest", "Südost"]
    assert pd.isna(layer["area_name"].iloc[3])
    assert "area_name" not in grid_dataset.sites.columns


def test_many_sites_per_area_take_the_prepared_path_with_the_same_answers(grid_areas, grid_origin):
    # 10 × 10 sites per square (100 per area: the polygons get prepared), plus the borders.
    offsets = [(x, y) for x in range(50, 2000, 100) for y in range(50, 2000, 100)]
    offsets += [(1000, 1000), (1000, 1500), (1500, 1000), (-300, 500)]
    sites = points(grid_origin, offsets)

    located = locate_sites(sites, grid_areas)

    expected = [("01" if y > 1000 else "03") if x < 1000 else ("02" if y > 1000 else "04")
                for x, y in offsets[:-4]] + ["01", "01", "02", None]
    assert located.tolist() == expected
    assert [locate_sites(sites.iloc[[i]], grid_areas).iloc[0] for i in range(-4, 0)] == expected[-4:]
