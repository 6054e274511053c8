"""Abdeckung: where are offers, and where is need high but offers few? Plain words for councils.

The categories counted are ``kat`` in the URL (all when absent), the year of
the need score ``jahr``; every pick writes the URL and the page is built again.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from geodash.dataset import Dataset
from geodash.web import ids
from geodash.web.figures.coverage import (
    coverage_heatmap,
    coverage_scatter,
    gap_table,
    heatmap_min_width,
    need_coverage,
    selected_categories,
)
from geodash.web.figures.derived import class_name, index_year, offers_year
from geodash.web.figures.need import gap_rule_text
from geodash.web.figures.reach import reach_heatmap
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_texts, dropdown_labels, fmt_number, translate
from geodash.web.narrow import scroll_box
from geodash.web.pages import coverage_years
from geodash.web.pages.coverage_evaluation import (  # noqa: F401 (ids that tests read here)
    PROGRAMME,
    PROGRAMME_GRAPH,
    build_programme,
)
from geodash.web.state import ViewState

PATH = "/abdeckung"
NAME = {"de": "Abdeckung", "en": "Coverage"}

# Element ids (stable: browser tests rely on them).
PAGE = "abdeckung-seite"
CATEGORY_CHECKLIST = "abdeckung-kategorien"
YEAR_DROPDOWN = "abdeckung-jahr"
DENSITY_GRAPH = "abdeckung-dichte"
SCATTER_GRAPH = "abdeckung-bedarf"
GAP_TABLE = "abdeckung-luecken"
REACH_GRAPH = "abdeckung-erreichbarkeit"
SCATTER_MIN_WIDTH = 560

TEXT = {
    "de": {
        "intro": "Wie viele Angebote gibt es je {Unit}, gemessen an der Zahl der "
                 "Menschen, die dort wohnen? Und wo ist der Bedarf hoch, das Angebot aber gering?",
        "categories": "Welche Angebote zählen?",
        "year": "Jahr (Statusindex und laufende Angebote)",
        "latest": "neuestes Jahr",
        "no_sites": "In diesem Datenbestand sind keine Angebote erfasst. Sobald eine Liste "
                    "von Angeboten eingebunden ist, erscheint hier die Abdeckung.",
        "no_categories": "Bitte wählen Sie mindestens eine Art von Angebot.",
        "no_population": "Für die {Units} liegen keine Einwohnerzahlen vor; Angebote je "
                         "1.000 Einwohner/innen lassen sich daher nicht berechnen.",
        "some_population": "Ohne Einwohnerzahl und daher nicht bewertet: {names}.",
        "no_need": "Es gibt keinen Statusindex: kein Indikator ist für den Index vorgesehen "
                   "oder es fehlen Werte.",
        "reach": "Wie nah sind die Angebote?",
        "reach_note": "Jede Zahl: Anteil der Menschen je {Unit}, die höchstens {d} m "
                      "(Luftlinie) vom nächsten Angebot der Art entfernt wohnen; im Tooltip "
                      "weitere Entfernungen und die mittlere Entfernung. Die Wohnorte sind "
                      "gleichmäßig über die Fläche verteilt angenommen. Je dunkler rot, desto "
                      "weniger Menschen wohnen nahe an einem Angebot.",
        "density": "Angebote je 1.000 Einwohner/innen",
        "density_note": "Jede Zahl: Angebote je 1.000 Menschen, die dort wohnen; "
                        "in Klammern die Zahl der Angebote. Je dunkler rot, desto weniger "
                        "Angebote im Vergleich der {Units} (wie auf der Karte: dunkel = mehr "
                        "Bedarf).",
        "order_note": "Die {Units} stehen nach Bedarf geordnet: der höchste Statusindex "
                      "{year} (größter Bedarf) oben.",
        "order_note_names": "Die {Units} stehen nach Namen geordnet (es gibt keinen "
                            "Statusindex).",
        "scatter": "Bedarf und Angebot",
        "scatter_note": "Ein Punkt je {Unit}. Weiter rechts = mehr Bedarf "
                        "(Statusindex {year} nach dem Berliner Monitoring Soziale "
                        "Stadtentwicklung), weiter oben = mehr Angebote je 1.000 "
                        "Einwohner/innen. Die gestrichelten Linien sind die Schwellen der "
                        "Lückenbewertung.",
        "gaps": "{Units} mit hohem Bedarf und wenigen Angeboten",
        "no_gaps": "Keine {Units} haben zugleich hohen Bedarf und wenige Angebote.",
        "col_name": "{Unit}",
        "col_need": "Statusindex",
        "col_status": "Status",
        "col_need_rank": "Rang Statusindex",
        "col_offers": "Angebote je 1.000",
        "col_count": "Angebote",
        "rank": "{rank} von {n}",
    },
    "en": {
        "intro": "How many offers does each {unit} have, measured against the number of "
                 "people who live there? And where is need high but offers few?",
        "categories": "Which offers count?",
        "year": "Year (status index and running offers)",
        "latest": "latest year",
        "no_sites": "This dataset has no offers. Coverage appears here as soon as a list of "
                    "offers is added.",
        "no_categories": "Please choose at least one kind of offer.",
        "no_population": "The {units} have no population figures, so offers per 1,000 "
                         "residents cannot be computed.",
        "some_population": "Without population and therefore not assessed: {names}.",
        "no_need": "There is no status index: no indicator is marked for the index, or values "
                   "are missing.",
        "reach": "How near are the offers?",
        "reach_note": "Each number: share of the people in the {unit} who live at most {d} m "
                      "(straight line) from the nearest offer of the kind; more distances and "
                      "the mean distance in the tooltip. Residents are assumed to be spread "
                      "evenly over the {unit}. The darker red, the fewer residents live near "
                      "an offer.",
        "density": "Offers per 1,000 residents",
        "density_note": "Each number: offers in the {unit} per 1,000 people living there; "
                        "in brackets the number of offers. The darker red, the fewer offers "
                        "compared with the other {units} (as on the map: dark = more need).",
        "order_note": "The {units} are in order of need: the highest status index {year} "
                      "(most need) on top.",
        "order_note_names": "The {units} are in order of their names (there is no status "
                            "index).",
        "scatter": "Need and offers",
        "scatter_note": "Each dot is a {unit}. Further right = more need (status index "
                        "{year} after Berlin's Monitoring Soziale Stadtentwicklung), higher up "
                        "= more offers per 1,000 residents. The dashed lines are the cut-offs "
                        "of the gap rule.",
        "gaps": "{Units} with high need and few offers",
        "no_gaps": "No {unit} has both high need and few offers.",
        "col_name": "{Unit}",
        "col_need": "Status index",
        "col_status": "Status",
        "col_need_rank": "Status index rank",
        "col_offers": "Offers per 1,000",
        "col_count": "Offers",
        "rank": "{rank} of {n}",
    },
}


def coverage_search(dataset: Dataset, search: str | None, categories: list[str] | None,
                    year: int | None) -> str | None:
    """Return the query string (with ``?``) for newly picked categories and year.

    All categories ticked is written as no ``kat`` at all, so that a shared
    link also counts categories added to the workspace later. ``None`` when
    the pickers only echo the view on screen.
    """
    state = ViewState.from_query(search, page="abdeckung")
    chosen = selected_categories(dataset, categories or ())
    if chosen == selected_categories(dataset, state.categories) and year == state.year:
        return None
    everything = chosen == list(dataset.categories)
    query = state.with_(categories=None if everything else tuple(chosen), year=year).to_query()
    return f"?{query}" if query else ""


def build_gap_table(dataset: Dataset, year: int | None, codes: list[str], lang: str) -> html.Div:
    """Build the plain list of areas with high need and few offers."""
    texts = area_texts(TEXT, dataset)
    gaps = gap_table(dataset, year, codes, lang)
    ranked = len(need_coverage(dataset, year, codes))
    if gaps.empty:
        return html.P(translate(texts, "no_gaps", lang), id=GAP_TABLE, className="fw-bold")
    heads = ["col_name", "col_need", "col_status", "col_need_rank", "col_offers", "col_count"]
    header = html.Tr([html.Th(translate(texts, h, lang),
                              className=None if h in ("col_name", "col_status") else "text-end")
                      for h in heads])
    rows = [html.Tr([
        html.Td(row["name"]),
        html.Td(fmt_number(row["need"], lang, 2), className="text-end"),
        html.Td(class_name(row["status_class"], lang)),
        html.Td(translate(texts, "rank", lang, rank=int(row["need_rank"]), n=ranked),
                className="text-end"),
        html.Td(fmt_number(row["offers_per_1000"], lang, 2), className="text-end"),
        html.Td(str(int(row["count"])), className="text-end"),
    ], className="gap-row") for _, row in gaps.iterrows()]
    return dbc.Table([html.Thead(header), html.Tbody(rows)], id=GAP_TABLE, size="sm",
                     striped=True, responsive=True)


def build_controls(dataset: Dataset, codes: list[str], year: int | None, lang: str) -> dbc.Row:
    """Pick the categories counted and the year of the need score."""
    texts = area_texts(TEXT, dataset)
    return dbc.Row([
        dbc.Col([dbc.Label(translate(texts, "categories", lang), html_for=CATEGORY_CHECKLIST),
                 dbc.Checklist(id=CATEGORY_CHECKLIST, value=codes, inline=True,
                               options=[{"label": dataset.category_label(c, lang), "value": c}
                                        for c in dataset.categories])], md=9),
        dbc.Col([dbc.Label(translate(texts, "year", lang), html_for=YEAR_DROPDOWN),
                 dcc.Dropdown(id=YEAR_DROPDOWN, labels=dropdown_labels(lang), value=year,
                              placeholder=translate(texts, "latest", lang),
                              options=[{"label": str(y), "value": y} for y in dataset.years])],
                md=3),
    ], className="no-print g-3 mb-3")


def _analysis(dataset: Dataset, codes: list[str], year: int | None, lang: str) -> list:
    """Heat table, scatter and gap list, or the polite reason why they cannot be shown."""
    texts = area_texts(TEXT, dataset)
    if dataset.sites.empty:
        return [dbc.Alert(translate(texts, "no_sites", lang), color="info")]
    if not codes:
        return [dbc.Alert(translate(texts, "no_categories", lang), color="info")]
    pop = dataset.areas["population"]
    if not (pop > 0).any():
        return [dbc.Alert(translate(texts, "no_population", lang), color="info")]
    # The offers running in the year shown (the latest by default) count; the headings say which.
    shown = offers_year(dataset, year)
    suffix = f" {shown}" if shown is not None else ""
    score_year = index_year(dataset, year)
    order = (translate(texts, "order_note", lang, year=score_year) if score_year is not None
             else translate(texts, "order_note_names", lang))
    density = coverage_heatmap(dataset, codes, lang, year=year)
    parts = [
        html.H3(translate(texts, "density", lang) + suffix, className="h5 mt-3"),
        html.P([translate(texts, "density_note", lang), " ", order], className="small text-muted"),
        # Readable numbers need wide enough cells: on a phone the table scrolls in its box.
        scroll_box(dcc.Graph(id=DENSITY_GRAPH, figure=density, config=graph_config(lang)),
                   heatmap_min_width(density)),
    ]
    missing = dataset.areas.loc[~(pop > 0), "key"].map(dataset.area_labels).tolist()
    if missing:
        parts.append(html.P(translate(texts, "some_population", lang, names=", ".join(missing)),
                            className="small text-muted mt-2"))
    distance = dataset.settings.coverage.distances[0]
    reach = reach_heatmap(dataset, codes, lang, year=year)
    parts += [
        html.H3(translate(texts, "reach", lang) + suffix, className="h5 mt-4"),
        html.P([translate(texts, "reach_note", lang, d=fmt_number(distance, lang, 0)), " ", order],
               className="small text-muted"),
        scroll_box(dcc.Graph(id=REACH_GRAPH, figure=reach, config=graph_config(lang)),
                   heatmap_min_width(reach)),
    ]
    if score_year is None:
        return [*parts, dbc.Alert(translate(texts, "no_need", lang), color="info", className="mt-3")]
    return [
        *parts,
        html.H3(translate(texts, "scatter", lang), className="h5 mt-4"),
        html.P(translate(texts, "scatter_note", lang, year=score_year),
               className="small text-muted"),
        # The names beside the points overlap below this width: it scrolls in its box instead.
        scroll_box(dcc.Graph(id=SCATTER_GRAPH, figure=coverage_scatter(dataset, year, codes, lang),
                             config=graph_config(lang)), SCATTER_MIN_WIDTH),
        html.H3(translate(texts, "gaps", lang), className="h5 mt-4"),
        html.P(gap_rule_text(dataset, lang), className="small text-muted"),
        build_gap_table(dataset, year, codes, lang),
        build_programme(dataset, lang),
    ]


def _with_trend(parts: list, dataset: Dataset, state: ViewState, codes: list[str], lang: str) -> list:
    """The page's figures, then the change since the base year (when there are offers to count)."""
    if dataset.sites.empty or not codes or not (dataset.areas["population"] > 0).any():
        return parts
    return [*parts, coverage_years.build_trend(dataset, state, codes, lang)]


def layout(dataset: Dataset, state: ViewState) -> html.Div:
    """Build the coverage page for the categories ``state.categories`` (default: all)."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    codes = selected_categories(dataset, state.categories)
    return html.Div([
        html.P(translate(texts, "intro", lang), className="lead"),
        build_controls(dataset, codes, state.year, lang),
        *_with_trend(_analysis(dataset, codes, state.year, lang), dataset, state, codes, lang),
    ], id=PAGE, className="geodash-page coverage-page")


def register_callbacks(app, dataset: Dataset) -> None:
    """Wire the category filter, the year and the base year to the URL."""
    coverage_years.register_callbacks(app, dataset)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(CATEGORY_CHECKLIST, "value"),
        Input(YEAR_DROPDOWN, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def select_view(categories, year, search):
        new = coverage_search(dataset, search, categories, year)
        return no_update if new is None else new
