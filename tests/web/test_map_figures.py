"""The map figure, its patch, the legend and the HTML export, on the 2×2 grid.

Grid answers by hand: alq (%, need) 2023 is 4.0 / 8.0 / 16.0 / 22.5 for
01 Nordwest, 02 Nordost, 03 Südwest, 04 Südost (four distinct values, so five
quantiles shrink to four classes, one district each); kinder (neutral) 2023
has no value for 02.
"""

from __future__ import annotations

import dataclasses
import json

import plotly.io as pio
import pytest

from geodash.web.figures.choropleth import map_view
from geodash.web.figures.html_map import escape, html_map
from geodash.web.figures.map import (
    OFFLINE_STYLE,
    legend_items,
    map_figure,
    map_patch_values,
    overlay_visibility,
    step_colorscale,
)
from geodash.web.figures.palettes import MISSING_COLOR, PUBU, YLORRD, class_colors
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState

ALQ_2023 = ViewState(indicator="alq", year=2023)


def with_polarity(dataset, indicator: str, polarity: str):
    spec = dataset.indicator_meta[indicator].model_copy(update={"polarity": polarity})
    return dataclasses.replace(dataset, indicator_meta={**dataset.indicator_meta, indicator: spec})


def colour_by_key(figure) -> dict[str, str]:
    """The fill colour of every district, read back from z and the step colour scale."""
    trace = figure.data[0]
    levels = [trace.colorscale[i][1] for i in range(0, len(trace.colorscale), 2)]
    return {key: levels[z + 1] for key, z in zip(trace.locations, trace.z, strict=True)}


def test_map_figure_has_one_feature_per_district_matched_on_key(grid_dataset):
    figure = map_figure(grid_dataset, ALQ_2023)
    trace = figure.data[0]
    assert trace.type == "choroplethmap" and trace.featureidkey == "properties.key"
    features = trace.geojson["features"]
    assert [f["properties"]["key"] for f in features] == ["01", "02", "03", "04"]
    assert list(trace.locations) == ["01", "02", "03", "04"]
    ring = features[0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and all(round(x, 5) == x for point in ring for x in point)
    assert trace.showscale is False
    assert figure.layout.map.style == OFFLINE_STYLE


@pytest.mark.parametrize(("polarity", "darkest", "palette"), [
    ("need", "04", YLORRD),       # highest rate = most need
    ("resource", "01", YLORRD),   # lowest value = most need
    ("neutral", "04", PUBU),      # highest value, in a neutral palette
])
def test_the_district_with_most_need_gets_the_darkest_class(grid_dataset, polarity, darkest,
                                                           palette):
    dataset = with_polarity(grid_dataset, "alq", polarity)
    colours = colour_by_key(map_figure(dataset, ALQ_2023))
    assert colours[darkest] == palette[4][-1]
    assert set(colours.values()) == set(palette[4])


def test_class_colors_reverse_for_resources():
    assert class_colors("need", 5) == YLORRD[5]
    assert class_colors("resource", 5) == tuple(reversed(YLORRD[5]))
    assert class_colors("neutral", 2) == (PUBU[3][0], PUBU[3][-1])
    with pytest.raises(ValueError, match="polarity"):
        class_colors("bad", 3)


def test_step_colorscale_has_hard_steps_from_missing_grey():
    scale = step_colorscale(("#111111", "#222222"))
    assert scale[0] == [0.0, MISSING_COLOR] and scale[-1] == [1.0, "#222222"]
    assert [pos for pos, _ in scale] == sorted(pos for pos, _ in scale)
    # z = -1, 0, 1 over zmin -1 … zmax 1 sit at 0, 0.5, 1: each inside its own step.
    assert scale[1] == [0.25, MISSING_COLOR] and scale[2] == [0.25, "#111111"]
    assert step_colorscale(()) == [[0.0, MISSING_COLOR], [1.0, MISSING_COLOR]]


def test_hover_text_names_value_and_rank(grid_dataset):
    patch = map_patch_values(grid_dataset, ALQ_2023)
    assert patch["customdata"][3] == ["Südost", "22,5 %", "Rang 1 von 4"]
    english = map_patch_values(grid_dataset, ALQ_2023.with_(lang="en"))
    assert english["customdata"][0] == ["Nordwest", "4.0 %", "Rank 4 of 4"]


def test_patch_carries_no_geometry_and_is_much_smaller_than_the_figure(grid_dataset):
    patch = map_patch_values(grid_dataset, ALQ_2023.with_(indicator="kinder"))
    assert set(patch) == {"z", "customdata", "colorscale", "zmin", "zmax"}
    patch_json = json.dumps(patch)
    assert "coordinates" not in patch_json
    figure_json = pio.to_json(map_figure(grid_dataset, ALQ_2023))
    assert len(patch_json) * 4 < len(figure_json)


def test_legend_counts_add_up_to_the_districts_with_values(grid_dataset):
    items = legend_items(grid_dataset, ALQ_2023)
    assert [i.count for i in items] == [1, 1, 1, 1] and not any(i.missing for i in items)
    assert items[0].label == "4,0" and items[-1].label == "16,0 – 22,5"
    kinder = legend_items(grid_dataset, ViewState(indicator="kinder", year=2023, k=3))
    classed = [i for i in kinder if not i.missing]
    assert sum(i.count for i in classed) == 3
    assert [(i.label, i.count, i.color) for i in kinder if i.missing] == [
        ("keine Daten", 1, MISSING_COLOR)]


def test_a_year_without_values_gives_grey_districts_and_a_message(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="alq", year=2010))
    assert view.classes is None and view.class_index == [-1] * 4
    assert "2010" in view.message and "2022, 2023" in view.message
    figure = map_figure(grid_dataset, ViewState(indicator="alq", year=2010))
    assert set(colour_by_key(figure).values()) == {MISSING_COLOR}
    # A colour scale that does not reach 1 is invalid and Plotly would fall back to its own.
    assert figure.data[0].colorscale[-1][0] == 1.0


def test_unknown_indicator_and_scheme_fall_back_to_defaults(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="nope", scheme="magic", k=42))
    assert view.state.indicator == "alq" and view.state.year == 2023
    assert view.state.scheme == "quantiles" and view.state.k == 7


def test_overlays_follow_the_view_and_the_workspace(grid_dataset):
    figure = map_figure(grid_dataset, ALQ_2023)
    names = [t.name for t in figure.data[1:]]
    assert names[0].startswith("Programmgebiete") and "Quartiersmanagement" in names
    assert overlay_visibility(grid_dataset, ALQ_2023.with_(overlays=("zones",))) == [
        True, False, False]
    no_zones = dataclasses.replace(grid_dataset, zones=grid_dataset.zones.iloc[0:0])
    assert len(map_figure(no_zones, ALQ_2023).data) == 1 + 2  # districts, qm, kurs
    values = [o["value"] for o in map_page.layer_options(no_zones, "de")]
    assert values == ["sites", map_page.BASEMAP]
    no_sites = dataclasses.replace(no_zones, sites=grid_dataset.sites.iloc[0:0])
    assert [o["value"] for o in map_page.layer_options(no_sites, "de")] == [map_page.BASEMAP]
    assert len(map_figure(no_sites, ALQ_2023).data) == 1


def test_basemap_is_only_loaded_when_asked_for(grid_dataset):
    assert map_figure(grid_dataset, ALQ_2023).layout.map.style == "white-bg"
    assert map_figure(grid_dataset, ALQ_2023.with_(basemap=True)).layout.map.style == \
        "open-street-map"


def test_view_from_controls_snaps_the_year_and_keeps_it_across_indicators(grid_dataset):
    state = ViewState(indicator="alq", year=2022)
    new = map_page.view_from_controls(grid_dataset, state, map_page.YEAR, indicator="alq",
                                      year=2022.95, scheme="quantiles", k=5,
                                      layers=["sites", "zones"])
    assert new.year == 2023
    new = map_page.view_from_controls(grid_dataset, state, map_page.INDICATOR,
                                      indicator="kinder", year=2022, scheme="natural_breaks",
                                      k=4, layers=["zones", map_page.BASEMAP])
    assert (new.indicator, new.year, new.scheme, new.k) == ("kinder", 2022, "natural_breaks", 4)
    assert new.overlays == ("zones",) and new.basemap


def test_html_map_escapes_every_text_from_the_data(grid_dataset):
    evil = "<img src=x onerror=alert(1)>"
    areas = grid_dataset.areas.copy()
    areas.loc[0, "name"] = evil
    sites = grid_dataset.sites.copy()
    sites.loc[0, "name"] = "</script><script>alert(2)</script>"
    sites.loc[0, "address"] = "${alert(3)}`"
    dataset = dataclasses.replace(grid_dataset, areas=areas, sites=sites)
    page = html_map(dataset, ALQ_2023)
    assert evil not in page and "<script>alert(2)" not in page and "${alert(3)}" not in page
    # Escaped once, then JSON-encoded by folium (which writes & as \u0026).
    assert (escape(evil) in page) or (escape(evil).replace("&", "\\u0026") in page)
    assert "openstreetmap.org" not in page  # no tiles by default
    assert "22,5 %" in page and "Arbeitslosenquote" in page


def test_html_map_uses_the_same_classes_as_the_screen(grid_dataset):
    page = html_map(grid_dataset, ALQ_2023)
    for colour in YLORRD[4]:
        assert colour in page


def test_next_view_writes_the_url_for_controls_and_follows_it_otherwise(grid_dataset):
    controls = {"indicator": "alq", "year": 2023, "scheme": "quantiles", "k": 5,
                "layers": ["sites", "zones"]}
    # A control changed: the view follows it and the URL records it.
    state, search = map_page.next_view(grid_dataset, "?ind=alq&jahr=2023", map_page.YEAR,
                                       **{**controls, "year": 2022})
    assert state.year == 2022 and search == "?ind=alq&jahr=2022"
    # The URL echoes what the controls show (the page's own write): nothing to do.
    assert map_page.next_view(grid_dataset, "?ind=alq&jahr=2023", map_page.PAGE_URL,
                              **controls) == (None, None)
    # The URL changed (back button): map and controls follow, the URL stays as it is.
    state, search = map_page.next_view(grid_dataset, "?ind=kinder&jahr=2022", map_page.PAGE_URL,
                                       **controls)
    assert (state.indicator, state.year, search) == ("kinder", 2022, None)


def test_page_outputs_recolour_without_geometry(grid_dataset):
    outputs = map_page.page_outputs(grid_dataset, ViewState(indicator="kinder", year=2023))
    assert outputs[0] == "kinder" and outputs[3] == {2022: "2022", 2023: "2023"}
    patch = json.dumps(outputs[9].to_plotly_json())
    assert "coordinates" not in patch and '"z"' in patch
