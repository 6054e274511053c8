"""The exportable layers of a Dataset, looked up by name."""

from __future__ import annotations

import pytest

from geodash.errors import ParameterError
from geodash.export import build_layer


def test_unknown_layer_is_a_parameter_error_listing_the_layers(grid_dataset):
    with pytest.raises(ParameterError) as info:
        build_layer(grid_dataset, "stadtteile")

    for known in ("districts", "indicators", "sites", "zones"):
        assert f"'{known}'" in info.value.problem


@pytest.mark.parametrize("name", ["districts", "indicators"])
def test_year_without_values_is_a_parameter_error_naming_the_years(grid_dataset, name):
    with pytest.raises(ParameterError) as info:
        build_layer(grid_dataset, name, 2019)

    assert info.value.problem == "the year 2019 has no indicator values."
    assert info.value.fix == "use one of 2022, 2023."


def test_districts_default_to_the_latest_year(grid_dataset):
    layer = build_layer(grid_dataset, "districts")

    assert layer["year"].tolist() == [2023] * 4
    assert layer["alq"].tolist() == [4.0, 8.0, 16.0, 22.5]
    assert layer.crs == "EPSG:4326"


def test_districts_of_a_chosen_year(grid_dataset):
    layer = build_layer(grid_dataset, "districts", 2022)

    assert layer["key"].tolist() == ["01", "02", "03", "04"]
    assert layer["alq"].tolist() == [5.0, 10.0, 15.0, 20.0]
    assert layer["sites_total"].tolist() == [2, 0, 0, 1]


def test_indicators_of_a_year_carry_area_name_and_unit(grid_dataset):
    table = build_layer(grid_dataset, "indicators", 2023)

    assert len(table) == 7
    assert set(table["year"]) == {2023}
    first = table.iloc[0]
    assert (first["area_key"], first["area_name"], first["indicator"], first["unit"]) == (
        "01", "Nordwest", "alq", "%")


def test_sites_and_zones_layers(grid_dataset):
    sites = build_layer(grid_dataset, "sites")
    zones = build_layer(grid_dataset, "zones")

    assert sites["area_name"].tolist()[:3] == ["Nordwest", "Nordwest", "Südost"]
    assert zones["name"].tolist() == ["West"]
    assert zones is not grid_dataset.zones
