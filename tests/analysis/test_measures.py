"""Derived measures: the registry, values, named MSS classes and a district's coverage, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.measures import (
    NAMED_CLASSES,
    STATUS_INDEX,
    area_coverage,
    class_ranges,
    derived_measures,
    measure_values,
    named_classes,
    share_measure,
)
from geodash.analysis.social_index import IndexOptions, index_over_years, stack_years
from geodash.catalog import RESERVED_INDICATOR_IDS, RESERVED_INDICATOR_PREFIXES
from geodash.export.layers import district_analysis


@pytest.mark.parametrize(("index", "sites", "ids"), [
    (True, True, ["status_index", "dynamics_index", "per1000_total", "share500_any",
                  "share1000_any"]),
    (True, False, ["status_index", "dynamics_index"]),
    (False, True, ["per1000_total", "share500_any", "share1000_any"]),
    (False, False, []),
])
def test_the_registry_offers_what_the_workspace_can_compute(index, sites, ids):
    assert list(derived_measures(index=index, sites=sites, distances=[500, 1000])) == ids


def test_measure_ids_can_never_be_indicator_ids():
    # The catalog reserves the analysis columns, so a measure never shadows an indicator.
    for measure in derived_measures(index=True, sites=True, distances=[300, 750]).values():
        assert measure.id in RESERVED_INDICATOR_IDS or RESERVED_INDICATOR_PREFIXES.match(measure.id)


def test_share_measures_follow_the_workspace_distances():
    measure = share_measure(750)
    assert (measure.id, measure.unit, measure.polarity, measure.scale) == (
        "share750_any", "%", "resource", 100.0)
    assert measure.label.get("en") == "Residents ≤ 750 m from an offer"
    assert share_measure(1000).label.de == "Anteil Bewohner ≤ 1.000 m von einem Angebot"


def test_measure_values_scale_shares_to_percent_and_miss_politely():
    frame = pd.DataFrame({"share500_any": [0.25, np.nan], "status_index": [1.5, -0.5]},
                         index=pd.Index(["a", "b"], name="area_key"))
    assert measure_values(frame, share_measure(500)).tolist()[0] == 25.0
    assert math.isnan(measure_values(frame, share_measure(500)).tolist()[1])
    assert measure_values(frame, STATUS_INDEX).tolist() == [1.5, -0.5]
    assert measure_values(frame, share_measure(1000)).isna().all()  # no such column


def test_class_ranges_follow_the_thresholds():
    assert class_ranges((-1.0, 1.0, 1.5)) == [(-math.inf, -1.0), (-1.0, 1.0), (1.0, 1.5),
                                              (1.5, math.inf)]


def test_named_classes_keep_every_class_and_leave_missing_out():
    frame = pd.DataFrame({
        "status_index": [-1.2, 0.3, 1.2, np.nan, 0.9],
        "status_class": ["hoch", "mittel", "niedrig", None, "mittel"],
    }, index=pd.Index(list("abcde"), name="area_key"))
    classes = named_classes(frame, STATUS_INDEX, (-1.0, 1.0, 1.5))
    assert classes.classes.tolist() == [0, 1, 2, -1, 1]
    assert classes.counts == (1, 2, 1, 0)  # "sehr niedrig" stays in the legend, empty
    assert classes.breaks == (-1.0, 1.0, 1.5, 1.5) and classes.lower == -1.2
    assert NAMED_CLASSES["status"].labels[-1] == "sehr niedrig"
    assert named_classes(frame, share_measure(500), (0.0,)) is None


def test_area_coverage_per_category_and_all_together():
    coverage = pd.DataFrame({"area_key": ["a", "a", "b"], "category": ["qm", "kurs", "qm"],
                             "count": [1, 2, 0], "per_1000": [0.5, 1.0, 0.0]})
    access = pd.DataFrame({"area_key": ["a", "a", "a"], "category": ["any", "kurs", "qm"],
                           "mean_distance": [100.0, 300.0, 200.0],
                           "share_500": [0.9, 0.6, 0.8]})
    table = area_coverage(coverage, access, "a", ["qm", "kurs"])
    assert table["category"].tolist() == ["qm", "kurs", "any"]
    assert table["count"].tolist() == [1, 2, 3]
    assert table["per_1000"].tolist() == [0.5, 1.0, 1.5]
    assert table["mean_distance"].tolist() == [200.0, 300.0, 100.0]
    assert table["share_500"].tolist() == [0.8, 0.6, 0.9]
    nothing = area_coverage(coverage, access, "b", ["qm", "kurs"])
    assert nothing["count"].tolist() == [0, 0, 0] and nothing["mean_distance"].isna().all()


def test_the_index_in_the_district_analysis_equals_index_over_years_with_the_workspace_options(grid_dataset):
    years = [2022, 2023]
    ours = stack_years({y: district_analysis(grid_dataset, y) for y in years})
    settings = grid_dataset.settings.index
    theirs = index_over_years(grid_dataset.indicators, grid_dataset.indicator_meta,
                              grid_dataset.areas.set_index("key")["population"], years,
                              method=settings.method, options=IndexOptions.from_settings(settings))
    pd.testing.assert_frame_equal(ours, theirs)
