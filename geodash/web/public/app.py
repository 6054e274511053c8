"""The public offer finder as its own Dash app under ``/angebote/``, alone or beside the planning app.

``create_public_app(dataset)`` serves only the finder and its legal notice
(``geodash serve --public``): no planning page, no upload, no planning
callback exists in that process. ``mount_public_app(server, dataset)`` puts
the same app beside the planning app on its Flask server.

Privacy. The search runs in a Dash callback (a POST whose body no access log
records); the URL then shows the search (``?adresse=…``) so that it can be
sent as a link, but only in the browser. When such a link is opened, the
address is in the query string of a GET request: :class:`QueryStripFilter`
removes query strings from the request lines werkzeug logs, and the
``gunicorn.conf.py`` of the repository logs the path only (``%(U)s``). Pages
send ``Referrer-Policy: no-referrer`` so that a followed route link does not
carry the search to openstreetmap.org.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import dash
import flask
from dash import Input, Output, State, ctx, dcc, html, no_update

from geodash.dataset import Dataset
from geodash.web.layout import INDEX
from geodash.web.public import legal
from geodash.web.public.finder import (
    ADDRESS,
    CATEGORIES,
    COUNT,
    FREE,
    LANGUAGE,
    MAP,
    PRINT,
    SUBMIT,
    TARGET,
    build_finder,
)
from geodash.web.public.i18n import available_languages, own_name, text_direction, translator
from geodash.web.public.query import DEFAULT_COUNT, FinderQuery
from geodash.web.public.search import address_index, find

PREFIX = "/angebote/"
ASSETS = Path(__file__).resolve().parent / "assets"

URL = "finder-url"
CONTENT = "finder-inhalt"
DOCUMENT = "finder-dokument"
DOCUMENT_SINK = "finder-dokument-senke"
HEADER = "finder-kopf"
FOOTER = "finder-fuss"


# Writes the language, direction and title of the page into the document; after a search, moves
# the focus to the results (screen readers then read them; keyboard users continue from there).
DOCUMENT_JS = """
function(doc) {
    if (doc) {
        document.documentElement.lang = doc.lang;
        document.documentElement.dir = doc.dir;
        document.title = doc.title;
        if (doc.focus) {
            window.requestAnimationFrame(function () {
                var target = document.getElementById(doc.focus);
                if (target) { target.focus(); }
            });
        }
    }
    return "";
}
"""
PRINT_JS = "function(n) { if (n) { window.print(); } return ''; }"


class QueryStripFilter(logging.Filter):
    """Drops the query string from the request lines werkzeug logs: a sent link holds an address.

    Examples
    --------
    >>> record = logging.LogRecord("werkzeug", 20, "", 0, '%s - - "%s" %s', ("127.0.0.1",
    ...     "GET /angebote/?adresse=Ludwigstra%C3%9Fe+2 HTTP/1.1", "200"), None)
    >>> QueryStripFilter().filter(record), record.args[1]
    (True, 'GET /angebote/ HTTP/1.1')
    """

    _QUERY = re.compile(r"\?\S*")

    def filter(self, record: logging.LogRecord) -> bool:
        """Remove query strings from the record's arguments (or message); always keep the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(self._QUERY.sub("", a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = self._QUERY.sub("", record.msg)
        return True


def strip_queries_from_logs() -> None:
    """Install :class:`QueryStripFilter` on werkzeug's request log (once)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QueryStripFilter) for f in logger.filters):
        logger.addFilter(QueryStripFilter())


class PublicDash(dash.Dash):
    """A Dash app whose first HTML already carries the language and direction from ``?lang=``."""

    def interpolate_index(self, **kwargs):
        """Dash's index page with ``lang`` and ``dir`` of the requested language."""
        languages = self.server.config.get("GEODASH_FINDER_LANGUAGES", ["de"])
        lang = flask.request.args.get("lang", "de") if flask.has_request_context() else "de"
        lang = lang if lang in languages else "de"
        html_text = super().interpolate_index(**kwargs)
        return html_text.replace('<html lang="{lang}" dir="{dir}">',
                                 f'<html lang="{lang}" dir="{text_direction(lang)}">', 1)


def _frame() -> html.Div:
    return html.Div(className="gd-finder-app", children=[
        dcc.Location(id=URL, refresh="callback-nav"),
        dcc.Store(id=DOCUMENT, storage_type="memory"),
        html.Div(id=DOCUMENT_SINK, hidden=True),
        html.Div(id="finder-druck-senke", hidden=True),
        html.Header(id=HEADER, className="gd-finder-header no-print"),
        html.Main(id="main", className="gd-finder-main", tabIndex="-1",
                  children=html.Div(id=CONTENT)),
        html.Footer(id=FOOTER, className="gd-finder-footer"),
    ])


def _header(dataset: Dataset, query: FinderQuery, path: str, languages: list[str], _) -> list:
    links = [
        # Plain links: a new language loads the page anew, with its lang and dir from the server.
        html.Li(html.A(own_name(code), href=f"{path}?{query.with_(lang=code).to_query()}".rstrip("?"),
                         lang=code, hrefLang=code, className="gd-finder-lang" + (" active" if code == _.lang
                                                                                   else ""),
                         **({"aria-current": "true"} if code == _.lang else {})))
        for code in languages
    ]
    return [
        html.A(_("Zum Inhalt springen"), href="#main", className="gd-skip"),
        html.Div(className="gd-finder-header-inner", children=[
            html.Span(dataset.settings.name, className="gd-finder-brand"),
            html.Nav(html.Ul(links, className="gd-finder-langs"), **{"aria-label": _("Sprache")}),
        ]),
    ]


def _footer(dataset: Dataset, query: FinderQuery, _) -> list:
    note = dataset.settings.notes.get(_.lang) if dataset.settings.notes else ""
    return [
        html.P([dcc.Link(_("Impressum und Datenschutz"),
                         href=f"{legal.PATH}?{FinderQuery(lang=query.lang).to_query()}".rstrip("?")),
                " · ", _("Diese Seite speichert keine eingegebenen Adressen und lädt nichts von anderen "
                         "Servern.")]),
        html.P(note, className="gd-finder-note", lang="de" if _.lang not in ("de", "en") else None)
        if note else None,
    ]


def page_for(dataset: Dataset, pathname: str | None, search: str | None, *, year: int) -> dict:
    """Everything the frame shows for a URL: header, content, footer and the document's language.

    Pure apart from the dataset: the callbacks only pass its parts on.
    """
    languages = available_languages(Path(dataset.workspace))
    query = FinderQuery.from_query(search, languages)
    _ = translator(query.lang, Path(dataset.workspace))
    tail = (pathname or "").rstrip("/").rsplit("/", 1)[-1]
    if tail == legal.PATH:
        content, path = legal.build_legal(dataset, query, _), legal.PATH
        title = _("Impressum und Datenschutz")
    else:
        result = find(dataset, query, year=year)
        content, title, path = build_finder(dataset, query, result, _), _("Angebote in Ihrer Nähe"), "./"
    header = _header(dataset, query, path, languages, _)
    footer = _footer(dataset, query, _)
    if _.missing:
        # Said once, in German as the texts it is about: a city sees what its catalogue lacks.
        content = [html.P("Einige Texte dieser Seite sind noch nicht übersetzt und stehen auf Deutsch.",
                          lang="de", className="gd-hint gd-untranslated"), *content]
    return {
        "header": header, "content": content, "footer": footer,
        "document": {"lang": _.lang, "dir": _.direction, "title": f"{title} · {dataset.settings.name}",
                     "focus": None},
    }


def _query_from_form(search: str | None, languages: list[str], address, categories, target, language,
                     free, count) -> FinderQuery:
    old = FinderQuery.from_query(search, languages)
    try:
        number = int(count) if count else DEFAULT_COUNT
    except ValueError:
        number = DEFAULT_COUNT
    changed_place = (address or "").strip() != old.address
    return old.with_(
        address=(address or "").strip()[:200],
        area=old.area if not changed_place or not (address or "").strip() else "",
        point=old.point if not (address or "").strip() else None,
        categories=tuple(categories or ()), target_group=target or "", language=language or "",
        free_only=bool(free), count=number)


def _register_callbacks(app: dash.Dash, dataset: Dataset) -> None:
    @app.callback(
        Output(HEADER, "children"), Output(CONTENT, "children"), Output(FOOTER, "children"),
        Output(DOCUMENT, "data"),
        Input(URL, "pathname"), Input(URL, "search"),
    )
    def show(pathname, search):
        page = page_for(dataset, pathname, search, year=date.today().year)
        if ctx.triggered_id == URL and FinderQuery.from_query(search).has_place:
            page["document"]["focus"] = "finder-ergebnisse"
        return page["header"], page["content"], page["footer"], page["document"]

    @app.callback(
        Output(URL, "search"),
        Input(SUBMIT, "n_clicks"), Input(ADDRESS, "n_submit"), Input(MAP, "clickData"),
        State(URL, "search"), State(ADDRESS, "value"), State(CATEGORIES, "value"), State(TARGET, "value"),
        State(LANGUAGE, "value"), State(FREE, "value"), State(COUNT, "value"),
        prevent_initial_call=True,
    )
    def search(clicks, submits, click, search, address, categories, target, language, free, count):
        languages = available_languages(Path(dataset.workspace))
        if ctx.triggered_id == MAP:
            if not click or not click.get("latlng"):
                return no_update
            latlng = click["latlng"]
            lat, lon = (latlng["lat"], latlng["lng"]) if isinstance(latlng, dict) else latlng
            query = _query_from_form(search, languages, "", categories, target, language, free, count)
            query = query.with_(address="", area="", point=(float(lat), float(lon)))
        elif not (clicks or submits):
            return no_update
        else:
            query = _query_from_form(search, languages, address, categories, target, language, free, count)
        text = query.to_query()
        return f"?{text}" if text else ""

    app.clientside_callback(DOCUMENT_JS, Output(DOCUMENT_SINK, "children"), Input(DOCUMENT, "data"))
    app.clientside_callback(PRINT_JS, Output("finder-druck-senke", "children"), Input(PRINT, "n_clicks"),
                            prevent_initial_call=True)


def create_public_app(dataset: Dataset, *, server: flask.Flask | bool = True) -> dash.Dash:
    """The offer finder (and its legal notice) as a Dash app under :data:`PREFIX`.

    Parameters
    ----------
    dataset
        The workspace (or a proxy of the current one). Its addresses layer,
        if any, is indexed now, once, before the first search.
    server
        ``True`` for a Flask server of its own (``geodash serve --public``:
        ``/`` leads to the finder), or the planning app's server to mount on.
    """
    own = server is True
    if own:
        server = flask.Flask(__name__)
        from geodash.web.app import _register_compression

        _register_compression(server)

        @server.route("/")
        def to_finder():
            return flask.redirect(PREFIX)

    address_index(dataset)  # built once, before the first search (and before gunicorn forks)
    strip_queries_from_logs()
    server.config["GEODASH_FINDER_LANGUAGES"] = available_languages(Path(dataset.workspace))

    @server.after_request
    def no_referrer(response):
        if flask.request.path.startswith(PREFIX):
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app = PublicDash(
        __name__, server=server, url_base_pathname=PREFIX, assets_folder=str(ASSETS),
        title=f"Angebote · {dataset.settings.name}", update_title=None,
        suppress_callback_exceptions=True, serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "referrer", "content": "no-referrer"}],
    )
    app.index_string = INDEX
    app.layout = _frame()
    _register_callbacks(app, dataset)
    if own:
        # Mounted on the planning server, the planning app's guard covers the finder too.
        from geodash.web.guard import register_request_guard

        register_request_guard(server, lambda: app.callback_map)
    return app


def mount_public_app(server: flask.Flask, dataset: Dataset) -> dash.Dash:
    """Serve the finder under :data:`PREFIX` beside the planning app, on its server.

    Call it before the planning app is made on that server: Dash keeps the last
    app's paths in module globals (``dash.get_relative_path``, the page registry).
    """
    return create_public_app(dataset, server=server)
