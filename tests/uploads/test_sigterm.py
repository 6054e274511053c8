"""A served app stopped with SIGTERM leaves no staging folder behind (nor an empty one in /tmp)."""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import INDICATORS_CSV

from geodash.uploads import staging_root
from geodash.web import upload_panel as panel

ROOT = Path(__file__).resolve().parents[2]
NEW_CSV = INDICATORS_CSV.replace("22,5", "30,0").encode("cp1252")

pytestmark = pytest.mark.slow


def free_port() -> int:
    """A free port in this suite's range (GEODASH_SERVE_PORTS, default 8632-8639)."""
    first, last = (int(p) for p in os.environ.get("GEODASH_SERVE_PORTS", "8632-8639").split("-"))
    for port in range(first, last + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip(f"no free port in {first}-{last}")


def post_step(url: str, action: str, *, data: bytes | None = None, token: str | None = None) -> dict:
    def pid(kind):
        return {"layer": "indicators.toml", "type": kind}

    def key(kind, prop):
        return json.dumps(pid(kind), separators=(",", ":"), sort_keys=True) + f".{prop}"

    received = None if data is None else {
        "name": "neu.csv", "size": len(data), "at": time.time(),
        "contents": "data:text/csv;base64," + base64.b64encode(data).decode("ascii")}
    body = {
        "output": "..{}.children...{}.data...{}.disabled...{}.disabled..".format(
            *(json.dumps({"layer": ["MATCH"], "type": t}, separators=(",", ":"), sort_keys=True)
              for t in (panel.REPORT, panel.STAGED, panel.ACCEPT, panel.DISCARD))),
        "outputs": [{"id": pid(panel.REPORT), "property": "children"},
                    {"id": pid(panel.STAGED), "property": "data"},
                    {"id": pid(panel.ACCEPT), "property": "disabled"},
                    {"id": pid(panel.DISCARD), "property": "disabled"}],
        "inputs": [{"id": pid(panel.RECEIVED), "property": "data", "value": received},
                   {"id": pid(panel.ACCEPT), "property": "n_clicks", "value": None},
                   {"id": pid(panel.DISCARD), "property": "n_clicks",
                    "value": 1 if action == panel.DISCARD else None}],
        "state": [{"id": pid(panel.STAGED), "property": "data", "value": token},
                  {"id": "url", "property": "search", "value": ""}],
        "changedPropIds": [key(action, "data" if action == panel.RECEIVED else "n_clicks")],
    }
    request = urllib.request.Request(f"{url}/_dash-update-component", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own server
        answer = json.loads(response.read())["response"]
    return answer[json.dumps(pid(panel.STAGED), separators=(",", ":"), sort_keys=True)]["data"]


def test_sigterm_leaves_no_staging_folder(grid_workspace, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), "GEODASH_CACHE": str(tmp_path / "c")}
    server = subprocess.Popen([sys.executable, "-m", "geodash", "serve", str(grid_workspace), "--uploads",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        line = b""
        while b"geodash serves" not in line:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            if select.select([server.stdout], [], [], 1)[0]:
                line = server.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        token = None
        while token is None:  # the first request may come before werkzeug listens
            try:
                token = post_step(url, panel.RECEIVED, data=NEW_CSV)
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        assert staging_root(grid_workspace).is_dir()
        post_step(url, panel.DISCARD, token=token)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)

    assert code == 128 + signal.SIGTERM  # it ended through SystemExit, not killed
    assert not staging_root(grid_workspace).exists()
    assert list(tmp.iterdir()) == []
