"""The Dataset: built once from a workspace, validated whole, joined, never half-loaded."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from geodash.catalog import load_catalog
from geodash.dataset import SITE_COLUMNS, ZONE_COLUMNS, build_dataset
from geodash.errors import DataError


def load(workspace):
    return build_dataset(load_catalog(workspace))


def test_areas_are_sorted_by_key_in_wgs84_with_name_parent_population(grid_dataset):
    areas = grid_dataset.areas

    assert areas.crs == "EPSG:4326"
    assert_frame_equal(
        pd.DataFrame(areas[["key", "name", "parent", "population"]]).astype(object),
        pd.DataFrame({"key": ["01", "02", "03", "04"],
                      "name": ["Nordwest", "Nordost", "Südwest", "Südost"],
                      "parent": ["Nord", "Nord", "Süd", "Süd"],
                      "population": [1000.0, 2000.0, 3000.0, 4000.0]}).astype(object),
    )


def test_metric_areas_are_the_one_km2_squares(grid_dataset):
    metric = grid_dataset.areas_metric

    assert metric.crs == "EPSG:25832"
    assert metric.area.tolist() == pytest.approx([1e6] * 4)


def test_years_and_indicator_years(grid_dataset):
    assert grid_dataset.years == [2022, 2023]
    assert grid_dataset.indicator_years("alq") == [2022, 2023]
    assert grid_dataset.indicator_years("gibtsnicht") == []


def test_indicators_are_sorted_by_indicator_year_and_area(grid_dataset):
    order = grid_dataset.indicators[["indicator", "year", "area_key"]]

    assert order.equals(order.sort_values(["indicator", "year", "area_key"]))
    assert grid_dataset.indicators["value"].dtype == float


def test_default_indicator_is_the_first_defined_without_a_setting(grid_dataset):
    assert grid_dataset.default_indicator == "alq"
    assert list(grid_dataset.indicator_meta) == ["alq", "kinder"]


def test_area_name_by_key(grid_dataset):
    assert grid_dataset.area_name("03") == "Südwest"


def test_categories_declared_first_then_undeclared_by_code(grid_dataset):
    assert list(grid_dataset.categories) == ["qm", "kurs"]
    assert grid_dataset.category_label("qm") == "Quartiersmanagement"
    assert grid_dataset.category_label("qm", "en") == "Neighbourhood management"
    assert grid_dataset.category_label("kurs", "en") == "kurs"
    assert grid_dataset.category_label("unbekannt") == "unbekannt"


def test_sites_carry_the_model_columns_and_their_area(grid_dataset):
    sites = grid_dataset.sites

    assert list(sites.columns) == SITE_COLUMNS
    assert sites.crs == "EPSG:4326"
    assert sites["area_key"].tolist() == ["01", "01", "04", None]
    assert sites["category"].tolist() == ["qm", "kurs", "qm", "kurs"]


def test_zone_shares_of_the_grid_zone(grid_dataset):
    assert list(grid_dataset.zones.columns) == ZONE_COLUMNS
    assert grid_dataset.zones[["name", "programme", "since"]].iloc[0].tolist() == [
        "West", "Soziale Stadt", 2005.0]
    shares = grid_dataset.zone_shares
    assert shares["area_key"].tolist() == ["01", "03"]
    assert shares["zone_id"].tolist() == ["zones-1", "zones-1"]
    assert shares["share"].tolist() == pytest.approx([0.5, 1.0])


def test_layers_record_files_and_counts(grid_dataset):
    layers = [(info.kind, info.spec_file, info.data_file, info.count)
              for info in grid_dataset.layers]

    assert layers == [
        ("areas", "areas.toml", "data/grid.geojson", 4),
        ("indicators", "indicators.toml", "data/ind.csv", 15),
        ("sites", "sites.toml", "data/sites.csv", 4),
        ("zones", "zones.toml", "data/zones.geojson", 1),
    ]


def test_report_holds_exactly_the_missing_value_and_the_outside_site(grid_dataset):
    findings = grid_dataset.report.findings

    assert [(f.level, f.layer) for f in findings] == [("notice", "indicators"), ("notice", "sites")]
    assert grid_dataset.report.of("repaired") == ()
    frame = grid_dataset.report.to_frame()
    assert list(frame.columns) == ["level", "layer", "file", "where", "message"]
    assert len(frame) == 2


def test_dataset_cannot_be_reassigned(grid_dataset):
    with pytest.raises(dataclasses.FrozenInstanceError):
        grid_dataset.areas = None


def test_workspace_with_only_areas_has_empty_layers_of_the_model(grid_workspace):
    for name in ("indicators", "sites", "zones"):
        (grid_workspace / "layers" / f"{name}.toml").unlink()

    dataset = load(grid_workspace)

    assert len(dataset.areas) == 4
    assert dataset.indicators.empty and dataset.years == []
    assert dataset.sites.empty and list(dataset.sites.columns) == SITE_COLUMNS
    assert dataset.zones.empty and list(dataset.zones.columns) == ZONE_COLUMNS
    assert dataset.zone_shares.empty
    assert dataset.default_indicator is None


def test_site_ids_must_be_unique_across_sites_layers(grid_workspace):
    spec = (grid_workspace / "layers" / "sites.toml").read_text(encoding="utf-8")
    (grid_workspace / "layers" / "sites2.toml").write_text(spec, encoding="utf-8")

    with pytest.raises(DataError) as info:
        load(grid_workspace)

    assert "the site id 's1' occurs in more than one sites layer" in info.value.problem


def test_indicator_without_any_value_is_noticed(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    lines = path.read_text(encoding="cp1252").splitlines()
    path.write_bytes("\n".join(line.rsplit(";", 1)[0] + ";." for line in lines).replace(
        "Name;Jahr;Arbeitslosenquote;.", "Name;Jahr;Arbeitslosenquote;Kinder").encode("cp1252"))

    dataset = load(grid_workspace)

    assert "kinder" not in set(dataset.indicators["indicator"])
    assert any(f.where == "indicator kinder" and f.message == "has no values at all"
               for f in dataset.report.findings)


def test_a_failed_load_raises_instead_of_returning_part_of_the_data(grid_workspace):
    # The last layer read (zones) is broken: nothing at all is returned.
    (grid_workspace / "data" / "zones.geojson").write_text('{"type": "FeatureColl',
                                                          encoding="utf-8")

    with pytest.raises(DataError) as info:
        load(grid_workspace)

    assert info.value.file.endswith("zones.geojson")
