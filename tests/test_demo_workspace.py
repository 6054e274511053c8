"""The Ludwigshafen demo workspace: it loads cleanly, is rich enough to demo, and exports."""

from __future__ import annotations

import json

import pytest
import shapely

from geodash.cli import main
from geodash.workspace import default_workspace, load_workspace

DEMO = default_workspace()

pytestmark = pytest.mark.skipif(
    not any((DEMO / "layers").glob("*.toml")), reason="the demo workspace (layers/*.toml) is absent")


@pytest.fixture(scope="module")
def demo():
    return load_workspace()


def test_demo_loads_without_error_or_repair(demo):
    assert demo.workspace == DEMO.resolve()
    assert demo.report.of("repaired") == ()


def test_demo_has_at_least_15_districts_each_with_a_population(demo):
    assert len(demo.areas) >= 15
    assert demo.areas["population"].notna().all()
    assert (demo.areas["population"] > 0).all()
    assert demo.areas["key"].is_unique and demo.areas["name"].is_unique


def test_demo_population_is_that_of_a_city_like_ludwigshafen(demo):
    assert 150_000 <= demo.areas["population"].sum() <= 200_000


def test_demo_has_at_least_8_indicators_over_3_years(demo):
    years_per_indicator = demo.indicators.groupby("indicator")["year"].nunique()

    assert (years_per_indicator >= 3).sum() >= 8
    assert demo.default_indicator in demo.indicator_meta


def test_demo_has_at_least_40_sites_in_5_categories(demo):
    assert len(demo.sites) >= 40
    assert demo.sites["category"].nunique() >= 5
    assert set(demo.sites["category"]) <= set(demo.categories)


def test_demo_has_programme_areas_that_overlap_districts(demo):
    assert len(demo.zones) >= 1
    assert not demo.zone_shares.empty


def test_demo_exports_every_district_as_rfc7946_geojson(demo, tmp_path):
    target = tmp_path / "stadtteile.geojson"

    assert main(["export", "districts", str(DEMO), "--format", "geojson", "-o", str(target)]) == 0

    text = target.read_text(encoding="utf-8")
    collection = json.loads(text)
    assert "crs" not in collection
    names = sorted(f["properties"]["name"] for f in collection["features"])
    assert names == sorted(demo.areas["name"])
    literal = json.loads(text, parse_float=str)
    for feature in literal["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        for polygon in polygons:
            exterior = [[float(v) for v in point] for point in polygon[0]]
            assert shapely.is_ccw(shapely.linearrings(exterior))
            for ring in polygon:
                for lon, lat in ring:
                    assert len(lon.partition(".")[2]) <= 6 and len(lat.partition(".")[2]) <= 6
                    assert 5.8 < float(lon) < 15.1 and 47.2 < float(lat) < 55.1
