"""The production set-up: gunicorn --preload with two workers serves the app and bears a short load."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from waits import DEADLINE

from geodash.bench.load_test import main as load_test

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



def stop(proc: subprocess.Popen) -> None:
    """Stop a server this test started: gently, then for sure (a busy machine drains slowly)."""
    proc.terminate()
    try:
        proc.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=DEADLINE)


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed (pip install -e '.[serve]')")
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "log.txt"
    env = {**os.environ, "GEODASH_CACHE": str(tmp_path_factory.mktemp("cache"))}
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments, no user input
            [gunicorn, "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "app:server"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"gunicorn did not answer: {log.read_text()[-2000:]}")
        yield url, log
    finally:
        stop(proc)


def test_two_preloaded_workers_serve_the_map_page(gunicorn_server):
    url, log = gunicorn_server
    with urllib.request.urlopen(url + "/", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert b"_dash-config" in response.read()
    # The first worker may answer before the second has booted: wait for both.
    deadline = time.monotonic() + 30
    while log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert log.read_text().count("Booting worker") == 2


def test_app_py_reports_its_load_through_logging_once_in_the_preloading_master(gunicorn_server):
    _, log = gunicorn_server
    text = log.read_text()
    assert "read areas geodata/stadtteile.geojson: 17 rows/features" in text
    assert "finding(s)" in text
    # --preload: the master loads once, the workers fork from it and load nothing.
    assert text.count("ready after") == 1


def test_indicator_switches_under_concurrent_users_end_without_errors(gunicorn_server, capsys):
    url, _ = gunicorn_server
    # bounded: 10 users for 3 seconds on loopback
    assert load_test(["--url", url, "--users", "10", "--seconds", "3"]) == 0
    table = capsys.readouterr().out
    row = [line for line in table.splitlines() if line.startswith("| 10 |")][0]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[2]) > 0  # requests
    assert cells[3] == "0"  # errors
