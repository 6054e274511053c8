"""Daten: where every layer comes from, what the load repaired or left out, the downloads, and uploads.

The downloads are the same joined layers the command line exports
(``geodash export``), and the map of the current view as a standalone HTML file.
When the app takes uploads, the page also shows the upload section
(:mod:`geodash.web.upload_panel`); its callbacks are wired by the app factory.
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from geodash.analysis.districts import latest_year
from geodash.dataset import Dataset
from geodash.errors import GeodashError, ParameterError
from geodash.export import FORMATS, build_layer, companion_bytes, layer_bytes
from geodash.export.html_map import html_map
from geodash.export.slugs import slug
from geodash.findings import LEVEL_LABELS
from geodash.web import ids, upload_panel
from geodash.web.figures.choropleth import resolve_state
from geodash.web.i18n import area_texts, area_word, fmt_number, translate
from geodash.web.live import Uploads
from geodash.web.state import ViewState

PATH = "/daten"
NAME = {"de": "Daten", "en": "Data"}

DOWNLOAD = "daten-download"
DOWNLOAD_BUTTON = "daten-download-button"  # pattern-matching type; "item" is a DOWNLOADS key
DOWNLOAD_MESSAGE = "daten-download-hinweis"
LAYERS_TABLE = "daten-ebenen"
INDICATORS_TABLE = "daten-indikatoren"
REPORT_TABLE = "daten-pruefbericht"
OFFERS_TABLE = "daten-angebote-luecken"


@dataclass(frozen=True)
class LayerDownload:
    """One download button: which layer, in which format, under which file name."""

    layer: str
    fmt: str  # a key of geodash.export.FORMATS, or COLUMNS: what the CSV's columns mean
    stem: str  # may contain {year} and {units} (the areas' plural, as a slug)
    german: bool = False


# The companion table `<file>.csv.columns.csv` that `geodash export … -f csv` writes beside the CSV.
COLUMNS = "columns"

DOWNLOADS: dict[str, LayerDownload] = {
    "districts-geojson": LayerDownload("districts", "geojson", "{units}_{year}"),
    "districts-gpkg": LayerDownload("districts", "gpkg", "{units}_{year}"),
    "districts-xlsx": LayerDownload("districts", "xlsx", "{units}_{year}"),
    "districts-csv": LayerDownload("districts", "csv", "{units}_{year}"),
    "districts-csv-de": LayerDownload("districts", "csv", "{units}_{year}_excel", german=True),
    "districts-columns": LayerDownload("districts", COLUMNS, "{units}_{year}"),
    "indicators-xlsx": LayerDownload("indicators", "xlsx", "indikatoren_alle_jahre"),
    "indicators-csv": LayerDownload("indicators", "csv", "indikatoren_alle_jahre"),
    "indicators-csv-de": LayerDownload("indicators", "csv", "indikatoren_alle_jahre_excel",
                                       german=True),
    "indicators-columns": LayerDownload("indicators", COLUMNS, "indikatoren_alle_jahre"),
    "sites-geojson": LayerDownload("sites", "geojson", "angebote"),
    "sites-csv": LayerDownload("sites", "csv", "angebote"),
}
MAP_HTML = "map-html"

TEXT = {
    "de": {
        "title": "Daten und Downloads",
        "note": "Hinweis zu den Daten",
        "downloads": "Downloads",
        "districts": "{Units} mit allen Indikatoren, {year}",
        "sites": "Angebote und Projekte",
        "map": "Karte als HTML-Datei",
        "map_note": "Die aktuelle Karte ({label}, {year}) als eigenständige Datei. Sie braucht "
                    "kein Internet und öffnet sich auch als E-Mail-Anhang.",
        "long_table": "Alle Indikatoren, alle Jahre (lange Tabelle: {Unit}, Indikator, Bezeichnung, "
                      "Einheit, Jahr, Wert)",
        "districts-geojson": "GeoJSON", "districts-gpkg": "GeoPackage",
        "districts-xlsx": "Excel mit Metadaten", "districts-csv": "CSV",
        "districts-csv-de": "CSV für deutsches Excel", "districts-columns": "Spaltenbeschreibung (CSV)",
        "indicators-xlsx": "Excel mit Metadaten", "indicators-csv": "CSV",
        "indicators-csv-de": "CSV für deutsches Excel", "indicators-columns": "Spaltenbeschreibung (CSV)",
        "sites-geojson": "GeoJSON", "sites-csv": "CSV", "map-html": "HTML-Karte",
        "csv_note": "CSV-Dateien sind UTF-8 mit BOM; die Variante für deutsches Excel nutzt „;“ "
                    "und Dezimalkomma. Was jede Spalte bedeutet (Bezeichnung, Einheit, Quelle, "
                    "Jahre, Richtung, unterdrückte Werte), steht in der Spaltenbeschreibung und im "
                    "Blatt „Metadaten“ der Excel-Datei.",
        "failed": "Der Download ist fehlgeschlagen: {message}",
        "layers": "Ebenen",
        "kind": "Art", "layer_title": "Titel", "file": "Datei", "spec": "Spezifikation",
        "count": "Zeilen/Objekte", "source": "Quelle", "notes": "Anmerkungen",
        "areas": "{Units}", "indicators": "Indikatoren", "zones": "Programmgebiete",
        "sites_kind": "Standorte",
        "indicator_list": "Indikatoren",
        "label": "Indikator", "id": "Kürzel", "unit": "Einheit", "polarity": "Richtung",
        "theme": "Thema", "years": "Jahre", "description": "Beschreibung",
        "need": "hoher Wert = mehr Bedarf", "resource": "hoher Wert = weniger Bedarf",
        "neutral": "ohne Wertung", "no_years": "keine Werte",
        "report": "Prüfbericht",
        "report_intro": "Was beim Laden repariert, ausgelassen oder bemerkt wurde.",
        "report_empty": "Beim Laden wurde nichts repariert oder ausgelassen.",
        "level": "Stufe", "layer": "Ebene", "where": "Stelle", "message": "Meldung",
        "offers": "Angebote: fehlende Angaben für den Angebotsfinder",
        "offers_intro": "Diese Angaben zeigt die öffentliche Seite /angebote/; so lässt sich die Liste "
                        "vervollständigen.",
        "offers_complete": "Alle Angebote haben Adresse, Kontakt, Öffnungszeiten, Sprachen, Zielgruppe "
                           "und Kosten.",
        "offer": "Angebot", "missing": "Es fehlt",
        "field_address": "Adresse", "field_contact": "Kontakt", "field_opening_hours": "Öffnungszeiten",
        "field_languages": "Sprachen", "field_target_group": "Zielgruppe", "field_cost": "Kosten",
    },
    "en": {
        "title": "Data and downloads",
        "note": "About the data",
        "downloads": "Downloads",
        "districts": "{Units} with every indicator, {year}",
        "sites": "Offers and projects",
        "map": "Map as an HTML file",
        "map_note": "The current map ({label}, {year}) as a standalone file. It needs no "
                    "internet and opens from an e-mail attachment, too.",
        "long_table": "Every indicator, every year (long table: {unit}, indicator, label, unit, "
                      "year, value)",
        "districts-geojson": "GeoJSON", "districts-gpkg": "GeoPackage",
        "districts-xlsx": "Excel with metadata", "districts-csv": "CSV",
        "districts-csv-de": "CSV for German Excel", "districts-columns": "Column descriptions (CSV)",
        "indicators-xlsx": "Excel with metadata", "indicators-csv": "CSV",
        "indicators-csv-de": "CSV for German Excel", "indicators-columns": "Column descriptions (CSV)",
        "sites-geojson": "GeoJSON", "sites-csv": "CSV", "map-html": "HTML map",
        "csv_note": "CSV files are UTF-8 with BOM; the German Excel variant uses ';' and a "
                    "decimal comma. What each column means (label, unit, source, years, "
                    "direction, suppressed values) is in the column descriptions and on the "
                    "sheet 'Metadata' of the Excel file.",
        "failed": "The download failed: {message}",
        "layers": "Layers",
        "kind": "Kind", "layer_title": "Title", "file": "File", "spec": "Spec",
        "count": "Rows/features", "source": "Source", "notes": "Notes",
        "areas": "{Units}", "indicators": "Indicators", "zones": "Programme areas",
        "sites_kind": "Sites",
        "indicator_list": "Indicators",
        "label": "Indicator", "id": "Code", "unit": "Unit", "polarity": "Direction",
        "theme": "Theme", "years": "Years", "description": "Description",
        "need": "high value = more need", "resource": "high value = less need",
        "neutral": "no judgement", "no_years": "no values",
        "report": "Validation report",
        "report_intro": "What was repaired, left out or noticed during the load.",
        "report_empty": "Nothing was repaired or left out during the load.",
        "level": "Level", "layer": "Layer", "where": "Where", "message": "Message",
        "offers": "Offers: what the offer finder is missing",
        "offers_intro": "The public page /angebote/ shows these details; complete the list with them.",
        "offers_complete": "Every offer has an address, contact, opening hours, languages, target group "
                           "and cost.",
        "offer": "Offer", "missing": "Missing",
        "field_address": "address", "field_contact": "contact", "field_opening_hours": "opening hours",
        "field_languages": "languages", "field_target_group": "target group", "field_cost": "cost",
    },
}
KIND_KEYS = {"areas": "areas", "indicators": "indicators", "sites": "sites_kind", "zones": "zones"}


def export_year(dataset: Dataset, state: ViewState) -> int | None:
    """The year of the areas download: the view's year if it has values, else the latest."""
    if state.year in dataset.years:
        return state.year
    return latest_year(dataset.indicators)


def export_file(dataset: Dataset, state: ViewState, item: str) -> tuple[str, bytes]:
    """File name and content of one download of the view.

    Raises
    ------
    geodash.errors.GeodashError
        When the layer cannot be exported (e.g. a year without values).
    """
    if item == MAP_HTML:
        view = resolve_state(dataset, state)
        name = f"karte_{view.indicator or 'leer'}_{view.year or ''}".rstrip("_")
        return f"{name}.html", html_map(dataset, state).encode("utf-8")
    if not isinstance(item, str) or item not in DOWNLOADS:
        # A crafted request may name anything here; only the page's own buttons are answered.
        raise ParameterError(f"`item` was {str(item)[:40]!r} but is expected to be one of "
                             f"{', '.join(sorted([*DOWNLOADS, MAP_HTML]))}.")
    spec = DOWNLOADS[item]
    year = export_year(dataset, state) if spec.layer == "districts" else None
    units = slug(area_word(dataset, state.lang, plural=True), fallback="areas")
    stem = spec.stem.format(year=year if year is not None else "", units=units)
    frame = build_layer(dataset, spec.layer, year)
    if spec.fmt == COLUMNS:
        # The same companion table the command line writes beside `<stem>.csv`.
        return f"{stem}.csv.columns.csv", companion_bytes(frame) or b""
    content = layer_bytes(frame, spec.fmt, name=stem, german=spec.german, lang=state.lang)
    return f"{stem}{FORMATS[spec.fmt].suffix}", content


def _button(item: str, lang: str) -> dbc.Button:
    # The button texts name formats only, never the areas: TEXT needs no area words here.
    return dbc.Button(translate(TEXT, item, lang), id={"type": DOWNLOAD_BUTTON, "item": item},
                      color="primary", outline=True, size="sm", className="gd-download")


def _table(header: list[str], rows: list[list], table_id: str) -> dbc.Table:
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
         html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
        id=table_id, bordered=False, striped=True, size="sm", responsive=True,
        className="gd-table",
    )


def _downloads(dataset: Dataset, state: ViewState) -> html.Section:
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    year = export_year(dataset, state)
    view = resolve_state(dataset, state)
    spec = dataset.indicator_meta.get(view.indicator) if view.indicator else None
    blocks = [html.Div(className="gd-download-group", children=[
        html.H3(translate(texts, "districts", lang, year=year or "–")),
        html.Div([_button(i, lang) for i in DOWNLOADS if i.startswith("districts")],
                 className="gd-buttons"),
    ])]
    if len(dataset.indicators):
        blocks.append(html.Div(className="gd-download-group", children=[
            html.H3(translate(texts, "long_table", lang)),
            html.Div([_button(i, lang) for i in DOWNLOADS if i.startswith("indicators")],
                     className="gd-buttons"),
        ]))
    if len(dataset.sites):
        blocks.append(html.Div(className="gd-download-group", children=[
            html.H3(translate(texts, "sites", lang)),
            html.Div([_button(i, lang) for i in DOWNLOADS if i.startswith("sites")],
                     className="gd-buttons"),
        ]))
    if spec is not None:
        blocks.append(html.Div(className="gd-download-group", children=[
            html.H3(translate(texts, "map", lang)),
            html.Div([_button(MAP_HTML, lang)], className="gd-buttons"),
            html.P(translate(texts, "map_note", lang, label=spec.label.get(lang),
                             year=view.year or "–"), className="text-muted small"),
        ]))
    return html.Section(className="gd-section no-print", children=[
        html.H2(translate(texts, "downloads", lang)),
        html.Div(blocks, className="gd-download-groups"),
        html.P(translate(texts, "csv_note", lang), className="text-muted small"),
        html.Div(id=DOWNLOAD_MESSAGE, role="status"),
        dcc.Download(id=DOWNLOAD),
    ])


def _layers(dataset: Dataset, lang: str) -> html.Section:
    texts = area_texts(TEXT, dataset)
    rows = [
        [translate(texts, KIND_KEYS.get(layer.kind, layer.kind), lang), layer.title.get(lang),
         html.Code(layer.data_file), html.Code(f"layers/{layer.spec_file}"),
         fmt_number(layer.count, lang, 0), layer.source,
         layer.notes.get(lang) if layer.notes else ""]
        for layer in dataset.layers
    ]
    header = [translate(texts, k, lang) for k in
              ("kind", "layer_title", "file", "spec", "count", "source", "notes")]
    return html.Section(className="gd-section", children=[
        html.H2(translate(texts, "layers", lang)), _table(header, rows, LAYERS_TABLE)])


def _indicators(dataset: Dataset, lang: str) -> html.Section:
    texts = area_texts(TEXT, dataset)
    rows = []
    for ind_id, spec in dataset.indicator_meta.items():
        years = dataset.indicator_years(ind_id)
        span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])) if years \
            else translate(texts, "no_years", lang)
        rows.append([spec.label.get(lang), html.Code(ind_id), spec.unit,
                     translate(texts, spec.polarity, lang), spec.theme.get(lang), span, spec.source,
                     spec.description.get(lang) if spec.description else ""])
    header = [translate(texts, k, lang) for k in
              ("label", "id", "unit", "polarity", "theme", "years", "source", "description")]
    return html.Section(className="gd-section", children=[
        html.H2(translate(texts, "indicator_list", lang)), _table(header, rows, INDICATORS_TABLE)])


def _report(dataset: Dataset, lang: str) -> html.Section:
    texts = area_texts(TEXT, dataset)
    frame = dataset.report.to_frame()
    if frame.empty:
        body = html.P(translate(texts, "report_empty", lang), id=REPORT_TABLE)
    else:
        rows = [[LEVEL_LABELS.get(r.level, {}).get(lang, r.level), r.layer, r.file, r.where,
                 r.message] for r in frame.itertuples()]
        header = [translate(texts, k, lang) for k in ("level", "layer", "file", "where", "message")]
        body = _table(header, rows, REPORT_TABLE)
    return html.Section(className="gd-section", children=[
        html.H2(translate(texts, "report", lang)),
        html.P(translate(texts, "report_intro", lang), className="text-muted"), body])


def _offer_gaps(dataset: Dataset, lang: str) -> html.Section | None:
    """Per offer, which details the public finder lacks (so the Integrationsbüro can complete them)."""
    from geodash.analysis.offers import missing_fields

    if not len(dataset.sites):
        return None
    gaps = missing_fields(dataset.sites)
    if gaps.empty:
        body = html.P(translate(TEXT, "offers_complete", lang), id=OFFERS_TABLE)
    else:
        rows = [[row.site_id, row.name, dataset.category_label(row.category, lang),
                 ", ".join(translate(TEXT, f"field_{f}", lang) for f in row.missing)]
                for row in gaps.itertuples()]
        header = [translate(TEXT, k, lang) for k in ("id", "offer", "kind", "missing")]
        body = _table(header, rows, OFFERS_TABLE)
    return html.Section(className="gd-section", children=[
        html.H2(translate(TEXT, "offers", lang)),
        html.P(translate(TEXT, "offers_intro", lang), className="text-muted"), body])


def layout(dataset: Dataset, state: ViewState, *, uploads: Uploads | None = None) -> html.Div:
    """The data page: data note, downloads, uploads (if on), layers, indicators and the report."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    note = dataset.settings.notes.get(lang) if dataset.settings.notes else None
    return html.Div(className="gd-page gd-data-page", children=[
        html.H1(translate(texts, "title", lang)),
        dbc.Alert([html.Strong(translate(texts, "note", lang) + ": "), note], color="warning",
                  className="gd-data-note") if note else None,
        _downloads(dataset, state),
        upload_panel.build_section(uploads, lang) if uploads is not None else None,
        _layers(dataset, lang),
        _indicators(dataset, lang),
        _offer_gaps(dataset, lang),
        _report(dataset, lang),
    ])


def register_callbacks(app, dataset: Dataset) -> None:
    """Send the file of the download button that was clicked."""
    texts = area_texts(TEXT, dataset)
    @app.callback(
        Output(DOWNLOAD, "data"),
        Output(DOWNLOAD_MESSAGE, "children"),
        Input({"type": DOWNLOAD_BUTTON, "item": ALL}, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def download(clicks, search):
        trigger = ctx.triggered_id
        if not trigger or not any(clicks):
            return no_update, no_update
        state = ViewState.from_query(search, page="daten")
        try:
            filename, content = export_file(dataset, state, trigger["item"])
        except GeodashError as exc:
            return no_update, dbc.Alert(translate(texts, "failed", state.lang, message=exc.message),
                                        color="danger")
        return dcc.send_bytes(content, filename), None
