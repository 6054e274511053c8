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
def _test_server_port(monkeypatch):
    """Serve ``dash_duo`` apps on ``$GEODASH_TEST_PORT`` when set (parallel runs on one machine)."""
    import os

    from dash.testing.application_runners import ThreadedRunner

    port = os.environ.get("GEODASH_TEST_PORT")
    if not port:
        return
    start = ThreadedRunner.start

    def start_on_port(self, app, start_timeout=3, **kwargs):
        kwargs.setdefault("port", int(port))
        return start(self, app, start_timeout=start_timeout, **kwargs)

    monkeypatch.setattr(ThreadedRunner, "start", start_on_port)
