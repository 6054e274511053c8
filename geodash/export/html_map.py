"""The map of a view as one standalone HTML file that works offline and from an e-mail attachment.

Same classes and colours as the map on screen (both come from
:func:`~geodash.web.figures.choropleth.map_view`). Leaflet 1.9.4 and its CSS
are inlined from the copy vendored in ``geodash/export/vendor/leaflet`` (see
its ``VERSION.md``), its images as data URIs: the file loads nothing from
anywhere, so it opens on a locked-down PC without internet. No background
tiles.

The data goes into the page once, as JSON in a ``<script type="application/json">``
element: the areas as columns (key, name, value text, rank text, colour) and
one array of GeoJSON geometries written by :func:`shapely.to_geojson` for all
areas at once; a few lines of JavaScript make the features in the browser.

Every text that comes from the data is HTML-escaped before it reaches the file:
Leaflet puts tooltip, popup and layer names into ``innerHTML``, and a district
named ``<img src=x onerror=…>`` must stay a name. The JSON itself has ``<``,
``>`` and ``&`` written as Unicode escapes, so no text can end the script element.
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import shapely

from geodash.analysis.years import sites_in_year, zones_in_year
from geodash.dataset import Dataset
from geodash.web.figures.choropleth import MapView, hover_rows, legend_rows, map_view
from geodash.web.figures.map import DECIMALS, ZONE_COLOR, site_category_colors
from geodash.web.i18n import area_texts, translate
from geodash.web.state import ViewState

LEAFLET_VERSION = "1.9.4"
DATA_ID = "geodash-data"

TEXT = {
    "de": {"district": "{Unit}", "name": "Name", "rank": "Rang", "category": "Art",
           "programme": "Programm", "address": "Adresse", "districts": "{Units}",
           "zones": "Programmgebiete", "made": "Erstellt mit geodash", "unit": "Einheit: {symbol}",
           "zoom_in": "Vergrößern", "zoom_out": "Verkleinern", "layers": "Ebenen",
           "legend": "Legende"},
    "en": {"district": "{Unit}", "name": "Name", "rank": "Rank", "category": "Category",
           "programme": "Programme", "address": "Address", "districts": "{Units}",
           "zones": "Programme areas", "made": "Made with geodash", "unit": "Unit: {symbol}",
           "zoom_in": "Zoom in", "zoom_out": "Zoom out", "layers": "Layers", "legend": "Legend"},
}

# Draws the map from the embedded data. Texts arrive HTML-escaped (see escape_texts).
MAP_JS = """
(function () {
  var data = JSON.parse(document.getElementById('%(data_id)s').textContent);
  var t = data.texts;
  var map = L.map('map', {zoomControl: false, zoomSnap: 0.25});
  L.control.zoom({zoomInTitle: t.zoom_in, zoomOutTitle: t.zoom_out}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  var a = data.areas, overlays = {};
  var features = a.geometry.map(function (g, i) {
    return {type: 'Feature', geometry: g, properties: {i: i}};
  });
  var areas = L.geoJSON({type: 'FeatureCollection', features: features}, {
    style: function (f) {
      return {fillColor: a.color[f.properties.i], fillOpacity: 0.85, color: '#ffffff',
              weight: 1.2, className: 'gd-area'};
    },
    onEachFeature: function (f, layer) {
      var i = f.properties.i;
      layer.bindTooltip('<strong>' + a.name[i] + '</strong><br>' + a.value[i], {sticky: true});
      layer.bindPopup('<table><tr><th>' + t.district + '</th><td>' + a.name[i] + '</td></tr>' +
                      '<tr><th>' + t.label + '</th><td>' + a.value[i] + '</td></tr>' +
                      '<tr><th>' + t.rank + '</th><td>' + a.rank[i] + '</td></tr></table>');
      layer.on('mouseover', function () { layer.setStyle({weight: 3, color: '#333333'}); });
      layer.on('mouseout', function () { areas.resetStyle(layer); });
    }
  }).addTo(map);
  overlays[t.districts] = areas;
  if (data.zones) {
    overlays[t.zones] = L.geoJSON(data.zones, {
      style: {fill: false, color: '%(zone_color)s', weight: 3, className: 'gd-zone'},
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name, {sticky: true}); }
    }).addTo(map);
  }
  data.sites.forEach(function (s) {
    var group = L.layerGroup();
    s.x.forEach(function (x, i) {
      L.circleMarker([s.y[i], x], {radius: 7, fillColor: s.color, fillOpacity: 0.95,
                                   color: '#ffffff', weight: 1.5, className: 'gd-site'})
        .bindTooltip(s.name[i])
        .bindPopup('<table><tr><th>' + t.name + '</th><td>' + s.name[i] + '</td></tr>' +
                   '<tr><th>' + t.category + '</th><td>' + s.label + '</td></tr>' +
                   '<tr><th>' + t.programme + '</th><td>' + s.programme[i] + '</td></tr>' +
                   '<tr><th>' + t.address + '</th><td>' + s.address[i] + '</td></tr></table>')
        .addTo(group);
    });
    overlays[s.label] = group.addTo(map);
  });
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  map.fitBounds(data.bounds);
  document.body.setAttribute('data-gd-areas', String(areas.getLayers().length));
})();
"""

PAGE_CSS = """
html, body { margin: 0; height: 100%; }
#map { position: absolute; inset: 0; background: #ffffff; }
.leaflet-tooltip, .leaflet-popup-content, .leaflet-control-layers { font: 13px/1.4 sans-serif; }
.leaflet-popup-content th { text-align: left; padding-right: 8px; }
@media print { .leaflet-control-zoom, .leaflet-control-layers { display: none; } }
"""


def escape(value: object) -> str:
    """HTML-escape a text, also for a JavaScript template literal (backtick, dollar, backslash).

    Examples
    --------
    >>> escape("<b>${x}</b>")
    '&lt;b&gt;&#36;{x}&lt;/b&gt;'
    """
    text = "" if value is None or value != value else str(value)
    return (html.escape(text, quote=True)
            .replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;"))


# What escape() replaces, as one translation table (one pass: no entity is escaped twice).
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                           "`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_texts(values: pd.Series | list) -> list[str]:
    """:func:`escape` for a whole column at once (missing values become ``""``).

    Examples
    --------
    >>> escape_texts(["<b>", None, "a & b"])
    ['&lt;b&gt;', '', 'a &amp; b']
    """
    texts = pd.Series(values, dtype=object)
    return texts.where(texts.notna(), "").astype(str).str.translate(_ENTITIES).tolist()


def script_json(value: object) -> str:
    r"""JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\u`` escapes.

    Examples
    --------
    >>> script_json({"a": "</script>"})
    '{"a": "\\u003c/script\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def read_map_data(page: str) -> dict:
    """The data an exported HTML map embeds (areas, zones, sites, texts), for checks and tests."""
    match = re.search(rf'<script type="application/json" id="{DATA_ID}">(.*?)</script>', page,
                      flags=re.DOTALL)
    if match is None:
        raise ValueError("the page holds no geodash map data")
    return json.loads(match.group(1))


def _vendor(name: str) -> bytes:
    return (resources.files("geodash.export") / "vendor" / "leaflet" / name).read_bytes()


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS, ready to inline: images as data URIs, no source-map link."""
    script = _vendor("leaflet.js").decode("utf-8")
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    # An inline script ends at the first "</script": Leaflet has none, and must keep it so.
    script = script.replace("</script", "<\\/script")
    css = _vendor("leaflet.css").decode("utf-8")

    def data_uri(match: re.Match) -> str:
        png = base64.b64encode(_vendor(match.group(1))).decode("ascii")
        return f"url(data:image/png;base64,{png})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    licence = _vendor("LICENSE").decode("utf-8")
    header = f"/* Leaflet {LEAFLET_VERSION}, https://leafletjs.com\n{licence}*/\n"
    return header + script, css


def _areas(dataset: Dataset, view: MapView) -> str:
    """The areas as JSON columns; the geometries of all areas serialised in one call.

    The geometry is the app's display geometry (simplified as a coverage, shared borders
    kept, about 1 m): the file is for looking at, the data exports keep full precision.
    """
    display = dataset.areas_display
    if not display["key"].reset_index(drop=True).equals(dataset.areas["key"].reset_index(drop=True)):
        raise RuntimeError("the display geometry is not in the areas' order")  # programming error
    geoms = display.geometry.values
    geometry = "[" + ",".join(shapely.to_geojson(geoms).tolist()) + "]"
    rows = np.asarray(hover_rows(view), dtype=object).reshape(-1, 3)
    # Unique labels: two areas of one name must not look alike in the tooltips.
    labels = dataset.area_labels.reindex(list(view.keys))
    columns = {"key": escape_texts(list(view.keys)), "name": escape_texts(labels),
               "value": escape_texts(rows[:, 1]), "rank": escape_texts(rows[:, 2]),
               "color": list(view.area_colors)}
    return script_json(columns)[:-1] + ', "geometry": ' + geometry + "}"


def _zones(dataset: Dataset, view: MapView) -> dict | None:
    if not len(dataset.zones) or "zones" not in view.state.overlays:
        return None
    zones = zones_in_year(dataset.zones, view.state.year)[["name", "geometry"]].to_crs("EPSG:4326")
    zones = zones.assign(name=escape_texts(zones["name"]))
    zones = zones.set_geometry(zones.geometry.set_precision(10 ** -DECIMALS))
    return json.loads(zones.to_json(drop_id=True))


def _sites(dataset: Dataset, view: MapView) -> list[dict]:
    if not len(dataset.sites) or "sites" not in view.state.overlays:
        return []
    sites = sites_in_year(dataset.sites, view.state.year)
    codes = sites["category"].to_numpy()
    columns = {"x": sites.geometry.x.round(DECIMALS).to_numpy(),
               "y": sites.geometry.y.round(DECIMALS).to_numpy(),
               **{name: np.asarray(escape_texts(sites[name]), dtype=object)
                  for name in ("name", "programme", "address")}}
    # One layer per category (a handful), each a slice of the columns: no loop over sites.
    return [{"label": escape(dataset.category_label(code, view.lang)), "color": color,
             **{name: values[codes == code].tolist() for name, values in columns.items()}}
            for code, color in site_category_colors(dataset).items()]


def _legend_html(dataset: Dataset, view: MapView) -> str:
    lang = view.lang
    spec = view.spec
    title = escape(spec.label.get(lang)) if spec else ""
    year = escape(view.state.year or "")
    unit = (f"<div>{escape(translate(TEXT, 'unit', lang, symbol=spec.unit))}</div>"
            if spec and spec.unit else "")
    rows = "".join(
        f'<div class="geodash-legend-row"><span style="display:inline-block;width:14px;height:14px;'
        f'margin-right:6px;vertical-align:middle;background:{item.color};border:1px solid #999"></span>'
        f"{escape(item.label)} ({item.count})</div>"
        for item in legend_rows(view)
    )
    source = (f'<p style="margin:6px 0 0;font-size:11px">{escape(spec.source)}</p>'
              if spec is not None and getattr(spec, "source", None) else "")
    note = dataset.settings.notes.get(lang) if dataset.settings.notes else ""
    message = f"<p>{escape(view.message)}</p>" if view.message else ""
    return (
        f'<div class="geodash-legend" role="region" aria-label="{translate(TEXT, "legend", lang)}" '
        'style="position:fixed;bottom:24px;left:12px;z-index:1000;'
        "background:rgba(255,255,255,0.93);padding:10px 12px;border:1px solid #bbb;"
        'border-radius:4px;font:13px/1.4 sans-serif;max-width:320px">'
        f"<strong>{title} {year}</strong>{unit}{message}{rows}{source}"
        f'<p style="margin:6px 0 0;color:#555;font-size:11px">{escape(note)}</p>'
        f'<p style="margin:4px 0 0;color:#555;font-size:11px">'
        f"{escape(dataset.settings.title.get(lang))} · {translate(TEXT, 'made', lang)}</p></div>"
    )


def html_map(dataset: Dataset, state: ViewState) -> str:
    """The current indicator and year as a standalone Leaflet map, as HTML text.

    Parameters
    ----------
    dataset
        The workspace data.
    state
        The view: indicator, year, scheme, k, overlays and language.

    Returns
    -------
    str
        A complete HTML document that needs no network: districts coloured
        by class with tooltips (name, value) and popups (name, value, rank),
        zone outlines, site markers by category with popups (name, category,
        programme, address), a legend, a scale bar and a layer switch.
    """
    view = map_view(dataset, state)
    lang = view.lang
    texts = area_texts(TEXT, dataset)
    label = escape(view.spec.label.get(lang)) if view.spec else ""
    if dataset.areas.empty:
        bounds = [[47.27, 5.87], [55.06, 15.04]]
    else:
        minx, miny, maxx, maxy = (float(v) for v in dataset.areas.total_bounds)
        bounds = [[miny, minx], [maxy, maxx]]
    words = {key: escape(translate(texts, key, lang)) for key in TEXT["de"]}
    meta = script_json({"zones": _zones(dataset, view), "sites": _sites(dataset, view),
                        "bounds": bounds, "texts": {**words, "label": label}})
    data = meta[:-1] + ', "areas": ' + _areas(dataset, view) + "}"
    script, css = leaflet_assets()
    title = " ".join(part for part in (label, escape(view.state.year or "")) if part)
    city = escape(dataset.settings.title.get(lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} · {city}</title>\n"
        f"<style>\n{css}\n</style>\n<style>{PAGE_CSS}</style>\n"
        f"<script>\n{script}\n</script>\n</head>\n<body>\n"
        f'<div id="map" role="region" aria-label="{title}"></div>\n'
        f"{_legend_html(dataset, view)}\n"
        f'<script type="application/json" id="{DATA_ID}">{data}</script>\n'
        f"<script>{MAP_JS % {'data_id': DATA_ID, 'zone_color': ZONE_COLOR}}</script>\n"
        "</body>\n</html>\n"
    )
