"""The frame around every page: navbar with the page links and the language switch, footer.

The frame is static HTML that the router (:mod:`geodash.web.app`) fills for
each URL; the functions here only build components.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from dash import dcc, html

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.i18n import translate
from geodash.web.state import LANGS, ViewState

TEXT = {
    "de": {
        "pages": "Seiten",
        "language": "Sprache",
        "skip": "Zum Inhalt springen",
        "footer": "geodash · Daten: {name}",
        "not_found": "Diese Seite gibt es nicht.",
        "back_to_map": "Zur Karte",
        "error": "Diese Ansicht konnte nicht gezeigt werden: {message}",
    },
    "en": {
        "pages": "Pages",
        "language": "Language",
        "skip": "Skip to content",
        "footer": "geodash · data: {name}",
        "not_found": "There is no such page.",
        "back_to_map": "Back to the map",
        "error": "This view could not be shown: {message}",
    },
}
LANG_NAMES = {"de": "Deutsch", "en": "English"}


def page_key(page: ModuleType) -> str:
    """The short name of a page, from its path: ``"karte"`` for ``/``, else the path's last part."""
    return page.PATH.strip("/").split("/")[-1] or "karte"


def href(path: str, state: ViewState) -> str:
    """A link to ``path`` that carries the view."""
    query = state.to_query()
    return f"{path}?{query}" if query else path


def build_frame() -> html.Div:
    """The app's static layout: URL, router memory, navbar, page container and footer."""
    return html.Div(
        className="gd-app",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.RENDERED, storage_type="memory"),
            dcc.Store(id=ids.DOCUMENT, storage_type="memory"),
            html.Div(id=ids.DOCUMENT_SINK, hidden=True),
            html.A(translate(TEXT, "skip", "de"), href="#main", className="gd-skip"),
            html.Header(id=ids.NAVBAR, className="gd-navbar no-print"),
            html.Main(id="main", className="gd-main", tabIndex="-1",
                      children=html.Div(id=ids.CONTENT, className="gd-content")),
            html.Footer(id=ids.FOOTER, className="gd-footer"),
        ],
    )


def build_navbar(dataset: Dataset, pages: Sequence[ModuleType], current: ModuleType | None,
                 state: ViewState, path: str = "/") -> list:
    """Navbar content: title, one link per page (keeping the view), language switch.

    Parameters
    ----------
    dataset
        Gives the title.
    pages
        The page modules, in order.
    current
        The page on screen (``None`` on an unknown path).
    state
        The view; every link keeps it, the language links change only ``lang``.
    path
        The path on screen, which the language links keep.
    """
    lang = state.lang
    links = [
        dcc.Link(
            page.NAME.get(lang, page.NAME["de"]), href=href(page.PATH, state),
            id=ids.NAV_LINK.format(page_key(page)),
            className="gd-nav-link" + (" active" if page is current else ""),
        )
        for page in pages
    ]
    switch = [
        dcc.Link(code.upper(), href=href(path, state.with_(lang=code)), id=ids.LANG_LINK.format(code),
                 title=LANG_NAMES[code], className="gd-lang" + (" active" if code == lang else ""))
        for code in LANGS
    ]
    return [
        html.Div(className="gd-navbar-inner", children=[
            dcc.Link(dataset.settings.title.get(lang), href=href("/", state), className="gd-brand"),
            html.Nav(links, className="gd-nav", **{"aria-label": translate(TEXT, "pages", lang)}),
            html.Div(switch, className="gd-lang-switch", role="group",
                     **{"aria-label": translate(TEXT, "language", lang)}),
        ]),
    ]


def build_footer(dataset: Dataset, lang: str) -> list:
    """Footer: the workspace's data note, so that it is on every page and every printout."""
    note = dataset.settings.notes.get(lang) if dataset.settings.notes else ""
    return [
        html.Div(translate(TEXT, "footer", lang, name=dataset.settings.name), className="gd-footer-name"),
        html.Div(note, className="gd-footer-note") if note else None,
    ]


def build_not_found(state: ViewState) -> html.Div:
    """The content for a path that no page has."""
    lang = state.lang
    return html.Div(className="gd-page gd-not-found", children=[
        html.H1(translate(TEXT, "not_found", lang)),
        dcc.Link(translate(TEXT, "back_to_map", lang), href=href("/", state)),
    ])


def build_error(message: str, lang: str) -> html.Div:
    """The content when a view cannot be built from the URL (a user-caused error)."""
    return html.Div(translate(TEXT, "error", lang, message=message),
                    className="alert alert-warning", role="alert")
