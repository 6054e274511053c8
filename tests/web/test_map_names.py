"""The names on the map: one point per area inside it, sent once; the switch in the page."""

from __future__ import annotations

import geopandas as gpd

from geodash.web.pages.map_names import LABELS, build_labels_switch, label_points_payload
from geodash.web.state import ViewState


def test_label_points_lie_inside_their_areas_in_the_areas_order(grid_dataset):
    payload = label_points_payload(grid_dataset)
    assert payload["keys"] == ["01", "02", "03", "04"]
    points = gpd.GeoSeries(gpd.points_from_xy(payload["x"], payload["y"]), crs="EPSG:4326")
    areas = grid_dataset.areas_display.set_index("key").geometry.loc[payload["keys"]]
    assert points.within(areas.reset_index(drop=True)).all()
    assert label_points_payload(grid_dataset) is payload  # computed once per Dataset


def test_the_switch_says_names_in_the_area_word_and_follows_the_url(grid_dataset):
    on = build_labels_switch(grid_dataset, ViewState())
    off = build_labels_switch(grid_dataset, ViewState.from_query("namen=aus&lang=en"))
    assert on.id == LABELS and on.value == ["an"] and off.value == []
    assert on.options[0]["label"] == "Namen der Stadtteile"
    assert off.options[0]["label"] == "Names of the districts"
