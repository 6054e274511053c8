"""History per data file: a manifest of whole copies, retention, restore that checks the hash."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from conftest import INDICATORS_CSV, INDICATORS_TOML

from geodash.cli import main
from geodash.errors import DataError, ParameterError
from geodash.uploads import (
    LayerHistory,
    accept_upload,
    prune_history,
    recover_workspace,
    restore_version,
    stage_upload,
)

ORIGINAL = INDICATORS_CSV.encode("cp1252")


def version_csv(n: int) -> bytes:
    """The grid's indicator table with Südost's 2023 children count set to ``n`` (one file per n)."""
    return INDICATORS_CSV.replace("2.100", str(n)).encode("cp1252")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def accept(workspace, data: bytes, by: str = "anna", layer: str = "indicators.toml", name: str = "neu.csv"):
    return accept_upload(stage_upload(workspace, layer, data), workspace, by=by, upload=name)


def set_history(workspace, **settings) -> None:
    lines = ['kind = "workspace"', "[history]"] + [f"{k} = {v}" for k, v in settings.items()]
    (workspace / "layers" / "workspace.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_manifest_records_time_size_hash_who_and_which_upload(grid_workspace):
    accept(grid_workspace, version_csv(3000), by="anna", name="Indikatoren 2024.csv")

    manifest = json.loads((grid_workspace / "history/data/ind.csv/manifest.json").read_text("utf-8"))
    first, second = manifest["versions"]
    assert manifest["data_file"] == "data/ind.csv"
    assert (first["action"], first["by"], first["sha256"], first["size"]) == (
        "original", "", sha(ORIGINAL), len(ORIGINAL))
    assert (second["action"], second["by"], second["upload"]) == ("accepted", "anna", "Indikatoren 2024.csv")
    assert (second["sha256"], second["size"]) == (sha(version_csv(3000)), len(version_csv(3000)))
    assert datetime.fromisoformat(second["time"]).tzinfo is not None
    for entry in manifest["versions"]:
        copy = grid_workspace / "history/data/ind.csv" / entry["file"]
        assert sha(copy.read_bytes()) == entry["sha256"]


def test_two_data_files_of_one_name_keep_separate_histories(grid_workspace):
    # geodata/indikatoren.csv and extra/indikatoren.csv: the flat history mixed them up.
    (grid_workspace / "extra").mkdir()
    shutil.copy(grid_workspace / "data/ind.csv", grid_workspace / "extra/ind.csv")
    (grid_workspace / "layers/extra.toml").write_text(
        INDICATORS_TOML.replace('file = "data/ind.csv"', 'file = "extra/ind.csv"')
        .replace('id = "alq"', 'id = "alq2"').replace('id = "kinder"', 'id = "kinder2"'), encoding="utf-8")
    accept(grid_workspace, version_csv(3000), layer="indicators.toml")
    accept(grid_workspace, version_csv(4000), layer="extra.toml")

    restore_version(grid_workspace, "extra/ind.csv", by="bert")

    assert (grid_workspace / "extra/ind.csv").read_bytes() == ORIGINAL
    assert (grid_workspace / "data/ind.csv").read_bytes() == version_csv(3000)
    ours = {e.sha256 for e in LayerHistory(grid_workspace, "data/ind.csv").entries()}
    theirs = {e.sha256 for e in LayerHistory(grid_workspace, "extra/ind.csv").entries()}
    assert sha(version_csv(4000)) in theirs and sha(version_csv(4000)) not in ours
    assert sha(version_csv(3000)) in ours and sha(version_csv(3000)) not in theirs


def test_restore_refuses_a_damaged_copy_naming_the_history_file_and_version(grid_workspace, capsys):
    accept(grid_workspace, version_csv(3000))
    original = LayerHistory(grid_workspace, "data/ind.csv").entries()[0]
    copy = grid_workspace / "history/data/ind.csv" / original.file
    copy.write_bytes(ORIGINAL[: len(ORIGINAL) // 2])  # truncated, as shutil.copy2 left them

    with pytest.raises(DataError) as info:
        restore_version(grid_workspace, "data/ind.csv", original.version, by="bert")

    assert info.value.file == f"history/data/ind.csv/{original.file}"
    assert "damaged" in info.value.problem and "--version" in info.value.fix
    assert (grid_workspace / "data/ind.csv").read_bytes() == version_csv(3000)
    assert main(["restore", "data/ind.csv", str(grid_workspace), "--version", original.version]) == 1
    err = capsys.readouterr().err
    assert f"history/data/ind.csv/{original.file}" in err and "--version" in err and "/tmp" not in err


def test_restore_of_a_version_picks_exactly_that_one_and_records_who(grid_workspace):
    for n in (3000, 4000, 5000):
        accept(grid_workspace, version_csv(n))
    history = LayerHistory(grid_workspace, "data/ind.csv")
    wanted = next(e for e in history.entries() if e.sha256 == sha(version_csv(4000)))

    change = restore_version(grid_workspace, "data/ind.csv", wanted.version, by="bert")

    assert (grid_workspace / "data/ind.csv").read_bytes() == version_csv(4000)
    assert (change.current.action, change.current.by, change.current.upload) == (
        "restored", "bert", wanted.version)
    assert history.current().version == change.current.version


def test_an_unknown_version_is_a_usage_error_listing_the_newest(grid_workspace):
    accept(grid_workspace, version_csv(3000))
    with pytest.raises(ParameterError, match="--list"):
        restore_version(grid_workspace, "data/ind.csv", "20000101T000000000000Z", by="bert")


def test_a_file_changed_by_hand_is_kept_before_it_is_replaced(grid_workspace):
    accept(grid_workspace, version_csv(3000))
    (grid_workspace / "data/ind.csv").write_bytes(version_csv(3500))  # someone edited it in Excel
    accept(grid_workspace, version_csv(4000))

    entries = LayerHistory(grid_workspace, "data/ind.csv").entries()
    assert [e.action for e in entries] == ["original", "accepted", "changed outside geodash", "accepted"]
    assert entries[2].sha256 == sha(version_csv(3500))


@pytest.mark.parametrize(("settings", "left"), [
    ({"keep_versions": 2}, [5000, 6000]),
    ({"keep_versions": 0}, [0, 3000, 4000, 5000, 6000]),  # 0: the original, written as 0
    ({"keep_versions": 0, "keep_days": 1}, [6000]),  # all but the current are backdated
])
def test_prune_keeps_what_the_retention_settings_say_and_always_the_current(grid_workspace, settings,
                                                                            left):
    set_history(grid_workspace, keep_versions=0)
    for n in (3000, 4000, 5000, 6000):
        accept(grid_workspace, version_csv(n))
    history = LayerHistory(grid_workspace, "data/ind.csv")
    old = datetime.now(UTC) - timedelta(days=3)
    backdated = [e.__class__(**{**e.__dict__, "time": old.isoformat()}) if e.sha256 != sha(version_csv(6000))
                 else e for e in history.entries()]
    history._write(backdated)
    set_history(grid_workspace, **settings)

    prune_history(grid_workspace)

    expected = {sha(ORIGINAL if n == 0 else version_csv(n)) for n in left}
    entries = history.entries()
    assert {e.sha256 for e in entries} == expected
    files = sorted(p.name for p in history.folder.iterdir())
    assert files == sorted([e.file for e in entries] + ["manifest.json"])


def test_the_default_retention_keeps_twenty_versions_after_each_accept(grid_workspace):
    for n in range(3000, 3022):
        accept(grid_workspace, version_csv(n))
    entries = LayerHistory(grid_workspace, "data/ind.csv").entries()
    assert len(entries) == 20 and entries[-1].sha256 == sha(version_csv(3021))


def test_cli_history_list_and_prune(grid_workspace, capsys):
    set_history(grid_workspace, keep_versions=0)
    for n in (3000, 4000, 5000):
        accept(grid_workspace, version_csv(n))
    assert main(["history", "list", str(grid_workspace)]) == 0
    listing = capsys.readouterr().out
    assert "data/ind.csv" in listing and listing.count("anna") == 3 and "original" in listing
    set_history(grid_workspace, keep_versions=1)
    assert main(["history", "prune", str(grid_workspace)]) == 0
    assert "data/ind.csv: 3 version(s) deleted" in capsys.readouterr().out
    assert len(LayerHistory(grid_workspace, "data/ind.csv").entries()) == 1


def test_recovery_removes_parts_and_unlisted_copies_but_keeps_listed_ones(grid_workspace):
    accept(grid_workspace, version_csv(3000))
    folder = grid_workspace / "history/data/ind.csv"
    listed = sorted(p.name for p in folder.iterdir())
    (grid_workspace / "data/.ind.csv.abc123.part").write_bytes(b"half")
    (folder / ".20990101T000000000000Z.csv.x.part").write_bytes(b"half")
    (folder / "20990101T000000000000Z.csv").write_bytes(b"written, but no entry yet")

    recover_workspace(grid_workspace)

    assert not list(grid_workspace.rglob("*.part"))
    assert sorted(p.name for p in folder.iterdir()) == listed


def test_the_old_flat_history_is_migrated_when_the_owner_is_unambiguous(grid_workspace):
    legacy = grid_workspace / "geodata" / "history"
    legacy.mkdir(parents=True)
    (legacy / "ind.20250101T120000000000Z.csv").write_bytes(version_csv(2500))
    (legacy / "other.20250101T120000000000Z.csv").write_bytes(b"x")

    notes = recover_workspace(grid_workspace)

    (entry,) = LayerHistory(grid_workspace, "data/ind.csv").entries()
    assert (entry.action, entry.sha256, entry.time[:10]) == ("migrated", sha(version_csv(2500)), "2025-01-01")
    assert notes == ["geodata/history/other.20250101T120000000000Z.csv: matches no data file"]
    assert not (legacy / "ind.20250101T120000000000Z.csv").exists()
