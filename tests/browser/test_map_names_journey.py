"""A map that names things, walked in headless Chromium at desktop (1400 px) and phone (390 px) width.

The 2×2 grid, by hand: alq 2023 is 4.0 / 8.0 / 16.0 / 22.5 % in Nordwest,
Nordost, Südwest, Südost; four distinct values make four quantile classes of
one area each, Südost in the last (darkest). alq has values in 2022 and 2023
only: 1990 is 32 years from 2022 and 33 from 2023, so ``jahr=1990`` shows 2022.
The zone "West" (Soziale Stadt, since 2005) runs down the middle of Nordwest.
The sites: s1, s3 in category qm, s2, s4 in kurs.
"""

from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import DEADLINE, until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.narrow import SETTINGS_BUTTON
from geodash.web.pages import map as map_page
from geodash.web.pages import map_names
from geodash.web.url_check import NOTES

pytestmark = pytest.mark.browser

GRAPH = f"#{map_figure.GRAPH}"
LEGEND = f"#{map_page.LEGEND}"
SITES_LEGEND = f"#{map_names.SITES_LEGEND}"
WIDTHS = [1400, 390]

PAINTED_JS = f"""
const el = document.querySelector('{GRAPH}');
return el ? Number(el.dataset.gdPainted || 0) : 0;
"""
LABELS_JS = f"return window.gdNames ? window.gdNames.shown('{map_figure.GRAPH}') : [];"
ZOOM_JS = (f"const e = window.gdMap && window.gdMap._maps['{map_figure.GRAPH}'];"
           "const m = e && e.layers[0] && e.layers[0]._map;"
           "return m ? [m.getZoom(), m.getCenter().lat, m.getCenter().lng] : null;")


def open_map(dash_duo, dataset, query: str = "", width: int = 1400) -> None:
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/{query}")
    dash_duo.wait_for_element(GRAPH)
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) >= 1)


def labels_switch(dash_duo):
    """The names switch; on a phone it sits in the folded settings, which a tap opens first."""
    switch = dash_duo.find_element(f"#{map_names.LABELS} input")
    if not switch.is_displayed():
        dash_duo.find_element(f"button[id*='{SETTINGS_BUTTON}']").click()
        until(switch.is_displayed, message="the settings did not open")
    return switch


def labels(dash_duo) -> list[dict]:
    return dash_duo.driver.execute_script(LABELS_JS)


def no_sideways_scrolling(dash_duo, width: int) -> bool:
    return dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= width


def box(dash_duo, selector: str) -> dict:
    return dash_duo.driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};", selector)


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


@pytest.mark.parametrize("width", WIDTHS)
def test_area_names_show_without_overlap_and_the_switch_hides_them(dash_duo, grid_dataset, width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023", width)
    until(lambda: len(labels(dash_duo)) == 4)
    shown = labels(dash_duo)
    assert sorted(label["name"] for label in shown) == ["Nordost", "Nordwest", "Südost", "Südwest"]
    assert not any(overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1:])
    names = [el.text for el in dash_duo.find_elements(".gd-area-label")]
    assert sorted(names) == ["Nordost", "Nordwest", "Südost", "Südwest"]  # visible text
    assert no_sideways_scrolling(dash_duo, width)

    labels_switch(dash_duo).click()
    until(lambda: labels(dash_duo) == [])
    until(lambda: "namen=aus" in dash_duo.driver.current_url)
    assert dash_duo.find_elements(".gd-area-label") == []

    # The URL holds the switch: a reload keeps the names off, the switch turns them on again.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(GRAPH)
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) >= 1)
    assert not dash_duo.find_element(f"#{map_names.LABELS} input").is_selected()
    assert labels(dash_duo) == []
    labels_switch(dash_duo).click()
    until(lambda: len(labels(dash_duo)) == 4)
    until(lambda: "namen=aus" not in dash_duo.driver.current_url)
    assert dash_duo.get_logs() == []


def test_names_of_small_areas_are_left_out_until_the_user_zooms_in(dash_duo, grid_dataset):
    # Three zoom levels out, the grid's areas are 1/8 as wide on screen: no name fits in them.
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023")
    until(lambda: len(labels(dash_duo)) == 4)
    start = dash_duo.driver.execute_script(ZOOM_JS)
    dash_duo.driver.get(f"{dash_duo.server.url}/?ind=alq&jahr=2023&zoom={start[0] - 3:g}"
                        f"&mitte={start[1]:.5f},{start[2]:.5f}")
    dash_duo.wait_for_element(GRAPH)
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) >= 1)
    until(lambda: (dash_duo.driver.execute_script(ZOOM_JS) or [0])[0] == start[0] - 3)
    until(lambda: dash_duo.find_element(GRAPH).get_attribute("data-gd-labels") == "0")
    assert labels(dash_duo) == []
    for step in (2, 1, 0):  # zoom in with the map's own button, one level at a time
        dash_duo.find_element(".leaflet-control-zoom-in").click()
        # The URL follows once the zoom has ended (Leaflet drops a click during its animation).
        until(lambda step=step: (section(dash_duo.driver.current_url) or ("",))[0]
              == f"{start[0] - step:g}")
    until(lambda: len(labels(dash_duo)) == 4)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_hover_on_a_programme_area_shows_its_name_programme_and_running_time(dash_duo,
                                                                            grid_dataset, width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023", width)
    graph = dash_duo.find_element(GRAPH)
    # On a phone the map starts below the tools: bring its centre on screen, as a user scrolls.
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", graph)
    # The outline of "West" halfway across Nordwest: its centre's offset from the map's centre.
    x_line, y_line = dash_duo.driver.execute_script(
        "const nw = window.gdMap._maps[arguments[0]].layers[0], map = nw._map;"
        "const p = map.latLngToContainerPoint(nw.getBounds().getCenter()), s = map.getSize();"
        "return [p.x - s.x / 2, p.y - s.y / 2];", map_figure.GRAPH)
    deadline = time.monotonic() + DEADLINE
    text = ""
    while time.monotonic() < deadline and "West" not in text:
        for dx in (0, 1, -1, 2, -2):
            ActionChains(dash_duo.driver).move_to_element(graph).move_by_offset(
                int(round(x_line)) + dx, int(round(y_line)) - 20).perform()
            tips = dash_duo.find_elements(".leaflet-tooltip")
            text = tips[0].text if tips else ""
            if "West" in text:
                break
    assert text.splitlines() == ["West", "Soziale Stadt", "seit 2005"]
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_legends_sit_beside_the_map_on_a_desktop_and_below_it_on_a_phone(dash_duo, grid_dataset,
                                                                        width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023", width)
    dash_duo.wait_for_element(f"{SITES_LEGEND} input[value='kurs']")
    the_map = box(dash_duo, GRAPH)
    for legend in (LEGEND, SITES_LEGEND):
        shown = box(dash_duo, legend)
        assert not overlap(the_map, shown)
        if width == 1400:
            assert shown["left"] >= the_map["right"]  # beside
        else:
            assert shown["top"] >= the_map["bottom"]  # below
    assert no_sideways_scrolling(dash_duo, width)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_category_filter_in_the_sites_legend_hides_that_categorys_markers(dash_duo,
                                                                             grid_dataset, width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023", width)

    def drawn():
        return dash_duo.driver.execute_script("return window.gdMap.drawnSites();")

    until(lambda: drawn() == {"qm": 2, "kurs": 2})
    legend = dash_duo.find_element(SITES_LEGEND)
    assert "Kurse" in legend.text or "kurs" in legend.text.lower()
    checkbox = dash_duo.find_element(f"{SITES_LEGEND} input[value='kurs']")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", checkbox)
    checkbox.click()
    until(lambda: drawn() == {"qm": 2})
    until(lambda: "kat=qm" in dash_duo.driver.current_url)
    dash_duo.find_element(f"{SITES_LEGEND} input[value='kurs']").click()
    until(lambda: drawn() == {"qm": 2, "kurs": 2})
    assert dash_duo.get_logs() == []


def test_a_legend_class_reveals_its_areas(dash_duo, grid_dataset):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    rows = dash_duo.find_elements(f"{LEGEND} summary.gd-legend-row")
    assert len(rows) == 4
    rows[-1].click()  # the darkest class: the highest rate, 22,5 % in Südost
    until(lambda: dash_duo.find_elements(f"{LEGEND} details[open] .gd-legend-areas")[0].text
          == "Südost")
    rows[0].click()
    until(lambda: "Nordwest" in [p.text for p in dash_duo.find_elements(
        f"{LEGEND} details[open] .gd-legend-areas")])
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_year_without_data_shows_a_note_and_the_slider_and_legend_on_the_nearest_year(
        dash_duo, grid_dataset, width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=1990", width)
    dash_duo.wait_for_text_to_equal(f"#{NOTES}", "Jahr 1990 nicht vorhanden – gezeigt wird 2022.")
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2022")
    thumb = dash_duo.find_element(f"#{map_page.YEAR} [role='slider']")
    assert thumb.get_attribute("aria-valuenow") == "2022"
    assert no_sideways_scrolling(dash_duo, width)
    # Once the user picks a year, the note has been answered and goes.
    thumb.send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text(f"{LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    until(lambda: not dash_duo.find_element(f"#{NOTES}").is_displayed())
    assert dash_duo.get_logs() == []


def test_unknown_indicator_and_area_keys_are_named_in_the_note(dash_duo, grid_dataset):
    open_map(dash_duo, grid_dataset, "?ind=quatsch&gebiete=01,99")
    note = dash_duo.wait_for_element(f"#{NOTES}")
    until(lambda: "„quatsch“" in note.text and "99" in note.text)
    assert dash_duo.get_logs() == []


def section(url: str) -> tuple[str, str] | None:
    zoom, center = re.search(r"zoom=([^&]+)", url), re.search(r"mitte=([^&]+)", url)
    return (zoom.group(1), center.group(1)) if zoom and center else None


@pytest.mark.parametrize("width", WIDTHS)
def test_the_zoom_survives_a_reload_and_the_switch_to_english(dash_duo, grid_dataset, width):
    open_map(dash_duo, grid_dataset, "?ind=alq&jahr=2023", width)
    before = dash_duo.driver.execute_script(ZOOM_JS)
    assert section(dash_duo.driver.current_url) is None  # the opening section needs no parameters
    dash_duo.find_element(".leaflet-control-zoom-in").click()
    until(lambda: section(dash_duo.driver.current_url) is not None)
    zoomed = dash_duo.driver.execute_script(ZOOM_JS)
    assert zoomed[0] == before[0] + 1
    written = section(dash_duo.driver.current_url)
    assert float(written[0]) == zoomed[0]

    # The language links keep the section.
    until(lambda: section(dash_duo.find_element(f"#{ids.LANG_LINK.format('en')}")
                          .get_attribute("href")) == written)
    dash_duo.find_element(f"#{ids.LANG_LINK.format('en')}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV_LINK.format('karte')}", "Map")
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) >= 1)
    until(lambda: (dash_duo.driver.execute_script(ZOOM_JS) or [0])[0] == zoomed[0])
    assert "lang=en" in dash_duo.driver.current_url
    assert section(dash_duo.driver.current_url) == written
    english = dash_duo.driver.execute_script(ZOOM_JS)
    assert abs(english[1] - zoomed[1]) < 1e-4 and abs(english[2] - zoomed[2]) < 1e-4

    dash_duo.driver.refresh()
    dash_duo.wait_for_element(GRAPH)
    until(lambda: dash_duo.driver.execute_script(PAINTED_JS) >= 1)
    until(lambda: (dash_duo.driver.execute_script(ZOOM_JS) or [0])[0] == zoomed[0])
    assert section(dash_duo.driver.current_url) == written
    assert no_sideways_scrolling(dash_duo, width)
    assert dash_duo.get_logs() == []
