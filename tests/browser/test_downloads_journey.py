"""The Daten page's long table and Excel downloads, clicked as a user would (2×2 grid, by hand).

``alq`` is 5.0 / 20.0 % in 2022 and 4.0 / 22.5 % in 2023 for Nordwest (01) and Südost (04).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from waits import until

from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.pages import data as data_page

pytestmark = pytest.mark.browser


def download(dash_duo, item: str, name: str) -> Path:
    dash_duo.find_element(f"[id*='{data_page.DOWNLOAD_BUTTON}'][id*='\"{item}\"']").click()
    target = Path(dash_duo.download_path) / name
    until(lambda: target.exists() and target.stat().st_size > 0)
    return target


def test_the_daten_page_downloads_every_year_and_excel_with_metadata(dash_duo, grid_dataset):
    dash_duo.start_server(create_app(grid_dataset), navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/daten?jahr=2023")
    dash_duo.wait_for_contains_text(f"#{data_page.LAYERS_TABLE}", "grid.geojson")
    dash_duo.wait_for_contains_text("#" + ids.CONTENT, "Alle Indikatoren, alle Jahre")

    long = pd.read_csv(download(dash_duo, "indicators-csv", "indikatoren_alle_jahre.csv"),
                       encoding="utf-8-sig", dtype={"area_key": str})
    values = long.set_index(["area_key", "indicator", "year"])["value"]
    assert [values[("01", "alq", 2022)], values[("04", "alq", 2022)], values[("01", "alq", 2023)],
            values[("04", "alq", 2023)]] == [5.0, 20.0, 4.0, 22.5]
    assert set(long.loc[long["indicator"] == "alq", "unit"]) == {"%"}

    book = pd.read_excel(download(dash_duo, "districts-xlsx", "stadtteile_2023.xlsx"), sheet_name=None,
                         dtype={"key": str})
    assert list(book) == ["Daten", "Metadaten"]
    assert book["Daten"].set_index("key").loc["04", "alq"] == 22.5
    meta = book["Metadaten"].set_index("Spalte")
    assert meta.loc["alq", "Bezeichnung"] == "Arbeitslosenquote" and meta.loc["alq", "Einheit"] == "%"

    companion = download(dash_duo, "districts-columns", "stadtteile_2023.csv.columns.csv")
    assert "label_de" in companion.read_text(encoding="utf-8-sig").splitlines()[0]
    assert dash_duo.get_logs() == []
