"""label_points: one point inside each area for its name, on shapes whose answer is known by hand."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geodash.analysis.label_points import label_points

METRIC = "EPSG:25832"
X0, Y0 = 456_000, 5_480_000


def frame(*shapes) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"key": [str(i) for i in range(len(shapes))]},
                            geometry=list(shapes), crs=METRIC)


def test_a_square_gets_its_centre():
    # box 0..1000 × 0..1000: centroid (500, 500), inside.
    point = label_points(frame(box(X0, Y0, X0 + 1000, Y0 + 1000)), METRIC).iloc[0]
    assert (point.x, point.y) == pytest.approx((X0 + 500, Y0 + 500))


def test_a_u_shape_whose_centroid_lies_in_the_gap_gets_a_point_inside():
    # The U: 30 × 30 with the gap x 10..20, y 10..30. Area 900 − 200 = 700; the centroid's
    # x is 15 (symmetric), y = (900·15 − 200·20) / 700 = 13.57…, which lies in the gap.
    u = Polygon([(0, 0), (30, 0), (30, 30), (20, 30), (20, 10), (10, 10), (10, 30), (0, 30)])
    areas = frame(u)
    assert not u.contains(u.centroid) and u.centroid.y == pytest.approx(9500 / 700)
    point = label_points(areas, METRIC).iloc[0]
    assert u.contains(point)


def test_an_area_of_two_parts_gets_a_point_in_one_of_them():
    # Two squares 10 m apart: the centroid (15, 5) lies between them.
    parts = MultiPolygon([box(0, 0, 10, 10), box(20, 0, 30, 10)])
    point = label_points(frame(parts), METRIC).iloc[0]
    assert parts.contains(point)


def test_points_come_back_in_the_areas_crs_and_order():
    areas = frame(box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000))
    wgs84 = areas.to_crs("EPSG:4326")
    points = label_points(wgs84, METRIC)
    assert points.crs == wgs84.crs and list(points.index) == list(wgs84.index)
    back = points.to_crs(METRIC)
    assert back.x.tolist() == pytest.approx([X0 + 500, X0 + 1500], abs=0.01)
    assert back.y.tolist() == pytest.approx([Y0 + 500, Y0 + 500], abs=0.01)
