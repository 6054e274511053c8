"""The addresses layer kind and the sites' optional offer columns, read from files."""

from __future__ import annotations

import json

import pytest

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.errors import SpecError
from geodash.web.public.search import address_index
from tests.conftest import X0, Y0

ADDRESSES_TOML = """
kind = "addresses"
title = "Hauskoordinaten"
file = "data/hauskoordinaten.csv"
geometry = "xy"
crs = "EPSG:25832"
[columns]
street = "STN"
number = "HNR"
suffix = "ADZ"
postcode = "PLZ"
x = "RW"
y = "HW"
"""

# As the Vermessungsverwaltung writes house coordinates: ';', decimal comma in the coordinates.
ADDRESSES_CSV = (
    "STN;HNR;ADZ;PLZ;RW;HW\n"
    f"Ludwigstraße;2;;67059;{X0 + 500},0;{Y0 + 1000},0\n"
    f"Ludwigstraße;2;a;67059;{X0 + 520},5;{Y0 + 1000},0\n"
    f"Bürgermeister-Grünzweig-Straße;35;;67063;{X0 + 1500};{Y0 + 500}\n"
    f";7;;67063;{X0 + 10};{Y0 + 10}\n"
)

OSM_TOML = """
kind = "addresses"
file = "data/osm.geojson"
[columns]
street = "addr:street"
number = "addr:housenumber"
postcode = "addr:postcode"
"""


def _osm(path):
    ring = [[8.0, 49.0], [8.001, 49.0], [8.001, 49.001], [8.0, 49.001], [8.0, 49.0]]
    features = [
        {"type": "Feature", "properties": {"addr:street": "Wredestraße", "addr:housenumber": "12b",
                                           "addr:postcode": "67059"},
         "geometry": {"type": "Point", "coordinates": [8.44, 49.48]}},
        {"type": "Feature", "properties": {"addr:street": "Wredestraße", "addr:housenumber": "14-16",
                                           "addr:postcode": "67059"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"addr:street": "Wredestraße", "addr:housenumber": None,
                                           "addr:postcode": "67059"},
         "geometry": {"type": "Point", "coordinates": [8.441, 49.48]}},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_house_coordinates_load_as_an_addresses_layer(grid_workspace):
    (grid_workspace / "layers" / "adressen.toml").write_text(ADDRESSES_TOML, encoding="utf-8")
    (grid_workspace / "data" / "hauskoordinaten.csv").write_text(ADDRESSES_CSV, encoding="utf-8")
    dataset = build_dataset(load_catalog(grid_workspace))
    addresses = dataset.addresses
    assert addresses["street"].tolist() == ["Ludwigstraße"] * 2 + ["Bürgermeister-Grünzweig-Straße"]
    assert addresses["suffix"].tolist() == ["", "a", ""]
    assert addresses["postcode"].tolist() == ["67059", "67059", "67063"]
    assert any("without a street" in f.message for f in dataset.report.of("left_out"))
    best = address_index(dataset).search("Ludwigstrasse 2a")[0]
    assert (best.x, best.y) == pytest.approx((X0 + 520.5, Y0 + 1000.0), abs=1e-6)


def test_an_osm_extract_loads_with_suffixes_and_building_outlines(grid_workspace):
    (grid_workspace / "layers" / "osm.toml").write_text(OSM_TOML, encoding="utf-8")
    _osm(grid_workspace / "data" / "osm.geojson")
    addresses = build_dataset(load_catalog(grid_workspace)).addresses
    assert list(zip(addresses["number"], addresses["suffix"], strict=True)) == [(12, "b"), (14, "")]
    assert (addresses.geom_type == "Point").all()


def test_an_addresses_spec_names_its_columns(grid_workspace):
    (grid_workspace / "layers" / "adressen.toml").write_text(
        ADDRESSES_TOML.replace('street = "STN"\n', ""), encoding="utf-8")
    (grid_workspace / "data" / "hauskoordinaten.csv").write_text(ADDRESSES_CSV, encoding="utf-8")
    with pytest.raises(SpecError, match="columns.street"):
        load_catalog(grid_workspace)


OFFER_SITES_CSV = (
    "ID;Name;Name_tr;Art;X;Y;Zielgruppe;Sprachen;Kosten;Öffnungszeiten;Öffnungszeiten_ar;Telefon\n"
    f"s1;QM Nordwest;Mahalle Ofisi;qm;{X0 + 500};{Y0 + 1500};Familien, Frauen;Deutsch, Türkisch / ar;"
    "kostenlos;Mo 9–12 Uhr;الاثنين;0621 123\n"
    f"s2;Kurs;;kurs;{X0 + 250};{Y0 + 1750};;de;5 €;;;\n"
)


def test_sites_keep_their_offer_columns_and_translations(grid_workspace):
    toml = (grid_workspace / "layers" / "sites.toml").read_text(encoding="utf-8")
    toml = toml.replace('y = "Y"\n', 'y = "Y"\ntarget_group = "Zielgruppe"\nlanguages = "Sprachen"\n'
                        'cost = "Kosten"\nopening_hours = "Öffnungszeiten"\nphone = "Telefon"\n')
    toml += '[target_groups.familien]\nlabel = { de = "Familien", tr = "Aileler" }\n'
    (grid_workspace / "layers" / "sites.toml").write_text(toml, encoding="utf-8")
    (grid_workspace / "data" / "sites.csv").write_text(OFFER_SITES_CSV, encoding="utf-8")
    dataset = build_dataset(load_catalog(grid_workspace))
    sites = dataset.sites.set_index("site_id")
    assert sites.loc["s1", "languages"] == "de,tr,ar"
    assert sites.loc["s1", "target_group"] == "familien,frauen"
    assert sites.loc["s1", "name_tr"] == "Mahalle Ofisi" and sites.loc["s2", "name_tr"] == ""
    assert sites.loc["s1", "opening_hours_ar"] == "الاثنين"
    assert sites.loc["s2", "cost"] == "5 €"
    assert dataset.target_groups["familien"].label.get("tr") == "Aileler"
    assert dataset.target_groups["familien"].label.get("ar") == "Familien"  # German when missing
    from geodash.export import build_layer

    exported = build_layer(dataset, "sites")
    assert {"languages", "target_group", "cost", "opening_hours", "phone", "name_tr"} <= set(exported)
