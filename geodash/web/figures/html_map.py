"""The map of a view as a standalone HTML file (folium/Leaflet), for sharing outside the app.

Same classes and colours as the map on screen (both come from
:func:`~geodash.web.figures.choropleth.map_view`). No background tiles by
default. Leaflet's own CSS and JavaScript are linked from a CDN by folium, so
the file needs the internet when it is opened.

Every text that comes from the data is escaped before it reaches the file:
Leaflet puts tooltip and popup contents into ``innerHTML``, and a district
named ``<img src=x onerror=…>`` must stay a name.
"""

from __future__ import annotations

import html

import folium
import shapely

from geodash.dataset import Dataset
from geodash.web.figures.choropleth import MapView, hover_rows, legend_rows, map_view
from geodash.web.figures.map import DECIMALS, site_category_colors
from geodash.web.i18n import area_texts, translate
from geodash.web.state import ViewState

TEXT = {
    "de": {"district": "{Unit}", "name": "Name", "rank": "Rang", "category": "Art",
           "programme": "Programm", "address": "Adresse", "districts": "{Units}",
           "zones": "Programmgebiete", "made": "Erstellt mit geodash", "unit": "Einheit: {symbol}"},
    "en": {"district": "{Unit}", "name": "Name", "rank": "Rank", "category": "Category",
           "programme": "Programme", "address": "Address", "districts": "{Units}",
           "zones": "Programme areas", "made": "Made with geodash", "unit": "Unit: {symbol}"},
}


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


def _district_features(dataset: Dataset, view: MapView) -> dict:
    geoms = shapely.set_precision(dataset.areas.geometry.values, 10 ** -DECIMALS)
    rows = hover_rows(view)
    # Unique labels: two areas of one name must not look alike in the tooltips.
    labels = dataset.area_labels.reindex(list(view.keys)).tolist()
    features = []
    for key, label, geom, color, (_, value, rank) in zip(view.keys, labels, geoms, view.area_colors,
                                                         rows, strict=True):
        features.append({
            "type": "Feature",
            "properties": {"key": escape(key), "name": escape(label), "value": escape(value),
                           "rank": escape(rank), "color": color},
            "geometry": shapely.geometry.mapping(geom),
        })
    return {"type": "FeatureCollection", "features": features}


def _site_features(dataset: Dataset, code: str, lang: str) -> dict:
    part = dataset.sites[dataset.sites["category"] == code]
    label = escape(dataset.category_label(code, lang))
    features = [
        {"type": "Feature",
         "properties": {"name": escape(row.name), "category": label,
                        "programme": escape(row.programme), "address": escape(row.address)},
         "geometry": {"type": "Point", "coordinates": [round(row.geometry.x, DECIMALS),
                                                       round(row.geometry.y, DECIMALS)]}}
        for row in part.itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}


def _legend_html(dataset: Dataset, view: MapView) -> str:
    lang = view.lang
    spec = view.spec
    title = escape(spec.label.get(lang)) if spec else ""
    year = escape(view.state.year or "")
    unit = (f"<div>{escape(translate(TEXT, 'unit', lang, symbol=spec.unit))}</div>"
            if spec and spec.unit else "")
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
        f'vertical-align:middle;background:{item.color};border:1px solid #999"></span>'
        f"{escape(item.label)} ({item.count})</div>"
        for item in legend_rows(view)
    )
    note = dataset.settings.notes.get(lang) if dataset.settings.notes else ""
    message = f"<p>{escape(view.message)}</p>" if view.message else ""
    return (
        '<div class="geodash-legend" style="position:fixed;bottom:24px;left:12px;z-index:1000;'
        "background:rgba(255,255,255,0.93);padding:10px 12px;border:1px solid #bbb;"
        'border-radius:4px;font:13px/1.4 sans-serif;max-width:320px">'
        f"<strong>{title} {year}</strong>{unit}{message}{rows}"
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
        A complete HTML document: districts coloured by class with tooltips
        (name, value) and popups (name, value, rank), zone outlines, site
        markers by category with popups (name, category, programme, address),
        a legend and a layer switch.
    """
    view = map_view(dataset, state)
    lang = view.lang
    texts = area_texts(TEXT, dataset)
    fmap = folium.Map(tiles=None, control_scale=True)
    # Only Leaflet itself: the popups and tooltips used here need neither jQuery,
    # Bootstrap nor the icon fonts that folium links by default.
    fmap.default_js = [(name, url) for name, url in fmap.default_js if name == "leaflet"]
    fmap.default_css = [(name, url) for name, url in fmap.default_css if name == "leaflet_css"]
    if not dataset.areas.empty:
        minx, miny, maxx, maxy = dataset.areas.total_bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    label = escape(view.spec.label.get(lang)) if view.spec else ""
    folium.GeoJson(
        _district_features(dataset, view), name=escape(translate(texts, "districts", lang)),
        style_function=lambda f: {"fillColor": f["properties"]["color"], "fillOpacity": 0.85,
                                  "color": "#ffffff", "weight": 1.2},
        highlight_function=lambda f: {"weight": 3, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "value"], labels=False),
        popup=folium.GeoJsonPopup(
            fields=["name", "value", "rank"],
            aliases=[escape(translate(texts, "district", lang)), label,
                     escape(translate(TEXT, "rank", lang))]),
    ).add_to(fmap)
    if len(dataset.zones) and "zones" in view.state.overlays:
        zones = dataset.zones[["name", "geometry"]].assign(name=dataset.zones["name"].map(escape))
        folium.GeoJson(
            zones.__geo_interface__, name=escape(translate(TEXT, "zones", lang)),
            style_function=lambda f: {"fill": False, "color": "#1b2a6b", "weight": 3},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(fmap)
    if len(dataset.sites) and "sites" in view.state.overlays:
        for code, color in site_category_colors(dataset).items():
            folium.GeoJson(
                _site_features(dataset, code, lang),
                name=escape(dataset.category_label(code, lang)),
                marker=folium.CircleMarker(radius=7, fill=True, fill_opacity=0.95, weight=1.5,
                                           color="#ffffff", fill_color=color),
                tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
                popup=folium.GeoJsonPopup(
                    fields=["name", "category", "programme", "address"],
                    aliases=[escape(translate(TEXT, k, lang))
                             for k in ("name", "category", "programme", "address")]),
            ).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(_legend_html(dataset, view)))
    return fmap.get_root().render()
