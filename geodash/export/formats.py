"""Writers for the export formats: GeoJSON (RFC 7946), GeoPackage, CSV and XLSX for Excel, GeoParquet.

Every writer writes to a temporary file beside the target and renames it, so
a failed export never leaves a partial file.

What the columns mean travels with every file: in the file's metadata
(GeoPackage, Parquet), in a second sheet "Metadaten"/"Metadata" (XLSX), or in
the companion table ``<file>.columns.csv`` (CSV, GeoJSON). The sheet and the
companion are both :func:`column_table`; the Daten page offers the same files.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geodash.errors import ParameterError

WGS84 = "EPSG:4326"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that Excel would run as a formula with an apostrophe.

    Only text is touched: the number -3 stays a number, the text "-3" or
    "=HYPERLINK(…)" becomes "'-3" / "'=HYPERLINK(…)".
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return out


def _to_plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop geometry for a spreadsheet; points keep lon/lat columns."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return pd.DataFrame(frame)
    geo = frame.to_crs(WGS84)
    table = pd.DataFrame(geo.drop(columns=geo.geometry.name))
    if len(geo) and (geo.geom_type == "Point").all():
        table["lon"] = geo.geometry.x.round(6)
        table["lat"] = geo.geometry.y.round(6)
    return table


def column_labels(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The labels of a layer's columns (``attrs["column_labels"]``, see :mod:`geodash.export.columns`)."""
    return dict(frame.attrs.get("column_labels") or {})


# The metadata table's headers: the companion CSV's (language-neutral) and the XLSX sheet's.
COMPANION_COLUMNS = ["column", "label_de", "label_en", "unit", "source", "years", "polarity",
                     "note_de", "note_en"]
SHEET = {
    "de": {"data": "Daten", "meta": "Metadaten", "code": "Spalte", "label": "Bezeichnung",
           "unit": "Einheit", "source": "Quelle", "years": "Jahr(e)", "polarity": "Richtung",
           "note": "Hinweis"},
    "en": {"data": "Data", "meta": "Metadata", "code": "Column", "label": "Label", "unit": "Unit",
           "source": "Source", "years": "Year(s)", "polarity": "Direction", "note": "Note"},
}


def column_table(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """What every column of a layer means, as a table; empty when the layer says nothing.

    Parameters
    ----------
    frame
        An exported layer with ``attrs["column_meta"]`` (see
        :func:`geodash.export.columns.describe_columns`) or at least
        ``attrs["column_labels"]``.
    lang
        ``None`` for the companion table (``column``, ``label_de``,
        ``label_en``, ``unit``, ``source``, ``years``, ``polarity`` as a code,
        ``note_de``, ``note_en``); ``"de"`` or ``"en"`` for the XLSX sheet in
        that language (Spalte, Bezeichnung, Einheit, Quelle, Jahr(e),
        Richtung, Hinweis).
    """
    rows = list(frame.attrs.get("column_meta") or [])
    if not rows:
        rows = [{"code": col, "label_de": text.get("de", ""), "label_en": text.get("en", "")}
                for col, text in column_labels(frame).items()]
    table = pd.DataFrame(rows).rename(columns={"code": "column"})
    if table.empty:
        return table
    table = table.reindex(columns=list(dict.fromkeys([*COMPANION_COLUMNS, "polarity_de", "polarity_en"])))
    table = table.fillna("")
    if lang is None:
        return table[COMPANION_COLUMNS]
    words = SHEET.get(lang, SHEET["de"])
    return pd.DataFrame({words["code"]: table["column"], words["label"]: table[f"label_{lang}"],
                         words["unit"]: table["unit"], words["source"]: table["source"],
                         words["years"]: table["years"], words["polarity"]: table[f"polarity_{lang}"],
                         words["note"]: table[f"note_{lang}"]})


def write_column_labels(frame: pd.DataFrame, path: Path) -> Path | None:
    """Write ``<file>.columns.csv`` beside an export: what each column means (:func:`column_table`).

    CSV and GeoJSON have no place for column metadata, so it goes into this
    small companion table (UTF-8 with BOM, as the CSV export): column,
    German and English label, unit, source, years, polarity and a note on
    suppressed values. ``None`` when the layer says nothing about its columns.
    """
    table = column_table(frame)
    if table.empty:
        return None
    target = path.with_name(path.name + ".columns.csv")
    write_csv(table, target)
    return target


def write_xlsx(frame: pd.DataFrame, path: Path, *, german: bool = False, lang: str = "de") -> None:
    """An Excel workbook: the table on the first sheet, what each column means on "Metadaten".

    Column headers stay the codes (so formulas and scripts keep working);
    the second sheet ("Metadata" in English) gives label, unit, source,
    year(s), polarity and the note on suppressed values of each column.
    """
    words = SHEET.get(lang, SHEET["de"])
    table = neutralise_formulas(_to_plain_table(frame))
    meta = column_table(frame, lang)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        table.to_excel(book, sheet_name=words["data"], index=False)
        if not meta.empty:
            neutralise_formulas(meta).to_excel(book, sheet_name=words["meta"], index=False)
        for sheet in book.sheets.values():
            sheet.freeze_panes = "A2"


def write_csv(frame: pd.DataFrame, path: Path, *, german: bool = False, lang: str = "de") -> None:
    """CSV that Excel opens: UTF-8 with BOM; ``german`` for ``;`` and decimal comma."""
    table = neutralise_formulas(_to_plain_table(frame))
    table.to_csv(path, index=False, encoding="utf-8-sig", sep=";" if german else ",",
                 decimal="," if german else ".", lineterminator="\r\n")


def to_rfc7946(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer as RFC 7946 wants it: WGS84, exterior rings counter-clockwise, 6 decimals."""
    geo = frame.to_crs(WGS84)
    # Orient exterior rings counter-clockwise and round to 6 decimals (about 0.1 m).
    geoms = shapely.set_precision(geo.geometry.values, 1e-6)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    return geo.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))


def write_geojson(frame: pd.DataFrame, path: Path, *, german: bool = False, lang: str = "de") -> None:
    """GeoJSON per RFC 7946: WGS84 lon/lat, no ``crs`` member, CCW exteriors, 6 decimals."""
    pyogrio.write_dataframe(
        to_rfc7946(_require_geo(frame)), path, driver="GeoJSON",
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6", "WRITE_NAME": "NO"},
    )


def write_gpkg(frame: pd.DataFrame, path: Path, *, german: bool = False, lang: str = "de") -> None:
    """GeoPackage with one layer named after the file; column labels in the layer's metadata.

    The labels are JSON under the metadata item ``GEODASH_COLUMN_LABELS``
    (``pyogrio.read_info(path)["layer_metadata"]``, QGIS: Layer Properties → Metadata).
    """
    labels = column_labels(frame)
    metadata = {"GEODASH_COLUMN_LABELS": json.dumps(labels, ensure_ascii=False)} if labels else None
    pyogrio.write_dataframe(_require_geo(frame), path, driver="GPKG", layer=path.stem,
                            layer_metadata=metadata)


def write_parquet(frame: pd.DataFrame, path: Path, *, german: bool = False, lang: str = "de") -> None:
    """GeoParquet (or plain Parquet for a table); column labels kept in the pandas ``attrs``.

    pandas stores ``attrs`` in the file's schema metadata (``PANDAS_ATTRS``):
    ``geopandas.read_parquet(path).attrs["column_labels"]``.
    """
    frame.to_parquet(path, index=False)


def _require_geo(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ParameterError(
            "this layer is a table without geometry.", fix="export it as csv or parquet."
        )
    return frame


@dataclass(frozen=True)
class Format:
    """An export format: file suffix, media type and writer."""

    suffix: str
    media_type: str
    write: Callable[..., None]
    labels_beside: bool = False  # no metadata in the file: column labels go to <file>.columns.csv


FORMATS: dict[str, Format] = {
    "geojson": Format(".geojson", "application/geo+json", write_geojson, labels_beside=True),
    "gpkg": Format(".gpkg", "application/geopackage+sqlite3", write_gpkg),
    "csv": Format(".csv", "text/csv", write_csv, labels_beside=True),
    "parquet": Format(".parquet", "application/vnd.apache.parquet", write_parquet),
    "xlsx": Format(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   write_xlsx),
}


def get_format(name: str) -> Format:
    """Look up an export format by name."""
    key = name.lower().strip(".")
    if key not in FORMATS:
        raise ParameterError(
            f"`format` was {name!r} but is expected to be one of {sorted(FORMATS)}."
        )
    return FORMATS[key]


def write_layer(frame: pd.DataFrame, path: str | Path, fmt: str, *, german: bool = False,
                lang: str = "de") -> Path:
    """Write a layer to ``path`` atomically in format ``fmt`` (``lang``: the XLSX sheets' language)."""
    spec = get_format(fmt)
    path = Path(path)
    if path.is_dir():
        raise ParameterError("is a folder, not a file name.", file=path,
                             fix=f"name the file to write, e.g. {path / ('layer' + spec.suffix)}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".geodash-") as tmp:
        partial = Path(tmp) / path.name
        spec.write(frame, partial, german=german, lang=lang)
        companion = write_column_labels(frame, partial) if spec.labels_beside else None
        if companion is not None:
            os.replace(companion, path.with_name(companion.name))
        os.replace(partial, path)
    return path


def layer_bytes(frame: pd.DataFrame, fmt: str, *, name: str = "layer", german: bool = False,
                lang: str = "de") -> bytes:
    """The bytes of a layer in format ``fmt``, for a download."""
    spec = get_format(fmt)
    with tempfile.TemporaryDirectory(prefix="geodash-") as tmp:
        path = Path(tmp) / f"{name}{spec.suffix}"
        spec.write(frame, path, german=german, lang=lang)
        return path.read_bytes()


def companion_bytes(frame: pd.DataFrame) -> bytes | None:
    """The bytes of the companion table ``<file>.columns.csv`` (as the CLI writes it), or ``None``."""
    table = column_table(frame)
    if table.empty:
        return None
    with tempfile.TemporaryDirectory(prefix="geodash-") as tmp:
        path = Path(tmp) / "layer.columns.csv"
        write_csv(table, path)
        return path.read_bytes()
