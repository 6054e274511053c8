"""The geometry on the wire: quantised, delta-coded, decoded back to the rounded coordinates.

A hand-made 2×2 grid of squares of 0.01° with shared borders, one of them a
multipolygon with a hole: every coordinate is a multiple of 1e-5°, so the
decoded geometry equals the original exactly (after rounding away float noise).
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geodash.web.wire import (
    AreaWireCache,
    decode_areas,
    decoded_geometries,
    encode_areas,
    unzigzag,
    varint_decode,
    varint_encode,
    zigzag,
)

X0, Y0, STEP = 8.4, 49.48, 0.01


def grid() -> list:
    cells = [box(X0 + i * STEP, Y0 + j * STEP, X0 + (i + 1) * STEP, Y0 + (j + 1) * STEP)
             for j in (1, 0) for i in (0, 1)]
    # Südost: the square with a hole, plus an island east of the grid.
    hole = box(X0 + 1.4 * STEP, Y0 + 0.4 * STEP, X0 + 1.6 * STEP, Y0 + 0.6 * STEP)
    cells[3] = MultiPolygon([Polygon(cells[3].exterior.coords, [hole.exterior.coords]),
                             box(X0 + 2.5 * STEP, Y0, X0 + 2.6 * STEP, Y0 + 0.1 * STEP)])
    return cells


KEYS = ["01", "02", "03", "04"]
NAMES = ["Nordwest", "Nordost", "Südwest", "Südost"]


def test_varints_and_zigzag_round_trip_small_and_large_numbers():
    values = np.array([0, 1, 127, 128, 300, 2**35 + 7, 2**62])
    assert varint_decode(varint_encode(values)).tolist() == values.tolist()
    assert zigzag(np.array([0, -1, 1, -2, 2])).tolist() == [0, 1, 2, 3, 4]
    signed = np.array([0, -1, 5, -123456789, 2**40])
    assert unzigzag(zigzag(signed)).tolist() == signed.tolist()


def test_decoding_gives_back_the_rounded_coordinates_keys_and_names():
    data = encode_areas(grid(), KEYS, NAMES)
    decoded = decode_areas(data)
    assert decoded["keys"] == KEYS and decoded["names"] == NAMES
    assert decoded["polys_per_area"].tolist() == [1, 1, 1, 2]
    assert decoded["rings_per_poly"].tolist() == [1, 1, 1, 2, 1]  # shell + hole, then the island
    assert decoded["vertices_per_ring"].tolist() == [4] * 6  # closing vertices are not sent
    geoms = decoded_geometries(decoded)
    for got, want in zip(geoms, grid(), strict=True):
        got = shapely.set_precision(got, 1e-7)
        assert got.equals(shapely.set_precision(want, 1e-7))


def test_coordinates_are_quantised_to_about_a_metre():
    wobbly = [box(8.4000049, 49.48, 8.41, 49.4900051)]
    geom = decoded_geometries(decode_areas(encode_areas(wobbly, ["a"], ["A"])))[0]
    xs, ys = shapely.get_coordinates(geom).T
    assert set(np.round(xs, 6)) == {8.4, 8.41} and set(np.round(ys, 6)) == {49.48, 49.49001}


def test_neighbouring_vertices_cost_a_few_bytes_each():
    # 100 × 100 squares of 0.001°: 40,000 vertices, each 100 steps from the one before.
    cells = [box(X0 + i * 0.001, Y0 + j * 0.001, X0 + (i + 1) * 0.001, Y0 + (j + 1) * 0.001)
             for j in range(100) for i in range(100)]
    keys = [f"{i:05d}" for i in range(len(cells))]
    data = encode_areas(cells, keys, keys)
    header = len(json.dumps({"keys": keys, "names": keys}))
    per_vertex = (len(data) - header) / (4 * len(cells))
    assert per_vertex < 4.5  # two varints of 1–2 bytes, against ~20 characters in GeoJSON
    assert len(gzip.compress(data)) < len(data) / 2


def test_an_empty_city_encodes_and_decodes():
    decoded = decode_areas(encode_areas([], [], []))
    assert decoded["keys"] == [] and len(decoded["coords"]) == 0


def test_the_cache_encodes_once_per_dataset(grid_dataset):
    cache = AreaWireCache()
    first = cache.get(grid_dataset)
    assert cache.get(grid_dataset) is first
    assert decode_areas(first.body)["names"] == NAMES
    assert len(first.etag) == 20


@pytest.fixture(scope="module")
def client(grid_dataset):
    from geodash.web.app import create_app

    return create_app(grid_dataset).server.test_client()


def test_the_route_sends_the_geometry_with_a_version_and_304_after(client):
    path = "/_geodash/areas.bin"
    plain = client.get(path)
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"
    etag = plain.headers["ETag"].strip('"')
    assert decode_areas(plain.data)["keys"] == KEYS
    versioned = client.get(f"{path}?v={etag}", headers={"Accept-Encoding": "gzip"})
    assert "immutable" in versioned.headers["Cache-Control"]
    again = client.get(f"{path}?v={etag}", headers={"Accept-Encoding": "gzip",
                                                    "If-None-Match": versioned.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(("accept", "encoding"), [("gzip", "gzip"), ("gzip, deflate, br", "br")])
def test_pages_bundles_and_callbacks_go_out_compressed(client, accept, encoding):
    import re

    page = client.get("/", headers={"Accept-Encoding": accept})
    assert page.headers.get("Content-Encoding") == encoding
    scripts = re.findall(r'src="([^"]+\.js[^"]*)"', client.get("/").get_data(as_text=True))
    bundles = [s for s in scripts if "dash_leaflet" in s or "dash_ag_grid" in s or "plotly" in s]
    assert bundles
    for src in bundles:
        response = client.get(src, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") == encoding, src
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": accept})
    assert layout.headers.get("Content-Encoding") == encoding


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client):
    assert "Content-Encoding" not in client.get("/").headers


def test_a_shared_corner_or_border_vertex_is_sent_once():
    squares = [box(X0 + i * STEP, Y0 + j * STEP, X0 + (i + 1) * STEP, Y0 + (j + 1) * STEP)
               for j in (1, 0) for i in (0, 1)]
    data = encode_areas(squares, KEYS, NAMES)
    (size,) = np.frombuffer(data[:4], dtype="<u4")
    counts = json.loads(data[4:4 + int(size)])["counts"]
    assert counts[3:5] == [16, 9]  # 4 × 4 ring vertices, 3 × 3 distinct corners
    geoms = decoded_geometries(decode_areas(data))
    assert all(shapely.set_precision(g, 1e-7).equals(shapely.set_precision(s, 1e-7))
               for g, s in zip(geoms, squares, strict=True))
