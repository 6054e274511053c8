"""Programme areas over time: which areas they cover since when, and the index inside and outside."""

from __future__ import annotations

import numpy as np
import pandas as pd


def programme_membership(
    zone_shares: pd.DataFrame, zones: pd.DataFrame, *, min_share: float = 0.1
) -> pd.DataFrame:
    """Which areas lie in a programme area, and since when.

    An area counts as covered when at least ``min_share`` of its surface lies
    inside the programme areas (summed over zones).

    Returns
    -------
    pandas.DataFrame
        Indexed by area key: ``share`` (0–1), ``since`` (earliest year of a
        zone it overlaps), ``until`` (latest end year, NaN if running),
        ``zones`` (names) and ``covered``.
    """
    meta = zones.set_index("zone_id")[["name", "since", "until"]]
    joined = zone_shares.join(meta, on="zone_id")
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


def index_inside_outside(
    index_by_year: pd.DataFrame, membership: pd.DataFrame, population: pd.Series | None = None
) -> pd.DataFrame:
    """Mean status index inside and outside the programme areas, year by year.

    An area counts as inside in a year when it is covered and the year lies
    between the zone's ``since`` and ``until``.

    Parameters
    ----------
    index_by_year
        ``area_key, year, status_index`` (from ``index_over_years``).
    membership
        From :func:`programme_membership`.
    population
        Weights by area key; unweighted means without it.

    Returns
    -------
    pandas.DataFrame
        ``year, inside, outside, n_inside, n_outside``.
    """
    frame = index_by_year.join(membership[["covered", "since", "until"]], on="area_key")
    frame["covered"] = frame["covered"].astype("boolean").fillna(False).astype(bool)
    active = frame["covered"] & (frame["year"] >= frame["since"]) & (
        frame["until"].isna() | (frame["year"] <= frame["until"]))
    frame["inside"] = active
    frame["w"] = frame["area_key"].map(population).astype(float) if population is not None else 1.0
    rows = []
    for year, part in frame.dropna(subset=["status_index"]).groupby("year"):
        row = {"year": int(year)}
        for label, mask in (("inside", part["inside"]), ("outside", ~part["inside"])):
            sel = part[mask]
            row[label] = float(np.average(sel["status_index"], weights=sel["w"])) if len(sel) and (
                sel["w"].sum() > 0) else np.nan
            row[f"n_{label}"] = int(len(sel))
        rows.append(row)
    return pd.DataFrame(rows, columns=["year", "inside", "outside", "n_inside", "n_outside"])
