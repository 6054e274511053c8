"""The dataset cache: a warm start gives the same Dataset, and any change to a source is seen."""

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
    load_workspace(grid_workspace, cache=tmp_path)
    folder = next(tmp_path.iterdir())
    (folder / "areas.parquet").write_bytes(b"not parquet")
    ds = load_workspace(grid_workspace, cache=tmp_path)
    assert len(ds.areas) == 4


def test_an_unwritable_cache_only_costs_speed(grid_workspace, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    ds = load_workspace(grid_workspace, cache=blocker)
    assert len(ds.areas) == 4
