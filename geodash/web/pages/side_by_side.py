"""Nebeneinander: two synchronised maps (two years, two indicators, or a year and its change).

The view is in the URL (see :mod:`geodash.web.figures.side_by_side`). Like the
map page, the page is built once per visit and then follows the URL in place:
a control writes the URL and sends one switch payload per map (about one
number per area), which the browser uses to recolour the areas it has drawn.
Both maps draw one download of the area geometry; pan, zoom and hover are
synchronised in the browser (``assets/gd-sync.js``), without the server.
"""

from __future__ import annotations

import json

import dash_leaflet as dl
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures.choropleth import MapView, legend_rows, view_years
from geodash.web.figures.map import center_zoom, view_payload
from geodash.web.figures.side_by_side import (
    BASE_PARAM,
    MODE_PARAM,
    MODES,
    RIGHT_PARAM,
    SideBySide,
    side_by_side,
)
from geodash.web.figures.side_by_side import TEXT as VIEW_TEXT
from geodash.web.i18n import area_texts, dropdown_labels, translate
from geodash.web.pages import profile
from geodash.web.pages.map import indicator_options
from geodash.web.state import ViewState

PATH = "/nebeneinander"
NAME = {"de": "Nebeneinander", "en": "Side by side"}
# Every parameter of the view is shown in place (see geodash.web.app.route).
LIVE_PARAMS = frozenset({"ind", "jahr", MODE_PARAM, RIGHT_PARAM, BASE_PARAM})

# Element ids (stable: browser tests and the benchmark rely on them).
PAGE_URL = "nebeneinander-url"
MODE = "nebeneinander-modus"
INDICATOR = "nebeneinander-indikator"
YEAR = "nebeneinander-jahr"
YEAR_LABEL = "nebeneinander-jahr-titel"
BASE = "nebeneinander-basis"
BASE_BOX = "nebeneinander-basis-feld"
RIGHT_INDICATOR = "nebeneinander-indikator-rechts"
RIGHT_BOX = "nebeneinander-indikator-rechts-feld"
NOTES = "nebeneinander-hinweise"
GEOMETRY = "nebeneinander-geometrie"
CLICK = "nebeneinander-klick"
SIDES = ("links", "rechts")


def graph_id(side: str) -> str:
    """The element holding one map (carries data-gd-painted / data-gd-features)."""
    return f"nebeneinander-{side}-graph"


def leaflet_id(side: str) -> str:
    """The Leaflet map of one side."""
    return f"nebeneinander-{side}-leaflet"


def areas_id(side: str) -> str:
    """The areas layer of one side (its data: the decoded geometry)."""
    return f"nebeneinander-{side}-gebiete"


def view_id(side: str) -> str:
    """The store with one map's switch payload."""
    return f"nebeneinander-{side}-ansicht"


def painted_id(side: str) -> str:
    """The output of one side's clientside paint (nothing is written to it)."""
    return f"nebeneinander-{side}-gemalt"


def legend_id(side: str) -> str:
    """One map's legend."""
    return f"nebeneinander-{side}-legende"


def message_id(side: str) -> str:
    """One map's note when it has nothing to colour."""
    return f"nebeneinander-{side}-hinweis"


TEXT = {
    "de": {
        "title": "Zwei Karten nebeneinander",
        "mode": "Vergleich",
        "indicator": "Indikator",
        "indicator_left": "Indikator links",
        "indicator_right": "Indikator rechts",
        "year": "Jahr",
        "year_b": "Jahr B",
        "base": "Jahr A (Basisjahr)",
        "sync": "Beide Karten bewegen sich gemeinsam; der Mauszeiger über einem {Unit} "
                "hebt denselben {Unit} in der anderen Karte hervor.",
        "unit": "Einheit: {symbol}",
        "count": "{n} {Units}",
        "count_one": "1 {Unit}",
        "legend": "Legende",
        "map_left": "Linke Karte",
        "map_right": "Rechte Karte",
        "shared": "Gleiche Klassen in beiden Jahren: eine Farbe bedeutet links und rechts "
                  "denselben Wertebereich.",
        "symmetric": "Klassen symmetrisch um 0 (keine Veränderung in der Mitte); "
                     "grau = keine Daten in einem der beiden Jahre.",
        "diff_quantiles": "Stufen nach dem Betrag der Veränderung: etwa gleich viele {Units} "
                          "je Stufe.",
        "diff_equal_interval": "Stufen gleicher Breite.",
        "need": "Rot = mehr Bedarf (Wert gestiegen), Blau = weniger Bedarf (Wert gesunken).",
        "resource": "Rot = mehr Bedarf (Wert gesunken), Blau = weniger Bedarf (Wert gestiegen).",
        "neutral": "Lila = gestiegen, Orange = gesunken (ohne Wertung).",
        "need_level": "Dunkler = mehr Bedarf (hohe Werte).",
        "resource_level": "Dunkler = mehr Bedarf (niedrige Werte).",
        "neutral_level": "Dunkler = höhere Werte (ohne Wertung).",
        "click": "Ein Klick in eine Karte öffnet das Profil.",
    },
    "en": {
        "title": "Two maps side by side",
        "mode": "Comparison",
        "indicator": "Indicator",
        "indicator_left": "Left indicator",
        "indicator_right": "Right indicator",
        "year": "Year",
        "year_b": "Year B",
        "base": "Year A (base year)",
        "sync": "Both maps move together; pointing at a {unit} highlights the same {unit} "
                "on the other map.",
        "unit": "Unit: {symbol}",
        "count": "{n} {units}",
        "count_one": "1 {unit}",
        "legend": "Legend",
        "map_left": "Left map",
        "map_right": "Right map",
        "shared": "The same classes in both years: a colour means the same range of values "
                  "on the left and on the right.",
        "symmetric": "Classes symmetric around 0 (no change in the middle); "
                     "grey = no data in one of the two years.",
        "diff_quantiles": "Steps by the size of the change: about as many {units} in each step.",
        "diff_equal_interval": "Steps of equal width.",
        "need": "Red = more need (value rose), blue = less need (value fell).",
        "resource": "Red = more need (value fell), blue = less need (value rose).",
        "neutral": "Purple = rose, orange = fell (no judgement).",
        "need_level": "Darker = more need (high values).",
        "resource_level": "Darker = more need (low values).",
        "neutral_level": "Darker = higher values (no judgement).",
        "click": "Click a {unit} on a map to open its profile.",
    },
}


def year_options(view: MapView) -> list[dict]:
    """The years with values of the view's indicator, latest first."""
    return [{"label": str(y), "value": y} for y in reversed(view.years)]


def build_legend(dataset: Dataset, side: SideBySide, which: str) -> list:
    """One map's legend: title with year, unit, classes with their counts, how to read it."""
    view = side.left if which == "links" else side.right
    texts = area_texts(TEXT, dataset)
    lang = view.lang
    spec = view.spec
    if spec is None:
        return []
    rows = [
        html.Li(className="gd-legend-row" + (" gd-legend-missing" if item.missing else ""),
                children=[
                    html.Span(className="gd-swatch", style={"backgroundColor": item.color}),
                    html.Span(item.label, className="gd-legend-label"),
                    html.Span(translate(texts, "count_one", lang) if item.count == 1
                              else translate(texts, "count", lang, n=item.count),
                              className="gd-legend-count"),
                ])
        for item in legend_rows(view)
    ]
    is_change = side.mode == "differenz" and which == "rechts"
    year = None if is_change or not view.yearly else view.state.year
    if is_change:
        notes = [translate(TEXT, "symmetric", lang),
                 translate(texts, f"diff_{view.classes.scheme}", lang) if view.classes else "",
                 translate(TEXT, spec.polarity, lang)]
    else:
        notes = [translate(TEXT, f"{spec.polarity}_level", lang)]
        if side.mode == "jahre" and not view.class_names:
            notes.append(translate(TEXT, "shared", lang))
    return [
        html.H2([spec.label.get(lang), html.Span(f" {year}" if year else "",
                                                 className="gd-legend-year")],
                className="gd-legend-title"),
        html.P(translate(TEXT, "unit", lang, symbol=spec.unit), className="gd-legend-unit")
        if spec.unit else None,
        html.Ul(rows, className="gd-legend-rows"),
        *[html.P(note, className="gd-legend-note") for note in notes if note],
    ]


def build_message(view: MapView) -> list:
    """A polite note in a map that has nothing to colour."""
    return [html.Div(view.message, className="alert alert-info", role="status")] \
        if view.message else []


def build_notes(side: SideBySide) -> list:
    """What was replaced in the URL, visibly (a value the data does not have)."""
    return [html.Div(note, className="alert alert-warning", role="status") for note in side.notes]


def side_payload(side: SideBySide, which: str) -> dict:
    """One map's switch payload; the change map's hover writes a rise with its sign (+2,5)."""
    payload = view_payload(side.left if which == "links" else side.right)
    if side.mode == "differenz" and which == "rechts":
        payload["signed"] = True
    return payload


def side_map(dataset: Dataset, side: SideBySide, which: str) -> html.Div:
    """One of the two maps: the areas layer only (its geometry arrives once for both maps)."""
    twin = SIDES[1 - SIDES.index(which)]
    center, zoom = center_zoom(dataset, width=600, height=480)
    areas = dl.GeoJSON(id=areas_id(which), data=None, style={"variable": "gdMap.areaStyle"},
                       onEachFeature={"variable": "gdSync.bindArea"},
                       hideout={"map": graph_id(which), "twin": graph_id(twin), "click": CLICK})
    leaflet = dl.Map(id=leaflet_id(which), center=center, zoom=zoom, preferCanvas=True,
                     zoomSnap=0.25, className="gd-leaflet", attributionControl=False,
                     children=[areas])
    return html.Div(id=graph_id(which), className="gd-map-graph gd-side-graph",
                    **{"data-gd-painted": "0", "data-gd-features": "0"},
                    children=[leaflet, dcc.Store(id=view_id(which), data=side_payload(side, which)),
                              dcc.Store(id=painted_id(which))])


def _panel(dataset: Dataset, side: SideBySide, which: str) -> html.Section:
    view = side.left if which == "links" else side.right
    lang = side.state.lang
    return html.Section(className="gd-side-panel", **{"aria-label": translate(
        TEXT, "map_left" if which == "links" else "map_right", lang)}, children=[
        html.Div(build_message(view), id=message_id(which)),
        html.Div(className="gd-map-main", children=[side_map(dataset, side, which)]),
        html.Aside(build_legend(dataset, side, which), id=legend_id(which),
                   className="gd-legend gd-side-legend",
                   **{"aria-label": translate(TEXT, "legend", lang)}),
    ])


def _controls(dataset: Dataset, side: SideBySide) -> html.Section:
    lang = side.state.lang
    options = indicator_options(dataset, lang)
    return html.Section(className="gd-controls gd-side-controls no-print", children=[
        html.Div(className="gd-side-control", children=[
            html.Label(translate(TEXT, "mode", lang), htmlFor=MODE, className="form-label"),
            dcc.RadioItems(id=MODE, value=side.mode, className="gd-radio",
                           options=[{"label": translate(VIEW_TEXT, m, lang), "value": m}
                                    for m in MODES]),
        ]),
        html.Div(className="gd-side-control", children=[
            html.Label(translate(TEXT, "indicator", lang), htmlFor=INDICATOR,
                       className="form-label"),
            dcc.Dropdown(id=INDICATOR, options=options, value=side.state.indicator,
                         clearable=False, maxHeight=420, labels=dropdown_labels(lang)),
        ]),
        html.Div(className="gd-side-control", id=RIGHT_BOX, hidden=side.mode != "indikatoren",
                 children=[
            html.Label(translate(TEXT, "indicator_right", lang), htmlFor=RIGHT_INDICATOR,
                       className="form-label"),
            dcc.Dropdown(id=RIGHT_INDICATOR, options=options, value=side.right_indicator,
                         clearable=False, maxHeight=420, labels=dropdown_labels(lang)),
        ]),
        html.Div(className="gd-side-control gd-side-year", id=BASE_BOX,
                 hidden=side.mode == "indikatoren",
                 children=[
            html.Label(translate(TEXT, "base", lang), htmlFor=BASE, className="form-label"),
            dcc.Dropdown(id=BASE, options=base_options(side), value=side.base, clearable=False,
                         labels=dropdown_labels(lang)),
        ]),
        html.Div(className="gd-side-control gd-side-year", children=[
            html.Label(year_label(side), id=YEAR_LABEL, htmlFor=YEAR, className="form-label"),
            dcc.Dropdown(id=YEAR, options=year_options(side.left if side.mode == "indikatoren"
                                                       else _year_b(side)),
                         value=side.state.year, clearable=False, labels=dropdown_labels(lang)),
        ]),
    ])


def year_label(side: SideBySide) -> str:
    """"Jahr" for two indicators, "Jahr B" when two years are compared."""
    return translate(TEXT, "year" if side.mode == "indikatoren" else "year_b", side.state.lang)


def _year_b(side: SideBySide) -> MapView:
    return side.right if side.mode == "jahre" else side.left


def base_options(side: SideBySide) -> list[dict]:
    """The years A may take: every year of the indicator but year B."""
    return [{"label": str(y), "value": y} for y in reversed(side.left.years)
            if y != side.state.year]


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """The page for one view: controls, notes, two maps each with its legend."""
    from geodash.web.app import geometry_url

    side = side_by_side(dataset, state)
    lang = side.state.lang
    texts = area_texts(TEXT, dataset)
    return html.Div(className="gd-page gd-side-page", children=[
        dcc.Location(id=PAGE_URL, refresh=False),
        html.H1(translate(TEXT, "title", lang), className="gd-visually-hidden"),
        _controls(dataset, side),
        html.Div(build_notes(side), id=NOTES),
        html.P(translate(texts, "sync", lang) + " " + translate(texts, "click", lang),
               className="gd-legend-note gd-side-help no-print"),
        html.Div(className="gd-side-maps", children=[_panel(dataset, side, s) for s in SIDES]),
        dcc.Store(id=GEOMETRY, data=geometry_url(dataset)),
        dcc.Store(id=CLICK),
    ])


def view_from_controls(state: ViewState, trigger: str | None, *, mode: str | None,
                       indicator: str | None, year: int | None, base: int | None,
                       right: str | None, years: tuple[int, ...]) -> ViewState:
    """The view after a control changed; a new indicator keeps year B and A only if it has them."""
    extra = dict(state.extra)
    extra[MODE_PARAM] = mode or extra.get(MODE_PARAM) or MODES[0]
    if right:
        extra[RIGHT_PARAM] = right
    if trigger == INDICATOR:
        year = year if year in years else None
        base = base if base in years else None
    if base is not None and base == year:
        base = None  # year B took year A's place: A becomes the default again (the earliest)
    if base is not None:
        extra[BASE_PARAM] = str(int(base))
    else:
        extra.pop(BASE_PARAM, None)
    return state.with_(indicator=indicator or state.indicator,
                       year=int(year) if year is not None else None, extra=extra)


def next_view(dataset: Dataset, search: str | None, trigger: str | None,
              **controls) -> tuple[SideBySide | None, str | None]:
    """The view to show after the URL or a control changed, and the query to write, if any.

    ``(None, None)`` when the URL only echoes what the controls show;
    ``(view, None)`` for a URL change (back, forward); ``(view, "?query")``
    for a control change, which the URL records.
    """
    state = ViewState.from_query(search, page="nebeneinander")
    years = view_years(dataset, controls.get("indicator"))
    shown = side_by_side(dataset, view_from_controls(state, trigger, years=years, **controls))
    query = shown.to_query()
    if trigger != PAGE_URL:
        new = f"?{query}" if query else ""
        return shown, None if new == (search or "") else new
    asked = side_by_side(dataset, state)
    return (None, None) if asked.to_query() == query and not asked.notes else (asked, None)


def page_outputs(dataset: Dataset, side: SideBySide) -> tuple:
    """Control values, both payloads, legends and notes of a view, in the callback's order."""
    return (side.mode, side.state.indicator, year_label(side),
            year_options(side.left if side.mode == "indikatoren" else _year_b(side)),
            side.state.year, base_options(side), side.base, side.mode == "indikatoren",
            side.right_indicator, side.mode != "indikatoren",
            *(side_payload(side, s) for s in SIDES),
            *(build_legend(dataset, side, s) for s in SIDES),
            *(build_message(side.left if s == "links" else side.right) for s in SIDES),
            build_notes(side))


def register_callbacks(app, dataset: Dataset) -> None:
    """Keep controls, URL, both maps and legends in step; open a profile on click."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(MODE, "value"), Output(INDICATOR, "value"), Output(YEAR_LABEL, "children"),
        Output(YEAR, "options"), Output(YEAR, "value"),
        Output(BASE, "options"), Output(BASE, "value"), Output(BASE_BOX, "hidden"),
        Output(RIGHT_INDICATOR, "value"), Output(RIGHT_BOX, "hidden"),
        *(Output(view_id(s), "data") for s in SIDES),
        *(Output(legend_id(s), "children") for s in SIDES),
        *(Output(message_id(s), "children") for s in SIDES),
        Output(NOTES, "children"),
        Input(PAGE_URL, "search"),
        Input(MODE, "value"), Input(INDICATOR, "value"), Input(YEAR, "value"),
        Input(BASE, "value"), Input(RIGHT_INDICATOR, "value"),
        State(PAGE_URL, "pathname"),
        prevent_initial_call=True,
    )
    def sync(search, mode, indicator, year, base, right, pathname):
        if "/" + (pathname or "").strip("/") != PATH:
            raise PreventUpdate  # the URL moved on to another page
        side, new_search = next_view(dataset, search, ctx.triggered_id, mode=mode,
                                     indicator=indicator, year=year, base=base, right=right)
        if side is None:
            raise PreventUpdate
        return (no_update if new_search is None else new_search, *page_outputs(dataset, side))

    app.clientside_callback(
        "function (url) { return window.gdSync.loadAreas(url, "
        + json.dumps([graph_id(s) for s in SIDES]) + "); }",
        *(Output(areas_id(s), "data") for s in SIDES), Input(GEOMETRY, "data"))
    for s in SIDES:
        app.clientside_callback(
            "function (view, data) { return window.gdMap.paint(view, data, "
            + json.dumps(graph_id(s)) + "); }",
            Output(painted_id(s), "data"), Input(view_id(s), "data"), Input(areas_id(s), "data"))

    @app.callback(
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(CLICK, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_profile(click, search):
        key = (click or {}).get("key")
        if key is None or key not in set(dataset.areas["key"]):
            return no_update, no_update
        state = ViewState.from_query(search).with_(areas=(str(key),))
        return profile.PATH, f"?{state.to_query()}"
