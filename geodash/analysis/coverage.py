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
    offer_quantile: float = 0.5, high_need: pd.Series | None = None,
) -> pd.DataFrame:
    """Rank areas by need against coverage and flag high need with few offers.

    An area is flagged when its need is high and its offers per 1,000
    residents are at or below the ``offer_quantile`` (default: the median) of
    the areas with a need score. "High need" is ``high_need`` where given
    (one boolean per area, e.g. :func:`high_need_by_rule` with the status
    classes niedrig/sehr niedrig), else need above the ``need_quantile``. An
    area whose offers per 1,000 are unknown (no population) is never flagged:
    its coverage cannot be judged.

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
    high = (frame["need"] > need_cut if high_need is None
            else high_need.reindex(frame.index).fillna(False).astype(bool))
    frame["gap"] = high & (frame["offers_per_1000"] <= offer_cut).fillna(False)
    return frame.sort_values("need", ascending=False).reset_index()


# What "high need" means in the gap rule (``[coverage] gap_need``); one signature for all:
# (status index, status class, settings) -> boolean per area.
def _need_by_class(status_index: pd.Series, status_class: pd.Series, *,
                   classes: Sequence[str], quantile: float) -> pd.Series:
    return status_class.isin(list(classes)) & status_index.notna()


def _need_by_quantile(status_index: pd.Series, status_class: pd.Series, *,
                      classes: Sequence[str], quantile: float) -> pd.Series:
    ranked = status_index.dropna()
    cut = float(ranked.quantile(quantile)) if len(ranked) else np.nan
    return (status_index > cut).fillna(False)


GAP_NEED_RULES = {"status_class": _need_by_class, "quantile": _need_by_quantile}


def high_need_by_rule(status_index: pd.Series, status_class: pd.Series, *,
                      rule: str = "status_class",
                      classes: Sequence[str] = ("niedrig", "sehr niedrig"),
                      quantile: float = 0.5) -> pd.Series:
    """Which areas have high need, by the workspace's rule (``[coverage] gap_need``).

    ``"status_class"`` (the default): the area's status class of the social
    index is one of ``classes`` (niedrig/sehr niedrig: more than one standard
    deviation above the mean), the same words the map and the index use.
    ``"quantile"``: the status index is above the ``quantile`` of the areas
    (0.5: above the median; the rule before issue 12).

    Examples
    --------
    >>> index = pd.Series({"a": 1.6, "b": 1.2, "c": 0.3, "d": -1.0})
    >>> classes = pd.Series({"a": "sehr niedrig", "b": "niedrig", "c": "mittel", "d": "mittel"})
    >>> high_need_by_rule(index, classes).tolist()
    [True, True, False, False]
    >>> high_need_by_rule(index, classes, rule="quantile").tolist()
    [True, True, False, False]
    """
    if rule not in GAP_NEED_RULES:
        raise ValueError(f"`rule` was {rule!r} but is expected to be one of {sorted(GAP_NEED_RULES)}")
    index = status_index.astype(float)
    return GAP_NEED_RULES[rule](index, status_class.reindex(index.index), classes=classes,
                                quantile=quantile).astype(bool)


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
    more than ``max_points`` are made), anchored at each area's own bounding
    box; each carries ``population / n`` of its area. An area too small for a
    grid point gets one point at its representative point.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_key, weight, geometry``, area by area in the order of
        ``areas``, each area's points row by row.
    """
    _require_metric(areas)
    total_area = float(areas.geometry.area.sum())
    if total_area / spacing**2 > max_points:
        spacing = float(np.sqrt(total_area / max_points))
    geoms = np.asarray(areas.geometry.array)
    bounds = shapely.bounds(geoms).reshape(-1, 4)
    # One grid per area, all areas at once: the same points np.arange would give per area.
    nx = _steps(bounds[:, 0] + spacing / 2, bounds[:, 2], spacing)
    ny = _steps(bounds[:, 1] + spacing / 2, bounds[:, 3], spacing)
    per_area = nx * ny
    owner = np.repeat(np.arange(len(geoms)), per_area)
    local = np.arange(len(owner)) - np.repeat(np.cumsum(per_area) - per_area, per_area)
    x = bounds[owner, 0] + spacing / 2 + (local % nx[owner]) * spacing
    y = bounds[owner, 1] + spacing / 2 + (local // nx[owner]) * spacing
    shapely.prepare(geoms)
    inside = shapely.contains_xy(geoms[owner], x, y)
    owner, x, y = owner[inside], x[inside], y[inside]
    counts = np.bincount(owner, minlength=len(geoms))
    empty = np.flatnonzero(counts == 0)
    fallback = shapely.get_coordinates(shapely.point_on_surface(geoms[empty])).reshape(-1, 2)
    owner = np.concatenate([owner, empty])
    x = np.concatenate([x, fallback[:, 0]])
    y = np.concatenate([y, fallback[:, 1]])
    order = np.argsort(owner, kind="stable")
    owner, x, y = owner[order], x[order], y[order]
    pop = areas["population"].to_numpy(dtype=float)
    share = np.nan_to_num(pop, nan=0.0) / np.maximum(counts, 1)
    return gpd.GeoDataFrame({"area_key": areas["key"].to_numpy()[owner], "weight": share[owner]},
                            geometry=shapely.points(x, y), crs=areas.crs)


def _steps(start: np.ndarray, stop: np.ndarray, step: float) -> np.ndarray:
    """How many values ``np.arange(start, stop, step)`` has, element-wise."""
    return np.maximum(np.ceil((stop - start) / step), 0).astype(np.int64)


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

    The work is done per category and distance, never per area: one nearest
    query for all resident points, one overlay of all areas with the
    dissolved buffers, and grouped sums.

    Returns
    -------
    pandas.DataFrame
        ``area_key, category, mean_distance`` (population-weighted mean
        distance to the nearest site, metres) and ``share_<d>`` (share of
        residents within ``d`` metres, 0–1) for every distance; one row per
        area that has resident points and category, sorted by both.
    """
    _require_metric(areas)
    if sites.crs != areas.crs:
        raise ValueError("sites and areas must share a metric CRS")
    even = points is None
    if even:
        points = population_points(areas, spacing=spacing)
    codes, keys = pd.factorize(points["area_key"])  # NaN keys get -1: they belong to no area
    placed = codes >= 0
    codes, xy = codes[placed], points.geometry.values[placed]
    w = points["weight"].to_numpy(dtype=float)[placed]
    # An area whose points all weigh nothing (no population) is averaged unweighted.
    weightless = np.bincount(codes, w, minlength=len(keys)) <= 0
    w = np.where(weightless[codes], 1.0, w)
    wsum = np.bincount(codes, w, minlength=len(keys))
    if even:
        geoms = np.asarray(areas.geometry.array)
        by_key = pd.Index(areas["key"]).get_indexer(keys)
        geoms = geoms[by_key]
        buffers = catchments(sites, distances, categories)
    frames = []
    for cat in categories:
        cat_sites = sites.geometry[sites["category"] == cat].values
        # From a list, as the keys were read: the same dtype inference for every source of points.
        frame = pd.DataFrame({"area_key": list(keys), "category": cat, "mean_distance": np.nan})
        if len(cat_sites):
            tree = shapely.STRtree(cat_sites)
            (found, _), nearest = tree.query_nearest(xy, return_distance=True, all_matches=False)
            dist = np.full(len(xy), np.nan)
            dist[found] = nearest
            frame["mean_distance"] = np.bincount(codes, w * dist, minlength=len(keys)) / wsum
        for d_max in distances:
            if not len(cat_sites):
                share = 0.0
            elif even:
                zone = buffers[(buffers["category"] == cat) & (buffers["distance"] == float(d_max))]
                with np.errstate(invalid="ignore", divide="ignore"):
                    share = covered_area(geoms, zone.geometry.iloc[0]) / shapely.area(geoms)
            else:
                share = np.bincount(codes, w * (dist <= d_max), minlength=len(keys)) / wsum
            frame[f"share_{int(d_max)}"] = share
        frames.append(frame)
    columns = ["area_key", "category", "mean_distance", *[f"share_{int(d)}" for d in distances]]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return out[columns].sort_values(["area_key", "category"]).reset_index(drop=True)


# A piece of a dissolved catchment with more vertices than this is cut in four before the
# overlay: intersecting every area with one city-wide polygon would cost its whole size
# per area, small pieces cost only what lies near the area.
PIECE_VERTICES = 512


def covered_area(geoms: np.ndarray, zone: shapely.Geometry, *,
                 max_vertices: int = PIECE_VERTICES) -> np.ndarray:
    """The area of each polygon in ``geoms`` that lies inside ``zone``, one overlay for all.

    ``zone`` is cut into small pieces that do not overlap (quadrants, level by
    level, until each is small); an STRtree pairs each area with the pieces
    it touches, and the pieces' intersections are summed per area.

    Examples
    --------
    >>> squares = np.array([shapely.box(0, 0, 2, 2), shapely.box(5, 5, 6, 6)])
    >>> covered_area(squares, shapely.box(1, 0, 3, 3)).tolist()
    [2.0, 0.0]
    """
    pieces = _small_pieces(zone, max_vertices)
    if len(geoms) == 0 or len(pieces) == 0:
        return np.zeros(len(geoms))
    tree = shapely.STRtree(geoms)
    piece_idx, area_idx = tree.query(pieces, predicate="intersects")
    # Most areas lie wholly inside one piece or touch few: only the ones a piece's border
    # crosses need the (costly) intersection.
    shapely.prepare(pieces)
    inside = shapely.contains_properly(pieces[piece_idx], geoms[area_idx])
    overlap = shapely.area(geoms[area_idx])
    cut = ~inside
    overlap[cut] = shapely.area(shapely.intersection(geoms[area_idx[cut]], pieces[piece_idx[cut]]))
    return np.bincount(area_idx, overlap, minlength=len(geoms))


def _small_pieces(zone: shapely.Geometry, max_vertices: int = PIECE_VERTICES,
                  max_levels: int = 24) -> np.ndarray:
    """``zone`` as non-overlapping polygons of at most ``max_vertices`` (or ``max_levels`` cuts)."""
    pending = _polygons(np.asarray([zone]))
    done = []
    for _ in range(max_levels):
        big = shapely.get_num_coordinates(pending) > max_vertices
        done.append(pending[~big])
        pending = pending[big]
        if not len(pending):
            break
        x0, y0, x1, y1 = shapely.bounds(pending).T
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        quadrants = shapely.box(np.concatenate([x0, xm, x0, xm]), np.concatenate([y0, y0, ym, ym]),
                                np.concatenate([xm, x1, xm, x1]), np.concatenate([ym, ym, y1, y1]))
        pending = _polygons(shapely.intersection(np.tile(pending, 4), quadrants))
    done.append(pending)
    return np.concatenate(done)


def _polygons(geoms: np.ndarray) -> np.ndarray:
    """The polygon parts of ``geoms`` (cuts along an edge leave lines and points: no area)."""
    parts = shapely.get_parts(geoms)
    return parts[shapely.get_type_id(parts) == 3]


def _require_metric(frame: gpd.GeoDataFrame) -> None:
    if frame.crs is None or not frame.crs.is_projected:
        raise ValueError("distances and areas need a projected (metric) CRS")
