"""The programme evaluation of a Dataset: resident shares, index inside/outside and the DiD, kept once.

Composes :mod:`geodash.analysis.evaluation` with the Dataset (areas and zones
in the metric CRS, the population grid when there is one, the residents per
year, the status index per year) and keeps each result beside the Dataset
(:func:`geodash.web.figures.derived.cached`). The coverage page, the
Sozialraumbericht and the tests read it from here, so they agree.
"""

from __future__ import annotations

import pandas as pd

from geodash.analysis.evaluation import (
    DID_COLUMNS,
    INSIDE_COLUMNS,
    difference_in_differences,
    index_inside_outside,
    resident_shares,
    zone_resident_shares,
)
from geodash.dataset import Dataset
from geodash.web.figures import derived


def weighting(dataset: Dataset) -> str:
    """``"points"`` when residents are located by the workspace's population grid, else ``"surface"``."""
    return "points" if dataset.population_points is not None else "surface"


def residents(dataset: Dataset) -> pd.DataFrame | None:
    """Residents per area and year (``area_key, year, population``), or ``None`` when none are known."""
    table = dataset.population_table
    if table is None or not table["population"].notna().any():
        return None
    return table


def _zones_metric(dataset: Dataset):
    return dataset.zones.to_crs(dataset.settings.metric_crs)


def programme_shares(dataset: Dataset) -> pd.DataFrame:
    """Share of each area's residents inside the programme areas running in each index year.

    Returns ``area_key, year, share, by`` (see
    :func:`geodash.analysis.evaluation.resident_shares`); shared, do not change it.
    """
    return derived.cached(dataset, "evaluation_shares", lambda: resident_shares(
        dataset.areas_metric, _zones_metric(dataset), _index_years(dataset),
        points=dataset.population_points))


def zone_shares(dataset: Dataset) -> pd.DataFrame:
    """Share of each area's residents inside each programme area (``area_key, zone_id, share, by``)."""
    return derived.cached(dataset, "evaluation_zone_shares", lambda: zone_resident_shares(
        dataset.areas_metric, _zones_metric(dataset), points=dataset.population_points))


def _index_years(dataset: Dataset) -> list[int]:
    index = derived.status_by_year(dataset)
    return sorted(int(y) for y in index["year"].unique()) if len(index) else []


def inside_outside(dataset: Dataset) -> pd.DataFrame:
    """The resident-weighted mean status index inside and outside the programme areas, year by year.

    Each area counts inside with its residents inside running programme areas
    and outside with the others (see
    :func:`geodash.analysis.evaluation.index_inside_outside`).

    Returns
    -------
    pandas.DataFrame
        ``year, inside, outside, n_inside, n_outside, residents_inside,
        residents_outside``; empty without zones or without a status index.
    """
    return derived.cached(dataset, "evaluation_inside_outside",
                          lambda: _inside_outside(dataset)).copy()


def _inside_outside(dataset: Dataset) -> pd.DataFrame:
    index = derived.status_by_year(dataset)
    if dataset.zones.empty or index.empty:
        return pd.DataFrame(columns=INSIDE_COLUMNS)
    return index_inside_outside(index, programme_shares(dataset), residents(dataset))


def did_table(dataset: Dataset, n_comparison: int = 5) -> pd.DataFrame:
    """Each programme area before and after its start against similar areas without one.

    Returns the frame of :func:`geodash.analysis.evaluation.difference_in_differences`
    (area keys, not names); empty without zones or without a status index.
    """
    return derived.cached(dataset, ("evaluation_did", n_comparison),
                          lambda: _did(dataset, n_comparison)).copy()


def _did(dataset: Dataset, n_comparison: int) -> pd.DataFrame:
    index = derived.status_by_year(dataset)
    if dataset.zones.empty or index.empty:
        return pd.DataFrame(columns=DID_COLUMNS)
    zones = pd.DataFrame(dataset.zones.drop(columns="geometry"))
    return difference_in_differences(index, zone_shares(dataset), zones,
                                     population=residents(dataset), n_comparison=n_comparison)
