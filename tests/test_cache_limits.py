"""The dataset cache keeps to its limits and notices a changed schema (issue 13, item 7).

Eviction runs at write time: entries unused for longer than the age limit go,
then the oldest until the total is under the size limit; the entry in use never
goes. The schema test fails when the frames a cache stores change without
``FORMAT_VERSION`` being bumped, so that an old cache is never read as new.
"""

from __future__ import annotations

import os
import time

import pytest

from geodash.cache import (
    FORMAT_VERSION,
    PARTIAL_MAX_AGE_S,
    cache_limits,
    evict,
    mark_used,
    schema_fingerprint,
    write_cache,
)
from geodash.workspace import SERVE_ANALYSES, load_workspace

# The schema fingerprint of the demo's cached frames (with the analyses the server stores),
# for each FORMAT_VERSION. When the test below fails, bump FORMAT_VERSION in
# geodash/cache.py and add the new version with the fingerprint the failure names.
RECORDED_SCHEMAS = {
    "3": "55f0a675504934d9",
    "4": "11214e1de06dab84",  # 4: the addresses layer and the offer columns of sites
}

DAY = 86400.0
MB = 1024 * 1024
NOW = 1_800_000_000.0


def entry(cache, key: str, *, mb: float, days_ago: float):
    folder = cache / key
    folder.mkdir(parents=True)
    (folder / "areas.parquet").write_bytes(b"\0" * int(mb * MB))
    (folder / "meta.json").write_text("{}", encoding="utf-8")
    os.utime(folder / "meta.json", (NOW - days_ago * DAY, NOW - days_ago * DAY))
    return folder


def keys(cache) -> set[str]:
    return {p.name for p in cache.iterdir()}


def test_the_demo_schema_is_the_one_recorded_for_the_format_version():
    demo = load_workspace(cache=False, analyses=SERVE_ANALYSES)

    fingerprint = schema_fingerprint(demo)

    assert FORMAT_VERSION in RECORDED_SCHEMAS, (
        f"FORMAT_VERSION {FORMAT_VERSION} has no recorded schema: add "
        f"{FORMAT_VERSION!r}: {fingerprint!r} to RECORDED_SCHEMAS")
    assert fingerprint == RECORDED_SCHEMAS[FORMAT_VERSION], (
        "The columns or dtypes of the Dataset's cached frames changed: a cache written by the "
        "old code would be read as if new. Bump FORMAT_VERSION in geodash/cache.py and record "
        f"{fingerprint!r} for it in RECORDED_SCHEMAS.")


def test_the_schema_fingerprint_changes_with_a_column_or_a_dtype(grid_dataset):
    import dataclasses

    # A copy holds no computed analyses (the session's dataset may have some by now).
    before = schema_fingerprint(dataclasses.replace(grid_dataset))
    extra = dataclasses.replace(grid_dataset, areas=grid_dataset.areas.assign(neu=1))
    retyped = dataclasses.replace(grid_dataset, indicators=grid_dataset.indicators.astype({"year": "int32"}))

    assert schema_fingerprint(extra) != before
    assert schema_fingerprint(retyped) != before
    assert schema_fingerprint(dataclasses.replace(grid_dataset, areas=grid_dataset.areas.copy())) == before


def test_entries_unused_for_longer_than_the_age_limit_are_evicted(tmp_path):
    entry(tmp_path, "alt", mb=0.1, days_ago=40)
    entry(tmp_path, "frisch", mb=0.1, days_ago=2)

    removed = evict(tmp_path, max_age_days=30, max_mb=100, now=NOW)

    assert removed == ["alt"] and keys(tmp_path) == {"frisch"}


def test_over_the_size_limit_the_oldest_go_first_until_the_rest_fits(tmp_path):
    for name, days in (("a", 5), ("b", 4), ("c", 3), ("d", 1)):
        entry(tmp_path, name, mb=1, days_ago=days)

    removed = evict(tmp_path, max_age_days=30, max_mb=2.5, now=NOW)

    # 4 MB in all: removing a (oldest) leaves 3 MB, removing b leaves 2 MB <= 2.5 MB.
    assert removed == ["a", "b"] and keys(tmp_path) == {"c", "d"}


def test_the_entry_in_use_is_never_evicted_even_when_alone_too_large_or_old(tmp_path):
    entry(tmp_path, "in-use", mb=3, days_ago=100)
    entry(tmp_path, "other", mb=0.5, days_ago=1)

    removed = evict(tmp_path, keep="in-use", max_age_days=30, max_mb=1, now=NOW)

    assert removed == ["other"] and keys(tmp_path) == {"in-use"}


def test_a_use_makes_an_entry_young_again(tmp_path):
    entry(tmp_path, "gelesen", mb=0.1, days_ago=40)
    mark_used(tmp_path, "gelesen")

    assert evict(tmp_path, max_age_days=30, max_mb=100) == []


def test_folders_left_by_a_crashed_write_are_removed_after_an_hour(tmp_path):
    old, new = tmp_path / ".partial-old", tmp_path / ".partial-new"
    old.mkdir()
    new.mkdir()
    os.utime(old, (NOW - PARTIAL_MAX_AGE_S - 1, NOW - PARTIAL_MAX_AGE_S - 1))
    os.utime(new, (NOW - 60, NOW - 60))

    evict(tmp_path, max_age_days=30, max_mb=100, now=NOW)

    assert keys(tmp_path) == {".partial-new"}  # perhaps still being written


def test_limits_come_from_the_environment_with_defaults(monkeypatch):
    monkeypatch.delenv("GEODASH_CACHE_MAX_AGE_DAYS", raising=False)
    monkeypatch.setenv("GEODASH_CACHE_MAX_MB", "64")

    assert cache_limits() == {"max_age_days": 30.0, "max_mb": 64.0}


@pytest.mark.parametrize("text", ["viel", "-1", "0", "inf", "nan"])
def test_a_limit_that_is_no_positive_number_falls_back_to_the_default(monkeypatch, text):
    monkeypatch.setenv("GEODASH_CACHE_MAX_AGE_DAYS", text)

    assert cache_limits()["max_age_days"] == 30.0


def test_writing_an_entry_evicts_the_others_beyond_the_size_limit(grid_dataset, tmp_path, monkeypatch):
    entry(tmp_path, "vorher", mb=2, days_ago=1)
    monkeypatch.setenv("GEODASH_CACHE_MAX_MB", "1")

    write_cache(grid_dataset, "neu", tmp_path)

    assert keys(tmp_path) == {"neu"}


def test_a_warm_start_marks_its_entry_used(grid_workspace, tmp_path):
    cache = tmp_path / "cache"
    load_workspace(grid_workspace, cache=cache)
    (folder,) = cache.iterdir()
    long_ago = time.time() - 40 * DAY
    os.utime(folder / "meta.json", (long_ago, long_ago))

    load_workspace(grid_workspace, cache=cache)

    assert (folder / "meta.json").stat().st_mtime > time.time() - DAY
