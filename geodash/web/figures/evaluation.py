"""The programme evaluation of a Dataset: resident shares, index inside/outside and the DiD, kept once.

Also its texts and the before/after table as display strings, which the
coverage page (:mod:`geodash.web.pages.coverage_evaluation`) and the
Sozialraumbericht both show.

Composes :mod:`geodash.analysis.evaluation` with the Dataset (areas and zones
in the metric CRS, the population grid when there is one, the residents per
year, the status index per year) and keeps each result beside the Dataset
(:func:`geodash.web.figures.derived.cached`). The coverage page, the
Sozialraumbericht and the tests read it from here, so they agree.
"""

from __future__ import annotations

import pandas as pd

from geodash.analysis.evaluation import (
    DID_COLUMNS,
    INSIDE_COLUMNS,
    difference_in_differences,
    index_inside_outside,
    resident_shares,
    zone_resident_shares,
)
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.i18n import area_texts, fmt_number, translate

# The before/after table's columns, in order (keys of :func:`did_rows` and of ``col_*`` texts).
DID_SHOWN = ("zone", "areas", "comparison", "years", "treated", "control", "did", "n")



def weighting(dataset: Dataset) -> str:
    """``"points"`` when residents are located by the workspace's population grid, else ``"surface"``."""
    return "points" if dataset.population_points is not None else "surface"


def residents(dataset: Dataset) -> pd.DataFrame | None:
    """Residents per area and year (``area_key, year, population``), or ``None`` when none are known."""
    table = dataset.population_table
    if table is None or not table["population"].notna().any():
        return None
    return table


def _zones_metric(dataset: Dataset):
    return dataset.zones.to_crs(dataset.settings.metric_crs)


def programme_shares(dataset: Dataset) -> pd.DataFrame:
    """Share of each area's residents inside the programme areas running in each index year.

    Returns ``area_key, year, share, by`` (see
    :func:`geodash.analysis.evaluation.resident_shares`); shared, do not change it.
    """
    return derived.cached(dataset, "evaluation_shares", lambda: resident_shares(
        dataset.areas_metric, _zones_metric(dataset), _index_years(dataset),
        points=dataset.population_points))


def zone_shares(dataset: Dataset) -> pd.DataFrame:
    """Share of each area's residents inside each programme area (``area_key, zone_id, share, by``)."""
    return derived.cached(dataset, "evaluation_zone_shares", lambda: zone_resident_shares(
        dataset.areas_metric, _zones_metric(dataset), points=dataset.population_points))


def _index_years(dataset: Dataset) -> list[int]:
    index = derived.status_by_year(dataset)
    return sorted(int(y) for y in index["year"].unique()) if len(index) else []


def inside_outside(dataset: Dataset) -> pd.DataFrame:
    """The resident-weighted mean status index inside and outside the programme areas, year by year.

    Each area counts inside with its residents inside running programme areas
    and outside with the others (see
    :func:`geodash.analysis.evaluation.index_inside_outside`).

    Returns
    -------
    pandas.DataFrame
        ``year, inside, outside, n_inside, n_outside, residents_inside,
        residents_outside``; empty without zones or without a status index.
    """
    return derived.cached(dataset, "evaluation_inside_outside",
                          lambda: _inside_outside(dataset)).copy()


def _inside_outside(dataset: Dataset) -> pd.DataFrame:
    index = derived.status_by_year(dataset)
    if dataset.zones.empty or index.empty:
        return pd.DataFrame(columns=INSIDE_COLUMNS)
    return index_inside_outside(index, programme_shares(dataset), residents(dataset))


def did_table(dataset: Dataset, n_comparison: int = 5) -> pd.DataFrame:
    """Each programme area before and after its start against similar areas without one.

    Returns the frame of :func:`geodash.analysis.evaluation.difference_in_differences`
    (area keys, not names); empty without zones or without a status index.
    """
    return derived.cached(dataset, ("evaluation_did", n_comparison),
                          lambda: _did(dataset, n_comparison)).copy()


def _did(dataset: Dataset, n_comparison: int) -> pd.DataFrame:
    index = derived.status_by_year(dataset)
    if dataset.zones.empty or index.empty:
        return pd.DataFrame(columns=DID_COLUMNS)
    zones = pd.DataFrame(dataset.zones.drop(columns="geometry"))
    return difference_in_differences(index, zone_shares(dataset), zones,
                                     population=residents(dataset), n_comparison=n_comparison)


TEXT = {
    "de": {
        "programme": "Statusindex innerhalb und außerhalb der Programmgebiete",
        "no_zones": "In diesem Datenbestand sind keine Programmgebiete erfasst.",
        "no_inside": "Keine {Units} liegen in den Jahren mit Statusindex in einem laufenden "
                     "Programmgebiet.",
        "share_rule": "Ein {Unit} zählt mit dem Anteil seiner Einwohner/innen, die in einem im "
                      "jeweiligen Jahr laufenden Programmgebiet (Soziale Stadt) wohnen, als "
                      "innerhalb, mit dem Rest als außerhalb – ohne Schwelle: zu 4 % überdeckt "
                      "zählt zu 4 % innen. 0 = Stadtmittel, höher = mehr Bedarf. Die Linie "
                      "„in Programmgebieten“ ändert sich auch, wenn Gebiete beginnen oder enden.",
        "by_surface": "Der Anteil ist hier der Flächenanteil (Einwohner/innen gleichmäßig über "
                      "die Fläche verteilt angenommen), weil der Arbeitsbereich kein "
                      "Bevölkerungsraster hat.",
        "by_points": "Der Anteil ist aus dem Bevölkerungsraster des Arbeitsbereichs gezählt "
                     "(wo die Menschen wohnen); {Units} ohne Rasterpunkt nach Flächenanteil.",
        "by_residents": "Mittelwerte nach Einwohnerzahl gewichtet.",
        "by_area": "Ohne Einwohnerzahlen zählt jeder {Unit} gleich, mit seinem Anteil.",
        "did": "Vorher und nachher: Programmgebiete und ähnliche {Units} ohne Programm",
        "did_how": "So lesen Sie die Tabelle: Für jedes Programmgebiet wird der mittlere "
                   "Statusindex seiner {Units} (gewichtet mit den Einwohner/innen im Gebiet) vor "
                   "dem Programmstart und danach berechnet. Zum Vergleich dienen {Units}, die nie "
                   "in einem Programmgebiet lagen und im Vergleichsjahr (dem letzten Jahr vor dem "
                   "Start) einen ähnlichen Statusindex hatten: die Vergleichsgruppe. Differenz der "
                   "Differenzen = (nachher − vorher im Programmgebiet) − (nachher − vorher in der "
                   "Vergleichsgruppe). Negativ heißt: der Bedarf ist im Programmgebiet stärker "
                   "gesunken oder weniger gestiegen als in der Vergleichsgruppe.",
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
        "col_treated": "Gebiet: vorher → nachher",
        "col_control": "Vergleich: vorher → nachher",
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
                      "= more need. The line “in programme areas” also changes when "
                      "programme areas start or end.",
        "by_surface": "The share here is the share of the surface (residents assumed to be "
                      "spread evenly), because the workspace has no population grid.",
        "by_points": "The share is counted on the workspace's population grid (where people "
                     "live); {units} without a grid point by surface share.",
        "by_residents": "Means weighted by residents.",
        "by_area": "Without residents, every {unit} counts the same, with its share.",
        "did": "Before and after: programme areas and similar {units} without one",
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
        "col_treated": "Area: before → after",
        "col_control": "Comparison: before → after",
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


def weighting_note(dataset: Dataset, lang: str) -> str:
    """How each area counts inside: by its residents' share, located on the grid or by surface."""
    texts = area_texts(TEXT, dataset)
    by = "by_points" if weighting(dataset) == "points" else "by_surface"
    weights = "by_residents" if residents(dataset) is not None else "by_area"
    return " ".join(translate(texts, key, lang) for key in ("share_rule", by, weights))


def did_rows(dataset: Dataset, lang: str) -> list[dict]:
    """The before/after table as text, one dict per programme area (keys :data:`DID_SHOWN`).

    Besides the columns: ``name`` and ``running`` (the two lines of ``zone``),
    ``comparison_names`` (a list) and ``has_estimate``.
    """
    texts = area_texts(TEXT, dataset)
    frame = did_table(dataset)
    labels = dataset.area_labels
    shares = _zone_share_text(dataset, lang)
    first = min(dataset.years) if dataset.years else None
    rows = []
    for row in frame.itertuples(index=False):  # one per programme area, never per area
        names = [str(labels.get(k, k)) for k in row.comparison]
        running = _running(texts, row, lang)
        rows.append({
            "name": str(row.name), "running": running, "zone": f"{row.name} ({running})",
            "areas": shares.get(row.zone_id, "–"), "comparison_names": names,
            "comparison": ", ".join(names) or "–", "years": _years(texts, row, lang),
            "treated": _before_after(row.treated_pre, row.treated_post, lang),
            "control": _before_after(row.comparison_pre, row.comparison_post, lang),
            "did": _estimate(texts, row, lang, first), "has_estimate": not _has_reason(row),
            "n": translate(texts, "n", lang, a=row.n_areas, c=row.n_comparison),
        })
    return rows


def did_heads(dataset: Dataset, lang: str, columns=DID_SHOWN) -> list[str]:
    """The headers of the before/after table's ``columns``."""
    texts = area_texts(TEXT, dataset)
    return [translate(texts, f"col_{c}", lang) for c in columns]


def did_notes(dataset: Dataset, lang: str) -> list[str]:
    """How to read the before/after table, and what it cannot show."""
    texts = area_texts(TEXT, dataset)
    return [translate(texts, "did_how", lang), translate(texts, "did_limits", lang)]


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
    since = "?" if pd.isna(row.since) else str(int(row.since))
    until = translate(texts, "still", lang) if pd.isna(row.until) else str(int(row.until))
    programme = "" if pd.isna(row.programme) else str(row.programme)
    return translate(texts, "running", lang, programme=programme, since=since, until=until).lstrip(", ")


def _span(years) -> str:
    years = list(years)
    if not years:
        return "–"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _years(texts, row, lang: str) -> str:
    match = "–" if pd.isna(row.match_year) else str(int(row.match_year))
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
