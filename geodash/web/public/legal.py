"""The legal notice of the public finder (``/angebote/impressum``): the city's texts and what the page does.

The imprint and the privacy text are the city's own, from ``[public]`` in
``layers/workspace.toml``; below them, the page states what geodash itself
does with a visitor's input (nothing is stored or logged, nothing is sent
elsewhere, nothing is loaded from elsewhere).
"""

from __future__ import annotations

from dash import dcc, html

from geodash.dataset import Dataset
from geodash.web.public.i18n import Translator
from geodash.web.public.query import FinderQuery

PATH = "impressum"


def _paragraphs(text: str, lang_attr: str | None) -> list:
    extra = {"lang": lang_attr} if lang_attr else {}
    return [html.P(part.strip(), **extra) for part in text.split("\n\n") if part.strip()]


def _city_text(text, lang: str) -> tuple[str, str | None]:
    """The city's text in ``lang``, else in German (and marked as German)."""
    if text is None:
        return "", None
    shown = text.get(lang)
    return shown, ("de" if lang != "de" and shown == text.de else None)


def build_legal(dataset: Dataset, query: FinderQuery, _: Translator) -> list:
    """Imprint, the city's privacy text and geodash's own privacy statement."""
    public = dataset.settings.public
    imprint, imprint_lang = _city_text(public.imprint, _.lang)
    privacy, privacy_lang = _city_text(public.privacy, _.lang)
    back = FinderQuery(lang=query.lang).to_query()
    return [
        html.H1(_("Impressum und Datenschutz")),
        html.Section([
            html.H2(_("Impressum")),
            *(_paragraphs(imprint, imprint_lang) if imprint else
              [html.P(_("Die Stadt hat für diese Seite noch kein Impressum hinterlegt."))]),
        ], className="gd-legal-section"),
        html.Section([
            html.H2(_("Datenschutz")),
            *(_paragraphs(privacy, privacy_lang) if privacy else []),
            html.H3(_("Was diese Seite mit Ihren Eingaben macht")),
            html.Ul(id="finder-datenschutz", children=[
                html.Li(_("Eingegebene Adressen werden nicht gespeichert und nicht protokolliert. Die Suche "
                          "läuft auf dem Server dieser Seite; steht eine Adresse in einem Link, wird sie aus "
                          "dem Zugriffsprotokoll entfernt.")),
                html.Li(_("Die Seite sendet nichts an andere Anbieter und lädt nichts von anderen Servern: "
                          "keine Schriften, keine Kartenkacheln, keine Statistik- oder Werbedienste. Sie "
                          "setzt keine Cookies.")),
                html.Li(_("Die Karte zeigt nur Umrisse der Gebiete, ohne Hintergrundkarte aus dem "
                          "Internet.")),
                html.Li(_("Die Links „In Karten-App öffnen“ und „Fußweg auf openstreetmap.org“ führen "
                          "erst nach Ihrem Klick zu Ihrer Karten-App oder zu openstreetmap.org; die Adresse "
                          "dieser Seite wird dabei nicht mitgeschickt.")),
            ]),
        ], className="gd-legal-section"),
        html.P(dcc.Link(_("Zurück zur Suche"), href=f"./?{back}" if back else "./")),
    ]
