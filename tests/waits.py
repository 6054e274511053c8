"""One way for tests to wait: poll a condition until a generous deadline.

CI machines and shared development machines are busy: a browser test that
waited 10 s for a chart failed while six other engineers ran their suites
(issue 13, item 9). Every wait in the browser and real-city tests polls through
:func:`until` (or dash_duo's ``wait_for_*``, whose default the browser
conftest raises to :data:`DEADLINE`); none sleeps a fixed time. A passing test
costs no more than before: polling stops the moment the condition holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from dash.testing.wait import until as _dash_until

T = TypeVar("T")

# Seconds a condition may take on a loaded machine before the test fails;
# GEODASH_TEST_DEADLINE raises it further (never lowers it below 30 s).
DEADLINE = max(30.0, float(os.environ.get("GEODASH_TEST_DEADLINE") or 60.0))

# How often the condition is checked.
POLL = 0.1


def until(condition: Callable[[], T], *, deadline: float = DEADLINE,
          message: str = "the condition did not hold") -> T:
    """Poll ``condition`` until it returns something true; fail after ``deadline`` seconds.

    A shorter ``deadline`` than :data:`DEADLINE` is raised to it: no wait may count on an
    idle machine.
    """
    deadline = max(deadline, DEADLINE)
    return _dash_until(condition, timeout=deadline, poll=POLL, msg=f"{message} within {deadline:g} s")
