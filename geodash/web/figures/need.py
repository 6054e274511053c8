"""Handlungsbedarf: one table of every area's status, dynamics since a base year, offers and gap.

Pure functions of ``(dataset, view)``: :func:`need_view` reads the view from
the URL (answering unknown values with a note and the nearest valid value),
:func:`need_frame` composes the analysis of one (year, base year) once per
Dataset, :func:`shown_table` filters and sorts it as the page shows it, and
:func:`export_table` is exactly that table for a CSV or XLSX download.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodash.analysis.need import base_years, index_indicator_ids, indicator_changes
from geodash.analysis.of_dataset import index_since
from geodash.analysis.programme import programme_years
from geodash.analysis.social_index import (
    DYNAMICS_CLASSES,
    STATUS_CLASSES,
    IndexOptions,
    default_base_year,
)
from geodash.dataset import Dataset
from geodash.web.figures import derived
from geodash.web.i18n import area_texts, fmt_number, translate
from geodash.web.state import ViewState

# Query parameters of the page (besides jahr and lang).
BASE_PARAM = "basis"
STATUS_PARAM = "status"
DYNAMICS_PARAM = "dyn"
GAP_PARAM = "luecke"
PROGRAMME_PARAM = "programm"
SORT_PARAM = "sort"
PARAMS = (BASE_PARAM, STATUS_PARAM, DYNAMICS_PARAM, GAP_PARAM, PROGRAMME_PARAM, SORT_PARAM)

# Most need first: the planner's question.
DEFAULT_SORT = "-status_index"

TEXT = {
    "de": {
        "unknown_year": "Für das Jahr {value} gibt es keinen Statusindex; gezeigt wird {shown}.",
        "unknown_base": "{value} kann nicht Basisjahr sein (für {year} möglich: {allowed}); "
                        "gezeigt wird {shown}.",
        "no_base": "Vor {year} gibt es keine Werte der Indexindikatoren: keine Dynamik.",
        "unknown_status": "Unbekannte Status-Klasse „{value}“ ausgelassen; möglich sind: {allowed}.",
        "unknown_dynamics": "Unbekannte Dynamik-Klasse „{value}“ ausgelassen; möglich sind: "
                            "{allowed}.",
        "unknown_sort": "Nach „{value}“ lässt sich nicht sortieren; sortiert wird nach dem "
                        "Statusindex.",
        "unknown_flag": "„{name}={value}“ wurde nicht verstanden (möglich: 1); der Filter ist aus.",
        "rule_class": "Hoher Bedarf heißt: Status-Klasse {classes} im Statusindex, also "
                      "mehr als {floor} Standardabweichungen über dem Stadtmittel. "
                      "Wenige Angebote heißt: Angebote je 1.000 Einwohner/innen höchstens beim "
                      "{offer}-Quantil der {Units} (0,5 = Median). Beides zugleich ist eine Lücke.",
        "rule_quantile": "Hoher Bedarf heißt: Statusindex über dem {need}-Quantil der {Units} "
                         "(0,5 = Median). Wenige Angebote heißt: Angebote je 1.000 "
                         "Einwohner/innen höchstens beim {offer}-Quantil. Beides zugleich ist "
                         "eine Lücke.",
        "or": " oder ",
        "yes": "ja",
        "no": "nein",
    },
    "en": {
        "unknown_year": "There is no status index for {value}; showing {shown}.",
        "unknown_base": "{value} cannot be the base year (possible for {year}: {allowed}); "
                        "showing {shown}.",
        "no_base": "There are no values of the index indicators before {year}: no dynamics.",
        "unknown_status": "Unknown status class “{value}” left out; allowed: {allowed}.",
        "unknown_dynamics": "Unknown dynamics class “{value}” left out; allowed: {allowed}.",
        "unknown_sort": "Cannot sort by “{value}”; sorted by the status index.",
        "unknown_flag": "“{name}={value}” was not understood (allowed: 1); the filter is off.",
        "rule_class": "High need means: status class {classes} of the status index, i.e. a "
                      "status index more than {floor} standard deviations above the city mean. "
                      "Few offers means: offers per 1,000 residents at most at the {offer} "
                      "quantile of the {units} (0.5 = median). Both at once is a gap.",
        "rule_quantile": "High need means: status index above the {need} quantile of the "
                         "{units} (0.5 = median). Few offers means: offers per 1,000 residents "
                         "at most at the {offer} quantile. Both at once is a gap.",
        "or": " or ",
        "yes": "yes",
        "no": "no",
    },
}


@dataclass(frozen=True)
class NeedView:
    """What the Handlungsbedarf page shows, checked against the data.

    ``year`` and ``base`` are ``None`` when the workspace has no status
    index; ``sort`` is a column of :func:`need_frame`, ``-`` in front for
    descending; ``notes`` say (in the UI language) which URL values were
    replaced and by what.
    """

    year: int | None
    base: int | None
    status: tuple[str, ...] = ()
    dynamics: tuple[str, ...] = ()
    gap_only: bool = False
    programme_only: bool = False
    sort: str = DEFAULT_SORT
    notes: tuple[str, ...] = ()


def status_years(dataset: Dataset) -> list[int]:
    """The years with a status index, ascending."""
    status = derived.measure_of(dataset, "status_index")
    return list(derived.measure_years(dataset, status)) if status else []


def base_choices(dataset: Dataset, year: int) -> list[int]:
    """The years before ``year`` a dynamics can start from (see :func:`~geodash.analysis.need.base_years`)."""
    meta = dataset.indicator_meta
    return derived.cached(dataset, ("need_bases", year), lambda: base_years(
        dataset.indicators, meta, index_indicator_ids(meta), year))


def default_base(dataset: Dataset, year: int) -> int | None:
    """The method's base year for ``year`` (MSS: two years before), or the nearest year with data."""
    settings = dataset.settings.index
    wanted = default_base_year(year, settings.method, IndexOptions.from_settings(settings))
    return nearest(base_choices(dataset, year), wanted, fallback=wanted)


def nearest(choices: list[int], wanted: int, *, fallback: int | None = None) -> int | None:
    """The choice closest to ``wanted`` (the later one on a tie); ``fallback`` without choices.

    Examples
    --------
    >>> nearest([2015, 2019, 2021], 2018), nearest([2015, 2019], 2017), nearest([], 3, fallback=1)
    (2019, 2019, 1)
    """
    if not choices:
        return fallback
    return min(choices, key=lambda y: (abs(y - wanted), -y))


def sortable_columns(dataset: Dataset) -> list[str]:
    """The columns of :func:`need_frame` the table can be sorted by."""
    meta = dataset.indicator_meta
    distance = int(dataset.settings.coverage.distances[0])
    return ["name", "status_index", "dynamics_index",
            *[f"change_{i}" for i in index_indicator_ids(meta)],
            *[f"per1000_{c}" for c in dataset.categories], "per1000_total",
            *[f"share{distance}_{c}" for c in dataset.categories], "gap", "programme_share"]


def need_view(dataset: Dataset, state: ViewState) -> NeedView:
    """Read the page's view from the URL; an unknown value gets a note and the nearest valid one."""
    texts = area_texts(TEXT, dataset)
    lang = state.lang
    notes: list[str] = []
    extra = state.extra
    years = status_years(dataset)
    year = state.year
    if not years:
        return NeedView(year=None, base=None)
    if year is None:
        year = years[-1]
    elif year not in years:
        shown = nearest(years, year)
        notes.append(translate(texts, "unknown_year", lang, value=year, shown=shown))
        year = shown
    choices = base_choices(dataset, year)
    base = default_base(dataset, year) if choices else None
    raw_base = extra.get(BASE_PARAM)
    if not choices:
        notes.append(translate(texts, "no_base", lang, year=year))
    elif raw_base is not None:
        wanted = int(raw_base) if raw_base.isdigit() else None
        if wanted in choices:
            base = wanted
        else:
            shown = nearest(choices, wanted, fallback=base) if wanted is not None else base
            notes.append(translate(texts, "unknown_base", lang, value=raw_base, year=year,
                                   shown=shown, allowed=", ".join(map(str, choices))))
            base = shown

    def classes(param: str, allowed: tuple[str, ...], message: str) -> tuple[str, ...]:
        picked = [v for v in (extra.get(param) or "").split(",") if v]
        for value in picked:
            if value not in allowed:
                notes.append(translate(texts, message, lang, value=value,
                                       allowed=", ".join(derived.class_name(a, lang) for a in allowed)))
        return tuple(a for a in allowed if a in picked)

    def flag(param: str) -> bool:
        value = extra.get(param)
        if value in (None, "", "0"):
            return False
        if value != "1":
            notes.append(translate(texts, "unknown_flag", lang, name=param, value=value))
            return False
        return True

    status = classes(STATUS_PARAM, STATUS_CLASSES, "unknown_status")
    dynamics = classes(DYNAMICS_PARAM, DYNAMICS_CLASSES, "unknown_dynamics")
    gap_only, programme_only = flag(GAP_PARAM), flag(PROGRAMME_PARAM)
    sort = extra.get(SORT_PARAM) or DEFAULT_SORT
    if sort.lstrip("-") not in sortable_columns(dataset):
        notes.append(translate(texts, "unknown_sort", lang, value=sort))
        sort = DEFAULT_SORT
    return NeedView(year=year, base=base, status=status, dynamics=dynamics, gap_only=gap_only,
                    programme_only=programme_only, sort=sort, notes=tuple(notes))


def need_frame(dataset: Dataset, year: int, base: int | None) -> pd.DataFrame:
    """Every area's status, dynamics since ``base``, indicator changes, offers, reach, gap, programme.

    Computed once per (year, base year) and Dataset. The status, offers,
    reach and gap are those of :func:`derived.analysis` for ``year`` (so the
    map, the coverage page and ``geodash export districts`` agree); the
    dynamics are the workspace's index method between ``base`` and ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per area in ``dataset.areas`` order: ``area_key, name,
        status_index, status_class, dynamics_index, dynamics_class``,
        ``change_<id>`` and ``worse_<id>`` per index indicator,
        ``per1000_<category>``, ``per1000_total``, ``share<d>_<category>``
        (the first reach distance), ``gap``, ``programme_share`` and
        ``in_programme`` (areas in a programme area running in ``year``).
        Shared: do not change it.
    """
    return derived.cached(dataset, ("need", year, base), lambda: _need_frame(dataset, year, base))


def _need_frame(dataset: Dataset, year: int, base: int | None) -> pd.DataFrame:
    keys = dataset.areas["key"].to_numpy()
    analysis = derived.analysis(dataset, year).reindex(keys)
    meta = dataset.indicator_meta
    ids = index_indicator_ids(meta)
    out = pd.DataFrame({"area_key": keys, "name": dataset.areas["key"].map(dataset.area_labels)
                       .to_numpy()})
    out["status_index"] = analysis["status_index"].astype(float).to_numpy()
    out["status_class"] = analysis["status_class"].to_numpy()
    if base is not None:
        since = index_since(dataset, year, base).reindex(keys)
        changes = indicator_changes(dataset.indicators, meta, keys, year, base, ids)
    else:
        since = pd.DataFrame(index=keys, columns=["dynamics_index", "dynamics_class"])
        changes = pd.DataFrame(index=keys, columns=[f"{p}_{i}" for i in ids
                                                    for p in ("change", "worse")], dtype=float)
    out["dynamics_index"] = since["dynamics_index"].astype(float).to_numpy()
    out["dynamics_class"] = since["dynamics_class"].to_numpy()
    for ind in ids:
        out[f"change_{ind}"] = changes[f"change_{ind}"].to_numpy()
        out[f"worse_{ind}"] = changes[f"worse_{ind}"].to_numpy()
    distance = int(dataset.settings.coverage.distances[0])
    for code in dataset.categories:
        column = f"per1000_{code}"
        out[column] = analysis[column].astype(float).to_numpy() if column in analysis else np.nan
    out["per1000_total"] = analysis["per1000_total"].astype(float).to_numpy()
    for code in dataset.categories:
        column = f"share{distance}_{code}"
        out[column] = analysis[column].to_numpy() if column in analysis else np.nan
    out["gap"] = analysis["gap"].fillna(False).astype(bool).to_numpy()
    if len(dataset.zones):
        running = programme_years(dataset.zone_shares, dataset.zones, [year])
        share = running.set_index("area_key")["share"] if len(running) else pd.Series(dtype=float)
        inside = running.set_index("area_key")["inside"] if len(running) else pd.Series(dtype=bool)
        out["programme_share"] = out["area_key"].map(share).fillna(0.0).astype(float)
        out["in_programme"] = out["area_key"].map(inside).fillna(False).astype(bool)
    else:
        out["programme_share"] = np.nan
        out["in_programme"] = False
    return out


def shown_table(dataset: Dataset, view: NeedView) -> pd.DataFrame:
    """The rows the page shows for ``view``: filtered by class, gap and programme, then sorted.

    Missing values sort last in either direction; ties keep the areas' order.
    """
    if view.year is None:
        return pd.DataFrame()
    frame = need_frame(dataset, view.year, view.base)
    keep = pd.Series(True, index=frame.index)
    if view.status:
        keep &= frame["status_class"].isin(view.status)
    if view.dynamics:
        keep &= frame["dynamics_class"].isin(view.dynamics)
    if view.gap_only:
        keep &= frame["gap"]
    if view.programme_only:
        keep &= frame["in_programme"]
    column = view.sort.lstrip("-")
    descending = view.sort.startswith("-")
    shown = frame[keep]
    key = shown[column].str.casefold() if column == "name" else shown[column]
    order = key.sort_values(ascending=not descending, na_position="last", kind="stable").index
    return shown.loc[order].reset_index(drop=True)


def columns(dataset: Dataset, lang: str) -> list[tuple[str, str]]:
    """The table's columns as ``(field, header)``, in the order shown (and exported)."""
    texts = area_texts(COLUMN_TEXT, dataset)
    meta = dataset.indicator_meta
    distance = int(dataset.settings.coverage.distances[0])
    out = [("name", translate(texts, "name", lang)),
           ("status_class", translate(texts, "status_class", lang)),
           ("status_index", translate(texts, "status_index", lang)),
           ("dynamics_class", translate(texts, "dynamics_class", lang)),
           ("dynamics_index", translate(texts, "dynamics_index", lang))]
    out += [(f"change_{i}", translate(texts, "change", lang, label=meta[i].label.get(lang)))
            for i in index_indicator_ids(meta)]
    out += [(f"per1000_{c}", translate(texts, "per1000", lang, label=dataset.category_label(c, lang)))
            for c in dataset.categories]
    out.append(("per1000_total", translate(texts, "per1000_total", lang)))
    out += [(f"share{distance}_{c}", translate(texts, "share", lang, d=distance,
                                               label=dataset.category_label(c, lang)))
            for c in dataset.categories]
    out += [("gap", translate(texts, "gap", lang)),
            ("programme_share", translate(texts, "programme", lang))]
    return out


COLUMN_TEXT = {
    "de": {"name": "{Unit}", "status_class": "Status", "status_index": "Statusindex",
           "dynamics_class": "Dynamik", "dynamics_index": "Dynamikindex",
           "change": "{label}: Veränderung", "per1000": "{label} je 1.000 EW",
           "per1000_total": "Alle Angebote je 1.000 EW",
           "share": "{label}: Anteil EW ≤ {d} m", "gap": "Lücke",
           "programme": "Anteil im Programmgebiet"},
    "en": {"name": "{Unit}", "status_class": "Status", "status_index": "Status index",
           "dynamics_class": "Dynamics", "dynamics_index": "Dynamics index",
           "change": "{label}: change", "per1000": "{label} per 1,000 res.",
           "per1000_total": "All offers per 1,000 res.",
           "share": "{label}: share of res. ≤ {d} m", "gap": "Gap",
           "programme": "Share in programme area"},
}


def export_table(dataset: Dataset, view: NeedView, lang: str) -> pd.DataFrame:
    """Exactly the rows and columns the page shows, for a CSV or XLSX download.

    Columns are codes (``area_key``, then the fields of :func:`columns`);
    classes are written in the UI language, the gap as ``ja``/``nein``
    (``yes``/``no``), shares as 0–1. Labels travel in ``attrs["column_labels"]``.
    """
    shown = shown_table(dataset, view)
    fields = columns(dataset, lang)
    names = [f for f, _ in fields]
    table = shown.reindex(columns=["area_key", *names]).copy()
    for column in ("status_class", "dynamics_class"):
        table[column] = table[column].map(lambda v: derived.class_name(v, lang))
    table["gap"] = table["gap"].map(lambda v: translate(TEXT, "yes" if v else "no", lang))
    labels = {"area_key": {"de": "Schlüssel", "en": "Key"}}
    for lang_code in ("de", "en"):
        for field, header in columns(dataset, lang_code):
            labels.setdefault(field, {})[lang_code] = header
    floats = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    table[floats] = table[floats].round(6)
    table.attrs["column_labels"] = labels
    return table


def gap_rule_text(dataset: Dataset, lang: str) -> str:
    """The gap rule of this workspace in words (the same on the coverage and Handlungsbedarf pages)."""
    from geodash.web.figures.coverage import class_floor

    texts = area_texts(TEXT, dataset)
    settings = dataset.settings.coverage
    offer = fmt_number(settings.offer_quantile, lang, 2)
    if settings.gap_need == "status_class":
        names = [f"„{derived.class_name(c, lang)}“" if lang == "de" else
                 f"“{derived.class_name(c, lang)}”" for c in settings.gap_classes]
        return translate(texts, "rule_class", lang, classes=translate(texts, "or", lang).join(names),
                         floor=fmt_number(class_floor(dataset, settings.gap_classes), lang, 1),
                         offer=offer)
    return translate(texts, "rule_quantile", lang, need=fmt_number(settings.need_quantile, lang, 2),
                     offer=offer)
