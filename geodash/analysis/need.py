"""A simple need score: the mean of signed z-scores of the index indicators.

The analysis issue adds the full MSS-style status and dynamics index beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geodash.analysis.indicators import standardise
from geodash.analysis.joins import indicators_wide
from geodash.catalog import IndicatorSpec


def need_score(
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    year: int,
    population: pd.Series | None = None,
) -> pd.Series:
    """Weighted mean of the signed z-scores of the indicators marked ``in_index``.

    Areas miss a score only when they have no value for any index indicator.
    ``population`` weights the standardisation when given.

    Returns
    -------
    pandas.Series
        Score by area key; 0 is the city average, positive means more need.
    """
    ids = [i for i, m in meta.items() if m.in_index]
    if not ids:
        return pd.Series(dtype=float, name="need")
    wide = indicators_wide(indicators, year, ids)
    if wide.empty:
        return pd.Series(dtype=float, name="need")
    z = standardise(wide, meta, weights=population)
    w = pd.Series({i: meta[i].weight for i in ids})
    available = z.notna()
    weighted = z.fillna(0).mul(w, axis=1).sum(axis=1)
    total = available.mul(w, axis=1).sum(axis=1)
    score = weighted / total.replace(0, np.nan)
    return score.rename("need")
