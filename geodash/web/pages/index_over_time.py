"""The section "Statusindex im Zeitverlauf" of the comparison and the profile (components only).

The figure is :func:`geodash.web.figures.index_series.index_series_figure`;
nothing is shown when the workspace has no index indicators.
"""

from __future__ import annotations

from dash import dcc, html

from geodash.dataset import Dataset
from geodash.web.figures.index_series import index_series_figure, status_years
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_texts, translate

# Element ids (stable: browser tests rely on them).
COMPARE_GRAPH = "vergleich-statusindex"
PROFILE_GRAPH = "profil-statusindex"

TEXT = {
    "de": {
        "title": "Statusindex im Zeitverlauf",
        "note": "Statusindex (MSS) je Jahr aus den Indexindikatoren; neutrale Indikatoren wie "
                "Altersanteile gehen nicht ein. Über der gepunkteten Linie (Mittel der {Units}) "
                "heißt: niedrigerer Status, mehr Bedarf. Die Klasse des Jahres steht im Tooltip; "
                "die Flächen zeigen die Klassen niedrig und sehr niedrig.",
        "one_year": "Der Statusindex liegt nur für {year} vor; eine Zeitreihe braucht "
                    "mindestens zwei Jahre.",
    },
    "en": {
        "title": "Status index over time",
        "note": "Status index (MSS) per year from the index indicators; neutral indicators such "
                "as age shares do not enter it. Above the dotted line (mean of the {units}) "
                "means a lower status, more need. The year's class is in the tooltip; the "
                "shaded bands are the classes low and very low.",
        "one_year": "The status index exists for {year} only; a time series needs at least two "
                    "years.",
    },
}


def build_index_series(dataset: Dataset, keys: list[str], lang: str, graph_id: str) -> html.Div:
    """Heading, note and the chart of the status index per year of ``keys``; empty without an index."""
    years = status_years(dataset)
    if not years or not keys:
        return html.Div(id=f"{graph_id}-abschnitt")
    texts = area_texts(TEXT, dataset)
    note = (translate(texts, "note", lang) if len(years) > 1
            else translate(texts, "one_year", lang, year=years[0]))
    return html.Div(id=f"{graph_id}-abschnitt", children=[
        html.H3(translate(texts, "title", lang), className="h5 mt-3"),
        html.P(note, className="small text-muted"),
        dcc.Graph(id=graph_id, figure=index_series_figure(dataset, keys, lang),
                  config=graph_config(lang)),
    ])
