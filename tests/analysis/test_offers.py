"""The nearest offers: straight-line distances checked by hand, filters, and missing fields."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geodash.analysis.offers import missing_fields, nearest_offers

X0, Y0 = 456_000, 5_480_000


@pytest.fixture
def offers() -> gpd.GeoDataFrame:
    # (id, name, category, dx, dy, target group, languages, cost, start, end)
    rows = [
        ("a", "Beratung Nord", "mbe", 300, 400, "familien", "de,tr", "kostenlos", 2010, np.nan),
        ("b", "Kurs Ost", "ik", 1000, 0, "erwachsene", "de", "5 €", 2010, np.nan),
        ("c", "Beratung Süd", "mbe", 0, -600, "familien,frauen", "tr,ar", "", 2010, np.nan),
        ("d", "Altes Projekt", "mbe", 10, 0, "familien", "tr", "kostenlos", 2000, 2011),
        ("e", "Treff West", "treff", -1200, -500, "", "ar", "0 €", np.nan, np.nan),
    ]
    return gpd.GeoDataFrame(
        {"site_id": [r[0] for r in rows], "name": [r[1] for r in rows], "category": [r[2] for r in rows],
         "target_group": [r[5] for r in rows], "languages": [r[6] for r in rows],
         "cost": [r[7] for r in rows], "start": [r[8] for r in rows], "end": [r[9] for r in rows],
         "address": ["", "Oststr. 1", "Südstr. 2", "", "Weststr. 3"],
         "contact": ["", "", "", "", ""], "phone": ["0621 1", "", "", "", ""],
         "opening_hours": ["Mo 9–12", "", "", "", "Di"]},
        geometry=gpd.points_from_xy([X0 + r[3] for r in rows], [Y0 + r[4] for r in rows]),
        crs="EPSG:25832")


def test_offers_come_nearest_first_with_their_straight_line_distance(offers):
    found = nearest_offers(offers, X0, Y0, year=2024)
    # Pythagoras: a 3-4-5 triangle of 500 m, 600 m, 1000 m, and sqrt(1200² + 500²) = 1300 m.
    assert found["site_id"].tolist() == ["a", "c", "b", "e"]
    assert found["distance_m"].tolist() == pytest.approx([500.0, 600.0, 1000.0, 1300.0])


def test_an_offer_that_ended_is_not_listed(offers):
    assert "d" not in nearest_offers(offers, X0, Y0, year=2024)["site_id"].tolist()
    assert nearest_offers(offers, X0, Y0, year=2011)["site_id"].iloc[0] == "d"


def test_free_turkish_counselling_for_families(offers):
    found = nearest_offers(offers, X0, Y0, year=2024, categories=["mbe"], language="tr",
                           target_group="familien", free_only=True)
    assert found["site_id"].tolist() == ["a"]


def test_filters_combine_and_the_limit_holds(offers):
    assert nearest_offers(offers, X0, Y0, year=2024, language="ar")["site_id"].tolist() == ["c", "e"]
    assert nearest_offers(offers, X0, Y0, year=2024, free_only=True)["site_id"].tolist() == ["a", "e"]
    assert nearest_offers(offers, X0, Y0, year=2024, limit=2)["site_id"].tolist() == ["a", "c"]
    assert nearest_offers(offers, X0, Y0, year=2024, categories=["nothing"]).empty


def test_the_origin_may_be_anywhere(offers):
    found = nearest_offers(offers, X0 + 1000, Y0 + 0, year=2024)
    assert found["site_id"].iloc[0] == "b" and found["distance_m"].iloc[0] == 0.0
    assert found["distance_m"].iloc[1] == pytest.approx(math.hypot(700, 400))


def test_missing_fields_name_what_each_offer_lacks(offers):
    lacks = missing_fields(offers).set_index("site_id")["missing"].to_dict()
    assert lacks["a"] == ["address"]
    assert lacks["b"] == ["contact", "opening_hours"]
    assert lacks["e"] == ["contact", "target_group"]


def test_missing_fields_of_a_layer_without_optional_columns():
    sites = pd.DataFrame({"site_id": ["x"], "name": ["X"], "category": ["qm"], "address": ["A 1"],
                          "contact": ["x@example.org"]})
    assert missing_fields(sites)["missing"].tolist() == [["opening_hours", "languages", "target_group",
                                                           "cost"]]


def test_an_offer_for_everyone_matches_every_target_group(offers):
    offers.loc[offers["site_id"] == "b", "target_group"] = "alle"
    found = nearest_offers(offers, X0, Y0, year=2024, target_group="frauen")
    assert found["site_id"].tolist() == ["c", "b"]
