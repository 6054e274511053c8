"""City reference values, ranks, z-scores, change over time and the need score, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from geodash.analysis.indicators import (
    change,
    city_reference,
    is_ranked,
    need_order,
    rank_areas,
    standardise,
)
from geodash.catalog import IndicatorSpec

ROOT5 = math.sqrt(5)


def spec(ind_id: str, polarity: str = "need", unit: str = "", **options) -> IndicatorSpec:
    return IndicatorSpec(id=ind_id, label=ind_id, polarity=polarity, unit=unit, **options)


def long_table(values: dict[str, list[float]], year: int = 2022, keys=("01", "02", "03", "04")):
    return pd.DataFrame(
        [(key, ind, year, value) for ind, column in values.items()
         for key, value in zip(keys, column, strict=True) if not pd.isna(value)],
        columns=["area_key", "indicator", "year", "value"])


@pytest.fixture
def grid_population(grid_dataset) -> pd.Series:
    return grid_dataset.areas.set_index("key")["population"]


# --- city_reference ---


def test_city_reference_of_the_grid_by_hand(grid_dataset, grid_population):
    reference = city_reference(grid_dataset.indicators, grid_population, grid_dataset.indicator_meta)

    expected = pd.DataFrame({
        "indicator": ["alq", "alq", "kinder", "kinder"],
        "year": [2022, 2023, 2022, 2023],
        # alq 2022: (5·1000 + 10·2000 + 15·3000 + 20·4000) / 10000 = 15.0
        # alq 2023: (4·1000 + 8·2000 + 16·3000 + 22.5·4000) / 10000 = 15.8
        # kinder is a count (Anzahl): summed; 2023 lacks Nordost.
        "value": [15.0, 15.8, 3950.0, 3700.0],
        "method": ["weighted_mean", "weighted_mean", "sum", "sum"],
    })
    assert_frame_equal(reference, expected)


def test_weighted_mean_leaves_out_areas_without_population(grid_population):
    population = grid_population.copy()
    population["02"] = np.nan

    reference = city_reference(long_table({"alq": [5, 10, 15, 20]}), population,
                               {"alq": spec("alq", unit="%", aggregate="weighted_mean")})

    # (5·1000 + 15·3000 + 20·4000) / 8000
    assert reference["value"].tolist() == [16.25]


@pytest.mark.parametrize(("aggregate", "expected"), [
    ("mean", (5 + 10 + 15 + 40) / 4),
    ("median", (10 + 15) / 2),
    ("sum", 5 + 10 + 15 + 40),
    # (5·1000 + 10·2000 + 15·3000 + 40·4000) / 10000
    ("weighted_mean", 23.0),
])
def test_city_value_is_formed_as_the_spec_declares(grid_population, aggregate, expected):
    reference = city_reference(long_table({"x": [5, 10, 15, 40]}), grid_population,
                               {"x": spec("x", unit="%", aggregate=aggregate)})

    assert reference[["value", "method"]].iloc[0].tolist() == [expected, aggregate]


@pytest.mark.parametrize("unit", ["%", "Anzahl", "EW", "Fälle", ""])
def test_the_unit_does_not_decide_the_city_value_the_default_is_the_mean(grid_population, unit):
    reference = city_reference(long_table({"x": [5, 10, 15, 40]}), grid_population,
                               {"x": spec("x", unit=unit)})

    assert reference[["value", "method"]].iloc[0].tolist() == [17.5, "mean"]


def test_weighted_mean_by_another_indicator_uses_that_base_per_area_and_year():
    # Child poverty per child under 15: the base is the children, not all residents.
    values = pd.concat([
        long_table({"kinderarmut": [40, 10, 20, 30], "u15": [100, 300, 0, np.nan]}, year=2022),
        long_table({"kinderarmut": [50, 20, 20, 30], "u15": [300, 100, 100, 100]}, year=2023),
    ], ignore_index=True)
    meta = {"kinderarmut": spec("kinderarmut", unit="%", aggregate="weighted_mean", base="u15"),
            "u15": spec("u15", unit="Anzahl", aggregate="sum")}
    population = pd.Series({"01": 1e6, "02": 1.0, "03": 1.0, "04": 1.0})

    reference = city_reference(values, population, meta).set_index(["indicator", "year"])["value"]

    # 2022: Südwest has no children (base 0) and Südost no base: (40·100 + 10·300) / 400 = 17.5
    # 2023: (50·300 + 20·100 + 20·100 + 30·100) / 600 = 36.666…
    assert reference[("kinderarmut", 2022)] == pytest.approx(17.5)
    assert reference[("kinderarmut", 2023)] == pytest.approx(22000 / 600)
    assert reference[("u15", 2022)] == 400
    assert reference[("u15", 2023)] == 600


def test_weighted_mean_by_population_takes_each_years_residents():
    values = pd.concat([long_table({"q": [10, 20, 30, 40]}, year=2022),
                        long_table({"q": [10, 20, 30, 40]}, year=2023)], ignore_index=True)
    population = pd.DataFrame({
        "area_key": ["01", "02", "03", "04"] * 2, "year": [2022] * 4 + [2023] * 4,
        "population": [100, 100, 100, 100, 400, 0, 0, 100]})

    reference = city_reference(values, population, {"q": spec("q", aggregate="weighted_mean")})

    # 2022: all equal, 25.0; 2023: (10·400 + 40·100) / 500 = 16.0
    assert reference["value"].tolist() == [25.0, 16.0]


def test_weighted_mean_without_any_base_has_no_city_value_not_a_guess():
    population = pd.Series(np.nan, index=["01", "02", "03", "04"])

    reference = city_reference(long_table({"x": [5, 10, 15, 40]}), population,
                               {"x": spec("x", unit="%", aggregate="weighted_mean")})

    assert np.isnan(reference["value"].iloc[0])
    assert reference["method"].iloc[0] == "weighted_mean"


# --- rank_areas ---


VALUES = pd.Series({"a": 5.0, "b": 9.0, "c": 9.0, "d": np.nan, "e": 1.0})


@pytest.mark.parametrize(
    ("polarity", "ranks"),
    [
        ("need", [3, 1, 1, pd.NA, 4]),
        ("resource", [2, 3, 3, pd.NA, 1]),
    ],
)
def test_rank_one_is_the_most_need_and_ties_share_the_best_rank(polarity, ranks):
    assert_series_equal(rank_areas(VALUES, polarity), pd.Series(ranks, index=VALUES.index,
                                                                dtype="Int64"))


def test_a_neutral_indicator_ranks_no_area():
    # Age shares: 9 % is not "more need" than 5 %, so nobody is rank 1.
    assert_series_equal(rank_areas(VALUES, "neutral"),
                        pd.Series([pd.NA] * 5, index=VALUES.index, dtype="Int64"))
    assert [is_ranked(p) for p in ("need", "resource", "neutral")] == [True, True, False]


# --- need_order ---


def test_need_order_puts_the_highest_status_index_first_by_hand():
    # Three areas: Süd 1.2 (most need), Nord -0.4, Mitte 0.3; alphabetically it would be
    # Mitte, Nord, Süd. By need: Süd (1.2) > Mitte (0.3) > Nord (-0.4).
    status = pd.Series({"01": -0.4, "02": 0.3, "03": 1.2})
    labels = pd.Series({"01": "Nord", "02": "Mitte", "03": "Süd"})
    assert need_order(status, labels) == ["03", "02", "01"]


def test_need_order_puts_areas_without_index_last_and_ties_by_name():
    # Ost and Au tie at 0.5 (Au before Ost by name); West has no index and comes last.
    status = pd.Series({"a": 0.5, "b": np.nan, "c": 0.5, "d": 2.0})
    labels = pd.Series({"a": "Ost", "b": "West", "c": "Au", "d": "Nord"})
    assert need_order(status, labels) == ["d", "c", "a", "b"]


# --- standardise ---


def test_z_scores_of_the_grid_by_hand(grid_dataset):
    wide = pd.DataFrame({"alq": [5.0, 10.0, 15.0, 20.0]}, index=["01", "02", "03", "04"])

    z = standardise(wide, grid_dataset.indicator_meta)

    # Mean 12.5, population standard deviation √31.25 = 2.5·√5.
    assert z["alq"].tolist() == pytest.approx([-3 / ROOT5, -1 / ROOT5, 1 / ROOT5, 3 / ROOT5])


def test_population_weighted_z_scores_by_hand(grid_dataset, grid_population):
    wide = pd.DataFrame({"alq": [5.0, 10.0, 15.0, 20.0]}, index=["01", "02", "03", "04"])

    z = standardise(wide, grid_dataset.indicator_meta, weights=grid_population)

    # Weighted mean 15, weighted variance (1000·100 + 2000·25 + 0 + 4000·25) / 10000 = 25.
    assert z["alq"].tolist() == pytest.approx([-2.0, -1.0, 0.0, 1.0])


def test_resource_indicators_flip_the_sign_so_positive_always_means_need():
    wide = pd.DataFrame({"bad": [0.0, 2.0], "good": [0.0, 2.0]}, index=["01", "02"])
    meta = {"bad": spec("bad", "need"), "good": spec("good", "resource")}

    z = standardise(wide, meta)

    assert z.to_dict("list") == {"bad": [-1.0, 1.0], "good": [1.0, -1.0]}


def test_missing_values_stay_missing_and_do_not_count():
    wide = pd.DataFrame({"x": [5.0, np.nan, 15.0]}, index=["01", "02", "03"])

    z = standardise(wide, {"x": spec("x")})

    assert z["x"].tolist()[0::2] == [-1.0, 1.0]
    assert np.isnan(z.loc["02", "x"])


def test_column_without_spread_is_all_zero():
    wide = pd.DataFrame({"x": [7.0, 7.0, 7.0]}, index=["01", "02", "03"])

    assert standardise(wide, {"x": spec("x")})["x"].tolist() == [0.0, 0.0, 0.0]


def test_area_without_weight_is_scored_against_the_weighted_others():
    wide = pd.DataFrame({"x": [0.0, 10.0, 100.0]}, index=["01", "02", "03"])
    weights = pd.Series({"01": 1.0, "02": 1.0, "03": np.nan})

    z = standardise(wide, {"x": spec("x")}, weights=weights)

    assert z["x"].tolist() == pytest.approx([-1.0, 1.0, 19.0])


def test_standardise_does_not_change_its_input():
    wide = pd.DataFrame({"x": [1.0, 3.0]}, index=["01", "02"])
    before = wide.copy()

    standardise(wide, {"x": spec("x")})

    assert_frame_equal(wide, before)


# --- change ---


def test_change_between_two_years_of_the_grid(grid_dataset):
    result = change(grid_dataset.indicators[["area_key", "indicator", "year", "value"]], 2022, 2023)
    by_key = result.set_index(["area_key", "indicator"])

    assert len(result) == 7  # kinder of Nordost is missing in 2023
    assert by_key.loc[("01", "alq"), ["start", "end", "absolute", "relative"]].tolist() == \
        pytest.approx([5.0, 4.0, -1.0, -0.2])
    assert by_key.loc[("04", "alq"), "absolute"] == pytest.approx(2.5)
    assert ("02", "kinder") not in by_key.index


def test_relative_change_from_zero_is_missing():
    table = pd.concat([long_table({"x": [0.0, 4.0]}, 2022, keys=("01", "02")),
                       long_table({"x": [3.0, 5.0]}, 2023, keys=("01", "02"))])

    result = change(table, 2022, 2023).set_index("area_key")

    assert np.isnan(result.loc["01", "relative"])
    assert result.loc["02", "relative"] == pytest.approx(0.25)


