"""Language of the UI: German by default, English on request; numbers formatted per language."""

from __future__ import annotations

import math
from collections.abc import Mapping

Texts = Mapping[str, Mapping[str, str]]


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
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-"):
        text = "−" + text[1:]
    if unit:
        text = f"{text} {unit}"
    return text
