"""Comparable areas: "which other districts look like this one?"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geodash.analysis.social_index import zscores
from geodash.errors import ParameterError

MODES = ("absolute", "percent", "distance")


def similar_areas(
    wide: pd.DataFrame,
    reference: str,
    indicators: Sequence[str],
    *,
    mode: str = "distance",
    tolerance: float | Mapping[str, float] = 10.0,
    limit: int | None = 5,
) -> pd.DataFrame:
    """List the areas that resemble a reference area on chosen indicators.

    Parameters
    ----------
    wide
        Areas as rows (index: area key), indicators as columns.
    reference
        Key of the reference area (e.g. one that already has a Quartiersmanagement).
    indicators
        The indicators to compare on.
    mode
        ``absolute``: every value within ±tolerance of the reference's;
        ``percent``: within ±tolerance percent of it;
        ``distance``: all areas ranked by the Euclidean distance of their
        z-scores to the reference's (no tolerance applies).
    tolerance
        One number, or one per indicator (for absolute and percent).
    limit
        At most this many areas (nearest first); ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        Indexed by area key, the reference left out: the indicator values,
        ``distance`` (z-score distance, always given) and ``within`` (whether
        all values lie within tolerance; True in ``distance`` mode).
    """
    if mode not in MODES:
        raise ParameterError(f"`mode` was {mode!r} but is expected to be one of {list(MODES)}.")
    if reference not in wide.index:
        raise ParameterError(f"the reference area {reference!r} does not exist.")
    missing = [i for i in indicators if i not in wide.columns]
    if missing or not indicators:
        raise ParameterError(f"unknown or no indicators: {', '.join(missing) or '(none)'}.")
    values = wide[list(indicators)].astype(float)
    ref = values.loc[reference]
    if ref.isna().any():
        raise ParameterError(f"the reference area has no value for {', '.join(ref[ref.isna()].index)}.")
    z = pd.DataFrame({c: zscores(values[c]) for c in values.columns})
    distance = np.sqrt(((z - z.loc[reference]) ** 2).sum(axis=1, min_count=len(indicators)))
    tol = pd.Series({i: float(tolerance[i] if isinstance(tolerance, Mapping) else tolerance)
                     for i in indicators})
    if mode == "absolute":
        within = ((values - ref).abs() <= tol).all(axis=1)
    elif mode == "percent":
        within = ((values - ref).abs() <= ref.abs() * tol / 100).all(axis=1)
    else:
        within = pd.Series(True, index=values.index)
    out = values.assign(distance=distance, within=within & distance.notna()).drop(index=reference)
    out = out[out["within"]].sort_values(["distance"], kind="stable")
    return out.head(limit) if limit is not None else out
