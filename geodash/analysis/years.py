"""Which offers and programme areas run in a year: the one rule every count, map and export uses.

A site runs in a year when its start is unknown or not later, and its end is
unknown or not earlier (an offer that ends in 2019 still counts in 2019). A
programme area (zone) runs by the same rule with ``since`` and ``until``.
``year=None`` means "no year chosen": everything counts, as before years were
known.

Everything here is vectorised over sites and zones; a loop over years is the
only loop.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

# The columns holding the first and last year, by kind of frame.
SITE_YEARS = ("start", "end")
ZONE_YEARS = ("since", "until")


def runs_in(start: pd.Series, end: pd.Series, year: int | None) -> pd.Series:
    """The rule: start unknown or ``<= year``, and end unknown or ``>= year``.

    Years given as text (``"2019"``) are read as numbers; text that is no
    number counts as unknown.

    Examples
    --------
    >>> start = pd.Series([2000, 2000, None, 2021])
    >>> end = pd.Series([2011, None, 2019, None])
    >>> runs_in(start, end, 2019).tolist()
    [False, True, True, False]
    >>> runs_in(start, end, 2011).tolist()
    [True, True, True, False]
    """
    if year is None:
        return pd.Series(True, index=start.index, dtype=bool)
    first = pd.to_numeric(start, errors="coerce")
    last = pd.to_numeric(end, errors="coerce")
    return ((first.isna() | (first <= year)) & (last.isna() | (last >= year))).astype(bool)


def _years_of(frame: pd.DataFrame, columns: tuple[str, str]) -> tuple[pd.Series, pd.Series]:
    """The first and last year columns of a frame; unknown (NaN) where the frame has none."""
    missing = pd.Series(np.nan, index=frame.index, dtype=float)
    return (frame[columns[0]] if columns[0] in frame.columns else missing,
            frame[columns[1]] if columns[1] in frame.columns else missing)


def sites_running(sites: pd.DataFrame, year: int | None) -> pd.Series:
    """Which sites run in ``year`` (``start``/``end``; see :func:`runs_in`), by the sites' index."""
    return runs_in(*_years_of(sites, SITE_YEARS), year)


def zones_running(zones: pd.DataFrame, year: int | None) -> pd.Series:
    """Which programme areas run in ``year`` (``since``/``until``), by the zones' index."""
    return runs_in(*_years_of(zones, ZONE_YEARS), year)


def has_years(frame: pd.DataFrame, columns: tuple[str, str] = SITE_YEARS) -> bool:
    """Whether any row has a first or last year: only then does what counts change with the year."""
    first, last = _years_of(frame, columns)
    return bool(pd.to_numeric(first, errors="coerce").notna().any()
                or pd.to_numeric(last, errors="coerce").notna().any())


def sites_in_year(sites: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The sites running in ``year`` (all of them for ``None``); a new frame, same columns."""
    if year is None:
        return sites
    return sites[sites_running(sites, year).to_numpy()]


def zones_in_year(zones: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The programme areas running in ``year`` (all of them for ``None``)."""
    if year is None:
        return zones
    return zones[zones_running(zones, year).to_numpy()]


def zone_shares_in_year(zone_shares: pd.DataFrame, zones: pd.DataFrame,
                        year: int | None) -> pd.DataFrame:
    """The rows ``area_key, zone_id, share`` of the zones running in ``year``."""
    if year is None or zone_shares.empty:
        return zone_shares
    running_ids = zones.loc[zones_running(zones, year).to_numpy(), "zone_id"]
    return zone_shares[zone_shares["zone_id"].isin(running_ids).to_numpy()]


def running_key(sites: pd.DataFrame, year: int | None) -> Hashable:
    """A key that is equal for two years exactly when the same sites run in both.

    ``"all"`` when every site runs (then what was computed for all sites
    holds), else the packed mask. Years with equal keys share one computation.
    """
    mask = sites_running(sites, year).to_numpy()
    if mask.all():
        return "all"
    return np.packbits(mask).tobytes()


def running_by_year(frame: pd.DataFrame, years: Sequence[int], *,
                    columns: tuple[str, str] = SITE_YEARS) -> pd.DataFrame:
    """One boolean column per year: which rows run in it (index of ``frame``).

    Examples
    --------
    >>> sites = pd.DataFrame({"start": [2000, 2021], "end": [2011, None]})
    >>> running_by_year(sites, [2010, 2023]).to_numpy().tolist()
    [[True, False], [False, True]]
    """
    first, last = _years_of(frame, columns)
    return pd.DataFrame({int(year): runs_in(first, last, int(year)) for year in years},
                        index=frame.index, columns=[int(y) for y in years])
