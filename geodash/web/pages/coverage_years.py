"""The Abdeckung page's section on time: have offers and their reach improved since a base year.

The base year is ``basis`` in the URL (the first year with data by default);
the year compared with it is the page's ``jahr`` (the latest by default). Only
the offers running in a year count in it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures import derived
from geodash.web.figures.coverage_years import (
    area_change,
    base_year,
    city_change,
    reach_trend_figure,
)
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_texts, dropdown_labels, fmt_number, translate
from geodash.web.state import ViewState

# The URL parameter of the base year (kept in ViewState.extra).
BASE_PARAM = "basis"

# Element ids (stable: browser tests rely on them).
SECTION = "abdeckung-zeitreihe"
BASE_DROPDOWN = "abdeckung-basisjahr"
CITY_TABLE = "abdeckung-zeitreihe-stadt"
AREA_TABLE = "abdeckung-zeitreihe-gebiete"
GRAPH = "abdeckung-zeitreihe-verlauf"

BETTER_COLOR = "#1b7837"
WORSE_COLOR = "#D55E00"  # the warning end: less reach = more need (as the gap colour)

TEXT = {
    "de": {
        "title": "Hat sich die Versorgung seit dem Basisjahr verbessert?",
        "base": "Basisjahr",
        "note": "Gezählt werden in jedem Jahr nur die Angebote, die in diesem Jahr liefen "
                "(von ihrem Beginn bis einschließlich ihres Endjahres). Verglichen wird "
                "{base} mit {year}; ▲ = mehr Angebote oder mehr Bewohner in der Nähe, "
                "▼ = weniger.",
        "one_year": "Für einen Vergleich über die Jahre braucht es Werte aus mindestens zwei Jahren.",
        "col_category": "Art",
        "col_count": "Angebote {year}",
        "col_per_1000": "je 1.000 EW {year}",
        "col_share": "≤ {d} m {year}",
        "col_change": "Veränderung",
        "col_area": "{Unit}",
        "all": "Alle Angebote",
        "areas": "{Units}: Anteil der Bewohner nahe einem Angebot, größter Verlust zuerst",
        "points": "{value} Pp.",
    },
    "en": {
        "title": "Did coverage improve since the base year?",
        "base": "Base year",
        "note": "Each year counts only the offers running in it (from their start through "
                "their end year). {base} is compared with {year}; ▲ = more offers or more "
                "residents nearby, ▼ = fewer.",
        "one_year": "A comparison over the years needs values from at least two years.",
        "col_category": "Kind",
        "col_count": "Offers {year}",
        "col_per_1000": "per 1,000 {year}",
        "col_share": "≤ {d} m {year}",
        "col_change": "Change",
        "col_area": "{Unit}",
        "all": "All offers",
        "areas": "{Units}: share of residents near an offer, largest loss first",
        "points": "{value} pp",
    },
}
NUMBER = "text-end"


def base_search(search: str | None, base: int | None) -> str | None:
    """The query string (with ``?``) after the base year was picked; ``None`` if it did not change."""
    state = ViewState.from_query(search, page="abdeckung")
    current = state.extra.get(BASE_PARAM)
    wanted = None if base is None else str(int(base))
    if wanted == current:
        return None
    extra = {k: v for k, v in state.extra.items() if k != BASE_PARAM}
    if wanted is not None:
        extra[BASE_PARAM] = wanted
    query = state.with_(extra=extra).to_query()
    return f"?{query}" if query else ""


def _change_cell(value: float, lang: str, *, decimals: int, share: bool = False) -> html.Td:
    """A change with its arrow and colour: up = better supplied, down = worse."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return html.Td("–", className=NUMBER)
    shown = value * 100 if share else value
    if round(shown, decimals) == 0:
        return html.Td("= " + fmt_number(0, lang, decimals), className=NUMBER)
    arrow, color = ("▲", BETTER_COLOR) if shown > 0 else ("▼", WORSE_COLOR)
    number = fmt_number(shown, lang, decimals)
    number = number if number.startswith(("−", "-")) else "+" + number
    if share:
        number = translate(TEXT, "points", lang, value=number)
    return html.Td(f"{arrow} {number}", className=NUMBER + " gd-change",
                   style={"color": color, "whiteSpace": "nowrap"})


def _share(value: float, lang: str) -> str:
    return "–" if value is None or math.isnan(value) else fmt_number(value * 100, lang, 0, "%")


def build_city_table(dataset: Dataset, base: int, year: int, codes: Sequence[str],
                     lang: str) -> dbc.Table:
    """Per kind of offer and for all: offers, per 1,000 and reach in the base year and now, and the change."""
    texts = area_texts(TEXT, dataset)
    change = city_change(dataset, base, year, codes)
    shares = [c for c in change.columns if c.startswith("share_") and not c.endswith(("_base",
                                                                                       "_change"))]
    first = shares[0] if shares else None
    distance = fmt_number(float(first[len("share_"):]), lang, 0) if first else ""
    heads = [translate(texts, "col_category", lang),
             translate(texts, "col_count", lang, year=base), translate(texts, "col_count", lang, year=year),
             translate(texts, "col_change", lang),
             translate(texts, "col_per_1000", lang, year=base),
             translate(texts, "col_per_1000", lang, year=year)]
    if first:
        heads += [translate(texts, "col_share", lang, d=distance, year=base),
                  translate(texts, "col_share", lang, d=distance, year=year),
                  translate(texts, "col_change", lang)]
    rows = []
    for code, row in change.iterrows():
        label = translate(texts, "all", lang) if code == "any" else dataset.category_label(code, lang)
        cells = [html.Td(label), html.Td(_int(row["count_base"]), className=NUMBER),
                 html.Td(_int(row["count"]), className=NUMBER),
                 _change_cell(row["count_change"], lang, decimals=0),
                 html.Td(fmt_number(row["per_1000_base"], lang, 2), className=NUMBER),
                 html.Td(fmt_number(row["per_1000"], lang, 2), className=NUMBER)]
        if first:
            cells += [html.Td(_share(row[f"{first}_base"], lang), className=NUMBER),
                      html.Td(_share(row[first], lang), className=NUMBER),
                      _change_cell(row[f"{first}_change"], lang, decimals=0, share=True)]
        rows.append(html.Tr(cells, className="fw-bold" if code == "any" else None))
    header = html.Thead(html.Tr([html.Th(h, className=NUMBER if i else None)
                                 for i, h in enumerate(heads)]))
    return dbc.Table([header, html.Tbody(rows)], id=CITY_TABLE, size="sm", responsive=True)


def _int(value: float) -> str:
    return "–" if value is None or math.isnan(value) else str(int(value))


def build_area_table(dataset: Dataset, base: int, year: int, lang: str) -> html.Div:
    """Per area, all offers: reach and offers in the base year and now, largest loss of reach first."""
    texts = area_texts(TEXT, dataset)
    change = area_change(dataset, base, year)
    shares = [c for c in change.columns if c.startswith("share_") and not c.endswith(("_base",
                                                                                       "_change"))]
    first = shares[0] if shares else None
    distance = fmt_number(float(first[len("share_"):]), lang, 0) if first else ""
    heads = [translate(texts, "col_area", lang)]
    if first:
        heads += [translate(texts, "col_share", lang, d=distance, year=base),
                  translate(texts, "col_share", lang, d=distance, year=year),
                  translate(texts, "col_change", lang)]
    heads += [translate(texts, "col_count", lang, year=base),
              translate(texts, "col_count", lang, year=year), translate(texts, "col_change", lang)]
    rows = []
    for rec in change.to_dict("records"):
        cells = [html.Td(rec["name"])]
        if first:
            cells += [html.Td(_share(rec[f"{first}_base"], lang), className=NUMBER),
                      html.Td(_share(rec[first], lang), className=NUMBER),
                      _change_cell(rec[f"{first}_change"], lang, decimals=0, share=True)]
        cells += [html.Td(_int(rec["count_base"]), className=NUMBER),
                  html.Td(_int(rec["count"]), className=NUMBER),
                  _change_cell(rec["count_change"], lang, decimals=0)]
        rows.append(html.Tr(cells, **{"data-key": str(rec["area_key"])}))
    header = html.Thead(html.Tr([html.Th(h, className=NUMBER if i else None)
                                 for i, h in enumerate(heads)]))
    return html.Div([
        html.H4(translate(texts, "areas", lang), className="h6 mt-3"),
        # A long list (hundreds of areas) scrolls inside itself, not the page.
        html.Div(dbc.Table([header, html.Tbody(rows)], id=AREA_TABLE, size="sm", striped=True),
                 className="gd-scroll-table", style={"maxHeight": "420px", "overflow": "auto"}),
    ])


def build_trend(dataset: Dataset, state: ViewState, codes: Sequence[str], lang: str) -> html.Section:
    """The section: base-year picker, the city's change, the reach over the years, each area's change."""
    texts = area_texts(TEXT, dataset)
    heading = html.H3(translate(texts, "title", lang), className="h5 mt-4")
    year = derived.offers_year(dataset, state.year)
    if len(dataset.years) < 2 or year is None:
        return html.Section([heading, html.P(translate(texts, "one_year", lang),
                                             className="text-muted")], id=SECTION)
    base = base_year(dataset, state.extra.get(BASE_PARAM), year)
    picker = html.Div([
        html.Label(translate(texts, "base", lang), htmlFor=BASE_DROPDOWN, className="form-label"),
        dcc.Dropdown(id=BASE_DROPDOWN, value=base, clearable=False, labels=dropdown_labels(lang),
                     options=[{"label": str(y), "value": y} for y in dataset.years if y <= year],
                     style={"maxWidth": "12rem"}),
    ], className="no-print mb-2")
    return html.Section([
        heading,
        picker,
        html.P(translate(texts, "note", lang, base=base, year=year), className="small text-muted"),
        build_city_table(dataset, base, year, codes, lang),
        dcc.Graph(id=GRAPH, figure=reach_trend_figure(dataset, base, year, codes, lang),
                  config=graph_config(lang)),
        build_area_table(dataset, base, year, lang),
    ], id=SECTION)


def register_callbacks(app, dataset: Dataset) -> None:
    """Write the picked base year to the URL (the page is then built again)."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(BASE_DROPDOWN, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_base(base, search):
        try:
            base = int(base) if base is not None else None
        except (TypeError, ValueError):
            return no_update
        new = base_search(search, base)
        return no_update if new is None else new
