"""Progress of a load: one log line per step, with its time, for `geodash serve` and app.py.

Every step of loading a workspace (reading the specs, each layer, validating,
joining, the coverage analysis, the display geometry, building the app)
reports through the ``geodash.progress`` logger. Nothing is shown unless a
caller asks: the command line and ``app.py`` attach a handler with
:func:`log_to_stderr`; tests read the records with ``caplog``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("geodash.progress")


def report(message: str, since: float | None = None) -> None:
    """Log one progress line; with ``since`` (a ``time.perf_counter()``), the seconds it took.

    Examples
    --------
    >>> report("read layers/ (4 specs)")
    """
    if since is not None:
        message = f"{message} ({time.perf_counter() - since:.1f} s)"
    log.info("%s", message)


@contextmanager
def step(message: str) -> Iterator[None]:
    """Report ``message`` with the time the ``with`` block took, once it has finished."""
    start = time.perf_counter()
    yield
    report(message, start)


def log_to_stderr(prefix: str = "geodash: ") -> None:
    """Show the progress lines on stderr (once, however often called)."""
    if any(getattr(h, "_geodash_progress", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{prefix}%(message)s"))
    handler._geodash_progress = True  # marks our own handler, so a second call adds none
    log.addHandler(handler)
    log.setLevel(logging.INFO)
