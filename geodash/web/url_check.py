"""What a URL asks for against what the data has: the valid view, and a note naming every change.

A link may name an indicator that does not exist (``ind=xyz``), a
classification that does not apply (``klass=mss`` for a plain indicator), a
year without values (``jahr=1990``), area keys the city does not have
(``gebiete=01,99``) or a map section that cannot be read (``zoom=``,
``mitte=``). Every page sees the view through :func:`check_view` (the router
calls it before it builds a page), so the controls, the legend and the map all
show the value actually used, and :func:`build_notes` tells the user what was
replaced by what, instead of replacing it silently.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from dash import html

from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.choropleth import NAMED_SCHEME, SCHEMES, has_named_classes, view_years
from geodash.web.i18n import area_texts, translate
from geodash.web.state import ViewState

# Query names of the map section (kept in ViewState.extra: only the map reads them).
ZOOM = "zoom"
CENTER = "mitte"
ZOOM_MIN, ZOOM_MAX = 0.0, 20.0
NOTES = "url-hinweis"  # the element that shows the notes
MAP_PAGE = "karte"  # the page key of the map (ViewState.page)

TEXT = {
    "de": {
        "indicator": "Indikator „{given}“ nicht vorhanden – gezeigt wird „{used}“.",
        "scheme": "Klasseneinteilung „{given}“ nicht möglich – gezeigt wird „{used}“.",
        "year": "Jahr {given} nicht vorhanden – gezeigt wird {used}.",
        "areas": "{Units} mit dem Schlüssel {keys} nicht vorhanden – sie werden weggelassen.",
        "viewport": "Kartenausschnitt „{given}“ nicht lesbar – gezeigt wird die ganze Stadt. "
                    "Erwartet: zoom=12.5&mitte=49.48,8.44 (Breite, Länge).",
        "quantiles": "Quantile",
        "equal_interval": "Gleiche Abstände",
        "natural_breaks": "Natürliche Brüche (Jenks)",
        "std_mean": "Standardabweichung",
        "mss": "MSS-Klassen",
    },
    "en": {
        "indicator": "Indicator “{given}” not available – showing “{used}”.",
        "scheme": "Classification “{given}” not possible – showing “{used}”.",
        "year": "Year {given} not available – showing {used}.",
        "areas": "No {units} with the key {keys} – they are left out.",
        "viewport": "Map section “{given}” cannot be read – showing the whole city. "
                    "Expected: zoom=12.5&mitte=49.48,8.44 (latitude, longitude).",
        "quantiles": "Quantiles",
        "equal_interval": "Equal intervals",
        "natural_breaks": "Natural breaks (Jenks)",
        "std_mean": "Standard deviation",
        "mss": "MSS classes",
    },
}


@dataclass(frozen=True)
class CheckedView:
    """A view whose every value the data can show, and one note per value that was replaced."""

    state: ViewState
    notes: tuple[str, ...] = ()
    # The query values the notes are about, as the URL gave them: the note goes once they change.
    asked: tuple[tuple[str, str], ...] = ()


def nearest_year(year: int, years: list[int] | tuple[int, ...]) -> int | None:
    """The year in ``years`` nearest to ``year``; the later one on a tie; None without years.

    Examples
    --------
    >>> nearest_year(1990, [2019, 2021, 2023]), nearest_year(2020, [2019, 2021])
    (2019, 2021)
    >>> nearest_year(2030, [2019, 2023]), nearest_year(2020, [])
    (2023, None)
    """
    if not years:
        return None
    return min(sorted(years, reverse=True), key=lambda y: abs(y - year))


def map_viewport(state: ViewState) -> tuple[list[float], float] | None:
    """Centre ``[lat, lon]`` and zoom of the map from ``mitte=`` and ``zoom=``; None if absent or unreadable.

    Examples
    --------
    >>> map_viewport(ViewState(extra={"zoom": "12.5", "mitte": "49.48,8.44"}))
    ([49.48, 8.44], 12.5)
    >>> map_viewport(ViewState(extra={"zoom": "12.5"})) is None
    True
    """
    zoom, center = state.extra.get(ZOOM), state.extra.get(CENTER)
    if zoom is None or center is None:
        return None
    try:
        z = float(zoom)
        lat, lon = (float(part) for part in center.split(","))
    except ValueError:
        return None
    finite = all(math.isfinite(v) for v in (z, lat, lon))
    if not finite or not ZOOM_MIN <= z <= ZOOM_MAX or abs(lat) > 90 or abs(lon) > 180:
        return None
    return [lat, lon], z


def viewport_params(center: list[float], zoom: float) -> dict[str, str]:
    """The query values of a map section, rounded to what a screen can tell apart (about 1 m).

    Examples
    --------
    >>> viewport_params([49.4812345678, 8.4398765], 12.25)
    {'zoom': '12.25', 'mitte': '49.48123,8.43988'}
    """
    return {ZOOM: f"{zoom:g}", CENTER: f"{center[0]:.5f},{center[1]:.5f}"}


def _indicator_label(dataset: Dataset, indicator: str | None, lang: str) -> str:
    spec = dataset.indicator_meta.get(indicator) or derived.measure_of(dataset, indicator)
    return spec.label.get(lang) if spec is not None else str(indicator)


def _known_indicator(dataset: Dataset, indicator: str | None) -> bool:
    return indicator in dataset.indicator_meta or derived.measure_of(dataset, indicator) is not None


def _default_indicator(dataset: Dataset) -> str | None:
    return dataset.default_indicator or next(iter(derived.measures(dataset)), None)


def check_view(dataset: Dataset, state: ViewState) -> CheckedView:
    """The view with unknown or unavailable URL values replaced by the nearest valid ones.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view as parsed from the URL (:meth:`ViewState.from_query`).

    Returns
    -------
    CheckedView
        ``state`` with: an unknown indicator replaced by the workspace's
        default; a classification the indicator cannot use replaced by
        quantiles; a year without values replaced by the nearest year with
        values (the later one on a tie): on the map, values of its indicator,
        on the other pages, values of any indicator; unknown area keys left out; an
        unreadable map section left out. One note (in the view's language)
        per replacement. Values the URL does not name are left alone.
    """
    lang = state.lang
    texts = area_texts(TEXT, dataset)
    notes: list[str] = []
    changes: dict = {}
    asked: list[tuple[str, str]] = []

    indicator = state.indicator
    if indicator is not None and not _known_indicator(dataset, indicator):
        indicator = _default_indicator(dataset)
        changes["indicator"] = indicator
        notes.append(translate(texts, "indicator", lang, given=state.indicator,
                               used=_indicator_label(dataset, indicator, lang)))
        asked.append(("ind", str(state.indicator)))
    shown_indicator = indicator if indicator is not None else _default_indicator(dataset)

    valid_schemes = (*SCHEMES, NAMED_SCHEME) if has_named_classes(dataset, shown_indicator) \
        else SCHEMES
    if state.scheme not in valid_schemes:
        changes["scheme"] = SCHEMES[0]
        given = translate(texts, state.scheme, lang) if state.scheme in TEXT["de"] else state.scheme
        notes.append(translate(texts, "scheme", lang, given=given,
                               used=translate(texts, SCHEMES[0], lang)))
        asked.append(("klass", state.scheme))

    if state.year is not None:
        measure = derived.measure_of(dataset, shown_indicator)
        if measure is None or measure.yearly:
            # The map shows one indicator: its years. The other pages show many: any year
            # with values (the indicator in their URL is the one the map showed last).
            years = (list(view_years(dataset, shown_indicator)) if state.page == MAP_PAGE
                     else []) or list(dataset.years)
            used = nearest_year(state.year, years)
            if used is not None and used != state.year:
                changes["year"] = used
                notes.append(translate(texts, "year", lang, given=state.year, used=used))
                asked.append(("jahr", str(state.year)))

    if state.areas:
        known = set(dataset.areas["key"].astype(str))
        unknown = [key for key in state.areas if key not in known]
        if unknown:
            changes["areas"] = tuple(key for key in state.areas if key in known)
            notes.append(translate(texts, "areas", lang, keys=", ".join(unknown)))
            asked.append(("gebiete", ",".join(state.areas)))

    section = {k: state.extra[k] for k in (ZOOM, CENTER) if k in state.extra}
    if section and map_viewport(state) is None:
        changes["extra"] = {k: v for k, v in state.extra.items() if k not in section}
        given = "&".join(f"{k}={v}" for k, v in section.items())
        notes.append(translate(texts, "viewport", lang, given=given))
        asked += [(name, value) for name, value in section.items()]

    return CheckedView(state.with_(**changes) if changes else state, tuple(notes), tuple(asked))


def build_notes(checked: CheckedView) -> html.Div | None:
    """The visible note above a page: what the URL asked for and what is shown instead.

    It carries the values it is about (``data-asked``): once the user picks
    another value, the browser hides the note (``assets/gd-names.js``).
    """
    if not checked.notes:
        return None
    return html.Div(id=NOTES, className="alert alert-warning gd-url-notes", role="status",
                    **{"data-asked": json.dumps(dict(checked.asked), ensure_ascii=False)},
                    children=[html.P(note, className="gd-url-note") for note in checked.notes])

