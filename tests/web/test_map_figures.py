"""The map figure, its patch, the legend and the HTML export, on the 2×2 grid.

Grid answers by hand: alq (%, need) 2023 is 4.0 / 8.0 / 16.0 / 22.5 for
01 Nordwest, 02 Nordost, 03 Südwest, 04 Südost (four distinct values, so five
quantiles shrink to four classes, one district each); kinder (neutral) 2023
has no value for 02.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from geodash.export.html_map import escape, html_map
from geodash.web.figures.choropleth import map_view
from geodash.web.figures.map import (
    AUTO_COLORS,
    basemap_layers,
    legend_items,
    map_figure,
    map_patch_values,
    site_category_colors,
    site_layers,
    sites_columns,
    sites_hideout,
    visible_site_layers,
    zones_hideout,
)
from geodash.web.figures.palettes import MISSING_COLOR, PUBU, YLORRD, class_colors
from geodash.web.pages import map as map_page
from geodash.web.state import ViewState

ALQ_2023 = ViewState(indicator="alq", year=2023)


def with_polarity(dataset, indicator: str, polarity: str):
    spec = dataset.indicator_meta[indicator].model_copy(update={"polarity": polarity})
    return dataclasses.replace(dataset, indicator_meta={**dataset.indicator_meta, indicator: spec})


def colour_by_key(dataset, state) -> dict[str, str]:
    """The fill colour of every district, as the browser reads it from the switch payload."""
    payload = map_patch_values(dataset, state)
    keys = dataset.areas["key"].tolist()
    return {key: payload["missing"] if c == "-" else payload["colors"][int(c)]
            for key, c in zip(keys, payload["c"], strict=True)}


def test_map_page_has_no_geometry_but_the_url_of_it(grid_dataset):
    page = json.dumps(map_figure(grid_dataset, ALQ_2023, geometry_url="/g?v=1").to_plotly_json(),
                      cls=_Encoder)
    assert "/g?v=1" in page
    assert "MultiPolygon" not in page  # the areas; the one zone outline is a Polygon
    assert "openstreetmap" not in page  # offline by default


@pytest.mark.parametrize(("polarity", "darkest", "palette"), [
    ("need", "04", YLORRD),       # highest rate = most need
    ("resource", "01", YLORRD),   # lowest value = most need
    ("neutral", "04", PUBU),      # highest value, in a neutral palette
])
def test_the_district_with_most_need_gets_the_darkest_class(grid_dataset, polarity, darkest,
                                                           palette):
    dataset = with_polarity(grid_dataset, "alq", polarity)
    colours = colour_by_key(dataset, ALQ_2023)
    assert colours[darkest] == palette[4][-1]
    assert set(colours.values()) == set(palette[4])


def test_class_colors_reverse_for_resources():
    assert class_colors("need", 5) == YLORRD[5]
    assert class_colors("resource", 5) == tuple(reversed(YLORRD[5]))
    assert class_colors("neutral", 2) == (PUBU[3][0], PUBU[3][-1])
    with pytest.raises(ValueError, match="polarity"):
        class_colors("bad", 3)


def test_switch_payload_has_one_value_and_one_class_digit_per_district(grid_dataset):
    payload = map_patch_values(grid_dataset, ALQ_2023)
    assert payload["v"] == [4.0, 8.0, 16.0, 22.5]
    assert payload["c"] == "0123"  # four distinct values: four quantile classes, lowest first
    assert payload["colors"] == list(YLORRD[4])
    assert (payload["dec"], payload["unit"], payload["polarity"]) == (1, "%", "need")
    assert payload["t"]["rank"] == "Rang {rank} von {n}"
    english = map_patch_values(grid_dataset, ALQ_2023.with_(lang="en"))
    assert english["t"]["rank"] == "Rank {rank} of {n}" and english["lang"] == "en"


def test_switch_payload_carries_no_geometry_and_no_text_per_district(grid_dataset):
    payload = map_patch_values(grid_dataset, ALQ_2023.with_(indicator="kinder"))
    text = json.dumps(payload)
    assert "coordinates" not in text and "Nordwest" not in text
    assert payload["c"][1] == "-" and payload["v"][1] is None  # Nordost: no value in 2023
    # Neutral: no rank to fill in, on the map as everywhere.
    assert payload["t"]["rank"] == payload["t"]["no_rank"] == "kein Rang (neutraler Indikator)"


def test_switch_payload_stays_near_one_number_per_district_at_many_districts(grid_dataset):
    """5,000 districts: the compressed payload stays under 4 bytes per district."""
    import gzip

    import numpy as np
    import pandas as pd

    from geodash.web.figures.choropleth import map_view
    from geodash.web.figures.map import view_payload

    view = map_view(grid_dataset, ALQ_2023)
    n = 5000
    rng = np.random.default_rng(1)
    values = pd.Series(rng.uniform(0, 40, n).round(3), index=[f"{i:05d}" for i in range(n)])
    classes = dataclasses.replace(view.classes, classes=pd.Series(rng.integers(0, 5, n)))
    big = dataclasses.replace(view, keys=tuple(values.index), names=("x",) * n, values=values,
                              ranks=values.rank(), classes=classes, suppressed=(False,) * n,
                              colors=YLORRD[5])
    wire = gzip.compress(json.dumps(view_payload(big), separators=(",", ":")).encode())
    assert len(wire) / n < 4


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
    state = ViewState(indicator="alq", year=2010)
    assert set(colour_by_key(grid_dataset, state).values()) == {MISSING_COLOR}
    assert map_patch_values(grid_dataset, state)["c"] == "----"


def test_unknown_indicator_and_scheme_fall_back_to_defaults(grid_dataset):
    view = map_view(grid_dataset, ViewState(indicator="nope", scheme="magic", k=42))
    assert view.state.indicator == "alq" and view.state.year == 2023
    assert view.state.scheme == "quantiles" and view.state.k == 7


def two_site_layers(dataset):
    """The grid with its sites split into two layers: ``sites`` (s1, s2) and ``projekte`` (s3, s4)."""
    sites = dataset.sites.copy()
    sites.loc[sites["site_id"].isin(["s3", "s4"]), "layer"] = "projekte"
    return dataclasses.replace(dataset, sites=sites)


def test_sites_know_their_layer(grid_dataset):
    assert set(grid_dataset.sites["layer"]) == {"sites"}  # the stem of layers/sites.toml
    assert site_layers(grid_dataset) == {"sites": 4}


def test_each_sites_layer_has_its_own_toggle(grid_dataset):
    dataset = two_site_layers(grid_dataset)
    values = [o["value"] for o in map_page.layer_options(dataset, "de")]
    assert values == ["sites:sites", "sites:projekte", "zones", map_page.BASEMAP]
    state = map_page.view_from_controls(dataset, ALQ_2023, map_page.LAYERS, indicator="alq",
                                        year=2023, scheme="quantiles", k=5,
                                        layers=["sites:projekte", "zones"])
    assert visible_site_layers(dataset, state) == ["projekte"]
    assert sites_hideout(dataset, state, "projekte")["on"]
    assert not sites_hideout(dataset, state, "sites")["on"]
    # Back to both: the URL does not need to say so.
    both = map_page.view_from_controls(dataset, state, map_page.LAYERS, indicator="alq",
                                       year=2023, scheme="quantiles", k=5,
                                       layers=["sites:sites", "sites:projekte", "zones"])
    assert "ebenen" not in both.to_query()
    parsed = ViewState.from_query(state.to_query())
    assert visible_site_layers(dataset, parsed) == ["projekte"]


def test_a_big_sites_layer_starts_switched_off(grid_dataset):
    dataset = two_site_layers(grid_dataset)
    settings = dataset.settings.model_copy(update={
        "map": dataset.settings.map.model_copy(update={"sites_visible_max": 2})})
    small = dataclasses.replace(dataset, settings=settings)
    assert visible_site_layers(small, ALQ_2023) == ["sites", "projekte"]  # 2 each: not above
    settings = dataset.settings.model_copy(update={
        "map": dataset.settings.map.model_copy(update={"sites_visible_max": 1})})
    tight = dataclasses.replace(dataset, settings=settings)
    assert visible_site_layers(tight, ALQ_2023) == []
    assert map_page.layer_values(tight, ALQ_2023) == ["zones"]
    assert dataset.settings.map.sites_visible_max == 300  # the documented default


def test_the_category_filter_hides_categories_in_every_layer(grid_dataset):
    state = map_page.view_from_controls(grid_dataset, ALQ_2023, map_page.CATEGORIES,
                                        indicator="alq", year=2023, scheme="quantiles", k=5,
                                        layers=["sites:sites", "zones"], categories=["kurs"])
    assert state.categories == ("kurs",) and "kat=kurs" in state.to_query()
    assert sites_hideout(grid_dataset, state, "sites")["cats"] == ["kurs"]
    every = map_page.view_from_controls(grid_dataset, state, map_page.CATEGORIES,
                                        indicator="alq", year=2023, scheme="quantiles", k=5,
                                        layers=["sites:sites", "zones"],
                                        categories=["kurs", "qm"])
    assert every.categories is None


def test_site_colours_differ_across_all_categories_and_configured_ones_win(grid_dataset):
    colors = site_category_colors(grid_dataset)
    assert colors["qm"] == "#E69F00"  # configured
    assert colors["kurs"] != "#E69F00" and colors["kurs"] in AUTO_COLORS
    # Many categories, one configured with the first automatic colour: all distinct.
    codes = [f"c{i}" for i in range(30)]
    sites = grid_dataset.sites.iloc[[0] * 30].assign(category=codes,
                                                    site_id=[f"x{i}" for i in range(30)])
    qm = grid_dataset.categories["qm"]
    categories = {code: qm.model_copy(update={"color": None}) for code in codes}
    categories["c5"] = qm.model_copy(update={"color": AUTO_COLORS[0]})
    many = dataclasses.replace(grid_dataset, sites=sites, categories=categories)
    colors = site_category_colors(many)
    assert colors["c5"] == AUTO_COLORS[0]
    assert len({c.lower() for c in colors.values()}) == 30


def test_sites_go_to_the_browser_as_columns_with_their_details(grid_dataset):
    columns = sites_columns(grid_dataset, "sites")
    assert columns["n"][:2] == ["QM Nordwest", "Kurs Nordwest"]
    assert columns["c"] == ["qm", "kurs", "qm", "kurs"]
    assert len(columns["x"]) == 4 and all(round(x, 5) == x for x in columns["x"])
    hideout = sites_hideout(grid_dataset, ALQ_2023, "sites")
    assert hideout["labels"]["qm"] == "Quartiersmanagement" and hideout["radius"] == 6


def test_zones_and_basemap_follow_the_view(grid_dataset):
    assert zones_hideout(ALQ_2023)["on"] is True
    assert zones_hideout(ALQ_2023.with_(overlays=("sites",)))["on"] is False
    no_zones = dataclasses.replace(grid_dataset, zones=grid_dataset.zones.iloc[0:0])
    values = [o["value"] for o in map_page.layer_options(no_zones, "de")]
    assert values == ["sites:sites", map_page.BASEMAP]
    no_sites = dataclasses.replace(no_zones, sites=grid_dataset.sites.iloc[0:0])
    assert [o["value"] for o in map_page.layer_options(no_sites, "de")] == [map_page.BASEMAP]


def test_basemap_is_only_loaded_when_asked_for(grid_dataset):
    assert basemap_layers(ALQ_2023) == []
    tiles = basemap_layers(ALQ_2023.with_(basemap=True))
    assert len(tiles) == 1 and "openstreetmap.org" in tiles[0].url


def test_view_from_controls_snaps_the_year_and_keeps_it_across_indicators(grid_dataset):
    state = ViewState(indicator="alq", year=2022)
    new = map_page.view_from_controls(grid_dataset, state, map_page.YEAR, indicator="alq",
                                      year=2022.95, scheme="quantiles", k=5,
                                      layers=["sites:sites", "zones"])
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
    # Escaped once, then JSON-encoded for the page (which writes & as \u0026).
    assert (escape(evil) in page) or (escape(evil).replace("&", "\\u0026") in page)
    assert "openstreetmap.org" not in page  # no tiles by default
    assert "22,5 %" in page and "Arbeitslosenquote" in page


def test_html_map_uses_the_same_classes_as_the_screen(grid_dataset):
    page = html_map(grid_dataset, ALQ_2023)
    for colour in YLORRD[4]:
        assert colour in page


def test_next_view_writes_the_url_for_controls_and_follows_it_otherwise(grid_dataset):
    controls = {"indicator": "alq", "year": 2023, "scheme": "quantiles", "k": 5,
                "layers": ["sites:sites", "zones"], "categories": ["qm", "kurs"]}
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
    payload = json.dumps(outputs[10])
    assert "coordinates" not in payload and '"c": "' in payload


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o)


@pytest.mark.parametrize("lang, unit_line, count", [("de", "Einheit: %", "1 Stadtteil"),
                                                     ("en", "Unit: %", "1 district")])
def test_legend_names_the_indicator_unit_and_counts_in_the_area_word(grid_dataset, lang, unit_line,
                                                                     count):
    # "{unit}" in a text table is the area word; the indicator's unit must not be taken for it.
    text = json.dumps(map_page.build_legend(grid_dataset, map_view(grid_dataset, dataclasses.replace(
        ALQ_2023, lang=lang))), default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert unit_line in text and count in text
