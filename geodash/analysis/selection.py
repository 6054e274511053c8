"""One combined area from several selected ones: residents, indicators, offers and reach, beside the city.

A planner selects a few areas (a neighbourhood that statistics split up, the
catchment of a planned office) and asks how that whole compares with the
city. Each figure is combined the way its meaning allows:

- residents and site counts are summed;
- an indicator's ``aggregate`` (see :class:`~geodash.catalog.IndicatorSpec`)
  says how: ``sum`` → summed (counts); ``weighted_mean`` → weighted by its
  ``base`` (the rate of summed numerators over summed denominators, because
  value × base is the numerator); ``mean`` and ``median`` → the mean weighted
  by residents (the best that area values allow; the method column says so);
- offers per 1,000 residents are summed sites over summed residents;
- the share of residents within reach is the residents-weighted mean of the
  areas' shares (= residents within reach summed / residents summed).

The city beside it is formed by the same rule over every area, so selecting
every area gives exactly the city's value. Everything is vectorised: no loop
over areas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodash.analysis.indicators import _as_population_table
from geodash.catalog import IndicatorSpec

# How an indicator's declared city aggregate combines selected areas (spec ``aggregate`` -> method).
COMBINATIONS: dict[str, str] = {
    "sum": "sum",
    "weighted_mean": "base_weighted",
    "mean": "population_weighted",
    "median": "population_weighted",
}
# The combination of an indicator without a spec.
DEFAULT_COMBINATION = "population_weighted"

_SHARE_COLUMN = re.compile(r"^share(?P<distance>\d+)_(?P<category>.+)$")


def split_keys(requested: Iterable[str], known: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The requested keys that exist (in the order asked, each once) and those that do not.

    Examples
    --------
    >>> split_keys(["02", "99", "01", "02"], ["01", "02", "03"])
    (('02', '01'), ('99',))
    """
    known_set = set(known)
    asked = list(dict.fromkeys(str(k) for k in requested))
    return (tuple(k for k in asked if k in known_set), tuple(k for k in asked if k not in known_set))


def combination(spec: IndicatorSpec | None) -> str:
    """The method that combines areas for an indicator (see :data:`COMBINATIONS`)."""
    return COMBINATIONS[spec.aggregate] if spec is not None else DEFAULT_COMBINATION


def combine_residents(population: pd.Series, keys: Sequence[str]) -> dict[str, float]:
    """Residents of the selection and of the city, and the selection's share of the city.

    Areas of unknown population count nothing (``known`` says how many of the
    selected areas have a number).

    Examples
    --------
    >>> combine_residents(pd.Series({"a": 100.0, "b": 300.0, "c": None}), ["a", "c"])
    {'residents': 100.0, 'city': 400.0, 'share': 0.25, 'known': 1, 'selected': 2}
    """
    pop = population.astype(float)
    chosen = pop[pop.index.isin(list(keys))]
    residents, city = float(chosen.sum()), float(pop.sum())
    return {"residents": residents, "city": city,
            "share": residents / city if city > 0 else float("nan"),
            "known": int(chosen.notna().sum()), "selected": len(keys)}


def combine_indicators(
    indicators: pd.DataFrame,
    population: pd.DataFrame | pd.Series,
    meta: Mapping[str, IndicatorSpec],
    keys: Sequence[str],
) -> pd.DataFrame:
    """Every indicator and year for the selected areas together, beside the city.

    Parameters
    ----------
    indicators
        Long table ``area_key, indicator, year, value`` (NaN: missing or
        suppressed; such areas stay out, so nothing withheld can be worked out
        by subtraction).
    population
        Residents as ``area_key, year, population`` or a Series by key for every year.
    meta
        Indicator specs by id; their ``aggregate`` picks the combination.
    keys
        The selected area keys.

    Returns
    -------
    pandas.DataFrame
        ``indicator, year, value, city, method, areas, selected``: ``method``
        is ``sum``, ``base_weighted`` or ``population_weighted``; ``areas``
        counts the selected areas that entered the value (with a value and,
        when weighted, a positive weight) of ``selected``.

    Examples
    --------
    >>> spec = IndicatorSpec(id="q", label="q", polarity="need", aggregate="weighted_mean")
    >>> values = pd.DataFrame({"area_key": ["a", "b", "c"], "indicator": "q", "year": 2020,
    ...                        "value": [10.0, 40.0, 0.0]})
    >>> pop = pd.Series({"a": 300.0, "b": 100.0, "c": 600.0})
    >>> out = combine_indicators(values, pop, {"q": spec}, ["a", "b"])
    >>> out[["value", "city", "method", "areas"]].values.tolist()  # (3000+4000)/400, 7000/1000
    [[17.5, 7.0, 'base_weighted', 2]]
    """
    columns = ["indicator", "year", "value", "city", "method", "areas", "selected"]
    frame = indicators.dropna(subset=["value"])[["area_key", "indicator", "year", "value"]]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    methods = {ind: combination(meta.get(ind)) for ind in frame["indicator"].unique()}
    frame = frame.assign(method=frame["indicator"].map(methods))
    rows = pd.MultiIndex.from_frame(frame[["area_key", "year"]])
    table = _as_population_table(population, frame["year"].unique())
    residents = table.set_index(["area_key", "year"])["population"].astype(float)
    weight = pd.Series(residents.reindex(rows).to_numpy(dtype=float), index=frame.index)
    weight[frame["method"] == "sum"] = 1.0
    # A weighted mean by another indicator (residents under 15, the unemployed): that base.
    bases = {ind: spec.base for ind, spec in meta.items()
             if ind in methods and methods[ind] == "base_weighted" and spec.base != "population"}
    for base in set(bases.values()):
        values = (indicators[indicators["indicator"] == base]
                  .set_index(["area_key", "year"])["value"].astype(float))
        uses = frame["indicator"].map(bases).eq(base)
        weight[uses] = values.reindex(rows[uses.to_numpy()]).to_numpy(dtype=float)
    frame = frame.assign(weight=weight)
    frame = frame[frame["weight"].notna() & (frame["weight"] > 0)]
    frame = frame.assign(weighted=frame["value"] * frame["weight"],
                         chosen=frame["area_key"].isin(list(keys)))

    def combined(part: pd.DataFrame) -> pd.DataFrame:
        sums = part.groupby(["indicator", "year"])[["weighted", "weight"]].sum()
        sums["areas"] = part.groupby(["indicator", "year"]).size()
        return sums

    city, chosen = combined(frame), combined(frame[frame["chosen"]])
    out = city[[]].join(chosen, how="left").reset_index()
    city = city.reset_index()
    out["method"] = out["indicator"].map(methods)
    is_sum = out["method"] == "sum"
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = np.where(is_sum, out["weighted"], out["weighted"] / out["weight"])
        out["city"] = np.where(is_sum, city["weighted"], city["weighted"] / city["weight"])
    out["areas"] = out["areas"].fillna(0).astype(int)
    out["selected"] = len(keys)
    # No selected area with a value: no value (not 0, which a sum would say).
    out.loc[out["areas"] == 0, "value"] = np.nan
    out["year"] = out["year"].astype(int)
    return out[columns].sort_values(["indicator", "year"]).reset_index(drop=True)


def combine_offers(counts: pd.DataFrame, population: pd.Series, keys: Sequence[str]) -> pd.DataFrame:
    """Sites per category in the selection and in the city, absolute and per 1,000 residents.

    Parameters
    ----------
    counts
        Sites per area (index: area key) and category (columns), as
        :func:`geodash.analysis.joins.site_counts` gives them.
    population
        Residents by area key.
    keys
        The selected area keys.

    Returns
    -------
    pandas.DataFrame
        ``category, sites, per_1000, city_sites, city_per_1000``, one row per
        category and a last row ``total``; per 1,000 is summed sites over
        summed residents (NaN without residents).

    Examples
    --------
    >>> counts = pd.DataFrame({"qm": [1, 0, 2]}, index=["a", "b", "c"])
    >>> pop = pd.Series({"a": 1000.0, "b": 3000.0, "c": 1000.0})
    >>> combine_offers(counts, pop, ["a", "b"]).round(3).values.tolist()  # 1/4000, 3/5000
    [['qm', 1, 0.25, 3, 0.6], ['total', 1, 0.25, 3, 0.6]]
    """
    pop = population.astype(float)
    table = counts.reindex(pop.index, fill_value=0).astype(int)
    table["total"] = table.sum(axis=1)
    chosen = pop.index.isin(list(keys))
    sites, city_sites = table[chosen].sum(), table.sum()
    residents, city = float(pop[chosen].sum()), float(pop.sum())
    return pd.DataFrame({
        "category": table.columns,
        "sites": sites.to_numpy(dtype=int),
        "per_1000": sites.to_numpy(dtype=float) / residents * 1000 if residents > 0 else np.nan,
        "city_sites": city_sites.to_numpy(dtype=int),
        "city_per_1000": city_sites.to_numpy(dtype=float) / city * 1000 if city > 0 else np.nan,
    })


def combine_reach(shares: pd.DataFrame, population: pd.Series, keys: Sequence[str]) -> pd.DataFrame:
    """The share of residents within reach of each category, for the selection and the city.

    Parameters
    ----------
    shares
        Indexed by area key, with columns ``share<d>_<category>`` (0–1), as the
        district analysis gives them; other columns are ignored.
    population
        Residents by area key: each area's share is weighted by them.
    keys
        The selected area keys.

    Returns
    -------
    pandas.DataFrame
        ``distance, category, share, city_share`` (0–1, residents-weighted;
        areas without a share or without residents stay out).

    Examples
    --------
    >>> shares = pd.DataFrame({"share500_qm": [1.0, 0.5, 0.0]}, index=["a", "b", "c"])
    >>> pop = pd.Series({"a": 1000.0, "b": 3000.0, "c": 4000.0})
    >>> combine_reach(shares, pop, ["a", "b"]).values.tolist()  # 2500/4000, 2500/8000
    [[500, 'qm', 0.625, 0.3125]]
    """
    found = [(col, _SHARE_COLUMN.match(col)) for col in shares.columns]
    found = [(col, m) for col, m in found if m]
    columns = ["distance", "category", "share", "city_share"]
    if not found:
        return pd.DataFrame(columns=columns)
    values = shares[[col for col, _ in found]].astype(float)
    pop = population.astype(float).reindex(values.index)
    weights = pd.DataFrame(np.where(values.notna() & (pop.to_numpy()[:, None] > 0),
                                    pop.to_numpy()[:, None], 0.0),
                           index=values.index, columns=values.columns)
    reached = values.fillna(0.0) * weights
    chosen = values.index.isin(list(keys))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = reached[chosen].sum() / weights[chosen].sum().replace(0, np.nan)
        city = reached.sum() / weights.sum().replace(0, np.nan)
    return pd.DataFrame({
        "distance": [int(m["distance"]) for _, m in found],
        "category": [m["category"] for _, m in found],
        "share": share.to_numpy(dtype=float),
        "city_share": city.to_numpy(dtype=float),
    })


@dataclass(frozen=True)
class CombinedArea:
    """The selected areas as one: what :func:`combine_areas` returns."""

    keys: tuple[str, ...]
    unknown: tuple[str, ...]
    residents: dict[str, float]
    indicators: pd.DataFrame
    offers: pd.DataFrame
    reach: pd.DataFrame


def combine_areas(
    requested: Sequence[str],
    *,
    area_keys: Sequence[str],
    population: pd.Series,
    indicators: pd.DataFrame,
    population_table: pd.DataFrame | pd.Series,
    meta: Mapping[str, IndicatorSpec],
    site_counts: pd.DataFrame,
    shares: pd.DataFrame,
) -> CombinedArea:
    """The selection as one area: residents, indicators, offers and reach, each beside the city.

    ``requested`` keys that are no area are returned in ``unknown`` (for a
    visible note) and left out of every figure.
    """
    keys, unknown = split_keys(requested, area_keys)
    return CombinedArea(
        keys=keys, unknown=unknown,
        residents=combine_residents(population, keys),
        indicators=combine_indicators(indicators, population_table, meta, keys),
        offers=combine_offers(site_counts, population, keys),
        reach=combine_reach(shares, population, keys),
    )
