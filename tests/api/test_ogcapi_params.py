"""The OGC API's parameters and CRS, read without a server."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from geodash.api.crs import CRS84, box_to_crs84, geometries_in, parse_crs, served_crs
from geodash.api.params import items_query, years
from geodash.errors import ParameterError

SERVED = served_crs("EPSG:25832")
UTM = "http://www.opengis.net/def/crs/EPSG/0/25832"


@pytest.mark.parametrize("text", [UTM, "EPSG:25832", "[EPSG:25832]", "epsg:25832",
                                  "https://www.opengis.net/def/crs/EPSG/0/25832"])
def test_a_crs_is_named_by_uri_short_form_or_safe_curie(text):
    assert parse_crs(text, SERVED).uri == UTM


@pytest.mark.parametrize("text", ["OGC:CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]"])
def test_crs84_has_its_spellings(text):
    assert parse_crs(text, SERVED).uri == CRS84


def test_a_crs_the_api_does_not_serve_is_refused_with_the_list():
    with pytest.raises(ParameterError, match="25832"):
        parse_crs("EPSG:31467", SERVED)


def test_epsg_4326_is_latitude_first_and_the_others_are_not():
    assert [c.latitude_first for c in SERVED.values()] == [False, True, False]


def test_a_metric_box_becomes_a_crs84_polygon_covering_its_curved_outline():
    # 10 km in UTM 32N: its corners in degrees, computed with pyproj, lie on the polygon's boundary.
    box = box_to_crs84((450_000, 5_470_000, 460_000, 5_480_000), SERVED[UTM])
    to_lonlat = pyproj.Transformer.from_crs("EPSG:25832", "OGC:CRS84", always_xy=True)
    for x, y in [(450_000, 5_470_000), (460_000, 5_480_000), (455_000, 5_470_000)]:
        lon, lat = to_lonlat.transform(x, y)
        assert box.boundary.distance(shapely.Point(lon, lat)) < 1e-9


def test_geometries_in_utm_keep_their_vertex_order_and_round_to_the_millimetre():
    point = shapely.Point(8.4, 49.48)
    [moved] = geometries_in(np.array([point]), SERVED[UTM])
    x, y = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:25832", always_xy=True).transform(8.4, 49.48)
    assert (moved.x, moved.y) == (round(x, 3), round(y, 3))


def test_the_items_query_reads_every_parameter():
    query = items_query({"limit": "5", "offset": "10", "bbox": "1,2,3,4", "bbox-crs": "EPSG:4326",
                         "datetime": "2020/2021", "properties": "b,a,b", "crs": "EPSG:25832"},
                        SERVED, ["a", "b"], max_limit=100)
    assert (query.limit, query.offset, query.bbox, query.years, query.properties) == (
        5, 10, (1.0, 2.0, 3.0, 4.0), (2020, 2021), ["b", "a"])
    assert query.bbox_crs.latitude_first and query.crs.uri == UTM


def test_a_box_with_heights_keeps_its_corners():
    assert items_query({"bbox": "1,2,0,3,4,100"}, SERVED, [], max_limit=10).bbox == (1, 2, 3, 4)


@pytest.mark.parametrize("text", ["2021-02-30", "20211", "2021/2020", "heute", "2021//2022", ""])
def test_a_datetime_that_is_no_time_is_refused(text):
    with pytest.raises(ParameterError, match="datetime"):
        years(text)


def test_the_store_builds_a_table_once_for_many_threads_and_keeps_it(grid_dataset):
    from concurrent.futures import ThreadPoolExecutor

    from geodash.api.collections import COLLECTIONS
    from geodash.api.features import TableStore

    store = TableStore(maxsize=2)
    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(lambda _: store.get(grid_dataset, COLLECTIONS["areas"], 2023), range(8)))
    assert all(t is tables[0] for t in tables)
    store.get(grid_dataset, COLLECTIONS["areas"], 2022)
    store.get(grid_dataset, COLLECTIONS["sites"], None)
    assert store.get(grid_dataset, COLLECTIONS["areas"], 2023) is not tables[0]  # the oldest went
