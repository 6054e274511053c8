"""A real, throwaway PostgreSQL with PostGIS, started by the test suite itself (no Docker).

``initdb`` makes a cluster in a fresh temporary folder, ``pg_ctl`` starts it
listening only on a unix socket in that folder (no TCP port to collide with),
``CREATE EXTENSION postgis`` readies one database, and the session's end stops
the server and removes the folder. ``initdb`` refuses to run as root: as root
the server runs as the ``postgres`` user (``runuser``), otherwise as the user
running the tests. Without the server binaries or PostGIS the tests are skipped
with the reason (Debian: ``apt-get install postgresql postgis``, see tests/run.sh).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

PORT = 55432  # names the socket file (.s.PGSQL.55432); no TCP listener is opened
USER = "geodash"
DATABASE = "stadt"
TIMEOUT_S = 120


@dataclass(frozen=True)
class Server:
    """A running throwaway server: where its socket is and how to reach it."""

    folder: Path
    socket_dir: Path
    port: int
    user: str
    database: str

    def url(self, database: str | None = None) -> str:
        """A ``postgresql://`` URL reaching the server through its socket (libpq: host = a folder)."""
        return (f"postgresql://{self.user}@{quote(str(self.socket_dir), safe='')}:{self.port}/"
                f"{database or self.database}")

    def connect(self, database: str | None = None, **kwargs):
        """A psycopg connection (autocommit unless told otherwise)."""
        import psycopg

        kwargs.setdefault("autocommit", True)
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=self.user,
                               dbname=database or self.database, **kwargs)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(command: list[str], owner: str | None) -> list[str]:
    """Run ``command`` as ``owner`` (the ``postgres`` user when the tests run as root)."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


@pytest.fixture(scope="session")
def postgis_server():
    """Start the throwaway server once per session; skip with the reason when it cannot run."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                    "install the Debian packages postgresql and postgis")
    owner = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no postgres user to run the server as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root, and runuser is missing to start the server as postgres")
        owner = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="geodash-pg-"))
    data, socket_dir = folder / "data", folder / "run"
    socket_dir.mkdir()
    if owner:
        entry = pwd.getpwnam(owner)
        for path in (folder, socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    run = dict(check=True, capture_output=True, text=True, timeout=TIMEOUT_S)
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", USER,
                                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], owner), **run)
        options = f"-k {socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off"
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                                        "-t", str(TIMEOUT_S), "-l", str(folder / "server.log"), "start"],
                                       owner), **run)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log_file = folder / "server.log"
        log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        stderr = getattr(exc, "stderr", "") or ""
        pytest.skip(f"could not start a throwaway PostgreSQL: {stderr.strip()[-500:]} {log}")
    server = Server(folder, socket_dir, PORT, USER, DATABASE)
    try:
        with server.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        with server.connect() as conn:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except Exception as exc:  # the extension's files are a separate package
                pytest.skip(f"PostGIS is not installed for this PostgreSQL ({exc}); "
                            "install the Debian package postgis (postgresql-15-postgis-3)")
        yield server
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                        "-t", str(TIMEOUT_S), "stop"], owner),
                       capture_output=True, timeout=TIMEOUT_S)
        shutil.rmtree(folder, ignore_errors=True)
