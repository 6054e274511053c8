"""The status index over the years: some areas' lines and the city's reference line.

Input is the long table of :func:`geodash.analysis.social_index.index_over_years`
(``area_key, year, status_index, status_class``). Only index indicators enter
that index (``in_index``); neutral indicators such as age shares never do, so
nothing here ranks or judges them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SERIES_COLUMNS = ["area_key", "year", "status_index", "status_class"]


def index_series(over_years: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The status index and class per year of the areas ``keys``, in the order of ``keys``.

    Parameters
    ----------
    over_years
        ``area_key, year, status_index, status_class`` (one row per area and year).
    keys
        The chosen areas; a key without rows gives none (the caller names it).

    Returns
    -------
    pandas.DataFrame
        The same columns, grouped by area in the order of ``keys``, each area's
        years ascending; years without a value for an area keep NaN and no class.

    Examples
    --------
    >>> t = pd.DataFrame({"area_key": ["a", "b", "a", "b"], "year": [2021, 2021, 2020, 2020],
    ...                   "status_index": [1.0, -1.0, 0.5, -0.5],
    ...                   "status_class": ["mittel", "mittel", "mittel", "mittel"]})
    >>> index_series(t, ["b", "a"])[["area_key", "year"]].values.tolist()
    [['b', 2020], ['b', 2021], ['a', 2020], ['a', 2021]]
    """
    order = {str(key): i for i, key in enumerate(dict.fromkeys(keys))}
    part = over_years[over_years["area_key"].astype(str).isin(order)]
    position = part["area_key"].astype(str).map(order)
    out = part.assign(_order=position.to_numpy()).sort_values(["_order", "year"], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    out["status_index"] = out["status_index"].astype(float)
    return out[SERIES_COLUMNS]


def city_status(over_years: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """The city's status index per year: the (weighted) mean over the areas with a value.

    The MSS standardises the index across the reference areas, so this is
    0 in every year where all areas with a value are the reference; it is the
    line an area's index is read against ("above the city = more need").

    Parameters
    ----------
    over_years
        ``area_key, year, status_index`` (one row per area and year).
    weights
        Residents by area key when the index is weighted; areas without a
        positive weight then stay out.

    Returns
    -------
    pandas.DataFrame
        ``year, status_index, n`` (n = areas that count), years ascending.

    Examples
    --------
    >>> t = pd.DataFrame({"area_key": ["a", "b", "c"], "year": 2020,
    ...                   "status_index": [1.0, -1.0, np.nan]})
    >>> city_status(t).values.tolist()
    [[2020.0, 0.0, 2.0]]
    >>> city_status(t, pd.Series({"a": 300.0, "b": 100.0})).values.tolist()
    [[2020.0, 0.5, 2.0]]
    """
    value = over_years["status_index"].astype(float)
    use = value.notna()
    weight = pd.Series(1.0, index=over_years.index)
    if weights is not None:
        weight = over_years["area_key"].map(weights).astype(float)
        use &= weight.notna() & (weight > 0)
    frame = pd.DataFrame({"year": over_years["year"].astype(int), "w": weight.where(use, 0.0),
                          "wx": (value * weight).where(use, 0.0), "n": use.astype(int)})
    sums = frame.groupby("year", sort=True)[["w", "wx", "n"]].sum()
    mean = np.where(sums["w"] > 0, sums["wx"] / sums["w"].where(sums["w"] > 0, 1.0), np.nan)
    return pd.DataFrame({"year": sums.index.astype(int), "status_index": mean,
                         "n": sums["n"].to_numpy(dtype=int)}).reset_index(drop=True)
