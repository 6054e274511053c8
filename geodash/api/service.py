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
from urllib.parse import quote

import numpy as np

from geodash.api import html, openapi
from geodash.api.collections import COLLECTIONS, Collection
from geodash.api.crs import CRS84, ServedCrs, box_to_crs84, served_crs
from geodash.api.features import FeatureTable, TableStore, feature_collection
from geodash.api.metadata import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI,
    SCHEMA,
    SCHEMA_REL,
    extent,
    json_schema,
    link,
)
from geodash.api.paging import page_frame, page_links, page_rows
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
            link(base, "self", JSON, "This document", f="json"),
            link(base, "alternate", "text/html", "This document as HTML", f="html"),
            link(f"{base}/api", "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
            link(f"{base}/conformance", "conformance", JSON, "Conformance classes"),
            link(f"{base}/collections", "data", JSON, "The collections"),
        ]
        if fmt == "html":
            listed = [(c.id, c.text("title", dataset, lang)) for c in COLLECTIONS.values()]
            return Answer(200, html.landing_page(dataset, title, description, listed, base, lang), HTML)
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
        links = [link(f"{request.base}/collections", "self", JSON, "This document", f="json"),
                 link(f"{request.base}/collections", "alternate", "text/html", "As HTML", f="html")]
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
        return _json(json_schema(table, collection, dataset, request.base, lang), media_type=SCHEMA)

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
        page = page_rows(selected, query.offset, query.limit)
        url = f"{request.base}/collections/{collection.id}/items"
        links = page_links(url, request.args, query.offset, query.limit, matched, fmt)
        links.append(link(f"{request.base}/collections/{collection.id}", "collection", JSON,
                           collection.text("title", dataset, lang)))
        if fmt == "html":
            frame = page_frame(page, query.properties)
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
        links = [link(url, "self", GEOJSON, "This feature", f="json"),
                 link(url, "alternate", "text/html", "This feature as HTML", f="html"),
                 link(f"{request.base}/collections/{collection.id}", "collection", JSON,
                       collection.text("title", dataset, lang))]
        if fmt == "html":
            frame = page_frame([(table, rows)], query.properties)
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
                link(url, "self", JSON, "This collection", f="json"),
                link(url, "alternate", "text/html", "This collection as HTML", f="html"),
                link(f"{url}/items", "items", GEOJSON, "The features as GeoJSON", f="json"),
                link(f"{url}/items", "items", "text/html", "The features as HTML", f="html"),
                link(f"{url}/schema", SCHEMA_REL, SCHEMA, "The properties and their labels"),
                link(f"{url}/schema", "describedby", SCHEMA, "The properties and their labels"),
            ],
            "crs": list(_served(dataset.settings.metric_crs)),
            "storageCrs": CRS84,
        }
        where_and_when = extent(dataset, collection, table)
        if where_and_when:
            info["extent"] = where_and_when
        return info


# --- module helpers (pure) -------------------------------------------------------------------


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


