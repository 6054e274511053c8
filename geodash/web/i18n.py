"""Language of the UI: German by default, English on request; numbers formatted per language."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geodash.dataset import Dataset

Texts = Mapping[str, Mapping[str, str]]

# Units that only say "this is a count": "524" reads better than "524 Anzahl".
BARE_COUNT_UNITS = frozenset({"Anzahl", "count"})


def translate(texts: Texts, key: str, lang: str, **values: object) -> str:
    """Look up ``key`` in a ``{"de": {...}, "en": {...}}`` table, falling back to German.

    Examples
    --------
    >>> translate({"de": {"hi": "Hallo {n}"}, "en": {"hi": "Hello {n}"}}, "hi", "en", n=2)
    'Hello 2'
    """
    table = texts.get(lang) or texts["de"]
    text = table.get(key) or texts["de"].get(key) or key
    return text.format(**values) if values else text


def fmt_number(value: float | int | None, lang: str = "de", decimals: int = 1, unit: str = "") -> str:
    """Format a number for people: ``1.234,5`` in German, ``1,234.5`` in English.

    Missing values are shown as a dash, never as "nan".

    Examples
    --------
    >>> fmt_number(1234.5, "de", 1, "%")
    '1.234,5 %'
    >>> fmt_number(1234.5, "en", 1)
    '1,234.5'
    >>> fmt_number(524, "de", 0, "Anzahl")
    '524'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-"):
        text = "−" + text[1:]
    if unit and unit not in BARE_COUNT_UNITS:
        text = f"{text} {unit}"
    return text


DROPDOWN_LABELS = {
    "de": {"select_all": "Alle auswählen", "deselect_all": "Auswahl aufheben",
           "selected_count": "{num_selected} ausgewählt", "search": "Suchen",
           "clear_search": "Suche leeren", "clear_selection": "Auswahl leeren",
           "no_options_found": "Nichts gefunden"},
    "en": {"select_all": "Select all", "deselect_all": "Deselect all",
           "selected_count": "{num_selected} selected", "search": "Search",
           "clear_search": "Clear search", "clear_selection": "Clear selection",
           "no_options_found": "No options found"},
}


def dropdown_labels(lang: str) -> dict[str, str]:
    """The texts a ``dcc.Dropdown`` shows by itself ("3 ausgewählt"), in the UI's language."""
    return dict(DROPDOWN_LABELS.get(lang, DROPDOWN_LABELS["de"]))


def area_word(dataset: Dataset, lang: str = "de", *, plural: bool = False, capital: bool = True,
              parent: bool = False) -> str:
    """The city's own word for its areas (or, with ``parent``, for the level above).

    Every text that names the unit takes it from here: "Planungsraum" in one
    city, "Stadtteil" (the default) in another; never a hard-coded word.

    Parameters
    ----------
    dataset
        Its ``unit`` and ``parent_unit`` come from the areas spec.
    lang
        ``"de"`` or ``"en"``; English falls back to German when the spec gives none.
    plural
        The plural ("Planungsräume") instead of the singular.
    capital
        Start with a capital letter, as at the start of a sentence or heading.
        German nouns always keep theirs; ``capital=False`` lower-cases only the
        first letter of an English word ("planning area").

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from geodash.catalog import DEFAULT_PARENT_UNIT, DEFAULT_UNIT
    >>> ds = SimpleNamespace(unit=DEFAULT_UNIT, parent_unit=DEFAULT_PARENT_UNIT)
    >>> area_word(ds, "de", plural=True), area_word(ds, "en", capital=False)
    ('Stadtteile', 'district')
    >>> area_word(ds, "en", parent=True)
    'Borough'
    """
    word = dataset.parent_unit if parent else dataset.unit
    return word.form(lang, plural=plural, capital=capital)


# Placeholders a text table may use for the area words; :func:`area_texts` fills them.
AREA_PLACEHOLDERS = {
    "{Unit}": {"plural": False, "capital": True},
    "{unit}": {"plural": False, "capital": False},
    "{Units}": {"plural": True, "capital": True},
    "{units}": {"plural": True, "capital": False},
    "{Parent}": {"plural": False, "capital": True, "parent": True},
    "{parent_unit}": {"plural": False, "capital": False, "parent": True},
}


def area_texts(texts: Texts, dataset: Dataset) -> dict[str, dict[str, str]]:
    """A page's text table with the city's area words put in for ``{Unit}``, ``{units}`` and the like.

    Only these placeholders are replaced (plainly, not with ``str.format``), so
    other placeholders such as ``{year}`` or Plotly's ``%{x}`` stay for later.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from geodash.catalog import DEFAULT_PARENT_UNIT, Text, Word
    >>> unit = Word(singular=Text(de="Planungsraum", en="planning area"),
    ...             plural=Text(de="Planungsräume", en="planning areas"))
    >>> ds = SimpleNamespace(unit=unit, parent_unit=DEFAULT_PARENT_UNIT)
    >>> area_texts({"de": {"t": "{Units} in {year}"}, "en": {"t": "All {units}: %{x}"}}, ds)
    {'de': {'t': 'Planungsräume in {year}'}, 'en': {'t': 'All planning areas: %{x}'}}
    """
    out: dict[str, dict[str, str]] = {}
    for lang, table in texts.items():
        words = {token: area_word(dataset, lang, **form) for token, form in AREA_PLACEHOLDERS.items()}
        localised = {}
        for key, text in table.items():
            for token, word in words.items():
                if token in text:
                    text = text.replace(token, word)
            localised[key] = text
        out[lang] = localised
    return out


def area_options(dataset: Dataset) -> list[dict[str, str]]:
    """Dropdown options for picking areas: unique labels (sorted) as text, keys as values.

    Two areas of one name stay two distinct options ("Schloßstraße (Mitte)",
    "Schloßstraße (Süd)"), and a pick is always a key.
    """
    labels = dataset.area_labels.sort_values(kind="stable")
    return [{"label": label, "value": key} for key, label in labels.items()]
