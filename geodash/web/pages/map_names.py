"""What the Karte page names: area labels, the map section in the URL, the sites legend.

- **Area labels**: a switch under the layers (``namen=aus`` in the URL turns
  them off) and one point per area inside it (:func:`label_points_payload`).
  Which names fit is decided in the browser at every zoom (``assets/gd-names.js``):
  a name is shown only where its area is wide and tall enough on screen for
  the text and where it overlaps no name already placed (larger areas first).
  No request to the server per zoom.
- **Map section**: the browser writes ``zoom=`` and ``mitte=`` into the URL
  after the user moved the map (replacing the history entry, not adding one);
  every link of the navbar keeps them, so a reload and the language switch
  show the same section (:func:`~geodash.web.url_check.map_viewport` reads them).
- **Sites legend**: the colour of each site category and the checkbox that
  shows or hides its markers, beside the map (below it on a phone).
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html

from geodash.analysis.label_points import label_points
from geodash.dataset import Dataset
from geodash.web.figures import map as map_figure
from geodash.web.i18n import area_texts, translate
from geodash.web.memo import ViewMemo
from geodash.web.state import ViewState

LABELS = "karte-namen"  # the switch (a checklist with one option)
LABELS_ON = "an"
LABEL_POINTS = "karte-namen-punkte"  # {"keys", "x", "y"}: where each area's name goes
HOME = "karte-ausschnitt-start"  # {"center", "zoom"}: the section the map opened with
LABELS_SINK = "karte-namen-ausgabe"
VIEWPORT_SINK = "karte-ausschnitt-ausgabe"
SITES_LEGEND = "karte-angebote-legende"

TEXT = {
    "de": {
        "labels": "Namen der {Units}",
        "sites": "Angebote auf der Karte",
        "sites_hint": "Ein Häkchen blendet die Standorte dieser Kategorie ein oder aus.",
    },
    "en": {
        "labels": "Names of the {units}",
        "sites": "Offers on the map",
        "sites_hint": "A tick shows or hides the sites of that category.",
    },
}


# Label points of the last few Datasets (a pure function of the areas, the same for every user):
# the map page is built again for each language and view, the points stay (0.2 s for Berlin).
POINTS = ViewMemo(maxsize=4)


def label_points_payload(dataset: Dataset) -> dict:
    """Per area: its key and the lon/lat of its name (inside the area as drawn), to about 1 m."""
    return POINTS.get(dataset, ViewState(), lambda: _label_points_payload(dataset), "label-points")


def _label_points_payload(dataset: Dataset) -> dict:
    areas = dataset.areas_display
    if not len(areas):
        return {"keys": [], "x": [], "y": []}
    points = label_points(areas, dataset.settings.metric_crs).to_crs("EPSG:4326")
    decimals = map_figure.DECIMALS
    return {"keys": areas["key"].astype(str).tolist(),
            "x": points.x.round(decimals).tolist(), "y": points.y.round(decimals).tolist()}


def build_labels_switch(dataset: Dataset, state: ViewState) -> dcc.Checklist:
    """The switch for the area names on the map."""
    texts = area_texts(TEXT, dataset)
    return dcc.Checklist(id=LABELS, className="gd-checklist gd-labels-switch",
                         options=[{"label": translate(texts, "labels", state.lang),
                                   "value": LABELS_ON}],
                         value=[LABELS_ON] if state.labels else [])


def build_stores(dataset: Dataset) -> list:
    """What the browser needs for the names and the map section: label points, the opening section."""
    center, zoom = map_figure.center_zoom(dataset)
    return [dcc.Store(id=LABEL_POINTS, data=label_points_payload(dataset)),
            dcc.Store(id=HOME, data={"center": center, "zoom": zoom}),
            dcc.Store(id=LABELS_SINK), dcc.Store(id=VIEWPORT_SINK)]


def build_sites_legend(dataset: Dataset, state: ViewState, categories: dcc.Checklist) -> html.Section:
    """The sites legend beside the map: each category's colour, with its show/hide checkbox."""
    lang = state.lang
    return html.Section(
        id=SITES_LEGEND, className="gd-legend gd-sites-legend", hidden=not len(dataset.sites),
        **{"aria-label": translate(TEXT, "sites", lang)},
        children=[html.H2(translate(TEXT, "sites", lang), className="gd-legend-title"),
                  categories,
                  html.P(translate(TEXT, "sites_hint", lang), className="gd-legend-note no-print")])


def register_callbacks(app, page_url: str) -> None:
    """The browser's half (``assets/gd-names.js``): names on or off, the map section into the URL."""
    graph = map_figure.GRAPH
    # The switch and the URL (back, forward) both set the names; a click also writes the URL.
    app.clientside_callback(
        'function (value, search, points) {'
        ' return window.gdNames.sync("' + graph + '", "' + LABELS + '", value, search, points); }',
        Output(LABELS, "value"), Output(LABELS_SINK, "data"),
        Input(LABELS, "value"), Input(page_url, "search"), Input(LABEL_POINTS, "data"))
    app.clientside_callback(
        "function (zoom, center, home) { return window.gdNames.viewport(zoom, center, home); }",
        Output(VIEWPORT_SINK, "data"),
        Input(map_figure.LEAFLET, "zoom"), Input(map_figure.LEAFLET, "center"), State(HOME, "data"),
        prevent_initial_call=True)
