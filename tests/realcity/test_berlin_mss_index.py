"""geodash's MSS index against the classes Berlin publishes, on the tables alone.

The index functions are fed straight from the published tables here; the
workspace tests (test_berlin_today.py, test_berlin_target.py) do the same
through the whole load. The MSS 2021 tables are exactly as FIS-Broker exports
them; their 542 planning areas (LOR from 2021) have no boundaries in the data
folder, so they are checked here only.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from geodash.analysis.social_index import IndexOptions, social_index
from geodash.catalog import IndicatorSpec, parse_spec
from tests.realcity.berlin import (
    MSS2019_CHANGE,
    MSS2019_STATUS,
    agreement,
    published_classes_2019,
    published_classes_2021,
)
from tests.realcity.conftest import HERE, skip_unless_issue_10_keys

MSS_OPTIONS = IndexOptions(min_population=300)  # as layers/workspace.toml says


def index_from_published_changes(table: pd.DataFrame, key: str, residents: str,
                                 status: dict[str, str], change: dict[str, str], year: int):
    """The MSS index from current shares and their published two-year changes.

    The earlier year is rebuilt as share − change: what ``change_of`` does in a spec.
    """
    keys = table[key]
    frames = []
    for ind, column in status.items():
        now = pd.to_numeric(table[column])
        frames.append(pd.DataFrame({"area_key": keys, "indicator": ind, "year": year, "value": now}))
        before = now - pd.to_numeric(table[change[ind]])
        frames.append(pd.DataFrame({"area_key": keys, "indicator": ind, "year": year - 2,
                                    "value": before}))
    meta = {ind: IndicatorSpec(id=ind, label=ind, polarity="need", in_index=True) for ind in status}
    population = pd.Series(pd.to_numeric(table[residents]).to_numpy(), index=keys)
    return social_index(pd.concat(frames, ignore_index=True), meta, population, year,
                        options=MSS_OPTIONS)


@pytest.fixture(scope="module")
def mss2021(realcity_geodata):
    # "-9999" is "no value" (missing = ["-9999"]); 202012 is December 2020 (year_format = "YYYYMM").
    table = pd.read_csv(realcity_geodata / "mss_2021_index_indikatoren.csv",
                        dtype={"PLR_ID": str, "BEZ_ID": str}, na_values=["-9999"])
    year = int(table["ZEIT"].iloc[0]) // 100
    cols = {"s1": "S1", "s3": "S3", "s4": "S4"}
    return index_from_published_changes(table, "PLR_ID", "EW", cols,
                                        {i: "D" + c[1:] for i, c in cols.items()}, year)


def test_mss2021_export_writes_missing_as_minus_9999_and_years_as_date_codes(realcity_geodata):
    with open(realcity_geodata / "mss_2021_index_indikatoren.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 542
    assert {r["ZEIT"] for r in rows} == {"202012"}
    sentinel = [r for r in rows if r["S1"] == "-9999"]
    assert len(sentinel) == 6
    assert all(r["KOM"].startswith("ungültig") for r in sentinel)
    assert all(r["PLR_ID"].isdigit() and len(r["PLR_ID"]) == 8 for r in rows)


def test_mss2021_status_and_dynamics_agree_with_every_published_class(mss2021, realcity_geodata):
    both = agreement(mss2021, published_classes_2021(realcity_geodata))
    assert len(both) == 536
    assert both["status_agrees"].all()
    assert both["dynamics_agrees"].all()


def test_mss2021_leaves_out_exactly_the_areas_the_mss_marks_invalid(mss2021, realcity_geodata):
    published = published_classes_2021(realcity_geodata)
    classed = set(mss2021.index[mss2021["status_class"].notna()])
    assert classed == set(published.index)


def test_mss2019_agrees_exactly_without_the_two_areas_the_mss_leaves_out(realcity_geodata):
    table = pd.read_csv(realcity_geodata / "mss_2019_index_indikatoren_plr.csv", dtype={"id": str})
    published = published_classes_2019(realcity_geodata)
    # Stadion Wilmersdorf (353 residents) and Gewerbegebiet Bitterfelder Straße (1,330) have
    # no MSS class; the CSV writes their shares as 0, which widens the spread of the rest.
    left_out = table[(table["inhabitants"] >= 300) & ~table["id"].isin(published.index)]
    assert sorted(left_out["id"]) == ["04041239", "10010203"]
    assert (left_out[list(MSS2019_STATUS.values())] == 0).all().all()
    computed = index_from_published_changes(table[~table["id"].isin(left_out["id"])], "id",
                                            "inhabitants", MSS2019_STATUS, MSS2019_CHANGE, 2018)
    both = agreement(computed, published)
    assert len(both) == 436
    assert both["status_agrees"].all()
    assert both["dynamics_agrees"].all()


def test_mss2021_spec_declares_sentinels_date_codes_and_changes():
    spec = skip_unless_issue_10_keys(parse_spec, HERE / "layers_2021" / "mss2021.toml")
    assert spec.columns.year == "ZEIT"
    changes = {ind.id: ind.change_of for ind in spec.indicators if getattr(ind, "change_of", None)}
    assert changes == {"d1": "s1", "d3": "s3", "d4": "s4"}
