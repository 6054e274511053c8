"""Read tables (CSV and XLSX) as German offices write them, and parse their numbers.

CSV files come with ``;`` or ``,`` separators, decimal commas, thousands
separators, UTF-8 (with or without BOM) or cp1252. Everything is read as text
first, so that keys keep their leading zeros and a bad number can be reported
with its row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geodash.errors import DataError

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

# What German statistical tables write where a value is missing or withheld
# (the Destatis signs: "-" nothing, "." unknown, "x" not sensible, "/" too uncertain).
MISSING_MARKERS = frozenset({"", "-", "–", ".", "x", "X", "/", "...", "…", "NA", "n/a", "k.A.", "nan"})

_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class Table:
    """A table read as text, with the row number a user sees for each data row."""

    frame: pd.DataFrame
    path: Path
    separator: str | None
    rows: tuple[int, ...]

    def row_number(self, position: int) -> int:
        """The row a user sees in their editor or Excel for data row ``position`` (0-based)."""
        return self.rows[position]


def _decode(raw: bytes, encoding: str, path: Path) -> str:
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"is not {encoding} text (byte {exc.start}).",
                file=path,
                fix="set table.encoding in the spec to the file's encoding, or 'auto'.",
            ) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel "CSV (Trennzeichen-getrennt)" on German Windows writes cp1252.
        return raw.decode("cp1252", errors="replace")


def _sniff_separator(text: str, path: Path) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {sep: header.count(sep) for sep in ";,\t|"}
        best = max(counts, key=lambda s: counts[s])
        if counts[best] == 0:
            raise DataError(
                "has only one column; the separator could not be recognised.",
                file=path,
                where="row 1",
                fix="separate columns with ';' or ',' or set table.separator in the spec.",
            ) from None
        return best


def read_csv(
    path: str | Path,
    *,
    encoding: str = "auto",
    separator: str = "auto",
    skip_rows: int = 0,
) -> Table:
    """Read a CSV file as text columns, detecting encoding and separator.

    Raises
    ------
    DataError
        When the file is empty, cannot be decoded, or its rows have more
        fields than the header.
    """
    path = Path(path)
    raw = path.read_bytes()
    text = _decode(raw, encoding, path)
    lines = text.splitlines()
    if len(lines) <= skip_rows or not "".join(lines[skip_rows:]).strip():
        raise DataError("is empty.", file=path, fix="export the table again with its rows.")
    body = "\n".join(lines[skip_rows:])
    sep = _sniff_separator(body, path) if separator == "auto" else separator
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"row {int(match.group(1)) + skip_rows}" if match else None
        raise DataError(
            f"has a row with more fields than the header ({exc}).",
            file=path,
            where=where,
            fix=f"check that the separator {sep!r} is not used inside a value without quotes.",
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError("is empty.", file=path, fix="export the table again.") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    first = skip_rows + 2
    return Table(frame=frame, path=path, separator=sep, rows=tuple(range(first, first + len(frame))))


def read_xlsx(path: str | Path, *, sheet: str | int | None = None, skip_rows: int = 0) -> Table:
    """Read one sheet of an XLSX workbook; cells keep their type, text stays text."""
    path = Path(path)
    try:
        frame = pd.read_excel(
            path,
            sheet_name=sheet if sheet is not None else 0,
            skiprows=skip_rows,
            dtype=object,
            engine="openpyxl",
        )
    except ValueError as exc:
        raise DataError(
            f"cannot be read: {exc}.",
            file=path,
            fix="name an existing sheet with table.sheet in the spec.",
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise DataError(
            f"is not a readable XLSX workbook ({type(exc).__name__}: {exc}).",
            file=path,
            fix="open and save it again in Excel or LibreOffice as .xlsx.",
        ) from exc
    frame = frame.dropna(how="all")
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise DataError("has no data rows.", file=path, fix="check the sheet and table.skip_rows.")

    def as_text(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    # Excel numbers the header row skip_rows + 1; blank rows dropped above keep their numbers.
    rows = tuple(int(i) + skip_rows + 2 for i in frame.index)
    frame = frame.map(as_text).reset_index(drop=True)
    return Table(frame=frame, path=path, separator=None, rows=rows)


def read_table(
    path: str | Path,
    *,
    encoding: str = "auto",
    separator: str = "auto",
    sheet: str | int | None = None,
    skip_rows: int = 0,
) -> Table:
    """Read a CSV or XLSX table, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet=sheet, skip_rows=skip_rows)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, encoding=encoding, separator=separator, skip_rows=skip_rows)
    if suffix == ".xls":
        raise DataError(
            "is an old Excel .xls workbook, which geodash does not read.",
            file=path,
            fix="save it as .xlsx or as CSV.",
        )
    raise DataError(
        f"has the suffix {suffix!r}, which is not a table format.",
        file=path,
        fix="use a .csv or .xlsx file.",
    )


def guess_decimal(values: pd.Series, separator: str | None) -> str:
    """Guess the decimal mark of a column of number texts.

    A comma anywhere means a decimal comma (German). Without commas, dots
    that only ever group thousands ("1.234") in a ``;``-separated file are read
    as German thousands separators; otherwise the dot is the decimal mark.
    """
    texts = values[~values.isin(MISSING_MARKERS)]
    if texts.str.contains(",", regex=False).any():
        return ","
    dotted = texts[texts.str.contains(".", regex=False)]
    if separator == ";" and len(dotted) and dotted.str.match(_THOUSANDS_DOT).all():
        return ","
    return "."


def parse_numbers(values: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse number texts with a given decimal mark.

    Returns
    -------
    numbers
        Float values, NaN where missing or bad.
    missing
        True where the text is a missing-value marker (empty, "-", ".", "x", …).
    bad
        True where the text is not a number and not a missing marker.
    """
    texts = values.fillna("").astype(str).str.strip()
    missing = texts.isin(MISSING_MARKERS)
    cleaned = texts.str.replace(r"[\s\u00a0\u202f']", "", regex=True).str.rstrip("%")
    if decimal == ",":
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(cleaned.where(~missing), errors="coerce").astype(float)
    bad = numbers.isna() & ~missing
    return numbers, missing, bad
