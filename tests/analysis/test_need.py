"""Handlungsbedarf analysis by hand: dynamics since a chosen base year, indicator changes, the gap rule.

Four areas a–d, one index indicator ``alq`` (polarity need), equal populations:

======  ====  ====  ====
area    2019  2021  2023
======  ====  ====  ====
a          7     5     5
b          6     6     6
c          5     7     7
d          4     8    12
======  ====  ====  ====

With one indicator the dynamics index is the z-score of its change (population SD).

- since 2021 (the MSS default, two years): changes 0, 0, 0, 4; mean 1, SD √3 = 1.7321;
  z = −0.5774, −0.5774, −0.5774, +1.7321 → stabil, stabil, stabil, negativ.
- since 2019: changes −2, 0, 2, 8; mean 2, SD √14 = 3.7417;
  z = −1.0690, −0.5345, 0, +1.6036 → positiv, stabil, stabil, negativ.
- status 2023: 5, 6, 7, 12; mean 7.5, SD √7.25 = 2.6926;
  z = −0.9285, −0.5571, −0.1857, +1.6713 → mittel, mittel, mittel, sehr niedrig.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geodash.analysis.coverage import high_need_by_rule, need_offer_gap
from geodash.analysis.need import base_years, indicator_changes
from geodash.analysis.social_index import IndexOptions, default_base_year, social_index
from geodash.catalog import IndicatorSpec
from geodash.errors import ParameterError

KEYS = ["a", "b", "c", "d"]
VALUES = {2019: [7, 6, 5, 4], 2021: [5, 6, 7, 8], 2023: [5, 6, 7, 12]}
LONG = pd.DataFrame([{"area_key": k, "indicator": "alq", "year": y, "value": float(v)}
                     for y, row in VALUES.items() for k, v in zip(KEYS, row, strict=True)])
META = {"alq": IndicatorSpec(id="alq", label="alq", polarity="need", in_index=True)}
POP = pd.Series(1000.0, index=pd.Index(KEYS, name="key"))


def index(base: int | None = None, method: str = "mss") -> pd.DataFrame:
    return social_index(LONG, META, POP, 2023, method=method, options=IndexOptions(base_year=base))


def test_dynamics_follow_the_method_s_period_by_default():
    result = index()
    assert result["dynamics_index"].tolist() == pytest.approx([-0.5774, -0.5774, -0.5774, 1.7321],
                                                              abs=1e-4)
    assert result["dynamics_class"].tolist() == ["stabil", "stabil", "stabil", "negativ"]


def test_dynamics_since_a_chosen_base_year_by_hand():
    result = index(base=2019)
    assert result["dynamics_index"].tolist() == pytest.approx([-1.0690, -0.5345, 0.0, 1.6036],
                                                              abs=1e-4)
    assert result["dynamics_class"].tolist() == ["positiv", "stabil", "stabil", "negativ"]
    assert result["summary"].tolist() == ["mittel/positiv", "mittel/stabil", "mittel/stabil",
                                          "sehr niedrig/negativ"]


def test_the_base_year_wins_over_the_period_of_the_hamburg_method():
    # Hamburg's three years would compare with 2020, which has no values: no dynamics.
    assert index(method="hamburg")["dynamics_class"].isna().all()
    assert index(base=2019, method="hamburg")["dynamics_class"].tolist() == [
        "positiv", "stabil", "stabil", "negativ"]


def test_status_does_not_depend_on_the_base_year():
    assert index(2019)["status_index"].tolist() == pytest.approx(
        [-0.9285, -0.5571, -0.1857, 1.6713], abs=1e-4)
    assert index(2019)["status_class"].tolist() == index()["status_class"].tolist() == [
        "mittel", "mittel", "mittel", "sehr niedrig"]


def test_a_base_year_not_before_the_year_is_refused_with_the_fix():
    with pytest.raises(ParameterError, match="earlier than the year shown, 2023"):
        index(base=2023)


def test_default_base_year_is_the_method_s_period_back():
    assert default_base_year(2023, "mss", IndexOptions()) == 2021
    assert default_base_year(2023, "mss", IndexOptions(period=4)) == 2019
    assert default_base_year(2023, "hamburg", IndexOptions()) == 2020


def test_indicator_changes_say_worse_by_polarity():
    """alq (need) from 2019 to 2023: −2, 0, +2, +8; a resource indicator ``kita`` falling is worse."""
    meta = {**META, "kita": IndicatorSpec(id="kita", label="kita", polarity="resource",
                                          in_index=True)}
    kita = pd.DataFrame({"area_key": KEYS * 2, "indicator": "kita", "year": [2019] * 4 + [2023] * 4,
                         "value": [50.0, 50.0, 60.0, 70.0, 40.0, 50.0, 65.0, 70.0]})
    out = indicator_changes(pd.concat([LONG, kita]), meta, KEYS, 2023, 2019)
    assert out["change_alq"].tolist() == [-2.0, 0.0, 2.0, 8.0]
    assert out["worse_alq"].tolist() == [-1.0, 0.0, 1.0, 1.0]
    assert out["change_kita"].tolist() == [-10.0, 0.0, 5.0, 0.0]
    assert out["worse_kita"].tolist() == [1.0, 0.0, -1.0, 0.0]


def test_indicator_changes_take_the_published_change_of_the_same_years():
    meta = {**META, "d_alq": IndicatorSpec(id="d_alq", label="d", polarity="need",
                                           change_of="alq", change_years=4)}
    published = pd.DataFrame({"area_key": ["a"], "indicator": "d_alq", "year": [2023], "value": [-2.5]})
    out = indicator_changes(pd.concat([LONG, published]), meta, KEYS, 2023, 2019)
    # a: the published −2.5 (not 5 − 7 = −2); the others from the two years' values.
    assert out["change_alq"].tolist() == [-2.5, 0.0, 2.0, 8.0]


def test_base_years_are_the_earlier_years_with_index_values():
    assert base_years(LONG, META, ["alq"], 2023) == [2019, 2021]
    assert base_years(LONG, META, ["alq"], 2021) == [2019]
    assert base_years(LONG, META, ["alq"], 2019) == []


# -- the gap rule -------------------------------------------------------------------------

NEED = pd.Series({"a": 1.6, "b": 1.2, "c": 0.4, "d": -1.0})
CLASSES = pd.Series({"a": "sehr niedrig", "b": "niedrig", "c": "mittel", "d": "mittel"})
OFFERS = pd.Series({"a": 0.5, "b": 3.0, "c": 0.0, "d": 1.0})  # median 0.75


def test_high_need_by_status_class_never_includes_mittel():
    assert high_need_by_rule(NEED, CLASSES).to_dict() == {"a": True, "b": True, "c": False,
                                                          "d": False}
    assert high_need_by_rule(NEED, CLASSES, classes=["sehr niedrig"]).tolist() == [
        True, False, False, False]


def test_the_gap_by_status_class_against_the_old_quantile_rule():
    """Median need (1.2 + 0.4) / 2 = 0.8, median offers (0.5 + 1.0) / 2 = 0.75.

    Status class rule: a (sehr niedrig, 0.5 ≤ 0.75) is a gap; b (niedrig) has 3.0 offers;
    c (mittel, 0 offers) is not high need. Quantile rule: a and b are above 0.8, the same
    answer here; with the quantile at 0.25 (cut −1 + 0.75 · 1.4 = 0.05) c is high need too and a gap.
    """
    by_class = high_need_by_rule(NEED, CLASSES)
    gap = need_offer_gap(NEED, OFFERS, high_need=by_class).set_index("area_key")["gap"]
    assert gap.to_dict() == {"a": True, "b": False, "c": False, "d": False}
    low_cut = high_need_by_rule(NEED, CLASSES, rule="quantile", quantile=0.25)
    gap = need_offer_gap(NEED, OFFERS, high_need=low_cut).set_index("area_key")["gap"]
    assert gap.to_dict() == {"a": True, "b": False, "c": True, "d": False}


def test_an_unknown_gap_rule_is_refused():
    with pytest.raises(ValueError, match="expected to be one of"):
        high_need_by_rule(NEED, CLASSES, rule="median")
