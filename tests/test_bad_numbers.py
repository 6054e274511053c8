"""Impossible numbers (issue 13, item 4): each ends in the typed error naming file, row and column.

Infinite values, values that overflow (``1e999``), values no area can have
(``1e308`` residents, a share above 100 %) and an area far outside the metric
CRS's area of use are refused at load, like every case of ``test_bad_inputs``;
and an export never writes ``inf``.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from test_bad_inputs import (
    TO_WGS84,
    BadInput,
    edit_features,
    grid_geojson,
    indicator_row,
)

from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import DataError, GeodashError
from geodash.export import write_layer
from geodash.export.formats import layer_bytes


def one_area_moved_to_longitude(ws, lon: float) -> None:
    """The grid in WGS84 degrees (no crs member), with feature 3 (Südwest) moved to ``lon``."""
    def change(collection: dict) -> None:
        collection.pop("crs")
        for pos, feature in enumerate(collection["features"]):
            ring = [TO_WGS84.transform(x, y) for x, y in feature["geometry"]["coordinates"][0]]
            if pos == 2:
                shift = lon - ring[0][0]
                ring = [(a + shift, b) for a, b in ring]
            feature["geometry"]["coordinates"] = [[list(p) for p in ring]]
    edit_features(grid_geojson(ws), change)


def population(value):
    return lambda ws: edit_features(grid_geojson(ws),
                                    lambda c: c["features"][1]["properties"].update(ew=value))


BAD_NUMBERS = [
    BadInput("infinite-share", DataError, "ind.csv", "'inf' for 'alq'",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;inf")),
    BadInput("minus-infinite-share", DataError, "ind.csv", "'-inf' for 'alq'",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;-inf")),
    BadInput("infinity-spelt-out-as-count", DataError, "ind.csv", "'Infinity' for 'kinder'",
             lambda ws: indicator_row(ws, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;Infinity")),
    BadInput("overflowing-1e999-share", DataError, "ind.csv", "'1e999' for 'alq'",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;1e999")),
    BadInput("1e308-share", DataError, "ind.csv", "above the possible 100",
             lambda ws: indicator_row(ws, "4;Südost;2023;22,5", "4;Südost;2023;1e308")),
    BadInput("1e308-count", DataError, "ind.csv", "above the possible 1e+07 Anzahl",
             lambda ws: indicator_row(ws, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;1e308")),
    BadInput("count-beyond-any-area", DataError, "ind.csv", "above the possible 1e+07 Anzahl",
             lambda ws: indicator_row(ws, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;20.000.000")),
    BadInput("1e308-population", DataError, "grid.geojson", "more than the 10,000,000 residents",
             population(1e308)),
    BadInput("population-beyond-any-area", DataError, "grid.geojson", "more than the 10,000,000",
             population(12_000_000)),
    BadInput("1e999-population-as-text", DataError, "grid.geojson", "population inf (column 'ew'), more than",
             population("1e999")),
    BadInput("one-area-at-longitude-179", DataError, "grid.geojson", "far outside the area of use",
             lambda ws: one_area_moved_to_longitude(ws, 179.0)),
]


@pytest.mark.filterwarnings("error")  # a warning would be a second line on stderr
@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=[bad.id for bad in BAD_NUMBERS])
def test_impossible_number_ends_in_the_typed_error_naming_file_row_and_fix(grid_workspace, capsys, bad):
    bad.breaks(grid_workspace)

    with pytest.raises(GeodashError) as info:
        build_dataset(load_catalog(grid_workspace))

    error = info.value
    assert type(error) is bad.error, error.message
    assert error.file.endswith(bad.file), error.message
    assert bad.says in error.message, error.message
    assert error.where and error.fix, error.message
    assert main(["validate", str(grid_workspace)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"geodash: error: {error.message}\n"


@pytest.mark.parametrize("text, row, column", [
    ("inf", 9, "Arbeitslosenquote"), ("1e999", 9, "Arbeitslosenquote")])
def test_infinite_value_names_its_row_and_column(grid_workspace, text, row, column):
    indicator_row(grid_workspace, "4;Südost;2023;22,5", f"4;Südost;2023;{text}")

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(grid_workspace))

    assert info.value.where == f"row {row}"
    assert f"column {column!r}" in info.value.problem


def test_the_one_area_far_away_is_named_by_feature_and_key(grid_workspace):
    one_area_moved_to_longitude(grid_workspace, 179.0)

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(grid_workspace))

    assert info.value.where == "feature 3 (key 03, Südwest)"
    assert "longitude 179.0" in info.value.problem


def test_areas_within_the_margin_of_the_area_of_use_still_load(grid_workspace):
    # EPSG:25832 is used from 6° to 12° east; a city just beyond (here 13°) is common.
    one_area_moved_to_longitude(grid_workspace, 13.0)

    dataset = build_dataset(load_catalog(grid_workspace))

    assert len(dataset.areas) == 4


def test_a_too_large_value_of_an_indicator_without_unit_is_refused(grid_workspace):
    spec = grid_workspace / "layers" / "indicators.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace('unit = "Anzahl"\n', ""), encoding="utf-8")
    indicator_row(grid_workspace, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;1e308")

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(grid_workspace))

    assert "beyond ±1e+12" in info.value.problem and info.value.where == "row 8"


def test_a_spec_maximum_lets_large_real_values_in(grid_workspace):
    spec = grid_workspace / "layers" / "indicators.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'unit = "Anzahl"\n', 'unit = "€"\nmaximum = 1e13\n'), encoding="utf-8")
    indicator_row(grid_workspace, "3;Südwest;2023;16,0;500", "3;Südwest;2023;16,0;5000000000000")

    dataset = build_dataset(load_catalog(grid_workspace))

    values = dataset.indicators.query("indicator == 'kinder' and year == 2023 and area_key == '03'")
    assert values["value"].tolist() == [5e12]


@pytest.fixture
def layer_with_infinity() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"key": ["01", "02"], "ratio": [1.5, float("inf")], "down": [float("-inf"), 2.0]},
        geometry=[shapely.box(8.40, 49.47, 8.41, 49.48), shapely.box(8.41, 49.47, 8.42, 49.48)],
        crs="EPSG:4326")


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_never_writes_inf_and_warns_of_nothing(tmp_path, layer_with_infinity, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = write_layer(layer_with_infinity, tmp_path / f"layer.{fmt}", fmt)
        download = layer_bytes(layer_with_infinity, fmt)

    for text in (path.read_text(encoding="utf-8-sig"), download.decode("utf-8-sig")):
        assert "inf" not in text.lower()
    back = (pd.read_csv(path) if fmt == "csv" else gpd.read_file(path))
    assert back["ratio"].iloc[0] == 1.5 and pd.isna(back["ratio"].iloc[1])
    assert pd.isna(back["down"].iloc[0]) and back["down"].iloc[1] == 2.0
