"""Coverage by offers: sites per 1,000 residents and the need–offer gap, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from geodash.analysis.coverage import coverage_table, gap_cutoffs, need_offer_gap


def test_coverage_of_the_grid_per_1000_residents_by_hand(grid_dataset):
    table = coverage_table(grid_dataset.areas, grid_dataset.sites, ["qm", "kurs"])

    expected = pd.DataFrame({
        "area_key": ["01", "01", "02", "02", "03", "03", "04", "04"],
        "category": ["qm", "kurs"] * 4,
        "count": [1, 1, 0, 0, 0, 0, 1, 0],
        # Nordwest: 1 per 1,000 residents each; Südost: 1 / 4,000 · 1,000 = 0.25.
        "per_1000": [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0],
    })
    assert_frame_equal(table.astype({"area_key": object, "category": object}),
                       expected.astype({"area_key": object, "category": object}),
                       check_dtype=False)


def test_site_outside_every_area_is_not_counted(grid_dataset):
    table = coverage_table(grid_dataset.areas, grid_dataset.sites, ["kurs"])

    assert table["count"].sum() == 1  # s2 in Nordwest; s4 outside is not counted


def test_category_without_sites_counts_zero_everywhere(grid_dataset):
    table = coverage_table(grid_dataset.areas, grid_dataset.sites, ["beratung"])

    assert table["count"].tolist() == [0, 0, 0, 0]
    assert table["per_1000"].tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("population", [0.0, np.nan])
def test_per_1000_is_missing_where_the_population_is_unknown_or_zero(population):
    areas = pd.DataFrame({"key": ["01", "02"], "population": [population, 500.0]})
    sites = pd.DataFrame({"area_key": ["01", "02"], "category": ["qm", "qm"]})

    table = coverage_table(areas, sites, ["qm"])

    assert table["count"].tolist() == [1, 1]
    assert np.isnan(table["per_1000"].iloc[0])
    assert table["per_1000"].iloc[1] == 2.0


NEED = pd.Series({"a": 2.0, "b": 1.0, "c": -1.0, "d": -2.0})
OFFERS = pd.Series({"a": 0.1, "b": 2.0, "c": 0.5, "d": 0.2})


def test_gap_flags_high_need_with_few_offers_by_hand():
    # Median need 0: a and b are above. Median offers (0.2 + 0.5) / 2 = 0.35: a and d at or below.
    gap = need_offer_gap(NEED, OFFERS)

    expected = pd.DataFrame({
        "area_key": ["a", "b", "c", "d"],
        "need": [2.0, 1.0, -1.0, -2.0],
        "offers_per_1000": [0.1, 2.0, 0.5, 0.2],
        "need_rank": pd.array([1, 2, 3, 4], dtype="Int64"),
        "offer_rank": pd.array([1, 4, 3, 2], dtype="Int64"),
        "gap": [True, False, False, False],
    })
    assert_frame_equal(gap.astype({"area_key": object}), expected.astype({"area_key": object}))


def test_gap_thresholds_follow_the_quantiles():
    # Need above its 25 % quantile (−1.25): a, b, c. Offers at or below their 75 % quantile
    # (0.5 + 0.25 · (2.0 − 0.5) = 0.875): a, c, d.
    gap = need_offer_gap(NEED, OFFERS, need_quantile=0.25, offer_quantile=0.75)

    assert gap.set_index("area_key")["gap"].to_dict() == {"a": True, "b": False, "c": True,
                                                          "d": False}


def test_areas_without_need_are_left_out_of_the_gap_table():
    need = NEED.copy()
    need["b"] = np.nan

    gap = need_offer_gap(need, OFFERS)

    assert gap["area_key"].tolist() == ["a", "c", "d"]


def test_equal_need_shares_the_best_rank():
    gap = need_offer_gap(pd.Series({"a": 1.0, "b": 1.0, "c": 0.0}),
                         pd.Series({"a": 1.0, "b": 1.0, "c": 1.0}))

    assert gap["need_rank"].tolist() == [1, 1, 3]
    assert gap["offer_rank"].tolist() == [1, 1, 1]


def test_an_area_with_unknown_population_is_never_flagged_as_a_gap():
    need = pd.Series({"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.0})
    offers = pd.Series({"a": np.nan, "b": 0.5, "c": 2.0, "d": 3.0})
    result = need_offer_gap(need, offers).set_index("area_key")
    assert not result.loc["a", "gap"]
    assert result.loc["b", "gap"]  # need above the median (1.5), offers at/below the median (2.0)


def test_gap_cutoffs_are_the_quantiles_over_areas_with_a_need_score():
    need = pd.Series({"a": 4.0, "b": 2.0, "c": 1.0, "d": np.nan})
    offers = pd.Series({"a": 1.0, "b": np.nan, "c": 3.0, "d": 100.0})
    # need median of 4, 2, 1 = 2; offers median over a and c only (b unknown, d has no need) = 2
    assert gap_cutoffs(need, offers) == (2.0, 2.0)
