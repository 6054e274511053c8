"""Browser journeys of the map's selection and the saved session, at desktop and phone width.

The 2×2 grid (tests/conftest.py): residents 01 Nordwest 1,000, 02 Nordost 2,000,
03 Südwest 3,000, 04 Südost 4,000. Each area's centre is the middle of its
1 km square.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import until

from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import map_selection, map_session

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param((1400, 900), id="desktop"), pytest.param((390, 844), id="phone")]
LEAFLET = f"#{map_figure.LEAFLET}"
# Where the centre of an area is on screen, relative to the middle of the map's element.
OFFSET_JS = f"""
const e = window.gdMap && window.gdMap._maps['{map_figure.GRAPH}'];
const layer = e && e.layers && e.layers.find(l => l && l.feature.properties.key === arguments[0]);
if (!layer || !layer._map) {{ return null; }}
const m = layer._map;
const c = window.gdSelect._maps['{map_figure.GRAPH}'].centres;
if (!c) {{ return null; }}
const i = c.keys.indexOf(arguments[0]);
const p = m.latLngToContainerPoint([c.y[i], c.x[i]]);
const box = m.getContainer().getBoundingClientRect();
const graph = document.getElementById('{map_figure.GRAPH}').getBoundingClientRect();
return [Math.round(box.left + p.x - graph.left - graph.width / 2),
        Math.round(box.top + p.y - graph.top - graph.height / 2)];
"""


def open_map(dash_duo, dataset, size, query: str = "") -> None:
    dash_duo.driver.set_window_size(*size)
    dash_duo.start_server(create_app(dataset), navigate=False)
    visit(dash_duo, query)


def visit(dash_duo, query: str = "") -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/{query}")
    dash_duo.wait_for_element(LEAFLET)
    until(lambda: dash_duo.driver.execute_script(OFFSET_JS, "01"), message="the areas are drawn")


def offset(dash_duo, key: str) -> tuple[int, int]:
    return tuple(until(lambda: dash_duo.driver.execute_script(OFFSET_JS, key)))


def click_area(dash_duo, key: str) -> None:
    """Click inside an area, a little beside its centre (Nordwest's QM office sits on it)."""
    dx, dy = offset(dash_duo, key)
    at(dash_duo, dx + 20, dy + 20).click().perform()


def pick_tool(dash_duo, tool: str) -> None:
    dash_duo.find_element(f"#{map_selection.TOOL} input[value='{tool}']").click()


def at(dash_duo, dx: int, dy: int) -> ActionChains:
    element = dash_duo.find_element(f"#{map_figure.GRAPH}")
    # As a user would: the whole map in sight before clicking or dragging on it.
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    return ActionChains(dash_duo.driver).move_to_element(element).move_by_offset(dx, dy)


def text_of(dash_duo, element_id: str) -> str:
    """The text an element shows now ("" while it is not there); read at once, never stale."""
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return el ? el.innerText : '';",
        element_id)


def value_of(dash_duo, element_id: str) -> str:
    return dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); return el ? el.value : null;", element_id)


def residents_text(dash_duo) -> str:
    return text_of(dash_duo, map_selection.RESIDENTS)


def selected_count(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(
        "return document.getElementById(arguments[0]).getAttribute('data-gd-selected');",
        map_figure.GRAPH)


def no_sideways_scrolling(dash_duo, width: int) -> None:
    scroll = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width


@pytest.mark.parametrize("size", WIDTHS)
def test_three_clicked_areas_sum_their_residents_and_a_name_survives_a_reload(
        dash_duo, grid_dataset, size):
    open_map(dash_duo, grid_dataset, size)
    pick_tool(dash_duo, "klick")
    for key in ("01", "02", "04"):
        click_area(dash_duo, key)
        until(lambda k=key: f"{k}" in dash_duo.driver.current_url.split("gebiete=")[-1],
              message=f"{key} is in the URL")
    # 1,000 + 2,000 + 4,000 = 7,000 residents, 70 % of the city's 10,000.
    until(lambda: residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 7.000 (70,0 %"),
          message="the combined residents are shown")
    assert "gebiete=01,02,04" in dash_duo.driver.current_url
    until(lambda: selected_count(dash_duo) == "3",
          message="three areas are outlined")
    # A click on a selected area takes it out again: 7,000 − 2,000 = 5,000.
    click_area(dash_duo, "02")
    until(lambda: residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 5.000"),
          message="the deselected area is left out")

    name = dash_duo.find_element(f"#{map_selection.NAME}")
    name.send_keys("Quartier Nord", Keys.ENTER)
    until(lambda: "name=Quartier+Nord" in dash_duo.driver.current_url, message="the name is in the URL")
    until(lambda: text_of(dash_duo, map_selection.TITLE) == "Quartier Nord",
          message="the selection is shown with its name")
    if size[0] == 390:
        no_sideways_scrolling(dash_duo, 390)

    dash_duo.driver.refresh()
    visit(dash_duo, "?" + dash_duo.driver.current_url.split("?", 1)[1])
    until(lambda: text_of(dash_duo, map_selection.TITLE) == "Quartier Nord",
          message="the name is shown again after a reload")
    assert residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 5.000")
    assert value_of(dash_duo, map_selection.NAME) == "Quartier Nord"
    until(lambda: selected_count(dash_duo) == "2",
          message="the two areas are outlined again")
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", WIDTHS)
def test_a_rectangle_selects_the_areas_whose_centre_is_inside(dash_duo, grid_dataset, size):
    open_map(dash_duo, grid_dataset, size)
    pick_tool(dash_duo, "rechteck")
    (x1, y1), (x2, _) = offset(dash_duo, "01"), offset(dash_duo, "02")
    (_, y3) = offset(dash_duo, "03")
    margin = min(20, (y3 - y1) // 3)
    # From just above-left of Nordwest's centre to just below-right of Nordost's: the northern
    # row's two centres are inside, the southern row's (a square lower) are not.
    chain = at(dash_duo, x1 - margin, y1 - margin).click_and_hold()
    steps = 5
    for _ in range(steps):
        chain = chain.move_by_offset((x2 - x1 + 2 * margin) // steps, 2 * margin // steps)
    chain.release().perform()
    # 1,000 + 2,000 = 3,000 residents.
    until(lambda: residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 3.000 (30,0 %"),
          message="the areas inside the rectangle are selected")
    assert "gebiete=01,02" in dash_duo.driver.current_url
    if size[0] == 390:
        no_sideways_scrolling(dash_duo, 390)
    assert dash_duo.get_logs() == []


def test_a_lasso_selects_the_areas_whose_centre_it_encloses(dash_duo, grid_dataset):
    open_map(dash_duo, grid_dataset, (1400, 900))
    pick_tool(dash_duo, "lasso")
    (x1, y1), (x4, y4) = offset(dash_duo, "01"), offset(dash_duo, "04")
    (x3, y3) = offset(dash_duo, "03")
    # A triangle around Nordwest's, Südwest's and Südost's centres, 25 px outside each; Nordost's
    # centre (north-east) lies beyond its long side.
    corners = [(x1 - 25, y1 - 40), (x3 - 25, y3 + 25), (x4 + 40, y4 + 25)]
    chain = at(dash_duo, *corners[0]).click_and_hold()
    position = corners[0]
    for corner in [*corners[1:], corners[0]]:
        for _ in range(4):  # the lasso follows the mouse in small steps
            step = ((corner[0] - position[0]) // 4, (corner[1] - position[1]) // 4)
            chain = chain.move_by_offset(*step)
        position = corner
    chain.release().perform()
    # 1,000 + 3,000 + 4,000 = 8,000 residents.
    until(lambda: residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 8.000 (80,0 %"),
          message="the areas inside the lasso are selected")
    assert "gebiete=01,03,04" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", WIDTHS)
def test_a_saved_session_loads_in_a_fresh_page_with_the_view_and_the_notes(
        dash_duo, grid_dataset, size):
    open_map(dash_duo, grid_dataset, size, "?ind=alq&jahr=2022&gebiete=01,03&name=West")
    notes = dash_duo.find_element(f"#{map_session.NOTES}")
    notes.send_keys("Kita-Bedarf prüfen")
    dash_duo.find_element(f"#{map_session.SAVE}").click()
    folder = Path(dash_duo.download_path)
    saved = until(lambda: next(iter(folder.glob("geodash_sitzung_west_*.json")), None),
                  message="the session file is downloaded")
    document = until(lambda: _json_or_none(saved), message="the session file is complete")
    assert document["format"] == "geodash-session" and document["version"] == 1
    assert document["view"] == {"page": "/", "query": "ind=alq&jahr=2022"}
    assert document["selection"] == {"areas": ["01", "03"], "name": "West"}
    assert document["notes"] == "Kita-Bedarf prüfen"

    # A fresh page: another view, nothing kept in the tab.
    dash_duo.driver.execute_script("window.sessionStorage.clear();")
    visit(dash_duo, "")
    assert value_of(dash_duo, map_session.NOTES) == ""
    dash_duo.find_element(f"#{map_session.UPLOAD} input[type=file]").send_keys(str(saved))
    until(lambda: "gebiete=01,03" in dash_duo.driver.current_url and "name=West" in
          dash_duo.driver.current_url and "jahr=2022" in dash_duo.driver.current_url,
          message="the saved view is in the URL")
    until(lambda: text_of(dash_duo, map_selection.TITLE) == "West",
          message="the saved selection is shown with its name")
    # 1,000 + 3,000 = 4,000 residents.
    assert residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 4.000")
    until(lambda: value_of(dash_duo, map_session.NOTES)
          == "Kita-Bedarf prüfen", message="the notes are restored")
    until(lambda: "geladen" in text_of(dash_duo, map_session.MESSAGE),
          message="the load is confirmed")
    if size[0] == 390:
        no_sideways_scrolling(dash_duo, 390)
    assert dash_duo.get_logs() == []


def test_a_foreign_file_is_refused_and_unknown_keys_are_named(dash_duo, grid_dataset, tmp_path):
    open_map(dash_duo, grid_dataset, (1400, 900))
    foreign = tmp_path / "export.json"
    foreign.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    dash_duo.find_element(f"#{map_session.UPLOAD} input[type=file]").send_keys(str(foreign))
    until(lambda: "keine geodash-Sitzung" in text_of(dash_duo, map_session.MESSAGE),
          message="the foreign file is refused with its reason")
    assert "„export.json“ wurde nicht geladen" in text_of(dash_duo, map_session.MESSAGE)
    assert "gebiete" not in dash_duo.driver.current_url

    other = tmp_path / "andere.json"
    other.write_text(json.dumps({"format": "geodash-session", "version": 1,
                                 "view": {"page": "/", "query": ""},
                                 "selection": {"areas": ["02", "99"], "name": ""}, "notes": ""}),
                     encoding="utf-8")
    dash_duo.find_element(f"#{map_session.UPLOAD} input[type=file]").send_keys(str(other))
    until(lambda: "„99“" in text_of(dash_duo, map_session.MESSAGE),
          message="the unknown key is named")
    until(lambda: residents_text(dash_duo).startswith("Einwohnerinnen und Einwohner: 2.000"),
          message="the known area is selected")
    assert "gebiete=02" in dash_duo.driver.current_url and "99" not in dash_duo.driver.current_url


def _json_or_none(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
