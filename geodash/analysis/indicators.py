"""Indicator statistics: city reference values, ranks, standardisation and change over time."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from geodash.catalog import IndicatorSpec

POLARITY_SIGN = {"need": 1.0, "resource": -1.0, "neutral": 1.0}


def _weighted_mean(part: pd.DataFrame) -> pd.Series:
    usable = part[part["weight"].notna() & (part["weight"] > 0)]
    weighted = (usable["value"] * usable["weight"]).groupby(usable["year"]).sum()
    return (weighted / usable.groupby("year")["weight"].sum()).reindex(part["year"].unique())


# How the city value of an indicator is formed from the area values of one year (the
# spec's ``aggregate``). Each takes ``year, value, weight`` rows and returns a value per year.
AGGREGATES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "mean": lambda part: part.groupby("year")["value"].mean(),
    "median": lambda part: part.groupby("year")["value"].median(),
    "sum": lambda part: part.groupby("year")["value"].sum(),
    "weighted_mean": _weighted_mean,
}


def _as_population_table(population: pd.Series | pd.DataFrame, years) -> pd.DataFrame:
    """A long ``area_key, year, population`` table; a Series by key holds for every year."""
    if isinstance(population, pd.DataFrame):
        return population
    index = pd.MultiIndex.from_product([population.index, sorted(years)], names=["area_key", "year"])
    return pd.DataFrame(index=index).reset_index().assign(
        population=lambda t: t["area_key"].map(population).astype(float))


def city_reference(
    indicators: pd.DataFrame,
    population: pd.DataFrame | pd.Series,
    meta: Mapping[str, IndicatorSpec],
) -> pd.DataFrame:
    """The city value of every indicator and year, formed as each indicator's spec declares.

    ``aggregate`` (see :data:`AGGREGATES`) is ``mean`` (the default: every
    area counts once), ``median``, ``sum`` (counts add up) or
    ``weighted_mean``, which weights each area by its ``base`` in the same
    year: ``"population"`` (the year's residents) or another indicator's value
    (residents under 15, the unemployed, children examined). Areas without a
    value, or (for a weighted mean) without a positive base, stay out; a year
    in which no area has a base has no city value (NaN), never a guessed one.

    Parameters
    ----------
    indicators
        Long table ``area_key, indicator, year, value``.
    population
        Residents as a long table ``area_key, year, population``
        (``Dataset.population_table``), or a Series by area key that holds
        for every year.
    meta
        Indicator specs by id (an indicator without a spec takes the mean).

    Returns
    -------
    pandas.DataFrame
        ``indicator, year, value, method`` (method: the aggregate used).

    Examples
    --------
    >>> from geodash.catalog import IndicatorSpec
    >>> spec = IndicatorSpec(id="q", label="q", polarity="need", aggregate="weighted_mean")
    >>> values = pd.DataFrame({"area_key": ["a", "b"], "indicator": "q", "year": 2020,
    ...                        "value": [10.0, 40.0]})
    >>> city_reference(values, pd.Series({"a": 300.0, "b": 100.0}), {"q": spec})["value"].tolist()
    [17.5]
    """
    # Missing and suppressed values (NaN) stay out of every city value.
    frame = indicators.dropna(subset=["value"])
    table = _as_population_table(population, frame["year"].unique())
    bases = {"population": table.set_index(["area_key", "year"])["population"]}
    frames = []
    for ind, part in frame.groupby("indicator", sort=True):
        spec = meta.get(ind)
        method = spec.aggregate if spec is not None else "mean"
        weight = np.nan
        if method == "weighted_mean":
            if spec.base not in bases:
                bases[spec.base] = (indicators[indicators["indicator"] == spec.base]
                                    .set_index(["area_key", "year"])["value"])
            rows = pd.MultiIndex.from_frame(part[["area_key", "year"]])
            weight = bases[spec.base].reindex(rows).to_numpy(dtype=float)
        values = AGGREGATES[method](part.assign(weight=weight))
        frames.append(pd.DataFrame({"indicator": ind, "year": values.index.astype(int),
                                    "value": values.to_numpy(dtype=float), "method": method}))
    if not frames:
        return pd.DataFrame(columns=["indicator", "year", "value", "method"])
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["indicator", "year"]).reset_index(drop=True)[
        ["indicator", "year", "value", "method"]]


# The polarities whose values say which end means more need (ranked: rank 1 = most need).
RANKED_POLARITIES = frozenset({"need", "resource"})


def is_ranked(polarity: str) -> bool:
    """Whether an indicator of this polarity is ranked by need at all.

    Only ``need`` and ``resource`` say which end means more need; a ``neutral``
    indicator (age shares, migration background) has no "Rang 1 = größter
    Bedarf", on the map, in the profile, the comparison, the report or a file.

    Examples
    --------
    >>> is_ranked("need"), is_ranked("resource"), is_ranked("neutral")
    (True, True, False)
    """
    return polarity in RANKED_POLARITIES


def rank_areas(values: pd.Series, polarity: str) -> pd.Series:
    """Rank areas so that rank 1 is the area with the most need.

    For ``need`` indicators the highest value ranks first, for ``resource``
    indicators the lowest. Ties share the best rank; missing values get no
    rank. A ``neutral`` indicator ranks no area (all missing): a high share of
    older residents is not "more need" (see :func:`is_ranked`).

    Examples
    --------
    >>> rank_areas(pd.Series({"a": 5.0, "b": 9.0, "c": None}), "need").tolist()
    [2, 1, <NA>]
    >>> rank_areas(pd.Series({"a": 5.0, "b": 9.0}), "neutral").tolist()
    [<NA>, <NA>]
    """
    if not is_ranked(polarity):
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    ascending = polarity == "resource"
    ranks = values.astype(float).rank(method="min", ascending=ascending, na_option="keep")
    return ranks.astype("Int64")


def need_order(status: pd.Series, labels: pd.Series) -> list:
    """Area keys in need order: the highest status index (most need) first.

    Areas without a status index come last; ties and the areas without an
    index are in the order of their display labels, so that the order is the
    same on every page and in every run.

    Parameters
    ----------
    status
        The status index by area key (high = low status = more need).
    labels
        The display label by area key; every area to order is in it.

    Examples
    --------
    >>> need_order(pd.Series({"a": 0.5, "b": 1.5, "c": None}),
    ...            pd.Series({"a": "Mitte", "b": "Nord", "c": "Ost"}))
    ['b', 'a', 'c']
    """
    frame = pd.DataFrame({"label": labels.astype(str)})
    frame["status"] = status.reindex(frame.index).astype(float)
    frame["missing"] = frame["status"].isna()
    frame = frame.sort_values(["missing", "status", "label"], ascending=[True, False, True],
                              kind="stable")
    return frame.index.tolist()


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
