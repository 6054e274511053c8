"""The map page's export and the profile's PDF, without a browser: the file follows the URL's view."""

from __future__ import annotations

import subprocess

from geodash.web.pages.map_export import export_file
from geodash.web.pages.profile_report import report_file


def test_export_file_is_the_urls_view_named_after_indicator_and_year(grid_dataset, tmp_path):
    data, name = export_file(grid_dataset, "?ind=alq&jahr=2022&klass=equal_interval&k=3", "pdf")
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert name == "karte_alq_2022.pdf"
    assert "5,0 – 10,0" in text and "15,0 – 20,0" in text


def test_export_without_a_view_takes_the_default_indicator_and_latest_year(grid_dataset):
    data, name = export_file(grid_dataset, "?lang=en", "html")

    assert name == "map_alq_2023.html"
    assert b"<html" in data.lower()


def test_profile_pdf_is_the_report_of_the_shown_area(grid_dataset):
    data, name = report_file(grid_dataset, "?gebiete=04&lang=en")

    assert name == "social-area-report_suedost.pdf" and data.startswith(b"%PDF")
