"""The layer kind registry: a kind is declared once; catalog, loader, Dataset, cache and uploads follow."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Literal

import pandas as pd
import pytest

from geodash import catalog as catalog_module
from geodash.cache import cache_key, read_cached, write_cache
from geodash.catalog import LAYER_KINDS, LayerKind, _LayerSpec, _Spec, load_catalog
from geodash.dataset import OWN_KINDS, build_dataset
from geodash.errors import SpecError
from geodash.sources import read_table
from geodash.uploads import ALLOWED


@pytest.mark.parametrize("name", list(LAYER_KINDS))
def test_every_kind_names_its_spec_and_a_loader_that_exists(name):
    kind = LAYER_KINDS[name]
    assert typing.get_args(kind.spec.model_fields["kind"].annotation) == (name,)
    assert callable(kind.load_function())


def test_uploads_take_what_the_kinds_declare():
    assert ALLOWED == {"indicators": ("csv", "xlsx"), "sites": ("csv", "geojson", "zip", "gpkg", "xlsx")}


def test_the_kinds_with_a_dataset_attribute_of_their_own_are_registered_kinds():
    # Every other registered kind goes to Dataset.other_layers.
    assert set(OWN_KINDS) <= set(LAYER_KINDS)


# --- a new kind, added the way a contributor would: a spec class, a loader, one registry line ---


class NoteColumns(_Spec):
    """Column names of a notes table."""

    area: str
    text: str


class NotesSpec(_LayerSpec):
    """Free-text notes per area."""

    kind: Literal["notes"]
    columns: NoteColumns


def load_notes(spec: NotesSpec, path: Path, context) -> pd.DataFrame:
    """Every note with its area key; a note for an unknown area is left out."""
    frame = read_table(path).frame.rename(columns={spec.columns.area: "area_key",
                                                   spec.columns.text: "text"})
    return frame[frame["area_key"].isin(context.area_keys)].reset_index(drop=True)


NOTES_TOML = """
kind = "notes"
file = "data/notes.csv"
[columns]
area = "Nr"
text = "Notiz"
"""


@pytest.fixture
def notes_kind(monkeypatch):
    monkeypatch.setitem(LAYER_KINDS, "notes",
                        LayerKind("notes", NotesSpec, "many", "notes table", f"{__name__}:load_notes"))


def test_a_registered_kind_is_read_loaded_and_cached_without_other_changes(grid_workspace, notes_kind,
                                                                           tmp_path):
    (grid_workspace / "layers" / "notes.toml").write_text(NOTES_TOML, encoding="utf-8")
    (grid_workspace / "data" / "notes.csv").write_text("Nr;Notiz\n01;Spielplatz fehlt\n99;Tippfehler\n",
                                                       encoding="utf-8")

    catalog = load_catalog(grid_workspace)
    dataset = build_dataset(catalog)

    assert [p.name for p, _ in catalog.of_kind("notes")] == ["notes.toml"]
    assert dataset.other_layers["notes"][["area_key", "text"]].values.tolist() == [["01", "Spielplatz fehlt"]]
    assert [(info.kind, info.count) for info in dataset.layers if info.kind == "notes"] == [("notes", 1)]
    key = cache_key(catalog)
    write_cache(dataset, key, tmp_path)
    cached = read_cached(catalog, key, tmp_path)
    pd.testing.assert_frame_equal(cached.other_layers["notes"], dataset.other_layers["notes"])
    (grid_workspace / "data" / "notes.csv").write_text("Nr;Notiz\n02;Neu\n", encoding="utf-8")
    assert cache_key(catalog) != key


def test_a_registered_kind_is_checked_like_every_other(grid_workspace, notes_kind):
    (grid_workspace / "layers" / "notes.toml").write_text(NOTES_TOML, encoding="utf-8")

    with pytest.raises(SpecError, match="'data/notes.csv', which does not exist") as info:
        load_catalog(grid_workspace)
    assert info.value.file.endswith("notes.toml")


def test_an_unregistered_kind_is_a_spec_error_listing_the_registered_ones(grid_workspace):
    (grid_workspace / "layers" / "notes.toml").write_text(NOTES_TOML, encoding="utf-8")

    with pytest.raises(SpecError, match='"areas", "indicators", "sites", "zones", "population", "addresses"'):
        load_catalog(grid_workspace)


def test_a_kind_that_occurs_once_is_refused_twice(grid_workspace, monkeypatch):
    monkeypatch.setitem(LAYER_KINDS, "zones", LayerKind(**{**vars(LAYER_KINDS["zones"]),
                                                           "count": "optional", "noun": "zone map"}))
    (grid_workspace / "layers" / "zones2.toml").write_text(
        (grid_workspace / "layers" / "zones.toml").read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(SpecError, match=r'more than one zone map \(kind = "zones"\)'):
        catalog_module.load_catalog(grid_workspace)
