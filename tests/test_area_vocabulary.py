"""The areas spec names its unit and its parent level; areas are told apart by key, never by name."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import (
    DUPLICATE_LABELS,
    make_duplicate_names_workspace,
    make_grid_workspace,
)

from geodash.cache import cache_key
from geodash.catalog import DEFAULT_PARENT_UNIT, DEFAULT_UNIT, load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import DataError, SpecError
from geodash.web.i18n import area_texts, area_word
from geodash.workspace import load_workspace


def areas_toml(root, text: str) -> None:
    (root / "layers" / "areas.toml").write_text(text, encoding="utf-8")


GRID_AREAS = """
kind = "areas"
file = "data/grid.geojson"
key_format = { pad = 2 }
[columns]
key = "nr"
name = "name"
population = "ew"
"""


def test_without_a_unit_the_areas_are_stadtteile_and_districts(grid_dataset):
    assert grid_dataset.unit == DEFAULT_UNIT and grid_dataset.parent_unit == DEFAULT_PARENT_UNIT
    assert [area_word(grid_dataset, "de"), area_word(grid_dataset, "de", plural=True)] == [
        "Stadtteil", "Stadtteile"]
    assert area_word(grid_dataset, "en", plural=True, capital=False) == "districts"
    assert area_word(grid_dataset, "en", parent=True) == "Borough"


def test_the_spec_names_unit_and_parent_in_both_languages(duplicate_dataset):
    assert area_word(duplicate_dataset, "de") == "Planungsraum"
    assert area_word(duplicate_dataset, "de", plural=True, capital=False) == "Planungsräume"
    assert area_word(duplicate_dataset, "en") == "Planning area"
    assert area_word(duplicate_dataset, "en", plural=True, capital=False) == "planning areas"
    assert area_word(duplicate_dataset, "de", parent=True) == "Bezirk"


def test_an_english_word_falls_back_to_german_when_the_spec_gives_none(grid_workspace):
    areas_toml(grid_workspace, GRID_AREAS + '[unit]\nsingular = "Ortsteil"\nplural = "Ortsteile"\n')
    dataset = build_dataset(load_catalog(grid_workspace))
    assert area_word(dataset, "en", plural=True) == "Ortsteile"


def test_area_texts_fill_only_the_area_placeholders(duplicate_dataset):
    texts = area_texts({"de": {"a": "{Units} {year}", "b": "%{x} je {Unit}"},
                        "en": {"a": "{Units} {year}", "b": "%{x} per {unit}"}}, duplicate_dataset)
    assert texts["de"] == {"a": "Planungsräume {year}", "b": "%{x} je Planungsraum"}
    assert texts["en"] == {"a": "Planning areas {year}", "b": "%{x} per planning area"}


def test_columns_parent_still_names_the_parent_key_column(grid_dataset):
    assert grid_dataset.areas["parent"].tolist() == ["Nord", "Nord", "Süd", "Süd"]
    assert grid_dataset.areas["parent_name"].isna().all()


def test_parent_names_come_from_a_column_of_the_areas_file(grid_workspace):
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\ncolumn = "nr"\nname_column = "bezirk"\n')
    dataset = build_dataset(load_catalog(grid_workspace))
    assert dataset.areas["parent_name"].tolist() == ["Nord", "Nord", "Süd", "Süd"]


def test_parent_names_come_from_a_lookup_table_whatever_the_leading_zeros(duplicate_dataset):
    # The boundaries write the Bezirk as "01"/"02", the lookup table as 1/2.
    assert duplicate_dataset.areas["parent"].tolist() == ["01", "01", "02", "01"]
    assert duplicate_dataset.areas["parent_name"].tolist() == ["Nord", "Nord", "Süd", "Nord"]


def test_a_lookup_table_read_with_its_default_key_and_name_columns(grid_workspace):
    (grid_workspace / "data" / "bezirke.csv").write_text("key;name\nNord;Bezirk Nord\n",
                                                         encoding="utf-8")
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\ncolumn = "bezirk"\nnames = "data/bezirke.csv"\n')
    dataset = build_dataset(load_catalog(grid_workspace))
    assert dataset.areas["parent_name"].tolist()[:2] == ["Bezirk Nord", "Bezirk Nord"]
    # "Süd" has no name in the table: it is shown by its key, and the report says so.
    assert dataset.areas["parent_name"].iloc[2:].isna().all()
    notices = [f.message for f in dataset.report.findings if f.file == "data/bezirke.csv"]
    assert notices == ["1 parent key(s) without a name in the table, shown as keys: Süd"]


def test_a_missing_parent_names_table_is_an_error_naming_file_and_fix(grid_workspace):
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\ncolumn = "bezirk"\nnames = "data/fehlt.csv"\n')
    with pytest.raises(DataError) as err:
        build_dataset(load_catalog(grid_workspace))
    assert "fehlt.csv" in str(err.value) and "parent.names" in str(err.value)


def test_a_parent_names_table_without_the_named_column_is_an_error(grid_workspace):
    (grid_workspace / "data" / "bezirke.csv").write_text("Nr;Name\n1;Nord\n", encoding="utf-8")
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\ncolumn = "bezirk"\n'
               'names = { file = "data/bezirke.csv", key = "BEZ" , name = "Name" }\n')
    with pytest.raises(DataError, match="has no column 'BEZ'"):
        build_dataset(load_catalog(grid_workspace))


@pytest.mark.parametrize(("extra", "message"), [
    ('[parent]\ncolumn = "other"\n', "columns.parent ('bezirk') and parent.column ('other') differ"),
    ('[parent]\nname_column = "bezirk"\nnames = "data/b.csv"\n', "either as name_column or"),
    ('[parent]\nnames = "../b.csv"\n', "inside the workspace"),
    ('[unit]\nsingular = "Ortsteil"\n', "is required but missing"),
])
def test_contradictory_or_incomplete_vocabulary_is_a_spec_error(grid_workspace, extra, message):
    spec = GRID_AREAS.replace('population = "ew"', 'population = "ew"\nparent = "bezirk"')
    areas_toml(grid_workspace, spec + extra)
    with pytest.raises(SpecError, match="areas.toml") as err:
        load_catalog(grid_workspace)
    assert message in str(err.value)


def test_parent_names_without_a_parent_column_are_a_spec_error(grid_workspace):
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\nname_column = "bezirk"\n')
    with pytest.raises(SpecError, match="set parent.column"):
        load_catalog(grid_workspace)


def test_repeated_names_are_told_apart_by_parent_name_else_by_key(duplicate_dataset):
    assert duplicate_dataset.area_labels.to_dict() == DUPLICATE_LABELS
    assert duplicate_dataset.area_label("03") == "Schloßstraße (Süd)"


def test_unique_names_stay_plain_labels(grid_dataset):
    assert grid_dataset.area_labels.tolist() == ["Nordwest", "Nordost", "Südwest", "Südost"]


def test_validate_notes_repeated_names_with_their_keys(duplicate_dataset, tmp_path, capsys):
    notes = [f.message for f in duplicate_dataset.report.findings if "more than one area" in f.message]
    assert notes == ["2 name(s) used by more than one area, told apart by the parent's name or "
                     "the key wherever areas are shown: Mitte (keys 02, 04); "
                     "Schloßstraße (keys 01, 03)"]
    root = make_duplicate_names_workspace(tmp_path / "dup")
    assert main(["validate", str(root)]) == 0
    assert "Schloßstraße (keys 01, 03)" in capsys.readouterr().out


def test_info_names_the_areas_and_their_parents_in_the_city_words(tmp_path, capsys):
    root = make_duplicate_names_workspace(tmp_path / "dup")
    assert main(["info", str(root)]) == 0
    assert "Planning areas: 4 in 2 boroughs" in capsys.readouterr().out


def test_a_warm_start_keeps_the_words_and_the_parent_names(tmp_path):
    root = make_duplicate_names_workspace(tmp_path / "dup")
    cold = load_workspace(root, cache=tmp_path / "cache")
    warm = load_workspace(root, cache=tmp_path / "cache")
    assert warm.unit == cold.unit and warm.parent_unit == cold.parent_unit
    assert warm.areas["parent_name"].tolist() == ["Nord", "Nord", "Süd", "Nord"]
    assert warm.area_labels.to_dict() == DUPLICATE_LABELS


def test_changing_the_parent_names_table_changes_the_cache_key(tmp_path):
    root = make_duplicate_names_workspace(tmp_path / "dup")
    before = cache_key(load_catalog(root))
    (root / "data" / "bezirke.csv").write_text("Bezirk;Bezirksname\n1;Nordost\n2;Süd\n",
                                               encoding="utf-8")
    assert cache_key(load_catalog(root)) != before


def test_area_word_reads_only_the_unit_fields():
    # Pages and figures may pass anything with `unit` and `parent_unit`, e.g. in doctests.
    ds = SimpleNamespace(unit=DEFAULT_UNIT, parent_unit=DEFAULT_PARENT_UNIT)
    assert area_word(ds, "en", plural=True) == "Districts"


def test_the_plain_grid_workspace_has_no_repeated_names_finding(tmp_path):
    dataset = build_dataset(load_catalog(make_grid_workspace(tmp_path / "g")))
    assert not [f for f in dataset.report.findings if "more than one area" in f.message]


def test_the_readme_areas_example_is_a_valid_spec():
    import re
    import tomllib
    from pathlib import Path

    from geodash.catalog import AreasSpec

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"`layers/stadtteile.toml`:\s*```toml\n(.*?)```", readme, re.S).group(1)
    spec = AreasSpec.model_validate(tomllib.loads(block))
    assert spec.unit.form("de", plural=True) == "Stadtteile"
    assert spec.parent_column == "STB" and spec.parent.names.name == "STB_NAME"
    assert spec.parent_unit.form("de") == "Stadtbezirk"


def test_the_init_template_and_the_demo_name_their_words(tmp_path):
    from geodash.workspace import init_workspace

    template = load_workspace(init_workspace(tmp_path / "neu"), cache=False)
    assert template.parent_unit.form("de") == "Bezirk"
    assert template.areas["parent_name"].tolist() == ["Nord", "Nord", "Süd"]
    demo = load_workspace(cache=False)
    assert demo.parent_unit.form("de") == "Ortsbezirk"
    assert demo.area_label("01") == "Mitte"  # the demo's names are unique


def test_the_report_names_areas_by_their_unique_labels(tmp_path):
    import json

    root = make_duplicate_names_workspace(tmp_path / "dup")
    grid = root / "data" / "grid.geojson"
    collection = json.loads(grid.read_text(encoding="utf-8"))
    collection["features"][2]["properties"]["ew"] = None  # key 03, one of two "Schloßstraße"
    grid.write_text(json.dumps(collection), encoding="utf-8")
    dataset = build_dataset(load_catalog(root))
    notes = [f.message for f in dataset.report.findings if "without population" in f.message]
    assert notes == ["1 area(s) without population: Schloßstraße (Süd)"]


def test_a_parent_column_missing_from_the_areas_file_is_named_with_its_key(grid_workspace):
    areas_toml(grid_workspace, GRID_AREAS + '[parent]\ncolumn = "bezirk"\nname_column = "BEZ_NAME"\n')
    with pytest.raises(DataError, match=r"has no column 'BEZ_NAME' \(named as parent.name_column"):
        build_dataset(load_catalog(grid_workspace))


@pytest.mark.parametrize("module", ["geodash.labels", "geodash.export.slugs",
                                    "geodash.web.i18n", "geodash.catalog"])
def test_the_docstring_examples_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
