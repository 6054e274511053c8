"""The collections of the OGC API: one per exported layer, by id, with titles and column labels.

Each collection serves an export layer (:data:`geodash.export.LAYERS`) built
by :func:`geodash.export.build_layer`, so its values, columns and suppressed
cells are exactly those of ``geodash export``. A collection is one entry of
:data:`COLLECTIONS`; adding one touches nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodash.dataset import Dataset

Labels = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Collection:
    """How one export layer is served.

    Attributes
    ----------
    id
        The collection's id in URLs (``/ogcapi/collections/<id>``).
    layer
        The export layer it serves (:data:`geodash.export.LAYERS`).
    title, description
        Texts by language; ``{unit}`` is the city's word for its areas (plural).
    feature_ids
        The feature ids of a built layer, one text per row, unique.
    by_year
        One set of features per indicator year: ``datetime`` picks the years.
    period
        The columns holding the first and last year a feature was active
        (sites, programme areas): ``datetime`` keeps the features active then.
    labels
        Labels of columns that the export layer does not label itself.
    """

    id: str
    layer: str
    title: dict[str, str]
    description: dict[str, str]
    feature_ids: Callable[[pd.DataFrame], np.ndarray]
    by_year: bool = False
    period: tuple[str, str] | None = None
    labels: Labels | None = None

    def text(self, which: str, dataset: Dataset, lang: str) -> str:
        """The title or description in ``lang``, in the city's own words."""
        texts = getattr(self, which)
        return texts.get(lang, texts["de"]).format(unit=dataset.unit.form(lang, plural=True))


def _area_ids(frame: pd.DataFrame) -> np.ndarray:
    # One feature per area and year: the year belongs to the id.
    return (frame["key"].astype(str) + "-" + frame["year"].astype(str)).to_numpy(dtype=object)


def _site_ids(frame: pd.DataFrame) -> np.ndarray:
    # Site ids are unique within their layer; a clash between two sites layers takes the layer's name.
    ids = frame["site_id"].astype(str)
    clash = ids.duplicated(keep=False)
    return ids.where(~clash, frame["layer"].astype(str) + "-" + ids).to_numpy(dtype=object)


def _zone_ids(frame: pd.DataFrame) -> np.ndarray:
    return frame["zone_id"].astype(str).to_numpy(dtype=object)


def _catchment_ids(frame: pd.DataFrame) -> np.ndarray:
    metres = frame["distance"].map("{:g}".format)
    return (frame["category"].astype(str) + "-" + metres).to_numpy(dtype=object)


def _both(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


SITE_LABELS: Labels = {
    "site_id": _both("Kennung des Angebots", "Offer id"),
    "name": _both("Name", "Name"),
    "category": _both("Art (Code)", "Kind (code)"),
    "programme": _both("Programm", "Programme"),
    "start": _both("Beginn (Jahr)", "Start (year)"),
    "end": _both("Ende (Jahr)", "End (year)"),
    "address": _both("Adresse", "Address"),
    "contact": _both("Kontakt", "Contact"),
    "area_key": _both("Schlüssel des Gebiets, in dem es liegt", "Key of the area it lies in"),
    "area_name": _both("Name des Gebiets, in dem es liegt", "Name of the area it lies in"),
    "layer": _both("Ebene (Spezifikationsdatei)", "Layer (spec file)"),
}
ZONE_LABELS: Labels = {
    "zone_id": _both("Kennung des Programmgebiets", "Programme area id"),
    "name": _both("Name", "Name"),
    "programme": _both("Programm", "Programme"),
    "since": _both("Im Programm seit (Jahr)", "In the programme since (year)"),
    "until": _both("Im Programm bis (Jahr)", "In the programme until (year)"),
}
CATCHMENT_LABELS: Labels = {
    "category": _both("Art der Angebote (Code)", "Kind of offer (code)"),
    "distance": _both("Entfernung (m, Luftlinie)", "Distance (m, straight line)"),
    "sites": _both("Anzahl Angebote", "Number of offers"),
}
AREA_LABELS: Labels = {
    "zone_share": _both("Flächenanteil in Programmgebieten (0–1)",
                        "Share of the surface in programme areas (0–1)"),
    "zones": _both("Programmgebiete, die es berührt", "Programme areas it touches"),
    "status_index": _both("Statusindex", "Status index"),
    "status_class": _both("Statusklasse", "Status class"),
    "dynamics_index": _both("Dynamikindex", "Dynamics index"),
    "dynamics_class": _both("Dynamikklasse", "Dynamics class"),
    "summary": _both("Gesamtindex (Status/Dynamik)", "Overall index (status/dynamics)"),
    "gap": _both("Hoher Bedarf, wenige Angebote", "High need, few offers"),
}

COLLECTIONS: dict[str, Collection] = {
    "areas": Collection(
        id="areas", layer="districts",
        title=_both("{unit} mit Indikatoren", "{unit} with indicators"),
        description=_both(
            "{unit} mit den Indikatoren eines Jahres (datetime, Standard: das neueste), Angeboten je "
            "Art, Sozialindex, Abdeckung und Bedarf–Angebot-Lücke; wie `geodash export districts`. "
            "Werte auf zu wenigen Fällen sind unterdrückt (leer).",
            "{unit} with the indicators of one year (datetime, default: the latest), offers per kind, "
            "social index, coverage and the need–offer gap; as `geodash export districts`. Values "
            "resting on too few cases are suppressed (empty)."),
        feature_ids=_area_ids, by_year=True, labels=AREA_LABELS),
    "sites": Collection(
        id="sites", layer="sites",
        title=_both("Angebote und Projekte", "Offers and projects"),
        description=_both(
            "Orte der Integrationsarbeit mit dem Gebiet, in dem sie liegen; wie `geodash export sites`. "
            "datetime wählt die in diesen Jahren aktiven.",
            "Places of integration work with the area each lies in; as `geodash export sites`. "
            "datetime keeps those active in these years."),
        feature_ids=_site_ids, period=("start", "end"), labels=SITE_LABELS),
    "zones": Collection(
        id="zones", layer="zones",
        title=_both("Programmgebiete", "Programme areas"),
        description=_both(
            "Fördergebiete (Soziale Stadt u. a.); wie `geodash export zones`. datetime wählt die in "
            "diesen Jahren geförderten.",
            "Funding areas (Soziale Stadt and others); as `geodash export zones`. datetime keeps those "
            "funded in these years."),
        feature_ids=_zone_ids, period=("since", "until"), labels=ZONE_LABELS),
    "catchments": Collection(
        id="catchments", layer="catchments",
        title=_both("Einzugsbereiche der Angebote", "Catchments of the offers"),
        description=_both(
            "Die Fläche im Umkreis (Luftlinie) der Angebote je Art und Entfernung; wie "
            "`geodash export catchments`.",
            "The surface within a straight-line distance of the offers, per kind and distance; as "
            "`geodash export catchments`."),
        feature_ids=_catchment_ids, labels=CATCHMENT_LABELS),
}


def column_labels(collection: Collection, frame: pd.DataFrame) -> Labels:
    """Labels of a built layer's columns: the export's own (``attrs``), then the collection's."""
    labels = {**(collection.labels or {}), **dict(frame.attrs.get("column_labels") or {})}
    return {col: labels[col] for col in frame.columns if col in labels}
