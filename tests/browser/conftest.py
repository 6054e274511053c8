"""Browser test set-up: headless Chromium options that work as root and without a network."""

from __future__ import annotations

import pytest
from selenium.webdriver.chrome.options import Options


def pytest_setup_options():
    """Chrome options for ``dash_duo`` (dash testing adds headless, downloads and logging)."""
    options = Options()
    for arg in (
        "--no-sandbox",  # Chromium refuses to start as root without it
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",  # no update checks, no safe-browsing lists
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1400,900",
        # Plotly's MapLibre maps need WebGL; headless Chromium only has the software one.
        "--enable-unsafe-swiftshader",
    ):
        options.add_argument(arg)
    return options  # pluggy collects it into the list dash testing expects


@pytest.fixture(scope="session")
def demo_dataset():
    """The Ludwigshafen demo workspace, loaded once."""
    from geodash.workspace import load_workspace

    return load_workspace()


@pytest.fixture(autouse=True)
def _generous_waits(monkeypatch):
    """Every ``dash_duo.wait_for_*`` without its own timeout waits up to ``waits.DEADLINE`` s.

    dash testing's default is 10 s (``wait_for_page``: 10 s whatever is passed as
    ``wait_timeout``), which a busy CI machine exceeds (issue 13, item 9).
    """
    from dash.testing.browser import Browser
    from waits import DEADLINE

    init, open_page = Browser.__init__, Browser.wait_for_page

    def patient_init(self, *args, wait_timeout=DEADLINE, **kwargs):
        init(self, *args, wait_timeout=max(wait_timeout, DEADLINE), **kwargs)

    def patient_page(self, url=None, timeout=DEADLINE):
        return open_page(self, url, timeout=max(timeout, DEADLINE))

    monkeypatch.setattr(Browser, "__init__", patient_init)
    monkeypatch.setattr(Browser, "wait_for_page", patient_page)


@pytest.fixture(autouse=True)
def _test_server_port(monkeypatch):
    """Serve ``dash_duo`` apps on ``$GEODASH_TEST_PORT`` when set (parallel runs on one machine)."""
    import os

    from dash.testing.application_runners import ThreadedRunner

    port = os.environ.get("GEODASH_TEST_PORT")
    if not port:
        return
    start = ThreadedRunner.start

    def start_on_port(self, app, start_timeout=30, **kwargs):
        # The server thread may start slowly on a busy machine: dash testing waits 3 s by default.
        kwargs.setdefault("port", int(port))
        return start(self, app, start_timeout=max(start_timeout, 30), **kwargs)

    monkeypatch.setattr(ThreadedRunner, "start", start_on_port)
