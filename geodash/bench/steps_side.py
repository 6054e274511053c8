"""Side by side (Nebeneinander): what the second map costs on the wire, against a second geometry.

geodash's page draws both maps from one download of the area geometry
(``/_geodash/areas.bin``); the second map costs its switch payload, about one
number per area. The naive way, as dash-leaflet examples do it, gives each
map its own GeoJSON with the values as properties: the second map costs a
second copy of the geometry, and every switch sends both again.

All geodash figures are real HTTP responses of the app (Flask test client,
``Accept-Encoding: gzip, br`` as Chromium sends it, bodies as they leave the
server; headers not counted). The naive GeoJSON is the same display geometry
(``Dataset.areas_display``), compressed as the server compresses its answers
(brotli, quality :data:`BROTLI_QUALITY`).

Run it on a workspace (e.g. Berlin's 448 planning areas)::

    python -m geodash.bench.steps_side WORKSPACE [--indicator ID]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geodash.bench.dash_requests import body_for, find_callback
from geodash.bench.results import Comparison, Figure, markdown_table
from geodash.dataset import Dataset
from geodash.web.figures.side_by_side import side_by_side
from geodash.web.state import ViewState

ACCEPT = "gzip, br"  # what Chromium sends
BROTLI_QUALITY = 5  # geodash.web.app: COMPRESS_BR_LEVEL
NAIVE_LABEL = ("a GeoJSON per map with the values as properties (`dl.GeoJSON(data=…)`), "
               "`areas_display`, brotli")


def _compress(data: bytes) -> int:
    import brotli

    return len(brotli.compress(data, quality=BROTLI_QUALITY))


def naive_map_geojson(dataset: Dataset, values: list) -> bytes:
    """One map the naive way: the areas' display geometry as GeoJSON, the values as a property."""
    frame = dataset.areas_display[["key", "geometry"]].copy()
    frame["name"] = dataset.area_labels.reindex(frame["key"]).to_numpy()
    frame["value"] = values
    return frame.to_json(drop_id=True).encode("utf-8")


def _post(client, body: dict) -> tuple[int, dict]:
    answer = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": ACCEPT})
    if answer.status_code != 200:
        raise RuntimeError(f"the side page's callback answered HTTP {answer.status_code}")
    from geodash.bench.wire import decode

    content = decode(answer.data, answer.headers.get("Content-Encoding", ""))
    return len(answer.data), json.loads(content)["response"]


def compare_side(dataset: Dataset, indicator: str | None = None) -> list[Comparison]:
    """Bytes of the second map on the side-by-side page, geodash against a second GeoJSON.

    Steps: the page's first visit (geometry download plus the second map's payload)
    and a switch to the change map (both maps' payloads and legends in one answer).
    """
    from geodash.web.app import create_app
    from geodash.web.pages import side_by_side as page

    n = len(dataset.areas)
    state = ViewState(indicator=indicator or dataset.default_indicator, page="nebeneinander")
    side = side_by_side(dataset, state)
    client = create_app(dataset).server.test_client()
    geometry = client.get("/_geodash/areas.bin", headers={"Accept-Encoding": ACCEPT})
    geometry_wire = len(geometry.data)

    callback = find_callback(client.get("/_dash-dependencies").get_json(),
                             f"{page.view_id('rechts')}.data")
    query = side.to_query()
    values = {f"{page.PAGE_URL}.search": f"?{query}", f"{page.PAGE_URL}.pathname": page.PATH,
              f"{page.MODE}.value": "differenz", f"{page.INDICATOR}.value": side.state.indicator,
              f"{page.YEAR}.value": side.state.year, f"{page.BASE}.value": side.base,
              f"{page.RIGHT_INDICATOR}.value": side.right_indicator}
    switch_wire, response = _post(client, body_for(callback, values, [f"{page.MODE}.value"]))
    right = response[page.view_id("rechts")]["data"]
    left = response[page.view_id("links")]["data"]
    right_wire = _compress(json.dumps(right, separators=(",", ":")).encode())

    naive_right = _compress(naive_map_geojson(dataset, right["v"]))
    naive_left = _compress(naive_map_geojson(dataset, left["v"]))
    step = f"side by side · {n:,} areas"
    note = (f"{step}: the one geometry download both maps draw is {geometry_wire:,} B "
            f"(areas.bin, {geometry.headers.get('Content-Encoding') or 'identity'}); "
            f"the naive page downloads a GeoJSON per map ({naive_left:,} B + {naive_right:,} B)")
    return [
        Comparison("side_second_map", f"{step}: the second map on a first visit, bytes "
                   "(geodash: its payload, no geometry)",
                   Figure(right_wire, "B", "brotli, payload JSON"),
                   Figure(naive_right, "B", "brotli, GeoJSON"), NAIVE_LABEL, n=n, notes=(note,)),
        Comparison("side_switch_wire", f"{step}: switch to the change map (B − A), HTTP answer "
                   "with both maps, legends and controls",
                   Figure(switch_wire, "B", "HTTP body, br"),
                   Figure(naive_left + naive_right, "B", "brotli, two GeoJSON"), NAIVE_LABEL, n=n),
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side comparisons of one workspace as a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m geodash.bench.steps_side",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("workspace", type=Path, help="the workspace folder (layers/ and data)")
    parser.add_argument("--indicator", help="the indicator (default: the workspace's default)")
    args = parser.parse_args(argv)
    from geodash.workspace import load_workspace

    dataset = load_workspace(args.workspace)
    rows = compare_side(dataset, args.indicator)
    print(markdown_table(rows))
    for row in rows:
        for note in row.notes:
            print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
