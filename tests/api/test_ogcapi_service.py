"""OGC API – Features on the 2×2 grid and the demo: answers checked by hand and against the export."""

from __future__ import annotations

import json
import math

import numpy as np
import pyproj
import pytest
from conftest import X0, Y0

from geodash.export import build_layer

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
UTM = "http://www.opengis.net/def/crs/EPSG/0/25832"
LATLON = "http://www.opengis.net/def/crs/EPSG/0/4326"


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.data[:500]
    return response, json.loads(response.data)


def items(client, collection, query=""):
    return get_json(client, f"/ogcapi/collections/{collection}/items?{query}")[1]


def keys(collection):
    return [f["properties"]["key"] for f in collection["features"]]


def link(document, rel):
    return next((x["href"] for x in document["links"] if x["rel"] == rel), None)


def utm_box(x0, y0, x1, y1):
    return f"bbox={x0},{y0},{x1},{y1}&bbox-crs={UTM}"


# --- landing page, conformance, collections ---


def test_landing_page_links_the_api_definition_conformance_and_collections(grid_api):
    _, page = get_json(grid_api, "/ogcapi")
    rels = {x["rel"]: x for x in page["links"]}
    assert rels["conformance"]["href"].endswith("/ogcapi/conformance")
    assert rels["data"]["href"].endswith("/ogcapi/collections")
    assert rels["service-desc"]["type"].startswith("application/vnd.oai.openapi+json")
    _, api = get_json(grid_api, "/ogcapi/api")
    limit = next(p for p in api["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10_000
    assert api["openapi"].startswith("3.0")


def test_conformance_names_core_geojson_html_openapi_and_crs(grid_api):
    _, page = get_json(grid_api, "/ogcapi/conformance")
    assert {c.rsplit("/", 1)[1] for c in page["conformsTo"]} == {"core", "geojson", "html", "oas30", "crs"}
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in page["conformsTo"]


def test_one_collection_per_layer_in_the_citys_words_with_its_crs(grid_api, demo_api):
    _, page = get_json(grid_api, "/ogcapi/collections")
    assert [c["id"] for c in page["collections"]] == ["areas", "sites", "zones", "catchments"]
    areas = page["collections"][0]
    assert areas["crs"] == [CRS84, LATLON, UTM]
    assert areas["storageCrs"] == CRS84
    assert areas["extent"]["temporal"]["interval"] == [["2022-01-01T00:00:00Z", "2023-12-31T23:59:59Z"]]
    _, demo = get_json(demo_api, "/ogcapi/collections/areas?lang=en")
    assert demo["title"] == "Districts with indicators"
    _, demo_de = get_json(demo_api, "/ogcapi/collections/areas")
    assert demo_de["title"] == "Stadtteile mit Indikatoren"


def test_the_schema_titles_every_column_with_the_exports_label(demo_api, demo_dataset):
    _, schema = get_json(demo_api, "/ogcapi/collections/areas/schema?lang=en")
    labels = build_layer(demo_dataset, "districts").attrs["column_labels"]
    for column, label in labels.items():
        assert schema["properties"][column]["title"] == label["en"]
        assert schema["properties"][column]["description"] == label["de"]
    assert schema["properties"]["alq"] == {"type": "number", "title": "Unemployment rate (%)",
                                           "description": "Arbeitslosenquote (%)"}
    assert schema["properties"]["geometry"]["format"] == "geometry-polygon"
    _, sites = get_json(demo_api, "/ogcapi/collections/sites/schema")
    assert sites["properties"]["area_name"]["title"] == "Name des Gebiets, in dem es liegt"


# --- bbox: checked by hand on the grid (x 456000–458000, y 5480000–5482000, EPSG:25832) ---


@pytest.mark.parametrize(("box", "expected"), [
    ((X0 + 100, Y0 + 1100, X0 + 200, Y0 + 1200), ["01"]),                    # inside Nordwest
    ((X0 + 1100, Y0 + 100, X0 + 1900, Y0 + 900), ["04"]),                    # inside Südost
    ((X0 + 100, Y0 + 100, X0 + 400, Y0 + 1900), ["01", "03"]),               # the western column
    ((X0 + 900, Y0 + 900, X0 + 1100, Y0 + 1100), ["01", "02", "03", "04"]),  # around the centre
    ((X0 - 900, Y0 - 900, X0 - 100, Y0 - 100), []),                          # south-west, outside
])
def test_bbox_in_the_metric_crs_selects_the_areas_it_intersects(grid_api, box, expected):
    page = items(grid_api, "areas", utm_box(*box))
    assert sorted(keys(page)) == expected
    assert page["numberMatched"] == page["numberReturned"] == len(expected)


def test_bbox_in_crs84_and_in_latitude_first_epsg_4326_select_the_same(grid_api):
    to_lonlat = pyproj.Transformer.from_crs("EPSG:25832", "OGC:CRS84", always_xy=True)
    # The middle of Nordwest and of Nordost (y = 5481500), a thin box: the northern row.
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([X0 + 300, X0 + 1700], [Y0 + 1400, Y0 + 1600])
    assert sorted(keys(items(grid_api, "areas", f"bbox={lon0},{lat0},{lon1},{lat1}"))) == ["01", "02"]
    latlon = f"bbox={lat0},{lon0},{lat1},{lon1}&bbox-crs={LATLON}"
    assert sorted(keys(items(grid_api, "areas", latlon))) == ["01", "02"]


def test_bbox_selects_the_sites_inside_it(grid_api):
    # s1 (X0+500, Y0+1500) and s2 (X0+250, Y0+1750) lie in Nordwest, s3 in Südost, s4 west of the grid.
    page = items(grid_api, "sites", utm_box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000))
    assert sorted(f["id"] for f in page["features"]) == ["s1", "s2"]
    page = items(grid_api, "sites", utm_box(X0 - 500, Y0, X0, Y0 + 1000))
    assert [f["id"] for f in page["features"]] == ["s4"]


def test_bbox_on_the_demo_selects_exactly_the_sites_whose_point_lies_in_it(demo_api, demo_dataset):
    sites = build_layer(demo_dataset, "sites")
    lon0, lat0, lon1, lat1 = 8.40, 49.46, 8.45, 49.49
    inside = sites[sites.geometry.x.between(lon0, lon1) & sites.geometry.y.between(lat0, lat1)]
    page = items(demo_api, "sites", f"bbox={lon0},{lat0},{lon1},{lat1}&limit=1000")
    assert 0 < len(inside) < len(sites)
    assert sorted(f["id"] for f in page["features"]) == sorted(inside["site_id"])


# --- paging ---


def test_next_links_walk_every_area_once_in_pages_of_the_limit(demo_api, demo_dataset):
    url, seen, sizes = "/ogcapi/collections/areas/items?limit=5", [], []
    while url:
        _, page = get_json(demo_api, url.replace("http://localhost", ""))
        assert page["numberMatched"] == 17
        sizes.append(page["numberReturned"])
        seen += keys(page)
        url = link(page, "next")
    assert sizes == [5, 5, 5, 2]
    assert seen == sorted(demo_dataset.areas["key"])


def test_prev_link_goes_back_one_page_and_the_first_page_has_none(demo_api):
    first = items(demo_api, "areas", "limit=5")
    assert link(first, "prev") is None
    third = items(demo_api, "areas", "limit=5&offset=10")
    assert "offset=5" in link(third, "prev")
    assert keys(third) == [f"{k:02d}" for k in range(11, 16)]
    beyond = items(demo_api, "areas", "limit=5&offset=40")
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == 17
    assert link(beyond, "next") is None


def test_links_keep_the_other_parameters(demo_api):
    page = items(demo_api, "areas", f"limit=2&properties=key&crs={UTM}")
    nxt = link(page, "next")
    assert "properties=key" in nxt and "25832" in nxt and "offset=2" in nxt and "limit=2" in nxt


def test_limit_above_the_maximum_is_capped_and_the_default_is_100(grid_api, demo_api):
    page = items(demo_api, "sites", "")
    assert page["numberReturned"] == 52  # the demo's 52 sites: fewer than the default 100
    assert items(demo_api, "sites", "limit=1000000")["numberReturned"] == 52


# --- properties, crs, datetime ---


def test_properties_returns_only_the_named_ones_in_that_order(grid_api):
    page = items(grid_api, "areas", "properties=alq,name")
    assert [list(f["properties"]) for f in page["features"]] == [["alq", "name"]] * 4
    assert items(grid_api, "areas", "properties=")["features"][0]["properties"] == {}


def test_coordinates_in_epsg_25832_equal_a_pyproj_transform_of_crs84(grid_api):
    lonlat = items(grid_api, "areas", "properties=key")
    response, utm = get_json(grid_api, f"/ogcapi/collections/areas/items?properties=key&crs={UTM}")
    assert response.headers["Content-Crs"] == f"<{UTM}>"
    to_utm = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:25832", always_xy=True)
    for a, b in zip(lonlat["features"], utm["features"], strict=True):
        ring = np.array(a["geometry"]["coordinates"][0])
        expected = np.column_stack(to_utm.transform(ring[:, 0], ring[:, 1]))
        assert np.abs(np.array(b["geometry"]["coordinates"][0]) - expected).max() <= 0.0005
    # And they are the grid's corners, to the 6 decimals (about 0.1 m) of the degrees.
    nordwest = np.array(utm["features"][0]["geometry"]["coordinates"][0])
    corners = {(X0, Y0 + 1000), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0 + 2000), (X0, Y0 + 2000)}
    for x, y in corners:
        assert np.hypot(nordwest[:, 0] - x, nordwest[:, 1] - y).min() < 0.15


def test_epsg_4326_writes_latitude_first(grid_api):
    lonlat = items(grid_api, "sites", "properties=")
    response, latlon = get_json(grid_api, f"/ogcapi/collections/sites/items?properties=&crs={LATLON}")
    assert response.headers["Content-Crs"] == f"<{LATLON}>"
    for a, b in zip(lonlat["features"], latlon["features"], strict=True):
        assert b["geometry"]["coordinates"] == a["geometry"]["coordinates"][::-1]
    assert 49 < lonlat["features"][0]["geometry"]["coordinates"][1] < 50  # CRS84: lon, lat


@pytest.mark.parametrize(("query", "years"), [
    ("", {2023}), ("datetime=2022", {2022}), ("datetime=2022-06-30", {2022}),
    ("datetime=2022-12-31T00:00:00Z", {2022}), ("datetime=2022/2023", {2022, 2023}),
    ("datetime=../2022", {2022}), ("datetime=2023/..", {2023}),
])
def test_datetime_picks_the_indicator_year_of_the_areas(grid_api, query, years):
    page = items(grid_api, "areas", query)
    assert {f["properties"]["year"] for f in page["features"]} == years
    assert page["numberMatched"] == 4 * len(years)
    alq = {(f["properties"]["key"], f["properties"]["year"]): f["properties"]["alq"]
           for f in page["features"]}
    hand = {("01", 2022): 5.0, ("04", 2022): 20.0, ("01", 2023): 4.0, ("04", 2023): 22.5}
    assert all(alq[k] == v for k, v in hand.items() if k in alq)


def test_a_year_without_values_is_a_400_naming_the_years_there_are(grid_api):
    _, error = get_json(grid_api, "/ogcapi/collections/areas/items?datetime=2017", status=400)
    assert "2017" in error["description"] and "2022, 2023" in error["description"]


def test_datetime_keeps_the_sites_active_in_those_years(demo_api, demo_dataset):
    sites = build_layer(demo_dataset, "sites")
    active = sites[(sites["start"].isna() | (sites["start"] <= 2005))
                   & (sites["end"].isna() | (sites["end"] >= 2005))]
    page = items(demo_api, "sites", "datetime=2005&limit=1000")
    assert 0 < len(active) < len(sites)
    assert sorted(f["id"] for f in page["features"]) == sorted(active["site_id"])


# --- features equal the export ---


@pytest.mark.parametrize(("collection", "layer"), [("areas", "districts"), ("sites", "sites"),
                                                   ("zones", "zones"), ("catchments", "catchments")])
def test_every_value_equals_the_exports(demo_api, demo_dataset, collection, layer):
    page = items(demo_api, collection, "limit=10000")
    frame = build_layer(demo_dataset, layer)
    assert page["numberMatched"] == page["numberReturned"] == len(frame)
    for feature, (_, row) in zip(page["features"], frame.iterrows(), strict=True):
        for column, value in feature["properties"].items():
            expected = row[column]
            if expected is None or (isinstance(expected, float) and math.isnan(expected)):
                assert value is None, (column, value)
            elif isinstance(expected, float):
                assert value == pytest.approx(expected, rel=1e-12), column
            else:
                assert value == expected, column
        assert set(feature["properties"]) == set(frame.columns) - {"geometry"}


def test_suppressed_values_are_null_as_in_the_export(grid_workspace, api_client):
    from test_confidentiality import CASES_CSV

    from geodash.workspace import load_workspace

    (grid_workspace / "data" / "ind.csv").write_bytes(CASES_CSV.encode("cp1252"))
    spec = grid_workspace / "layers" / "indicators.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'column = "Arbeitslosenquote"', 'column = "Arbeitslosenquote"\ncases = "Fälle"'), encoding="utf-8")
    (grid_workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\nmin_cases = 3\n',
                                                              encoding="utf-8")
    page = items(api_client(load_workspace(grid_workspace, cache=False)), "areas", "")
    props = {f["properties"]["key"]: f["properties"] for f in page["features"]}
    assert props["01"]["alq"] is None      # 2 cases
    assert props["02"]["kinder"] is None   # a count of 2
    assert props["03"]["alq"] == 16.0


def test_one_feature_by_id_with_links(grid_api):
    response, feature = get_json(grid_api, "/ogcapi/collections/areas/items/03-2022")
    assert response.content_type == "application/geo+json"
    assert feature["id"] == "03-2022" and feature["properties"]["alq"] == 15.0
    assert link(feature, "collection").endswith("/ogcapi/collections/areas")
    _, site = get_json(grid_api, "/ogcapi/collections/sites/items/s3")
    assert site["properties"]["area_key"] == "04"


# --- mistakes: 400, 404, 405; never 500 ---


@pytest.mark.parametrize("query", [
    "limit=0", "limit=-3", "limit=zehn", "offset=-1", "bbox=1,2,3", "bbox=a,b,c,d", "bbox=3,2,1,0",
    "bbox=1,2,3,nan", f"bbox-crs={UTM}", "bbox=1,2,3,4&bbox-crs=EPSG:31467", "crs=EPSG:3857",
    "crs=nonsense", "datetime=gestern", "datetime=2022-13-45", "datetime=2023/2022", "datetime=1/2/3",
    "datetime=..", "properties=alq,nope", "f=xml", "lang=fr", "filter=alq>5", "datetime=1900",
])
def test_a_bad_parameter_is_a_400_with_a_message(grid_api, query):
    response, error = get_json(grid_api, f"/ogcapi/collections/areas/items?{query}", status=400)
    assert error["code"] == "InvalidParameterValue"
    assert "Fix:" in error["description"]


def test_a_bad_parameter_asked_as_html_is_an_html_page(grid_api):
    response = grid_api.get("/ogcapi/collections/areas/items?limit=0&f=html")
    assert response.status_code == 400 and response.content_type.startswith("text/html")
    assert b'role="alert"' in response.data and b"limit" in response.data


@pytest.mark.parametrize("url", ["/ogcapi/collections/strassen", "/ogcapi/collections/strassen/items",
                                 "/ogcapi/collections/sites/items/nope",
                                 "/ogcapi/collections/areas/items/01-1999",
                                 "/ogcapi/collections/areas/items/01"])
def test_an_unknown_collection_or_feature_is_a_404(grid_api, url):
    _, error = get_json(grid_api, url, status=404)
    assert error["code"] == "NotFound" and "Fix:" in error["description"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(grid_api, method):
    response = getattr(grid_api, method)("/ogcapi/collections/areas/items", json={"type": "Feature"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_options_names_the_methods_and_no_other_site_may_read_the_api(grid_api):
    response = grid_api.options("/ogcapi/collections/areas/items", headers={"Origin": "https://example.org"})
    assert response.status_code == 204 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    response = grid_api.get("/ogcapi/collections/areas/items", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_head_answers_without_a_body(grid_api):
    response = grid_api.head("/ogcapi/collections/areas/items")
    assert response.status_code == 200 and response.data == b""


# --- formats and languages ---


def test_a_browser_gets_html_and_gdal_gets_geojson(grid_api):
    browser = grid_api.get("/ogcapi/collections/areas/items",
                           headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.content_type.startswith("text/html")
    client = grid_api.get("/ogcapi/collections/areas/items",
                          headers={"Accept": "application/geo+json, application/json"})
    assert client.content_type == "application/geo+json"
    assert grid_api.get("/ogcapi/collections/areas/items").content_type == "application/geo+json"
    assert grid_api.get("/ogcapi/collections/areas/items?f=html").content_type.startswith("text/html")


@pytest.mark.parametrize("url", ["/ogcapi", "/ogcapi/conformance", "/ogcapi/collections",
                                 "/ogcapi/collections/areas", "/ogcapi/collections/areas/items",
                                 "/ogcapi/collections/sites/items/s1"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_html_pages_are_plain_in_the_language_asked_and_load_nothing_from_elsewhere(grid_api, url, lang):
    text = grid_api.get(f"{url}?f=html&lang={lang}").data.decode()
    assert f'<html lang="{lang}">' in text
    assert "<script" not in text and "<link" not in text and "@import" not in text and "<img" not in text
    assert "<main>" in text and "<h1>" in text


def test_html_escapes_names_from_the_data(grid_workspace, api_client):
    from geodash.workspace import load_workspace

    sites = grid_workspace / "data" / "sites.csv"
    sites.write_bytes(sites.read_bytes().replace(b"QM Nordwest", b"<script>alert(1)</script>"))
    client = api_client(load_workspace(grid_workspace, cache=False))
    for url in ("/ogcapi/collections/sites/items?f=html", "/ogcapi/collections/sites/items/s1?f=html"):
        text = client.get(url).data.decode()
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_collection_url_takes_the_items_parameters_that_gdal_passes_on(grid_api):
    assert get_json(grid_api, "/ogcapi/collections/areas?datetime=2022&limit=2")[1]["id"] == "areas"
    assert get_json(grid_api, "/ogcapi?datetime=2022")[1]["links"]
    _, error = get_json(grid_api, "/ogcapi/collections/areas?datetime=2017", status=400)
    assert "2022, 2023" in error["description"]


def test_a_workspace_without_zones_serves_an_empty_zones_collection(grid_workspace, api_client):
    from geodash.workspace import load_workspace

    (grid_workspace / "layers" / "zones.toml").unlink()
    client = api_client(load_workspace(grid_workspace, cache=False))
    page = items(client, "zones", "bbox=8,49,9,50&datetime=2020")
    assert page["features"] == [] and page["numberMatched"] == 0
    _, info = get_json(client, "/ogcapi/collections/zones")
    assert "spatial" not in info.get("extent", {})
    assert client.get("/ogcapi/collections/zones/items?f=html").status_code == 200


def test_the_html_list_links_each_feature_to_its_page(grid_api):
    text = grid_api.get("/ogcapi/collections/sites/items?f=html&lang=en").data.decode()
    assert '<a href="http://localhost/ogcapi/collections/sites/items/s1?lang=en">s1</a>' in text
    assert grid_api.get("/ogcapi/collections/sites/items/s1?lang=en").status_code == 200


def test_the_openapi_definition_has_every_path_the_api_answers(grid_api):
    _, api = get_json(grid_api, "/ogcapi/api")
    for path in api["paths"]:
        concrete = path.replace("{collectionId}", "sites").replace("{featureId}", "s1")
        assert grid_api.get(f"/ogcapi{concrete.rstrip('/')}").status_code == 200, path
