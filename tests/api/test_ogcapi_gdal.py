"""The real client: GDAL's OAPIF driver (which QGIS uses) reads every collection through paging.

The app runs in a thread on 127.0.0.1 (werkzeug ``make_server``); ``ogrinfo``
and ``ogr2ogr`` talk to it over HTTP, as QGIS would. What ``ogr2ogr`` copies
must equal what ``geodash export`` writes for the same layer: the same
features, the same values, the same coordinates.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from geodash.cli import main as geodash_main
from geodash.web import create_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("ogr2ogr") is None,
                       reason="GDAL's ogr2ogr/ogrinfo are missing (Debian: apt-get install gdal-bin)"),
]

GDAL_BOUND_S = 120  # generous: CI machines are busy
# collection -> (export layer, the property that identifies a feature)
LAYERS = {"areas": ("districts", "key"), "sites": ("sites", "site_id"),
          "zones": ("zones", "zone_id"), "catchments": ("catchments", None)}


@pytest.fixture(scope="module")
def served(demo_dataset):
    """The demo app served in a thread; its OGC API URL. The port: $GEODASH_OGC_PORT, else a free one."""
    app = create_app(demo_dataset)
    server = make_server("127.0.0.1", int(os.environ.get("GEODASH_OGC_PORT", "0")), app.server,
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/ogcapi"
    finally:
        server.shutdown()
        thread.join(timeout=30)


def gdal(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=GDAL_BOUND_S,  # noqa: S603
                          env={**os.environ, "CPL_DEBUG": "ON"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


def test_ogrinfo_lists_every_collection_with_its_title(served):
    text = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{served}")
    for line in ("1: areas (title: Stadtteile mit Indikatoren) (Polygon)",
                 "2: sites (title: Angebote und Projekte) (Point)",
                 "3: zones (title: Programmgebiete) (Polygon)",
                 "4: catchments (title: Einzugsbereiche der Angebote) (Multi Polygon)"):
        assert line in text


def key_of(properties: dict, key: str | None) -> tuple:
    return (properties[key],) if key else (properties["category"], properties["distance"])


def same_value(got, expected) -> bool:
    if expected is None:
        return got is None
    if isinstance(expected, float):
        return got is not None and math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, bool):
        return bool(got) == expected  # GDAL writes booleans as true/false or 1/0
    return got == expected


def coordinates(geometry: dict) -> list[float]:
    def flat(value):
        if isinstance(value, (int, float)):
            return [float(value)]
        return [c for item in value for c in flat(item)]
    return flat(geometry["coordinates"])


@pytest.mark.parametrize("collection", list(LAYERS))
def test_ogr2ogr_copies_every_feature_through_paging_as_geodash_export_writes_it(served, tmp_path,
                                                                                 collection):
    layer, key = LAYERS[collection]
    exported = tmp_path / f"{layer}.geojson"
    assert geodash_main(["export", layer, "-o", str(exported), "--format", "geojson"]) == 0
    copied = tmp_path / f"{collection}.geojson"
    log = gdal("ogr2ogr", "-f", "GeoJSON", str(copied), f"OAPIF:{served}", collection,
               "-oo", "PAGE_SIZE=5")
    expected = json.loads(exported.read_text(encoding="utf-8"))["features"]
    got = json.loads(copied.read_text(encoding="utf-8"))["features"]

    assert len(got) == len(expected) > 0
    pages = log.count(f"/collections/{collection}/items?")
    assert pages >= math.ceil(len(expected) / 5)  # paging was used: pages of 5 features
    by_key = {key_of(f["properties"], key): f for f in got}
    assert len(by_key) == len(got)
    for feature in expected:
        mine = by_key[key_of(feature["properties"], key)]
        for column, value in feature["properties"].items():
            assert same_value(mine["properties"].get(column), value), (column, value,
                                                                        mine["properties"].get(column))
        a, b = coordinates(mine["geometry"]), coordinates(feature["geometry"])
        assert len(a) == len(b)
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 1e-6


def test_gdal_reads_another_year_through_the_collection_url(served, demo_dataset, tmp_path):
    exported = tmp_path / "districts_2021.geojson"
    assert geodash_main(["export", "districts", "-o", str(exported), "--format", "geojson",
                         "--year", "2021"]) == 0
    copied = tmp_path / "areas_2021.geojson"
    log = gdal("ogr2ogr", "-f", "GeoJSON", str(copied), f"OAPIF:{served}/collections/areas?datetime=2021",
               "-oo", "PAGE_SIZE=10")
    assert "HTTP error" not in log
    expected = {f["properties"]["key"]: f["properties"]
                for f in json.loads(exported.read_text(encoding="utf-8"))["features"]}
    got = {f["properties"]["key"]: f["properties"]
           for f in json.loads(copied.read_text(encoding="utf-8"))["features"]}
    assert got.keys() == expected.keys()
    assert {p["year"] for p in got.values()} == {2021}
    for key, properties in expected.items():
        for column, value in properties.items():
            assert same_value(got[key].get(column), value), (key, column)
