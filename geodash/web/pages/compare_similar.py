"""Ähnliche Stadtteile: the comparable-districts section of the comparison page (not a page itself).

"Which other districts look like this one?" The reference district, the
indicators, the mode and the tolerance are in the URL (``ref``, ``aehnl``,
``modus``, ``tol``); a pick writes the URL and the page is built again.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from geodash.analysis.similar import MODES
from geodash.dataset import Dataset
from geodash.errors import ParameterError
from geodash.web import ids
from geodash.web.figures.similar import (
    DEFAULT_TOLERANCE,
    chosen_indicators,
    chosen_mode,
    indicator_years,
    similar_table,
)
from geodash.web.i18n import area_options, area_texts, dropdown_labels, fmt_number, translate
from geodash.web.state import ViewState

# Element ids (stable: browser tests rely on them).
SECTION = "vergleich-aehnlich"
REFERENCE_DROPDOWN = "vergleich-aehnlich-referenz"
INDICATORS_DROPDOWN = "vergleich-aehnlich-indikatoren"
MODE_RADIO = "vergleich-aehnlich-modus"
TOLERANCE_INPUT = "vergleich-aehnlich-toleranz"
GRID = "vergleich-aehnlich-liste"

# Query parameters (kept in ViewState.extra).
PARAMS = {"reference": "ref", "indicators": "aehnl", "mode": "modus", "tolerance": "tol"}

TEXT = {
    "de": {
        "title": "Ähnliche {Units}",
        "intro": "Welche {Units} sehen ähnlich aus? Zum Beispiel: wo sonst ist die Lage "
                 "wie dort, wo schon ein Quartiersmanagement arbeitet?",
        "reference": "{Unit} zum Vergleich",
        "indicators": "Indikatoren",
        "mode": "Ähnlich heißt",
        "distance": "am nächsten (standardisierter Abstand)",
        "percent": "jeder Wert höchstens ± Toleranz % entfernt",
        "absolute": "jeder Wert höchstens ± Toleranz entfernt (in der Einheit des Indikators)",
        "tolerance": "Toleranz",
        "none": "Keine anderen {Units} liegen bei allen gewählten Indikatoren in der Toleranz.",
        "no_indicators": "Für diesen Datenbestand sind keine Indikatoren erfasst.",
        "error": "Der Vergleich ist so nicht möglich: {message}",
        "col_name": "{Unit}",
        "col_distance": "Abstand",
        "reference_row": "Vergleich",
        "note": "Abstand: Wurzel der Summe der quadrierten Unterschiede der z-Werte; 0 = gleich. "
                "Gezeigt werden bis zu zehn {Units}.",
    },
    "en": {
        "title": "Similar {units}",
        "intro": "Which {units} look like this one? For example: where else is the situation "
                 "like in a {unit} that already has a neighbourhood management?",
        "reference": "Reference {unit}",
        "indicators": "Indicators",
        "mode": "Similar means",
        "distance": "nearest (standardised distance)",
        "percent": "every value within ± tolerance %",
        "absolute": "every value within ± tolerance (in the indicator's unit)",
        "tolerance": "Tolerance",
        "none": "No other {unit} lies within the tolerance on every chosen indicator.",
        "no_indicators": "This dataset has no indicators.",
        "error": "This comparison is not possible: {message}",
        "col_name": "{Unit}",
        "col_distance": "Distance",
        "reference_row": "reference",
        "note": "Distance: square root of the summed squared differences of the z-scores; "
                "0 = the same. Up to ten {units} are shown.",
    },
}


def _tolerance(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_TOLERANCE
    return number if number >= 0 and number == number else DEFAULT_TOLERANCE


def similar_view(dataset: Dataset, state: ViewState, keys: list[str]) -> dict:
    """Reference, indicators, mode and tolerance of a view, with defaults filled in.

    The reference defaults to the first compared district, else the first district.
    """
    extra = state.extra
    known = list(dataset.areas["key"])
    reference = extra.get(PARAMS["reference"])
    if reference not in known:
        reference = keys[0] if keys else (known[0] if known else None)
    requested = [i for i in (extra.get(PARAMS["indicators"]) or "").split(",") if i]
    return {"reference": reference, "indicators": chosen_indicators(dataset, requested),
            "mode": chosen_mode(extra.get(PARAMS["mode"])),
            "tolerance": _tolerance(extra.get(PARAMS["tolerance"]))}


def similar_search(dataset: Dataset, search: str | None, **picked) -> str | None:
    """The query string (with ``?``) for newly picked settings; ``None`` when they echo the view."""
    state = ViewState.from_query(search, page="vergleich")
    keys = [k for k in state.areas if k in set(dataset.areas["key"])]
    shown = similar_view(dataset, state, keys)
    new = {**shown, **{k: v for k, v in picked.items() if v is not None}}
    new["indicators"] = chosen_indicators(dataset, new["indicators"])
    new["mode"], new["tolerance"] = chosen_mode(new["mode"]), _tolerance(new["tolerance"])
    if new == shown:
        return None
    extra = dict(state.extra)
    extra.update({PARAMS["reference"]: str(new["reference"]),
                  PARAMS["indicators"]: ",".join(new["indicators"]),
                  PARAMS["mode"]: new["mode"], PARAMS["tolerance"]: f"{new['tolerance']:g}"})
    query = state.with_(extra=extra).to_query()
    return f"?{query}" if query else ""


def similar_rows(table: pd.DataFrame, dataset: Dataset, lang: str) -> list[dict]:
    """Grid rows: raw numbers to sort by, texts formatted per language to show."""
    texts = area_texts(TEXT, dataset)
    indicators = [c for c in table.columns if c in dataset.indicator_meta]
    rows = []
    for rec in table.to_dict("records"):
        row = {"key": rec["key"], "name": rec["name"], "reference": bool(rec["reference"]),
               "distance": float(rec["distance"]),
               "distance_text": (translate(texts, "reference_row", lang) if rec["reference"]
                                 else fmt_number(rec["distance"], lang, 2))}
        for ind in indicators:
            spec = dataset.indicator_meta[ind]
            value = None if pd.isna(rec[ind]) else float(rec[ind])
            row[ind] = value
            row[f"{ind}__text"] = fmt_number(value, lang, spec.decimals, spec.unit)
        rows.append(row)
    return rows


def build_grid(dataset: Dataset, table: pd.DataFrame, years: dict[str, int], lang: str) -> dag.AgGrid:
    """The list of similar districts, the reference first and in bold."""
    texts = area_texts(TEXT, dataset)
    columns = [
        {"field": "name", "headerName": translate(texts, "col_name", lang), "pinned": "left"},
        {"field": "distance", "headerName": translate(texts, "col_distance", lang),
         "type": "rightAligned", "valueFormatter": {"function": "params.data.distance_text"}},
    ]
    for ind in [c for c in table.columns if c in dataset.indicator_meta]:
        label = dataset.indicator_meta[ind].label.get(lang)
        columns.append({"field": ind, "headerName": f"{label} ({years.get(ind, '')})",
                        "type": "rightAligned",
                        "valueFormatter": {"function": f"params.data['{ind}__text']"}})
    return dag.AgGrid(
        id=GRID, rowData=similar_rows(table, dataset, lang), columnDefs=columns,
        # Columns no narrower than a short head: on a phone the grid scrolls inside itself.
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True, "minWidth": 110},
        columnSize="responsiveSizeToFit", getRowId="params.data.key",
        getRowStyle={"styleConditions": [
            {"condition": "params.data.reference", "style": {"fontWeight": "bold"}}]},
        dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
        style={"height": None},
    )


def _result(dataset: Dataset, view: dict, year: int | None, lang: str) -> list:
    texts = area_texts(TEXT, dataset)
    try:
        table = similar_table(dataset, view["reference"], view["indicators"], mode=view["mode"],
                              tolerance=view["tolerance"], year=year)
    except ParameterError as exc:
        return [dbc.Alert(translate(texts, "error", lang, message=exc.message), color="info",
                          id=GRID)]
    if len(table) <= 1:
        return [dbc.Alert(translate(texts, "none", lang), color="info", id=GRID)]
    years = indicator_years(dataset, view["indicators"], year)
    return [build_grid(dataset, table, years, lang),
            html.P(translate(texts, "note", lang), className="small text-muted mt-1")]


def build_similar(dataset: Dataset, state: ViewState, keys: list[str]) -> html.Section:
    """The section: pick the reference, indicators, mode and tolerance; list the similar districts."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    view = similar_view(dataset, state, keys)
    heading = [html.H3(translate(texts, "title", lang), className="h5 mt-4"),
               html.P(translate(texts, "intro", lang), className="small text-muted")]
    if view["reference"] is None or not dataset.indicator_meta:
        return html.Section([*heading, html.P(translate(texts, "no_indicators", lang),
                                              className="text-muted")], id=SECTION)
    controls = dbc.Row([
        dbc.Col([dbc.Label(translate(texts, "reference", lang), html_for=REFERENCE_DROPDOWN),
                 dcc.Dropdown(id=REFERENCE_DROPDOWN, value=view["reference"], clearable=False,
                              labels=dropdown_labels(lang),
                              options=area_options(dataset))], md=4),
        dbc.Col([dbc.Label(translate(texts, "indicators", lang), html_for=INDICATORS_DROPDOWN),
                 dcc.Dropdown(id=INDICATORS_DROPDOWN, value=view["indicators"], multi=True,
                              labels=dropdown_labels(lang),
                              options=[{"label": s.label.get(lang), "value": i}
                                       for i, s in dataset.indicator_meta.items()])], md=8),
        dbc.Col([dbc.Label(translate(texts, "mode", lang), html_for=MODE_RADIO),
                 dbc.RadioItems(id=MODE_RADIO, value=view["mode"],
                                options=[{"label": translate(texts, m, lang), "value": m}
                                         for m in ("distance", *[m for m in MODES
                                                                 if m != "distance"])])], md=8),
        dbc.Col([dbc.Label(translate(texts, "tolerance", lang), html_for=TOLERANCE_INPUT),
                 dbc.Input(id=TOLERANCE_INPUT, type="number", min=0, step="any", debounce=True,
                           value=view["tolerance"], disabled=view["mode"] == "distance")], md=4),
    ], className="no-print g-3 mb-2")
    return html.Section([*heading, controls, *_result(dataset, view, state.year, lang)],
                        id=SECTION)


def register_similar_callbacks(app, dataset: Dataset) -> None:
    """Write the picked reference, indicators, mode and tolerance to the URL."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(REFERENCE_DROPDOWN, "value"),
        Input(INDICATORS_DROPDOWN, "value"),
        Input(MODE_RADIO, "value"),
        Input(TOLERANCE_INPUT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_similar(reference, indicators, mode, tolerance, search):
        new = similar_search(dataset, search, reference=reference, indicators=indicators,
                             mode=mode, tolerance=tolerance)
        return no_update if new is None else new
