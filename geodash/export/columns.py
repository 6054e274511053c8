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
