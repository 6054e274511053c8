"""Run the benchmark: build the synthetic cities, measure every step, print one table.

``geodash bench`` and ``python -m geodash.bench`` both end here. Progress goes
to stderr, the table (with its notes and the targets) to stdout and, with
``--output``, to a Markdown file.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import shapely

from geodash.bench import steps_served
from geodash.bench.city import make_site_points
from geodash.bench.options import BenchOptions, add_arguments, options_from_args
from geodash.bench.results import Comparison, markdown_table, memory_rows
from geodash.bench.servers import ServerFailed
from geodash.bench.steps_join import LOOP_SAMPLE, compare_join, compare_loop
from geodash.bench.steps_load import compare_load
from geodash.bench.steps_side import compare_side
from geodash.bench.steps_web import compare_first_page, compare_switch
from geodash.bench.targets import ISSUE_6, ISSUE_9, check_targets, targets_table
from geodash.bench.tutorial_app import write_display_file
from geodash.bench.workspace import write_city_workspace

# What a user waits for (issue 9), then the server functions (issue 6).
SERVED_ORDER = ("startup_cold", "startup_warm", "page_wire", "page_wire_identity", "page_data_wire",
                "page_vs_explore",
                "switch_per_area", "switch_http_time", "drawn", "repaint", "browser_page_bytes",
                "browser_switch_bytes", "demo_load_switch", "demo_load_realistic", "load_switch",
                "load_realistic", "play_step_browser")
ORDER = SERVED_ORDER + ("load_cold", "load_warm", "join", "loop_per_site", "switch_bytes",
                        "switch_time", "page_bytes", "side_second_map", "side_switch_wire",
                        "play_bytes", "play_server_time")
MEMORY_KINDS = ("load_cold", "join", "switch_time", "page_bytes")


def progress(message: str) -> None:
    """One line of progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_city(n: int, options: BenchOptions, work: Path) -> tuple[list[Comparison], list[str]]:
    """Every step for one city of ``n`` areas; returns its comparisons and notes."""
    progress(f"{n:,} areas: writing the workspace ({options.load_sites:,} sites)")
    workspace = write_city_workspace(work / f"city-{n}", n, options.load_sites, seed=options.seed)
    vertices = shapely.get_num_coordinates(np.asarray(workspace.city.areas.geometry.array))
    notes = [f"{n:,} areas: {int(np.median(vertices))} vertices per area (median; "
             f"{vertices.min()}–{vertices.max()}), valid coverage: "
             f"{shapely.coverage_is_valid(np.asarray(workspace.city.areas.geometry.array))}"]
    progress(f"{n:,} areas: load (naive, cold, warm)")
    rows, dataset = compare_load(workspace, work / "cache", options.repeats)
    areas = dataset.areas
    joins = []
    points = None
    for m in options.sites:
        progress(f"{n:,} areas: locate {m:,} sites (locate_sites, sjoin)")
        points = make_site_points(workspace.city, m, seed=options.seed + 10)
        joins.append(compare_join(areas, points, options.repeats))
        notes += [f"{n:,} areas, {m:,} sites: {note}" for note in joins[-1].notes]
    rows += joins
    progress(f"{n:,} areas: per-site loop on up to {LOOP_SAMPLE:,} sites")
    rows.append(compare_loop(areas, points, joins[-1], options.loop_seconds))
    del points
    progress(f"{n:,} areas: indicator switch (patch, px.choropleth_map)")
    rows += compare_switch(dataset, options.repeats)
    progress(f"{n:,} areas: first map page (map_figure, explore)")
    pages = compare_first_page(dataset, options.repeats)
    rows += pages
    notes += [note for page in pages for note in page.notes]
    progress(f"{n:,} areas: side by side, the second map (payload, a second GeoJSON)")
    side = compare_side(dataset)
    rows += side
    notes += [note for row in side for note in row.notes]
    if n == options.served_size:
        explore_bytes = int(pages[0].naive.value) if pages and pages[0].naive else None
        served_rows, served_notes = bench_served(workspace.folder, dataset, options, work,
                                                 explore_bytes=explore_bytes)
        rows += served_rows
        notes += served_notes
    shutil.rmtree(workspace.folder, ignore_errors=True)
    return rows, notes


def served_options(options: BenchOptions, repeats: int | None = None) -> steps_served.ServedOptions:
    """The served steps' options from the benchmark's."""
    return steps_served.ServedOptions(
        repeats=repeats or options.repeats, port_base=options.port_base,
        timeout_s=options.served_timeout, browser=options.browser, load_users=options.load_users,
        load_seconds=options.load_seconds)


def bench_served(folder: Path, dataset, options: BenchOptions, work: Path, *,
                 explore_bytes: int | None = None, naive: bool = True, repeats: int | None = None,
                 load: bool = True) -> tuple[list[Comparison], list[str]]:
    """Start-up, the wire, the browser and the load test on running servers for one workspace.

    The tutorial app reads the display geometry geodash sends, written beside
    the workspace's files first (untimed).
    """
    n, m = len(dataset.areas), len(dataset.sites)
    served = served_options(options, repeats)
    write_display_file(dataset.areas_display, folder)
    try:
        rows, warm = steps_served.compare_startup(folder, n, m, served, work, naive=naive,
                                                  progress=progress)
        more, notes = steps_served.compare_served(folder, n, m, served, work, warm,
                                                  explore_bytes=explore_bytes, naive=naive,
                                                  progress=progress)
    except (ServerFailed, OSError) as exc:
        # A server that exits or never answers (too slow, killed from outside) costs its rows,
        # not the whole run: the table says what was not measured and why.
        progress(f"{n:,} areas, {m:,} sites: served steps stopped: {exc}")
        return [], [f"{n:,} areas, {m:,} sites: served steps not measured: {type(exc).__name__}: {exc}"]
    rows += more
    if load:
        load_rows, load_notes = steps_served.compare_load(folder, n, served, work, warm,
                                                          f"{n:,} areas", progress=progress)
        rows += load_rows
        notes += load_notes
    return rows, notes


def bench_demo_load(options: BenchOptions, work: Path) -> tuple[list[Comparison], list[str]]:
    """The load test's two mixes on the demo workspace (the repository's own Ludwigshafen demo)."""
    from geodash.workspace import default_workspace, load_workspace

    folder = default_workspace()
    n = len(load_workspace(folder, cache=False).areas)
    return steps_served.compare_load(folder, n, served_options(options), work, work / "demo-cache",
                                     f"demo ({n} areas)", kind_prefix="demo_load", progress=progress)


def bench_heavy_load(options: BenchOptions, work: Path) -> tuple[list[Comparison], list[str]]:
    """The load step once more for the largest city with the most sites; then serve it once.

    The served steps run geodash alone here (the tutorial app is compared at
    5,000 areas) and once each, to say how long the app takes to start, draw
    and switch at this size.
    """
    n, m = max(options.sizes), max(options.sites)
    progress(f"{n:,} areas: writing the workspace with {m:,} sites")
    workspace = write_city_workspace(work / f"city-{n}-{m}", n, m, seed=options.seed)
    progress(f"{n:,} areas, {m:,} sites: load (naive, cold, warm)")
    rows, dataset = compare_load(workspace, work / "cache", options.repeats)
    notes: list[str] = []
    if options.served:
        served_rows, notes = bench_served(workspace.folder, dataset, options, work, naive=False,
                                          repeats=1, load=False)
        rows += served_rows
    shutil.rmtree(workspace.folder, ignore_errors=True)
    return rows, notes


def bench_play(folder: Path | None, options: BenchOptions) -> tuple[list[Comparison], list[str]]:
    """The play button on one workspace (the demo when ``None``): bytes, server time, browser steps."""
    from geodash.bench.steps_play import compare_play, compare_play_browser
    from geodash.web.app import create_app
    from geodash.workspace import default_workspace, load_workspace

    folder = folder or default_workspace()
    dataset = load_workspace(folder)
    label = f"{Path(folder).name} ({len(dataset.areas):,} areas)"
    progress(f"play the years: {label}")
    rows, notes = compare_play(dataset, lambda: create_app(dataset), repeats=options.repeats,
                               label=label)
    if options.browser and rows:
        try:
            rows += compare_play_browser(dataset, lambda: create_app(dataset),
                                         repeats=options.repeats, label=label)
        except Exception as exc:  # a browser that fails costs its row, not the run
            notes.append(f"play ({label}): browser steps not measured: {type(exc).__name__}: {exc}")
    return rows, notes


def run(options: BenchOptions) -> tuple[list[Comparison], list[str]]:
    """Measure every step for every size; return the comparisons in table order and the notes."""
    rows: list[Comparison] = []
    notes: list[str] = []
    if options.workdir:
        options.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geodash-bench-", dir=options.workdir) as tmp:
        work = Path(tmp)
        for folder in options.play or ((None,) if options.play_only else ()):
            play_rows, play_notes = bench_play(folder, options)
            rows += play_rows
            notes += play_notes
        for n in () if options.play_only else options.sizes:
            city_rows, city_notes = bench_city(n, options, work)
            rows += city_rows
            notes += city_notes
        if max(options.sites) > options.load_sites and not options.play_only:
            heavy_rows, heavy_notes = bench_heavy_load(options, work)
            rows += heavy_rows
            notes += heavy_notes
        if options.served and not options.play_only:
            demo_rows, demo_notes = bench_demo_load(options, work)
            rows += demo_rows
            notes += demo_notes
    rows.sort(key=lambda r: (ORDER.index(r.kind), r.n, r.m))
    return rows + memory_rows(rows, MEMORY_KINDS), notes


def method_notes(options: BenchOptions, started: float, load_before: tuple[float, ...]) -> list[str]:
    """How the numbers were taken, and on what."""
    import geopandas
    import pandas
    import plotly

    load_after = os.getloadavg() if hasattr(os, "getloadavg") else ()
    return [
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.machine()} with {os.cpu_count()} "
        f"CPU(s), Python {platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), geopandas {geopandas.__version__}, "
        f"pandas {pandas.__version__}, plotly {plotly.__version__}; whole run "
        f"{time.perf_counter() - started:.0f} s. System load average before/after: "
        f"{', '.join(f'{v:.1f}' for v in load_before) or 'n/a'} / "
        f"{', '.join(f'{v:.1f}' for v in load_after) or 'n/a'} (other processes slow both sides alike).",
        "ratio = geodash ÷ naive peer (below 1: geodash is faster or smaller). Times by "
        f"`time.perf_counter`: the median of {options.repeats} runs (`--repeats`) for geodash and "
        "its naive peer alike, on the same inputs, in the same run (the 20,000-area served run: "
        "1 run, geodash alone).",
        "Same geometry: every naive peer (the tutorial figure, the tutorial Dash app, explore()) "
        "gets the display geometry geodash sends, `Dataset.areas_display` (coverage-simplified, "
        "5 decimals); the tutorial app reads it from a GeoPackage written beside the workspace.",
        "Start-up: the command as a subprocess until the first map answer over HTTP (GET /, "
        "/_dash-layout, /_dash-dependencies and the callback that carries the map: geodash's "
        "router followed by the geometry file its page names, `/_geodash/areas.bin?v=…`, which "
        "the page's script fetches; for the tutorial app the layout itself). "
        "Cold = an empty `GEODASH_CACHE`, warm = "
        "the cache the last cold run filled. The tutorial app's start = read files + build the "
        "figure + serve (Flask's server, as `geodash serve`).",
        "Wire: real HTTP responses read by `http.client` (which leaves `Content-Encoding` as it "
        "is), body bytes without headers, once with `Accept-Encoding: gzip, br` and once with "
        "`identity`. The first page = the HTML, every script, style sheet and icon it names plus "
        "every other same-origin GET the browser made, the layout, the dependencies, the map "
        "callback and, for geodash, the geometry file `/_geodash/areas.bin?v=…`. "
        "Without scripts = the same minus every .js, .css, "
        "font and icon (the same for every city, cached after the first visit); that is what is "
        "set against explore()'s HTML, whose CDN scripts are not counted either. Switch = the map "
        "callback's answer (alq → sgb2).",
        "Browser: headless Chromium with software rendering, a new browser (empty cache) per run. "
        "Drawn = navigation start until the first completed paint: for geodash the Leaflet "
        "map's `data-gd-painted` on `#karte-graph` (set one animation frame after the canvas has "
        "drawn), for the tutorial app Plotly's `plotly_afterplot` followed by the "
        "MapLibre map's `idle`. Repaint = `dash_clientside.set_props(dropdown, {value})` until "
        "the next paint. Bytes = CDP `Network.loadingFinished.encodedDataLength` (headers "
        "included).",
        f"Load: `gunicorn --preload -w 2`, {options.load_users} users without think time for "
        f"{options.load_seconds:g} s per mix; `switch` = indicator switches only, `realistic` = "
        "page loads of all five pages (HTML, layout, dependencies, router), switches and profile "
        "openings (see geodash.bench.load_test). Latency of whole actions.",
        "Peak memory = the highest RSS during the step above the RSS at its start, sampled every "
        "5 ms from /proc/self/statm after `gc.collect()` and `malloc_trim(0)`; it includes GEOS "
        "memory, which tracemalloc misses.",
        f"Load: every city's workspace holds {options.load_sites:,} sites (lon/lat CSV)"
        + (f"; the largest city is loaded once more with {max(options.sites):,} sites"
           if max(options.sites) > options.load_sites else "")
        + ". Source and cache files are in the OS page cache for both sides. Warm = "
        "`load_workspace(ws, cache=DIR)` with the cache filled by one untimed load before.",
        "Sites → areas: in-memory WGS84 points, every run on a fresh copy (no cached index on "
        "the points; the areas' index is built beforehand for both). The loop's time per site "
        f"is measured on up to {LOOP_SAMPLE:,} sites within a {options.loop_seconds:g} s budget; "
        "geodash's is locate_sites' time on the largest site count divided by that count.",
        "Indicator switch, in process: geodash = `to_json_plotly(map_patch_values(dataset, "
        "state))`, the values and classes the map callback sends (no geometry); the tutorial "
        "figure carries the "
        "GeoJSON of `areas_display.__geo_interface__` (all indicator columns as properties). "
        "The real HTTP answer is in the first table.",
        "First map page, in process: geodash = `to_json_plotly(map_figure(...))` of the districts "
        "only (no site markers, no zones) plus the geometry file its page fetches "
        "(`encode_areas` of `dataset.areas_display`, uncompressed; exports keep the full "
        "geometry); explore() maps a frame of key, name, the indicator "
        "and the same display geometry. Script bundles are not counted here; the first table "
        "counts everything a browser loads.",
    ]


def report(rows: Sequence[Comparison], notes: Sequence[str]) -> str:
    """The Markdown report: title, two tables (served, then server functions), notes and targets."""
    served = [r for r in rows if r.kind in SERVED_ORDER]
    functions = [r for r in rows if r.kind not in SERVED_ORDER]
    parts = ["## geodash bench", ""]
    if served:
        parts += ["### What a user waits for: running servers, HTTP, the browser, load", "",
                  markdown_table(served), ""]
    parts += ["### Server functions, in process", "", markdown_table(functions), "",
              "### How it was measured", ""]
    parts += [f"- {note}" for note in notes if note]
    parts += ["", "### Targets (issue 9)", "", targets_table(rows, ISSUE_9), "",
              "### Targets (issue 6)", "", *check_targets(rows, ISSUE_6), ""]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m geodash.bench``; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m geodash.bench",
        description="Benchmark geodash against the naive ways on synthetic cities.")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


def run_from_args(args: argparse.Namespace) -> int:
    """Run the benchmark for parsed arguments, print the report, write ``--output``."""
    options = options_from_args(args)
    if importlib.util.find_spec("matplotlib") is None:
        print("geodash bench: GeoDataFrame.explore(), the naive peer of the first map page, needs "
              "matplotlib: pip install -e \".[bench]\"", file=sys.stderr)
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else ()
    progress(f"sizes {', '.join(f'{n:,}' for n in options.sizes)} areas; "
             f"sites {', '.join(f'{m:,}' for m in options.sites)}")
    rows, notes = run(options)
    text = report(rows, [*method_notes(options, started, load_before), *notes])
    print(text)
    if options.output:
        options.output.write_text(text, encoding="utf-8")
        progress(f"wrote {options.output}")
    return 0
