"""Time in the browser: the map plays the years; the comparison and profile show the index over time.

The 2×2 grid (tests/conftest.py) is given three years of the unemployment rate
(``alq``, need) so that one area changes class from year to year:

    year   Nordwest  Nordost  Südwest  Südost   equal intervals, k = 3: upper bounds min + i·(max − min)/3
    2021      5.0       8.0     15.0     20.0    10, 15, 20            → Nordost  8.0: class 0 (lightest)
    2022      5.0      18.0     15.0     20.0    10, 15, 20            → Nordost 18.0: class 2 (darkest)
    2023      4.0       8.0     16.0     22.5    10.17, 16.33, 22.5    → Nordost  8.0: class 0 (lightest)
"""

from __future__ import annotations

import math

import pytest
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.figures.choropleth import map_view
from geodash.web.pages import index_over_time, map_play
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState
from tests.conftest import make_grid_workspace

pytestmark = pytest.mark.browser

THREE_YEARS_CSV = (
    "Nr;Name;Jahr;Arbeitslosenquote;Kinder\n"
    "1;Nordwest;2021;5,0;1.200\n2;Nordost;2021;8,0;300\n"
    "3;Südwest;2021;15,0;450\n4;Südost;2021;20,0;2.000\n"
    "1;Nordwest;2022;5,0;1.200\n2;Nordost;2022;18,0;300\n"
    "3;Südwest;2022;15,0;450\n4;Südost;2022;20,0;2.000\n"
    "1;Nordwest;2023;4,0;1.100\n2;Nordost;2023;8,0;.\n"
    "3;Südwest;2023;16,0;500\n4;Südost;2023;22,5;2.100\n"
)
VIEW = "?ind=alq&jahr=2021&klass=equal_interval&k=3"
NORDOST_CLASS = {2021: 0, 2022: 2, 2023: 0}  # by hand, see the module docstring

# Nordost's fill colour on the map now.
NORDOST_JS = f"""
const e = window.gdMap && window.gdMap._maps['{map_figure.GRAPH}'];
if (!e || !e.view || !e.layers.length) {{ return null; }}
return e.layers[e.keys.indexOf('02')].options.fillColor.toLowerCase();
"""
# What the user sees after every completed paint of the map: the play's year label,
# Nordost's colour and the URL (a step lasts about a second: the test need not catch it live).
WATCH_JS = f"""
const graph = document.querySelector('#{map_figure.GRAPH}');
window.gdSeen = [];
new MutationObserver(() => {{
    const e = window.gdMap._maps['{map_figure.GRAPH}'];
    window.gdSeen.push([document.querySelector('#{map_play.LABEL}').textContent,
                        e.layers[e.keys.indexOf('02')].options.fillColor.toLowerCase(),
                        window.location.search]);
}}).observe(graph, {{attributes: true, attributeFilter: ['data-gd-painted']}});
"""
WIDTHS = [pytest.param(1400, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    root = make_grid_workspace(tmp_path_factory.mktemp("three_years"))
    (root / "data" / "ind.csv").write_bytes(THREE_YEARS_CSV.encode("cp1252"))
    return build_dataset(load_catalog(root))


def class_colors(dataset) -> list[str]:
    """The three class colours of the view (the palette; the class of each area is known by hand)."""
    view = map_view(dataset, ViewState.from_query(VIEW))
    return [c.lower() for c in view.colors]


def open_at(dash_duo, dataset, width: int, path: str) -> None:
    # The viewport itself: headless Chromium keeps windows wider than a phone.
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    dash_duo.start_server(create_app(dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}")


def no_sideways_scrolling(dash_duo, width: int) -> None:
    if width == 390:
        assert dash_duo.driver.execute_script("return window.innerWidth") == 390
        assert dash_duo.driver.execute_script(
            "return document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", WIDTHS)
def test_play_steps_through_the_years_recolours_an_area_and_stops_at_the_last(
        dash_duo, three_years, width):
    colors = class_colors(three_years)
    open_at(dash_duo, three_years, width, "/" + VIEW)
    driver = dash_duo.driver
    until(lambda: driver.execute_script(NORDOST_JS) == colors[NORDOST_CLASS[2021]])
    button = dash_duo.find_element(f"#{map_play.BUTTON}")
    assert button.text.endswith("Jahre abspielen")
    no_sideways_scrolling(dash_duo, width)
    # Keyboard: the button takes the focus and plays on Enter.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    driver.execute_script(WATCH_JS)
    button.send_keys("\n")
    # It steps to 2022 (Nordost turns darkest), then to 2023 (lightest again) and stops there;
    # only then does the URL take the year.
    until(lambda: "jahr=2023" in driver.current_url)
    until(lambda: dash_duo.find_element(f"#{map_play.BUTTON}").text.endswith("Jahre abspielen"))
    seen = driver.execute_script("return window.gdSeen;")
    shown = list(dict.fromkeys((label, color) for label, color, _ in seen))
    # Every paint shows Nordost in the class of the year the label names (2021 first, if the
    # label was there in time), and the play ends on 2023.
    year_class = {f"Jahr {year}": colors[c] for year, c in NORDOST_CLASS.items()}
    assert all(year_class[label] == color for label, color in shown if label), shown
    assert ("Jahr 2022", colors[NORDOST_CLASS[2022]]) in shown
    assert shown[-1] == ("Jahr 2023", colors[NORDOST_CLASS[2023]])
    playing = [search for label, _, search in seen if label == "Jahr 2022"]
    assert playing and all("jahr=2021" in search for search in playing)
    assert driver.execute_script(NORDOST_JS) == colors[NORDOST_CLASS[2023]]
    dash_duo.wait_for_contains_text(f"#{map_page.LEGEND} .gd-legend-title", "Arbeitslosenquote 2023")
    assert dash_duo.find_element(f"#{map_play.LABEL}").text == "Jahr 2023"
    no_sideways_scrolling(dash_duo, width)
    assert dash_duo.get_logs() == []


def test_the_play_button_speaks_english_and_pauses(dash_duo, three_years):
    open_at(dash_duo, three_years, 1400, "/" + VIEW + "&lang=en")
    button = dash_duo.wait_for_element(f"#{map_play.BUTTON}")
    until(lambda: button.text.endswith("Play the years"))
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    dash_duo.wait_for_text_to_equal(f"#{map_play.LABEL}", "Year 2022")
    assert button.get_attribute("aria-pressed") == "true"
    button.click()  # pause: the year on screen goes into the URL
    until(lambda: "jahr=2022" in dash_duo.driver.current_url)
    until(lambda: button.text.endswith("Play the years"))
    assert dash_duo.find_element(f"#{map_play.LABEL}").text == "Year 2022"
    assert dash_duo.get_logs() == []


# The status index by hand (one index indicator: the index is alq's z-score; SD over the 4 areas):
#   2022: 5, 18, 15, 20 → mean 14.5, SD √((9.5² + 3.5² + 0.5² + 5.5²) / 4) = √(133 / 4) = √33.25
#   2023: 4, 8, 16, 22.5 → mean 12.625, SD √((8.625² + 4.625² + 3.375² + 9.875²) / 4) = √51.171875
NORDOST_2022 = (18 - 14.5) / math.sqrt(33.25)  # +0.6070
SUEDOST_2023 = (22.5 - 12.625) / math.sqrt(51.171875)  # +1.3805
TRACES_JS = """
const el = document.querySelector(arguments[0] + ' .js-plotly-plot');
// _fullData holds the arrays decoded (the figure sends numbers base64-coded).
return el && el._fullData ? el._fullData.map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))
                          : null;
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_comparison_shows_the_status_index_of_two_areas_over_the_years(
        dash_duo, three_years, width):
    open_at(dash_duo, three_years, width, "/vergleich?gebiete=02,04")
    traces = until(lambda: dash_duo.driver.execute_script(
        TRACES_JS, f"#{index_over_time.COMPARE_GRAPH}"))
    by_name = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in traces}
    assert set(by_name) == {"Nordost", "Südost", "Stadt (Mittel)"}
    assert by_name["Nordost"][2022] == pytest.approx(NORDOST_2022, abs=1e-6)
    assert by_name["Südost"][2023] == pytest.approx(SUEDOST_2023, abs=1e-6)
    assert list(by_name["Stadt (Mittel)"].values()) == pytest.approx([0, 0, 0], abs=1e-9)
    assert "Statusindex im Zeitverlauf" in dash_duo.find_element(
        f"#{index_over_time.COMPARE_GRAPH}-abschnitt").text
    no_sideways_scrolling(dash_duo, width)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_profile_shows_the_areas_status_index_over_the_years(dash_duo, three_years, width):
    open_at(dash_duo, three_years, width, "/profil?gebiete=04")
    traces = until(lambda: dash_duo.driver.execute_script(
        TRACES_JS, f"#{index_over_time.PROFILE_GRAPH}"))
    assert [t["name"] for t in traces] == ["Südost", "Stadt (Mittel)"]
    assert dict(zip(traces[0]["x"], traces[0]["y"], strict=True))[2023] == pytest.approx(
        SUEDOST_2023, abs=1e-6)
    no_sideways_scrolling(dash_duo, width)
    assert dash_duo.get_logs() == []
