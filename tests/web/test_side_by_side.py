"""Nebeneinander without a browser: both maps' classes, the change map, URL values and the switch.

The 2×2 grid's unemployment rate (``alq``, need, %) is 5.0 / 10.0 / 15.0 / 20.0 in 2022
and 4.0 / 8.0 / 16.0 / 22.5 in 2023 (Nordwest, Nordost, Südwest, Südost); ``kinder``
(neutral, Anzahl) has no value for Nordost in 2023.
"""

from __future__ import annotations

import gzip
import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from geodash.bench.dash_requests import body_for, find_callback
from geodash.web.app import create_app
from geodash.web.figures.choropleth import legend_rows
from geodash.web.figures.map import view_payload
from geodash.web.figures.side_by_side import (
    difference_unit,
    diverging_colors,
    side_by_side,
)
from geodash.web.layout import build_navbar
from geodash.web.pages import PAGES
from geodash.web.pages import map as map_page
from geodash.web.pages import side_by_side as page
from geodash.web.state import ViewState


def view(query: str, dataset):
    return side_by_side(dataset, ViewState.from_query(query, page="nebeneinander"))


def as_json(components) -> str:
    return json.dumps(components, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_two_years_share_one_set_of_classes_so_a_colour_means_one_range(grid_dataset):
    side = view("ind=alq&jahr=2023&basis=2022&klass=equal_interval&k=3", grid_dataset)
    assert (side.mode, side.left.state.year, side.right.state.year) == ("jahre", 2022, 2023)
    # Both years pooled: 4 … 22.5, three equal classes of (22.5 − 4) / 3 = 6.1667:
    # up to 10.17, up to 16.33, up to 22.5.
    for shown in (side.left, side.right):
        assert shown.classes.breaks == pytest.approx((10.1667, 16.3333, 22.5), abs=1e-4)
        assert shown.classes.lower == 4.0
    assert side.left.class_index == [0, 0, 1, 2]  # 5, 10, 15, 20
    assert side.right.class_index == [0, 0, 1, 2]  # 4, 8, 16, 22.5
    assert side.left.colors == side.right.colors


def test_the_change_map_shows_b_minus_a_in_percentage_points_on_a_scale_around_zero(grid_dataset):
    side = view("ind=alq&jahr=2023&basis=2022&modus=differenz&klass=equal_interval", grid_dataset)
    left, change = side.left, side.right
    assert left.state.year == 2023 and left.values.tolist() == [4.0, 8.0, 16.0, 22.5]
    assert change.values.tolist() == pytest.approx([-1.0, -2.0, 1.0, 2.5])
    # Largest change 2.5, five classes of width 1.0 centred on 0 (see tests/analysis).
    assert change.class_index == [1, 0, 3, 4]
    assert change.spec.unit == "Prozentpunkte"
    assert change.spec.label.get("de") == "Veränderung Arbeitslosenquote 2022 → 2023"
    labels = [row.label for row in legend_rows(change)]
    assert labels == ["−2,5 – −1,5", "−1,5 – −0,5", "−0,5 – 0,5", "0,5 – 1,5", "1,5 – 2,5"]
    # A rise of unemployment is more need: the rise end is red, the fall end blue.
    assert change.colors[-1] == "#ca0020" and change.colors[0] == "#0571b0"
    payload = view_payload(change)
    assert payload["v"] == [-1.0, -2.0, 1.0, 2.5] and payload["c"] == "1034"
    assert payload["unit"] == "Prozentpunkte"
    assert page.side_payload(side, "rechts")["signed"] and "signed" not in page.side_payload(
        side, "links")
    legend = as_json(page.build_legend(grid_dataset, side, "rechts"))
    assert "Einheit: Prozentpunkte" in legend and "Klassen symmetrisch um 0" in legend
    assert "Stufen gleicher Breite" in legend


def test_by_default_the_change_map_steps_hold_about_as_many_areas_each(grid_dataset):
    side = view("ind=alq&jahr=2023&basis=2022&modus=differenz", grid_dataset)
    change = side.right
    # Magnitudes 1, 2, 1, 2.5 → sorted 1, 1, 2, 2.5: ⅓ quantile 1.0, ⅔ quantile 2.0, largest 2.5.
    labels = [row.label for row in legend_rows(change)]
    assert labels == ["−2,5 – −2,0", "−2,0 – −1,0", "−1,0 – 1,0", "1,0 – 2,0", "2,0 – 2,5"]
    # −1 and +1 lie on ±1.0 and go to the class nearer 0 (the middle); −2 on −2.0 likewise.
    assert change.class_index == [2, 1, 2, 4]
    legend = as_json(page.build_legend(grid_dataset, side, "rechts"))
    assert "etwa gleich viele Stadtteile je Stufe" in legend


def test_an_even_number_of_classes_becomes_odd_so_no_change_has_its_middle_class(grid_dataset):
    change = view("ind=alq&jahr=2023&basis=2022&modus=differenz&k=4&klass=equal_interval",
                  grid_dataset).right
    assert change.classes.k == 5 and change.colors[2] == "#f7f7f7"


def test_an_area_without_a_value_in_one_year_is_keine_daten_in_the_change(grid_dataset):
    change = view("ind=kinder&jahr=2023&basis=2022&modus=differenz", grid_dataset).right
    assert view_payload(change)["c"][1] == "-" and view_payload(change)["v"][1] is None
    missing = [row for row in legend_rows(change) if row.missing]
    assert [(row.label, row.count) for row in missing] == [("keine Daten", 1)]


def test_colours_put_more_need_at_the_red_end_by_polarity():
    assert diverging_colors("need", 5)[-1] == "#ca0020"  # a rise of need
    assert diverging_colors("resource", 5)[0] == "#ca0020"  # a fall of a resource
    assert "#ca0020" not in diverging_colors("neutral", 5)  # no judgement
    assert difference_unit("%", "en") == "percentage points"
    assert difference_unit("je 1.000 EW", "de") == "je 1.000 EW"


def test_two_indicators_in_one_year(grid_dataset):
    side = view("modus=indikatoren&ind=alq&ind2=kinder&jahr=2022", grid_dataset)
    assert side.left.spec.label.get("de") == "Arbeitslosenquote"
    assert side.right.spec.label.get("de") == "Kinder" and side.right.state.year == 2022
    assert "ind2=kinder" in side.to_query() and "basis" not in side.to_query()
    assert page.year_label(side) == "Jahr"  # one year for both; "Jahr B" when years are compared
    assert page.year_label(view("modus=differenz", grid_dataset)) == "Jahr B"


@pytest.mark.parametrize(("query", "note", "fixed"), [
    ("modus=karte", "Die Ansicht „karte“ gibt es nicht; gezeigt wird „Zwei Jahre“", "ind=alq"),
    ("ind=alq&jahr=1990", "Für „Arbeitslosenquote“ gibt es 1990 keine Werte; gezeigt wird das "
                          "nächstgelegene Jahr 2022", "jahr=2022"),
    ("ind=alq&jahr=2023&basis=2030", "gibt es 2030 keine Werte; gezeigt wird das nächstgelegene "
                                     "Jahr 2022", "basis=2022"),
    ("modus=indikatoren&ind2=quote", "Den Indikator „quote“ gibt es nicht; gezeigt wird „Kinder“",
     "ind2=kinder"),
    ("ind=unbekannt", "Den Indikator „unbekannt“ gibt es nicht; gezeigt wird „Arbeitslosenquote“",
     "ind=alq"),
])
def test_an_unknown_url_value_is_named_and_the_nearest_valid_one_shown(grid_dataset, query, note,
                                                                        fixed):
    side = view(query, grid_dataset)
    assert any(note in n for n in side.notes), side.notes
    assert fixed in side.to_query()
    notes = as_json(page.build_notes(side))
    assert note in notes


def test_a_view_read_back_from_its_url_is_the_same_view(grid_dataset):
    side = view("modus=differenz&ind=kinder&jahr=2023&basis=2022&lang=en", grid_dataset)
    again = view(side.to_query(), grid_dataset)
    assert again.to_query() == side.to_query() and again.notes == ()
    assert again.right.spec.label.get("en") == "Change in Kinder 2022 → 2023"


def test_a_control_writes_the_url_and_the_urls_echo_changes_nothing(grid_dataset):
    controls = {"mode": "differenz", "indicator": "alq", "year": 2023, "base": 2022,
                "right": "kinder"}
    side, search = page.next_view(grid_dataset, "?ind=alq&jahr=2023", page.MODE, **controls)
    assert search == "?ind=alq&jahr=2023&modus=differenz&basis=2022" and side.notes == ()
    assert page.next_view(grid_dataset, search, page.PAGE_URL, **controls) == (None, None)
    # Year B set to year A's year: A falls back to the earliest other year, without a note.
    side, search = page.next_view(grid_dataset, search, page.YEAR,
                                  **{**controls, "year": 2022})
    assert (side.state.year, side.base, side.notes) == (2022, 2023, ())


def test_the_map_pages_navbar_links_here_with_its_indicator_and_year(grid_dataset):
    navbar = as_json(build_navbar(grid_dataset, PAGES, map_page,
                                  ViewState(indicator="kinder", year=2022)))
    assert '"/nebeneinander?ind=kinder&jahr=2022"' in navbar


def test_the_map_legend_links_here_with_the_indicator_and_year_on_screen(grid_dataset):
    from geodash.web.figures.choropleth import map_view

    shown = map_view(grid_dataset, ViewState(indicator="kinder", year=2022))
    legend = as_json(map_page.build_legend(grid_dataset, shown))
    assert map_page.SIDE_PATH == page.PATH
    assert '"/nebeneinander?ind=kinder&jahr=2022"' in legend
    assert "Mit einem anderen Jahr nebeneinander vergleichen" in legend


def test_a_switch_sends_one_number_per_area_for_each_map_and_no_geometry(grid_dataset):
    client = create_app(grid_dataset).server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    callback = find_callback(dependencies, f"{page.view_id('rechts')}.data")
    values = {f"{page.PAGE_URL}.search": "?ind=alq&jahr=2023&basis=2022",
              f"{page.PAGE_URL}.pathname": page.PATH, f"{page.MODE}.value": "differenz",
              f"{page.INDICATOR}.value": "alq", f"{page.YEAR}.value": 2023,
              f"{page.BASE}.value": 2022, f"{page.RIGHT_INDICATOR}.value": "kinder"}
    body = body_for(callback, values, [f"{page.MODE}.value"])
    answer = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    raw = gzip.decompress(answer.data) if answer.headers.get("Content-Encoding") else answer.data
    text = raw.decode("utf-8")
    assert "coordinates" not in text and "Nordwest" not in text  # no geometry, no names
    response = json.loads(text)["response"]
    assert response["url"]["search"] == "?ind=alq&jahr=2023&modus=differenz&basis=2022"
    change = response[page.view_id("rechts")]["data"]
    assert change["v"] == [-1.0, -2.0, 1.0, 2.5] and change["c"] == "2124"  # by quantiles
    assert response[page.view_id("links")]["data"]["v"] == [4.0, 8.0, 16.0, 22.5]


def test_the_page_builds_in_both_languages_with_both_maps(grid_dataset):
    for lang in ("de", "en"):
        tree = as_json(page.layout(grid_dataset, ViewState(lang=lang)))
        for side in page.SIDES:
            assert page.graph_id(side) in tree and page.legend_id(side) in tree
    assert "Zwei Jahre" in as_json(page.layout(grid_dataset, ViewState()))
