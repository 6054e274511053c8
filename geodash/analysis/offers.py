"""The offer finder's analysis: the nearest running offers to a point, filtered, and what they lack.

Distances are straight lines in the workspace's metric CRS (Pythagoras on
projected metres), for all sites at once; no street network is used. The
sites frame carries the optional columns of a sites layer (see the README):
``target_group`` and ``languages`` as comma-joined lower-case tokens,
``cost`` as written, ``opening_hours``, ``phone``, ``email``, ``web``,
``description`` and translated columns such as ``name_tr``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodash.analysis.years import sites_running

# The optional fields an offer should have for the public finder, in the order the Daten page
# lists what is missing. Contact counts as present when any of its columns has a value.
OFFER_FIELDS: dict[str, tuple[str, ...]] = {
    "address": ("address",),
    "contact": ("contact", "phone", "email", "web"),
    "opening_hours": ("opening_hours",),
    "languages": ("languages",),
    "target_group": ("target_group",),
    "cost": ("cost",),
}
# Texts of a cost column that mean "free of charge" (compared lower-cased and trimmed).
FREE_PATTERN = r"^(?:kostenlos|kostenfrei|gratis|frei|free|0(?:[,.]0+)?\s*(?:€|eur|euro)?)$"


def has_token(column: pd.Series, token: str) -> pd.Series:
    """Which rows' comma-joined tokens include ``token`` (vectorised)."""
    return ("," + column.fillna("").astype(str) + ",").str.contains("," + token.lower() + ",",
                                                                     regex=False)


def is_free(cost: pd.Series) -> pd.Series:
    """Which offers cost nothing, read from the cost column as written.

    Examples
    --------
    >>> is_free(pd.Series(["kostenlos", "0 €", "5 € pro Termin", "", None])).tolist()
    [True, True, False, False, False]
    """
    text = cost.fillna("").astype(str).str.strip().str.lower()
    return text.str.fullmatch(FREE_PATTERN).fillna(False).astype(bool)


def running(sites: pd.DataFrame, year: int) -> pd.Series:
    """Offers running in ``year`` (the one rule: :func:`geodash.analysis.years.sites_running`)."""
    return sites_running(sites, year)


# The target-group code of offers for everyone: they match every target-group filter.
EVERYONE = "alle"


def filter_offers(sites: pd.DataFrame, *, year: int, categories: Iterable[str] | None = None,
                  target_group: str | None = None, language: str | None = None,
                  free_only: bool = False) -> pd.Series:
    """The mask of offers that are running in ``year`` and pass every filter given.

    ``categories`` None or empty means every category.
    """
    mask = running(sites, year)
    chosen = list(categories or [])
    if chosen:
        mask &= sites["category"].isin(chosen)
    if target_group:
        groups = _column(sites, "target_group")
        mask &= has_token(groups, target_group) | has_token(groups, EVERYONE)
    if language:
        mask &= has_token(_column(sites, "languages"), language)
    if free_only:
        mask &= is_free(_column(sites, "cost"))
    return mask.fillna(False).astype(bool)


def nearest_offers(sites_metric: pd.DataFrame, x: float, y: float, *, year: int,
                   categories: Iterable[str] | None = None, target_group: str | None = None,
                   language: str | None = None, free_only: bool = False,
                   limit: int = 10) -> pd.DataFrame:
    """The running offers nearest to the point ``(x, y)``, filtered, with their distance.

    Parameters
    ----------
    sites_metric
        The sites in the metric CRS in which ``x, y`` are given.
    x, y
        The origin (an address, a district's centre, a click on the map).
    year
        Offers that ended before it, or start after it, are left out.
    categories, target_group, language, free_only
        Filters; see :func:`filter_offers`.
    limit
        How many to return at most.

    Returns
    -------
    pandas.DataFrame
        The sites' columns (without geometry) plus ``distance_m``, the
        straight-line distance in metres, nearest first; ties by name.
    """
    mask = filter_offers(sites_metric, year=year, categories=categories, target_group=target_group,
                         language=language, free_only=free_only).to_numpy()
    chosen = sites_metric[mask]
    distance = np.hypot(chosen.geometry.x.to_numpy() - x, chosen.geometry.y.to_numpy() - y)
    out = pd.DataFrame(chosen.drop(columns=chosen.geometry.name)).assign(distance_m=distance)
    out = out.sort_values(["distance_m", "name"], kind="stable")
    return out.head(limit).reset_index(drop=True)


def missing_fields(sites: pd.DataFrame) -> pd.DataFrame:
    """Per offer, which of :data:`OFFER_FIELDS` it lacks (so that the list can be completed).

    Returns
    -------
    pandas.DataFrame
        ``site_id, name, category, missing`` (a list of field names) for every
        offer that lacks at least one field, in the sites' order.
    """
    lacks = {}
    for field, columns in OFFER_FIELDS.items():
        present = np.zeros(len(sites), dtype=bool)
        for column in columns:
            present |= _column(sites, column).fillna("").astype(str).str.strip().ne("").to_numpy()
        lacks[field] = ~present
    flags = pd.DataFrame(lacks, index=sites.index)
    # Joined as text column by column (no loop over offers), then split into lists.
    joined = pd.Series("", index=sites.index, dtype=object)
    for field in OFFER_FIELDS:
        joined = joined + np.where(flags[field].to_numpy(), field + ",", "")
    out = sites[["site_id", "name", "category"]].assign(missing=joined.str.rstrip(",").str.split(","))
    return out[flags.any(axis=1).to_numpy()].reset_index(drop=True)


def _column(sites: pd.DataFrame, name: str) -> pd.Series:
    """An optional column, or an empty one where the layer has none."""
    if name in sites.columns:
        return sites[name]
    return pd.Series("", index=sites.index, dtype=object)
