"""The offer finder page (``/angebote/``): the search form, the list of the nearest offers, the map.

Pure builders of components from (dataset, query, result, translator); the
callbacks that wire them are in :mod:`geodash.web.public.app`. The list holds
everything (the map only adds a picture of it), so the page works with a
screen reader, with the keyboard only and when printed.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import dash_leaflet as dl
import pandas as pd
from babel.numbers import format_decimal
from dash import dcc, html

from geodash.analysis.offers import EVERYONE, is_free
from geodash.dataset import Dataset
from geodash.web.public.i18n import Translator, language_name
from geodash.web.public.query import COUNTS, FinderQuery
from geodash.web.public.search import FinderResult, Place

# Element ids of the finder page.
ADDRESS = "finder-adresse"
CATEGORIES = "finder-kategorien"
TARGET = "finder-zielgruppe"
LANGUAGE = "finder-sprache"
FREE = "finder-kostenlos"
COUNT = "finder-anzahl"
SUBMIT = "finder-suchen"
RESULTS = "finder-ergebnisse"
RESULTS_HEADING = "finder-ergebnisse-titel"
OFFER_LIST = "finder-liste"
PRINT = "finder-drucken"
MAP = "finder-karte"
ALL = ""  # the value of "every target group / language"

ORIGIN_COLOR = "#b00020"
OFFER_COLOR = "#1f4e8c"


def link(path: str, query: FinderQuery) -> str:
    """A link to ``path`` that carries the search."""
    text = query.to_query()
    return f"{path}?{text}" if text else path


def distance_text(metres: float, lang: str) -> str:
    """A distance for people: "350 m" (to 10 m) below 1 km, else "1,3 km" in the language's digits.

    Examples
    --------
    >>> distance_text(347.0, "de"), distance_text(1260.0, "de"), distance_text(1260.0, "en")
    ('350 m', '1,3 km', '1.3 km')
    """
    if metres < 995:
        return f"{format_decimal(max(10, round(metres / 10) * 10), locale=lang)} m"
    return f"{format_decimal(round(metres / 1000, 1), format='#,##0.0', locale=lang)} km"


def geo_uri(lat: float, lon: float, name: str) -> str:
    """A ``geo:`` URI (RFC 5870) that opens the place in the phone's own map app.

    Examples
    --------
    >>> geo_uri(49.48, 8.44, "Sprachcafé Mitte")
    'geo:49.48000,8.44000?q=49.48000,8.44000(Sprachcaf%C3%A9%20Mitte)'
    """
    return f"geo:{lat:.5f},{lon:.5f}?q={lat:.5f},{lon:.5f}({quote(name, safe='')})"


def osm_directions(origin: Place | None, lat: float, lon: float) -> str:
    """An openstreetmap.org link for the walking route to an offer (no tracking parameters).

    Examples
    --------
    >>> osm_directions(None, 49.48, 8.44)
    'https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B49.48000%2C8.44000'
    """
    start = f"{origin.lat:.5f},{origin.lon:.5f}" if origin is not None else ""
    route = quote(f"{start};{lat:.5f},{lon:.5f}", safe="")
    return f"https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route={route}"


def _text_in(offer: pd.Series, column: str, lang: str) -> tuple[str, str | None]:
    """An offer's text in ``lang`` when the workspace translates it, else as given (German)."""
    translated = str(offer.get(f"{column}_{lang}", "") or "")
    if translated:
        return translated, None
    original = str(offer.get(column, "") or "")
    return original, ("de" if lang != "de" and original else None)


def _field(label: str, value, *, lang_attr: str | None = None) -> list:
    if value in (None, "", []):
        return []
    extra = {"lang": lang_attr} if lang_attr else {}
    # dir="auto": a German address, a phone number or an e-mail stays left-to-right on an
    # Arabic page (a number without letters counts as left-to-right).
    return [html.Dt(label), html.Dd(value, dir="auto", **extra)]


def target_label(dataset: Dataset, code: str, lang: str) -> str:
    """A target group's label from the sites spec, else its code as written."""
    group = dataset.target_groups.get(code)
    return group.label.get(lang) if group is not None else code[:1].upper() + code[1:]


def _offer_item(dataset: Dataset, offer: pd.Series, number: int, place: Place | None,
                _: Translator) -> html.Li:
    lang = _.lang
    name, name_lang = _text_in(offer, "name", lang)
    hours, hours_lang = _text_in(offer, "opening_hours", lang)
    description, description_lang = _text_in(offer, "description", lang)
    languages = [c for c in str(offer.get("languages", "") or "").split(",") if c]
    groups = [c for c in str(offer.get("target_group", "") or "").split(",") if c]
    cost = str(offer.get("cost", "") or "")
    free = bool(is_free(pd.Series([cost])).iloc[0])
    phone, email, web = (str(offer.get(c, "") or "") for c in ("phone", "email", "web"))
    contact = str(offer.get("contact", "") or "")
    if contact and "@" in contact and not email:
        email, contact = contact, ""
    lat, lon = float(offer["lat"]), float(offer["lon"])
    fields = [
        *_field(_("Entfernung (Luftlinie)"), distance_text(float(offer["distance_m"]), lang)),
        *_field(_("Art"), dataset.category_label(str(offer["category"]), lang)),
        *_field(_("Adresse"), str(offer.get("address", "") or ""), lang_attr="de" if lang != "de" else None),
        *_field(_("Öffnungszeiten"), hours, lang_attr=hours_lang),
        *_field(_("Sprachen"), ", ".join(language_name(c, lang) for c in languages)),
        *_field(_("Für wen"), ", ".join(target_label(dataset, g, lang) for g in groups)),
        *_field(_("Kosten"), _("kostenlos") if free else cost,
                lang_attr=None if free or not cost or lang == "de" else "de"),
        *_field(_("Telefon"), html.A(phone, href="tel:" + re.sub(r"[^0-9+]", "", phone)) if phone else ""),
        *_field(_("E-Mail"), html.A(email, href=f"mailto:{email}") if email else ""),
        *_field(_("Internet"), html.A(web, href=web if "://" in web else f"https://{web}") if web else ""),
        *_field(_("Kontakt"), contact),
    ]
    return html.Li(
        className="gd-offer", **{"data-site-id": str(offer["site_id"]),
                                 "data-distance-m": str(int(round(float(offer["distance_m"]))))},
        children=[
            html.H3([html.Span(f"{number}", className="gd-offer-number", **{"aria-hidden": "true"}),
                     html.Bdi(name, lang=name_lang) if name_lang else html.Bdi(name)],
                    className="gd-offer-name"),
            html.P(description, className="gd-offer-description", lang=description_lang)
            if description else None,
            html.Dl(fields, className="gd-offer-fields"),
            html.P(className="gd-offer-routes no-print", children=[
                html.A(_("In Karten-App öffnen"), href=geo_uri(lat, lon, name), rel="noreferrer"),
                " · ",
                html.A(_("Fußweg auf openstreetmap.org"), href=osm_directions(place, lat, lon),
                       rel="noreferrer noopener"),
            ]),
        ])


def _options(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"label": html.Span(label), "value": value} for value, label in pairs]


def build_form(dataset: Dataset, query: FinderQuery, _: Translator) -> html.Section:
    """The search form: address, filters, list length and the search button."""
    lang = _.lang
    present = set(dataset.sites["category"].unique())
    codes = [c for c in dataset.categories if c in present]
    categories = [(c, dataset.category_label(c, lang)) for c in codes]
    # "alle" (everyone) is no choice: such offers match every target group.
    groups = sorted({g for v in dataset.sites.get("target_group", pd.Series(dtype=str)).unique()
                     for g in str(v).split(",") if g and g != EVERYONE})
    languages = sorted({c for v in dataset.sites.get("languages", pd.Series(dtype=str)).unique()
                        for c in str(v).split(",") if c}, key=lambda c: language_name(c, lang))

    def fieldset(legend: str, control, hidden: bool = False) -> html.Fieldset:
        # A filter the data cannot answer stays in the page (its callback reads it), hidden.
        return html.Fieldset([html.Legend(legend), control], className="gd-fieldset", hidden=hidden)

    return html.Section(className="gd-finder-form no-print", **{"aria-labelledby": "finder-form-title"},
                        children=[
        html.H2(_("Suche"), id="finder-form-title", className="gd-visually-hidden"),
        # dcc.Input takes no aria-describedby: the example is part of the label (read with it).
        html.Label(htmlFor=ADDRESS, className="gd-label", children=[
            _("Adresse (Straße und Hausnummer)"),
            html.Span(_("Zum Beispiel „Ludwigstraße 2“. Tippfehler, fehlende Umlaute und Abkürzungen wie "
                        "„Str.“ sind kein Problem."), className="gd-hint gd-label-hint"),
        ]),
        # Enter in the field searches at once; the button follows the filters (keyboard order).
        dcc.Input(id=ADDRESS, type="text", value=query.address, autoComplete="street-address",
                  debounce=False, className="gd-input", spellCheck=False),
        html.Div(className="gd-filters", children=[
            fieldset(_("Art des Angebots"),
                     dcc.Checklist(id=CATEGORIES, options=_options(categories),
                                   value=[c for c in query.categories if c in codes],
                                   className="gd-choices", inputClassName="gd-choice-input")),
            fieldset(_("Für wen"),
                     dcc.RadioItems(id=TARGET, options=_options(
                         [(ALL, _("alle"))] + [(g, target_label(dataset, g, lang)) for g in groups]),
                         value=query.target_group if query.target_group in groups else ALL,
                         className="gd-choices"), hidden=not groups),
            fieldset(_("Sprache des Angebots"),
                     dcc.RadioItems(id=LANGUAGE, options=_options(
                         [(ALL, _("alle"))] + [(c, language_name(c, lang)) for c in languages]),
                         value=query.language if query.language in languages else ALL,
                         className="gd-choices"), hidden=not languages),
            fieldset(_("Kosten"),
                     dcc.Checklist(id=FREE, options=_options([("1", _("nur kostenlose Angebote"))]),
                                   value=["1"] if query.free_only else [], className="gd-choices"),
                     hidden="cost" not in dataset.sites.columns),
            fieldset(_("Wie viele Angebote"),
                     dcc.RadioItems(id=COUNT, options=_options([(str(n), str(n)) for n in COUNTS]),
                                    value=str(query.count), className="gd-choices gd-choices-inline")),
        ]),
        html.Button(_("Angebote suchen"), id=SUBMIT, n_clicks=0, type="button", className="gd-button"),
    ])


def build_areas_choice(dataset: Dataset, query: FinderQuery, _: Translator) -> html.Details:
    """The districts as links: picking one measures from a point inside it."""
    labels = dataset.area_labels.sort_values(kind="stable")
    return html.Details(className="gd-areas no-print", open=bool(query.area and not query.address), children=[
        html.Summary(_("Oder aus der Liste wählen: {units}")
                     .format(units=dataset.unit.form(_.lang, plural=True))),
        html.Ul(className="gd-area-links", children=[
            html.Li(dcc.Link(label, href=link("./", query.with_(area=key, address="", point=None)),
                             className="active" if key == query.area else None))
            for key, label in labels.items()
        ]),
    ])


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark for translation, translate later"
    """Mark a text for the message catalogues; it is translated where it is shown."""
    return text


PROBLEMS = {
    "not_found": N_("Diese Adresse wurde nicht gefunden. Bitte prüfen Sie Straße und Hausnummer, oder "
                    "wählen Sie ein Gebiet aus der Liste."),
    "no_addresses": N_("Für diese Stadt ist kein Adressverzeichnis hinterlegt. Bitte wählen Sie ein Gebiet "
                       "aus der Liste oder klicken Sie in die Karte."),
    "unknown_area": N_("Dieses Gebiet gibt es nicht. Bitte wählen Sie eines aus der Liste."),
}


def build_results(dataset: Dataset, query: FinderQuery, result: FinderResult, _: Translator) -> html.Section:
    """The list of the nearest offers, with the place they are measured from, or why there is none."""
    lang = _.lang
    place = result.place
    body: list = []
    if result.problem:
        body.append(html.P(_(PROBLEMS[result.problem]), className="gd-alert", role="alert"))
    if place is None and not result.problem:
        body.append(html.P(_("Geben Sie eine Adresse ein, wählen Sie ein Gebiet aus der Liste oder klicken "
                             "Sie in die Karte: dann erscheinen hier die nächsten Angebote."),
                           className="gd-hint"))
    if place is not None:
        where = {"address": _("Adresse"), "area": dataset.unit.form(lang), "point": _("Punkt auf der Karte")}
        body.append(html.P([html.Strong(_("Ausgangspunkt") + ": "), f"{where[place.kind]}: ",
                            html.Bdi(place.label, id="finder-ausgangspunkt",
                                     lang="de" if lang != "de" and place.kind != "point" else None)],
                           className="gd-origin"))
        if place.kind == "area":
            body.append(html.P(_("Gemessen ab einem Punkt in der Mitte des Gebiets."), className="gd-hint"))
        if not place.exact:
            body.append(html.P(_("Die Hausnummer wurde nicht gefunden; gezeigt wird die nächste auf dieser "
                                 "Straße."), className="gd-alert"))
        if result.alternatives:
            body.append(html.P([_("Oder meinten Sie") + ": ", *_join([
                html.Span(dcc.Link(m.label, href=link("./", query.with_(address=m.label, area="",
                                                                           point=None))), lang="de")
                for m in result.alternatives])], className="gd-alternatives no-print"))
        body.append(html.P(_("Entfernungen sind Luftlinie (gerade Strecke), nicht der Fußweg."),
                           className="gd-hint"))
        offers = result.offers
        if offers.empty:
            body.append(html.P(_("Keine laufenden Angebote passen zu dieser Suche. Versuchen Sie es mit "
                                 "weniger Filtern."), className="gd-alert", role="status"))
        else:
            body.append(html.Ol([_offer_item(dataset, offer, i + 1, place, _)
                                 for i, (_row, offer) in enumerate(offers.iterrows())],
                                id=OFFER_LIST, className="gd-offer-list"))
            body.append(html.Button(_("Liste drucken"), id=PRINT, n_clicks=0, type="button",
                                    className="gd-button gd-button-secondary no-print"))
    heading = (_("Die nächsten Angebote") if place is not None else _("Ergebnisse"))
    return html.Section(id=RESULTS, className="gd-results", tabIndex="-1",
                        **{"aria-labelledby": RESULTS_HEADING}, children=[
        html.H2(heading, id=RESULTS_HEADING), *body])


def _join(items: list) -> list:
    out: list = []
    for i, item in enumerate(items):
        out += [", "] if i else []
        out.append(item)
    return out


def _areas_outline(dataset: Dataset) -> dict:
    frame = dataset.areas_display[["key", "geometry"]]
    return json.loads(frame.to_json(drop_id=True))


def build_map(dataset: Dataset, result: FinderResult, _: Translator) -> html.Section:
    """A map of the place and the offers on the list (numbered as on it); a click searches from there.

    No background tiles: only the outlines of the districts, so nothing loads from elsewhere.
    """
    layers: list = [dl.GeoJSON(data=_areas_outline(dataset), style={"color": "#6c757d", "weight": 1,
                                                                     "fill": False}, interactive=False)]
    points: list[tuple[float, float]] = []
    place = result.place
    if place is not None:
        layers.append(dl.CircleMarker(center=[place.lat, place.lon], radius=8, color=ORIGIN_COLOR,
                                      fillColor=ORIGIN_COLOR, fillOpacity=1, interactive=False))
        points.append((place.lat, place.lon))
    for i, (_row, offer) in enumerate(result.offers.iterrows()):
        lat, lon = float(offer["lat"]), float(offer["lon"])
        points.append((lat, lon))
        layers.append(dl.CircleMarker(
            center=[lat, lon], radius=11, color="#ffffff", weight=2, fillColor=OFFER_COLOR, fillOpacity=1,
            children=dl.Tooltip(str(i + 1), permanent=True, direction="center", className="gd-map-number")))
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        pad = 0.002
        bounds = [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]
    else:
        minx, miny, maxx, maxy = dataset.areas.total_bounds
        bounds = [[float(miny), float(minx)], [float(maxy), float(maxx)]]
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    return html.Section(className="gd-finder-map-section", **{"aria-labelledby": "finder-karte-titel"},
                        children=[
        html.H2(_("Karte"), id="finder-karte-titel"),
        html.P(_("Die Karte zeigt den Ausgangspunkt (rot) und die Angebote der Liste mit ihrer Nummer. "
                 "Ein Klick in die Karte sucht von dort aus. Alle Angaben stehen auch in der Liste."),
               className="gd-hint no-print"),
        html.Div(role="region", **{"aria-label": _("Karte der Angebote")}, className="gd-finder-map",
                 # Leaflet fits the bounds to the map's real size (a phone's or a desktop's).
                 # dash-leaflet wants a centre and zoom besides (it fails without them).
                 children=dl.Map(id=MAP, bounds=bounds, boundsOptions={"padding": [24, 24]}, children=layers,
                                 center=center, zoom=12, className="gd-leaflet", attributionControl=False,
                                 zoomSnap=0.25)),
    ])


def build_finder(dataset: Dataset, query: FinderQuery, result: FinderResult, _: Translator) -> list:
    """The whole finder page's main content for one search."""
    return [
        html.H1(_("Angebote in Ihrer Nähe")),
        html.P(_("Beratung, Sprachkurse, Treffpunkte und Angebote für Familien in {city}. Geben Sie eine "
                 "Adresse ein, wählen Sie ein Gebiet aus der Liste oder klicken Sie in die Karte.")
               .format(city=dataset.settings.name), className="gd-intro"),
        build_form(dataset, query, _),
        build_areas_choice(dataset, query, _),
        html.Div(className="gd-finder-layout", children=[
            build_results(dataset, query, result, _),
            build_map(dataset, result, _),
        ]),
    ]
