"""Time on Berlin's 448 planning areas: the map's play frames and the status index over the years.

Today's workspace has the MSS 2019 index indicators of 2018 and, rebuilt from the
published two-year changes, of 2016 (see conftest.preprocess_for_today).
"""

from __future__ import annotations

import json

import pytest
from plotly.io.json import to_json_plotly

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.figures.index_series import city_line, index_series_table
from geodash.web.figures.map_frames import play_frames
from geodash.web.pages.map import build_legend
from geodash.web.state import ViewState

SCHLOSSSTRASSE = ["04030417", "06010102"]  # two planning areas of one name (see test_berlin_pages)


@pytest.fixture(scope="module")
def berlin(today_workspace):
    return build_dataset(load_catalog(today_workspace))


def test_the_play_sends_one_number_per_planning_area_per_year(berlin):
    frames = play_frames(berlin, ViewState(indicator="s1"), lambda view: build_legend(berlin, view))
    assert frames["years"] == [2016, 2018]
    assert [len(f["v"]) for f in frames["frames"]] == [448, 448]
    assert [len(f["c"]) for f in frames["frames"]] == [448, 448]
    # Each year's values, classes and legend: a few kB, not the geometry.
    assert len(json.dumps(json.loads(to_json_plotly(frames)))) < 40_000


def test_both_schlossstrassen_have_a_status_index_in_both_years_and_the_city_line_is_zero(berlin):
    table = index_series_table(berlin, SCHLOSSSTRASSE)
    assert table["area_key"].tolist() == [SCHLOSSSTRASSE[0]] * 2 + [SCHLOSSSTRASSE[1]] * 2
    assert table["year"].tolist() == [2016, 2018, 2016, 2018]
    assert table["status_index"].notna().all()
    assert table["name"].str.startswith("Schloßstraße").all()
    assert city_line(berlin)["status_index"].abs().max() < 1e-9
