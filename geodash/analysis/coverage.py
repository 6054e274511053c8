"""Coverage of districts by offers: counts per 1,000 residents and the need–offer gap."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodash.analysis.joins import site_counts


def coverage_table(areas: pd.DataFrame, sites: pd.DataFrame, categories: list[str], *,
                   population: pd.Series | None = None) -> pd.DataFrame:
    """Sites per area and category, absolute and per 1,000 residents.

    Parameters
    ----------
    areas
        ``key, population``.
    sites
        ``category, area_key`` (sites outside every area are not counted).
    categories
        The categories to report, in order (absent ones count 0).
    population
        Residents by area key in the year looked at (``Dataset.population_in``);
        by default the areas' ``population`` column.

    Returns
    -------
    pandas.DataFrame
        ``area_key, category, count, per_1000``; ``per_1000`` is NaN where
        the population is unknown or 0.
    """
    counts = site_counts(sites, categories).reindex(areas["key"], fill_value=0)
    counts.index.name = "area_key"
    long = counts.stack().rename("count").reset_index()
    long.columns = ["area_key", "category", "count"]
    if population is None:
        population = areas.set_index("key")["population"]
    pop = long["area_key"].map(population).astype(float)
    long["per_1000"] = long["count"] / pop.where(pop > 0) * 1000
    return long


def gap_cutoffs(
    need: pd.Series, offers_per_1000: pd.Series, *, need_quantile: float = 0.5,
    offer_quantile: float = 0.5,
) -> tuple[float, float]:
    """The two cut-offs of the gap rule: need above the first, offers at or below the second.

    Both are quantiles over the areas that have a need score; unknown offers
    stay out of the offer quantile. NaN when there is nothing to rank.
    """
    ranked = need.dropna()
    offers = offers_per_1000.reindex(ranked.index).dropna()
    need_cut = float(ranked.quantile(need_quantile)) if len(ranked) else np.nan
    offer_cut = float(offers.quantile(offer_quantile)) if len(offers) else np.nan
    return need_cut, offer_cut


def need_offer_gap(
    need: pd.Series, offers_per_1000: pd.Series, *, need_quantile: float = 0.5,
    offer_quantile: float = 0.5,
) -> pd.DataFrame:
    """Rank areas by need against coverage and flag high need with few offers.

    An area is flagged when its need is above the ``need_quantile`` of all
    areas and its offers per 1,000 residents are at or below the
    ``offer_quantile`` (both default: the median). An area whose offers per
    1,000 are unknown (no population) is never flagged: its coverage cannot
    be judged.

    Returns
    -------
    pandas.DataFrame
        ``area_key, need, offers_per_1000, need_rank, offer_rank, gap``,
        sorted by need, highest first. Rank 1 = most need / fewest offers.
    """
    frame = pd.DataFrame({"need": need, "offers_per_1000": offers_per_1000.reindex(need.index)})
    frame.index.name = "area_key"
    frame = frame.dropna(subset=["need"])
    frame["need_rank"] = frame["need"].rank(method="min", ascending=False).astype("Int64")
    frame["offer_rank"] = frame["offers_per_1000"].rank(method="min", ascending=True).astype("Int64")
    need_cut, offer_cut = gap_cutoffs(frame["need"], frame["offers_per_1000"],
                                      need_quantile=need_quantile, offer_quantile=offer_quantile)
    frame["gap"] = (frame["need"] > need_cut) & (frame["offers_per_1000"] <= offer_cut).fillna(False)
    return frame.sort_values("need", ascending=False).reset_index()


def catchments(
    sites: gpd.GeoDataFrame, distances: Sequence[float], categories: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Buffers around sites, dissolved per category and distance (metric CRS).

    Returns
    -------
    geopandas.GeoDataFrame
        ``category, distance, sites, geometry``: one (multi)polygon per
        category and distance; categories without sites are left out.
    """
    _require_metric(sites)
    cats = list(categories) if categories is not None else sorted(sites["category"].unique())
    rows = []
    for cat in cats:
        points = sites.geometry[sites["category"] == cat].values
        if len(points) == 0:
            continue
        for d in distances:
            rows.append({"category": cat, "distance": float(d), "sites": len(points),
                         "geometry": shapely.union_all(shapely.buffer(points, d, quad_segs=32))})
    return gpd.GeoDataFrame(rows, columns=["category", "distance", "sites", "geometry"],
                            geometry="geometry", crs=sites.crs)


def population_points(
    areas: gpd.GeoDataFrame, *, spacing: float = 50.0, max_points: int = 250_000
) -> gpd.GeoDataFrame:
    """Sample points that spread each area's residents evenly over its surface.

    Points lie on a regular grid of ``spacing`` metres (coarsened so that no
    more than ``max_points`` are made); each carries ``population / n`` of its
    area. An area too small for a grid point gets one point at its
    representative point.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_key, weight, geometry``.
    """
    _require_metric(areas)
    total_area = float(areas.geometry.area.sum())
    if total_area / spacing**2 > max_points:
        spacing = float(np.sqrt(total_area / max_points))
    keys, weights, points = [], [], []
    for key, pop, geom in zip(areas["key"], areas["population"], areas.geometry, strict=True):
        minx, miny, maxx, maxy = geom.bounds
        xs = np.arange(minx + spacing / 2, maxx, spacing)
        ys = np.arange(miny + spacing / 2, maxy, spacing)
        gx, gy = np.meshgrid(xs, ys)
        candidates = shapely.points(gx.ravel(), gy.ravel())
        shapely.prepare(geom)
        inside = candidates[shapely.contains(geom, candidates)]
        if len(inside) == 0:
            inside = np.array([geom.representative_point()])
        share = (float(pop) if pop == pop else 0.0) / len(inside)
        keys.extend([key] * len(inside))
        weights.extend([share] * len(inside))
        points.extend(inside)
    return gpd.GeoDataFrame({"area_key": keys, "weight": weights}, geometry=points, crs=areas.crs)


def grid_points(
    grid: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, count_column: str = "count"
) -> gpd.GeoDataFrame:
    """Population grid cells (as points with counts) assigned to the areas they lie in.

    Returns ``area_key, weight, geometry``; points outside every area are dropped
    (they belong to no district).
    """
    _require_metric(areas)
    from geodash.analysis.joins import locate_sites

    points = grid.to_crs(areas.crs)
    keys = locate_sites(points, areas)
    out = gpd.GeoDataFrame({"area_key": keys, "weight": points[count_column].astype(float)},
                           geometry=points.geometry.values, crs=areas.crs)
    return out.dropna(subset=["area_key"]).reset_index(drop=True)


def accessibility(
    areas: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    categories: Sequence[str],
    distances: Sequence[float] = (500.0, 1000.0),
    *,
    points: gpd.GeoDataFrame | None = None,
    spacing: float = 50.0,
) -> pd.DataFrame:
    """How far residents live from the nearest site of each category, and how many are close.

    All in straight lines, in the areas' metric CRS. Residents are spread
    evenly over each area unless ``points`` (from :func:`grid_points`) say
    where they live. With an even spread, the share within a distance is
    exact: the part of the area's surface inside the dissolved buffers.

    Returns
    -------
    pandas.DataFrame
        ``area_key, category, mean_distance`` (population-weighted mean
        distance to the nearest site, metres) and ``share_<d>`` (share of
        residents within ``d`` metres, 0–1) for every distance.
    """
    _require_metric(areas)
    if sites.crs != areas.crs:
        raise ValueError("sites and areas must share a metric CRS")
    even = points is None
    if even:
        points = population_points(areas, spacing=spacing)
    rows = []
    area_geoms = dict(zip(areas["key"], areas.geometry, strict=True))
    buffers = catchments(sites, distances, categories)
    for cat in categories:
        cat_sites = sites.geometry[sites["category"] == cat].values
        dist = np.full(len(points), np.nan)
        if len(cat_sites):
            tree = shapely.STRtree(cat_sites)
            idx, d = tree.query_nearest(points.geometry.values, return_distance=True, all_matches=False)
            dist[idx[0]] = d
        frame = pd.DataFrame({"area_key": points["area_key"].to_numpy(),
                              "w": points["weight"].to_numpy(), "d": dist})
        for key, part in frame.groupby("area_key", sort=False):
            w = part["w"].to_numpy()
            wsum = w.sum()
            weights = w if wsum > 0 else np.ones_like(w)
            row = {"area_key": key, "category": cat,
                   "mean_distance": float(np.average(part["d"], weights=weights)) if len(cat_sites)
                   else np.nan}
            for d_max in distances:
                if not len(cat_sites):
                    row[f"share_{int(d_max)}"] = 0.0
                elif even:
                    zone = buffers[(buffers["category"] == cat) & (buffers["distance"] == float(d_max))]
                    geom = area_geoms[key]
                    row[f"share_{int(d_max)}"] = float(
                        shapely.area(shapely.intersection(geom, zone.geometry.iloc[0])) / geom.area)
                else:
                    row[f"share_{int(d_max)}"] = float(weights[part["d"].to_numpy() <= d_max].sum()
                                                       / weights.sum())
            rows.append(row)
    columns = ["area_key", "category", "mean_distance", *[f"share_{int(d)}" for d in distances]]
    return pd.DataFrame(rows, columns=columns).sort_values(["area_key", "category"]).reset_index(
        drop=True)


def _require_metric(frame: gpd.GeoDataFrame) -> None:
    if frame.crs is None or not frame.crs.is_projected:
        raise ValueError("distances and areas need a projected (metric) CRS")
