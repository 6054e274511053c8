"""Indicator statistics: city reference values, ranks, standardisation and change over time."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geodash.catalog import IndicatorSpec

# Units whose values are rates or shares of the population: their city value is
# the population-weighted mean. Counts add up; everything else takes the median.
RATE_UNITS = frozenset({"%", "‰", "je 1.000 EW", "per 1,000", "pro 1.000 EW", "je 1000 EW"})
COUNT_UNITS = frozenset({"Anzahl", "count", "Personen", "persons"})

POLARITY_SIGN = {"need": 1.0, "resource": -1.0, "neutral": 1.0}


def city_reference(
    indicators: pd.DataFrame,
    population: pd.Series,
    meta: Mapping[str, IndicatorSpec],
) -> pd.DataFrame:
    """The city value of every indicator and year.

    Rates and shares (unit ``%``, ``‰``, per 1,000) take the mean weighted by
    each area's population, over the areas that have both a value and a
    population; counts (unit ``Anzahl``) are summed; other units take the
    median of the areas.

    Parameters
    ----------
    indicators
        Long table ``area_key, indicator, year, value``.
    population
        Population by area key.
    meta
        Indicator specs by id.

    Returns
    -------
    pandas.DataFrame
        ``indicator, year, value, method`` (method: weighted_mean, sum, median).
    """
    # Missing and suppressed values (NaN) stay out of every city value.
    frame = indicators.dropna(subset=["value"]).assign(pop=indicators["area_key"].map(population))
    rows = []
    for (ind, year), part in frame.groupby(["indicator", "year"], sort=True):
        unit = meta[ind].unit if ind in meta else ""
        weighted = part.dropna(subset=["pop"])
        weighted = weighted[weighted["pop"] > 0]
        if unit in RATE_UNITS and len(weighted):
            value = float(np.average(weighted["value"], weights=weighted["pop"]))
            method = "weighted_mean"
        elif unit in COUNT_UNITS:
            value, method = float(part["value"].sum()), "sum"
        else:
            value, method = float(part["value"].median()), "median"
        rows.append({"indicator": ind, "year": int(year), "value": value, "method": method})
    return pd.DataFrame(rows, columns=["indicator", "year", "value", "method"])


def rank_areas(values: pd.Series, polarity: str) -> pd.Series:
    """Rank areas so that rank 1 is the area with the most need.

    For ``need`` (and ``neutral``) indicators the highest value ranks first,
    for ``resource`` indicators the lowest. Ties share the best rank; missing
    values get no rank.

    Examples
    --------
    >>> rank_areas(pd.Series({"a": 5.0, "b": 9.0, "c": None}), "need").tolist()
    [2, 1, <NA>]
    """
    ascending = polarity == "resource"
    ranks = values.astype(float).rank(method="min", ascending=ascending, na_option="keep")
    return ranks.astype("Int64")


def zscores(
    values: pd.Series,
    *,
    sign: float = 1.0,
    weights: pd.Series | None = None,
    reference: pd.Series | None = None,
) -> pd.Series:
    """z-standardise values with the (weighted) mean and population SD of a reference set.

    Parameters
    ----------
    values
        Values by area key (NaN for missing).
    sign
        −1 to turn the scale round (for indicators where more means less need).
    weights
        Weights by area key (e.g. population); areas without weight are left
        out of the mean and SD.
    reference
        Boolean by area key: which areas define the mean and SD.

    Examples
    --------
    >>> zscores(pd.Series({"a": 1.0, "b": 2.0, "c": 3.0})).round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    x = values.astype(float)
    use = x.notna()
    if reference is not None:
        use &= reference.reindex(x.index, fill_value=False).astype(bool)
    w = None
    if weights is not None:
        w_all = weights.reindex(x.index).astype(float)
        use &= w_all.notna() & (w_all > 0)
        w = w_all[use]
    if use.sum() == 0:
        return pd.Series(np.nan, index=x.index)
    mean = float(np.average(x[use], weights=w))
    std = float(np.sqrt(np.average((x[use] - mean) ** 2, weights=w)))
    if std == 0:
        return pd.Series(np.where(x.notna(), 0.0, np.nan), index=x.index)
    return sign * (x - mean) / std


def standardise(
    wide: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    *,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """z-scores per indicator, signed so that a positive score always means more need.

    Parameters
    ----------
    wide
        Areas as rows, indicator ids as columns.
    meta
        Indicator specs (their polarity sets the sign).
    weights
        Optional weights per area (e.g. population) for the mean and the
        standard deviation; by default every area counts once.

    Returns
    -------
    pandas.DataFrame
        Same shape; a column with no spread is all 0.
    """
    return pd.DataFrame({
        col: zscores(wide[col], weights=weights,
                     sign=POLARITY_SIGN.get(meta[col].polarity if col in meta else "need", 1.0))
        for col in wide.columns
    }, index=wide.index, columns=wide.columns, dtype=float)


def change(indicators: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Change of every indicator per area between two years.

    Returns
    -------
    pandas.DataFrame
        ``area_key, indicator, start, end, absolute, relative`` where
        ``absolute`` is end − start (percentage points for shares) and
        ``relative`` is (end − start) / start (NaN where start is 0).
    """
    a = indicators[indicators["year"] == start].set_index(["area_key", "indicator"])["value"]
    b = indicators[indicators["year"] == end].set_index(["area_key", "indicator"])["value"]
    both = pd.concat({"start": a, "end": b}, axis=1).dropna()
    both["absolute"] = both["end"] - both["start"]
    both["relative"] = both["absolute"] / both["start"].replace(0, np.nan)
    return both.reset_index()
