"""A city's files as its offices ship them: missing-value codes, date-coded years, residents
in a table, published changes, German case counts and declared city values, by hand.

Every test starts from the 2×2 grid (tests/conftest.py: populations 1000–4000, alq 5/10/15/20
in 2022 and 4/8/16/22.5 in 2023, sites s1, s2 in Nordwest and s3 in Südost).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodash.analysis.districts import districts_layer
from geodash.analysis.indicators import city_reference
from geodash.analysis.social_index import IndexOptions, social_index
from geodash.catalog import load_catalog
from geodash.cli import main
from geodash.dataset import build_dataset
from geodash.errors import DataError, SpecError
from geodash.export.layers import district_analysis


def load(workspace: Path):
    return build_dataset(load_catalog(workspace))


def edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def edit_csv(workspace: Path, old: str, new: str) -> None:
    edit(workspace / "data" / "ind.csv", old, new, encoding="cp1252")


def set_table_key(workspace: Path, line: str) -> None:
    """Add a top-level key to the grid's indicators spec (above its sections)."""
    edit(workspace / "layers" / "indicators.toml", 'format = "wide"\n', f'format = "wide"\n{line}\n')


def write_settings(workspace: Path, text: str) -> None:
    (workspace / "layers" / "workspace.toml").write_text('kind = "workspace"\n' + text,
                                                         encoding="utf-8")


def values_of(dataset, indicator: str) -> dict[tuple[str, int], float]:
    part = dataset.indicators[dataset.indicators["indicator"] == indicator]
    return {(k, int(y)): v for k, y, v in zip(part["area_key"], part["year"], part["value"],
                                              strict=True)}


def messages(dataset, where: str) -> list[str]:
    return [f.message for f in dataset.report.findings if f.where.startswith(where)]


# --- missing markers ---


def test_a_declared_table_marker_makes_cells_missing_also_when_written_as_a_number(grid_workspace):
    edit_csv(grid_workspace, "2;Nordost;2022;10,0;300", "2;Nordost;2022;-9999;300")
    edit_csv(grid_workspace, "3;Südwest;2023;16,0;500", "3;Südwest;2023;-9999,0;500")
    set_table_key(grid_workspace, 'missing = ["-9999", "-999"]')

    dataset = load(grid_workspace)

    alq = values_of(dataset, "alq")
    assert ("02", 2022) not in alq and ("03", 2023) not in alq
    assert len(alq) == 6
    assert ("2 value(s) marked as missing by the declared marker(s) '-9999', '-999'"
            in messages(dataset, "indicator alq"))


def test_a_marker_of_one_indicator_applies_to_its_column_only(grid_workspace):
    edit_csv(grid_workspace, "1;Nordwest;2022;5,0;1.200", "1;Nordwest;2022;5,0;99999")
    indicators = grid_workspace / "layers" / "indicators.toml"
    indicators.write_text(indicators.read_text(encoding="utf-8") + 'missing = ["99999"]\n',
                          encoding="utf-8")

    dataset = load(grid_workspace)

    assert ("01", 2022) not in values_of(dataset, "kinder")
    assert values_of(dataset, "alq")[("01", 2022)] == 5.0


def test_an_undeclared_sentinel_out_of_range_asks_to_declare_it_never_to_widen_minimum(
        grid_workspace):
    edit_csv(grid_workspace, "2;Nordost;2022;10,0;300", "2;Nordost;2022;-9999;300")

    with pytest.raises(DataError) as info:
        load(grid_workspace)

    error = info.value
    assert error.where == "row 3"
    assert "'-9999'" in error.problem and "'Arbeitslosenquote'" in error.problem
    assert 'missing = ["-9999"]' in error.fix
    assert "minimum" not in error.fix


def test_an_undeclared_sentinel_in_range_is_kept_and_reported_with_value_column_and_fix(
        grid_workspace):
    edit_csv(grid_workspace, "4;Südost;2022;20,0;2.000", "4;Südost;2022;20,0;9999")

    dataset = load(grid_workspace)

    assert values_of(dataset, "kinder")[("04", 2022)] == 9999.0
    (message,) = [m for m in messages(dataset, "indicator kinder") if "9999" in m]
    assert "1 value(s) 9999 in column 'Kinder'" in message
    assert 'missing = ["9999"]' in message


def test_minus_one_is_not_taken_for_a_missing_code(grid_workspace):
    indicators = grid_workspace / "layers" / "indicators.toml"
    edit(indicators, 'unit = "Anzahl"', 'unit = "Saldo"')
    edit_csv(grid_workspace, "4;Südost;2022;20,0;2.000", "4;Südost;2022;20,0;-1")

    dataset = load(grid_workspace)

    assert values_of(dataset, "kinder")[("04", 2022)] == -1.0
    assert not [m for m in messages(dataset, "indicator kinder") if "'no value'" in m]


# --- years from date codes ---


@pytest.mark.parametrize(("year_format", "code_2022", "code_2023"), [
    ("YYYYMM", "202212", "202312"),
    ("YYYY-MM-DD", "2022-12-31", "2023-12-31"),
    ("DD.MM.YYYY", "31.12.2022", "31.12.2023"),
])
def test_year_codes_are_read_in_the_declared_format(grid_workspace, year_format, code_2022,
                                                    code_2023):
    path = grid_workspace / "data" / "ind.csv"
    text = path.read_text(encoding="cp1252")
    path.write_bytes(text.replace(";2022;", f";{code_2022};").replace(";2023;", f";{code_2023};")
                     .encode("cp1252"))
    set_table_key(grid_workspace, f'year_format = "{year_format}"')

    dataset = load(grid_workspace)

    assert dataset.years == [2022, 2023]
    assert values_of(dataset, "alq")[("04", 2023)] == 22.5


def test_a_year_code_that_does_not_fit_names_the_row_and_the_setting(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    text = path.read_text(encoding="cp1252")
    path.write_bytes(text.replace(";2022;", ";202212;").replace(";2023;", ";202312;")
                     .encode("cp1252"))
    edit_csv(grid_workspace, "3;Südwest;202312;", "3;Südwest;202313;")
    set_table_key(grid_workspace, 'year_format = "YYYYMM"')

    with pytest.raises(DataError) as info:
        load(grid_workspace)

    assert info.value.where == "row 8"
    assert "'202313'" in info.value.problem
    assert 'year_format = "YYYYMM"' in info.value.problem
    assert "year_format" in info.value.fix


def test_a_date_coded_year_under_the_default_format_suggests_the_format_it_fits(grid_workspace):
    edit_csv(grid_workspace, "3;Südwest;2023;", "3;Südwest;202312;")

    with pytest.raises(DataError) as info:
        load(grid_workspace)

    assert 'It looks like year_format = "YYYYMM"' in info.value.problem


# --- population from a table ---

# Residents per area and year, not in the boundaries: 2022 all 1000; 2023 100, 2000, 3000, 5000.
EW_CSV = "Nr;Jahr;EW\n1;2022;1.000\n2;2022;1.000\n3;2022;1.000\n4;2022;1.000\n" \
         "1;2023;100\n2;2023;2.000\n3;2023;3.000\n4;2023;5.000\n"
EW_TOML = """
kind = "indicators"
file = "data/ew.csv"
format = "wide"
key_format = { pad = 2 }
[columns]
key = "Nr"
year = "Jahr"
[[indicators]]
id = "ew"
column = "EW"
label = "Einwohner"
unit = "Personen"
polarity = "neutral"
aggregate = "sum"
"""


def residents_from_a_table(workspace: Path) -> None:
    (workspace / "data" / "ew.csv").write_text(EW_CSV, encoding="utf-8")
    (workspace / "layers" / "ew.toml").write_text(EW_TOML, encoding="utf-8")
    areas = workspace / "layers" / "areas.toml"
    edit(areas, 'population = "ew"\n', "")
    edit(areas, "[columns]", 'population_indicator = "ew"\n[columns]')


def test_population_comes_per_year_from_the_named_indicator(grid_workspace):
    residents_from_a_table(grid_workspace)

    dataset = load(grid_workspace)

    assert dataset.population_in(2022).tolist() == [1000.0] * 4
    assert dataset.population_in(2023).to_dict() == {"01": 100.0, "02": 2000.0, "03": 3000.0,
                                                    "04": 5000.0}
    # Pages that show one number of residents show the latest year's.
    assert dataset.areas["population"].tolist() == [100.0, 2000.0, 3000.0, 5000.0]
    assert list(dataset.population_table.columns) == ["area_key", "year", "population"]
    assert len(dataset.population_table) == 8


def test_weighted_city_values_take_each_years_residents(grid_workspace):
    residents_from_a_table(grid_workspace)
    dataset = load(grid_workspace)

    city = city_reference(dataset.indicators, dataset.population_table, dataset.indicator_meta)
    alq = city[city["indicator"] == "alq"].set_index("year")["value"]

    assert alq[2022] == pytest.approx((5 + 10 + 15 + 20) / 4)
    assert alq[2023] == pytest.approx((4 * 100 + 8 * 2000 + 16 * 3000 + 22.5 * 5000) / 10100)


def test_min_population_and_offers_per_1000_use_the_years_residents(grid_workspace):
    residents_from_a_table(grid_workspace)
    write_settings(grid_workspace, "[index]\nmin_population = 500\n")
    dataset = load(grid_workspace)

    before, after = district_analysis(dataset, 2022), district_analysis(dataset, 2023)

    assert before["status_index"].notna().all()
    # Nordwest has 100 residents in 2023, below min_population.
    assert after["status_index"].isna().tolist() == [True, False, False, False]
    # Südost: 1 site per 1000 residents in 2022, per 5000 in 2023; Nordwest 2 per 100 in 2023.
    assert before.loc["04", "per1000_total"] == pytest.approx(1.0)
    assert after.loc["04", "per1000_total"] == pytest.approx(0.2)
    assert after.loc["01", "per1000_total"] == pytest.approx(20.0)


def without_population(workspace: Path) -> None:
    edit(workspace / "layers" / "areas.toml", 'population = "ew"\n', "")


@pytest.mark.parametrize(("settings", "key"), [
    ("[index]\nmin_population = 300\n", "index.min_population"),
    ("[index]\nweighted = true\n", "index.weighted"),
    ("[coverage]\ndistances = [500]\n", "[coverage]"),
])
def test_a_setting_that_needs_residents_where_there_are_none_is_an_error(grid_workspace, settings,
                                                                         key):
    without_population(grid_workspace)
    write_settings(grid_workspace, settings)

    with pytest.raises(SpecError) as info:
        load(grid_workspace)

    assert info.value.where == f"key {key}"
    assert info.value.file.endswith("workspace.toml")
    assert "population_indicator" in info.value.fix and "columns.population" in info.value.fix


def test_validate_exits_1_naming_min_population_when_no_residents_are_known(grid_workspace,
                                                                            capsys):
    without_population(grid_workspace)
    write_settings(grid_workspace, "[index]\nmin_population = 300\n")

    assert main(["validate", str(grid_workspace)]) == 1

    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "index.min_population" in line and "population_indicator" in line


def test_without_residents_and_without_settings_that_need_them_the_report_says_what_stays_empty(
        grid_workspace):
    without_population(grid_workspace)

    dataset = load(grid_workspace)

    assert any("sites per 1,000 residents and the need–offer gap stay empty" in f.message
               for f in dataset.report.findings)


# --- published changes ---

CHANGE_TOML = """
kind = "indicators"
file = "data/chg.csv"
format = "wide"
key_format = { pad = 2 }
[columns]
key = "Nr"
year = "Jahr"
[[indicators]]
id = "alq_chg"
column = "Veränderung ALQ"
label = "Veränderung der Arbeitslosenquote"
unit = "Prozentpunkte"
polarity = "need"
change_of = "alq"
change_years = {years}
"""


def published_changes(workspace: Path, years: int) -> None:
    # Südost publishes no change.
    (workspace / "data" / "chg.csv").write_text(
        "Nr;Jahr;Veränderung ALQ\n1;2023;-1,0\n2;2023;2,0\n3;2023;0,5\n4;2023;\n", encoding="utf-8")
    (workspace / "layers" / "chg.toml").write_text(CHANGE_TOML.replace("{years}", str(years)),
                                                   encoding="utf-8")


def test_published_changes_give_the_dynamics_index_without_the_earlier_years_values(
        grid_workspace):
    published_changes(grid_workspace, 2)
    dataset = load(grid_workspace)

    index = social_index(dataset.indicators, dataset.indicator_meta, dataset.population_in(2023),
                         2023, options=IndexOptions(period=2))

    # No alq value of 2021: only the published changes -1, 2, 0.5 (mean 0.5, population SD
    # √1.5); standardised twice: -1.5/√1.5, 1.5/√1.5, 0; Südost has none.
    root = np.sqrt(1.5)
    assert index["dynamics_index"].tolist()[:3] == pytest.approx([-1.5 / root, 1.5 / root, 0.0])
    assert np.isnan(index.loc["04", "dynamics_index"])
    classes = [c if isinstance(c, str) else None for c in index["dynamics_class"]]
    assert classes == ["positiv", "negativ", "stabil", None]


def test_a_published_change_wins_over_the_computed_one_which_fills_the_gaps(grid_workspace):
    published_changes(grid_workspace, 1)
    dataset = load(grid_workspace)

    index = social_index(dataset.indicators, dataset.indicator_meta, dataset.population_in(2023),
                         2023, options=IndexOptions(period=1))

    # Published -1, 2, 0.5 for 01–03; Südost computed 22.5 − 20 = 2.5 (computed would give
    # -1, -2, 1 for 01–03). Changes -1, 2, 0.5, 2.5: mean 1, population SD √1.875.
    sd = np.sqrt(1.875)
    assert index["dynamics_index"].tolist() == pytest.approx([-2 / sd, 1 / sd, -0.5 / sd, 1.5 / sd])


def test_a_published_change_of_another_length_than_the_period_is_not_used(grid_workspace):
    published_changes(grid_workspace, 3)
    dataset = load(grid_workspace)

    index = social_index(dataset.indicators, dataset.indicator_meta, dataset.population_in(2023),
                         2023, options=IndexOptions(period=2))

    assert index["dynamics_index"].isna().all()


# --- German case counts (the README's worked example) ---

README_CSV = ("Stadtteil;Jahr;Arbeitslosenquote;SGB-II-Quote;Fälle SGB II\n"
              "01;2022;7,9;12,4;1.204\n"
              "01;2023;7,5;12,1;1.180\n"
              "02;2022;12,3;21,0;2.310\n")
README_TOML = """
kind = "indicators"
file = "data/sozialdaten.csv"
format = "wide"
key_format = { pad = 2 }
[columns]
key = "Stadtteil"
year = "Jahr"

[[indicators]]
id = "alq"
column = "Arbeitslosenquote"
label = { de = "Arbeitslosenquote", en = "Unemployment rate" }
unit = "%"
polarity = "need"
in_index = true

[[indicators]]
id = "sgb2"
column = "SGB-II-Quote"
cases = "Fälle SGB II"
label = { de = "SGB-II-Quote", en = "SGB II rate" }
unit = "%"
polarity = "need"
in_index = true
"""


def test_case_counts_are_read_with_the_tables_thousands_marks(grid_workspace):
    (grid_workspace / "data" / "sozialdaten.csv").write_text(README_CSV, encoding="utf-8")
    (grid_workspace / "layers" / "indicators.toml").write_text(README_TOML, encoding="utf-8")
    # "1.204" is 1204 cases: kept at min_cases = 1200, while "1.180" is suppressed.
    write_settings(grid_workspace, "min_cases = 1200\n")

    dataset = load(grid_workspace)

    sgb2 = dataset.indicators[dataset.indicators["indicator"] == "sgb2"].set_index(
        ["area_key", "year"])
    assert sgb2.loc[("01", 2022), "value"] == 12.4
    assert sgb2.loc[("02", 2022), "value"] == 21.0
    assert sgb2.loc[("01", 2023), "suppressed"]
    assert np.isnan(sgb2.loc[("01", 2023), "value"])


def test_case_counts_with_thousands_dots_suppress_only_the_small_areas(grid_workspace):
    # alq rests on the "Kinder" column: 1.200, 300, 450, 2.000 | 1.100, ., 500, 2.100.
    edit(grid_workspace / "layers" / "indicators.toml", 'column = "Arbeitslosenquote"\n',
         'column = "Arbeitslosenquote"\ncases = "Kinder"\n')
    write_settings(grid_workspace, "min_cases = 1000\n")

    dataset = load(grid_workspace)

    alq = dataset.indicators[dataset.indicators["indicator"] == "alq"]
    hidden = {(k, int(y)) for k, y in zip(alq.loc[alq["suppressed"], "area_key"],
                                          alq.loc[alq["suppressed"], "year"], strict=True)}
    assert hidden == {("02", 2022), ("03", 2022), ("03", 2023)}


# --- smaller ---


def test_the_notice_of_areas_without_values_names_the_indicator_files(grid_workspace):
    path = grid_workspace / "data" / "ind.csv"
    lines = path.read_text(encoding="cp1252").splitlines()
    path.write_bytes("\n".join(line for line in lines if not line.startswith("4;")).encode("cp1252"))

    dataset = load(grid_workspace)

    (finding,) = [f for f in dataset.report.findings if "without any indicator value" in f.message]
    assert finding.file == "data/ind.csv"
    assert finding.line().startswith("[notice] data/ind.csv, all indicator tables: 1 area(s)")


def test_zone_share_is_empty_not_zero_without_a_zones_layer(grid_workspace):
    (grid_workspace / "layers" / "zones.toml").unlink()
    dataset = load(grid_workspace)

    layer = districts_layer(dataset.areas, dataset.indicators, dataset.sites, dataset.zone_shares,
                            dataset.zones, year=2023, indicator_ids=["alq"], categories=[])

    assert layer["zone_share"].isna().all()


@pytest.mark.parametrize(("block", "where"), [
    ('aggregate = "weighted_mean"\nbase = "kids"\n', "indicator kinder, key base"),
    ('change_of = "nothing"\nchange_years = 2\n', "indicator kinder, key change_of"),
])
def test_an_indicator_key_naming_no_indicator_is_a_spec_error(grid_workspace, block, where):
    indicators = grid_workspace / "layers" / "indicators.toml"
    edit(indicators, 'aggregate = "sum"\n', block)

    with pytest.raises(SpecError) as info:
        load_catalog(grid_workspace)

    assert info.value.where == where


def test_population_indicator_naming_no_indicator_is_a_spec_error(grid_workspace):
    edit(grid_workspace / "layers" / "areas.toml", "[columns]", 'population_indicator = "ew"\n[columns]')

    with pytest.raises(SpecError) as info:
        load_catalog(grid_workspace)

    assert info.value.where == "key population_indicator"
    assert "alq, kinder" in info.value.fix


@pytest.mark.parametrize("block", [
    'aggregate = "mean"\nbase = "population"\n',
    'change_of = "alq"\n',
])
def test_keys_that_only_make_sense_together_are_spec_errors(grid_workspace, block):
    edit(grid_workspace / "layers" / "indicators.toml", 'aggregate = "sum"\n', block)

    with pytest.raises(SpecError):
        load_catalog(grid_workspace)


def test_a_weighted_mean_without_base_weights_by_the_years_residents(grid_workspace):
    edit(grid_workspace / "layers" / "indicators.toml", 'base = "population"\n', "")

    meta = load_catalog(grid_workspace).indicator_specs

    assert (meta["alq"].aggregate, meta["alq"].base) == ("weighted_mean", "population")
    assert pd.isna(meta["kinder"].base)


# --- the README's worked example, as written there ---


def readme_blocks() -> dict[str, str]:
    """The worked example's code blocks: the CSV and each ``layers/*.toml`` it shows."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = text[text.index("### A worked example"):text.index("`layers/angebote.toml`")]
    # The first block is the CSV, then each spec follows its file name.
    blocks = {"sozialdaten.csv": example.split("```")[1].partition("\n")[2]}
    for label in ("stadtteile.toml", "sozialdaten.toml"):
        start = example.index(f"`layers/{label}`")
        body = example[start:].split("```")[1].partition("\n")[2]
        blocks[label] = body
    return blocks


def test_the_readme_worked_example_loads_with_spec_settings_alone(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    blocks = readme_blocks()
    root = tmp_path / "musterstadt"
    (root / "layers").mkdir(parents=True)
    (root / "geodata").mkdir()
    # STB and stadtbezirke.csv serve an example that also names the parent level.
    gpd.GeoDataFrame({"STT_NR": ["1", "2"], "STT_NAME": ["Altstadt", "Nord"], "STB": ["1", "1"]},
                     geometry=[box(456000, 5480000, 457000, 5481000),
                               box(457000, 5480000, 458000, 5481000)],
                     crs="EPSG:25832").to_file(root / "geodata" / "stadtteile.gpkg", layer="stt")
    (root / "geodata" / "stadtbezirke.csv").write_text("STB;STB_NAME\n1;Mitte\n", encoding="utf-8")
    (root / "geodata" / "sozialdaten.csv").write_bytes(blocks["sozialdaten.csv"].encode("cp1252"))
    for name in ("stadtteile.toml", "sozialdaten.toml"):
        (root / "layers" / name).write_text(blocks[name], encoding="utf-8")
    write_settings(root, "min_cases = 1200\n[index]\nmin_population = 300\n")

    dataset = load(root)

    assert dataset.years == [2022, 2023]
    assert dataset.population_in(2022).to_dict() == {"01": 10315.0, "02": 18870.0}
    assert ("02", 2022) not in values_of(dataset, "kinderarmut")  # -9999 is missing
    assert values_of(dataset, "alq_chg")[("01", 2023)] == -0.6
    sgb2 = dataset.indicators[dataset.indicators["indicator"] == "sgb2"]
    assert sgb2["suppressed"].tolist() == [False, False, True]  # 1.204, 2.310 kept; 1.180 not
    city = city_reference(dataset.indicators, dataset.population_table, dataset.indicator_meta)
    city = city.set_index(["indicator", "year"])["value"]
    assert city[("alq", 2022)] == pytest.approx((7.9 * 10315 + 12.3 * 18870) / (10315 + 18870))
    assert city[("kinderarmut", 2022)] == pytest.approx(21.3)  # Nord's -9999 stays out
    assert city[("ew", 2022)] == 10315 + 18870


@pytest.mark.parametrize("key", ["population_indicator", "missing", "year_format", "year",
                                 "aggregate", "base", "change_of", "change_years", "cases"])
def test_every_key_for_a_citys_own_files_is_documented_in_the_readme_and_the_init_template(key):
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    template = "\n".join(path.read_text(encoding="utf-8")
                         for path in sorted((root / "geodash" / "template" / "layers").glob("*.toml")))
    section = readme[readme.index("## Bring your own city"):readme.index("## The social index")]

    assert f"{key} =" in section or f"`{key}`" in section
    assert f"{key} " in template


# --- year codes, for any date ---

RENDER = {"YYYY": "%Y", "YYYYMM": "%Y%m", "YYYY-MM-DD": "%Y-%m-%d", "DD.MM.YYYY": "%d.%m.%Y"}


@pytest.mark.parametrize("year_format", list(RENDER))
def test_any_date_written_in_a_year_format_gives_its_year(year_format):
    import datetime

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from geodash.catalog import Settings
    from geodash.load import _years
    from geodash.sources import Table

    @settings(max_examples=80, deadline=None)
    @given(st.lists(st.dates(datetime.date(1950, 1, 1), datetime.date(2100, 12, 31)),
                    min_size=1, max_size=5))
    def check(dates):
        texts = pd.Series([d.strftime(RENDER[year_format]) for d in dates])
        table = Table(frame=pd.DataFrame({"Jahr": texts}), path=Path("t.csv"), separator=";",
                      rows=tuple(range(2, len(texts) + 2)))
        years = _years(texts, table, Settings(), "Jahr", year_format)
        assert years.tolist() == [d.year for d in dates]

    check()


# --- German numbers in every numeric column ---


@pytest.mark.parametrize(("x", "y"), [("456.500", "5.481.500"), ("456.500,0", "5.481.500,0")])
def test_projected_coordinates_with_thousands_dots_are_read_as_metres(grid_workspace, x, y):
    edit(grid_workspace / "data" / "sites.csv", "s1;QM Nordwest;qm;456500;5481500",
         f"s1;QM Nordwest;qm;{x};{y}")
    edit(grid_workspace / "data" / "sites.csv", "s2;Kurs Nordwest;kurs;456250;5481750",
         "s2;Kurs Nordwest;kurs;456.250;5.481.750")

    dataset = load(grid_workspace)

    metric = dataset.sites_metric.set_index("site_id").geometry
    assert (metric["s1"].x, metric["s1"].y) == pytest.approx((456500, 5481500))
    assert dataset.sites.set_index("site_id").loc["s1", "area_key"] == "01"


def test_degrees_with_three_decimals_are_not_taken_for_thousands(grid_workspace):
    sites = grid_workspace / "layers" / "sites.toml"
    edit(sites, 'geometry = "xy"\ncrs = "EPSG:25832"', 'geometry = "lonlat"')
    (grid_workspace / "data" / "sites.csv").write_text(
        "ID;Name;Art;X;Y\ns1;QM;qm;8.413;49.494\n", encoding="utf-8")

    dataset = load(grid_workspace)

    point = dataset.sites.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((8.413, 49.494))


def test_residents_written_with_thousands_dots_in_the_boundaries_are_whole_numbers(grid_workspace):
    path = grid_workspace / "data" / "grid.geojson"
    text = path.read_text(encoding="utf-8")
    for pop in (1000, 2000, 3000, 4000):
        text = text.replace(f'"ew": {pop}', f'"ew": "{pop // 1000}.{pop % 1000:03d}"')
    path.write_text(text, encoding="utf-8")

    dataset = load(grid_workspace)

    assert dataset.areas["population"].tolist() == [1000.0, 2000.0, 3000.0, 4000.0]


def test_missing_markers_may_be_written_as_toml_numbers_and_are_trimmed(grid_workspace):
    set_table_key(grid_workspace, 'missing = [-9999, " -999 ", 99999.0]')

    (_, spec), = [item for item in load_catalog(grid_workspace).indicators]

    assert spec.missing == ["-9999", "-999", "99999"]


# --- the demo: each rate's city value rests on its own base ---


@pytest.mark.parametrize(("indicator", "rate_column", "base_column"), [
    ("alq", "Arbeitslosenquote (%)", "Einwohner 15 bis unter 65 J."),
    ("langzeit_alq", "Anteil Langzeitarbeitslose an Arbeitslosen (%)", "Arbeitslose"),
    ("kinderarmut", "SGB-II-Quote unter 15 J. (%)", "Kinder unter 15 J."),
])
def test_demo_city_values_are_weighted_by_each_rates_own_base(indicator, rate_column, base_column):
    import csv

    root = Path(__file__).resolve().parents[1]
    with (root / "geodata" / "indikatoren.csv").open(encoding="cp1252", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Jahr"] == "2023"]
    rate = [float(r[rate_column].replace(",", ".")) for r in rows]
    base = [float(r[base_column].replace(".", "")) for r in rows]
    expected = sum(v * w for v, w in zip(rate, base, strict=True)) / sum(base)

    dataset = load(root)
    city = city_reference(dataset.indicators, dataset.population_table, dataset.indicator_meta)

    value = city.set_index(["indicator", "year"]).loc[(indicator, 2023)]
    assert value["method"] == "weighted_mean"
    assert value["value"] == pytest.approx(expected)
