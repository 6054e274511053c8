"""`geodash serve` on a generated city of about 550 areas and 1,300 sites: it says what it does and serves.

Not a timing benchmark (that is `geodash bench`): the bound is generous, the
test only asks that the map page is served and its callback answers.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from geodash.bench.dash_requests import Server, discover, request
from geodash.bench.workspace import write_city_workspace
from geodash.workspace import SERVE_ANALYSES, load_workspace

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

SERVE_BOUND_S = 120  # generous: CI machines are busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    write_city_workspace(folder, 550, 1300)
    return folder, tmp_path_factory.mktemp("cache")


@contextmanager
def serve(workspace: Path, cache: Path, logs: Path):
    """Start `geodash serve`; wait (bounded) for `/` to answer; return the URL, stdout and stderr."""
    port = free_port()
    env = {**os.environ, "GEODASH_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out, err = logs / "stdout.txt", logs / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments, no user input
            [sys.executable, "-m", "geodash", "serve", str(workspace), "--port", str(port)],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_BOUND_S
    try:
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                status, _ = request(conn, "GET", "/")
                conn.close()
                if status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"geodash serve did not answer within {SERVE_BOUND_S} s: "
                            f"{err.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url, out, err
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_starts_on_a_city_of_550_areas_and_answers_the_map(city, tmp_path):
    workspace, cache = city
    with serve(workspace, cache, tmp_path) as (url, out, err):
        server = Server.from_url(url)
        calls = discover(server, timeout=60)  # builds the map page through the router callback
        conn = server.connect(60)
        status, raw = request(conn, "POST", "/_dash-update-component", calls.body(calls.indicators[1]))
        conn.close()
        assert status == 200
        assert calls.figure_id in json.loads(raw)["response"]
        log = err.read_text()
        for step in ("read 4 layer specs", "read areas geodata/bloecke.gpkg: 550",
                     "read sites geodata/angebote.csv: 1300", "coverage: accessibility",
                     "display geometry of 550 areas", "finding(s)", "built the app", "ready after"):
            assert step in log
        assert "cache: nothing stored yet" in log
        assert f"at {url}/" in out.read_text()
        assert f"at {url}/ogcapi" in out.read_text()
        conn = server.connect(60)
        status, raw = request(conn, "GET", "/ogcapi/collections/areas/items?limit=7")
        conn.close()
        assert status == 200
        page = json.loads(raw)
        assert page["numberMatched"] == 550 and page["numberReturned"] == 7


def test_a_second_start_takes_the_analyses_from_the_cache(city, tmp_path):
    workspace, cache = city
    load_workspace(workspace, cache=cache, analyses=SERVE_ANALYSES)  # as a first start leaves it
    with serve(workspace, cache, tmp_path) as (_url, _out, err):
        log = err.read_text()
        assert "cache used" in log and "with access, areas_display" in log
        assert "coverage: accessibility" not in log
