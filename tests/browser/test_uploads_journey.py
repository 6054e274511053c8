"""Browser journeys through uploads on the Daten page (headless Chromium).

A planner uploads a new indicator table for the 2×2 grid (Südost's
unemployment rate in 2023 goes from 22,5 to 30,0 %), reads the report,
accepts it and sees the new value in the next download; a broken file ends
in one alert naming its row. With uploads off there is nothing to upload.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import INDICATORS_CSV
from waits import until

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.uploads import LayerHistory
from geodash.uploads.users import add_user
from geodash.web import upload_panel as panel
from geodash.web.app import create_app
from geodash.web.pages import data as data_page

pytestmark = pytest.mark.browser

NEW_CSV = INDICATORS_CSV.replace("22,5", "30,0").encode("cp1252")
BAD_CSV = INDICATORS_CSV.replace("16,0", "sechzehn").encode("cp1252")


def zone(layer: str, kind: str) -> str:
    """A CSS selector for a pattern-matching element of one layer's upload zone."""
    return f"[id*='\"type\":\"{kind}\"'][id*='\"layer\":\"{layer}\"']"


def open_daten(dash_duo, workspace: Path, uploads: bool) -> None:
    app = create_app(build_dataset(load_catalog(workspace)), uploads=uploads)
    dash_duo.start_server(app, navigate=False)
    dash_duo.wait_for_page(url=f"{dash_duo.server.url}/daten")
    dash_duo.wait_for_contains_text(f"#{data_page.LAYERS_TABLE}", "grid.geojson")


def upload(dash_duo, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    field = dash_duo.find_element(f"{zone('indicators.toml', panel.UPLOAD)} input[type=file]")
    field.send_keys(str(path))


def download_csv(dash_duo) -> dict[str, dict[str, str]]:
    target = Path(dash_duo.download_path) / "stadtteile_2023.csv"
    target.unlink(missing_ok=True)
    dash_duo.find_element(f"[id*='{data_page.DOWNLOAD_BUTTON}'][id*='\"districts-csv\"']").click()
    until(lambda: target.exists() and target.stat().st_size > 0)
    rows = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")))
    return {row["key"]: row for row in rows}


def test_upload_check_accept_and_see_the_new_value(dash_duo, grid_workspace, tmp_path):
    open_daten(dash_duo, grid_workspace, uploads=True)
    report = zone("indicators.toml", panel.REPORT)
    assert download_csv(dash_duo)["04"]["alq"] == "22.5"

    upload(dash_duo, tmp_path, "Indikatoren 2024.csv", NEW_CSV)

    dash_duo.wait_for_contains_text(report, "Indikatoren 2024.csv geprüft: 15 Werte gelesen.")
    dash_duo.wait_for_contains_text(report, "Noch ist nichts geändert")
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == INDICATORS_CSV.encode("cp1252")

    dash_duo.find_element(zone("indicators.toml", panel.ACCEPT)).click()
    dash_duo.wait_for_contains_text(report, "data/ind.csv übernommen; frühere Version gesichert unter "
                                            "history/data/ind.csv/")
    assert "geodash restore data/ind.csv" in dash_duo.find_element(report).text
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == NEW_CSV

    # A full page load, as the confirmation's link does: the new data everywhere.
    dash_duo.find_element(f"{report} a").click()
    dash_duo.wait_for_contains_text(f"#{data_page.LAYERS_TABLE}", "grid.geojson")
    until(lambda: not dash_duo.find_element(report).text)
    assert download_csv(dash_duo)["04"]["alq"] == "30.0"
    assert dash_duo.get_logs() == []


def test_a_broken_upload_ends_in_one_alert_naming_the_row(dash_duo, grid_workspace, tmp_path):
    open_daten(dash_duo, grid_workspace, uploads=True)
    report = zone("indicators.toml", panel.REPORT)

    upload(dash_duo, tmp_path, "kaputt.csv", BAD_CSV)

    dash_duo.wait_for_contains_text(f"{report} .gd-upload-error", "Zeile 8")
    text = dash_duo.find_element(report).text
    assert "kaputt.csv" in text and "sechzehn" in text and "Lösung" in text
    assert "Traceback" not in text
    assert not dash_duo.find_element(zone("indicators.toml", panel.ACCEPT)).is_enabled()
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == INDICATORS_CSV.encode("cp1252")

    # The same drop zone takes the corrected file, then "Verwerfen" changes nothing.
    upload(dash_duo, tmp_path, "korrigiert.csv", NEW_CSV)
    dash_duo.wait_for_contains_text(report, "korrigiert.csv geprüft")
    dash_duo.find_element(zone("indicators.toml", panel.DISCARD)).click()
    dash_duo.wait_for_contains_text(report, "Verworfen; es wurde nichts geändert.")
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == INDICATORS_CSV.encode("cp1252")
    assert dash_duo.get_logs() == []


def test_with_uploads_off_there_is_no_upload_input(dash_duo, grid_workspace):
    open_daten(dash_duo, grid_workspace, uploads=False)

    assert dash_duo.find_elements("input[type=file]") == []
    assert dash_duo.find_elements(f"#{panel.SECTION}") == []
    assert dash_duo.get_logs() == []


def test_names_with_markup_show_as_text_on_the_daten_page(dash_duo, grid_workspace):
    name = "<img src=x onerror=alert(1)>"
    outside = "<script>alert(7)</script>"
    grid = grid_workspace / "data" / "grid.geojson"
    collection = json.loads(grid.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = name
    grid.write_text(json.dumps(collection), encoding="utf-8")
    sites = grid_workspace / "data" / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8-sig").replace("Außerhalb", outside), encoding="utf-8")

    open_daten(dash_duo, grid_workspace, uploads=True)

    dash_duo.wait_for_contains_text(f"#{data_page.REPORT_TABLE}", outside)
    assert dash_duo.find_elements("img[src='x']") == []
    assert dash_duo.driver.execute_script(
        "return Array.from(document.scripts).filter(s => s.textContent.includes('alert(')).length") == 0
    assert dash_duo.get_logs() == []


def test_log_in_upload_accept_and_log_out(dash_duo, grid_workspace, tmp_path):
    add_user(grid_workspace, "anna", "richtig-langes-passwort", "editor")
    open_daten(dash_duo, grid_workspace, uploads=True)
    account = f"#{panel.ACCOUNT}"
    dash_duo.wait_for_contains_text(account, "Daten hochladen dürfen nur angemeldete")
    assert dash_duo.find_elements("input[type=file]") == []  # no drop zone before the login

    dash_duo.find_element(f"#{panel.ACCOUNT}-anmelden").click()
    dash_duo.wait_for_element("#gd-login-name").send_keys("anna")
    dash_duo.find_element("#gd-login-password").send_keys("richtig-langes-passwort")
    dash_duo.find_element("#gd-login-submit").click()

    dash_duo.wait_for_contains_text(account, "Angemeldet als anna (Bearbeitung).", timeout=30)
    report = zone("indicators.toml", panel.REPORT)
    upload(dash_duo, tmp_path, "Indikatoren 2024.csv", NEW_CSV)
    dash_duo.wait_for_contains_text(report, "Indikatoren 2024.csv geprüft: 15 Werte gelesen.", timeout=60)
    dash_duo.find_element(zone("indicators.toml", panel.ACCEPT)).click()
    dash_duo.wait_for_contains_text(report, "data/ind.csv übernommen", timeout=60)

    newest = LayerHistory(grid_workspace, "data/ind.csv").entries()[-1]
    assert (newest.by, newest.upload) == ("anna", "Indikatoren 2024.csv")
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == NEW_CSV

    dash_duo.find_element(f"#{panel.ACCOUNT}-abmelden").click()
    dash_duo.wait_for_contains_text(account, "Daten hochladen dürfen nur angemeldete", timeout=30)
    assert dash_duo.find_elements("input[type=file]") == []
    assert dash_duo.get_logs() == []
