"""Every class of the map legend says which areas it holds (2×2 grid, classes worked out by hand).

alq 2023 (%): Nordwest 4.0, Nordost 8.0, Südwest 16.0, Südost 22.5 — four distinct
values, so the quantiles give four classes of one area each, lowest first.

kinder 2023: Nordwest 1,100, Nordost no value, Südwest 500, Südost 2,100. Equal
intervals with k = 3 over 500 … 2,100 are (2,100 − 500) / 3 = 533.3 wide: bounds
1,033.3 and 1,566.7, so Südwest (500) is in the first class, Nordwest (1,100) in the
second, Südost (2,100) in the third, and Nordost is in "keine Daten".
"""

from __future__ import annotations

import dataclasses

from geodash.web.figures.choropleth import class_members, legend_rows, map_view
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState


def test_each_quantile_class_names_its_one_area(grid_dataset):
    rows = legend_rows(map_view(grid_dataset, ViewState(indicator="alq", year=2023)))
    assert [row.areas for row in rows] == [("Nordwest",), ("Nordost",), ("Südwest",), ("Südost",)]
    assert [row.code for row in rows] == [0, 1, 2, 3]


def test_equal_intervals_name_their_areas_and_the_row_without_data_names_the_missing_one(
        grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="kinder", year=2023,
                                            scheme="equal_interval", k=3))
    rows = legend_rows(view)
    assert [(row.code, row.areas) for row in rows] == [
        (0, ("Südwest",)), (1, ("Nordwest",)), (2, ("Südost",)), (-1, ("Nordost",))]
    assert all(row.count == len(row.areas) for row in rows)


def test_areas_are_listed_alphabetically_whatever_their_values(grid_dataset):
    # The names are given out of order; each class lists its own alphabetically.
    view = map_view(grid_dataset, ViewState(indicator="alq", year=2023, scheme="quantiles", k=3))
    members = class_members(dataclasses.replace(view, names=("Z-Nord", "A-Nord", "Süd", "Ost")))
    assert sorted(members) == sorted({row.code for row in legend_rows(view)})
    assert all(list(names) == sorted(names, key=str.casefold) for names in members.values())


def test_withheld_values_are_named_in_their_own_row(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="alq", year=2023))
    withheld = dataclasses.replace(view, suppressed=(False, True, False, False),
                                   values=view.values.where([True, False, True, True]))
    members = class_members(withheld)
    assert members[-2] == ("Nordost",) and -1 not in members


def test_the_legend_row_opens_to_the_areas_of_its_class(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="alq", year=2023))
    item = legend_rows(view)[-1]
    row = map_page.legend_row(item, "1 Stadtteil")
    details = row.children
    assert details.to_plotly_json()["props"]["data-class"] == "3"
    summary, areas = details.children
    assert [c.children for c in summary.children[1:]] == ["16,0 – 22,5", "1 Stadtteil"]
    assert areas.className == "gd-legend-areas"  # the browser fills in "Südost" on opening
