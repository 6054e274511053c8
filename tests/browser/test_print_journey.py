"""Printing from the browser: Chromium's own PDF of the map page and of a district profile.

``Page.printToPDF`` is what "Als PDF speichern" does; it fires ``beforeprint``
like the print dialog. The PDF is read back with poppler-utils (pdftotext,
pdfimages, pdfinfo), as a council office would look at it.
"""

from __future__ import annotations

import base64
import datetime
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from waits import until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import map as map_page
from geodash.web.pages import profile, profile_sections

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")]

A4 = {"printBackground": True, "preferCSSPageSize": True}

# Elements that would print a scrollbar: content wider or taller than their box, and scrolling.
SCROLLERS_JS = """
return Array.from(document.querySelectorAll('body *')).filter(el => {
    const style = getComputedStyle(el);
    if (style.display === 'none') { return false; }
    const scrolls = v => v === 'auto' || v === 'scroll';
    return (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
}).map(el => el.tagName + '.' + el.className);
"""


def print_pdf(driver, target: Path) -> Path:
    data = driver.execute_cdp_cmd("Page.printToPDF", A4)["data"]
    target.write_bytes(base64.b64decode(data))
    return target


def pdf_text(path: Path) -> str:
    """The PDF's text with every run of white space as one space (wrapped cells join up)."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def pdf_pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


def today(lang: str) -> str:
    return datetime.date.today().strftime("%d.%m.%Y")


def test_the_map_page_prints_the_map_as_an_image_with_its_legend_and_no_controls(dash_duo, grid_dataset,
                                                                                tmp_path):
    from PIL import Image

    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=alq&jahr=2023")
    driver = dash_duo.driver
    until(lambda: driver.execute_script(
        f"const e = document.getElementById('{map_figure.GRAPH}');"
        "return e ? Number(e.dataset.gdPainted) : 0;") >= 1)
    swatches = driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{map_page.LEGEND} .gd-swatch'))"
        ".map(s => getComputedStyle(s).backgroundColor);")

    pdf = print_pdf(driver, tmp_path / "karte.pdf")

    text = pdf_text(pdf)
    assert "Arbeitslosenquote 2023" in text and "Einheit: %" in text
    assert text.count("1 Stadtteil") == 4  # one area in each of the four classes
    assert grid_dataset.settings.name in text and f"Gedruckt am {today('de')}" in text
    for control in ("Klasseneinteilung", "Anzahl Klassen", "Link kopieren", "Karte Profil"):
        assert control not in text
    assert pdf_pages(pdf)[1].endswith("(A4)")
    # The map is in the PDF as an image: the snapshot of the canvas, areas in the legend's colours.
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "bild")], check=True)
    images = sorted(tmp_path.glob("bild-*.png"), key=lambda p: p.stat().st_size)
    assert images
    pixels = np.asarray(Image.open(images[-1]).convert("RGB"), dtype=int).reshape(-1, 3)
    for swatch in swatches[:4]:
        r, g, b = (int(v) for v in swatch[swatch.index("(") + 1:swatch.index(")")].split(",")[:3])
        # fillOpacity 0.85 over white
        want = tuple(round(0.85 * c + 0.15 * 255) for c in (r, g, b))
        assert (np.abs(pixels - np.array(want)) <= 3).all(axis=1).any(), (swatch, want)
    # After printing, the live map is back.
    assert not dash_duo.find_elements("img.gd-print-map")
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_profile_prints_on_a4_portrait_with_every_column_city_and_date(dash_duo, demo_dataset,
                                                                          tmp_path, lang):
    dash_duo.start_server(create_app(demo_dataset), navigate=False)
    key = demo_dataset.areas["key"].iloc[0]
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/profil?gebiete={key}&lang={lang}")
    dash_duo.wait_for_element(f"#{profile_sections.COVERAGE} tbody tr")
    dash_duo.wait_for_element(f"#{profile.TREND_GRAPH} .js-plotly-plot .main-svg")
    driver = dash_duo.driver
    header = driver.execute_script(
        f"const th = document.querySelectorAll('#{profile_sections.COVERAGE} thead th');"
        "return th[th.length - 1].textContent;")
    assert header == ("Bewohner ≤ 1.000 m" if lang == "de" else "residents ≤ 1,000 m")
    last_row = driver.execute_script(
        f"const td = document.querySelectorAll('#{profile_sections.COVERAGE} tbody tr:last-child td');"
        "return td[td.length - 1].textContent;")

    pdf = print_pdf(driver, tmp_path / "profil.pdf")

    text = pdf_text(pdf)
    (tmp_path / "profil.txt").write_text(text, encoding="utf-8")
    pages, size = pdf_pages(pdf)
    width_pt, height_pt = (float(v) for v in size.split(" pts")[0].split(" x "))
    assert size.endswith("(A4)") and width_pt < height_pt  # portrait
    assert header in text and last_row in text
    assert demo_dataset.area_label(key) in text and "Ludwigshafen am Rhein" in text
    printed = f"Gedruckt am {today('de')}" if lang == "de" else "Printed on "
    assert printed in text
    assert ids.COPY_LINK not in text and ("Link kopieren" if lang == "de" else "Copy link") not in text
    # Nothing scrolls on paper: at the paper's width (186 mm at 96 dpi) in print media, no
    # element would print a scrollbar and the table fits.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 703, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.execute_script("window.gdPrint.before();")
        assert driver.execute_script(SCROLLERS_JS) == []
        width = driver.execute_script(
            f"return document.getElementById('{profile_sections.COVERAGE}').getBoundingClientRect().width;")
        assert width <= 703
    finally:
        driver.execute_script("window.gdPrint.after();")
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert dash_duo.get_logs() == []
