"""The workspace lock: one writer at a time across every process that serves or edits a workspace.

A ``threading.Lock`` only orders the threads of one process; gunicorn runs
several worker processes, and ``geodash restore`` is another one. Each takes
an exclusive ``fcntl.flock`` on ``.geodash/lock`` in the workspace around
"validate against the workspace as it is → keep in the history → rename".
The kernel drops the lock when its process dies, even by ``kill -9``, so a
crash never leaves the workspace locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geodash.errors import DataError

INSTANCE = ".geodash"  # per-workspace state that is not data: lock, users, secret, staging
LOCK_TIMEOUT_S = 120.0  # an accept validates the whole workspace: a few seconds on a large city


def instance_dir(workspace: str | Path, *, create: bool = True) -> Path:
    """The workspace's ``.geodash/`` folder (owner-only), created on first use."""
    folder = Path(workspace) / INSTANCE
    if create and not folder.is_dir():
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextmanager
def workspace_lock(workspace: str | Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Path]:
    """Hold the workspace's exclusive lock for the duration of the ``with`` block.

    Raises
    ------
    DataError
        When another process holds the lock longer than ``timeout`` seconds.
    """
    path = instance_dir(workspace) / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DataError(f"is locked by another process for more than {timeout:.0f} s.",
                                    file=path, fix="wait until the other upload or restore is done, "
                                    "then try again.") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
