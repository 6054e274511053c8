"""Exported column names are safe ASCII slugs; what each column means goes along in the metadata."""

from __future__ import annotations

import csv
import dataclasses
import json

import geopandas as gpd
import pyogrio
import pytest
from conftest import JFE

from geodash.catalog import Category, Text
from geodash.export import build_layer, write_layer
from geodash.export.columns import safe_columns
from geodash.export.slugs import slug
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState

JFE_SLUG = "jugendfreizeiteinrichtungen_jfe"


@pytest.mark.parametrize(("text", "expected"), [
    (JFE, JFE_SLUG),
    ("Beratung/Hilfe für Familien", "beratung_hilfe_fuer_familien"),
    ("Planungsräume", "planungsraeume"),
    ("  Straße  ", "strasse"),
    ("Café", "cafe"),
    ("()", "x"),
])
def test_slug_is_lower_case_ascii_with_underscores(text, expected):
    assert slug(text) == expected


def test_category_columns_of_the_areas_layer_are_slugs(duplicate_dataset):
    layer = build_layer(duplicate_dataset, "districts", 2022)
    category_columns = [c for c in layer.columns if c.startswith(("sites_", "per1000_", "share"))]
    assert f"sites_{JFE_SLUG}" in category_columns and f"per1000_{JFE_SLUG}" in category_columns
    assert f"share500_{JFE_SLUG}" in category_columns and f"share1000_{JFE_SLUG}" in category_columns
    assert all(c.isascii() and " " not in c and "(" not in c for c in layer.columns)
    assert len(set(layer.columns)) == len(layer.columns)
    # The counts are those of the raw code: one JFE site (s2) in Schloßstraße (Nord), key 01.
    assert layer.set_index("key")[f"sites_{JFE_SLUG}"].to_dict() == {"01": 1, "02": 0, "03": 0,
                                                                       "04": 0}


def test_labels_name_the_category_and_the_area_words(duplicate_dataset):
    labels = build_layer(duplicate_dataset, "districts", 2022).attrs["column_labels"]
    assert labels[f"sites_{JFE_SLUG}"] == {"de": f"Angebote: {JFE}", "en": f"Offers: {JFE}"}
    assert labels["per1000_qm"]["en"] == "Offers per 1,000 residents: Neighbourhood management"
    assert labels["share500_any"]["de"] == "Anteil Bewohner ≤ 500 m: alle Arten"
    assert labels["key"] == {"de": "Schlüssel (Planungsraum)", "en": "Key (Planning area)"}
    assert labels["parent_name"] == {"de": "Bezirk", "en": "Borough"}
    assert labels["alq"]["de"] == "Arbeitslosenquote (%)"


def test_two_codes_with_one_slug_get_two_columns(duplicate_dataset):
    categories = {**duplicate_dataset.categories, "JFE": Category(label=Text(de="JFE kurz")),
                  "jfe": Category(label=Text(de="jfe klein"))}
    dataset = dataclasses.replace(duplicate_dataset, categories=categories)
    frame = gpd.GeoDataFrame({"key": ["01"], "sites_JFE": [1], "sites_jfe": [2], "sites_qm": [3]},
                             geometry=[None])
    out = safe_columns(frame, dataset)
    assert list(out.columns) == ["key", "sites_jfe", "sites_jfe_2", "sites_qm", "geometry"]
    assert out["sites_jfe_2"].tolist() == [2]
    assert out.attrs["column_labels"]["sites_jfe_2"]["de"] == "Angebote: jfe klein"


def test_geopackage_keeps_the_labels_in_the_layer_metadata(duplicate_dataset, tmp_path):
    target = write_layer(build_layer(duplicate_dataset, "districts", 2022), tmp_path / "pr.gpkg",
                         "gpkg")
    meta = pyogrio.read_info(target)["layer_metadata"]
    labels = json.loads(meta["GEODASH_COLUMN_LABELS"])
    assert labels[f"sites_{JFE_SLUG}"]["de"] == f"Angebote: {JFE}"
    assert f"sites_{JFE_SLUG}" in gpd.read_file(target).columns


def test_geoparquet_keeps_the_labels_in_its_attrs(duplicate_dataset, tmp_path):
    target = write_layer(build_layer(duplicate_dataset, "districts", 2022), tmp_path / "pr.parquet",
                         "parquet")
    labels = gpd.read_parquet(target).attrs["column_labels"]
    assert labels[f"per1000_{JFE_SLUG}"]["de"] == f"Angebote je 1.000 EW: {JFE}"


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_csv_and_geojson_get_the_labels_in_a_companion_table(duplicate_dataset, tmp_path, fmt):
    target = write_layer(build_layer(duplicate_dataset, "districts", 2022),
                         tmp_path / f"pr.{fmt}", fmt)
    companion = tmp_path / f"pr.{fmt}.columns.csv"
    with companion.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["column"]: r for r in csv.DictReader(handle)}
    assert rows[f"sites_{JFE_SLUG}"]["label_de"] == f"Angebote: {JFE}"
    assert rows["name"]["label_en"] == "Planning area"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, companion.name])


def test_layers_without_labels_write_no_companion(duplicate_dataset, tmp_path):
    write_layer(build_layer(duplicate_dataset, "zones"), tmp_path / "zones.csv", "csv")
    assert [p.name for p in tmp_path.iterdir()] == ["zones.csv"]


def test_downloads_are_named_after_the_areas_plural(duplicate_dataset, grid_dataset):
    name, _ = data_page.export_file(duplicate_dataset, ViewState(year=2022), "districts-gpkg")
    assert name == "planungsraeume_2022.gpkg"
    name, _ = data_page.export_file(duplicate_dataset, ViewState(year=2022, lang="en"), "districts-csv")
    assert name == "planning_areas_2022.csv"
    name, _ = data_page.export_file(grid_dataset, ViewState(year=2022), "districts-csv-de")
    assert name == "stadtteile_2022_excel.csv"
