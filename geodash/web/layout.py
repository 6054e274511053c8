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

# The page every geodash Dash app serves. `{lang}` and `{dir}` stay in the text for the offer
# finder, which fills them per request (its languages include right-to-left Arabic); the
# planning app writes German (see PLANNING_INDEX).
INDEX = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript>Diese Seite braucht JavaScript. / This page needs JavaScript.</noscript>
        {%app_entry%}
        <footer>{%config%}{%scripts%}{%renderer%}</footer>
    </body>
</html>"""
PLANNING_INDEX = INDEX.replace('<html lang="{lang}" dir="{dir}">', '<html lang="de">', 1)

TEXT = {
    "de": {
        "pages": "Seiten",
        "language": "Sprache",
        "skip": "Zum Inhalt springen",
        "footer": "geodash · Daten: {name}",
        "not_found": "Diese Seite gibt es nicht.",
        "back_to_map": "Zur Karte",
        "error": "Diese Ansicht konnte nicht gezeigt werden: {message}",
        "printed": "Gedruckt am",
        "copy_link": "Link kopieren",
        "copy_link_title": "Die Adresse dieser Ansicht in die Zwischenablage kopieren",
        "link_field": "Adresse dieser Ansicht",
    },
    "en": {
        "pages": "Pages",
        "language": "Language",
        "skip": "Skip to content",
        "footer": "geodash · data: {name}",
        "not_found": "There is no such page.",
        "back_to_map": "Back to the map",
        "error": "This view could not be shown: {message}",
        "printed": "Printed on",
        "copy_link": "Copy link",
        "copy_link_title": "Copy the address of this view to the clipboard",
        "link_field": "Address of this view",
    },
}
LANG_NAMES = {"de": "Deutsch", "en": "English"}

# "Link kopieren": the clipboard where the browser allows it; else the URL in a read-only
# field, selected, for Ctrl+C. The status line says which (it is a live region).
COPY_LINK_JS = """
function (clicks, doc) {
    const noUpdate = window.dash_clientside.no_update;
    if (!clicks) { return noUpdate; }
    const set = window.dash_clientside.set_props;
    const en = doc && doc.lang === "en";
    const url = window.location.href;
    const done = en ? "Link copied" : "Link kopiert";
    const manual = en ? "Press Ctrl+C to copy the selected link" :
        "Link markiert: mit Strg+C kopieren";
    function fallback() {
        set("FIELD_ID", {value: url});
        set("BOX_ID", {hidden: false});
        // Also straight in the page: the selection must not wait for React's next render.
        window.setTimeout(function () {
            const field = document.getElementById("FIELD_ID");
            const box = document.getElementById("BOX_ID");
            let copied = false;
            if (box) { box.hidden = false; }
            if (field) {
                field.value = url;
                field.focus();
                field.select();
                try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
            }
            set("STATUS_ID", {children: copied ? done : manual});
        }, 0);
    }
    if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(function () {
            set("BOX_ID", {hidden: true});
            set("STATUS_ID", {children: done});
        }, fallback);
    } else {
        fallback();
    }
    return "";
}
""".replace("FIELD_ID", ids.COPY_LINK_FIELD).replace("STATUS_ID", ids.COPY_LINK_STATUS) \
    .replace("BOX_ID", ids.COPY_LINK_BOX)


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
            # Printed too, as the page's header: city and print date (see assets/03-print.css).
            html.Header(id=ids.NAVBAR, className="gd-navbar"),
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
            build_copy_link(lang),
            build_print_header(dataset, lang),
        ]),
    ]


def build_print_header(dataset: Dataset, lang: str) -> html.Div:
    """Only on paper: the city's name and the print date (``assets/gd-print.js`` writes the date)."""
    return html.Div(className="gd-print-only gd-print-header", children=[
        html.Span(dataset.settings.name, className="gd-print-city"),
        html.Span(className="gd-print-date", **{"data-prefix": translate(TEXT, "printed", lang)}),
    ])


def build_copy_link(lang: str) -> html.Div:
    """The "Link kopieren" button, its status and the read-only field the fallback fills."""
    return html.Div(className="gd-copy-link no-print", children=[
        html.Button(translate(TEXT, "copy_link", lang), id=ids.COPY_LINK, type="button", n_clicks=0,
                    title=translate(TEXT, "copy_link_title", lang), className="gd-copy-link-button"),
        html.Label(id=ids.COPY_LINK_BOX, hidden=True, children=[
            html.Span(translate(TEXT, "link_field", lang), className="gd-visually-hidden"),
            dcc.Input(id=ids.COPY_LINK_FIELD, type="text", readOnly=True, value="",
                      className="gd-copy-link-field"),
        ]),
        html.Span(id=ids.COPY_LINK_STATUS, role="status", className="gd-copy-link-status"),
    ])


def register_copy_link(app) -> None:
    """Copy the view's URL in the browser (clientside: nothing is sent to the server)."""
    from dash import Input, Output, State

    app.clientside_callback(COPY_LINK_JS, Output(ids.COPY_LINK_STATUS, "children"),
                            Input(ids.COPY_LINK, "n_clicks"), State(ids.DOCUMENT, "data"),
                            prevent_initial_call=True)


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
