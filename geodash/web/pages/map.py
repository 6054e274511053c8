"""Karte: one indicator in one year as a choropleth of the districts, with sites and zones.

The page is built once per visit; the area geometry comes separately, once
(see :mod:`geodash.web.figures.map`). After that one callback keeps controls,
URL, map and legend in step. A change of a control writes the URL and sends
the switch payload (about one number per area), which the browser uses to
recolour the areas already drawn; a change of the URL (back and forward
buttons) sets the controls and recolours the map the same way. Clicking a
district opens its profile.
"""

from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures import derived
from geodash.web.figures import map as map_figure_module
from geodash.web.figures.choropleth import (
    K_MAX,
    K_MIN,
    NAMED_SCHEME,
    SCHEMES,
    MapView,
    has_named_classes,
    legend_rows,
    map_view,
    resolve_state,
    view_years,
)
from geodash.web.figures.map import (
    BASEMAP_GROUP,
    CLICK,
    OVERLAYS,
    VIEW,
    basemap_layers,
    map_figure,
    overlays_data,
    shown_categories,
    view_payload,
)
from geodash.web.i18n import area_texts, dropdown_labels, translate
from geodash.web.layout import href
from geodash.web.memo import ViewMemo
from geodash.web.narrow import build_settings
from geodash.web.pages import map_export, map_names, map_play, map_selection, profile
from geodash.web.pages.map_layers import (
    BASEMAP,
    category_options,
    layer_options,
    layer_values,
    overlays_from_layers,
)
from geodash.web.state import ViewState
from geodash.web.url_check import check_view

PATH = "/"
NAME = {"de": "Karte", "en": "Map"}
# Parameters this page shows without being built again (see geodash.web.app.route).
LIVE_PARAMS = frozenset({"ind", "jahr", "klass", "k", "ebenen", "kat", "karte", "gebiete",
                         "name", "namen", "zoom", "mitte"})

# A second, read-only Location that exists only while this page is shown: a callback
# with ids.URL as Input plus this page's controls would fail on every other page.
# The side-by-side page (geodash.web.pages.side_by_side.PATH; that page imports this one).
SIDE_PATH = "/nebeneinander"
SIDE_LINK = "karte-nebeneinander"
PAGE_URL = "karte-url"
INDICATOR = "karte-indikator"
YEAR = "karte-jahr"
SCHEME = "karte-klassifikation"
CLASSES = "karte-klassen"
LAYERS = "karte-ebenen"
CATEGORIES = "karte-kategorien"
LEGEND = "karte-legende"
# The element that holds the map: data-gd-painted / data-gd-features (benchmark contract).
GRAPH = map_figure_module.GRAPH
MESSAGE = "karte-hinweis"

TEXT = {
    "de": {
        "title": "Karte der {Units}",
        "indicator": "Indikator",
        "year": "Jahr",
        "scheme": "Klasseneinteilung",
        "classes": "Anzahl Klassen",
        "layers": "Ebenen",
        "categories": "Kategorien der Angebote",
        "quantiles": "Quantile (gleich viele {Units} je Klasse)",
        "equal_interval": "Gleiche Abstände",
        "natural_breaks": "Natürliche Brüche (Jenks)",
        "std_mean": "Standardabweichung um den Mittelwert",
        "mss": "MSS-Klassen (Schwellen des Arbeitsbereichs)",
        "mss_status": "Status hoch = wenig Bedarf … sehr niedrig = viel Bedarf; Schwellen in "
                      "Standardabweichungen vom Stadtmittel.",
        "mss_dynamics": "Dynamik positiv = Lage verbessert sich, negativ = verschlechtert sich; "
                        "Schwellen in Standardabweichungen.",
        "not_yearly": "Stand der Angebotsliste (gilt für jedes Jahr).",
        "unit": "Einheit: {symbol}",
        "count": "{n} {Units}",
        "count_one": "1 {Unit}",
        "need": "Dunkler = mehr Bedarf (hohe Werte).",
        "resource": "Dunkler = mehr Bedarf (niedrige Werte).",
        "neutral": "Dunkler = höhere Werte (ohne Wertung).",
        "click": "Ein Klick in die Karte öffnet das Profil.",
        "source": "Quelle: {source}",
        "legend": "Legende",
        "side": "Mit einem anderen Jahr nebeneinander vergleichen",
    },
    "en": {
        "title": "Map of the {units}",
        "indicator": "Indicator",
        "year": "Year",
        "scheme": "Classification",
        "classes": "Number of classes",
        "layers": "Layers",
        "categories": "Categories of offers",
        "quantiles": "Quantiles (same number of {units} per class)",
        "equal_interval": "Equal intervals",
        "natural_breaks": "Natural breaks (Jenks)",
        "std_mean": "Standard deviation around the mean",
        "mss": "MSS classes (the workspace's thresholds)",
        "mss_status": "Status high = little need … very low = much need; thresholds in "
                      "standard deviations from the city mean.",
        "mss_dynamics": "Dynamics positive = improving, negative = worsening; thresholds in "
                        "standard deviations.",
        "not_yearly": "The current list of offers (the same for every year).",
        "unit": "Unit: {symbol}",
        "count": "{n} {units}",
        "count_one": "1 {unit}",
        "need": "Darker = more need (high values).",
        "resource": "Darker = more need (low values).",
        "neutral": "Darker = higher values (no judgement).",
        "click": "Click a {unit} on the map to open its profile.",
        "source": "Source: {source}",
        "legend": "Legend",
        "side": "Compare with another year side by side",
    },
}


def indicator_options(dataset: Dataset, lang: str) -> list[dict]:
    """Dropdown options: the indicators grouped under their theme (a disabled heading each).

    The derived measures (social index, coverage) come last, in a group of their own.
    """
    themes: dict[str, list] = {}
    specs = [*dataset.indicator_meta.items(), *derived.measures(dataset).items()]
    for ind_id, spec in specs:
        themes.setdefault(spec.theme.get(lang), []).append((ind_id, spec.label.get(lang)))
    options: list[dict] = []
    for i, (theme, members) in enumerate(themes.items()):
        options.append({"label": html.Span(theme, className="gd-option-group"),
                        "value": f"__theme_{i}", "disabled": True, "search": ""})
        options += [{"label": label, "value": ind_id, "search": f"{label} {theme}"}
                    for ind_id, label in members]
    return options


def year_props(dataset: Dataset, state: ViewState) -> dict:
    """Slider properties for the years with values of the view's indicator (disabled if none)."""
    years = list(view_years(dataset, state.indicator))
    measure = derived.measure_of(dataset, state.indicator)
    if measure is not None and not measure.yearly and dataset.years:
        # The same values in every year: the years are shown, but there is nothing to pick.
        return {"min": dataset.years[0], "max": dataset.years[-1],
                "marks": {y: str(y) for y in dataset.years},
                "value": state.year if state.year in dataset.years else None, "disabled": True}
    if not years:
        return {"min": 0, "max": 1, "marks": {}, "value": None, "disabled": True}
    return {"min": years[0], "max": years[-1], "marks": {y: str(y) for y in years},
            "value": state.year if state.year in years else None, "disabled": len(years) == 1}


def scheme_options(dataset: Dataset, indicator: str | None, lang: str) -> list[dict]:
    """The classification schemes; the MSS classes only for an index that has them."""
    texts = area_texts(TEXT, dataset)
    named = has_named_classes(dataset, indicator)
    return [{"label": translate(texts, s, lang), "value": s,
             "disabled": s == NAMED_SCHEME and not named} for s in (*SCHEMES, NAMED_SCHEME)]


def snap_year(year: float | None, years: list[int]) -> int | None:
    """The available year nearest to ``year`` (the later one on a tie); None stays None.

    Examples
    --------
    >>> snap_year(2019.6, [2019, 2021, 2023]), snap_year(2020, [2019, 2021])
    (2019, 2021)
    """
    if year is None or not years:
        return None if year is None else int(round(year))
    return min(reversed(years), key=lambda y: abs(y - year))


def view_from_controls(dataset: Dataset, state: ViewState, changed: str | None, *,
                      indicator: str | None, year: int | None, scheme: str | None,
                      k: int | None, layers: list[str] | None,
                      categories: list[str] | None = None) -> ViewState:
    """The view after a control changed; a new indicator without the year takes its latest year.

    The sites layers become explicit (``sites:<layer>``) once the user touched
    the layers; the category filter is kept in the URL only when it leaves some out.
    """
    layers = layers or []
    offered = {option["value"] for option in layer_options(dataset, state.lang)}
    overlays = overlays_from_layers(dataset, state, layers, offered)
    chosen = state.categories
    if categories is not None and len(dataset.sites):
        every = shown_categories(dataset, state.with_(categories=None))
        chosen = None if set(every) <= set(categories) else tuple(
            c for c in every if c in categories)
    indicator = indicator or state.indicator
    years = list(view_years(dataset, indicator))
    if changed == YEAR and indicator:
        year = snap_year(year, years)
    if year is None and not years:
        year = state.year  # a measure without years keeps the year for the next indicator
    new = state.with_(indicator=indicator, year=int(year) if year is not None else None,
                      scheme=scheme or state.scheme, k=int(k) if k else state.k,
                      overlays=overlays, categories=chosen,
                      basemap=BASEMAP in layers)
    if changed == INDICATOR and indicator:
        if years and new.year not in years:
            new = new.with_(year=years[-1])
        # An index opens in its MSS classes; other indicators cannot use them.
        named = has_named_classes(dataset, indicator)
        if named or new.scheme == NAMED_SCHEME:
            new = new.with_(scheme=NAMED_SCHEME if named else SCHEMES[0])
    return resolve_state(dataset, new)


def build_legend(dataset: Dataset, view: MapView) -> list:
    """The legend beside the map: title, unit, one row per class with its count, notes."""
    texts = area_texts(TEXT, dataset)
    lang = view.lang
    spec = view.spec
    if spec is None:
        return []
    rows = [legend_row(item, translate(texts, "count_one", lang) if item.count == 1
                       else translate(texts, "count", lang, n=item.count))
            for item in legend_rows(view)]
    year = view.state.year if view.yearly else None
    named = getattr(spec, "classes", None) if view.class_names else None
    description = getattr(spec, "description", None)
    return [
        html.H2([spec.label.get(lang), html.Span(f" {year}" if year else "",
                                                 className="gd-legend-year")],
                className="gd-legend-title"),
        html.P(translate(texts, "unit", lang, symbol=spec.unit), className="gd-legend-unit")
        if spec.unit else None,
        html.Ul(rows, className="gd-legend-rows"),
        html.P(translate(texts, f"mss_{named}", lang) if named
               else translate(texts, spec.polarity, lang), className="gd-legend-note"),
        html.P(translate(texts, view.state.scheme, lang), className="gd-legend-note"),
        html.P(description.get(lang), className="gd-legend-note")
        if description is not None and not view.message else None,
        html.P(translate(texts, "not_yearly", lang), className="gd-legend-note")
        if not view.yearly else None,
        html.P(translate(texts, "source", lang, source=spec.source), className="gd-legend-note")
        if spec.source else None,
        html.P(translate(texts, "click", lang), className="gd-legend-note no-print"),
        html.P(dcc.Link(translate(texts, "side", lang), id=SIDE_LINK,
                        href=href(SIDE_PATH, view.state)), className="gd-legend-note no-print"),
    ]


def legend_row(item, count: str) -> html.Li:
    """One class of the legend; a click on it reveals the names of its areas.

    The names are filled in by the browser (``gdNames.fillLegend``) from the class
    of each area it already holds: a switch sends no names.
    """
    row = [html.Span(className="gd-swatch", style={"backgroundColor": item.color}),
           html.Span(item.label, className="gd-legend-label"),
           html.Span(count, className="gd-legend-count")]
    missing = " gd-legend-missing" if item.missing else ""
    if not item.count:
        return html.Li(className="gd-legend-item", children=html.Div(
            row, className="gd-legend-row gd-legend-empty" + missing))
    return html.Li(className="gd-legend-item", children=html.Details(
        className="gd-legend-details", **{"data-class": str(item.code), "data-map": GRAPH},
        children=[
            html.Summary(row, className="gd-legend-row" + missing),
            html.P(className="gd-legend-areas"),
        ]))


def build_message(view: MapView) -> list:
    """A polite note when the view has nothing to colour."""
    if not view.message:
        return []
    return [html.Div(view.message, className="alert alert-info", role="status")]


def _controls(dataset: Dataset, state: ViewState) -> html.Section:
    lang = state.lang
    years = year_props(dataset, state)
    return html.Section(className="gd-controls no-print", children=[
        html.Label(translate(TEXT, "indicator", lang), htmlFor=INDICATOR, className="form-label"),
        dcc.Dropdown(id=INDICATOR, options=indicator_options(dataset, lang), value=state.indicator,
                     clearable=False, maxHeight=420, labels=dropdown_labels(lang)),
        html.Label(translate(TEXT, "year", lang), htmlFor=YEAR, className="form-label"),
        # step=1 (not None): Dash 4 sliders move by fractions without a step. A year
        # without values between two with values snaps to the nearest (see snap_year).
        map_play.year_control(dcc.Slider(id=YEAR, step=1, included=False, allow_direct_input=False,
                                         **years), dataset, state, legend_id=LEGEND),
        # On a phone the rest folds behind "Einstellungen", so that the map is on the first screen.
        *build_settings("karte", [
        html.Label(translate(TEXT, "scheme", lang), htmlFor=SCHEME, className="form-label"),
        dcc.RadioItems(id=SCHEME, value=state.scheme, className="gd-radio",
                       options=scheme_options(dataset, state.indicator, lang)),
        html.Label(translate(TEXT, "classes", lang), htmlFor=CLASSES, className="form-label"),
        dcc.Slider(id=CLASSES, min=K_MIN, max=K_MAX, step=1, value=state.k, included=False,
                   allow_direct_input=False, marks={k: str(k) for k in range(K_MIN, K_MAX + 1)},
                   disabled=state.scheme == NAMED_SCHEME),
        html.Label(translate(TEXT, "layers", lang), htmlFor=LAYERS, className="form-label"),
        dcc.Checklist(id=LAYERS, options=layer_options(dataset, lang),
                      value=layer_values(dataset, state), className="gd-checklist"),
        map_names.build_labels_switch(dataset, state),
        map_export.build_export(lang),
        ], lang),
    ])


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """The map page for one view: controls, the map (its geometry follows once), the legend."""
    from geodash.web.app import geometry_url

    view = map_view(dataset, state)
    state = view.state
    lang = state.lang
    return html.Div(className="gd-page gd-map-page", children=[
        dcc.Location(id=PAGE_URL, refresh=False),
        html.H1(translate(area_texts(TEXT, dataset), "title", lang), className="gd-visually-hidden"),
        html.Div(className="gd-map-layout", children=[
            _controls(dataset, state),
            html.Div(className="gd-map-main", children=[
                html.Div(build_message(view), id=MESSAGE),
                map_selection.build_toolbar(dataset, state),
                map_figure(dataset, state, geometry_url=geometry_url(dataset)),
                map_selection.build_panel(dataset, state),
            ]),
            # Beside the map (below it on a phone): the classes, then the sites and their filter.
            html.Div(className="gd-map-side", children=[
                html.Aside(build_legend(dataset, view), id=LEGEND, className="gd-legend",
                           **{"aria-label": translate(TEXT, "legend", lang)}),
                map_names.build_sites_legend(dataset, state, dcc.Checklist(
                    id=CATEGORIES, options=category_options(dataset, lang),
                    value=shown_categories(dataset, state), className="gd-checklist")),
            ]),
        ]),
        *map_names.build_stores(dataset),
    ])


def overlay_outputs(dataset: Dataset, state: ViewState) -> tuple:
    """The overlays' settings (see :func:`~geodash.web.figures.map.overlays_data`) and the tiles."""
    return overlays_data(dataset, state), basemap_layers(state)


def next_view(dataset: Dataset, search: str | None, trigger: str | None,
              **controls) -> tuple[ViewState | None, str | None]:
    """The view to show after the URL or a control changed, and the query to write, if any.

    Returns
    -------
    tuple
        ``(None, None)`` when the URL only echoes what the controls show (the
        page's own write); ``(state, None)`` for a URL change (back, forward),
        which only the map and controls follow; ``(state, "?query")`` for a
        control change, which the URL must record.
    """
    state = ViewState.from_query(search, page="karte")
    shown = view_from_controls(dataset, state, trigger, **controls)
    if trigger != PAGE_URL:
        query = shown.to_query()
        return shown, f"?{query}" if query else ""
    state = resolve_state(dataset, check_view(dataset, state).state)
    return (None, None) if state == shown else (state, None)


def page_outputs(dataset: Dataset, state: ViewState) -> tuple:
    """Control values, map payload, overlays, legend and message of a view, in the callback's order."""
    view = map_view(dataset, state)
    years = year_props(dataset, state)
    return (state.indicator, years["min"], years["max"], years["marks"], years["value"],
            years["disabled"], state.scheme, state.k, layer_values(dataset, state),
            shown_categories(dataset, state), view_payload(view),
            *overlay_outputs(dataset, state), build_legend(dataset, view), build_message(view),
            scheme_options(dataset, state.indicator, state.lang), state.scheme == NAMED_SCHEME)


def register_callbacks(app, dataset: Dataset) -> None:
    """Keep controls, URL, map and legend in step; open a district's profile on click.

    The social index and coverage of every year are computed here, once, so that
    switching to them on the map answers as fast as a plain indicator. The
    geometry, the sites and the recolouring are clientside (``assets/gd-map.js``).
    """
    derived.warm(dataset)
    views = ViewMemo(maxsize=256)  # per app; an answer is about one number per area

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(INDICATOR, "value"),
        Output(YEAR, "min"), Output(YEAR, "max"), Output(YEAR, "marks"), Output(YEAR, "value"),
        Output(YEAR, "disabled"),
        Output(SCHEME, "value"), Output(CLASSES, "value"), Output(LAYERS, "value"),
        Output(CATEGORIES, "value"),
        Output(VIEW, "data"), Output(OVERLAYS, "data"), Output(BASEMAP_GROUP, "children"),
        Output(LEGEND, "children"), Output(MESSAGE, "children"),
        Output(SCHEME, "options"), Output(CLASSES, "disabled"),
        Input(PAGE_URL, "search"),
        Input(INDICATOR, "value"), Input(YEAR, "value"), Input(SCHEME, "value"),
        Input(CLASSES, "value"), Input(LAYERS, "value"), Input(CATEGORIES, "value"),
        State(PAGE_URL, "pathname"),
        prevent_initial_call=True,
    )
    def sync(search, indicator, year, scheme, k, layers, categories, pathname):
        if "/" + (pathname or "").strip("/") != PATH:
            # The URL moved on to another page; the router replaces this one.
            raise PreventUpdate
        state, new_search = next_view(dataset, search, ctx.triggered_id, indicator=indicator,
                                      year=year, scheme=scheme, k=k, layers=layers,
                                      categories=categories)
        if state is None:
            raise PreventUpdate
        outputs = views.get(dataset, state, lambda: page_outputs(dataset, state))
        return (no_update if new_search is None else new_search, *outputs)

    map_figure_module.register_clientside(app)
    map_names.register_callbacks(app, PAGE_URL)
    map_export.register_callbacks(app, dataset)
    map_play.register_callbacks(app, dataset, page_url=PAGE_URL, year_id=YEAR)
    map_selection.register_callbacks(app, dataset, PAGE_URL, PATH)

    @app.callback(
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(CLICK, "data"),
        State(ids.URL, "search"),
        State(map_selection.TOOL, "value"),
        prevent_initial_call=True,
    )
    def open_profile(click, search, tool):
        if not map_selection.opens_profile(tool):
            return no_update, no_update  # the selection tools take the click
        key = (click or {}).get("key")
        if key is None or key not in set(dataset.areas["key"]):
            return no_update, no_update
        state = ViewState.from_query(search).with_(areas=(str(key),))
        return profile.PATH, f"?{state.to_query()}"
