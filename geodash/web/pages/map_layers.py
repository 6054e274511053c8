"""The layers of the Karte page: one switch per sites layer, zones, the OSM background, categories.

The values of the layers checklist are ``sites:<layer>`` (the sites spec's
file stem), ``zones`` and ``osm``; the view keeps ``sites`` alone while the
sites layers are as the workspace starts them (see
:func:`~geodash.web.figures.map.visible_site_layers`).
"""

from __future__ import annotations

from pathlib import Path

from dash import html

from geodash.dataset import Dataset
from geodash.web.figures.map import site_category_colors, site_layers, visible_site_layers
from geodash.web.i18n import translate
from geodash.web.state import SITES_LAYER, ViewState

BASEMAP = "osm"  # the value of the basemap option in the layers checklist

TEXT = {
    "de": {
        "sites": "Angebote und Projekte",
        "sites_layer": "{title} ({n} Standorte)",
        "zones": "Programmgebiete Soziale Stadt",
        "basemap": "Hintergrundkarte (OSM, lädt Kacheln aus dem Internet)",
    },
    "en": {
        "sites": "Offers and projects",
        "sites_layer": "{title} ({n} sites)",
        "zones": "Soziale Stadt programme areas",
        "basemap": "Background map (OSM, loads tiles from the internet)",
    },
}


def layer_options(dataset: Dataset, lang: str) -> list[dict]:
    """The layers a user can switch: only those the workspace has, and the basemap."""
    options = []
    titles = {Path(info.spec_file).stem: info.title.get(lang)
              for info in dataset.layers if info.kind == "sites"}
    for stem, count in site_layers(dataset).items():
        title = titles.get(stem) or translate(TEXT, "sites", lang)
        options.append({"label": translate(TEXT, "sites_layer", lang, title=title,
                                           n=f"{count:,}".replace(",", "." if lang == "de" else ",")),
                        "value": SITES_LAYER + stem})
    if len(dataset.zones):
        options.append({"label": translate(TEXT, "zones", lang), "value": "zones"})
    options.append({"label": translate(TEXT, "basemap", lang), "value": BASEMAP})
    return options


def category_options(dataset: Dataset, lang: str) -> list[dict]:
    """One option per site category, with its map colour as a swatch."""
    colors = site_category_colors(dataset)
    return [{"label": html.Span([html.Span(className="gd-swatch gd-swatch-dot",
                                           style={"backgroundColor": color}),
                                 dataset.category_label(code, lang)]), "value": code}
            for code, color in colors.items()]


def layer_values(dataset: Dataset, state: ViewState) -> list[str]:
    """The checked layers of a view."""
    sites = [SITES_LAYER + stem for stem in visible_site_layers(dataset, state)]
    zones = ["zones"] if "zones" in state.overlays else []
    return [*sites, *zones, *([BASEMAP] if state.basemap else [])]


def overlays_from_layers(dataset: Dataset, state: ViewState, layers: list[str],
                         offered: set[str]) -> tuple[str, ...]:
    """The overlays of the checked layers; ``sites`` alone while the sites layers are at their default."""
    checked = [stem for stem in site_layers(dataset) if SITES_LAYER + stem in layers]
    default = visible_site_layers(dataset, ViewState(overlays=("sites",)))
    if checked == default:
        sites: tuple[str, ...] = ("sites",)
    else:
        sites = ("sites", *(SITES_LAYER + stem for stem in checked)) if checked else ()
    zones = ("zones",) if ("zones" in layers if "zones" in offered else "zones" in state.overlays) \
        else ()
    return (*sites, *zones)
