"""Benchmark step 1: load and validate a workspace, cold and from the cache, against plain geopandas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodash.bench.measure import measure
from geodash.bench.results import Comparison, Figure
from geodash.bench.workspace import AREAS_FILE, INDICATORS_FILE, SITES_FILE, CityWorkspace
from geodash.dataset import Dataset
from geodash.workspace import load_workspace

NAIVE_LABEL = "`gpd.read_file` + `pd.read_csv` ×2 + `points_from_xy`, no checks"


def read_naively(folder: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """Read the same files as an analyst would with plain geopandas: no checks, no joins."""
    areas = gpd.read_file(folder / AREAS_FILE)
    indicators = pd.read_csv(folder / INDICATORS_FILE, sep=";", decimal=",", encoding="cp1252")
    table = pd.read_csv(folder / SITES_FILE, sep=";", decimal=",", encoding="utf-8-sig")
    sites = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["Längengrad"], table["Breitengrad"]),
        crs="EPSG:4326")
    return areas, indicators, sites


def compare_load(workspace: CityWorkspace, cache_dir: Path, repeats: int = 3
                 ) -> tuple[list[Comparison], Dataset]:
    """Time a cold load (``cache=False``) and a warm one (from the cache) against :func:`read_naively`.

    The cache is filled by one untimed load between the two. All files are
    fresh in the OS page cache for every contender alike.

    Returns
    -------
    tuple
        The two comparisons and the cold-loaded Dataset, for the next steps.
    """
    folder = workspace.folder
    n, m = len(workspace.city.areas), workspace.n_sites
    size = f"{n:,} areas, {m:,} sites"
    _, naive = measure(read_naively, lambda: (folder,), repeats=repeats)
    naive_figure = Figure(naive.seconds, "s", naive.how, naive.peak_rss)
    dataset, cold = measure(lambda: load_workspace(folder, cache=False), repeats=repeats)
    load_workspace(folder, cache=cache_dir)
    _, warm = measure(lambda: load_workspace(folder, cache=cache_dir), repeats=repeats)
    rows = [
        Comparison("load_cold", f"load + validate, cold (`cache=False`) · {size}",
                   Figure(cold.seconds, "s", cold.how, cold.peak_rss), naive_figure, NAIVE_LABEL,
                   n=n, m=m),
        Comparison("load_warm", f"load, warm (GeoParquet cache) · {size}",
                   Figure(warm.seconds, "s", warm.how, warm.peak_rss), naive_figure, NAIVE_LABEL,
                   n=n, m=m),
    ]
    return rows, dataset
