"""Karte exportieren: the map page's current view as PNG, PDF, SVG or HTML (part of the map page).

The file is made on the server from the URL's view by the same function as
``geodash export map`` (:mod:`geodash.export.map_formats`), so a download and
the command line give the same map.
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.export.slugs import slug
from geodash.web.figures.choropleth import resolve_state
from geodash.web.i18n import translate
from geodash.web.state import ViewState

# Element ids.
FORMAT = "karte-export-format"
BUTTON = "karte-export-knopf"
DOWNLOAD = "karte-export-datei"
PAGE_URL = "karte-url"  # the map page's own read-only Location (see geodash.web.pages.map)
# The formats offered (keys of geodash.export.map_formats.MAP_FORMATS; imported when a file is
# made, since geodash.export.static_map imports the web figures, which import this page).
FORMATS = ("png", "pdf", "svg", "html")

TEXT = {
    "de": {"export": "Karte exportieren", "format": "Format", "download": "Herunterladen",
           "png": "PNG (Bild, 200 dpi)", "pdf": "PDF (A4 quer)", "svg": "SVG (Vektorgrafik)",
           "html": "HTML (interaktiv, offline)", "file": "karte"},
    "en": {"export": "Export map", "format": "Format", "download": "Download",
           "png": "PNG (image, 200 dpi)", "pdf": "PDF (A4 landscape)", "svg": "SVG (vector graphics)",
           "html": "HTML (interactive, offline)", "file": "map"},
}


def build_export(lang: str) -> html.Div:
    """The export control: a format and a download button (left out when printing)."""
    return html.Div(className="gd-map-export no-print", children=[
        html.Label(translate(TEXT, "export", lang), htmlFor=FORMAT, className="form-label"),
        dcc.RadioItems(id=FORMAT, value="pdf", className="gd-radio",
                       options=[{"label": translate(TEXT, fmt, lang), "value": fmt} for fmt in FORMATS]),
        html.Button(translate(TEXT, "download", lang), id=BUTTON, type="button",
                    className="btn btn-outline-secondary btn-sm mt-1"),
        dcc.Download(id=DOWNLOAD),
    ])


def export_file(dataset: Dataset, search: str | None, fmt: str) -> tuple[bytes, str]:
    """The file of the view in the URL's query, and its name (``karte_alq_2023.pdf``)."""
    from geodash.export.map_formats import MAP_FORMATS, map_bytes

    state = resolve_state(dataset, ViewState.from_query(search, page="karte"))
    name = "_".join(part for part in (translate(TEXT, "file", state.lang), slug(state.indicator or ""),
                                      str(state.year or "")) if part)
    return map_bytes(dataset, state, fmt), f"{name}{MAP_FORMATS[fmt].suffix}"


def register_callbacks(app, dataset: Dataset) -> None:
    """Make the file on a click of the button."""

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(BUTTON, "n_clicks"),
        State(FORMAT, "value"),
        State(PAGE_URL, "search"),
        prevent_initial_call=True,
    )
    def download(n_clicks, fmt, search):
        if not n_clicks or fmt not in FORMATS:
            raise PreventUpdate
        content, filename = export_file(dataset, search, fmt)
        return dcc.send_bytes(content, filename)
