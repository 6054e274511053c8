"""The classified view of one indicator in one year: values, classes, colours, ranks and texts.

Both the Plotly map on screen and the folium map of the HTML export are drawn
from :func:`map_view`, so they always show the same classes in the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodash.analysis.classify import Classes, classify
from geodash.analysis.indicators import rank_areas
from geodash.catalog import IndicatorSpec
from geodash.dataset import Dataset
from geodash.web.i18n import fmt_number, translate
from geodash.web.state import ViewState

SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "std_mean")
K_MIN, K_MAX = 3, 7
MISSING_COLOR = "#cfcfcf"

# ColorBrewer sequential palettes, light to dark; both stay readable for the
# common forms of colour blindness and in greyscale print. YlOrRd ends in dark
# red, the warning end; PuBu is for neutral indicators, where dark means
# "more" without meaning "worse".
YLORRD = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026",
        "#800026"),
}
PUBU = {
    3: ("#ece7f2", "#a6bddb", "#2b8cbe"),
    4: ("#f1eef6", "#bdc9e1", "#74a9cf", "#0570b0"),
    5: ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"),
    6: ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"),
    7: ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b"),
    8: ("#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b"),
    9: ("#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d",
        "#023858"),
}
PALETTES = {"need": YLORRD, "resource": YLORRD, "neutral": PUBU}

TEXT = {
    "de": {
        "no_data": "keine Daten",
        "rank": "Rang {rank} von {n}",
        "rank_neutral": "Rang {rank} von {n} (höchster Wert = 1)",
        "no_rank": "kein Rang",
        "no_indicator": "Dieser Datenbestand enthält keine Indikatoren.",
        "no_values": "Für „{label}“ gibt es keine Werte.",
        "no_values_year": "Für „{label}“ gibt es {year} keine Werte; vorhanden sind: {years}.",
        "up_to": "bis {upper}",
        "range": "{lower} – {upper}",
    },
    "en": {
        "no_data": "no data",
        "rank": "Rank {rank} of {n}",
        "rank_neutral": "Rank {rank} of {n} (highest value = 1)",
        "no_rank": "no rank",
        "no_indicator": "This dataset has no indicators.",
        "no_values": "“{label}” has no values.",
        "no_values_year": "“{label}” has no values for {year}; available: {years}.",
        "up_to": "up to {upper}",
        "range": "{lower} – {upper}",
    },
}


def class_colors(polarity: str, n: int) -> tuple[str, ...]:
    """Colours of ``n`` classes, ordered like the classes (class 0 holds the lowest values).

    The darkest colour marks the most need: the highest class for ``need``
    (and, as "most", for ``neutral``), the lowest class for ``resource``.

    Examples
    --------
    >>> class_colors("need", 3)[-1], class_colors("resource", 3)[0]
    ('#f03b20', '#f03b20')
    """
    if polarity not in PALETTES:
        raise ValueError(f"`polarity` was {polarity!r} but is expected to be in {sorted(PALETTES)}")
    palette = PALETTES[polarity]
    if n <= 0:
        return ()
    if n < 3:
        # Too few distinct values for a ColorBrewer set: take its ends.
        colors = (palette[3][-1],) if n == 1 else (palette[3][0], palette[3][-1])
    else:
        colors = palette[min(n, 9)]
    return tuple(reversed(colors)) if polarity == "resource" else colors


def resolve_state(dataset: Dataset, state: ViewState) -> ViewState:
    """The view with a valid indicator, year, scheme and number of classes.

    An unknown indicator falls back to the workspace default; a missing year
    becomes the indicator's latest. A year given but without values is kept:
    the map then says so instead of silently showing another year.
    """
    indicator = state.indicator if state.indicator in dataset.indicator_meta else None
    indicator = indicator or dataset.default_indicator
    years = dataset.indicator_years(indicator) if indicator else []
    year = state.year if state.year is not None else (years[-1] if years else None)
    scheme = state.scheme if state.scheme in SCHEMES else SCHEMES[0]
    k = min(max(state.k, K_MIN), K_MAX)
    return state.with_(indicator=indicator, year=year, scheme=scheme, k=k)


@dataclass(frozen=True)
class MapView:
    """One indicator in one year, classified, for every area in ``dataset.areas`` order."""

    state: ViewState
    spec: IndicatorSpec | None
    years: tuple[int, ...]
    keys: tuple[str, ...]
    names: tuple[str, ...]
    values: pd.Series
    classes: Classes | None
    colors: tuple[str, ...]
    ranks: pd.Series
    message: str | None

    @property
    def lang(self) -> str:
        """The language of every text in the view."""
        return self.state.lang

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


def indicator_values(dataset: Dataset, indicator: str | None, year: int | None) -> pd.Series:
    """The values of one indicator and year per area key, in ``dataset.areas`` order (NaN if none)."""
    keys = dataset.areas["key"]
    table = dataset.indicators
    part = table[(table["indicator"] == indicator) & (table["year"] == year)]
    values = part.set_index("area_key")["value"].astype(float)
    return values.reindex(keys.to_numpy()).rename_axis("area_key")


def map_view(dataset: Dataset, state: ViewState) -> MapView:
    """Classify the indicator and year of a view into coloured classes.

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
    """
    state = resolve_state(dataset, state)
    lang = state.lang
    keys = tuple(str(k) for k in dataset.areas["key"])
    names = tuple(str(n) for n in dataset.areas["name"])
    spec = dataset.indicator_meta.get(state.indicator) if state.indicator else None
    values = indicator_values(dataset, state.indicator, state.year)
    years = tuple(dataset.indicator_years(state.indicator)) if spec else ()
    message = None
    if spec is None:
        message = translate(TEXT, "no_indicator", lang)
    elif not years:
        message = translate(TEXT, "no_values", lang, label=spec.label.get(lang))
    elif values.isna().all():
        message = translate(TEXT, "no_values_year", lang, label=spec.label.get(lang),
                            year=state.year, years=", ".join(map(str, years)))
    classes = None if message else classify(values, state.scheme, state.k)
    colors = class_colors(spec.polarity, classes.k) if classes else ()
    ranks = (rank_areas(values, spec.polarity) if spec
             else pd.Series(pd.NA, index=values.index, dtype="Int64"))
    return MapView(state, spec, years, keys, names, values, classes, colors, ranks, message)


def value_text(view: MapView, value: float) -> str:
    """A value with its unit, formatted for the view's language; "keine Daten" if missing."""
    if view.spec is None or pd.isna(value):
        return translate(TEXT, "no_data", view.lang)
    return fmt_number(value, view.lang, view.spec.decimals, view.spec.unit)


def hover_rows(view: MapView) -> list[list[str]]:
    """Per area: name, value with unit, rank ("Rang 3 von 17"), for hover texts and popups."""
    n = int(view.values.notna().sum())
    key = "rank_neutral" if view.spec is not None and view.spec.polarity == "neutral" else "rank"
    rows = []
    for name, value, rank in zip(view.names, view.values.to_numpy(), view.ranks.to_numpy(),
                                 strict=True):
        rank_text = (translate(TEXT, "no_rank", view.lang) if pd.isna(rank)
                     else translate(TEXT, key, view.lang, rank=int(rank), n=n))
        rows.append([name, value_text(view, value), rank_text])
    return rows


@dataclass(frozen=True)
class LegendItem:
    """One row of the map legend: a colour, the class bounds as text and how many areas it holds."""

    color: str
    label: str
    count: int
    missing: bool = False


def legend_rows(view: MapView) -> list[LegendItem]:
    """The legend of a view: one row per class, lowest values first, then "keine Daten" if any."""
    items: list[LegendItem] = []
    classes = view.classes
    if classes is not None and view.spec is not None:
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
            items.append(LegendItem(view.colors[i], label, int(count)))
            lower = upper
    missing = int(view.values.isna().sum())
    if missing:
        items.append(LegendItem(MISSING_COLOR, translate(TEXT, "no_data", view.lang), missing,
                                missing=True))
    return items
