"""Class breaks for choropleth maps: every scheme, missing values, breaks and bad parameters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodash.analysis.classify import SCHEMES, classify
from geodash.errors import ParameterError


def series(*values) -> pd.Series:
    return pd.Series(values, dtype=float, index=[f"a{i}" for i in range(len(values))])


@pytest.mark.parametrize(
    ("scheme", "values", "k", "breaks", "classes"),
    [
        # Equal intervals of (40 − 0) / 4 = 10.
        ("equal_interval", (0, 10, 20, 30, 40), 4, (10, 20, 30, 40), [0, 0, 1, 2, 3]),
        # Quartiles with linear interpolation: positions 1.75, 3.5, 5.25 of 1…8.
        ("quantiles", (1, 2, 3, 4, 5, 6, 7, 8), 4, (2.75, 4.5, 6.25, 8), [0, 0, 1, 1, 2, 2, 3, 3]),
        # Three obvious clusters.
        ("natural_breaks", (1, 2, 3, 10, 11, 12, 20, 21, 22), 3, (3, 12, 22),
         [0, 0, 0, 1, 1, 1, 2, 2, 2]),
        # Three classes of one sample standard deviation s = √(32/7) ≈ 2.138, the middle one
        # centred on the mean 5: breaks 5 ± s/2 (3.931, 6.069), then the maximum.
        ("std_mean", (2, 4, 4, 4, 5, 5, 7, 9), 3,
         (5 - math.sqrt(32 / 7) / 2, 5 + math.sqrt(32 / 7) / 2, 9), [0, 1, 1, 1, 1, 1, 2, 2]),
    ],
)
def test_each_scheme_gives_the_breaks_computed_by_hand(scheme, values, k, breaks, classes):
    result = classify(series(*values), scheme, k)

    assert result.scheme == scheme
    assert result.breaks == pytest.approx(breaks)
    assert result.classes.tolist() == classes
    assert result.counts == tuple(classes.count(i) for i in range(len(breaks)))
    assert result.lower == min(values)
    assert result.k == len(breaks)


@pytest.mark.parametrize("scheme", [*SCHEMES, "manual"])
def test_missing_values_get_class_minus_one_and_stay_out_of_breaks(scheme):
    values = series(1, np.nan, 2, 3, 4, 100, np.nan, 5)

    result = classify(values, scheme, 3, breaks=[2, 4] if scheme == "manual" else None)

    assert result.classes[values.isna()].tolist() == [-1, -1]
    assert (result.classes[values.notna()] >= 0).all()
    assert sum(result.counts) == 6
    assert result.breaks[-1] == 100
    assert result.lower == 1


def test_value_exactly_at_a_break_goes_to_the_lower_class():
    result = classify(series(0, 10, 10.000001, 20, 30, 40), "equal_interval", 4)

    assert result.breaks == (10, 20, 30, 40)
    assert result.classes.tolist() == [0, 0, 1, 1, 2, 3]


def test_manual_breaks_are_upper_bounds_and_the_last_class_reaches_the_maximum():
    result = classify(series(1, 5, 6, 10, 15, np.nan), "manual", breaks=[10, 5])

    assert result.scheme == "manual"
    assert result.breaks == (5, 10, 15)
    assert result.classes.tolist() == [0, 0, 1, 1, 2, -1]
    assert result.counts == (2, 2, 1)


def test_manual_breaks_above_the_maximum_keep_empty_classes():
    result = classify(series(1, 5), "manual", breaks=[5, 10, 20])

    assert result.breaks == (5, 10, 20)
    assert result.counts == (2, 0, 0)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_fewer_distinct_values_than_k_give_one_class_per_value(scheme):
    result = classify(series(3, 1, 1, 3, 2, 3), scheme, 5)

    assert result.breaks == (1, 2, 3)
    assert result.classes.tolist() == [2, 0, 0, 2, 1, 2]
    assert result.counts == (2, 1, 3)


def test_all_values_missing_give_no_classes():
    result = classify(series(np.nan, np.nan), "quantiles", 5)

    assert (result.breaks, result.counts, result.k) == ((), (), 0)
    assert result.classes.tolist() == [-1, -1]
    assert math.isnan(result.lower)


def test_classes_keep_the_index_of_the_values():
    values = pd.Series([3.0, 1.0], index=["04", "01"])

    assert classify(values, "quantiles", 2).classes.index.tolist() == ["04", "01"]


@pytest.mark.parametrize("name", ["Natural Breaks", "natural-breaks", "EQUAL_INTERVAL", "Quantiles"])
def test_scheme_names_are_normalised(name):
    assert classify(series(1, 2, 3, 4, 5, 6), name, 2).scheme == name.lower().replace(
        " ", "_").replace("-", "_")


@pytest.mark.parametrize("scheme", ["jenks", "box_plot", ""])
def test_unknown_scheme_is_a_parameter_error_listing_the_schemes(scheme):
    with pytest.raises(ParameterError) as info:
        classify(series(1, 2, 3), scheme)

    assert "quantiles" in info.value.problem and "manual" in info.value.problem


@pytest.mark.parametrize("k", [0, 1, 10])
def test_k_outside_2_to_9_is_a_parameter_error(k):
    with pytest.raises(ParameterError, match="between 2 and 9"):
        classify(series(1, 2, 3), "quantiles", k)


@pytest.mark.parametrize("breaks", [None, []])
def test_manual_scheme_without_breaks_is_a_parameter_error(breaks):
    with pytest.raises(ParameterError, match="needs `breaks`"):
        classify(series(1, 2, 3), "manual", breaks=breaks)


values_with_gaps = st.lists(
    st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(values=values_with_gaps, scheme=st.sampled_from(sorted(SCHEMES)),
       k=st.integers(min_value=2, max_value=9))
def test_counts_sum_to_the_non_missing_values_and_classes_follow_the_values(values, scheme, k):
    data = pd.Series(values, dtype=float)

    result = classify(data, scheme, k)

    valid = data.notna()
    assert sum(result.counts) == int(valid.sum())
    assert (result.classes[~valid] == -1).all()
    if valid.any():
        assert list(result.breaks) == sorted(result.breaks)
        assert result.breaks[-1] >= data.max()
        order = data[valid].sort_values(kind="stable").index
        assert result.classes[order].is_monotonic_increasing


def sgb2_like() -> pd.Series:
    """Seventeen rates with mean 10 and a right tail, like an SGB-II-Quote across districts."""
    return series(2.0, 3.5, 4.0, 5.0, 6.0, 7.0, 7.5, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 15.0, 17.0,
                  20.0, 20.0)


@pytest.mark.parametrize("k", range(2, 10))
def test_std_mean_gives_the_requested_classes_within_the_data_range(k):
    values = sgb2_like()

    result = classify(values, "std_mean", k)

    assert result.k == k
    assert result.lower == 2.0  # the first class starts at the minimum: no negative rate
    assert all(b > 2.0 for b in result.breaks)
    assert result.breaks[-1] == 20.0
    assert sum(result.counts) == 17


def test_std_mean_breaks_are_hand_computed_steps_around_the_mean():
    # 1 … 9 (nine values): mean 5, sample SD √(60/8) ≈ 2.7386.
    values = series(*range(1, 10))
    sd = math.sqrt(60 / 8)

    five = classify(values, "std_mean", 5)
    seven = classify(values, "std_mean", 7)

    # Five classes of one SD would reach 5 ± 1½ SD = 0.89 … 9.11, beyond 1…9; half an SD fits:
    # breaks at 5 ± ¼ SD and 5 ± ¾ SD (2.95, 4.32, 5.68, 7.05).
    assert five.breaks == pytest.approx(
        (5 - 0.75 * sd, 5 - 0.25 * sd, 5 + 0.25 * sd, 5 + 0.75 * sd, 9))
    assert five.counts == (2, 2, 1, 2, 2)
    # Seven classes of one SD would reach 5 ± 2½ SD = −1.8 … 11.8, outside the data:
    # half an SD fits (5 ± 1¼ SD = 1.58 … 8.42).
    assert seven.breaks == pytest.approx(
        tuple(5 + m * sd for m in (-1.25, -0.75, -0.25, 0.25, 0.75, 1.25)) + (9,))
    assert seven.counts == (1, 1, 2, 1, 2, 1, 1)
