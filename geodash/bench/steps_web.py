"""Benchmark steps 3 and 4: what the map sends, per indicator switch and on the first page.

geodash sends the district geometry once, with the first page, and then only
the values of :func:`~geodash.web.figures.map.map_patch_values` per switch.
The naive peers are the tutorial Dash pattern (a whole ``px.choropleth_map``
figure with its GeoJSON returned from the callback) and ``GeoDataFrame.explore()``.
Both get the same display geometry geodash sends (``Dataset.areas_display``:
coverage-simplified, 5 decimals), so the comparison is about what is sent,
not about how finely it is drawn. These are server-side payloads; the real
HTTP responses are measured in :mod:`geodash.bench.steps_served`.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import plotly.express as px
from plotly.io.json import to_json_plotly

from geodash.analysis.display import display_areas
from geodash.analysis.joins import indicators_wide
from geodash.bench.measure import measure
from geodash.bench.results import Comparison, Figure, fmt_seconds
from geodash.dataset import Dataset
from geodash.web.figures.map import map_figure, map_patch_values
from geodash.web.state import ViewState
from geodash.web.wire import AreaWireCache

FIRST = "alq"  # the indicator on screen before the switch
SWITCH_TO = "sgb2"  # the indicator the user switches to
TUTORIAL_LABEL = ("`px.choropleth_map(gdf, geojson=gdf.__geo_interface__, locations=…, color=…)`"
                  " + `fig.to_json()` per switch, on `areas_display`")
EXPLORE_LABEL = "`gdf.explore(column=…)` → `len(m.get_root().render())`, on `areas_display`"


def analyst_frame(dataset: Dataset, year: int) -> gpd.GeoDataFrame:
    """The areas with one column per indicator of ``year``, as a tutorial prepares them at start-up.

    The geometry is the display geometry geodash sends (``areas_display``).
    """
    wide = indicators_wide(dataset.indicators, year).reset_index().rename(columns={"area_key": "key"})
    return dataset.areas_display[["key", "name", "geometry"]].merge(wide, on="key", how="left")


def tutorial_switch(frame: gpd.GeoDataFrame, indicator: str) -> str:
    """The tutorial callback: a whole choropleth figure, GeoJSON included, serialised."""
    fig = px.choropleth_map(frame, geojson=frame.__geo_interface__, locations="key",
                            featureidkey="properties.key", color=indicator, map_style="white-bg")
    return fig.to_json()


def geodash_switch(dataset: Dataset, state: ViewState) -> str:
    """The map payload of geodash's callback (values and classes per area, no geometry), serialised."""
    return to_json_plotly(map_patch_values(dataset, state))


def compare_switch(dataset: Dataset, repeats: int = 3) -> list[Comparison]:
    """Bytes and server time of one indicator switch, geodash against the tutorial pattern."""
    n = len(dataset.areas)
    year = dataset.indicator_years(SWITCH_TO)[-1]
    state = ViewState(indicator=SWITCH_TO, year=year)
    frame = analyst_frame(dataset, year)
    ours, ours_t = measure(geodash_switch, lambda: (dataset, state), repeats=repeats)
    theirs, theirs_t = measure(tutorial_switch, lambda: (frame, SWITCH_TO), repeats=repeats)
    step = f"indicator switch ({FIRST} → {SWITCH_TO}) · {n:,} areas"
    return [
        Comparison("switch_bytes", f"{step}: figure JSON bytes (no HTTP)",
                   Figure(len(ours.encode()), "B", "exact"),
                   Figure(len(theirs.encode()), "B", "exact"), TUTORIAL_LABEL, n=n),
        Comparison("switch_time", f"{step}: server time (compute + JSON)",
                   Figure(ours_t.seconds, "s", ours_t.how, ours_t.peak_rss),
                   Figure(theirs_t.seconds, "s", theirs_t.how, theirs_t.peak_rss), TUTORIAL_LABEL,
                   n=n),
    ]


def page_dataset(dataset: Dataset) -> Dataset:
    """The Dataset as the first map page draws it: districts only (no site markers, no zones).

    ``area_geojson`` sends the display geometry (:func:`display_areas`); it is
    computed once per Dataset, here before the timed runs.
    """
    shown = replace(dataset, sites=dataset.sites.iloc[0:0], zones=dataset.zones.iloc[0:0])
    shown.areas_display  # noqa: B018 - cached property, computed once per process in the app
    return shown


def geodash_page(dataset: Dataset, state: ViewState) -> bytes:
    """The first map page's map as it reaches the browser: the component's JSON and the geometry.

    The map component names the geometry's URL only; the page's script then
    fetches ``/_geodash/areas.bin`` (:func:`~geodash.web.wire.encode_areas`),
    so both count, and the encoding is timed as explore()'s HTML is.
    """
    geometry = AreaWireCache().get(dataset).body
    return to_json_plotly(map_figure(dataset, state)).encode() + geometry


def explore_page(frame: gpd.GeoDataFrame, indicator: str) -> str:
    """The HTML page ``GeoDataFrame.explore()`` writes for the same layer."""
    return frame.explore(column=indicator).get_root().render()


def compare_first_page(dataset: Dataset, repeats: int = 3) -> list[Comparison]:
    """Bytes of the first map page (geometry sent once) against ``explore()``."""
    n = len(dataset.areas)
    year = dataset.indicator_years(FIRST)[-1]
    state = ViewState(indicator=FIRST, year=year)
    frame = analyst_frame(dataset, year)[["key", "name", FIRST, "geometry"]]
    theirs, theirs_t = measure(explore_page, lambda: (frame, FIRST), repeats=repeats)
    naive = Figure(len(theirs.encode()), "B", "exact", theirs_t.peak_rss)
    # Once per process, like Dataset.areas_display: timed for the notes, not compared.
    _, simplified = measure(lambda: display_areas(dataset.areas, metric_crs=dataset.settings.metric_crs),
                            repeats=1)
    note = (f"display_areas on {n:,} areas took {fmt_seconds(simplified.seconds)} (1 run; once per "
            "process, before gunicorn forks)")
    shown = page_dataset(dataset)
    ours, ours_t = measure(geodash_page, lambda: (shown, state), repeats=repeats)
    step = f"first map page, map JSON + geometry file, bytes (no HTTP, no scripts) · {n:,} areas"
    return [Comparison("page_bytes", step,
                       Figure(len(ours), "B", "exact", ours_t.peak_rss), naive, EXPLORE_LABEL,
                       n=n, notes=(note,))]
