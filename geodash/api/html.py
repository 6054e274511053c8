"""The OGC API's HTML pages: plain, accessible, German or English, with no external resource.

Every text from the data is escaped; tables have captions and header cells;
each page links to its JSON and to the other language.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

import pandas as pd

from geodash.dataset import Dataset

TEXT: dict[str, dict[str, str]] = {
    "landing_description": {
        "de": "Die Ebenen des Stadtteildashboards als OGC API – Features, nur lesend: {unit} mit "
              "Indikatoren, Angebote, Programmgebiete und Einzugsbereiche, wie `geodash export` sie "
              "schreibt. In QGIS: Layer → Layer hinzufügen → WFS-/OGC-API-Features-Layer hinzufügen, "
              "diese Adresse eintragen.",
        "en": "The dashboard's layers as OGC API – Features, read-only: {unit} with indicators, offers, "
              "programme areas and catchments, as `geodash export` writes them. In QGIS: Layer → Add "
              "Layer → Add WFS / OGC API – Features Layer, and enter this address."},
    "collections": {"de": "Sammlungen", "en": "Collections"},
    "conformance": {"de": "Konformitätsklassen", "en": "Conformance classes"},
    "api": {"de": "API-Beschreibung (OpenAPI, JSON)", "en": "API definition (OpenAPI, JSON)"},
    "as_json": {"de": "Als JSON", "en": "As JSON"},
    "home": {"de": "Start", "en": "Home"},
    "features": {"de": "Objekte", "en": "Features"},
    "feature": {"de": "Objekt", "en": "Feature"},
    "column": {"de": "Eigenschaft", "en": "Property"},
    "label": {"de": "Bedeutung", "en": "Meaning"},
    "value": {"de": "Wert", "en": "Value"},
    "title": {"de": "Titel", "en": "Title"},
    "description": {"de": "Beschreibung", "en": "Description"},
    "crs": {"de": "Koordinatensysteme (crs)", "en": "Coordinate reference systems (crs)"},
    "extent": {"de": "Ausdehnung (Länge, Breite)", "en": "Extent (longitude, latitude)"},
    "period": {"de": "Zeitraum", "en": "Period"},
    "shown": {"de": "{first}–{last} von {matched}", "en": "{first}–{last} of {matched}"},
    "none": {"de": "Keine Objekte.", "en": "No features."},
    "next": {"de": "Nächste Seite", "en": "Next page"},
    "prev": {"de": "Vorige Seite", "en": "Previous page"},
    "other_language": {"de": "English", "en": "Deutsch"},
    "error": {"de": "Fehler", "en": "Error"},
    "pages": {"de": "Seiten", "en": "Pages"},
}

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:80rem;line-height:1.5;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;padding:.25rem .5rem;
text-align:left;vertical-align:top}caption{text-align:left;font-weight:bold}
.scroll{overflow-x:auto}a{color:#0645ad}a:focus{outline:3px solid #e69f00}
nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
"""


def _t(key: str, lang: str) -> str:
    return TEXT[key][lang]


def _href(url: str, lang: str, **params: str) -> str:
    query = {**params, **({"lang": lang} if lang != "de" else {})}
    return escape(f"{url}?{urlencode(query)}" if query else url)


def page(title: str, body: str, lang: str, base: str, *, json_href: str | None = None,
         other_href: str | None = None) -> str:
    """A whole HTML document around ``body`` (already HTML), with navigation."""
    other = "en" if lang == "de" else "de"
    nav = [f'<li><a href="{_href(base, lang)}">{_t("home", lang)}</a></li>',
           f'<li><a href="{_href(base + "/collections", lang)}">{_t("collections", lang)}</a></li>']
    if json_href:
        nav.append(f'<li><a href="{escape(json_href)}" type="application/json">'
                   f'{_t("as_json", lang)}</a></li>')
    if other_href:
        nav.append(f'<li><a href="{escape(other_href)}" lang="{other}" hreflang="{other}">'
                   f'{_t("other_language", lang)}</a></li>')
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f'<nav aria-label="{_t("pages", lang)}"><ul>{"".join(nav)}</ul></nav>\n'
            f"<main>\n<h1>{escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n")


def _switch(url: str, lang: str, **params: str) -> str:
    """The URL of the same page in the other language."""
    other = "en" if lang == "de" else "de"
    query = {**params, **({"lang": other} if other != "de" else {})}
    return f"{url}?{urlencode(query)}" if query else url


def landing_page(dataset: Dataset, title: str, description: str, collections: list[tuple[str, str]],
                 base: str, lang: str) -> str:
    """The landing page: what it is, the address for QGIS, the collections and the other resources."""
    listed = "".join(f'<li><a href="{_href(f"{base}/collections/{cid}", lang)}">{escape(name)}</a> '
                     f"(<code>{escape(cid)}</code>)</li>" for cid, name in collections)
    body = (f"<p>{escape(description)}</p>\n<p><code>{escape(base)}</code></p>\n"
            f'<h2>{_t("collections", lang)}</h2><ul>{listed}</ul>\n<ul>'
            f'<li><a href="{_href(base + "/collections", lang)}">{_t("collections", lang)}</a></li>'
            f'<li><a href="{_href(base + "/conformance", lang)}">{_t("conformance", lang)}</a></li>'
            f'<li><a href="{escape(base)}/api" type="application/json">{_t("api", lang)}</a></li></ul>')
    return page(title, body, lang, base, json_href=f"{base}?f=json", other_href=_switch(base, lang))


def conformance_page(classes: list[str], base: str, lang: str) -> str:
    """The conformance classes as a list."""
    items = "".join(f"<li><code>{escape(c)}</code></li>" for c in classes)
    url = f"{base}/conformance"
    return page(_t("conformance", lang), f"<ul>{items}</ul>", lang, base,
                json_href=f"{url}?f=json", other_href=_switch(url, lang))


def collections_page(dataset: Dataset, infos: list[dict], base: str, lang: str) -> str:
    """Every collection with its title, description and links."""
    rows = "".join(
        f'<tr><th scope="row"><a href="{_href(base + "/collections/" + i["id"], lang)}">'
        f'{escape(i["title"])}</a></th><td><code>{escape(i["id"])}</code></td>'
        f'<td>{escape(i["description"])}</td>'
        f'<td><a href="{_href(base + "/collections/" + i["id"] + "/items", lang)}">'
        f'{_t("features", lang)}</a></td></tr>' for i in infos)
    body = (f'<table><caption>{_t("collections", lang)}</caption><thead><tr>'
            f'<th scope="col">{_t("title", lang)}</th><th scope="col">id</th>'
            f'<th scope="col">{_t("description", lang)}</th><th scope="col">{_t("features", lang)}</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>")
    url = f"{base}/collections"
    return page(_t("collections", lang), body, lang, base, json_href=f"{url}?f=json",
                other_href=_switch(url, lang))


def collection_page(info: dict, labels: dict, columns: list[str], base: str, lang: str) -> str:
    """One collection: description, extent, CRS and the meaning of each property."""
    url = f"{base}/collections/{info['id']}"
    parts = [f"<p>{escape(info['description'])}</p>",
             f'<p><a href="{_href(url + "/items", lang)}">{_t("features", lang)}</a></p>']
    extent = info.get("extent", {})
    if "spatial" in extent:
        box = ", ".join(map(str, extent["spatial"]["bbox"][0]))
        parts.append(f'<p>{_t("extent", lang)}: {escape(box)}</p>')
    if "temporal" in extent:
        start, end = extent["temporal"]["interval"][0]
        period = f"{start or '..'} / {end or '..'}"
        parts.append(f'<p>{_t("period", lang)}: {escape(period)}</p>')
    parts.append(f'<p>{_t("crs", lang)}:</p><ul>'
                 + "".join(f"<li><code>{escape(c)}</code></li>" for c in info["crs"]) + "</ul>")
    rows = "".join(f'<tr><th scope="row"><code>{escape(c)}</code></th>'
                   f'<td>{escape((labels.get(c) or {}).get(lang) or (labels.get(c) or {}).get("de") or "")}'
                   f"</td></tr>" for c in columns)
    parts.append(f'<div class="scroll"><table><caption>{_t("column", lang)}</caption><thead><tr>'
                 f'<th scope="col">{_t("column", lang)}</th><th scope="col">{_t("label", lang)}</th>'
                 f"</tr></thead><tbody>{rows}</tbody></table></div>")
    return page(info["title"], "\n".join(parts), lang, base, json_href=f"{url}?f=json",
                other_href=_switch(url, lang))


# The characters HTML needs escaped, & first; and those an id cannot keep in a URL path, % first.
HTML_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")]
PATH_ESCAPES = [("%", "%25"), ("/", "%2F"), ("?", "%3F"), ("#", "%23"), (" ", "%20")]


def _replace_all(texts: pd.Series, pairs: list[tuple[str, str]]) -> pd.Series:
    for old, new in pairs:
        texts = texts.str.replace(old, new, regex=False)
    return texts


def _cells(column: pd.Series) -> pd.Series:
    """A column's cells as HTML text, escaped (vectorised; numbers need no escaping)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype("string").fillna("")
    return _replace_all(column.astype("string"), HTML_ESCAPES).fillna("")


def _table(frame: pd.DataFrame, caption: str, items_url: str, lang: str) -> str:
    """The features as an HTML table; each id links to its feature's page."""
    cells = pd.DataFrame({col: _cells(frame[col]) for col in frame.columns})
    paths = _replace_all(_replace_all(frame["id"].astype("string"), PATH_ESCAPES), HTML_ESCAPES)
    query = "?lang=en" if lang == "en" else ""
    cells["id"] = '<a href="' + escape(items_url) + "/" + paths + query + '">' + cells["id"] + "</a>"
    # Every cell is escaped above: pandas must not escape the links again.
    table = cells.to_html(index=False, escape=False, na_rep="", border=0)
    return table.replace('<table class="dataframe">', f"<table><caption>{escape(caption)}</caption>", 1)


def items_page(title: str, collection_id: str, frame: pd.DataFrame, matched: int, offset: int,
               links: list[dict], base: str, lang: str) -> str:
    """A page of features as a table, with links to the next and previous page."""
    url = f"{base}/collections/{collection_id}/items"
    if len(frame):
        shown = _t("shown", lang).format(first=offset + 1, last=offset + len(frame), matched=matched)
        body = f'<div class="scroll">{_table(frame, f"{title}: {shown}", url, lang)}</div>'
    else:
        body = f'<p>{_t("none", lang)} ({matched})</p>'
    paging = [f'<a href="{escape(link["href"])}" rel="{link["rel"]}">{_t(link["rel"], lang)}</a>'
              for link in links if link["rel"] in ("prev", "next")]
    if paging:
        body += f'<nav aria-label="{_t("pages", lang)}"><p>{" · ".join(paging)}</p></nav>'
    json_href = next(link["href"] for link in links if link["rel"] == "alternate")
    return page(f"{title} – {_t('features', lang)}", body, lang, base, json_href=json_href,
                other_href=_switch(url, lang))


def item_page(title: str, collection_id: str, feature_id: str, frame: pd.DataFrame, labels: dict,
              base: str, lang: str) -> str:
    """One feature: each property with its meaning and value."""
    url = f"{base}/collections/{collection_id}/items/{quote(feature_id, safe='')}"
    row = frame.iloc[0]
    cells = "".join(
        f'<tr><th scope="row"><code>{escape(str(c))}</code></th>'
        f'<td>{escape((labels.get(c) or {}).get(lang) or "")}</td>'
        f'<td>{"" if pd.isna(row[c]) else escape(str(row[c]))}</td></tr>'
        for c in frame.columns)
    body = (f'<table><caption>{escape(title)}: {escape(feature_id)}</caption><thead><tr>'
            f'<th scope="col">{_t("column", lang)}</th><th scope="col">{_t("label", lang)}</th>'
            f'<th scope="col">{_t("value", lang)}</th></tr></thead><tbody>{cells}</tbody></table>')
    return page(f"{title}: {feature_id}", body, lang, base, json_href=f"{url}?f=json",
                other_href=_switch(url, lang))


def error_page(status: int, message: str, lang: str, base: str) -> str:
    """A client's mistake, with what to do about it."""
    return page(f"{_t('error', lang)} {status}", f'<p role="alert">{escape(message)}</p>', lang, base)
