"""Read vector files (GeoJSON, GeoPackage, Shapefile, zipped Shapefile, GeoParquet)."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyproj
import shapely

from geodash.errors import DataError
from geodash.sources.base import GEOMETRY, Source

VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".parquet", ".geoparquet")


def _zip_target(path: Path, layer: str | None) -> str:
    """Return the GDAL path of the one Shapefile (or other vector file) inside a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise DataError(
            "is not a readable zip archive.", file=path, fix="re-create the zip file."
        ) from exc
    candidates = [n for n in names if n.lower().endswith((".shp", ".geojson", ".gpkg"))]
    if layer:
        candidates = [n for n in candidates if Path(n).stem == layer] or candidates
    if len(candidates) != 1:
        found = ", ".join(candidates) or "none"
        raise DataError(
            f"should hold exactly one .shp, .geojson or .gpkg file, found {found}.",
            file=path,
            fix="zip one layer per file, or name it with `layer = \"NAME\"` in the spec.",
        )
    return f"/vsizip/{path}/{candidates[0]}"


def _in_degrees(frame: gpd.GeoDataFrame) -> bool:
    """Whether every coordinate could be a longitude/latitude."""
    if frame.empty or frame.geometry.isna().all():
        return True
    minx, miny, maxx, maxy = frame.total_bounds
    return max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90


# GDAL warns, and carries on, when it meets broken geometry: an unclosed ring
# is closed, a coordinate with one dimension is dropped. Those are silent
# repairs of a damaged file, so they become errors.
_DAMAGE_WARNINGS = re.compile(r"ring|coord|invalid|corrupt|truncat|geometry", re.IGNORECASE)


# pyogrio warns when a property mixes numbers and text ("1200" beside "viele") and keeps
# the column as text. The loaders check every value of the columns they use and name
# the feature, so the warning would only be a second, vaguer message on stderr.
_MIXED_COLUMN_WARNING = r"Could not parse column .* as JSON"


def _read_strictly(path: Path, target: str, layer: str | None) -> gpd.GeoDataFrame:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        warnings.filterwarnings("ignore", _MIXED_COLUMN_WARNING, UserWarning)
        frame = pyogrio.read_dataframe(target, layer=layer)
    for warning in caught:
        text = str(warning.message)
        if issubclass(warning.category, RuntimeWarning) and _DAMAGE_WARNINGS.search(text):
            raise DataError(
                f"holds damaged geometry (GDAL: {text.split('. To avoid')[0]}).",
                file=path,
                fix="export the layer again from the GIS, or repair it (QGIS: Fix Geometries).",
            )
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return frame


def read_vector(path: str | Path, *, layer: str | None = None, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file into a GeoDataFrame with a known CRS.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile (also zipped) or GeoParquet file.
    layer
        The layer of a GeoPackage with several layers.
    crs
        The CRS assumed when the file declares none. A file that declares a CRS
        keeps its own, except a geographic one whose coordinates cannot be
        degrees (a GeoJSON of projected metres without a ``crs`` member).

    Raises
    ------
    DataError
        When the file cannot be read, has no geometry column, or declares no
        CRS and ``crs`` is not given.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".geoparquet"):
            frame = gpd.read_parquet(path)
        else:
            target = _zip_target(path, layer) if suffix == ".zip" else str(path)
            gpkg_layer = layer if suffix == ".gpkg" else None
            if suffix == ".gpkg" and gpkg_layer is None:
                layers = pyogrio.list_layers(target)
                if len(layers) > 1:
                    names = ", ".join(str(n) for n in layers[:, 0])
                    raise DataError(
                        f"has several layers ({names}) and the spec names none.",
                        file=path,
                        fix='add layer = "NAME" to the spec.',
                    )
            frame = _read_strictly(path, target, gpkg_layer)
    except DataError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataError(
            f"cannot be read as a vector file ({exc}).",
            file=path,
            fix="check that the file is complete and in a supported format "
            "(GeoJSON, GeoPackage, Shapefile, zipped Shapefile, GeoParquet).",
        ) from exc
    except shapely.errors.ShapelyError as exc:
        raise DataError(
            f"holds a geometry that cannot be built ({exc}).",
            file=path,
            fix="repair the geometry in a GIS (e.g. QGIS: Vector > Geometry Tools > Fix Geometries).",
        ) from exc
    except (ValueError, OSError) as exc:
        raise DataError(
            f"cannot be read ({exc}).",
            file=path,
            fix="check that the file is complete and not damaged.",
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise DataError("has no geometry column.", file=path, fix="export it with geometry.")
    if crs is not None and frame.crs and frame.crs.is_geographic and not _in_degrees(frame):
        # A GeoJSON without a "crs" member is WGS84 by definition, yet older exports hold
        # projected metres without saying so: then the spec's CRS is the declaration.
        frame = frame.set_crs(pyproj.CRS.from_user_input(crs), allow_override=True)
    if frame.crs is None:
        if crs is None:
            raise DataError(
                "declares no coordinate reference system (CRS).",
                file=path,
                fix='add crs = "EPSG:…" to the layer spec, naming the CRS of the coordinates.',
            )
        frame = frame.set_crs(pyproj.CRS.from_user_input(crs))
    return frame


class VectorFiles(Source):
    """Vector files read through pyogrio (GDAL): GeoJSON, GeoPackage, Shapefile, GeoParquet."""

    name = "files"
    capabilities = frozenset({GEOMETRY})

    def claims(self, spec, path: Path) -> bool:
        """A file whose suffix is one of :data:`VECTOR_SUFFIXES`."""
        return Path(path).suffix.lower() in VECTOR_SUFFIXES

    def read(self, spec, path: Path) -> gpd.GeoDataFrame:
        """The features of the spec's file (its ``layer``; ``crs`` where the file names none)."""
        return read_vector(path, layer=spec.layer, crs=spec.crs)
