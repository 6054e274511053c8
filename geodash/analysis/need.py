"""Handlungsbedarf: how each index indicator changed since a base year, and whether that is worse.

The Handlungsbedarf page sets every area's status class beside its dynamics
since a year the planner picks ("since 2019"); the dynamics themselves come
from :func:`geodash.analysis.social_index.social_index` with
``IndexOptions.base_year``. This module adds the change of each index
indicator over the same years, with its meaning: a rise of an indicator whose
higher values mean more need (polarity ``need``) is worse, a rise of a
``resource`` indicator is better.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geodash.analysis.joins import indicators_wide
from geodash.analysis.social_index import declared_changes
from geodash.catalog import IndicatorSpec
from geodash.errors import ParameterError

# What a change means for need: +1 worse (more need), -1 better, 0 unchanged.
WORSE, BETTER, SAME = 1, -1, 0
NEED_SIGN = {"need": 1.0, "resource": -1.0}


def index_indicator_ids(meta: Mapping[str, IndicatorSpec]) -> list[str]:
    """The indicators that enter the social index, in spec order."""
    return [i for i, spec in meta.items() if spec.in_index and not spec.change_of]


def indicator_changes(
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    keys: Sequence[str],
    year: int,
    base: int,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Change of each index indicator from ``base`` to ``year`` per area, and what it means.

    The change is the value of ``year`` minus the value of ``base``; where the
    city publishes the change over exactly these years (an indicator with
    ``change_of`` and ``change_years = year - base``), the published change
    is taken, as the dynamics do.

    Returns
    -------
    pandas.DataFrame
        Indexed by area key (``keys`` order): ``change_<id>`` (in the
        indicator's unit) and ``worse_<id>``: +1 when the change means more
        need (a rise of a ``need`` indicator, a fall of a ``resource``
        one), −1 when less, 0 when unchanged, NaN when unknown or neutral.

    Examples
    --------
    >>> from geodash.catalog import IndicatorSpec
    >>> meta = {"alq": IndicatorSpec(id="alq", label="alq", polarity="need", in_index=True)}
    >>> long = pd.DataFrame({"area_key": ["a", "b", "a", "b"], "indicator": "alq",
    ...                      "year": [2019, 2019, 2023, 2023], "value": [5.0, 8.0, 7.0, 6.5]})
    >>> out = indicator_changes(long, meta, ["a", "b"], 2023, 2019)
    >>> out["change_alq"].tolist(), out["worse_alq"].tolist()
    ([2.0, -1.5], [1.0, -1.0])
    """
    if base >= year:
        raise ParameterError(f"the base year was {base} but must be earlier than {year}.",
                             fix=f"choose a year before {year}.")
    ids = list(ids) if ids is not None else index_indicator_ids(meta)
    index = pd.Index(list(keys), name="area_key")
    now = indicators_wide(indicators, year, ids).reindex(index)
    before = indicators_wide(indicators, base, ids).reindex(index)
    published = declared_changes(indicators, meta, ids, year, year - base).reindex(index)
    # Rounded: 7.3 - 7.2 is 0.1, not 0.09999999999999964, in a table and a download.
    delta = published.combine_first(now - before).reindex(columns=ids).astype(float).round(10)
    out = pd.DataFrame(index=index)
    for ind in ids:
        sign = NEED_SIGN.get(meta[ind].polarity, np.nan)
        out[f"change_{ind}"] = delta[ind]
        out[f"worse_{ind}"] = np.sign(delta[ind] * sign)
    return out


def base_years(indicators: pd.DataFrame, meta: Mapping[str, IndicatorSpec], ids: Sequence[str],
               year: int) -> list[int]:
    """The years before ``year`` that a dynamics can start from, oldest first.

    A year with a value of one of the indicators ``ids``, or one whose change
    up to ``year`` the city publishes (``change_of``/``change_years``).
    """
    values = indicators["value"].notna()
    have = indicators[indicators["indicator"].isin(list(ids)) & values]
    years = {int(y) for y in have["year"].unique() if int(y) < year}
    declared = {cid: spec.change_years for cid, spec in meta.items() if spec.change_of in ids}
    published = indicators[indicators["indicator"].isin(list(declared)) & values
                           & (indicators["year"] == year)]
    years |= {year - int(declared[cid]) for cid in published["indicator"].unique()}
    return sorted(years)
