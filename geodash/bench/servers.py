"""Start an app as a subprocess on 127.0.0.1, time it until the map answers, and stop it again.

Start-up is measured as a user meets it: from launching the command until
the first map answer has arrived over HTTP (the page, ``/_dash-layout`` and
the callbacks that carry the map). Every server is bounded in time and
stopped by its own process group, whatever happens.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geodash.bench.dash_requests import Server
from geodash.bench.wire import (
    IDENTITY,
    LAYOUT_PATH,
    Call,
    FirstCalls,
    FollowUps,
    geodash_first_calls,
    geodash_follow_ups,
    geodash_switch_call,
    no_follow_ups,
    send,
    tutorial_first_calls,
    tutorial_switch_call,
)

POLL_S = 0.05


class ServerFailed(Exception):
    """The app did not answer in time, or exited, or answered with an error."""


@dataclass(frozen=True)
class MapApp:
    """How to start one app on a workspace and which requests show and switch its map."""

    label: str
    command: Callable[[Path, int], list[str]]
    first_calls: FirstCalls
    switch_call: Callable[[Server, str], Call]
    dropdown: str  # the id of the indicator dropdown, for the browser's switch
    follow_ups: FollowUps = no_follow_ups  # GETs the page's script makes after a callback (geometry)


def geodash_command(folder: Path, port: int) -> list[str]:
    """``geodash serve WORKSPACE --port P`` with this interpreter."""
    return [sys.executable, "-m", "geodash", "serve", str(folder), "--host", "127.0.0.1",
            "--port", str(port)]


def tutorial_command(folder: Path, port: int) -> list[str]:
    """The tutorial app of :mod:`geodash.bench.tutorial_app` on the same workspace."""
    return [sys.executable, "-m", "geodash.bench.tutorial_app", str(folder), "--port", str(port)]


def gunicorn_command(folder: Path, port: int) -> list[str]:
    """The app as the README deploys it: ``gunicorn --preload -w 2 app:server`` on ``folder``.

    ``app.py`` sits in the repository root; the workspace comes in through
    ``GEODASH_WORKSPACE``, which :func:`started` cannot set per app, so the
    command sets it with ``env``.
    """
    root = Path(__file__).resolve().parents[2]
    return ["env", f"GEODASH_WORKSPACE={folder}", sys.executable, "-m", "gunicorn", "--preload",
            "-w", "2", "--chdir", str(root), "-b", f"127.0.0.1:{port}", "app:server"]


GEODASH = MapApp("geodash", geodash_command, geodash_first_calls, geodash_switch_call,
                 "karte-indikator", geodash_follow_ups)
GEODASH_GUNICORN = MapApp("geodash (gunicorn --preload -w 2)", gunicorn_command, geodash_first_calls,
                          geodash_switch_call, "karte-indikator", geodash_follow_ups)
TUTORIAL = MapApp("tutorial Dash app", tutorial_command, tutorial_first_calls, tutorial_switch_call,
                  "indikator")


def free_port(base: int = 0) -> int:
    """A port free on 127.0.0.1: the first from ``base`` upwards, or one the OS picks (``base=0``)."""
    for port in ([0] if base == 0 else range(base, base + 100)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ServerFailed(f"no free port on 127.0.0.1 in {base}–{base + 99}")


@dataclass
class Running:
    """A started app: its process, where it listens and how long it took until the map answered."""

    app: MapApp
    process: subprocess.Popen
    server: Server
    log: Path
    startup_s: float = float("nan")


def first_map_answer(server: Server, app: MapApp, timeout: float) -> None:
    """Fetch everything a first visit needs before the map can draw; raise unless all say 200.

    The page, its layout, dependencies, the map callbacks and what the page's
    script then fetches (geodash: the geometry file). Once this returns, a
    browser has everything it needs to draw the map.
    """
    import json

    conn = server.connect(timeout)
    try:
        for path in ("/", LAYOUT_PATH, "/_dash-dependencies"):
            transfer, body = send(conn, Call("GET", server.prefix + path), IDENTITY)
            if transfer.status != 200:
                raise ServerFailed(f"GET {path} answered {transfer.status}")
            if path == "/_dash-dependencies":
                dependencies = json.loads(body)
        for call in app.first_calls(server, dependencies):
            transfer, answer = send(conn, call, IDENTITY)
            if transfer.status != 200:
                raise ServerFailed(f"{call.method} {call.path} answered {transfer.status}")
            for later in app.follow_ups(server, answer):
                transfer, _ = send(conn, later, IDENTITY)
                if transfer.status != 200:
                    raise ServerFailed(f"{later.method} {later.path} answered {transfer.status}")
    finally:
        conn.close()


def _accepts(server: Server) -> bool:
    try:
        conn = server.connect(2.0)
        try:
            conn.request("GET", server.prefix + "/")
            return conn.getresponse().status == 200
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False


def stop(process: subprocess.Popen) -> None:
    """Stop the app and everything it started (its own process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@contextlib.contextmanager
def started(app: MapApp, folder: Path, *, log_dir: Path, env: dict[str, str] | None = None,
            port_base: int = 0, timeout: float = 900.0) -> Iterator[Running]:
    """Start ``app`` on ``folder``, wait for its first map answer, yield it, stop it afterwards.

    Parameters
    ----------
    timeout
        Seconds until the first map answer; then the app is stopped and
        :class:`ServerFailed` names its log.
    """
    port = free_port(port_base)
    log = log_dir / f"{app.label.split()[0]}-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server("127.0.0.1", port)
    with open(log, "wb") as out:
        begin = time.perf_counter()
        # Our own interpreter and module, no shell: nothing untrusted reaches the command.
        command = app.command(folder, port)
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                   env={**os.environ, **(env or {})}, start_new_session=True)
        try:
            running = Running(app, process, server, log)
            deadline = begin + timeout
            while not _accepts(server):
                if process.poll() is not None:
                    raise ServerFailed(f"{app.label} exited with status {process.returncode}; see {log}")
                if time.perf_counter() > deadline:
                    raise ServerFailed(f"{app.label} did not answer within {timeout:g} s; see {log}")
                time.sleep(POLL_S)
            first_map_answer(server, app, timeout)
            running.startup_s = time.perf_counter() - begin
            yield running
        finally:
            stop(process)


def time_startup(app: MapApp, folder: Path, *, log_dir: Path, env: dict[str, str] | None = None,
                 port_base: int = 0, timeout: float = 900.0) -> float:
    """Seconds from launching ``app`` until its first map answer (the server is stopped after)."""
    with started(app, folder, log_dir=log_dir, env=env, port_base=port_base, timeout=timeout) as running:
        return running.startup_s
