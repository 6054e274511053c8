"""Nothing leaves the machine: no cloud upload on any page, tooltips in the page's language, "Link kopieren".

Walks every page of the 2×2 grid app in German and in English, collects every
Plotly modebar button and the Leaflet map's controls, and copies a view's link
both through the clipboard and through the fallback field.
"""

from __future__ import annotations

import pytest
from waits import until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import PAGES

pytestmark = pytest.mark.browser

# One view per page that shows its graphs (the profile and the comparison need areas).
PAGE_VIEWS = {"/": "?ind=alq&jahr=2023", "/nebeneinander": "?ind=alq&jahr=2023",
              "/handlungsbedarf": "?jahr=2023",
              "/profil": "?gebiete=03&jahr=2023",
              "/vergleich": "?gebiete=01,02,03&jahr=2023", "/abdeckung": "?jahr=2023", "/daten": ""}
# Modebar titles (data-title) on the German pages, from the German locale in assets/.
GERMAN_TITLES = {"Graphen als PNG herunterladen", "Zoom", "Verschieben", "Achsen zurücksetzen",
                 "Hineinzoomen", "Herauszoomen", "Ansicht zurücksetzen", "Zurücksetzen"}
CLOUD_WORDS = ("cloud", "chart studio", "plotly.com", "plot.ly", "edit in", "bearbeiten")

MODEBAR_JS = """
return Array.from(document.querySelectorAll('.modebar-btn')).map(b => ({
    title: b.getAttribute('data-title') || '', href: b.getAttribute('href') || '',
    cls: b.getAttribute('class') || ''}));
"""


def test_every_page_lists_its_view():
    assert {page.PATH for page in PAGES} == set(PAGE_VIEWS)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_page_offers_a_cloud_upload_and_tooltips_follow_the_language(dash_duo, grid_dataset, lang):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    buttons: dict[str, list[dict]] = {}
    for path, query in PAGE_VIEWS.items():
        sep = "&" if query else "?"
        dash_duo.wait_for_page(url=f"{dash_duo.server.url}{path}{query}{sep}lang={lang}")
        dash_duo.wait_for_element(f"#{ids.NAV_LINK.format('karte')}")
        if path == "/nebeneinander":
            # Two maps, no charts: both maps' zoom buttons speak the page's language.
            until(lambda: len(dash_duo.find_elements(".leaflet-control-zoom-in[aria-label]")) == 2)
            expected = "Vergrößern" if lang == "de" else "Zoom in"
            assert {b.get_attribute("title") for b in dash_duo.find_elements(
                ".leaflet-control-zoom-in")} == {expected}
        elif path == "/":
            until(lambda: dash_duo.find_elements(".leaflet-control-zoom-in[aria-label]"))
            zoom_in = dash_duo.find_element(".leaflet-control-zoom-in")
            zoom_out = dash_duo.find_element(".leaflet-control-zoom-out")
            expected = ("Vergrößern", "Verkleinern") if lang == "de" else ("Zoom in", "Zoom out")
            assert (zoom_in.get_attribute("title"), zoom_out.get_attribute("title")) == expected
            links = dash_duo.driver.execute_script(
                f"return Array.from(document.querySelectorAll('#{map_figure.GRAPH} a[href]'))"
                ".map(a => a.href);")
            # Leaflet's own credit is the only link; no tiles and no upload without the OSM switch.
            assert all(href.startswith(("https://leafletjs.com", dash_duo.server.url, "#"))
                       or href.endswith("#") for href in links), links
        elif path == "/handlungsbedarf":
            until(lambda: dash_duo.find_elements(".ag-root"))  # a table, no chart
        elif path != "/daten":
            until(lambda: dash_duo.find_elements(".js-plotly-plot .modebar-btn"))
        buttons[path] = dash_duo.driver.execute_script(MODEBAR_JS)

    every = [b for page in buttons.values() for b in page]
    assert len({p for p, b in buttons.items() if b}) == 3  # profile, comparison, coverage
    for button in every:
        text = f"{button['title']} {button['href']} {button['cls']}".lower()
        assert not any(word in text for word in CLOUD_WORDS), button
    assert not [b for b in every if "modebar-btn--logo" in b["cls"]]
    titles = {b["title"] for b in every}
    if lang == "de":
        assert "Graphen als PNG herunterladen" in titles and titles <= GERMAN_TITLES
    else:
        assert "Download plot as a PNG" in titles and not titles & {"Graphen als PNG herunterladen"}
    assert dash_duo.get_logs() == []


def test_link_kopieren_copies_the_views_url(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    url = f"{dash_duo.server.url}/vergleich?gebiete=01,02&jahr=2022"
    dash_duo.wait_for_page(url=url)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": dash_duo.server.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button = dash_duo.find_element(f"#{ids.COPY_LINK}")
    assert button.text == "Link kopieren"
    button.click()
    dash_duo.wait_for_text_to_equal(f"#{ids.COPY_LINK_STATUS}", "Link kopiert")
    copied = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('error: ' + e));")
    assert copied == driver.current_url
    assert "gebiete=01%2C02" in copied or "gebiete=01,02" in copied
    assert dash_duo.get_logs() == []


def test_link_kopieren_falls_back_to_a_selected_read_only_field(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=kinder&jahr=2022&lang=en")
    driver = dash_duo.driver
    # A browser that refuses the clipboard API (an office PC's policy).
    driver.execute_script("navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));")
    dash_duo.find_element(f"#{ids.COPY_LINK}").click()
    field = f"#{ids.COPY_LINK_FIELD}"
    until(lambda: dash_duo.find_element(field).is_displayed())
    assert dash_duo.find_element(field).get_attribute("value") == driver.current_url
    assert dash_duo.find_element(field).get_attribute("readonly") is not None
    selected = driver.execute_script(
        "const f = document.getElementById(arguments[0]);"
        "return document.activeElement === f && f.selectionEnd - f.selectionStart === f.value.length;",
        ids.COPY_LINK_FIELD)
    assert selected
    until(lambda: dash_duo.find_element(f"#{ids.COPY_LINK_STATUS}").text in (
        "Link copied", "Press Ctrl+C to copy the selected link"))
    assert dash_duo.get_logs() == []
