"""OGC API – Features, read-only: the answers to each request, knowing no web framework.

Each public method of :class:`FeatureService` takes the Dataset and a
:class:`Request` (the parameters, the API's base URL, whether the client
prefers HTML) and returns an :class:`Answer` (status, body, media type,
headers). :mod:`geodash.api.blueprint` adapts it to Flask. A client's mistake
becomes a 400 answer with a message, an unknown collection or feature a 404;
never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd

from geodash.api import html, openapi
from geodash.api.collections import COLLECTIONS, Collection
from geodash.api.crs import CRS84, ServedCrs, box_to_crs84, served_crs
from geodash.api.features import FeatureTable, TableStore, feature_collection
from geodash.api.params import (
    COMMON,
    ITEM,
    ITEMS,
    check_known,
    items_query,
    language,
    output_format,
)
from geodash.dataset import Dataset
from geodash.errors import GeodashError, ParameterError

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html; charset=utf-8"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"
SCHEMA_REL = "http://www.opengis.net/def/rel/ogc/1.0/schema"

# GDAL (so QGIS) sends the query of a collection URL such as ``…/collections/areas?datetime=2021``
# to the landing page and the API definition too: those parameters are accepted there and ignored.
PASSED_ON = ITEMS

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]


@dataclass(frozen=True)
class Request:
    """A request as the service needs it.

    Attributes
    ----------
    args
        The query parameters, name to text (the first value of each).
    base
        The API's absolute URL, e.g. ``http://127.0.0.1:8050/ogcapi``.
    html_preferred
        Whether the client's Accept header prefers HTML to JSON (a browser).
    """

    args: Mapping[str, str]
    base: str
    html_preferred: bool = False


@dataclass(frozen=True)
class Answer:
    """A response: status, body, media type and extra headers."""

    status: int
    body: str
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class NotFound(GeodashError):
    """A collection or feature that does not exist (answered with 404)."""


def _json(data: object, status: int = 200, media_type: str = JSON, **headers: str) -> Answer:
    return Answer(status, json.dumps(data, ensure_ascii=False, separators=(",", ":")), media_type,
                  dict(headers))


@lru_cache(maxsize=16)
def _served(metric_crs: str) -> dict[str, ServedCrs]:
    return served_crs(metric_crs)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeatureService:
    """The OGC API – Features answers for the Dataset a request is about (one per app).

    Parameters
    ----------
    max_limit
        The most features one page holds; a larger ``limit`` is capped.
    store
        Where built feature tables are kept (default: a new one).
    """

    def __init__(self, *, max_limit: int = 10_000, store: TableStore | None = None) -> None:
        self.max_limit = max_limit
        self.store = store or TableStore()

    # --- the entry point -------------------------------------------------------------

    def answer(self, handler: Callable[..., Answer], dataset: Dataset, request: Request,
               *path: str) -> Answer:
        """Run one handler; a client's mistake becomes 400 (or 404), in the format asked for."""
        try:
            return handler(dataset, request, *path)
        except (ParameterError, NotFound) as exc:
            status = 404 if isinstance(exc, NotFound) else 400
            code = "NotFound" if status == 404 else "InvalidParameterValue"
            try:
                fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
            except ParameterError:
                fmt, lang = ("html" if request.html_preferred else "json"), "de"
            if fmt == "html":
                return Answer(status, html.error_page(status, exc.message, lang, request.base), HTML)
            return _json({"code": code, "description": exc.message}, status)
        except GeodashError as exc:
            # The data cannot answer (not the client's mistake): say what, without a traceback.
            return _json({"code": "ServerError", "description": exc.message}, 500)

    # --- resources ---------------------------------------------------------------------

    def landing(self, dataset: Dataset, request: Request) -> Answer:
        """The landing page: title, description and links to everything else."""
        check_known(request.args, PASSED_ON)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        base = request.base
        title = f"{dataset.settings.title.get(lang)} – OGC API – Features"
        description = html.TEXT["landing_description"][lang].format(
            unit=dataset.unit.form(lang, plural=True))
        links = [
            _link(base, "self", JSON, "This document", f="json"),
            _link(base, "alternate", "text/html", "This document as HTML", f="html"),
            _link(f"{base}/api", "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
            _link(f"{base}/conformance", "conformance", JSON, "Conformance classes"),
            _link(f"{base}/collections", "data", JSON, "The collections"),
        ]
        if fmt == "html":
            return Answer(200, html.landing_page(dataset, title, description, base, lang), HTML)
        return _json({"title": title, "description": description, "links": links})

    def conformance(self, dataset: Dataset, request: Request) -> Answer:
        """The conformance classes this API implements."""
        check_known(request.args, PASSED_ON)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        if fmt == "html":
            return Answer(200, html.conformance_page(CONFORMANCE, request.base, lang), HTML)
        return _json({"conformsTo": CONFORMANCE})

    def api_definition(self, dataset: Dataset, request: Request) -> Answer:
        """The OpenAPI 3.0 definition of this API."""
        check_known(request.args, PASSED_ON)
        return _json(openapi.definition(dataset, request.base, list(COLLECTIONS), self.max_limit),
                     media_type=OPENAPI)

    def collections(self, dataset: Dataset, request: Request) -> Answer:
        """Every collection with its metadata."""
        check_known(request.args, COMMON)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        infos = [self._collection_info(dataset, c, request.base, lang) for c in COLLECTIONS.values()]
        if fmt == "html":
            return Answer(200, html.collections_page(dataset, infos, request.base, lang), HTML)
        links = [_link(f"{request.base}/collections", "self", JSON, "This document", f="json"),
                 _link(f"{request.base}/collections", "alternate", "text/html", "As HTML", f="html")]
        return _json({"links": links, "collections": infos,
                      "crs": list(_served(dataset.settings.metric_crs))})

    def collection(self, dataset: Dataset, request: Request, collection_id: str) -> Answer:
        """One collection's metadata, with the labels of its properties.

        The parameters of ``items`` are accepted (and checked) here too: GDAL
        (and so QGIS) opens ``…/collections/areas?datetime=2021`` and passes
        them on to every ``items`` request it makes.
        """
        collection = _collection(collection_id)
        first = self._table(dataset, collection, _default_year(dataset, collection))
        query = items_query(request.args, _served(dataset.settings.metric_crs), first.columns,
                            max_limit=self.max_limit)
        _years_asked(dataset, collection, query.years)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        info = self._collection_info(dataset, collection, request.base, lang)
        if fmt == "html":
            table = self._table(dataset, collection, _default_year(dataset, collection))
            return Answer(200, html.collection_page(info, table.labels, table.columns, request.base, lang),
                          HTML)
        return _json(info)

    def schema(self, dataset: Dataset, request: Request, collection_id: str) -> Answer:
        """The properties of a collection as JSON Schema, titled in the language asked for."""
        check_known(request.args, ("lang",))
        collection = _collection(collection_id)
        lang = language(request.args)
        table = self._table(dataset, collection, _default_year(dataset, collection))
        return _json(_json_schema(table, collection, dataset, request.base, lang), media_type=SCHEMA)

    def items(self, dataset: Dataset, request: Request, collection_id: str) -> Answer:
        """A page of a collection's features, filtered by bbox and datetime."""
        collection = _collection(collection_id)
        served = _served(dataset.settings.metric_crs)
        first = self._table(dataset, collection, _default_year(dataset, collection))
        query = items_query(request.args, served, first.columns, max_limit=self.max_limit)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        tables = [self._table(dataset, collection, year)
                  for year in _years_asked(dataset, collection, query.years)]
        box = box_to_crs84(query.bbox, query.bbox_crs) if query.bbox is not None else None
        selected = [(table, table.select(box, query.years)) for table in tables]
        matched = sum(len(rows) for _, rows in selected)
        page = _page(selected, query.offset, query.limit)
        url = f"{request.base}/collections/{collection.id}/items"
        links = _page_links(url, request.args, query.offset, query.limit, matched, fmt)
        links.append(_link(f"{request.base}/collections/{collection.id}", "collection", JSON,
                           collection.text("title", dataset, lang)))
        if fmt == "html":
            frame = _page_frame(page, query.properties)
            return Answer(200, html.items_page(collection.text("title", dataset, lang), collection.id, frame,
                                               matched, query.offset, links, request.base, lang), HTML)
        parts = [table.features(rows, query.crs, query.properties) for table, rows in page]
        features = np.concatenate(parts) if parts else np.array([], dtype=object)
        body = feature_collection(features, matched=matched, links=links, stamp=_stamp())
        return Answer(200, body, GEOJSON, {"Content-Crs": query.crs.header})

    def item(self, dataset: Dataset, request: Request, collection_id: str, feature_id: str) -> Answer:
        """One feature by its id."""
        check_known(request.args, ITEM)
        collection = _collection(collection_id)
        served = _served(dataset.settings.metric_crs)
        fmt, lang = output_format(request.args, request.html_preferred), language(request.args)
        year = _year_of(dataset, collection, feature_id)
        table = self._table(dataset, collection, year)
        if feature_id not in table.position.index:
            raise NotFound(f"the collection {collection.id!r} has no feature {feature_id!r}.",
                           fix=f"list the ids with {request.base}/collections/{collection.id}/items.")
        query = items_query({k: v for k, v in request.args.items() if k in ("crs", "properties")},
                            served, table.columns, max_limit=self.max_limit)
        rows = np.array([table.position[feature_id]])
        url = f"{request.base}/collections/{collection.id}/items/{quote(feature_id, safe='')}"
        links = [_link(url, "self", GEOJSON, "This feature", f="json"),
                 _link(url, "alternate", "text/html", "This feature as HTML", f="html"),
                 _link(f"{request.base}/collections/{collection.id}", "collection", JSON,
                       collection.text("title", dataset, lang))]
        if fmt == "html":
            frame = _page_frame([(table, rows)], query.properties)
            return Answer(200, html.item_page(collection.text("title", dataset, lang), collection.id,
                                              feature_id, frame, table.labels, request.base, lang), HTML)
        text = table.features(rows, query.crs, query.properties)[0]
        body = text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False, separators=(",", ":")) + "}"
        return Answer(200, body, GEOJSON, {"Content-Crs": query.crs.header})

    # --- helpers -------------------------------------------------------------------------

    def _table(self, dataset: Dataset, collection: Collection, year: int | None) -> FeatureTable:
        return self.store.get(dataset, collection, year)

    def _collection_info(self, dataset: Dataset, collection: Collection, base: str, lang: str) -> dict:
        table = self._table(dataset, collection, _default_year(dataset, collection))
        url = f"{base}/collections/{collection.id}"
        info: dict = {
            "id": collection.id,
            "title": collection.text("title", dataset, lang),
            "description": collection.text("description", dataset, lang),
            "itemType": "feature",
            "links": [
                _link(url, "self", JSON, "This collection", f="json"),
                _link(url, "alternate", "text/html", "This collection as HTML", f="html"),
                _link(f"{url}/items", "items", GEOJSON, "The features as GeoJSON", f="json"),
                _link(f"{url}/items", "items", "text/html", "The features as HTML", f="html"),
                _link(f"{url}/schema", SCHEMA_REL, SCHEMA, "The properties and their labels"),
                _link(f"{url}/schema", "describedby", SCHEMA, "The properties and their labels"),
            ],
            "crs": list(_served(dataset.settings.metric_crs)),
            "storageCrs": CRS84,
        }
        extent = _extent(dataset, collection, table)
        if extent:
            info["extent"] = extent
        return info


# --- module helpers (pure) -------------------------------------------------------------------


def _link(href: str, rel: str, media_type: str, title: str, **params: str) -> dict:
    query = f"?{urlencode(params)}" if params else ""
    return {"href": f"{href}{query}", "rel": rel, "type": media_type, "title": title}


def _collection(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise NotFound(f"there is no collection {collection_id!r}.",
                       fix=f"use one of {', '.join(COLLECTIONS)}.")
    return collection


def _default_year(dataset: Dataset, collection: Collection) -> int | None:
    return max(dataset.years) if collection.by_year and dataset.years else None


def _years_asked(dataset: Dataset, collection: Collection,
                 period: tuple[int | None, int | None] | None) -> list[int | None]:
    """The years whose features a by-year collection answers with (the latest when none asked)."""
    if not collection.by_year or not dataset.years:
        return [None]
    if period is None:
        return [max(dataset.years)]
    first, last = period
    years = [y for y in dataset.years if (first is None or y >= first) and (last is None or y <= last)]
    if not years:
        asked = str(first) if first == last else f"{first or '..'}/{last or '..'}"
        raise ParameterError(
            f"`datetime` asks for {asked}, but the {collection.id} have indicator values only for "
            f"{', '.join(map(str, dataset.years))}.",
            fix=f"use one of these years, e.g. datetime={max(dataset.years)}, or an interval such as "
                f"{min(dataset.years)}/{max(dataset.years)}.")
    return years


def _year_of(dataset: Dataset, collection: Collection, feature_id: str) -> int | None:
    """The year of a by-year feature id (``<key>-<year>``)."""
    if not collection.by_year or not dataset.years:
        return None
    _, _, year = feature_id.rpartition("-")
    if not year.isdigit() or int(year) not in dataset.years:
        example = f"{dataset.areas['key'].iloc[0]}-{max(dataset.years)}" if len(dataset.areas) else "01-2023"
        raise NotFound(f"the collection {collection.id!r} has no feature {feature_id!r}.",
                       fix=f"its ids are <key>-<year> with a year of {', '.join(map(str, dataset.years))}, "
                           f"e.g. {example}.")
    return int(year)


def _page(selected: list[tuple[FeatureTable, np.ndarray]], offset: int,
          limit: int) -> list[tuple[FeatureTable, np.ndarray]]:
    """Rows ``offset`` to ``offset + limit`` of the selections one after the other (one per year)."""
    page, skip, left = [], offset, limit
    for table, rows in selected:
        part = rows[skip:skip + left]
        skip = max(0, skip - len(rows))
        if len(part):
            page.append((table, part))
            left -= len(part)
        if not left:
            break
    return page


def _page_links(url: str, args: Mapping[str, str], offset: int, limit: int, matched: int,
                fmt: str) -> list[dict]:
    """self, alternate, and next/prev links that keep every other parameter of the request."""
    kept = {k: v for k, v in args.items() if k not in ("offset", "f")}
    media = GEOJSON if fmt == "json" else "text/html"

    def at(rel: str, position: int, media_type: str, f: str, title: str) -> dict:
        params = {**kept, "offset": str(position), "f": f} if position else {**kept, "f": f}
        return _link(url, rel, media_type, title, **params)

    other, other_f = ("text/html", "html") if fmt == "json" else (GEOJSON, "json")
    links = [at("self", offset, media, fmt, "This page"),
             at("alternate", offset, other, other_f, "This page as " + other_f.upper())]
    if offset + limit < matched:
        links.append(at("next", offset + limit, media, fmt, "Next page"))
    if offset > 0:
        links.append(at("prev", max(0, offset - limit), media, fmt, "Previous page"))
    return links


def _page_frame(page: list[tuple[FeatureTable, np.ndarray]], properties: list[str] | None) -> pd.DataFrame:
    """The page's properties as one table with the feature id first (for HTML)."""
    frames = []
    for table, rows in page:
        columns = table.columns if properties is None else properties
        part = pd.DataFrame(table.frame[columns].iloc[rows]).reset_index(drop=True)
        part.insert(0, "id", table.ids[rows])
        frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"id": []})


def _years_interval(first: float, last: float) -> list[str | None]:
    return [None if np.isnan(first) else f"{int(first)}-01-01T00:00:00Z",
            None if np.isnan(last) else f"{int(last)}-12-31T23:59:59Z"]


def _extent(dataset: Dataset, collection: Collection, table: FeatureTable) -> dict:
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


def _json_schema(table: FeatureTable, collection: Collection, dataset: Dataset, base: str,
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
