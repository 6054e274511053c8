"""The command line: exit 0 on success, 1 on bad data, 2 on bad usage; one line on stderr, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geodash.catalog import load_catalog
from geodash.cli import main


def break_areas(workspace):
    path = workspace / "data" / "grid.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


def error_lines(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


# --- validate and info ---


def test_validate_reports_layers_and_findings(grid_workspace, capsys):
    assert main(["validate", str(grid_workspace)]) == 0

    out = capsys.readouterr().out
    assert f"Workspace {grid_workspace.resolve()}: valid." in out
    assert "data/grid.geojson" in out and "4 rows/features read" in out
    assert "0 repaired, 0 left out, 2 notice(s)." in out
    assert "[notice] ind.csv, indicator kinder: 1 value(s) marked as missing" in out


def test_info_lists_counts_zones_and_indicator_years(grid_workspace, capsys):
    assert main(["info", str(grid_workspace)]) == 0

    out = capsys.readouterr().out
    assert "Districts:  4 in 2 boroughs  (population 10,000)" in out  # the default area words
    assert "Sites:      4 in 2 categories" in out
    assert "West (Soziale Stadt since 2005)" in out
    assert "Indicators: 2" in out
    assert "2022–2023 (2 years)" in out
    assert "Unemployment rate" in out


def test_broken_file_exits_1_with_one_line_naming_it(grid_workspace, capsys):
    path = break_areas(grid_workspace)

    assert main(["validate", str(grid_workspace)]) == 1

    (line,) = error_lines(capsys)
    assert line.startswith("geodash: error: ")
    assert str(path.resolve()) in line


def test_spec_error_exits_1_naming_the_spec_and_key(grid_workspace, capsys):
    spec = grid_workspace / "layers" / "zones.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("[columns]", "[colums]"),
                    encoding="utf-8")

    assert main(["info", str(grid_workspace)]) == 1

    (line,) = error_lines(capsys)
    assert "zones.toml, key colums: is not a known key" in line


def test_folder_that_is_no_workspace_exits_1(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1

    assert "has no layers/ folder" in error_lines(capsys)[0]


# --- export ---


def test_export_districts_geojson_of_a_year(grid_workspace, tmp_path, capsys):
    target = tmp_path / "out" / "stadtteile.geojson"

    assert main(["export", "districts", str(grid_workspace), "--year", "2022", "-o", str(target)]) == 0

    collection = json.loads(target.read_text(encoding="utf-8"))
    values = {f["properties"]["key"]: f["properties"]["alq"] for f in collection["features"]}
    assert values == {"01": 5.0, "02": 10.0, "03": 15.0, "04": 20.0}
    assert "crs" not in collection
    assert f"Wrote 4 districts to {target}" in capsys.readouterr().err


def test_export_without_output_writes_layer_name_and_suffix_in_the_current_folder(
        grid_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    assert main(["export", "sites", str(grid_workspace), "--format", "csv", "--german"]) == 0

    text = (tmp_path / "sites.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("site_id;name;category")


@pytest.mark.parametrize(("fmt", "suffix"), [("gpkg", ".gpkg"), ("parquet", ".parquet")])
def test_export_in_other_formats(grid_workspace, tmp_path, fmt, suffix):
    target = tmp_path / f"zones{suffix}"

    assert main(["export", "zones", str(grid_workspace), "-f", fmt, "-o", str(target)]) == 0

    assert target.stat().st_size > 0


def test_export_of_a_year_without_values_exits_2_naming_the_years(grid_workspace, tmp_path, capsys):
    target = tmp_path / "d.geojson"

    assert main(["export", "districts", str(grid_workspace), "--year", "1999", "-o", str(target)]) == 2

    (line,) = error_lines(capsys)
    assert line.startswith("geodash: usage error: ")
    assert "the year 1999 has no indicator values" in line and "2022, 2023" in line
    assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "stadtteile"],
        ["export", "districts", "--format", "shp"],
        ["export", "districts", "--year", "zweitausend"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2_through_argparse(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)

    assert info.value.code == 2
    assert "usage: geodash" in capsys.readouterr().err


def test_broken_workspace_export_exits_1_and_writes_nothing(grid_workspace, tmp_path, capsys):
    break_areas(grid_workspace)
    target = tmp_path / "d.geojson"

    assert main(["export", "districts", str(grid_workspace), "-o", str(target)]) == 1

    assert "grid.geojson" in error_lines(capsys)[0]
    assert not target.exists()


def test_export_onto_a_folder_exits_2(grid_workspace, tmp_path, capsys):
    assert main(["export", "districts", str(grid_workspace), "-o", str(tmp_path)]) == 2

    (line,) = error_lines(capsys)
    assert "is a folder, not a file name" in line


def test_file_system_error_exits_1_with_one_line(grid_workspace, tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "d.geojson"))

    monkeypatch.setattr("geodash.cli.write_layer", refuse)

    assert main(["export", "districts", str(grid_workspace), "-o", str(tmp_path / "d.geojson")]) == 1

    (line,) = error_lines(capsys)
    assert line.startswith("geodash: error: ") and "Permission denied" in line


# --- init ---


def test_init_writes_a_workspace_that_validates(tmp_path, capsys):
    target = tmp_path / "neue-stadt"

    assert main(["init", str(target)]) == 0
    assert f"New workspace in {target}" in capsys.readouterr().out

    catalog = load_catalog(target)
    assert [p.name for p in catalog.spec_files] == [
        "angebote.toml", "indikatoren.toml", "soziale_stadt.toml", "stadtteile.toml",
        "workspace.toml"]
    assert main(["validate", str(target)]) == 0
    assert "0 repaired, 0 left out, 0 notice(s)." in capsys.readouterr().out


def test_init_into_an_empty_folder_is_allowed(tmp_path):
    (tmp_path / "leer").mkdir()

    assert main(["init", str(tmp_path / "leer")]) == 0
    assert (tmp_path / "leer" / "layers" / "workspace.toml").is_file()


def test_init_refuses_a_folder_with_files(grid_workspace, capsys):
    before = sorted(p.name for p in grid_workspace.rglob("*"))

    assert main(["init", str(grid_workspace)]) == 2

    assert "exists and is not empty" in error_lines(capsys)[0]
    assert sorted(p.name for p in grid_workspace.rglob("*")) == before


# --- as a process ---


def test_python_m_geodash_on_a_broken_workspace_prints_one_line_and_no_traceback(
        grid_workspace, tmp_path):
    path = break_areas(grid_workspace)

    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "geodash", "validate", str(grid_workspace)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "grid.geojson" in lines[0] and str(path.resolve()) in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_serve_reports_each_load_step_then_the_url(grid_workspace, tmp_path, monkeypatch, capsys):
    import dash

    served = []
    monkeypatch.setenv("GEODASH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(dash.Dash, "run", lambda app, **kwargs: served.append(kwargs))

    assert main(["serve", str(grid_workspace), "--port", "8149"]) == 0

    out, err = capsys.readouterr()
    steps = [line.removeprefix("geodash: ") for line in err.splitlines()]
    assert steps[0].startswith("read ") and "layer specs" in steps[0]
    expected = ["cache: nothing stored yet", "read areas data/grid.geojson: 4 rows/features",
                "read sites", "coverage: accessibility", "display geometry of 4 areas",
                "finding(s)", "built the app", "ready after"]
    found = [next((i for i, s in enumerate(steps) if e in s), None) for e in expected]
    assert None not in found and found == sorted(found)  # every step, in the order they happen
    assert all(s.endswith(" s)") for s in steps if s.startswith(("read ", "coverage", "built")))
    # The grid workspace has two notices: the count and where to read them.
    assert steps[found[5]] == (f"2 finding(s) (0 repaired, 0 left out, 2 notice(s)): "
                               f"`geodash validate {grid_workspace.resolve()}` lists them")
    assert "at http://127.0.0.1:8149/ (read-only)" in out
    assert served == [{"host": "127.0.0.1", "port": 8149, "debug": False}]


def test_serve_progress_is_not_left_on_for_later_commands(grid_workspace, tmp_path, monkeypatch,
                                                          capsys):
    import dash

    monkeypatch.setenv("GEODASH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(dash.Dash, "run", lambda app, **kwargs: None)
    main(["serve", str(grid_workspace)])
    capsys.readouterr()
    assert main(["validate", str(grid_workspace)]) == 0
    assert capsys.readouterr().err == ""
