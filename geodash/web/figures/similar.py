"""Comparable districts: "which other districts look like this one?", as a table for the comparison page.

Pure functions of ``(dataset, reference, indicators, mode, tolerance, year)``
over :func:`geodash.analysis.similar.similar_areas`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geodash.analysis.similar import MODES, similar_areas
from geodash.dataset import Dataset
from geodash.web.figures.profile import values_as_of

DEFAULT_MODE = "distance"
DEFAULT_TOLERANCE = 10.0
# In distance mode every district is "similar" to some degree: show the nearest.
DISTANCE_LIMIT = 10


def default_indicators(dataset: Dataset) -> list[str]:
    """The indicators to compare on by default: those of the social index, else all."""
    in_index = [i for i, spec in dataset.indicator_meta.items() if spec.in_index]
    return in_index or list(dataset.indicator_meta)


def chosen_indicators(dataset: Dataset, requested: Sequence[str] | None) -> list[str]:
    """The requested indicators the dataset knows, in spec order; the defaults if none."""
    if requested:
        wanted = set(requested)
        known = [i for i in dataset.indicator_meta if i in wanted]
        if known:
            return known
    return default_indicators(dataset)


def chosen_mode(mode: str | None) -> str:
    """The comparison mode, ``distance`` unless a known one is asked for."""
    return mode if mode in MODES else DEFAULT_MODE


def similar_table(
    dataset: Dataset,
    reference: str,
    indicators: Sequence[str],
    *,
    mode: str = DEFAULT_MODE,
    tolerance: float = DEFAULT_TOLERANCE,
    year: int | None = None,
) -> pd.DataFrame:
    """The reference district and the districts that resemble it, nearest first.

    Parameters
    ----------
    dataset
        The workspace.
    reference
        Key of the district to compare with.
    indicators
        Indicator ids; each is taken as of ``year`` (its latest year up to it).
    mode, tolerance
        See :func:`geodash.analysis.similar.similar_areas`; in ``distance``
        mode the :data:`DISTANCE_LIMIT` nearest are listed, otherwise all
        districts within the tolerance.
    year
        ``None`` for each indicator's latest year.

    Returns
    -------
    pandas.DataFrame
        ``key, name, reference, distance`` and one column per indicator; the
        reference first (distance 0). Raises
        :class:`~geodash.errors.ParameterError` when the reference has no
        value for an indicator, or no indicator has values.
    """
    part = dataset.indicators[dataset.indicators["indicator"].isin(list(indicators))]
    current = values_as_of(part, year)
    wide = current.pivot(index="area_key", columns="indicator", values="value")
    wide = wide.reindex(index=dataset.areas["key"].to_numpy(),
                        columns=[i for i in indicators if i in set(current["indicator"])])
    wide.columns.name = None
    found = similar_areas(wide, reference, list(wide.columns), mode=mode, tolerance=tolerance,
                          limit=DISTANCE_LIMIT if mode == "distance" else None)
    names = dataset.area_labels
    ref_row = wide.loc[[reference]].assign(distance=0.0)
    table = pd.concat([ref_row, found.drop(columns="within")])
    table.index.name = "key"
    table = table.reset_index()
    table.insert(1, "name", table["key"].map(names))
    table.insert(2, "reference", table["key"] == reference)
    return table


def indicator_years(dataset: Dataset, indicators: Sequence[str], year: int | None) -> dict[str, int]:
    """The year each indicator is shown in (its latest up to ``year``)."""
    part = values_as_of(dataset.indicators[dataset.indicators["indicator"].isin(list(indicators))],
                        year)
    return {str(k): int(v) for k, v in part.groupby("indicator")["year"].first().items()}
