"""The browser: time to the drawn map and to the repaint after a switch, in headless Chromium.

A probe script is installed before any page script runs
(``Page.addScriptToEvaluateOnNewDocument``). It records, on the page's own
clock (``performance.now()``, 0 = navigation start), every completed paint:

- **geodash's contract**: the map element carries ``data-gd-painted="N"``,
  incremented after each completed paint (first draw and every recolour),
  and ``data-gd-features="M"``. A ``MutationObserver`` records each change.
- **Plotly** (the tutorial app, and geodash until its map has the contract):
  every ``plotly_afterplot`` of a ``.js-plotly-plot``, and every ``idle`` of
  the MapLibre map underneath (the map has finished rendering). A paint is
  the first ``idle`` after an ``afterplot`` (or the ``afterplot`` itself if
  no ``idle`` follows within :data:`IDLE_GRACE_MS`).

The switch is sent as a user's pick in the dropdown:
``dash_clientside.set_props(dropdown, {value})``, with the page's clock read
just before; the repaint is the first paint after it. Bytes on the wire are
the ``encodedDataLength`` of every ``Network.loadingFinished`` in Chromium's
performance log (headers included), split into the page load and the switch.
Every repeat is a new browser with an empty cache: a first visit.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         "--window-size=1280,900")
IDLE_GRACE_MS = 5_000.0
POLL_S = 0.1

PROBE = """
(() => {
  const events = [];
  window.__gdBench = events;
  const record = (kind, detail) => events.push({t: performance.now(), kind, detail: detail || ''});
  const hooked = new WeakSet();
  const hookMap = (gd) => {
    const sub = gd._fullLayout && (gd._fullLayout.map || gd._fullLayout.mapbox);
    const map = sub && sub._subplot && sub._subplot.map;
    if (map && !map.__gdBench) { map.__gdBench = true; map.on('idle', () => record('idle')); }
  };
  const hookPlot = (gd) => {
    if (typeof gd.on !== 'function') return;
    hookMap(gd);
    if (hooked.has(gd)) return;
    hooked.add(gd);
    gd.on('plotly_afterplot', () => { record('afterplot'); hookMap(gd); });
  };
  const seenPainted = new WeakMap();
  const scan = () => {
    document.querySelectorAll('.js-plotly-plot').forEach(hookPlot);
    document.querySelectorAll('[data-gd-painted]').forEach((el) => {
      const n = el.getAttribute('data-gd-painted');
      if (seenPainted.get(el) !== n) {
        seenPainted.set(el, n);
        record('gd-painted', n + '/' + (el.getAttribute('data-gd-features') || ''));
      }
    });
  };
  const observer = new MutationObserver(scan);
  const start = () => {
    observer.observe(document.documentElement, {attributes: true, childList: true, subtree: true,
                                                attributeFilter: ['data-gd-painted', 'class']});
    const tick = () => { scan(); requestAnimationFrame(tick); };
    tick();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
"""

SWITCH_JS = """
const [id, value] = arguments;
const t = performance.now();
window.dash_clientside.set_props(id, {value: value});
return t;
"""


class BrowserFailed(Exception):
    """Chromium could not be started, or the map did not paint in time."""


@dataclass(frozen=True)
class Paint:
    """One completed paint on the page's clock, in milliseconds since navigation start."""

    t_ms: float
    how: str  # "gd-painted", "plotly idle" or "plotly afterplot"
    detail: str = ""


def paints(events: list[dict]) -> list[Paint]:
    """The completed paints in the probe's events.

    If the page has geodash's contract (``gd-painted`` events), those are the
    paints. Otherwise each ``afterplot`` is completed by the first ``idle``
    after it, or counts itself when no ``idle`` comes within
    :data:`IDLE_GRACE_MS` (a Plotly figure without a map).

    Examples
    --------
    >>> paints([{"t": 5, "kind": "afterplot"}, {"t": 9, "kind": "idle"},
    ...         {"t": 20, "kind": "afterplot"}, {"t": 31, "kind": "idle"}])[1].t_ms
    31
    """
    contract = [e for e in events if e["kind"] == "gd-painted"]
    if contract:
        # The first record is the attribute's initial value when the element appears; "0" is no paint.
        return [Paint(e["t"], "gd-painted", e.get("detail", "")) for e in contract
                if not str(e.get("detail", "0")).startswith("0/")]
    found = []
    afterplots = [e["t"] for e in events if e["kind"] == "afterplot"]
    idles = [e["t"] for e in events if e["kind"] == "idle"]
    last = float("-inf")
    for i, t in enumerate(afterplots):
        until = afterplots[i + 1] if i + 1 < len(afterplots) else float("inf")
        after = [s for s in idles if t <= s < until and s - t <= IDLE_GRACE_MS]
        when = after[0] if after else t
        if when > last:
            found.append(Paint(when, "plotly idle" if after else "plotly afterplot"))
            last = when
    return found


@dataclass
class BrowserRun:
    """One first visit: time to the drawn map, to the repaint after a switch, bytes seen."""

    drawn_s: float
    repaint_s: float
    page_bytes: int
    switch_bytes: int
    how: str
    features: str = ""
    same_origin_gets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def new_driver():
    """Headless Chromium with performance logging, or :class:`BrowserFailed`."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise BrowserFailed("selenium is not installed (pip install -e \".[test]\")") from exc
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except Exception as exc:  # selenium raises its own WebDriverException family
        raise BrowserFailed(f"headless Chromium did not start ({CHROMIUM}, {CHROMEDRIVER}): {exc}") from exc


def network_log(driver) -> list[dict]:
    """The Network.* messages of Chromium's performance log since the last call."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method", "").startswith("Network."):
            out.append(message)
    return out


def wire_bytes(messages: list[dict]) -> tuple[int, list[str]]:
    """Bytes of every finished load (``encodedDataLength``) and the GET URLs requested."""
    total = 0
    gets = []
    for message in messages:
        params = message.get("params", {})
        if message["method"] == "Network.loadingFinished":
            total += int(params.get("encodedDataLength", 0))
        elif message["method"] == "Network.requestWillBeSent":
            request = params.get("request", {})
            if request.get("method") == "GET":
                gets.append(request.get("url", ""))
    return total, gets


def wait_for_paint(driver, after_ms: float, deadline_s: float) -> Paint:
    """Poll the probe until a paint later than ``after_ms`` is complete."""
    end = time.monotonic() + deadline_s
    while True:
        events = driver.execute_script("return window.__gdBench || []")
        done = [p for p in paints(events) if p.t_ms > after_ms]
        # A Plotly afterplot without idle yet may still get its idle: wait out the grace.
        if done and (done[0].how != "plotly afterplot"
                     or driver.execute_script("return performance.now()") - done[0].t_ms > IDLE_GRACE_MS):
            return done[0]
        if time.monotonic() > end:
            raise BrowserFailed(f"no paint after {after_ms:.0f} ms within {deadline_s:g} s "
                                f"({len(events)} probe events)")
        time.sleep(POLL_S)


def visit(url: str, dropdown: str, switch_to: str, *, deadline_s: float = 600.0) -> BrowserRun:
    """Open ``url`` in a new headless Chromium, wait for the map, switch, wait for the repaint.

    Raises
    ------
    BrowserFailed
        Chromium did not start, a page script failed, or the map did not paint in time.
    """
    from selenium.common.exceptions import WebDriverException

    driver = new_driver()
    try:
        return _visit(driver, url, dropdown, switch_to, deadline_s)
    except WebDriverException as exc:
        raise BrowserFailed(f"{type(exc).__name__}: {str(exc).strip()[:300]}") from exc
    finally:
        driver.quit()


def _visit(driver, url: str, dropdown: str, switch_to: str, deadline_s: float) -> BrowserRun:
    """One visit in an open browser (see :func:`visit`)."""
    driver.set_page_load_timeout(deadline_s)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    driver.get(url)
    drawn = wait_for_paint(driver, -1.0, deadline_s)
    # Not a test: a short pause lets late requests of the first page (icons) count with it.
    time.sleep(0.5)
    page_bytes, gets = wire_bytes(network_log(driver))
    end = time.monotonic() + 60
    while not driver.execute_script(
            f"return !!document.getElementById({json.dumps(dropdown)}) && !!window.dash_clientside"
            " && !!window.dash_clientside.set_props"):
        if time.monotonic() > end:
            raise BrowserFailed(f"the page has no #{dropdown} or no dash_clientside.set_props")
        time.sleep(POLL_S)
    before = max(drawn.t_ms, driver.execute_script("return performance.now()"))
    sent = driver.execute_script(SWITCH_JS, dropdown, switch_to)
    repaint = wait_for_paint(driver, max(before, sent), deadline_s)
    time.sleep(0.5)
    switch_bytes, _ = wire_bytes(network_log(driver))
    severe = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return BrowserRun(drawn.t_ms / 1000, (repaint.t_ms - sent) / 1000, page_bytes, switch_bytes,
                      drawn.how, drawn.detail, gets, severe)
