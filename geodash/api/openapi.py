"""The OpenAPI 3.0 definition of the OGC API (``/ogcapi/api``): paths, parameters, limits.

Clients read it for the parameters each path takes; GDAL's OAPIF driver reads
the maximum of ``limit`` from it to size its pages.
"""

from __future__ import annotations

from geodash.api.crs import CRS84
from geodash.api.params import DEFAULT_LIMIT
from geodash.dataset import Dataset


def _param(name: str, where: str, description: str, schema: dict, *, required: bool = False,
           **extra: object) -> dict:
    return {"name": name, "in": where, "description": description, "required": required,
            "schema": schema, **extra}


def _responses(media_types: list[str], what: str) -> dict:
    error = {"description": "A parameter is wrong: the message says which and how to fix it.",
             "content": {"application/json": {"schema": {"type": "object"}}}}
    return {"200": {"description": what, "content": {m: {"schema": {"type": "object"}} for m in media_types}},
            "400": error, "404": {**error, "description": "No such collection or feature."}}


def definition(dataset: Dataset, base: str, collection_ids: list[str], max_limit: int) -> dict:
    """The OpenAPI document of the API served at ``base``."""
    f = _param("f", "query", "The format: json (GeoJSON / JSON) or html.",
               {"type": "string", "enum": ["json", "html"]}, style="form", explode=False)
    lang = _param("lang", "query", "The language of titles and pages (German by default).",
                  {"type": "string", "enum": ["de", "en"], "default": "de"})
    collection_id = _param("collectionId", "path", "The collection.",
                           {"type": "string", "enum": collection_ids}, required=True)
    crs = _param("crs", "query", f"The CRS of the coordinates in the answer (default {CRS84}).",
                 {"type": "string", "format": "uri"}, style="form", explode=False)
    items = [
        collection_id, f, lang, crs,
        _param("limit", "query", "The most features on one page.",
               {"type": "integer", "minimum": 1, "maximum": max_limit, "default": DEFAULT_LIMIT},
               style="form", explode=False),
        _param("offset", "query", "How many matching features to skip (paging).",
               {"type": "integer", "minimum": 0, "default": 0}, style="form", explode=False),
        _param("bbox", "query", "Only features intersecting this box: minx,miny,maxx,maxy in bbox-crs.",
               {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
               style="form", explode=False),
        _param("bbox-crs", "query", f"The CRS of bbox (default {CRS84}).",
               {"type": "string", "format": "uri"}, style="form", explode=False),
        _param("datetime", "query", "A year, a date or an interval (2020/2022, 2021/..): the areas' "
                                    "indicator years; the offers and programme areas active then.",
               {"type": "string"}, style="form", explode=False),
        _param("properties", "query", "The properties to return, comma-separated.",
               {"type": "array", "items": {"type": "string"}}, style="form", explode=False),
    ]
    item = [collection_id, f, lang, crs,
            _param("featureId", "path", "The feature's id.", {"type": "string"}, required=True)]
    common = [f, lang]

    def get(summary: str, parameters: list[dict], media: list[str], what: str) -> dict:
        return {"get": {"summary": summary, "parameters": parameters,
                        "responses": _responses(media, what)}}

    return {
        "openapi": "3.0.3",
        "info": {"title": f"{dataset.settings.title.get('de')} – OGC API – Features",
                 "version": "1.0.0",
                 "description": "Read-only: the layers of geodash's dataset, as `geodash export` "
                                "writes them."},
        "servers": [{"url": base}],
        "paths": {
            "/": get("Landing page", common, ["application/json", "text/html"], "The landing page."),
            "/conformance": get("Conformance classes", common, ["application/json", "text/html"],
                                "The conformance classes."),
            "/api": get("This API definition", [], ["application/vnd.oai.openapi+json;version=3.0"],
                        "The OpenAPI document."),
            "/collections": get("The collections", common, ["application/json", "text/html"],
                                "Every collection."),
            "/collections/{collectionId}": get("One collection", [collection_id, *common],
                                               ["application/json", "text/html"], "The collection."),
            "/collections/{collectionId}/schema": get("The properties of a collection, with their labels",
                                                      [collection_id, lang], ["application/schema+json"],
                                                      "A JSON Schema."),
            "/collections/{collectionId}/items": get("The features of a collection", items,
                                                     ["application/geo+json", "text/html"],
                                                     "A page of features."),
            "/collections/{collectionId}/items/{featureId}": get("One feature", item,
                                                                 ["application/geo+json", "text/html"],
                                                                 "The feature."),
        },
    }
