"""Derived measures: the social index and coverage of each area, as mappable values beside the indicators.

The indicators of a workspace come from its tables; the measures here are
computed from them and from the sites by
:func:`geodash.analysis.districts.need_and_coverage` (one frame per year, one
row per area). This module names the columns of that frame that a map can
colour, with the label, unit, polarity and number format an indicator spec
would give, and the named classes of the MSS (status: hoch … sehr niedrig,
dynamics: positiv … negativ) that a map can use instead of class breaks.

It works on the analysis frame only: no Dataset, no Dash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geodash.analysis.classify import Classes
from geodash.analysis.districts import ANY
from geodash.analysis.social_index import DYNAMICS_CLASSES, STATUS_CLASSES
from geodash.catalog import Text

THEME = Text(de="Sozialindex und Versorgung", en="Social index and coverage")
INDEX_SOURCE = "berechnet nach dem Monitoring Soziale Stadtentwicklung (MSS) Berlin"
COVERAGE_SOURCE = "berechnet aus der Angebotsliste (Luftlinie)"


@dataclass(frozen=True)
class NamedClasses:
    """Classes with names, bounded by thresholds on a standardised index (the MSS classes).

    Attributes
    ----------
    column
        The column of the analysis frame that holds each area's class name.
    labels
        The class names from the lowest index to the highest.
    """

    column: str
    labels: tuple[str, ...]


# The classifications a measure can offer instead of class breaks, by name.
NAMED_CLASSES: dict[str, NamedClasses] = {
    "status": NamedClasses("status_class", STATUS_CLASSES),
    "dynamics": NamedClasses("dynamics_class", DYNAMICS_CLASSES),
}


@dataclass(frozen=True)
class Measure:
    """A derived measure, described like an indicator spec so that maps and legends treat both alike.

    Attributes
    ----------
    id
        The measure's id; it is also the column of the analysis frame, and
        indicator ids can never take it (the catalog reserves these names).
    label, unit, polarity, decimals, theme, source, description
        As in :class:`geodash.catalog.IndicatorSpec`.
    yearly
        Whether the values change with the year (the index does, coverage
        by the current sites does not).
    scale
        Factor from the analysis column to the shown value (shares 0–1 → %).
    classes
        Key of :data:`NAMED_CLASSES` when the measure has named classes.
    """

    id: str
    label: Text
    unit: str
    polarity: str
    decimals: int
    description: Text
    yearly: bool
    scale: float = 1.0
    classes: str | None = None
    source: str = ""
    theme: Text = THEME

    @property
    def column(self) -> str:
        """The column of the analysis frame that holds the measure."""
        return self.id


STATUS_INDEX = Measure(
    "status_index", Text(de="Statusindex (MSS)", en="Status index (MSS)"), "z", "need", 2,
    Text(de="Standardisierter Mittelwert der Indexindikatoren; höher = niedrigerer sozialer "
            "Status, mehr Bedarf.",
         en="Standardised mean of the index indicators; higher = lower social status, "
            "more need."),
    yearly=True, classes="status", source=INDEX_SOURCE,
)
DYNAMICS_INDEX = Measure(
    "dynamics_index", Text(de="Dynamikindex (MSS)", en="Dynamics index (MSS)"), "z", "need", 2,
    Text(de="Standardisierte Veränderung der Indexindikatoren gegenüber dem Vergleichsjahr; "
            "höher = Lage verschlechtert sich.",
         en="Standardised change of the index indicators since the comparison year; "
            "higher = the situation worsens."),
    yearly=True, classes="dynamics", source=INDEX_SOURCE,
)
OFFERS_PER_1000 = Measure(
    "per1000_total", Text(de="Angebote je 1.000 EW", en="Offers per 1,000 residents"),
    "je 1.000 EW", "resource", 2,
    Text(de="Angebote aller Arten im Gebiet je 1.000 Einwohnerinnen und Einwohner.",
         en="Offers of every kind in the area per 1,000 residents."),
    yearly=False, source=COVERAGE_SOURCE,
)


def share_measure(distance: float) -> Measure:
    """The share of residents within ``distance`` metres of any site, in per cent.

    Examples
    --------
    >>> share_measure(500).id, share_measure(500).label.de
    ('share500_any', 'Anteil Bewohner ≤ 500 m von einem Angebot')
    """
    d = int(distance)
    metres = f"{d:,}".replace(",", ".")
    return Measure(
        f"share{d}_{ANY}",
        Text(de=f"Anteil Bewohner ≤ {metres} m von einem Angebot",
             en=f"Residents ≤ {d:,} m from an offer"),
        "%", "resource", 0,
        Text(de=f"Anteil der Einwohnerinnen und Einwohner, die höchstens {metres} m "
                "(Luftlinie) vom nächsten Angebot entfernt wohnen.",
             en=f"Share of residents living at most {d:,} m (straight line) from the "
                "nearest offer."),
        yearly=False, scale=100.0, source=COVERAGE_SOURCE,
    )


def derived_measures(*, index: bool, sites: bool, distances: Sequence[float],
                     dated_sites: bool = False) -> dict[str, Measure]:
    """The measures a workspace can map, by id, in display order.

    Parameters
    ----------
    index
        Whether any indicator enters the social index (else there is no index).
    sites
        Whether the workspace has sites (else there is no coverage).
    distances
        The workspace's coverage distances in metres (``share<d>_any`` each).
    dated_sites
        Whether any site has a start or end year: then coverage changes with
        the year (only the offers running in it count) and its measures are yearly.

    Examples
    --------
    >>> list(derived_measures(index=True, sites=False, distances=[500]))
    ['status_index', 'dynamics_index']
    """
    measures: list[Measure] = []
    if index:
        measures += [STATUS_INDEX, DYNAMICS_INDEX]
    if sites:
        coverage = [OFFERS_PER_1000, *(share_measure(d) for d in distances)]
        measures += [replace(m, yearly=True) for m in coverage] if dated_sites else coverage
    return {m.id: m for m in measures}


def measure_values(analysis: pd.DataFrame, measure: Measure) -> pd.Series:
    """The shown values of a measure per area key (NaN where the analysis has none).

    Parameters
    ----------
    analysis
        The frame of :func:`~geodash.analysis.districts.need_and_coverage`.
    measure
        The measure to take.
    """
    if measure.column not in analysis.columns:
        return pd.Series(np.nan, index=analysis.index, name=measure.id, dtype=float)
    values = pd.to_numeric(analysis[measure.column], errors="coerce").astype(float)
    return (values * measure.scale).rename(measure.id)


def class_ranges(thresholds: Sequence[float]) -> list[tuple[float, float]]:
    """The index range of each named class: ``(-inf, t0), [t0, t1], (t1, t2], (t2, inf)``.

    The bounds follow :func:`geodash.analysis.social_index.classify_by_thresholds`:
    a value at a threshold belongs to the class nearer the middle.

    Examples
    --------
    >>> class_ranges((-1.0, 1.0))
    [(-inf, -1.0), (-1.0, 1.0), (1.0, inf)]
    """
    bounds = [-np.inf, *map(float, thresholds), np.inf]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def named_classes(analysis: pd.DataFrame, measure: Measure,
                  thresholds: Sequence[float]) -> Classes | None:
    """The named classes of a measure as :class:`~geodash.analysis.classify.Classes`.

    Every class is kept, also an empty one, so that a legend reads the same in
    every year. ``breaks`` are the thresholds and the largest value; areas
    without a class get ``-1``.

    Returns
    -------
    Classes or None
        ``None`` when the measure has no named classes.
    """
    if measure.classes is None:
        return None
    named = NAMED_CLASSES[measure.classes]
    labels = analysis.get(named.column, pd.Series(None, index=analysis.index, dtype=object))
    position = {label: i for i, label in enumerate(named.labels)}
    index = labels.map(lambda v: position.get(v, -1)).astype(int)
    values = measure_values(analysis, measure).dropna()
    top = max(float(values.max()) if len(values) else -np.inf, float(thresholds[-1]))
    counts = tuple(int((index == i).sum()) for i in range(len(named.labels)))
    lower = float(values.min()) if len(values) else float("nan")
    return Classes("mss", (*map(float, thresholds), top), lower, index, counts)


def area_coverage(coverage: pd.DataFrame, access: pd.DataFrame, key: str,
                  categories: Sequence[str]) -> pd.DataFrame:
    """Coverage of one area per site category and for all sites together.

    Parameters
    ----------
    coverage
        ``area_key, category, count, per_1000`` (from
        :func:`geodash.analysis.coverage.coverage_table`).
    access
        ``area_key, category, mean_distance, share_<d>…`` (from
        :func:`geodash.analysis.districts.access_by_category`, with ``any``).
    key
        The area.
    categories
        The categories, in display order; ``any`` is added last.

    Returns
    -------
    pandas.DataFrame
        One row per category and ``any``: ``category, count, per_1000,
        mean_distance`` (metres) and one ``share_<d>`` (0–1) per distance of
        ``access``; NaN where a figure is unknown.
    """
    shares = [c for c in access.columns if c.startswith("share_")]
    own_cov = coverage[coverage["area_key"] == key].set_index("category")
    own_acc = access[access["area_key"] == key].set_index("category")
    rows = []
    for cat in [*categories, ANY]:
        if cat == ANY:
            count = float(own_cov["count"].sum())
            per = own_cov["per_1000"]
            per_1000 = float(per.sum()) if per.notna().any() else np.nan
        else:
            count = float(own_cov["count"].get(cat, 0))
            per_1000 = float(own_cov["per_1000"].get(cat, np.nan))
        row = {"category": cat, "count": count, "per_1000": per_1000,
               "mean_distance": float(own_acc["mean_distance"].get(cat, np.nan))}
        row.update({s: float(own_acc[s].get(cat, np.nan)) for s in shares})
        rows.append(row)
    out = pd.DataFrame(rows, columns=["category", "count", "per_1000", "mean_distance", *shares])
    out["count"] = out["count"].astype(int)
    return out
