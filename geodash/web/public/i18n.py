"""The offer finder's languages: gettext message catalogues (``.po``) read with Babel at run time.

The page's own texts are written in German in the code (``_("Adresse")``), and
every language is a catalogue ``locale/<lang>/LC_MESSAGES/finder.po`` beside
this module, or in the workspace's own ``locale/`` folder (which wins), so a
city adds a language by adding one file. The catalogues are parsed when first
asked for (no compiled ``.mo`` file that could drift from its ``.po``). A text
a catalogue does not translate (or marks fuzzy) is shown in German, never as
a key; :meth:`Translator.missing` counts them so that the page can say so.

Language names and the writing direction come from Babel's CLDR data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

DOMAIN = "finder"
BUILTIN = Path(__file__).resolve().parent / "locale"
SOURCE_LANG = "de"
# The order of the language switch: German first, then the languages of the people the finder
# serves; any further catalogue follows alphabetically.
PREFERRED = ("de", "en", "tr", "ar", "ru", "uk")


def catalogue_dirs(workspace: Path | None = None) -> list[Path]:
    """Where catalogues are looked for: the workspace's ``locale/`` first, then the built-in ones."""
    dirs = [workspace / "locale"] if workspace is not None else []
    return [d for d in [*dirs, BUILTIN] if d.is_dir()]


def available_languages(workspace: Path | None = None) -> list[str]:
    """Every language with a catalogue (and German, the source), in switch order."""
    found = {SOURCE_LANG}
    for folder in catalogue_dirs(workspace):
        found |= {p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    rank = {code: i for i, code in enumerate(PREFERRED)}
    return sorted(found, key=lambda code: (rank.get(code, len(rank)), code))


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> tuple[dict[str, str], frozenset[str]]:
    """Translated messages and every message id of one ``.po`` file (cached per version)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    messages = {str(m.id): str(m.string) for m in catalog
                if m.id and isinstance(m.string, str) and m.string and not m.fuzzy}
    ids = frozenset(str(m.id) for m in catalog if m.id)
    return messages, ids


def read_catalogue(path: Path) -> dict[str, str]:
    """The translations of one ``.po`` file: German message id to text (untranslated ones left out)."""
    return _read(path, path.stat().st_mtime_ns)[0]


@dataclass(frozen=True)
class Translator:
    """Translates the page's German texts into one language; call it like gettext's ``_``.

    Examples
    --------
    >>> _ = Translator("xx", {"Adresse": "Address"})
    >>> _("Adresse"), _("Suchen")
    ('Address', 'Suchen')
    >>> sorted(_.missing)
    ['Suchen']
    """

    lang: str
    messages: dict[str, str]
    missing: set[str] = field(default_factory=set, compare=False)

    def __call__(self, text: str) -> str:
        """``text`` (German) in this language, or as it is when the catalogue lacks it."""
        found = self.messages.get(text)
        if found is None and self.lang != SOURCE_LANG:
            self.missing.add(text)
        return found or text

    @property
    def direction(self) -> str:
        """``"rtl"`` for a right-to-left script (Arabic, Persian, Hebrew, Urdu), else ``"ltr"``."""
        return text_direction(self.lang)


def translator(lang: str, workspace: Path | None = None) -> Translator:
    """A fresh :class:`Translator` for ``lang`` (German for an unknown language).

    Fresh per page build: it records which texts it could not translate.
    """
    if lang not in available_languages(workspace):
        lang = SOURCE_LANG
    messages: dict[str, str] = {}
    for folder in reversed(catalogue_dirs(workspace)):  # built-in first, the workspace's wins
        path = folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            messages.update(read_catalogue(path))
    return Translator(lang, messages)


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return None


def text_direction(lang: str) -> str:
    """The writing direction of a language, from CLDR.

    Examples
    --------
    >>> text_direction("ar"), text_direction("tr")
    ('rtl', 'ltr')
    """
    locale = _locale(lang)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def language_name(code: str, in_lang: str) -> str:
    """The name of a language, in another language (``language_name("tr", "de")`` is "Türkisch").

    An unknown code is shown as written.

    Examples
    --------
    >>> language_name("tr", "de"), language_name("de", "tr"), language_name("xyz", "de")
    ('Türkisch', 'Almanca', 'xyz')
    """
    locale = _locale(in_lang) or _locale(SOURCE_LANG)
    name = locale.languages.get(code) if locale is not None else None
    return name or code


def own_name(code: str) -> str:
    """A language's name in itself, as a language switch shows it ("Türkçe", "العربية").

    Examples
    --------
    >>> own_name("uk"), own_name("de")
    ('Українська', 'Deutsch')
    """
    locale = _locale(code)
    name = locale.get_display_name(code) if locale is not None else None
    return (name[:1].upper() + name[1:]) if name else code
