"""The indicator map as a Plotly MapLibre figure, and the small patch that recolours it.

The figure carries the district geometry once; every later change of
indicator, year or classes sends only :func:`map_patch_values` (class per
district, colour scale, hover texts), never the geometry again.

Traces, in this order: ``0`` the districts (``go.Choroplethmap``), then the
programme-area outlines if the workspace has zones, then one marker trace per
site category if it has sites. :func:`overlay_visibility` follows the same order.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import shapely

from geodash.dataset import Dataset
from geodash.web.figures.choropleth import (
    LegendItem,
    MapView,
    hover_rows,
    legend_rows,
    map_view,
)
from geodash.web.figures.palettes import MISSING_COLOR
from geodash.web.i18n import translate
from geodash.web.state import ViewState
from geodash.web.text import plotly_text, plotly_texts

OFFLINE_STYLE = "white-bg"  # built into Plotly: no tiles, no glyphs, no network
BASEMAP_STYLE = "open-street-map"  # remote tiles: only when the user asks for them
DECIMALS = 5  # about 1 m: finer than any district boundary needs on screen
# Separators per language for Plotly's own number formatting (decimal, thousands).
SEPARATORS = {"de": ",.", "en": ".,"}
ZONE_COLOR = "#1b2a6b"
# Okabe–Ito colours for site categories whose spec gives none.
FALLBACK_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                   "#CC79A7", "#000000")

HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
SITE_HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"

TEXT = {
    "de": {"zones": "Programmgebiete (Soziale Stadt)", "districts": "Stadtteile"},
    "en": {"zones": "Programme areas (Soziale Stadt)", "districts": "Districts"},
}


def area_geojson(dataset: Dataset) -> dict:
    """The districts as a GeoJSON FeatureCollection with only ``properties.key``.

    The geometry is the display copy (:attr:`Dataset.areas_display`): simplified
    with shared borders kept and rounded to 5 decimals (about 1 m); exports
    keep the full geometry.
    """
    areas = dataset.areas_display
    features = [
        {"type": "Feature", "id": str(key), "properties": {"key": str(key)},
         "geometry": shapely.geometry.mapping(geom)}
        for key, geom in zip(areas["key"], areas.geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def step_colorscale(colors: tuple[str, ...]) -> list[list]:
    """A colour scale with hard steps for ``z`` = class index, ``-1`` (missing) … ``k - 1``.

    With ``zmin = -1`` and ``zmax = k - 1`` the ``k + 1`` levels sit at equal
    distances; each gets its colour up to the midpoints to its neighbours.
    """
    levels = (MISSING_COLOR, *colors)
    if len(levels) == 1:
        return [[0.0, MISSING_COLOR], [1.0, MISSING_COLOR]]  # nothing classified: all grey
    span = len(levels) - 1
    scale: list[list] = []
    for i, color in enumerate(levels):
        lo = max(0.0, (i - 0.5) / span)
        hi = min(1.0, (i + 0.5) / span)
        scale += [[lo, color], [hi, color]]
    return scale


def trace_values(view: MapView) -> dict:
    """The district-trace properties of a classified view (see :func:`map_patch_values`)."""
    k = len(view.colors)
    return {
        "z": view.class_index,
        # Names come from the data and Plotly reads its HTML subset in hover labels.
        "customdata": [plotly_texts(row) for row in hover_rows(view)],
        "colorscale": step_colorscale(view.colors),
        "zmin": -1,
        "zmax": max(k - 1, 0),
    }


def map_patch_values(dataset: Dataset, state: ViewState) -> dict:
    """The properties of the district trace that change with indicator, year, scheme or k.

    Returns
    -------
    dict
        ``z`` (class per district), ``customdata`` (hover texts), ``colorscale``,
        ``zmin`` and ``zmax``: to be assigned to ``figure.data[0]`` (by a
        ``dash.Patch``). No geometry.
    """
    return trace_values(map_view(dataset, state))


def legend_items(dataset: Dataset, state: ViewState) -> list[LegendItem]:
    """The legend rows of the view: colour, class bounds and count, then "keine Daten"."""
    return legend_rows(map_view(dataset, state))


def overlay_visibility(dataset: Dataset, state: ViewState) -> list[bool]:
    """Visibility of every trace after the districts, in figure order (zones, then categories)."""
    visible = []
    if len(dataset.zones):
        visible.append("zones" in state.overlays)
    show_sites = "sites" in state.overlays
    for code in _site_categories(dataset):
        visible.append(show_sites and (state.categories is None or code in state.categories))
    return visible


def map_style(state: ViewState) -> str:
    """The MapLibre style: offline unless the view asks for the OpenStreetMap background."""
    return BASEMAP_STYLE if state.basemap else OFFLINE_STYLE


def _site_categories(dataset: Dataset) -> list[str]:
    present = set(dataset.sites["category"])
    return [code for code in dataset.categories if code in present]


def site_category_colors(dataset: Dataset) -> dict[str, str]:
    """The map colour of every site category that has sites, in display order.

    The spec's colour where it gives one, else an Okabe–Ito colour by position.
    """
    colors = {}
    for i, code in enumerate(_site_categories(dataset)):
        category = dataset.categories.get(code)
        colors[code] = (category.color if category and category.color
                        else FALLBACK_COLORS[i % len(FALLBACK_COLORS)])
    return colors


def _zone_trace(dataset: Dataset, lang: str, visible: bool) -> go.Scattermap:
    lon: list[float | None] = []
    lat: list[float | None] = []
    for geom in dataset.zones.geometry:
        for ring in _rings(geom):
            coords = np.round(np.asarray(ring.coords), DECIMALS)
            lon += [*coords[:, 0].tolist(), None]
            lat += [*coords[:, 1].tolist(), None]
    return go.Scattermap(
        lon=lon, lat=lat, mode="lines", line={"color": ZONE_COLOR, "width": 3},
        name=translate(TEXT, "zones", lang), hoverinfo="skip", visible=visible,
    )


def _rings(geom) -> list:
    polygons = getattr(geom, "geoms", [geom])
    return [ring for poly in polygons for ring in (poly.exterior, *poly.interiors)]


def _site_traces(dataset: Dataset, lang: str, visible: list[bool]) -> list[go.Scattermap]:
    traces = []
    sites = dataset.sites
    for (code, color), shown in zip(site_category_colors(dataset).items(), visible, strict=True):
        part = sites[sites["category"] == code]
        label = plotly_text(dataset.category_label(code, lang))
        details = [
            plotly_text(" · ".join(str(v) for v in (programme, address) if isinstance(v, str) and v))
            for programme, address in zip(part["programme"], part["address"], strict=True)
        ]
        traces.append(go.Scattermap(
            lon=part.geometry.x.round(DECIMALS), lat=part.geometry.y.round(DECIMALS),
            mode="markers", marker={"size": 11, "color": color}, name=label,
            customdata=np.array([[plotly_text(n), label, d]
                                 for n, d in zip(part["name"], details, strict=True)], dtype=object),
            hovertemplate=SITE_HOVER, visible=shown,
        ))
    return traces


def _center_zoom(dataset: Dataset) -> tuple[dict, float]:
    """Centre and zoom that show every district in a map about 800 × 560 px."""
    if dataset.areas.empty:
        return {"lon": 10.45, "lat": 51.16}, 5.0  # Germany
    minx, miny, maxx, maxy = dataset.areas.total_bounds
    lat = (miny + maxy) / 2
    # MapLibre: 512 px show 360° of longitude at zoom 0; latitude stretches by 1/cos(lat).
    span_x = max(maxx - minx, 1e-4)
    span_y = max((maxy - miny) / math.cos(math.radians(lat)), 1e-4)
    zoom = min(math.log2(800 / 512 * 360 / span_x), math.log2(560 / 512 * 360 / span_y))
    return {"lon": (minx + maxx) / 2, "lat": lat}, round(zoom - 0.2, 2)


def map_figure(dataset: Dataset, state: ViewState) -> go.Figure:
    """The whole map of a view: districts coloured by class, zone outlines and sites.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view (indicator, year, scheme, k, overlays, basemap, language).

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Choroplethmap`` feature per district, matched on ``properties.key``;
        the Plotly colour bar is hidden (the page draws its own legend).
    """
    view = map_view(dataset, state)
    lang = view.lang
    keys = list(view.keys)
    districts = go.Choroplethmap(
        featureidkey="properties.key", locations=keys,
        marker={"line": {"color": "#ffffff", "width": 1.2}, "opacity": 0.85},
        showscale=False, hovertemplate=HOVER, name=translate(TEXT, "districts", lang),
        showlegend=False, **trace_values(view),
    )
    visible = overlay_visibility(dataset, view.state)
    traces = [districts]
    if len(dataset.zones):
        traces.append(_zone_trace(dataset, lang, visible[0]))
    traces += _site_traces(dataset, lang, visible[1:] if len(dataset.zones) else visible)
    center, zoom = _center_zoom(dataset)
    figure = go.Figure(traces)
    # Set after construction: go.Figure deep-copies every trace, which takes seconds for
    # a city of thousands of blocks; the assignment keeps the one dict we built.
    figure.data[0].geojson = area_geojson(dataset)
    figure.update_layout(
        map={"style": map_style(view.state), "center": center, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        separators=SEPARATORS.get(lang, SEPARATORS["de"]),
        # A constant uirevision keeps the user's pan and zoom across patches.
        uirevision="geodash-map",
        legend={"x": 0.01, "y": 0.01, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": "#d0d0d0", "borderwidth": 1, "font": {"size": 11}},
        hoverlabel={"bgcolor": "white", "font": {"size": 13}},
        clickmode="event",
        paper_bgcolor="white",
    )
    return figure
