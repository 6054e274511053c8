"""The social index and the coverage of one district, for its profile.

Pure functions of ``(dataset, district, year)``; the values come from the
analysis of the Dataset (:mod:`geodash.web.figures.derived`), the same that
the map and the coverage page show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geodash.analysis.coverage import coverage_table
from geodash.analysis.indicators import rank_areas
from geodash.analysis.measures import area_coverage
from geodash.analysis.years import sites_in_year
from geodash.dataset import Dataset
from geodash.web.figures import derived


@dataclass(frozen=True)
class IndexSummary:
    """The MSS index of one district in one year.

    Attributes
    ----------
    year
        The index year (the latest up to the asked year with a status index).
    status, status_class
        Status index (high = low status, more need) and its class.
    dynamics, dynamics_class
        Dynamics index (high = worsening) and its class; NaN and ``None``
        when the comparison year has no values.
    summary
        Both classes, e.g. ``"niedrig/negativ"``.
    rank, ranked
        Rank of the status index (1 = most need) among the ``ranked`` districts.
    """

    year: int
    status: float
    status_class: str | None
    dynamics: float
    dynamics_class: str | None
    summary: str | None
    rank: int | None
    ranked: int


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def index_summary(dataset: Dataset, key: str, year: int | None = None) -> IndexSummary | None:
    """The status and dynamics index of a district as of ``year``.

    Returns
    -------
    IndexSummary or None
        ``None`` when the workspace has no index, or no year up to ``year``
        has one. A district without a value (too few residents, no values)
        has NaN and no rank.
    """
    index_year = derived.index_year(dataset, year)
    if index_year is None:
        return None
    frame = derived.analysis(dataset, index_year)
    status = frame["status_index"].astype(float)
    rank = rank_areas(status, "need").get(key, pd.NA)
    row = frame.loc[key] if key in frame.index else pd.Series(dtype=object)
    return IndexSummary(
        year=index_year,
        status=float(row.get("status_index", math.nan)),
        status_class=_text(row.get("status_class")),
        dynamics=float(row.get("dynamics_index", math.nan)),
        dynamics_class=_text(row.get("dynamics_class")),
        summary=_text(row.get("summary")),
        rank=None if pd.isna(rank) else int(rank),
        ranked=int(status.notna().sum()),
    )


def area_coverage_table(dataset: Dataset, key: str, lang: str = "de", *,
                        year: int | None = None) -> pd.DataFrame:
    """Offers for the residents of one district, per category and for all together.

    The offers running in ``year`` (the latest year when ``None``), per 1,000
    residents of that year.

    Returns
    -------
    pandas.DataFrame
        One row per category (in the dataset's order) and a last row ``any``:
        ``category, label, count, per_1000, mean_distance`` (metres, to the
        nearest site of the category, also beyond the district's border) and
        ``share_<d>`` (0–1) per coverage distance; empty without sites.
    """
    categories = list(dataset.categories)
    if dataset.sites.empty or not categories:
        return pd.DataFrame(columns=["category", "label", "count", "per_1000", "mean_distance"])
    year = derived.offers_year(dataset, year)
    counts = coverage_table(dataset.areas, sites_in_year(dataset.sites, year), categories,
                            population=dataset.population_in(year))
    table = area_coverage(counts, dataset.access_in(year), key, categories)
    table.insert(1, "label", [dataset.category_label(c, lang) if c in dataset.categories else c
                              for c in table["category"]])
    return table
