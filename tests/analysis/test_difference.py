"""The change between two years and its diverging classes, checked against hand-computed values.

The 2×2 grid's unemployment rate (``alq``) is 5.0 / 10.0 / 15.0 / 20.0 % in 2022 and
4.0 / 8.0 / 16.0 / 22.5 % in 2023 (Nordwest, Nordost, Südwest, Südost); ``kinder``
has no value for Nordost in 2023.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.difference import difference, diverging_classes, symmetric_bounds
from geodash.errors import ParameterError

KEYS = ["01", "02", "03", "04"]


def values(dataset, indicator: str, year: int) -> pd.Series:
    table = dataset.indicators
    part = table[(table["indicator"] == indicator) & (table["year"] == year)]
    return part.set_index("area_key")["value"].astype(float).reindex(KEYS)


def test_the_change_is_year_b_minus_year_a_per_area(grid_dataset):
    change = difference(values(grid_dataset, "alq", 2022), values(grid_dataset, "alq", 2023))
    # 4 − 5 = −1; 8 − 10 = −2; 16 − 15 = +1; 22.5 − 20 = +2.5 (percentage points)
    assert change.reindex(KEYS).tolist() == pytest.approx([-1.0, -2.0, 1.0, 2.5])


def test_an_area_missing_in_either_year_has_no_change_not_zero(grid_dataset):
    change = difference(values(grid_dataset, "kinder", 2022), values(grid_dataset, "kinder", 2023))
    # Nordost: 300 children in 2022, no value in 2023 → no change can be told.
    assert np.isnan(change["02"])
    assert change[["01", "03", "04"]].tolist() == [-100.0, 50.0, 100.0]  # 1100−1200, 500−450, 2100−2000


def test_an_area_only_one_year_knows_is_kept_as_missing():
    change = difference(pd.Series({"01": 1.0, "09": 2.0}), pd.Series({"01": 3.0}))
    assert change.index.tolist() == ["01", "09"] and change["01"] == 2.0 and np.isnan(change["09"])


def test_bounds_are_symmetric_around_zero_and_reach_the_largest_change():
    change = pd.Series([-1.0, -2.0, 1.0, 2.5])
    # Largest magnitude 2.5. Five classes: half width 2.5 / 5 = 0.5 → ±0.5, ±1.5, ±2.5.
    assert symmetric_bounds(change, 5).tolist() == [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]
    # Three classes: half width 2.5 / 3 = 0.833… rounded up to one decimal = 0.9 → ±0.9, ±2.7.
    assert symmetric_bounds(change, 3).tolist() == [-2.7, -0.9, 0.9, 2.7]
    # Four classes: width 2 · 2.5 / 4 = 1.25 rounded up to 1.3; 0 is a bound.
    assert symmetric_bounds(change, 4).tolist() == [-2.6, -1.3, 0.0, 1.3, 2.6]
    # Whole numbers (decimals 0): half width 100 / 5 = 20 → ±20, ±60, ±100.
    assert symmetric_bounds(pd.Series([-100.0, 50.0, 100.0]), 5, 0).tolist() == [
        -100, -60, -20, 20, 60, 100]


def test_quantile_bounds_give_each_step_about_as_many_areas_and_stay_symmetric():
    change = pd.Series([-1.0, -2.0, 1.0, 2.5])
    # Magnitudes sorted 1, 1, 2, 2.5; linear quantiles at ⅓ and ⅔: positions 1 and 2 → 1.0, 2.0.
    assert symmetric_bounds(change, 5, scheme="quantiles").tolist() == [
        -2.5, -2.0, -1.0, 1.0, 2.0, 2.5]
    # One outlier does not press the others into the middle: 0.1 … 0.6 and one change of 40.
    spread = pd.Series([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 40.0])
    # Magnitudes 0.1 … 0.6, 40: ⅓ quantile at position 2 = 0.3, ⅔ at position 4 = 0.5.
    c = diverging_classes(spread, 5, 1, "quantiles")
    assert (c.lower, *c.breaks) == (-40.0, -0.5, -0.3, 0.3, 0.5, 40.0)
    assert c.classes.tolist() == [2, 2, 2, 1, 3, 0, 4]
    # Many unchanged areas: the middle class is at least one step of the last digit wide.
    assert symmetric_bounds(pd.Series([0.0, 0.0, 0.0, 0.2, -0.3]), 3, scheme="quantiles").tolist() == [
        -0.3, -0.1, 0.1, 0.3]


def test_an_unknown_scheme_is_refused_with_the_known_ones():
    with pytest.raises(ParameterError, match="equal_interval"):
        symmetric_bounds(pd.Series([1.0]), 5, scheme="jenks")


def test_each_change_falls_in_its_class_and_mirrored_changes_in_mirrored_classes():
    # Bounds −2.5, −1.5, −0.5, 0.5, 1.5, 2.5 (see above).
    c = diverging_classes(pd.Series([-1.0, -2.0, 1.0, 2.5]), 5)
    assert c.classes.tolist() == [1, 0, 3, 4]
    assert c.breaks == (-1.5, -0.5, 0.5, 1.5, 2.5) and c.lower == -2.5 and c.scheme == "diverging"
    assert c.counts == (1, 1, 0, 1, 1)
    # On a bound a change belongs to the class nearer 0, on both sides alike.
    mirrored = diverging_classes(pd.Series([-2.5, -0.5, 0.0, 0.5, 2.5]), 5)
    assert mirrored.classes.tolist() == [0, 2, 2, 2, 4]


def test_missing_changes_stay_out_of_the_classes():
    c = diverging_classes(pd.Series([np.nan, 1.0, -1.0]), 3)
    assert c.classes.tolist() == [-1, 2, 0] and sum(c.counts) == 2


def test_no_change_anywhere_is_one_class_of_zero():
    c = diverging_classes(pd.Series([0.0, 0.0, np.nan]), 5)
    assert c.breaks == (0.0,) and c.classes.tolist() == [0, 0, -1] and c.counts == (2,)


def test_nothing_to_classify_gives_no_classes():
    c = diverging_classes(pd.Series([np.nan, np.nan]), 5)
    assert c.breaks == () and c.classes.tolist() == [-1, -1]


def test_a_bad_number_of_classes_is_refused_with_the_allowed_range():
    with pytest.raises(ParameterError, match="between 2 and 9"):
        symmetric_bounds(pd.Series([1.0]), 1)


def test_demo_unemployment_change_2019_to_2023_in_five_symmetric_classes():
    """Ludwigshafen demo, geodata/indikatoren.csv, Arbeitslosenquote (%).

    Friesenheim 9.5 → 10.6 (+1.1, the largest change of the 17 districts), Oppau
    7.9 → 7.0 (−0.9), Mitte 13.1 → 13.1 (0.0), Süd 11.7 → 11.4 (−0.3). Five classes: half
    width 1.1 / 5 = 0.22, rounded up to 0.3 → bounds ±0.3, ±0.9, ±1.5. Oppau's −0.9 lies on a
    bound and goes to the class nearer 0 (class 1), as Süd's −0.3 goes to the middle.
    """
    from geodash.workspace import load_workspace

    demo = load_workspace()
    table = demo.indicators[demo.indicators["indicator"] == "alq"]

    def year(y):
        return table[table["year"] == y].set_index("area_key")["value"].astype(float)

    change = difference(year(2019), year(2023))
    assert change["05"] == pytest.approx(1.1) and change["06"] == pytest.approx(-0.9)
    assert change["01"] == pytest.approx(0.0) and change["02"] == pytest.approx(-0.3)
    c = diverging_classes(change, 5)
    assert (c.lower, *c.breaks) == (-1.5, -0.9, -0.3, 0.3, 0.9, 1.5)
    assert c.classes[["05", "06", "01", "02"]].tolist() == [4, 1, 2, 2]
    # Falls of 0.4 and 0.9 (Melm, Oppau); nine within ±0.3; five rises of 0.5–0.7; Friesenheim.
    assert c.counts == (0, 2, 9, 5, 1)
