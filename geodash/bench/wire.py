"""Bytes on the wire: real HTTP requests to a running server, compressed and uncompressed.

Every request is sent twice over a plain ``http.client`` connection, once
with ``Accept-Encoding: gzip, br`` (what a browser sends) and once with
``identity``. ``http.client`` does not undo a ``Content-Encoding``, so the
body it reads is the body that crossed the wire (chunked framing removed);
the decoded size is measured too, so a test can check that the compressed
body really holds the payload. Headers are not counted.

The first map page is what a browser fetches before the map can draw: the
HTML, every script and style sheet it names (plus any further same-origin
GET the browser was seen making, e.g. lazily loaded plotly.js chunks or a
geometry file), ``/_dash-layout``, ``/_dash-dependencies`` and the callbacks
the page fires to show the map. An indicator switch is the map callback's
real HTTP response.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from geodash.bench.dash_requests import (
    DEPENDENCIES_PATH,
    PAGE,
    ROUTER,
    UPDATE_PATH,
    Server,
    body_for,
    discover,
    find_callback,
    url_value,
)

COMPRESSED = "gzip, br"  # what Chromium sends
# Scripts, style sheets, fonts and icons: the same for every page and city, cached after the first visit.
STATIC_SUFFIXES = (".js", ".mjs", ".css", ".ico", ".woff", ".woff2", ".ttf", ".png", ".svg", ".map")
IDENTITY = "identity"
LAYOUT_PATH = "/_dash-layout"
# The map page's geometry, fetched by the page's own script once the router has answered
# (geodash.web.figures.map.AREAS_ROUTE, versioned with ?v=<etag>).
GEOMETRY_URL = re.compile(r"^\S*/_geodash/areas\.bin(?:\?\S*)?$")


@dataclass(frozen=True)
class Transfer:
    """One HTTP response: bytes on the wire and bytes after decoding."""

    method: str
    path: str
    status: int
    wire: int
    content: int
    encoding: str  # the response's Content-Encoding, "" for none


@dataclass(frozen=True)
class Call:
    """One request as the browser sends it: a GET of a path or a POST of a callback body."""

    method: str
    path: str
    body: dict | None = None


def decode(body: bytes, encoding: str) -> bytes:
    """Undo a ``Content-Encoding`` (gzip, deflate, br); ``""`` or ``identity`` leave it as it is."""
    encoding = encoding.strip().lower()
    if encoding in ("", IDENTITY):
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    raise ValueError(f"the response's Content-Encoding was {encoding!r}; known: gzip, deflate, br")


def send(conn: http.client.HTTPConnection, call: Call, accept_encoding: str) -> tuple[Transfer, bytes]:
    """Send one request; return what crossed the wire and the decoded body."""
    headers = {"Accept-Encoding": accept_encoding}
    payload = None
    if call.body is not None:
        payload = json.dumps(call.body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(call.method, call.path, body=payload, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    encoding = response.getheader("Content-Encoding", "") or ""
    content = decode(raw, encoding)
    return Transfer(call.method, call.path, response.status, len(raw), len(content), encoding), content


def transfer_all(server: Server, calls: Iterable[Call], accept_encoding: str, *,
                 timeout: float = 120.0) -> list[Transfer]:
    """Send every call on one kept-alive connection (re-opened if the server closes it)."""
    out = []
    conn = server.connect(timeout)
    try:
        for call in calls:
            try:
                transfer, _ = send(conn, call, accept_encoding)
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                conn = server.connect(timeout)
                transfer, _ = send(conn, call, accept_encoding)
            out.append(transfer)
    finally:
        conn.close()
    return out


class _AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.paths.append(found["src"])
        elif tag == "link" and found.get("href") and (found.get("rel") or "") in (
                "stylesheet", "icon", "shortcut icon"):
            self.paths.append(found["href"])


def same_origin_paths(urls: Iterable[str], server: Server) -> list[str]:
    """Paths (with query) of the URLs on ``server``, in first-seen order; other hosts dropped."""
    paths: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme and (parts.hostname, parts.port or 80) != (server.host, server.port):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and path not in paths:
            paths.append(path)
    return paths


def page_assets(page_html: str, server: Server) -> list[str]:
    """The scripts, style sheets and icons a served page names, as paths on ``server``."""
    parser = _AssetParser()
    parser.feed(page_html)
    return same_origin_paths(parser.paths, server)


def geodash_first_calls(server: Server, dependencies: list[dict]) -> list[Call]:
    """The router callback that builds the map page (its answer carries the map)."""
    router = find_callback(dependencies, ROUTER)
    location = {f"{d['id']}.{d['property']}": url_value(d["property"])
                for d in [*router["inputs"], *router.get("state", [])]
                if d["property"] in ("pathname", "search", "href")}
    changed = [f"{d['id']}.{d['property']}" for d in router["inputs"] if d["property"] == "pathname"][:1]
    return [Call("POST", server.prefix + UPDATE_PATH, body_for(router, location, changed))]


def geodash_follow_ups(server: Server, answer: bytes) -> list[Call]:
    r"""The GETs the page's script makes after a callback answer: the map's geometry file.

    geodash's map page names its geometry URL (``/_geodash/areas.bin?v=…``) in
    the router's answer; ``gd-map.js`` fetches it before the map can draw, so a
    first visit is not complete without it.

    Examples
    --------
    >>> geodash_follow_ups(Server("127.0.0.1", 1), b'{"data": "\\u002f_geodash\\u002fareas.bin?v=ab"}')
    [Call(method='GET', path='/_geodash/areas.bin?v=ab', body=None)]
    """
    try:
        tree = json.loads(answer)
    except ValueError:  # not a JSON answer: nothing the page's script would fetch
        return []
    # Dash escapes "/" as \u002f in its answers, so the URL is read from the parsed JSON.
    paths = dict.fromkeys(s for s in _strings(tree) if GEOMETRY_URL.match(s))
    return [Call("GET", p if p.startswith(server.prefix) else server.prefix + p) for p in paths]


def _strings(tree: object) -> Iterator[str]:
    """Every string in a parsed JSON tree (a component tree is a few hundred nodes)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def no_follow_ups(server: Server, answer: bytes) -> list[Call]:
    """None: the tutorial app's page fetches nothing after its callbacks."""
    return []


def geodash_switch_call(server: Server, indicator: str) -> Call:
    """The map page's callback as the renderer sends it when the user picks ``indicator``."""
    calls = discover(server)
    return Call("POST", server.prefix + UPDATE_PATH, calls.body(indicator))


def tutorial_first_calls(server: Server, dependencies: list[dict]) -> list[Call]:
    """None: the tutorial app's figure is part of ``/_dash-layout``."""
    return []


def tutorial_switch_call(server: Server, indicator: str) -> Call:
    """The tutorial app's dropdown callback for ``indicator``."""
    from geodash.bench.tutorial_app import FIGURE, TRIGGER

    conn = server.connect(30.0)
    try:
        transfer, raw = send(conn, Call("GET", server.prefix + DEPENDENCIES_PATH), IDENTITY)
    finally:
        conn.close()
    callback = find_callback(json.loads(raw), FIGURE)
    return Call("POST", server.prefix + UPDATE_PATH, body_for(callback, {TRIGGER: indicator}, [TRIGGER]))


FirstCalls = Callable[[Server, list[dict]], list[Call]]
FollowUps = Callable[[Server, bytes], list[Call]]


def first_page_calls(server: Server, first_calls: FirstCalls, seen_paths: Sequence[str] = (),
                     path: str = PAGE, follow_ups: FollowUps = no_follow_ups) -> list[Call]:
    """Every request of a first visit to ``path``: page, assets, layout, dependencies, callbacks.

    Parameters
    ----------
    server
        The running app.
    first_calls
        The app's callbacks fired to show the map (:func:`geodash_first_calls`,
        :func:`tutorial_first_calls`).
    seen_paths
        Same-origin GET paths the browser was seen loading (lazily loaded
        chunks, data files); added to the assets the HTML names.
    follow_ups
        The GETs the page's script makes after a callback's answer (the map's
        geometry, :func:`geodash_follow_ups`); each callback is sent once,
        untimed, to find them.
    """
    conn = server.connect(60.0)
    try:
        _, page = send(conn, Call("GET", server.prefix + path), IDENTITY)
        _, deps = send(conn, Call("GET", server.prefix + DEPENDENCIES_PATH), IDENTITY)
    finally:
        conn.close()
    fixed = {server.prefix + path, server.prefix + LAYOUT_PATH, server.prefix + DEPENDENCIES_PATH}
    assets = [p for p in page_assets(page.decode("utf-8", "replace"), server) if p not in fixed]
    assets += [p for p in seen_paths if p not in fixed and p not in assets
               and not p.startswith(server.prefix + UPDATE_PATH)]
    gets = [server.prefix + path, *assets, server.prefix + LAYOUT_PATH, server.prefix + DEPENDENCIES_PATH]
    callbacks = first_calls(server, json.loads(deps))
    later: list[Call] = []
    if callbacks:
        conn = server.connect(60.0)
        try:
            for call in callbacks:
                later += follow_ups(server, send(conn, call, IDENTITY)[1])
        finally:
            conn.close()
    # A geometry URL the browser was seen fetching is already among the assets: count it once.
    later = [c for c in later if c.path not in gets]
    return [Call("GET", p) for p in gets] + callbacks + list(dict.fromkeys(later))


def is_static(path: str) -> bool:
    """Whether a path is a script, style sheet, font or icon (by its suffix, query ignored).

    Data a page fetches (the layout, callbacks, a geometry file) is not static.

    Examples
    --------
    >>> is_static("/_dash-component-suites/plotly/package_data/plotly.min.js?v=7")
    True
    >>> is_static("/_dash-layout")
    False
    """
    return urlsplit(path).path.lower().endswith(STATIC_SUFFIXES)


def data_only(transfers: Sequence[Transfer]) -> list[Transfer]:
    """The transfers that are not scripts, style sheets, fonts or icons (:func:`is_static`)."""
    return [t for t in transfers if not is_static(t.path)]


def total_wire(transfers: Sequence[Transfer]) -> int:
    """Bytes on the wire of all transfers."""
    return sum(t.wire for t in transfers)


def failed(transfers: Sequence[Transfer]) -> list[Transfer]:
    """The transfers whose status was not 200."""
    return [t for t in transfers if t.status != 200]
