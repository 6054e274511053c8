"""Social index of status and dynamics, after Berlin's Monitoring Soziale Stadtentwicklung (MSS).

The method, as the MSS reports describe it and as Hamburg's Sozialmonitoring
uses it with its own indicators:

1. Status: each index indicator of one year is z-standardised across areas
   (its sign set by polarity, so that a positive z always means more need);
   the status index is the weighted mean of those z-scores, standardised once
   more; areas are classed by its standard deviations from the mean:
   ``hoch`` (below −1), ``mittel`` (−1 to +1), ``niedrig`` (above +1 up to
   +1.5) and ``sehr niedrig`` (above +1.5). Note the direction: a *high*
   index means *low* social status.
2. Dynamics: the same for each indicator's change over a period (MSS: two
   years, Hamburg: three), classed ``positiv`` (below −1), ``stabil`` (−1 to
   +1) and ``negativ`` (above +1).
3. The summary crosses both, e.g. ``"niedrig/negativ"`` (12 groups).

A value exactly at a threshold belongs to the class nearer the middle
(``1.0`` is ``mittel``, ``1.5`` is ``niedrig``, ``−1.0`` is ``mittel``).

Methods are kept in a registry with one signature, so a workspace can pick
one by name in ``layers/workspace.toml`` or a city can add its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from geodash.analysis.indicators import POLARITY_SIGN, zscores
from geodash.analysis.joins import indicators_wide
from geodash.catalog import IndexSettings, IndicatorSpec
from geodash.errors import ParameterError, SpecError

STATUS_CLASSES = ("hoch", "mittel", "niedrig", "sehr niedrig")
DYNAMICS_CLASSES = ("positiv", "stabil", "negativ")


@dataclass(frozen=True)
class IndexOptions:
    """How the index is computed; defaults follow the MSS.

    Attributes
    ----------
    indicators
        Indicator ids that enter the index (default: those with ``in_index``).
    weights
        Weight per indicator id (default: the spec's ``weight``, 1.0).
    period
        Years between the two values of the dynamics (MSS: 2, Hamburg: 3).
    status_thresholds
        Standardised status index bounds between hoch|mittel|niedrig|sehr niedrig.
    dynamics_thresholds
        Standardised dynamics index bounds between positiv|stabil|negativ.
    weighted
        Weight the mean and standard deviation by population.
    reference
        Area keys whose mean and standard deviation define the z-scores
        (default: every area with enough population).
    min_population
        Areas with fewer residents are left out (MSS: 300).
    base_year
        The year the dynamics compare with (default: ``year - period``); a
        planner's choice such as "since 2019". It overrides the period.
    """

    indicators: tuple[str, ...] | None = None
    weights: Mapping[str, float] | None = None
    period: int = 2
    status_thresholds: tuple[float, float, float] = (-1.0, 1.0, 1.5)
    dynamics_thresholds: tuple[float, float] = (-1.0, 1.0)
    weighted: bool = False
    reference: tuple[str, ...] | None = None
    min_population: float = 0.0
    base_year: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: IndexSettings) -> IndexOptions:
        """Options from a workspace's ``[index]`` settings."""
        options = cls(
            status_thresholds=tuple(settings.status_thresholds),
            dynamics_thresholds=tuple(settings.dynamics_thresholds),
            weighted=settings.weighted,
            reference=tuple(settings.reference) if settings.reference else None,
            min_population=settings.min_population,
        )
        return replace(options, period=settings.period) if settings.period else options


def combine(z: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Weighted mean of z-score columns, over the columns an area has values for."""
    w = pd.Series({c: float(weights.get(c, 1.0)) for c in z.columns})
    have = z.notna()
    total = have.mul(w, axis=1).sum(axis=1)
    return z.fillna(0).mul(w, axis=1).sum(axis=1) / total.replace(0, np.nan)


def classify_by_thresholds(
    values: pd.Series, thresholds: Sequence[float], labels: Sequence[str]
) -> pd.Series:
    """Class labels by thresholds; a value at a threshold goes to the class nearer the middle.

    The middle class is the one between the threshold below 0 and the one
    above it; below the middle bounds are exclusive on the left, above the
    middle on the right.

    Examples
    --------
    >>> classify_by_thresholds(pd.Series([-1.0, 1.0, 1.2, 1.5, 1.6]), (-1, 1, 1.5),
    ...                        STATUS_CLASSES).tolist()
    ['mittel', 'mittel', 'niedrig', 'niedrig', 'sehr niedrig']
    """
    bounds = np.asarray(thresholds, dtype=float)
    x = values.astype(float).to_numpy()
    # Negative thresholds: a value equal to them belongs to the class above
    # (towards the middle); positive ones: to the class below.
    idx = np.where(
        x < 0,
        np.searchsorted(bounds, x, side="right"),
        np.searchsorted(bounds, x, side="left"),
    )
    out = np.array([labels[i] if not np.isnan(v) else None for i, v in zip(idx, x, strict=True)],
                   dtype=object)
    return pd.Series(out, index=values.index)


def declared_changes(
    indicators: pd.DataFrame, meta: Mapping[str, IndicatorSpec], ids: Sequence[str], year: int,
    period: int,
) -> pd.DataFrame:
    """Published changes of the index indicators over ``period`` years ending in ``year``.

    An indicator declared with ``change_of = "alq"`` and ``change_years = 2``
    holds the change of ``alq`` over the two years ending in its row's year;
    it counts for a dynamics period of the same length only.

    Returns
    -------
    pandas.DataFrame
        Areas as rows, one column per index indicator in ``ids`` (NaN where
        nothing is published).

    Examples
    --------
    >>> from geodash.catalog import IndicatorSpec
    >>> meta = {"alq": IndicatorSpec(id="alq", label="alq", polarity="need"),
    ...         "d_alq": IndicatorSpec(id="d_alq", label="d", polarity="need",
    ...                                change_of="alq", change_years=2)}
    >>> long = pd.DataFrame({"area_key": ["a", "b"], "indicator": "d_alq", "year": 2022,
    ...                      "value": [-0.5, 1.0]})
    >>> declared_changes(long, meta, ["alq"], 2022, 2)["alq"].tolist()
    [-0.5, 1.0]
    """
    sources = {cid: spec.change_of for cid, spec in meta.items()
               if spec.change_of in ids and spec.change_years == period}
    if not sources:
        return pd.DataFrame(columns=list(ids), dtype=float)
    wide = indicators_wide(indicators, year, list(sources)).rename(columns=sources)
    # Two declared changes of one indicator: the first in spec order wins.
    wide = wide.loc[:, ~wide.columns.duplicated()]
    return wide.reindex(columns=list(ids)).astype(float)


def dynamics_base(year: int, options: IndexOptions) -> int:
    """The year the dynamics of ``year`` compare with: ``options.base_year``, else ``year - period``.

    Raises
    ------
    ParameterError
        When the base year is not earlier than ``year``.

    Examples
    --------
    >>> dynamics_base(2023, IndexOptions(period=2)), dynamics_base(2023, IndexOptions(base_year=2019))
    (2021, 2019)
    """
    base = options.base_year if options.base_year is not None else year - options.period
    if base >= year:
        raise ParameterError(f"the base year of the dynamics was {base} but must be earlier than "
                             f"the year shown, {year}.", fix=f"choose a year before {year}.")
    return int(base)


def _signed_z(wide: pd.DataFrame, meta: Mapping[str, IndicatorSpec], weights, reference) -> pd.DataFrame:
    return pd.DataFrame({
        col: zscores(wide[col], sign=POLARITY_SIGN.get(meta[col].polarity, 1.0),
                     weights=weights, reference=reference)
        for col in wide.columns
    }, index=wide.index)


def zscore_index(
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    population: pd.Series,
    year: int,
    options: IndexOptions,
) -> pd.DataFrame:
    """Status and dynamics index of the MSS kind for one year (see the module text).

    Returns
    -------
    pandas.DataFrame
        Indexed by area key: ``status_raw`` (mean z), ``status_index``
        (standardised), ``status_class``, ``dynamics_raw``,
        ``dynamics_index``, ``dynamics_class``, ``summary`` and one
        ``z_<indicator>`` column per index indicator. Areas left out (too few
        residents, no values) have NaN and no class.
    """
    ids = list(options.indicators) if options.indicators else [i for i, m in meta.items() if m.in_index]
    unknown = [i for i in ids if i not in meta]
    if unknown:
        raise ParameterError(f"the index names unknown indicator(s): {', '.join(unknown)}.",
                             fix=f"use indicators of the workspace: {', '.join(meta)}.")
    if not ids:
        raise ParameterError("no indicator is marked for the index.",
                             fix="set in_index = true on the indicators that measure need.")
    weights_by_ind = {i: (options.weights or {}).get(i, meta[i].weight) for i in ids}
    keys = population.index
    pop = population.astype(float)
    eligible = pd.Series(True, index=keys)
    if options.min_population > 0:
        eligible &= pop.fillna(0) >= options.min_population
    reference = eligible.copy()
    if options.reference:
        reference &= pd.Series(keys.isin(list(options.reference)), index=keys)
    area_weights = pop if options.weighted else None

    now = indicators_wide(indicators, year, ids).reindex(keys)
    now = now.where(eligible, axis=0)
    z_status = _signed_z(now, meta, area_weights, reference)
    status_raw = combine(z_status, weights_by_ind)
    status_index = zscores(status_raw, weights=area_weights, reference=reference)

    before_year = dynamics_base(year, options)
    before = indicators_wide(indicators, before_year, ids).reindex(keys).where(eligible, axis=0)
    published = declared_changes(indicators, meta, ids, year, year - before_year).reindex(keys)
    # A published change is taken as published (it may rest on revised figures the city
    # did not republish); where an area has none, the two years' values give it.
    delta = published.where(eligible, axis=0).combine_first(now - before)[ids]
    z_dyn = _signed_z(delta, meta, area_weights, reference)
    dynamics_raw = combine(z_dyn, weights_by_ind) if delta.notna().any().any() else pd.Series(
        np.nan, index=keys)
    dynamics_index = zscores(dynamics_raw, weights=area_weights, reference=reference)

    out = pd.DataFrame({
        "status_raw": status_raw,
        "status_index": status_index,
        "status_class": classify_by_thresholds(status_index, options.status_thresholds, STATUS_CLASSES),
        "dynamics_raw": dynamics_raw,
        "dynamics_index": dynamics_index,
        "dynamics_class": classify_by_thresholds(dynamics_index, options.dynamics_thresholds,
                                                 DYNAMICS_CLASSES),
    }, index=keys)
    out["summary"] = [
        f"{s}/{d}" if s and d else (s or None)
        for s, d in zip(out["status_class"], out["dynamics_class"], strict=True)
    ]
    for col in z_status.columns:
        out[f"z_{col}"] = z_status[col]
    out.index.name = "area_key"
    return out


IndexMethod = Callable[[pd.DataFrame, Mapping[str, IndicatorSpec], pd.Series, int, IndexOptions],
                       pd.DataFrame]


def _hamburg(indicators, meta, population, year, options: IndexOptions) -> pd.DataFrame:
    # Hamburg's Sozialmonitoring: same z-score index, dynamics over three years.
    return zscore_index(indicators, meta, population, year, replace(options, period=3))


INDEX_METHODS: dict[str, tuple[IndexMethod, str]] = {
    "mss": (zscore_index, "Berlin, Monitoring Soziale Stadtentwicklung: z-scores, dynamics over 2 years"),
    "hamburg": (_hamburg, "Hamburg, Sozialmonitoring RISE: z-scores, dynamics over 3 years"),
}

# Methods whose dynamics period is part of the method (the workspace's `period` does not apply).
METHOD_PERIODS: dict[str, int] = {"hamburg": 3}


def default_base_year(year: int, method: str, options: IndexOptions) -> int:
    """The year the method's dynamics compare ``year`` with when nobody picks one.

    Examples
    --------
    >>> default_base_year(2023, "mss", IndexOptions()), default_base_year(2023, "hamburg", IndexOptions())
    (2021, 2020)
    """
    return int(year - METHOD_PERIODS.get(method, options.period))


def check_index_method(settings: IndexSettings, settings_file: Path) -> None:
    """Refuse a workspace whose ``index.method`` names no registered method, before any data is read.

    Raises
    ------
    SpecError
        Naming the settings file and the key.
    """
    if settings.method not in INDEX_METHODS:
        raise SpecError(f"`index.method` was {settings.method!r} but is expected to be one of "
                        f"{sorted(INDEX_METHODS)}.", file=settings_file, where="key index.method",
                        fix="choose a registered method.")


def social_index(
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    population: pd.Series,
    year: int,
    *,
    method: str = "mss",
    options: IndexOptions | None = None,
) -> pd.DataFrame:
    """Compute a social index with a method from :data:`INDEX_METHODS`.

    Parameters
    ----------
    indicators
        Long table ``area_key, indicator, year, value``.
    meta
        Indicator specs (polarity, in_index, weight).
    population
        Residents by area key; its index lists every area.
    year
        The status year; dynamics compare it with ``year - period``.
    method
        ``"mss"`` or ``"hamburg"``, or a name a city registered.
    options
        See :class:`IndexOptions`.
    """
    if method not in INDEX_METHODS:
        raise ParameterError(f"`method` was {method!r} but is expected to be one of {sorted(INDEX_METHODS)}.")
    func, _ = INDEX_METHODS[method]
    return func(indicators, meta, population, year, options or IndexOptions())


def stack_years(results: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Index results of several years (frames indexed by area key) as one long table.

    Returns
    -------
    pandas.DataFrame
        ``area_key, year, status_index, status_class``.
    """
    columns = ["area_key", "year", "status_index", "status_class"]
    frames = [frame[["status_index", "status_class"]].assign(year=int(year)).rename_axis("area_key")
              .reset_index() for year, frame in results.items()]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def index_over_years(
    indicators: pd.DataFrame,
    meta: Mapping[str, IndicatorSpec],
    population: pd.Series,
    years: Sequence[int],
    *,
    method: str = "mss",
    options: IndexOptions | None = None,
) -> pd.DataFrame:
    """The status index of every year: ``area_key, year, status_index, status_class``."""
    return stack_years({year: social_index(indicators, meta, population, year, method=method,
                                           options=options) for year in years})
