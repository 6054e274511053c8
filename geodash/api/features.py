"""A collection's features as GeoJSON text, built once per Dataset and kept.

A page of items is a slice of prepared text: each feature's GeoJSON is built
once (per CRS) with vectorised shapely and pandas calls, and a page joins
the slice. ``bbox`` is answered by the geometries' spatial index. Nothing
loops over features in Python.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodash.analysis.years import runs_during
from geodash.api.collections import Collection, Labels, column_labels
from geodash.api.crs import ServedCrs, geometries_in
from geodash.dataset import Dataset
from geodash.export import build_layer
from geodash.export.formats import to_rfc7946

# 15 significant digits: every double written as it is read back (pandas allows no more).
DIGITS = 15


def json_lines(frame: pd.DataFrame) -> np.ndarray:
    """One JSON object text per row (``{"col": value, …}``; NaN, None and NA as null).

    pandas writes the records in C, one per line; a line break inside a text is
    written escaped (backslash, n), so splitting at line breaks is safe.
    """
    if not len(frame):
        return np.array([], dtype=object)
    if not len(frame.columns):
        return np.full(len(frame), "{}", dtype=object)
    text = frame.to_json(orient="records", lines=True, force_ascii=False, double_precision=DIGITS)
    return np.array(text.rstrip("\n").split("\n"), dtype=object)


def json_values(values: np.ndarray) -> np.ndarray:
    """Each value as a JSON text (``"01"``, ``3.5``, ``null``)."""
    # Written as one-member objects {"v":…} and cut out of them: pandas writes a Series on one line.
    objects = json_lines(pd.DataFrame({"v": values}))
    return pd.Series(objects, dtype=object).str.slice(5, -1).to_numpy(dtype=object)


def geojson_texts(geometries: np.ndarray) -> np.ndarray:
    """GeoJSON geometry texts, ``null`` for a missing geometry."""
    texts = shapely.to_geojson(geometries).astype(object)
    texts[pd.isna(texts)] = "null"
    return texts


@dataclass
class FeatureTable:
    """One collection's features for one year: values, geometry, ids and their GeoJSON text.

    Attributes
    ----------
    frame
        The export layer (RFC 7946 geometry: CRS84, counter-clockwise, 6 decimals).
    ids
        Feature ids, unique.
    """

    collection: Collection
    frame: gpd.GeoDataFrame
    ids: np.ndarray
    labels: Labels
    year: int | None = None
    _texts: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, dataset: Dataset, collection: Collection, year: int | None) -> FeatureTable:
        """Build the export layer of ``collection`` (for ``year``) and prepare its features."""
        layer = build_layer(dataset, collection.layer, year)
        labels = column_labels(collection, layer)
        frame = to_rfc7946(layer)
        # The labels are kept beside the frame: pandas deep-copies ``attrs`` on every operation.
        frame.attrs = {}
        return cls(collection, frame, collection.feature_ids(frame), labels, year)

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def columns(self) -> list[str]:
        """The property names, in the export's order."""
        geometry = self.frame.geometry.name
        return [c for c in self.frame.columns if c != geometry]

    @cached_property
    def geometries(self) -> np.ndarray:
        """The CRS84 geometries (shapely array)."""
        return self.frame.geometry.to_numpy()

    @cached_property
    def tree(self) -> shapely.STRtree:
        """The spatial index of :attr:`geometries`."""
        return shapely.STRtree(self.geometries)

    @cached_property
    def id_texts(self) -> np.ndarray:
        """The ids as JSON texts."""
        return json_values(self.ids)

    @cached_property
    def properties(self) -> np.ndarray:
        """Each feature's full ``properties`` object as JSON text."""
        return json_lines(pd.DataFrame(self.frame[self.columns]))

    @cached_property
    def position(self) -> pd.Series:
        """Row position by feature id."""
        return pd.Series(np.arange(len(self.ids)), index=pd.Index(self.ids, dtype=object))

    def select(self, bbox: shapely.Geometry | None = None, years: tuple[int | None, int | None] | None
               = None) -> np.ndarray:
        """The row positions of the features intersecting ``bbox`` (CRS84) and active in ``years``."""
        rows = (np.arange(len(self)) if bbox is None
                else np.sort(self.tree.query(bbox, predicate="intersects")))
        period = self.collection.period
        if years is None or period is None or not len(rows):
            return rows
        first, last = years
        start = self.frame[period[0]].to_numpy(dtype=float)[rows]
        end = self.frame[period[1]].to_numpy(dtype=float)[rows]
        # Active in [first, last]: the one rule of geodash.analysis.years, for a span of years.
        return rows[runs_during(start, end, first, last)]

    def geometry_texts(self, crs: ServedCrs) -> np.ndarray:
        """The geometries as GeoJSON texts in ``crs`` (built on first use, then kept)."""
        with self._lock:
            texts = self._texts.get(crs.uri)
            if texts is None:
                texts = geojson_texts(geometries_in(self.geometries, crs))
                self._texts[crs.uri] = texts
            return texts

    def features(self, rows: np.ndarray, crs: ServedCrs, properties: list[str] | None = None) -> np.ndarray:
        """GeoJSON feature texts of ``rows``: id, geometry in ``crs``, all or the named properties."""
        if properties is None:
            props = self.properties[rows]
        else:
            props = json_lines(pd.DataFrame(self.frame[properties].iloc[rows]))
        return ('{"type":"Feature","id":' + self.id_texts[rows] + ',"geometry":'
                + self.geometry_texts(crs)[rows] + ',"properties":' + props + "}")


class TableStore:
    """The feature tables built so far, per Dataset, collection and year (thread-safe; one per app).

    A Dataset is known by its areas frame, as in :class:`geodash.web.memo.ViewMemo`:
    each entry keeps the frame alive so that its ``id`` is not reused while the
    entry exists; a reloaded Dataset (an accepted upload) gets new entries.
    """

    # A table holds its features' text (about 3 kB per area at 75 vertices, per CRS asked for).
    def __init__(self, maxsize: int = 32) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[tuple, tuple[object, FeatureTable]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    def get(self, dataset: Dataset, collection: Collection, year: int | None) -> FeatureTable:
        """The feature table of ``collection`` in ``year`` (``None``: not by year)."""
        areas = dataset.areas
        key = (id(areas), collection.id, year)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[1]
            building = self._building.setdefault(key, threading.Lock())
        # One build per key, however many requests ask for it at once.
        with building:
            with self._lock:
                hit = self._entries.get(key)
            if hit is not None:
                return hit[1]
            try:
                table = FeatureTable.build(dataset, collection, year)
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self._entries[key] = (areas, table)
                while len(self._entries) > self._maxsize:
                    self._entries.popitem(last=False)
        return table


def feature_collection(features: np.ndarray, *, matched: int, links: list[dict], stamp: str) -> str:
    """A GeoJSON FeatureCollection text around prepared feature texts."""
    head = json.dumps({"type": "FeatureCollection", "numberMatched": matched,
                       "numberReturned": len(features), "timeStamp": stamp, "links": links},
                      ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"features":[' + ",".join(features.tolist()) + "]}"
