"""Analyses of a whole Dataset: what pages and exports share, and what a Dataset keeps once computed.

:func:`district_analysis` composes the workspace's settings with the analysis
functions (index, coverage, gap per area); the map, profile, comparison and
coverage pages (through :mod:`geodash.web.figures.derived`), ``geodash export
districts`` and the OGC API all take it from here, so they agree. The other
three are the analyses a Dataset memoises (:data:`geodash.dataset.MEMOISED`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geodash.analysis.coverage import grid_points
from geodash.analysis.coverage_years import coverage_over_years
from geodash.analysis.display import display_areas
from geodash.analysis.districts import access_by_category, need_and_coverage
from geodash.analysis.social_index import IndexOptions, social_index
from geodash.analysis.years import running_key, sites_in_year

if TYPE_CHECKING:
    from geodash.dataset import Dataset


def district_analysis(dataset: Dataset, year: int | None) -> pd.DataFrame:
    """Social index, coverage and gap per area for one year (see ``need_and_coverage``)."""
    settings = dataset.settings
    return need_and_coverage(
        dataset.areas_metric, dataset.indicators, dataset.indicator_meta, dataset.sites_metric,
        list(dataset.categories), year=year, index_method=settings.index.method,
        index_options=IndexOptions.from_settings(settings.index),
        distances=settings.coverage.distances, need_quantile=settings.coverage.need_quantile,
        offer_quantile=settings.coverage.offer_quantile, spacing=settings.coverage.grid_spacing,
        points=dataset.population_points,
        access=dataset.access_in(year) if len(dataset.sites) and dataset.categories else None,
        population=dataset.population_in(year),
        gap_need=settings.coverage.gap_need, gap_classes=settings.coverage.gap_classes,
    )


def index_since(dataset: Dataset, year: int, base: int) -> pd.DataFrame:
    """The social index of ``year`` with its dynamics since ``base`` (the workspace's method).

    The frame of :func:`geodash.analysis.social_index.social_index`; the
    status columns are those of :func:`district_analysis` for the year.
    """
    settings = dataset.settings.index
    population = dataset.population_in(year).reindex(dataset.areas["key"]).astype(float)
    options = replace(IndexOptions.from_settings(settings), base_year=int(base))
    return social_index(dataset.indicators, dataset.indicator_meta, population, year,
                        method=settings.method, options=options)


def areas_display(dataset: Dataset) -> gpd.GeoDataFrame:
    """The areas simplified for the screen (``Dataset.areas_display``)."""
    return display_areas(dataset.areas, metric_crs=dataset.settings.metric_crs)


def population_points(dataset: Dataset) -> gpd.GeoDataFrame | None:
    """Grid residents assigned to areas (``Dataset.population_points``); ``None`` without a grid."""
    if dataset.population_grid is None:
        return None
    return grid_points(dataset.population_grid, dataset.areas_metric)


def access(dataset: Dataset) -> pd.DataFrame:
    """Accessibility of sites per area and category (``Dataset.access``; it has no year)."""
    coverage = dataset.settings.coverage
    return access_by_category(dataset.areas_metric, dataset.sites_metric, list(dataset.categories),
                              coverage.distances, points=dataset.population_points,
                              spacing=coverage.grid_spacing)


# Key in the Dataset's instance dict of the accessibility per set of running sites.
_ACCESS_BY_RUNNING = "_geodash_access_by_running"


def access_in(dataset: Dataset, year: int | None) -> pd.DataFrame:
    """Accessibility of the sites running in ``year`` (``Dataset.access_in``).

    Computed once per set of running sites: years in which the same sites run
    share one table, and when every site runs it is :attr:`Dataset.access`
    (which the cache stores). Kept in the Dataset's instance dict, beside its
    cached properties: the Dataset never changes, so neither does this.
    """
    key = running_key(dataset.sites, year)
    if key == "all":
        return dataset.access
    memo = dataset.__dict__.setdefault(_ACCESS_BY_RUNNING, {})
    if key not in memo:
        coverage = dataset.settings.coverage
        memo[key] = access_by_category(
            dataset.areas_metric, sites_in_year(dataset.sites_metric, year),
            list(dataset.categories), coverage.distances, points=dataset.population_points,
            spacing=coverage.grid_spacing)
    return memo[key]


def coverage_years(dataset: Dataset) -> pd.DataFrame:
    """Coverage per area, category and year (:func:`~geodash.analysis.coverage_years.coverage_over_years`).

    Every year of :attr:`Dataset.years` (none: the sites without a year), with
    that year's residents and the accessibility of the offers running in it.
    """
    years = list(dataset.years)
    with_access = len(dataset.sites) > 0 and bool(dataset.categories)
    return coverage_over_years(
        dataset.areas, dataset.sites, list(dataset.categories), years,
        population={y: dataset.population_in(y) for y in years},
        access={y: dataset.access_in(y) for y in years} if with_access else None)
