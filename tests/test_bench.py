"""The benchmark's synthetic city and its report; no timing is asserted (benchmarks are not tests)."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import shapely

from geodash.bench.city import make_city
from geodash.bench.dash_requests import (
    LoadTestError,
    Server,
    SwitchCalls,
    component_props,
    split_outputs,
)
from geodash.bench.options import add_arguments, options_from_args
from geodash.bench.results import Comparison, Figure, markdown_table
from geodash.bench.targets import check_targets
from geodash.bench.workspace import write_city_workspace
from geodash.workspace import load_workspace


def test_synthetic_city_workspace_loads_and_validates(tmp_path):
    workspace = write_city_workspace(tmp_path / "city", 15, 100)

    dataset = load_workspace(workspace.folder, cache=False)

    assert len(dataset.areas) == 15
    assert len(dataset.sites) == 100
    assert dataset.sites["area_key"].notna().all()
    assert len(dataset.indicator_meta) == 10
    assert dataset.years == [2019, 2020, 2021, 2022, 2023]
    assert len(dataset.indicators) == 15 * 5 * 10
    assert dataset.areas["key"].tolist()[:2] == ["00001", "00002"]
    assert not dataset.report.of("left_out")


def test_synthetic_city_is_a_valid_coverage_of_irregular_blocks():
    geoms = np.asarray(make_city(15).areas.geometry.array)

    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    assert 50 <= np.median(shapely.get_num_coordinates(geoms)) <= 100
    # One square of 9 km × 9 km, filled without gaps.
    assert shapely.area(geoms).sum() == pytest.approx(shapely.area(shapely.union_all(geoms)))


def test_the_same_seed_builds_the_same_city():
    first, second = make_city(15, seed=3).areas, make_city(15, seed=3).areas

    assert first.geometry.geom_equals_exact(second.geometry, tolerance=0).all()


def test_quick_caps_sizes_and_sites():
    parser = argparse.ArgumentParser()
    add_arguments(parser)

    options = options_from_args(parser.parse_args(["--quick"]))

    assert options.sizes == (15, 500)
    assert options.sites == (100, 10_000)


def test_report_shows_the_ratio_and_names_targets_not_measured():
    row = Comparison("switch_bytes", "indicator switch · 15 areas: bytes sent",
                     Figure(1_000, "B", "exact"), Figure(50_000, "B", "exact"), "tutorial", n=15)

    table = markdown_table([row])

    assert table.splitlines()[0] == "| step | geodash | naive peer, same run | ratio |"
    assert "| 1/50.0 |" in table
    assert all("not measured" in line for line in check_targets([row]))


# --- the load test's requests (the run itself needs a server: see geodash.bench.load_test) ---


def test_outputs_of_a_multi_output_callback_are_split_as_the_renderer_sends_them():
    outputs = split_outputs("..url.search@ab12...karte-graph.figure..")

    assert outputs == [{"id": "url", "property": "search@ab12"},
                       {"id": "karte-graph", "property": "figure"}]
    assert split_outputs("karte-graph.figure") == {"id": "karte-graph", "property": "figure"}


def test_switch_body_carries_every_input_with_its_value_and_names_the_trigger():
    callback = {"output": "..karte-graph.figure...karte-legende.children..",
                "inputs": [{"id": "karte-indikator", "property": "value"},
                           {"id": "karte-jahr", "property": "value"}],
                "state": [{"id": "url", "property": "pathname"}]}
    calls = SwitchCalls(callback, {"karte-jahr.value": 2023, "url.pathname": "/"},
                        ("alq", "sgb2"), "karte-indikator.value")

    body = calls.body("sgb2")

    assert body["inputs"] == [{"id": "karte-indikator", "property": "value", "value": "sgb2"},
                              {"id": "karte-jahr", "property": "value", "value": 2023}]
    assert body["state"] == [{"id": "url", "property": "pathname", "value": "/"}]
    assert body["changedPropIds"] == ["karte-indikator.value"]
    assert calls.figure_id == "karte-graph"


def test_component_props_are_found_anywhere_in_a_layout_tree():
    tree = {"page-content": {"children": {"type": "Div", "props": {"children": [
        {"type": "Dropdown", "props": {"id": "karte-indikator", "value": "alq"}},
        {"type": "Slider", "props": {"id": "karte-jahr", "value": 2023}}]}}}}

    props = component_props(tree)

    assert props["karte-indikator"]["value"] == "alq"
    assert props["karte-jahr"]["value"] == 2023


@pytest.mark.parametrize("url", ["http://example.org:8050", "https://127.0.0.1:8050",
                                 "http://10.0.0.5:8050"])
def test_the_load_test_refuses_any_server_but_this_machine(url):
    with pytest.raises(LoadTestError):
        Server.from_url(url)
