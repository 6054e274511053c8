"""Browser journeys: "Karte exportieren" on the map page and the profile's "PDF" (headless Chromium)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from waits import until

from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import map_export, profile_report

pytestmark = pytest.mark.browser


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_map_page_exports_the_current_view_as_pdf(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=alq&jahr=2022&klass=equal_interval&k=3")
    dash_duo.wait_for_element(f"#{map_figure.GRAPH}")
    dash_duo.wait_for_text_to_equal(f"label[for='{map_export.FORMAT}']", "Karte exportieren")
    dash_duo.find_element(f"#{map_export.BUTTON}").click()

    target = Path(dash_duo.download_path) / "karte_alq_2022.pdf"
    until(lambda: target.exists() and target.stat().st_size > 0)
    text = pdf_text(target)
    # The view of the URL: alq 2022 in three equal intervals, 5 – 10 – 15 – 20.
    assert "Arbeitslosenquote 2022" in text and "10,0 – 15,0" in text
    assert dash_duo.get_logs() == []


def test_english_map_page_exports_png(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/?ind=alq&jahr=2023&lang=en")
    dash_duo.wait_for_text_to_equal(f"label[for='{map_export.FORMAT}']", "Export map")
    dash_duo.find_element(f"#{map_export.FORMAT} input[value='png']").click()
    dash_duo.find_element(f"#{map_export.BUTTON}").click()

    target = Path(dash_duo.download_path) / "map_alq_2023.png"
    until(lambda: target.exists() and target.stat().st_size > 0)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert dash_duo.get_logs() == []


def test_profile_offers_the_area_report_as_pdf(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/profil?gebiete=03")
    dash_duo.wait_for_element(f"#{profile_report.BUTTON}").click()

    target = Path(dash_duo.download_path) / "sozialraumbericht_suedwest.pdf"
    until(lambda: target.exists() and target.stat().st_size > 0)
    text = pdf_text(target)
    assert "Sozialraumbericht Südwest" in text and "Seite 1 von" in text
    assert dash_duo.get_logs() == []
