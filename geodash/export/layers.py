"""The exportable layers of a Dataset, by name."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd

from geodash.analysis.coverage import catchments
from geodash.analysis.districts import (
    districts_layer,
    latest_year,
    sites_layer,
)
from geodash.analysis.of_dataset import district_analysis
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.columns import safe_columns


def _districts(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    year = year if year is not None else latest_year(dataset.indicators)
    layer = districts_layer(
        dataset.areas, dataset.indicators, dataset.sites, dataset.zone_shares, dataset.zones,
        year=year, indicator_ids=list(dataset.indicator_meta), categories=list(dataset.categories),
    )
    extra = district_analysis(dataset, year).reset_index(drop=True)
    geometry = layer.geometry
    joined = pd.concat([layer.drop(columns=geometry.name), extra], axis=1)
    return safe_columns(gpd.GeoDataFrame(joined, geometry=geometry.values, crs=layer.crs), dataset)


def _catchments(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    layer = catchments(dataset.sites_metric, dataset.settings.coverage.distances,
                       list(dataset.categories))
    return layer.to_crs("EPSG:4326")


def _sites(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return sites_layer(dataset.sites, dataset.areas)


def _zones(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return dataset.zones.copy()


def _indicators(dataset: Dataset, year: int | None) -> pd.DataFrame:
    table = dataset.indicators
    if year is not None:
        table = table[table["year"] == year]
    names = dataset.areas.set_index("key")["name"]
    out = table.copy()
    out.insert(1, "area_name", out["area_key"].map(names))
    units = {k: m.unit for k, m in dataset.indicator_meta.items()}
    out["unit"] = out["indicator"].map(units)
    return out.reset_index(drop=True)


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
