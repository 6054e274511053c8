"""The layer catalog: valid specs load; every mistake names the TOML file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodash.catalog import AreasSpec, IndicatorsSpec, SitesSpec, Text, ZonesSpec, load_catalog
from geodash.dataset import build_dataset
from geodash.errors import SpecError
from geodash.workspace import init_workspace


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def spec_error(workspace: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_catalog(workspace)
    return info.value


# --- valid specs ---


def test_grid_catalog_has_one_spec_of_each_kind(grid_workspace):
    catalog = load_catalog(grid_workspace)

    assert catalog.workspace == grid_workspace.resolve()
    path, areas = catalog.areas
    assert path.name == "areas.toml"
    assert isinstance(areas, AreasSpec)
    assert areas.columns.key == "nr"
    assert areas.key_format.pad == 2
    assert [type(s) for _, s in catalog.indicators] == [IndicatorsSpec]
    assert [type(s) for _, s in catalog.sites] == [SitesSpec]
    assert [type(s) for _, s in catalog.zones] == [ZonesSpec]
    assert catalog.path(areas) == grid_workspace.resolve() / "data" / "grid.geojson"
    assert [p.name for p in catalog.spec_files] == [
        "areas.toml", "indicators.toml", "sites.toml", "zones.toml"]


def test_missing_workspace_settings_give_the_defaults(grid_workspace):
    settings = load_catalog(grid_workspace).settings

    assert settings.metric_crs == "EPSG:25832"
    assert settings.default_indicator is None
    assert settings.min_cases == 0


def test_indicator_specs_keep_spec_order_and_resolve_their_column(grid_workspace):
    specs = load_catalog(grid_workspace).indicator_specs

    assert list(specs) == ["alq", "kinder"]
    assert specs["alq"].code == "Arbeitslosenquote"
    assert specs["alq"].label.get("en") == "Unemployment rate"


def test_a_plain_string_label_is_german_and_serves_english_too(grid_workspace):
    kinder = load_catalog(grid_workspace).indicator_specs["kinder"]

    assert kinder.label == Text(de="Kinder")
    assert kinder.label.get("en") == "Kinder"


def test_a_percent_unit_implies_the_range_0_to_100(grid_workspace):
    specs = load_catalog(grid_workspace).indicator_specs

    assert (specs["alq"].minimum, specs["alq"].maximum) == (0.0, 100.0)
    assert (specs["kinder"].minimum, specs["kinder"].maximum) == (None, None)


def test_known_default_indicator_is_accepted(grid_workspace):
    (grid_workspace / "layers" / "workspace.toml").write_text(
        'kind = "workspace"\nname = "Gitter"\ndefault_indicator = "kinder"\n', encoding="utf-8")

    settings = load_catalog(grid_workspace).settings

    assert (settings.name, settings.default_indicator) == ("Gitter", "kinder")


# --- mistakes in one spec: the file and the key are named ---


@pytest.mark.parametrize(
    ("spec", "old", "new", "key"),
    [
        ("areas.toml", "[columns]", "[colums]", "key colums"),
        ("areas.toml", 'name = "name"', 'nmae = "name"', "key columns.nmae"),
        ("indicators.toml", 'polarity = "need"', 'polarty = "need"', "key indicators[1].polarty"),
        ("sites.toml", 'geometry = "xy"', 'geometry = "xy"\ncrs_ = "EPSG:25832"', "key crs_"),
    ],
)
def test_misspelt_key_is_named_with_its_file(grid_workspace, spec, old, new, key):
    path = grid_workspace / "layers" / spec
    edit(path, old, new)

    error = spec_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert error.where == key
    assert "is not a known key" in error.problem
    assert spec in error.message and key in error.message


@pytest.mark.parametrize(
    ("spec", "old", "key"),
    [
        ("areas.toml", 'file = "data/grid.geojson"\n', "key file"),
        ("areas.toml", 'key = "nr"\n', "key columns.key"),
        ("indicators.toml", 'polarity = "neutral"\n', "key indicators[2].polarity"),
        ("sites.toml", 'category = "Art"\n', "key columns.category"),
    ],
)
def test_missing_required_key_is_named(grid_workspace, spec, old, key):
    path = grid_workspace / "layers" / spec
    edit(path, old, "")

    error = spec_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert error.where == key
    assert error.problem.startswith("is required but missing")


@pytest.mark.parametrize("kind", ['"area"', '"Areas"', "3", '["areas"]'])
def test_unknown_kind_is_refused_with_the_allowed_kinds(grid_workspace, kind):
    path = grid_workspace / "layers" / "areas.toml"
    edit(path, 'kind = "areas"', f"kind = {kind}")

    error = spec_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert error.where == "key kind"
    for allowed in ("areas", "indicators", "sites", "zones", "workspace"):
        assert f'"{allowed}"' in error.problem


def test_spec_without_kind_is_refused(grid_workspace):
    edit(grid_workspace / "layers" / "zones.toml", 'kind = "zones"\n', "")

    assert spec_error(grid_workspace).where == "key kind"


def test_invalid_toml_names_the_file(grid_workspace):
    path = grid_workspace / "layers" / "zones.toml"
    edit(path, 'programme = "Soziale Stadt"', 'programme = "Soziale Stadt')

    error = spec_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert "is not valid TOML" in error.problem
    assert "line" in error.problem


def test_spec_that_is_not_utf8_is_refused(grid_workspace):
    path = grid_workspace / "layers" / "zones.toml"
    path.write_bytes('kind = "zones"\ntitle = "Fördergebiete"\n'.encode("cp1252"))

    error = spec_error(grid_workspace)

    assert (error.file, error.problem) == (str(path.resolve()), "is not UTF-8 text.")


@pytest.mark.parametrize("crs", ["EPSG:999999", "UTM 32", "not a crs"])
def test_bad_crs_string_is_refused(grid_workspace, crs):
    path = grid_workspace / "layers" / "zones.toml"
    edit(path, 'kind = "zones"', f'kind = "zones"\ncrs = "{crs}"')

    error = spec_error(grid_workspace)

    assert error.where == "key crs"
    assert "is not a coordinate reference system" in error.problem


def test_geographic_metric_crs_is_refused(grid_workspace):
    path = grid_workspace / "layers" / "workspace.toml"
    path.write_text('kind = "workspace"\nmetric_crs = "EPSG:4326"\n', encoding="utf-8")

    error = spec_error(grid_workspace)

    assert (error.file, error.where) == (str(path.resolve()), "key metric_crs")
    assert "not a projected (metric) CRS" in error.problem


def test_wrong_value_type_is_named(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'polarity = "need"', 'polarity = "high"')

    error = spec_error(grid_workspace)

    assert error.where == "key indicators[1].polarity"
    assert error.fix == "correct the value."


@pytest.mark.parametrize("reserved", ["population", "year", "name", "sites_qm", "per1000_total",
                                      "share500_any"])
def test_indicator_id_naming_a_districts_column_is_refused(grid_workspace, reserved):
    edit(grid_workspace / "layers" / "indicators.toml", 'id = "kinder"', f'id = "{reserved}"')

    error = spec_error(grid_workspace)

    assert error.where == "key indicators[2].id"
    assert "names a column of the districts layer" in error.problem


@pytest.mark.parametrize("allowed", ["share_auslaender", "sites", "Population", "jahr"])
def test_indicator_ids_near_reserved_names_are_allowed(grid_workspace, allowed):
    edit(grid_workspace / "layers" / "indicators.toml", 'id = "kinder"', f'id = "{allowed}"')

    assert allowed in load_catalog(grid_workspace).indicator_specs


def test_minimum_above_maximum_is_refused(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'unit = "Anzahl"',
         'unit = "Anzahl"\nminimum = 10\nmaximum = 5')

    assert "minimum is larger than maximum" in spec_error(grid_workspace).problem


def test_xy_sites_need_a_crs(grid_workspace):
    edit(grid_workspace / "layers" / "sites.toml", 'crs = "EPSG:25832"\n', "")

    error = spec_error(grid_workspace)

    assert 'geometry = "xy" needs crs' in error.problem


def test_long_table_needs_indicator_and_value_columns(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'format = "wide"', 'format = "long"')

    assert "a long table needs columns.indicator and columns.value" in spec_error(
        grid_workspace).problem


def test_table_without_year_column_or_fixed_year_is_refused(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'year = "Jahr"\n', "")

    assert "columns.year" in spec_error(grid_workspace).problem


# --- mistakes across specs ---


def test_indicator_id_defined_twice_in_one_file_is_refused(grid_workspace):
    path = grid_workspace / "layers" / "indicators.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '[[indicators]]\nid = "alq"\nlabel = "Noch einmal"\npolarity = "need"\n',
                    encoding="utf-8")

    error = spec_error(grid_workspace)

    assert error.file == str(path.resolve())
    assert "indicator id(s) defined twice: alq" in error.problem


def test_indicator_id_defined_in_two_files_names_both(grid_workspace):
    second = grid_workspace / "layers" / "indicators2.toml"
    second.write_text(
        'kind = "indicators"\nfile = "data/ind.csv"\nformat = "wide"\nyear = 2022\n'
        '[columns]\nkey = "Nr"\n'
        '[[indicators]]\nid = "kinder"\nlabel = "Kinder"\npolarity = "neutral"\n',
        encoding="utf-8")

    error = spec_error(grid_workspace)

    assert error.file == str(second.resolve())
    assert error.where == "indicator kinder"
    assert "also in indicators.toml" in error.problem


def test_spec_naming_a_missing_data_file_is_refused(grid_workspace):
    (grid_workspace / "data" / "zones.geojson").unlink()

    error = spec_error(grid_workspace)

    assert error.file == str((grid_workspace / "layers" / "zones.toml").resolve())
    assert error.where == "key file"
    assert "'data/zones.geojson', which does not exist" in error.problem


def test_unknown_default_indicator_lists_the_defined_ones(grid_workspace):
    path = grid_workspace / "layers" / "workspace.toml"
    path.write_text('kind = "workspace"\ndefault_indicator = "alq_2022"\n', encoding="utf-8")

    error = spec_error(grid_workspace)

    assert (error.file, error.where) == (str(path.resolve()), "key default_indicator")
    assert error.fix == "use one of: alq, kinder."


@pytest.mark.parametrize(
    "file", ["/etc/passwd", "../grid.geojson", "data/../../grid.geojson", "data/../../../x.csv"])
def test_data_file_outside_the_workspace_is_refused(grid_workspace, file):
    edit(grid_workspace / "layers" / "areas.toml", '"data/grid.geojson"', f'"{file}"')

    error = spec_error(grid_workspace)

    assert error.where == "key file"
    assert "must be a path inside the workspace" in error.problem


def test_folder_without_layers_is_not_a_workspace(tmp_path):
    error = spec_error(tmp_path)

    assert "has no layers/ folder" in error.problem
    assert "geodash init" in error.fix


@pytest.mark.parametrize("copies", [0, 2])
def test_workspace_needs_exactly_one_areas_layer(grid_workspace, copies):
    areas = grid_workspace / "layers" / "areas.toml"
    text = areas.read_text(encoding="utf-8")
    areas.unlink()
    for n in range(copies):
        (grid_workspace / "layers" / f"areas{n}.toml").write_text(text, encoding="utf-8")

    error = spec_error(grid_workspace)

    assert "needs exactly one areas layer" in error.problem
    assert ("areas0.toml, areas1.toml" if copies else "found none") in error.problem


def test_two_workspace_settings_files_are_refused(grid_workspace):
    for name in ("workspace.toml", "settings.toml"):
        (grid_workspace / "layers" / name).write_text('kind = "workspace"\n', encoding="utf-8")

    assert "more than one workspace settings file" in spec_error(grid_workspace).problem


# --- the template of `geodash init` ---


def test_init_template_is_a_valid_workspace_with_every_kind(tmp_path):
    workspace = init_workspace(tmp_path / "neu")

    catalog = load_catalog(workspace)

    assert catalog.settings.default_indicator in catalog.indicator_specs
    assert (len(catalog.indicators), len(catalog.sites), len(catalog.zones)) == (1, 1, 1)
    dataset = build_dataset(catalog)
    assert dataset.report.findings == ()
    assert dataset.sites["area_key"].notna().all()
