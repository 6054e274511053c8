"""display_areas on a 2×2 grid of 1 km squares whose shared borders carry tiny zigzags."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

from geodash.analysis.display import default_tolerance, display_areas
from geodash.bench.city import make_city

X0, Y0 = 456_000, 5_480_000  # south-west corner of the grid, EPSG:25832
METRIC = "EPSG:25832"

#   y
#  2000 +--------+--------+
#       |   01   |   02   |      borders: a vertex every 10 m, zigzagging ±5 cm
#  1000 +~~~~~~~~+~~~~~~~~+      (nothing a screen can show); with bump=True the
#       |   03   |   04   |      border 01|02 has a real 40 m bump at y 1400–1600
#     0 +--------+--------+ x


def zigzag(start, end, *, bump: bool = False) -> LineString:
    """A straight line with a vertex every 10 m, each 5 cm off the line, alternately."""
    (x0, y0), (x1, y1) = start, end
    steps = int(round(max(abs(x1 - x0), abs(y1 - y0)) / 10))
    t = np.linspace(0.0, 1.0, steps + 1)
    x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    wiggle = np.where(np.arange(steps + 1) % 2 == 0, 0.0, 0.05)
    wiggle[[0, -1]] = 0.0
    if x0 == x1:  # vertical: wiggle in x
        x = x + wiggle
        if bump:
            x = x + np.interp(y - Y0, [1400, 1500, 1600], [0, 40, 0], left=0, right=0)
    else:
        y = y + wiggle
    return LineString(np.column_stack([x, y]))


def zigzag_grid(*, bump: bool = False) -> gpd.GeoDataFrame:
    """The four squares as a coverage (built from shared lines, so shared vertices are identical)."""
    def p(dx, dy):
        return (X0 + dx, Y0 + dy)

    lines = [
        zigzag(p(0, 0), p(2000, 0)), zigzag(p(2000, 0), p(2000, 2000)),
        zigzag(p(2000, 2000), p(0, 2000)), zigzag(p(0, 2000), p(0, 0)),
        zigzag(p(0, 1000), p(2000, 1000)),
        zigzag(p(1000, 0), p(1000, 1000)), zigzag(p(1000, 1000), p(1000, 2000), bump=bump),
    ]
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    centres = shapely.get_coordinates(shapely.centroid(faces))
    keys = [("01" if y > Y0 + 1000 else "03") if x < X0 + 1000 else ("02" if y > Y0 + 1000 else "04")
            for x, y in centres]
    frame = gpd.GeoDataFrame({"key": keys, "name": [f"Quadrat {k}" for k in keys]},
                             geometry=faces, crs=METRIC)
    frame = frame.sort_values("key")
    frame.index = pd.Index([f"row-{k}" for k in frame["key"]])
    return frame.to_crs("EPSG:4326")


def metric_geoms(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(frame.to_crs(METRIC).geometry.array)


@pytest.fixture
def grid():
    areas = zigzag_grid()
    assert shapely.coverage_is_valid(np.asarray(areas.geometry.array))
    return areas


def test_shared_borders_stay_shared_without_gaps_or_overlaps(grid):
    shown = display_areas(grid)

    geoms = np.asarray(shown.geometry.array)
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    border = shapely.intersection(geoms[0], geoms[1])  # 01 | 02
    assert border.geom_type in ("LineString", "MultiLineString")
    assert shapely.length(shapely.intersection(*metric_geoms(shown)[:2])) == pytest.approx(1000, abs=2)


def test_vertex_count_goes_down(grid):
    shown = display_areas(grid)

    before = shapely.get_num_coordinates(np.asarray(grid.geometry.array))
    after = shapely.get_num_coordinates(np.asarray(shown.geometry.array))
    assert (after < before).all()
    assert after.sum() < 0.1 * before.sum()


def test_every_area_is_kept_with_its_rows_columns_index_and_crs(grid):
    shown = display_areas(grid)

    assert shown["key"].tolist() == ["01", "02", "03", "04"]
    assert shown.index.equals(grid.index)
    assert list(shown.columns) == list(grid.columns)
    assert shown.crs == grid.crs
    assert not shown.geometry.is_empty.any()


def test_area_changes_by_less_than_a_thousandth(grid):
    before = shapely.area(metric_geoms(grid))
    after = shapely.area(metric_geoms(display_areas(grid)))

    np.testing.assert_allclose(after, before, rtol=1e-3)
    np.testing.assert_allclose(before, 1e6, rtol=1e-3)


def test_a_real_bump_in_a_border_survives_the_default_tolerance():
    areas = zigzag_grid(bump=True)

    shown = display_areas(areas)

    distances = shapely.hausdorff_distance(metric_geoms(areas), metric_geoms(shown))
    assert distances.max() < 2.0  # the 40 m bump is still there, in both neighbours
    assert shapely.coverage_is_valid(np.asarray(shown.geometry.array))


@pytest.mark.parametrize("decimals", [4, 5, 6])
def test_coordinates_are_rounded_to_the_given_decimals(grid, decimals):
    coords = shapely.get_coordinates(np.asarray(display_areas(grid, decimals=decimals).geometry.array))

    np.testing.assert_array_equal(coords, np.round(coords, decimals))


def test_tolerance_zero_only_rounds(grid):
    shown = display_areas(grid, tolerance_m=0)

    assert (shapely.get_num_coordinates(np.asarray(shown.geometry.array))
            == shapely.get_num_coordinates(np.asarray(grid.geometry.array))).all()


def test_the_input_is_not_changed(grid):
    before = grid.copy()

    display_areas(grid)

    assert grid.geometry.geom_equals_exact(before.geometry, tolerance=0).all()
    assert grid.index.equals(before.index)


@pytest.mark.parametrize(("side", "expected"), [(1000, 10.0), (250, 2.5)])
def test_default_tolerance_is_a_hundredth_of_the_typical_side(side, expected):
    squares = gpd.GeoSeries([shapely.box(0, 0, side, side)] * 3, crs=METRIC)

    assert default_tolerance(squares) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"tolerance_m": -1.0}, "tolerance_m", id="negative-tolerance"),
        pytest.param({"decimals": -1}, "decimals", id="negative-decimals"),
    ],
)
def test_bad_options_are_refused(grid, change, message):
    with pytest.raises(ValueError, match=message):
        display_areas(grid, **change)


def test_areas_without_crs_are_refused(grid):
    with pytest.raises(ValueError, match="no CRS"):
        display_areas(grid.set_crs(None, allow_override=True))


def test_no_areas_give_no_areas(grid):
    assert display_areas(grid.iloc[0:0]).empty


def test_a_synthetic_city_of_irregular_blocks_stays_a_valid_coverage():
    areas = make_city(60).areas.to_crs("EPSG:4326")

    shown = display_areas(areas)

    geoms = np.asarray(shown.geometry.array)
    assert shapely.coverage_is_valid(geoms) and shapely.is_valid(geoms).all()
    assert shown["block_nr"].tolist() == areas["block_nr"].tolist()
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(
        np.asarray(areas.geometry.array)).sum()


def test_exports_never_use_the_display_geometry():
    export = Path(__file__).resolve().parents[2] / "geodash" / "export"

    for source in export.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "display_areas" not in text and "analysis.display" not in text, source.name


def test_the_dataset_keeps_one_display_copy_of_its_areas(grid_dataset):
    shown = grid_dataset.areas_display

    assert shown is grid_dataset.areas_display
    assert shown["key"].tolist() == grid_dataset.areas["key"].tolist()
    assert shapely.coverage_is_valid(np.asarray(shown.geometry.array))
    assert not grid_dataset.areas.geometry.geom_equals_exact(shown.geometry, tolerance=0).all()
