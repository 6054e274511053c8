"""Browser and real-city tests never count on an idle machine (issue 13, item 9).

They wait through ``waits.until`` or dash_duo's ``wait_for_*`` with the
generous default the browser conftest sets; a fixed sleep or a short timeout
written into a test is what made ``test_coverage_and_similar_districts`` fail
at 10 s on a busy machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from waits import DEADLINE, until

TESTS = Path(__file__).resolve().parent
WAITING_TESTS = sorted([*TESTS.glob("browser/*.py"), *TESTS.glob("realcity/*.py")])
SHORT_TIMEOUT = re.compile(r"\btimeout\s*=\s*(\d+(?:\.\d+)?)")
FIXED_SLEEP = re.compile(r"\b(time\.)?sleep\(")


@pytest.mark.parametrize("path", WAITING_TESTS, ids=[p.relative_to(TESTS).as_posix() for p in WAITING_TESTS])
def test_no_browser_test_sleeps_or_waits_less_than_the_deadline(path):
    text = path.read_text(encoding="utf-8")

    short = [m.group(0) for m in SHORT_TIMEOUT.finditer(text) if float(m.group(1)) < 30]
    assert short == [], f"{path.name}: write waits without a timeout (the default is {DEADLINE:g} s)"
    assert not FIXED_SLEEP.search(text), f"{path.name}: poll with waits.until instead of sleeping"


def test_until_returns_the_first_true_value_without_waiting_for_the_deadline():
    calls = iter([0, "", "fertig", "später"])

    assert until(lambda: next(calls)) == "fertig"


def test_the_deadline_is_generous():
    assert DEADLINE >= 30
