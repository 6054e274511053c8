"""The OGC API on the dashboard's server: registered by create_app, compressed, switched off by a setting."""

from __future__ import annotations

import json

from geodash.web import create_app
from geodash.workspace import load_workspace


def test_create_app_serves_the_api_beside_the_pages_compressed(grid_dataset):
    client = create_app(grid_dataset).server.test_client()
    response = client.get("/ogcapi/collections/areas/items", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    assert response.headers["Content-Encoding"] == "br"
    assert client.get("/").status_code == 200  # the pages are still there


def test_the_setting_ogc_false_switches_the_api_off(grid_workspace):
    (grid_workspace / "layers" / "workspace.toml").write_text(
        'kind = "workspace"\n[api]\nogc = false\n', encoding="utf-8")
    dataset = load_workspace(grid_workspace, cache=False)
    app = create_app(dataset)
    assert "ogcapi" not in app.server.blueprints
    response = app.server.test_client().get("/ogcapi/collections", headers={"Accept": "application/json"})
    assert not response.content_type.startswith(("application/json", "application/geo+json"))


def test_max_limit_caps_a_page(grid_workspace):
    (grid_workspace / "layers" / "workspace.toml").write_text(
        'kind = "workspace"\n[api]\nmax_limit = 3\n', encoding="utf-8")
    client = create_app(load_workspace(grid_workspace, cache=False)).server.test_client()
    page = json.loads(client.get("/ogcapi/collections/areas/items?limit=100").data)
    assert page["numberReturned"] == 3 and page["numberMatched"] == 4
    api = json.loads(client.get("/ogcapi/api").data)
    limit = next(p for p in api["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 3


def test_every_api_setting_is_documented_in_the_readme_and_the_init_template():
    from pathlib import Path

    from geodash.catalog import ApiSettings

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Use geodash layers in QGIS"):readme.index("## Speed")]
    template = (root / "geodash" / "template" / "layers" / "workspace.toml").read_text(encoding="utf-8")
    for name in ApiSettings.model_fields:
        assert f"{name} = " in section and f"# {name} = " in template, name


def test_with_uploads_on_the_api_serves_a_changed_workspace_at_the_next_request(grid_workspace):
    from conftest import INDICATORS_CSV

    app = create_app(load_workspace(grid_workspace), uploads=True)
    client = app.server.test_client()
    url = "/ogcapi/collections/areas/items/01-2023"
    assert json.loads(client.get(url).data)["properties"]["alq"] == 4.0
    # As an upload accepted by another worker, or `geodash restore`, leaves it on disk.
    changed = INDICATORS_CSV.replace("1;Nordwest;2023;4,0;", "1;Nordwest;2023;6,5;")
    (grid_workspace / "data" / "ind.csv").write_bytes(changed.encode("cp1252"))
    assert json.loads(client.get(url).data)["properties"]["alq"] == 6.5
