"""Coverage as a time series: running offers, offers per 1,000 and reach per area, category and year.

"Did reach improve since the base year?" is answered from one long table
(:func:`coverage_over_years`): for every year, the offers running that year
(:mod:`geodash.analysis.years`), counted per area and category, per 1,000
residents of that year, and the share of residents within each coverage
distance. :func:`city_coverage` sums it up for the whole city and
:func:`coverage_change` sets a base year against another year.

Pure functions of frames; the loop is over years only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geodash.analysis.coverage import coverage_table
from geodash.analysis.years import sites_in_year

# The category code of all offers together (as in geodash.analysis.districts.ANY).
ANY = "any"
KEYS = ["area_key", "year", "category"]


def coverage_over_years(
    areas: pd.DataFrame,
    sites: pd.DataFrame,
    categories: Sequence[str],
    years: Sequence[int],
    *,
    population: Mapping[int, pd.Series],
    access: Mapping[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Running offers, offers per 1,000 residents and reach per area, category and year.

    Parameters
    ----------
    areas
        ``key`` (and ``population``, used for a year ``population`` lacks).
    sites
        ``category, area_key, start, end``: every site; each year counts those
        running in it.
    categories
        The categories, in order; ``any`` (all of them together) is added.
    years
        The years of the series.
    population
        Residents by area key for each year (``Dataset.population_in(year)``).
    access
        For each year, the accessibility of the sites running in it
        (``area_key, category, share_<d>…``, with ``any``;
        ``Dataset.access_in(year)``); no share columns without it.

    Returns
    -------
    pandas.DataFrame
        ``area_key, year, category, count, per_1000`` and ``share_<d>`` (0–1)
        per distance of ``access``; one row per area, year and category
        (``any`` last), areas in the order of ``areas``.
    """
    frames = []
    for year in years:
        year = int(year)
        pop = population.get(year)
        running = sites_in_year(sites, year)
        long = coverage_table(areas, running, list(categories), population=pop)
        counts = long.groupby("area_key", sort=False)["count"].sum()
        people = (pop if pop is not None else areas.set_index("key")["population"]).astype(float)
        people = people.reindex(counts.index)
        total = pd.DataFrame({"area_key": counts.index, "category": ANY,
                              "count": counts.to_numpy(),
                              "per_1000": (counts / people.where(people > 0) * 1000).to_numpy()})
        both = pd.concat([long, total], ignore_index=True).assign(year=year)
        if access is not None and year in access:
            shares = access[year][["area_key", "category",
                                   *[c for c in access[year].columns if c.startswith("share_")]]]
            both = both.merge(shares, on=["area_key", "category"], how="left")
        frames.append(both)
    if not frames:
        return pd.DataFrame(columns=[*KEYS, "count", "per_1000"])
    out = pd.concat(frames, ignore_index=True)
    order = {c: i for i, c in enumerate([*categories, ANY])}
    position = {k: i for i, k in enumerate(areas["key"])}
    out = out.sort_values(["year", "area_key", "category"], kind="stable",
                          key=lambda s: s.map(position) if s.name == "area_key"
                          else s.map(order) if s.name == "category" else s)
    columns = [*KEYS, "count", "per_1000", *[c for c in out.columns if c.startswith("share_")]]
    return out[columns].reset_index(drop=True)


def city_coverage(series: pd.DataFrame, population: Mapping[int, pd.Series]) -> pd.DataFrame:
    """The whole city per year and category: offers, offers per 1,000 and the share within reach.

    Offers per 1,000 are all running offers over all residents of the areas
    with a known population; a share is the residents' share within reach over
    those areas (each area's share weighted by its residents).

    Returns
    -------
    pandas.DataFrame
        ``year, category, count, per_1000, share_<d>…``.
    """
    shares = [c for c in series.columns if c.startswith("share_")]
    residents = pd.concat(
        [pd.DataFrame({"area_key": pop.index, "year": int(year),
                       "residents": pop.astype(float).to_numpy()})
         for year, pop in population.items()] or [pd.DataFrame(columns=["area_key", "year",
                                                                          "residents"])],
        ignore_index=True)
    frame = series.merge(residents, on=["area_key", "year"], how="left")
    known = frame["residents"] > 0
    frame["people"] = frame["residents"].where(known, 0.0)
    frame["counted"] = frame["count"].where(known, 0)
    for share in shares:
        weighted = known & frame[share].notna()
        frame[f"_{share}"] = (frame[share] * frame["people"]).where(weighted, 0.0)
        frame[f"_w{share}"] = frame["people"].where(weighted, 0.0)
    grouped = frame.groupby(["year", "category"], sort=False)
    out = pd.DataFrame({"count": grouped["count"].sum(), "people": grouped["people"].sum()})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["per_1000"] = grouped["counted"].sum() / out["people"].where(out["people"] > 0) * 1000
        for share in shares:
            weight = grouped[f"_w{share}"].sum()
            out[share] = grouped[f"_{share}"].sum() / weight.where(weight > 0)
    out = out.drop(columns="people").reset_index()
    return out[["year", "category", "count", "per_1000", *shares]]


def coverage_change(table: pd.DataFrame, base_year: int, year: int, *,
                    by: Sequence[str] = ("area_key", "category")) -> pd.DataFrame:
    """A base year set against another: each figure then, now and the change.

    Parameters
    ----------
    table
        :func:`coverage_over_years` (``by`` = area and category) or
        :func:`city_coverage` (``by=("category",)``).
    base_year, year
        The two years compared.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then for ``count``, ``per_1000`` and every
        ``share_<d>``: ``<figure>_base``, ``<figure>`` and ``<figure>_change``
        (year minus base year; shares in 0–1, so 0.1 = 10 points).

    Examples
    --------
    >>> table = pd.DataFrame({"year": [2019, 2023], "category": ["qm", "qm"],
    ...                       "count": [3, 2], "per_1000": [0.3, 0.2]})
    >>> coverage_change(table, 2019, 2023, by=["category"])["count_change"].tolist()
    [-1]
    """
    by = list(by)
    figures = ["count", "per_1000", *[c for c in table.columns if c.startswith("share_")]]
    base = table[table["year"] == base_year].set_index(by)[figures]
    now = table[table["year"] == year].set_index(by)[figures]
    keys = now.index if len(now) else base.index
    base = base.reindex(keys)
    now = now.reindex(keys)
    out = pd.DataFrame(index=keys)
    for figure in figures:
        out[f"{figure}_base"] = base[figure]
        out[figure] = now[figure]
        out[f"{figure}_change"] = now[figure] - base[figure]
    return out.reset_index()
