"""Timing and memory of one benchmark step: wall time by ``time.perf_counter``, peak RSS sampled.

Every step runs ``repeats`` times (default 3) and reports the median, for
geodash and its naive peer alike: both sides get the same number of runs on
the same inputs, in the same process.
Memory is the peak resident set size (RSS) during the step above the RSS at
its start, read from ``/proc/self/statm`` every few milliseconds by a
background thread. RSS sees everything the step allocates, GEOS geometries
included, which ``tracemalloc`` does not.
"""

from __future__ import annotations

import ctypes
import gc
import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

REPEATS = 3  # runs of every step, the median reported
SAMPLE_S = 0.005  # interval of the RSS sampler


@dataclass(frozen=True)
class Timing:
    """Wall time of a step (median over ``runs``) and its peak memory above the start."""

    seconds: float
    runs: int
    peak_rss: int | None

    @property
    def how(self) -> str:
        """How the time was taken, for the table: "median of 5" or "1 run"."""
        return f"median of {self.runs}" if self.runs > 1 else "1 run"


def rss_bytes() -> int | None:
    """The resident set size of this process now, or ``None`` where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            resident_pages = int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def release_free_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so RSS starts low.

    Without ``malloc_trim`` glibc keeps memory a previous step freed, and the
    next step's RSS would grow less than it really allocates.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakSampler:
    """A context manager that records the highest RSS while it is open."""

    def __init__(self) -> None:
        self.start = rss_bytes()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            now = rss_bytes()
            if now is not None and self.peak is not None:
                self.peak = max(self.peak, now)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        now = rss_bytes()
        if now is not None and self.peak is not None:
            self.peak = max(self.peak, now)

    @property
    def growth(self) -> int | None:
        """Peak RSS above the RSS at the start, in bytes."""
        if self.start is None or self.peak is None:
            return None
        return self.peak - self.start


def measure(step: Callable[..., Any], setup: Callable[[], tuple] | None = None, *,
            repeats: int = REPEATS, clock: Callable[[], float] = time.perf_counter
            ) -> tuple[Any, Timing]:
    """Run ``step(*setup())`` ``repeats`` times; return the last result and the median timing.

    Parameters
    ----------
    step
        The work to time.
    setup
        Prepares fresh arguments before every run, outside the clock (e.g. a
        copy of the sites without a cached spatial index).
    repeats
        Runs of the step (at least 1).
    clock
        The timer (``time.perf_counter``; a test passes its own).

    Returns
    -------
    tuple
        The last run's result and a :class:`Timing` (median seconds; the
        largest peak RSS growth of all runs).
    """
    times: list[float] = []
    peaks: list[int] = []
    result = None
    while True:
        args = setup() if setup else ()
        release_free_memory()
        with PeakSampler() as sampler:
            start = clock()
            result = step(*args)
            times.append(clock() - start)
        if sampler.growth is not None:
            peaks.append(sampler.growth)
        if len(times) >= max(repeats, 1):
            break
        del result
    return result, Timing(statistics.median(times), len(times), max(peaks) if peaks else None)
