"""The browser half of the map (``assets/gd-map.js``) run in Node: decoding, hover texts, ranks.

The hover text the browser builds from the switch payload and the names sent
once must read exactly as :func:`~geodash.web.figures.choropleth.hover_rows`
says (which the HTML export uses), on the 2×2 grid: alq 2023 is 4.0 / 8.0 /
16.0 / 22.5 % for Nordwest, Nordost, Südwest, Südost.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

from geodash.web.figures.choropleth import hover_rows, map_view
from geodash.web.figures.map import GRAPH, view_payload
from geodash.web.state import ViewState
from geodash.web.wire import encode_areas

ASSET = Path(__file__).resolve().parents[2] / "assets" / "gd-map.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js")

RUNNER = """
const fs = require("fs");
global.window = {};
eval(fs.readFileSync(process.argv[1], "utf8"));
const gd = window.gdMap;
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
if (input.bytes) {
    const raw = Buffer.from(input.bytes, "base64");
    const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length);
    global.TextDecoder = require("util").TextDecoder;
    out.decoded = gd.decodeAreas(buffer);
}
out.fmt = (input.numbers || []).map(a => gd.fmtNumber(a[0], a[1], a[2], a[3]));
process.stdout.write(JSON.stringify(out));
"""


def run_js(payload: dict) -> dict:
    result = subprocess.run([NODE, "-e", RUNNER, str(ASSET)], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


HOVER = """
const fs = require("fs");
global.window = {};
eval(fs.readFileSync(process.argv[1], "utf8"));
const gd = window.gdMap;
const input = JSON.parse(fs.readFileSync(0, "utf8"));
gd._maps[input.map] = {layers: [], names: input.names, keys: [], size: 0, view: null};
// What gd.paint does with a new view before it recolours.
const r = gd.ranks(input.view.v, input.view.polarity);
input.view._ranks = r.ranks; input.view._n = r.n; input.view._withheld = {};
(input.view.sup || []).forEach(i => { input.view._withheld[i] = true; });
gd._maps[input.map].view = input.view;
process.stdout.write(JSON.stringify(input.names.map((_, i) => gd.hoverText(input.map, i))));
"""


def browser_hover(view) -> list[str]:
    payload = {"map": GRAPH, "names": list(view.names), "view": view_payload(view)}
    result = subprocess.run([NODE, "-e", HOVER, str(ASSET)], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def expected(view) -> list[str]:
    return [f"<b>{escape(name, quote=True).replace('&#x27;', '&#39;')}</b><br>"
            f"{escape(value)}<br>{escape(rank)}" for name, value, rank in hover_rows(view)]


@pytest.mark.parametrize("state", [
    ViewState(indicator="alq", year=2023),
    ViewState(indicator="alq", year=2023, lang="en"),
    ViewState(indicator="alq", year=2023, scheme="natural_breaks", k=3),
    ViewState(indicator="kinder", year=2023),                      # a missing value, neutral
    ViewState(indicator="status_index", year=2023, scheme="mss"),  # named classes, unit z
    ViewState(indicator="share500_any"),                           # resource: lowest ranks 1
    ViewState(indicator="alq", year=2010),                         # no values at all
])
def test_browser_hover_text_reads_as_the_server_would_write_it(grid_dataset, state):
    view = map_view(grid_dataset, state)
    assert browser_hover(view) == expected(view)


def test_browser_hover_names_rank_and_value_in_german(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="alq", year=2023))
    assert browser_hover(view)[3] == "<b>Südost</b><br>22,5 %<br>Rang 1 von 4"


def test_browser_hover_says_confidential_and_escapes_names(grid_dataset):
    areas = grid_dataset.areas.copy()
    areas.loc[areas["key"] == "01", "name"] = "<img src=x onerror=alert(1)>"
    hit = (grid_dataset.indicators["area_key"] == "02") & (
        grid_dataset.indicators["indicator"] == "alq")
    indicators = grid_dataset.indicators.assign(
        value=grid_dataset.indicators["value"].mask(hit), suppressed=hit)
    dataset = dataclasses.replace(grid_dataset, areas=areas, indicators=indicators)
    view = map_view(dataset, ViewState(indicator="alq", year=2023))
    texts = browser_hover(view)
    assert texts == expected(view)
    assert texts[1] == "<b>Nordost</b><br>vertraulich<br>kein Rang"
    assert texts[0].startswith("<b>&lt;img src=x onerror=alert(1)&gt;</b>")


@pytest.mark.parametrize(("value", "lang", "decimals", "unit", "text"), [
    (1234.5, "de", 1, "%", "1.234,5 %"),
    (1234.5, "en", 1, "", "1,234.5"),
    (-0.04, "de", 1, "", "0,0"),  # no minus before a zero (fmt_number writes "−0,0")
    (-1.21, "de", 2, "z", "−1,21 z"),
    (1234567, "de", 0, "", "1.234.567"),
])
def test_browser_numbers_follow_the_language(value, lang, decimals, unit, text):
    assert run_js({"numbers": [[value, lang, decimals, unit]]})["fmt"] == [text]


def test_browser_decodes_the_geometry_as_python_does(grid_dataset):
    import base64

    display = grid_dataset.areas_display
    data = encode_areas(display.geometry, display["key"], display["name"])
    decoded = run_js({"bytes": base64.b64encode(data).decode()})["decoded"]
    features = decoded["features"]
    assert [f["properties"]["key"] for f in features] == ["01", "02", "03", "04"]
    assert decoded["names"] == ["Nordwest", "Nordost", "Südwest", "Südost"]
    for feature, geom in zip(features, display.geometry, strict=True):
        ring = feature["geometry"]["coordinates"][0][0]
        expected_ring = [[round(x, 5), round(y, 5)] for x, y in geom.exterior.coords]
        assert [[round(x, 5), round(y, 5)] for x, y in ring] == expected_ring


def test_browser_decodes_shared_borders_and_holes_as_python_does():
    import base64

    from geodash.web.wire import decode_areas
    from tests.web.test_wire import KEYS, grid

    data = encode_areas(grid(), KEYS, KEYS)
    decoded = run_js({"bytes": base64.b64encode(data).decode()})["decoded"]
    python = decode_areas(data)
    flat = [point for f in decoded["features"] for poly in f["geometry"]["coordinates"]
            for ring in poly for point in ring[:-1]]
    assert [[round(x, 5), round(y, 5)] for x, y in flat] == python["coords"].round(5).tolist()
    assert len(decoded["features"][3]["geometry"]["coordinates"]) == 2  # square with hole, island
    assert len(decoded["features"][3]["geometry"]["coordinates"][0]) == 2  # shell and hole
