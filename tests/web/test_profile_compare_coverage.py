"""District profile, comparison and coverage on the 2×2 grid, with answers worked out by hand.

The grid (tests/conftest.py): populations 01 Nordwest 1000, 02 Nordost 2000,
03 Südwest 3000, 04 Südost 4000. Unemployment (alq, %, need, in the index)
2022: 5, 10, 15, 20; 2023: 4, 8, 16, 22.5. Children (kinder, Anzahl,
neutral) 2022: 1200, 300, 450, 2000; 2023: 1100, missing, 500, 2100. Sites:
qm and kurs in 01, qm in 04, one kurs outside. Zone "West" (since 2005)
covers half of 01 and all of 03.

Population-weighted alq 2022: mean (5·1 + 10·2 + 15·3 + 20·4) / 10 = 15,
variance (100·1 + 25·2 + 0·3 + 25·4) / 10 = 25, so z = −2, −1, 0, 1 (the
comparison's bars).

The MSS status index (unweighted, the workspace default) of 2022: mean 12.5,
variance (7.5² + 2.5² + 2.5² + 7.5²) / 4 = 31.25, so with alq the only index
indicator the index is ±2.5 / √31.25 = ±0.4472 and ±7.5 / √31.25 = ±1.3416:
01 −1.34 (hoch, below −1), 02 −0.45 and 03 +0.45 (mittel), 04 +1.34
(niedrig, above 1 up to 1.5). There is no dynamics index: 2020 has no values.
"""

from __future__ import annotations

import dataclasses
import math

import dash
import pandas as pd
import pytest
from dash_tree import find, row_texts, text, walk

from geodash.web.figures import compare as compare_fig
from geodash.web.figures import coverage as coverage_fig
from geodash.web.figures import profile as profile_fig
from geodash.web.pages import compare, coverage, profile, profile_sections
from geodash.web.state import ViewState

# -- helpers -------------------------------------------------------------------------------


# -- profile: figures ----------------------------------------------------------------------


def test_values_as_of_takes_each_indicators_latest_year_up_to_the_asked_one():
    long = pd.DataFrame({"area_key": ["a", "a", "a", "b"], "indicator": ["x", "x", "y", "x"],
                         "year": [2020, 2022, 2020, 2022], "value": [1.0, 2.0, 3.0, 4.0]})
    assert profile_fig.values_as_of(long, 2021)[["indicator", "year"]].values.tolist() == [
        ["x", 2020], ["y", 2020]]
    latest = profile_fig.values_as_of(long)
    assert sorted(latest["value"]) == [2.0, 3.0, 4.0]


def test_profile_table_in_2022_has_value_city_rank_and_no_change(grid_dataset):
    table = profile_fig.profile_table(grid_dataset, "02", 2022).set_index("indicator")
    alq = table.loc["alq"]
    assert (alq["value"], alq["year"]) == (10.0, 2022)
    assert alq["city"] == pytest.approx(15.0)  # population-weighted mean, see module docstring
    assert (alq["rank"], alq["ranked"]) == (3, 4)  # 20 > 15 > 10 > 5
    assert math.isnan(alq["change"])  # the first year has nothing to compare with
    kinder = table.loc["kinder"]
    assert kinder["city"] == 3950  # counts add up: 1200 + 300 + 450 + 2000
    # Neutral: four values, but no rank (more children is not "more need").
    assert pd.isna(kinder["rank"]) and kinder["ranked"] == 4


def test_profile_table_latest_year_with_change_and_a_missing_value(grid_dataset):
    table = profile_fig.profile_table(grid_dataset, "01").set_index("indicator")
    alq = table.loc["alq"]
    assert (alq["value"], alq["year"], alq["rank"]) == (4.0, 2023, 4)
    assert alq["city"] == pytest.approx((4 * 1 + 8 * 2 + 16 * 3 + 22.5 * 4) / 10)
    assert (alq["change"], alq["first_year"]) == (pytest.approx(-1.0), 2022)
    kinder = table.loc["kinder"]
    assert pd.isna(kinder["rank"]) and kinder["ranked"] == 3  # neutral; Nordost missing
    assert kinder["change"] == pytest.approx(-100)
    missing = profile_fig.profile_table(grid_dataset, "02").set_index("indicator").loc["kinder"]
    assert math.isnan(missing["value"]) and pd.isna(missing["rank"])


def test_area_sites_are_grouped_by_category_in_the_datasets_order(grid_dataset):
    sites = profile_fig.area_sites(grid_dataset, "01", "en")
    assert sites["name"].tolist() == ["QM Nordwest", "Kurs Nordwest"]
    assert sites["category_label"].tolist() == ["Neighbourhood management", "kurs"]
    assert profile_fig.area_sites(grid_dataset, "02").empty


def test_area_zones_give_the_share_and_since_year(grid_dataset):
    zones = profile_fig.area_zones(grid_dataset, "01")
    assert zones[["name", "since"]].values.tolist() == [["West", 2005]]
    assert zones["share"].iloc[0] == pytest.approx(0.5)
    assert profile_fig.area_zones(grid_dataset, "02").empty


def test_trend_figure_has_district_and_city_per_indicator(grid_dataset):
    fig = profile_fig.trend_figure(grid_dataset, "01", "de")
    # alq: city and district; kinder is a count, whose city total would flatten the district.
    assert [t.name for t in fig.data] == ["Stadt", "Nordwest", "Nordwest"]
    assert list(fig.data[0].y) == pytest.approx([15.0, 15.8])
    assert list(fig.data[1].y) == [5.0, 4.0]
    assert fig.layout.separators == ",."


# -- profile: page -------------------------------------------------------------------------


def test_profile_page_shows_the_district_its_indicators_sites_and_zones(grid_dataset):
    page = profile.layout(grid_dataset, ViewState(areas=("03",), year=2022))
    assert find(page, profile.TITLE).children == "Südwest"
    assert "Bezirk Süd · 3.000 Einwohnerinnen und Einwohner" in text(page)  # default parent word
    index = text(find(page, profile_sections.INDEX))
    assert "Statusindex 2022: 0,45 – Status mittel" in index and "Rang 2 von 4" in index
    assert "Dynamikindex 2022: nicht berechenbar" in index
    assert "Berliner Monitoring Soziale Stadtentwicklung" in index
    assert row_texts(page, profile.INDICATOR_ROW.format("alq")) == [
        "Arbeitslosenquote", "2022", "15,0 %", "15,0 %", "2 von 4", "–"]
    assert "Keine Angebote" in text(find(page, profile.SITES))
    assert "100 % der Fläche" in text(find(page, profile.ZONES))
    assert "seit 2005" in text(find(page, profile.ZONES))


def test_profile_page_in_english_formats_numbers_and_change(grid_dataset):
    page = profile.layout(grid_dataset, ViewState(areas=("04",), lang="en"))
    cells = row_texts(page, profile.INDICATOR_ROW.format("kinder"))
    # A count needs no "Anzahl"; a neutral indicator gets no rank ("1 of 3" would say most need).
    assert cells[2:5] == ["2,100.0", "3,700.0", "– (neutral)"]
    assert row_texts(page, profile.INDICATOR_ROW.format("alq"))[5] == "+2.5 pp (since 2022)"
    assert "QM Südost" in text(find(page, profile.SITES))
    assert "no programme area" in text(find(page, profile.ZONES))


def test_profile_page_falls_back_politely(grid_dataset):
    page = profile.layout(grid_dataset, ViewState())
    assert find(page, profile.TITLE).children == "Nordwest"  # the first district
    unknown = profile.layout(grid_dataset, ViewState(areas=("99",)))
    assert "„99“ gibt es in diesem Datenbestand nicht" in text(unknown)
    no_zones = dataclasses.replace(grid_dataset, zones=grid_dataset.zones.iloc[0:0],
                                   zone_shares=grid_dataset.zone_shares.iloc[0:0])
    page = profile.layout(no_zones, ViewState(areas=("01",)))
    assert "keine Programmgebiete erfasst" in text(find(page, profile.ZONES))


def test_profile_controls_are_hidden_when_printing(grid_dataset):
    page = profile.layout(grid_dataset, ViewState(areas=("01",)))
    controls = [c for c in walk(page) if "no-print" in (getattr(c, "className", "") or "")]
    ids = {getattr(c, "id", None) for control in controls for c in walk(control)}
    assert {profile.AREA_DROPDOWN, profile.YEAR_DROPDOWN, profile.PRINT_BUTTON} <= ids


def test_profile_search_sets_the_district_and_keeps_the_language(grid_dataset):
    search = profile.profile_search
    assert search(grid_dataset, "?gebiete=01,02&lang=en", "03", None) == "?gebiete=03&lang=en"
    assert search(grid_dataset, "", "02", 2022) == "?jahr=2022&gebiete=02"
    # The pickers echo the view when the page is built: the URL stays as it is.
    assert search(grid_dataset, "", "01", None) is None
    assert search(grid_dataset, "?gebiete=99", "01", None) is None


def test_a_suppressed_value_is_shown_as_confidential(grid_dataset):
    withheld = (grid_dataset.indicators["area_key"] == "02") & (
        grid_dataset.indicators["indicator"] == "alq")
    indicators = grid_dataset.indicators.assign(
        value=grid_dataset.indicators["value"].mask(withheld),
        suppressed=withheld)
    ds = dataclasses.replace(grid_dataset, indicators=indicators)
    row = profile_fig.profile_table(ds, "02", 2022).set_index("indicator").loc["alq"]
    assert row["suppressed"] and math.isnan(row["value"]) and pd.isna(row["rank"])
    page = profile.layout(ds, ViewState(areas=("02",), year=2022, lang="en"))
    assert row_texts(page, profile.INDICATOR_ROW.format("alq"))[2] == "confidential"
    grid = find(compare.layout(ds, ViewState(year=2022)), compare.RANKING_GRID)
    assert {r["key"]: r["value_text"] for r in grid.rowData}["02"] == "vertraulich"


# -- compare -------------------------------------------------------------------------------


def test_compare_table_standardises_over_the_whole_city(grid_dataset):
    table = compare_fig.compare_table(grid_dataset, ["01", "02", "03"], 2022)
    alq = table[table["indicator"] == "alq"].set_index("area_key")
    assert alq["z"].tolist() == pytest.approx([-2.0, -1.0, 0.0])
    assert alq["value"].tolist() == [5.0, 10.0, 15.0]


def test_compare_figure_has_one_bar_trace_per_district(grid_dataset):
    fig = compare_fig.compare_figure(grid_dataset, ["01", "02", "03"], 2022, "de")
    # Drawn last to first, so that the first district's bar is on top of each group.
    assert [t.name for t in fig.data] == ["Südwest", "Nordost", "Nordwest"]
    assert "5,0 % (Jahr 2022)" in fig.data[-1].customdata


def test_timeseries_figure_has_the_districts_and_the_city(grid_dataset):
    fig = compare_fig.timeseries_figure(grid_dataset, ["01", "04"], "alq", "en")
    assert [t.name for t in fig.data] == ["Nordwest", "Südost", "City"]
    assert list(fig.data[-1].y) == pytest.approx([15.0, 15.8])


def test_ranking_table_ranks_all_districts_with_the_status_index(grid_dataset):
    table = compare_fig.ranking_table(grid_dataset, "alq", 2022, "de")
    assert table["key"].tolist() == ["04", "03", "02", "01"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["status"].tolist() == pytest.approx([1.3416, 0.4472, -0.4472, -1.3416],
                                                     abs=1e-4)
    assert table["status_class"].tolist() == ["niedrig", "mittel", "mittel", "hoch"]
    assert table["status_rank"].tolist() == [1, 2, 3, 4]


def test_compare_page_shows_three_districts_and_a_ranking(grid_dataset):
    page = compare.layout(grid_dataset, ViewState(areas=("01", "02", "03"), year=2022))
    assert len(find(page, compare.COMPARE_GRAPH).figure.data) == 3
    assert len(find(page, compare.TIMESERIES_GRAPH).figure.data) == 4
    grid = find(page, compare.RANKING_GRID)
    assert [r["name"] for r in grid.rowData] == ["Südost", "Südwest", "Nordost", "Nordwest"]
    assert grid.rowData[0]["value_text"] == "20,0 %"
    assert [r["chosen"] for r in grid.rowData] == [False, True, True, True]


def test_compare_page_asks_for_two_districts_and_names_unknown_ones(grid_dataset):
    page = compare.layout(grid_dataset, ViewState(areas=("01", "zz")))
    assert "mindestens zwei Stadtteile" in text(page)
    assert "zz" in text(find(page, compare.LIMIT_ALERT))


def test_compare_keeps_at_most_max_areas(grid_dataset, monkeypatch):
    monkeypatch.setattr(compare, "MAX_AREAS", 2)
    keys, unknown, trimmed = compare.chosen_areas(grid_dataset,
                                                  ViewState(areas=("03", "01", "03", "04")))
    assert (keys, unknown, trimmed) == (["03", "01"], [], True)


def test_compare_search_writes_districts_indicator_and_year(grid_dataset):
    search = compare.compare_search
    assert search(grid_dataset, "?lang=en", ["01", "02"], "kinder", 2023) == (
        "?ind=kinder&jahr=2023&gebiete=01,02&lang=en")
    # alq is the default indicator: picking districts does not pin it in the link.
    assert search(grid_dataset, "?gebiete=01", ["01", "02"], "alq", None) == "?gebiete=01,02"
    assert search(grid_dataset, "?gebiete=01,zz,02", ["01", "02"], "alq", None) is None


# -- coverage ------------------------------------------------------------------------------


def test_coverage_matrix_counts_sites_per_1000_residents(grid_dataset):
    matrix = coverage_fig.coverage_matrix(grid_dataset)
    assert matrix["per_1000_qm"].tolist() == pytest.approx([1.0, 0.0, 0.0, 0.25])
    assert matrix["count_kurs"].tolist() == [1, 0, 0, 0]  # the site outside is not counted
    assert matrix["per_1000__total"].tolist() == pytest.approx([2.0, 0.0, 0.0, 0.25])


def quantile_rule(dataset):
    """The dataset with the gap rule before issue 12: need above the median status index."""
    coverage_settings = dataset.settings.coverage.model_copy(update={"gap_need": "quantile"})
    return dataclasses.replace(dataset, settings=dataset.settings.model_copy(
        update={"coverage": coverage_settings}))


# Status index 2022 (z of alq 5, 10, 15, 20 %): Nordwest −1.34, Nordost −0.45, Südwest 0.45
# (mittel), Südost 1.34 (niedrig: above +1). Offers per 1,000: 2, 0, 0, 0.25 (median 0.125);
# courses only: 1, 0, 0, 0 (median 0).
@pytest.mark.parametrize(("rule", "categories", "gaps"), [
    ("status_class", None, []),  # Südost, the only niedrig area, has 0.25 > 0.125 offers
    ("status_class", ["kurs"], ["04"]),  # no course in Südost: 0 <= median 0
    ("quantile", None, ["03"]),  # above the median need (0): Südwest (0 offers), Südost (0.25)
    ("quantile", ["kurs"], ["04", "03"]),
])
def test_need_coverage_flags_high_need_with_few_offers(grid_dataset, rule, categories, gaps):
    dataset = quantile_rule(grid_dataset) if rule == "quantile" else grid_dataset
    frame = coverage_fig.need_coverage(dataset, 2022, categories)
    assert frame.set_index("area_key")["need"].to_dict() == pytest.approx(
        {"01": -1.3416, "02": -0.4472, "03": 0.4472, "04": 1.3416}, abs=1e-4)
    assert frame.loc[frame["gap"], "area_key"].tolist() == gaps


def test_coverage_scatter_highlights_gaps_and_draws_the_rule_s_cut_offs(grid_dataset):
    fig = coverage_fig.coverage_scatter(grid_dataset, 2022, ["kurs"], "de")
    assert list(fig.data[1].text) == ["Südost"]
    vertical = [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]
    horizontal = [s.y0 for s in fig.layout.shapes if s.y0 == s.y1]
    assert vertical == [pytest.approx(1.0)]  # status class niedrig starts above +1
    assert horizontal == [pytest.approx(0.0)]  # median courses of 1, 0, 0, 0


def test_coverage_scatter_splits_at_the_medians_under_the_quantile_rule(grid_dataset):
    fig = coverage_fig.coverage_scatter(quantile_rule(grid_dataset), 2022, None, "de")
    assert list(fig.data[1].text) == ["Südwest"]
    vertical = [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]
    horizontal = [s.y0 for s in fig.layout.shapes if s.y0 == s.y1]
    assert vertical == [pytest.approx(0.0)]  # median status index of ±0.45, ±1.34
    assert horizontal == [pytest.approx(0.125)]  # median offers of 2, 0, 0, 0.25


def test_coverage_page_lists_the_gap_districts_and_says_the_rule(grid_dataset):
    page = coverage.layout(grid_dataset, ViewState(year=2022, categories=("kurs",)))
    table = find(page, coverage.GAP_TABLE)
    assert "Südost" in text(table) and "1 von 4" in text(table) and "niedrig" in text(table)
    assert "Status-Klasse „niedrig“ oder „sehr niedrig“" in text(page)
    page = coverage.layout(grid_dataset, ViewState(year=2022))
    assert text(find(page, coverage.GAP_TABLE)) == (
        "Keine Stadtteile haben zugleich hohen Bedarf und wenige Angebote.")
    heat = find(page, coverage.DENSITY_GRAPH).figure.data[0]
    # Rows by need, status index 2022: Südost 1.34, Südwest 0.45, Nordost -0.45, Nordwest -1.34.
    assert list(heat.y) == ["Südost", "Südwest", "Nordost", "Nordwest"]
    assert heat.text[3][-1] == "2,00 (2)"  # Nordwest, all offers


@pytest.mark.parametrize(("change", "message"), [
    ("no_sites", "keine Angebote erfasst"),
    ("no_population", "keine Einwohnerzahlen vor"),
    ("no_categories", "mindestens eine Art von Angebot"),
])
def test_coverage_page_explains_what_is_missing(grid_dataset, change, message):
    ds, state = grid_dataset, ViewState()
    if change == "no_sites":
        ds = dataclasses.replace(ds, sites=ds.sites.iloc[0:0])
    elif change == "no_population":
        ds = dataclasses.replace(ds, areas=ds.areas.assign(population=math.nan))
    else:
        state = ViewState(categories=())
    page = coverage.layout(ds, state)
    assert message in text(page)
    assert coverage.CATEGORY_CHECKLIST in {getattr(c, "id", None) for c in walk(page)}


def test_coverage_search_writes_no_kat_when_all_are_ticked(grid_dataset):
    search = coverage.coverage_search
    assert search(grid_dataset, "?kat=qm", ["kurs", "qm"], None) == ""
    assert search(grid_dataset, "?lang=en", ["kurs"], 2022) == "?jahr=2022&kat=kurs&lang=en"
    assert search(grid_dataset, "?kat=qm,kurs", ["kurs", "qm"], None) is None


# -- wiring --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [profile, compare, coverage])
def test_pages_render_in_both_languages_without_errors(grid_dataset, page):
    for lang in ("de", "en"):
        assert page.layout(grid_dataset, ViewState(lang=lang)).id == page.PAGE
    assert set(page.NAME) == {"de", "en"} and page.PATH.startswith("/")
    assert set(page.TEXT["de"]) == set(page.TEXT["en"])


@pytest.mark.parametrize("page", [profile, compare, coverage])
def test_pages_explain_an_empty_workspace(grid_dataset, page):
    empty = dataclasses.replace(
        grid_dataset, indicators=grid_dataset.indicators.iloc[0:0], indicator_meta={},
        sites=grid_dataset.sites.iloc[0:0], zones=grid_dataset.zones.iloc[0:0],
        zone_shares=grid_dataset.zone_shares.iloc[0:0])
    words = text(page.layout(empty, ViewState(areas=("01", "02"))))
    assert any(m in words for m in ("keine Indikatoren", "keine Angebote erfasst"))


def test_callbacks_are_registered_on_the_app_and_write_the_url(grid_dataset):
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    global_before = len(dash._callback.GLOBAL_CALLBACK_LIST)
    for page in (profile, compare, coverage):
        page.register_callbacks(app, grid_dataset)
    assert len(dash._callback.GLOBAL_CALLBACK_LIST) == global_before
    url_writers = [k for k in app.callback_map if "url.search" in k]
    # profile, coverage (categories and year; base year), and two on the comparison page
    assert len(url_writers) == 5
