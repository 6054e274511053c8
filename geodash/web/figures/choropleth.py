"""The classified view of one indicator in one year: values, classes, colours, ranks and texts.

Both the Leaflet map on screen and the standalone map of the HTML export are drawn
from :func:`map_view`, so they always show the same classes in the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geodash.analysis.classify import Classes, classify
from geodash.analysis.indicators import is_ranked, rank_areas
from geodash.analysis.measures import NAMED_CLASSES, Measure, class_ranges, named_classes
from geodash.catalog import IndicatorSpec
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.palettes import MISSING_COLOR, NAMED_COLORS, class_colors
from geodash.web.i18n import fmt_number, translate
from geodash.web.state import ViewState

SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "std_mean")
# The MSS classes of an index (status: hoch … sehr niedrig; dynamics: positiv … negativ),
# with the workspace's thresholds: offered instead of class breaks for the index measures.
NAMED_SCHEME = "mss"
K_MIN, K_MAX = 3, 7

TEXT = {
    "de": {
        "no_data": "keine Daten",
        "suppressed": "vertraulich",
        "with_class": "{value} ({name})",
        "status": "Status {name}",
        "dynamics": "Dynamik {name}",
        "below": "{name}: unter {upper}",
        "between": "{name}: {lower} bis {upper}",
        "above_to": "{name}: über {lower} bis {upper}",
        "above": "{name}: über {lower}",
        "rank": "Rang {rank} von {n}",
        "no_rank": "kein Rang",
        # A neutral indicator (age shares) ranks nobody: more is not "more need".
        "no_rank_neutral": "kein Rang (neutraler Indikator)",
        "no_indicator": "Dieser Datenbestand enthält keine Indikatoren.",
        "no_values": "Für „{label}“ gibt es keine Werte.",
        "no_values_year": "Für „{label}“ gibt es {year} keine Werte; vorhanden sind: {years}.",
        "up_to": "bis {upper}",
        "range": "{lower} – {upper}",
    },
    "en": {
        "no_data": "no data",
        "suppressed": "confidential",
        "with_class": "{value} ({name})",
        "status": "status {name}",
        "dynamics": "dynamics {name}",
        "below": "{name}: below {upper}",
        "between": "{name}: {lower} to {upper}",
        "above_to": "{name}: above {lower} to {upper}",
        "above": "{name}: above {lower}",
        "rank": "Rank {rank} of {n}",
        "no_rank": "no rank",
        "no_rank_neutral": "no rank (neutral indicator)",
        "no_indicator": "This dataset has no indicators.",
        "no_values": "“{label}” has no values.",
        "no_values_year": "“{label}” has no values for {year}; available: {years}.",
        "up_to": "up to {upper}",
        "range": "{lower} – {upper}",
    },
}


def view_years(dataset: Dataset, indicator: str | None) -> tuple[int, ...]:
    """The years with values of an indicator or a yearly measure; ``()`` for the others."""
    measure = derived.measure_of(dataset, indicator)
    if measure is not None:
        return derived.measure_years(dataset, measure)
    return tuple(dataset.indicator_years(indicator)) if indicator else ()


def has_named_classes(dataset: Dataset, indicator: str | None) -> bool:
    """Whether the indicator is a measure with MSS classes (the ``mss`` scheme applies)."""
    measure = derived.measure_of(dataset, indicator)
    return measure is not None and measure.classes is not None


def resolve_state(dataset: Dataset, state: ViewState) -> ViewState:
    """The view with a valid indicator, year, scheme and number of classes.

    An unknown indicator falls back to the workspace default; a missing year
    becomes the indicator's latest. A year given but without values is kept:
    the map then says so instead of silently showing another year. A measure
    that does not change with the year keeps the view's year as it is, for
    the next indicator. The ``mss`` scheme needs a measure with named classes.
    """
    known = state.indicator in dataset.indicator_meta or derived.measure_of(
        dataset, state.indicator) is not None
    indicator = (state.indicator if known else None) or dataset.default_indicator or next(
        iter(derived.measures(dataset)), None)
    measure = derived.measure_of(dataset, indicator)
    year = state.year
    if year is None and (measure is None or measure.yearly):
        years = view_years(dataset, indicator)
        year = years[-1] if years else None
    named = state.scheme == NAMED_SCHEME and has_named_classes(dataset, indicator)
    scheme = state.scheme if state.scheme in SCHEMES or named else SCHEMES[0]
    k = min(max(state.k, K_MIN), K_MAX)
    return state.with_(indicator=indicator, year=year, scheme=scheme, k=k)


@dataclass(frozen=True)
class MapView:
    """One indicator (or derived measure) in one year, classified, for every area in ``dataset.areas`` order.

    ``spec`` is the indicator's spec or the :class:`~geodash.analysis.measures.Measure`
    (both have label, unit, polarity, decimals and source). With the ``mss``
    scheme, ``class_names`` name the classes (in the view's language),
    ``class_ranges`` give their index bounds and ``area_classes`` the class
    name of each area; ``suppressed`` marks values withheld for confidentiality.
    """

    state: ViewState
    spec: IndicatorSpec | Measure | None
    years: tuple[int, ...]
    keys: tuple[str, ...]
    names: tuple[str, ...]
    values: pd.Series
    classes: Classes | None
    colors: tuple[str, ...]
    ranks: pd.Series
    message: str | None
    suppressed: tuple[bool, ...] = ()
    class_names: tuple[str, ...] = ()
    class_ranges: tuple[tuple[float, float], ...] = ()
    area_classes: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        """The language of every text in the view."""
        return self.state.lang

    @property
    def yearly(self) -> bool:
        """Whether the values belong to the view's year (a measure of the current sites does not)."""
        return getattr(self.spec, "yearly", True)

    @property
    def class_index(self) -> list[int]:
        """Class per area, ``-1`` where the value is missing."""
        if self.classes is None:
            return [-1] * len(self.keys)
        return [int(c) for c in self.classes.classes.to_numpy()]

    @property
    def area_colors(self) -> list[str]:
        """Fill colour per area (grey where the value is missing)."""
        return [self.colors[c] if c >= 0 else MISSING_COLOR for c in self.class_index]


def _indicator_part(dataset: Dataset, indicator: str | None, year: int | None) -> pd.DataFrame:
    table = dataset.indicators
    part = table[(table["indicator"] == indicator) & (table["year"] == year)]
    return part.set_index("area_key").reindex(dataset.areas["key"].to_numpy())


def _suppressed(part: pd.DataFrame) -> tuple[bool, ...]:
    """Tell per area of :func:`_indicator_part` whether its value is withheld (too few cases)."""
    if "suppressed" not in part.columns:
        return (False,) * len(part)
    return tuple(part["suppressed"].astype("boolean").fillna(False).astype(bool).tolist())


def _message(spec, years: tuple[int, ...], values: pd.Series, state: ViewState) -> str | None:
    lang = state.lang
    if spec is None:
        return translate(TEXT, "no_indicator", lang)
    label = spec.label.get(lang)
    if not getattr(spec, "yearly", True):
        return translate(TEXT, "no_values", lang, label=label) if values.isna().all() else None
    if not years:
        return translate(TEXT, "no_values", lang, label=label)
    if values.isna().all():
        return translate(TEXT, "no_values_year", lang, label=label, year=state.year,
                         years=", ".join(map(str, years)))
    return None


def map_view(dataset: Dataset, state: ViewState) -> MapView:
    """Classify the indicator (or derived measure) and year of a view into coloured classes.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view; it is resolved first (see :func:`resolve_state`).

    Returns
    -------
    MapView
        With ``classes`` None and a ``message`` when there is nothing to classify.
        Suppressed and missing values stay out of the classes.
    """
    state = resolve_state(dataset, state)
    keys = tuple(str(k) for k in dataset.areas["key"])
    names = tuple(str(n) for n in dataset.area_labels.reindex(dataset.areas["key"]))
    measure = derived.measure_of(dataset, state.indicator)
    if measure is not None:
        spec: IndicatorSpec | Measure | None = measure
        values = derived.measure_series(dataset, measure, state.year)
        suppressed = (False,) * len(keys)
    else:
        spec = dataset.indicator_meta.get(state.indicator) if state.indicator else None
        part = _indicator_part(dataset, state.indicator, state.year)
        values = part["value"].astype(float).rename_axis("area_key")
        suppressed = _suppressed(part)
    years = view_years(dataset, state.indicator) if spec else ()
    message = _message(spec, years, values, state)
    ranks = (rank_areas(values, spec.polarity) if spec
             else pd.Series(pd.NA, index=values.index, dtype="Int64"))
    view = MapView(state, spec, years, keys, names, values, None, (), ranks, message, suppressed)
    if message:
        return view
    if state.scheme == NAMED_SCHEME and measure is not None and measure.classes:
        return _named_view(dataset, view, measure)
    classes = classify(values, state.scheme, state.k)
    return replace(view, classes=classes, colors=class_colors(spec.polarity, classes.k))


def _named_view(dataset: Dataset, view: MapView, measure: Measure) -> MapView:
    """The view classed by the MSS classes of an index, with the workspace's thresholds."""
    frame = derived.analysis(dataset, view.state.year).reindex(list(view.keys))
    bounds = derived.thresholds(dataset, measure)
    classes = named_classes(frame, measure, bounds)
    labels = NAMED_CLASSES[measure.classes].labels
    lang = view.lang
    per_area = frame[NAMED_CLASSES[measure.classes].column]

    def name(label: object) -> str:
        # The hover says "Status niedrig", not "niedrig": a high index is a low status.
        return translate(TEXT, measure.classes, lang, name=derived.class_name(label, lang)) \
            if isinstance(label, str) else ""

    return replace(
        view, classes=classes, colors=NAMED_COLORS[measure.classes],
        class_names=tuple(derived.class_name(label, lang) for label in labels),
        class_ranges=tuple(class_ranges(bounds)),
        area_classes=tuple(name(c) for c in per_area.to_numpy()),
    )


def value_text(view: MapView, value: float, suppressed: bool = False, class_name: str = "") -> str:
    """A value with its unit, formatted for the view's language.

    "vertraulich" where the value is withheld, "keine Daten" where it is
    missing; the class name in brackets where the view has named classes.
    """
    if suppressed:
        return translate(TEXT, "suppressed", view.lang)
    if view.spec is None or pd.isna(value):
        return translate(TEXT, "no_data", view.lang)
    text = fmt_number(value, view.lang, view.spec.decimals, view.spec.unit)
    return translate(TEXT, "with_class", view.lang, value=text, name=class_name) if class_name \
        else text


def hover_rows(view: MapView) -> list[list[str]]:
    """Per area: name, value with unit, rank ("Rang 3 von 17"), for hover texts and popups.

    Plain text: a figure or a file escapes it for its own markup. Built column-wise:
    each distinct value is formatted once (:func:`value_text`), each text template
    filled by string concatenation over all areas; no loop over areas.
    """
    count = len(view.keys)
    if not count:
        return []
    lang = view.lang
    n = int(view.values.notna().sum())
    values = pd.Series(view.values.to_numpy(dtype=float, na_value=np.nan))
    distinct = pd.unique(values.dropna())
    texts = dict(zip(distinct, (value_text(view, v) for v in distinct), strict=True))
    shown = values.astype(object).map(texts).where(values.notna(), translate(TEXT, "no_data", lang))
    shown = shown.astype(str)
    if view.area_classes:
        classes = pd.Series(view.area_classes, dtype=object).fillna("").astype(str)
        before, middle, after = _template_parts(translate(TEXT, "with_class", lang, value="\x00",
                                                         name="\x01"))
        shown = shown.where((classes == "") | values.isna() | (view.spec is None),
                            before + shown + middle + classes + after)
    if view.suppressed:
        shown = shown.mask(np.asarray(view.suppressed, dtype=bool), translate(TEXT, "suppressed", lang))
    before, middle, after = _template_parts(translate(TEXT, "rank", lang, rank="\x00", n="\x01"))
    ranks = pd.Series(view.ranks.to_numpy(dtype=float, na_value=np.nan))
    rank_text = (before + ranks.fillna(0).astype(np.int64).astype(str) + middle + str(n) + after)
    rank_text = rank_text.where(ranks.notna(), translate(TEXT, no_rank_key(view.spec), lang))
    return np.column_stack([np.asarray(view.names, dtype=object), shown.to_numpy(dtype=object),
                            rank_text.to_numpy(dtype=object)]).tolist()


def no_rank_key(spec) -> str:
    """The text key for an area without a rank: a neutral indicator says why nobody is ranked."""
    polarity = getattr(spec, "polarity", "need") if spec is not None else "need"
    return "no_rank" if is_ranked(polarity) else "no_rank_neutral"


def _template_parts(filled: str) -> tuple[str, str, str]:
    r"""A text with two slots marked ``\x00`` and ``\x01`` as (before, between, after).

    Examples
    --------
    >>> _template_parts("Rang \x00 von \x01")
    ('Rang ', ' von ', '')
    """
    before, rest = filled.split("\x00")
    middle, after = rest.split("\x01")
    return before, middle, after


@dataclass(frozen=True)
class LegendItem:
    """One row of the map legend: a colour, the class bounds as text, how many areas and which.

    ``code`` is the class (0 = lowest values; ``-1`` no data, ``-2`` withheld, as in
    :func:`class_members`); ``areas`` are the display names of its areas, alphabetical.
    """

    color: str
    label: str
    count: int
    missing: bool = False
    areas: tuple[str, ...] = ()
    code: int = 0


def _named_label(view: MapView, i: int) -> str:
    lower, upper = view.class_ranges[i]
    lang, name = view.lang, view.class_names[i]
    # Thresholds read with one decimal, as the MSS states them (−1,0; 1,0; 1,5).
    lo, hi = fmt_number(lower, lang, 1), fmt_number(upper, lang, 1)
    if lower == float("-inf"):
        return translate(TEXT, "below", lang, name=name, upper=hi)
    if upper == float("inf"):
        return translate(TEXT, "above", lang, name=name, lower=lo)
    return translate(TEXT, "between" if i == 1 else "above_to", lang, name=name, lower=lo,
                     upper=hi)


def class_members(view: MapView) -> dict[int, tuple[str, ...]]:
    """The names of the areas in each class (alphabetical); ``-1`` holds missing values, ``-2`` withheld ones.

    One grouping over all areas; a class without areas is absent.
    """
    if not view.keys:
        return {}
    member = np.asarray(view.class_index, dtype=np.int64)
    if view.suppressed:
        member = np.where(np.asarray(view.suppressed, dtype=bool), -2, member)
    frame = pd.DataFrame({"name": np.asarray(view.names, dtype=object), "member": member})
    frame["order"] = frame["name"].str.casefold()
    frame = frame.sort_values(["order", "name"], kind="stable")
    return {int(c): tuple(names) for c, names in frame.groupby("member", sort=False)["name"]}


def legend_rows(view: MapView) -> list[LegendItem]:
    """The legend of a view: one row per class, lowest values first, then the missing ones.

    Named classes (``mss``) list every class with its name and bounds, also an
    empty one; missing and confidential values get a row each. Every row names
    its areas (:func:`class_members`).
    """
    members = class_members(view)
    return [replace(item, areas=members.get(item.code, ())) for item in _legend_rows(view)]


def _legend_rows(view: MapView) -> list[LegendItem]:
    items: list[LegendItem] = []
    classes = view.classes
    if classes is not None and view.spec is not None and view.class_names:
        items = [LegendItem(view.colors[i], _named_label(view, i), int(count), code=i)
                 for i, count in enumerate(classes.counts)]
    elif classes is not None and view.spec is not None:
        decimals, lang = view.spec.decimals, view.lang
        lower = classes.lower
        for i, (upper, count) in enumerate(zip(classes.breaks, classes.counts, strict=True)):
            hi, lo = fmt_number(upper, lang, decimals), fmt_number(lower, lang, decimals)
            if lower > upper:
                # Standard-deviation breaks can lie below the smallest value.
                label = translate(TEXT, "up_to", lang, upper=hi)
            elif lo == hi:
                label = hi  # a class of one value (few distinct values)
            else:
                label = translate(TEXT, "range", lang, lower=lo, upper=hi)
            items.append(LegendItem(view.colors[i], label, int(count), code=i))
            lower = upper
    withheld = sum(view.suppressed)
    missing = int(view.values.isna().sum()) - withheld
    if missing:
        items.append(LegendItem(MISSING_COLOR, translate(TEXT, "no_data", view.lang), missing,
                                missing=True, code=-1))
    if withheld:
        items.append(LegendItem(MISSING_COLOR, translate(TEXT, "suppressed", view.lang),
                                withheld, missing=True, code=-2))
    return items
