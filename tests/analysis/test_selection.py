"""A selection of areas as one combined area: every figure checked against arithmetic by hand.

The 2×2 grid (tests/conftest.py): residents 01 Nordwest 1,000, 02 Nordost 2,000,
03 Südwest 3,000, 04 Südost 4,000 (10,000 in all). Arbeitslosenquote (weighted
by population) 2022: 5, 10, 15, 20 %; 2023: 4, 8, 16, 22.5 %. Kinder (a sum)
2022: 1,200, 300, 450, 2,000; 2023: 1,100, missing, 500, 2,100. Sites: qm and
kurs in 01, qm in 04 (one kurs outside the grid is in no area).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geodash.analysis.selection import (
    combination,
    combine_indicators,
    combine_offers,
    combine_reach,
    combine_residents,
    split_keys,
)
from geodash.catalog import IndicatorSpec
from geodash.web.figures.selection import combined_area, indicators_in, selection_name, with_selection
from geodash.web.state import ViewState

THREE = ["01", "02", "03"]


def value(table: pd.DataFrame, indicator: str, year: int, column: str = "value") -> float:
    row = table[(table["indicator"] == indicator) & (table["year"] == year)]
    assert len(row) == 1
    return float(row[column].iloc[0])


def test_residents_of_three_areas_are_their_sum_beside_the_city(grid_dataset):
    combined = combined_area(grid_dataset, THREE, 2022)
    # 1,000 + 2,000 + 3,000 = 6,000 of 10,000 = 60 %.
    assert combined.residents == {"residents": 6000.0, "city": 10000.0, "share": 0.6,
                                  "known": 3, "selected": 3}


def test_a_rate_is_summed_numerators_over_summed_residents(grid_dataset):
    table = combined_area(grid_dataset, THREE, 2022).indicators
    # 2022: (5·1,000 + 10·2,000 + 15·3,000) / 6,000 = 70,000 / 6,000 = 11.667 %;
    # city: (70,000 + 20·4,000) / 10,000 = 15 %.
    assert value(table, "alq", 2022) == pytest.approx(70_000 / 6_000)
    assert value(table, "alq", 2022, "city") == pytest.approx(15.0)
    # 2023: (4,000 + 16,000 + 48,000) / 6,000 = 11.333 %; city (68,000 + 90,000) / 10,000 = 15.8 %.
    assert value(table, "alq", 2023) == pytest.approx(68_000 / 6_000)
    assert value(table, "alq", 2023, "city") == pytest.approx(15.8)
    assert set(table.loc[table["indicator"] == "alq", "method"]) == {"base_weighted"}


def test_a_count_is_summed_and_a_missing_value_is_left_out_and_counted(grid_dataset):
    table = combined_area(grid_dataset, THREE, 2023).indicators
    # 2022: 1,200 + 300 + 450 = 1,950; city 1,950 + 2,000 = 3,950.
    assert value(table, "kinder", 2022) == 1950.0
    assert value(table, "kinder", 2022, "city") == 3950.0
    # 2023: Nordost has no value: 1,100 + 500 = 1,600 from 2 of the 3 areas; city 3,700.
    assert value(table, "kinder", 2023) == 1600.0
    assert value(table, "kinder", 2023, "areas") == 2
    assert value(table, "kinder", 2023, "selected") == 3
    assert value(table, "kinder", 2023, "city") == 3700.0
    assert set(table.loc[table["indicator"] == "kinder", "method"]) == {"sum"}


def test_every_area_selected_gives_the_city_value(grid_dataset):
    table = combined_area(grid_dataset, ["01", "02", "03", "04"], 2023).indicators
    assert (table["value"] - table["city"]).abs().max() == pytest.approx(0.0)


def test_offers_are_summed_sites_per_1000_summed_residents(grid_dataset):
    offers = combined_area(grid_dataset, THREE, 2022).offers.set_index("category")
    # Sites in 01, 02, 03: qm 1, kurs 1, total 2; per 1,000: 1 / 6,000 · 1,000 = 0.1667, total 0.3333.
    assert offers.loc["qm", "sites"] == 1 and offers.loc["kurs", "sites"] == 1
    assert offers.loc["total", "sites"] == 2
    assert offers.loc["qm", "per_1000"] == pytest.approx(1 / 6)
    assert offers.loc["total", "per_1000"] == pytest.approx(2 / 6)
    # City: qm 2 / 10,000 · 1,000 = 0.2; total 3 → 0.3 (the site outside the grid counts nowhere).
    assert offers.loc["qm", "city_per_1000"] == pytest.approx(0.2)
    assert offers.loc["total", "city_sites"] == 3
    assert offers.loc["total", "city_per_1000"] == pytest.approx(0.3)


def test_reach_is_residents_weighted_and_areas_without_a_share_stay_out():
    shares = pd.DataFrame({"share500_qm": [1.0, 0.5, None, 0.0], "share1000_qm": [1.0] * 4,
                           "per1000_qm": [9.0] * 4}, index=["a", "b", "c", "d"])
    pop = pd.Series({"a": 1000.0, "b": 3000.0, "c": 5000.0, "d": 1000.0})
    reach = combine_reach(shares, pop, ["a", "b", "c"]).set_index("distance")
    # Selection 500 m: (1·1,000 + 0.5·3,000) / (1,000 + 3,000) = 2,500 / 4,000 = 0.625 (c has none);
    # city: 2,500 / 5,000 = 0.5.
    assert reach.loc[500, "share"] == pytest.approx(0.625)
    assert reach.loc[500, "city_share"] == pytest.approx(0.5)
    assert reach.loc[1000, "share"] == pytest.approx(1.0)
    assert list(reach["category"]) == ["qm", "qm"]


def test_a_mean_indicator_is_weighted_by_residents_and_says_so():
    spec = IndicatorSpec(id="alter", label="Alter", polarity="neutral", aggregate="mean")
    values = pd.DataFrame({"area_key": ["a", "b", "c"], "indicator": "alter", "year": 2020,
                           "value": [30.0, 50.0, 40.0]})
    pop = pd.Series({"a": 100.0, "b": 300.0, "c": 600.0})
    out = combine_indicators(values, pop, {"alter": spec}, ["a", "b"])
    # (30·100 + 50·300) / 400 = 18,000 / 400 = 45; city (18,000 + 24,000) / 1,000 = 42.
    assert out["value"].tolist() == [45.0]
    assert out["city"].tolist() == [42.0]
    assert out["method"].tolist() == ["population_weighted"]
    assert combination(IndicatorSpec(id="m", label="m", polarity="need", aggregate="median")) \
        == "population_weighted"


def test_a_rate_with_its_own_base_is_weighted_by_that_base():
    quote = IndicatorSpec(id="quote", label="Quote", polarity="need", aggregate="weighted_mean",
                          base="kinder")
    values = pd.DataFrame({"area_key": ["a", "b", "a", "b"], "indicator": ["quote"] * 2 + ["kinder"] * 2,
                           "year": 2020, "value": [10.0, 40.0, 30.0, 10.0]})
    pop = pd.Series({"a": 1000.0, "b": 1000.0})
    out = combine_indicators(values, pop, {"quote": quote}, ["a", "b"])
    # (10·30 + 40·10) / (30 + 10) = 700 / 40 = 17.5 (by residents it would be 25).
    assert value(out, "quote", 2020) == pytest.approx(17.5)


def test_an_area_without_a_value_in_the_selection_gives_no_value_not_zero():
    spec = IndicatorSpec(id="n", label="n", polarity="neutral", aggregate="sum")
    values = pd.DataFrame({"area_key": ["a", "b"], "indicator": "n", "year": 2020,
                           "value": [5.0, None]})
    out = combine_indicators(values, pd.Series({"a": 1.0, "b": 1.0}), {"n": spec}, ["b"])
    assert math.isnan(value(out, "n", 2020)) and value(out, "n", 2020, "areas") == 0
    assert value(out, "n", 2020, "city") == 5.0


def test_unknown_keys_are_named_and_left_out(grid_dataset):
    combined = combined_area(grid_dataset, ["02", "xx", "01", "02"], 2022)
    assert combined.keys == ("02", "01") and combined.unknown == ("xx",)
    assert combined.residents["residents"] == 3000.0
    assert split_keys([], ["a"]) == ((), ())


def test_residents_of_unknown_population_count_nothing_and_are_counted():
    out = combine_residents(pd.Series({"a": 100.0, "b": None}), ["a", "b"])
    assert out["residents"] == 100.0 and out["known"] == 1 and out["selected"] == 2


def test_offers_without_residents_have_no_rate():
    out = combine_offers(pd.DataFrame({"qm": [1]}, index=["a"]), pd.Series({"a": 0.0}), ["a"])
    assert out["sites"].tolist() == [1, 1] and out["per_1000"].isna().all()


def test_the_shown_year_takes_each_indicators_latest_value_up_to_it(grid_dataset):
    combined = combined_area(grid_dataset, THREE, 2022)
    shown = indicators_in(combined, 2022).set_index("indicator")
    assert shown.loc["alq", "year"] == 2022
    assert indicators_in(combined, None).set_index("indicator").loc["alq", "year"] == 2023


def test_the_selection_name_lives_in_the_url_and_an_empty_one_is_removed():
    state = with_selection(ViewState(), ["01", "03"], "  Mein   Quartier ")
    assert state.to_query() == "gebiete=01,03&name=Mein+Quartier"
    again = ViewState.from_query(state.to_query())
    assert again.areas == ("01", "03") and selection_name(again) == "Mein Quartier"
    assert "name=" not in with_selection(again, ["01"], "").to_query()
