"""Accessibility and catchments on a 2×2 km square whose answers are circle segments by hand."""

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodash.analysis.coverage import accessibility, catchments, grid_points, population_points

CRS = "EPSG:25832"
SQUARE = shapely.box(0, 0, 2000, 2000)  # 4 km², 4,000 residents


def areas():
    return gpd.GeoDataFrame({"key": ["Q"], "population": [4000.0]}, geometry=[SQUARE], crs=CRS)


def sites(*placed):
    return gpd.GeoDataFrame(
        {"category": [c for c, _ in placed]}, geometry=[shapely.Point(xy) for _, xy in placed], crs=CRS
    )


def test_site_in_the_centre_reaches_a_full_circle_of_residents():
    result = accessibility(areas(), sites(("qm", (1000, 1000))), ["qm"], [500, 1000])
    row = result.iloc[0]
    # r = 500: whole circle inside: π·500² / 2000²
    assert row["share_500"] == pytest.approx(math.pi * 500**2 / 4e6, rel=1e-3)
    # r = 1000: circle touches the sides, still whole: π/4
    assert row["share_1000"] == pytest.approx(math.pi / 4, rel=1e-3)


def test_site_in_a_corner_reaches_a_quarter_circle():
    result = accessibility(areas(), sites(("kurs", (0, 0))), ["kurs"], [500])
    assert result.iloc[0]["share_500"] == pytest.approx(math.pi * 500**2 / 4 / 4e6, rel=1e-3)


def test_site_on_the_middle_of_an_edge_reaches_a_half_circle():
    result = accessibility(areas(), sites(("treff", (1000, 0))), ["treff"], [500])
    assert result.iloc[0]["share_500"] == pytest.approx(math.pi * 500**2 / 2 / 4e6, rel=1e-3)


def test_circle_cut_by_one_side_leaves_a_segment_outside():
    # centre 200 m from the left side, r = 500: the part beyond x < 0 is a circular
    # segment of height h = 300: area r²·acos((r-h)/r) − (r-h)·sqrt(2rh − h²)
    r, h = 500.0, 300.0
    segment = r**2 * math.acos((r - h) / r) - (r - h) * math.sqrt(2 * r * h - h**2)
    expected = (math.pi * r**2 - segment) / 4e6
    result = accessibility(areas(), sites(("mbe", (200, 1000))), ["mbe"], [500])
    assert result.iloc[0]["share_500"] == pytest.approx(expected, rel=1e-3)


def test_overlapping_circles_of_one_category_are_not_counted_twice():
    # two sites 600 m apart, r = 500: lens overlap 2r²acos(d/2r) − (d/2)·sqrt(4r² − d²)
    r, d = 500.0, 600.0
    lens = 2 * r**2 * math.acos(d / (2 * r)) - d / 2 * math.sqrt(4 * r**2 - d**2)
    expected = (2 * math.pi * r**2 - lens) / 4e6
    result = accessibility(areas(), sites(("ik", (700, 1000)), ("ik", (1300, 1000))), ["ik"], [500])
    assert result.iloc[0]["share_500"] == pytest.approx(expected, rel=1e-3)


def test_mean_distance_from_evenly_spread_residents_matches_the_square_constant():
    # mean distance from the centre of a square of side a: a·(√2 + ln(1+√2))/6
    a = 2000.0
    centre = a * (math.sqrt(2) + math.log(1 + math.sqrt(2))) / 6
    result = accessibility(areas(), sites(("qm", (1000, 1000))), ["qm"], [500], spacing=20)
    assert result.iloc[0]["mean_distance"] == pytest.approx(centre, rel=2e-3)


def test_category_without_sites_has_no_distance_and_nobody_within_reach():
    result = accessibility(areas(), sites(("qm", (1000, 1000))), ["qm", "biwaq"], [500])
    biwaq = result[result["category"] == "biwaq"].iloc[0]
    assert np.isnan(biwaq["mean_distance"])
    assert biwaq["share_500"] == 0.0


def test_population_grid_puts_residents_where_they_live():
    # 300 people at the centre, 100 in the far corner: within 500 m of the centre 300/400
    grid = gpd.GeoDataFrame({"count": [300, 100]},
                            geometry=[shapely.Point(1050, 1050), shapely.Point(1950, 1950)], crs=CRS)
    points = grid_points(grid, areas())
    result = accessibility(areas(), sites(("qm", (1000, 1000))), ["qm"], [500], points=points)
    assert result.iloc[0]["share_500"] == pytest.approx(0.75)
    expected_mean = (300 * math.hypot(50, 50) + 100 * math.hypot(950, 950)) / 400
    assert result.iloc[0]["mean_distance"] == pytest.approx(expected_mean)


def test_population_points_carry_the_whole_population():
    points = population_points(areas(), spacing=100)
    assert len(points) == 400
    assert points["weight"].sum() == pytest.approx(4000.0)


def test_catchments_are_dissolved_per_category_and_distance():
    layer = catchments(sites(("ik", (700, 1000)), ("ik", (1300, 1000)), ("qm", (0, 0))), [500, 1000])
    assert sorted(zip(layer["category"], layer["distance"], strict=True)) == [
        ("ik", 500.0), ("ik", 1000.0), ("qm", 500.0), ("qm", 1000.0)]
    ik500 = layer[(layer["category"] == "ik") & (layer["distance"] == 500)].geometry.iloc[0]
    assert ik500.geom_type == "Polygon"  # the two circles overlap into one
    assert layer.loc[layer["category"] == "ik", "sites"].tolist() == [2, 2]


def test_distances_refuse_a_geographic_crs():
    with pytest.raises(ValueError, match="metric"):
        accessibility(areas().to_crs(4326), sites(("qm", (1000, 1000))).to_crs(4326), ["qm"])
