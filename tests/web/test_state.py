"""The view in the URL: query round trips, tolerant parsing, and what the router rebuilds."""

from __future__ import annotations

import pytest

from geodash.web.app import changed_params, normalise_path, route
from geodash.web.pages import PAGES, profile
from geodash.web.pages import data as data_page
from geodash.web.pages import map as map_page
from geodash.web.state import OVERLAYS, ViewState


@pytest.mark.parametrize("state", [
    ViewState(),
    ViewState(indicator="alq", year=2022),
    ViewState(indicator="sgb2", year=2019, areas=("01", "07"), overlays=("zones",),
              categories=("qm", "ik"), scheme="natural_breaks", k=7, lang="en", basemap=True),
    ViewState(overlays=(), categories=()),
    ViewState(extra={"vergleich": "x"}),
])
def test_query_round_trip(state):
    assert ViewState.from_query(state.to_query()) == state
    assert ViewState.from_query("?" + state.to_query()) == state


def test_default_view_has_an_empty_query():
    assert ViewState().to_query() == ""
    assert ViewState().overlays == OVERLAYS


def test_query_names_are_german_and_lists_are_comma_separated():
    query = ViewState(indicator="alq", year=2023, areas=("01", "02"), k=3).to_query()
    assert query == "ind=alq&jahr=2023&gebiete=01,02&k=3"


@pytest.mark.parametrize(("query", "field", "expected"), [
    ("jahr=zweitausend", "year", None),
    ("k=viele", "k", 5),
    ("k=99", "k", 9),
    ("lang=fr", "lang", "de"),
    ("ebenen=sites,unknown", "overlays", ("sites",)),
    ("ebenen=-", "overlays", ()),
    ("gebiete=,01,,02", "areas", ("01", "02")),
    ("karte=osm", "basemap", True),
])
def test_malformed_or_partial_values_fall_back(query, field, expected):
    assert getattr(ViewState.from_query(query), field) == expected


def test_changed_params_lists_what_differs():
    assert changed_params("?ind=a&jahr=1", "ind=a&jahr=2&lang=en") == {"jahr", "lang"}
    assert changed_params(None, "") == set()


def test_paths_are_normalised():
    assert normalise_path(None) == "/" and normalise_path("/daten/") == "/daten"


def rendered(path: str, query: str = "") -> dict:
    return {"path": path, "query": query}


def test_router_builds_the_first_page_and_a_new_path():
    first = route(PAGES, "/", "?ind=alq", None)
    assert first.page is map_page and first.rebuild and first.state.indicator == "alq"
    other = route(PAGES, "/daten", "?ind=alq", rendered("/", "ind=alq"))
    assert other.page is data_page and other.rebuild and other.state.page == "daten"


def test_router_leaves_the_map_alone_when_only_its_live_params_change():
    same_page = route(PAGES, "/", "?ind=sgb2&jahr=2020&k=4", rendered("/", "ind=alq"))
    assert same_page.page is map_page and not same_page.rebuild


def test_router_rebuilds_on_a_language_change_and_for_pages_without_live_params():
    assert route(PAGES, "/", "?ind=alq&lang=en", rendered("/", "ind=alq")).rebuild
    assert route(PAGES, "/profil", "?gebiete=02", rendered("/profil", "gebiete=01")).rebuild
    assert not route(PAGES, "/profil", "?gebiete=01", rendered("/profil", "gebiete=01")).rebuild
    assert route(PAGES, "/profil", "", None).page is profile


def test_router_has_no_page_for_an_unknown_path():
    unknown = route(PAGES, "/gibt-es-nicht", "?lang=en", None)
    assert unknown.page is None and unknown.rebuild and unknown.state.lang == "en"


def test_dropdown_texts_follow_the_language():
    from geodash.web.i18n import dropdown_labels

    assert dropdown_labels("de")["selected_count"] == "{num_selected} ausgewählt"
    assert dropdown_labels("en")["selected_count"] == "{num_selected} selected"
    assert dropdown_labels("fr") == dropdown_labels("de")  # unknown languages fall back to German
