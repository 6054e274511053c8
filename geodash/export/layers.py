"""The exportable layers of a Dataset, by name."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from geodash.analysis.coverage import catchments
from geodash.analysis.districts import (
    districts_layer,
    latest_year,
    need_and_coverage,
    sites_layer,
)
from geodash.analysis.social_index import IndexOptions
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.columns import describe_columns, long_labels, safe_columns


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
    )


def _districts(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    year = year if year is not None else latest_year(dataset.indicators)
    layer = districts_layer(
        dataset.areas, dataset.indicators, dataset.sites, dataset.zone_shares, dataset.zones,
        year=year, indicator_ids=list(dataset.indicator_meta), categories=list(dataset.categories),
    )
    extra = district_analysis(dataset, year).reset_index(drop=True)
    geometry = layer.geometry
    joined = pd.concat([layer.drop(columns=geometry.name), extra], axis=1)
    frame = safe_columns(gpd.GeoDataFrame(joined, geometry=geometry.values, crs=layer.crs), dataset)
    return describe_columns(frame, dataset, year=year)


def _catchments(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    layer = catchments(dataset.sites_metric, dataset.settings.coverage.distances,
                       list(dataset.categories))
    return layer.to_crs("EPSG:4326")


def _sites(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return sites_layer(dataset.sites, dataset.areas)


def _zones(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return dataset.zones.copy()


def _indicators(dataset: Dataset, year: int | None) -> pd.DataFrame:
    """The long table: one row per area, indicator and year, with the indicator's label and unit.

    Every year unless ``year`` is given; suppressed values are empty with
    ``suppressed`` true, as in the wide table.
    """
    table = dataset.indicators
    if year is not None:
        table = table[table["year"] == year]
    names = dataset.areas.set_index("key")["name"]
    meta = dataset.indicator_meta
    labels = {lang: {k: m.label.get(lang) for k, m in meta.items()} for lang in ("de", "en")}
    out = pd.DataFrame({
        "area_key": table["area_key"].to_numpy(),
        "area_name": table["area_key"].map(names).to_numpy(),
        "indicator": table["indicator"].to_numpy(),
        "label": table["indicator"].map(labels["de"]).to_numpy(),
        "label_en": table["indicator"].map(labels["en"]).to_numpy(),
        "unit": table["indicator"].map({k: m.unit for k, m in meta.items()}).to_numpy(),
        "year": table["year"].to_numpy(),
        "value": table["value"].to_numpy(),
        "suppressed": table["suppressed"].to_numpy() if "suppressed" in table
        else np.zeros(len(table), dtype=bool),
    }).sort_values(["area_key", "indicator", "year"], kind="stable").reset_index(drop=True)
    out.attrs["column_labels"] = long_labels(dataset)
    return describe_columns(out, dataset, year=year)


LAYERS: dict[str, Callable[[Dataset, int | None], pd.DataFrame]] = {
    "districts": _districts,
    "sites": _sites,
    "zones": _zones,
    "indicators": _indicators,
    "catchments": _catchments,
}


def build_layer(dataset: Dataset, name: str, year: int | None = None) -> pd.DataFrame:
    """Build an exportable layer by name (see :data:`LAYERS`)."""
    if name not in LAYERS:
        raise ParameterError(f"`layer` was {name!r} but is expected to be one of {sorted(LAYERS)}.")
    if year is not None and year not in dataset.years:
        raise ParameterError(
            f"the year {year} has no indicator values.",
            fix=f"use one of {', '.join(map(str, dataset.years)) or '(none)'}.",
        )
    return LAYERS[name](dataset, year)
