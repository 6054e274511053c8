"""Browser journeys through Stadtteilprofil, Vergleich and Abdeckung on the 2×2 grid.

Every test opens its page straight from a URL (as a shared link would) and
waits for what a user would look at; the browser console must stay clean.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from waits import until

from geodash.web.app import create_app
from geodash.web.pages import compare, coverage, profile

pytestmark = pytest.mark.browser


def open_page(dash_duo, dataset, path: str) -> None:
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")


def test_profile_link_shows_the_district_and_every_indicator(dash_duo, grid_dataset):
    open_page(dash_duo, grid_dataset, "/profil?gebiete=03&jahr=2022")
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", "Südwest")
    row = dash_duo.find_element(f"#{profile.INDICATOR_ROW.format('alq')}")
    assert "Arbeitslosenquote" in row.text and "2 von 4" in row.text
    assert len(dash_duo.find_elements(".profile-indicator")) == 2
    dash_duo.wait_for_contains_text(f"#{profile.ZONES}", "100 %")
    dash_duo.wait_for_element(f"#{profile.TREND_GRAPH} .js-plotly-plot")
    assert dash_duo.get_logs() == []


def test_profile_picker_opens_another_district(dash_duo, grid_dataset):
    open_page(dash_duo, grid_dataset, "/profil?gebiete=01&lang=en")
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", "Nordwest")
    dash_duo.find_element(f"#{profile.AREA_DROPDOWN}").click()
    option = "//*[@role='option'][normalize-space()='Südost']"
    until(lambda: dash_duo.driver.find_elements(By.XPATH, option))
    dash_duo.find_element(option, attribute="XPATH").click()
    dash_duo.wait_for_text_to_equal(f"#{profile.TITLE}", "Südost")
    assert "gebiete=04" in dash_duo.driver.current_url
    assert "lang=en" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text(f"#{profile.SITES}", "QM Südost")
    assert dash_duo.get_logs() == []


def test_compare_link_shows_three_districts_as_bars_and_lines(dash_duo, grid_dataset):
    open_page(dash_duo, grid_dataset, "/vergleich?gebiete=01,02,03&jahr=2022")
    until(lambda: len(dash_duo.find_elements(f"#{compare.COMPARE_GRAPH} g.trace.bars")) == 3)
    # Three districts and the city in the time series.
    until(lambda: len(dash_duo.find_elements(f"#{compare.TIMESERIES_GRAPH} g.trace.scatter"))
          == 4)
    dash_duo.wait_for_contains_text(f"#{compare.RANKING_GRID}", "Südost")
    assert dash_duo.get_logs() == []


def test_coverage_lists_gaps_and_follows_the_category_filter(dash_duo, grid_dataset):
    open_page(dash_duo, grid_dataset, "/abdeckung?jahr=2022")
    # Südwest (status mittel, no offers) is no gap: high need is status niedrig or sehr niedrig.
    dash_duo.wait_for_contains_text(f"#{coverage.GAP_TABLE}", "hohen Bedarf und wenige Angebote")
    assert "Südwest" not in dash_duo.find_element(f"#{coverage.GAP_TABLE}").text
    # Count only courses: Südost (status niedrig, one QM office, no course) now lacks offers.
    qm = dash_duo.find_element(f"#{coverage.CATEGORY_CHECKLIST} input[value='qm']")
    dash_duo.driver.execute_script("arguments[0].click();", qm)
    until(lambda: "kat=kurs" in dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text(f"#{coverage.GAP_TABLE}", "Südost")
    assert dash_duo.get_logs() == []
