"""Shared fixtures: tiny hand-made workspaces whose answers can be checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset

# A 2×2 grid of 1 km squares in EPSG:25832 near Ludwigshafen (x 456000–458000, y 5480000–5482000).
X0, Y0 = 456_000, 5_480_000
GRID = {
    "01": ("Nordwest", "Nord", 1000, (0, 1)),
    "02": ("Nordost", "Nord", 2000, (1, 1)),
    "03": ("Südwest", "Süd", 3000, (0, 0)),
    "04": ("Südost", "Süd", 4000, (1, 0)),
}


def square(ix: int, iy: int, size: int = 1000) -> list[list[float]]:
    x, y = X0 + ix * size, Y0 + iy * size
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def write_grid_geojson(path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"nr": key, "name": name, "bezirk": parent, "ew": pop},
            "geometry": {"type": "Polygon", "coordinates": [square(ix, iy)]},
        }
        for key, (name, parent, pop, (ix, iy)) in GRID.items()
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features,
    }
    path.write_text(json.dumps(collection), encoding="utf-8")


AREAS_TOML = """
kind = "areas"
title = { de = "Gitter", en = "Grid" }
file = "data/grid.geojson"
key_format = { pad = 2 }
[columns]
key = "nr"
name = "name"
parent = "bezirk"
population = "ew"
"""

INDICATORS_TOML = """
kind = "indicators"
file = "data/ind.csv"
format = "wide"
key_format = { pad = 2 }
[columns]
key = "Nr"
year = "Jahr"
[[indicators]]
id = "alq"
column = "Arbeitslosenquote"
label = { de = "Arbeitslosenquote", en = "Unemployment rate" }
unit = "%"
polarity = "need"
in_index = true
aggregate = "weighted_mean"
base = "population"
[[indicators]]
id = "kinder"
column = "Kinder"
label = "Kinder"
unit = "Anzahl"
polarity = "neutral"
aggregate = "sum"
"""

# German CSV: ';', decimal comma, thousands dot, cp1252 written below.
INDICATORS_CSV = (
    "Nr;Name;Jahr;Arbeitslosenquote;Kinder\n"
    "1;Nordwest;2022;5,0;1.200\n"
    "2;Nordost;2022;10,0;300\n"
    "3;Südwest;2022;15,0;450\n"
    "4;Südost;2022;20,0;2.000\n"
    "1;Nordwest;2023;4,0;1.100\n"
    "2;Nordost;2023;8,0;.\n"
    "3;Südwest;2023;16,0;500\n"
    "4;Südost;2023;22,5;2.100\n"
)

SITES_TOML = """
kind = "sites"
file = "data/sites.csv"
geometry = "xy"
crs = "EPSG:25832"
[columns]
id = "ID"
name = "Name"
category = "Art"
x = "X"
y = "Y"
[categories.qm]
label = { de = "Quartiersmanagement", en = "Neighbourhood management" }
color = "#E69F00"
"""

# Three sites: two in Nordwest (one qm, one kurs), one in Südost; one just outside the grid.
SITES_CSV = (
    "ID;Name;Art;X;Y\n"
    f"s1;QM Nordwest;qm;{X0 + 500};{Y0 + 1500}\n"
    f"s2;Kurs Nordwest;kurs;{X0 + 250};{Y0 + 1750}\n"
    f"s3;QM Südost;qm;{X0 + 1500};{Y0 + 500}\n"
    f"s4;Außerhalb;kurs;{X0 - 300};{Y0 + 500}\n"
)

ZONES_TOML = """
kind = "zones"
file = "data/zones.geojson"
programme = "Soziale Stadt"
[columns]
name = "name"
since = "seit"
"""


def write_zones(path: Path) -> None:
    # One zone covering the western half of Nordwest and all of Südwest: shares 0.5 and 1.0.
    ring = [[X0, Y0], [X0 + 1000, Y0], [X0 + 1000, Y0 + 1000], [X0 + 500, Y0 + 1000],
            [X0 + 500, Y0 + 2000], [X0, Y0 + 2000], [X0, Y0]]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "properties": {"name": "West", "seit": 2005},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")


def make_grid_workspace(root: Path) -> Path:
    (root / "layers").mkdir(parents=True)
    (root / "data").mkdir()
    write_grid_geojson(root / "data" / "grid.geojson")
    (root / "data" / "ind.csv").write_bytes(INDICATORS_CSV.encode("cp1252"))
    (root / "data" / "sites.csv").write_bytes(b"\xef\xbb\xbf" + SITES_CSV.encode("utf-8"))
    write_zones(root / "data" / "zones.geojson")
    (root / "layers" / "areas.toml").write_text(AREAS_TOML, encoding="utf-8")
    (root / "layers" / "indicators.toml").write_text(INDICATORS_TOML, encoding="utf-8")
    (root / "layers" / "sites.toml").write_text(SITES_TOML, encoding="utf-8")
    (root / "layers" / "zones.toml").write_text(ZONES_TOML, encoding="utf-8")
    return root


@pytest.fixture
def grid_workspace(tmp_path: Path) -> Path:
    """A fresh, writable copy of the 2×2 grid workspace."""
    return make_grid_workspace(tmp_path / "grid")


@pytest.fixture(scope="session")
def grid_dataset(tmp_path_factory):
    """The 2×2 grid workspace, loaded once for read-only tests."""
    root = make_grid_workspace(tmp_path_factory.mktemp("ws") / "grid")
    return build_dataset(load_catalog(root))


# --- Fixtures for the foundation tests (catalog, sources, load, analysis, export, cli) ---


@pytest.fixture(scope="session")
def grid_origin() -> tuple[int, int]:
    """The south-west corner (x, y) of the grid, in EPSG:25832 metres."""
    return X0, Y0


@pytest.fixture
def grid_areas():
    """The 2×2 grid as an areas frame in EPSG:25832 (key, name, parent, population, geometry)."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    return gpd.GeoDataFrame(
        {
            "key": list(GRID),
            "name": [name for name, _, _, _ in GRID.values()],
            "parent": [parent for _, parent, _, _ in GRID.values()],
            "population": [float(pop) for _, _, pop, _ in GRID.values()],
        },
        geometry=[Polygon(square(ix, iy)) for _, _, _, (ix, iy) in GRID.values()],
        crs="EPSG:25832",
    )


@pytest.fixture(autouse=True, scope="session")
def _private_dataset_cache(tmp_path_factory):
    """Keep the dataset cache of every test run in its own folder, never in ~/.cache."""
    import os

    os.environ["GEODASH_CACHE"] = str(tmp_path_factory.mktemp("geodash-cache"))
    yield


# --- A workspace with repeated area names and the city's own words (issue 10, items 5 and 6) ---

# Two "Schloßstraße" in different Bezirke (told apart by the Bezirk's name) and two "Mitte"
# in the same Bezirk (told apart only by their key). Parent keys are written "01"/"02" in
# the boundaries and "1"/"2" in the lookup table, as spreadsheets do.
DUPLICATE_GRID = {
    "01": ("Schloßstraße", "01", 1000, (0, 1)),
    "02": ("Mitte", "01", 2000, (1, 1)),
    "03": ("Schloßstraße", "02", 3000, (0, 0)),
    "04": ("Mitte", "01", 4000, (1, 0)),
}
DUPLICATE_LABELS = {"01": "Schloßstraße (Nord)", "02": "Mitte (02)",
                    "03": "Schloßstraße (Süd)", "04": "Mitte (04)"}
BEZIRKE_CSV = "Bezirk;Bezirksname\n1;Nord\n2;Süd\n"

DUPLICATE_AREAS_TOML = """
kind = "areas"
title = { de = "Planungsräume", en = "Planning areas" }
file = "data/grid.geojson"
key_format = { pad = 2 }
[unit]
singular = { de = "Planungsraum", en = "planning area" }
plural = { de = "Planungsräume", en = "planning areas" }
[columns]
key = "nr"
name = "name"
population = "ew"
[parent]
column = "bezirk"
names = { file = "data/bezirke.csv", key = "Bezirk", name = "Bezirksname" }
unit = { singular = { de = "Bezirk", en = "borough" }, plural = { de = "Bezirke", en = "boroughs" } }
"""

# The sites of the grid, one category with a code as a state GIS exports it.
JFE = "Jugendfreizeiteinrichtungen (JFE)"


def make_duplicate_names_workspace(root: Path) -> Path:
    """The 2×2 grid with repeated names, a Bezirk lookup table and a category code with spaces."""
    make_grid_workspace(root)
    features = [
        {"type": "Feature", "properties": {"nr": key, "name": name, "bezirk": parent, "ew": pop},
         "geometry": {"type": "Polygon", "coordinates": [square(ix, iy)]}}
        for key, (name, parent, pop, (ix, iy)) in DUPLICATE_GRID.items()
    ]
    (root / "data" / "grid.geojson").write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features,
    }), encoding="utf-8")
    (root / "data" / "bezirke.csv").write_text(BEZIRKE_CSV, encoding="utf-8")
    (root / "layers" / "areas.toml").write_text(DUPLICATE_AREAS_TOML, encoding="utf-8")
    sites = SITES_CSV.replace(";kurs;", f";{JFE};")
    (root / "data" / "sites.csv").write_bytes(b"\xef\xbb\xbf" + sites.encode("utf-8"))
    return root


@pytest.fixture(scope="session")
def duplicate_dataset(tmp_path_factory):
    """The duplicate-names workspace, loaded once for read-only tests."""
    root = make_duplicate_names_workspace(tmp_path_factory.mktemp("dup") / "grid")
    return build_dataset(load_catalog(root))
