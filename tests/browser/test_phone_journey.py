"""Every page on a 390 px phone and on a 1400 px desktop: no sideways scrolling, readable charts.

The pages come from the app's own page registry (:data:`geodash.web.pages.PAGES`)
plus the offer finder mounted beside them, so that a page added to the registry
is checked here without a change to this file. The phone is Chromium's mobile
emulation (390 × 844 CSS px, overlay scroll bars, the page's viewport meta tag
honoured), as a phone's browser lays the page out.

Per page and width a user must see, without scrolling sideways:

- the page as wide as the screen: ``document.documentElement.scrollWidth <= width``;
- its first control (a picker, a field) and its first map or chart (else its first
  table), displayed and within the screen's width; what is wider by design (a heat
  table whose numbers must stay readable, a table of many columns) scrolls inside
  its own box, and that box is within the screen's width;
- in every heat table, numbers and heads of at least 10 px that do not run into
  each other.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from waits import until

from geodash.web.app import create_app
from geodash.web.narrow import SETTINGS_BUTTON
from geodash.web.pages import PAGES
from geodash.web.pages import map as map_page
from geodash.web.public.app import PREFIX as FINDER_PATH

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 390, 1400
PATHS = [page.PATH for page in PAGES] + [FINDER_PATH]

# What the page has settled into: content built, no callback running, every chart drawn.
SETTLED_JS = """
const main = document.querySelector('main');
if (!main || !main.querySelector('input, select, button, .dash-dropdown, table, .js-plotly-plot')) {
    return false;
}
if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
// Every graph drawn (a dcc.Graph becomes .js-plotly-plot only when Plotly starts drawing).
const graphs = [...document.querySelectorAll('.dash-graph')];
return graphs.every(g => g.querySelector('.main-svg'));
"""

# The first displayed control of the page and its first map, chart or table, outside the navbar.
LAYOUT_JS = """
const width = arguments[0];
function shown(el) {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
}
function box(el) {
    if (!el) { return null; }
    const r = el.getBoundingClientRect();
    return {tag: el.tagName, id: el.id || el.className.toString(), left: r.left, right: r.right,
            width: r.width, height: r.height};
}
const main = document.querySelector('main');
const control = [...main.querySelectorAll(
    'input:not([type=hidden]), select, .dash-dropdown, button, textarea')].find(shown);
// A map or chart first, else a table; what scrolls inside its own box counts as that box.
const views = [...main.querySelectorAll('.leaflet-container, .js-plotly-plot')].filter(shown);
const tables = [...main.querySelectorAll('table, .ag-root-wrapper')].filter(shown);
const first = views.length ? views[0] : tables[0];
const view = first && (first.closest('.gd-scroll-x, .table-responsive') || first);
return {scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        control: box(control), view: box(view)};
"""

# Per heat table: the font sizes of its numbers and heads, and which of them overlap.
HEATMAP_JS = """
function overlaps(texts) {
    const boxes = texts.map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
    const found = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            // Half a pixel of slack: neighbouring glyph boxes may touch.
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
                found.push([texts[i].textContent, texts[j].textContent]);
            }
        }
    }
    return found;
}
return [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.hm'))
    .map(plot => {
        const cells = [...plot.querySelectorAll('.hm text')];
        const heads = [...plot.querySelectorAll('.xtick text')];
        const names = [...plot.querySelectorAll('.ytick text')];
        const all = [...cells, ...heads, ...names];
        return {
            id: plot.parentNode.id || plot.closest('[id]').id,
            cells: cells.length,
            smallest: Math.min(...all.map(t => parseFloat(getComputedStyle(t).fontSize))),
            overlapping: [...overlaps(cells), ...overlaps(heads), ...overlaps(names)].slice(0, 5),
        };
    });
"""


def set_width(dash_duo, width: int) -> None:
    """A phone (mobile emulation) for 390 px, a desktop window otherwise."""
    driver = dash_duo.driver
    if width <= 600:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_window_size(width, 900)


def open_at(dash_duo, dataset, path: str, width: int) -> None:
    dash_duo.start_server(create_app(dataset), navigate=False)
    set_width(dash_duo, width)
    dash_duo.driver.get(f"{dash_duo.server.url}{path}")
    until(lambda: dash_duo.driver.execute_script(SETTLED_JS), message=f"{path} was not drawn")


def inside(box: dict | None, width: int) -> bool:
    return box is not None and box["left"] >= -0.5 and box["right"] <= width + 0.5


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", PATHS)
def test_every_page_fits_the_screen_with_its_control_and_chart_in_view(dash_duo, demo_dataset,
                                                                      path, width):
    open_at(dash_duo, demo_dataset, path, width)
    driver = dash_duo.driver
    # A chart that is redrawn for its box may widen the page a moment later: wait for the last.
    layout = until(lambda: (lambda r: r if r["view"] and r["control"] else None)(
        driver.execute_script(LAYOUT_JS, width)), message=f"{path}: no control or chart")
    assert layout["scrollWidth"] <= width, layout
    assert layout["scrollWidth"] <= layout["clientWidth"], layout  # no sideways scrolling
    assert inside(layout["control"], width), layout
    assert inside(layout["view"], width), layout
    for heatmap in driver.execute_script(HEATMAP_JS):
        assert heatmap["cells"] > 0, heatmap
        assert heatmap["smallest"] >= 10, heatmap
        assert heatmap["overlapping"] == [], heatmap
    assert dash_duo.get_logs() == []


def test_on_a_phone_the_map_settings_fold_away_and_open_on_a_tap(dash_duo, demo_dataset):
    open_at(dash_duo, demo_dataset, "/", PHONE)
    driver = dash_duo.driver
    button = dash_duo.find_element(f"button[id*='{SETTINGS_BUTTON}']")
    scheme = dash_duo.find_element(f"#{map_page.SCHEME}")
    indicator = dash_duo.find_element(f"#{map_page.INDICATOR}")
    assert button.is_displayed() and indicator.is_displayed()
    assert not scheme.is_displayed()
    # The map starts on the first screen (844 px high), not below every setting.
    top = driver.execute_script(
        "return document.querySelector('.leaflet-container').getBoundingClientRect().top")
    assert top < 844
    button.click()
    until(lambda: scheme.is_displayed(), message="the settings did not open")
    assert button.get_attribute("aria-expanded") == "true"
    button.click()
    until(lambda: not scheme.is_displayed(), message="the settings did not fold")
    assert dash_duo.get_logs() == []


def test_on_a_desktop_the_map_settings_are_open_without_a_button(dash_duo, demo_dataset):
    open_at(dash_duo, demo_dataset, "/", DESKTOP)
    until(lambda: dash_duo.find_element(f"#{map_page.SCHEME}").is_displayed(),
          message="the classification is not shown")
    buttons = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"button[id*='{SETTINGS_BUTTON}']")
    assert buttons and not buttons[0].is_displayed()
    assert dash_duo.get_logs() == []
