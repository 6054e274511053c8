"""The dataset cache: a warm start gives the same Dataset, and any change to a source is seen."""

import re

import geopandas.testing
import pandas.testing

from geodash.cache import cache_key
from geodash.catalog import load_catalog
from geodash.workspace import load_workspace


def assert_same_dataset(a, b):
    for name in ("areas", "sites", "zones"):
        geopandas.testing.assert_geodataframe_equal(getattr(a, name), getattr(b, name))
    for name in ("indicators", "zone_shares", "population_table"):
        pandas.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.report == b.report
    assert a.layers == b.layers
    assert a.categories == b.categories


def test_warm_start_from_the_cache_equals_a_cold_load(grid_workspace, tmp_path):
    cold = load_workspace(grid_workspace, cache=False)
    first = load_workspace(grid_workspace, cache=tmp_path / "c")
    assert len(list((tmp_path / "c").iterdir())) == 1
    warm = load_workspace(grid_workspace, cache=tmp_path / "c")
    assert_same_dataset(cold, first)
    assert_same_dataset(cold, warm)


def test_changing_a_data_file_changes_the_cache_key_and_the_result(grid_workspace, tmp_path):
    load_workspace(grid_workspace, cache=tmp_path)
    before = cache_key(load_catalog(grid_workspace))
    csv = grid_workspace / "data" / "ind.csv"
    csv.write_bytes(csv.read_bytes().replace(b"22,5", b"23,5"))
    assert cache_key(load_catalog(grid_workspace)) != before
    ds = load_workspace(grid_workspace, cache=tmp_path)
    value = ds.indicators.query("area_key == '04' and indicator == 'alq' and year == 2023")["value"]
    assert value.iloc[0] == 23.5


def test_changing_a_spec_changes_the_cache_key(grid_workspace):
    before = cache_key(load_catalog(grid_workspace))
    spec = grid_workspace / "layers" / "sites.toml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert cache_key(load_catalog(grid_workspace)) != before


def test_a_damaged_cache_is_ignored_and_the_sources_are_read(grid_workspace, tmp_path):
    cache = tmp_path / "cache"
    load_workspace(grid_workspace, cache=cache)
    folder = next(cache.iterdir())
    (folder / "areas.parquet").write_bytes(b"not parquet")
    ds = load_workspace(grid_workspace, cache=cache)
    assert len(ds.areas) == 4


def test_an_unwritable_cache_only_costs_speed(grid_workspace, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    ds = load_workspace(grid_workspace, cache=blocker)
    assert len(ds.areas) == 4


def test_a_warm_start_reads_the_stored_analyses_instead_of_computing_them(grid_workspace, tmp_path,
                                                                            monkeypatch):
    from geodash.workspace import SERVE_ANALYSES

    cold = load_workspace(grid_workspace, cache=False, analyses=SERVE_ANALYSES)
    load_workspace(grid_workspace, cache=tmp_path, analyses=SERVE_ANALYSES)

    def refuse(*args, **kwargs):
        raise AssertionError("computed again although the cache holds it")

    monkeypatch.setattr("geodash.analysis.districts.accessibility", refuse)
    monkeypatch.setattr("geodash.analysis.display.display_areas", refuse)
    warm = load_workspace(grid_workspace, cache=tmp_path, analyses=SERVE_ANALYSES)
    pandas.testing.assert_frame_equal(warm.access, cold.access)
    geopandas.testing.assert_geodataframe_equal(warm.areas_display, cold.areas_display)


def test_analyses_are_added_to_a_cache_filled_without_them(grid_workspace, tmp_path):
    cache = tmp_path / "cache"
    load_workspace(grid_workspace, cache=cache)  # `geodash validate` stores no analysis
    folder = next(cache.iterdir())
    assert not (folder / "access.parquet").exists()
    first = load_workspace(grid_workspace, cache=cache, analyses=("access",))
    assert (folder / "access.parquet").is_file()
    again = load_workspace(grid_workspace, cache=cache)
    assert "access" in again.__dict__  # pre-filled from the cache, not computed
    pandas.testing.assert_frame_equal(again.access, first.access)


def test_a_damaged_stored_analysis_is_computed_again(grid_workspace, tmp_path):
    cache = tmp_path / "cache"
    first = load_workspace(grid_workspace, cache=cache, analyses=("access",))
    folder = next(cache.iterdir())
    (folder / "access.parquet").write_bytes(b"not parquet")
    again = load_workspace(grid_workspace, cache=cache, analyses=("access",))
    pandas.testing.assert_frame_equal(again.access, first.access)


def test_the_cache_key_covers_geodash_code(grid_workspace, monkeypatch):
    before = cache_key(load_catalog(grid_workspace))
    monkeypatch.setattr("geodash.cache.code_digest", lambda: "a changed analysis")
    assert cache_key(load_catalog(grid_workspace)) != before


def test_the_code_digest_changes_with_any_python_file_of_the_package(tmp_path):
    from geodash.cache import source_digest

    package = tmp_path / "pkg"
    (package / "analysis").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    module = package / "analysis" / "coverage.py"
    module.write_text("SHARE = 1\n")
    before = source_digest(package)
    module.write_text("SHARE = 2\n")
    changed = source_digest(package)
    assert changed != before
    (package / "notes.txt").write_text("not code")
    assert source_digest(package) == changed


def test_loading_reports_each_step_and_whether_the_cache_was_used(grid_workspace, tmp_path, caplog):
    from geodash.workspace import SERVE_ANALYSES

    with caplog.at_level("INFO", logger="geodash.progress"):
        load_workspace(grid_workspace, cache=tmp_path, analyses=SERVE_ANALYSES)
    cold = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("read areas data/grid.geojson: 4 rows/features (") for m in cold)
    assert any("nothing stored yet" in m for m in cold)
    assert any(m.startswith("coverage: accessibility") for m in cold)
    assert any(m.startswith("display geometry of 4 areas") for m in cold)
    caplog.clear()
    with caplog.at_level("INFO", logger="geodash.progress"):
        load_workspace(grid_workspace, cache=tmp_path, analyses=SERVE_ANALYSES)
    warm = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("cache used") and "with access, areas_display" in m for m in warm)
    assert not any(m.startswith(("read areas", "coverage")) for m in warm)
    assert re.match(r"\d+ finding\(s\) \(\d+ repaired, \d+ left out, \d+ notice\(s\)\)", warm[-1])


def test_an_analysis_parquet_cannot_hold_is_computed_again_not_an_error(grid_workspace, tmp_path):
    from geodash.cache import cache_key, store_analyses

    cache = tmp_path / "cache"
    dataset = load_workspace(grid_workspace, cache=cache)
    # Mixed objects in one column: pyarrow refuses them.
    dataset.__dict__["access"] = pandas.DataFrame({"odd": [1, "one", object()]})
    key = cache_key(load_catalog(grid_workspace))
    assert store_analyses(dataset, key, cache, ["access"]) == []
    assert not (cache / key / "access.parquet").exists()
