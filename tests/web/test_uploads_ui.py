"""Uploads in the app, without a browser: the Daten page's section, its steps, the switch and the holders.

The steps (receive and stage, accept, discard) are called as the callback
calls them (:func:`upload_step`) and, for the read-only switch, through the
app's HTTP endpoint as the browser calls it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
from conftest import INDICATORS_CSV
from plotly.utils import PlotlyJSONEncoder

from geodash.catalog import load_catalog
from geodash.dataset import build_dataset
from geodash.errors import DataError, SpecError
from geodash.uploads import MB, LayerHistory, User
from geodash.web import create_app
from geodash.web import upload_panel as panel
from geodash.web.app import LIVE, UPLOADS
from geodash.web.guard import MAX_REQUEST_BYTES
from geodash.web.live import DatasetProxy, LiveDataset, StagedUploads, Uploads
from geodash.web.pages import data as data_page
from geodash.web.state import ViewState

NEW_CSV = INDICATORS_CSV.replace("22,5", "30,0").encode("cp1252")
BAD_CSV = INDICATORS_CSV.replace("16,0", "sechzehn").encode("cp1252")
# One more district key that matches nothing, and one value marked missing: both reported.
REPORTED_CSV = (INDICATORS_CSV + "9;Neustadt;2022;7,0;100\n").encode("cp1252")


def as_json(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def received(data: bytes, name: str = "neu.csv") -> dict:
    return {"name": name, "size": len(data), "at": time.time(),
            "contents": "data:text/csv;base64," + base64.b64encode(data).decode("ascii")}


def load(workspace):
    return build_dataset(load_catalog(workspace))


def alq(dataset, key: str = "04", year: int = 2023) -> float:
    table = dataset.indicators
    return table.loc[(table["area_key"] == key) & (table["indicator"] == "alq")
                     & (table["year"] == year), "value"].iloc[0]


@pytest.fixture
def uploads(grid_workspace, tmp_path):
    return Uploads(LiveDataset(load(grid_workspace)), enabled=True,
                   staging=StagedUploads(tmp_path / "staged"))


EDITOR = User("anna", "editor")


def step(uploads, action, data=None, token=None, search="", name="neu.csv", user=EDITOR):
    return panel.upload_step(uploads, action, "indicators.toml",
                             received(data, name) if data is not None else None, token, search,
                             user=user)


# --- the Daten page ---


def test_uploads_are_off_by_default_and_the_page_shows_no_upload_controls(grid_dataset):
    app = create_app(grid_dataset)

    service = app.server.extensions[UPLOADS]
    assert not service.enabled and service.staging is None
    # Without uploads a request carries a few control values, never a file (geodash.web.guard).
    assert app.server.config["MAX_CONTENT_LENGTH"] == MAX_REQUEST_BYTES
    page = as_json(data_page.layout(grid_dataset, ViewState()))
    assert panel.UPLOAD not in page and panel.SECTION not in page


def test_with_uploads_on_every_indicator_and_sites_layer_gets_a_drop_zone(grid_dataset, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(panel.auth, "current_user", lambda: User("anna", "editor", "local"))
    service = Uploads(LiveDataset(grid_dataset), enabled=True, max_bytes=5 * MB,
                      staging=StagedUploads(tmp_path))

    page = as_json(data_page.layout(grid_dataset, ViewState(), uploads=service))

    zones = [layer.spec_file for layer in service.layers()]
    assert zones == ["indicators.toml", "sites.toml"]
    for spec_file in zones:
        assert json.dumps({"layer": spec_file, "type": panel.UPLOAD}, sort_keys=True)[1:-1] in \
            json.dumps(json.loads(page), sort_keys=True)
    assert "Ersetzt data/ind.csv. Format: CSV, höchstens 5 MB." in page
    assert '"accept": ".csv"' in page
    english = as_json(data_page.layout(grid_dataset, ViewState(lang="en"), uploads=service))
    assert "Replaces data/sites.csv" in english and "Accept" in english


def test_create_app_with_uploads_limits_the_request_size_and_the_browser_check(grid_dataset):
    app = create_app(grid_dataset, uploads=True, upload_max_bytes=2 * MB)

    assert app.server.extensions[UPLOADS].enabled
    assert app.server.config["MAX_CONTENT_LENGTH"] == 2 * MB * 4 // 3 + MB
    scripts = " ".join(str(v) for v in app._inline_scripts)
    assert f"size > {2 * MB}" in scripts


def test_create_app_refuses_a_limit_that_is_not_positive(grid_dataset):
    with pytest.raises(ValueError, match="upload_max_bytes"):
        create_app(grid_dataset, uploads=True, upload_max_bytes=0)


# --- the steps ---


def test_a_valid_upload_shows_rows_and_findings_and_changes_nothing(uploads, grid_workspace):
    before = (grid_workspace / "data" / "ind.csv").read_bytes()

    report, token, accept_disabled, discard_disabled = step(uploads, panel.RECEIVED, REPORTED_CSV)

    text = as_json(report)
    assert "neu.csv geprüft: 15 Werte gelesen." in text
    assert "ausgelassen" in text and "Zeilen 10" in text and "matches no area left out: '09'" in text
    assert "marked as missing" in text
    assert "Noch ist nichts geändert" in text
    assert token and not accept_disabled and not discard_disabled
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == before
    assert uploads.staging.get(token).name == "neu.csv"


def test_an_invalid_upload_is_one_clear_alert_naming_file_row_and_fix(uploads, grid_workspace):
    report, token, accept_disabled, _ = step(uploads, panel.RECEIVED, BAD_CSV,
                                             name="C:\\Users\\amt\\Indikatoren 2024.csv")

    text = as_json(report)
    assert '"color": "danger"' in text and "Die Datei wurde nicht übernommen." in text
    assert "Indikatoren 2024.csv" in text and "C:" not in text
    assert "Zeile 8" in text and "sechzehn" in text and "Lösung" in text
    assert "Traceback" not in text and str(uploads.staging.root) not in text
    assert token is None and accept_disabled
    assert not uploads.staging.root.exists()  # nothing stays behind, not even an empty folder


def test_accepting_writes_the_file_keeps_the_old_one_and_serves_the_new_data(uploads, grid_workspace):
    original = (grid_workspace / "data" / "ind.csv").read_bytes()
    old = uploads.live.current
    _, token, _, _ = step(uploads, panel.RECEIVED, NEW_CSV)

    report, kept_token, accept_disabled, _ = step(uploads, panel.ACCEPT, token=token, search="ind=alq")

    text = as_json(report)
    assert "data/ind.csv übernommen; frühere Version gesichert unter history/data/ind.csv/20" in text
    assert f"geodash restore data/ind.csv {grid_workspace}" in text
    assert '"/daten?ind=alq"' in text  # reload the page to see the new data
    assert kept_token is None and accept_disabled
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == NEW_CSV
    original_version, new_version = LayerHistory(grid_workspace, "data/ind.csv").entries()
    assert (grid_workspace / "history" / "data" / "ind.csv" / original_version.file).read_bytes() == original
    assert (original_version.action, new_version.by, new_version.upload) == ("original", "anna", "neu.csv")
    assert uploads.live.current is not old and alq(uploads.live.current) == 30.0
    assert alq(old) == 22.5  # the previous Dataset was not changed
    assert uploads.staging.get(token) is None


def test_accepting_the_same_token_twice_is_refused(uploads):
    _, token, _, _ = step(uploads, panel.RECEIVED, NEW_CSV)
    step(uploads, panel.ACCEPT, token=token)

    report, *_ = step(uploads, panel.ACCEPT, token=token)

    assert "no longer waiting" in as_json(report)


def test_an_upload_is_validated_again_when_accepted(uploads, grid_workspace):
    _, token, _, _ = step(uploads, panel.RECEIVED, NEW_CSV)
    # Meanwhile the workspace changed: 2022 is no longer an allowed year.
    (grid_workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\nmin_year = 2023\n',
                                                             encoding="utf-8")

    report, *_ = step(uploads, panel.ACCEPT, token=token)

    assert "is out of range" in as_json(report)
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == INDICATORS_CSV.encode("cp1252")
    assert not (grid_workspace / "history").exists()


def test_discarding_removes_the_staged_file_and_changes_nothing(uploads, grid_workspace):
    before = (grid_workspace / "data" / "ind.csv").read_bytes()
    _, token, _, _ = step(uploads, panel.RECEIVED, NEW_CSV)

    report, kept_token, *_ = step(uploads, panel.DISCARD, token=token, search="lang=en")

    assert "Discarded; nothing was changed." in as_json(report) and kept_token is None
    assert uploads.staging.get(token) is None and not uploads.staging.root.exists()  # no empty folder
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == before


def test_a_new_upload_replaces_the_one_staged_before(uploads):
    _, first, _, _ = step(uploads, panel.RECEIVED, NEW_CSV)
    _, second, _, _ = step(uploads, panel.RECEIVED, NEW_CSV, token=first)

    assert uploads.staging.get(first) is None and uploads.staging.get(second) is not None


def test_a_file_over_the_limit_is_refused_before_it_is_read(uploads):
    too_big = {"name": "riesig.csv", "size": 80 * MB, "at": 1, "too_big": True}

    report, token, *_ = panel.upload_step(uploads, panel.RECEIVED, "indicators.toml", too_big, None, "",
                                          user=EDITOR)

    text = as_json(report)
    assert "riesig.csv" in text and "80,0 MB" in text and "50 MB" in text and token is None


@pytest.mark.parametrize("contents", ["nichts", "data:text/csv;base64,@@@", "data:text/csv,Nr;Jahr"])
def test_contents_that_are_no_base64_file_are_refused(contents):
    with pytest.raises(DataError):
        panel.decode_upload(contents, "x.csv", MB)


def test_an_unexpected_failure_is_logged_and_shown_without_a_traceback(uploads, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(uploads, "stage", broken)

    report, token, *_ = step(uploads, panel.RECEIVED, NEW_CSV)

    assert "interner Fehler" in as_json(report) and "a bug" not in as_json(report)
    assert token is None and "a bug" in caplog.text


# --- the read-only switch ---


@pytest.mark.parametrize("action", [panel.RECEIVED, panel.ACCEPT, panel.DISCARD])
def test_with_uploads_off_every_step_is_refused(grid_workspace, action):
    service = Uploads(LiveDataset(load(grid_workspace)), enabled=False)

    report, token, accept_disabled, discard_disabled = step(service, action, NEW_CSV, token="x" * 43)

    assert "uploads are switched off" in as_json(report)
    assert (token, accept_disabled, discard_disabled) == (None, True, True)
    assert service.staging is None


def post_upload(client, layer: str, value: dict) -> dict:
    """The request the browser sends when a file was dropped on the zone of ``layer``."""
    def pid(kind: str) -> dict:
        return {"layer": layer, "type": kind}

    output = ("..{}.children...{}.data...{}.disabled...{}.disabled..".format(
        *(json.dumps({"layer": ["MATCH"], "type": t}, separators=(",", ":"), sort_keys=True)
          for t in (panel.REPORT, panel.STAGED, panel.ACCEPT, panel.DISCARD))))
    body = {
        "output": output,
        "outputs": [{"id": pid(panel.REPORT), "property": "children"},
                    {"id": pid(panel.STAGED), "property": "data"},
                    {"id": pid(panel.ACCEPT), "property": "disabled"},
                    {"id": pid(panel.DISCARD), "property": "disabled"}],
        "inputs": [{"id": pid(panel.RECEIVED), "property": "data", "value": value},
                   {"id": pid(panel.ACCEPT), "property": "n_clicks", "value": None},
                   {"id": pid(panel.DISCARD), "property": "n_clicks", "value": None}],
        "state": [{"id": pid(panel.STAGED), "property": "data", "value": None},
                  {"id": "url", "property": "search", "value": ""}],
        "changedPropIds": [json.dumps(pid(panel.RECEIVED), separators=(",", ":"), sort_keys=True)
                           + ".data"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return response.get_json()


def staged_token(answer: dict) -> str | None:
    """The token the answer puts into the page's store."""
    key = json.dumps({"layer": "indicators.toml", "type": panel.STAGED}, separators=(",", ":"),
                     sort_keys=True)
    return answer["response"][key]["data"]


@pytest.mark.parametrize("uploads_on", [False, True], ids=["off", "on"])
def test_the_upload_endpoint_refuses_when_uploads_are_off(grid_workspace, uploads_on):
    app = create_app(load(grid_workspace), uploads=uploads_on)
    before = (grid_workspace / "data" / "ind.csv").read_bytes()

    answer = post_upload(app.server.test_client(), "indicators.toml", received(NEW_CSV))

    text = json.dumps(answer, ensure_ascii=False)
    staged = staged_token(answer)
    if uploads_on:
        assert "geprüft: 15 Werte gelesen" in text and staged
    else:
        assert "uploads are switched off" in text and staged is None
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == before


def page_text(client, path: str, search: str) -> str:
    """The page the router builds for a fresh load of ``path?search``."""
    response = client.post("/_dash-update-component", json={
        "output": "..page-content.children...page-rendered.data...navbar.children...footer.children"
                  "...page-document.data..",
        "outputs": [{"id": i, "property": p} for i, p in (("page-content", "children"),
                    ("page-rendered", "data"), ("navbar", "children"), ("footer", "children"),
                    ("page-document", "data"))],
        "inputs": [{"id": "url", "property": "pathname", "value": path},
                   {"id": "url", "property": "search", "value": search}],
        "state": [{"id": "page-rendered", "property": "data", "value": None}],
        "changedPropIds": ["url.pathname"],
    })
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_after_an_accept_through_the_app_the_next_page_load_shows_the_new_data(grid_workspace):
    app = create_app(load(grid_workspace), uploads=True)
    client = app.server.test_client()
    view = "?ind=alq&jahr=2023&gebiete=04,03"
    assert "22,5" in page_text(client, "/vergleich", view)
    token = staged_token(post_upload(client, "indicators.toml", received(NEW_CSV)))

    app.server.extensions[UPLOADS].accept(token, user=EDITOR)

    assert alq(app.server.extensions[LIVE].current) == 30.0
    after = page_text(client, "/vergleich", view)
    assert "30,0" in after and "22,5" not in after


# --- the holders ---


def test_a_reload_that_fails_keeps_the_current_dataset(grid_workspace):
    live = LiveDataset(load(grid_workspace))
    current = live.current
    (grid_workspace / "data" / "ind.csv").write_bytes(BAD_CSV)

    with pytest.raises(DataError):
        live.reload()

    assert live.current is current


def test_refresh_picks_up_a_change_on_disk_once_and_ignores_a_broken_workspace(grid_workspace):
    live = LiveDataset(load(grid_workspace), load=lambda: load(grid_workspace))
    first = live.current
    assert live.refresh() is False  # nothing changed

    (grid_workspace / "data" / "ind.csv").write_bytes(NEW_CSV)
    assert live.refresh() is True and alq(live.current) == 30.0

    second = live.current
    (grid_workspace / "layers" / "zones.toml").write_text("kind = 'zones'\n", encoding="utf-8")
    assert live.refresh() is False and live.current is second
    assert live.refresh() is False  # the broken state is not loaded again on every request
    assert first is not second


def test_the_proxy_reads_the_current_dataset_and_changes_nothing(grid_workspace):
    live = LiveDataset(load(grid_workspace), load=lambda: load(grid_workspace))
    proxy = DatasetProxy(live)
    assert proxy.areas is live.current.areas and proxy.indicator_years("alq") == [2022, 2023]

    (grid_workspace / "data" / "ind.csv").write_bytes(NEW_CSV)
    live.reload()

    assert alq(proxy) == 30.0
    with pytest.raises(AttributeError, match="never changed"):
        proxy.areas = None


def test_the_proxy_keeps_one_dataset_for_a_whole_request(grid_workspace):
    from flask import Flask

    live = LiveDataset(load(grid_workspace), load=lambda: load(grid_workspace))
    proxy = DatasetProxy(live)
    (grid_workspace / "data" / "ind.csv").write_bytes(NEW_CSV)
    with Flask(__name__).test_request_context():
        assert alq(proxy) == 22.5
        live.reload()  # another request accepted an upload meanwhile
        assert alq(proxy) == 22.5
    assert alq(proxy) == 30.0


@pytest.mark.parametrize("token", ["../../etc/passwd", "", None, "a" * 10, "/" * 43, "x" * 43 + "/.."])
def test_a_token_never_names_a_path(tmp_path, token):
    staging = StagedUploads(tmp_path / "staged")

    assert staging.get(token) is None
    staging.remove(token)  # nothing happens
    assert list(tmp_path.iterdir()) == []


def test_staged_uploads_are_found_by_token_in_a_folder_named_by_its_digest(tmp_path):
    staging = StagedUploads(tmp_path / "staged")

    token, folder = staging.new("indicators.toml", "neu.csv")
    (folder / "upload.csv").write_bytes(NEW_CSV)

    assert folder.name == hashlib.sha256(token.encode()).hexdigest() and token not in str(folder)
    staged = staging.get(token)
    assert (staged.layer_file, staged.name, staged.data) == ("indicators.toml", "neu.csv", NEW_CSV)


def test_staged_uploads_expire(tmp_path):
    staging = StagedUploads(tmp_path / "staged", ttl=0)
    token, folder = staging.new("indicators.toml", "neu.csv")
    (folder / "upload.csv").write_bytes(NEW_CSV)
    time.sleep(0.01)

    assert staging.get(token) is None and not folder.exists()


def test_the_default_staging_folder_is_removed_with_its_owner():
    staging = StagedUploads()
    root = staging.root
    assert root.is_dir()

    del staging

    assert not root.exists()


def test_uploads_into_a_layer_that_takes_none_are_refused(uploads):
    report, token, *_ = panel.upload_step(uploads, panel.RECEIVED, "areas.toml", received(NEW_CSV),
                                          None, "", user=EDITOR)

    assert "does not take uploads" in as_json(report) and token is None


def test_a_spec_error_in_the_workspace_is_shown_as_the_one_error(uploads, grid_workspace):
    (grid_workspace / "layers" / "zones.toml").write_text("kind = 'zones'\n", encoding="utf-8")

    report, token, *_ = step(uploads, panel.RECEIVED, NEW_CSV)

    assert "zones.toml" in as_json(report) and token is None
    with pytest.raises(SpecError):
        load(grid_workspace)


# --- the switch at the command line and in app.py ---


@pytest.fixture
def served(monkeypatch):
    """Run `geodash serve` without serving: record how the app was made."""
    import dash

    import geodash.web

    made = {}
    real = geodash.web.create_app

    def create_app_spy(dataset, **options):
        made.update(options)
        made["app"] = real(dataset, **options)
        return made["app"]

    monkeypatch.setattr(geodash.web, "create_app", create_app_spy)
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kwargs: None)
    return made


def test_serve_is_read_only_by_default(grid_workspace, served, capsys):
    from geodash.cli import main

    assert main(["serve", str(grid_workspace), "--port", "8123"]) == 0

    assert served["uploads"] is False and not served["app"].server.extensions[UPLOADS].enabled
    assert "(read-only)" in capsys.readouterr().out


def test_serve_with_uploads_and_a_size_limit(grid_workspace, served, capsys):
    from geodash.cli import main

    assert main(["serve", str(grid_workspace), "--uploads", "--upload-max-mb", "2.5"]) == 0

    service = served["app"].server.extensions[UPLOADS]
    assert service.enabled and service.max_bytes == int(2.5 * MB)
    assert "uploads on, at most 2.5 MB" in capsys.readouterr().out


def test_serve_refuses_a_size_limit_that_is_not_positive(grid_workspace, served, capsys):
    from geodash.cli import main

    assert main(["serve", str(grid_workspace), "--uploads", "--upload-max-mb", "0"]) == 2

    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--upload-max-mb" in line and not served


@pytest.mark.parametrize(("env", "enabled"), [({}, False), ({"GEODASH_UPLOADS": "1"}, True),
                                              ({"GEODASH_UPLOADS": "0"}, False)])
def test_app_py_reads_the_switch_from_the_environment(grid_workspace, monkeypatch, env, enabled):
    import runpy
    from pathlib import Path

    monkeypatch.setenv("GEODASH_WORKSPACE", str(grid_workspace))
    monkeypatch.setenv("GEODASH_UPLOAD_MAX_MB", "3")
    monkeypatch.delenv("GEODASH_UPLOADS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    module = runpy.run_path(str(Path(__file__).parents[2] / "app.py"))

    service = module["server"].extensions[UPLOADS]
    assert service.enabled is enabled and service.max_bytes == 3 * MB
