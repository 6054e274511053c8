"""Reading CSV and XLSX tables as German offices write them, and parsing their numbers."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from geodash.errors import DataError
from geodash.sources import guess_decimal, parse_numbers, read_table

EXPECTED = pd.DataFrame(
    {"Nr": ["01", "02", "10"], "Name": ["Südstadt", "Nördliche Vorstadt", "Oggersheim"],
     "Wert": ["12,5", "3,0", "1.234,5"]},
    dtype=str,
)


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def german_csv(sep: str = ";") -> str:
    rows = [["Nr", "Name", "Wert"], *EXPECTED.to_numpy().tolist()]
    return "".join(sep.join(row) + "\r\n" for row in rows)


def xlsx(path, rows: list[list[object]], title: str | None = None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daten"
    if title is not None:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# --- encodings and separators ---


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [
        pytest.param("cp1252", ";", id="excel-windows-cp1252"),
        pytest.param("utf-8-sig", ";", id="utf8-with-bom"),
        pytest.param("utf-8", ";", id="utf8"),
        pytest.param("utf-8", "\t", id="tab-separated"),
        pytest.param("latin-1", "|", id="latin1-pipe"),
    ],
)
def test_german_csv_variants_give_the_same_text_frame(tmp_path, encoding, sep):
    path = write(tmp_path / "tabelle.csv", german_csv(sep), encoding)

    table = read_table(path)

    assert table.separator == sep
    assert_frame_equal(table.frame, EXPECTED)


def test_english_csv_with_comma_separator_and_decimal_point(tmp_path):
    path = write(tmp_path / "table.csv", 'key,name,value\n01,"Mitte, Nord",12.5\n02,Süd,3\n')

    table = read_table(path)

    assert table.separator == ","
    assert table.frame["name"].tolist() == ["Mitte, Nord", "Süd"]
    numbers, _, _ = parse_numbers(table.frame["value"], guess_decimal(table.frame["value"], ","))
    assert numbers.tolist() == [12.5, 3.0]


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("auto", "auto"), ("cp1252", ";"), ("latin-1", "auto")],
)
def test_encoding_and_separator_can_be_named(tmp_path, encoding, separator):
    path = write(tmp_path / "tabelle.csv", german_csv(), "cp1252")

    table = read_table(path, encoding=encoding, separator=separator)

    assert table.frame["Name"].tolist() == EXPECTED["Name"].tolist()


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        pytest.param("Nr;Anteil (in %, gerundet)\n01;12,5\n02;3,5\n", ";", id="comma-in-header"),
        pytest.param("Nr;Name;Quote (%, 31.12.)\n1;Mitte;12,5\n2;Süd;3,1\n", ";",
                     id="comma-in-header-more-columns"),
        pytest.param('key,name,value\n01,"Mitte; Nord",12.5\n', ",", id="semicolon-in-quotes"),
        pytest.param("Nr;Jahr;X\n1;2022;5;\n", ";", id="trailing-separator"),
        pytest.param("Nr|X\n1|2,5\n", "|", id="pipe"),
    ],
)
def test_separator_is_recognised_when_cells_hold_other_separators(tmp_path, text, sep):
    assert read_table(write(tmp_path / "t.csv", text)).separator == sep


def test_wrong_named_encoding_is_a_data_error(tmp_path):
    path = write(tmp_path / "tabelle.csv", german_csv(), "cp1252")

    with pytest.raises(DataError) as info:
        read_table(path, encoding="utf-8")

    assert info.value.file == str(path)
    assert "is not utf-8 text" in info.value.problem


def test_bom_does_not_stick_to_the_first_column_name(tmp_path):
    path = write(tmp_path / "t.csv", "Nr;Wert\n01;1\n", "utf-8-sig")

    assert list(read_table(path).frame.columns) == ["Nr", "Wert"]


def test_keys_keep_their_leading_zeros(tmp_path):
    path = write(tmp_path / "t.csv", "Nr;Wert\n01;1\n007;2\n0;3\n")

    assert read_table(path).frame["Nr"].tolist() == ["01", "007", "0"]


def test_cells_and_headers_are_stripped(tmp_path):
    path = write(tmp_path / "t.csv", " Nr ; Name \n 01 ;  Mitte \n")

    table = read_table(path)

    assert list(table.frame.columns) == ["Nr", "Name"]
    assert table.frame.iloc[0].tolist() == ["01", "Mitte"]


def test_trailing_separators_hold_no_column(tmp_path):
    # Excel writes a ';' after the last cell when later columns were once used.
    path = write(tmp_path / "t.csv", "Nr;Jahr;Wert\n1;2022;5;\n2;2022;6;;\n")

    frame = read_table(path).frame

    assert_frame_equal(frame, pd.DataFrame(
        {"Nr": ["1", "2"], "Jahr": ["2022", "2022"], "Wert": ["5", "6"]}, dtype=str))


def test_short_rows_are_filled_with_empty_cells(tmp_path):
    path = write(tmp_path / "t.csv", "Nr;Jahr;Wert\n1;2022\n")

    assert read_table(path).frame.iloc[0].tolist() == ["1", "2022", ""]


# --- numbers: decimal comma, thousands separators, missing markers ---


@pytest.mark.parametrize(
    ("texts", "separator", "expected"),
    [
        pytest.param(["12,5", "3"], ";", [12.5, 3.0], id="decimal-comma"),
        pytest.param(["1.234,5", "2,0"], ";", [1234.5, 2.0], id="thousands-dot-and-comma"),
        pytest.param(["1.234", "12.000"], ";", [1234.0, 12000.0], id="thousands-dot-in-semicolon-file"),
        pytest.param(["1.234", "2.5"], ";", [1.234, 2.5], id="a-real-decimal-point-wins"),
        pytest.param(["1.234"], ",", [1.234], id="dot-is-decimal-in-comma-file"),
        pytest.param(["1,234.5", "12.5"], ",", [1234.5, 12.5], id="english-thousands-comma"),
        pytest.param(["1.234,5", "12,5"], ",", [1234.5, 12.5], id="german-in-comma-file"),
        pytest.param(["12.5", "-3"], None, [12.5, -3.0], id="xlsx-decimal-point"),
        pytest.param(["1 234,5", "1\u00a0000"], ";", [1234.5, 1000.0], id="space-thousands"),
        pytest.param(["12,5 %", "+7"], ";", [12.5, 7.0], id="percent-sign-and-plus"),
    ],
)
def test_numbers_are_parsed_with_the_guessed_decimal_mark(texts, separator, expected):
    values = pd.Series(texts, dtype=str)

    numbers, missing, bad = parse_numbers(values, guess_decimal(values, separator))

    assert numbers.tolist() == pytest.approx(expected)
    assert not missing.any() and not bad.any()


@pytest.mark.parametrize("marker", [".", "-", "x", "", "–", "/", "k.A."])
def test_missing_markers_are_nan_and_flagged_missing_not_bad(marker):
    numbers, missing, bad = parse_numbers(pd.Series(["5,5", marker], dtype=str), ",")

    assert numbers.iloc[0] == 5.5
    assert pd.isna(numbers.iloc[1])
    assert missing.tolist() == [False, True]
    assert not bad.any()


@pytest.mark.parametrize("text", ["abc", "12,5,3", "1O"])
def test_text_that_is_no_number_is_flagged_bad(text):
    numbers, missing, bad = parse_numbers(pd.Series(["1", text], dtype=str), ",")

    assert bad.tolist() == [False, True]
    assert not missing.any()
    assert pd.isna(numbers.iloc[1])


def test_missing_markers_do_not_sway_the_decimal_guess():
    assert guess_decimal(pd.Series([".", "1.234", "-"], dtype=str), ";") == ","


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_german_formatted_numbers_parse_back(whole, cents):
    value = whole + (cents / 100 if whole >= 0 else -cents / 100)
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")

    numbers, _, bad = parse_numbers(pd.Series([text], dtype=str), ",")

    assert not bad.any()
    assert numbers.iloc[0] == pytest.approx(value)


# --- row numbers: the row a user sees in the editor or Excel (header = row 1) ---


@pytest.mark.parametrize(
    ("text", "skip_rows", "rows"),
    [
        pytest.param("Nr;W\n1;a\n2;b\n3;c\n", 0, (2, 3, 4), id="plain"),
        pytest.param("Titel\nStand 2023\nNr;W\n1;a\n2;b\n", 2, (4, 5), id="title-rows-skipped"),
        pytest.param("Nr;W\n1;a\n\n2;b\n", 0, (2, 4), id="blank-line-counts"),
        pytest.param("Nr;W\n1;a\n;\n2;b\n", 0, (2, 4), id="row-of-separators-counts"),
        pytest.param('Nr;W\n1;"zwei\nZeilen"\n2;b\n', 0, (2, 4), id="quoted-line-break"),
    ],
)
def test_row_numbers_are_the_rows_seen_in_the_editor(tmp_path, text, skip_rows, rows):
    table = read_table(write(tmp_path / "t.csv", text), skip_rows=skip_rows)

    assert table.rows == rows
    assert table.row_number(len(rows) - 1) == rows[-1]


def test_a_row_with_too_many_fields_names_its_row(tmp_path):
    path = write(tmp_path / "t.csv", "Nr;Jahr;Wert\n1;2022;5\n2;2022;6;7\n3;2022;8\n")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert (info.value.file, info.value.where) == (str(path), "row 3")
    assert "4 fields in this row but 3 in the header" in info.value.problem
    assert "\n" not in info.value.message


def test_every_row_with_one_field_too_many_is_an_error_not_a_shifted_table(tmp_path):
    path = write(tmp_path / "t.csv", "Nr;Jahr;Wert\n1;2022;5;9\n2;2022;6;9\n")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert info.value.where == "row 2"


def test_too_many_fields_after_skipped_rows_counts_the_skipped_rows(tmp_path):
    path = write(tmp_path / "t.csv", "Titel\nNr;Wert\n1;5\n2;6;7\n")

    with pytest.raises(DataError) as info:
        read_table(path, skip_rows=1)

    assert info.value.where == "row 4"


# --- files that hold no table ---


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b"   \n", b"\xef\xbb\xbf"])
def test_empty_file_is_a_data_error(tmp_path, content):
    path = tmp_path / "leer.csv"
    path.write_bytes(content)

    with pytest.raises(DataError) as info:
        read_table(path)

    assert info.value.file == str(path)
    assert info.value.problem == "is empty."


def test_file_with_only_a_header_is_a_data_error(tmp_path):
    path = write(tmp_path / "kopf.csv", "Nr;Jahr;Wert\r\n")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert info.value.file == str(path)
    assert "no data rows" in info.value.problem


def test_file_with_one_column_cannot_be_split(tmp_path):
    path = write(tmp_path / "t.csv", "Nr\n01\n02\n")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert "only one column" in info.value.problem


@pytest.mark.parametrize(("suffix", "problem"), [(".xls", "old Excel .xls"), (".ods", "'.ods'")])
def test_unsupported_table_suffix_is_named(tmp_path, suffix, problem):
    path = tmp_path / f"t{suffix}"
    path.write_bytes(b"whatever")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert problem in info.value.problem


# --- XLSX ---


def test_xlsx_with_title_row_numeric_and_text_cells(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Name", "Jahr", "Wert"],
                                      [1.0, "Mitte", 2022, 12.5],
                                      ["02", "Süd", 2022.0, 3]], title="Sozialindikatoren 2022")

    table = read_table(path, skip_rows=1)

    assert table.separator is None
    assert_frame_equal(table.frame, pd.DataFrame(
        {"Nr": ["1", "02"], "Name": ["Mitte", "Süd"], "Jahr": ["2022", "2022"],
         "Wert": ["12.5", "3"]}, dtype=str))
    assert table.rows == (3, 4)


def test_xlsx_numbers_beside_text_numbers_with_decimal_comma_parse_alike(tmp_path):
    # Some cells typed as text "12,5", others real numbers 3.5: both must keep their value.
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Wert"], [1, "12,5"], [2, 3.5], [3, "1.234,5"]])

    values = read_table(path).frame["Wert"]
    numbers, _, bad = parse_numbers(values, guess_decimal(values, None))

    assert numbers.tolist() == [12.5, 3.5, 1234.5]
    assert not bad.any()


def test_xlsx_blank_rows_keep_the_excel_row_numbers(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Wert"], [1, 5], [None, None], [2, "abc"]])

    table = read_table(path)

    assert table.rows == (2, 4)
    assert table.frame["Wert"].tolist() == ["5", "abc"]


def test_xlsx_sheet_by_name(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Wert"], [1, 5]])

    assert read_table(path, sheet="Daten").frame["Nr"].tolist() == ["1"]


def test_xlsx_unknown_sheet_is_a_data_error(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Wert"], [1, 5]])

    with pytest.raises(DataError) as info:
        read_table(path, sheet="Tabelle9")

    assert info.value.file == str(path)
    assert "table.sheet" in info.value.fix


def test_xlsx_with_only_a_header_is_a_data_error(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Nr", "Wert"]])

    with pytest.raises(DataError) as info:
        read_table(path)

    assert "no data rows" in info.value.problem


def test_damaged_xlsx_is_a_data_error(tmp_path):
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")

    with pytest.raises(DataError) as info:
        read_table(path)

    assert info.value.file == str(path)


def test_xlsx_and_csv_of_the_same_table_give_the_same_frame(tmp_path):
    csv_table = read_table(write(tmp_path / "t.csv", "Nr;Name\n01;Mitte\n02;Süd\n"))
    xlsx_table = read_table(xlsx(tmp_path / "t.xlsx", [["Nr", "Name"], ["01", "Mitte"],
                                                       ["02", "Süd"]]))

    assert_frame_equal(csv_table.frame, xlsx_table.frame)
    assert_series_equal(csv_table.frame["Nr"], xlsx_table.frame["Nr"])
