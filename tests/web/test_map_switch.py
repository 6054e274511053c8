"""The real indicator-switch answer of the running app (Flask test client), on the 2×2 grid.

Kinder 2023 has no value for Nordost (02): its class digit is "-".
"""

from __future__ import annotations

import gzip
import json

from geodash.bench.dash_requests import FIGURE, body_for, find_callback
from geodash.web.app import create_app
from geodash.web.figures import map as map_figure
from geodash.web.pages import map as map_page

CONTROLS = {
    f"{map_page.PAGE_URL}.search": "?ind=alq&jahr=2023",
    f"{map_page.PAGE_URL}.pathname": "/",
    f"{map_page.INDICATOR}.value": "kinder",
    f"{map_page.YEAR}.value": 2023,
    f"{map_page.SCHEME}.value": "quantiles",
    f"{map_page.CLASSES}.value": 5,
    f"{map_page.LAYERS}.value": ["sites:sites", "zones"],
    f"{map_page.CATEGORIES}.value": ["qm", "kurs"],
}


def test_a_switch_answers_with_one_value_and_one_class_per_area_and_no_geometry(grid_dataset):
    client = create_app(grid_dataset).server.test_client()
    callback = find_callback(client.get("/_dash-dependencies").get_json(), FIGURE)
    body = body_for(callback, CONTROLS, [f"{map_page.INDICATOR}.value"])
    answer = client.post("/_dash-update-component", json=body,
                         headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    raw = gzip.decompress(answer.data) if answer.headers.get("Content-Encoding") else answer.data
    text = raw.decode("utf-8")
    assert "coordinates" not in text and "Nordwest" not in text  # no geometry, no names
    response = json.loads(text)["response"]
    view = response[map_figure.VIEW]["data"]
    assert view["c"][1] == "-" and view["v"][1] is None and len(view["v"]) == 4
    assert response[map_page.LEGEND]["children"]  # the legend comes along
    overlays = response[map_figure.OVERLAYS]["data"]
    assert overlays["zones"]["on"] is True and overlays["sites"][0]["on"]
