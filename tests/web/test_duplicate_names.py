"""Every page works by key when two areas share a name, and speaks the city's own area words.

The workspace (``duplicate_dataset``) has two "Schloßstraße" in different Bezirke
and two "Mitte" in one Bezirk, its areas are "Planungsräume", and one category
code holds spaces and parentheses. Unique labels worked out by hand:
Schloßstraße (Nord), Mitte (02), Schloßstraße (Süd), Mitte (04).
"""

from __future__ import annotations

import json

import pytest
from conftest import DUPLICATE_LABELS, JFE
from dash_tree import find, text
from plotly.utils import PlotlyJSONEncoder

from geodash.bench.dash_requests import body_for, find_callback
from geodash.export import build_layer
from geodash.export.html_map import html_map
from geodash.web import create_app, ids
from geodash.web.figures.compare import compare_figure, ranking_table, timeseries_figure
from geodash.web.figures.coverage import coverage_heatmap, coverage_matrix, coverage_scatter, gap_table
from geodash.web.figures.reach import reach_heatmap, reach_matrix
from geodash.web.figures.similar import similar_table
from geodash.web.i18n import area_options
from geodash.web.pages import PAGES, compare, coverage, profile
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page
from geodash.web.pages import side_by_side as side_page
from geodash.web.state import ViewState

LABELS_SORTED = sorted(DUPLICATE_LABELS.values())


def as_json(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_reach_heatmap_has_one_row_per_area_by_key(duplicate_dataset):
    # It used to select rows by name: "cannot reindex on an axis with duplicate labels".
    long = reach_matrix(duplicate_dataset, list(duplicate_dataset.categories))
    assert sorted(long["name"].unique()) == LABELS_SORTED
    fig = reach_heatmap(duplicate_dataset, list(duplicate_dataset.categories))
    assert sorted(fig.data[0].y) == LABELS_SORTED  # rows in need order (issue 12)
    assert len(fig.data[0].z) == 4 and len(fig.data[0].z[0]) == 3  # qm, JFE, all offers


def test_coverage_heatmap_and_scatter_label_every_area_uniquely(duplicate_dataset):
    assert coverage_matrix(duplicate_dataset)["name"].to_dict() == DUPLICATE_LABELS
    assert sorted(coverage_heatmap(duplicate_dataset).data[0].y) == LABELS_SORTED
    scatter = coverage_scatter(duplicate_dataset, 2022)
    shown = sorted(t for trace in scatter.data for t in trace.text)
    assert shown == LABELS_SORTED
    assert set(gap_table(duplicate_dataset, 2022)["name"]) <= set(LABELS_SORTED)


def test_compare_names_bars_lines_and_ranking_by_label(duplicate_dataset):
    keys = ["01", "03"]
    bars = compare_figure(duplicate_dataset, keys, 2022)
    assert {trace.name for trace in bars.data} == {"Schloßstraße (Nord)", "Schloßstraße (Süd)"}
    lines = timeseries_figure(duplicate_dataset, keys, "alq")
    assert [t.name for t in lines.data][:2] == ["Schloßstraße (Nord)", "Schloßstraße (Süd)"]
    ranking = ranking_table(duplicate_dataset, "alq", 2022).set_index("key")
    assert ranking["name"].to_dict() == DUPLICATE_LABELS
    # The parent column shows the Bezirk's name, not its key.
    assert ranking["parent"].to_dict() == {"01": "Nord", "02": "Nord", "03": "Süd", "04": "Nord"}


def test_similar_table_names_areas_by_label(duplicate_dataset):
    table = similar_table(duplicate_dataset, "02", ["alq"], year=2022, mode="distance")
    assert table.iloc[0]["name"] == "Mitte (02)"
    assert set(table["name"]) <= set(LABELS_SORTED)


def test_area_pickers_offer_keys_with_unique_labels(duplicate_dataset):
    options = area_options(duplicate_dataset)
    assert [o["label"] for o in options] == LABELS_SORTED
    assert {o["value"] for o in options} == set(DUPLICATE_LABELS)


def test_profile_title_is_name_and_bezirk_name(duplicate_dataset):
    page = profile.layout(duplicate_dataset, ViewState(areas=("03",), year=2022))
    assert find(page, profile.TITLE).children == "Schloßstraße (Süd)"
    # The Bezirk's name is in the title: no "Bezirk 02" (the raw key) beside it.
    assert "Bezirk 02" not in text(page) and "3.000 Einwohnerinnen und Einwohner" in text(page)
    two = profile.layout(duplicate_dataset, ViewState(areas=("04",), year=2022))
    assert find(two, profile.TITLE).children == "Mitte (Nord)"


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.PATH)
def test_every_page_builds_with_repeated_names(duplicate_dataset, page, lang):
    state = ViewState(areas=("01", "03"), year=2022, indicator="alq", lang=lang)
    tree = as_json(page.layout(duplicate_dataset, state))
    if page is not map_page:  # the map page is being rewritten (h-map); its labels come later
        assert "Stadtteil" not in tree and "district" not in tree.lower().replace("districts-", "")


@pytest.mark.parametrize(("page", "expected"), [
    (profile, ["Planungsraum", "Schloßstraße (Nord)", "Schloßstraße (Süd)"]),
    (compare, ["Planungsräume (2 bis 6)", "Rangliste aller Planungsräume", "Bezirk",
               "Schloßstraße (Nord)", "Mitte (02)", "Mitte (04)", "Ähnliche Planungsräume"]),
    (coverage, ["Planungsräume mit hohem Bedarf", "Ein Punkt je Planungsraum",
                "Mitte (02)", "Mitte (04)"]),
    (data_page, ["Planungsräume mit allen Indikatoren, 2022", "Schloßstraße (keys 01, 03)"]),
])
def test_pages_show_the_city_words_and_the_unique_labels(duplicate_dataset, page, expected):
    tree = as_json(page.layout(duplicate_dataset, ViewState(areas=("01", "03"), year=2022,
                                                            indicator="alq")))
    missing = [e for e in expected if e not in tree]
    assert missing == []


def test_english_pages_use_the_english_words(duplicate_dataset):
    tree = as_json(compare.layout(duplicate_dataset, ViewState(areas=("01", "03"), lang="en")))
    assert "Planning areas (2 to 6)" in tree and "Ranking of all planning areas" in tree
    assert "Borough" in tree  # the parent column's head


def test_every_page_answers_the_router_callback_without_error(duplicate_dataset):
    # The path a browser takes: the router callback builds each page from its URL.
    app = create_app(duplicate_dataset)
    client = app.server.test_client()
    router = find_callback(client.get("/_dash-dependencies").get_json(), f"{ids.CONTENT}.children")
    for page in PAGES:
        values = {f"{ids.URL}.pathname": page.PATH, f"{ids.URL}.search": "?gebiete=01,03&jahr=2022",
                  f"{ids.RENDERED}.data": None}
        response = client.post("/_dash-update-component", json=body_for(
            router, values, [f"{ids.URL}.pathname"]))
        assert response.status_code == 200, page.PATH
        # The maps name their areas from the geometry download, not in the page.
        shown = {map_page: None, side_page: None,
                 data_page: "Schloßstraße (keys 01, 03)"}.get(page, "Schloßstraße (Süd)")
        if shown:
            assert shown in as_json(response.get_json()), page.PATH


def test_exports_keep_keys_and_name_parents(duplicate_dataset):
    layer = build_layer(duplicate_dataset, "districts", 2022)
    assert layer["key"].tolist() == ["01", "02", "03", "04"]
    assert layer["parent_name"].tolist() == ["Nord", "Nord", "Süd", "Nord"]
    assert layer.attrs["column_labels"]["name"] == {"de": "Planungsraum", "en": "Planning area"}


def test_html_map_tooltips_name_areas_by_unique_label(duplicate_dataset):
    page = html_map(duplicate_dataset, ViewState(indicator="alq", year=2022))
    # The embedded JSON is ASCII with escapes ("ß" as "\u00df").
    for label in DUPLICATE_LABELS.values():
        assert json.dumps(label) in page
    assert json.dumps("Planungsräume") in page or "Planungsräume" in page


def test_the_category_with_spaces_is_offered_by_its_label(duplicate_dataset):
    tree = as_json(coverage.layout(duplicate_dataset, ViewState(year=2022)))
    assert JFE in tree
