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

from geodash.bench.city import make_site_points
from geodash.bench.options import BenchOptions, add_arguments, options_from_args
from geodash.bench.results import Comparison, markdown_table, memory_rows
from geodash.bench.steps_join import LOOP_SAMPLE, compare_join, compare_loop
from geodash.bench.steps_load import compare_load
from geodash.bench.steps_web import compare_first_page, compare_switch
from geodash.bench.targets import check_targets
from geodash.bench.workspace import write_city_workspace

ORDER = ("load_cold", "load_warm", "join", "loop_per_site", "switch_bytes", "switch_time",
         "page_bytes")
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
    rows, dataset = compare_load(workspace, work / "cache")
    areas = dataset.areas
    joins = []
    points = None
    for m in options.sites:
        progress(f"{n:,} areas: locate {m:,} sites (locate_sites, sjoin)")
        points = make_site_points(workspace.city, m, seed=options.seed + 10)
        joins.append(compare_join(areas, points))
        notes += [f"{n:,} areas, {m:,} sites: {note}" for note in joins[-1].notes]
    rows += joins
    progress(f"{n:,} areas: per-site loop on up to {LOOP_SAMPLE:,} sites")
    rows.append(compare_loop(areas, points, joins[-1], options.loop_seconds))
    del points
    progress(f"{n:,} areas: indicator switch (patch, px.choropleth_map)")
    rows += compare_switch(dataset)
    progress(f"{n:,} areas: first map page (map_figure, explore)")
    pages = compare_first_page(dataset)
    rows += pages
    notes += [note for page in pages for note in page.notes]
    shutil.rmtree(workspace.folder, ignore_errors=True)
    return rows, notes


def bench_heavy_load(options: BenchOptions, work: Path) -> list[Comparison]:
    """The load step once more for the largest city with the most sites."""
    n, m = max(options.sizes), max(options.sites)
    progress(f"{n:,} areas: writing the workspace with {m:,} sites")
    workspace = write_city_workspace(work / f"city-{n}-{m}", n, m, seed=options.seed)
    progress(f"{n:,} areas, {m:,} sites: load (naive, cold, warm)")
    rows, _ = compare_load(workspace, work / "cache")
    shutil.rmtree(workspace.folder, ignore_errors=True)
    return rows


def run(options: BenchOptions) -> tuple[list[Comparison], list[str]]:
    """Measure every step for every size; return the comparisons in table order and the notes."""
    rows: list[Comparison] = []
    notes: list[str] = []
    if options.workdir:
        options.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geodash-bench-", dir=options.workdir) as tmp:
        work = Path(tmp)
        for n in options.sizes:
            city_rows, city_notes = bench_city(n, options, work)
            rows += city_rows
            notes += city_notes
        if max(options.sites) > options.load_sites:
            rows += bench_heavy_load(options, work)
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
        "`time.perf_counter`: the median of 5 runs when the first run took under 1 s, else 1 run.",
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
        "Indicator switch: geodash = `to_json_plotly(map_patch_values(dataset, state))`, the "
        "values the Patch carries (no geometry); the tutorial figure carries the full-precision "
        "GeoJSON of `gdf.__geo_interface__` (all indicator columns as properties).",
        "First map page: geodash = `to_json_plotly(map_figure(...))` of the districts only (no "
        "site markers, no zones), whose `area_geojson` sends `dataset.areas_display` "
        "(`display_areas`: coverage-simplified, 5 decimals; exports keep the full geometry); "
        "explore() maps a frame of key, name, the indicator and the geometry. Script bundles "
        "(plotly.js, Leaflet) are not counted on either side.",
    ]


def report(rows: Sequence[Comparison], notes: Sequence[str]) -> str:
    """The Markdown report: title, table, notes and targets."""
    parts = ["## geodash bench", "", markdown_table(rows), "", "### How it was measured", ""]
    parts += [f"- {note}" for note in notes]
    parts += ["", "### Targets (issue 6)", "", *check_targets(rows), ""]
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
