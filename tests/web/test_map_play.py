"""The play button's frames: every year's payload at once, rebuilt in the browser exactly.

On the 2×2 grid (tests/conftest.py) ``alq`` has two years, 2022 and 2023. The
browser (``assets/gd-map-play.js``, run in Node) must rebuild from the frames the
very payload the map page's callback sends for each year, so that a played year
and a year picked on the slider look the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from plotly.io.json import to_json_plotly

from geodash.web.figures import derived
from geodash.web.figures.choropleth import map_view
from geodash.web.figures.map import view_payload
from geodash.web.figures.map_frames import play_frames, play_years
from geodash.web.pages import map_play
from geodash.web.pages.map import build_legend
from geodash.web.state import ViewState

ASSET = Path(__file__).resolve().parents[2] / "assets" / "gd-map-play.js"
NODE = shutil.which("node")

REBUILD = """
const fs = require("fs");
global.window = {};
eval(fs.readFileSync(process.argv[1], "utf8"));
const frames = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
    views: frames.frames.map((_, i) => window.gdPlay.frameView(frames, i)),
    keys: ["?ind=alq&jahr=2022&k=4", "?k=4&ind=alq", "?ind=alq&k=5"].map(window.gdPlay.viewKey),
}));
"""


def test_the_frames_hold_every_year_and_share_what_the_years_share(grid_dataset):
    state = ViewState(indicator="alq", year=2023, k=4)
    frames = play_frames(grid_dataset, state)
    assert frames["years"] == [2022, 2023] and frames["year"] == 2023
    assert [f["year"] for f in frames["frames"]] == [2022, 2023]
    # 2022: 5, 10, 15, 20 % in Nordwest … Südost; 2023: 4, 8, 16, 22.5 %.
    assert [f["v"] for f in frames["frames"]] == [[5, 10, 15, 20], [4, 8, 16, 22.5]]
    assert frames["base"]["unit"] == "%" and "v" not in frames["base"]
    assert all(f["legend"] is None for f in frames["frames"])


def test_each_frame_carries_the_legend_of_its_year(grid_dataset):
    frames = play_frames(grid_dataset, ViewState(indicator="alq"),
                         lambda view: build_legend(grid_dataset, view))
    titles = [json.dumps(f["legend"], ensure_ascii=False) for f in frames["frames"]]
    assert "2022" in titles[0] and "2023" not in titles[0]
    assert "2023" in titles[1]


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_the_browser_rebuilds_each_years_payload_exactly_as_the_map_callback_sends_it(grid_dataset):
    state = ViewState(indicator="alq", year=2022, k=4)
    frames = json.loads(to_json_plotly(play_frames(grid_dataset, state)))
    result = subprocess.run([NODE, "-e", REBUILD, str(ASSET)], input=json.dumps(frames),
                            capture_output=True, text=True, timeout=60, check=True)
    out = json.loads(result.stdout)
    for year, rebuilt in zip([2022, 2023], out["views"], strict=True):
        sent = json.loads(to_json_plotly(view_payload(map_view(grid_dataset, state.with_(year=year)))))
        assert rebuilt == sent
    # The same view whatever the year and the order of the parameters; another k is another view.
    assert out["keys"][0] == out["keys"][1] != out["keys"][2]


def test_nothing_to_play_for_a_measure_that_does_not_change_with_the_year(grid_dataset):
    coverage = next(m for m, spec in derived.measures(grid_dataset).items() if not spec.yearly)
    assert play_years(grid_dataset, ViewState(indicator=coverage)) == []
    assert play_years(grid_dataset, ViewState(indicator="alq")) == [2022, 2023]


@pytest.mark.parametrize("value, ok", [
    (None, True), ({"search": "?ind=alq", "n": 2}, True), ({"search": ""}, True),
    ({"search": 5, "n": 1}, False), ({"search": "?", "n": "1"}, False),
    ({"search": "?", "n": True}, False), ({"search": "?", "evil": 1}, False), ("?ind=alq", False),
    ({"search": "x" * 9000}, False),
])
def test_the_request_for_the_frames_has_one_shape(value, ok):
    assert map_play.valid_request(value) is ok
