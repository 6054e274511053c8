"""Language of the UI: German by default, English on request; numbers formatted per language."""

from __future__ import annotations

import math
from collections.abc import Mapping

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
