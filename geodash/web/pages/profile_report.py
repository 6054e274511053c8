"""The profile page's "PDF": the Sozialraumbericht of the shown area (part of the profile page)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.export.slugs import slug
from geodash.web import ids
from geodash.web.i18n import translate
from geodash.web.state import ViewState

# Element ids.
BUTTON = "profil-pdf"
DOWNLOAD = "profil-pdf-datei"

TEXT = {
    "de": {"pdf": "PDF", "title": "Sozialraumbericht dieses Gebiets als PDF (A4)",
           "file": "sozialraumbericht"},
    "en": {"pdf": "PDF", "title": "Social area report of this area as PDF (A4)",
           "file": "social-area-report"},
}


def build_pdf_button(lang: str) -> html.Div:
    """The button and its download."""
    return html.Div([
        dbc.Button(translate(TEXT, "pdf", lang), id=BUTTON, color="secondary", outline=True,
                   title=translate(TEXT, "title", lang)),
        dcc.Download(id=DOWNLOAD),
    ])


def report_file(dataset: Dataset, search: str | None) -> tuple[bytes, str]:
    """The PDF report of the area the URL shows (the first area by default), and its file name."""
    # Imported here: the report uses the web figures, whose package imports this page.
    from geodash.report import report_bytes
    from geodash.web.pages.profile import shown_area

    state = ViewState.from_query(search, page="profil")
    key = shown_area(dataset, state)
    if key is None:
        raise PreventUpdate
    data = report_bytes(dataset, "pdf", area=key, year=state.year if state.year in dataset.years else None,
                        lang=state.lang)
    return data, f"{translate(TEXT, 'file', state.lang)}_{slug(dataset.area_label(key))}.pdf"


def register_callbacks(app, dataset: Dataset) -> None:
    """Make the PDF on a click."""

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(BUTTON, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def download(n_clicks, search):
        if not n_clicks:
            raise PreventUpdate
        content, filename = report_file(dataset, search)
        return dcc.send_bytes(content, filename)
