"""Crafted requests (issue 13, item 5) are answered with a 4xx or a polite message, never a 500.

Each request is posted as the Dash renderer would shape it (see
:mod:`geodash.bench.dash_requests`) to ``/_dash-update-component`` of the app on
the 2×2 grid, through the Flask test client, with one value changed.
"""

from __future__ import annotations

import json

import pytest

from geodash.bench.dash_requests import FIGURE, body_for, find_callback
from geodash.web import ids
from geodash.web.app import create_app
from geodash.web.guard import MAX_QUERY_BYTES, MAX_REQUEST_BYTES
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page

UPDATE = "/_dash-update-component"
MB = 1024 * 1024

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


@pytest.fixture(scope="module")
def app(grid_dataset):
    return create_app(grid_dataset)


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def dependencies(app):
    return app.server.test_client().get("/_dash-dependencies").get_json()


def map_switch(dependencies, **changes) -> dict:
    callback = find_callback(dependencies, FIGURE)
    values = {**CONTROLS, **{f"{getattr(map_page, k.upper())}.value": v for k, v in changes.items()}}
    return body_for(callback, values, [f"{map_page.INDICATOR}.value"])


def download_body(dependencies, item: object) -> dict:
    callback = find_callback(dependencies, f"{data_page.DOWNLOAD}.data")
    button = {"type": data_page.DOWNLOAD_BUTTON, "item": item}
    body = body_for(callback, {f"{ids.URL}.search": ""}, [])
    body["inputs"] = [[{"id": button, "property": "n_clicks", "value": 1}]]
    body["changedPropIds"] = [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]
    return body


def refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.data[:300]
    assert len(response.data) < 1000
    return response.get_json()["message"]


def test_a_plain_indicator_switch_still_answers(client, dependencies):
    assert client.post(UPDATE, json=map_switch(dependencies)).status_code == 200


def test_a_dict_for_the_indicator_is_refused_with_400_not_500(client, dependencies):
    message = refused(client.post(UPDATE, json=map_switch(dependencies, indicator={"a": 1})))

    assert message == ("This request does not come from a geodash page: input 2 (value) must be "
                       "one id (a text).")


@pytest.mark.parametrize("field, value", [
    ("indicator", ["alq", "kinder"]), ("indicator", 5), ("indicator", "x" * 1000),
    ("year", "2023; DROP"), ("year", 2023.5), ("year", [2023]), ("year", True), ("year", 1e308),
    ("classes", "viele"), ("layers", "zones"), ("layers", [{"a": 1}]), ("categories", 3),
])
def test_a_value_of_the_wrong_type_for_a_map_control_is_refused(client, dependencies, field, value):
    refused(client.post(UPDATE, json=map_switch(dependencies, **{field: value})))


@pytest.mark.parametrize("indicator, year, k", [
    ("gibt-es-nicht", 2023, 5), ("alq", 1800, 5), ("alq", 2023, 99), ("alq", 2023, -3)])
def test_an_unknown_indicator_or_a_year_or_classes_out_of_range_get_an_answer_not_an_error(
        client, dependencies, indicator, year, k):
    response = client.post(UPDATE, json=map_switch(dependencies, indicator=indicator, year=year,
                                                   classes=k))

    assert response.status_code in (200, 204)


def test_the_download_callback_refuses_a_path_as_item_politely(client, dependencies):
    response = client.post(UPDATE, json=download_body(dependencies, "../../../etc/passwd"))

    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert data_page.DOWNLOAD not in answer  # no file is sent
    message = json.dumps(answer[data_page.DOWNLOAD_MESSAGE], ensure_ascii=False)
    assert "Der Download ist fehlgeschlagen" in message or "download failed" in message.lower()
    assert "expected to be one of" in message and "root:" not in message


def test_the_download_callback_still_sends_a_known_layer(client, dependencies):
    response = client.post(UPDATE, json=download_body(dependencies, "districts-csv"))

    answer = response.get_json()["response"]
    assert response.status_code == 200
    assert answer[data_page.DOWNLOAD]["data"]["filename"].endswith(".csv")


@pytest.mark.parametrize("item", [{"a": 1}, ["x"], None])
def test_the_download_callback_refuses_an_item_that_is_no_text(client, dependencies, item):
    assert client.post(UPDATE, json=download_body(dependencies, item)).status_code in (200, 400)


def test_a_two_megabyte_query_value_is_refused_in_a_few_bytes(client):
    response = client.get("/?ind=" + "x" * (2 * MB))

    message = refused(response, 414)
    assert f"{MAX_QUERY_BYTES // 1024} KiB" in message


def test_a_two_megabyte_query_inside_a_callback_body_is_refused_before_it_is_read(client, dependencies):
    body = map_switch(dependencies)
    body["inputs"][0]["value"] = "?ind=" + "x" * (2 * MB)

    refused(client.post(UPDATE, json=body), 413)


def test_a_long_query_inside_a_small_body_is_refused(client, dependencies):
    body = map_switch(dependencies)
    body["inputs"][0]["value"] = "?ind=" + "x" * (MAX_QUERY_BYTES + 1)

    assert len(json.dumps(body)) < MAX_REQUEST_BYTES
    refused(client.post(UPDATE, json=body))


@pytest.mark.parametrize("body", [
    None, [], "text", {}, {"output": "gibt-es-nicht.children", "outputs": {}, "inputs": []},
    {"output": 5},
], ids=["null", "list", "text", "empty", "unknown-output", "output-not-text"])
def test_a_body_not_shaped_like_a_callback_request_is_refused(client, body):
    refused(client.post(UPDATE, json=body))


def test_a_body_that_is_not_json_is_refused(client):
    refused(client.post(UPDATE, data=b"{kaputt", content_type="application/json"))


def test_a_callback_request_with_missing_inputs_is_refused(client, dependencies):
    body = map_switch(dependencies)
    body["inputs"] = body["inputs"][:2]

    assert "7 inputs" in refused(client.post(UPDATE, json=body))


def test_a_callback_request_naming_other_components_is_refused(client, dependencies):
    body = map_switch(dependencies)
    body["inputs"][1]["id"] = "profil-gebiet"

    refused(client.post(UPDATE, json=body))


# Values of every kind a control could be sent, none of which a browser sends for all.
CRAFTED = [{"a": 1}, [1, [2]], 1e308, -5, "gibt-es-nicht", True, None, "x" * 3000, [{"b": 2}],
           "../../../etc/passwd", {"key": {"x": 1}}, {"key": "zz"}, ["a", "b"], 0, "2022",
           "?ind=xx&jahr=abc&gebiete=zz&klassen=99&lang=xx"]


def test_no_crafted_value_of_any_callback_input_gives_a_server_error(client, dependencies):
    tried = 0
    for callback in dependencies:
        if callback.get("clientside_function"):
            continue
        declared = [*callback["inputs"], *callback.get("state", [])]
        for dep in declared:
            if dep["id"].startswith("{"):
                continue  # pattern ids: covered by the download and upload tests
            for value in CRAFTED:
                values = {f"{d['id']}.{d['property']}": CONTROLS.get(f"{d['id']}.{d['property']}")
                          for d in declared}
                values[f"{dep['id']}.{dep['property']}"] = value
                body = body_for(callback, values, [f"{dep['id']}.{dep['property']}"])
                if any(item["id"].startswith("{") for item in [*body["inputs"], *body["state"]]):
                    continue
                response = client.post(UPDATE, json=body)
                tried += 1
                assert response.status_code < 500, (callback["output"], dep, value)
    assert tried > 300


def test_an_upload_step_whose_inputs_match_another_layer_than_its_outputs_is_refused(grid_dataset):
    client = create_app(grid_dataset, uploads=True).server.test_client()
    callback = next(cb for cb in client.get("/_dash-dependencies").get_json()
                    if "daten-upload-bericht" in cb["output"])
    body = body_for(callback, {}, [])

    body["outputs"] = [{"id": {**json.loads(o["id"]), "layer": "indicators.toml"}, "property": o["property"]}
                       for o in body["outputs"]]
    body["inputs"] = [{**i, "id": {**json.loads(i["id"]), "layer": "sites.toml"}} for i in body["inputs"]]
    body["state"] = [{**s, "id": {**json.loads(s["id"]), "layer": "sites.toml"}} if s["id"].startswith("{")
                     else s for s in body["state"]]

    assert "matches another component than the outputs" in refused(client.post(UPDATE, json=body))


def test_with_uploads_on_a_two_megabyte_query_in_a_callback_body_is_still_refused(grid_dataset):
    # The body limit is the upload size then; the value itself is checked.
    client = create_app(grid_dataset, uploads=True).server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    body = map_switch(dependencies)
    body["inputs"][0]["value"] = "?ind=" + "x" * (2 * MB)

    assert "must be a query string" in refused(client.post(UPDATE, json=body))


def test_a_callback_as_the_first_request_of_a_new_app_is_checked_and_answered(grid_dataset, dependencies):
    # Dash fills its callback map on the first request; the guard must see it filled.
    client = create_app(grid_dataset).server.test_client()

    assert client.post(UPDATE, json=map_switch(dependencies)).status_code == 200
