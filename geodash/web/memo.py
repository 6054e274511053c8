"""Answers kept per view: what a page shows is a pure function of the Dataset and the view.

A city's users move among a few hundred views (page × indicator × year ×
classes × areas); under load most requests repeat one that was answered a
moment ago. :class:`ViewMemo` keeps the latest answers so that a repeat is a
lookup. A view is known by its page and URL query (the query holds every field
of the view), the Dataset by its areas frame: an accepted upload loads a new
Dataset with a new frame, and each entry keeps its frame alive so that the
frame's ``id`` cannot be reused while the entry exists.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from geodash.dataset import Dataset
from geodash.web.state import ViewState

T = TypeVar("T")


class ViewMemo:
    """The answers of the ``maxsize`` views asked for last (thread-safe; one per app)."""

    def __init__(self, maxsize: int = 512) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, dataset: Dataset, state: ViewState, compute: Callable[[], T], *extra: str) -> T:
        """The kept answer for ``state`` (and ``extra`` key parts), else ``compute()``, then kept.

        ``compute`` must depend on nothing but ``dataset``, ``state`` and ``extra``.
        """
        areas = dataset.areas
        key = (id(areas), state.page, state.to_query(), *extra)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[1]  # type: ignore[return-value]
        answer = compute()
        with self._lock:
            self._entries[key] = (areas, answer)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
        return answer
