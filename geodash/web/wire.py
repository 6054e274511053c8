"""The map's geometry on the wire: quantised coordinates, each shared vertex sent once.

The display geometry of the areas goes to the browser once (see
:func:`encode_areas`); ``assets/gd-map.js`` decodes it into GeoJSON. Layout of
the bytes::

    uint32 (little-endian)  length H of the header
    H bytes                 JSON header, UTF-8: {"scale", "x0", "y0", "counts", "keys", "names"}
    rest                    unsigned LEB128 varints, in this order:
                              polygons per area, rings per polygon, vertices per ring
                              (each ring without its closing vertex);
                              the lengths of the alternating runs of new and repeated
                              vertices (the first run is new);
                              zigzag deltas (x, y) of each new vertex to the new one before;
                              for each repeated vertex, its id minus (previous repeat's id − 1)

Coordinates are quantised to ``1/scale`` degrees (``scale = 10**5``: about
1 m, finer than any boundary needs on screen) relative to the south-west
corner ``(x0, y0)``. Neighbouring areas share their borders, so about half
of all ring vertices repeat one sent before: such a vertex costs one varint,
usually one byte, because a neighbour walks the shared border backwards
(id − 1 each step, code 0). Measured at 5,000 areas (``docs/map-engine.md``)
this is 254 kB with brotli against 400 kB for plain delta coding.
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
from dataclasses import dataclass

import numpy as np
import shapely

SCALE = 10**5  # 1e-5 degrees, about 1 m: as fine as the display geometry is rounded
MAX_VARINT_BYTES = 10  # 64-bit values


def varint_encode(values: np.ndarray) -> bytes:
    """Unsigned LEB128 of non-negative integers: 7 bits a byte, high bit = more bytes follow.

    Examples
    --------
    >>> varint_encode(np.array([0, 1, 127, 128, 300])).hex()
    '00017f8001ac02'
    """
    v = np.asarray(values, dtype=np.uint64)
    if v.size == 0:
        return b""
    shifts = np.arange(MAX_VARINT_BYTES, dtype=np.uint64) * np.uint64(7)
    groups = (v[:, None] >> shifts[None, :]) & np.uint64(0x7F)  # (n, 10) 7-bit groups
    # A value needs as many bytes as it has groups up to its highest non-zero one (at least 1).
    nonzero = (v[:, None] >> shifts[None, :]) > 0
    used = np.maximum(nonzero.sum(axis=1), 1)
    position = np.arange(MAX_VARINT_BYTES)[None, :]
    more = position < (used[:, None] - 1)
    out = (groups | (more.astype(np.uint64) << np.uint64(7))).astype(np.uint8)
    return out[position < used[:, None]].tobytes()  # row-major: each value's bytes in order


def varint_decode(data: bytes) -> np.ndarray:
    """Inverse of :func:`varint_encode`.

    Examples
    --------
    >>> varint_decode(bytes.fromhex('00017f8001ac02')).tolist()
    [0, 1, 127, 128, 300]
    """
    b = np.frombuffer(data, dtype=np.uint8).astype(np.uint64)
    if b.size == 0:
        return np.zeros(0, dtype=np.int64)
    last = (b & np.uint64(0x80)) == 0
    starts = np.flatnonzero(np.concatenate([[True], last[:-1]]))
    group = np.cumsum(np.concatenate([[0], last[:-1].astype(np.int64)]))
    shift = (np.arange(b.size) - starts[group]).astype(np.uint64) * np.uint64(7)
    return np.add.reduceat((b & np.uint64(0x7F)) << shift, starts).astype(np.int64)


def zigzag(values: np.ndarray) -> np.ndarray:
    """Signed to unsigned, small magnitudes to small numbers: 0, -1, 1, -2 → 0, 1, 2, 3."""
    v = np.asarray(values, dtype=np.int64)
    return ((v << 1) ^ (v >> 63)).astype(np.uint64)


def unzigzag(values: np.ndarray) -> np.ndarray:
    """Inverse of :func:`zigzag`."""
    v = np.asarray(values, dtype=np.int64)
    return (v >> 1) ^ -(v & 1)


def _shared_vertices(q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split quantised vertices into first occurrences and repeats.

    Returns the run lengths (alternating new / repeated, new first), the new
    vertices in order, and the ids (order of first occurrence) of the repeats.
    """
    if len(q) == 0:
        return np.zeros(0, np.int64), q, np.zeros(0, np.int64)
    _, first, inverse = np.unique(q, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    ids = np.empty(len(first), dtype=np.int64)
    ids[np.argsort(first)] = np.arange(len(first))
    is_new = first[inverse] == np.arange(len(q))
    change = np.flatnonzero(np.diff(is_new.astype(np.int8))) + 1
    runs = np.diff(np.concatenate([[0], change, [len(q)]]))
    return runs, q[is_new], ids[inverse][~is_new]


def encode_areas(geometries, keys, names, *, scale: int = SCALE) -> bytes:
    """Encode polygons (WGS84 lon/lat) with their keys and display names for the browser.

    Parameters
    ----------
    geometries
        Polygons or multipolygons, one per area (a GeoSeries or array of shapely geometries).
    keys, names
        The area keys and their display names, in the same order.
    scale
        Quantisation steps per degree.

    Returns
    -------
    bytes
        See the module docstring.
    """
    geoms = np.asarray(geometries, dtype=object)
    polygons, poly_area = shapely.get_parts(geoms, return_index=True)
    rings, ring_poly = shapely.get_rings(polygons, return_index=True)
    coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    n_areas, n_polys, n_rings = len(geoms), len(polygons), len(rings)
    polys_per_area = np.bincount(poly_area, minlength=n_areas)
    rings_per_poly = np.bincount(ring_poly, minlength=n_polys)
    vertices_per_ring = np.bincount(vertex_ring, minlength=n_rings)
    # Drop each ring's closing vertex: the decoder closes the ring again.
    closing = np.cumsum(vertices_per_ring) - 1
    keep = np.ones(len(coords), dtype=bool)
    keep[closing[vertices_per_ring > 0]] = False
    coords = coords[keep]
    vertices_per_ring = np.maximum(vertices_per_ring - 1, 0)
    x0, y0 = (np.floor(coords.min(axis=0) * scale) / scale) if len(coords) else (0.0, 0.0)
    q = np.rint((coords - [x0, y0]) * scale).astype(np.int64)
    runs, new, repeats = _shared_vertices(q)
    deltas = np.diff(new, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    # A neighbour walks a shared border backwards: ids fall by one, which codes as 0.
    codes = np.diff(repeats, prepend=0) + 1
    header = json.dumps({
        "scale": scale, "x0": float(x0), "y0": float(y0),
        "counts": [n_areas, n_polys, n_rings, len(q), len(new), len(runs)],
        "keys": [str(k) for k in keys], "names": [str(n) for n in names],
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = varint_encode(np.concatenate([polys_per_area, rings_per_poly, vertices_per_ring, runs,
                                         zigzag(deltas.reshape(-1)), zigzag(codes)]))
    return struct.pack("<I", len(header)) + header + body


def decode_areas(data: bytes) -> dict:
    """Decode :func:`encode_areas` in Python (the browser does the same in ``gd-map.js``).

    Returns
    -------
    dict
        ``keys``, ``names``, the counts ``polys_per_area``, ``rings_per_poly``,
        ``vertices_per_ring`` and ``coords`` (lon/lat of every vertex without the
        closing ones, already de-quantised).
    """
    (size,) = struct.unpack_from("<I", data)
    header = json.loads(data[4:4 + size].decode("utf-8"))
    n_areas, n_polys, n_rings, n_vertices, n_new, n_runs = header["counts"]
    values = varint_decode(data[4 + size:])
    bounds = np.cumsum([0, n_areas, n_polys, n_rings, n_runs, 2 * n_new, n_vertices - n_new])
    polys, rings, vertices, runs, deltas, codes = (
        values[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True))
    new = np.cumsum(unzigzag(deltas).reshape(n_new, 2), axis=0)
    is_new = np.repeat(np.arange(len(runs)) % 2 == 0, runs)
    ids = np.empty(n_vertices, dtype=np.int64)
    ids[is_new] = np.arange(n_new)
    ids[~is_new] = np.cumsum(unzigzag(codes) - 1)
    coords = new[ids] / header["scale"] + [header["x0"], header["y0"]]
    return {"keys": header["keys"], "names": header["names"], "polys_per_area": polys,
            "rings_per_poly": rings, "vertices_per_ring": vertices, "coords": coords}


def decoded_geometries(decoded: dict) -> np.ndarray:
    """Shapely (multi)polygons, one per area, from :func:`decode_areas` (for tests and checks)."""
    vertices = decoded["vertices_per_ring"]
    coords = decoded["coords"]
    # Close every ring again by repeating its first vertex.
    starts = np.cumsum(vertices) - vertices
    ring_of_vertex = np.repeat(np.arange(len(vertices)), vertices)
    order = np.concatenate([np.arange(len(coords)), starts])
    ring_ids = np.concatenate([ring_of_vertex, np.arange(len(vertices))])
    seq = np.concatenate([np.arange(len(coords)) - starts[ring_of_vertex], vertices])
    sort = np.lexsort((seq, ring_ids))
    rings = shapely.linearrings(coords[order[sort]], indices=ring_ids[sort])
    ring_poly = np.repeat(np.arange(len(decoded["rings_per_poly"])), decoded["rings_per_poly"])
    # With indices, the first ring of each polygon is its shell, the others its holes.
    polygons = shapely.polygons(rings, indices=ring_poly)
    poly_area = np.repeat(np.arange(len(decoded["polys_per_area"])), decoded["polys_per_area"])
    return shapely.multipolygons(polygons, indices=poly_area)


@dataclass(frozen=True)
class EncodedAreas:
    """The encoded display geometry of one Dataset and its version (a content hash)."""

    etag: str
    body: bytes


class AreaWireCache:
    """The encoded geometry of the Dataset an app serves now, encoded once per Dataset.

    An app keeps one (in ``server.extensions``); a newly accepted upload brings
    a new Dataset, whose display frame is a new object, and so a new encoding.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: object | None = None
        self._encoded: EncodedAreas | None = None

    def get(self, dataset) -> EncodedAreas:
        """The encoding of ``dataset.areas_display`` with the areas' keys and names."""
        frame = dataset.areas_display
        with self._lock:
            if self._frame is not frame or self._encoded is None:
                names = dataset.area_labels.reindex(frame["key"]).to_numpy()
                body = encode_areas(frame.geometry, frame["key"], names)
                self._encoded = EncodedAreas(hashlib.sha256(body).hexdigest()[:20], body)
                self._frame = frame
            return self._encoded
