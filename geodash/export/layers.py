"""The exportable layers of a Dataset, by name."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from geodash.analysis.coverage import catchments
from geodash.analysis.coverage_years import ANY
from geodash.analysis.districts import (
    districts_layer,
    latest_year,
    sites_layer,
)
from geodash.analysis.of_dataset import coverage_years, district_analysis
from geodash.analysis.years import sites_in_year, zones_in_year
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.export.columns import describe_columns, long_labels, safe_columns


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


# The sites, zones and catchments of a year keep only what ran in it (geodash.analysis.years);
# without a year, every one.


def _catchments(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    layer = catchments(sites_in_year(dataset.sites_metric, year), dataset.settings.coverage.distances,
                       list(dataset.categories))
    return layer.to_crs("EPSG:4326")


def _sites(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return sites_layer(sites_in_year(dataset.sites, year), dataset.areas)


def _zones(dataset: Dataset, year: int | None) -> gpd.GeoDataFrame:
    return zones_in_year(dataset.zones, year).copy()


COVERAGE_LABELS = {
    "area_key": {"de": "Schlüssel ({unit})", "en": "Key ({unit})"},
    "area_name": {"de": "{unit}", "en": "{unit}"},
    "year": {"de": "Jahr", "en": "Year"},
    "category": {"de": "Art des Angebots (Kürzel; any = alle)", "en": "Kind of offer (code; any = all)"},
    "category_label": {"de": "Art des Angebots", "en": "Kind of offer (German)"},
    "count": {"de": "Laufende Angebote im Jahr", "en": "Offers running in the year"},
    "per_1000": {"de": "Laufende Angebote je 1.000 Einwohner/innen des Jahres",
                 "en": "Running offers per 1,000 residents of the year"},
    "share": {"de": "Anteil Bewohner ≤ {d} m vom nächsten laufenden Angebot (0–1)",
              "en": "Share of residents ≤ {d} m from the nearest running offer (0–1)"},
}


def _coverage(dataset: Dataset, year: int | None) -> pd.DataFrame:
    """Coverage as a long table: per area, year and kind of offer (and ``any``), every year.

    Only the offers running in each year count (``geodash export coverage``;
    ``--year`` keeps one year).
    """
    table = coverage_years(dataset)
    if year is not None:
        table = table[table["year"] == year]
    names = dataset.areas.set_index("key")["name"]
    out = table.copy()
    out.insert(1, "area_name", out["area_key"].map(names).to_numpy())
    out.insert(4, "category_label", [
        "alle" if code == ANY else dataset.category_label(code, "de") for code in out["category"]])
    out = out.reset_index(drop=True)
    unit = {lang: dataset.unit.form(lang) for lang in ("de", "en")}
    labels = {}
    for col in out.columns:
        key = "share" if col.startswith("share_") else col
        text = COVERAGE_LABELS.get(key)
        if text:
            labels[col] = {lang: text[lang].format(unit=unit[lang], d=col[len("share_"):])
                           for lang in ("de", "en")}
    out.attrs["column_labels"] = labels
    return describe_columns(out, dataset, year=year)


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
    "coverage": _coverage,
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
