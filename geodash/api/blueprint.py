"""The Flask blueprint that serves :class:`~geodash.api.service.FeatureService` under ``/ogcapi``.

Thin: it turns a Flask request into a :class:`~geodash.api.service.Request`,
picks the Dataset the app serves now, and turns the answer into a response.
Read-only: GET and HEAD (and OPTIONS) are answered, any other method with 405.
"""

from __future__ import annotations

from collections.abc import Callable

import flask

from geodash.api.metadata import HTML, JSON
from geodash.api.service import Answer, FeatureService, Request
from geodash.catalog import ApiSettings
from geodash.dataset import Dataset

PREFIX = "/ogcapi"
ALLOWED = ("GET", "HEAD", "OPTIONS")
METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
# Media types a client may ask for; the first is the default (GDAL, curl and */* get JSON).
OFFERED = ["application/json", "application/geo+json", "text/html"]


def _request() -> Request:
    args = {name: flask.request.args.get(name, "") for name in flask.request.args}
    accept = flask.request.accept_mimetypes
    best = accept.best_match(OFFERED)
    html_preferred = best == "text/html" and accept[best] > accept["application/json"]
    base = flask.request.host_url.rstrip("/") + flask.request.script_root + PREFIX
    return Request(args=args, base=base, html_preferred=html_preferred)


def _response(answer: Answer) -> flask.Response:
    response = flask.Response(answer.body, status=answer.status, mimetype=None,
                              content_type=answer.media_type)
    response.headers.update(answer.headers)
    response.headers["Vary"] = "Accept"
    return response


def build_blueprint(current: Callable[[], Dataset], service: FeatureService) -> flask.Blueprint:
    """The ``/ogcapi`` blueprint for the Dataset ``current()`` returns at each request."""
    bp = flask.Blueprint("ogcapi", __name__, url_prefix=PREFIX)

    @bp.before_request
    def read_only():
        if flask.request.method == "OPTIONS":
            response = flask.Response(status=204)
            response.headers["Allow"] = ", ".join(ALLOWED)
            return response
        if flask.request.method not in ALLOWED:
            html = _request().html_preferred
            text = ("Diese Schnittstelle ist nur lesend: nur GET und HEAD. / This API is read-only: "
                    "GET and HEAD only.")
            body = (f"<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>405</title>"
                    f"</head><body><main><h1>405</h1><p>{text}</p></main></body></html>" if html
                    else flask.json.dumps({"code": "MethodNotAllowed", "description": text}))
            response = flask.Response(body, status=405, content_type=HTML if html else JSON)
            response.headers["Allow"] = ", ".join(ALLOWED)
            return response
        return None

    def route(rule: str, handler_name: str) -> None:
        def view(**path: str) -> flask.Response:
            handler = getattr(service, handler_name)
            return _response(service.answer(handler, current(), _request(), *path.values()))
        bp.add_url_rule(rule, handler_name, view, methods=METHODS, strict_slashes=False)

    route("/", "landing")
    route("/conformance", "conformance")
    route("/api", "api_definition")
    route("/collections", "collections")
    route("/collections/<collection_id>", "collection")
    route("/collections/<collection_id>/schema", "schema")
    route("/collections/<collection_id>/items", "items")
    route("/collections/<collection_id>/items/<path:feature_id>", "item")
    return bp


def register_ogcapi(server: flask.Flask, current: Callable[[], Dataset], settings: ApiSettings, *,
                    refresh: Callable[[], object] | None = None) -> bool:
    """Serve OGC API – Features for ``current()`` under ``/ogcapi``, unless the settings switch it off.

    Parameters
    ----------
    server
        The Flask app (the Dash app's ``server``).
    current
        Returns the Dataset to answer from, asked at each request.
    settings
        The workspace's ``[api]`` settings: ``ogc`` (on or off) and ``max_limit``.
    refresh
        Called before each request, e.g. to notice an upload another worker accepted.

    Returns
    -------
    bool
        Whether the API is served.
    """
    if not settings.ogc:
        return False
    blueprint = build_blueprint(current, FeatureService(max_limit=settings.max_limit))
    if refresh is not None:
        @blueprint.before_request
        def notice_changes() -> None:
            refresh()  # returns whether it reloaded; a before_request hook must return None
    server.register_blueprint(blueprint)
    return True
