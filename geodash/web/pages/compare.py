"""Vergleich: two to six districts side by side, one indicator over time, and a ranking.

The chosen districts are ``gebiete`` in the URL, the indicator ``ind`` and the
year ``jahr``; every pick writes the URL and the page is built again from it.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures.compare import compare_figure, ranking_table, timeseries_figure
from geodash.web.figures.derived import class_name
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_options, area_texts, dropdown_labels, fmt_number, translate
from geodash.web.pages import index_over_time
from geodash.web.pages.compare_similar import build_similar, register_similar_callbacks
from geodash.web.state import ViewState

PATH = "/vergleich"
NAME = {"de": "Vergleich", "en": "Comparison"}

MIN_AREAS = 2
MAX_AREAS = 6

# Element ids (stable: browser tests rely on them).
PAGE = "vergleich-seite"
AREAS_DROPDOWN = "vergleich-gebiete"
YEAR_DROPDOWN = "vergleich-jahr"
INDICATOR_DROPDOWN = "vergleich-indikator"
LIMIT_ALERT = "vergleich-hinweis"
COMPARE_GRAPH = "vergleich-profil"
TIMESERIES_GRAPH = "vergleich-zeitreihe"
RANKING_GRID = "vergleich-rangliste"

TEXT = {
    "de": {
        "areas": "{Units} (2 bis 6)",
        "areas_placeholder": "{Units} wählen …",
        "year": "Jahr",
        "latest": "neuestes Jahr",
        "indicator": "Indikator",
        "too_many": "Es lassen sich höchstens {max} {Units} vergleichen.",
        "trimmed": "Es lassen sich höchstens {max} {Units} vergleichen; "
                   "gezeigt werden die ersten {max}.",
        "unknown": "Nicht im Datenbestand und daher ausgelassen: {keys}.",
        "prompt": "Bitte wählen Sie mindestens zwei {Units}, um sie zu vergleichen.",
        "profile": "Alle Indikatoren im Vergleich",
        "profile_note": "Damit sich Indikatoren mit verschiedenen Einheiten vergleichen lassen, "
                        "zeigt jeder Balken den Abstand zum Stadtmittel in Standardabweichungen. "
                        "Rechts von der Linie heißt: mehr Bedarf als im Stadtmittel "
                        "(bei neutralen Indikatoren wie Altersanteilen nur: höher, ohne "
                        "Wertung). "
                        "Die tatsächlichen Werte stehen im Tooltip.",
        "timeseries": "Zeitreihe",
        "ranking": "Rangliste aller {Units}",
        "no_indicators": "Für diesen Datenbestand sind keine Indikatoren erfasst.",
        "col_rank": "Rang",
        "col_name": "{Unit}",
        "col_parent": "{Parent}",
        "col_value": "Wert ({year})",
        "col_status": "Statusindex (MSS)",
        "col_status_class": "Status",
        "col_status_rank": "Rang Statusindex",
        "suppressed": "vertraulich",
    },
    "en": {
        "areas": "{Units} (2 to 6)",
        "areas_placeholder": "Choose {units} …",
        "year": "Year",
        "latest": "latest year",
        "indicator": "Indicator",
        "too_many": "At most {max} {units} can be compared.",
        "trimmed": "At most {max} {units} can be compared; showing the first {max}.",
        "unknown": "Not in this dataset and left out: {keys}.",
        "prompt": "Please choose at least two {units} to compare them.",
        "profile": "All indicators compared",
        "profile_note": "So that indicators with different units can be compared, each bar "
                        "shows the distance from the city mean in standard deviations. "
                        "Right of the line means more need than the city mean "
                        "(for neutral indicators such as age shares only: higher, without "
                        "judgement). "
                        "The real values are in the tooltip.",
        "timeseries": "Time series",
        "ranking": "Ranking of all {units}",
        "no_indicators": "This dataset has no indicators.",
        "col_rank": "Rank",
        "col_name": "{Unit}",
        "col_parent": "{Parent}",
        "col_value": "Value ({year})",
        "col_status": "Status index (MSS)",
        "col_status_class": "Status",
        "col_status_rank": "Status index rank",
        "suppressed": "confidential",
    },
}


def chosen_areas(dataset: Dataset, state: ViewState) -> tuple[list[str], list[str], bool]:
    """Split the URL's districts into those shown, those unknown, and whether some were cut.

    Returns
    -------
    tuple
        ``(keys, unknown, trimmed)``: at most :data:`MAX_AREAS` known keys in
        URL order without repeats, the unknown keys, and True when more than
        :data:`MAX_AREAS` known keys were asked for.

    """
    known = set(dataset.areas["key"])
    keys = list(dict.fromkeys(k for k in state.areas if k in known))
    unknown = [k for k in state.areas if k not in known]
    return keys[:MAX_AREAS], unknown, len(keys) > MAX_AREAS


def chosen_indicator(dataset: Dataset, state: ViewState) -> str | None:
    """Return the URL's indicator if the dataset has it, else the default indicator."""
    if state.indicator in dataset.indicator_meta:
        return state.indicator
    return dataset.default_indicator


def compare_search(dataset: Dataset, search: str | None, areas: list[str] | None,
                   indicator: str | None, year: int | None) -> str | None:
    """Return the query string (with ``?``) for newly picked districts, indicator and year.

    ``None`` when the pickers only echo the view on screen (as they do when
    the page is built). The indicator is written only once it differs from
    the one shown, so that a link without ``ind`` keeps following the default.
    """
    state = ViewState.from_query(search, page="vergleich")
    keys = list(areas or ())
    shown_indicator = chosen_indicator(dataset, state)
    if (keys == chosen_areas(dataset, state)[0] and indicator == shown_indicator
            and year == state.year):
        return None
    new_indicator = state.indicator if indicator == shown_indicator else indicator
    query = state.with_(areas=tuple(keys), indicator=new_indicator, year=year).to_query()
    return f"?{query}" if query else ""


# The narrowest a grid column may be (px): readable on a phone, where the grid then scrolls.
GRID_MIN_COLUMN = 96


def ranking_rows(table: pd.DataFrame, dataset: Dataset, indicator: str, keys: list[str],
                 lang: str) -> list[dict]:
    """Turn the ranking into grid rows: raw numbers to sort by, texts to show."""
    texts = area_texts(TEXT, dataset)
    spec = dataset.indicator_meta[indicator]
    rows = []
    for rec in table.to_dict("records"):
        value = None if pd.isna(rec["value"]) else float(rec["value"])
        status = None if pd.isna(rec["status"]) else float(rec["status"])
        rows.append({
            "key": rec["key"], "name": rec["name"],
            "parent": "" if pd.isna(rec["parent"]) else str(rec["parent"]),
            "rank": None if pd.isna(rec["rank"]) else int(rec["rank"]),
            "value": value,
            "value_text": (translate(texts, "suppressed", lang) if rec["suppressed"]
                           else fmt_number(value, lang, spec.decimals, spec.unit)),
            "status": status, "status_text": fmt_number(status, lang, 2),
            "status_class": class_name(rec["status_class"], lang),
            "status_rank": None if pd.isna(rec["status_rank"]) else int(rec["status_rank"]),
            "chosen": rec["key"] in keys,
        })
    return rows


def build_ranking(dataset: Dataset, indicator: str, year: int | None, keys: list[str],
                  lang: str) -> dag.AgGrid:
    """Build the sortable ranking grid; the chosen districts are highlighted."""
    texts = area_texts(TEXT, dataset)
    table = ranking_table(dataset, indicator, year, lang)
    shown_year = int(table["year"].iloc[0]) if len(table) else ""

    def col(field: str, head: str, **extra) -> dict:
        return {"field": field, "headerName": translate(texts, head, lang, year=shown_year),
                **extra}

    # Sorting uses the raw number; the cell shows the text formatted per language.
    columns = [
        col("rank", "col_rank", maxWidth=110, minWidth=70),
        col("name", "col_name"),
        col("parent", "col_parent"),
        col("value", "col_value", type="rightAligned",
            valueFormatter={"function": "params.data.value_text"}),
        col("status", "col_status", type="rightAligned",
            valueFormatter={"function": "params.data.status_text"}),
        col("status_class", "col_status_class"),
        col("status_rank", "col_status_rank", maxWidth=150),
    ]
    return dag.AgGrid(
        id=RANKING_GRID,
        rowData=ranking_rows(table, dataset, indicator, keys, lang),
        columnDefs=columns,
        # Columns no narrower than their heads: on a phone the grid scrolls inside itself.
        defaultColDef={"sortable": True, "resizable": True, "minWidth": GRID_MIN_COLUMN},
        columnSize="responsiveSizeToFit",
        getRowId="params.data.key",
        getRowStyle={"styleConditions": [
            {"condition": "params.data.chosen", "style": {"fontWeight": "bold"}},
        ]},
        dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
        style={"height": None},
    )


def build_controls(dataset: Dataset, keys: list[str], year: int | None, lang: str) -> dbc.Row:
    """Pick the districts and the year."""
    texts = area_texts(TEXT, dataset)
    return dbc.Row([
        dbc.Col([dbc.Label(translate(texts, "areas", lang), html_for=AREAS_DROPDOWN),
                 dcc.Dropdown(id=AREAS_DROPDOWN, labels=dropdown_labels(lang), value=keys, multi=True,
                              placeholder=translate(texts, "areas_placeholder", lang),
                              options=area_options(dataset))],
                md=9),
        dbc.Col([dbc.Label(translate(texts, "year", lang), html_for=YEAR_DROPDOWN),
                 dcc.Dropdown(id=YEAR_DROPDOWN, labels=dropdown_labels(lang), value=year,
                              placeholder=translate(texts, "latest", lang),
                              options=[{"label": str(y), "value": y} for y in dataset.years])],
                md=3),
    ], className="no-print g-3 mb-2")


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """Build the comparison of the districts in ``state.areas``."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    keys, unknown, trimmed = chosen_areas(dataset, state)
    indicator = chosen_indicator(dataset, state)
    notes = []
    if trimmed:
        notes.append(translate(texts, "trimmed", lang, max=MAX_AREAS))
    if unknown:
        notes.append(translate(texts, "unknown", lang, keys=", ".join(unknown)))
    alert = dbc.Alert(" ".join(notes), id=LIMIT_ALERT, color="warning", is_open=bool(notes),
                      className="no-print")
    if len(keys) >= MIN_AREAS:
        figure = compare_figure(dataset, keys, state.year, lang)
        profile = [html.P(translate(texts, "profile_note", lang), className="small text-muted"),
                   dcc.Graph(id=COMPARE_GRAPH, figure=figure,
                             config=graph_config(lang))]
    else:
        profile = [dbc.Alert(translate(texts, "prompt", lang), color="info")]
    # The indicator picker is always there (disabled when empty): the callback needs it.
    series = [dbc.Row(dbc.Col([
        dbc.Label(translate(texts, "indicator", lang), html_for=INDICATOR_DROPDOWN),
        dcc.Dropdown(id=INDICATOR_DROPDOWN, labels=dropdown_labels(lang), value=indicator, clearable=False,
                     disabled=indicator is None,
                     options=[{"label": s.label.get(lang), "value": i}
                              for i, s in dataset.indicator_meta.items()]),
    ], md=6), className="no-print mb-2")]
    if indicator is None:
        series.append(html.P(translate(texts, "no_indicators", lang), className="text-muted"))
    else:
        series += [
            dcc.Graph(id=TIMESERIES_GRAPH, figure=timeseries_figure(dataset, keys, indicator, lang),
                      config=graph_config(lang)),
            html.H3(translate(texts, "ranking", lang), className="h5 mt-3"),
            build_ranking(dataset, indicator, state.year, keys, lang),
        ]
    return html.Div([
        build_controls(dataset, keys, state.year, lang),
        alert,
        html.H3(translate(texts, "profile", lang), className="h5 mt-2"),
        *profile,
        index_over_time.build_index_series(dataset, keys if len(keys) >= MIN_AREAS else [], lang,
                                           index_over_time.COMPARE_GRAPH),
        html.H3(translate(texts, "timeseries", lang), className="h5 mt-3"),
        *series,
        build_similar(dataset, state, keys),
    ], id=PAGE, className="geodash-page compare-page")


def register_callbacks(app, dataset: Dataset) -> None:
    """Wire the pickers to the URL; refuse a seventh district with a polite note."""
    texts = area_texts(TEXT, dataset)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(AREAS_DROPDOWN, "value"),
        Output(LIMIT_ALERT, "children"),
        Output(LIMIT_ALERT, "is_open"),
        Input(AREAS_DROPDOWN, "value"),
        Input(INDICATOR_DROPDOWN, "value"),
        Input(YEAR_DROPDOWN, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_view(areas, indicator, year, search):
        lang = ViewState.from_query(search).lang
        areas = list(areas or [])
        if len(areas) > MAX_AREAS:
            # Keep the view as it is and undo the extra pick in the dropdown.
            return (no_update, areas[:MAX_AREAS],
                    translate(texts, "too_many", lang, max=MAX_AREAS), True)
        new = compare_search(dataset, search, areas, indicator, year)
        return (no_update if new is None else new), no_update, no_update, no_update

    register_similar_callbacks(app, dataset)
