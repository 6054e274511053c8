"""Synthetic cities for the benchmark: irregular blocks, German indicator tables and sites.

A city of ``n`` areas is built like this, deterministically from a seed:

1. Voronoi cells of ``n`` random points in a square of EPSG:25832 metres
   around Ludwigshafen (about 250 m × 250 m per block, at least 9 km across).
2. The cells' borders are taken apart into their unique edges, so that an
   edge two blocks share exists once, and each edge is segmentized: a block
   gets about 50–100 vertices, like a digitised statistical block.
3. Every vertex moves by a smooth displacement that depends only on its
   coordinates, so a shared vertex moves alike for both neighbours; the
   displacement's gradient stays well below 1, so the map is one-to-one
   and no border crosses another.
4. The edges are polygonized back into blocks. The result is a valid
   coverage (``shapely.coverage_is_valid``): no gaps, no overlaps.

Indicators are ten columns over five years in a wide CSV as a German
Statistikstelle writes it (``;``, decimal comma, cp1252); sites are a lon/lat
CSV with decimal comma (UTF-8 with BOM, as Excel's "CSV UTF-8").
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

METRIC_CRS = "EPSG:25832"
CENTRE = (455_000.0, 5_481_000.0)  # Ludwigshafen am Rhein, EPSG:25832
BLOCK_SIDE_M = 250.0
MIN_SIDE_M = 9_000.0
VERTICES_PER_AREA = 75
YEARS = (2019, 2020, 2021, 2022, 2023)
KEY_WIDTH = 5
# Fraction of a block's side by which a vertex moves at most (both waves together).
WAVES = ((1.3, 0.055), (0.37, 0.012))  # (wavelength, amplitude) in block sides

# id, CSV column, label, unit, polarity, mean, spread (in the unit), decimals
INDICATORS = (
    ("alq", "Arbeitslosenquote (%)", "Arbeitslosenquote", "%", "need", 8.0, 4.0, 1),
    ("langzeit_alq", "Anteil Langzeitarbeitslose (%)", "Anteil Langzeitarbeitslose", "%", "need",
     35.0, 8.0, 1),
    ("sgb2", "SGB-II-Quote (%)", "SGB-II-Quote", "%", "need", 14.0, 7.0, 1),
    ("kinderarmut", "SGB-II-Quote unter 15 J. (%)", "Kinderarmut", "%", "need", 22.0, 10.0, 1),
    ("auslaender", "Ausländeranteil (%)", "Ausländeranteil", "%", "neutral", 25.0, 10.0, 1),
    ("migration", "Anteil mit Migrationshintergrund (%)", "Migrationshintergrund", "%", "neutral",
     45.0, 12.0, 1),
    ("unter18", "Anteil unter 18 J. (%)", "Anteil unter 18-Jährige", "%", "neutral", 17.0, 3.0, 1),
    ("ab65", "Anteil 65 J. und älter (%)", "Anteil ab 65-Jährige", "%", "neutral", 21.0, 5.0, 1),
    ("wohndauer", "Mittlere Wohndauer (Jahre)", "Mittlere Wohndauer", "Jahre", "resource", 11.0,
     3.0, 1),
    ("bedarfsgemeinschaften", "Bedarfsgemeinschaften", "Bedarfsgemeinschaften", "Anzahl", "need",
     60.0, 40.0, 0),
)
CATEGORIES = ("qm", "biwaq", "ik", "mbe", "jugend", "treff", "sprache")


@dataclass(frozen=True)
class City:
    """A synthetic city: its blocks (metric CRS) and the frame they fill."""

    areas: gpd.GeoDataFrame
    side_m: float
    margin_m: float


def city_side(n: int) -> float:
    """The side of the square, in metres, that ``n`` blocks of about 250 m fill."""
    return max(MIN_SIDE_M, BLOCK_SIDE_M * float(np.sqrt(n)))


def displace(xy: np.ndarray, block_m: float) -> np.ndarray:
    """Move coordinates by a smooth field that depends only on the coordinates.

    Two waves per axis, the longer about a block across; the largest gradient
    is ``sum(2π · amplitude / wavelength)`` ≈ 0.47 < 1, so the map is one-to-one.
    """
    x, y = xy[:, 0], xy[:, 1]
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for i, (wavelength, amplitude) in enumerate(WAVES):
        k = 2 * np.pi / (wavelength * block_m)
        a = amplitude * block_m
        # Diagonal wave vectors and phase offsets keep the pattern from looking like a grid.
        dx += a * np.sin(k * (0.8 * y + 0.6 * x) + 1.7 * i)
        dy += a * np.sin(k * (0.6 * y - 0.8 * x) + 0.9 + 2.3 * i)
    return np.column_stack([x + dx, y + dy])


def make_city(n: int, *, seed: int = 6) -> City:
    """Build ``n`` irregular blocks that form a valid coverage, in EPSG:25832.

    Parameters
    ----------
    n
        Number of blocks (at least 2).
    seed
        Seed of the random points; the same seed gives the same city.

    Returns
    -------
    City
        ``areas`` has ``block_nr`` (zero-padded text key), ``name``,
        ``bezirk`` (parent), ``einwohner`` and the geometry, numbered row by
        row from the north-west.
    """
    if n < 2:
        raise ValueError(f"`n` was {n} but is expected to be at least 2")
    rng = np.random.default_rng(seed)
    side = city_side(n)
    block = side / np.sqrt(n)
    x0, y0 = CENTRE[0] - side / 2, CENTRE[1] - side / 2
    frame = shapely.box(x0, y0, x0 + side, y0 + side)
    seeds = rng.uniform((x0, y0), (x0 + side, y0 + side), size=(n, 2))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    # Each shared border once: segmentizing both neighbours' rings separately would place
    # the new vertices a few ulp apart and open slivers between them.
    edges = shapely.get_parts(shapely.union_all(shapely.boundary(cells)))
    perimeter = float(shapely.length(cells).mean())
    edges = shapely.segmentize(edges, perimeter / VERTICES_PER_AREA)
    edges = shapely.transform(edges, lambda xy: displace(xy, block))
    blocks = shapely.get_parts(shapely.polygonize(edges))
    blocks = shapely.orient_polygons(blocks)
    centres = shapely.get_coordinates(shapely.point_on_surface(blocks))
    rows = np.floor((y0 + side - centres[:, 1]) / block).astype(int)
    order = np.lexsort((centres[:, 0], rows))
    blocks = blocks[order]
    keys = [f"{i + 1:0{KEY_WIDTH}d}" for i in range(len(blocks))]
    districts = np.minimum(rows[order] * 4 // max(int(np.sqrt(n)), 1), 98) + 1
    areas = gpd.GeoDataFrame(
        {
            "block_nr": keys,
            "name": [f"Block {k} ({'Nord' if r < np.sqrt(n) / 2 else 'Süd'})"
                     for k, r in zip(keys, rows[order], strict=True)],
            "bezirk": [f"Bezirk {d:02d}" for d in districts],
            "einwohner": rng.integers(150, 4_000, size=len(blocks)),
        },
        geometry=blocks,
        crs=METRIC_CRS,
    )
    margin = sum(a for _, a in WAVES) * block
    return City(areas=areas, side_m=side, margin_m=margin)


def make_indicators(areas: gpd.GeoDataFrame, *, seed: int = 7) -> pd.DataFrame:
    """Ten indicators over five years per block, in wide form with German column names.

    Values follow a smooth latent "need" surface plus noise, so that maps show
    neighbourhoods rather than salt and pepper.
    """
    rng = np.random.default_rng(seed)
    centres = shapely.get_coordinates(shapely.point_on_surface(areas.geometry.values))
    u = (centres - centres.min(axis=0)) / np.ptp(centres, axis=0).clip(1.0)
    need = np.sin(3.1 * u[:, 0] + 0.4) * np.cos(2.3 * u[:, 1] - 0.2)
    parts = []
    for t, year in enumerate(YEARS):
        columns: dict[str, object] = {
            "Block-Nr": areas["block_nr"].to_numpy(),
            "Name": areas["name"].to_numpy(),
            "Jahr": year,
        }
        for _, column, _, unit, polarity, mean, spread, decimals in INDICATORS:
            sign = -1.0 if polarity == "resource" else 1.0
            noise = rng.normal(0.0, 0.35, size=len(areas))
            value = mean + spread * (sign * need + noise + 0.03 * t)
            high = 100.0 if unit == "%" else np.inf
            rounded = np.round(np.clip(value, 0.0, high), decimals)
            columns[column] = rounded.astype(int) if decimals == 0 else rounded
        parts.append(pd.DataFrame(columns))
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["Block-Nr", "Jahr"], kind="stable").reset_index(drop=True)


def make_site_points(city: City, m: int, *, seed: int = 8) -> gpd.GeoDataFrame:
    """``m`` random points inside the city (never outside every block), in WGS84."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = city.areas.total_bounds
    inset = 2 * city.margin_m
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    xy = rng.uniform((x0, y0), (x1, y1), size=(m, 2))
    to_wgs84 = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(xy[:, 0], xy[:, 1])
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def make_sites_table(points: gpd.GeoDataFrame, *, seed: int = 9) -> pd.DataFrame:
    """A sites table as a project list: id, name, category, programme, years, lon/lat."""
    rng = np.random.default_rng(seed)
    m = len(points)
    ids = np.char.add("S", np.char.zfill(np.arange(1, m + 1).astype(str), 7))
    category = np.asarray(CATEGORIES)[rng.integers(0, len(CATEGORIES), size=m)]
    start = rng.integers(2000, 2024, size=m)
    return pd.DataFrame({
        "ID": ids,
        "Name": np.char.add("Angebot ", ids),
        "Kategorie": category,
        "Programm": np.where(category == "qm", "Soziale Stadt", ""),
        "Beginn": start,
        "Ende": "",
        "Längengrad": points.geometry.x.round(6).to_numpy(),
        "Breitengrad": points.geometry.y.round(6).to_numpy(),
    })
