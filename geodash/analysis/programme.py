"""Programme areas over time: which areas they cover since when, and the index inside and outside.

These functions count an area "inside" by a surface cut-off (``min_share``). The
coverage page and the Sozialraumbericht evaluate the programme areas without a
cut-off, by the share of each area's residents inside
(:mod:`geodash.analysis.evaluation`); use that for an evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geodash.analysis.years import zone_shares_in_year, zones_running


def programme_membership(
    zone_shares: pd.DataFrame, zones: pd.DataFrame, *, min_share: float = 0.1,
    year: int | None = None,
) -> pd.DataFrame:
    """Which areas the programme areas touch, how much of them, and since when.

    With ``year``, only the programme areas running in that year count
    (:func:`geodash.analysis.years.zones_running`); without, every one.

    Returns
    -------
    pandas.DataFrame
        Indexed by area key: ``share`` (0–1, summed over every zone),
        ``since`` (earliest start year of a zone it overlaps), ``until``
        (latest end year, NaN if one is still running or has no end),
        ``zones`` (names) and ``covered`` (``share >= min_share``).
    """
    zone_shares = zone_shares_in_year(zone_shares, zones, year)
    joined = zone_shares.join(zones.set_index("zone_id")[["name", "since", "until"]], on="zone_id")
    grouped = joined.groupby("area_key")
    out = pd.DataFrame({
        "share": grouped["share"].sum().clip(upper=1.0),
        "since": grouped["since"].min(),
        "until": grouped["until"].agg(lambda s: np.nan if s.isna().any() else s.max()),
        "zones": grouped["name"].agg(lambda s: "; ".join(sorted(s))),
    })
    out["covered"] = out["share"] >= min_share
    out.index.name = "area_key"
    return out


def programme_years(
    zone_shares: pd.DataFrame,
    zones: pd.DataFrame,
    years: Sequence[int],
    *,
    min_share: float = 0.1,
) -> pd.DataFrame:
    """For every area and year, the share inside programme areas running that year.

    A zone runs in a year when its start is unknown or not later, and its end
    is unknown or not earlier (:func:`geodash.analysis.years.zones_running`). An area is
    inside in a year when the running zones cover at least ``min_share`` of its surface
    together.

    Returns
    -------
    pandas.DataFrame
        ``area_key, year, share, inside`` for every area that any zone touches.
    """
    columns = ["area_key", "year", "share", "inside"]
    if zone_shares.empty or not len(years):
        return pd.DataFrame(columns=columns)
    joined = zone_shares.join(zones.set_index("zone_id")[["since", "until"]], on="zone_id")
    rows = []
    for year in years:
        running = zones_running(joined, int(year)).to_numpy()
        share = joined[running].groupby("area_key")["share"].sum().clip(upper=1.0)
        share = share.reindex(joined["area_key"].unique(), fill_value=0.0)
        rows.append(pd.DataFrame({"area_key": share.index, "year": int(year), "share": share.to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["inside"] = out["share"] >= min_share
    return out[columns]


def index_inside_outside(
    index_by_year: pd.DataFrame, active: pd.DataFrame, population: pd.Series | None = None
) -> pd.DataFrame:
    """Mean status index inside and outside the programme areas, year by year.

    Parameters
    ----------
    index_by_year
        ``area_key, year, status_index`` (from ``index_over_years``).
    active
        ``area_key, year, inside`` (from :func:`programme_years`); areas and
        years not listed are outside.
    population
        Weights by area key; unweighted means without it. Areas without a
        population are left out of weighted means.

    Returns
    -------
    pandas.DataFrame
        ``year, inside, outside, n_inside, n_outside``.
    """
    flags = active.set_index(["area_key", "year"])["inside"] if len(active) else pd.Series(dtype=bool)
    frame = index_by_year.dropna(subset=["status_index"]).copy()
    keys = pd.MultiIndex.from_arrays([frame["area_key"], frame["year"].astype(int)])
    frame["inside"] = flags.reindex(keys).fillna(False).astype(bool).to_numpy()
    if population is not None:
        frame["w"] = frame["area_key"].map(population).astype(float)
        frame = frame[frame["w"] > 0]
    else:
        frame["w"] = 1.0
    rows = []
    for year, part in frame.groupby("year"):
        row = {"year": int(year)}
        for label, mask in (("inside", part["inside"]), ("outside", ~part["inside"])):
            sel = part[mask]
            row[label] = float(np.average(sel["status_index"], weights=sel["w"])) if len(sel) else np.nan
            row[f"n_{label}"] = int(len(sel))
        rows.append(row)
    return pd.DataFrame(rows, columns=["year", "inside", "outside", "n_inside", "n_outside"])
