"""The joined layers analysts export: districts with indicators, sites with their district."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geodash.analysis.coverage import (
    accessibility,
    coverage_table,
    high_need_by_rule,
    need_offer_gap,
)
from geodash.analysis.joins import indicators_wide, site_counts
from geodash.analysis.social_index import IndexOptions, social_index
from geodash.analysis.years import sites_in_year, zone_shares_in_year
from geodash.catalog import IndicatorSpec


def latest_year(indicators: pd.DataFrame) -> int | None:
    """The most recent year with any indicator value."""
    return int(indicators["year"].max()) if len(indicators) else None


def districts_layer(
    areas: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    sites: pd.DataFrame,
    zone_shares: pd.DataFrame,
    zones: pd.DataFrame,
    *,
    year: int | None,
    indicator_ids: list[str],
    categories: list[str],
) -> gpd.GeoDataFrame:
    """Areas joined with every indicator of one year, site counts and programme areas.

    Returns
    -------
    geopandas.GeoDataFrame
        ``key, name, parent, parent_name`` (when the areas have it),
        ``population, year``, one numeric column per
        indicator id, ``sites_<category>`` and ``sites_total``,
        ``zone_share`` (share of the surface inside any programme area, 0–1;
        NaN for every area when the workspace has no zones layer)
        and ``zones`` (names of the programme areas it touches), geometry.
        Sites and programme areas count only where they run in ``year``
        (:mod:`geodash.analysis.years`); every one of them for ``year=None``.
    """
    sites = sites_in_year(sites, year)
    zone_shares = zone_shares_in_year(zone_shares, zones, year)
    out = areas[[c for c in ("key", "name", "parent", "parent_name", "population") if c in areas]].copy()
    out["year"] = year
    if year is not None:
        wide = indicators_wide(indicators, year, indicator_ids)
    else:
        wide = pd.DataFrame(columns=indicator_ids, dtype=float)
    out = out.join(wide.reindex(out["key"]).reset_index(drop=True))
    counts = site_counts(sites, categories).reindex(out["key"], fill_value=0)
    counts.columns = [f"sites_{c}" for c in counts.columns]
    counts["sites_total"] = counts.sum(axis=1)
    out = out.join(counts.reset_index(drop=True).astype(int))
    share = zone_shares.groupby("area_key")["share"].sum().clip(upper=1.0)
    # Without a zones layer nothing is known about programme areas: empty, not 0.
    out["zone_share"] = (out["key"].map(share).fillna(0.0).round(4) if len(zones)
                         else pd.Series(np.nan, index=out.index, dtype=float))
    names = zones.set_index("zone_id")["name"] if len(zones) else pd.Series(dtype=object)
    touched = zone_shares.assign(zone=zone_shares["zone_id"].map(names)).groupby("area_key")["zone"]
    out["zones"] = out["key"].map(touched.agg(lambda z: "; ".join(sorted(z)))).astype("str").fillna("")
    return gpd.GeoDataFrame(out, geometry=areas.geometry.values, crs=areas.crs)


def sites_layer(sites: gpd.GeoDataFrame, areas: pd.DataFrame) -> gpd.GeoDataFrame:
    """Sites with the key and name of the area each lies in."""
    names = areas.set_index("key")["name"]
    out = sites.copy()
    out.insert(out.columns.get_loc("area_key") + 1, "area_name", out["area_key"].map(names))
    return out


ANY = "any"


def access_by_category(
    areas_metric: gpd.GeoDataFrame,
    sites_metric: gpd.GeoDataFrame,
    categories: list[str],
    distances: Sequence[float],
    *,
    points: gpd.GeoDataFrame | None = None,
    spacing: float = 50.0,
) -> pd.DataFrame:
    """Accessibility per area for every category and for all sites together (category ``any``)."""
    both = pd.concat([sites_metric, sites_metric.assign(category=ANY)], ignore_index=True)
    return accessibility(areas_metric, gpd.GeoDataFrame(both, crs=sites_metric.crs), [*categories, ANY],
                         distances, points=points, spacing=spacing)


def need_and_coverage(
    areas_metric: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    sites_metric: gpd.GeoDataFrame,
    categories: list[str],
    *,
    year: int,
    index_method: str = "mss",
    index_options: IndexOptions | None = None,
    distances: Sequence[float] = (500.0, 1000.0),
    need_quantile: float = 0.5,
    offer_quantile: float = 0.5,
    points: gpd.GeoDataFrame | None = None,
    spacing: float = 50.0,
    access: pd.DataFrame | None = None,
    population: pd.Series | None = None,
    gap_need: str = "status_class",
    gap_classes: Sequence[str] = ("niedrig", "sehr niedrig"),
) -> pd.DataFrame:
    """Status and dynamics index, coverage per category and the need–offer gap, per area.

    Only the sites running in ``year`` count (:mod:`geodash.analysis.years`);
    ``access`` is the result of :func:`access_by_category` for those sites
    when it was computed before (``Dataset.access_in(year)``). ``population`` is the
    year's residents by area key (``Dataset.population_in(year)``); by
    default the areas' own ``population`` column. ``gap_need`` and
    ``gap_classes`` say what "high need" means in the gap
    (:func:`~geodash.analysis.coverage.high_need_by_rule`).

    Returns
    -------
    pandas.DataFrame
        Indexed by area key: ``status_index, status_class, dynamics_index,
        dynamics_class, summary``; ``per1000_<category>`` and
        ``per1000_total``; ``share<d>_<category>`` (residents within ``d``
        metres of a site of the category) and ``share<d>_any``;
        ``gap`` (high need and few offers).
    """
    # A workspace with sites has coverage in every year, 0 where none of them runs.
    has_sites = len(sites_metric) > 0
    sites_metric = sites_in_year(sites_metric, year)
    if population is None:
        population = areas_metric.set_index("key")["population"]
    population = population.reindex(areas_metric["key"]).astype(float)
    out = pd.DataFrame(index=pd.Index(areas_metric["key"], name="area_key"))
    index_cols = ["status_index", "status_class", "dynamics_index", "dynamics_class", "summary"]
    if any(m.in_index for m in meta.values()) and year is not None:
        index = social_index(indicators, meta, population, year, method=index_method,
                             options=index_options)
        out = out.join(index[index_cols])
    else:
        for col in index_cols:
            out[col] = np.nan
    cov = coverage_table(areas_metric, sites_metric, categories, population=population)
    per1000 = cov.pivot(index="area_key", columns="category", values="per_1000").reindex(
        columns=categories)
    per1000.columns = [f"per1000_{c}" for c in per1000.columns]
    counts = cov.groupby("area_key")["count"].sum()
    pop = population.reindex(out.index).astype(float)
    out = out.join(per1000)
    out["per1000_total"] = counts.reindex(out.index) / pop.where(pop > 0) * 1000
    if has_sites and categories:
        if access is None:
            access = access_by_category(areas_metric, sites_metric, categories, distances,
                                        points=points, spacing=spacing)
        for d in distances:
            wide = access.pivot(index="area_key", columns="category", values=f"share_{int(d)}")
            for cat in [*categories, ANY]:
                out[f"share{int(d)}_{cat}"] = wide.get(cat, pd.Series(dtype=float)).reindex(out.index)
    need = out["status_index"].astype(float)
    if need.notna().any():
        high = high_need_by_rule(need, out["status_class"], rule=gap_need, classes=gap_classes,
                                 quantile=need_quantile)
        gap = need_offer_gap(need, out["per1000_total"], need_quantile=need_quantile,
                             offer_quantile=offer_quantile, high_need=high).set_index("area_key")["gap"]
        out["gap"] = gap.reindex(out.index).fillna(False).astype(bool)
    else:
        out["gap"] = False
    return out
