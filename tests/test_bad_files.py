"""Files that break the one-message rule (issue 13, item 6): each is refused before it is read.

A folder, a FIFO or a device named as the data file, a link out of the
workspace, a TOML file with a byte-order mark, a Shapefile without its parts, a
repeated column header, an unclosed CSV quote and a table larger than the limit
each end in one typed error naming the file (as the spec writes it) and the fix;
``geodash validate`` prints that one line.
"""

from __future__ import annotations

import os
import signal
import tracemalloc
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from conftest import INDICATORS_CSV
from test_bad_inputs import BadInput, indicators_csv, spec, write_indicators

from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import DataError, GeodashError, SpecError
from geodash.sources.files import check_readable

SECRET = "GEHEIM;Passwort;nur-fuer-den-server"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the workspace holding a file whose first line must never be shown."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.csv").write_text(SECRET + "\n1;2;3\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _never_hang():
    """A regression that reads a FIFO would block for ever: fail after 60 s instead."""
    def stop(*_):
        raise TimeoutError("reading blocked: a FIFO was opened")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def indicators_file_is(ws: Path, name: str) -> None:
    spec(ws, "indicators.toml", 'file = "data/ind.csv"', f'file = "{name}"')


def settings(ws: Path, text: str) -> None:
    (ws / "layers" / "workspace.toml").write_text('kind = "workspace"\n' + text, encoding="utf-8")


def fifo_as_indicators(ws: Path) -> None:
    os.mkfifo(ws / "data" / "pipe.csv")
    indicators_file_is(ws, "data/pipe.csv")


def link_out(ws: Path) -> None:
    (ws / "data" / "linked.csv").symlink_to(ws.parent / "outside" / "secret.csv")
    indicators_file_is(ws, "data/linked.csv")


def folder_link_out(ws: Path) -> None:
    (ws / "data" / "extern").symlink_to(ws.parent / "outside", target_is_directory=True)
    indicators_file_is(ws, "data/extern/secret.csv")


def device_as_indicators(ws: Path) -> None:
    (ws / "data" / "null.csv").symlink_to("/dev/null")
    indicators_file_is(ws, "data/null.csv")
    settings(ws, "[files]\nallow_outside_workspace = true\n")


def grid_as_shapefile_without(suffix: str):
    def breaks(ws: Path) -> None:
        grid = gpd.read_file(ws / "data" / "grid.geojson")
        grid.to_file(ws / "data" / "grid.shp")
        (ws / "data" / f"grid{suffix}").unlink()
        spec(ws, "areas.toml", 'file = "data/grid.geojson"', 'file = "data/grid.shp"')
    return breaks


def repeated_header(ws: Path) -> None:
    write_indicators(ws, INDICATORS_CSV.replace("Nr;Name;Jahr;Arbeitslosenquote;Kinder",
                                                "Nr;Name;Jahr;Arbeitslosenquote;Arbeitslosenquote", 1))


def repeated_header_in_xlsx(ws: Path) -> None:
    book = openpyxl.Workbook()
    for line in INDICATORS_CSV.replace("Name;Jahr", "Jahr;Jahr").splitlines():
        book.active.append(line.split(";"))
    book.save(ws / "data" / "ind.xlsx")
    indicators_file_is(ws, "data/ind.xlsx")


def unclosed_quote(ws: Path) -> None:
    write_indicators(ws, INDICATORS_CSV.replace("3;Südwest;2022", '3;"Südwest;2022', 1))


def one_line_csv_of(size: int):
    """A table of ``size`` bytes without a line break, written sparse (it takes no disk)."""
    def breaks(ws: Path) -> None:
        with indicators_csv(ws).open("wb") as out:
            out.write(b"Nr;Name;Jahr;Arbeitslosenquote;Kinder;")
            out.truncate(size)
    return breaks


BAD_FILES = [
    BadInput("folder-as-data-file", DataError, "data", "is a folder, not a file",
             lambda ws: indicators_file_is(ws, "data")),
    BadInput("fifo-as-data-file", DataError, "pipe.csv", "is a named pipe (FIFO), not a file",
             fifo_as_indicators),
    BadInput("device-as-data-file", DataError, "null.csv", "is a character device", device_as_indicators),
    BadInput("link-out-of-the-workspace", DataError, "linked.csv", "leads outside the workspace", link_out),
    BadInput("folder-link-out-of-the-workspace", DataError, "secret.csv", "leads outside the workspace",
             folder_link_out),
    BadInput("shapefile-without-dbf", DataError, "grid.shp", "without its .dbf file",
             grid_as_shapefile_without(".dbf")),
    BadInput("shapefile-without-shx", DataError, "grid.shp", "without its .shx file",
             grid_as_shapefile_without(".shx")),
    BadInput("repeated-column-header", DataError, "ind.csv",
             "has the column 'Arbeitslosenquote' twice (columns 4 and 5)", repeated_header),
    BadInput("repeated-column-header-in-xlsx", DataError, "ind.xlsx", "has the column 'Jahr' twice",
             repeated_header_in_xlsx),
    BadInput("unclosed-csv-quote", DataError, "ind.csv", "never closed", unclosed_quote),
    BadInput("one-gigabyte-one-line-csv", DataError, "ind.csv", "more than the 50 MB a table may have",
             one_line_csv_of(1024 ** 3)),
    BadInput("table-over-a-small-limit", DataError, "ind.csv", "bytes, more than the 0.0001 MB",
             lambda ws: settings(ws, "[files]\nmax_table_mb = 0.0001\n")),
    BadInput("spec-that-is-a-folder", SpecError, "extra.toml", "is not a file",
             lambda ws: (ws / "layers" / "extra.toml").mkdir()),
]


@pytest.mark.filterwarnings("error")  # a warning would be a second line on stderr
@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.id for bad in BAD_FILES])
def test_bad_file_is_refused_with_one_message_naming_it_and_the_fix(grid_workspace, outside, capsys, bad):
    bad.breaks(grid_workspace)

    with pytest.raises(GeodashError) as info:
        build_dataset(load_catalog(grid_workspace))

    error = info.value
    assert type(error) is bad.error, error.message
    assert Path(error.file).name == bad.file, error.message
    assert bad.says in error.message, error.message
    assert error.fix, error.message
    assert "GEHEIM" not in error.message and str(outside) not in error.message
    assert main(["validate", str(grid_workspace)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err == f"geodash: error: {error.message}\n"


def test_a_file_reached_through_a_link_is_named_as_the_spec_writes_it(grid_workspace, outside):
    link_out(grid_workspace)

    with pytest.raises(DataError) as info:
        load_catalog(grid_workspace)

    assert info.value.file == str(grid_workspace / "data" / "linked.csv")
    assert info.value.where == "key file of layers/indicators.toml"
    assert "secret" not in info.value.message


def test_a_link_out_of_the_workspace_is_followed_when_the_settings_allow_it(grid_workspace, outside):
    (outside / "ind.csv").write_bytes(indicators_csv(grid_workspace).read_bytes())
    (grid_workspace / "data" / "geteilt.csv").symlink_to(outside / "ind.csv")
    indicators_file_is(grid_workspace, "data/geteilt.csv")
    settings(grid_workspace, "[files]\nallow_outside_workspace = true\n")

    dataset = build_dataset(load_catalog(grid_workspace))

    assert len(dataset.indicators) == 15  # 16 cells, one of them '.' (missing)


def test_a_link_that_stays_inside_the_workspace_is_followed(grid_workspace):
    (grid_workspace / "data" / "aktuell.csv").symlink_to("ind.csv")
    indicators_file_is(grid_workspace, "data/aktuell.csv")

    dataset = build_dataset(load_catalog(grid_workspace))

    assert len(dataset.indicators) == 15


def test_a_spec_saved_with_a_utf8_byte_order_mark_is_read(grid_workspace):
    path = grid_workspace / "layers" / "indicators.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    dataset = build_dataset(load_catalog(grid_workspace))

    assert set(dataset.indicators["indicator"]) == {"alq", "kinder"}


def test_an_unclosed_quote_is_named_at_the_row_where_it_opens(grid_workspace):
    unclosed_quote(grid_workspace)

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(grid_workspace))

    assert info.value.where == "row 4"
    assert "CSV parse error" in info.value.problem


def test_quoted_values_with_separators_quotes_and_line_breaks_still_read(grid_workspace):
    write_indicators(grid_workspace, INDICATORS_CSV.replace(
        "3;Südwest;2022", '3;"Süd; ""West""\nam Rhein";2022', 1))

    dataset = build_dataset(load_catalog(grid_workspace))

    assert len(dataset.indicators) == 15


def test_a_one_gigabyte_table_is_refused_without_reading_it(grid_workspace):
    one_line_csv_of(1024 ** 3)(grid_workspace)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="1,024.0 MB"):
            load_catalog(grid_workspace)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 5 * 1024 ** 2


def test_an_xlsx_is_measured_by_its_unpacked_size(tmp_path):
    book = openpyxl.Workbook()
    for _ in range(2000):
        book.active.append(["0" * 50] * 10)  # compresses to almost nothing
    path = tmp_path / "gross.xlsx"
    book.save(path)
    assert path.stat().st_size < 0.5 * 1024 ** 2

    with pytest.raises(DataError, match="more than the 0.5 MB"):
        check_readable(path, tmp_path, max_table_mb=0.5)


def test_a_parent_names_table_that_is_a_folder_is_refused(grid_workspace):
    (grid_workspace / "data" / "bezirke.csv").mkdir()
    spec(grid_workspace, "areas.toml", 'parent = "bezirk"\n', "")
    path = grid_workspace / "layers" / "areas.toml"
    path.write_text(path.read_text(encoding="utf-8") + '[parent]\ncolumn = "bezirk"\n'
                    'names = { file = "data/bezirke.csv", key = "nr", name = "name" }\n', encoding="utf-8")

    with pytest.raises(DataError) as info:
        build_dataset(load_catalog(grid_workspace))

    assert info.value.file == str(grid_workspace / "data" / "bezirke.csv")
    assert "is a folder" in info.value.problem
