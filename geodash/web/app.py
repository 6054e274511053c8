"""The Dash app factory: the frame, the page registry and the router between them.

``create_app(dataset)`` registers every page of :data:`geodash.web.pages.PAGES`
with Dash Pages (for the page registry, titles and meta tags) and routes with
its own small callback instead of Dash's: Dash builds a page again on *every*
change of the query string, which would send the map geometry again each time
a user picks another indicator. Here a page is built again when the path
changes, or when a query parameter changes that the page does not update by
itself (its ``LIVE_PARAMS``); the map updates indicator, year and classes in
place (a small payload that the browser uses to recolour the areas).

The app also serves the map's area geometry from its own route (see
:mod:`geodash.web.wire`) and compresses every text-like response.

The pages are given a :class:`~geodash.web.live.DatasetProxy` rather than the
Dataset itself: with uploads switched on, an accepted upload makes a newly
loaded Dataset current (see :mod:`geodash.web.live`), and the next page load
shows it. The Daten page also gets the app's :class:`~geodash.web.live.Uploads`
(``layout(dataset, state, uploads=...)``), and only when uploads are on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlencode

import dash
import flask
from dash import Input, Output, State, no_update
from flask_compress import Compress

from geodash.api import register_ogcapi
from geodash.dataset import Dataset
from geodash.errors import GeodashError
from geodash.uploads import DEFAULT_MAX_BYTES
from geodash.web import ids, narrow, upload_panel
from geodash.web.auth import Access
from geodash.web.guard import register_request_guard
from geodash.web.layout import (
    PLANNING_INDEX,
    build_error,
    build_footer,
    build_frame,
    build_navbar,
    build_not_found,
    page_key,
    register_copy_link,
)
from geodash.web.live import DatasetProxy, LiveDataset, Uploads
from geodash.web.memo import ViewMemo
from geodash.web.pages import PAGES
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState
from geodash.web.url_check import build_notes, check_view
from geodash.web.wire import AreaWireCache

# Everything text-like that the browser accepts compressed: pages, JS bundles, callback answers.
COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/javascript",
                      "application/javascript", "application/json", "application/octet-stream",
                      "image/svg+xml",
                      # the OGC API (geodash.api): features, schemas, the OpenAPI definition
                      "application/geo+json", "application/schema+json", "application/vnd.oai.openapi+json"]

# Where the app keeps its per-app objects, beside Flask's own extensions.
LIVE = "geodash.live"
UPLOADS = "geodash.uploads"
AREA_WIRE = "geodash.area_wire"


# Writes the title and the language of the view into the document (screen readers, tabs).
DOCUMENT_JS = """
function(doc) {
    if (doc) {
        document.title = doc.title;
        document.documentElement.lang = doc.lang;
    }
    return "";
}
"""


def assets_folder() -> Path:
    """The ``assets/`` folder: beside the package in a checkout, inside it in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "assets"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("geodash") / "_demo" / "assets"))


@dataclass(frozen=True)
class Route:
    """What the frame shows for a URL: which page, which view, and whether to build it again."""

    page: ModuleType | None
    state: ViewState
    rebuild: bool


def normalise_path(pathname: str | None) -> str:
    """``/profil/`` and ``profil`` become ``/profil``; nothing becomes ``/``."""
    return "/" + (pathname or "").strip("/")


def changed_params(old: str | None, new: str | None) -> set[str]:
    """The names of the query parameters that differ between two query strings."""
    a = parse_qs((old or "").lstrip("?"), keep_blank_values=True)
    b = parse_qs((new or "").lstrip("?"), keep_blank_values=True)
    return {name for name in a.keys() | b.keys() if a.get(name) != b.get(name)}


def route(pages: Sequence[ModuleType], pathname: str | None, search: str | None,
          rendered: dict | None) -> Route:
    """Decide what a URL shows, given what the frame built last.

    Parameters
    ----------
    pages
        The page modules.
    pathname, search
        The URL.
    rendered
        ``{"path": ..., "query": ...}`` of the page on screen, or ``None``.

    Returns
    -------
    Route
        ``rebuild`` is False when the same page is on screen and only
        parameters changed that the page keeps up to date itself.
    """
    path = normalise_path(pathname)
    page = next((p for p in pages if normalise_path(p.PATH) == path), None)
    state = ViewState.from_query(search, page=page_key(page) if page else "karte")
    if not rendered or rendered.get("path") != path:
        return Route(page, state, True)
    live = frozenset(getattr(page, "LIVE_PARAMS", ())) if page else frozenset()
    changed = changed_params(rendered.get("query"), search)
    return Route(page, state, bool(changed - live))


def _page_builder(dataset: Dataset, page: ModuleType, extras: dict):
    """A Dash Pages layout function (query parameters as keywords) for one page module."""
    def layout(**query):
        params = {k: v for k, v in query.items() if isinstance(v, str | list)}
        state = ViewState.from_query(urlencode(params, doseq=True), page=page_key(page))
        return page.layout(dataset, state, **extras.get(page, {}))
    return layout


def prepare_dataset(dataset: Dataset) -> None:
    """Compute what every map and page view needs once, before the first request (and fork)."""
    from geodash.web.figures import derived

    dataset.areas_display  # noqa: B018 - cached property: simplified display geometry
    derived.warm(dataset)


def create_app(dataset: Dataset, *, uploads: bool = False,
               upload_max_bytes: int = DEFAULT_MAX_BYTES) -> dash.Dash:
    """Build the dashboard for one dataset.

    Parameters
    ----------
    dataset
        The validated workspace. Callbacks reach it through a proxy of the
        app's :class:`~geodash.web.live.LiveDataset`; nothing else is shared
        between requests or tabs.
    uploads
        Let users upload new indicator tables and site lists on the Daten
        page. Off by default: a public deployment is read-only, and its upload
        callbacks refuse every step.
    upload_max_bytes
        The size limit of one upload.

    Returns
    -------
    dash.Dash
        Serve it with ``app.run()`` or through ``app.server`` (a Flask app).
    """
    if upload_max_bytes <= 0:
        raise ValueError(f"`upload_max_bytes` was {upload_max_bytes} but is expected to be positive")
    prepare_dataset(dataset)
    live = LiveDataset(dataset, prepare=prepare_dataset)
    service = Uploads(live, enabled=uploads, max_bytes=upload_max_bytes)
    shown = DatasetProxy(live)
    extras = {data_page: {"uploads": service}} if uploads else {}
    title = dataset.settings.title.get("de")
    server = flask.Flask(__name__)
    # The public offer finder beside the planning pages, at /angebote/ (its own Dash app). It is
    # made first: Dash keeps the last app's paths in module globals (dash.get_relative_path,
    # the page registry), and those must be the planning app's.
    from geodash.web.public.app import mount_public_app

    finder = mount_public_app(server, shown)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(assets_folder()),
        title=title,
        update_title=None,
        # Pages are built by the router, so their components are not in the initial layout.
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = PLANNING_INDEX
    _register_compression(app.server)
    _register_geometry_route(app.server, live)
    register_ogcapi(app.server, lambda: live.current, dataset.settings.api,
                    refresh=live.refresh if uploads else None)
    app.server.config["GEODASH_UPLOADS"] = uploads
    app.server.extensions[LIVE] = live
    app.server.extensions[UPLOADS] = service
    if uploads or dataset.settings.access.viewers_must_log_in:
        # Who may change data (and, if the workspace says so, who may look): see geodash.web.auth.
        access = Access(dataset.workspace, dataset.settings.access)
        access.attach(app.server)
        if uploads and not access.configured:
            logging.getLogger(__name__).warning(
                "Uploads without a login: only a browser on this computer may change data. "
                "Set up editors with `geodash user add NAME --role editor` (see the README).")
    if uploads:
        # A file arrives base64-encoded in a JSON request: refuse anything much larger at once.
        app.server.config["MAX_CONTENT_LENGTH"] = upload_max_bytes * 4 // 3 + 2**20
    for page in PAGES:
        dash.register_page(page.__name__, path=page.PATH, name=page.NAME["de"],
                           title=f"{page.NAME['de']} · {title}",
                           layout=_page_builder(shown, page, extras))
    register_request_guard(app.server, lambda: app.callback_map,
                           mounts={finder.config.url_base_pathname: lambda: finder.callback_map})
    app.layout = build_frame()
    _register_router(app, shown, PAGES, extras, live if uploads else None)
    for page in PAGES:
        page.register_callbacks(app, shown)
    upload_panel.register_callbacks(app, service)
    register_copy_link(app)
    narrow.register_callbacks(app)
    return app


def _register_compression(server: flask.Flask) -> None:
    """Brotli when the browser offers it, else gzip, for every text-like response."""
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    server.config.setdefault("COMPRESS_BR_LEVEL", 5)
    Compress(server)


def _register_geometry_route(server: flask.Flask, live: LiveDataset) -> None:
    """Serve the encoded area geometry once per version (see :mod:`geodash.web.wire`)."""
    from geodash.web.figures.map import AREAS_ROUTE

    cache = AreaWireCache()
    server.extensions[AREA_WIRE] = cache
    cache.get(live.current)  # encode before the first request (and before gunicorn forks)

    @server.route(AREAS_ROUTE)
    def area_geometry():
        encoded = cache.get(live.current)
        response = flask.Response(encoded.body, mimetype="application/octet-stream")
        response.set_etag(encoded.etag)
        # The page asks for ?v=<etag>: that URL never changes its content. Without it,
        # the browser asks again each time and gets "304 Not Modified".
        versioned = flask.request.args.get("v") == encoded.etag
        response.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if versioned
                                             else "no-cache")
        return response.make_conditional(flask.request)


def geometry_url(dataset: Dataset) -> str:
    """The URL of the area geometry with its version, for the map page of ``dataset``."""
    from geodash.web.figures.map import AREAS_ROUTE

    url = dash.get_relative_path(AREAS_ROUTE) if flask.has_request_context() else AREAS_ROUTE
    cache = flask.current_app.extensions.get(AREA_WIRE) if flask.has_app_context() else None
    return f"{url}?v={cache.get(dataset).etag}" if cache is not None else url


def _register_router(app: dash.Dash, dataset: Dataset, pages: Sequence[ModuleType], extras: dict,
                     live: LiveDataset | None) -> None:
    # Pages already built for a view (not the Daten page with uploads). Few: a page holds its
    # data (the map page its sites, the comparison its tables), which grows with the city.
    built = ViewMemo(maxsize=16)

    @app.callback(
        Output(ids.CONTENT, "children"),
        Output(ids.RENDERED, "data"),
        Output(ids.NAVBAR, "children"),
        Output(ids.FOOTER, "children"),
        Output(ids.DOCUMENT, "data"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        State(ids.RENDERED, "data"),
    )
    def show(pathname, search, rendered):
        where = route(pages, pathname, search, rendered)
        state, page = where.state, where.page
        memory = {"path": normalise_path(pathname), "query": (search or "").lstrip("?")}
        content = no_update
        if where.rebuild:
            if live is not None:
                # Another worker may have accepted an upload, or someone ran `geodash restore`.
                live.refresh()
            page_extras = extras.get(page, {})
            if page_extras:  # the upload panel shows per-process state: always built anew
                content = _build_content(dataset, page, state, page_extras)
            else:
                content = built.get(dataset, state, lambda: _build_content(dataset, page, state, {}),
                                    memory["path"])
        name = page.NAME.get(state.lang, page.NAME["de"]) if page else "404"
        document = {"title": f"{name} · {dataset.settings.title.get(state.lang)}",
                    "lang": state.lang}
        # The footer only depends on the language, and a new language rebuilds the page.
        footer = build_footer(dataset, state.lang) if where.rebuild else no_update
        return (content, memory, build_navbar(dataset, pages, page, state, memory["path"]),
                footer, document)

    app.clientside_callback(DOCUMENT_JS, Output(ids.DOCUMENT_SINK, "children"),
                            Input(ids.DOCUMENT, "data"))


def _build_content(dataset: Dataset, page: ModuleType | None, state: ViewState, extras: dict):
    if page is None:
        return build_not_found(state)
    # Every page shows what the data has; the note says what the URL asked for instead.
    checked = check_view(dataset, state)
    try:
        content = page.layout(dataset, checked.state, **extras)
        return [build_notes(checked), content] if checked.notes else content
    except GeodashError as exc:
        # A parameter in the URL that the data cannot answer: say so, keep the frame.
        return build_error(exc.message, state.lang)
