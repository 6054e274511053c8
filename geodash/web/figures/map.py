"""The indicator map as a Leaflet map (dash-leaflet, canvas), and the small payload that recolours it.

The area geometry is not part of the page: the browser fetches it once from
:data:`AREAS_ROUTE` (quantised and delta-coded, see :mod:`geodash.web.wire`)
and ``assets/gd-map.js`` decodes it. Every later change of indicator, year or
classes sends only :func:`map_patch_values`, about one number per area (the
rounded value and a class digit), and the browser recolours the areas
already on the map and builds the hover texts (name, value, rank) itself.

Layers, bottom to top, on one canvas: the optional OSM background, the
areas, the programme-area outlines, one layer per sites layer (small circles).
"""

from __future__ import annotations

import colorsys
import json
import math

import dash_leaflet as dl
import numpy as np
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, dcc, html

from geodash.analysis.indicators import is_ranked
from geodash.analysis.years import sites_running, zones_running
from geodash.dataset import Dataset
from geodash.web.figures.choropleth import TEXT as VIEW_TEXT
from geodash.web.figures.choropleth import LegendItem, MapView, legend_rows, map_view, no_rank_key
from geodash.web.figures.palettes import MISSING_COLOR
from geodash.web.i18n import BARE_COUNT_UNITS
from geodash.web.state import SITES_LAYER, ViewState
from geodash.web.url_check import map_viewport

AREAS_ROUTE = "/_geodash/areas.bin"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # only when the user asks for it
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
DECIMALS = 5  # about 1 m: finer than any boundary needs on screen
ZONE_COLOR = "#1b2a6b"
# Automatic colours for site categories whose spec gives none: Okabe–Ito, then Paul Tol's
# muted scheme; any that equals a configured colour is skipped.
AUTO_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
               "#000000", "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
               "#CC6677", "#882255", "#AA4499")
SMALL_LAYER = 300  # above this many sites a layer's circles shrink so the areas stay readable

# Element ids (see geodash.web.pages.map for the page's controls).
GRAPH = "karte-graph"  # holds data-gd-painted / data-gd-features (benchmark contract)
LEAFLET = "karte-leaflet"
AREAS = "karte-gebiete"
ZONES = "karte-programmgebiete"
SITES = "karte-angebote"  # pattern id {"type": SITES, "layer": stem}
SITES_DATA = "karte-angebote-daten"
BASEMAP_GROUP = "karte-hintergrund"
VIEW = "karte-ansicht"  # the switch payload
GEOMETRY = "karte-geometrie"  # the URL of the geometry
CLICK = "karte-klick"  # {"key": ...} of the clicked area
OVERLAYS = "karte-ebenen-daten"  # settings of zones and sites layers (see overlays_data)
PAINTED = "karte-gemalt"  # the output of the clientside paint (nothing is written to it)


def js(name: str) -> dict:
    """A function of ``assets/gd-map.js`` as dash-leaflet expects it."""
    return {"variable": f"gdMap.{name}"}


def _site_categories(dataset: Dataset) -> list[str]:
    present = set(dataset.sites["category"])
    return [code for code in dataset.categories if code in present]


def _spread_colors(n: int, taken: set[str]) -> list[str]:
    """``n`` more colours when the palette is used up: hues by the golden angle."""
    out: list[str] = []
    i = 0
    while len(out) < n:
        r, g, b = colorsys.hls_to_rgb((i * 0.618034) % 1.0, 0.45, 0.65)
        color = f"#{int(r * 255):02X}{int(g * 255):02X}{int(b * 255):02X}"
        if color.lower() not in taken:
            out.append(color)
            taken.add(color.lower())
        i += 1
    return out


def site_category_colors(dataset: Dataset) -> dict[str, str]:
    """The map colour of every site category that has sites, across all sites layers.

    The spec's colour where it gives one; the others get automatic colours
    that differ from every configured colour and from each other.
    """
    codes = _site_categories(dataset)
    configured = {code: dataset.categories[code].color for code in codes
                  if dataset.categories.get(code) is not None and dataset.categories[code].color}
    taken = {color.lower() for color in configured.values()}
    palette = [c for c in AUTO_COLORS if c.lower() not in taken]
    missing = [code for code in codes if code not in configured]
    if len(missing) > len(palette):
        palette += _spread_colors(len(missing) - len(palette), taken | {c.lower() for c in palette})
    auto = dict(zip(missing, palette, strict=False))
    return {code: configured.get(code) or auto[code] for code in codes}


def site_layers(dataset: Dataset) -> dict[str, int]:
    """The sites layers (spec file stems) in the order they were read, with their number of sites."""
    if not len(dataset.sites):
        return {}
    counts = dataset.sites["layer"].value_counts(sort=False)
    return {str(stem): int(counts[stem]) for stem in pd.unique(dataset.sites["layer"])}


def visible_site_layers(dataset: Dataset, state: ViewState) -> list[str]:
    """The sites layers shown in a view.

    ``sites:<layer>`` entries in the overlays name them; ``sites`` alone shows
    every layer with at most ``[map] sites_visible_max`` sites.
    """
    layers = site_layers(dataset)
    explicit = {o[len(SITES_LAYER):] for o in state.overlays if o.startswith(SITES_LAYER)}
    if explicit:
        return [stem for stem in layers if stem in explicit]
    if "sites" not in state.overlays:
        return []
    limit = dataset.settings.map.sites_visible_max
    return [stem for stem, count in layers.items() if count <= limit]


def shown_categories(dataset: Dataset, state: ViewState) -> list[str]:
    """The site categories the view shows (all when it names none)."""
    codes = _site_categories(dataset)
    return codes if state.categories is None else [c for c in codes if c in state.categories]


def _not_running(running: pd.Series) -> dict:
    """``{"off": positions}`` of the sites or zones (within their layer) not running in the year shown.

    Empty (no key at all) when everything runs, as in a workspace without years.
    """
    off = np.flatnonzero(~running.to_numpy(dtype=bool)).tolist()
    return {"off": off} if off else {}


def sites_hideout(dataset: Dataset, state: ViewState, stem: str) -> dict:
    """What the browser needs to draw one sites layer: on or off, categories, colours, size.

    ``off`` lists the layer's sites (by position, ``i`` in :func:`sites_columns`)
    that do not run in the view's year (:mod:`geodash.analysis.years`); it is
    left out when all of them run.
    """
    count = site_layers(dataset).get(stem, 0)
    codes = _site_categories(dataset)
    layer = dataset.sites[dataset.sites["layer"] == stem]
    return {
        "on": stem in visible_site_layers(dataset, state),
        **_not_running(sites_running(layer, state.year)),
        "cats": shown_categories(dataset, state),
        "colors": site_category_colors(dataset),
        "labels": {code: dataset.category_label(code, state.lang) for code in codes},
        "radius": 6 if count <= SMALL_LAYER else 3.5,
    }


ZONE_TEXT = {
    "de": {"since": "seit {since}", "until": "bis {until}", "range": "{since}–{until}"},
    "en": {"since": "since {since}", "until": "until {until}", "range": "{since}–{until}"},
}


def zones_hideout(state: ViewState, dataset: Dataset | None = None) -> dict:
    """Whether the zone outlines show, which zones do not run in the year, texts of running time."""
    off = _not_running(zones_running(dataset.zones, state.year)) if dataset is not None else {}
    return {"on": "zones" in state.overlays, **off,
            "t": ZONE_TEXT.get(state.lang, ZONE_TEXT["de"])}


def overlays_data(dataset: Dataset, state: ViewState) -> dict:
    """The settings of the zones and of every sites layer (in :func:`site_layers` order)."""
    return {"zones": zones_hideout(state, dataset),
            "sites": [sites_hideout(dataset, state, stem) for stem in site_layers(dataset)]}


def sites_columns(dataset: Dataset, stem: str) -> dict:
    """One sites layer as columns (lon, lat, name, category, details): the browser makes the points."""
    part = dataset.sites[dataset.sites["layer"] == stem]
    programme = part["programme"].where(part["programme"].notna(), "").astype(str)
    address = part["address"].where(part["address"].notna(), "").astype(str)
    both = (programme != "") & (address != "")
    details = programme + np.where(both, " · ", "") + address
    return {"x": part.geometry.x.round(DECIMALS).tolist(), "y": part.geometry.y.round(DECIMALS).tolist(),
            "i": list(range(len(part))),
            "n": part["name"].astype(str).tolist(), "c": part["category"].astype(str).tolist(),
            "d": details.astype(str).tolist()}


def zones_geojson(dataset: Dataset) -> dict:
    """The programme areas as GeoJSON (name, programme, since and until years), rounded to about 1 m."""
    zones = dataset.zones
    if not len(zones):
        return {"type": "FeatureCollection", "features": []}
    frame = zones[["name", "programme", "since", "until", "geometry"]].copy()
    frame.insert(0, "i", range(len(frame)))  # the position zones_hideout's ``off`` names
    frame["programme"] = frame["programme"].where(frame["programme"].notna(), None)
    for column in ("since", "until"):  # whole years, or null where open
        frame[column] = frame[column].astype("Int64").astype(object).where(frame[column].notna(),
                                                                          None)
    frame = frame.set_geometry(frame.geometry.set_precision(10**-DECIMALS))
    return json.loads(frame.to_json(drop_id=True))


def view_payload(view: MapView) -> dict:
    """The switch payload of a view: about one number per area, no geometry, no texts per area.

    Returns
    -------
    dict
        ``v`` values rounded to the indicator's decimals (None where missing
        or withheld), ``c`` one character per area (class digit, ``-`` for
        none), ``colors`` per class, ``missing`` colour, ``dec``, ``unit``,
        ``lang``, ``polarity`` (for the ranks), ``cn`` class names (MSS),
        ``sup`` positions of withheld values and ``t`` the few texts of the
        hover (``rank`` with ``{rank}`` and ``{n}``).
    """
    spec = view.spec
    n = len(view.keys)
    decimals = int(getattr(spec, "decimals", 0) or 0) if spec is not None else 0
    raw = view.values.to_numpy(dtype=float, na_value=np.nan)
    rounded = np.round(raw, decimals)
    values = np.full(n, None, dtype=object)
    ok = ~np.isnan(rounded)
    values[ok] = rounded[ok].astype(np.int64) if decimals <= 0 else rounded[ok]
    classes = np.asarray(view.class_index, dtype=np.int64) if n else np.zeros(0, np.int64)
    digits = np.where(classes >= 0, classes + ord("0"), ord("-")).astype(np.uint8)
    lang = view.lang
    texts = VIEW_TEXT.get(lang, VIEW_TEXT["de"])
    polarity = getattr(spec, "polarity", "need") if spec is not None else "need"
    unit = getattr(spec, "unit", "") or "" if spec is not None else ""
    named = getattr(spec, "classes", None) if view.class_names else None
    return {
        "v": values.tolist(),
        "c": digits.tobytes().decode("ascii"),
        "colors": list(view.colors),
        "missing": MISSING_COLOR,
        "dec": max(decimals, 0),
        "unit": "" if unit in BARE_COUNT_UNITS else unit,
        "lang": lang,
        "polarity": polarity,
        "cn": [texts[named].format(name=name) for name in view.class_names] if named else [],
        "sup": np.flatnonzero(np.asarray(view.suppressed, dtype=bool)).tolist()
        if view.suppressed else [],
        "t": {"no_data": texts["no_data"], "suppressed": texts["suppressed"],
              # A neutral indicator ranks nobody: its "rank" text has no number to fill in.
              "no_rank": texts[no_rank_key(spec)],
              "rank": texts["rank"] if is_ranked(polarity) else texts[no_rank_key(spec)]},
    }


def map_patch_values(dataset: Dataset, state: ViewState) -> dict:
    """The payload that recolours the map for a view (see :func:`view_payload`)."""
    return view_payload(map_view(dataset, state))


def legend_items(dataset: Dataset, state: ViewState) -> list[LegendItem]:
    """The legend rows of the view: colour, class bounds and count, then "keine Daten"."""
    return legend_rows(map_view(dataset, state))


def basemap_layers(state: ViewState) -> list:
    """The OpenStreetMap tiles when the view asks for them; nothing (offline) otherwise."""
    if not state.basemap:
        return []
    return [dl.TileLayer(url=OSM_TILES, attribution=OSM_ATTRIBUTION, maxZoom=19)]


def map_bounds(dataset: Dataset) -> list[list[float]]:
    """South-west and north-east corner of all areas (Germany when there are none)."""
    if dataset.areas.empty:
        return [[47.27, 5.87], [55.06, 15.04]]
    minx, miny, maxx, maxy = dataset.areas.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def center_zoom(dataset: Dataset, width: int = 780, height: int = 560) -> tuple[list[float], float]:
    """Centre ``[lat, lon]`` and Leaflet zoom that show every area in a map of about ``width × height`` px."""
    (south, west), (north, east) = map_bounds(dataset)
    lat = (south + north) / 2
    # Leaflet: 256 px show 360° of longitude at zoom 0; latitude stretches by 1/cos(lat).
    span_x = max(east - west, 1e-4)
    span_y = max((north - south) / math.cos(math.radians(lat)), 1e-4)
    zoom = min(math.log2(width / 256 * 360 / span_x), math.log2(height / 256 * 360 / span_y))
    return [lat, (west + east) / 2], math.floor((zoom - 0.1) * 4) / 4  # zoomSnap 0.25


def map_figure(dataset: Dataset, state: ViewState, *, geometry_url: str = AREAS_ROUTE) -> html.Div:
    """The whole map of a view: areas (geometry fetched once), zone outlines and sites.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view (indicator, year, scheme, k, overlays, basemap, language).
    geometry_url
        Where the browser fetches the encoded area geometry (with its version).

    Returns
    -------
    dash.html.Div
        The element :data:`GRAPH`, which carries ``data-gd-painted`` and
        ``data-gd-features`` once the areas are drawn.
    """
    view = map_view(dataset, state)
    state = view.state
    # The section the URL names (zoom=, mitte=), else the whole city.
    center, zoom = map_viewport(state) or center_zoom(dataset)
    areas = dl.GeoJSON(
        id=AREAS, data=None, style=js("areaStyle"), onEachFeature=js("bindArea"),
        hideout={"map": GRAPH, "click": CLICK},
    )
    overlays = overlays_data(dataset, state)
    zones = dl.GeoJSON(id=ZONES, data=zones_geojson(dataset), style=js("zoneStyle"),
                       onEachFeature=js("bindZone"), filter=js("showLayer"),
                       hideout=overlays["zones"])
    sites = [
        dl.GeoJSON(id={"type": SITES, "layer": stem}, data=None, pointToLayer=js("siteMarker"),
                   onEachFeature=js("bindSite"), filter=js("showSite"), hideout=hideout)
        for stem, hideout in zip(site_layers(dataset), overlays["sites"], strict=True)
    ]
    stores = [dcc.Store(id={"type": SITES_DATA, "layer": stem}, data=sites_columns(dataset, stem))
              for stem in site_layers(dataset)]
    leaflet = dl.Map(
        id=LEAFLET, center=center, zoom=zoom, preferCanvas=True, zoomSnap=0.25,
        className="gd-leaflet", attributionControl=True,
        children=[
            dl.LayerGroup(id=BASEMAP_GROUP, children=basemap_layers(state)),
            # One canvas for all three: a canvas above another would take its mouse events.
            # The areas arrive last and are sent to the back (gd-map.js).
            areas, zones, *sites,
        ],
    )
    return html.Div(
        id=GRAPH, className="gd-map-graph",
        **{"data-gd-painted": "0", "data-gd-features": "0"},
        children=[
            leaflet,
            dcc.Store(id=VIEW, data=view_payload(view)),
            dcc.Store(id=OVERLAYS, data=overlays),
            dcc.Store(id=GEOMETRY, data=geometry_url),
            dcc.Store(id=CLICK),
            dcc.Store(id=PAINTED),
            *stores,
        ],
    )


def register_clientside(app) -> None:
    """The browser's half of the map (``assets/gd-map.js``): geometry, recolour, overlays, sites."""
    app.clientside_callback(
        'function (url) { return window.gdMap.loadAreas(url, "' + GRAPH + '"); }',
        Output(AREAS, "data"), Input(GEOMETRY, "data"))
    app.clientside_callback(
        'function (view, data) { return window.gdMap.paint(view, data, "' + GRAPH + '"); }',
        Output(PAINTED, "data"), Input(VIEW, "data"), Input(AREAS, "data"))
    # Only a layer whose settings changed is drawn again (dash-leaflet rebuilds on a new hideout).
    app.clientside_callback(
        """function (overlays, zones, sites) {
            const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
            const noUpdate = window.dash_clientside.no_update;
            return [same(overlays.zones, zones) ? noUpdate : overlays.zones,
                    sites.map((h, i) => same(overlays.sites[i], h) ? noUpdate : overlays.sites[i])];
        }""",
        Output(ZONES, "hideout"), Output({"type": SITES, "layer": ALL}, "hideout"),
        Input(OVERLAYS, "data"), State(ZONES, "hideout"),
        State({"type": SITES, "layer": ALL}, "hideout"), prevent_initial_call=True)
    app.clientside_callback("function (columns) { return window.gdMap.sitesGeojson(columns); }",
                            Output({"type": SITES, "layer": MATCH}, "data"),
                            Input({"type": SITES_DATA, "layer": MATCH}, "data"))
