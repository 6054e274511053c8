"""Uploads: checked by content, validated whole, accepted atomically, restorable; nothing lost."""

import hashlib
import io
import zipfile

import pytest
from conftest import INDICATORS_CSV

from geodash.cli import main
from geodash.errors import DataError, ParameterError
from geodash.uploads import (
    accept_upload,
    detect_content,
    discard_upload,
    history_versions,
    restore_version,
    stage_upload,
)
from geodash.workspace import load_workspace

NEW_CSV = INDICATORS_CSV.replace("22,5", "30,0").encode("cp1252")


def digest_tree(root):
    """A fingerprint of every file in the workspace (paths and contents)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()


def zipped(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"Nr;Jahr\n01;2023\n", "csv"), (b'\xef\xbb\xbf{"type": "FeatureCollection"}', "geojson"),
     (b"SQLite format 3\x00" + b"\x00" * 100, "gpkg"),
     (zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "xlsx"),
     (zipped({"a.shp": b"x", "a.dbf": b"y"}), "zip")],
)
def test_content_type_is_detected_from_the_bytes_not_the_name(data, expected):
    assert detect_content(data) == expected


def test_binary_junk_is_refused_whatever_its_name():
    with pytest.raises(DataError, match="binary"):
        detect_content(b"\x00\x01\x02MZ\x90\x00")


def test_a_valid_upload_is_staged_without_touching_the_workspace(grid_workspace):
    before = digest_tree(grid_workspace)
    preview = stage_upload(grid_workspace, "indicators.toml", NEW_CSV, name="neu.csv")
    assert preview.rows == 15  # 8 rows × 2 indicators, one written as "." (missing)
    value = preview.dataset.indicators.query("area_key == '04' and year == 2023 and indicator == 'alq'")
    assert value["value"].iloc[0] == 30.0
    assert digest_tree(grid_workspace) == before
    discard_upload(preview)
    assert not preview.staged.exists()
    assert digest_tree(grid_workspace) == before


def test_an_invalid_upload_is_refused_naming_the_uploaded_file_and_row(grid_workspace):
    before = digest_tree(grid_workspace)
    bad = INDICATORS_CSV.replace("16,0", "sechzehn").encode("cp1252")
    with pytest.raises(DataError) as info:
        stage_upload(grid_workspace, "indicators.toml", bad, name="C:\\Users\\amt\\neu.csv")
    assert info.value.file == "neu.csv"
    assert info.value.where == "row 8"
    assert "sechzehn" in info.value.problem
    assert digest_tree(grid_workspace) == before


def test_an_upload_of_the_wrong_kind_for_the_layer_is_refused(grid_workspace):
    with pytest.raises(DataError, match="GEOJSON"):
        stage_upload(grid_workspace, "indicators.toml", b'{"type": "FeatureCollection", "features": []}')


def test_uploads_over_the_size_limit_are_refused(grid_workspace):
    with pytest.raises(DataError, match="limit"):
        stage_upload(grid_workspace, "indicators.toml", NEW_CSV, max_bytes=100)


def test_only_indicator_and_site_layers_take_uploads(grid_workspace):
    with pytest.raises(ParameterError):
        stage_upload(grid_workspace, "areas.toml", NEW_CSV)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/evil.shp", "a/../../b.shp"])
def test_zip_entries_that_escape_the_archive_are_refused(grid_workspace, name):
    with pytest.raises(DataError, match="outside the archive"):
        stage_upload(grid_workspace, "sites.toml", zipped({name: b"x", "ok.shp": b"y"}))


def test_zip_bombs_are_refused(grid_workspace):
    bomb = zipped({"big.shp": b"\x00" * 2_000_000})
    with pytest.raises(DataError, match="zip bomb|limit"):
        stage_upload(grid_workspace, "sites.toml", bomb)


def test_accepting_keeps_the_previous_version_and_the_new_dataset_loads(grid_workspace):
    original = (grid_workspace / "data" / "ind.csv").read_bytes()
    preview = stage_upload(grid_workspace, "indicators.toml", NEW_CSV)
    change = accept_upload(preview, grid_workspace, by="anna", upload="neu.csv")
    assert (grid_workspace / change.kept).read_bytes() == original
    assert change.kept.startswith("history/data/ind.csv/")
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == NEW_CSV
    ds = load_workspace(grid_workspace, cache=False)
    assert ds.indicators.query("area_key == '04' and year == 2023 and indicator == 'alq'")[
        "value"].iloc[0] == 30.0


class Crash(Exception):
    pass


@pytest.mark.parametrize("crash_after", ["kept previous version", "kept new version",
                                         "wrote temporary file"])
def test_a_crash_between_steps_leaves_the_data_file_exactly_as_it_was(grid_workspace, crash_after):
    original = (grid_workspace / "data" / "ind.csv").read_bytes()
    preview = stage_upload(grid_workspace, "indicators.toml", NEW_CSV)

    def crash(step):
        if step == crash_after:
            raise Crash(step)

    with pytest.raises(Crash):
        accept_upload(preview, grid_workspace, by="anna", after_step=crash)
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == original
    assert not list((grid_workspace / "data").glob(".ind.csv.*.part"))
    load_workspace(grid_workspace, cache=False)  # still a valid workspace
    discard_upload(preview)


def test_a_crash_after_the_rename_leaves_the_new_file_complete(grid_workspace):
    preview = stage_upload(grid_workspace, "indicators.toml", NEW_CSV)

    def crash(step):
        if step == "renamed":
            raise Crash(step)

    with pytest.raises(Crash):
        accept_upload(preview, grid_workspace, by="anna", after_step=crash)
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == NEW_CSV
    discard_upload(preview)


def test_restore_brings_back_the_previous_version_and_keeps_the_replaced_one(grid_workspace):
    original = (grid_workspace / "data" / "ind.csv").read_bytes()
    accept_upload(stage_upload(grid_workspace, "indicators.toml", NEW_CSV), grid_workspace, by="anna")
    restore_version(grid_workspace, "data/ind.csv", by="bert")
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == original
    # both versions are in the history: nothing is ever lost
    contents = {p.read_bytes() for p in history_versions(grid_workspace, "data/ind.csv")}
    assert contents == {original, NEW_CSV}


def test_cli_restore_lists_and_restores(grid_workspace, capsys):
    original = (grid_workspace / "data" / "ind.csv").read_bytes()
    accept_upload(stage_upload(grid_workspace, "indicators.toml", NEW_CSV), grid_workspace, by="anna")
    assert main(["restore", "data/ind.csv", str(grid_workspace), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "original" in listing and "anna" in listing
    assert main(["restore", "data/ind.csv", str(grid_workspace)]) == 0
    assert (grid_workspace / "data" / "ind.csv").read_bytes() == original


def test_cli_restore_without_history_is_a_usage_error(grid_workspace, capsys):
    assert main(["restore", "data/ind.csv", str(grid_workspace)]) == 2
    assert "no previous version" in capsys.readouterr().err
