"""The coordinate reference systems the OGC API serves, by URI (OGC API – Features Part 2).

Features are answered in CRS84 (WGS84 longitude/latitude, the GeoJSON
default) unless a client asks for another CRS of the collection's ``crs``
list: EPSG:4326 (the same datum, but latitude first, as its definition says)
and the workspace's metric CRS (``metric_crs``, e.g. EPSG:25832), in which
the city's GIS works. A CRS is named by its OGC URI,
``http://www.opengis.net/def/crs/EPSG/0/25832``; the short forms
``EPSG:25832`` and the safe CURIE ``[EPSG:25832]`` are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

from geodash.errors import ParameterError

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84H = "http://www.opengis.net/def/crs/OGC/0/CRS84h"
WGS84_LATLON = "http://www.opengis.net/def/crs/EPSG/0/4326"

# Decimals written per kind of coordinate: 6 for degrees (about 0.1 m, as the GeoJSON export),
# 3 for metres (1 mm).
DEGREE_DECIMALS = 6
METRE_DECIMALS = 3

_URI = re.compile(r"^https?://www\.opengis\.net/def/crs/(?P<auth>[A-Za-z]+)/[^/]+/(?P<code>[^/]+)$")
_SHORT = re.compile(r"^\[?(?P<auth>[A-Za-z]+):(?P<code>[A-Za-z0-9]+)\]?$")


@dataclass(frozen=True)
class ServedCrs:
    """One CRS the API answers in: its URI, its pyproj CRS and its axis order."""

    uri: str
    crs: pyproj.CRS

    @property
    def latitude_first(self) -> bool:
        """Whether the CRS's first axis points north (EPSG:4326): coordinates are then (lat, lon)."""
        return self.crs.axis_info[0].direction.lower() in ("north", "south")

    @property
    def decimals(self) -> int:
        """Decimals kept in the coordinates (degrees 6, metres 3)."""
        return DEGREE_DECIMALS if self.crs.is_geographic else METRE_DECIMALS

    @property
    def header(self) -> str:
        """The ``Content-Crs`` header's value: the URI in angle brackets."""
        return f"<{self.uri}>"

    def in_axis_order(self, coords: np.ndarray) -> np.ndarray:
        """Swap (x, y) into this CRS's axis order and back: (lat, lon) for EPSG:4326, else unchanged."""
        return coords[:, ::-1] if self.latitude_first else coords


def crs_uri(value: str) -> str | None:
    """The OGC URI of a CRS that pyproj knows, or ``None`` when it has no authority code."""
    authority = pyproj.CRS.from_user_input(value).to_authority()
    if authority is None:
        return None
    auth, code = authority
    return CRS84 if (auth, code) == ("OGC", "CRS84") else f"http://www.opengis.net/def/crs/{auth}/0/{code}"


def served_crs(metric_crs: str) -> dict[str, ServedCrs]:
    """The CRS the API serves for a workspace, by URI: CRS84 first (the default), EPSG:4326, metric."""
    uris = [CRS84, WGS84_LATLON, crs_uri(metric_crs)]
    return {uri: ServedCrs(uri, pyproj.CRS.from_user_input(uri)) for uri in dict.fromkeys(uris) if uri}


def parse_crs(value: str, served: dict[str, ServedCrs], parameter: str = "crs") -> ServedCrs:
    """The served CRS a parameter names (URI, ``EPSG:25832`` or ``[EPSG:25832]``).

    Raises
    ------
    ParameterError
        When the value names no CRS this API serves.
    """
    text = value.strip()
    match = _URI.match(text) or _SHORT.match(text)
    if match:
        auth, code = match["auth"].upper(), match["code"]
        uri = CRS84 if (auth, code.upper()) in (("OGC", "CRS84"), ("OGC", "CRS84H")) else (
            f"http://www.opengis.net/def/crs/{auth}/0/{code}")
        if uri in served:
            return served[uri]
    raise ParameterError(
        f"`{parameter}` was {value!r} but is expected to be one of {', '.join(served)}.",
        fix=f"leave `{parameter}` out for CRS84 (longitude, latitude) or name one of these URIs.",
    )


def geometries_in(geometries: np.ndarray, target: ServedCrs) -> np.ndarray:
    """CRS84 geometries transformed to ``target``, in its axis order and rounded to its decimals.

    Vectorised over all geometries (one pyproj call for every coordinate);
    the vertices keep their order, so a polygon's rings start where they did.
    """
    source = pyproj.CRS.from_user_input(CRS84)
    if target.crs.equals(source):
        return shapely.transform(geometries, lambda c: np.round(c, target.decimals))
    transformer = pyproj.Transformer.from_crs(source, target.crs, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return target.in_axis_order(np.round(np.column_stack([x, y]), target.decimals))

    return shapely.transform(geometries, project)


def box_to_crs84(bbox: tuple[float, float, float, float], crs: ServedCrs) -> shapely.Polygon:
    """A ``bbox`` given in ``crs`` (in its axis order) as a CRS84 polygon that covers it.

    The edges are densified before they are transformed, so that a box in a
    metric CRS keeps its curved outline in degrees instead of being cut at
    its corners.
    """
    a, b, c, d = bbox
    (x0, y0), (x1, y1) = crs.in_axis_order(np.array([[a, b], [c, d]], dtype=float))
    box = shapely.box(x0, y0, x1, y1)
    if crs.uri == CRS84:
        return box
    box = shapely.segmentize(box, max(x1 - x0, y1 - y0) / 64 or 1.0)
    transformer = pyproj.Transformer.from_crs(crs.crs, pyproj.CRS.from_user_input(CRS84), always_xy=True)
    return shapely.transform(box, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
