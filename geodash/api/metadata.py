"""The metadata of the OGC API's resources: media types, links, extents and JSON Schemas."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np

from geodash.api.collections import Collection
from geodash.api.crs import CRS84
from geodash.api.features import FeatureTable
from geodash.dataset import Dataset

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html; charset=utf-8"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"
SCHEMA_REL = "http://www.opengis.net/def/rel/ogc/1.0/schema"


def link(href: str, rel: str, media_type: str, title: str, **params: str) -> dict:
    """A link object: ``href`` (with ``params`` as its query), ``rel``, ``type`` and ``title``."""
    query = f"?{urlencode(params)}" if params else ""
    return {"href": f"{href}{query}", "rel": rel, "type": media_type, "title": title}


def _years_interval(first: float, last: float) -> list[str | None]:
    return [None if np.isnan(first) else f"{int(first)}-01-01T00:00:00Z",
            None if np.isnan(last) else f"{int(last)}-12-31T23:59:59Z"]


def extent(dataset: Dataset, collection: Collection, table: FeatureTable) -> dict:
    """The spatial (CRS84 box) and temporal (years) extent of a collection; empty parts left out."""
    extent: dict = {}
    if len(table):
        bounds = [round(float(v), 6) for v in table.frame.total_bounds]
        if all(np.isfinite(bounds)):
            extent["spatial"] = {"bbox": [bounds], "crs": CRS84}
    interval = None
    if collection.by_year and dataset.years:
        interval = _years_interval(min(dataset.years), max(dataset.years))
    elif collection.period is not None and len(table):
        start = table.frame[collection.period[0]].to_numpy(dtype=float)
        end = table.frame[collection.period[1]].to_numpy(dtype=float)
        open_end = np.isnan(end).any()
        interval = _years_interval(np.nanmin(start) if (~np.isnan(start)).any() else np.nan,
                                   np.nan if open_end or np.isnan(end).all() else np.nanmax(end))
    if interval is not None:
        extent["temporal"] = {"interval": [interval],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return extent


JSON_TYPES = {"b": "boolean", "i": "integer", "u": "integer", "f": "number"}
GEOMETRY_FORMATS = {"Point": "geometry-point", "Polygon": "geometry-polygon",
                    "MultiPolygon": "geometry-multipolygon"}


def json_schema(table: FeatureTable, collection: Collection, dataset: Dataset, base: str,
                 lang: str) -> dict:
    """JSON Schema of the features' properties (OGC API – Features Part 5), titled with the labels."""
    other = "en" if lang == "de" else "de"
    properties: dict[str, dict] = {}
    for column in table.columns:
        kind = JSON_TYPES.get(table.frame[column].dtype.kind, "string")
        entry: dict = {"type": kind}
        label = table.labels.get(column)
        if label:
            entry["title"] = label.get(lang) or label["de"]
            entry["description"] = label.get(other) or label["de"]
        properties[column] = entry
    kinds = set(table.frame.geom_type.dropna()) if len(table) else set()
    geometry = {"format": GEOMETRY_FORMATS.get(next(iter(kinds)), "geometry-any") if len(kinds) == 1
                else "geometry-any", "x-ogc-role": "primary-geometry"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base}/collections/{collection.id}/schema",
            "type": "object", "title": collection.text("title", dataset, lang),
            "properties": {**properties, "geometry": geometry}}
