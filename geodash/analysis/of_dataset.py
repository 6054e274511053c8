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
from geodash.analysis.display import display_areas
from geodash.analysis.districts import access_by_category, need_and_coverage
from geodash.analysis.social_index import IndexOptions, social_index

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
        access=dataset.access if len(dataset.sites) and dataset.categories else None,
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
