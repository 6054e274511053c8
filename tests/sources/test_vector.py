"""Reading vector files: every supported format gives the same grid; broken files say so."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geodash.errors import DataError
from geodash.sources import read_vector

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def write_shapefile(frame: gpd.GeoDataFrame, path):
    pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile")
    return path


def zip_shapefile(shp, target, inner: str = ""):
    with zipfile.ZipFile(target, "w") as archive:
        for suffix in SHAPEFILE_PARTS:
            part = shp.with_suffix(suffix)
            if part.exists():
                archive.write(part, inner + part.name)
    return target


def writers():
    def geojson(frame, tmp_path):
        path = tmp_path / "grid.geojson"
        pyogrio.write_dataframe(frame, path, driver="GeoJSON")
        return path, {}

    def gpkg(frame, tmp_path):
        path = tmp_path / "grid.gpkg"
        pyogrio.write_dataframe(frame, path, driver="GPKG", layer="stadtteile")
        return path, {}

    def gpkg_named_among_several(frame, tmp_path):
        path = tmp_path / "grid.gpkg"
        pyogrio.write_dataframe(frame.iloc[:1], path, driver="GPKG", layer="andere")
        pyogrio.write_dataframe(frame, path, driver="GPKG", layer="stadtteile", append=True)
        return path, {"layer": "stadtteile"}

    def shapefile(frame, tmp_path):
        return write_shapefile(frame, tmp_path / "grid.shp"), {}

    def zipped_shapefile(frame, tmp_path):
        shp = write_shapefile(frame, tmp_path / "grid.shp")
        return zip_shapefile(shp, tmp_path / "grid.zip", inner="Stadtteile/"), {}

    def geoparquet(frame, tmp_path):
        path = tmp_path / "grid.parquet"
        frame.to_parquet(path)
        return path, {}

    return [geojson, gpkg, gpkg_named_among_several, shapefile, zipped_shapefile, geoparquet]


@pytest.mark.parametrize("writer", writers(), ids=lambda w: w.__name__)
def test_every_format_gives_the_four_squares_of_one_km2(tmp_path, grid_areas, writer):
    path, options = writer(grid_areas, tmp_path)

    frame = read_vector(path, **options)

    assert frame.crs == "EPSG:25832"
    assert sorted(frame["key"]) == ["01", "02", "03", "04"]
    assert frame.sort_values("key").area.tolist() == pytest.approx([1e6] * 4)
    assert frame.sort_values("key")["name"].tolist() == grid_areas["name"].tolist()


def test_geoparquet_round_trip_is_exact(tmp_path, grid_areas):
    path = tmp_path / "grid.parquet"
    grid_areas.to_parquet(path)

    assert_geodataframe_equal(read_vector(path), grid_areas)


def test_gpkg_with_several_layers_and_no_name_lists_the_layers(tmp_path, grid_areas):
    path = tmp_path / "grid.gpkg"
    pyogrio.write_dataframe(grid_areas, path, driver="GPKG", layer="stadtteile")
    pyogrio.write_dataframe(grid_areas, path, driver="GPKG", layer="bezirke", append=True)

    with pytest.raises(DataError) as info:
        read_vector(path)

    assert info.value.file == str(path)
    assert "stadtteile" in info.value.problem and "bezirke" in info.value.problem
    assert 'layer = "NAME"' in info.value.fix


def test_gpkg_with_unknown_layer_name_is_a_data_error(tmp_path, grid_areas):
    path = tmp_path / "grid.gpkg"
    pyogrio.write_dataframe(grid_areas, path, driver="GPKG", layer="stadtteile")

    with pytest.raises(DataError) as info:
        read_vector(path, layer="gibtsnicht")

    assert info.value.file == str(path)


def test_zip_with_two_shapefiles_needs_a_layer_name(tmp_path, grid_areas):
    write_shapefile(grid_areas, tmp_path / "a.shp")
    write_shapefile(grid_areas.iloc[:2], tmp_path / "b.shp")
    target = tmp_path / "beide.zip"
    zip_shapefile(tmp_path / "a.shp", target)
    with zipfile.ZipFile(target, "a") as archive:
        for suffix in SHAPEFILE_PARTS:
            archive.write((tmp_path / "b").with_suffix(suffix), "b" + suffix)

    with pytest.raises(DataError) as info:
        read_vector(target)
    assert "a.shp, b.shp" in info.value.problem

    assert len(read_vector(target, layer="b")) == 2


def test_file_that_is_not_a_zip_is_a_data_error(tmp_path):
    path = tmp_path / "grid.zip"
    path.write_bytes(b"no zip at all")

    with pytest.raises(DataError) as info:
        read_vector(path)

    assert info.value.file == str(path)
    assert "zip" in info.value.problem


def test_shapefile_without_prj_needs_the_crs_in_the_spec(tmp_path, grid_areas):
    path = write_shapefile(grid_areas, tmp_path / "grid.shp")
    path.with_suffix(".prj").unlink()

    with pytest.raises(DataError) as info:
        read_vector(path)
    assert info.value.file == str(path)
    assert "declares no coordinate reference system" in info.value.problem
    assert 'crs = "EPSG:' in info.value.fix

    frame = read_vector(path, crs="EPSG:25832")
    assert frame.crs == "EPSG:25832"
    assert frame.area.tolist() == pytest.approx([1e6] * 4)


def test_crs_of_the_file_wins_over_the_spec(tmp_path, grid_areas):
    path = tmp_path / "grid.gpkg"
    pyogrio.write_dataframe(grid_areas, path, driver="GPKG")

    assert read_vector(path, crs="EPSG:31467").crs == "EPSG:25832"


def test_geojson_of_metres_without_crs_member_takes_the_spec_crs(tmp_path, grid_areas):
    # GeoJSON without "crs" is WGS84 by definition; older exports hold UTM metres anyway.
    collection = json.loads(grid_areas.to_json())
    collection.pop("crs", None)
    path = tmp_path / "grid.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")

    frame = read_vector(path, crs="EPSG:25832")

    assert frame.crs == "EPSG:25832"
    assert frame.area.tolist() == pytest.approx([1e6] * 4)


def test_truncated_geojson_names_the_file(tmp_path, grid_areas):
    path = tmp_path / "grid.geojson"
    pyogrio.write_dataframe(grid_areas, path, driver="GeoJSON")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")

    with pytest.raises(DataError) as info:
        read_vector(path)

    assert info.value.file == str(path)
    assert "grid.geojson" in info.value.message
    assert "cannot be read" in info.value.problem


def test_damaged_geoparquet_names_the_file(tmp_path):
    path = tmp_path / "grid.parquet"
    path.write_bytes(b"PAR1 this is not parquet")

    with pytest.raises(DataError) as info:
        read_vector(path)

    assert info.value.file == str(path)


def test_parquet_without_geometry_is_a_data_error(tmp_path, grid_areas):
    path = tmp_path / "plain.parquet"
    grid_areas.drop(columns="geometry").to_parquet(path)

    with pytest.raises(DataError) as info:
        read_vector(path)

    assert info.value.file == str(path)
