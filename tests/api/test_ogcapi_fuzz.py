"""Whatever a client puts in the query, the OGC API answers 200, 400 or 404: never a 500."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NAMES = ["limit", "offset", "bbox", "bbox-crs", "datetime", "properties", "crs", "f", "lang", "x"]
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=7).map(
        lambda xs: ",".join(map(str, xs))),
    st.sampled_from(["2022", "2023/..", "../..", "2022-02-30", "EPSG:25832", "[EPSG:4326]", "key,alq",
                     "http://www.opengis.net/def/crs/EPSG/0/25832", "html", "json", "en", "0", "1e309"]),
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=5),
       collection=st.sampled_from(["areas", "sites", "zones", "catchments", "nope"]),
       feature=st.one_of(st.none(), st.text(min_size=1, max_size=12)))
def test_any_query_is_answered_without_a_server_error(grid_api, params, collection, feature):
    path = f"/ogcapi/collections/{collection}/items"
    if feature is not None:
        path += "/" + feature.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    response = grid_api.get(f"{path}?{urlencode(params)}")
    assert response.status_code in (200, 400, 404), (path, params, response.data[:300])
    if response.status_code != 200 and response.content_type == "application/json":
        assert "Fix:" in json.loads(response.data)["description"]
