"""Comparable areas and programme areas over time, on hand-made tables."""

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.programme import index_inside_outside, programme_membership, programme_years
from geodash.analysis.similar import similar_areas
from geodash.errors import ParameterError

WIDE = pd.DataFrame(
    {"alq": [10.0, 11.0, 20.0, 9.0], "sgb2": [20.0, 30.0, 21.0, 19.0]},
    index=pd.Index(["QM", "a", "b", "c"], name="area_key"),
)


def test_absolute_tolerance_keeps_areas_within_it_on_every_indicator():
    result = similar_areas(WIDE, "QM", ["alq", "sgb2"], mode="absolute", tolerance=1.5, limit=None)
    # a: sgb2 off by 10; b: alq off by 10; c: both off by 1
    assert result.index.tolist() == ["c"]


def test_percent_tolerance_is_relative_to_the_reference_value():
    result = similar_areas(WIDE, "QM", ["alq"], mode="percent", tolerance=10, limit=None)
    # ±10 % of 10.0 = ±1.0: a (11) and c (9) qualify, b (20) does not
    assert sorted(result.index) == ["a", "c"]


def test_distance_mode_ranks_by_standardised_distance():
    # z of alq: mean 12.5, SD sqrt(((2.5²+1.5²+7.5²+3.5²)/4)) = sqrt(18.25)
    result = similar_areas(WIDE, "QM", ["alq", "sgb2"], mode="distance", limit=None)
    assert result.index[0] == "c"
    sd_alq = np.sqrt(np.mean((WIDE["alq"] - 12.5) ** 2))
    mean_sgb2 = WIDE["sgb2"].mean()
    sd_sgb2 = np.sqrt(np.mean((WIDE["sgb2"] - mean_sgb2) ** 2))
    expected_c = np.hypot(1 / sd_alq, 1 / sd_sgb2)
    assert result.loc["c", "distance"] == pytest.approx(expected_c)
    assert "QM" not in result.index


def test_unknown_reference_is_a_parameter_error():
    with pytest.raises(ParameterError, match="reference"):
        similar_areas(WIDE, "nope", ["alq"])


def test_membership_sums_zone_shares_and_takes_the_earliest_year():
    shares = pd.DataFrame({"area_key": ["a", "a", "b"], "zone_id": ["z1", "z2", "z1"],
                           "share": [0.3, 0.2, 0.05]})
    zones = pd.DataFrame({"zone_id": ["z1", "z2"], "name": ["West", "Nord"],
                          "since": [2005.0, 2010.0], "until": [np.nan, 2015.0]})
    result = programme_membership(shares, zones, min_share=0.1)
    assert result.loc["a", "share"] == pytest.approx(0.5)
    assert result.loc["a", "since"] == 2005
    assert np.isnan(result.loc["a", "until"])  # z1 is still running
    assert result.loc["a", "zones"] == "Nord; West"
    assert result["covered"].to_dict() == {"a": True, "b": False}


def test_an_area_is_inside_only_in_the_years_its_zones_run_and_cover_enough():
    # a: z1 (30 %, 2005–2010) and z2 (20 %, 2012–); b: z3 without start year, 5 %
    shares = pd.DataFrame({"area_key": ["a", "a", "b"], "zone_id": ["z1", "z2", "z3"],
                           "share": [0.3, 0.2, 0.05]})
    zones = pd.DataFrame({"zone_id": ["z1", "z2", "z3"], "name": ["W", "N", "S"],
                          "since": [2005.0, 2012.0, np.nan], "until": [2010.0, np.nan, np.nan]})
    result = programme_years(shares, zones, [2004, 2008, 2011, 2013], min_share=0.1)
    a = result[result["area_key"] == "a"].set_index("year")
    assert a["share"].to_dict() == {2004: 0.0, 2008: 0.3, 2011: 0.0, 2013: 0.2}
    assert a["inside"].to_dict() == {2004: False, 2008: True, 2011: False, 2013: True}
    b = result[result["area_key"] == "b"].set_index("year")
    assert b["share"].tolist() == [0.05] * 4  # no start year: running all along
    assert not b["inside"].any()  # but 5 % is below the 10 % rule


def test_index_inside_and_outside_follow_the_programme_years():
    index = pd.DataFrame({"area_key": ["a", "b", "a", "b"], "year": [2004, 2004, 2006, 2006],
                          "status_index": [1.0, -1.0, 0.5, -0.5]})
    active = pd.DataFrame({"area_key": ["a", "a"], "year": [2004, 2006], "inside": [False, True]})
    result = index_inside_outside(index, active).set_index("year")
    assert np.isnan(result.loc[2004, "inside"])  # before the programme started
    assert result.loc[2004, "outside"] == 0.0
    assert result.loc[2006, "inside"] == 0.5
    assert result.loc[2006, "outside"] == -0.5


def test_weighted_means_leave_out_areas_without_population():
    index = pd.DataFrame({"area_key": ["a", "b", "c"], "year": [2006] * 3,
                          "status_index": [1.0, -1.0, 3.0]})
    active = pd.DataFrame({"area_key": ["c"], "year": [2006], "inside": [True]})
    pop = pd.Series({"a": 3000.0, "b": 1000.0, "c": np.nan})
    result = index_inside_outside(index, active, pop).set_index("year")
    assert result.loc[2006, "outside"] == pytest.approx((3 * 1.0 + 1 * -1.0) / 4)
    assert np.isnan(result.loc[2006, "inside"])  # c has no population
