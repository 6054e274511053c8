"""The social index and coverage of a Dataset, per year, and the tables pages derive: computed once.

:func:`analysis` composes the workspace's settings with the analysis layer
(:func:`geodash.analysis.of_dataset.district_analysis`: index, coverage, gap) and
keeps each year's frame beside the Dataset, as ``Dataset.access`` keeps the
accessibility table: the Dataset never changes, so neither does what is
derived from it, and a ``dataclasses.replace`` copy starts with nothing. No
module-level state; nothing a user chooses is stored.

The map, profile, comparison and coverage pages read the index, the classes,
coverage and the gap from here, so that they always agree with each other and
with ``geodash export districts``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

from geodash import progress
from geodash.analysis.indicators import city_reference
from geodash.analysis.measures import (
    Measure,
    derived_measures,
    measure_values,
)
from geodash.analysis.of_dataset import coverage_years, district_analysis
from geodash.analysis.social_index import stack_years
from geodash.analysis.years import has_years
from geodash.dataset import Dataset

# Key of the memo in the Dataset's instance dict (beside its cached properties).
_MEMO = "_geodash_derived"

T = TypeVar("T")

CLASS_NAMES = {
    "de": {},
    "en": {"hoch": "high", "mittel": "medium", "niedrig": "low", "sehr niedrig": "very low",
           "positiv": "positive", "stabil": "stable", "negativ": "negative"},
}


def _memo(dataset: Dataset) -> dict:
    # The frozen dataclass refuses attribute assignment, not its instance dict, which
    # is where functools.cached_property keeps Dataset.access too.
    return dataset.__dict__.setdefault(_MEMO, {})


def cached(dataset: Dataset, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` the first time ``key`` is asked of this Dataset, the kept result after that.

    Only for values that follow from the Dataset and ``key`` alone; callers
    must not change what they get (copy it first).
    """
    memo = _memo(dataset)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def analysis(dataset: Dataset, year: int | None) -> pd.DataFrame:
    """Status and dynamics index, coverage and gap per area for one year (computed once).

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`geodash.analysis.districts.need_and_coverage`,
        indexed by area key in ``dataset.areas`` order. Shared: do not change it.
    """
    return cached(dataset, ("analysis", year), lambda: district_analysis(dataset, year))


def city_values(dataset: Dataset) -> pd.DataFrame:
    """The city value of every indicator and year (:func:`~geodash.analysis.indicators.city_reference`).

    Shared: do not change it.
    """
    return cached(dataset, "city", lambda: city_reference(
        dataset.indicators, dataset.population_table, dataset.indicator_meta))


def warm(dataset: Dataset) -> None:
    """Compute the accessibility, every year's analysis and the city values now, so no click waits."""
    if len(dataset.sites) and dataset.categories and "access" not in dataset.__dict__:
        with progress.step(f"coverage: accessibility of {len(dataset.categories)} categories"):
            dataset.access  # noqa: B018 - a cached property, computed on first access
    years = [y for y in dataset.years or [None] if ("analysis", y) not in _memo(dataset)]
    if years:
        with progress.step(f"social index, coverage and gap for {len(years)} year(s)"):
            for year in years:
                analysis(dataset, year)
    city_values(dataset)


def measures(dataset: Dataset) -> dict[str, Measure]:
    """The derived measures this workspace can map (index only with index indicators, …)."""
    return cached(dataset, "measures", lambda: derived_measures(
        index=any(spec.in_index for spec in dataset.indicator_meta.values()),
        sites=bool(len(dataset.sites)) and bool(dataset.categories),
        distances=dataset.settings.coverage.distances, dated_sites=has_years(dataset.sites)))


def measure_of(dataset: Dataset, measure_id: str | None) -> Measure | None:
    """The derived measure with this id, or ``None`` (an indicator id, or unknown)."""
    return measures(dataset).get(measure_id) if measure_id else None


def coverage_year(dataset: Dataset) -> int | None:
    """The year whose analysis gives the measures that do not change with the year."""
    return dataset.years[-1] if dataset.years else None


def offers_year(dataset: Dataset, year: int | None) -> int | None:
    """The year whose running offers a page counts: the year shown, else the latest year."""
    return year if year is not None else coverage_year(dataset)


def coverage_series(dataset: Dataset) -> pd.DataFrame:
    """Coverage per area, category and year (:func:`geodash.analysis.of_dataset.coverage_years`).

    Shared: do not change it.
    """
    return cached(dataset, "coverage_years", lambda: coverage_years(dataset))


def measure_years(dataset: Dataset, measure: Measure) -> tuple[int, ...]:
    """The years with a value of a yearly measure for some area; ``()`` for the others."""
    if not measure.yearly:
        return ()
    return cached(dataset, ("years", measure.id), lambda: tuple(
        y for y in dataset.years if measure_values(analysis(dataset, y), measure).notna().any()))


def measure_series(dataset: Dataset, measure: Measure, year: int | None) -> pd.Series:
    """The shown values of a measure per area key, in ``dataset.areas`` order."""
    frame = analysis(dataset, year if measure.yearly else coverage_year(dataset))
    keys = dataset.areas["key"].to_numpy()
    return measure_values(frame, measure).reindex(keys).rename_axis("area_key")


def index_year(dataset: Dataset, year: int | None = None) -> int | None:
    """The latest year up to ``year`` (any year if ``None``) that has a status index."""
    status = measure_of(dataset, "status_index")
    if status is None:
        return None
    years = [y for y in measure_years(dataset, status) if year is None or y <= year]
    return years[-1] if years else None


def status_by_year(dataset: Dataset) -> pd.DataFrame:
    """``area_key, year, status_index, status_class`` of every year with a status index.

    Stacked once per Dataset (the years' frames are memoised already); a copy is returned.
    """
    def stack() -> pd.DataFrame:
        status = measure_of(dataset, "status_index")
        years = measure_years(dataset, status) if status else ()
        return stack_years({y: analysis(dataset, y) for y in years})

    return cached(dataset, "status_by_year", stack).copy()


def thresholds(dataset: Dataset, measure: Measure) -> tuple[float, ...]:
    """The workspace's thresholds between the named classes of a measure."""
    index = dataset.settings.index
    return tuple(index.dynamics_thresholds if measure.classes == "dynamics"
                 else index.status_thresholds)


def class_name(label: object, lang: str) -> str:
    """An MSS class (``"niedrig"``) or summary (``"niedrig/negativ"``) in the UI language."""
    if label is None or (isinstance(label, float) and label != label):
        return ""
    table = CLASS_NAMES.get(lang, {})
    return "/".join(table.get(part, part) for part in str(label).split("/"))
