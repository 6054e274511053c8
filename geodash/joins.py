"""The spatial joins a Dataset is built with: sites to the areas they lie in, zones over areas.

They live below the Dataset (which joins its layers once, when it is built)
and are re-exported by :mod:`geodash.analysis.joins`, whose other joins work
on the built model.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def locate_sites(sites: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Find the area each site lies in (point in polygon, through a spatial index).

    A site on the border of two areas goes to the area with the smaller key,
    so the answer does not depend on the order of the files.

    Parameters
    ----------
    sites
        Points, in the same CRS as ``areas``.
    areas
        Polygons with a ``key`` column.

    Returns
    -------
    pandas.Series
        The area key per site (index of ``sites``), ``None`` where a site lies
        outside every area.
    """
    if sites.crs != areas.crs:
        raise ValueError(f"sites ({sites.crs}) and areas ({areas.crs}) must share a CRS")
    values = np.full(len(sites), None, dtype=object)
    if not sites.empty and not areas.empty:
        site_pos, area_pos = _containing_pairs(np.asarray(sites.geometry.array), areas)
        keys = areas["key"].to_numpy()
        if np.bincount(site_pos, minlength=len(sites)).max(initial=0) > 1:
            # Sites on a shared border: keep the pair with the smallest key.
            rank = np.argsort(np.argsort(keys, kind="stable"), kind="stable")
            order = np.lexsort((rank[area_pos], site_pos))
            site_pos, area_pos = site_pos[order], area_pos[order]
            first = np.r_[True, site_pos[1:] != site_pos[:-1]]
            site_pos, area_pos = site_pos[first], area_pos[first]
        values[site_pos] = keys[area_pos]
    return pd.Series(values, index=sites.index, dtype=object)


# Preparing a polygon (building its point-in-polygon index) pays off from about this many
# point tests per polygon; below it, testing the plain polygons is faster.
PREPARE_FROM = 16


def _containing_pairs(points: np.ndarray, areas: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(site, area)`` of every point that intersects an area.

    The tree gives the candidate pairs by bounding box; the exact test then
    runs pair by pair, grouped by polygon so that each polygon stays in the
    CPU cache. With many points per polygon the polygons are prepared first
    (an indexed point-in-polygon test per pair), several times faster than
    the tree's own predicate, which prepares the points instead. Prepared
    polygons are private copies: the caller's geometries stay untouched, and
    concurrent calls share nothing.
    """
    site_pos, area_pos = areas.sindex.query(points)
    by_area = np.argsort(area_pos)
    site_pos, area_pos = site_pos[by_area], area_pos[by_area]
    polygons = np.asarray(areas.geometry.array)
    candidates = np.unique(area_pos)
    if len(area_pos) >= PREPARE_FROM * len(candidates):
        copies = np.full(len(polygons), None, dtype=object)
        # An identity transform copies the geometries in one vectorised pass.
        copies[candidates] = shapely.transform(polygons[candidates], lambda xy: xy)
        shapely.prepare(copies[candidates])
        polygons = copies
    # Coordinates are read in the sites' own order (memory order), then paired.
    if (shapely.get_type_id(points) == shapely.GeometryType.POINT)[site_pos].all():
        x, y = shapely.get_x(points), shapely.get_y(points)
        hit = shapely.intersects_xy(polygons[area_pos], x[site_pos], y[site_pos])
    else:
        hit = shapely.intersects(polygons[area_pos], points[site_pos])
    return site_pos[hit], area_pos[hit]


def zone_shares(areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Share of each area's surface that lies inside each zone.

    Both frames must be in the same metric CRS. Pairs that only touch are
    left out.

    Returns
    -------
    pandas.DataFrame
        ``area_key, zone_id, share`` with ``0 < share <= 1``.
    """
    if areas.crs != zones.crs:
        raise ValueError(f"areas ({areas.crs}) and zones ({zones.crs}) must share a CRS")
    if not areas.crs or not areas.crs.is_projected:
        raise ValueError("zone shares must be computed in a projected (metric) CRS")
    columns = ["area_key", "zone_id", "share"]
    if areas.empty or zones.empty:
        return pd.DataFrame(columns=columns).astype({"share": float})
    area_pos, zone_pos = zones.sindex.query(areas.geometry.values, predicate="intersects")
    area_geoms = areas.geometry.values[area_pos]
    inter = shapely.area(shapely.intersection(area_geoms, zones.geometry.values[zone_pos]))
    share = inter / shapely.area(area_geoms)
    frame = pd.DataFrame({
        "area_key": areas["key"].to_numpy()[area_pos],
        "zone_id": zones["zone_id"].to_numpy()[zone_pos],
        "share": np.clip(share, 0.0, 1.0),
    })
    frame = frame[frame["share"] > 1e-9]
    return frame.sort_values(["area_key", "zone_id"]).reset_index(drop=True)
