"""One meaning everywhere: dark red is "more need", areas in need order, neutral indicators unranked.

The 2×2 grid (tests/conftest.py): status index 2022 by hand (see
tests/web/test_profile_compare_coverage.py) Nordwest −1.34, Nordost −0.45,
Südwest 0.45, Südost 1.34, so the need order is Südost, Südwest, Nordost,
Nordwest; alphabetically it would be Nordost, Nordwest, Südost, Südwest.
``kinder`` is neutral (a count of children), ``alq`` a need indicator.
"""

from __future__ import annotations

import pytest

from geodash.report.content import _indicator_table
from geodash.report.texts import TEXT as REPORT_TEXT
from geodash.web.figures import compare as compare_fig
from geodash.web.figures import coverage as coverage_fig
from geodash.web.figures.palettes import (
    PUBU,
    WARNING_COLOR,
    YLORRD,
    class_colors,
    need_colorscale,
)
from geodash.web.figures.reach import reach_heatmap

NEED_ORDER = ["Südost", "Südwest", "Nordost", "Nordwest"]


def luminance(color: str) -> float:
    """Relative luminance (WCAG) of ``#rrggbb``: 0 black … 1 white."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# -- one palette rule ------------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5, 7])
def test_the_darkest_class_is_the_most_need_for_need_and_resource(k):
    need, resource = class_colors("need", k), class_colors("resource", k)
    # need: the highest values (class k-1) are darkest; resource: the lowest (class 0).
    assert min(need, key=luminance) == need[-1]
    assert min(resource, key=luminance) == resource[0]
    # Both end in the same warning red, from the same YlOrRd set.
    assert need[-1] == resource[0] == YLORRD[k][-1]
    assert luminance(need[0]) > luminance(need[-1])


def test_a_neutral_indicator_has_no_warning_red():
    neutral = class_colors("neutral", 5)
    assert neutral == PUBU[5]
    assert not set(neutral) & set(YLORRD[5])


@pytest.mark.parametrize(("polarity", "dark_at"), [("need", 1.0), ("resource", 0.0)])
def test_heat_table_scale_is_dark_red_at_the_end_of_more_need(polarity, dark_at):
    scale = dict((position, color) for position, color in need_colorscale(polarity))
    darkest = min(scale.items(), key=lambda item: luminance(item[1]))
    assert darkest == (dark_at, YLORRD[9][-1])


def test_coverage_heat_tables_get_darker_for_fewer_offers(grid_dataset):
    """Offers are a resource: a cell with no offers (shade 0) is the darkest red, not the lightest."""
    for fig in (coverage_fig.coverage_heatmap(grid_dataset, None, "de", year=2022),
                reach_heatmap(grid_dataset, list(grid_dataset.categories), "de", year=2022)):
        heat = fig.data[0]
        assert (heat.zmin, heat.zmax) == (0, 1)
        low = [c for p, c in heat.colorscale if p == 0][0]
        high = [c for p, c in heat.colorscale if p == 1][0]
        assert luminance(low) < luminance(high)
        assert low == YLORRD[9][-1]


def test_the_gap_points_are_drawn_in_the_warning_colour(grid_dataset):
    # Counting courses only, Südost (high need, no course) is the gap (as in
    # test_profile_compare_coverage.py); its point is drawn in the warning colour.
    fig = coverage_fig.coverage_scatter(grid_dataset, 2022, ["kurs"], "de")
    assert list(fig.data[1].text) == ["Südost"]
    assert fig.data[1].marker.color == WARNING_COLOR


# -- heat tables sorted by need ---------------------------------------------------------------


def test_need_ordered_keys_by_hand(grid_dataset):
    assert coverage_fig.need_ordered_keys(grid_dataset, 2022) == ["04", "03", "02", "01"]


def test_density_and_reach_heat_tables_list_the_most_need_first(grid_dataset):
    density = coverage_fig.coverage_heatmap(grid_dataset, None, "de", year=2022)
    reach = reach_heatmap(grid_dataset, list(grid_dataset.categories), "de", year=2022)
    assert list(density.data[0].y) == NEED_ORDER
    assert list(reach.data[0].y) == NEED_ORDER


def test_heat_table_numbers_keep_a_readable_size(grid_dataset):
    fig = coverage_fig.coverage_heatmap(grid_dataset, None, "de", year=2022)
    assert fig.data[0].textfont.size >= 10
    assert fig.layout.xaxis.tickangle == -90  # upright heads never run into each other
    # Row names 8 characters ("Nordwest") and three columns of at least 78 px each.
    assert coverage_fig.heatmap_min_width(fig) >= 3 * coverage_fig.HEATMAP_CELL_PX


# -- neutral indicators are never ranked ------------------------------------------------------


def test_compare_ranking_of_a_neutral_indicator_has_no_rank_and_lists_by_value(grid_dataset):
    # kinder 2022: Nordwest 1200, Nordost 300, Südwest 450, Südost 2000.
    table = compare_fig.ranking_table(grid_dataset, "kinder", 2022, "de")
    assert table["rank"].isna().all()
    assert table["name"].tolist() == ["Südost", "Nordwest", "Südwest", "Nordost"]
    # The status index keeps its rank: it is a need measure.
    assert table.set_index("name")["status_rank"].to_dict() == {
        "Südost": 1, "Südwest": 2, "Nordost": 3, "Nordwest": 4}


def test_compare_ranking_of_a_need_indicator_still_ranks(grid_dataset):
    # alq 2022: 5, 10, 15, 20 → Südost (20) is rank 1.
    table = compare_fig.ranking_table(grid_dataset, "alq", 2022, "de")
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["name"].iloc[0] == "Südost"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_report_gives_a_neutral_indicator_no_rank(grid_dataset, lang):
    table = _indicator_table(grid_dataset, "04", 2022, lang, REPORT_TEXT)
    rows = {row[0]: row for row in table.rows}
    labels = {spec.label.get(lang): ind for ind, spec in grid_dataset.indicator_meta.items()}
    by_indicator = {labels[label]: row for label, row in rows.items()}
    assert by_indicator["kinder"][4] == "– (neutral)"
    assert by_indicator["alq"][4] == "1 / 4"  # alq 2022: Südost 20 % is the most need
