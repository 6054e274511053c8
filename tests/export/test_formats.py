"""Export writers: RFC 7946 GeoJSON, GeoPackage, Excel-safe CSV, Parquet; all written atomically."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal
from shapely.geometry import MultiPolygon, Point, Polygon

from geodash.analysis.districts import districts_layer
from geodash.errors import ParameterError
from geodash.export import FORMATS, get_format, layer_bytes, neutralise_formulas, write_layer
from geodash.export.formats import Format

# Germany, generously: lon 5.8–15.1, lat 47.2–55.1.
GERMANY = (5.8, 47.2, 15.1, 55.1)


@pytest.fixture
def districts(grid_dataset) -> gpd.GeoDataFrame:
    ds = grid_dataset
    return districts_layer(ds.areas, ds.indicators, ds.sites, ds.zone_shares, ds.zones, year=2023,
                           indicator_ids=list(ds.indicator_meta), categories=list(ds.categories))


@pytest.fixture
def awkward_polygons(grid_origin) -> gpd.GeoDataFrame:
    """A clockwise square with a hole, and a multipolygon, in EPSG:25832 with 1 mm coordinates."""
    x, y = grid_origin
    clockwise = Polygon([(x, y), (x, y + 1000.001), (x + 1000.001, y + 1000.001), (x + 1000.001, y)],
                        holes=[[(x + 400, y + 400), (x + 600, y + 400), (x + 600, y + 600),
                                (x + 400, y + 600)]])
    multi = MultiPolygon([
        Polygon([(x + 2000, y), (x + 2000, y + 500), (x + 2500, y + 500), (x + 2500, y)]),
        Polygon([(x + 3000, y), (x + 3500, y), (x + 3500, y + 500), (x + 3000, y + 500)]),
    ])
    return gpd.GeoDataFrame({"key": ["01", "02"], "value": [1.5, np.nan]},
                            geometry=[clockwise, multi], crs="EPSG:25832")


def geojson_of(frame, tmp_path, **options):
    path = write_layer(frame, tmp_path / "out.geojson", "geojson", **options)
    text = path.read_text(encoding="utf-8")
    return json.loads(text), json.loads(text, parse_float=str)


def rings(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [
        geometry["coordinates"]]
    for polygon in polygons:
        yield polygon[0], polygon[1:]


# --- GeoJSON (RFC 7946) ---


def test_geojson_has_no_crs_member_and_lonlat_inside_germany(districts, tmp_path):
    collection, _ = geojson_of(districts, tmp_path)

    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert len(collection["features"]) == 4
    coords = np.array([pt for f in collection["features"] for ring in f["geometry"]["coordinates"]
                       for pt in ring])
    lon, lat = coords[:, 0], coords[:, 1]
    assert (lon > GERMANY[0]).all() and (lon < GERMANY[2]).all()
    assert (lat > GERMANY[1]).all() and (lat < GERMANY[3]).all()


def test_geojson_coordinates_have_at_most_six_decimals(awkward_polygons, tmp_path):
    _, literal = geojson_of(awkward_polygons, tmp_path)

    texts = [value for feature in literal["features"]
             for outer, holes in rings(feature["geometry"]) for ring in (outer, *holes)
             for point in ring for value in point]
    assert texts
    assert all(len(text.partition(".")[2]) <= 6 for text in texts)


def test_geojson_exterior_rings_are_counter_clockwise_and_holes_clockwise(awkward_polygons,
                                                                          tmp_path):
    assert not shapely.is_ccw(awkward_polygons.geometry.iloc[0].exterior)  # input is clockwise

    collection, _ = geojson_of(awkward_polygons, tmp_path)

    checked = 0
    for feature in collection["features"]:
        for outer, holes in rings(feature["geometry"]):
            assert shapely.is_ccw(shapely.linearrings(outer))
            assert all(not shapely.is_ccw(shapely.linearrings(hole)) for hole in holes)
            checked += 1 + len(holes)
    assert checked == 4


def test_geojson_properties_carry_numbers_and_keys_as_text(districts, tmp_path):
    collection, _ = geojson_of(districts, tmp_path)

    properties = {f["properties"]["key"]: f["properties"] for f in collection["features"]}
    assert list(properties) == ["01", "02", "03", "04"]
    assert properties["04"]["alq"] == 22.5
    assert properties["01"]["kinder"] == 1100
    assert properties["02"]["kinder"] is None  # missing stays missing, not 0 or "NaN"
    assert properties["01"]["sites_total"] == 2
    assert properties["03"]["zone_share"] == 1.0
    assert properties["03"]["name"] == "Südwest"
    assert isinstance(properties["01"]["year"], int)


def test_geojson_of_points_keeps_them_in_place(grid_dataset, tmp_path):
    collection, _ = geojson_of(grid_dataset.sites, tmp_path)

    written = [f["geometry"]["coordinates"] for f in collection["features"]]
    expected = [[p.x, p.y] for p in grid_dataset.sites.geometry]
    assert np.allclose(written, expected, atol=1e-6)


def test_geojson_of_a_table_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="without geometry"):
        write_layer(pd.DataFrame({"a": [1]}), tmp_path / "t.geojson", "geojson")
    assert not (tmp_path / "t.geojson").exists()


# --- GeoPackage ---


def test_gpkg_reads_back_with_the_same_rows(districts, tmp_path):
    path = write_layer(districts, tmp_path / "stadtteile.gpkg", "gpkg")

    assert pyogrio.list_layers(path)[:, 0].tolist() == ["stadtteile"]
    back = pyogrio.read_dataframe(path)
    assert back.crs == "EPSG:4326"
    assert back["key"].tolist() == ["01", "02", "03", "04"]
    assert_frame_equal(pd.DataFrame(back.drop(columns="geometry")),
                       pd.DataFrame(districts.drop(columns="geometry")),
                       check_dtype=False)
    assert back.geometry.geom_equals_exact(districts.geometry, tolerance=1e-9).all()


# --- CSV ---


def test_csv_starts_with_a_bom_and_uses_comma_and_point(districts, tmp_path):
    raw = write_layer(districts, tmp_path / "d.csv", "csv").read_bytes()

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["key", "name", "parent"]
    assert "geometry" not in rows[0]
    record = dict(zip(rows[0], rows[4], strict=True))
    assert (record["key"], record["name"], record["alq"]) == ("04", "Südost", "22.5")


def test_german_csv_uses_semicolon_and_decimal_comma(districts, tmp_path):
    raw = write_layer(districts, tmp_path / "d.csv", "csv", german=True).read_bytes()

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    record = dict(zip(rows[0], rows[4], strict=True))
    assert (record["key"], record["alq"], record["zone_share"]) == ("04", "22,5", "0,0")
    assert record["sites_total"] == "1"


def test_csv_of_points_has_lon_lat_columns(grid_dataset, tmp_path):
    frame = pd.read_csv(write_layer(grid_dataset.sites, tmp_path / "s.csv", "csv"),
                        encoding="utf-8-sig", dtype={"area_key": str})

    assert list(frame.columns[-2:]) == ["lon", "lat"]
    assert frame["lon"].tolist() == pytest.approx(grid_dataset.sites.geometry.x.round(6).tolist())
    assert frame["area_key"].tolist()[:3] == ["01", "01", "04"]


FORMULAS = pd.DataFrame({
    "text": ["=1+1", "+49 621 504-0", "@SUMME(A1)", "-x", "\t=1", "Mitte", "", None],
    "number": [-3.0, 1.5, 0.0, -1.0, 2.0, 3.0, 4.0, 5.0],
})


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers():
    safe = neutralise_formulas(FORMULAS)

    assert safe["text"].tolist()[:6] == ["'=1+1", "'+49 621 504-0", "'@SUMME(A1)", "'-x", "'\t=1",
                                         "Mitte"]
    assert safe["text"].iloc[6] == "" and pd.isna(safe["text"].iloc[7])
    assert_frame_equal(safe[["number"]], FORMULAS[["number"]])
    assert FORMULAS["text"].iloc[0] == "=1+1"  # the input is not changed


@pytest.mark.parametrize("german", [False, True])
def test_csv_neutralises_formulas_in_the_file(tmp_path, german):
    raw = write_layer(FORMULAS, tmp_path / "f.csv", "csv", german=german).read_bytes()

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";" if german else ","))
    assert [row[0] for row in rows[1:5]] == ["'=1+1", "'+49 621 504-0", "'@SUMME(A1)", "'-x"]
    assert rows[1][1] == ("-3,0" if german else "-3.0")


# --- Parquet ---


def test_geoparquet_round_trip(districts, tmp_path):
    path = write_layer(districts, tmp_path / "d.parquet", "parquet")

    assert_geodataframe_equal(gpd.read_parquet(path), districts)


def test_parquet_of_a_table_round_trip(tmp_path):
    table = pd.DataFrame({"area_key": ["01", "02"], "value": [1.5, np.nan]})

    path = write_layer(table, tmp_path / "t.parquet", "parquet")

    assert_frame_equal(pd.read_parquet(path), table, check_dtype=False)


# --- atomic writes, lookup, bytes ---


def failing_writer(frame, path, *, german=False, lang="de"):
    path.write_bytes(b'{"type": "FeatureCollection", "feat')  # half a file, then the disk is full
    raise OSError("No space left on device")


@pytest.mark.parametrize("existing", [None, b"old export"])
def test_failed_write_leaves_no_file_and_no_temp_dir(tmp_path, monkeypatch, districts, existing):
    monkeypatch.setitem(FORMATS, "geojson", Format(".geojson", "application/geo+json",
                                                    failing_writer))
    out = tmp_path / "export"
    out.mkdir()
    target = out / "districts.geojson"
    if existing is not None:
        target.write_bytes(existing)

    with pytest.raises(OSError, match="No space left"):
        write_layer(districts, target, "geojson")

    if existing is None:
        assert list(out.iterdir()) == []
    else:
        assert list(out.iterdir()) == [target]
        assert target.read_bytes() == existing


def test_writing_onto_a_folder_is_a_parameter_error(districts, tmp_path):
    with pytest.raises(ParameterError) as info:
        write_layer(districts, tmp_path, "geojson")

    assert info.value.file == str(tmp_path)
    assert info.value.problem == "is a folder, not a file name."
    assert list(tmp_path.iterdir()) == []


def test_write_creates_missing_folders(districts, tmp_path):
    path = write_layer(districts, tmp_path / "a" / "b" / "d.csv", "csv")

    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["d.csv"]


@pytest.mark.parametrize(("name", "suffix"), [("geojson", ".geojson"), ("GPKG", ".gpkg"),
                                              (".csv", ".csv"), ("parquet", ".parquet")])
def test_formats_are_found_by_normalised_name(name, suffix):
    assert get_format(name).suffix == suffix


@pytest.mark.parametrize("name", ["shp", "docx", ""])
def test_unknown_format_is_a_parameter_error_listing_the_formats(name):
    with pytest.raises(ParameterError) as info:
        get_format(name)

    for known in ("csv", "geojson", "gpkg", "parquet"):
        assert f"'{known}'" in info.value.problem


def test_layer_bytes_are_the_file_content(districts, tmp_path):
    data = layer_bytes(districts, "csv", name="stadtteile", german=True)

    assert data == write_layer(districts, tmp_path / "stadtteile.csv", "csv", german=True).read_bytes()


def test_layer_bytes_of_geojson_parse(grid_dataset):
    collection = json.loads(layer_bytes(grid_dataset.zones, "geojson"))

    assert [f["properties"]["name"] for f in collection["features"]] == ["West"]
    assert Point(collection["features"][0]["geometry"]["coordinates"][0][0]).x > GERMANY[0]
