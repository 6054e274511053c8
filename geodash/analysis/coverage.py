"""Coverage of districts by offers: counts per 1,000 residents and the need–offer gap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodash.analysis.joins import site_counts


def coverage_table(areas: pd.DataFrame, sites: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Sites per area and category, absolute and per 1,000 residents.

    Parameters
    ----------
    areas
        ``key, population``.
    sites
        ``category, area_key`` (sites outside every area are not counted).
    categories
        The categories to report, in order (absent ones count 0).

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
    pop = long["area_key"].map(areas.set_index("key")["population"]).astype(float)
    long["per_1000"] = long["count"] / pop.where(pop > 0) * 1000
    return long


def need_offer_gap(
    need: pd.Series, offers_per_1000: pd.Series, *, need_quantile: float = 0.5,
    offer_quantile: float = 0.5,
) -> pd.DataFrame:
    """Rank areas by need against coverage and flag high need with few offers.

    An area is flagged when its need is above the ``need_quantile`` of all
    areas and its offers per 1,000 residents are at or below the
    ``offer_quantile`` (both default: the median).

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
    need_cut = frame["need"].quantile(need_quantile) if len(frame) else np.nan
    offer_cut = frame["offers_per_1000"].quantile(offer_quantile) if len(frame) else np.nan
    frame["gap"] = (frame["need"] > need_cut) & (frame["offers_per_1000"].fillna(0) <= offer_cut)
    return frame.sort_values("need", ascending=False).reset_index()
