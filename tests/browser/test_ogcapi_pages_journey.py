"""A visitor browses the OGC API's HTML pages: landing page → collection → features → one feature.

The browser asks without ``f=html``: content negotiation must give it pages.
Each page is audited with axe-core (the copy bundled with PyPI's
``axe-selenium-python``, or ``$AXE_CORE_JS``): no serious or critical
violation of WCAG 2.0/2.1 A and AA. Without axe-core the audit is skipped,
the journey is not.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from waits import until

from geodash.web import create_app

pytestmark = pytest.mark.browser

AXE_RUN = """
const done = arguments[arguments.length - 1];
// WCAG 2.1 rules where this axe-core has them (older copies know 2.0 only).
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'].filter(t => axe.getRules([t]).length);
axe.run(document, {runOnly: {type: 'tag', values: tags},
                   resultTypes: ['violations']})
   .then(r => done(r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))))
   .catch(e => done(['axe failed: ' + e]));
"""


def axe_source() -> str | None:
    candidates = [os.environ.get("AXE_CORE_JS", "")]
    try:
        import axe_selenium_python

        candidates.append(str(Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core"
                              / "axe.min.js"))
    except ImportError:
        pass
    return next((Path(c).read_text(encoding="utf-8") for c in candidates if c and Path(c).is_file()), None)


def audit(driver) -> list[str]:
    source = axe_source()
    if source is None:
        return []
    driver.set_script_timeout(60)
    driver.execute_script(source)
    return driver.execute_async_script(AXE_RUN)


def heading(dash_duo) -> str:
    until(lambda: dash_duo.driver.find_elements(By.TAG_NAME, "h1"))
    return dash_duo.driver.find_element(By.TAG_NAME, "h1").text


def follow(dash_duo, text: str) -> None:
    old = dash_duo.driver.current_url
    dash_duo.driver.find_element(By.LINK_TEXT, text).click()
    until(lambda: dash_duo.driver.current_url != old)


def test_a_visitor_walks_from_the_landing_page_to_one_feature_in_both_languages(dash_duo, demo_dataset):
    dash_duo.start_server(create_app(demo_dataset))
    dash_duo.driver.get(dash_duo.server_url + "/ogcapi")
    assert "OGC API – Features" in heading(dash_duo)
    assert dash_duo.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert audit(dash_duo.driver) == []

    follow(dash_duo, "Stadtteile mit Indikatoren")
    assert heading(dash_duo) == "Stadtteile mit Indikatoren"
    assert "Arbeitslosenquote (%)" in dash_duo.driver.page_source  # the column labels
    assert audit(dash_duo.driver) == []

    follow(dash_duo, "Objekte")
    assert heading(dash_duo) == "Stadtteile mit Indikatoren – Objekte"
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(demo_dataset.areas)
    assert audit(dash_duo.driver) == []

    follow(dash_duo, "01-2023")
    assert heading(dash_duo) == "Stadtteile mit Indikatoren: 01-2023"
    assert audit(dash_duo.driver) == []

    follow(dash_duo, "English")
    assert heading(dash_duo) == "Districts with indicators: 01-2023"
    assert dash_duo.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Unemployment rate (%)" in dash_duo.driver.page_source
    assert audit(dash_duo.driver) == []
    assert dash_duo.get_logs() == []
