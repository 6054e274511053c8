"""Refuse malformed and oversized requests before Dash or a page's callback sees them.

The browser's Dash renderer only ever sends callback requests of one shape, with
the values its components hold: a text for a dropdown's value, a number of clicks,
a query string. Anyone can send other bodies to ``/_dash-update-component``,
though, and a callback given a dict where it expects a text used to answer with
an HTTP 500 (and a traceback in the log). The guard checks, for every callback
request, that the body has the renderer's shape, names a registered callback with
its declared inputs, and that every value has the type its property has in a
browser (:data:`PROPERTY_KINDS`); anything else is answered with a 400 and a
polite sentence. It also limits the size of a request's query string and body,
so that a 2 MB query value is refused in a few bytes rather than echoed back.

What a value *means* (an indicator id that does not exist, a year without data)
stays the page's business: its callbacks answer with a message or no update.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import flask

UPDATE_PATH = "/_dash-update-component"

# The longest query string accepted (a view with six districts and every overlay is
# about 300 bytes; browsers and proxies commonly stop at 8 KiB).
MAX_QUERY_BYTES = 8 * 1024

# The largest request body without uploads: a callback request carries a few control
# values (the largest is a query string above), never a file.
MAX_REQUEST_BYTES = 256 * 1024

# A text value of a control (an indicator id, a key, a year as text): longer is no id.
MAX_TEXT = MAX_QUERY_BYTES
# The most values a multi-select control holds (every district of a large city).
MAX_ITEMS = 20_000


class BadRequest(Exception):
    """A request that no page of geodash sends; the text says what was wrong."""


def _scalar(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int | float):
        return math.isfinite(value)
    return False


def _text(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= MAX_TEXT)


def _clicks(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _control_value(value: Any) -> bool:
    """A dropdown, checklist, radio, slider or input value: a scalar or a list of scalars."""
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(_scalar(v) for v in value)
    return _scalar(value)


def _json(value: Any) -> bool:
    """A store's data: anything JSON holds (its size is bounded by the body limit)."""
    return True


def _path(value: Any) -> bool:
    """A location's path: the browser always sends one that starts with "/"."""
    return value is None or (_text(value) and value.startswith("/"))


# Ids, keys and codes are short; a longer text is no id of this app.
MAX_ID = 200


def _one_id(value: Any) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= MAX_ID)


def _ids(value: Any) -> bool:
    return value is None or (isinstance(value, list) and len(value) <= MAX_ITEMS
                             and all(isinstance(v, str) and len(v) <= MAX_ID for v in value))


def _integer(value: Any) -> bool:
    """A year or a number of classes, as a slider or a dropdown of numbers sends it."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and float(value).is_integer() and abs(value) <= 1_000_000


def _number(value: Any) -> bool:
    return value is None or (not isinstance(value, bool) and isinstance(value, int | float)
                             and math.isfinite(value) and abs(value) <= 1e12)


def _area_click(value: Any) -> bool:
    """The map's click store: ``{"key": <area key>}``."""
    return value is None or (isinstance(value, dict) and len(value) <= 8
                             and all(_scalar(v) for v in value.values())
                             and _one_id(value.get("key")) if isinstance(value, dict) else False)


def _rendered(value: Any) -> bool:
    """The router's memory of the page on screen: ``{"path": …, "query": …}``."""
    return value is None or (isinstance(value, dict) and set(value) <= {"path", "query"}
                             and all(_text(v) for v in value.values()))


def _column_state(value: Any) -> bool:
    """A grid's column state: a list of small dicts of scalars (``colId``, ``sort``, ``width``, …)."""
    return value is None or (isinstance(value, list) and len(value) <= 1000 and all(
        isinstance(c, dict) and len(c) <= 32 and all(_scalar(v) for v in c.values()) for c in value))


Kind = tuple[Callable[[Any], bool], str]
ONE_ID: Kind = (_one_id, "one id (a text)")
IDS: Kind = (_ids, "a list of ids (texts)")
INTEGER: Kind = (_integer, "a whole number")
NUMBER: Kind = (_number, "a number")


def component_kinds() -> dict[tuple[str, str], Kind]:
    """What the value of each control of the pages is, by (id, property).

    A pattern-matching id is named by its ``type``. Controls not listed here are
    checked by their property alone (:data:`PROPERTY_KINDS`).
    """
    from geodash.web import ids
    from geodash.web.figures import map as map_figure
    from geodash.web.pages import (
        compare,
        compare_similar,
        coverage,
        handlungsbedarf,
        map_play,
        profile,
    )
    from geodash.web.pages import map as map_page
    from geodash.web.pages import side_by_side as side_page

    kinds = {
        (map_page.INDICATOR, "value"): ONE_ID, (map_page.YEAR, "value"): INTEGER,
        (map_page.SCHEME, "value"): ONE_ID, (map_page.CLASSES, "value"): INTEGER,
        (map_page.LAYERS, "value"): IDS, (map_page.CATEGORIES, "value"): IDS,
        (map_figure.CLICK, "data"): (_area_click, '{"key": <area key>}'),
        (map_play.REQUEST, "data"): (map_play.valid_request, '{"search": <query>, "n": <clicks>}'),
        (ids.RENDERED, "data"): (_rendered, '{"path": …, "query": …}'),
        (profile.AREA_DROPDOWN, "value"): ONE_ID, (profile.YEAR_DROPDOWN, "value"): INTEGER,
        (compare.AREAS_DROPDOWN, "value"): IDS, (compare.INDICATOR_DROPDOWN, "value"): ONE_ID,
        (compare.YEAR_DROPDOWN, "value"): INTEGER,
        (compare_similar.REFERENCE_DROPDOWN, "value"): ONE_ID,
        (compare_similar.INDICATORS_DROPDOWN, "value"): IDS,
        (compare_similar.MODE_RADIO, "value"): ONE_ID, (compare_similar.TOLERANCE_INPUT, "value"): NUMBER,
        (coverage.CATEGORY_CHECKLIST, "value"): IDS, (coverage.YEAR_DROPDOWN, "value"): INTEGER,
        (side_page.MODE, "value"): ONE_ID, (side_page.INDICATOR, "value"): ONE_ID,
        (side_page.RIGHT_INDICATOR, "value"): ONE_ID, (side_page.YEAR, "value"): INTEGER,
        (side_page.BASE, "value"): INTEGER,
        (side_page.CLICK, "data"): (_area_click, '{"key": <area key>}'),
        (handlungsbedarf.YEAR_DROPDOWN, "value"): INTEGER,
        (handlungsbedarf.BASE_DROPDOWN, "value"): INTEGER,
        (handlungsbedarf.STATUS_DROPDOWN, "value"): IDS,
        (handlungsbedarf.DYNAMICS_DROPDOWN, "value"): IDS, (handlungsbedarf.FLAGS, "value"): IDS,
        (handlungsbedarf.GRID, "columnState"): (_column_state, "the grid's column state"),
    }
    return kinds


# What each component property holds when a browser sends it. A property not named
# here is passed on as any JSON value.
PROPERTY_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "pathname": (_path, 'a path starting with "/"'),
    "search": (_text, "a query string"),
    "href": (_text, "an address"),
    "hash": (_text, "a text"),
    "n_clicks": (_clicks, "a number of clicks"),
    "n_clicks_timestamp": (_clicks, "a time"),
    "value": (_control_value, "a text, a number or a list of them"),
    "filename": (_text, "a file name"),
    "contents": (_text, "a file's content"),
    "data": (_json, "JSON"),
}


def _declared(dep: dict) -> tuple[Any, str]:
    """A declared input's id (a dict for a pattern-matching id) and property."""
    component = dep["id"]
    if isinstance(component, str) and component.startswith("{"):
        component = json.loads(component)
    return component, dep["property"]


def _declared_outputs(output: str) -> list[dict]:
    """The outputs named in a callback's output string (``..a.b...c.d..`` or ``a.b``)."""
    multi = output.startswith("..") and output.endswith("..")
    outputs = []
    for item in (output[2:-2].split("...") if multi else [output]):
        component, _, prop = item.rpartition(".")
        component = component if component.startswith("{") else component.replace("\\.", ".")
        outputs.append({"id": component, "property": prop.split("@")[0]})
    return outputs


def _wildcard(value: Any) -> bool:
    return isinstance(value, list)  # a pattern id's MATCH/ALL/ALLSMALLER is ["MATCH"] etc.


def _check_item(item: Any, declared: dict, where: str, kinds: dict, matched: dict,
                *, element: bool = False) -> None:
    component, prop = _declared(declared)
    pattern = isinstance(component, dict)
    many = pattern and not element and any(v in (["ALL"], ["ALLSMALLER"]) for v in component.values())
    if not element and many != isinstance(item, list):
        raise BadRequest(f"{where} must be {'a list of components' if many else 'one component'}.")
    if many:
        if len(item) > MAX_ITEMS:
            raise BadRequest(f"{where} lists too many components.")
        for one in item:
            _check_item(one, declared, where, kinds, matched, element=True)
        return
    if not isinstance(item, dict) or item.get("property") != prop:
        raise BadRequest(f"{where} is not the property {prop!r} of the callback.")
    sent = item.get("id")
    if pattern:
        if not isinstance(sent, dict) or set(sent) != set(component) or any(
                not _scalar(sent[k]) if _wildcard(v) else sent[k] != v for k, v in component.items()):
            raise BadRequest(f"{where} names another component than the callback's.")
    elif sent != component:
        raise BadRequest(f"{where} names another component than the callback's.")
    if pattern:
        # Every MATCH of one request must name the same component (Dash raises otherwise).
        for key, value in component.items():
            if value == ["MATCH"] and matched.setdefault(key, sent[key]) != sent[key]:
                raise BadRequest(f"{where} matches another component than the outputs.")
    name = component.get("type") if pattern else component
    check, expected = kinds.get((name, prop)) or PROPERTY_KINDS.get(prop, (_json, "JSON"))
    if "value" in item and not check(item["value"]):
        raise BadRequest(f"{where} ({prop}) must be {expected}.")


def check_callback_body(body: Any, callbacks: dict[str, dict],
                        kinds: dict[tuple[str, str], Kind] | None = None) -> None:
    """Check a ``/_dash-update-component`` body against the app's registered callbacks.

    Parameters
    ----------
    body
        The decoded JSON body.
    callbacks
        The app's ``callback_map`` (output string → its declared ``inputs`` and ``state``).
    kinds
        What each control's value is, by (id, property); see :func:`component_kinds`.

    Raises
    ------
    BadRequest
        Saying what does not fit.

    Examples
    --------
    >>> callbacks = {"a.children": {"inputs": [{"id": "b", "property": "value"}], "state": []}}
    >>> body = {"output": "a.children", "outputs": {"id": "a", "property": "children"},
    ...         "inputs": [{"id": "b", "property": "value", "value": {"x": 1}}], "changedPropIds": []}
    >>> check_callback_body(body, callbacks)
    Traceback (most recent call last):
    geodash.web.guard.BadRequest: input 1 (value) must be a text, a number or a list of them.
    """
    if not isinstance(body, dict):
        raise BadRequest("the body is not a JSON object.")
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        raise BadRequest("the body names no callback of this app.")
    callback = callbacks[output]
    outputs = body.get("outputs")
    outputs = [outputs] if isinstance(outputs, dict) else outputs
    if not isinstance(outputs, list) or not all(
            isinstance(o, dict) and isinstance(o.get("property"), str) for o in outputs):
        raise BadRequest("the body has no outputs.")
    declared_outputs = _declared_outputs(output)
    if len(outputs) != len(declared_outputs):
        raise BadRequest(f"the body must name the callback's {len(declared_outputs)} outputs.")
    matched: dict[str, Any] = {}
    for pos, (out, dep) in enumerate(zip(outputs, declared_outputs, strict=True)):
        component, sent = _declared(dep)[0], out.get("id")
        if isinstance(component, dict):
            if not isinstance(sent, dict) or set(sent) != set(component):
                raise BadRequest(f"output {pos + 1} names another component than the callback's.")
            for key, value in component.items():
                if value == ["MATCH"] and matched.setdefault(key, sent[key]) != sent[key]:
                    raise BadRequest("the outputs name different components.")
        elif sent != component:
            raise BadRequest(f"output {pos + 1} names another component than the callback's.")
    for key, name in (("inputs", "input"), ("state", "state")):
        sent = body.get(key, [])
        declared = callback.get(key) or []
        if not isinstance(sent, list) or len(sent) != len(declared):
            raise BadRequest(f"the body must hold the callback's {len(declared)} {key}.")
        for pos, (item, dep) in enumerate(zip(sent, declared, strict=True)):
            _check_item(item, dep, f"{name} {pos + 1}", kinds or {}, matched)


def _refuse(status: int, message: str) -> flask.Response:
    return flask.Response(json.dumps({"message": message}), status=status, mimetype="application/json")


def register_request_guard(server: flask.Flask, callbacks: Callable[[], dict[str, dict]], *,
                           max_body_bytes: int | None = None,
                           mounts: dict[str, Callable[[], dict[str, dict]]] | None = None) -> None:
    """Limit query strings and bodies of every request and check every callback request.

    Parameters
    ----------
    server
        The Dash app's Flask server.
    callbacks
        Returns the Dash app's ``callback_map`` (read at request time: pages register
        their callbacks after the guard).
    max_body_bytes
        The body limit (``MAX_CONTENT_LENGTH``); ``None`` keeps one already set (uploads),
        or sets :data:`MAX_REQUEST_BYTES`.
    mounts
        Other Dash apps on the same server, by their path prefix (the offer finder at
        ``/angebote/``): a callback request under a prefix is checked against that
        app's callbacks.
    """
    if max_body_bytes is not None or not server.config.get("MAX_CONTENT_LENGTH"):
        server.config["MAX_CONTENT_LENGTH"] = max_body_bytes or MAX_REQUEST_BYTES
    kinds = component_kinds()

    @server.before_request
    def guard_request():
        request = flask.request
        if len(request.query_string) > MAX_QUERY_BYTES:
            return _refuse(414, f"The address is longer than {MAX_QUERY_BYTES // 1024} KiB; "
                                "geodash never makes one this long. Open the page from its link again.")
        if request.method == "POST" and request.path.endswith(UPDATE_PATH):
            limit = server.config["MAX_CONTENT_LENGTH"]
            if request.content_length is not None and request.content_length > limit:
                return _refuse(413, f"The request is larger than {limit // 1024} KiB.")
            body = request.get_json(silent=True)  # cached: Dash reads the same object
            owner = next((get for prefix, get in (mounts or {}).items()
                          if request.path.startswith(prefix)), callbacks)
            try:
                check_callback_body(body, owner(), kinds)
            except BadRequest as exc:
                return _refuse(400, f"This request does not come from a geodash page: {exc}")
        return None
