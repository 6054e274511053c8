"""Stadtteilprofil: one district on one printable page, every indicator beside the city.

The district is the first key of ``gebiete`` in the URL; picking another one
writes the URL, and the page is built again from it.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from geodash.analysis.indicators import is_ranked
from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures import derived
from geodash.web.figures.profile import (
    area_header,
    area_sites,
    area_zones,
    profile_table,
    trend_figure,
)
from geodash.web.figures.profile_index import index_summary
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_options, area_texts, dropdown_labels, fmt_number, translate
from geodash.web.pages import index_over_time, profile_report
from geodash.web.pages.profile_sections import build_coverage, build_index
from geodash.web.state import ViewState

PATH = "/profil"
# "Profil", not "Stadtteilprofil": the navbar does not know the city's word for its areas.
NAME = {"de": "Profil", "en": "Profile"}

# Element ids (stable: browser tests and print CSS rely on them).
PAGE = "profil-seite"
AREA_DROPDOWN = "profil-gebiet"
YEAR_DROPDOWN = "profil-jahr"
PRINT_BUTTON = "profil-drucken"
TITLE = "profil-titel"
INDICATOR_TABLE = "profil-indikatoren"
INDICATOR_ROW = "profil-indikator-{}"  # .format(indicator id)
TREND_GRAPH = "profil-verlauf"
TREND_GRAPH_NARROW = "profil-verlauf-schmal"  # the same panels, two a row, for phones
SITES = "profil-angebote"
ZONES = "profil-programmgebiete"

# Numbers and their units stay on one line, also on a narrow printed page.
NUMBER = "text-end text-nowrap"

TEXT = {
    "de": {
        "choose": "{Unit}",
        "year": "Jahr",
        "latest": "neuestes Jahr",
        "print": "Drucken",
        "no_areas": "Dieser Datenbestand enthält keine {Units}.",
        "unknown": "„{area}“ gibt es in diesem Datenbestand nicht (kein Schlüssel der {Units}); "
                   "gezeigt wird {name}.",
        "parent": "{Parent} {parent}",
        "population": "{n} Einwohnerinnen und Einwohner",
        "no_population": "Einwohnerzahl unbekannt",
        "indicators": "Indikatoren",
        "no_indicators": "Für diesen Datenbestand sind keine Indikatoren erfasst.",
        "col_indicator": "Indikator",
        "col_year": "Jahr",
        "col_value": "{Unit}",
        "col_city": "Stadt",
        "col_rank": "Rang",
        "col_change": "Veränderung",
        "rank": "{rank} von {n}",
        "neutral": "– (neutral)",
        "since": "seit {year}",
        "rank_note": "Stadt: der Wert der ganzen Stadt, gebildet wie es der Indikator "
                     "festlegt (Mittel, gewichtetes Mittel mit seiner Bezugsgröße, Median oder "
                     "Summe). Rang 1 = der größte Bedarf unter den {Units} bei diesem Indikator; "
                     "neutrale Indikatoren (etwa Altersanteile) bekommen keinen Rang.",
        "trend": "Entwicklung",
        "sites": "Angebote in {name}",
        "no_sites": "Keine Angebote in {name} erfasst.",
        "zones": "Programmgebiete Soziale Stadt",
        "no_zones_at_all": "In diesem Datenbestand sind keine Programmgebiete erfasst.",
        "no_zones": "{area} liegt in keinem Programmgebiet.",
        "zone": "{name}{details}: {share} der Fläche",
        "zone_since": "seit {year}",
        "points": "Pp.",
        "suppressed": "vertraulich",
    },
    "en": {
        "choose": "{Unit}",
        "year": "Year",
        "latest": "latest year",
        "print": "Print",
        "no_areas": "This dataset has no {units}.",
        "unknown": "There is no {unit} “{area}” in this dataset; showing {name}.",
        "parent": "{Parent} {parent}",
        "population": "{n} residents",
        "no_population": "population unknown",
        "indicators": "Indicators",
        "no_indicators": "This dataset has no indicators.",
        "col_indicator": "Indicator",
        "col_year": "Year",
        "col_value": "{Unit}",
        "col_city": "City",
        "col_rank": "Rank",
        "col_change": "Change",
        "rank": "{rank} of {n}",
        "neutral": "– (neutral)",
        "since": "since {year}",
        "rank_note": "City: the value of the whole city, formed as the indicator declares "
                     "(mean, mean weighted by its base, median or total). Rank 1 = the {unit} "
                     "with the most need on this indicator; neutral indicators (such as age "
                     "shares) get no rank.",
        "trend": "Trend",
        "sites": "Offers in {name}",
        "no_sites": "No offers recorded in {name}.",
        "zones": "Soziale Stadt programme areas",
        "no_zones_at_all": "This dataset has no programme areas.",
        "no_zones": "{area} lies in no programme area.",
        "zone": "{name}{details}: {share} of the {unit}'s surface",
        "zone_since": "since {year}",
        "points": "pp",
        "suppressed": "confidential",
    },
}


def shown_area(dataset: Dataset, state: ViewState) -> str | None:
    """Return the district a view shows: the first of ``gebiete`` if known, else the first."""
    keys = dataset.areas["key"].tolist()
    requested = state.areas[0] if state.areas else None
    return requested if requested in keys else (keys[0] if keys else None)


def profile_search(dataset: Dataset, search: str | None, area: str | None,
                   year: int | None) -> str | None:
    """Return the query string (with ``?``) for a newly picked district and year.

    The district becomes the only entry of ``gebiete``; everything else in
    the URL (language, indicator, categories) is kept. ``None`` when the
    pickers only echo the view on screen (as they do when the page is built),
    so that the URL is not rewritten and the page not built twice.
    """
    state = ViewState.from_query(search, page="profil")
    if area == shown_area(dataset, state) and year == state.year:
        return None
    query = state.with_(areas=(area,) if area else (), year=year).to_query()
    return f"?{query}" if query else ""


def _change_text(row: pd.Series, lang: str) -> str:
    if pd.isna(row["change"]):
        return "–"
    # A change of a share is in percentage points, not in per cent.
    unit = translate(TEXT, "points", lang) if row["unit"] == "%" else row["unit"]
    text = fmt_number(float(row["change"]), lang, int(row["decimals"]), unit)
    if row["change"] > 0:
        text = "+" + text
    return f"{text} ({translate(TEXT, 'since', lang, year=int(row['first_year']))})"


def build_indicator_table(dataset: Dataset, table: pd.DataFrame, lang: str) -> html.Div:
    """Lay out the profile table: one section per theme, one row per indicator."""
    texts = area_texts(TEXT, dataset)
    if table.empty:
        return html.P(translate(texts, "no_indicators", lang), className="text-muted")
    heads = ["col_indicator", "col_year", "col_value", "col_city", "col_rank", "col_change"]
    header = html.Thead(html.Tr([html.Th(translate(texts, h, lang),
                                         className="text-end" if i > 1 else None)
                                 for i, h in enumerate(heads)]))
    bodies = []
    for theme, part in table.groupby("theme", sort=False):
        rows = [html.Tr(html.Th(theme, colSpan=len(heads), className="table-light"))]
        for _, row in part.iterrows():
            decimals, unit = int(row["decimals"]), row["unit"]
            rank = (translate(texts, "neutral", lang) if not is_ranked(row["polarity"]) else
                    "–" if pd.isna(row["rank"]) else
                    translate(texts, "rank", lang, rank=int(row["rank"]), n=int(row["ranked"])))
            rows.append(html.Tr([
                html.Td(row["label"]),
                html.Td("–" if pd.isna(row["year"]) else str(int(row["year"]))),
                html.Td(translate(texts, "suppressed", lang) if row["suppressed"]
                        else fmt_number(row["value"], lang, decimals, unit), className=NUMBER),
                html.Td(fmt_number(row["city"], lang, decimals, unit), className=NUMBER),
                html.Td(rank, className=NUMBER),
                html.Td(_change_text(row, lang), className="text-end"),
            ], id=INDICATOR_ROW.format(row["indicator"]), className="profile-indicator"))
        bodies.append(html.Tbody(rows))
    return html.Div([
        dbc.Table([header, *bodies], id=INDICATOR_TABLE, size="sm", hover=True, responsive=True),
        html.P(translate(texts, "rank_note", lang), className="small text-muted"),
    ])


def build_sites(dataset: Dataset, key: str, sites: pd.DataFrame, lang: str) -> html.Div:
    """List the area's sites under one heading per category."""
    texts = area_texts(TEXT, dataset)
    if sites.empty:
        return html.P(translate(texts, "no_sites", lang, name=dataset.area_label(key)), id=SITES,
                      className="text-muted")
    sections = []
    for label, part in sites.groupby("category_label", sort=False):
        items = []
        for _, site in part.iterrows():
            details = [d for d in (site["address"], site["programme"]) if d]
            items.append(html.Li([html.Strong(site["name"]),
                                  *([" – " + " · ".join(details)] if details else [])]))
        sections.append(html.Div([html.H4(f"{label} ({len(part)})", className="h6 mt-2"),
                                  html.Ul(items, className="mb-2")]))
    return html.Div(sections, id=SITES)


def _year_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_zones(dataset: Dataset, key: str, zones: pd.DataFrame, lang: str) -> html.Div:
    """Name the programme areas the district touches, with share and since-year."""
    texts = area_texts(TEXT, dataset)
    if dataset.zones.empty:
        return html.P(translate(texts, "no_zones_at_all", lang), id=ZONES, className="text-muted")
    if zones.empty:
        return html.P(translate(texts, "no_zones", lang, area=dataset.area_label(key)), id=ZONES,
                      className="text-muted")
    items = []
    for _, zone in zones.iterrows():
        since, until = _year_text(zone["since"]), _year_text(zone["until"])
        period = (f"{since}–{until}" if since and until
                  else translate(texts, "zone_since", lang, year=since) if since else "")
        details = ", ".join(d for d in (str(zone["programme"] or ""), period) if d)
        percent = float(zone["share"]) * 100
        # A sliver along the border is real but would read as "0 %".
        share = ("< " + fmt_number(1, lang, 0, "%")) if percent < 0.5 else fmt_number(
            percent, lang, 0, "%")
        items.append(html.Li(translate(
            texts, "zone", lang, name=zone["name"], details=f" ({details})" if details else "",
            share=share,
        )))
    return html.Ul(items, id=ZONES)


def build_header(dataset: Dataset, key: str, lang: str) -> html.Div:
    """Name the area ("Name (Parent name)"), its parent's key where it has no name, and its population."""
    texts = area_texts(TEXT, dataset)
    head = area_header(dataset, key)
    facts = []
    if head["parent"] and not head["parent_name"]:
        facts.append(translate(texts, "parent", lang, parent=head["parent"]))
    facts.append(translate(texts, "population", lang, n=fmt_number(head["population"], lang, 0))
                 if head["population"] is not None else translate(texts, "no_population", lang))
    return html.Div([html.H2(head["title"], id=TITLE), html.P(" · ".join(facts), className="lead mb-1")])


def build_controls(dataset: Dataset, key: str, state: ViewState) -> dbc.Row:
    """Pick the district and the year; print. Hidden when printing."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    return dbc.Row([
        dbc.Col([dbc.Label(translate(texts, "choose", lang), html_for=AREA_DROPDOWN),
                 dcc.Dropdown(id=AREA_DROPDOWN, labels=dropdown_labels(lang), value=key, clearable=False,
                              options=area_options(dataset))],
                md=5),
        dbc.Col([dbc.Label(translate(texts, "year", lang), html_for=YEAR_DROPDOWN),
                 dcc.Dropdown(id=YEAR_DROPDOWN, labels=dropdown_labels(lang), value=state.year,
                              placeholder=translate(texts, "latest", lang),
                              options=[{"label": str(y), "value": y} for y in dataset.years])],
                md=3),
        dbc.Col(dbc.Button(translate(texts, "print", lang), id=PRINT_BUTTON, color="secondary",
                           outline=True), md="auto", className="align-self-end"),
        dbc.Col(profile_report.build_pdf_button(lang), md="auto", className="align-self-end"),
    ], className="no-print g-3 mb-3")


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """Build the profile of the district ``state.areas[0]`` (default: the first district)."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    key = shown_area(dataset, state)
    if key is None:
        return html.Div(dbc.Alert(translate(texts, "no_areas", lang), color="info"), id=PAGE)
    requested = state.areas[0] if state.areas else None
    notice = []
    if requested is not None and requested != key:
        notice = [dbc.Alert(translate(texts, "unknown", lang, area=requested,
                                      name=dataset.area_label(key)),
                            color="warning", className="no-print")]
    table = profile_table(dataset, key, state.year, lang)
    # Offers and programme areas as they ran in the year shown (the latest year by default).
    offers = derived.offers_year(dataset, state.year)
    return html.Div([
        build_controls(dataset, key, state),
        *notice,
        build_header(dataset, key, lang),
        build_index(dataset, key, index_summary(dataset, key, state.year), lang),
        index_over_time.build_index_series(dataset, [key], lang, index_over_time.PROFILE_GRAPH),
        html.H3(translate(texts, "indicators", lang), className="h5 mt-3"),
        build_indicator_table(dataset, table, lang),
        html.H3(translate(texts, "trend", lang), className="h5 mt-3"),
        # Four panels a row on a wide screen and on paper, two on a phone (see narrow.py).
        html.Div(dcc.Graph(id=TREND_GRAPH, figure=trend_figure(dataset, key, lang),
                           config=graph_config(lang)), className="gd-wide-only"),
        html.Div(dcc.Graph(id=TREND_GRAPH_NARROW, figure=trend_figure(dataset, key, lang, columns=2),
                           config=graph_config(lang)), className="gd-narrow-only no-print"),
        build_coverage(dataset, key, lang, state.year),
        dbc.Row([
            dbc.Col([html.H3(translate(texts, "sites", lang, name=dataset.area_label(key)),
                             className="h5 mt-3"),
                     build_sites(dataset, key, area_sites(dataset, key, lang, year=offers), lang)],
                    md=7),
            dbc.Col([html.H3(translate(texts, "zones", lang), className="h5 mt-3"),
                     build_zones(dataset, key, area_zones(dataset, key, year=offers), lang)], md=5),
        ]),
    ], id=PAGE, className="geodash-page profile-page")


def register_callbacks(app, dataset: Dataset) -> None:
    """Wire the district and year pickers to the URL, and the print button to the browser."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(AREA_DROPDOWN, "value"),
        Input(YEAR_DROPDOWN, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_view(area, year, search):
        new = profile_search(dataset, search, area, year)
        return no_update if new is None else new

    profile_report.register_callbacks(app, dataset)
    app.clientside_callback(
        "function(n) { if (n) { window.print(); } }",
        Input(PRINT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
