"""Auswahl: several areas of the map as one combined area, beside the city (part of the map page).

The selection lives in the URL (``gebiete=`` holds the keys, ``name=`` its
name), so a link or a reload shows it again. The user picks a tool: a click
opens the profile (the map's default), a click adds or removes an area, or a
rectangle or lasso drawn on the map adds the areas whose centre lies inside
(``assets/gd-select.js`` draws the shape and finds them in the browser). The
panel shows the figures of :func:`geodash.web.figures.selection.combined_area`
(residents, indicators by their declared aggregate, offers, reach) beside the
city, and says how each is formed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures.map import CLICK, GRAPH
from geodash.web.figures.selection import (
    combined_area,
    indicators_in,
    selection_name,
    with_selection,
)
from geodash.web.i18n import area_texts, fmt_number, translate
from geodash.web.pages import map_session
from geodash.web.state import ViewState

# Element ids.
PANEL = "karte-auswahl"
TOOL = "karte-auswahl-werkzeug"
CLEAR = "karte-auswahl-leeren"
NAME = "karte-auswahl-name"
SUMMARY = "karte-auswahl-ergebnis"
RESIDENTS = "karte-auswahl-einwohner"
TITLE = "karte-auswahl-titel"
EVENT = "karte-auswahl-ereignis"  # written by gd-select.js: {"keys": [...], "at": ms}
KEYS = "karte-auswahl-schluessel"  # the selected keys, for the outlines on the map
CENTRES = "karte-auswahl-mitten"  # {"keys": [...], "x": [...], "y": [...]} (lon, lat)
SINK = "karte-auswahl-js"  # output of the clientside calls (nothing is written to it)

# The tools: what a click or a drag on the map does.
TOOLS = ("profil", "klick", "rechteck", "lasso")
DEFAULT_TOOL = "profil"
MAX_EVENT_KEYS = 20_000

TEXT = {
    "de": {
        "heading": "Auswahl",
        "tool": "Ein Klick in die Karte …",
        "profil": "öffnet das Profil",
        "klick": "wählt {Units} aus oder ab",
        "rechteck": "Rechteck ziehen: {Units} mit Mittelpunkt darin",
        "lasso": "Lasso ziehen: {Units} mit Mittelpunkt darin",
        "clear": "Auswahl leeren",
        "name": "Name der Auswahl",
        "name_placeholder": "z. B. Quartier West",
        "empty": "Noch keine {Units} ausgewählt. Wählen Sie oben ein Werkzeug und klicken oder "
                 "ziehen Sie in der Karte.",
        "title_unnamed": "Auswahl aus {n} {Units}",
        "title_one": "Auswahl aus 1 {Unit}",
        "members": "{Units}: {names}",
        "unknown": "Nicht in diesem Datenbestand und daher weggelassen: {keys} (kein Schlüssel "
                   "der {Units}). Prüfen Sie den Link.",
        "residents": "Einwohnerinnen und Einwohner: {n} ({share} der Stadt mit {city})",
        "residents_unknown": "Für {n} der {m} {Units} ist keine Einwohnerzahl bekannt.",
        "indicators": "Indikatoren",
        "col_indicator": "Indikator",
        "col_year": "Jahr",
        "col_selection": "Auswahl",
        "col_city": "Stadt",
        "col_method": "gebildet als",
        "sum": "Summe",
        "base_weighted": "Σ Zähler / Σ {base}",
        "population_weighted": "Mittel, gewichtet mit Einwohnern (Näherung)",
        "partial": " – aus {k} von {n} {Units}",
        "offers": "Angebote",
        "col_category": "Kategorie",
        "col_sites": "Anzahl",
        "col_per1000": "je 1.000 Einw.",
        "col_city_per1000": "Stadt je 1.000",
        "total": "alle Angebote",
        "reach": "Erreichbarkeit (Anteil der Einwohner im Umkreis)",
        "col_distance": "Umkreis",
        "any": "irgendein Angebot",
        "method_note": "Stadt: alle {Units}, gebildet wie die Auswahl; wählt man alle {Units}, "
                       "ergibt sich genau der Stadtwert. Anzahlen werden summiert, Anteile mit "
                       "ihrer Bezugsgröße gewichtet, Angebote je 1.000 = Summe der Angebote / "
                       "Summe der Einwohner, Erreichbarkeit = erreichte Einwohner / Einwohner.",
        "residents_base": "Einwohner",
        "profile_link": "Profil der Auswahl",
    },
    "en": {
        "heading": "Selection",
        "tool": "A click on the map …",
        "profil": "opens the profile",
        "klick": "selects or deselects {units}",
        "rechteck": "drag a rectangle: {units} whose centre is inside",
        "lasso": "drag a lasso: {units} whose centre is inside",
        "clear": "Clear selection",
        "name": "Name of the selection",
        "name_placeholder": "e.g. West quarter",
        "empty": "No {units} selected yet. Pick a tool above and click or drag on the map.",
        "title_unnamed": "Selection of {n} {units}",
        "title_one": "Selection of 1 {unit}",
        "members": "{Units}: {names}",
        "unknown": "Not in this dataset and therefore left out: {keys} (no key of the {units}). "
                   "Check the link.",
        "residents": "Residents: {n} ({share} of the city's {city})",
        "residents_unknown": "The population of {n} of the {m} {units} is unknown.",
        "indicators": "Indicators",
        "col_indicator": "Indicator",
        "col_year": "Year",
        "col_selection": "Selection",
        "col_city": "City",
        "col_method": "formed as",
        "sum": "sum",
        "base_weighted": "Σ numerators / Σ {base}",
        "population_weighted": "mean weighted by residents (approximation)",
        "partial": " – from {k} of {n} {units}",
        "offers": "Offers",
        "col_category": "Category",
        "col_sites": "Number",
        "col_per1000": "per 1,000 residents",
        "col_city_per1000": "city per 1,000",
        "total": "all offers",
        "reach": "Reach (share of residents within the distance)",
        "col_distance": "Distance",
        "any": "any offer",
        "method_note": "City: every {unit}, formed as the selection; selecting every {unit} gives "
                       "exactly the city's value. Counts are summed, shares weighted by their "
                       "base, offers per 1,000 = offers summed / residents summed, reach = "
                       "residents within reach / residents.",
        "residents_base": "residents",
        "profile_link": "Profile of the selection",
    },
}

NUMBER = "text-end text-nowrap"


def area_centres(dataset: Dataset) -> dict:
    """Each area's centre in lon/lat for the browser: the centroid, or a point inside where it falls outside.

    A horseshoe-shaped area's centroid lies outside it; the box and lasso
    select by a point that belongs to the area.
    """
    metric = dataset.areas_metric.geometry
    centroids = metric.centroid
    inside = metric.contains(centroids).to_numpy()
    points = centroids.where(inside, metric.representative_point())
    lonlat = points.set_crs(metric.crs, allow_override=True).to_crs(4326)
    return {"keys": dataset.areas["key"].astype(str).tolist(),
            "x": np.round(lonlat.x.to_numpy(), 6).tolist(),
            "y": np.round(lonlat.y.to_numpy(), 6).tolist()}


def keys_from_event(event: object) -> list[str]:
    """The keys a drawn shape found (``{"keys": [...]}`` from gd-select.js); nothing for anything else."""
    keys = event.get("keys") if isinstance(event, dict) else None
    if not isinstance(keys, list) or len(keys) > MAX_EVENT_KEYS:
        return []
    return [str(k) for k in keys if isinstance(k, str | int) and not isinstance(k, bool)]


def selection_search(dataset: Dataset, search: str | None, trigger: str | None, *,
                     click: object = None, event: object = None, name: object = None,
                     tool: object = None) -> str | None:
    """The query (with ``?``) after a selection control changed, or ``None`` when nothing changes.

    A click toggles its area (only with the click tool); a drawn shape adds
    its areas; the clear button empties the selection and drops its name; the
    name field names it. Keys that are no area never enter the URL this way.
    """
    state = ViewState.from_query(search, page="karte")
    known = set(dataset.areas["key"])
    keys = list(state.areas)
    new_name = None
    if trigger == CLICK:
        key = click.get("key") if isinstance(click, dict) else None
        if tool != "klick" or not isinstance(key, str) or key not in known:
            return None
        keys = [k for k in keys if k != key] if key in keys else [*keys, key]
    elif trigger == EVENT:
        found = [k for k in keys_from_event(event) if k in known and k not in keys]
        if not found:
            return None
        keys = [*keys, *found]
    elif trigger == CLEAR:
        keys, new_name = [], ""
    elif trigger == NAME:
        if not isinstance(name, str):
            return None
        new_name = name
    else:
        return None
    new = with_selection(state, keys, new_name)
    if new == state:
        return None
    query = new.to_query()
    return f"?{query}" if query else ""


def _title(dataset: Dataset, state: ViewState, n: int) -> str:
    texts = area_texts(TEXT, dataset)
    name = selection_name(state)
    if name:
        return name
    return translate(texts, "title_one", state.lang) if n == 1 else translate(
        texts, "title_unnamed", state.lang, n=n)


def _percent(share: float, lang: str) -> str:
    return fmt_number(share * 100 if share is not None and not math.isnan(share) else None, lang, 1, "%")


def _table(headers: Sequence[str], rows: list[list], numeric: Sequence[int], table_id: str) -> html.Div:
    def kind(i: int) -> str | None:
        return NUMBER if i in numeric else ("small" if i > max(numeric) else None)

    head = html.Thead(html.Tr([html.Th(h, className=NUMBER if i in numeric else None)
                               for i, h in enumerate(headers)]))
    body = html.Tbody([html.Tr([html.Td(cell, className=kind(i)) for i, cell in enumerate(row)])
                       for row in rows])
    # Wide tables scroll inside themselves on a phone, never the page.
    return html.Div(html.Table([head, body], id=table_id, className="table table-sm"),
                    className="gd-table-scroll")


def build_indicator_rows(dataset: Dataset, table: pd.DataFrame, lang: str) -> list[list]:
    """One row per indicator: label, year, selection, city, how it is formed (and from how many)."""
    texts = area_texts(TEXT, dataset)
    meta = dataset.indicator_meta
    rows = []
    for _, row in table.iterrows():  # one row per indicator, not per area
        spec = meta.get(row["indicator"])
        unit, decimals = (spec.unit, spec.decimals) if spec else ("", 1)
        base = ""
        if row["method"] == "base_weighted" and spec is not None:
            base_spec = meta.get(spec.base)
            base = (base_spec.label.get(lang) if base_spec else
                    translate(texts, "residents_base", lang))
        method = translate(texts, row["method"], lang, base=base) if base else translate(
            texts, row["method"], lang)
        if row["areas"] < row["selected"]:
            method += translate(texts, "partial", lang, k=int(row["areas"]), n=int(row["selected"]))
        rows.append([spec.label.get(lang) if spec else row["indicator"], str(int(row["year"])),
                     fmt_number(float(row["value"]), lang, decimals, unit),
                     fmt_number(float(row["city"]), lang, decimals, unit), method])
    return rows


def build_summary(dataset: Dataset, state: ViewState) -> list:
    """The combined area of the view's selection beside the city, or a hint when nothing is selected."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    combined = combined_area(dataset, state.areas, state.year)
    notes = []
    if combined.unknown:
        notes.append(html.Div(translate(texts, "unknown", lang,
                                        keys=", ".join(f"„{k}“" for k in combined.unknown)),
                              className="alert alert-warning", role="status"))
    if not combined.keys:
        return [*notes, html.P(translate(texts, "empty", lang), className="text-muted")]
    res = combined.residents
    labels = dataset.area_labels.reindex(list(combined.keys)).fillna("").tolist()
    parts = [
        html.H3(_title(dataset, state, len(combined.keys)), id=TITLE, className="h6 mt-2"),
        html.P(translate(texts, "members", lang, names=", ".join(labels)), className="small"),
        html.P(translate(texts, "residents", lang, n=fmt_number(res["residents"], lang, 0),
                         share=_percent(res["share"], lang), city=fmt_number(res["city"], lang, 0)),
               id=RESIDENTS, className="fw-bold"),
    ]
    if res["known"] < res["selected"]:
        parts.append(html.P(translate(texts, "residents_unknown", lang,
                                      n=res["selected"] - res["known"], m=res["selected"]),
                            className="small text-muted"))
    shown = indicators_in(combined, state.year)
    if len(shown):
        order = {ind: i for i, ind in enumerate(dataset.indicator_meta)}
        shown = shown.assign(order=shown["indicator"].map(order)).sort_values("order")
        parts += [html.H4(translate(texts, "indicators", lang), className="h6 mt-2"),
                  _table([translate(texts, h, lang) for h in
                          ("col_indicator", "col_year", "col_selection", "col_city", "col_method")],
                         build_indicator_rows(dataset, shown, lang), (1, 2, 3),
                         "karte-auswahl-indikatoren")]
    if len(dataset.sites):
        offers = [[translate(texts, "total", lang) if row["category"] == "total"
                   else dataset.category_label(row["category"], lang),
                   str(int(row["sites"])), fmt_number(row["per_1000"], lang, 2),
                   fmt_number(row["city_per_1000"], lang, 2)]
                  for _, row in combined.offers.iterrows()]
        parts += [html.H4(translate(texts, "offers", lang), className="h6 mt-2"),
                  _table([translate(texts, h, lang) for h in
                          ("col_category", "col_sites", "col_per1000", "col_city_per1000")],
                         offers, (1, 2, 3), "karte-auswahl-angebote")]
    if len(combined.reach):
        reach = [[translate(texts, "any", lang) if row["category"] == "any"
                  else dataset.category_label(row["category"], lang),
                  f"{int(row['distance'])} m", _percent(row["share"], lang),
                  _percent(row["city_share"], lang)]
                 for _, row in combined.reach.iterrows()]
        parts += [html.H4(translate(texts, "reach", lang), className="h6 mt-2"),
                  _table([translate(texts, h, lang) for h in
                          ("col_category", "col_distance", "col_selection", "col_city")],
                         reach, (1, 2, 3), "karte-auswahl-erreichbarkeit")]
    parts.append(html.P(translate(texts, "method_note", lang), className="small text-muted"))
    return [*notes, *parts]


def build_toolbar(dataset: Dataset, state: ViewState) -> html.Div:
    """The tools above the map: what a click or a drag does; the name and clear beside them."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    return html.Div(className="gd-selection-tools no-print", children=[
        html.Span(translate(texts, "tool", lang), id=f"{TOOL}-label", className="form-label me-2"),
        html.Div(role="radiogroup", **{"aria-labelledby": f"{TOOL}-label"}, children=dcc.RadioItems(
            id=TOOL, value=DEFAULT_TOOL, className="gd-radio gd-radio-inline", inline=True,
            options=[{"label": translate(texts, t, lang), "value": t} for t in TOOLS])),
    ])


def build_panel(dataset: Dataset, state: ViewState) -> html.Section:
    """The selection panel under the map: name, clear, the combined figures, the session."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    return html.Section(id=PANEL, className="gd-selection", children=[
        html.H2(translate(texts, "heading", lang), className="h5"),
        html.Div(className="no-print", children=[
            html.Label(translate(texts, "name", lang), htmlFor=NAME, className="form-label"),
            html.Div(className="gd-selection-row", children=[
                dcc.Input(id=NAME, type="text", value=selection_name(state), debounce=True,
                          maxLength=120, placeholder=translate(texts, "name_placeholder", lang),
                          className="form-control form-control-sm"),
                html.Button(translate(texts, "clear", lang), id=CLEAR, type="button",
                            className="btn btn-outline-secondary btn-sm"),
            ]),
        ]),
        html.Div(build_summary(dataset, state), id=SUMMARY, role="region", **{"aria-live": "polite"}),
        dcc.Store(id=EVENT),
        dcc.Store(id=KEYS, data=list(state.areas)),
        dcc.Store(id=CENTRES, data=area_centres(dataset)),
        dcc.Store(id=SINK),
        map_session.build_session(dataset, state),
    ])


def register_callbacks(app, dataset: Dataset, page_url: str, path: str) -> None:
    """Selection controls write the URL; the URL fills the panel and outlines the areas on the map."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(CLICK, "data"), Input(EVENT, "data"), Input(CLEAR, "n_clicks"), Input(NAME, "value"),
        State(TOOL, "value"), State(page_url, "search"), State(page_url, "pathname"),
        prevent_initial_call=True,
    )
    def select(click, event, clear, name, tool, search, pathname):
        if "/" + (pathname or "").strip("/") != path:
            raise PreventUpdate
        new = selection_search(dataset, search, ctx.triggered_id, click=click, event=event,
                               name=name, tool=tool)
        if new is None:
            raise PreventUpdate
        return new

    @app.callback(
        Output(SUMMARY, "children"), Output(KEYS, "data"), Output(NAME, "value"),
        Input(page_url, "search"), State(page_url, "pathname"), State(NAME, "value"),
        prevent_initial_call=True,
    )
    def show(search, pathname, typed):
        if "/" + (pathname or "").strip("/") != path:
            raise PreventUpdate
        state = ViewState.from_query(search, page="karte")
        name = selection_name(state)
        return (build_summary(dataset, state), list(state.areas),
                no_update if " ".join(str(typed or "").split()) == name else name)

    app.clientside_callback(
        'function (tool, centres) { return window.gdSelect.setTool("' + GRAPH + '", tool, centres, "'
        + EVENT + '"); }',
        Output(SINK, "data"), Input(TOOL, "value"), Input(CENTRES, "data"))
    app.clientside_callback(
        'function (keys) { return window.gdSelect.highlight("' + GRAPH + '", keys); }',
        Output(SINK, "data", allow_duplicate=True), Input(KEYS, "data"),
        prevent_initial_call="initial_duplicate")
    map_session.register_callbacks(app, dataset, page_url)


def opens_profile(tool: object) -> bool:
    """Whether a click on the map opens the profile with this tool (the default does)."""
    return tool in (None, DEFAULT_TOOL) or tool not in TOOLS
