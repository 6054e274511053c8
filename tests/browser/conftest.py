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
