"""The source registry: one door for every source kind, chosen by what a layer needs."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geodash import sources
from geodash.cache import cache_key
from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.errors import GeodashError
from geodash.sources import CAPABILITIES, GEOMETRY, SOURCES, TABLE, Source, source_for

SPEC = SimpleNamespace()


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_source_kind_declares_known_capabilities_and_user_errors(name):
    source = SOURCES[name]
    assert source.name == name
    assert source.capabilities and source.capabilities <= CAPABILITIES
    assert all(issubclass(error, GeodashError) for error in source.errors)


@pytest.mark.parametrize(("file", "needs", "expected"), [
    ("angebote.geojson", None, "files"),
    ("angebote.GPKG", None, "files"),
    ("angebote.zip", None, "files"),
    ("angebote.csv", None, "tables"),
    ("angebote.xlsx", None, "tables"),
    # Nobody claims it: the table reader, last in line, says the suffix is not a table format.
    ("angebote.dbf", None, "tables"),
    # Areas need geometry: a CSV goes to the vector reader, which says what is wrong.
    ("stadtteile.csv", GEOMETRY, "files"),
    ("indikatoren.geojson", TABLE, "tables"),
])
def test_source_for_picks_the_kind_that_claims_the_file_and_has_the_capability(file, needs, expected):
    assert source_for(SPEC, Path(file), needs=needs).name == expected


def test_source_for_refuses_an_unknown_capability():
    with pytest.raises(ValueError, match="`needs` was 'colour'"):
        source_for(SPEC, Path("a.csv"), needs="colour")


class MemorySites(Source):
    """A source kind that is no file: sites held in memory (stands in for a database)."""

    name = "memory"
    capabilities = frozenset({GEOMETRY, "change_marker"})

    def __init__(self, frame: gpd.GeoDataFrame, version: str = "1"):
        self.frame, self.version = frame, version

    def claims(self, spec, path):
        return spec.kind == "sites"

    def read(self, spec, path):
        return self.frame.copy()

    def change_marker(self, spec, path):
        return f"version {self.version}"


def test_a_registered_source_kind_feeds_the_dataset_without_touching_the_loaders(grid_workspace,
                                                                                 grid_origin,
                                                                                 monkeypatch):
    x0, y0 = grid_origin
    # One site in Nordwest (01), one in Südost (04): the grid's 1 km squares place them by hand.
    frame = gpd.GeoDataFrame({"ID": ["m1", "m2"], "Name": ["QM A", "Kurs B"], "Art": ["qm", "kurs"]},
                             geometry=[Point(x0 + 500, y0 + 1500), Point(x0 + 1500, y0 + 500)],
                             crs="EPSG:25832")
    monkeypatch.setattr(sources, "SOURCES", {"memory": MemorySites(frame), **SOURCES})

    dataset = build_dataset(load_catalog(grid_workspace))

    assert dataset.sites["site_id"].tolist() == ["m1", "m2"]
    assert dataset.sites["area_key"].tolist() == ["01", "04"]


def test_the_cache_key_follows_a_source_kinds_change_marker(grid_workspace, monkeypatch):
    frame = gpd.GeoDataFrame({"ID": [], "Name": [], "Art": []}, geometry=[], crs="EPSG:25832")
    catalog = load_catalog(grid_workspace)
    monkeypatch.setattr(sources, "SOURCES", {"memory": MemorySites(frame, "1"), **SOURCES})
    first = cache_key(catalog)
    assert cache_key(catalog) == first
    monkeypatch.setattr(sources, "SOURCES", {"memory": MemorySites(frame, "2"), **SOURCES})
    assert cache_key(catalog) != first
