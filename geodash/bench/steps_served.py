"""Issue 9's steps: what a user waits for, measured on running servers beside the tutorial Dash app.

- **Start-up**: ``geodash serve WORKSPACE --port P`` as a subprocess until the
  first map answer (page, layout and the callback that carries the map), with
  a cold cache (an empty ``GEODASH_CACHE``) and a warm one, beside the
  tutorial app (:mod:`geodash.bench.tutorial_app`) started the same way on the
  same files.
- **The wire**: the first map page and an indicator switch as real HTTP
  responses (:mod:`geodash.bench.wire`), compressed and uncompressed.
- **The browser**: time to the drawn map and to the repaint after a switch in
  headless Chromium (:mod:`geodash.bench.browser`), and the bytes it saw.
- **Load**: the load test's switch-only and realistic mixes against
  ``gunicorn --preload -w 2`` (:mod:`geodash.bench.load_test`).

Every figure is the median of ``repeats`` runs, for both apps alike.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geodash.bench.browser import BrowserFailed, BrowserRun, visit
from geodash.bench.dash_requests import LoadTestError
from geodash.bench.load_test import percentiles, prepare, run_load
from geodash.bench.results import Comparison, Figure
from geodash.bench.servers import GEODASH, GEODASH_GUNICORN, TUTORIAL, MapApp, ServerFailed, started
from geodash.bench.steps_web import SWITCH_TO
from geodash.bench.wire import (
    COMPRESSED,
    IDENTITY,
    Transfer,
    data_only,
    failed,
    first_page_calls,
    same_origin_paths,
    total_wire,
    transfer_all,
)

STARTUP_LABEL = ("tutorial Dash app (`python -m geodash.bench.tutorial_app`: read the display "
                 "geometry + indicator CSV, build one `px.choropleth_map`, serve)")
TUTORIAL_LABEL = ("tutorial Dash app: one `dcc.Graph`, a whole `px.choropleth_map` figure per "
                  "callback, on `areas_display`")
EXPLORE_LABEL = ("`gdf.explore(column=…)` HTML on `areas_display`, as written (uncompressed), its CDN "
                 "scripts not counted")
NO_PEER = "no naive peer at this size"


@dataclass(frozen=True)
class ServedOptions:
    """How the served steps run: repeats, ports, time bounds, whether a browser is used."""

    repeats: int = 3
    port_base: int = 0
    timeout_s: float = 900.0
    browser: bool = True
    load_users: int = 50
    load_seconds: float = 30.0


@dataclass
class Served:
    """Everything measured on one running app."""

    visits: list[BrowserRun] = field(default_factory=list)
    page: dict[str, list[Transfer]] = field(default_factory=dict)
    switch: dict[str, list[Transfer]] = field(default_factory=dict)
    switch_s: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def how(runs: int) -> str:
    """How a figure was taken, for the table."""
    return f"median of {runs}" if runs > 1 else "1 run"


def time_startups(app: MapApp, folder: Path, options: ServedOptions, log_dir: Path,
                  cache: Callable[[int], Path] | None = None) -> list[float]:
    """Start ``app`` ``repeats`` times; ``cache(i)`` names the ``GEODASH_CACHE`` of run ``i``."""
    seconds = []
    for i in range(options.repeats):
        env = {"GEODASH_CACHE": str(cache(i))} if cache else None
        with started(app, folder, log_dir=log_dir, env=env, port_base=options.port_base,
                     timeout=options.timeout_s) as running:
            seconds.append(running.startup_s)
    return seconds


def compare_startup(folder: Path, n: int, m: int, options: ServedOptions, work: Path, *,
                    naive: bool = True, progress: Callable[[str], None] = print
                    ) -> tuple[list[Comparison], Path]:
    """Start-up until the first map answer: geodash cold and warm, the tutorial app.

    Returns
    -------
    tuple
        The comparisons and the warm cache folder (for the next steps).
    """
    logs = work / "logs"
    size = f"{n:,} areas, {m:,} sites"

    def cold_cache(i: int) -> Path:
        path = work / f"serve-cache-{n}-{m}-{i}"
        shutil.rmtree(path, ignore_errors=True)
        return path

    progress(f"{size}: `geodash serve` start-up, cold cache × {options.repeats}")
    cold = time_startups(GEODASH, folder, options, logs, cold_cache)
    warm_dir = work / f"serve-cache-{n}-{m}-{options.repeats - 1}"
    progress(f"{size}: `geodash serve` start-up, warm cache × {options.repeats}")
    warm = time_startups(GEODASH, folder, options, logs, lambda i: warm_dir)
    tutorial = None
    if naive:
        progress(f"{size}: tutorial app start-up × {options.repeats}")
        runs = time_startups(TUTORIAL, folder, options, logs)
        tutorial = Figure(median(runs), "s", how(len(runs)))
    label = STARTUP_LABEL if naive else NO_PEER
    rows = [
        Comparison("startup_cold", f"`geodash serve` until the first map answer, cold cache · {size}",
                   Figure(median(cold), "s", how(len(cold))), tutorial, label, n=n, m=m),
        Comparison("startup_warm", f"`geodash serve` until the first map answer, warm cache · {size}",
                   Figure(median(warm), "s", how(len(warm))), tutorial, label, n=n, m=m),
    ]
    return rows, warm_dir


def measure_served(app: MapApp, folder: Path, options: ServedOptions, work: Path, cache: Path | None,
                   progress: Callable[[str], None] = print) -> Served:
    """Start ``app`` once; visit it in Chromium, then fetch its first page and switch over HTTP."""
    out = Served()
    env = {"GEODASH_CACHE": str(cache)} if cache else None
    with started(app, folder, log_dir=work / "logs", env=env, port_base=options.port_base,
                 timeout=options.timeout_s) as running:
        server = running.server
        url = f"http://{server.host}:{server.port}/"
        if options.browser:
            progress(f"{app.label}: headless Chromium × {options.repeats}")
            try:
                for _ in range(options.repeats):
                    out.visits.append(visit(url, app.dropdown, SWITCH_TO, deadline_s=options.timeout_s))
            except BrowserFailed as exc:
                out.notes.append(f"{app.label}: browser not measured: {exc}")
        seen = same_origin_paths(out.visits[0].same_origin_gets, server) if out.visits else []
        progress(f"{app.label}: first page and switch over HTTP")
        calls = first_page_calls(server, app.first_calls, seen, follow_ups=app.follow_ups)
        switch = app.switch_call(server, SWITCH_TO)
        for encoding in (COMPRESSED, IDENTITY):
            out.page[encoding] = transfer_all(server, calls, encoding, timeout=options.timeout_s)
            out.switch[encoding] = transfer_all(server, [switch], encoding, timeout=options.timeout_s)
        for _ in range(options.repeats):
            start = time.perf_counter()
            transfer_all(server, [switch], COMPRESSED, timeout=options.timeout_s)
            out.switch_s.append(time.perf_counter() - start)
        bad = failed([*out.page[COMPRESSED], *out.switch[COMPRESSED]])
        if bad:
            out.notes.append(f"{app.label}: {len(bad)} request(s) did not answer 200: "
                             + ", ".join(f"{t.method} {t.path[:60]} → {t.status}" for t in bad[:5]))
    return out


def _bytes(transfers: list[Transfer], what: str) -> Figure:
    return Figure(float(total_wire(transfers)), "B", f"{len(transfers)} responses, {what}")


def _visit_figure(visits: list[BrowserRun], attr: str, unit: str = "s") -> Figure | None:
    if not visits:
        return None
    values = [getattr(v, attr) for v in visits]
    return Figure(float(median(values)), unit, how(len(values)))


def compare_served(folder: Path, n: int, m: int, options: ServedOptions, work: Path, cache: Path | None,
                   *, explore_bytes: int | None = None, naive: bool = True,
                   progress: Callable[[str], None] = print) -> tuple[list[Comparison], list[str]]:
    """The wire and the browser for geodash and (if ``naive``) the tutorial app on the same files."""
    size = f"{n:,} areas, {m:,} sites"
    ours = measure_served(GEODASH, folder, options, work, cache, progress)
    theirs = measure_served(TUTORIAL, folder, options, work, None, progress) if naive else None
    label = TUTORIAL_LABEL if naive else NO_PEER
    notes = [*ours.notes, *(theirs.notes if theirs else [])]
    rows = []

    def add(kind: str, step: str, mine: Figure | None, peer: Figure | None, peer_label: str = label
            ) -> None:
        if mine is not None:
            rows.append(Comparison(kind, f"{step} · {size}", mine, peer, peer_label, n=n, m=m))

    add("page_wire", "first map page over HTTP, bytes on the wire, `Accept-Encoding: gzip, br`, "
        "every script and style sheet included",
        _bytes(ours.page[COMPRESSED], "gzip, br"), theirs and _bytes(theirs.page[COMPRESSED], "gzip, br"))
    add("page_wire_identity", "first map page over HTTP, bytes on the wire, `identity`",
        _bytes(ours.page[IDENTITY], "identity"), theirs and _bytes(theirs.page[IDENTITY], "identity"))
    add("page_data_wire", "first map page over HTTP, without scripts, style sheets and icons "
        "(cached after the first visit), `gzip, br`",
        _bytes(data_only(ours.page[COMPRESSED]), "gzip, br"),
        theirs and _bytes(data_only(theirs.page[COMPRESSED]), "gzip, br"))
    if explore_bytes:
        add("page_vs_explore", "first map page over HTTP without scripts and styles (as explore()'s "
            "HTML is counted without its CDN scripts), `gzip, br`, against explore()",
            _bytes(data_only(ours.page[COMPRESSED]), "gzip, br"),
            Figure(float(explore_bytes), "B", "exact"), EXPLORE_LABEL)
    switch_c, switch_i = total_wire(ours.switch[COMPRESSED]), total_wire(ours.switch[IDENTITY])
    peer_c = total_wire(theirs.switch[COMPRESSED]) if theirs else None
    add("switch_per_area", f"indicator switch over HTTP, bytes on the wire per area, gzip, br "
        f"(geodash {switch_c:,} B, identity {switch_i:,} B)",
        Figure(switch_c / n, "B", f"{switch_c:,} B ÷ {n:,}"),
        Figure(peer_c / n, "B", f"{peer_c:,} B ÷ {n:,}") if peer_c is not None else None)
    add("switch_http_time", "indicator switch over HTTP, time to the whole answer",
        Figure(median(ours.switch_s), "s", how(len(ours.switch_s))),
        theirs and Figure(median(theirs.switch_s), "s", how(len(theirs.switch_s))))
    peer_visits = theirs.visits if theirs else []
    add("drawn", "headless Chromium: navigation start until the map is drawn",
        _visit_figure(ours.visits, "drawn_s"), _visit_figure(peer_visits, "drawn_s"))
    add("repaint", "headless Chromium: indicator switch until the map is repainted",
        _visit_figure(ours.visits, "repaint_s"), _visit_figure(peer_visits, "repaint_s"))
    add("browser_page_bytes", "headless Chromium: bytes on the wire until the map is drawn "
        "(CDP `encodedDataLength`, headers included)",
        _visit_figure(ours.visits, "page_bytes", "B"), _visit_figure(peer_visits, "page_bytes", "B"))
    add("browser_switch_bytes", "headless Chromium: bytes on the wire of the switch",
        _visit_figure(ours.visits, "switch_bytes", "B"), _visit_figure(peer_visits, "switch_bytes", "B"))
    for app, served in (("geodash", ours), ("tutorial app", theirs)):
        if served and served.visits:
            kinds = sorted({v.how for v in served.visits})
            features = sorted({v.features for v in served.visits if v.features})
            notes.append(f"{size}, {app}: paints detected by {', '.join(kinds)}"
                         + (f" (painted/features: {', '.join(features)})" if features else ""))
            errors = sorted({e[:160] for v in served.visits for e in v.console_errors})
            if errors:
                notes.append(f"{size}, {app}: browser console errors: " + " | ".join(errors[:3]))
    return rows, notes


def compare_load(folder: Path, n: int, options: ServedOptions, work: Path, cache: Path | None,
                 label: str, *, kind_prefix: str = "load", progress: Callable[[str], None] = print
                 ) -> tuple[list[Comparison], list[str]]:
    """p95 of both load mixes, ``load_users`` users, no think time, against gunicorn --preload -w 2."""
    rows: list[Comparison] = []
    notes: list[str] = []
    env = {"GEODASH_CACHE": str(cache)} if cache else None
    try:
        with started(GEODASH_GUNICORN, folder, log_dir=work / "logs", env=env,
                     port_base=options.port_base, timeout=options.timeout_s) as running:
            for mix in ("switch", "realistic"):
                progress(f"{label}: load test `{mix}`, {options.load_users} users, "
                         f"{options.load_seconds:g} s")
                actions = prepare(running.server, mix, timeout=60.0, warmup=10)
                tally, elapsed = asyncio.run(run_load(
                    running.server, actions, users=options.load_users, seconds=options.load_seconds,
                    max_requests=100_000, timeout=60.0))
                cuts = percentiles(tally.all_latencies)
                errors = sum(tally.errors.values())
                done = len(tally.all_latencies)
                p95 = cuts[1] if cuts else float("nan")
                rows.append(Comparison(
                    f"{kind_prefix}_{mix}", f"load `{mix}`, {options.load_users} users, no think time: p95 "
                    f"· {label}", Figure(p95, "s", f"{done:,} actions, {errors} errors, "
                                               f"{(done + errors) / elapsed:.1f}/s"),
                    None, "no naive peer (gunicorn --preload -w 2)", n=n, errors=errors))
                notes.append(f"load `{mix}` at {label}: p50 "
                             f"{cuts[0] * 1000:.0f} ms, p99 {cuts[2] * 1000:.0f} ms, " if cuts else "")
                notes[-1] += ", ".join(f"{kind} p95 {percentiles(t)[1] * 1000:.0f} ms"
                                       for kind, t in sorted(tally.latencies.items()) if len(t) >= 2)
                if tally.errors:
                    notes.append(f"load `{mix}` at {label}: errors: "
                                 + ", ".join(f"{k} × {v}" for k, v in tally.errors.most_common()))
    except (ServerFailed, LoadTestError, OSError, TimeoutError) as exc:
        notes.append(f"load at {label} not (fully) measured: {type(exc).__name__}: {exc}")
    return rows, notes
