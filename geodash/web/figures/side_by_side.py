"""Two maps side by side: two years of one indicator, two indicators, or a year and the change since.

The view lives in the URL: ``modus`` (``jahre``, ``indikatoren``, ``differenz``),
``ind`` and ``jahr`` (the left map, as on the map page), ``ind2`` (the right
map's indicator) and ``basis`` (year A, the base year of the comparison of
years and of the difference). Values an URL names that the data does not
have are replaced by the nearest valid one, and a note says so.

Each map is a :class:`~geodash.web.figures.choropleth.MapView`, sent to the
browser as the same switch payload as the map page's (about one number per
area); both maps draw the one geometry download.

- ``jahre``: left year A, right year B (``jahr``), both classed with the same
  breaks (computed over both years), so that one colour means one value range.
- ``indikatoren``: left ``ind``, right ``ind2``, both in year ``jahr``.
- ``differenz``: left year B, right the change B − A on a diverging scale
  (:mod:`geodash.analysis.difference`), in percentage points for shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from geodash.analysis.classify import classify
from geodash.analysis.difference import difference, diverging_classes
from geodash.analysis.indicators import rank_areas
from geodash.catalog import Text
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.choropleth import MapView, map_view, resolve_state, view_years
from geodash.web.figures.palettes import PUOR, RDBU, class_colors
from geodash.web.i18n import translate
from geodash.web.state import ViewState

MODES = ("jahre", "indikatoren", "differenz")
DEFAULT_MODE = "jahre"
# The parameters of this page beside ViewState's own (ind, jahr, klass, k, lang).
MODE_PARAM, RIGHT_PARAM, BASE_PARAM = "modus", "ind2", "basis"

# The scheme of the change map for the view's scheme: equal widths on request, else steps
# that hold about as many areas each (see geodash.analysis.difference.SYMMETRIC_SCHEMES).
DIFFERENCE_SCHEMES = {"equal_interval": "equal_interval"}
DEFAULT_DIFFERENCE_SCHEME = "quantiles"

# The unit of a difference: a share's change is in percentage points, other units stay.
POINTS = {"de": "Prozentpunkte", "en": "percentage points"}

TEXT = {
    "de": {
        "jahre": "Zwei Jahre",
        "indikatoren": "Zwei Indikatoren",
        "differenz": "Veränderung (Jahr B − Jahr A)",
        "change_label": "Veränderung {label} {start} → {end}",
        "unknown_mode": "Die Ansicht „{value}“ gibt es nicht; gezeigt wird „{shown}“ "
                        "(möglich: {allowed}).",
        "unknown_indicator": "Den Indikator „{value}“ gibt es nicht; gezeigt wird „{shown}“.",
        "unknown_year": "Für „{label}“ gibt es {value} keine Werte; gezeigt wird das "
                        "nächstgelegene Jahr {shown} (vorhanden: {years}).",
        "one_year": "Für „{label}“ gibt es nur ein Jahr ({year}); zwei Jahre lassen sich "
                    "nicht vergleichen. Wählen Sie einen anderen Indikator.",
        "odd_classes": "Die Veränderung wird in {k} Klassen gezeigt (eine ungerade Zahl), damit "
                       "„keine Veränderung“ eine eigene, helle Mittelklasse hat.",
    },
    "en": {
        "jahre": "Two years",
        "indikatoren": "Two indicators",
        "differenz": "Change (year B − year A)",
        "change_label": "Change in {label} {start} → {end}",
        "unknown_mode": "There is no view “{value}”; showing “{shown}” (possible: {allowed}).",
        "unknown_indicator": "There is no indicator “{value}”; showing “{shown}”.",
        "unknown_year": "“{label}” has no values for {value}; showing the nearest year {shown} "
                        "(available: {years}).",
        "one_year": "“{label}” has only one year ({year}); two years cannot be compared. "
                    "Choose another indicator.",
        "odd_classes": "The change is shown in {k} classes (an odd number), so that "
                       "“no change” has a light middle class of its own.",
    },
}


@dataclass(frozen=True)
class DifferenceSpec:
    """What the map payload and legend need to know of a difference (label, unit, polarity …)."""

    label: Text
    unit: str
    polarity: str
    decimals: int
    source: str = ""
    description: Text | None = None
    yearly: bool = True
    classes: str | None = None


@dataclass(frozen=True)
class SideBySide:
    """The resolved view of the page: its mode, both maps and the notes about replaced URL values.

    ``state`` carries the resolved ``ind``/``jahr``/``klass``/``k``; ``right``
    and ``base`` are the right indicator and year A (``None`` when the
    indicator has a single year).
    """

    state: ViewState
    mode: str
    right_indicator: str | None
    base: int | None
    left: MapView
    right: MapView
    notes: tuple[str, ...] = field(default=())

    def to_query(self) -> str:
        """The query string of this view (defaults left out)."""
        extra = {k: v for k, v in self.state.extra.items()
                 if k not in (MODE_PARAM, RIGHT_PARAM, BASE_PARAM)}
        if self.mode != DEFAULT_MODE:
            extra[MODE_PARAM] = self.mode
        if self.mode == "indikatoren" and self.right_indicator:
            extra[RIGHT_PARAM] = self.right_indicator
        if self.mode != "indikatoren" and self.base is not None:
            extra[BASE_PARAM] = str(self.base)
        return self.state.with_(extra=extra).to_query()


def difference_unit(unit: str, lang: str) -> str:
    """The unit of a change: percentage points for a share in %, else the indicator's own unit.

    Examples
    --------
    >>> difference_unit("%", "de"), difference_unit("je 1.000 EW", "en")
    ('Prozentpunkte', 'je 1.000 EW')
    """
    return POINTS.get(lang, POINTS["de"]) if unit.strip() == "%" else unit


def diverging_colors(polarity: str, k: int) -> tuple[str, ...]:
    """Colours of ``k`` classes from the largest fall to the largest rise (pale middle for odd ``k``).

    The red end is always "more need": a rise for ``need``, a fall for
    ``resource``; ``neutral`` changes get orange and purple, without judgement.

    Examples
    --------
    >>> diverging_colors("need", 3), diverging_colors("resource", 3)[0]
    (('#67a9cf', '#f7f7f7', '#ef8a62'), '#ef8a62')
    """
    if k < 1:
        return ()
    if k < 3:
        k3 = (PUOR if polarity == "neutral" else RDBU)[3]
        colors = (k3[1],) if k == 1 else (k3[0], k3[2])
    else:
        colors = (PUOR if polarity == "neutral" else RDBU)[min(k, 7)]
    # The palettes run red (or orange) first: a rise of need must end red.
    return colors if polarity == "resource" else tuple(reversed(colors))


def indicator_label(dataset: Dataset, indicator: str | None, lang: str) -> str:
    """The label of an indicator or derived measure (the id itself when unknown)."""
    spec = dataset.indicator_meta.get(indicator) if indicator else None
    spec = spec or derived.measure_of(dataset, indicator)
    return spec.label.get(lang) if spec is not None else str(indicator)


def _known(dataset: Dataset, indicator: str | None) -> bool:
    return bool(indicator) and (indicator in dataset.indicator_meta
                                or derived.measure_of(dataset, indicator) is not None)


def _nearest(year: int, years: tuple[int, ...]) -> int:
    return min(reversed(years), key=lambda y: abs(y - year))


def _default_right(dataset: Dataset, left: str | None) -> str | None:
    """The first other indicator of the workspace (the left one when there is no other)."""
    return next((i for i in dataset.indicator_meta if i != left), left)


def _default_base(years: tuple[int, ...], end: int | None) -> int | None:
    """Year A: the earliest year before ``end``, else the earliest other year."""
    earlier = [y for y in years if end is not None and y < end]
    others = [y for y in years if y != end]
    return (earlier or others or [None])[0]


def resolve(dataset: Dataset, state: ViewState) -> tuple[ViewState, str, str | None, int | None,
                                                         tuple[str, ...]]:
    """The page's view with valid values, and a note for each URL value that was replaced.

    Returns
    -------
    tuple
        ``(state, mode, right_indicator, base, notes)``.
    """
    lang = state.lang
    notes: list[str] = []
    asked_mode = state.extra.get(MODE_PARAM, DEFAULT_MODE)
    mode = asked_mode if asked_mode in MODES else DEFAULT_MODE
    if asked_mode != mode:
        notes.append(translate(TEXT, "unknown_mode", lang, value=asked_mode,
                               shown=translate(TEXT, mode, lang), allowed=", ".join(MODES)))
    asked_left = state.indicator
    state = resolve_state(dataset, state)
    if asked_left and not _known(dataset, asked_left):
        notes.append(translate(TEXT, "unknown_indicator", lang, value=asked_left,
                               shown=indicator_label(dataset, state.indicator, lang)))
    years = view_years(dataset, state.indicator)
    label = indicator_label(dataset, state.indicator, lang)
    if state.year is not None and years and state.year not in years:
        shown = _nearest(state.year, years)
        notes.append(translate(TEXT, "unknown_year", lang, label=label, value=state.year,
                               shown=shown, years=", ".join(map(str, years))))
        state = state.with_(year=shown)
    right = state.extra.get(RIGHT_PARAM)
    if mode == "indikatoren" and right is not None and not _known(dataset, right):
        shown_right = _default_right(dataset, state.indicator)
        notes.append(translate(TEXT, "unknown_indicator", lang, value=right,
                               shown=indicator_label(dataset, shown_right, lang)))
        right = shown_right
    right = right if _known(dataset, right) else _default_right(dataset, state.indicator)
    base = None
    if mode != "indikatoren":
        asked = state.extra.get(BASE_PARAM)
        try:
            base = int(asked) if asked is not None else None
        except ValueError:
            base = None
        candidates = tuple(y for y in years if y != state.year)
        if asked is not None and (base is None or base not in candidates) and candidates:
            shown = _nearest(base, candidates) if base is not None else _default_base(
                years, state.year)
            notes.append(translate(TEXT, "unknown_year", lang, label=label, value=asked,
                                   shown=shown, years=", ".join(map(str, candidates))))
            base = shown
        elif base is None or base not in candidates:
            base = _default_base(years, state.year)
        if base is None and years:
            notes.append(translate(TEXT, "one_year", lang, label=label, year=years[0]))
    return state, mode, right, base, tuple(notes)


def shared_classes(a: MapView, b: MapView) -> tuple[MapView, MapView]:
    """Both views classed with the same breaks, computed over the values of both.

    Views with named classes (the index's MSS classes) or without classes
    are returned as they are: their classes are already the same.
    """
    if (a.classes is None or b.classes is None or a.class_names or b.class_names
            or a.message or b.message):
        return a, b
    pooled = pd.concat([a.values, b.values], ignore_index=True)
    breaks = classify(pooled, a.state.scheme, a.state.k).breaks
    lower = float(pooled.min())
    colors = class_colors(a.spec.polarity, len(breaks))

    def apply(view: MapView) -> MapView:
        classes = replace(classify(view.values, "manual", breaks=breaks), lower=lower)
        return replace(view, classes=classes, colors=colors)

    return apply(a), apply(b)


def difference_view(dataset: Dataset, start: MapView, end: MapView) -> MapView:
    """The change ``end − start`` as a view: symmetric classes around 0, diverging colours.

    An area without a value in either year is "keine Daten"; one withheld in
    either year is withheld. The number of classes is made odd (one more when
    the view's is even), so that "no change" has a pale middle class.
    """
    state = end.state
    if end.spec is None or end.message or start.message:
        return _without_values(end, end.message or start.message or "")
    spec = end.spec
    lang = state.lang
    change = difference(start.values, end.values).reindex(end.values.index)
    withheld = tuple(a or b for a, b in zip(start.suppressed or (False,) * len(end.keys),
                                            end.suppressed or (False,) * len(end.keys),
                                            strict=True))
    k = state.k if state.k % 2 else min(state.k + 1, 7)
    decimals = int(getattr(spec, "decimals", 1) or 0)
    scheme = DIFFERENCE_SCHEMES.get(state.scheme, DEFAULT_DIFFERENCE_SCHEME)
    classes = diverging_classes(change, k, decimals, scheme)
    label = translate(TEXT, "change_label", lang, label=spec.label.get(lang),
                      start=start.state.year, end=state.year)
    diff_spec = DifferenceSpec(label=Text(de=label, en=label), unit=difference_unit(spec.unit, lang),
                               polarity=spec.polarity, decimals=decimals,
                               source=getattr(spec, "source", "") or "")
    return replace(end, spec=diff_spec, values=change, classes=replace(classes, scheme=scheme),
                   colors=diverging_colors(spec.polarity, classes.k),
                   ranks=rank_areas(change, spec.polarity), suppressed=withheld,
                   class_names=(), class_ranges=(), area_classes=())


def _without_values(view: MapView, message: str) -> MapView:
    """The view with no values and a message saying why (drawn grey, like the map page's)."""
    return replace(view, values=view.values.astype(float) * float("nan"), classes=None, colors=(),
                   message=message, suppressed=(), class_names=(), class_ranges=(),
                   area_classes=())


def side_by_side(dataset: Dataset, state: ViewState) -> SideBySide:
    """Resolve the page's view and build both maps (see the module docstring for the modes)."""
    state, mode, right_indicator, base, notes = resolve(dataset, state)
    if mode == "indikatoren":
        left = map_view(dataset, state)
        right = map_view(dataset, state.with_(indicator=right_indicator))
        return SideBySide(state, mode, right_indicator, base, left, right, notes)
    year_b = map_view(dataset, state)
    if base is not None:
        year_a = map_view(dataset, state.with_(year=base))
    else:  # a single year: nothing to compare it with
        year_a = _without_values(year_b, translate(
            TEXT, "one_year", state.lang, year=state.year,
            label=indicator_label(dataset, state.indicator, state.lang)))
    if mode == "jahre":
        left, right = shared_classes(year_a, year_b)
        return SideBySide(state, mode, right_indicator, base, left, right, notes)
    return SideBySide(state, mode, right_indicator, base, year_b,
                      difference_view(dataset, year_a, year_b), notes)
