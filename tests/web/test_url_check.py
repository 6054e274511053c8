"""Unknown or unavailable URL values: the nearest valid value is shown, and a note says so.

The 2×2 grid has ``alq`` and ``kinder`` in 2022 and 2023 and the areas
01–04; its social index measures have MSS classes, the plain indicators not.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from geodash.web.app import _build_content
from geodash.web.pages import map as map_page
from geodash.web.pages import profile
from geodash.web.state import ViewState
from geodash.web.url_check import (
    CheckedView,
    build_notes,
    check_view,
    map_viewport,
    nearest_year,
    viewport_params,
)


@pytest.mark.parametrize(("year", "years", "expected"), [
    # |1990 − 2022| = 32 < |1990 − 2023| = 33
    (1990, [2022, 2023], 2022),
    # |2030 − 2023| = 7 < |2030 − 2022| = 8
    (2030, [2022, 2023], 2023),
    # |2017 − 2015| = 2 < |2017 − 2021| = 4 < |2017 − 2010| = 7
    (2017, [2010, 2015, 2021], 2015),
    # a tie (|2020 − 2019| = |2020 − 2021| = 1) takes the later year
    (2020, [2019, 2021], 2021),
    (2021, [2019, 2021], 2021),
    (2020, [], None),
])
def test_nearest_year_is_the_closest_year_with_values_and_the_later_on_a_tie(year, years, expected):
    assert nearest_year(year, years) == expected


def test_a_year_without_values_becomes_the_nearest_and_the_note_names_both(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("ind=alq&jahr=1990"))
    assert checked.state.year == 2022
    assert checked.notes == ("Jahr 1990 nicht vorhanden – gezeigt wird 2022.",)


def test_the_note_speaks_english_on_request(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("ind=alq&jahr=2031&lang=en"))
    assert checked.state.year == 2023
    assert checked.notes == ("Year 2031 not available – showing 2023.",)


def test_an_unknown_indicator_becomes_the_default_and_the_note_names_both(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("ind=gibtsnicht"))
    default = grid_dataset.default_indicator
    assert checked.state.indicator == default
    label = grid_dataset.indicator_meta[default].label.get("de")
    assert checked.notes == (f"Indikator „gibtsnicht“ nicht vorhanden – gezeigt wird „{label}“.",)


@pytest.mark.parametrize("query", ["klass=bunt", "ind=alq&klass=mss"])
def test_an_unknown_or_unusable_classification_becomes_quantiles_with_a_note(grid_dataset, query):
    checked = check_view(grid_dataset, ViewState.from_query(query))
    assert checked.state.scheme == "quantiles"
    assert len(checked.notes) == 1 and "gezeigt wird „Quantile“" in checked.notes[0]


def test_unknown_area_keys_are_named_and_left_out(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("gebiete=01,99,03,x7"))
    assert checked.state.areas == ("01", "03")
    assert checked.notes == (
        "Stadtteile mit dem Schlüssel 99, x7 nicht vorhanden – sie werden weggelassen.",)


def test_a_valid_view_passes_unchanged_without_a_note(grid_dataset):
    state = ViewState.from_query("ind=kinder&jahr=2022&gebiete=02&klass=std_mean"
                                 "&zoom=13&mitte=49.5,8.4")
    assert check_view(grid_dataset, state) == CheckedView(state, ())
    assert build_notes(CheckedView(state, ())) is None


def test_several_problems_give_one_note_each(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("ind=nix&jahr=1990&gebiete=99"))
    assert len(checked.notes) == 3


@pytest.mark.parametrize("query", ["zoom=weit&mitte=49.5,8.4", "zoom=13&mitte=49.5",
                                   "zoom=40&mitte=49.5,8.4", "zoom=13&mitte=95,8.4",
                                   "zoom=nan&mitte=49.5,8.4"])
def test_an_unreadable_map_section_is_left_out_with_a_note(grid_dataset, query):
    checked = check_view(grid_dataset, ViewState.from_query(query))
    assert "zoom" not in checked.state.extra and "mitte" not in checked.state.extra
    assert len(checked.notes) == 1 and "Kartenausschnitt" in checked.notes[0]


def test_the_map_section_reads_and_writes_the_same_text():
    state = ViewState.from_query("zoom=12.75&mitte=49.48123,8.43988")
    center, zoom = map_viewport(state)
    assert (center, zoom) == ([49.48123, 8.43988], 12.75)
    assert viewport_params(center, zoom) == {"zoom": "12.75", "mitte": "49.48123,8.43988"}


def find(component, component_id):
    """The component with ``component_id`` inside a Dash layout (depth first)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_built_map_page_shows_the_note_and_the_slider_and_legend_on_the_year_used(
        grid_dataset):
    content = _build_content(grid_dataset, map_page, ViewState.from_query("ind=alq&jahr=1990"), {})
    note, page = content
    assert note.children[0].children == "Jahr 1990 nicht vorhanden – gezeigt wird 2022."
    assert find(page, map_page.YEAR).value == 2022
    title = find(page, map_page.LEGEND).children[0]
    assert title.children[1].children == " 2022"


def test_every_page_gets_the_note(grid_dataset):
    content = _build_content(grid_dataset, profile, ViewState.from_query("gebiete=01,99"), {})
    assert isinstance(content, list)
    assert "99" in content[0].children[0].children


def test_a_url_change_on_the_map_shows_the_nearest_year(grid_dataset):
    # Back or forward to a URL with a year without values: the map follows the checked view.
    state, search = map_page.next_view(grid_dataset, "?ind=alq&jahr=1990", map_page.PAGE_URL,
                                       indicator="alq", year=2023, scheme="quantiles", k=5,
                                       layers=[], categories=None)
    assert state.year == 2022 and search is None


def test_area_names_on_the_map_are_on_by_default_and_off_with_namen_aus():
    assert ViewState().labels and ViewState().to_query() == ""
    off = ViewState.from_query("namen=aus&ind=alq")
    assert not off.labels and off.to_query() == "ind=alq&namen=aus"
    assert ViewState.from_query(off.to_query()) == off


def test_pages_other_than_the_map_check_the_year_against_every_indicator(grid_dataset):
    # A city whose second indicator has 2021 too: the profile may show 2021, the map of alq not.
    table = grid_dataset.indicators
    extra = table[(table["indicator"] == "kinder") & (table["year"] == 2022)].assign(year=2021)
    dataset = dataclasses.replace(grid_dataset, indicators=pd.concat([table, extra]))
    profile_view = check_view(dataset, ViewState.from_query("ind=alq&jahr=2021", page="profil"))
    assert profile_view.state.year == 2021 and profile_view.notes == ()
    map_view_ = check_view(dataset, ViewState.from_query("ind=alq&jahr=2021", page="karte"))
    # alq has 2022 and 2023: |2021 − 2022| = 1 is the nearest.
    assert map_view_.state.year == 2022


def test_the_note_carries_the_values_it_is_about(grid_dataset):
    checked = check_view(grid_dataset, ViewState.from_query("ind=alq&jahr=1990&gebiete=01,99"))
    asked = json.loads(build_notes(checked).to_plotly_json()["props"]["data-asked"])
    assert asked == {"jahr": "1990", "gebiete": "01,99"}

