"""What an upload is, judged by its bytes: content type, zip safety, GeoPackage, size limits.

Nothing here touches the workspace; :mod:`geodash.uploads.staging` calls these
checks before it validates an upload with the rest of the workspace.
"""

from __future__ import annotations

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from geodash.catalog import LAYER_KINDS
from geodash.errors import DataError

MB = 1024 * 1024  # sizes are shown in MB of 2**20 bytes, as file managers do
DEFAULT_MAX_BYTES = 50 * MB
MAX_ZIP_ENTRIES = 200
MAX_ZIP_RATIO = 200  # uncompressed / compressed; more is a zip bomb

# What each layer kind may receive, by detected content type (declared with the kind).
ALLOWED = {name: kind.uploads for name, kind in LAYER_KINDS.items() if kind.uploads}
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "geojson": ".geojson", "zip": ".zip", "gpkg": ".gpkg"}


def detect_content(data: bytes) -> str:
    """Name the content type of uploaded bytes by their content, not their file name.

    Returns one of ``csv``, ``xlsx``, ``geojson``, ``zip`` (a zipped
    Shapefile or other vector file) or ``gpkg``.

    Raises
    ------
    DataError
        When the content is none of these.

    """
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise DataError("is a damaged zip archive.", file="upload",
                            fix="create the zip file again.") from exc
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "geojson"
    if b"\x00" in data[:4096]:
        raise DataError("is a binary file of an unknown kind.", file="upload",
                        fix="upload CSV, XLSX, GeoJSON, a zipped Shapefile or a GeoPackage.")
    return "csv"


def check_zip(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse zip archives that escape their folder or expand beyond the limits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise DataError(f"holds {len(infos)} files (at most {MAX_ZIP_ENTRIES}).", file="upload",
                            fix="zip only the files of one layer.")
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
                raise DataError(f"holds the path {info.filename!r}, which points outside the archive.",
                                file="upload", fix="zip the layer's files without folders.")
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
                raise DataError(f"holds {info.filename!r}, compressed more than {MAX_ZIP_RATIO}:1 "
                                "(a zip bomb?).", file="upload", fix="upload the files unzipped.")
        if total > max_bytes:
            raise DataError(f"expands to {total / MB:.0f} MB, more than the limit of "
                            f"{max_bytes / MB:.0f} MB.", file="upload", fix="upload a smaller layer.")


def check_gpkg(data: bytes) -> None:
    """Refuse a GeoPackage that SQLite cannot open."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "check.gpkg"
        path.write_bytes(data)
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                conn.execute("SELECT count(*) FROM gpkg_contents").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DataError(f"is not a GeoPackage ({exc}).", file="upload",
                            fix="export the layer again as GeoPackage.") from exc


def display_name(name: str) -> str:
    """An upload's file name made safe to show: no folders, no control characters, not too long.

    Examples
    --------
    >>> display_name("../../Users/amt/neu.csv")
    'neu.csv'
    """
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:120]
    return base or "upload"
