"""The benchmark's synthetic city and its report; no timing is asserted (benchmarks are not tests)."""

from __future__ import annotations

import argparse
import gzip
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import numpy as np
import pytest
import shapely

from geodash.bench import measure as measure_module
from geodash.bench.browser import paints
from geodash.bench.city import make_city
from geodash.bench.dash_requests import (
    LoadTestError,
    Server,
    SwitchCalls,
    component_props,
    split_outputs,
)
from geodash.bench.load_test import Tally, page_action, router_step, summary
from geodash.bench.options import add_arguments, options_from_args
from geodash.bench.results import Comparison, Figure, fmt_ratio, markdown_table
from geodash.bench.servers import TUTORIAL, started
from geodash.bench.targets import Target, check_targets, targets_table, verdict
from geodash.bench.tutorial_app import (
    DROPDOWN,
    FIGURE,
    GRAPH,
    create_tutorial_app,
    read_inputs,
    write_display_file,
)
from geodash.bench.wire import (
    COMPRESSED,
    IDENTITY,
    Call,
    data_only,
    first_page_calls,
    geodash_first_calls,
    geodash_follow_ups,
    is_static,
    page_assets,
    same_origin_paths,
    transfer_all,
    tutorial_first_calls,
    tutorial_switch_call,
)
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


# --- issue 9: the served benchmark's pieces (no timing asserted, no long browser runs) ---

PAYLOAD = b'{"values": [1.5, 2.5, 3.5]}' * 400  # 10,800 bytes that gzip shrinks a lot


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _payload_app(environ, start_response):
    """Gzip the known payload when the client accepts it, else send it as it is."""
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        body, headers = gzip.compress(PAYLOAD, mtime=0), [("Content-Encoding", "gzip")]
    else:
        body, headers = PAYLOAD, []
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body))), *headers])
    return [body]


@pytest.fixture
def payload_server():
    httpd = make_server("127.0.0.1", 0, _payload_app, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Server("127.0.0.1", httpd.server_port)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_byte_counter_counts_the_compressed_body_on_the_wire_and_the_payload_after_decoding(
        payload_server):
    [compressed] = transfer_all(payload_server, [Call("GET", "/values")], COMPRESSED)
    [identity] = transfer_all(payload_server, [Call("GET", "/values")], IDENTITY)

    assert compressed.encoding == "gzip"
    assert compressed.wire == len(gzip.compress(PAYLOAD, mtime=0))
    assert compressed.content == len(PAYLOAD) == 10_800
    assert compressed.wire < len(PAYLOAD) / 10
    assert (identity.encoding, identity.wire, identity.content) == ("", 10_800, 10_800)


def test_page_assets_are_the_scripts_styles_and_icons_of_this_server_only():
    server = Server("127.0.0.1", 8050)
    page = """<html><head><link rel="stylesheet" href="/assets/a.css?m=1">
      <link rel="icon" href="/assets/favicon.ico"><link rel="preconnect" href="/x">
      <script src="/_dash-component-suites/dash/react.js?v=1"></script>
      <script src="https://cdn.example.org/leaflet.js"></script><script>var inline = 1;</script>
      </head></html>"""

    assert page_assets(page, server) == ["/assets/a.css?m=1", "/assets/favicon.ico",
                                         "/_dash-component-suites/dash/react.js?v=1"]
    assert same_origin_paths(["http://127.0.0.1:8050/_dash-layout", "blob:http://127.0.0.1:8050/x",
                              "http://127.0.0.1:9999/other"], server) == ["/_dash-layout"]


def test_scripts_and_styles_are_static_and_layouts_and_callbacks_are_data():
    assert is_static("/_dash-component-suites/plotly/package_data/plotly.min.js?v=7")
    assert is_static("/assets/01-base.css?m=1")
    assert not is_static("/_dash-layout")
    assert not is_static("/_dash-update-component")
    assert not is_static("/karte/geometrie.json")


def test_measure_runs_every_step_the_same_number_of_times_and_reports_the_median():
    ticks = iter([0.0, 1.0, 10.0, 13.0, 20.0, 21.0])  # three runs of 1 s, 3 s and 1 s
    calls = []

    result, timing = measure_module.measure(lambda: calls.append(1) or len(calls), repeats=3,
                                            clock=lambda: next(ticks))

    assert len(calls) == 3
    assert result == 3
    assert (timing.runs, timing.seconds, timing.how) == (3, 1.0, "median of 3")


def test_a_slow_step_is_repeated_like_a_fast_one():
    ticks = iter([0.0, 100.0, 100.0, 300.0, 300.0, 350.0])  # 100 s, 200 s, 50 s

    _, timing = measure_module.measure(lambda: None, repeats=3, clock=lambda: next(ticks))

    assert (timing.runs, timing.seconds) == (3, 100.0)


def test_table_shows_a_row_without_naive_peer_as_not_run_with_no_ratio():
    row = Comparison("startup_cold", "`geodash serve` · 20,000 areas", Figure(12.5, "s", "1 run"), None,
                     "no naive peer at this size", n=20_000)

    table = markdown_table([row])

    assert "| `geodash serve` · 20,000 areas | 12.5 s (1 run) | not run — no naive peer at this size | — |" \
        in table
    assert fmt_ratio(float("nan")) == "—"


def test_absolute_targets_compare_the_geodash_figure_and_load_targets_need_zero_errors():
    per_area = Target("switch ≤ 4 B per area", "switch_per_area", 5_000, 4.0, absolute=True)
    load = Target("p95 < 300 ms, 0 errors", "demo_load_switch", None, 0.3, absolute=True, no_errors=True)
    small = Comparison("switch_per_area", "switch", Figure(2.0, "B"), Figure(3000.0, "B"), "tutorial",
                       n=5_000)
    fast_but_failing = Comparison("demo_load_switch", "load", Figure(0.1, "s"), None, "-", n=17,
                                  errors=2)
    slow = Comparison("demo_load_switch", "load", Figure(0.6, "s"), None, "-", n=17)

    assert verdict(per_area, small, 2.0).startswith("**met**: 2 B (limit 4 B, 2.0× margin)")
    assert verdict(load, fast_but_failing, 0.1).startswith("**missed**")
    assert "2.00× too much" in verdict(load, slow, 0.6)
    assert any("**met**" in line for line in check_targets([small], [per_area]))


def test_plotly_paints_end_at_the_map_idle_after_each_afterplot():
    events = [{"t": 100.0, "kind": "idle"},  # the empty map before the trace: not a paint
              {"t": 500.0, "kind": "afterplot"}, {"t": 700.0, "kind": "idle"},
              {"t": 900.0, "kind": "idle"},
              {"t": 2000.0, "kind": "afterplot"}, {"t": 2600.0, "kind": "idle"}]

    found = paints(events)

    assert [(p.t_ms, p.how) for p in found] == [(700.0, "plotly idle"), (2600.0, "plotly idle")]


def test_geodash_paint_contract_wins_over_plotly_events_and_skips_the_unpainted_state():
    events = [{"t": 50.0, "kind": "gd-painted", "detail": "0/17"},
              {"t": 500.0, "kind": "afterplot"},
              {"t": 800.0, "kind": "gd-painted", "detail": "1/17"},
              {"t": 1500.0, "kind": "gd-painted", "detail": "2/17"}]

    assert [(p.t_ms, p.detail) for p in paints(events)] == [(800.0, "1/17"), (1500.0, "2/17")]


def test_router_step_asks_for_a_page_as_the_renderer_does_and_a_page_load_fetches_four_things():
    server = Server("127.0.0.1", 8050)
    router = {"output": "..page-content.children...rendered.data..",
              "inputs": [{"id": "url", "property": "pathname"}, {"id": "url", "property": "search"}],
              "state": [{"id": "rendered", "property": "data"}]}

    step = router_step(server, router, "/profil", "?gebiete=00007")
    action = page_action(server, router, "/vergleich")

    assert step.body["inputs"] == [{"id": "url", "property": "pathname", "value": "/profil"},
                                   {"id": "url", "property": "search", "value": "?gebiete=00007"}]
    assert step.body["state"] == [{"id": "rendered", "property": "data", "value": None}]
    assert step.body["changedPropIds"] == ["url.pathname"]
    assert step.expect == "page-content"
    assert [(s.method, s.path) for s in action.steps] == [
        ("GET", "/vergleich"), ("GET", "/_dash-layout"), ("GET", "/_dash-dependencies"),
        ("POST", "/_dash-update-component")]


def test_geodash_first_visit_is_not_complete_without_the_geometry_file_its_map_page_names(grid_dataset):
    from geodash.web.app import create_app

    client = create_app(grid_dataset).server.test_client()
    server = Server("127.0.0.1", 8050)
    dependencies = client.get("/_dash-dependencies").get_json()

    [router] = geodash_first_calls(server, dependencies)
    answer = client.post(router.path, json=router.body)
    [geometry] = geodash_follow_ups(server, answer.data)
    fetched = client.get(geometry.path)

    assert answer.status_code == 200
    assert geometry.method == "GET"
    assert geometry.path.startswith("/_geodash/areas.bin?v=")
    assert fetched.status_code == 200
    assert len(fetched.data) > 0
    assert geodash_follow_ups(server, b'{"response": {}}') == []


def test_load_summary_reports_every_kind_of_action_and_the_errors_of_each():
    tally = Tally()
    tally.latencies["switch"] += [0.1, 0.2, 0.3]
    tally.latencies["page /"] += [1.0, 2.0]
    tally.errors["page /: HTTP 500"] += 1

    text = summary(tally, 10.0, 5, "realistic")

    assert "| 5 | 10.0 | 6 | 1 | 0.6 |" in text.splitlines()[4]
    assert text.splitlines()[4].endswith("| all |")
    assert "| 5 | 10.0 | 3 | 1 | 0.3 | 1500 ms |" in text and "| page / |" in text
    assert "| 5 | 10.0 | 3 | 0 | 0.3 | 200 ms |" in text
    assert "page /: HTTP 500 × 1" in text


def _tiny_tutorial_workspace(tmp_path):
    workspace = write_city_workspace(tmp_path / "city", 15, 100)
    dataset = load_workspace(workspace.folder, cache=False)
    write_display_file(dataset.areas_display, workspace.folder)
    return workspace.folder, dataset


def test_tutorial_app_reads_the_display_geometry_and_switches_by_returning_a_whole_figure(tmp_path):
    folder, dataset = _tiny_tutorial_workspace(tmp_path)
    frame = read_inputs(folder)
    client = create_tutorial_app(frame).server.test_client()
    body = {"output": FIGURE, "outputs": {"id": GRAPH, "property": "figure"},
            "inputs": [{"id": DROPDOWN, "property": "value", "value": "sgb2"}],
            "changedPropIds": [f"{DROPDOWN}.value"], "state": []}

    answer = client.post("/_dash-update-component", json=body)

    assert len(frame) == 15
    assert frame.geometry.geom_equals_exact(dataset.areas_display.geometry.reset_index(drop=True),
                                            tolerance=1e-9).all()
    assert client.get("/").status_code == 200
    assert answer.status_code == 200
    figure = answer.get_json()["response"][GRAPH]["figure"]
    assert len(figure["data"][0]["geojson"]["features"]) == 15
    assert figure["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "sgb2"


@pytest.mark.slow
def test_tutorial_app_starts_as_a_subprocess_and_its_first_page_and_switch_answer_over_http(tmp_path):
    folder, _ = _tiny_tutorial_workspace(tmp_path)

    with started(TUTORIAL, folder, log_dir=tmp_path / "logs", timeout=120) as running:
        calls = first_page_calls(running.server, tutorial_first_calls)
        page = transfer_all(running.server, calls, COMPRESSED)
        switch = transfer_all(running.server, [tutorial_switch_call(running.server, "sgb2")], IDENTITY)
    assert running.process.poll() is not None  # stopped on leaving the block
    assert running.startup_s > 0
    assert all(t.status == 200 for t in [*page, *switch])
    assert [t.path for t in data_only(page)] == ["/", "/_dash-layout", "/_dash-dependencies"]
    assert any(t.path.startswith("/_dash-component-suites/dash/dash-renderer") for t in page)
    assert switch[0].content > 15 * 100  # a whole figure with its GeoJSON


def test_repeats_default_to_three_and_quick_shortens_the_load_tests():
    parser = argparse.ArgumentParser()
    add_arguments(parser)

    default = options_from_args(parser.parse_args([]))
    quick = options_from_args(parser.parse_args(["--quick", "--repeats", "5", "--no-browser"]))

    assert (default.repeats, default.load_seconds, default.served_size) == (3, 30.0, 5_000)
    assert (quick.repeats, quick.load_seconds, quick.served_size, quick.browser) == (5, 10.0, 500, False)
    with pytest.raises(SystemExit):
        parser.parse_args(["--repeats", "0"])


def test_targets_table_shows_a_quick_run_at_its_own_size_and_says_it_is_not_the_targets_size():
    tutorial = Comparison("drawn", "drawn · 500 areas", Figure(2.0, "s", "median of 3"),
                          Figure(8.0, "s", "median of 3"), "tutorial", n=500, m=10_000)
    alone = Comparison("drawn", "drawn · 20,000 areas", Figure(30.0, "s", "1 run"), None, "-",
                       n=20_000, m=1_000_000)

    table = targets_table([tutorial, alone])
    line = next(row for row in table.splitlines() if "drawn map" in row)

    assert "| 2 s (median of 3) | 8 s (median of 3) | 1/4.0 | ≤ 1/3.0 | met" in line
    assert "at 500 areas, not 5,000" in line
    assert "| repaint after an indicator switch" in table and "not measured |" in table


def test_play_case_sends_every_year_once_and_the_naive_way_one_callback_per_step(grid_dataset):
    from geodash.bench.steps_play import PlayCalls, compare_play, play_view
    from geodash.web.app import create_app

    state, years = play_view(grid_dataset, "alq")
    assert years == [2022, 2023] and state.year == 2022
    calls = PlayCalls(create_app(grid_dataset), grid_dataset, state, years)
    posted: list[dict] = []
    post = calls.post
    calls.post = lambda body: posted.append(body) or post(body)
    assert calls.naive_play() > 0
    assert [b["changedPropIds"] for b in posted] == [["karte-jahr.value"]]  # 1 step: 2022 → 2023
    posted.clear()
    assert calls.geodash_play() > 0
    # The frames once, then the one year callback that writes the last year into the URL.
    assert [b["changedPropIds"] for b in posted] == [["karte-abspielen-anfrage.data"],
                                                    ["karte-jahr.value"]]
    rows, notes = compare_play(grid_dataset, lambda: create_app(grid_dataset), repeats=1)
    assert [r.kind for r in rows] == ["play_bytes", "play_server_time"]
    assert all(r.naive is not None and r.geodash.value > 0 for r in rows)
    assert "naive = 1 year callback;" in notes[0]


def test_play_options_name_workspaces_and_play_only_skips_the_synthetic_cities(tmp_path):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = options_from_args(parser.parse_args(["--play", str(tmp_path), "--play-only"]))
    assert options.play == (tmp_path,) and options.play_only
    assert options_from_args(parser.parse_args([])).play == ()
def test_side_by_side_second_map_costs_its_values_not_a_second_geometry(grid_dataset):
    from geodash.bench.steps_side import compare_side

    second, switch = compare_side(grid_dataset, "alq")
    assert second.kind == "side_second_map" and switch.kind == "side_switch_wire"
    # Four areas: the payload is a few numbers; the naive GeoJSON repeats the four squares.
    assert second.geodash.value < second.naive.value
    assert switch.geodash.value > 0 and second.n == 4
