"""The social index and coverage sections of the district profile (part of the profile page).

Components only: the values come from :mod:`geodash.web.figures.profile_index`.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import html

from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.figures.profile_index import IndexSummary, area_coverage_table
from geodash.web.i18n import area_texts, fmt_number, translate

# Element ids (stable: browser tests rely on them).
INDEX = "profil-index"
COVERAGE = "profil-versorgung"

NUMBER = "text-end text-nowrap"

TEXT = {
    "de": {
        "status": "Statusindex {year}: {value}",
        "status_class": "Status {name}",
        "status_rank": "Rang {rank} von {n}; Rang 1 = niedrigster Status, größter Bedarf",
        "no_status": "Für {name} gibt es {year} keinen Statusindex.",
        "dynamics": "Dynamikindex {year}: {value}",
        "dynamics_class": "Dynamik {name}",
        "no_dynamics": "Dynamikindex {year}: nicht berechenbar (keine Werte im Vergleichsjahr).",
        "summary": "Gesamtbewertung: {summary}",
        "method": "Methode nach dem Berliner Monitoring Soziale Stadtentwicklung (MSS): die "
                  "Indexindikatoren werden über die {Units} standardisiert und gemittelt. "
                  "Ein hoher Statusindex heißt niedriger sozialer Status, ein hoher "
                  "Dynamikindex eine Verschlechterung.",
        "coverage": "Versorgung",
        "no_coverage": "In diesem Datenbestand sind keine Angebote erfasst.",
        "col_category": "Art des Angebots",
        "col_count": "Angebote",
        "col_per_1000": "je 1.000 EW",
        "col_distance": "mittlere Entfernung",
        "col_share": "Bewohner ≤ {d} m",
        "all": "Alle Angebote",
        "coverage_note": "Entfernung: Luftlinie von den Wohnorten (gleichmäßig über die "
                         "Fläche verteilt) zum nächsten Angebot der Art, auch jenseits der "
                         "Grenze. Angebote je 1.000 EW zählen nur Angebote innerhalb der Grenze.",
    },
    "en": {
        "status": "Status index {year}: {value}",
        "status_class": "status {name}",
        "status_rank": "rank {rank} of {n}; rank 1 = lowest status, most need",
        "no_status": "{name} has no status index for {year}.",
        "dynamics": "Dynamics index {year}: {value}",
        "dynamics_class": "dynamics {name}",
        "no_dynamics": "Dynamics index {year}: cannot be computed (no values in the comparison "
                       "year).",
        "summary": "Overall: {summary}",
        "method": "Method after Berlin's Monitoring Soziale Stadtentwicklung (MSS): the index "
                  "indicators are standardised across the {units} and averaged. A high status "
                  "index means a low social status, a high dynamics index a worsening.",
        "coverage": "Offers within reach",
        "no_coverage": "This dataset has no offers.",
        "col_category": "Kind of offer",
        "col_count": "Offers",
        "col_per_1000": "per 1,000 residents",
        "col_distance": "mean distance",
        "col_share": "residents ≤ {d} m",
        "all": "All offers",
        "coverage_note": "Distance: straight line from where residents live (spread evenly over "
                         "the {unit}) to the nearest offer of the kind, also beyond the "
                         "{unit}'s border. Offers per 1,000 residents count only offers in "
                         "the {unit}.",
    },
}


def _with_class(value: float, kind: str, label: str | None, lang: str) -> str:
    text = fmt_number(value, lang, 2)
    if label:
        text += " – " + translate(TEXT, kind, lang, name=derived.class_name(label, lang))
    return text


def build_index(dataset: Dataset, key: str, summary: IndexSummary | None, lang: str) -> html.Div:
    """The area's MSS status and dynamics index with their classes, summary and rank."""
    texts = area_texts(TEXT, dataset)
    if summary is None:
        return html.Div(id=INDEX)  # the workspace has no index: nothing to say here
    year = summary.year
    if math.isnan(summary.status):
        lines = [html.Li(translate(texts, "no_status", lang, year=year, name=dataset.area_label(key)))]
    else:
        status = translate(texts, "status", lang, year=year, value=_with_class(
            summary.status, "status_class", summary.status_class, lang))
        rank = (f" ({translate(texts, 'status_rank', lang, rank=summary.rank, n=summary.ranked)})"
                if summary.rank is not None else "")
        lines = [html.Li([html.Strong(status), rank])]
        lines.append(html.Li(
            translate(texts, "no_dynamics", lang, year=year) if math.isnan(summary.dynamics)
            else translate(texts, "dynamics", lang, year=year, value=_with_class(
                summary.dynamics, "dynamics_class", summary.dynamics_class, lang))))
        if summary.summary and summary.dynamics_class:
            lines.append(html.Li(translate(texts, "summary", lang,
                                           summary=derived.class_name(summary.summary, lang))))
    return html.Div([
        html.Ul(lines, className="list-unstyled mb-1"),
        html.P(translate(texts, "method", lang), className="small text-muted"),
    ], id=INDEX)


def build_coverage(dataset: Dataset, key: str, lang: str, year: int | None = None) -> html.Div:
    """Per kind of offer running in ``year``: how many, per 1,000 residents, how far, how many near."""
    texts = area_texts(TEXT, dataset)
    heading = html.H3(translate(texts, "coverage", lang), className="h5 mt-3")
    table = area_coverage_table(dataset, key, lang, year=year)
    if table.empty:
        return html.Div([heading, html.P(translate(texts, "no_coverage", lang), id=COVERAGE,
                                         className="text-muted")])
    shares = [c for c in table.columns if c.startswith("share_")]
    heads = [translate(texts, "col_category", lang), translate(texts, "col_count", lang),
             translate(texts, "col_per_1000", lang), translate(texts, "col_distance", lang),
             *(translate(texts, "col_share", lang, d=fmt_number(float(c[6:]), lang, 0))
               for c in shares)]
    header = html.Thead(html.Tr([html.Th(h, className=NUMBER if i else None)
                                 for i, h in enumerate(heads)]))
    rows = []
    for rec in table.to_dict("records"):
        total = rec["category"] == "any"
        cells = [translate(texts, "all", lang) if total else rec["label"], str(rec["count"]),
                 fmt_number(rec["per_1000"], lang, 2),
                 fmt_number(rec["mean_distance"], lang, 0, "m"),
                 *(fmt_number(rec[c] * 100, lang, 0, "%") for c in shares)]
        rows.append(html.Tr([html.Td(c, className=NUMBER if i else None)
                             for i, c in enumerate(cells)],
                            className="fw-bold" if total else None))
    return html.Div([
        heading,
        dbc.Table([header, html.Tbody(rows)], id=COVERAGE, size="sm", hover=True, responsive=True),
        html.P(translate(texts, "coverage_note", lang), className="small text-muted"),
    ])
