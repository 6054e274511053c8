"""Lighter district geometry for the screen: simplified as a coverage, with quantised coordinates.

A map in the browser does not need a surveyor's vertices. :func:`display_areas`
simplifies all districts together with ``shapely.coverage_simplify``, which
simplifies every shared border once, so that neighbours keep exactly the same
border (no gaps, no slivers), and rounds the coordinates to about a metre.
This geometry is for display only: exports and analyses keep the full
precision of ``Dataset.areas``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# Default tolerance as a share of the typical district's size (the square root of the
# median area): 1 % is about a pixel when the whole city fills the map, so a city of a
# few large districts looks unchanged, while thousands of small blocks lose the vertices
# that no screen can show.
TOLERANCE_SHARE = 0.01


def default_tolerance(areas_metric: gpd.GeoSeries) -> float:
    """The simplification tolerance, in metres, for areas of this size.

    ``TOLERANCE_SHARE`` of the square root of the median area: about 2.5 m for
    blocks of 250 m × 250 m, about 20 m for districts of 4 km².

    Examples
    --------
    >>> from shapely.geometry import box
    >>> default_tolerance(gpd.GeoSeries([box(0, 0, 1000, 1000)], crs="EPSG:25832"))
    10.0
    """
    areas = shapely.area(np.asarray(areas_metric.array))
    if len(areas) == 0:
        return 0.0
    return float(TOLERANCE_SHARE * np.sqrt(np.median(areas)))


def display_areas(
    areas_wgs84: gpd.GeoDataFrame,
    *,
    tolerance_m: float | None = None,
    metric_crs: str = "EPSG:25832",
    decimals: int = 5,
) -> gpd.GeoDataFrame:
    """Simplify district polygons for display, keeping shared borders shared.

    Parameters
    ----------
    areas_wgs84
        The districts (polygons) in WGS84, e.g. ``Dataset.areas``; ideally a
        valid coverage (``shapely.coverage_is_valid``). Not changed.
    tolerance_m
        How much to simplify, in metres (roughly the square root of the
        area of the triangles whose middle vertex is removed). ``None``
        scales it to the typical area size (:func:`default_tolerance`);
        ``0`` only quantises.
    metric_crs
        The projected CRS in which the tolerance is measured.
    decimals
        Decimals kept after rounding (5 decimals of a degree are about 1 m).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``areas_wgs84`` (same rows, index, columns and CRS) with
        fewer vertices and rounded coordinates. A polygon that rounding made
        invalid is repaired with ``make_valid``; one that would vanish keeps
        its rounded original shape, so every area stays on the map.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"key": ["01", "02"]}, geometry=[box(0, 0, 1000, 1000),
    ...     box(1000, 0, 2000, 1000)], crs="EPSG:25832").to_crs("EPSG:4326")
    >>> display_areas(areas)["key"].tolist()
    ['01', '02']
    """
    if areas_wgs84.crs is None:
        raise ValueError("`areas_wgs84` has no CRS; set it (WGS84, EPSG:4326) before simplifying")
    if tolerance_m is not None and not tolerance_m >= 0:
        raise ValueError(f"`tolerance_m` was {tolerance_m!r} but is expected to be >= 0 or None")
    if decimals < 0:
        raise ValueError(f"`decimals` was {decimals!r} but is expected to be >= 0")
    out = areas_wgs84.copy()
    if out.empty:
        return out
    metric = areas_wgs84.geometry.to_crs(metric_crs)
    tolerance = default_tolerance(metric) if tolerance_m is None else float(tolerance_m)
    geoms = np.asarray(metric.array)
    if tolerance > 0:
        geoms = shapely.coverage_simplify(geoms, tolerance)
    # Each vertex is projected and rounded on its own, so a vertex two neighbours share
    # becomes the same vertex in both.
    geoms = gpd.GeoSeries(geoms, crs=metric_crs).to_crs(areas_wgs84.crs)
    geoms = shapely.transform(np.asarray(geoms.array), lambda xy: np.round(xy, decimals))
    geoms = _repaired(geoms, np.asarray(areas_wgs84.geometry.array), decimals)
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=areas_wgs84.crs)
    return out


def _repaired(geoms: np.ndarray, originals: np.ndarray, decimals: int) -> np.ndarray:
    """Make rounded polygons valid; fall back to the rounded original where one vanished."""
    geoms = geoms.copy()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure",
                                            keep_collapsed=False)
    lost = shapely.is_empty(geoms) | (shapely.area(geoms) == 0)
    if lost.any():
        grid = 10.0 ** -decimals
        geoms[lost] = shapely.set_precision(originals[lost], grid)
        # Smaller than the grid itself: only the unrounded original can show it.
        still_lost = lost & shapely.is_empty(geoms)
        geoms[still_lost] = originals[still_lost]
    return geoms
