"""Benchmark step 2: sites to areas (point in polygon) against ``sjoin`` and a per-site loop."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np

from geodash.analysis.joins import locate_sites
from geodash.bench.measure import measure
from geodash.bench.results import Comparison, Figure

SJOIN_LABEL = '`gpd.sjoin(sites, areas, predicate="within")`'
LOOP_LABEL = "Python loop: for each site, `polygon.contains(point)` over the areas until a hit"
LOOP_SAMPLE = 10_000


def compare_join(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame, repeats: int = 3) -> Comparison:
    """Time :func:`locate_sites` against ``geopandas.sjoin`` on the same points and areas.

    Each run gets a fresh copy of the points (no spatial index cached on them
    from a previous run); the areas' index is built beforehand, as the
    Dataset keeps it for its lifetime.
    """
    n, m = len(areas), len(points)
    areas.sindex  # noqa: B018 - build the areas' index outside the clock

    def fresh() -> tuple[gpd.GeoDataFrame]:
        return (points.copy(),)

    located, ours = measure(lambda pts: locate_sites(pts, areas), fresh, repeats=repeats)
    joined, theirs = measure(lambda pts: gpd.sjoin(pts, areas, predicate="within"), fresh,
                             repeats=repeats)
    by_sjoin = joined["key"].groupby(level=0).min().reindex(points.index)
    agree = float(np.mean(located.to_numpy() == by_sjoin.to_numpy()))
    return Comparison(
        "join", f"sites → areas, point in polygon · {m:,} sites into {n:,} areas",
        Figure(ours.seconds, "s", ours.how, ours.peak_rss),
        Figure(theirs.seconds, "s", theirs.how, theirs.peak_rss), SJOIN_LABEL, n=n, m=m,
        notes=(f"locate_sites and sjoin agree on {agree:.4%} of the sites",))


def naive_loop(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame, budget_s: float) -> tuple[int, float]:
    """Locate points one by one as a first script would; stop after ``budget_s`` seconds.

    Returns
    -------
    tuple
        How many points were located and how long it took.
    """
    polygons = list(zip(areas["key"], areas.geometry, strict=True))
    done = 0
    start = time.perf_counter()
    for point in points.geometry:
        for _key, polygon in polygons:
            if polygon.contains(point):
                break
        done += 1
        if time.perf_counter() - start > budget_s:
            break
    return done, time.perf_counter() - start


def compare_loop(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame, join: Comparison,
                 budget_s: float) -> Comparison:
    """Per-site time of :func:`locate_sites` (from ``join``) against the loop on a sample.

    The loop runs once over up to :data:`LOOP_SAMPLE` of the points, or until
    ``budget_s`` seconds have passed; its time per site is what it spent
    divided by the sites it located.
    """
    sample = points.iloc[:LOOP_SAMPLE]
    done, seconds = naive_loop(areas, sample, budget_s)
    capped = f", stopped by the {budget_s:g} s budget" if done < len(sample) else ""
    per_site = Figure(seconds / done, "s", f"{done:,} of {len(sample):,} sample sites, 1 run{capped}")
    ours = Figure(join.geodash.value / join.m, "s", f"{join.geodash.how} on {join.m:,} sites ÷ {join.m:,}")
    return Comparison("loop_per_site",
                      f"sites → areas, time per site · {len(areas):,} areas (vs {join.m:,}-site run)",
                      ours, per_site, LOOP_LABEL, n=join.n, m=join.m)
