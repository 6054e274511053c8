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
from geodash.sources.base import TABLE, Source

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
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8", errors="strict")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"starts with a Unicode byte-order mark but is not valid Unicode text (byte {exc.start}).",
            file=path,
            fix="save the table again as 'CSV UTF-8' or as cp1252 without a byte-order mark.",
        ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel "CSV (Trennzeichen-getrennt)" on German Windows writes cp1252.
        return raw.decode("cp1252", errors="replace")


# Separators in order of preference when several read the table equally well:
# German offices write ";", so a decimal comma never wins over it.
SEPARATORS = (";", "\t", ",", "|")


def _sniff_separator(text: str, path: Path) -> str:
    """Pick the separator under which most rows fit the header, then most columns, then ";".

    A row fits when it has no filled cell beyond the header's columns. Unlike
    ``csv.Sniffer``, a header such as ``Quote (%, 31.12.)`` above rows with a
    decimal comma does not make ``,`` the separator.
    """
    sample = "\n".join(line for line in text.splitlines()[:50] if line.strip())
    scores = {}
    for sep in SEPARATORS:
        try:
            header, *rows = csv.reader(io.StringIO(sample), delimiter=sep)
        except (csv.Error, ValueError):
            continue
        if len(header) < 2:
            continue
        fits = sum(not any(cell.strip() for cell in row[len(header):]) for row in rows)
        scores[sep] = (fits, len(header), -SEPARATORS.index(sep))
    if not scores:
        raise DataError(
            "has only one column; the separator could not be recognised.",
            file=path,
            where="row 1",
            fix="separate columns with ';' or ',' or set table.separator in the spec.",
        )
    return max(scores, key=scores.__getitem__)


def _separator_fix(header: list[str], sep: str) -> str:
    """The fix for a row wider than the header: a wrong separator, or one inside a value."""
    others = [s for s in SEPARATORS if s != sep and len(header) == 1 and s in header[0]]
    if others:
        return (f"the header is one column, so the separator seems to be {others[0]!r}, not {sep!r}: "
                f"set table.separator = {others[0]!r} (or \"auto\") in the spec.")
    return f"check that the separator {sep!r} is not used inside a value without quotes."


def _records(
    body: str, sep: str, path: Path, skip_rows: int, *, complete: bool = True
) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV text into header and records, with the file row where each record starts.

    Blank rows (also rows of only separators) are skipped but keep counting, so
    that every row number is the one the user sees in an editor. ``complete``
    says whether the file ends with a line break: a last row that is shorter
    than the header in a file without one was cut off (an interrupted download
    or copy), not left with empty cells.
    """
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, skipinitialspace=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    last_width = 0
    next_line = 1
    try:
        for record in reader:
            row, next_line = skip_rows + next_line, reader.line_num + 1
            record = [cell.strip() for cell in record]
            if not any(record):
                last_width = len(header or ())  # a blank last row cut nothing off
                continue
            if header is None:
                header = record
                continue
            if len(record) > len(header):
                if any(record[len(header):]):
                    raise DataError(
                        f"has {len(record)} fields in this row but {len(header)} in the header.",
                        file=path,
                        where=f"row {row}",
                        fix=_separator_fix(header, sep),
                    )
                # Trailing separators (``1;2;3;``) hold nothing: drop them.
                record = record[: len(header)]
            last_width = len(record)
            records.append(record + [""] * (len(header) - len(record)))
            rows.append(row)
    except csv.Error as exc:
        raise DataError(
            f"cannot be read as CSV ({exc}).",
            file=path,
            where=f"row {skip_rows + reader.line_num}",
            fix="export the table again as CSV.",
        ) from exc
    if header is None:
        raise DataError("is empty.", file=path, fix="export the table again with its rows.")
    if records and not complete and last_width < len(header):
        raise DataError(
            f"ends in the middle of a row: the last row has {last_width} of {len(header)} fields "
            "and no line break follows, so the file seems cut off.",
            file=path,
            where=f"row {rows[-1]}",
            fix="export or download the table again (if the row is complete, end the file with "
            "a line break).",
        )
    return header, records, rows


def _column_names(header: list[str]) -> list[str]:
    """Header cells as column names: blanks named by position, repeats numbered as pandas does."""
    names: list[str] = []
    for pos, name in enumerate(header):
        name = name or f"Unnamed: {pos}"
        base, n = name, 0
        while name in names:
            n += 1
            name = f"{base}.{n}"
        names.append(name)
    return names


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
        When the file is empty or has no data rows, cannot be decoded, or a
        row has more (non-empty) fields than the header.
    """
    path = Path(path)
    raw = path.read_bytes()
    text = _decode(raw, encoding, path)
    lines = text.splitlines()
    if len(lines) <= skip_rows or not "".join(lines[skip_rows:]).strip():
        raise DataError("is empty.", file=path, fix="export the table again with its rows.")
    body = "\n".join(lines[skip_rows:])
    sep = _sniff_separator(body, path) if separator == "auto" else separator
    header, records, rows = _records(body, sep, path, skip_rows, complete=text.endswith(("\n", "\r")))
    if not records:
        raise DataError("has a header but no data rows.", file=path,
                        fix="export the table again with its rows, or check table.skip_rows.")
    frame = pd.DataFrame(records, columns=_column_names(header), dtype=str)
    return Table(frame=frame, path=path, separator=sep, rows=tuple(rows))


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

    def as_text(value: object, decimal: str) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, float):
            return str(value).replace(".", decimal)
        return str(value).strip()

    def column_as_text(column: pd.Series) -> pd.Series:
        # German workbooks mix real numbers (3.5) with numbers typed as text ("12,5") in one
        # column: write the real ones with the text's decimal comma so the column parses alike.
        comma = column.map(lambda v: isinstance(v, str) and "," in v).any()
        return column.map(lambda v: as_text(v, "," if comma else "."))

    # Excel numbers the header row skip_rows + 1; blank rows dropped above keep their numbers.
    rows = tuple(int(i) + skip_rows + 2 for i in frame.index)
    frame = frame.apply(column_as_text).astype(str).reset_index(drop=True)
    return Table(frame=frame, path=path, separator=None, rows=rows)


TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")


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


def guess_decimal(values: pd.Series, separator: str | None, *, whole_numbers: bool = False) -> str:
    """Guess the decimal mark of a column of number texts.

    A number holding both marks settles it: the later one is the decimal mark
    ("1.234,5" German, "1,234.5" English). Otherwise a comma anywhere means a
    decimal comma (German). Without commas, dots that only ever group
    thousands ("1.234") in a ``;``-separated file, or in a column of
    ``whole_numbers`` (case counts, residents), are read as German thousands
    separators; otherwise the dot is the decimal mark.

    Examples
    --------
    >>> guess_decimal(pd.Series(["1.204", "980"]), ";")
    ','
    >>> guess_decimal(pd.Series(["1.204", "980"]), None, whole_numbers=True)
    ','
    >>> guess_decimal(pd.Series(["1.204", "980"]), None)
    '.'
    """
    texts = values[~values.isin(MISSING_MARKERS)]
    both = texts[texts.str.contains(",", regex=False) & texts.str.contains(".", regex=False)]
    if len(both) and (both.str.rfind(".") > both.str.rfind(",")).all():
        return "."
    if texts.str.contains(",", regex=False).any():
        return ","
    dotted = texts[texts.str.contains(".", regex=False)]
    if (separator == ";" or whole_numbers) and len(dotted) and dotted.str.match(_THOUSANDS_DOT).all():
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


class TableFiles(Source):
    """CSV and XLSX tables as German offices write them, read as text with their row numbers."""

    name = "tables"
    capabilities = frozenset({TABLE})

    def claims(self, spec, path: Path) -> bool:
        """A file whose suffix is one of :data:`TABLE_SUFFIXES`."""
        return Path(path).suffix.lower() in TABLE_SUFFIXES

    def read(self, spec, path: Path) -> Table:
        """The spec's table, read with its ``table`` options (encoding, separator, sheet, …)."""
        opts = spec.table
        return read_table(path, encoding=opts.encoding, separator=opts.separator,
                          sheet=opts.sheet, skip_rows=opts.skip_rows)
