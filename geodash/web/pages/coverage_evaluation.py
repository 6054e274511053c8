"""The evaluation section of the coverage page: the index inside and outside, and before/after (DiD).

Components only: the values and their texts come from
:mod:`geodash.web.figures.evaluation`. Every number says how it was weighted,
and the before/after comparison says how to read it and what it cannot show.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from geodash.dataset import Dataset
from geodash.web.figures.evaluation import (
    DID_SHOWN,
    TEXT,
    did_heads,
    did_notes,
    did_rows,
    inside_outside,
    weighting_note,
)
from geodash.web.figures.reach import inside_outside_figure
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_texts, translate

# Element ids (stable: browser tests rely on them).
PROGRAMME = "abdeckung-programmgebiete"
PROGRAMME_GRAPH = "abdeckung-programmgebiete-verlauf"
WEIGHTING = "abdeckung-gewichtung"
DID = "abdeckung-vorher-nachher"
DID_TABLE = "abdeckung-vorher-nachher-tabelle"
DID_NOTE = "abdeckung-vorher-nachher-lesehilfe"

NUMBER = "text-end text-nowrap"
NUMBERS = ("treated", "control", "did")


def build_programme(dataset: Dataset, lang: str) -> html.Section:
    """The status index inside and outside the programme areas, the before/after table, or why not."""
    texts = area_texts(TEXT, dataset)
    heading = html.H3(translate(texts, "programme", lang), className="h5 mt-4")
    if dataset.zones.empty:
        return html.Section([heading, html.P(translate(texts, "no_zones", lang),
                                             className="text-muted")], id=PROGRAMME)
    table = inside_outside(dataset)
    if table.empty or not (table["n_inside"] > 0).any():
        return html.Section([heading, html.P(translate(texts, "no_inside", lang),
                                             className="text-muted")], id=PROGRAMME)
    return html.Section([
        heading,
        html.P(weighting_note(dataset, lang), id=WEIGHTING, className="small text-muted"),
        dcc.Graph(id=PROGRAMME_GRAPH, figure=inside_outside_figure(dataset, lang),
                  config=graph_config(lang)),
        build_did(dataset, lang),
    ], id=PROGRAMME)


def build_did(dataset: Dataset, lang: str) -> html.Div:
    """The before/after comparison of each programme area with similar areas, and how to read it."""
    texts = area_texts(TEXT, dataset)
    header = html.Tr([html.Th(head, className="text-end" if column in NUMBERS else None)
                      for column, head in zip(DID_SHOWN, did_heads(dataset, lang), strict=True)])
    rows = [html.Tr([
        html.Td([html.Strong(row["name"]), html.Br(), html.Small(row["running"])]),
        html.Td(row["areas"]),
        html.Td(row["comparison"], className="did-comparison"),
        html.Td(row["years"]),
        html.Td(row["treated"], className=NUMBER),
        html.Td(row["control"], className=NUMBER),
        html.Td(row["did"], className=NUMBER if row["has_estimate"] else "small"),
        html.Td(row["n"], className="small"),
    ], className="did-row") for row in did_rows(dataset, lang)]
    how, limits = did_notes(dataset, lang)
    return html.Div([
        html.H4(translate(texts, "did", lang), className="h6 mt-4"),
        html.Div([html.P(how, className="small"), html.P(limits, className="small text-muted")],
                 id=DID_NOTE),
        dbc.Table([html.Thead(header), html.Tbody(rows)], id=DID_TABLE, size="sm", striped=True,
                  responsive=True),
    ], id=DID)
