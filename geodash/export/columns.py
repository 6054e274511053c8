"""Exported column names that every tool accepts, and what each column means.

Category codes become parts of column names (``sites_<code>``,
``per1000_<code>``, ``share500_<code>``). A city's codes hold spaces,
parentheses and Umlauts ("Jugendfreizeiteinrichtungen (JFE)"), which break
QGIS expressions, R formulas and SQL; so exported names use
:func:`~geodash.export.slugs.slug` (``sites_jugendfreizeiteinrichtungen_jfe``),
unique within the layer. The labels go along as ``frame.attrs["column_labels"]``
(column -> ``{"de": …, "en": …}``), which the writers store in the file's
metadata or beside it (:mod:`geodash.export.formats`).
"""

from __future__ import annotations

import re

import pandas as pd

from geodash.dataset import Dataset
from geodash.export.slugs import slug

# Column families whose suffix is a site category code (see analysis.districts).
CATEGORY_COLUMN = re.compile(r"^(?P<prefix>sites|per1000|share(?P<d>\d+))_(?P<code>.+)$")
# Suffixes that are not category codes but sums over all of them.
TOTALS = {"total": {"de": "alle Arten", "en": "all kinds"}, "any": {"de": "alle Arten", "en": "all kinds"}}

# The analysis columns of the areas layer (social index, coverage gap, programme areas).
ANALYSIS_LABELS = {
    "zone_share": {"de": "Flächenanteil in Programmgebieten (0–1)",
                   "en": "Share of area in programme areas (0–1)"},
    "zones": {"de": "Programmgebiete", "en": "Programme areas"},
    "status_index": {"de": "Statusindex (z-Wert, > 0 = mehr Bedarf)",
                     "en": "Status index (z-score, > 0 = more need)"},
    "status_class": {"de": "Statusklasse", "en": "Status class"},
    "dynamics_index": {"de": "Dynamikindex (z-Wert, > 0 = Lage verschlechtert sich)",
                       "en": "Dynamics index (z-score, > 0 = worsening)"},
    "dynamics_class": {"de": "Dynamikklasse", "en": "Dynamics class"},
    "summary": {"de": "Gesamtindex (Status/Dynamik)", "en": "Overall index (status/dynamics)"},
    "gap": {"de": "Lücke: hoher Bedarf, wenige Angebote", "en": "Gap: high need, few offers"},
}
# The unit of each family of category columns (see FAMILY_LABELS).
FAMILY_UNITS = {"sites": "Anzahl", "per1000": "je 1.000 EW", "share": "Anteil (0–1)"}

FAMILY_LABELS = {
    "sites": {"de": "Angebote: {label}", "en": "Offers: {label}"},
    "per1000": {"de": "Angebote je 1.000 EW: {label}", "en": "Offers per 1,000 residents: {label}"},
    "share": {"de": "Anteil Bewohner ≤ {d} m: {label}", "en": "Residents ≤ {d} m: {label}"},
}


def _area_labels(dataset: Dataset) -> dict[str, dict[str, str]]:
    """Labels of the area columns, in the city's own words."""
    unit = {lang: dataset.unit.form(lang) for lang in ("de", "en")}
    parent = {lang: dataset.parent_unit.form(lang) for lang in ("de", "en")}
    return {
        "key": {"de": f"Schlüssel ({unit['de']})", "en": f"Key ({unit['en']})"},
        "name": unit,
        "parent": {"de": f"Schlüssel ({parent['de']})", "en": f"Key ({parent['en']})"},
        "parent_name": parent,
        "population": {"de": "Einwohnerinnen und Einwohner", "en": "Residents"},
        "year": {"de": "Jahr", "en": "Year"},
        **ANALYSIS_LABELS,
    }


def safe_columns(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Rename category columns to safe slugs and attach every known column's label.

    Parameters
    ----------
    frame
        An exported layer, e.g. the ``districts`` layer, with columns named
        after raw category codes.
    dataset
        For the categories' labels, the indicators' labels and the area words.

    Returns
    -------
    pandas.DataFrame
        The same rows, category columns renamed (``sites_Jugendfreizeiteinrichtungen (JFE)``
        -> ``sites_jugendfreizeiteinrichtungen_jfe``, unique within the frame; a
        second code with the same slug gets ``_2``), and
        ``attrs["column_labels"]``: column -> ``{"de": label, "en": label}``
        for the area, indicator and category columns.
    """
    labels = {col: text for col, text in _area_labels(dataset).items() if col in frame.columns}
    for ind_id, spec in dataset.indicator_meta.items():
        if ind_id in frame.columns:
            labels[ind_id] = {lang: (f"{spec.label.get(lang)} ({spec.unit})" if spec.unit
                                     else spec.label.get(lang)) for lang in ("de", "en")}
    renames: dict[str, str] = {}
    taken = {c for c in frame.columns if not _category_match(c, dataset)}
    for col in frame.columns:
        match = _category_match(col, dataset)
        if not match:
            continue
        family = "share" if match["d"] else match["prefix"]
        code = match["code"]
        base = f"{match['prefix']}_{slug(code)}"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        renames[col] = name
        what = TOTALS.get(code) or {lang: dataset.category_label(code, lang) for lang in ("de", "en")}
        labels[name] = {lang: FAMILY_LABELS[family][lang].format(label=what[lang], d=match["d"])
                        for lang in ("de", "en")}
    out = frame.rename(columns=renames)
    out.attrs["column_labels"] = labels
    return out


def _category_match(column: object, dataset: Dataset) -> re.Match | None:
    match = CATEGORY_COLUMN.match(str(column))
    if match and (match["code"] in dataset.categories or match["code"] in TOTALS):
        return match
    return None


# Which way an indicator points, in words (the Daten page says the same).
POLARITY_TEXT = {
    "need": {"de": "hoher Wert = mehr Bedarf", "en": "high value = more need"},
    "resource": {"de": "hoher Wert = weniger Bedarf", "en": "high value = less need"},
    "neutral": {"de": "ohne Wertung", "en": "no judgement"},
}
SUPPRESSION_NOTE = {
    "de": "Werte, die auf weniger als {n} Fällen beruhen, sind unterdrückt (leer); hier {count}.",
    "en": "Values resting on fewer than {n} cases are suppressed (empty); here {count}.",
}
# The columns of the long indicators table (one row per area, indicator and year).
LONG_LABELS = {
    "area_key": {"de": "Schlüssel ({unit})", "en": "Key ({unit})"},
    "area_name": {"de": "{unit}", "en": "{unit}"},
    "indicator": {"de": "Indikator (Kürzel)", "en": "Indicator (code)"},
    "label": {"de": "Indikator", "en": "Indicator (German)"},
    "label_en": {"de": "Indikator (englisch)", "en": "Indicator"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "year": {"de": "Jahr", "en": "Year"},
    "value": {"de": "Wert (in der Einheit der Zeile)", "en": "Value (in the row's unit)"},
    "suppressed": {"de": "Wert unterdrückt (Datenschutz)", "en": "Value suppressed (confidentiality)"},
}


def _years_text(years: list[int]) -> str:
    """``"2022"`` or ``"2019–2023"`` (the span; single missing years are not listed)."""
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def indicator_description(dataset: Dataset, ind_id: str, years: list[int]) -> dict[str, str]:
    """One indicator's metadata row: label, unit, source, years, polarity and suppression note."""
    spec = dataset.indicator_meta[ind_id]
    table = dataset.indicators
    suppressed = int(table.loc[(table["indicator"] == ind_id) & table["year"].isin(years),
                               "suppressed"].sum()) if "suppressed" in table else 0
    min_cases = dataset.settings.min_cases
    row = {"code": ind_id, "unit": spec.unit, "source": spec.source, "years": _years_text(years),
           "polarity": spec.polarity}
    for lang in ("de", "en"):
        row[f"label_{lang}"] = spec.label.get(lang)
        row[f"polarity_{lang}"] = POLARITY_TEXT[spec.polarity][lang]
        row[f"note_{lang}"] = (SUPPRESSION_NOTE[lang].format(n=min_cases, count=suppressed)
                               if min_cases > 0 and suppressed else "")
    return row


def describe_columns(frame: pd.DataFrame, dataset: Dataset, *, year: int | None = None) -> pd.DataFrame:
    """Attach what every column means: ``attrs["column_meta"]``, a list of rows for a metadata sheet.

    Parameters
    ----------
    frame
        An exported layer whose ``attrs["column_labels"]`` names its columns
        (see :func:`safe_columns`); the long indicators table is described by
        :data:`LONG_LABELS` and one more row per indicator it holds.
    dataset
        For the indicators' unit, source, years, polarity and suppressed values.
    year
        The year of a one-year table; ``None`` for a table of all years.

    Returns
    -------
    pandas.DataFrame
        The same frame (not a copy) with ``attrs["column_meta"]``: dicts with
        ``code``, ``label_de``, ``label_en``, ``unit``, ``source``, ``years``,
        ``polarity`` (code), ``polarity_de/en`` and ``note_de/en`` (values
        suppressed for confidentiality, with their number).
    """
    labels = column_labels_of(frame)
    rows: list[dict[str, str]] = []
    for col in frame.columns:
        if col == getattr(frame, "_geometry_column_name", None):
            continue
        if col in dataset.indicator_meta:
            years = [year] if year is not None else dataset.indicator_years(col)
            rows.append({**indicator_description(dataset, col, years), "code": str(col)})
            continue
        text = labels.get(col, {})
        family = CATEGORY_COLUMN.match(str(col))
        unit = (FAMILY_UNITS["share" if family["d"] else family["prefix"]]
                if family and text else "")
        rows.append({"code": str(col), "label_de": text.get("de", ""), "label_en": text.get("en", ""),
                     "unit": unit, "source": "", "years": "", "polarity": "", "polarity_de": "",
                     "polarity_en": "", "note_de": "", "note_en": ""})
    if "indicator" in frame.columns and "value" in frame.columns:
        # The long table: its "value" column means each indicator in turn.
        for ind_id in pd.unique(frame["indicator"]):
            if ind_id in dataset.indicator_meta:
                years = sorted(int(y) for y in pd.unique(frame.loc[frame["indicator"] == ind_id, "year"]))
                rows.append(indicator_description(dataset, ind_id, years))
    frame.attrs["column_meta"] = rows
    return frame


def column_labels_of(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The ``attrs["column_labels"]`` of a layer (empty when it has none)."""
    return dict(frame.attrs.get("column_labels") or {})


def long_labels(dataset: Dataset) -> dict[str, dict[str, str]]:
    """The labels of the long indicators table's columns, in the city's words for its areas."""
    unit = {lang: dataset.unit.form(lang) for lang in ("de", "en")}
    return {col: {lang: text[lang].format(unit=unit[lang]) for lang in ("de", "en")}
            for col, text in LONG_LABELS.items()}
