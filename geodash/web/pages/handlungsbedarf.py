"""Handlungsbedarf: the planner's question on one screen, one table of every area.

Status class, dynamics since a base year the planner picks, the change of each
index indicator, offers per 1,000 residents and reach per category, the gap
flag and programme-area membership; filtered and sorted, each row linking to
the profile and to the map. The view is in the URL: ``jahr``, ``basis``,
``status``, ``dyn``, ``luecke``, ``programm`` and ``sort`` (see
:mod:`geodash.web.figures.need`); a pick writes the URL and the page is built
again, except ``sort``, which the grid shows by itself. The downloads write
exactly the rows on screen.
"""

from __future__ import annotations

from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from geodash.analysis.need import WORSE
from geodash.analysis.social_index import DYNAMICS_CLASSES, STATUS_CLASSES
from geodash.dataset import Dataset
from geodash.export.columns import describe_columns
from geodash.export.formats import layer_bytes
from geodash.export.slugs import slug
from geodash.web import ids
from geodash.web.figures import need as need_fig
from geodash.web.figures.derived import class_name
from geodash.web.figures.palettes import WARNING_COLOR
from geodash.web.i18n import area_texts, dropdown_labels, translate
from geodash.web.state import ViewState

PATH = "/handlungsbedarf"
NAME = {"de": "Handlungsbedarf", "en": "Need for action"}
# The grid shows a new sort by itself; the URL only follows.
LIVE_PARAMS = frozenset({need_fig.SORT_PARAM})

# Element ids (stable: browser tests rely on them).
PAGE = "handlungsbedarf-seite"
YEAR_DROPDOWN = "handlungsbedarf-jahr"
BASE_DROPDOWN = "handlungsbedarf-basis"
STATUS_DROPDOWN = "handlungsbedarf-status"
DYNAMICS_DROPDOWN = "handlungsbedarf-dynamik"
FLAGS = "handlungsbedarf-filter"
NOTES = "handlungsbedarf-hinweise"
RULE = "handlungsbedarf-regel"
COUNT = "handlungsbedarf-anzahl"
GRID = "handlungsbedarf-tabelle"
DOWNLOAD_BUTTON = "handlungsbedarf-download"  # pattern id: {"type": ..., "format": "csv"|"xlsx"}
DOWNLOAD = "handlungsbedarf-datei"

FORMATS = ("csv", "xlsx")
# The one palette rule (web.figures.palettes): the warning colour is "more need" (6.7:1 on white).
WORSE_STYLE = {"color": WARNING_COLOR, "fontWeight": "bold"}
BETTER_STYLE = {"color": "#005A8C", "fontWeight": "bold"}  # darker #0072B2
GAP_STYLE = {"backgroundColor": "#FBE3D6"}

TEXT = {
    "de": {
        "title": "Handlungsbedarf",
        "intro": "Welche {Units} haben hohen Bedarf und wenige Angebote, und ist es seit dem "
                 "Basisjahr schlechter geworden? Status im gewählten Jahr, Dynamik seit dem "
                 "Basisjahr; Pfeile zeigen, ob ein Indikator gestiegen (▲) oder gefallen (▼) ist, "
                 "die Farbe, ob das mehr Bedarf (rot) oder weniger Bedarf (blau) bedeutet.",
        "year": "Jahr",
        "base": "Basisjahr der Dynamik",
        "status": "Status",
        "dynamics": "Dynamik",
        "all": "alle",
        "gap_only": "nur Lücken (hoher Bedarf, wenige Angebote)",
        "no_rows": "Keine {Units} passen zu diesen Filtern.",
        "programme_only": "nur in Programmgebieten",
        "count": "{n} von {total} {Units}",
        "no_index": "Es gibt keinen Statusindex: kein Indikator ist für den Index vorgesehen "
                    "oder es fehlen Werte.",
        "links": "Öffnen",
        "profile": "Profil",
        "map": "Karte",
        "download": "Tabelle herunterladen",
        "csv": "CSV",
        "xlsx": "Excel (XLSX)",
        "file": "handlungsbedarf",
    },
    "en": {
        "title": "Need for action (Handlungsbedarf)",
        "intro": "Which {units} have high need and few offers, and did it get worse since the "
                 "base year? Status in the chosen year, dynamics since the base year; arrows "
                 "show whether an indicator rose (▲) or fell (▼), the colour whether that means "
                 "more need (red) or less need (blue).",
        "year": "Year",
        "base": "Base year of the dynamics",
        "status": "Status",
        "dynamics": "Dynamics",
        "all": "all",
        "gap_only": "gaps only (high need, few offers)",
        "no_rows": "No {units} match these filters.",
        "programme_only": "in programme areas only",
        "count": "{n} of {total} {units}",
        "no_index": "There is no status index: no indicator is marked for the index, or values "
                    "are missing.",
        "links": "Open",
        "profile": "Profile",
        "map": "Map",
        "download": "Download the table",
        "csv": "CSV",
        "xlsx": "Excel (XLSX)",
        "file": "need_for_action",
    },
}


def need_search(search: str | None, **changes) -> str | None:
    """The query string (with ``?``) for newly picked controls; ``None`` when nothing changes.

    ``changes`` are ``year``, ``base``, ``status``, ``dynamics`` (lists of
    classes), ``flags`` (``"gap"``, ``"programme"``) and ``sort``; only those
    given change, ``None`` removes one. An empty filter or the default sort is
    written as no parameter at all; a new year drops a base year that is not
    before it.

    Examples
    --------
    >>> need_search("?jahr=2023", status=["sehr niedrig"], dynamics=["negativ"])
    '?jahr=2023&status=sehr+niedrig&dyn=negativ'
    >>> need_search("?sort=name", sort="-status_index")
    ''
    >>> need_search("?jahr=2023&basis=2021", year=2021)
    '?jahr=2021'
    """
    state = ViewState.from_query(search, page="handlungsbedarf")
    extra = dict(state.extra)
    year = state.year

    def put(name: str, value: str | None) -> None:
        if value:
            extra[name] = value
        else:
            extra.pop(name, None)

    if "year" in changes:
        year = None if changes["year"] is None else int(changes["year"])
        base = extra.get(need_fig.BASE_PARAM, "")
        if year is not None and base.isdigit() and int(base) >= year:
            put(need_fig.BASE_PARAM, None)
    if "base" in changes:
        put(need_fig.BASE_PARAM, None if changes["base"] is None else str(int(changes["base"])))
    for name, param in (("status", need_fig.STATUS_PARAM), ("dynamics", need_fig.DYNAMICS_PARAM)):
        if name in changes:
            put(param, ",".join(changes[name] or ()))
    if "flags" in changes:
        flags = changes["flags"] or ()
        put(need_fig.GAP_PARAM, "1" if "gap" in flags else None)
        put(need_fig.PROGRAMME_PARAM, "1" if "programme" in flags else None)
    if "sort" in changes:
        sort = changes["sort"]
        put(need_fig.SORT_PARAM, None if sort == need_fig.DEFAULT_SORT else sort)
    # The page's parameters in one order, so that equal views have equal links.
    ordered = {k: extra.pop(k) for k in need_fig.PARAMS if k in extra}
    query = state.with_(year=year, extra={**extra, **ordered}).to_query()
    if query == state.to_query():
        return None
    return f"?{query}" if query else ""


# Columns kept under their own name in the grid; the others are "c<position>" (category codes
# may hold dots and quotes, which a grid field would read as a path or a string's end).
NAMED = ("name", "status_class", "dynamics_class", "gap")

# Number formats of the browser (d3-format, which dash-ag-grid provides), as fmt_number writes
# them: decimal comma and thousands dot in German, "−" for minus, "–" for no value.
D3_LOCALE = {"de": "d3.formatLocale({decimal: ',', thousands: '.', grouping: [3], currency: ['', '']})",
             "en": "d3.formatLocale({decimal: '.', thousands: ',', grouping: [3], currency: ['', '']})"}


def number_format(lang: str, decimals: int, unit: str = "", *, scale: float = 1,
                  arrows: bool = False) -> dict:
    """A grid ``valueFormatter`` that writes a number as :func:`fmt_number` does, in the browser.

    ``arrows`` puts ▲ (with a plus sign), ▼ or ► in front; ``scale`` multiplies first
    (100 for a share shown in %).
    """
    number = f"{D3_LOCALE.get(lang, D3_LOCALE['de'])}.format(',.{int(decimals)}f')(params.value * {scale})"
    suffix = f" + ' {unit}'" if unit and unit not in ("Anzahl", "count") else ""
    arrow = "(params.value > 0 ? '▲ +' : params.value < 0 ? '▼ ' : '► ') + " if arrows else ""
    return {"function": f"params.value == null ? '–' : {arrow}{number}{suffix}"}


def grid_fields(dataset: Dataset) -> dict[str, str]:
    """The grid's field id of every column of :func:`need_fig.columns`, by column name."""
    return {field: field if field in NAMED else f"c{i}"
            for i, (field, _) in enumerate(need_fig.columns(dataset, "de"))}


def grid_rows(dataset: Dataset, table: pd.DataFrame, view: need_fig.NeedView, lang: str) -> list[dict]:
    """Turn the shown table into grid rows: raw numbers (formatted in the browser) and links.

    Column by column, never area by area. An indicator's change ``c3`` comes
    with ``c3w``: 1 when the change means more need, −1 less, 0 none.
    """
    texts = area_texts(TEXT, dataset)
    fields = grid_fields(dataset)
    names = class_names(lang)
    keys = table["area_key"].astype(str)
    query = f"&jahr={view.year}" + (f"&lang={lang}" if lang != "de" else "")
    encoded = keys.map(lambda k: quote(k, safe=""))
    profile = "/profil?gebiete=" + encoded + query
    mapped = "/?ind=status_index&gebiete=" + encoded + query
    frame = pd.DataFrame({
        "key": keys, "name": table["name"],
        "status_class": table["status_class"].map(names),
        "dynamics_class": table["dynamics_class"].map(names),
        "gap": table["gap"].astype(bool),
        "links": (f"[{translate(texts, 'profile', lang)}](<" + profile + f">) · "
                  f"[{translate(texts, 'map', lang)}](<" + mapped + ">)"),
    })
    for column, grid in fields.items():
        if column in NAMED:
            continue
        frame[grid] = table[column].astype(float).round(4)
        if column.startswith("change_"):
            frame[f"{grid}w"] = table[column.replace("change_", "worse_", 1)].astype(float)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def class_names(lang: str) -> dict[str, str]:
    """MSS class names in the UI language (``niedrig`` → ``low``)."""
    return {c: class_name(c, lang) for c in (*STATUS_CLASSES, *DYNAMICS_CLASSES)}


def column_defs(dataset: Dataset, view: need_fig.NeedView, lang: str) -> list[dict]:
    """The grid's columns: the name pinned left, numbers right-aligned and formatted per language."""
    texts = area_texts(TEXT, dataset)
    meta = dataset.indicator_meta
    fields = grid_fields(dataset)
    sort_field = view.sort.lstrip("-")
    direction = "desc" if view.sort.startswith("-") else "asc"
    yes, no = translate(need_fig.TEXT, "yes", lang), translate(need_fig.TEXT, "no", lang)
    defs = []
    for column, header in need_fig.columns(dataset, lang):
        grid = fields[column]
        col = {"field": grid, "colId": grid, "headerName": header, "headerTooltip": header}
        if column == "name":
            col.update(pinned="left", minWidth=140, maxWidth=260)
        elif column in ("status_class", "dynamics_class"):
            # A class is sorted by its index (the column beside it).
            index_field = fields[column.replace("_class", "_index")]
            col.update(sortable=False, minWidth=110)
            col["cellStyle"] = {"styleConditions": [
                {"condition": f"params.data.{index_field} > 1", "style": WORSE_STYLE},
                {"condition": f"params.data.{index_field} < -1", "style": BETTER_STYLE}]}
        elif column == "gap":
            col.update(valueFormatter={"function": f"params.value ? '{yes}' : '{no}'"}, minWidth=80)
            col["cellStyle"] = {"styleConditions": [
                {"condition": "params.data.gap", "style": {**WORSE_STYLE, **GAP_STYLE}}]}
        else:
            col.update(type="rightAligned", minWidth=120)
            if column.startswith("change_"):
                spec = meta[column.removeprefix("change_")]
                col["valueFormatter"] = number_format(lang, spec.decimals, spec.unit, arrows=True)
                col["cellStyle"] = {"styleConditions": [
                    {"condition": f"params.data.{grid}w === {WORSE}", "style": WORSE_STYLE},
                    {"condition": f"params.data.{grid}w === {-WORSE}", "style": BETTER_STYLE}]}
            elif column.startswith("share") or column == "programme_share":
                col["valueFormatter"] = number_format(lang, 0, "%", scale=100)
            else:
                col["valueFormatter"] = number_format(lang, 2)
        if column == sort_field:
            col["sort"] = direction
        defs.append(col)
    defs.insert(1, {"field": "links", "headerName": translate(texts, "links", lang),
                    "cellRenderer": "markdown", "sortable": False, "minWidth": 130})
    return defs


def build_grid(dataset: Dataset, view: need_fig.NeedView, table: pd.DataFrame, lang: str) -> dag.AgGrid:
    """The table itself: virtualised rows in a box that scrolls inside itself on a phone."""
    return dag.AgGrid(
        id=GRID,
        rowData=grid_rows(dataset, table, view, lang),
        columnDefs=column_defs(dataset, view, lang),
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True, "sortingOrder": ["desc", "asc"]},
        getRowId="params.data.key",
        dashGridOptions={"animateRows": False, "suppressColumnVirtualisation": False,
                         "rowBuffer": 10, "tooltipShowDelay": 300,
                         # AG Grid's own empty-table text is English; ours follows the language.
                         "localeText": {"noRowsToShow": translate(area_texts(TEXT, dataset),
                                                                  "no_rows", lang)}},
        className="ag-theme-alpine gd-need-grid",
        style={"height": "min(70vh, 640px)", "width": "100%"},
    )


def build_controls(dataset: Dataset, view: need_fig.NeedView, lang: str) -> dbc.Row:
    """Year, base year, status and dynamics classes, and the gap and programme filters."""
    texts = area_texts(TEXT, dataset)
    years = need_fig.status_years(dataset)
    bases = need_fig.base_choices(dataset, view.year) if view.year is not None else []
    flags = [v for v, on in (("gap", view.gap_only), ("programme", view.programme_only)) if on]
    flag_options = [{"label": translate(texts, "gap_only", lang), "value": "gap"}]
    if len(dataset.zones):
        flag_options.append({"label": translate(texts, "programme_only", lang), "value": "programme"})

    def dropdown(id_, options, value, multi=False):
        return dcc.Dropdown(id=id_, options=options, value=value, multi=multi, clearable=multi,
                            placeholder=translate(texts, "all", lang), labels=dropdown_labels(lang))

    return dbc.Row([
        dbc.Col([dbc.Label(translate(texts, "year", lang), html_for=YEAR_DROPDOWN),
                 dropdown(YEAR_DROPDOWN, [{"label": str(y), "value": y} for y in years],
                          view.year)], xs=6, md=2),
        dbc.Col([dbc.Label(translate(texts, "base", lang), html_for=BASE_DROPDOWN),
                 dropdown(BASE_DROPDOWN, [{"label": str(y), "value": y} for y in bases],
                          view.base)], xs=6, md=2),
        dbc.Col([dbc.Label(translate(texts, "status", lang), html_for=STATUS_DROPDOWN),
                 dropdown(STATUS_DROPDOWN, [{"label": class_name(c, lang), "value": c}
                                            for c in STATUS_CLASSES], list(view.status), True)],
                xs=12, md=3),
        dbc.Col([dbc.Label(translate(texts, "dynamics", lang), html_for=DYNAMICS_DROPDOWN),
                 dropdown(DYNAMICS_DROPDOWN, [{"label": class_name(c, lang), "value": c}
                                              for c in DYNAMICS_CLASSES], list(view.dynamics),
                          True)], xs=12, md=3),
        dbc.Col(dbc.Checklist(id=FLAGS, options=flag_options, value=flags, className="mt-md-4"),
                xs=12, md=2),
    ], className="no-print g-2 mb-2")


def build_downloads(lang: str) -> html.Div:
    """CSV and XLSX of exactly the rows on screen."""
    return html.Div(className="gd-buttons no-print mt-2", children=[
        html.Span(translate(TEXT, "download", lang) + ": ", className="me-2"),
        *[html.Button(translate(TEXT, fmt, lang), id={"type": DOWNLOAD_BUTTON, "format": fmt},
                      n_clicks=0, type="button", className="btn btn-outline-primary btn-sm me-2")
          for fmt in FORMATS],
        dcc.Download(id=DOWNLOAD),
    ])


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """The Handlungsbedarf page for the view in the URL."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    view = need_fig.need_view(dataset, state)
    head = [html.H2(translate(texts, "title", lang), className="h4"),
            html.P(translate(texts, "intro", lang), className="small text-muted")]
    if view.year is None:
        return html.Div([*head, dbc.Alert(translate(texts, "no_index", lang), color="info")],
                        id=PAGE, className="geodash-page need-page")
    table = need_fig.shown_table(dataset, view)
    notes = dbc.Alert([html.Div(n) for n in view.notes], id=NOTES, color="warning",
                      is_open=bool(view.notes), className="no-print")
    return html.Div([
        *head,
        build_controls(dataset, view, lang),
        notes,
        html.P(need_fig.gap_rule_text(dataset, lang), id=RULE, className="small"),
        html.P(translate(texts, "count", lang, n=len(table), total=len(dataset.areas)), id=COUNT,
               className="small fw-bold mb-1", role="status"),
        build_grid(dataset, view, table, lang),
        build_downloads(lang),
    ], id=PAGE, className="geodash-page need-page")


def sort_of(column_state: list | None, fields: dict[str, str]) -> str | None:
    """The grid's sort as ``column`` or ``-column`` (names of the need table, not grid ids).

    ``None`` when no column is sorted or the grid names a column it does not have.

    Examples
    --------
    >>> state = [{"colId": "name", "sort": None}, {"colId": "c2", "sort": "desc", "sortIndex": 0}]
    >>> sort_of(state, {"name": "name", "status_index": "c2"})
    '-status_index'
    """
    sorted_columns = [c for c in column_state or [] if isinstance(c, dict) and c.get("sort")]
    if not sorted_columns:
        return None
    first = min(sorted_columns, key=lambda c: c.get("sortIndex") or 0)
    by_grid = {grid: column for column, grid in fields.items()}
    column = by_grid.get(str(first.get("colId")))
    if column is None:
        return None
    return ("-" if first["sort"] == "desc" else "") + column


def export_file(dataset: Dataset, search: str | None, fmt: str) -> tuple[str, bytes]:
    """The file name and bytes of the table on screen for the view in ``search``."""
    state = ViewState.from_query(search, page="handlungsbedarf")
    view = need_fig.need_view(dataset, state)
    table = describe_columns(need_fig.export_table(dataset, view, state.lang), dataset, year=view.year)
    name = slug(f"{translate(TEXT, 'file', state.lang)}_{view.year}_{view.base}")
    return f"{name}.{fmt}", layer_bytes(table, fmt, name=name, german=state.lang == "de",
                                        lang=state.lang)


def register_callbacks(app, dataset: Dataset) -> None:
    """Wire the controls and the grid's sort to the URL, and the buttons to the downloads."""

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(YEAR_DROPDOWN, "value"),
        Input(BASE_DROPDOWN, "value"),
        Input(STATUS_DROPDOWN, "value"),
        Input(DYNAMICS_DROPDOWN, "value"),
        Input(FLAGS, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_view(year, base, status, dynamics, flags, search):
        changes = {
            YEAR_DROPDOWN: {"year": year},
            BASE_DROPDOWN: {"base": base},
            STATUS_DROPDOWN: {"status": list(status or [])},
            DYNAMICS_DROPDOWN: {"dynamics": list(dynamics or [])},
            FLAGS: {"flags": list(flags or [])},
        }.get(ctx.triggered_id)
        if not changes:
            return no_update
        new = need_search(search, **changes)
        return no_update if new is None else new

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(GRID, "columnState"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def follow_sort(column_state, search):
        sort = sort_of(column_state, grid_fields(dataset))
        view = need_fig.need_view(dataset, ViewState.from_query(search, page="handlungsbedarf"))
        if sort is None or sort == view.sort:  # the grid shows the page's own sort
            return no_update
        new = need_search(search, sort=sort)
        return no_update if new is None else new

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input({"type": DOWNLOAD_BUTTON, "format": ALL}, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def download(clicks, search):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks or []):
            return no_update
        filename, content = export_file(dataset, search, trigger["format"])
        return dcc.send_bytes(content, filename)
