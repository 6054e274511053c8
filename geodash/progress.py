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


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged (tests swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass  # always the current sys.stderr


def log_to_stderr(prefix: str = "geodash: ") -> logging.Handler:
    """Show the progress lines on stderr (once, however often called); returns the handler."""
    for handler in log.handlers:
        if isinstance(handler, _StderrHandler):
            return handler
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(f"{prefix}%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


@contextmanager
def shown_on_stderr(prefix: str = "geodash: ") -> Iterator[None]:
    """Show the progress lines on stderr within the ``with`` block only (one command's run)."""
    added = not any(isinstance(h, _StderrHandler) for h in log.handlers)
    handler = log_to_stderr(prefix)
    try:
        yield
    finally:
        if added:
            log.removeHandler(handler)
