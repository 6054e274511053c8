"""Check a data file before any reader opens it: a plain file, inside the workspace, of a sane size.

Readers trust the path they are given; this module is the one gate in front of
them. A folder named as the data file, a FIFO (which would block a reader for
ever), a device, a symbolic link leading out of the workspace, a Shapefile
without its ``.dbf`` or ``.shx`` and a table too large to parse in memory are
each refused with one message naming the spec's path and the fix, before a
byte is read.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from geodash.errors import DataError

# Table formats that are parsed whole in memory (text decoded, split into cells): the
# size limit of the workspace settings applies to them.
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

MB = 1024 * 1024

# What the kinds of non-regular files are called in a message.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

# A Shapefile is several files; GDAL needs these beside the .shp.
SHAPEFILE_PARTS = {".shx": "the shape index", ".dbf": "the attribute table"}


def _size(size: float) -> str:
    return f"{size / MB:,.1f} MB" if size >= 0.1 * MB else f"{size:,.0f} bytes"


def check_readable(
    path: str | Path,
    workspace: str | Path,
    *,
    max_table_mb: float | None = None,
    allow_outside_workspace: bool = False,
    named_in: str | None = None,
) -> Path:
    """Refuse a data file that no reader should open; return the path unchanged otherwise.

    Parameters
    ----------
    path
        The data file as the spec names it (inside ``workspace``).
    workspace
        The workspace folder; the file, with every symbolic link followed, must lie
        inside it unless ``allow_outside_workspace``.
    max_table_mb
        The largest CSV/XLSX file (for XLSX also its unpacked content) that may be
        read; ``None`` for no limit.
    allow_outside_workspace
        Let symbolic links lead out of the workspace (``[files]
        allow_outside_workspace`` in ``layers/workspace.toml``).
    named_in
        Where the path is written (e.g. ``"key file of layers/areas.toml"``), for the message.

    Raises
    ------
    DataError
        Naming the file as the spec writes it (never where a link leads, nor any of
        its content) and the fix.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as ws:  # doctest: +ELLIPSIS
    ...     check_readable(Path(ws), ws)
    Traceback (most recent call last):
    geodash.errors.DataError: ...: is a folder, not a file. Fix: name the data file inside it ...
    """
    path, workspace = Path(path), Path(workspace)
    # The path as the spec leads to it, never where a link leads.
    shown = str(path)
    root = workspace.resolve()
    try:
        real = path.resolve(strict=True)
        info = os.stat(real)  # follows links, never opens: a FIFO does not block here
    except (FileNotFoundError, RuntimeError, OSError) as exc:
        raise DataError(
            "does not exist or cannot be reached (a broken or circular link?).",
            file=shown, where=named_in, fix="put the data file at this path or correct the spec's key file.",
        ) from exc
    if not allow_outside_workspace and not real.is_relative_to(root):
        # The target's name and content stay out of the message: a link must not become
        # a way to read, or learn about, files elsewhere on the server.
        raise DataError(
            "leads outside the workspace (through a symbolic link), which geodash does not follow.",
            file=shown, where=named_in,
            fix="copy the file into the workspace, or set allow_outside_workspace = true under "
            "[files] in layers/workspace.toml if the link is meant.",
        )
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        fix = ("name the data file inside it in the spec's key file." if kind == "a folder"
               else "export the data to an ordinary file and name that in the spec.")
        raise DataError(f"is {kind}, not a file.", file=shown, where=named_in, fix=fix)
    if path.suffix.lower() == ".shp":
        _check_shapefile_parts(path, shown, named_in)
    if max_table_mb is not None and path.suffix.lower() in TABLE_SUFFIXES:
        _check_table_size(path, shown, info.st_size, max_table_mb, named_in)
    return path


def _check_shapefile_parts(path: Path, shown: str, named_in: str | None) -> None:
    present = {p.suffix.lower() for p in path.parent.glob(f"{path.stem}.*") if p.stem == path.stem}
    for suffix, role in SHAPEFILE_PARTS.items():
        if suffix not in present:
            raise DataError(
                f"is a Shapefile without its {suffix} file ({role}), which must lie beside it "
                f"as {path.stem}{suffix}.",
                file=shown, where=named_in,
                fix="copy all files of the Shapefile (.shp, .shx, .dbf and .prj) into the folder, "
                "or zip them together and name the .zip in the spec.",
            )


def _check_table_size(path: Path, shown: str, size: int, max_table_mb: float,
                      named_in: str | None) -> None:
    limit = max_table_mb * MB
    if path.suffix.lower() in (".xlsx", ".xlsm") and size <= limit:
        # A workbook is a zip: what is parsed is its unpacked content, which may be far larger.
        try:
            with zipfile.ZipFile(path) as book:
                size = sum(entry.file_size for entry in book.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # not a workbook: the reader says so with its own message
    if size > limit:
        raise DataError(
            f"is {_size(size)}, more than the {max_table_mb:g} MB a table may have.",
            file=shown, where=named_in,
            fix="split the table or leave out columns it does not need; if the size is right, "
            "raise max_table_mb under [files] in layers/workspace.toml.",
        )
