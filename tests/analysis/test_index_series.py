"""The status index over the years: the chosen areas' lines and the city line, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.index_series import city_status, index_series
from geodash.analysis.social_index import IndexOptions, index_over_years, social_index

# The 2×2 grid (tests/conftest.py): one index indicator, alq (need), four areas, two years.
#   2022: 5, 10, 15, 20     mean 12.5,   SD √((7.5² + 2.5² + 2.5² + 7.5²) / 4) = √31.25
#   2023: 4, 8, 16, 22.5    mean 12.625, SD √((8.625² + 4.625² + 3.375² + 9.875²) / 4) = √51.171875
# One indicator: the status index is its z-score (standardising a z-score again changes nothing).
NORDOST_2022 = (10 - 12.5) / math.sqrt(31.25)  # −0.4472 → mittel
SUEDOST_2022 = (20 - 12.5) / math.sqrt(31.25)  # +1.3416 → niedrig (above +1, up to +1.5)
NORDOST_2023 = (8 - 12.625) / math.sqrt(51.171875)  # −0.6465 → mittel
SUEDOST_2023 = (22.5 - 12.625) / math.sqrt(51.171875)  # +1.3805 → niedrig


@pytest.fixture(scope="module")
def grid_over_years(grid_dataset):
    return index_over_years(grid_dataset.indicators, grid_dataset.indicator_meta,
                            grid_dataset.areas.set_index("key")["population"], [2022, 2023],
                            options=IndexOptions())


def test_the_series_of_two_areas_holds_their_hand_computed_index_and_class_per_year(grid_over_years):
    series = index_series(grid_over_years, ["04", "02"])
    assert series["area_key"].tolist() == ["04", "04", "02", "02"]
    assert series["year"].tolist() == [2022, 2023, 2022, 2023]
    assert series["status_index"].tolist() == pytest.approx(
        [SUEDOST_2022, SUEDOST_2023, NORDOST_2022, NORDOST_2023], abs=1e-9)
    assert series["status_class"].tolist() == ["niedrig", "niedrig", "mittel", "mittel"]


def test_an_unknown_key_gives_no_rows_and_a_repeated_key_counts_once(grid_over_years):
    series = index_series(grid_over_years, ["02", "99", "02"])
    assert series["area_key"].tolist() == ["02", "02"]


def test_the_city_line_of_a_standardised_index_is_zero_in_every_year(grid_over_years):
    city = city_status(grid_over_years)
    assert city["year"].tolist() == [2022, 2023]
    assert city["status_index"].tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    assert city["n"].tolist() == [4, 4]


def test_the_city_line_weights_by_residents_and_leaves_out_areas_without_a_value():
    table = pd.DataFrame({"area_key": ["a", "b", "c", "a", "b", "c"],
                          "year": [2020, 2020, 2020, 2021, 2021, 2021],
                          "status_index": [1.0, -1.0, np.nan, 2.0, 0.0, -1.0]})
    weights = pd.Series({"a": 300.0, "b": 100.0, "c": 0.0})
    city = city_status(table, weights)
    # 2020: (300·1 + 100·(−1)) / 400 = 0.5; 2021: c has no residents → (300·2 + 100·0) / 400 = 1.5
    assert city["status_index"].tolist() == pytest.approx([0.5, 1.5])
    assert city["n"].tolist() == [2, 2]
    # Unweighted: 2020 (1 − 1) / 2 = 0; 2021 (2 + 0 − 1) / 3 = 1/3
    assert city_status(table)["status_index"].tolist() == pytest.approx([0.0, 1 / 3])


def test_neutral_indicators_do_not_enter_the_index_over_years(grid_dataset, grid_over_years):
    # "kinder" (neutral) has values in both years; the index equals alq's z-score alone.
    assert grid_dataset.indicator_meta["kinder"].polarity == "neutral"
    one_year = social_index(grid_dataset.indicators, grid_dataset.indicator_meta,
                            grid_dataset.areas.set_index("key")["population"], 2022)
    assert [c for c in one_year.columns if c.startswith("z_")] == ["z_alq"]
    assert index_series(grid_over_years, ["02"])["status_index"].iloc[0] == pytest.approx(NORDOST_2022)
