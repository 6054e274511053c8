"""The MSS-style social index, checked against z-scores and classes computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.social_index import (
    DYNAMICS_CLASSES,
    STATUS_CLASSES,
    IndexOptions,
    classify_by_thresholds,
    social_index,
    zscores,
)
from geodash.catalog import IndicatorSpec
from geodash.errors import ParameterError

KEYS = ["A", "B", "C", "D", "E"]


def spec(ind_id, polarity="need", weight=1.0, in_index=True):
    return IndicatorSpec(id=ind_id, label=ind_id, polarity=polarity, weight=weight, in_index=in_index)


def long(values: dict[str, list[float]], year: int) -> pd.DataFrame:
    rows = [
        {"area_key": k, "indicator": ind, "year": year, "value": v}
        for ind, vals in values.items()
        for k, v in zip(KEYS, vals, strict=True)
        if v is not None
    ]
    return pd.DataFrame(rows)


POP = pd.Series([1000.0] * 5, index=KEYS)


def test_zscores_use_the_population_standard_deviation():
    # mean 6, population SD sqrt(8): z = (x - 6) / 2.8284
    z = zscores(pd.Series([2.0, 4, 6, 8, 10], index=KEYS))
    assert z.round(4).tolist() == [-1.4142, -0.7071, 0.0, 0.7071, 1.4142]


def test_population_weighted_zscores_weight_mean_and_spread():
    # weighted mean (3*1 + 1*3)/4 = 1.5; variance (3*0.25 + 1*2.25)/4 = 0.75
    z = zscores(pd.Series([1.0, 3.0], index=["a", "b"]), weights=pd.Series([3.0, 1.0], index=["a", "b"]))
    assert z["a"] == pytest.approx(-0.5 / math.sqrt(0.75))
    assert z["b"] == pytest.approx(1.5 / math.sqrt(0.75))


def test_reference_set_defines_mean_and_spread_for_all_areas():
    values = pd.Series([2.0, 4.0, 100.0], index=["a", "b", "c"])
    z = zscores(values, reference=pd.Series([True, True, False], index=["a", "b", "c"]))
    # reference mean 3, SD 1: the outlier is measured against it, not part of it
    assert z.tolist() == [-1.0, 1.0, 97.0]


def test_one_outlier_gets_status_sehr_niedrig_and_the_rest_mittel():
    # x = 1,1,1,1,6: mean 2, SD 2 -> z = -0.5 x4 and 2.0
    result = social_index(long({"x": [1, 1, 1, 1, 6]}, 2023), {"x": spec("x")}, POP, 2023)
    assert result["status_index"].round(6).tolist() == [-0.5, -0.5, -0.5, -0.5, 2.0]
    assert result["status_class"].tolist() == ["mittel"] * 4 + ["sehr niedrig"]


def test_resource_indicators_count_against_need_and_combine_by_mean():
    # need x = 2..10 and resource y = 9..1 give identical signed z: ±1.4142, ±0.7071, 0
    meta = {"x": spec("x"), "y": spec("y", polarity="resource")}
    data = long({"x": [2, 4, 6, 8, 10], "y": [9, 7, 5, 3, 1]}, 2023)
    result = social_index(data, meta, POP, 2023)
    assert result["z_y"].round(4).tolist() == [-1.4142, -0.7071, 0.0, 0.7071, 1.4142]
    assert result["status_raw"].round(4).tolist() == [-1.4142, -0.7071, 0.0, 0.7071, 1.4142]
    assert result["status_class"].tolist() == ["hoch", "mittel", "mittel", "mittel", "niedrig"]


def test_weights_shift_the_index_towards_the_heavier_indicator():
    # x z = [-1.4142, -0.7071, 0, 0.7071, 1.4142], y constant except E: z_y = [-0.5]*4 + [2]
    meta = {"x": spec("x", weight=3.0), "y": spec("y", weight=1.0)}
    data = long({"x": [2, 4, 6, 8, 10], "y": [1, 1, 1, 1, 6]}, 2023)
    raw = social_index(data, meta, POP, 2023)["status_raw"]
    expected = (3 * np.array([-1.41421356, -0.70710678, 0, 0.70710678, 1.41421356])
                + np.array([-0.5, -0.5, -0.5, -0.5, 2.0])) / 4
    np.testing.assert_allclose(raw.to_numpy(), expected, atol=1e-6)


def test_dynamics_compare_with_the_year_two_before_and_flag_the_worsening_area():
    # change 2021 -> 2023: 0,0,0,0,4 -> mean 0.8, SD 1.6 -> z = -0.5 x4, 2.0
    data = pd.concat([long({"x": [2, 4, 6, 8, 10]}, 2021), long({"x": [2, 4, 6, 8, 14]}, 2023)])
    result = social_index(data, {"x": spec("x")}, POP, 2023)
    assert result["dynamics_index"].round(6).tolist() == [-0.5, -0.5, -0.5, -0.5, 2.0]
    assert result["dynamics_class"].tolist() == ["stabil"] * 4 + ["negativ"]
    assert result.loc["E", "summary"] == f"{result.loc['E', 'status_class']}/negativ"


def test_hamburg_method_takes_three_years_of_dynamics():
    data = pd.concat([long({"x": [2, 4, 6, 8, 10]}, 2020), long({"x": [2, 4, 6, 8, 14]}, 2023)])
    mss = social_index(data, {"x": spec("x")}, POP, 2023, method="mss")
    hamburg = social_index(data, {"x": spec("x")}, POP, 2023, method="hamburg")
    assert mss["dynamics_class"].isna().all()  # no 2021 values: no dynamics
    assert hamburg["dynamics_class"].tolist() == ["stabil"] * 4 + ["negativ"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-1.0001, "hoch"), (-1.0, "mittel"), (1.0, "mittel"), (1.0001, "niedrig"),
     (1.5, "niedrig"), (1.5001, "sehr niedrig")],
)
def test_status_values_exactly_at_a_threshold_go_to_the_class_nearer_the_middle(value, expected):
    assert classify_by_thresholds(pd.Series([value]), (-1, 1, 1.5), STATUS_CLASSES)[0] == expected


@pytest.mark.parametrize(("value", "expected"), [(-1.0, "stabil"), (1.0, "stabil"), (-1.01, "positiv"),
                                                 (1.01, "negativ")])
def test_dynamics_thresholds_are_inclusive_towards_stabil(value, expected):
    assert classify_by_thresholds(pd.Series([value]), (-1, 1), DYNAMICS_CLASSES)[0] == expected


def test_missing_value_uses_the_indicators_the_area_has():
    meta = {"x": spec("x"), "y": spec("y")}
    data = long({"x": [2, 4, 6, 8, 10], "y": [1, 1, 1, None, 6]}, 2023)
    result = social_index(data, meta, POP, 2023)
    # D has no y: its raw index is its x z-score alone
    assert result.loc["D", "status_raw"] == pytest.approx(0.70710678)
    assert result["status_class"].notna().all()


def test_areas_below_min_population_get_no_index_and_do_not_shift_the_others():
    pop = pd.Series([1000.0, 1000, 1000, 1000, 50], index=KEYS)
    data = long({"x": [2, 4, 6, 8, 1000]}, 2023)
    result = social_index(data, {"x": spec("x")}, pop, 2023, options=IndexOptions(min_population=300))
    assert math.isnan(result.loc["E", "status_index"])
    assert pd.isna(result.loc["E", "status_class"])
    # the other four: mean 5, SD sqrt(5) -> z = -1.3416, -0.4472, 0.4472, 1.3416
    assert result["status_index"].dropna().round(4).tolist() == [-1.3416, -0.4472, 0.4472, 1.3416]


def test_unknown_method_is_a_parameter_error():
    with pytest.raises(ParameterError, match="method"):
        social_index(long({"x": [1, 2, 3, 4, 5]}, 2023), {"x": spec("x")}, POP, 2023, method="bremen")


def test_no_index_indicator_is_a_parameter_error_with_a_fix():
    with pytest.raises(ParameterError, match="in_index"):
        social_index(long({"x": [1, 2, 3, 4, 5]}, 2023), {"x": spec("x", in_index=False)}, POP, 2023)
