"""Benchmark: the map's play button, every year fetched once against one server callback per step.

geodash asks the server once for every year's payload of the view
(:func:`geodash.web.figures.map_frames.play_frames`) and steps through the
years in the browser; when the play stops, the page's own year callback runs
once so that the URL takes the year. The naive way is what the year slider
does on its own: one call of the map page's callback per step (values,
classes, legend and controls of that year).

Both sides run on the same Dataset, view and years, ``repeats`` times each,
each repeat on a new app (empty answer memos; the Dataset's analysis is warm
for both). Bytes and server time are the real callback answers through
Dash's own request handling (Flask's test client, ``Accept-Encoding: gzip, br``,
so the compressed bytes a browser receives, without HTTP headers). With a
browser, the time per step is taken in headless Chromium on a served app:
from the start of a step (geodash: ``gdPlay._state.shown``; naive: the
slider's ``set_props``) to the map's next completed paint (``data-gd-painted``).
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable

from geodash.bench.dash_requests import body_for, find_callback
from geodash.bench.measure import measure
from geodash.bench.results import Comparison, Figure
from geodash.dataset import Dataset
from geodash.web.figures.choropleth import resolve_state
from geodash.web.figures.map import VIEW
from geodash.web.figures.map_frames import play_years
from geodash.web.pages import map as map_page
from geodash.web.pages import map_play
from geodash.web.pages.map_layers import layer_values
from geodash.web.state import ViewState

NAIVE_LABEL = "one call of the map page's year callback per step (as the year slider does)"
UPDATE = "/_dash-update-component"
ENCODING = {"Accept-Encoding": "gzip, br"}


def play_view(dataset: Dataset, indicator: str | None = None) -> tuple[ViewState, list[int]]:
    """The view played (the indicator, else the workspace default, at its first year) and its years."""
    state = resolve_state(dataset, ViewState(indicator=indicator))
    years = play_years(dataset, state)
    return state.with_(year=years[0] if years else None), years


class PlayCalls:
    """The two ways to play, as request bodies for one app's ``/_dash-update-component``."""

    def __init__(self, app, dataset: Dataset, state: ViewState, years: list[int]) -> None:
        client = app.server.test_client()
        dependencies = json.loads(client.get("/_dash-dependencies").data)
        self.client = client
        self.sync = find_callback(dependencies, f"{VIEW}.data")
        self.prefetch = find_callback(dependencies, f"{map_play.FRAMES}.data")
        self.search = f"?{state.to_query()}"
        self.years = years
        self.values = {
            f"{map_page.PAGE_URL}.search": self.search, f"{map_page.PAGE_URL}.pathname": "/",
            f"{map_page.INDICATOR}.value": state.indicator, f"{map_page.YEAR}.value": state.year,
            f"{map_page.SCHEME}.value": state.scheme, f"{map_page.CLASSES}.value": state.k,
            f"{map_page.LAYERS}.value": layer_values(dataset, state),
            f"{map_page.CATEGORIES}.value": map_page.shown_categories(dataset, state),
        }

    def post(self, body: dict) -> int:
        """Send one callback request; the bytes of its (compressed) answer."""
        response = self.client.post(UPDATE, json=body, headers=ENCODING)
        if response.status_code != 200:
            raise RuntimeError(f"callback answered {response.status_code}: {response.data[:200]!r}")
        return len(response.data)

    def year_step(self, year: int) -> int:
        """One call of the map page's callback after the year slider moved to ``year``."""
        trigger = f"{map_page.YEAR}.value"
        return self.post(body_for(self.sync, {**self.values, trigger: year}, [trigger]))

    def naive_play(self) -> int:
        """Every step a server call: the bytes of all answers."""
        return sum(self.year_step(year) for year in self.years[1:])

    def geodash_play(self) -> int:
        """Every year's payload in one call, then the one call that writes the last year to the URL."""
        trigger = f"{map_play.REQUEST}.data"
        frames = self.post(body_for(self.prefetch, {trigger: {"search": self.search, "n": 1}},
                                    [trigger]))
        return frames + self.year_step(self.years[-1])


def _fresh_calls(make_app: Callable[[], object], dataset, state, years) -> Callable[[], tuple]:
    # A new app per repeat: its answer memos start empty, as after a restart.
    return lambda: (PlayCalls(make_app(), dataset, state, years),)


def compare_play(dataset: Dataset, make_app: Callable[[], object], *, repeats: int = 3,
                 indicator: str | None = None, label: str = "") -> tuple[list[Comparison], list[str]]:
    """Bytes and server time of playing every year of one view, geodash against the naive way."""
    state, years = play_view(dataset, indicator)
    n = len(dataset.areas)
    where = label or f"{n:,} areas"
    if len(years) < 2:
        return [], [f"play ({where}): the indicator {state.indicator!r} has fewer than two years; "
                    "nothing to play"]
    steps = len(years) - 1
    setup = _fresh_calls(make_app, dataset, state, years)
    ours_bytes, ours_t = measure(lambda calls: calls.geodash_play(), setup, repeats=repeats)
    theirs_bytes, theirs_t = measure(lambda calls: calls.naive_play(), setup, repeats=repeats)
    step = (f"play {state.indicator} {years[0]}–{years[-1]} ({steps} step{'s' * (steps > 1)}) · "
            f"{where}")
    rows = [
        Comparison("play_bytes", f"{step}: callback answers, bytes (gzip/br)",
                   Figure(ours_bytes, "B", "exact"), Figure(theirs_bytes, "B", "exact"),
                   NAIVE_LABEL, n=n),
        Comparison("play_server_time", f"{step}: server time of the whole play",
                   Figure(ours_t.seconds, "s", ours_t.how, ours_t.peak_rss),
                   Figure(theirs_t.seconds, "s", theirs_t.how, theirs_t.peak_rss), NAIVE_LABEL, n=n),
    ]
    notes = [f"play ({where}): geodash = one answer with {len(years)} years' payloads and legends "
             f"+ the one year callback when it stops; naive = {steps} year "
             f"callback{'s' * (steps > 1)}; per step "
             f"{ours_bytes / steps:,.0f} B against {theirs_bytes / steps:,.0f} B."]
    return rows, notes


# --- in the browser -------------------------------------------------------------------------

STEP_TIMES_JS = """
const shown = (window.gdPlay && window.gdPlay._state.shown) || [];
return shown.map(s => s[1]);
"""


def _serve(app) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on a free loopback port in a thread; its URL and a function that stops it."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # the table is the output, not a log
            pass

    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def _paint_after(driver, t_ms: float, deadline_s: float) -> float:
    from geodash.bench.browser import wait_for_paint

    return wait_for_paint(driver, t_ms, deadline_s).t_ms


def browser_steps(url: str, years: list[int], *,
                  deadline_s: float = 120.0) -> tuple[list[float], list[float]]:
    """Milliseconds per step in headless Chromium: geodash's play, then the naive slider steps."""
    from geodash.bench.browser import PROBE, SWITCH_JS, new_driver

    driver = new_driver()
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
        driver.get(url)
        first = _paint_after(driver, -1.0, deadline_s)
        driver.find_element("id", map_play.BUTTON).click()
        end = time.monotonic() + deadline_s
        while f"jahr={years[-1]}" not in driver.current_url:
            if time.monotonic() > end:
                raise RuntimeError("the play did not reach the last year")
            time.sleep(0.1)
        started = driver.execute_script(STEP_TIMES_JS)[1:]  # the first show only repaints the start
        ours = [_paint_after(driver, t, deadline_s) - t for t in started]
        driver.get(url)  # the naive way: the slider, one server call per step
        last = _paint_after(driver, first - 1e9, deadline_s)
        theirs = []
        for year in years[1:]:
            sent = driver.execute_script(SWITCH_JS, map_page.YEAR, year)
            last = _paint_after(driver, max(sent, last), deadline_s)
            theirs.append(last - sent)
        return ours, theirs
    finally:
        driver.quit()


def compare_play_browser(dataset: Dataset, make_app: Callable[[], object], *, repeats: int = 3,
                         indicator: str | None = None, label: str = "") -> list[Comparison]:
    """Time per step to the painted map in headless Chromium, geodash against the naive way."""
    state, years = play_view(dataset, indicator)
    if len(years) < 2:
        return []
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeats):
        url, stop = _serve(make_app())
        try:
            mine, naive = browser_steps(f"{url}/?{state.to_query()}", years)
        finally:
            stop()
        ours += mine
        theirs += naive
    n = len(dataset.areas)
    how = f"median of {len(ours)} steps"
    return [Comparison(
        "play_step_browser",
        f"play {state.indicator}: one step to the painted map, headless Chromium · {label or n}",
        Figure(statistics.median(ours) / 1000, "s", how),
        Figure(statistics.median(theirs) / 1000, "s", f"median of {len(theirs)} steps"),
        NAIVE_LABEL, n=n)]
