"""The evaluation section of the coverage page: the index inside and outside, and before/after (DiD).

Components only: the values come from :mod:`geodash.web.figures.evaluation`.
Every number says how it was weighted, and the before/after comparison says
how to read it and what it cannot show.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import dcc, html

from geodash.dataset import Dataset
from geodash.web.figures.evaluation import did_table, inside_outside, residents, weighting, zone_shares
from geodash.web.figures.reach import inside_outside_figure
from geodash.web.graphs import graph_config
from geodash.web.i18n import area_texts, fmt_number, translate

# Element ids (stable: browser tests rely on them).
PROGRAMME = "abdeckung-programmgebiete"
PROGRAMME_GRAPH = "abdeckung-programmgebiete-verlauf"
WEIGHTING = "abdeckung-gewichtung"
DID = "abdeckung-vorher-nachher"
DID_TABLE = "abdeckung-vorher-nachher-tabelle"
DID_NOTE = "abdeckung-vorher-nachher-lesehilfe"

NUMBER = "text-end text-nowrap"

TEXT = {
    "de": {
        "programme": "Statusindex innerhalb und außerhalb der Programmgebiete",
        "no_zones": "In diesem Datenbestand sind keine Programmgebiete erfasst.",
        "no_inside": "Keine {Units} liegen in den Jahren mit Statusindex in einem laufenden "
                     "Programmgebiet.",
        "share_rule": "Ein {Unit} zählt mit dem Anteil seiner Einwohner/innen, die in einem im "
                      "jeweiligen Jahr laufenden Programmgebiet (Soziale Stadt) wohnen, als "
                      "innerhalb, mit dem Rest als außerhalb – ohne Schwelle: zu 4 % überdeckt "
                      "zählt zu 4 % innen. 0 = Stadtmittel, höher = mehr Bedarf.",
        "by_surface": "Der Anteil ist hier der Flächenanteil (Einwohner/innen gleichmäßig über "
                      "die Fläche verteilt angenommen), weil der Arbeitsbereich kein "
                      "Bevölkerungsraster hat.",
        "by_points": "Der Anteil ist aus dem Bevölkerungsraster des Arbeitsbereichs gezählt "
                     "(wo die Menschen wohnen); {Units} ohne Rasterpunkt nach Flächenanteil.",
        "by_residents": "Mittelwerte nach Einwohnerzahl gewichtet.",
        "by_area": "Ohne Einwohnerzahlen zählt jeder {Unit} gleich, mit seinem Anteil.",
        "did": "Vorher und nachher, verglichen mit ähnlichen {Units}",
        "did_how": "So lesen Sie die Tabelle: Für jedes Programmgebiet wird der mittlere "
                   "Statusindex seiner {Units} (gewichtet mit den Einwohner/innen im Gebiet) vor "
                   "dem Programmstart und danach verglichen mit {Units}, die nie in einem "
                   "Programmgebiet lagen und im Vergleichsjahr (dem letzten Jahr vor dem Start) "
                   "einen ähnlichen Statusindex hatten. Differenz der Differenzen = (nachher − "
                   "vorher im Programmgebiet) − (nachher − vorher bei den Vergleichs-{Units}). "
                   "Negativ heißt: der Bedarf ist im Programmgebiet stärker gesunken oder "
                   "weniger gestiegen als bei den Vergleichs-{Units}.",
        "did_limits": "Was der Vergleich nicht zeigen kann: Er beweist keine Wirkung des "
                      "Programms. Er setzt voraus, dass sich beide Gruppen ohne Programm gleich "
                      "entwickelt hätten (parallele Trends); mit wenigen Jahren lässt sich das "
                      "kaum prüfen. Es sind wenige {Units}, einzelne Werte schwanken stark. "
                      "Programmgebiete werden wegen hohen Bedarfs ausgewählt, hohe Werte sinken "
                      "oft auch ohne Eingriff. Andere Programme und Angebote wirken zugleich. "
                      "Die Grenzen der Programmgebiete und der {Units} decken sich nicht. Der "
                      "Statusindex misst die Lage im Vergleich zur Stadt im jeweiligen Jahr, "
                      "keine absolute Größe.",
        "col_zone": "Programmgebiet",
        "col_areas": "{Units} im Gebiet (Anteil Einwohner/innen)",
        "col_comparison": "Vergleichs-{Units} (ähnlichster zuerst)",
        "col_years": "Jahre",
        "col_treated": "Programmgebiet vorher → nachher",
        "col_control": "Vergleich vorher → nachher",
        "col_did": "Differenz der Differenzen",
        "col_n": "n",
        "running": "{programme}, {since}–{until}",
        "still": "heute",
        "years": "vorher {pre}; nachher {post}; Vergleichsjahr {match}",
        "n": "{a} im Gebiet, {c} zum Vergleich",
        "no_start": "Kein Startjahr angegeben: kein Vorher-nachher-Vergleich.",
        "no_areas": "Liegt in keinem {Unit} mit Statusindex.",
        "no_before": "Kein Jahr vor dem Start ({since}) in den Daten (erstes Jahr {first}): "
                     "keine Schätzung.",
        "no_after": "Kein Jahr mit Daten, in dem es lief: keine Schätzung.",
        "no_comparison": "Keine vergleichbaren {Units} ohne Programmgebiet: keine Schätzung.",
    },
    "en": {
        "programme": "Status index inside and outside the programme areas",
        "no_zones": "This dataset has no programme areas.",
        "no_inside": "No {unit} lies in a running programme area in the years with a status "
                     "index.",
        "share_rule": "Each {unit} counts inside with the share of its residents living in a "
                      "programme area (Soziale Stadt) running that year, and outside with the "
                      "rest – no cut-off: 4 % covered counts 4 % inside. 0 = city mean, higher "
                      "= more need.",
        "by_surface": "The share here is the share of the surface (residents assumed to be "
                      "spread evenly), because the workspace has no population grid.",
        "by_points": "The share is counted on the workspace's population grid (where people "
                     "live); {units} without a grid point by surface share.",
        "by_residents": "Means weighted by residents.",
        "by_area": "Without residents, every {unit} counts the same, with its share.",
        "did": "Before and after, compared with similar {units}",
        "did_how": "How to read the table: for each programme area, the mean status index of "
                   "its {units} (weighted by the residents inside it) before the programme "
                   "started and after is compared with {units} that were never in a programme "
                   "area and had a similar status index in the matching year (the last year "
                   "before the start). Difference in differences = (after − before in the "
                   "programme area) − (after − before in the comparison {units}). Negative "
                   "means: need fell more, or rose less, in the programme area than in the "
                   "comparison {units}.",
        "did_limits": "What the comparison cannot show: it does not prove an effect of the "
                      "programme. It assumes that both groups would have developed alike "
                      "without the programme (parallel trends), which a few years can hardly "
                      "test. There are few {units}, and single values vary a lot. Programme "
                      "areas are chosen because need is high, and high values often fall "
                      "without any intervention. Other programmes and offers act at the same "
                      "time. The boundaries of programme areas and {units} do not match. The "
                      "status index measures the position against the city in each year, not "
                      "an absolute level.",
        "col_zone": "Programme area",
        "col_areas": "{Units} in it (share of residents)",
        "col_comparison": "Comparison {units} (most similar first)",
        "col_years": "Years",
        "col_treated": "Programme area before → after",
        "col_control": "Comparison before → after",
        "col_did": "Difference in differences",
        "col_n": "n",
        "running": "{programme}, {since}–{until}",
        "still": "today",
        "years": "before {pre}; after {post}; matched in {match}",
        "n": "{a} in the area, {c} for comparison",
        "no_start": "No start year given: no before/after comparison.",
        "no_areas": "Lies in no {unit} with a status index.",
        "no_before": "No year before the start ({since}) in the data (first year {first}): "
                     "no estimate.",
        "no_after": "No year with data while it ran: no estimate.",
        "no_comparison": "No comparable {units} without a programme area: no estimate.",
    },
}


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


def weighting_note(dataset: Dataset, lang: str) -> str:
    """How each area counts inside: by residents' share, located on the grid or by surface."""
    texts = area_texts(TEXT, dataset)
    by = "by_points" if weighting(dataset) == "points" else "by_surface"
    weights = "by_residents" if residents(dataset) is not None else "by_area"
    return " ".join(translate(texts, key, lang) for key in ("share_rule", by, weights))


def build_did(dataset: Dataset, lang: str) -> html.Div:
    """The before/after comparison of each programme area with similar areas, and how to read it."""
    texts = area_texts(TEXT, dataset)
    frame = did_table(dataset)
    labels = dataset.area_labels
    shares = _zone_share_text(dataset, lang)
    first = min(dataset.years) if dataset.years else None
    heads = ["col_zone", "col_areas", "col_comparison", "col_years", "col_treated", "col_control",
             "col_did", "col_n"]
    header = html.Tr([html.Th(translate(texts, h, lang),
                              className="text-end" if h in ("col_treated", "col_control", "col_did")
                              else None) for h in heads])
    rows = [html.Tr([
        html.Td([html.Strong(str(row.name)), html.Br(), html.Small(_running(texts, row, lang))]),
        html.Td(shares.get(row.zone_id, "–")),
        html.Td(", ".join(str(labels.get(k, k)) for k in row.comparison) or "–",
                className="did-comparison"),
        html.Td(_years(texts, row, lang)),
        html.Td(_before_after(row.treated_pre, row.treated_post, lang), className=NUMBER),
        html.Td(_before_after(row.comparison_pre, row.comparison_post, lang), className=NUMBER),
        html.Td(_estimate(texts, row, lang, first),
                className="small" if _has_reason(row) else NUMBER),
        html.Td(translate(texts, "n", lang, a=row.n_areas, c=row.n_comparison), className="small"),
    ], className="did-row") for row in frame.itertuples(index=False)]
    return html.Div([
        html.H4(translate(texts, "did", lang), className="h6 mt-4"),
        html.Div([html.P(translate(texts, "did_how", lang), className="small"),
                  html.P(translate(texts, "did_limits", lang), className="small text-muted")],
                 id=DID_NOTE),
        dbc.Table([html.Thead(header), html.Tbody(rows)], id=DID_TABLE, size="sm", striped=True,
                  responsive=True),
    ], id=DID)


def _zone_share_text(dataset: Dataset, lang: str) -> dict[str, str]:
    """Per programme area: its areas with the share of their residents inside, largest first."""
    shares = zone_shares(dataset).sort_values(["zone_id", "share"], ascending=[True, False])
    labels = shares["area_key"].map(dataset.area_labels).fillna(shares["area_key"]).astype(str)
    percent = shares["share"].map(lambda s: _percent(s, lang))
    text = labels + " (" + percent + ")"
    return text.groupby(shares["zone_id"], sort=False).agg(", ".join).to_dict()


def _percent(share: float, lang: str) -> str:
    """A share as a percentage; below 1 % with one decimal, so that no area shows 0 %."""
    value = share * 100
    return fmt_number(value, lang, 1 if value < 1 else 0, "%")


def _running(texts, row, lang: str) -> str:
    since = "?" if row.since is None or _nan(row.since) else str(int(row.since))
    until = translate(texts, "still", lang) if row.until is None or _nan(row.until) else str(int(row.until))
    programme = "" if row.programme is None or _nan(row.programme) else str(row.programme)
    return translate(texts, "running", lang, programme=programme, since=since, until=until).lstrip(", ")


def _span(years) -> str:
    years = list(years)
    if not years:
        return "–"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _years(texts, row, lang: str) -> str:
    match = "–" if row.match_year is None or _nan(row.match_year) else str(int(row.match_year))
    return translate(texts, "years", lang, pre=_span(row.pre_years), post=_span(row.post_years),
                     match=match)


def _before_after(before: float, after: float, lang: str) -> str:
    return f"{fmt_number(before, lang, 2)} → {fmt_number(after, lang, 2)}"


def _estimate(texts, row, lang: str, first: int | None) -> str:
    if _has_reason(row):
        return translate(texts, row.reason, lang, since=row.since, first=first)
    sign = "+" if row.did > 0 else ""
    return sign + fmt_number(row.did, lang, 2)


def _has_reason(row) -> bool:
    """Whether the row gives a reason instead of an estimate."""
    return isinstance(row.reason, str)


def _nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)
