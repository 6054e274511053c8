"""The Handlungsbedarf page walked as a planner would, at 1400 px and on a 390 px phone.

The 2×2 grid with a third year: alq (%) of Nordwest, Nordost, Südwest, Südost is
7, 9, 15, 16 in 2021; 5, 10, 15, 20 in 2022; 4, 8, 16, 22.5 in 2023.

- Status 2023 (z of 4, 8, 16, 22.5; mean 12.625, SD 7.153): −1.21 hoch, −0.65 mittel,
  +0.47 mittel, +1.38 niedrig.
- Dynamics since 2021 (the MSS default: two years): changes −3, −1, +1, +6.5; mean 0.875,
  SD 3.542; z −1.09 positiv, −0.53 stabil, +0.04 stabil, +1.59 negativ.
- Dynamics since 2022: changes −1, −2, +1, +2.5; mean 0.125, SD 1.746;
  z −0.64 stabil, −1.22 positiv, +0.50 stabil, +1.36 negativ.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import make_grid_workspace
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.pages import handlungsbedarf as page
from geodash.web.pages import profile

pytestmark = pytest.mark.browser

YEAR_2021 = ("1;Nordwest;2021;7,0;1.150\n2;Nordost;2021;9,0;320\n"
             "3;Südwest;2021;15,0;440\n4;Südost;2021;16,0;1.900\n")

# The rows on screen, top to bottom: name, status, dynamics, change of alq, links.
ROWS_JS = """
const grid = document.getElementById(arguments[0]);
const rows = [...grid.querySelectorAll('.ag-center-cols-container .ag-row')];
rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
return rows.map(r => {
    const id = r.getAttribute('row-id');
    const pinned = grid.querySelector(`.ag-pinned-left-cols-container .ag-row[row-id="${id}"]`);
    const cell = c => (r.querySelector(`[col-id="${c}"]`) || {}).innerText;
    return [id, pinned.innerText.trim(), cell('status_class'), cell('dynamics_class'),
            cell(arguments[1])];
});
"""
CHANGE_ALQ = "c5"  # the grid's id of the column "Arbeitslosenquote: Veränderung"


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    root = make_grid_workspace(tmp_path_factory.mktemp("need") / "grid")
    with open(root / "data" / "ind.csv", "ab") as table:
        table.write(YEAR_2021.encode("cp1252"))
    return build_dataset(load_catalog(root))


def open_page(dash_duo, dataset, query: str = "", width: int = 1400, height: int = 900) -> None:
    dash_duo.driver.set_window_size(width, height)
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/handlungsbedarf{query}")
    dash_duo.wait_for_element(f"#{page.GRID} .ag-row")


def rows(dash_duo) -> list[list[str]]:
    return dash_duo.driver.execute_script(ROWS_JS, page.GRID, CHANGE_ALQ)


def names(dash_duo) -> list[str]:
    return [row[1] for row in rows(dash_duo)]


def until_names(dash_duo, expected: list[str]) -> None:
    until(lambda: names(dash_duo) == expected, message=f"the table shows {expected}")


def click(dash_duo, selector: str) -> None:
    """Click ``selector``, again if React redrew it between finding and clicking."""
    def attempt() -> bool:
        try:
            dash_duo.find_element(selector).click()
        except StaleElementReferenceException:
            return False
        return True
    until(attempt, message=f"{selector} could be clicked")


def choose(dash_duo, dropdown: str, value: object) -> None:
    """Open the dropdown and pick ``value``; open it again if a redraw closed it meanwhile."""
    option = f".dash-dropdown-option:has(input[value='{value}'])"

    def attempt() -> bool:
        try:
            if not dash_duo.find_elements(option):
                dash_duo.find_element(f"#{dropdown}").click()
                return False
            dash_duo.find_element(option).click()
        except (StaleElementReferenceException, NoSuchElementException):
            return False
        return True
    until(attempt, message=f"{value!r} could be chosen in {dropdown}")


def cell(dash_duo, key: str, column: str) -> str:
    return f"#{page.GRID} .ag-row[row-id='{key}'] [col-id='{column}']"


def cell_text_and_colour(dash_duo, key: str, column: str) -> list[str]:
    return dash_duo.driver.execute_script(
        "const c = document.querySelector(arguments[0]); return [c.innerText, getComputedStyle(c).color];",
        cell(dash_duo, key, column))


def test_planner_filters_sorts_changes_the_base_year_downloads_and_opens_a_profile(
        dash_duo, three_years):
    assert page.grid_fields(three_years)["change_alq"] == CHANGE_ALQ
    open_page(dash_duo, three_years)
    # Most need first; the default base year is 2021 (MSS: two years back).
    until_names(dash_duo, ["Südost", "Südwest", "Nordost", "Nordwest"])
    dash_duo.wait_for_contains_text(f"#{page.COUNT}", "4 von 4")
    assert "„niedrig“ oder „sehr niedrig“" in dash_duo.find_element(f"#{page.RULE}").text
    assert rows(dash_duo)[0][2:] == ["niedrig", "negativ", "▲ +6,5 %"]  # 22.5 − 16
    assert cell_text_and_colour(dash_duo, "04", CHANGE_ALQ) == ["▲ +6,5 %", "rgb(189, 0, 38)"]
    # 4 − 7: the rate fell, less need: blue.
    assert cell_text_and_colour(dash_duo, "01", CHANGE_ALQ) == ["▼ −3,0 %", "rgb(0, 90, 140)"]

    # Sort by name: the first click sorts descending; the URL keeps it, the page stays.
    dash_duo.driver.execute_script("window.__needPage = document.getElementById(arguments[0]);",
                                   page.PAGE)
    click(dash_duo, f"#{page.GRID} .ag-header-cell[col-id='name'] .ag-header-cell-label")
    until_names(dash_duo, ["Südwest", "Südost", "Nordwest", "Nordost"])
    until(lambda: "sort=-name" in dash_duo.driver.current_url)
    assert dash_duo.driver.execute_script(
        "return window.__needPage === document.getElementById(arguments[0]);", page.PAGE)

    # Status "mittel" and dynamics "positiv": since 2021 no area is both ...
    choose(dash_duo, page.STATUS_DROPDOWN, "mittel")
    until(lambda: "status=mittel" in dash_duo.driver.current_url)
    until_names(dash_duo, ["Südwest", "Nordost"])  # still sorted by name, descending
    dash_duo.find_element("body").click()
    choose(dash_duo, page.DYNAMICS_DROPDOWN, "positiv")
    until(lambda: "dyn=positiv" in dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text(f"#{page.COUNT}", "0 von 4")
    # ... since 2022 Nordost is (z −1.22), its alq fell from 10 to 8 %.
    dash_duo.find_element("body").click()
    choose(dash_duo, page.BASE_DROPDOWN, 2022)
    until(lambda: "basis=2022" in dash_duo.driver.current_url)
    until_names(dash_duo, ["Nordost"])
    assert rows(dash_duo)[0][2:] == ["mittel", "positiv", "▼ −2,0 %"]

    # The download holds exactly the rows on screen.
    click(dash_duo, f"[id*='{page.DOWNLOAD_BUTTON}'][id*='csv']")
    target = Path(dash_duo.download_path) / "handlungsbedarf_2023_2022.csv"
    until(lambda: target.exists() and target.stat().st_size > 0)
    table = pd.read_csv(target, sep=";", decimal=",", encoding="utf-8-sig", dtype={"area_key": str})
    assert table["area_key"].tolist() == ["02"] and table["name"].tolist() == ["Nordost"]
    assert table.loc[0, ["status_class", "dynamics_class"]].tolist() == ["mittel", "positiv"]
    assert table.loc[0, "change_alq"] == pytest.approx(-2.0)

    # The row's profile link opens the profile of that area, in the year shown.
    click(dash_duo, cell(dash_duo, "02", "links") + " a")
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", "Nordost")
    assert "gebiete=02" in dash_duo.driver.current_url and "jahr=2023" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_a_link_with_unknown_values_says_what_it_shows_instead(dash_duo, three_years):
    open_page(dash_duo, three_years, "?basis=1990&status=gross&sort=x")
    notes = dash_duo.find_element(f"#{page.NOTES}").text
    assert "1990 kann nicht Basisjahr sein (für 2023 möglich: 2021, 2022); gezeigt wird 2021" in notes
    assert "„gross“" in notes and "„x“" in notes
    until_names(dash_duo, ["Südost", "Südwest", "Nordost", "Nordwest"])
    assert dash_duo.get_logs() == []


def test_on_a_phone_the_table_scrolls_inside_itself_and_filters_work(dash_duo, three_years):
    open_page(dash_duo, three_years, width=390, height=844)
    until_names(dash_duo, ["Südost", "Südwest", "Nordost", "Nordwest"])
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    inner = dash_duo.driver.execute_script(
        "const v = document.querySelector(arguments[0]); return [v.scrollWidth, v.clientWidth];",
        f"#{page.GRID} .ag-body-horizontal-scroll-viewport")
    assert inner[0] > inner[1]  # more columns than fit: the grid scrolls sideways, not the page
    choose(dash_duo, page.STATUS_DROPDOWN, "niedrig")
    until_names(dash_duo, ["Südost"])
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    assert dash_duo.get_logs() == []
