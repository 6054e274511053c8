"""The selected areas of a view as one combined area, from a Dataset (see :mod:`geodash.analysis.selection`).

The pages ask for the selection in one year; the figures come from the
pure functions of the analysis, fed with what the Dataset keeps once
computed (population per year, site counts, the reach shares of the
district analysis).
"""

from __future__ import annotations

import pandas as pd

from geodash.analysis.joins import site_counts
from geodash.analysis.selection import CombinedArea, combine_areas
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.state import ViewState

# The URL parameter that names a selection (``gebiete`` holds its keys).
NAME_PARAM = "name"
NAME_MAX = 120  # characters of a selection's name that are kept


def selection_name(state: ViewState) -> str:
    """The name the user gave the selection (``name=`` in the URL), trimmed; ``""`` if none."""
    return " ".join((state.extra.get(NAME_PARAM) or "").split())[:NAME_MAX]


def with_selection(state: ViewState, keys, name: str | None = None) -> ViewState:
    """A copy of ``state`` with the selected keys and (when given) the name; an empty name is removed."""
    extra = dict(state.extra)
    if name is not None:
        name = " ".join(name.split())[:NAME_MAX]
        if name:
            extra[NAME_PARAM] = name
        else:
            extra.pop(NAME_PARAM, None)
    return state.with_(areas=tuple(keys), extra=extra)


def combined_area(dataset: Dataset, keys, year: int | None) -> CombinedArea:
    """The areas ``keys`` as one, in ``year`` (the latest when ``None``), beside the city."""
    year = year if year is not None else (dataset.years[-1] if dataset.years else None)
    shares = derived.analysis(dataset, year)
    counts = derived.cached(dataset, "site_counts", lambda: site_counts(
        dataset.sites, list(dataset.categories)))
    population = dataset.population_in(year)
    table = dataset.population_table
    return combine_areas(
        list(keys), area_keys=dataset.areas["key"].tolist(), population=population,
        indicators=dataset.indicators,
        population_table=table if table is not None else population,
        meta=dataset.indicator_meta, site_counts=counts,
        shares=shares[[c for c in shares.columns if str(c).startswith("share")]],
    )


def indicators_in(combined: CombinedArea, year: int | None) -> pd.DataFrame:
    """Each indicator's combined value in ``year``, or in its latest year up to it (all when ``None``)."""
    table = combined.indicators
    if year is not None:
        table = table[table["year"] <= year]
    return table.sort_values("year").groupby("indicator", sort=False).tail(1)
