"""The joined layers analysts export: districts with indicators, sites with their district."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geodash.analysis.joins import indicators_wide, site_counts


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
        ``key, name, parent, population, year``, one numeric column per
        indicator id, ``sites_<category>`` and ``sites_total``,
        ``zone_share`` (share of the surface inside any programme area, 0–1)
        and ``zones`` (names of the programme areas it touches), geometry.
    """
    out = areas[["key", "name", "parent", "population"]].copy()
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
    out["zone_share"] = out["key"].map(share).fillna(0.0).round(4)
    names = zones.set_index("zone_id")["name"] if len(zones) else pd.Series(dtype=object)
    touched = zone_shares.assign(zone=zone_shares["zone_id"].map(names)).groupby("area_key")["zone"]
    out["zones"] = out["key"].map(touched.agg(lambda z: "; ".join(sorted(z)))).fillna("")
    return gpd.GeoDataFrame(out, geometry=areas.geometry.values, crs=areas.crs)


def sites_layer(sites: gpd.GeoDataFrame, areas: pd.DataFrame) -> gpd.GeoDataFrame:
    """Sites with the key and name of the area each lies in."""
    names = areas.set_index("key")["name"]
    out = sites.copy()
    out.insert(out.columns.get_loc("area_key") + 1, "area_name", out["area_key"].map(names))
    return out
