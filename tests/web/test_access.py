"""Who may change data: editors only, by login or a trusted proxy; CSRF refused; nothing changed else.

Requests go through the real Flask app (``create_app``) with its test client,
from the addresses the tests name (``REMOTE_ADDR``), so the same checks run
as behind a real server.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import time

import pytest
from conftest import INDICATORS_CSV

from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import AccessError
from geodash.uploads import LayerHistory, User
from geodash.uploads.users import add_user, users_file
from geodash.web import create_app
from geodash.web import upload_panel as panel
from geodash.web.app import LIVE, UPLOADS

NEW_CSV = INDICATORS_CSV.replace("22,5", "30,0").encode("cp1252")
ORIGINAL = INDICATORS_CSV.encode("cp1252")
PASSWORD = "richtig-langes-passwort"
OFFICE = {"REMOTE_ADDR": "10.1.2.3"}  # a browser in the city's network, not this computer


def received(data: bytes, name: str = "neu.csv") -> dict:
    return {"name": name, "size": len(data), "at": time.time(),
            "contents": "data:text/csv;base64," + base64.b64encode(data).decode("ascii")}


def pid(kind: str) -> dict:
    return {"layer": "indicators.toml", "type": kind}


def key(kind: str, prop: str) -> str:
    return json.dumps(pid(kind), separators=(",", ":"), sort_keys=True) + f".{prop}"


def dash_step(client, action: str, *, data: bytes | None = None, token: str | None = None,
              headers: dict | None = None):
    """The request the browser sends for one upload step (a file dropped, accept, discard)."""
    output = "..{}.children...{}.data...{}.disabled...{}.disabled..".format(
        *(json.dumps({"layer": ["MATCH"], "type": t}, separators=(",", ":"), sort_keys=True)
          for t in (panel.REPORT, panel.STAGED, panel.ACCEPT, panel.DISCARD)))
    changed = {panel.RECEIVED: key(panel.RECEIVED, "data"), panel.ACCEPT: key(panel.ACCEPT, "n_clicks"),
               panel.DISCARD: key(panel.DISCARD, "n_clicks")}[action]
    body = {
        "output": output,
        "outputs": [{"id": pid(panel.REPORT), "property": "children"},
                    {"id": pid(panel.STAGED), "property": "data"},
                    {"id": pid(panel.ACCEPT), "property": "disabled"},
                    {"id": pid(panel.DISCARD), "property": "disabled"}],
        "inputs": [{"id": pid(panel.RECEIVED), "property": "data",
                    "value": received(data) if data is not None else None},
                   {"id": pid(panel.ACCEPT), "property": "n_clicks",
                    "value": 1 if action == panel.ACCEPT else None},
                   {"id": pid(panel.DISCARD), "property": "n_clicks", "value": None}],
        "state": [{"id": pid(panel.STAGED), "property": "data", "value": token},
                  {"id": "url", "property": "search", "value": ""}],
        "changedPropIds": [changed],
    }
    return client.post("/_dash-update-component", json=body, headers=headers or {})


def answer(response) -> tuple[str, str | None]:
    """The report's text and the staged token of a step's answer."""
    assert response.status_code == 200, response.data[:300]
    data = response.get_json()["response"]
    report = json.dumps(data[json.dumps(pid(panel.REPORT), separators=(",", ":"), sort_keys=True)],
                        ensure_ascii=False)
    return report, data[json.dumps(pid(panel.STAGED), separators=(",", ":"), sort_keys=True)]["data"]


def app_for(workspace, settings: str = ""):
    if settings:
        (workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\n' + settings,
                                                              encoding="utf-8")
    return create_app(build_dataset(load_catalog(workspace)), uploads=True)


def log_in(client, name: str, password: str = PASSWORD, environ=OFFICE):
    page = client.get("/anmelden", environ_base=environ).get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    return client.post("/anmelden", data={"name": name, "password": password, "csrf": token,
                                          "next": "/daten"}, environ_base=environ)


@pytest.fixture
def accounts(grid_workspace):
    add_user(grid_workspace, "anna", PASSWORD, "editor")
    add_user(grid_workspace, "vera", PASSWORD, "viewer")
    return grid_workspace


def stage_as_editor(app, workspace) -> str:
    """A token staged by a logged-in editor (as another tab of the same office would have)."""
    client = app.server.test_client()
    assert log_in(client, "anna").status_code == 303
    _, token = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV))
    assert token
    return token


# --- refused: anonymous and viewers ---


def test_an_anonymous_upload_and_accept_are_refused_and_change_nothing(accounts):
    app = app_for(accounts)
    token = stage_as_editor(app, accounts)
    anonymous = app.server.test_client()
    anonymous.environ_base.update(OFFICE)

    report, staged = answer(dash_step(anonymous, panel.RECEIVED, data=NEW_CSV))
    assert "only a logged-in editor may upload data" in report and staged is None
    report, _ = answer(dash_step(anonymous, panel.ACCEPT, token=token))
    assert "only a logged-in editor may accept uploads" in report

    assert (accounts / "data/ind.csv").read_bytes() == ORIGINAL
    assert not (accounts / "history").exists()
    assert app.server.extensions[UPLOADS].staging.get(token) is not None  # still the editor's


def test_a_viewer_may_look_but_not_accept(accounts):
    app = app_for(accounts)
    token = stage_as_editor(app, accounts)
    viewer = app.server.test_client()
    assert log_in(viewer, "vera").status_code == 303

    report, _ = answer(dash_step(viewer, panel.ACCEPT, token=token))

    assert "vera is a viewer and may not accept uploads" in report
    assert (accounts / "data/ind.csv").read_bytes() == ORIGINAL


@pytest.mark.parametrize("user", [None, User("vera", "viewer")], ids=["anonymous", "viewer"])
def test_the_service_refuses_restore_to_all_but_editors(accounts, user):
    app = app_for(accounts)
    service = app.server.extensions[UPLOADS]
    token = service.stage("indicators.toml", "neu.csv", NEW_CSV, user=User("anna", "editor")).token
    service.accept(token, user=User("anna", "editor"))
    before = LayerHistory(accounts, "data/ind.csv").entries()

    with pytest.raises(AccessError) as info:
        service.restore("data/ind.csv", None, user=user)

    assert info.value.status == (401 if user is None else 403)
    assert (accounts / "data/ind.csv").read_bytes() == NEW_CSV
    assert LayerHistory(accounts, "data/ind.csv").entries() == before


# --- allowed: editors, and the manifest names them ---


def test_a_logged_in_editor_uploads_and_accepts_and_the_manifest_names_them(accounts):
    app = app_for(accounts)
    client = app.server.test_client()
    assert log_in(client, "anna").status_code == 303

    report, token = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV))
    assert "geprüft: 15 Werte gelesen" in report
    report, _ = answer(dash_step(client, panel.ACCEPT, token=token))

    assert "data/ind.csv übernommen" in report
    assert (accounts / "data/ind.csv").read_bytes() == NEW_CSV
    newest = LayerHistory(accounts, "data/ind.csv").entries()[-1]
    assert (newest.by, newest.upload, newest.action) == ("anna", "neu.csv", "accepted")


def test_an_editor_restores_through_the_service_and_the_manifest_names_them(accounts):
    app = app_for(accounts)
    service = app.server.extensions[UPLOADS]
    anna = User("anna", "editor")
    service.accept(service.stage("indicators.toml", "neu.csv", NEW_CSV, user=anna).token, user=anna)

    change = service.restore("data/ind.csv", None, user=anna)

    assert (accounts / "data/ind.csv").read_bytes() == ORIGINAL
    assert (change.current.by, change.current.action) == ("anna", "restored")
    table = app.server.extensions[LIVE].current.indicators  # the app serves the restored data
    assert table.query("area_key == '04' and year == 2023 and indicator == 'alq'")["value"].iloc[0] == 22.5


def test_a_trusted_proxy_names_the_user_and_anyone_else_cannot(grid_workspace):
    app = app_for(grid_workspace, '[access]\nproxy_header = "X-Remote-User"\n'
                                  'trusted_proxies = ["10.9.0.0/24"]\n')
    client = app.server.test_client()

    report, staged = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV,
                                      headers={"X-Remote-User": "mallory"}))
    # From 127.0.0.1 (not a trusted proxy) the header is ignored: nobody, refused.
    assert "only a logged-in editor" in report and staged is None

    proxied = app.server.test_client()
    proxied.environ_base.update({"REMOTE_ADDR": "10.9.0.7"})
    report, token = answer(dash_step(proxied, panel.RECEIVED, data=NEW_CSV,
                                     headers={"X-Remote-User": "bernd"}))
    assert token
    answer(dash_step(proxied, panel.ACCEPT, token=token, headers={"X-Remote-User": "bernd"}))
    assert LayerHistory(grid_workspace, "data/ind.csv").entries()[-1].by == "bernd"
    report, staged = answer(dash_step(proxied, panel.RECEIVED, data=NEW_CSV,
                                      headers={"X-Remote-User": "x" * 200}))
    assert staged is None  # a name no proxy would send is nobody


def test_without_accounts_only_this_computer_may_edit_and_not_through_a_proxy(grid_workspace):
    app = app_for(grid_workspace)
    local = app.server.test_client()  # REMOTE_ADDR 127.0.0.1
    report, token = answer(dash_step(local, panel.RECEIVED, data=NEW_CSV))
    assert token

    relayed = app.server.test_client()
    report, staged = answer(dash_step(relayed, panel.RECEIVED, data=NEW_CSV,
                                      headers={"X-Forwarded-For": "203.0.113.5"}))
    assert "only a logged-in editor" in report and staged is None
    office = app.server.test_client()
    office.environ_base.update(OFFICE)
    report, staged = answer(dash_step(office, panel.RECEIVED, data=NEW_CSV))
    assert staged is None


# --- CSRF ---


def test_a_cross_site_request_is_refused_with_403_and_changes_nothing(grid_workspace):
    app = app_for(grid_workspace)
    client = app.server.test_client()
    _, token = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV))

    response = dash_step(client, panel.ACCEPT, token=token, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert (grid_workspace / "data/ind.csv").read_bytes() == ORIGINAL
    same = dash_step(client, panel.ACCEPT, token=token, headers={"Origin": "http://localhost"})
    assert "übernommen" in answer(same)[0]


def test_the_login_form_needs_its_token(accounts):
    client = app_for(accounts).server.test_client()
    response = client.post("/anmelden", data={"name": "anna", "password": PASSWORD, "csrf": "guess"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "user" not in session


def test_logins_are_rate_limited_per_address_and_name_across_workers(accounts):
    first, second = app_for(accounts), app_for(accounts)  # two workers of one workspace
    client = first.server.test_client()
    for _ in range(5):
        assert log_in(client, "anna", "falsch-falsch-falsch").status_code == 401

    response = log_in(second.server.test_client(), "anna")  # the right password, another worker

    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Zu viele Fehlversuche" in response.get_data(as_text=True)
    other = second.server.test_client()  # another address, another name: not locked out
    assert log_in(other, "vera", environ={"REMOTE_ADDR": "10.1.2.4"}).status_code == 303


def test_logout_ends_the_session(accounts):
    app = app_for(accounts)
    client = app.server.test_client()
    log_in(client, "anna")
    with client.session_transaction() as session:
        token = session["csrf"]
    assert client.post("/abmelden", data={"csrf": token, "next": "/daten"},
                       environ_base=OFFICE).status_code == 303
    report, staged = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV))
    assert staged is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", "daten"])
def test_login_only_goes_back_to_this_site(accounts, target):
    client = app_for(accounts).server.test_client()
    page = client.get("/anmelden").get_data(as_text=True)
    token = page.split('name="csrf" value="')[1].split('"')[0]
    response = client.post("/anmelden", data={"name": "anna", "password": PASSWORD, "csrf": token,
                                              "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/daten"


# --- planning pages behind a login ---


def test_the_planning_pages_can_require_a_login(accounts):
    app = app_for(accounts, "[access]\nviewers_must_log_in = true\n")
    client = app.server.test_client()

    response = client.get("/karte")
    assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden?next=")
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert log_in(client, "vera").status_code == 303
    assert client.get("/karte").status_code == 200


# --- accounts and the start-up check ---


def test_accounts_are_kept_owner_only_with_scrypt_hashes(grid_workspace):
    add_user(grid_workspace, "anna", PASSWORD, "editor")
    path = users_file(grid_workspace)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text())["users"]["anna"]
    assert stored["password"].startswith("scrypt:") and PASSWORD not in path.read_text()
    app_for(grid_workspace)
    assert stat.S_IMODE(os.stat(grid_workspace / ".geodash/secret").st_mode) == 0o600


def test_cli_user_add_reads_the_password_from_stdin(grid_workspace, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "anna", str(grid_workspace), "--role", "editor", "--password-stdin"]) == 0
    assert main(["user", "list", str(grid_workspace)]) == 0
    listing = capsys.readouterr().out
    assert "anna" in listing and "editor" in listing
    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    assert main(["user", "add", "bert", str(grid_workspace), "--password-stdin"]) == 2


@pytest.fixture
def not_serving(monkeypatch):
    import dash

    monkeypatch.setattr(dash.Dash, "run", lambda self, **kwargs: None)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])  # noqa: S104
def test_serve_with_uploads_beyond_this_computer_needs_a_login_set_up(grid_workspace, not_serving,
                                                                      capsys, host):
    assert main(["serve", str(grid_workspace), "--uploads", "--host", host]) == 2
    err = capsys.readouterr().err
    assert "geodash user add NAME --role editor" in err and "proxy_header" in err
    add_user(grid_workspace, "anna", PASSWORD, "editor")
    assert main(["serve", str(grid_workspace), "--uploads", "--host", host]) == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_serve_with_uploads_on_this_computer_needs_no_login(grid_workspace, not_serving, host):
    assert main(["serve", str(grid_workspace), "--uploads", "--host", host]) == 0


# --- restore through the Daten page ---


def dash_restore(client, version: str | None):
    from geodash.web import history_panel as hp

    layer = {"layer": "indicators.toml", "type": hp.RESTORED}
    body = {
        "output": json.dumps({"layer": ["MATCH"], "type": hp.RESTORED}, separators=(",", ":"),
                             sort_keys=True) + ".children",
        "outputs": {"id": layer, "property": "children"},
        "inputs": [{"id": {"layer": "indicators.toml", "type": hp.RESTORE}, "property": "n_clicks",
                    "value": 1}],
        "state": [{"id": {"layer": "indicators.toml", "type": hp.VERSIONS}, "property": "value",
                   "value": version},
                  {"id": "url", "property": "search", "value": ""}],
        "changedPropIds": [json.dumps({"layer": "indicators.toml", "type": hp.RESTORE},
                                      separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


@pytest.mark.parametrize("who", ["anonymous", "vera"])
def test_a_restore_through_the_page_by_anyone_but_an_editor_is_refused(accounts, who):
    app = app_for(accounts)
    service = app.server.extensions[UPLOADS]
    anna = User("anna", "editor")
    service.accept(service.stage("indicators.toml", "neu.csv", NEW_CSV, user=anna).token, user=anna)
    original = LayerHistory(accounts, "data/ind.csv").entries()[0]
    client = app.server.test_client()
    client.environ_base.update(OFFICE)
    if who != "anonymous":
        log_in(client, who)

    text = dash_restore(client, original.version)

    assert "Nicht zurückgeholt" in text and ("only a logged-in editor" in text or "is a viewer" in text)
    assert (accounts / "data/ind.csv").read_bytes() == NEW_CSV
    assert len(LayerHistory(accounts, "data/ind.csv").entries()) == 2


def test_an_editor_restores_a_version_through_the_page(accounts):
    app = app_for(accounts)
    client = app.server.test_client()
    log_in(client, "anna")
    _, token = answer(dash_step(client, panel.RECEIVED, data=NEW_CSV))
    answer(dash_step(client, panel.ACCEPT, token=token))
    original = LayerHistory(accounts, "data/ind.csv").entries()[0]

    text = dash_restore(client, original.version)

    assert f"Version {original.version} zurückgeholt" in text
    assert (accounts / "data/ind.csv").read_bytes() == ORIGINAL
    newest = LayerHistory(accounts, "data/ind.csv").entries()[-1]
    assert (newest.by, newest.action, newest.upload) == ("anna", "restored", original.version)
    assert "Nicht zurückgeholt" in dash_restore(client, "../../etc/passwd")  # no such version
