"""The offline address search: normalisation, parsing, fuzzy street match, then the house number."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geodash.analysis.addresses import AddressIndex, normalise_streets, parse_address

X0, Y0 = 456_000, 5_480_000


@pytest.fixture(scope="module")
def index() -> AddressIndex:
    rows = [
        ("Ludwigstraße", 1, "", 0), ("Ludwigstraße", 2, "", 20), ("Ludwigstraße", 2, "a", 25),
        ("Ludwigstraße", 4, "", 40),
        ("Bürgermeister-Grünzweig-Straße", 33, "", 500), ("Bürgermeister-Grünzweig-Straße", 35, "", 520),
        ("Lutherstraße", 2, "", 900), ("Sankt-Georg-Platz", 1, "", 1200),
    ]
    frame = gpd.GeoDataFrame(
        {"street": [r[0] for r in rows], "number": [r[1] for r in rows], "suffix": [r[2] for r in rows],
         "postcode": ["67059"] * len(rows)},
        geometry=gpd.points_from_xy([X0 + r[3] for r in rows], [Y0] * len(rows)), crs="EPSG:25832")
    return AddressIndex(frame)


@pytest.mark.parametrize(("typed", "key"), [
    ("Bgm-Grünzweig-Str", "buergermeistergruenzweigstrasse"),
    ("Bgm.-Grünzweig-Str.", "buergermeistergruenzweigstrasse"),
    ("Bürgermeister Grünzweig Straße", "buergermeistergruenzweigstrasse"),
    ("LUDWIGSTR.", "ludwigstrasse"),
    ("Ludwigstrasse", "ludwigstrasse"),
    ("St. Georg-Platz", "sanktgeorgplatz"),
    ("Strandweg", "strandweg"),  # "str" only at a word end
    ("Mannheimer Str", "mannheimerstrasse"),
])
def test_street_names_normalise_to_one_key(typed, key):
    assert normalise_streets(pd.Series([typed])).tolist() == [key]


@pytest.mark.parametrize(("typed", "street", "number", "suffix", "postcode"), [
    ("Ludwigstrasse 2", "Ludwigstrasse", 2, "", None),
    ("ludwigstr.2a", "ludwigstr.", 2, "a", None),
    ("Bgm-Grünzweig-Str 35, 67063 Ludwigshafen", "Bgm-Grünzweig-Str", 35, "", "67063"),
    ("Straße des 17. Juni 4", "Straße des 17. Juni", 4, "", None),
    ("Ludwigstraße", "Ludwigstraße", None, "", None),
])
def test_a_typed_address_splits_into_street_number_and_postcode(typed, street, number, suffix, postcode):
    parsed = parse_address(typed)
    assert (parsed.street, parsed.number, parsed.suffix, parsed.postcode) == (street, number, suffix,
                                                                                postcode)


@pytest.mark.parametrize(("typed", "label", "x"), [
    ("Ludwigstrasse 2", "Ludwigstraße 2, 67059", 20),      # no ß
    ("Ludwigstrase 2", "Ludwigstraße 2, 67059", 20),       # one letter missing
    ("Lduwigstraße 2", "Ludwigstraße 2, 67059", 20),       # two letters swapped
    ("ludwigstr 2a", "Ludwigstraße 2a, 67059", 25),        # abbreviation and suffix
    ("Bgm-Grünzweig-Str 35", "Bürgermeister-Grünzweig-Straße 35, 67059", 520),
    ("Luterstr. 2", "Lutherstraße 2, 67059", 900),
])
def test_misspelt_addresses_find_the_right_house(index, typed, label, x):
    best = index.search(typed)[0]
    assert best.label == label and best.exact
    assert (best.x, best.y) == (X0 + x, Y0)


def test_a_missing_house_number_gives_the_nearest_one_on_that_street_and_says_so(index):
    best = index.search("Ludwigstraße 3")[0]
    assert best.street == "Ludwigstraße" and best.number in (2, 4) and not best.exact
    assert index.search("Bgm-Grünzweig-Str 40")[0].number == 35


def test_an_unknown_street_finds_nothing(index):
    assert index.search("Xylophonweg 3") == []
    assert index.search("") == []


def test_only_near_equal_streets_are_offered_as_alternatives(index):
    found = index.search("Ludwigstrasse 2")
    assert [m.street for m in found] == ["Ludwigstraße"]


def test_the_index_answers_a_large_city_quickly():
    import time

    import numpy as np

    rng = np.random.default_rng(1)
    streets = [f"Teststraße {i}" for i in range(5000)]
    n = 200_000
    frame = gpd.GeoDataFrame(
        {"street": rng.choice(streets, n), "number": rng.integers(1, 200, n), "suffix": "",
         "postcode": "67059"},
        geometry=gpd.points_from_xy(rng.uniform(X0, X0 + 9000, n), rng.uniform(Y0, Y0 + 9000, n)),
        crs="EPSG:25832")
    index = AddressIndex(frame)
    start = time.perf_counter()
    for _ in range(10):
        index.search("Teststrase 4711 12")
    # Generous for a busy CI machine; on a quiet one a search takes a few milliseconds.
    assert (time.perf_counter() - start) / 10 < 0.5
