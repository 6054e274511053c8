"""Residents' journeys through the public offer finder in headless Chromium, and its accessibility audit.

The workspace is ``tests/finder_workspace.py``: every expected list and
distance below is computed there by hand (Pythagoras in EPSG:25832).
The audit runs axe-core (npm ``axe-core``, installed by ``tests/run.sh`` into
``tests/.axe``; else the copy bundled with PyPI's ``axe-selenium-python``) and
fails on any serious or critical violation of WCAG 2.0/2.1 A and AA.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.public.app import PREFIX, create_public_app
from geodash.web.public.finder import ADDRESS, OFFER_LIST, PRINT, RESULTS, SUBMIT
from tests.finder_workspace import make_finder_workspace

pytestmark = pytest.mark.browser

LIST_JS = f"""
return Array.from(document.querySelectorAll('#{OFFER_LIST} > li')).map(
    li => [li.dataset.siteId, Number(li.dataset.distanceM)]);
"""


@pytest.fixture(scope="module")
def finder_dataset(tmp_path_factory):
    return build_dataset(load_catalog(make_finder_workspace(tmp_path_factory.mktemp("finder") / "ws")))


def open_finder(dash_duo, dataset, query: str = "", width: int = 1280, height: int = 900):
    dash_duo.driver.set_window_size(width, height)
    dash_duo.start_server(create_public_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{PREFIX}{query}")
    dash_duo.wait_for_element(f"#{ADDRESS}")


def listed(dash_duo, count: int) -> list:
    """The offers on the list once it shows ``count`` of them: [site id, metres]."""
    until(lambda: len(dash_duo.driver.execute_script(LIST_JS)) == count)
    return dash_duo.driver.execute_script(LIST_JS)


def tab_to(dash_duo, predicate_js: str, limit: int = 60, shift: bool = False):
    """Press Tab until the focused element satisfies ``predicate_js`` (a JS expression on ``el``)."""
    for _ in range(limit):
        script = f"const el = document.activeElement; return !!({predicate_js});"
        if dash_duo.driver.execute_script(script):
            return dash_duo.driver.switch_to.active_element
        keys = ActionChains(dash_duo.driver)
        (keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT) if shift
         else keys.send_keys(Keys.TAB)).perform()
    raise AssertionError(f"Tab never reached {predicate_js}")


def press(dash_duo, *keys):
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def label_of(value_js: str) -> str:
    return (f"el.tagName === 'INPUT' && el.closest('label') && "
            f"el.closest('label').textContent.trim() === {value_js}")


def test_german_journey_with_the_keyboard_only(dash_duo, finder_dataset):
    """Type a misspelt address, filter for free Turkish counselling, search, print: Tab, Space, Enter."""
    open_finder(dash_duo, finder_dataset)
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "de"
    body = dash_duo.find_element("body")
    body.click()
    tab_to(dash_duo, f"el.id === '{ADDRESS}'")
    press(dash_duo, "Ludwigstrase 2", Keys.ENTER)
    # By hand: o2 200 m, o1 500 m, o4 600 m, o6 900 m, o3 1000 m (o5 ended in 2015).
    assert listed(dash_duo, 5) == [["o2", 200], ["o1", 500], ["o4", 600], ["o6", 900], ["o3", 1000]]
    dash_duo.wait_for_contains_text("#finder-ausgangspunkt", "Ludwigstraße 2, 67059")
    # The focus moved to the results, so that a screen reader reads them next.
    until(lambda: dash_duo.driver.execute_script("return document.activeElement.id") == RESULTS)
    # Filters: Migrationsberatung, Turkish, free only, three offers, then the search button.
    tab_to(dash_duo, label_of("'Migrationsberatung'"), shift=True)
    press(dash_duo, Keys.SPACE)
    tab_to(dash_duo, "el.type === 'radio' && el.name && el.closest('fieldset').textContent.includes('Sprache "
           "des Angebots')")
    for _ in range(8):  # arrow keys move within the radio group
        focused = dash_duo.driver.execute_script(
            "return document.activeElement.closest('label').textContent.trim()")
        if focused == "Türkisch":
            break
        press(dash_duo, Keys.ARROW_DOWN)
    tab_to(dash_duo, label_of("'nur kostenlose Angebote'"))
    press(dash_duo, Keys.SPACE)
    tab_to(dash_duo, "el.type === 'radio' && el.closest('fieldset').textContent.includes('Wie viele')")
    press(dash_duo, Keys.ARROW_LEFT)  # 5 -> 3
    tab_to(dash_duo, f"el.id === '{SUBMIT}'")
    press(dash_duo, Keys.ENTER)
    # Free Turkish counselling (mbe, tr): o1 at 500 m and o3 at 1000 m.
    assert listed(dash_duo, 2) == [["o1", 500], ["o3", 1000]]
    search = dash_duo.driver.execute_script("return window.location.search")
    for part in ("adresse=Ludwigstrase", "kat=mbe", "sprache=tr", "kostenlos=1", "anzahl=3"):
        assert part in search
    # Print: the browser's print dialog, and a print layout with the list only.
    dash_duo.driver.execute_script("window.print = () => { window.__printed = true; };")
    tab_to(dash_duo, f"el.id === '{PRINT}'")
    press(dash_duo, Keys.ENTER)
    until(lambda: dash_duo.driver.execute_script("return window.__printed === true"))
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    hidden = dash_duo.driver.execute_script("""
        return ['.gd-finder-form', '.gd-finder-map-section', '.gd-finder-header'].map(
            s => getComputedStyle(document.querySelector(s)).display);""")
    assert hidden == ["none", "none", "none"]
    assert dash_duo.find_element(f"#{OFFER_LIST}").is_displayed()
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert dash_duo.get_logs() == []


def test_arabic_journey_right_to_left_on_a_phone(dash_duo, finder_dataset):
    open_finder(dash_duo, finder_dataset, "?lang=ar", width=390, height=844)
    root = dash_duo.driver.execute_script(
        "return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body)"
        ".direction]")
    assert root == ["ar", "rtl", "rtl"]
    dash_duo.find_element(f"#{ADDRESS}").send_keys("Bgm-Grünzweig-Str 35")
    dash_duo.find_element(f"#{SUBMIT}").click()
    # From (x0+400, y0+400): o3 200 m, o6 sqrt(300²+600²) = 670.8, o2 1000, o4 sqrt(1200²+600²) = 1341.6,
    # o1 sqrt(900²+1000²) = 1345.4.
    assert listed(dash_duo, 5) == [["o3", 200], ["o6", 671], ["o2", 1000], ["o4", 1342], ["o1", 1345]]
    dash_duo.wait_for_contains_text(f"#{RESULTS} h2", "أقرب الخدمات")
    items = dash_duo.find_elements(f"#{OFFER_LIST} > li h3")
    assert "نادي الشباب الغربي" in items[1].text  # o6's Arabic name from the workspace
    # The page reflows to the phone's width: nothing to scroll sideways.
    width = dash_duo.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1]
    assert "lang=ar" in dash_duo.driver.execute_script("return window.location.search")
    assert dash_duo.get_logs() == []


def test_the_page_zoomed_to_200_percent_keeps_everything_reachable(dash_duo, finder_dataset):
    open_finder(dash_duo, finder_dataset, "?adresse=Ludwigstrasse+2")
    assert listed(dash_duo, 5)[0] == ["o2", 200]
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport with twice the text size.
    dash_duo.driver.set_window_size(640, 900)
    dash_duo.driver.execute_script("document.documentElement.style.fontSize = '200%';")
    width = dash_duo.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1]
    assert dash_duo.find_element(f"#{SUBMIT}").is_displayed()
    assert dash_duo.get_logs() == []


def axe_source() -> str:
    candidates = [os.environ.get("AXE_CORE_JS", ""),
                  str(Path(__file__).resolve().parents[1] / ".axe" / "node_modules" / "axe-core"
                      / "axe.min.js")]
    try:
        import axe_selenium_python

        candidates.append(str(Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core"
                              / "axe.min.js"))
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    raise AssertionError("axe-core is not installed: run `npm install --prefix tests/.axe axe-core@4` "
                         "(tests/run.sh does) or `pip install axe-selenium-python`.")


AXE_RUN = """
const done = arguments[arguments.length - 1];
// WCAG 2.1 rules where this axe-core has them (the copy bundled with axe-selenium-python knows 2.0).
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'].filter(t => axe.getRules([t]).length);
axe.run(document, {runOnly: {type: 'tag', values: tags},
                   resultTypes: ['violations']})
   .then(r => done({version: axe.version, violations: r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))}))
   .catch(e => done({error: String(e)}));
"""


@pytest.mark.parametrize(("query", "width"), [
    ("?adresse=Ludwigstrasse+2&anzahl=10", 1280),
    ("?adresse=Bgm-Gr%C3%BCnzweig-Str+35&lang=ar", 390),
    ("?lang=tr", 1280),
])
def test_axe_finds_no_serious_or_critical_violation(dash_duo, finder_dataset, query, width):
    open_finder(dash_duo, finder_dataset, query, width=width)
    if "adresse" in query:
        until(lambda: len(dash_duo.driver.execute_script(LIST_JS)) > 0)
    dash_duo.driver.set_script_timeout(60)
    dash_duo.driver.execute_script(axe_source())
    result = dash_duo.driver.execute_async_script(AXE_RUN)
    assert "error" not in result, result
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"axe {result['version']}: {serious}"
    assert dash_duo.get_logs() == []


def test_the_legal_notice_says_what_happens_to_what_is_typed(dash_duo, finder_dataset):
    open_finder(dash_duo, finder_dataset, "?lang=en")
    dash_duo.find_element("a[href^='impressum']").click()
    dash_duo.wait_for_contains_text("#finder-datenschutz", "neither stored nor logged")
    assert "City of Gitterstadt" in dash_duo.find_element("main").text
    assert dash_duo.get_logs() == []


def test_the_finder_beside_the_planning_pages_answers_a_search(dash_duo, finder_dataset):
    """Mounted on the planning app's server (geodash serve), its callbacks pass the request guard."""
    from geodash.web.app import create_app

    dash_duo.start_server(create_app(finder_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{PREFIX}?adresse=Ludwigstrasse+2")
    # By hand: o2 200 m, o1 500 m, o4 600 m, o6 900 m, o3 1000 m (o5 ended in 2015).
    assert listed(dash_duo, 5) == [["o2", 200], ["o1", 500], ["o4", 600], ["o6", 900], ["o3", 1000]]
    assert dash_duo.get_logs() == []
