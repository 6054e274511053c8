"""The profile's index and coverage, the coverage page's reach and programme areas, similar districts.

All on the 2×2 grid (tests/conftest.py), with the MSS status index worked out
in tests/web/test_profile_compare_coverage.py: 2022 −1.34, −0.45, +0.45,
+1.34 and 2023 −1.21, −0.65, +0.47, +1.38 for 01 … 04. Südost's QM office
sits in the middle of its 1 km square: residents live on average
(√2 + ln(1 + √2)) / 6 km = 382.6 m from it (382.2 m over the 50 m grid of
sample points that spreads them), and π/4 = 78.5 % within 500 m.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from dash_tree import find, text

from geodash.errors import ParameterError
from geodash.web.figures import profile_index, reach, similar
from geodash.web.pages import compare, compare_similar, coverage, profile, profile_sections
from geodash.web.state import ViewState

MEAN_TO_CENTRE = (math.sqrt(2) + math.log(1 + math.sqrt(2))) / 6 * 1000  # metres


# -- profile -------------------------------------------------------------------------------


def test_index_summary_has_status_class_rank_and_no_dynamics(grid_dataset):
    summary = profile_index.index_summary(grid_dataset, "04")
    assert summary.year == 2023 and summary.status == pytest.approx(1.3804, abs=1e-4)
    assert (summary.status_class, summary.rank, summary.ranked) == ("niedrig", 1, 4)
    assert math.isnan(summary.dynamics) and summary.dynamics_class is None
    assert profile_index.index_summary(grid_dataset, "01", 2022).status_class == "hoch"


def test_profile_shows_the_index_with_its_class_and_the_method(grid_dataset):
    page = profile.layout(grid_dataset, ViewState(areas=("04",), lang="en"))
    index = text(find(page, profile_sections.INDEX))
    assert "Status index 2023: 1.38 – status low" in index
    assert "rank 1 of 4" in index and "cannot be computed" in index
    assert "Monitoring Soziale Stadtentwicklung" in index


def test_profile_without_index_indicators_shows_no_index(grid_dataset):
    meta = {k: v.model_copy(update={"in_index": False})
            for k, v in grid_dataset.indicator_meta.items()}
    page = profile.layout(dataclasses.replace(grid_dataset, indicator_meta=meta),
                          ViewState(areas=("04",)))
    assert text(find(page, profile_sections.INDEX)) == ""


def test_area_coverage_table_counts_distances_and_shares(grid_dataset):
    table = profile_index.area_coverage_table(grid_dataset, "04").set_index("category")
    assert table.loc["qm", "count"] == 1 and table.loc["qm", "per_1000"] == pytest.approx(0.25)
    assert table.loc["qm", "mean_distance"] == pytest.approx(MEAN_TO_CENTRE, abs=1.0)
    assert table.loc["qm", "share_500"] == pytest.approx(math.pi / 4, abs=1e-3)
    assert table.loc["any", "count"] == 1 and table.loc["kurs", "count"] == 0
    assert table.loc["kurs", "label"] == "kurs"


def test_profile_coverage_section_is_formatted_per_language(grid_dataset):
    german = profile.layout(grid_dataset, ViewState(areas=("04",)))
    rows = find(german, profile_sections.COVERAGE).children[1].children
    assert [text(c) for c in rows[0].children] == [
        "Quartiersmanagement", "1", "0,25", "382 m", "79 %", "100 %"]
    assert text(rows[-1].children[0]) == "Alle Angebote"
    english = profile.layout(grid_dataset, ViewState(areas=("01",), lang="en"))
    rows = find(english, profile_sections.COVERAGE).children[1].children
    assert [text(c) for c in rows[-1].children][:3] == ["All offers", "2", "2.00"]


def test_profile_coverage_without_sites_is_polite(grid_dataset):
    no_sites = dataclasses.replace(grid_dataset, sites=grid_dataset.sites.iloc[0:0])
    page = profile.layout(no_sites, ViewState(areas=("01",)))
    assert "keine Angebote erfasst" in text(find(page, profile_sections.COVERAGE))


# -- coverage ------------------------------------------------------------------------------


def test_gap_flag_is_the_analysis_flag_and_a_mittel_area_is_never_high_need(grid_dataset):
    """Issue 12: a district of status class *mittel* was listed as "hoher Bedarf".

    2022: Südwest (status index +0.45, mittel) has no offers, Südost (+1.34, niedrig) has
    0.25 per 1,000, above the median 0.125: by default neither is a gap.
    """
    from geodash.web.figures import coverage as coverage_fig
    from geodash.web.figures.derived import analysis

    frame, need_cut, offer_cut = coverage_fig.gap_frame(grid_dataset, 2022)
    flags = analysis(grid_dataset, 2022)["gap"]
    assert frame.set_index("area_key")["gap"].to_dict() == flags.to_dict()
    assert (need_cut, offer_cut) == (pytest.approx(1.0), pytest.approx(0.125))
    assert coverage_fig.gap_table(grid_dataset, 2022).empty
    gaps = coverage_fig.gap_table(grid_dataset, 2022, ["kurs"])
    assert gaps[["name", "status_class"]].values.tolist() == [["Südost", "niedrig"]]
    page = coverage.layout(grid_dataset, ViewState(year=2022, categories=("kurs",)))
    assert "niedrig" in text(find(page, coverage.GAP_TABLE))


def test_reach_heatmap_shows_the_share_within_the_first_distance(grid_dataset):
    fig = reach.reach_heatmap(grid_dataset, ["qm", "kurs"], "de")
    heat = fig.data[0]
    assert list(heat.x) == ["Quartiersmanagement", "kurs", "Alle Angebote"]
    # Need order, status index 2023: Südost 1.38, Südwest 0.47, Nordost -0.65, Nordwest -1.21.
    assert list(heat.y) == ["Südost", "Südwest", "Nordost", "Nordwest"]
    assert heat.text[0][0] == "79 %" and heat.text[2][2] == "0 %"  # Südost QM; Nordost all
    assert "≤ 1.000 m" in heat.customdata[0][0] and "382 m" in heat.customdata[0][0]
    only = reach.reach_heatmap(grid_dataset, ["kurs"], "en").data[0]
    assert list(only.x) == ["kurs"]  # "all offers" only when every kind is counted


def test_status_index_inside_and_outside_weighs_areas_by_their_residents_inside(grid_dataset):
    table = reach.inside_outside(grid_dataset)
    # Zone West (since 2005) covers half of Nordwest (1,000 residents → 500 inside) and all of
    # Südwest (3,000); Nordost (2,000) and Südost (4,000) are outside. 2022: z = (v − 12.5) / √31.25.
    z = {k: (v - 12.5) / math.sqrt(31.25) for k, v in {"01": 5, "02": 10, "03": 15, "04": 20}.items()}
    inside = (500 * z["01"] + 3000 * z["03"]) / 3500
    outside = (500 * z["01"] + 2000 * z["02"] + 4000 * z["04"]) / 6500
    assert table["year"].tolist() == [2022, 2023]
    assert table["inside"].iloc[0] == pytest.approx(inside)  # 0.1917, not (−1.34 + 0.45) / 2
    assert table["outside"].iloc[0] == pytest.approx(outside)  # 0.5848
    # Nordwest is on both sides: 2 areas (partly) inside, 3 (partly) outside.
    assert table[["n_inside", "n_outside"]].values.tolist() == [[2, 3], [2, 3]]
    assert table["residents_inside"].tolist() == pytest.approx([3500, 3500])
    page = coverage.layout(grid_dataset, ViewState())
    assert len(find(page, coverage.PROGRAMME_GRAPH).figure.data) == 2


def test_coverage_page_without_zones_says_so(grid_dataset):
    no_zones = dataclasses.replace(grid_dataset, zones=grid_dataset.zones.iloc[0:0],
                                   zone_shares=grid_dataset.zone_shares.iloc[0:0])
    page = coverage.layout(no_zones, ViewState())
    assert "keine Programmgebiete erfasst" in text(find(page, coverage.PROGRAMME))


# -- similar districts ---------------------------------------------------------------------


def test_similar_table_ranks_by_standardised_distance(grid_dataset):
    table = similar.similar_table(grid_dataset, "01", ["alq"], year=2022)
    assert table["key"].tolist() == ["01", "02", "03", "04"]
    assert table["reference"].tolist() == [True, False, False, False]
    # z-scores 2.5 / √31.25 = 0.447 apart per step of 5 points.
    assert table["distance"].tolist() == pytest.approx([0, 0.8944, 1.7889, 2.6833], abs=1e-4)


@pytest.mark.parametrize(("mode", "tolerance", "found"), [
    ("absolute", 5.0, ["02"]),   # 5 ± 5 points: 10 only
    ("percent", 100.0, ["02"]),  # 5 ± 100 %: the same here
    ("percent", 10.0, []),       # nobody within ± 0.5 points
])
def test_similar_table_within_a_tolerance(grid_dataset, mode, tolerance, found):
    table = similar.similar_table(grid_dataset, "01", ["alq"], mode=mode, tolerance=tolerance,
                                  year=2022)
    assert table["key"].tolist()[1:] == found


def test_similar_table_refuses_a_reference_without_a_value(grid_dataset):
    with pytest.raises(ParameterError, match="no value"):
        similar.similar_table(grid_dataset, "02", ["kinder"], year=2023)


def test_compare_page_lists_similar_districts_of_the_first_chosen(grid_dataset):
    page = compare.layout(grid_dataset, ViewState(areas=("04", "01"), year=2022))
    assert find(page, compare_similar.REFERENCE_DROPDOWN).value == "04"
    assert find(page, compare_similar.INDICATORS_DROPDOWN).value == ["alq"]  # the index ones
    assert find(page, compare_similar.TOLERANCE_INPUT).disabled  # distance mode
    grid = find(page, compare_similar.GRID)
    assert [r["name"] for r in grid.rowData] == ["Südost", "Südwest", "Nordost", "Nordwest"]
    assert grid.rowData[0]["distance_text"] == "Vergleich"
    assert grid.rowData[1]["alq__text"] == "15,0 %"


def test_compare_page_explains_an_impossible_comparison(grid_dataset):
    state = ViewState(areas=("02", "01"), year=2023,
                      extra={"ref": "02", "aehnl": "kinder", "modus": "absolute", "tol": "50"})
    page = compare.layout(grid_dataset, state)
    assert "nicht möglich" in text(find(page, compare_similar.GRID))
    none = compare.layout(grid_dataset, ViewState(
        areas=("01", "02"), year=2022, extra={"modus": "percent", "tol": "10"}))
    assert "Keine anderen Stadtteile" in text(find(none, compare_similar.GRID))


def test_similar_search_writes_the_picks_and_ignores_echoes(grid_dataset):
    search = compare_similar.similar_search
    assert search(grid_dataset, "?gebiete=01,02", reference="01", indicators=["alq"],
                  mode="distance", tolerance=10) is None
    assert search(grid_dataset, "?gebiete=01,02&lang=en", reference="03", indicators=["alq"],
                  mode="distance", tolerance=10) == (
        "?gebiete=01,02&lang=en&ref=03&aehnl=alq&modus=distance&tol=10")
    assert search(grid_dataset, "?ref=03", reference="03", indicators=["alq", "kinder"],
                  mode="percent", tolerance="x") == "?ref=03&aehnl=alq,kinder&modus=percent&tol=10"


def test_similar_section_texts_exist_in_both_languages():
    assert set(compare_similar.TEXT["de"]) == set(compare_similar.TEXT["en"])
    assert set(profile_sections.TEXT["de"]) == set(profile_sections.TEXT["en"])
    assert set(reach.TEXT["de"]) == set(reach.TEXT["en"])
