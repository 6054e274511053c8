"""How the Dash renderer talks to a geodash server, reproduced for the load test.

Finds a callback in ``/_dash-dependencies``, reads the controls' current
values from the page the router builds, and writes request bodies for
``/_dash-update-component`` as the renderer does (``output``, ``outputs``,
``inputs``, ``changedPropIds``, ``state``). Loopback servers only.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

UPDATE_PATH = "/_dash-update-component"
DEPENDENCIES_PATH = "/_dash-dependencies"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FIGURE = "karte-ansicht.data"  # the output that identifies the indicator-switch callback
# The property that carries the map's new colours: a Plotly figure, or a payload store.
MAP_PROPS = ("figure", "data")
TRIGGER = "karte-indikator.value"  # the input the user changes
ROUTER = "page-content.children"  # the output that identifies the router callback
PAGE = "/"  # the map page's path


class LoadTestError(Exception):
    """The server cannot be tested: not on loopback, not geodash, or the callback is missing."""


@dataclass(frozen=True)
class Server:
    """Where the server listens (loopback only) and the script prefix of the Dash app."""

    host: str
    port: int
    prefix: str = ""

    @classmethod
    def from_url(cls, url: str) -> Server:
        """Parse ``http://127.0.0.1:8050[/prefix]``; any host but this machine is refused."""
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise LoadTestError(f"`--url` was {url!r} but is expected to start with http://")
        if parts.hostname not in LOOPBACK:
            raise LoadTestError(f"`--url` names the host {parts.hostname!r}; the load test only runs "
                                f"against this machine ({', '.join(sorted(LOOPBACK))})")
        return cls(parts.hostname, parts.port or 80, parts.path.rstrip("/"))

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        """A new keep-alive connection to the server."""
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None
            ) -> tuple[int, bytes]:
    """Send one request on a kept-alive connection; return status and body."""
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def split_outputs(output: str) -> list[dict]:
    """The ``outputs`` list of a callback's output string, as the renderer sends it.

    ``"..a.b...c.d@hash.."`` (several outputs) → ``[{"id": "a", "property": "b"}, …]``;
    Dash strips the ``@hash`` of an ``allow_duplicate`` output itself.
    """
    multi = output.startswith("..") and output.endswith("..")
    items = output[2:-2].split("...") if multi else [output]
    outputs = []
    for item in items:
        component, _, prop = item.rpartition(".")
        outputs.append({"id": component.replace("\\.", "."), "property": prop})
    return outputs if multi else outputs[0]


def find_callback(dependencies: list[dict], output_part: str) -> dict:
    """The callback whose output string names ``output_part`` (e.g. ``karte-graph.figure``)."""
    for callback in dependencies:
        outputs = split_outputs(callback["output"])
        names = {f"{o['id']}.{o['property'].split('@')[0]}"
                 for o in (outputs if isinstance(outputs, list) else [outputs])}
        if output_part in names:
            return callback
    raise LoadTestError(f"the server has no callback with the output {output_part!r}: is it geodash, "
                        "and does the map page still use that id? (see --figure)")


def url_value(prop: str, search: str = "") -> str | None:
    """The value a ``dcc.Location`` property has on the map page."""
    return {"pathname": PAGE, "search": search, "href": None}.get(prop)


def component_props(tree: object) -> dict[str, dict]:
    """The props of every component with a (string) id in a Dash layout tree."""
    found: dict[str, dict] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                stack.extend(v for v in props.values() if isinstance(v, list | dict))
            else:
                stack.extend(v for v in node.values() if isinstance(v, list | dict))
    return found


def body_for(callback: dict, values: dict[str, object], changed: list[str]) -> dict:
    """The request body the Dash renderer sends for one call of ``callback``."""
    def with_value(dep: dict) -> dict:
        return {"id": dep["id"], "property": dep["property"],
                "value": values.get(f"{dep['id']}.{dep['property']}")}

    return {
        "output": callback["output"],
        "outputs": split_outputs(callback["output"]),
        "inputs": [with_value(dep) for dep in callback["inputs"]],
        "changedPropIds": changed,
        "state": [with_value(dep) for dep in callback.get("state", [])],
    }


@dataclass(frozen=True)
class SwitchCalls:
    """Everything needed to send indicator switches: the callback, current values, the indicators."""

    callback: dict
    values: dict[str, object]
    indicators: tuple[str, ...]
    trigger: str

    @property
    def figure_id(self) -> str:
        """The id of the graph whose figure the callback updates."""
        outputs = split_outputs(self.callback["output"])
        return next(o["id"] for o in outputs if o["property"].split("@")[0] in MAP_PROPS)

    def body(self, indicator: str) -> dict:
        """The body of a switch to ``indicator``."""
        return body_for(self.callback, {**self.values, self.trigger: indicator}, [self.trigger])


def discover(server: Server, *, figure: str = FIGURE, trigger: str = TRIGGER,
             timeout: float = 30.0) -> SwitchCalls:
    """Ask the server for the switch callback, the map page's control values and its indicators."""
    conn = server.connect(timeout)
    try:
        status, raw = request(conn, "GET", server.prefix + DEPENDENCIES_PATH)
        if status != 200:
            raise LoadTestError(f"GET {DEPENDENCIES_PATH} answered {status}: is this a Dash app?")
        dependencies = json.loads(raw)
        switch = find_callback(dependencies, figure)
        router = find_callback(dependencies, ROUTER)
        location = {f"{d['id']}.{d['property']}": url_value(d["property"])
                    for cb in (router, switch) for d in [*cb["inputs"], *cb.get("state", [])]
                    if d["property"] in ("pathname", "search", "href")}
        first = [d for d in router["inputs"] if d["property"] == "pathname"][:1]
        changed = [f"{d['id']}.{d['property']}" for d in first]
        status, raw = request(conn, "POST", server.prefix + UPDATE_PATH,
                              body_for(router, location, changed))
        if status != 200:
            raise LoadTestError(f"building the map page answered {status}: {raw[:200]!r}")
    finally:
        conn.close()
    props = component_props(json.loads(raw).get("response", {}))
    values: dict[str, object] = dict(location)
    for dep in [*switch["inputs"], *switch.get("state", [])]:
        key = f"{dep['id']}.{dep['property']}"
        if key not in values and dep["id"] in props:
            values[key] = props[dep["id"]].get(dep["property"])
    trigger_id = trigger.rpartition(".")[0]
    options = props.get(trigger_id, {}).get("options") or []
    indicators = tuple(o["value"] for o in options
                       if isinstance(o, dict) and not o.get("disabled") and isinstance(o.get("value"), str))
    if len(indicators) < 2:
        raise LoadTestError(f"the map page offers fewer than two indicators in {trigger_id!r} "
                            "(see --trigger)")
    return SwitchCalls(switch, values, indicators, trigger)
