"""The app factory and the frame, without a browser: pages, assets, navbar and the data page."""

from __future__ import annotations

import dataclasses
import json

import dash
import pytest
from plotly.utils import PlotlyJSONEncoder

from geodash.web import create_app, ids
from geodash.web.layout import build_footer, build_navbar, href
from geodash.web.pages import PAGES
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState


@pytest.fixture(scope="module")
def client(grid_dataset):
    return create_app(grid_dataset).server.test_client()


def test_every_page_follows_the_contract(grid_dataset):
    paths = [page.PATH for page in PAGES]
    assert paths == ["/", "/handlungsbedarf", "/nebeneinander", "/profil", "/vergleich", "/abdeckung",
                     "/daten"]
    for page in PAGES:
        assert set(page.NAME) == {"de", "en"}
        assert page.layout(grid_dataset, ViewState(lang="en")) is not None


def test_create_app_registers_the_pages_and_serves_the_frame(grid_dataset, client):
    create_app(grid_dataset)
    assert {p["path"] for p in dash.page_registry.values()} >= {p.PATH for p in PAGES}
    index = client.get("/")
    assert index.status_code == 200 and b'lang="de"' in index.data
    layout = json.dumps(client.get("/_dash-layout").get_json())
    for element in (ids.URL, ids.CONTENT, ids.NAVBAR, ids.FOOTER):
        assert f'"{element}"' in layout


def test_styles_and_favicon_are_served_locally(client):
    index = client.get("/").data.decode()
    assert "cdn.jsdelivr" not in index and "bootstrapcdn" not in index
    assert "/assets/01-base.css" in index and "/assets/03-print.css" in index
    assert client.get("/assets/favicon.ico").status_code == 200


def test_navbar_links_keep_the_view_and_the_switch_changes_only_the_language(grid_dataset):
    state = ViewState(indicator="alq", year=2022, lang="en")
    navbar = as_json(build_navbar(grid_dataset, PAGES, PAGES[0], state))
    assert '"/daten?ind=alq&jahr=2022&lang=en"' in navbar
    assert '"/?ind=alq&jahr=2022"' in navbar  # the DE link
    assert '"Data"' in navbar and '"Map"' in navbar
    assert href("/", ViewState()) == "/"


def test_footer_carries_the_data_note(grid_dataset):
    settings = grid_dataset.settings.model_copy(update={"notes": {"de": "Nur Testdaten."}})
    dataset = dataclasses.replace(grid_dataset, settings=settings)
    footer = as_json(build_footer(dataset, "de"))
    assert "Nur Testdaten." in footer


def test_data_page_exports_the_districts_of_the_view_year(grid_dataset):
    name, content = data_page.export_file(grid_dataset, ViewState(year=2022), "districts-geojson")
    collection = json.loads(content)
    assert name == "stadtteile_2022.geojson" and len(collection["features"]) == 4
    assert "crs" not in collection
    name, content = data_page.export_file(grid_dataset, ViewState(), "districts-csv-de")
    assert name == "stadtteile_2023_excel.csv" and content.startswith(b"\xef\xbb\xbf")
    assert b";" in content.splitlines()[0]
    name, content = data_page.export_file(grid_dataset, ViewState(), "sites-csv")
    assert name == "angebote.csv" and b"QM Nordwest" in content
    name, content = data_page.export_file(grid_dataset, ViewState(indicator="kinder"), "map-html")
    assert name == "karte_kinder_2023.html" and content.startswith(b"<!DOCTYPE html>")


def as_json(components) -> str:
    return json.dumps(components, cls=PlotlyJSONEncoder)


def test_data_page_shows_layers_indicators_and_the_translated_report(grid_dataset):
    assert grid_dataset.report.findings, "the grid has a site outside every area"
    page = as_json(data_page.layout(grid_dataset, ViewState(lang="en")))
    assert data_page.LAYERS_TABLE in page and "data/grid.geojson" in page
    assert data_page.INDICATORS_TABLE in page and "high value = more need" in page
    assert data_page.REPORT_TABLE in page and '"notice"' in page
    german = as_json(data_page.layout(grid_dataset, ViewState()))
    assert '"Hinweis"' in german and "hoher Wert = mehr Bedarf" in german
